"""Exports of the invoice basis (Excel and CSV for the accounting system) and the product accounts
(Excel with live formulas: sums, cost, result and coverage ratio; one sheet per service plus a summary).

Every figure of the product accounts is a formula over detail rows on the same sheet: revenue per
organisation (from invoice lines), direct cost items, allocated shared costs, capital costs and
Digifin repayments. Opened in a spreadsheet, the formulas give the same values as the app.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.excel import (
    FORMATS,
    HEADER_FILL,
    HEADER_FONT,
    Column,
    add_sheet,
    csv_export,
    new_workbook,
    safe_text,
)
from data.excel import workbook_bytes as _bytes
from data.i18n import t
from data.registers.registry import get_service
from pricing import capital, costbase, digifin
from pricing.exports import person_names
from pricing.invoicing import accounts, ehf, fund
from pricing.invoicing import runs as invoicing
from pricing.models import CostItem

BOLD = Font(bold=True)
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")


def _kr(ore) -> Decimal:
    return Decimal(str(ore)) / 100


# --- invoice basis ------------------------------------------------------------------------------------


def basis_headers() -> list[str]:
    return [t("inv.col.org_number"), t("inv.col.organisation"), t("inv.col.service"), t("inv.col.appendix"),
            t("inv.col.period"), t("inv.col.from"), t("inv.col.to"), t("inv.col.kind"), t("inv.col.description"),
            t("inv.col.quantity"), t("inv.col.unit"), t("inv.col.unit_price"), t("inv.col.amount")]


def basis_rows(session: Session, number: int, lines: list[dict] | None = None) -> list[list]:
    out = []
    for x in invoicing.line_rows(session, number) if lines is None else lines:
        out.append([x["org_number"] or "", x["organisation_name"], x["service_code"], x["appendix_reference"],
                    x["period"], x["billed_from"], x["billed_to"], t(f"inv.kind.{x['kind']}"), x["description"],
                    Decimal(x["quantity"]).normalize() if x["quantity"] == x["quantity"].to_integral()
                    else Decimal(x["quantity"]), x["unit"],
                    (Decimal(x["unit_price"]) / 100).quantize(Decimal("0.0001")), x["amount_ore"]])
    return out


def invoice_basis_workbook(session: Session, number: int) -> bytes:
    run = invoicing.get_run(session, number)
    wb = basis_workbook(session, number, invoicing.line_rows(session, number))
    info = wb.create_sheet(t("inv.sheet.run"))
    people = person_names(session)      # four eyes: who prepared the run and who approved it, by name
    for label, value in ((t("inv.col.run"), run.number), (t("inv.col.period"), run.period),
                         (t("inv.col.run_kind"), t(f"inv.run_kind.{run.kind}")),
                         (t("inv.col.prepared_by"), people.get(run.prepared_by, run.prepared_by) or "–"),
                         (t("inv.col.prepared_at"), run.prepared_at.replace(tzinfo=None) if run.prepared_at else "–"),
                         (t("inv.col.approved_by"), people.get(run.approved_by, run.approved_by)),
                         (t("inv.col.approved_at"), run.approved_at.replace(tzinfo=None)),
                         (t("inv.col.reason"), safe_text(run.reason)), (t("inv.col.lines"), run.line_count),
                         (t("inv.col.amount"), _kr(run.total_ore))):
        info.append([label, value])
        if isinstance(value, datetime):
            info.cell(row=info.max_row, column=2).number_format = FORMATS["datetime"]
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 24, 40
    return _bytes(wb)


def basis_workbook(session: Session, number: int, lines: list[dict]):
    """The lines sheet and the per-organisation sheet of a run's invoice basis (an openpyxl workbook)."""
    rows = basis_rows(session, number, lines)
    wb = new_workbook()
    columns = [Column(h) for h in basis_headers()]
    for index in (5, 6):
        columns[index].kind = "date"
    columns[9].kind, columns[11].kind, columns[12].kind = "decimal", "money", "money"
    add_sheet(wb, t("inv.sheet.lines"), columns, rows, total_columns=(len(columns),))
    add_sheet(wb, t("inv.sheet.per_organisation"),
              [Column(t("inv.col.org_number")), Column(t("inv.col.organisation")), Column(t("inv.col.amount"), "money")],
              per_organisation_rows(lines), total_columns=(3,))
    return wb


