"""The invoice basis export (Excel and CSV) and the product accounts workbook with live formulas."""
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from data.excel import read_sheet
from data.registers.models import User
from pricing import costbase
from pricing.invoicing import accounts, runs
from pricing.invoicing import exports as invoicing_exports
from tests.pricing.invoicing.helpers import FINANCE
from tests.pricing.invoicing.test_accounts import billed  # noqa: F401  (fixture)
from tests.workbook_formulas import Workbook


def test_invoice_basis_excel_and_csv(session, billed):  # noqa: F811
    a, b, c = billed
    content = invoice_basis = invoicing_exports.invoice_basis_workbook(session, 1)
    headers, rows = read_sheet(content, "Fakturagrunnlag")
    assert headers[:5] == ["Organisasjonsnummer", "Virksomhet", "Tjeneste", "Tjenestevedlegg", "Periode"]
    fixed_b = [r for _n, r in rows if r["Virksomhet"] == b.name and r["Type"] == "Fast"]
    assert len(fixed_b) == 1
    assert Decimal(str(fixed_b[0]["Beløp"])) == Decimal("5000.00")
    assert fixed_b[0]["Periode"] == "2025-Q1" and fixed_b[0]["Tjenestevedlegg"].startswith("svarut/")
    wb = Workbook(load_workbook(BytesIO(invoice_basis)))
    sheet = wb.book["Per virksomhet"]
    values = {sheet[f"B{r}"].value: wb.value("Per virksomhet", f"C{r}") for r in range(2, 5)}
    assert values == {a.name: Decimal("16000"), b.name: Decimal("6000"), c.name: Decimal("3333.33")}   # C: January, a twelfth
    csv_text = invoicing_exports.invoice_basis_csv(session, 1).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Organisasjonsnummer;Virksomhet;Tjeneste;")
    assert ";3333,33" in csv_text


def test_product_accounts_workbook_formulas_equal_the_app(session, billed):  # noqa: F811
    content = invoicing_exports.product_accounts_workbook(session, 2025)
    raw = load_workbook(BytesIO(content))
    assert raw.sheetnames == ["Sammendrag", "svarut"]
    sheet = raw["svarut"]
    assert sheet["B6"].value.startswith("=SUM(") and sheet["B11"].value == "=SUM(B7:B10)"
    assert sheet["B12"].value == "=B6-B11" and sheet["B13"].value.startswith("=IF(")
    wb = Workbook(raw)
    acct = accounts.account(session, "svarut", 2025)
    assert wb.value("svarut", "B6") * 100 == acct.revenue_ore
    assert wb.value("svarut", "B9") * 100 == acct.costs.capital_ore
    assert wb.value("svarut", "B11") * 100 == acct.cost_ore
    assert wb.value("svarut", "B12") * 100 == acct.result_ore
    assert round(wb.value("svarut", "B13"), 10) == round(acct.coverage, 10)
    assert wb.value("Sammendrag", "D2") * 100 == acct.result_ore
    assert wb.value("Sammendrag", "B3") * 100 == acct.revenue_ore      # the total row


def test_fund_workbook_opens(session, billed):  # noqa: F811
    content = invoicing_exports.fund_workbook(session, ["svarut"], today=date(2026, 6, 1))
    headers, rows = read_sheet(content, "svarut")
    assert [r["År"] for _n, r in rows] == [2025]


def test_invoice_basis_names_who_prepared_and_who_approved_the_run(session, billed):  # noqa: F811
    """Four eyes on the export too: the run sheet says who prepared the run and when, next to who approved
    it, by the person's name where the user register knows one."""
    session.add(User(username="finance", full_name="Frida Finans"))
    session.flush()
    run = runs.get_run(session, 1)
    raw = load_workbook(BytesIO(invoicing_exports.invoice_basis_workbook(session, 1)))
    cells = {row[0].value: row[1] for row in raw["Kjøringen"].iter_rows(min_row=1)}
    assert cells["Utarbeidet av"].value == "Frida Finans"
    assert abs(cells["Utarbeidet"].value - run.prepared_at.replace(tzinfo=None)) < timedelta(seconds=1)
    assert cells["Utarbeidet"].number_format == "DD.MM.YYYY HH:MM"
    assert cells["Godkjent av"].value == "leader"            # no full name in the register: the user name
    assert abs(cells["Godkjent"].value - run.approved_at.replace(tzinfo=None)) < timedelta(seconds=1)
    assert run.prepared_by == "finance" and run.prepared_at <= run.approved_at


def test_product_accounts_show_a_deviation_only_where_the_year_has_actuals(session, billed):  # noqa: F811
    """2025 has actual costs: actual − budget per row, as a formula that recomputes to the app's figures.
    2026 has only a budget: the deviation column says «–» on every row, never budget against itself."""
    costbase.save_cost_item(session, FINANCE, {"year": 2026, "basis": "budget", "service": "svarut",
                                               "cost_type": "operations", "description": "Drift",
                                               "amount_ore": 21_000_000})
    raw = load_workbook(BytesIO(invoicing_exports.product_accounts_workbook(session, 2025)))
    assert raw["svarut"]["D5"].value == "Avvik"
    assert [raw["svarut"][f"D{r}"].value for r in range(6, 13)] == [f"=B{r}-C{r}" for r in range(6, 13)]
    wb = Workbook(raw)
    acct = accounts.account(session, "svarut", 2025)
    assert acct.basis == "actual"
    assert wb.value("svarut", "D7") * 100 == acct.costs.direct_ore - acct.budget.direct_ore
    assert wb.value("svarut", "D12") * 100 == acct.result_ore - acct.budget_result_ore

    budget_year = accounts.account(session, "svarut", 2026)
    assert budget_year.basis == "budget" and budget_year.cost_ore > 0
    sheet = load_workbook(BytesIO(invoicing_exports.product_accounts_workbook(session, 2026)))["svarut"]
    assert sheet["A2"].value == "Ingen regnskapstall ennå: kostnadene er budsjettall."
    assert [sheet[f"D{r}"].value for r in range(6, 13)] == ["–"] * 7
    assert sheet["B7"].value.startswith("=SUM(") and sheet["C7"].value == Decimal("210000")
