"""Every workbook with per-organisation figures, recalculated as a spreadsheet would, equals the app's
figures per organisation: keyed by organisation number, with the real namesakes (Herøy 1515 and 1818,
Våler 3114 and 3419) in the demo data (issue 18, item 1).

The formulas are evaluated by tests/workbook_formulas.py (the functions the exports use); a formula it
does not know fails the test rather than passing unchecked.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from data.excel import workbook_bytes
from data.i18n import t
from data.registers.models import Organisation
from pricing import exports as pricing_exports
from pricing import pricelists
from pricing.invoicing import accounts
from pricing.invoicing import exports as invoicing_exports
from pricing.invoicing import runs as invoicing
from pricing.invoicing.models import InvoiceLine, InvoiceRun
from pricing.models import PriceCalculation
from tests.workbook_formulas import Workbook

NAMESAKES = {"1515": "Herøy", "1818": "Herøy", "3114": "Våler", "3419": "Våler"}


def _kr(ore) -> Decimal:
    return Decimal(int(ore)) / 100


def _namesake_numbers(session) -> dict[str, str]:
    """{municipality number: organisation number} of the namesakes in the demo's register."""
    rows = session.execute(select(Organisation.municipality_number, Organisation.org_number, Organisation.name)
                           .where(Organisation.municipality_number.in_(NAMESAKES),
                                  Organisation.valid_to.is_(None))).all()
    assert {r.municipality_number for r in rows} == set(NAMESAKES)
    assert all(r.name.startswith(NAMESAKES[r.municipality_number]) for r in rows)
    assert all(r.org_number for r in rows), "the namesakes need organisation numbers"
    return {r.municipality_number: r.org_number for r in rows}


def _sheet_rows(book: Workbook, sheet: str, key_column: int, value_column: int) -> tuple[dict, Decimal | None]:
    """{key: evaluated value} of a sheet's data rows, and the evaluated total row (label in column A)."""
    worksheet = book.book[sheet]
    out, total = {}, None
    for row in range(2, worksheet.max_row + 1):
        label = book.raw(sheet, row, 1)
        if label == t("export.total"):
            total = book.cell(sheet, row, value_column)
            continue
        key = book.raw(sheet, row, key_column)
        if key is None and label is None:
            continue
        assert key not in out, f"{sheet}: {key} appears twice"
        out[key] = book.cell(sheet, row, value_column)
    return out, total


def test_demo_namesakes_adopt_with_appendices_usage_and_invoices(demo_session):
    numbers = _namesake_numbers(demo_session)
    billed = set(demo_session.scalars(select(InvoiceLine.org_number).distinct()))
    assert set(numbers.values()) <= billed


def _line(org_id: int, org_number: str, name: str, amount_ore: int, kind: str = "fixed") -> dict:
    return {"id": org_id, "kind": kind, "organisation_id": org_id, "org_number": org_number,
            "organisation_name": name, "service_code": "svarut", "appendix_reference": "SV-1", "period": "2025-Q1",
            "billed_from": date(2025, 1, 1), "billed_to": date(2025, 3, 31), "description": "SvarUt",
            "quantity": Decimal(1), "unit": "stk", "unit_price": Decimal(amount_ore), "amount_ore": amount_ore}


def test_invoice_basis_sums_namesakes_apart_by_organisation_number():
    """The sheet that once added the two Herøy together: SUMIFS on the number column keeps them apart, and
    an organisation without a number gets its own sum as a value."""
    lines = [_line(1, "964978840", "Herøy", 1_234_567), _line(2, "959272581", "Herøy", 98_765),
             _line(1, "964978840", "Herøy", 1_000, "usage"), _line(3, "871034222", "Våler", 50_000),
             _line(4, "872417982", "Våler", 7_015), _line(5, "", "Uten nummer", 333), _line(6, "", "Uten nummer", 444),
             _line(4, "872417982", "Våler", -15, "credit")]
    book = Workbook(workbook_bytes(invoicing_exports.basis_workbook(None, 0, lines)))
    sheet = t("inv.sheet.per_organisation")
    figures = [(book.raw(sheet, row, 1), book.raw(sheet, row, 2), book.cell(sheet, row, 3)) for row in range(2, 8)]
    assert figures == [("959272581", "Herøy", Decimal("987.65")), ("964978840", "Herøy", Decimal("12355.67")),
                       (None, "Uten nummer", Decimal("3.33")), (None, "Uten nummer", Decimal("4.44")),
                       ("871034222", "Våler", Decimal("500.00")), ("872417982", "Våler", Decimal("70.00"))]
    assert [str(book.raw(sheet, row, 3))[:8] for row in range(2, 8)] == ["=SUMIFS(", "=SUMIFS(", "3.33", "4.44",
                                                                      "=SUMIFS(", "=SUMIFS("]
    assert book.value(sheet, "C8") == Decimal("13921.09")   # the sheet's total equals the lines' total
    assert book.value(t("inv.sheet.lines"), "M10") == Decimal("13921.09")