def per_organisation_rows(lines: list[dict]) -> list[list]:
    """The per-organisation sheet: one row per organisation (by id, never by name: two municipalities are
    called Herøy, two Våler), its amount a live SUMIFS over the lines sheet's organisation-number column.
    An organisation without a number (an old run; a run is not approved without one) gets its sum as a
    value, since an empty number would gather every such organisation's lines."""
    lines_sheet = t("inv.sheet.lines")
    last = len(lines) + 1
    key = get_column_letter(basis_headers().index(t("inv.col.org_number")) + 1)
    amount = get_column_letter(basis_headers().index(t("inv.col.amount")) + 1)
    orgs: dict[int, dict] = {}
    for x in lines:
        org = orgs.setdefault(x["organisation_id"], {"org_number": x["org_number"] or "",
                                                     "name": x["organisation_name"], "amount_ore": 0})
        org["amount_ore"] += x["amount_ore"]
    ordered = sorted(orgs.items(), key=lambda item: (item[1]["name"], item[1]["org_number"], item[0]))
    return [[org["org_number"], org["name"],
             f"=SUMIFS('{lines_sheet}'!${amount}$2:${amount}${last},'{lines_sheet}'!${key}$2:${key}${last},A{i})"
             if org["org_number"] else org["amount_ore"]]
            for i, (_org_id, org) in enumerate(ordered, start=2)]


def invoice_basis_csv(session: Session, number: int) -> bytes:
    rows = basis_rows(session, number)
    for row in rows:
        row[12] = _kr(row[12]).quantize(Decimal("0.01"))
    return csv_export(basis_headers(), rows)


# --- product accounts -----------------------------------------------------------------------------------


def _title(sheet, row: int, text: str) -> None:
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = BOLD
    for col in range(1, 6):
        sheet.cell(row=row, column=col).fill = SECTION_FILL


def _header(sheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=col, value=text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT


def _money(cell) -> None:
    cell.number_format = FORMATS["money"]


def _detail(sheet, row: int, title: str, headers: list[str], rows: list[list], amount_col: int) -> tuple[int, str]:
    """A titled block of rows; returns (next free row, the formula summing its amount column)."""
    _title(sheet, row, title)
    _header(sheet, row + 1, headers)
    first = row + 2
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=first + offset, column=col, value=safe_text(value) if isinstance(value, str) else value)
            if col == amount_col:
                _money(cell)
    last = first + len(rows) - 1
    letter = get_column_letter(amount_col)
    total = f"SUM({letter}{first}:{letter}{last})" if rows else "0"
    return last + 2 if rows else first + 1, total


