"""Change items, agenda, minutes and the forward schedule as Markdown, Excel and iCalendar; who to tell
about a change as CSV."""
from __future__ import annotations

from datetime import UTC, date, timedelta

from admin.changeboard.agenda import SECTIONS, Agenda
from admin.changeboard.notify import Notice
from data.db import utcnow
from data.excel import Column, add_sheet, csv_export, new_workbook, workbook_bytes
from data.formatting import OSLO, day
from data.i18n import t


def _md(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ").strip()


def items_workbook(rows: list[dict], project_names: dict[int, str]) -> bytes:
    """The change items as listed (`changes.item_rows`), with the project's name where it has one."""
    workbook = new_workbook()
    add_sheet(workbook, t("cb.page.items"),
              [Column(t("cb.col.ref")), Column(t("cb.col.title"), width=50), Column(t("cb.col.type")),
               Column(t("cb.col.status")), Column(t("cb.col.source")), Column(t("cb.col.services")),
               Column(t("cb.col.window"), width=30), Column(t("cb.col.score"), "int"), Column(t("cb.flag.outage")),
               Column(t("cb.col.project"))],
              [[r["reference"], r["title"], t(f"cb.type.{r['change_type']}"), t(f"cb.status.{r['status']}"),
                t(f"cb.source.{r['source']}"), ", ".join(r["services"]), r["window"], r["score"],
                t("cb.yes") if r["outage"] else t("cb.no"), project_names.get(r["project_id"]) or r["project_ref"]]
               for r in rows])
    return workbook_bytes(workbook)


def recipients_csv(notice: Notice) -> bytes:
    """Who to tell about a change (`notify.who_to_tell`), one organisation a row."""
    return csv_export([t("cb.notify.organisation"), t("cb.notify.org_number"), t("cb.notify.email"),
                       t("cb.notify.services")],
                      [[r.organisation, r.org_number, r.email, ", ".join(r.services)] for r in notice.recipients])


def _type_status(entry) -> str:
    if entry.item_id is None:
        return ""
    return f"{t(f'cb.type.{entry.change_type}')} / {t(f'cb.status.{entry.status}')}"


def agenda_markdown(agenda: Agenda) -> str:
    lines = [f"# {t('cb.agenda.title', day=day(agenda.meeting_date))}", ""]
    since = day(agenda.since)
    lines.append(t("cb.agenda.since_meeting", day=since) if agenda.previous_meeting
                 else t("cb.agenda.since_week", day=since))
    lines.append(t("cb.agenda.horizon", weeks=agenda.weeks_ahead))
    if agenda.meeting and agenda.meeting.get("chair"):
        lines.append(t("cb.agenda.chair", chair=agenda.meeting["chair"]))
    lines.append("")
    for number, key in enumerate(SECTIONS, start=1):
        entries = agenda.sections[key]
        lines += [f"## {number}. {t(f'cb.section.{key}')}", "", f"_{t(f'cb.section.{key}.help')}_", ""]
        if not entries:
            lines += [t(f"cb.section.{key}.empty"), ""]
            continue
        if key == "security":
            lines.append(f"| {t('cb.col.ref')} | {t('cb.col.title')} | {t('cb.col.services')} | "
                         f"{t('cb.col.opened')} | {t('cb.col.note')} |")
            lines.append("|---|---|---|---|---|")
            for e in entries:
                lines.append(f"| {e.reference} | {_md(e.title)} | {_md(', '.join(e.services))} | {e.window} | "
                             f"{_md(e.detail)} |")
        elif key == "cross":
            lines.append(f"| {t('cb.col.ref')} | {t('cb.col.title')} | {t('cb.col.area')} | {t('cb.col.note')} |")
            lines.append("|---|---|---|---|")
            for e in entries:
                lines.append(f"| {e.reference} | {_md(e.title)} | {_md(', '.join(e.flags))} | {_md(e.detail)} |")
        else:
            lines.append(f"| {t('cb.col.ref')} | {t('cb.col.title')} | {t('cb.col.type_status')} | "
                         f"{t('cb.col.services')} | {t('cb.col.window')} | {t('cb.col.risk_impact')} | "
                         f"{t('cb.col.flags')} | {t('cb.col.conflicts')} |")
            lines.append("|---|---|---|---|---|---|---|---|")
            for e in entries:
                lines.append(f"| {e.reference} | {_md(e.title)} | {_type_status(e)} | {_md(', '.join(e.services))} | "
                             f"{_md(e.window)} | {e.risk} × {e.impact} = {e.score} | {_md(', '.join(e.flags))} | "
                             f"{_md('; '.join(e.conflicts)) or '–'} |")
        lines.append("")
    lines += [f"## {t('cb.agenda.conflicts')}", ""]
    if agenda.conflicts:
        for c in agenda.conflicts:
            lines.append(f"- {day(c['day'])}: {_md(c['text'])} ({', '.join(c['items'])})")
    else:
        lines.append(t("cb.agenda.no_conflicts"))
    lines.append("")
    if agenda.decisions:
        lines += [f"## {t('cb.minutes.title_short')}", ""]
        lines += _decision_lines(agenda.decisions)
    return "\n".join(lines) + "\n"


def _decision_lines(decisions: list[dict]) -> list[str]:
    lines = [f"| {t('cb.col.ref')} | {t('cb.col.title')} | {t('cb.col.outcome')} | {t('cb.col.note')} | "
             f"{t('cb.col.action_owner')} | {t('cb.col.due')} |", "|---|---|---|---|---|---|"]
    for d in decisions:
        outcome = t("cb.outcome." + d["outcome"])
        lines.append(f"| {d['reference']} | {_md(d['title'])} | {outcome} | "
                     f"{_md(d['note'])} | {_md(d['action_owner'])} | {day(d['due_date'])} |")
    return lines + [""]


def agenda_workbook(agenda: Agenda) -> bytes:
    workbook = new_workbook()
    columns = [Column(t("cb.col.section")), Column(t("cb.col.ref")), Column(t("cb.col.title"), width=50),
               Column(t("cb.col.type")), Column(t("cb.col.status")), Column(t("cb.col.services")),
               Column(t("cb.col.window"), width=28), Column(t("cb.col.risk"), "int"),
               Column(t("cb.col.impact"), "int"), Column(t("cb.col.score"), "int"), Column(t("cb.col.flags")),
               Column(t("cb.col.conflicts"), width=60), Column(t("cb.col.note"), width=50),
               Column(t("cb.col.decision"), width=30)]
    rows = []
    for number, key in enumerate(SECTIONS, start=1):
        for e in agenda.sections[key]:
            rows.append([f"{number}. {t(f'cb.section.{key}')}", e.reference, e.title,
                         t(f"cb.type.{e.change_type}") if e.change_type else "",
                         t(f"cb.status.{e.status}") if e.item_id else (e.status or ""),
                         ", ".join(e.services), e.window, e.risk, e.impact, e.score, ", ".join(e.flags),
                         "; ".join(e.conflicts), e.detail, ""])
    add_sheet(workbook, t("cb.agenda.sheet"), columns, rows)
    add_sheet(workbook, t("cb.agenda.conflicts"),
              [Column(t("cb.col.day"), "date"), Column(t("cb.col.kind")), Column(t("cb.col.items")),
               Column(t("cb.col.description"), width=80), Column(t("cb.col.overridden"))],
              [[c["day"], t(f"cb.conflict_kind.{c['kind']}"), ", ".join(c["items"]), c["text"],
                t("cb.yes") if c["overridden"] else t("cb.no")] for c in agenda.conflicts])
    if agenda.decisions:
        _decision_sheet(workbook, agenda.decisions)
    return workbook_bytes(workbook)


def _decision_sheet(workbook, decisions: list[dict]) -> None:
    add_sheet(workbook, t("cb.minutes.title_short"),
              [Column(t("cb.col.section")), Column(t("cb.col.ref")), Column(t("cb.col.title"), width=50),
               Column(t("cb.col.outcome")), Column(t("cb.col.note"), width=60), Column(t("cb.col.action_owner")),
               Column(t("cb.col.due"), "date"), Column(t("cb.col.recorded_by"))],
              [[t(f"cb.section.{d['section']}"), d["reference"], d["title"], t(f"cb.outcome.{d['outcome']}"),
                d["note"], d["action_owner"], d["due_date"], d["recorded_by"]] for d in decisions])


def minutes_markdown(record: dict) -> str:
    meeting = record["meeting"]
    lines = [f"# {t('cb.minutes.title', day=day(meeting['meeting_date']))}", ""]
    if meeting["chair"]:
        lines.append(t("cb.agenda.chair", chair=meeting["chair"]))
    if meeting["attendees"]:
        lines.append(t("cb.minutes.attendees", names=_md(meeting["attendees"])))
    lines.append("")
    if meeting["notes"]:
        lines += [meeting["notes"], ""]
    if record["decisions"]:
        lines += _decision_lines(record["decisions"])
    else:
        lines += [t("cb.minutes.empty"), ""]
    return "\n".join(lines) + "\n"


def minutes_workbook(record: dict) -> bytes:
    workbook = new_workbook()
    _decision_sheet(workbook, record["decisions"])
    return workbook_bytes(workbook)


def schedule_workbook(plan: dict, start: date, end: date) -> bytes:
    workbook = new_workbook()
    add_sheet(workbook, t("cb.schedule.sheet"),
              [Column(t("cb.col.ref")), Column(t("cb.col.title"), width=50), Column(t("cb.col.type")),
               Column(t("cb.col.status")), Column(t("cb.col.services")), Column(t("cb.col.start"), "datetime"),
               Column(t("cb.col.end"), "datetime"), Column(t("cb.flag.outage")), Column(t("cb.col.score"), "int"),
               Column(t("cb.col.conflicts"), width=60)],
              [[r["reference"], r["title"], t(f"cb.type.{r['change_type']}"), t(f"cb.status.{r['status']}"),
                ", ".join(r["services"]), _local(r["planned_start"]), _local(r["planned_end"]),
                t("cb.yes") if r["outage"] else t("cb.no"), r["score"], "; ".join(r["conflicts"])]
               for r in plan["items"]])
    add_sheet(workbook, t("cb.freeze.sheet"),
              [Column(t("cb.col.name"), width=40), Column(t("cb.col.start"), "date"), Column(t("cb.col.end"), "date"),
               Column(t("cb.col.services"))],
              [[f["name"], f["start"], f["end"], f["service"] or t("cb.freeze.global")] for f in plan["freezes"]])
    add_sheet(workbook, t("cb.load.sheet"),
              [Column(t("cb.col.week")), Column(t("cb.col.week_start"), "date"), Column(t("cb.col.changes"), "int"),
               Column(t("cb.col.limit"), "int")],
              [[w["label"], w["week"], w["changes"], w["limit"]] for w in plan["load"]])
    add_sheet(workbook, t("cb.agenda.conflicts"),
              [Column(t("cb.col.day"), "date"), Column(t("cb.col.kind")), Column(t("cb.col.items")),
               Column(t("cb.col.description"), width=80)],
              [[c["day"], t(f"cb.conflict_kind.{c['kind']}"), ", ".join(c["items"]), c["text"]]
               for c in plan["conflicts"]])
    return workbook_bytes(workbook)


def _local(value):
    return value.astimezone(OSLO).replace(tzinfo=None) if value is not None else None


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "")
            .replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """iCalendar lines are at most 75 octets; longer ones continue on lines starting with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def schedule_ics(plan: dict) -> bytes:
    """The forward schedule as an iCalendar file: one event per change, freeze windows as all-day events."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Backoffice//Endringskalender//NB", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_ics_text(t('cb.calendar.chart_title'))}"]
    for r in plan["items"]:
        start = r["planned_start"].astimezone(UTC)
        end = (r["planned_end"] or r["planned_start"] + timedelta(hours=1)).astimezone(UTC)
        description = [
            t("cb.type." + r["change_type"]) + ", " + t("cb.status." + r["status"]),
            t("cb.col.services") + ": " + ", ".join(r["services"])]
        description += r["conflicts"]
        lines += ["BEGIN:VEVENT", f"UID:{r['reference'].lower()}@backoffice", f"DTSTAMP:{stamp}",
                  f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}",
                  f"SUMMARY:{_ics_text(r['reference'] + ' ' + r['title'])}",
                  f"DESCRIPTION:{_ics_text(chr(10).join(description))}", "END:VEVENT"]
    for f in plan["freezes"]:
        lines += ["BEGIN:VEVENT", f"UID:freeze-{f['id']}@backoffice", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{f['start']:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{f['end'] + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_ics_text(t('cb.conflict_kind.freeze') + ': ' + f['name'])}",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(part for line in lines for part in _fold(line)) + "\r\n").encode("utf-8")
