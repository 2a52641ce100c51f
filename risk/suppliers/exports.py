"""Downloads of the supplier register: the sub-processor list per service for the municipalities (Excel, and
printable Markdown or HTML), and the whole register with certificates, reports and reminders (Excel)."""
from __future__ import annotations

import html
from datetime import date
from itertools import groupby

from sqlalchemy.orm import Session

from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.formatting import day
from data.i18n import t
from data.registers.registry import get_service
from risk.suppliers import assurance, register

_SUBPROCESSOR_FIELDS = ("name", "org_number", "country", "data_location", "delivers", "components", "added_on")


def _subprocessor_columns() -> list[Column]:
    return [Column(t("supl.col.service")), Column(t("supl.col.name")), Column(t("supl.col.org_number")),
            Column(t("supl.col.country"), width=8), Column(t("supl.col.data_location")),
            Column(t("supl.col.delivers"), width=50), Column(t("supl.col.components")),
            Column(t("supl.col.added_on"), "date")]


def _rows(session: Session, service_code: str | None) -> list[dict]:
    if service_code:
        get_service(session, service_code)   # a plain "not found" for an unknown code
    return register.subprocessors(session, service_code)


def subprocessors_workbook(session: Session, service_code: str | None = None) -> bytes:
    """The sub-processor list (one row per service and sub-processor), for the municipalities."""
    rows = _rows(session, service_code)
    workbook = new_workbook()
    add_sheet(workbook, t("supl.export.sheet_subprocessors"), _subprocessor_columns(),
              [[r["service"]] + [r[f] for f in _SUBPROCESSOR_FIELDS] for r in rows])
    return workbook_bytes(workbook)


def subprocessors_markdown(session: Session, service_code: str | None = None, on_date: date | None = None) -> str:
    """The same list, printable: a heading per service and a table of its sub-processors."""
    rows = _rows(session, service_code)
    made = on_date or date.today()
    lines = [f"# {t('supl.export.title')}", "", t("supl.export.intro", date=day(made)), ""]
    headers = [c.header for c in _subprocessor_columns()[1:]]
    if not rows:
        lines.append(t("supl.export.none"))
    for service, group in groupby(rows, key=lambda r: r["service"]):
        lines += [f"## {service}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        for row in group:
            cells = [day(row[f]) if f == "added_on" else str(row[f] or "–") for f in _SUBPROCESSOR_FIELDS]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def subprocessors_html(session: Session, service_code: str | None = None, on_date: date | None = None) -> str:
    """The same list as a self-contained printable page."""
    rows = _rows(session, service_code)
    made = on_date or date.today()
    e = html.escape
    headers = [c.header for c in _subprocessor_columns()[1:]]
    parts = ["<!doctype html><html lang='no'><head><meta charset='utf-8'>",
             f"<title>{e(t('supl.export.title'))}</title>",
             "<style>body{font-family:sans-serif;font-size:11pt;margin:2em}table{border-collapse:collapse;width:100%;"
             "margin-bottom:1.5em}th,td{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}"
             "th{background:#1F4E79;color:#fff}</style></head><body>",
             f"<h1>{e(t('supl.export.title'))}</h1>", f"<p>{e(t('supl.export.intro', date=day(made)))}</p>"]
    if not rows:
        parts.append(f"<p>{e(t('supl.export.none'))}</p>")
    for service, group in groupby(rows, key=lambda r: r["service"]):
        parts.append(f"<h2>{e(service)}</h2><table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>")
        for row in group:
            cells = [day(row[f]) if f == "added_on" else str(row[f] or "–") for f in _SUBPROCESSOR_FIELDS]
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def register_workbook(session: Session, on_date: date | None = None) -> bytes:
    """The whole register: suppliers, certificates, reports, findings and the reminders, one sheet each."""
    workbook = new_workbook()
    suppliers = register.supplier_rows(session)
    add_sheet(workbook, t("supl.export.sheet_suppliers"),
              [Column(t("supl.col.name")), Column(t("supl.col.org_number")), Column(t("supl.col.country"), width=8),
               Column(t("supl.col.data_location")), Column(t("supl.col.delivers"), width=50),
               Column(t("supl.col.personal_data")), Column(t("supl.col.services")), Column(t("supl.col.components")),
               Column(t("supl.col.certificate_expires"), "date")],
              [[r["name"], r["org_number"], r["country"], r["data_location"], r["delivers"],
                t("supl.yes") if r["processes_personal_data"] else t("supl.no"), r["services"], r["components"],
                r["certificate_expires"]] for r in suppliers])
    add_sheet(workbook, t("supl.export.sheet_certificates"),
              [Column(t("supl.col.supplier")), Column(t("supl.col.standard")), Column(t("supl.col.scope"), width=50),
               Column(t("supl.col.issuer")), Column(t("supl.col.issued_on"), "date"),
               Column(t("supl.col.expires_on"), "date"), Column(t("supl.col.state"))],
              [[r["supplier"], r["standard"], r["scope"], r["issuer"], r["issued_on"], r["expires_on"],
                t(f"supl.state.{r['state']}")] for r in assurance.certificate_rows(session, on_date=on_date)])
    add_sheet(workbook, t("supl.export.sheet_reports"),
              [Column(t("supl.col.supplier")), Column(t("supl.col.standard")), Column(t("supl.col.report_type")),
               Column(t("supl.col.period_start"), "date"), Column(t("supl.col.period_end"), "date"),
               Column(t("supl.col.auditor")), Column(t("supl.col.opinion")), Column(t("supl.col.received_on"), "date"),
               Column(t("supl.col.reviewed_on"), "date"), Column(t("supl.col.findings"), "int")],
              [[r["supplier"], t(f"supl.standard.{r['standard']}"), t(f"supl.report_type.{r['report_type']}"),
                r["period_start"], r["period_end"], r["auditor"], t(f"supl.opinion.{r['opinion']}"), r["received_on"],
                r["reviewed_on"], r["findings"]] for r in assurance.report_rows(session)])
    add_sheet(workbook, t("supl.export.sheet_findings"),
              [Column(t("supl.col.supplier")), Column(t("supl.col.finding")), Column(t("supl.col.severity")),
               Column(t("supl.col.status")), Column(t("supl.col.ros_risk"))],
              [[r["supplier"], r["title"], t(f"supl.severity.{r['severity']}"), t(f"supl.finding_status.{r['status']}"),
                f"{r['ros_service_code']} #{r['ros_risk_id']}" if r["ros_risk_id"] else ""]
               for r in assurance.finding_rows(session)])
    add_sheet(workbook, t("supl.export.sheet_reminders"),
              [Column(t("supl.col.reminder")), Column(t("supl.col.supplier")), Column(t("supl.col.what"), width=50),
               Column(t("supl.col.due"), "date"), Column(t("supl.col.days_left"), "int")],
              [[t(f"supl.reminder.{r['kind']}"), r["supplier"], r["what"], r["due"], r["days_left"]]
               for r in assurance.reminders(session, on_date)])
    return workbook_bytes(workbook)
