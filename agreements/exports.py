"""Excel exports: the agreement register (the same layout the import reads), must-re-sign lists,
the user meeting, council members, change requests and the roadmap."""
from __future__ import annotations

import html
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.meetings import notice_rows
from agreements.models import MainAgreement, ServiceAppendix
from data.excel import Column, add_sheet, csv_export, new_workbook, workbook_bytes
from data.formatting import day
from data.i18n import catalog, t
from data.registers.models import Organisation, Service

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SheetColumn:
    key: str          # field in the import
    label_key: str    # translation key of the header
    kind: str = "text"


# The register sheet: one row per appendix, and one row per main agreement without appendices.
REGISTER_COLUMNS = (
    SheetColumn("org_number", "agr.col.org_number"),
    SheetColumn("organisation", "agr.col.organisation"),
    SheetColumn("main_status", "agr.col.main_status"),
    SheetColumn("main_signed", "agr.col.main_signed", "date"),
    SheetColumn("signatory", "agr.col.signatory"),
    SheetColumn("template_version", "agr.col.template_version"),
    SheetColumn("document_ref", "agr.col.document_ref"),
    SheetColumn("main_terminated", "agr.col.main_terminated", "date"),
    SheetColumn("service", "agr.col.service"),
    SheetColumn("appendix_version", "agr.col.appendix_version"),
    SheetColumn("appendix_status", "agr.col.appendix_status"),
    SheetColumn("appendix_signed", "agr.col.appendix_signed", "date"),
    SheetColumn("start_date", "agr.col.start_date", "date"),
    SheetColumn("end_date", "agr.col.end_date", "date"),
    SheetColumn("price_model", "agr.col.price_model"),
)


def register_sheet_name() -> str:
    return t("agr.sheet.register")


def header_aliases() -> dict[str, str]:
    """Every language's header (lower-case) -> field key, so a sheet exported in English imports too."""
    entries = catalog()
    aliases = {}
    for column in REGISTER_COLUMNS:
        aliases[column.key.lower()] = column.key
        for text in entries.get(column.label_key, ()):
            aliases[text.strip().lower()] = column.key
    return aliases


def _register_rows(session: Session, service_code: str | None = None) -> list[list]:
    query = (
        select(Organisation.org_number, Organisation.name, Organisation.municipality_number, MainAgreement.status, MainAgreement.signed_date,
               MainAgreement.signatory, MainAgreement.template_version, MainAgreement.document_ref,
               MainAgreement.terminated_date, Service.name.label("service"), ServiceAppendix.appendix_version,
               ServiceAppendix.status.label("appendix_status"), ServiceAppendix.signed_date.label("appendix_signed"),
               ServiceAppendix.start_date, ServiceAppendix.end_date, ServiceAppendix.price_model)
        .select_from(MainAgreement)
        .join(Organisation, Organisation.id == MainAgreement.organisation_id)
        .outerjoin(ServiceAppendix, ServiceAppendix.organisation_id == MainAgreement.organisation_id)
        .outerjoin(Service, Service.id == ServiceAppendix.service_id)
        .order_by(Organisation.name, Organisation.id, Service.name, ServiceAppendix.start_date)
    )
    if service_code:
        query = query.where(Service.code == service_code)
    rows = []
    for r in session.execute(query):
        # without an organisation number the name must find the organisation again on import
        name = f"{r.name} ({r.municipality_number})" if not r.org_number and r.municipality_number else r.name
        rows.append([
            r.org_number, name, t(f"agr.status.{r.status}"), r.signed_date, r.signatory, r.template_version,
            r.document_ref, r.terminated_date, r.service, r.appendix_version,
            t(f"agr.status.{r.appendix_status}") if r.appendix_status else None, r.appendix_signed,
            r.start_date, r.end_date, t(f"agr.price_model.{r.price_model}") if r.price_model else None,
        ])
    return rows


def register_workbook(session: Session, service_code: str | None = None) -> bytes:
    """The agreement register in the layout `imports.import_register` reads back."""
    workbook = new_workbook()
    columns = [Column(t(c.label_key), c.kind) for c in REGISTER_COLUMNS]
    add_sheet(workbook, register_sheet_name(), columns, _register_rows(session, service_code))
    guide = workbook.create_sheet(t("agr.sheet.guide"))
    guide.append([t("agr.guide.column"), t("agr.guide.meaning")])
    for column in REGISTER_COLUMNS:
        guide.append([t(column.label_key), t(f"{column.label_key}_help")])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 100
    return workbook_bytes(workbook)


def rows_workbook(title: str, columns: list[Column], rows: list[list], total_columns: tuple[int, ...] = ()) -> bytes:
    workbook = new_workbook()
    add_sheet(workbook, title, columns, rows, total_columns=total_columns)
    return workbook_bytes(workbook)