def _service_sheet(wb, session: Session, code: str, year: int) -> dict[str, str]:
    """One service's accounts; returns the cells (on this sheet) holding its key figures."""
    acct = accounts.account(session, code, year)
    service = get_service(session, code)
    sheet = wb.create_sheet(code[:31])
    sheet.column_dimensions["A"].width = 44
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 20
    sheet.cell(row=1, column=1, value=t("acct.sheet_title", service=service.name, year=year)).font = Font(bold=True,
                                                                                                          size=14)
    sheet.cell(row=2, column=1, value=t(f"acct.basis.{acct.basis}"))
    start = 16
    revenue_rows = [[r["org_number"] or "", r["organisation"], r["lines"], _kr(r["amount_ore"])]
                    for r in accounts.revenue_lines(session, code, year)]
    row, revenue_sum = _detail(sheet, start, t("acct.section.revenue"),
                               [t("inv.col.org_number"), t("inv.col.organisation"), t("inv.col.lines"),
                                t("inv.col.amount")], revenue_rows, 4)
    items = session.scalars(select(CostItem).where(CostItem.service_id == service.id, CostItem.year == year,
                                                   CostItem.basis == acct.basis,
                                                   CostItem.counts_toward_self_cost.is_(True))
                            .order_by(CostItem.cost_type, CostItem.id))
    direct_rows = [[x.description, t(f"price.type.{x.cost_type}"), "", _kr(x.amount_ore)] for x in items]
    row, direct_sum = _detail(sheet, row, t("acct.section.direct"),
                              [t("acct.col.description"), t("acct.col.cost_type"), "", t("inv.col.amount")],
                              direct_rows, 4)
    alloc_rows = [[x.pool_name, _kr(x.pool_total_ore), x.share, _kr(x.allocated)]
                  for x in costbase.allocation_for(session, service.id, year, acct.basis)]
    row, alloc_sum = _detail(sheet, row, t("acct.section.allocated"),
                             [t("acct.col.pool"), t("acct.col.pool_total"), t("acct.col.share"), t("inv.col.amount")],
                             alloc_rows, 4)
    for r in range(row - len(alloc_rows) - 1, row):
        _money(sheet.cell(row=r, column=2))
    try:
        capital_rows = [[x.investment, _kr(x.depreciation), _kr(x.interest), _kr(x.total)]
                        for x in capital.capital_lines(session, service.id, year) if x.counts]
    except Exception:   # a missing rate: the app shows 0 and a warning, and so does the sheet
        capital_rows = []
    row, capital_sum = _detail(sheet, row, t("acct.section.capital"),
                               [t("acct.col.investment"), t("acct.col.depreciation"), t("acct.col.interest"),
                                t("inv.col.amount")], capital_rows, 4)
    loan_rows = [[name, "", "", _kr(amount)] for name, amount in digifin.payment_in_year(session, service.id, year)]
    row, loan_sum = _detail(sheet, row, t("acct.section.digifin"),
                            [t("acct.col.loan"), "", "", t("inv.col.amount")], loan_rows, 4)
    # key figures at the top, as formulas over the detail blocks
    _title(sheet, 4, t("acct.section.summary"))
    _header(sheet, 5, [t("acct.col.item"), t("acct.col.actual"), t("acct.col.budget"), t("acct.col.deviation")])
    budget = acct.budget
    figures = [
        ("revenue", f"={revenue_sum}", _kr(acct.budget_revenue_ore or 0)),
        ("direct", f"={direct_sum}", _kr(budget.direct_ore)),
        ("allocated", f"=ROUND({alloc_sum},2)", _kr(budget.allocated_ore)),
        ("capital", f"=ROUND({capital_sum},2)", _kr(budget.capital_ore)),
        ("digifin", f"=ROUND({loan_sum},2)", _kr(budget.digifin_ore)),
        ("cost", "=SUM(B7:B10)", "=SUM(C7:C10)"),
        ("result", "=B6-B11", "=C6-C11"),
    ]
    for offset, (key, actual, planned) in enumerate(figures):
        r = 6 + offset
        sheet.cell(row=r, column=1, value=t(f"acct.item.{key}"))
        # actual − budget only where the year has actual costs; a budget-basis year shows «–», never a
        # deviation of its budget against itself
        deviation = f"=B{r}-C{r}" if acct.basis == "actual" else "–"
        for col, value in ((2, actual), (3, planned), (4, deviation)):
            _money(sheet.cell(row=r, column=col, value=value))
        if key in ("cost", "result"):
            for col in range(1, 5):
                sheet.cell(row=r, column=col).font = BOLD
    sheet.cell(row=13, column=1, value=t("acct.item.coverage")).font = BOLD
    for col, letter in ((2, "B"), (3, "C")):
        cell = sheet.cell(row=13, column=col, value=f'=IF({letter}11=0,"",{letter}6/{letter}11)')
        cell.number_format, cell.font = FORMATS["percent"], BOLD
    sheet.freeze_panes = "A6"
    return {"revenue": "B6", "cost": "B11", "result": "B12", "coverage": "B13", "budget_result": "C12"}