def test_invoice_basis_per_organisation_sheet_recalculates_to_the_run_by_organisation(demo_session):
    numbers = _namesake_numbers(demo_session)
    runs = list(demo_session.scalars(select(InvoiceRun.number).order_by(InvoiceRun.number)))
    assert runs, "the demo has invoice runs"
    namesakes_seen = set()
    for number in runs:
        run = invoicing.get_run(demo_session, number)
        expected: dict[str, int] = defaultdict(int)
        for line in invoicing.line_rows(demo_session, number):
            assert line["org_number"], f"run {number}: a line without an organisation number"
            expected[line["org_number"]] += line["amount_ore"]
        book = Workbook(invoicing_exports.invoice_basis_workbook(demo_session, number))
        sheet = t("inv.sheet.per_organisation")
        figures, total = _sheet_rows(book, sheet, 1, 3)
        assert {k: v for k, v in figures.items()} == {k: _kr(v) for k, v in expected.items()}, f"run {number}"
        assert total == _kr(run.total_ore), f"run {number}: sheet total against run total"
        for row in range(2, len(figures) + 2):   # formulas, not pasted values
            assert str(book.raw(sheet, row, 3)).startswith("=SUMIFS("), f"run {number} row {row}"
        namesakes_seen |= set(numbers.values()) & set(figures)
    assert namesakes_seen == set(numbers.values())


def test_calculation_and_bills_workbooks_recalculate_to_each_organisations_bill(demo_session):
    numbers = _namesake_numbers(demo_session)
    calculations = list(demo_session.scalars(select(PriceCalculation).order_by(PriceCalculation.id)))
    assert calculations
    namesakes_seen = set()
    for calc in calculations:
        label = f"calculation {calc.id} ({calc.inputs['service']} {calc.inputs['year']})"
        charges = calc.result["charges"]
        expected = {c["org_number"]: _kr(c["total_ore"]) for c in charges}
        assert len(expected) == len(charges), f"{label}: an organisation number twice or missing"
        by_kind = {c["org_number"]: _kr(c["total_ore"]) for c in calc.result.get("kind_charges") or []}
        book = Workbook(pricing_exports.calculation_workbook(demo_session, calc))
        sheet = t("price.xl.adopters")
        headers = [book.raw(sheet, 1, c) for c in range(1, book.book[sheet].max_column + 1)]
        total_column = headers.index(t("price.col.total_bill")) + 1
        org_column = headers.index(t("price.col.org_number")) + 1
        figures, _total = _sheet_rows(book, sheet, org_column, total_column)
        assert figures == expected, label
        if by_kind:
            kind_figures, _total = _sheet_rows(book, t("price.xl.kinds"), 2, 7)
            assert kind_figures == by_kind, label
        summary = t("price.xl.summary")
        assert book.value(summary, "B9") == _kr(calc.result["expected_revenue_ore"]), label
        assert book.value(summary, "B8") == _kr(calc.result["self_cost_ore"]), label
        bills = Workbook(pricing_exports.bills_workbook(calc))
        bill_figures, bill_total = _sheet_rows(bills, t("price.xl.bills"), 2, 5)
        assert bill_figures == expected | by_kind, label
        assert bill_total == _kr(calc.result["expected_revenue_ore"]), label
        namesakes_seen |= set(numbers.values()) & set(figures)
    assert namesakes_seen == set(numbers.values())


@pytest.mark.parametrize("year", [2025])
def test_organisation_bills_workbook_recalculates_to_each_organisations_total(demo_session, year):
    codes, rows = pricelists.bills_by_organisation(demo_session, year)
    if not rows:
        pytest.skip(f"no price list in force in {year} in the demo")
    book = Workbook(pricing_exports.organisation_bills_workbook(year, codes, rows))
    sheet = t("price.xl.organisation_bills", year=year)
    total_column = 4 + len(codes)
    figures, total = _sheet_rows(book, sheet, 2, total_column)
    expected = {r["org_number"]: _kr(r["total_ore"]) for r in rows}
    assert figures == expected
    assert total == sum(expected.values(), Decimal(0))


def test_product_accounts_recalculate_to_the_accounts_and_revenue_per_organisation(demo_session):
    years = accounts.years_with_accounts(demo_session)
    assert years
    year = max(y for y in years if y <= 2025)
    codes = accounts.services_with_accounts(demo_session)
    book = Workbook(invoicing_exports.product_accounts_workbook(demo_session, year, codes))
    summary = t("acct.sheet.summary")
    for row, code in enumerate(codes, start=2):
        account = accounts.account(demo_session, code, year)
        assert book.cell(summary, row, 2) == _kr(account.revenue_ore), code
        assert book.cell(summary, row, 3) == _kr(account.cost_ore), code
        assert book.cell(summary, row, 4) == _kr(account.result_ore), code
        # the revenue block: one row per organisation (by id), summing to the revenue figure
        sheet = code[:31]
        revenue = {r["org_number"]: _kr(r["amount_ore"]) for r in accounts.revenue_lines(demo_session, code, year)}
        found = {}
        for r in range(18, 18 + len(revenue)):
            found[book.raw(sheet, r, 1)] = book.cell(sheet, r, 4)
        assert found == revenue, code
