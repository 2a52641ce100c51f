"""Every download of the privacy room, so that the CLI can produce it too: the breach notices (one per
controller, Markdown and one printable HTML file, and a mail-merge CSV), the risk notice to the municipalities
(Markdown, HTML, recipients CSV) and the management system's document register (Excel).

The notices are written in bokmål whatever the UI language: they go to Norwegian municipalities (the column
headings of the CSV files follow the UI language, like every other export). Text from users is escaped in
HTML and neutralised in CSV and Excel (a cell never starts a formula).
"""
from __future__ import annotations

import html
import re

from sqlalchemy.orm import Session

from data.errors import BackofficeError
from data.excel import Column, add_sheet, csv_export, new_workbook, workbook_bytes
from data.formatting import OSLO
from data.i18n import t
from risk.privacy import breaches, documents, notices

SENDER = "KS, avdeling for Digitale fellestjenester"
LEVELS_NB = {"green": "lav (grønn)", "yellow": "middels (gul)", "red": "høy (rød)"}


def _nb_when(moment) -> str:
    """`7. desember 2026 kl. 09:30` in Norwegian time, whatever the UI language (the notices are bokmål)."""
    if moment is None:
        return ""
    local = moment.astimezone(OSLO)
    months = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "desember")
    return f"{local.day}. {months[local.month - 1]} {local.year} kl. {local:%H:%M}"


def _nb_date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _nb_number(value) -> str:
    return "ikke kjent ennå" if value is None else f"{value:,}".replace(",", "\u00a0")


def _or(text: str, fallback: str) -> str:
    return text.strip() or fallback


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().translate(str.maketrans("æøå", "eoa"))).strip("-") or "x"


# --- Markdown and HTML from one structure -------------------------------------------------------------------
# A document is (title, [lines before the sections], [(heading, [paragraphs or "- item" lines])]).


def _markdown(title: str, head: list[str], sections: list[tuple[str, list[str]]]) -> str:
    out = [f"# {title}", ""]
    for line in head:
        out += [line, ""]
    for heading, parts in sections:
        out += [f"## {heading}", ""]
        for part in parts:
            out += [part] if part.startswith("- ") else [part, ""]
        if parts and parts[-1].startswith("- "):
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _html_body(title: str, head: list[str], sections: list[tuple[str, list[str]]]) -> str:
    e = html.escape
    out = [f"<h1>{e(title)}</h1>"] + [f"<p>{e(line)}</p>" for line in head]
    for heading, parts in sections:
        out.append(f"<h2>{e(heading)}</h2>")
        items: list[str] = []
        for part in parts + [""]:
            if part.startswith("- "):
                items.append(f"<li>{e(part[2:])}</li>")
                continue
            if items:
                out.append("<ul>" + "".join(items) + "</ul>")
                items = []
            if part:
                out.append("<p>" + "<br>".join(e(line) for line in part.split("\n")) + "</p>")
    return "".join(out)


def _html_page(title: str, bodies: list[str]) -> str:
    style = ("body{font-family:Arial,Helvetica,sans-serif;font-size:11pt;margin:0;color:#111}"
             "section{padding:2cm;page-break-after:always;break-after:page}"
             "section:last-child{page-break-after:auto;break-after:auto}h1{font-size:16pt}h2{font-size:12.5pt}")
    return (f"<!DOCTYPE html><html lang='nb'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>"
            + "".join(f"<section>{body}</section>" for body in bodies) + "</body></html>")


# --- breach notices -----------------------------------------------------------------------------------------


