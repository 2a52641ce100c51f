"""The calculation sheet: live formulas whose recomputed values equal the app's figures to the øre."""
import io
from datetime import timedelta
from decimal import Decimal

from openpyxl import load_workbook

from data.i18n import t
from pricing import capital, costbase, digifin, exports, pricelists, selfcost
from tests.conftest import make_actor
from tests.pricing.helpers import adopters, orgs, simple_cost_base
from tests.workbook_formulas import Workbook

FINANCE = make_actor("finance")


def _full_case(session):
    simple_cost_base(session, FINANCE, amount_ore=123_456_789)
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "service": "svarut", "cost_type": "management",
                                               "description": "=Styret", "amount_ore": 500_000,
                                               "counts_toward_self_cost": False})
    costbase.save_pool(session, FINANCE, {"year": 2025, "code": "felles", "name": "Felles", "key_type": "usage"})
    costbase.set_key_figures(session, FINANCE, 2025, "felles", {"figures": {"svarut": 7, "digisos": 5}})
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "pool": "felles", "cost_type": "administration",
                                               "description": "Husleie", "amount_ore": 10_000_001})
    capital.set_rate(session, FINANCE, {"year": 2025, "swap_rate": "3.77"})
    capital.save_investment(session, FINANCE, {"service": "svarut", "name": "Plattform", "amount_ore": 7_777_777,
                                               "year_in_use": 2022, "years_of_use": 7})
    digifin.save_loan(session, FINANCE, {"service": "svarut", "name": "Lån", "interest_rate": "3.3",
                                         "first_repayment_year": 2024, "repayment_years": 5,
                                         "drawdowns": [{"on_date": "2023-03-15", "amount_ore": 3_000_000}]})
    rows = orgs(session, 800, 4_500, 12_000, 61_000, 250_000)
    model = {"components": [
        {"basis": "organisation", "share": "25"},
        {"basis": "inhabitant", "share": "45", "minimum_fee_ore": 900_000, "tiers": [
            {"up_to": 5_000, "factor": "1"}, {"up_to": 50_000, "factor": "0.6"}, {"up_to": None, "factor": "0.3"}]},
        {"basis": "unit", "share": "30", "tier_mode": "volume", "unit_label": "brev", "tiers": [
            {"up_to": 10_000, "factor": "1"}, {"up_to": None, "factor": "0.8"}]}]}
    calc = selfcost.calculate_price(session, FINANCE, {
        "service": "svarut", "year": 2025, "model": model, "fund_use_ore": 1_234_567,
        "adopters": adopters(rows, [1_200, 9_000, 15_000, 80_000, 410_000])})
    return calc


def test_sheet_has_formulas_and_recomputes_to_the_shown_price(session):
    calc = _full_case(session)
    pricelists.approve(session, make_actor("leader"), {"calculation_id": calc.id})
    content = exports.calculation_workbook(session, calc)
    wb = load_workbook(io.BytesIO(content))
    names = {k: t(f"price.xl.{k}") for k in ("summary", "direct", "allocation", "capital", "prices", "tiers",
                                              "adopters", "inputs")}
    assert wb.sheetnames[0] == names["summary"]
    summary = wb[names["summary"]]
    assert summary["B7"].value == "=B2+B3+B4+B5-B6" and summary["B8"].value == "=ROUND(B7,2)"
    assert wb[names["allocation"]]["G2"].value == "=E2/F2"                       # share = figure / total
    assert wb[names["capital"]]["F2"].value == "=B2/D2"                          # linear depreciation
    assert wb[names["prices"]]["I2"].value.startswith("=ROUND(D2/E2")           # fee = cost / organisations
    assert "/H3" in wb[names["prices"]]["I3"].value                               # rate = cost / volume
    # user text never becomes a formula
    assert wb[names["direct"]]["B3"].value == "'=Styret" or wb[names["direct"]]["B2"].value == "'=Styret"

    book = Workbook(wb)
    result = calc.result
    assert book.value(names["summary"], "B8") == Decimal(result["self_cost_ore"]) / 100
    assert abs(book.value(names["summary"], "B7") - Decimal(result["self_cost"]) / 100) < Decimal("0.000001")
    for index, comp in enumerate(result["components"]):
        tiers = [row for row in range(2, wb[names["tiers"]].max_row + 1)
                 if wb[names["tiers"]][f"A{row}"].value.startswith(f"{index + 1}.")]
        shown = [book.value(names["tiers"], f"F{row}") for row in tiers]
        assert shown == [Decimal(p) / 100 for p in comp["tier_prices_ore"]], comp["basis"]
    adopters_sheet = wb[names["adopters"]]
    header = [c.value for c in adopters_sheet[1]]
    total_col = header.index(t("price.col.total_bill")) + 1
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(total_col)
    for row, charge in enumerate(result["charges"], start=2):
        assert book.value(names["adopters"], f"{letter}{row}") == Decimal(charge["total_ore"]) / 100, charge["name"]
    assert book.value(names["summary"], "B9") == Decimal(result["expected_revenue_ore"]) / 100
    inputs = [r[0].value for r in wb[names["inputs"]].iter_rows(min_row=2)]
    assert t("price.doc.approved") in inputs and t("price.doc.key_figures", pool="felles") in inputs


def test_price_list_and_bills_exports(session):
    calc = _full_case(session)
    pricelists.approve(session, make_actor("leader"), {"calculation_id": calc.id})
    rows = pricelists.price_list_rows(session, 2025)
    wb = load_workbook(io.BytesIO(exports.price_list_workbook(rows)))
    sheet = wb.active
    assert sheet.max_row == 1 + 1 + 3 + 2          # header, fee, 3 inhabitant tiers, 2 unit tiers
    headers = [cell.value for cell in sheet[1]]
    assert headers[-4:] == ["Utarbeidet av", "Utarbeidet", "Godkjent av", "Godkjent"]
    price_list = pricelists.approved_price(session, "svarut", 2025)
    for row in sheet.iter_rows(min_row=2, values_only=True):      # both people on every row, to the millisecond
        assert (row[-4], row[-2]) == ("finance", "leader")
        assert abs(row[-3] - price_list.prepared_at.replace(tzinfo=None)) < timedelta(milliseconds=1)
        assert abs(row[-1] - price_list.approved_at.replace(tzinfo=None)) < timedelta(milliseconds=1)
    named = load_workbook(io.BytesIO(exports.price_list_workbook(rows, {"finance": "Frida Finans",
                                                                        "leader": "Lars Leder"}))).active
    assert [named.cell(row=2, column=c).value for c in (len(headers) - 3, len(headers) - 1)] == \
        ["Frida Finans", "Lars Leder"]
    sheet = load_workbook(io.BytesIO(exports.calculation_workbook(session, calc)))[t("price.xl.inputs")]
    documented = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert documented["Utarbeidet"].startswith("finance ") and documented["Godkjent"].startswith("leader ")
    wb = load_workbook(io.BytesIO(exports.bills_workbook(calc)))
    assert wb.active["E2"].value == Decimal(calc.result["charges"][0]["total_ore"]) / 100 or \
        float(wb.active["E2"].value) == calc.result["charges"][0]["total_ore"] / 100