def product_accounts_workbook(session: Session, year: int, services: list[str] | None = None) -> bytes:
    codes = services or accounts.services_with_accounts(session)
    wb = new_workbook()
    summary = wb.create_sheet(t("acct.sheet.summary"))
    headers = [t("acct.col.service"), t("acct.item.revenue"), t("acct.item.cost"), t("acct.item.result"),
               t("acct.item.coverage"), t("acct.col.budget_result")]
    _header(summary, 1, headers)
    for index, code in enumerate(codes, start=2):
        cells = _service_sheet(wb, session, code, year)
        ref = f"'{code[:31]}'!"
        summary.cell(row=index, column=1, value=code)
        for col, key in ((2, "revenue"), (3, "cost"), (4, "result"), (6, "budget_result")):
            _money(summary.cell(row=index, column=col, value=f"={ref}{cells[key]}"))
        summary.cell(row=index, column=5, value=f'=IF(C{index}=0,"",B{index}/C{index})').number_format = \
            FORMATS["percent"]
    total = len(codes) + 2
    summary.cell(row=total, column=1, value=t("export.total")).font = BOLD
    if codes:
        for col in (2, 3, 4, 6):
            letter = get_column_letter(col)
            cell = summary.cell(row=total, column=col, value=f"=SUM({letter}2:{letter}{total - 1})")
            _money(cell)
            cell.font = BOLD
        cell = summary.cell(row=total, column=5, value=f'=IF(C{total}=0,"",B{total}/C{total})')
        cell.number_format, cell.font = FORMATS["percent"], BOLD
    for letter, width in zip("ABCDEF", (18, 20, 20, 20, 14, 20), strict=True):
        summary.column_dimensions[letter].width = width
    summary.freeze_panes = "A2"
    return _bytes(wb)


def fund_workbook(session: Session, codes: list[str], today=None) -> bytes:
    wb = new_workbook()
    for code in codes:
        statement = fund.statement(session, code, today)
        rows = [[y.year, y.opening_ore, y.result_ore, y.rate_percent, y.interest_ore, y.closing_ore,
                 y.set_aside_ore, y.drawn_ore, y.recovered_ore, y.new_deficit_ore, y.correction_ore,
                 y.year_end_text()] for y in statement.years]
        add_sheet(wb, code, [Column(t("fund.col.year"), "int"), Column(t("fund.col.opening"), "money"),
                             Column(t("acct.item.result"), "money"), Column(t("fund.col.rate"), "decimal"),
                             Column(t("fund.col.interest"), "money"), Column(t("fund.col.closing"), "money"),
                             Column(t("fund.col.set_aside"), "money"), Column(t("fund.col.drawn"), "money"),
                             Column(t("fund.col.recovered"), "money"), Column(t("fund.col.new_deficit"), "money"),
                             Column(t("fund.col.correction"), "money"), Column(t("fund.col.closed"), width=34)],
                  rows)
    if not codes:
        add_sheet(wb, t("acct.sheet.summary"), [Column(t("fund.col.year"))], [])
    return _bytes(wb)


# --- EHF (issue 21): the run's documents as files, a summary CSV and one zip -----------------------------------


def ehf_summary_csv(rows: list[dict]) -> bytes:
    """Document, organisation number, name, amounts excl./incl. VAT (as the documents state them)."""
    headers = [t("ehf.col.document"), t("ehf.col.kind"), t("inv.col.org_number"), t("inv.col.organisation"),
               t("ehf.col.excl_vat"), t("ehf.col.vat"), t("ehf.col.incl_vat"), t("ehf.col.credits"),
               t("ehf.col.kid"), t("ehf.col.due_date"), t("ehf.col.file")]
    return csv_export(headers, [[r["document"], t(f"ehf.kind.{r['kind']}"), r["org_number"], r["organisation"],
                                 _kr(r["excl_vat_ore"]), _kr(r["vat_ore"]), _kr(r["incl_vat_ore"]), r["credits"],
                                 r["kid"], r["due_date"], r["file"]] for r in rows])


def ehf_files(session: Session, actor, number: int) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """Every EHF document of run `number` (issued now if not yet) plus the summary CSV: ([(name, bytes)], rows)."""
    files, rows = ehf.export_run(session, actor, number)
    return [*files, (t("ehf.summary_file"), ehf_summary_csv(rows))], rows


def ehf_zip(session: Session, actor, number: int) -> tuple[bytes, list[dict]]:
    files, rows = ehf_files(session, actor, number)
    return ehf.zip_bytes(files), rows