def _breach_notice(breach, controller: dict) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    services = ", ".join(sorted(link.service.name for link in breach.services))
    ours = breaches.deadline(breach)
    title = f"Melding om brudd på personopplysningssikkerheten – {services}"
    head = [
        f"Til: {controller['name']} (org.nr. {controller['org_number'] or '–'})"
        + (f", {controller['contact_email']}" if controller.get("contact_email") else ""),
        f"Fra: {SENDER}",
        f"Vår referanse: {breach.reference} (henvendelse #{breach.ticket.ticket_number})",
    ]
    sections = [
        ("Hvorfor dere får denne meldingen", [
            f"Dere bruker {services} og har en databehandleravtale med oss. Vi er databehandler og dere er "
            "behandlingsansvarlig for personopplysningene. Vi melder fra om et brudd på "
            "personopplysningssikkerheten som kan gjelde opplysninger dere har ansvaret for "
            "(personvernforordningen artikkel 33 nr. 2).",
            f"Grunnlaget for at dere står på listen: tjenestevedlegg {', '.join(controller['appendices'])}."]),
        ("Når vi ble kjent med bruddet", [f"Vi ble kjent med bruddet {_nb_when(breach.aware_at)}."]),
        ("Hva som har skjedd", [_or(breach.what_happened, "Vi undersøker saken og sender mer informasjon så "
                                                          "snart vi vet mer.")]),
        ("Hvem og hva som er berørt", [
            "Tallene gjelder hele bruddet, ikke bare deres virksomhet.",
            f"- Kategorier av registrerte: {_or(breach.subject_categories, 'ikke kjent ennå')}",
            f"- Omtrentlig antall registrerte: {_nb_number(breach.subjects_approx)}",
            f"- Kategorier av personopplysninger: {_or(breach.record_categories, 'ikke kjent ennå')}",
            f"- Omtrentlig antall registreringer: {_nb_number(breach.records_approx)}"]),
        ("Sannsynlige konsekvenser", [_or(breach.likely_consequences, "Vi vurderer konsekvensene og kommer "
                                                                      "tilbake til dette.")]),
        ("Tiltak vi har satt i verk", [_or(breach.measures_taken, "Vi kommer tilbake til hvilke tiltak som er "
                                                                  "satt i verk.")]),
        ("Hva dere må gjøre", [
            "Som behandlingsansvarlig vurderer dere selv om bruddet skal meldes til Datatilsynet. Meldingen "
            "skal i så fall sendes uten ugrunnet opphold og om mulig innen 72 timer etter at dere ble kjent "
            "med bruddet (personvernforordningen artikkel 33 nr. 1). Dere regnes som kjent med bruddet når dere "
            "mottar denne meldingen.",
            "Vurder også om de registrerte skal få beskjed (artikkel 34). Opplysninger som ikke er kjent ennå, "
            "kan gis trinnvis (artikkel 33 nr. 4): vi sender dem så snart vi har dem.",
            f"Vår egen frist for å varsle dere var {_nb_when(ours)} ({breach.notify_within_hours} timer etter at "
            "vi ble kjent med bruddet)."]),
        ("Kontakt", [_or(breach.contact, f"{SENDER}, sikkerhetsansvarlig. Oppgi referanse {breach.reference}.")]),
    ]
    return title, head, sections


def breach_notice_markdown(session: Session, breach_id: int, organisation_id: int) -> str:
    breach = breaches.get_breach(session, breach_id)
    controller = next((c for c in _controllers(session, breach) if c["organisation_id"] == organisation_id), None)
    if controller is None:
        raise BackofficeError(t("priv.breach.not_controller", names=f"#{organisation_id}",
                                         ref=breach.reference))
    return _markdown(*_breach_notice(breach, controller)) + f"\nMed vennlig hilsen\n{SENDER}\n"


def _controllers(session: Session, breach) -> list[dict]:
    rows = breaches.controller_rows(session, breach.id)
    appendices = {c.organisation_id: c.appendices for c in breach.controllers}
    for row in rows:
        row["appendices"] = appendices.get(row["organisation_id"], [])
    return rows


def breach_notices_html(session: Session, breach_id: int) -> str:
    """Every controller's notice in one printable file, each on its own page."""
    breach = breaches.get_breach(session, breach_id)
    bodies = [_html_body(*_breach_notice(breach, c)) + f"<p>Med vennlig hilsen<br>{html.escape(SENDER)}</p>"
              for c in _controllers(session, breach)]
    return _html_page(f"{breach.reference} {breach.title}", bodies)


def breach_mailmerge_csv(session: Session, breach_id: int) -> bytes:
    """One row per controller with every field the notice holds, for a mail merge."""
    breach = breaches.get_breach(session, breach_id)
    services = ", ".join(sorted(link.service.name for link in breach.services))
    headers = [t("priv.col.org_number"), t("priv.col.organisation"), t("priv.col.municipality_number"),
               t("priv.col.contact_email"), t("priv.col.reference"), t("priv.col.subject"), t("priv.col.services"),
               t("priv.col.appendices"), t("priv.col.aware_at"), t("priv.col.deadline"), t("priv.col.what_happened"),
               t("priv.col.subject_categories"), t("priv.col.subjects_approx"), t("priv.col.record_categories"),
               t("priv.col.records_approx"), t("priv.col.likely_consequences"), t("priv.col.measures_taken"),
               t("priv.col.contact"), t("priv.col.sent_at"), t("priv.col.state")]
    rows = []
    for c in _controllers(session, breach):
        rows.append([c["org_number"], c["name"], c["municipality_number"], c["contact_email"], breach.reference,
                     f"Melding om brudd på personopplysningssikkerheten – {services}", c["services"],
                     ", ".join(c["appendices"]), _nb_when(breach.aware_at), _nb_when(c["deadline"]),
                     breach.what_happened, breach.subject_categories, breach.subjects_approx,
                     breach.record_categories, breach.records_approx, breach.likely_consequences,
                     breach.measures_taken, breach.contact, _nb_when(c["sent_at"]),
                     t(f"priv.state.{c['state']}")])
    return csv_export(headers, rows)