def must_resign_workbook(rows: list[dict]) -> bytes:
    columns = [Column(t("agr.col.org_number")), Column(t("agr.col.organisation")),
               Column(t("agr.resign.current")), Column(t("agr.resign.new")), Column(t("agr.col.start_date"), "date"),
               Column(t("agr.contact_email"))]
    data = [[r["org_number"], r["organisation"], r["current_version"], r["new_version"], r["start_date"],
             r["contact_email"]] for r in rows]
    return rows_workbook(t("agr.resign.title"), columns, data)


def contacts_workbook(title: str, contacts) -> bytes:
    columns = [Column(t("agr.col.org_number")), Column(t("agr.col.organisation")), Column(t("agr.kind")),
               Column(t("agr.population"), "int"), Column(t("agr.contact_email"))]
    data = [[c.org_number, c.name, t(f"org.kind.{c.kind}"), c.population, c.contact_email] for c in contacts]
    return rows_workbook(title, columns, data, total_columns=(4,))


def change_requests_workbook(rows: list[dict]) -> bytes:
    columns = [Column(t("agr.cr.id"), "int"), Column(t("agr.col.service")), Column(t("agr.cr.title")),
               Column(t("agr.col.organisation")), Column(t("agr.cr.submitted_by")),
               Column(t("agr.cr.submitted_on"), "date"), Column(t("agr.cr.status")),
               Column(t("agr.cr.priority"), "int"), Column(t("agr.cr.roadmap")), Column(t("agr.cr.description")),
               Column(t("agr.cr.assessment"))]
    data = [[r["id"], r["service"], r["title"], r["organisation"], r["submitted_by"], r["submitted_on"],
             t(f"agr.cr_status.{r['status']}"), r["council_priority"], r["roadmap"], r["description"],
             r["assessment"]] for r in rows]
    return rows_workbook(t("agr.cr.sheet"), columns, data)


def roadmap_workbook(rows: list[dict]) -> bytes:
    columns = [Column(t("agr.col.service")), Column(t("agr.rm.quarter")), Column(t("agr.rm.title")),
               Column(t("agr.rm.status")), Column(t("agr.rm.requests"), "int"), Column(t("agr.rm.description"))]
    data = [[r["service"], r["quarter_label"], r["title"], t(f"agr.rm_status.{r['status']}"), r["requests"],
             r["description"]] for r in rows]
    return rows_workbook(t("agr.rm.sheet"), columns, data)


# --- notices of a user meeting: mail merge ------------------------------------------------------------


def notice_csv(session: Session, meeting_id: int) -> bytes:
    """One row per invited organisation, for a mail merge (semicolon CSV; text a spreadsheet could run as a
    formula is written with a leading apostrophe, data/excel.py)."""
    meeting, rows = notice_rows(session, meeting_id)
    headers = [t("agr.col.org_number"), t("agr.col.organisation"), t("agr.kind"), t("agr.um.county"),
               t("agr.contact_email"), t("agr.col.service"), t("agr.um.title"), t("agr.um.date"),
               t("agr.um.location"), t("agr.um.notice")]
    data = [[r["org_number"], r["name"], t(f"org.kind.{r['kind']}"), r["county"], r["contact_email"],
             meeting.service.name, meeting.title, meeting.meeting_date, meeting.location, meeting.notice]
            for r in rows]
    return csv_export(headers, data)


def notice_letters_html(session: Session, meeting_id: int) -> str:
    """One printable letter per invited organisation in one HTML file, each on its own page."""
    meeting, rows = notice_rows(session, meeting_id)
    e = html.escape
    service = meeting.service.name
    letters = []
    for row in rows:
        paragraphs = "".join(f"<p>{e(part)}</p>" for part in meeting.notice.split("\n\n") if part.strip())
        letters.append(
            "<section class='letter'>"
            f"<p class='to'>{e(row['name'])}<br>{e(t('agr.col.org_number'))}: {e(row['org_number'] or '–')}"
            f"<br>{e(row['contact_email'] or '')}</p>"
            f"<h1>{e(t('agr.um.letter_heading', title=meeting.title))}</h1>"
            f"<p>{e(t('agr.um.letter_body', service=service, date=day(meeting.meeting_date), location=meeting.location or '–'))}</p>"
            f"{paragraphs}"
            f"<p>{e(t('agr.um.letter_close', service=service))}</p>"
            "</section>")
    style = ("body{font-family:Arial,Helvetica,sans-serif;font-size:11pt;margin:0}"
             ".letter{padding:2.5cm 2cm;page-break-after:always;break-after:page}"
             ".letter:last-child{page-break-after:auto;break-after:auto}.to{margin-bottom:2em}h1{font-size:15pt}")
    return (f"<!DOCTYPE html><html lang='{e(t('agr.um.html_lang'))}'><head><meta charset='utf-8'>"
            f"<title>{e(meeting.title)}</title><style>{style}</style></head><body>"
            + "".join(letters) + "</body></html>")

