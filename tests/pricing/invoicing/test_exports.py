"""The invoice basis export (Excel and CSV) and the product accounts workbook with live formulas."""
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from data.excel import read_sheet
from pricing.invoicing import accounts
from pricing.invoicing import exports as invoicing_exports
from tests.pricing.formulas import Workbook
from tests.pricing.invoicing.test_accounts import billed  # noqa: F401  (fixture)


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
    sheet = wb.wb["Per virksomhet"]
    values = {sheet[f"B{r}"].value: wb.value("Per virksomhet", f"C{r}") for r in range(2, 5)}
    assert values == {a.name: Decimal("16000"), b.name: Decimal("6000"), c.name: Decimal("3444.44")}
    csv_text = invoicing_exports.invoice_basis_csv(session, 1).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Organisasjonsnummer;Virksomhet;Tjeneste;")
    assert ";3444,44" in csv_text


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