def breach_notice_files(session: Session, breach_id: int) -> dict[str, bytes]:
    """The files `backoffice risk breach notices` writes: one Markdown notice per controller, all of them in
    one printable HTML file, and the mail-merge CSV."""
    breach = breaches.get_breach(session, breach_id)
    files: dict[str, bytes] = {}
    for c in _controllers(session, breach):
        key = c["org_number"] or str(c["organisation_id"])
        files[f"{breach.reference}-{key}-{_slug(c['name'])}.md"] = breach_notice_markdown(
            session, breach.id, c["organisation_id"]).encode("utf-8")
    files[f"{breach.reference}-varsler.html"] = breach_notices_html(session, breach.id).encode("utf-8")
    files[f"{breach.reference}-flettefil.csv"] = breach_mailmerge_csv(session, breach.id)
    return files


def controllers_csv(session: Session, breach_id: int) -> bytes:
    """The controller list as on the page (deadline state per controller)."""
    headers = [t("priv.col.org_number"), t("priv.col.organisation"), t("priv.col.contact_email"),
               t("priv.col.services"), t("priv.col.digiorden"), t("priv.col.deadline"), t("priv.col.sent_at"),
               t("priv.col.their_deadline"), t("priv.col.state")]
    rows = [[c["org_number"], c["name"], c["contact_email"], c["services"], t(f"priv.digiorden.{c['digiorden']}"),
             _nb_when(c["deadline"]), _nb_when(c["sent_at"]), _nb_when(c["their_deadline"]),
             t(f"priv.state.{c['state']}")] for c in breaches.controller_rows(session, breach_id)]
    return csv_export(headers, rows)


# --- risk notices -------------------------------------------------------------------------------------------


def _risk_notice(changes: dict, note: str = "") -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    service = changes["service_name"]
    title = f"Risikovarsel: endringer i risikovurderingen (ROS) for {service}"
    since = (f" siden versjon {changes['previous_revision']}" if changes["previous_revision"] else
             " (første godkjente versjon)")
    approved = changes["approved_on"]
    approved_nb = f"{approved[8:10]}.{approved[5:7]}.{approved[0:4]}"
    head = [f"Fra: {SENDER}",
            f"Vi har godkjent versjon {changes['revision']} av risikovurderingen for {service} ({approved_nb}). "
            f"Her er det som er nytt eller endret{since} for risikoer over akseptgrensen, og tiltakene dere selv "
            "må gjennomføre."]

    def level(code: str) -> str:
        return LEVELS_NB.get(code, code)

    sections = []
    if changes["new"]:
        sections.append(("Nye risikoer over akseptgrensen", [
            f"- {r['key']} {r['title']}: risikonivå {level(r['level'])}."
            + (f" Hva kan skje: {r['consequence']}" if r["consequence"] else "") for r in changes["new"]]))
    if changes["changed"]:
        sections.append(("Endrede risikoer over akseptgrensen", [
            f"- {r['key']} {r['title']}: "
            + ("er nå over akseptgrensen, " if r.get("now_above") else "")
            + f"risikonivå {level(r['before_level'])} før, {level(r['level'])} nå."
            + (f" Hva kan skje: {r['consequence']}" if r["consequence"] else "") for r in changes["changed"]]))
    if changes["below"]:
        sections.append(("Risikoer som ikke lenger er over akseptgrensen", [
            f"- {r['key']} {r['title']}: " + ("tatt ut av vurderingen." if r.get("removed") else
                                               f"risikonivå {level(r['level'])} nå.") for r in changes["below"]]))
    if not (changes["new"] or changes["changed"] or changes["below"]):
        sections.append(("Risikoer over akseptgrensen", ["Ingen risikoer over akseptgrensen er nye eller endret."]))
    marks = {"new": " (nytt)", "changed": " (endret)", "same": ""}
    sections.append(("Tiltak dere må gjennomføre selv", [
        f"- {r['key']} {r['title']}{marks[r['state']]}: {r['action']}" for r in changes["actions"]]
        or ["Ingen tiltak hos dere er nye eller endret i denne versjonen."]))
    if note.strip():
        sections.append(("Kommentar fra produkteier", [note.strip()]))
    sections.append(("Hva dere bør gjøre", [
        "Oppdater deres egen risikovurdering og personvernkonsekvensvurdering (DPIA) for tjenesten med "
        "endringene over, og gjennomfør tiltakene som er merket som deres. Malene finner dere på "
        "samarbeidsportalen."]))
    return title, head, sections


