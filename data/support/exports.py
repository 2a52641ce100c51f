"""Support's downloads, built here so that the pages and `backoffice support export` give the same files:
the ticket list and support in numbers as finished workbooks."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from data.crud import service_choices
from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.formatting import OSLO
from data.i18n import t
from data.support import statistics


def _oslo(moment: datetime | None) -> datetime | None:
    """A stored UTC time as the Norwegian wall-clock time a spreadsheet shows (it has no time zones)."""
    return moment.astimezone(OSLO).replace(tzinfo=None) if moment else None


def tickets_workbook(rows: list[dict]) -> bytes:
    """The ticket list (rows of `statistics.ticket_rows`) as one sheet."""
    columns = [Column(t("sup.field.ticket_number"), "int"), Column(t("sup.field.subject"), width=50),
               Column(t("sup.field.status")), Column(t("sup.field.priority")), Column(t("sup.field.service")),
               Column(t("sup.field.organisation")), Column(t("sup.field.opened_at"), "datetime"),
               Column(t("sup.field.resolved_at"), "datetime"), Column(t("sup.field.agent")),
               Column(t("sup.field.security_incident"))]
    values = [[r["ticket_number"], r["subject"], t(f"sup.status.{r['status']}"), t(f"sup.priority.{r['priority']}"),
               r["service"], r["organisation"] or r["requester_organisation"], _oslo(r["opened_at"]),
               _oslo(r["resolved_at"]), r["agent"], t("sup.yes") if r["security_incident"] else t("sup.no")]
              for r in rows]
    workbook = new_workbook()
    add_sheet(workbook, t("sup.page.tickets"), columns, values)
    return workbook_bytes(workbook)


def stats_workbook(volume: list[dict], resolution: list[dict], top: list[dict],
                   service_names: dict[str, str]) -> bytes:
    """Support in numbers: tickets per month and service, resolution times, the organisations that ask most."""
    def name(code: str) -> str:   # "-" is a ticket without a service
        return t("sup.stats.no_service") if code == "-" else service_names.get(code, code)

    workbook = new_workbook()
    add_sheet(workbook, t("sup.stats.volume"),
              [Column(t("sup.stats.month")), Column(t("sup.field.service")), Column(t("sup.stats.tickets"), "int")],
              [[r["month"], name(r["service"]), r["tickets"]] for r in volume], total_columns=(3,))
    add_sheet(workbook, t("sup.stats.resolution"),
              [Column(t("sup.field.service")), Column(t("sup.stats.resolved"), "int"),
               Column(t("sup.stats.avg_hours"), "decimal"), Column(t("sup.stats.within_1_day"), "percent"),
               Column(t("sup.stats.within_3_days"), "percent")],
              [[name(r["service"]), r["resolved"], r["avg_hours"], r["within_1_day"], r["within_3_days"]]
               for r in resolution])
    add_sheet(workbook, t("sup.stats.top"),
              [Column(t("sup.field.org_number")), Column(t("sup.field.organisation")),
               Column(t("sup.stats.tickets"), "int"), Column(t("sup.stats.open_tickets"), "int")],
              [[r.get("org_number") or "", r["organisation"], r["tickets"], r["open"]] for r in top])
    return workbook_bytes(workbook)


def stats_workbook_for(session: Session, start: date, end: date, service_codes: tuple[str, ...] = ()) -> bytes:
    """`stats_workbook` for a period and (optionally) some services, read from the database."""
    return stats_workbook(statistics.monthly_volume(session, start, end, service_codes),
                          statistics.resolution_times(session, start, end),
                          statistics.top_organisations(session, start, end, service_codes=service_codes),
                          dict(service_choices(session)))
