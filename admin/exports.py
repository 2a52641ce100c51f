"""The service sheet as Markdown and Excel, as the service-sheet page offers it."""
from __future__ import annotations

from admin.service_sheet import ServiceSheet
from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.formatting import day
from data.i18n import t


def sheet_workbook(sheet: ServiceSheet, printed_on) -> bytes:
    """The sheet as Excel: one row per fact, grouped by module, ready to print or hand on."""
    workbook = new_workbook()
    rows = [[title, fact.label, str(fact.value)] for title, facts in sheet.sections for fact in facts]
    ws = add_sheet(workbook, sheet.name, [Column(t("sheet.section"), width=28), Column(t("sheet.what"), width=40),
                                          Column(t("sheet.value"), width=60)], rows)
    ws.oddHeader.center.text = f"{sheet.name} – {t('sheet.printed', date=day(printed_on))}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    return workbook_bytes(workbook)


def sheet_markdown(sheet: ServiceSheet, printed_on) -> str:
    lines = [f"# {sheet.name}", "", sheet.description, "", t("sheet.printed", date=day(printed_on)), ""]
    for title, facts in sheet.sections:
        lines += [f"## {title}", "", f"| {t('sheet.what')} | {t('sheet.value')} |", "|---|---|"]
        lines += [f"| {f.label} | {str(f.value).replace('|', '/')} |" for f in facts]
        lines.append("")
    return "\n".join(lines)