def risk_notice_markdown(changes: dict, note: str = "") -> str:
    return _markdown(*_risk_notice(changes, note)) + f"\nMed vennlig hilsen\n{SENDER}\n"


def risk_notice_html(changes: dict, note: str = "") -> str:
    title, head, sections = _risk_notice(changes, note)
    body = _html_body(title, head, sections) + f"<p>Med vennlig hilsen<br>{html.escape(SENDER)}</p>"
    return _html_page(title, [body])


def recipients_csv(recipients: list[dict], service_name: str, revision: int) -> bytes:
    headers = [t("priv.col.org_number"), t("priv.col.organisation"), t("priv.col.municipality_number"),
               t("priv.col.contact_email"), t("priv.col.subject")]
    subject = f"Risikovarsel: endringer i risikovurderingen (ROS) for {service_name}, versjon {revision}"
    return csv_export(headers, [[r.get("org_number"), r.get("name"), r.get("municipality_number"),
                                 r.get("contact_email"), subject] for r in recipients])


def risk_notice_files(session: Session, service_code: str, notice_id: int | None = None) -> dict[str, bytes]:
    """A sent notice's files (or, without one, the draft's): Markdown, HTML and the recipients CSV."""
    if notice_id is not None:
        notice = notices.get_notice(session, notice_id)
        changes, note = notice.summary, notice.note
        recipients = notices.recipient_rows(session, notice.id)
        stem = f"risikovarsel-{changes['service_code']}-v{changes['revision']}"
    else:
        found = notices.draft(session, service_code)
        changes, note = found["changes"], ""
        recipients = found["recipients"]
        stem = f"risikovarsel-{changes['service_code']}-v{changes['revision']}-utkast"
    return {f"{stem}.md": risk_notice_markdown(changes, note).encode("utf-8"),
            f"{stem}.html": risk_notice_html(changes, note).encode("utf-8"),
            f"{stem}-mottakere.csv": recipients_csv(recipients, changes["service_name"], changes["revision"])}


# --- the document register ----------------------------------------------------------------------------------


def documents_workbook(session: Session) -> bytes:
    rows = documents.document_rows(session)
    workbook = new_workbook()
    columns = [Column(t("priv.doc.col.kind")), Column(t("priv.doc.col.title"), width=40),
               Column(t("priv.doc.col.owner")), Column(t("priv.doc.col.doc_version")),
               Column(t("priv.doc.col.status")), Column(t("priv.doc.col.approved_by")),
               Column(t("priv.doc.col.approved_on"), "date"), Column(t("priv.doc.col.next_review"), "date"),
               Column(t("priv.doc.col.state")), Column(t("priv.doc.col.days_overdue"), "int"),
               Column(t("priv.doc.col.nsm")), Column(t("priv.doc.col.iso")), Column(t("priv.doc.col.location"))]
    add_sheet(workbook, t("priv.doc.sheet"), columns, [
        [t(f"priv.doc.kind.{r['kind']}"), r["title"], r["owner_name"], r["doc_version"],
         t(f"priv.doc.status.{r['status']}"), r["approved_by"], r["approved_on"], r["next_review"],
         t(f"priv.doc.state.{r['state']}"), r["days_overdue"], r["nsm_principles"], r["iso_controls"],
         r["location"]] for r in rows])
    coverage = documents.coverage(session)
    add_sheet(workbook, t("priv.doc.coverage_sheet"),
              [Column(t("priv.doc.col.principle")), Column(t("priv.doc.col.principle_title"), width=50),
               Column(t("priv.doc.col.count"), "int"), Column(t("priv.doc.col.documents"), width=60)],
              [[c["principle"], c["title"], c["count"], c["documents"]] for c in coverage])
    return workbook_bytes(workbook)

