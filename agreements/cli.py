"""`backoffice agreements ...`: import and export the agreement register, who must re-sign, the user meeting,
the user council, its meetings and the agenda suggestion, the yearly user meetings (`user-meetings list|add|
record`) and sending an approved change request on to a project or the change board (`change-requests
list|send`). Every write goes through the same capability function the pages call, with its permission check
(`--as USER` acts with that user's roles)."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from agreements import change_requests, meetings, processing
from agreements.agreements import today
from agreements.appendices import must_resign
from agreements.councils import (
    agenda_suggestion,
    awaiting_council,
    council_problems,
    decision_references,
    get_council,
    meeting_rows,
    member_rows,
    save_meeting,
    user_meeting,
)
from agreements.exports import register_workbook
from agreements.imports import import_register
from agreements.models import ChangeRequest, ChangeRequestStatus
from agreements.schemas import parse_date
from data.cli import run_command, write_file
from data.errors import BackofficeError
from data.formatting import day
from data.i18n import t
from data.registers.registry import get_service
from data.textsearch import plain


def _read_bytes(name: str) -> bytes:
    path = Path(name)
    if not path.is_file():
        raise BackofficeError(t("agr.cli.no_file", path=str(path)))
    return path.read_bytes()


def _read_text(name: str | None) -> str:
    """The text of a UTF-8 file, or "" when no file is named."""
    if not name:
        return ""
    try:
        return _read_bytes(name).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BackofficeError(t("agr.cli.not_text", path=name)) from exc


def _table(heads: list[str], rows: list[list]) -> list[str]:
    """Plain-text columns, left-aligned, padded to the widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(heads, *rows, strict=True)]

    def line(cells) -> str:
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(heads), line(["-" * width for width in widths])] + [line(row) for row in rows]


def cmd_import(args) -> int:
    content = _read_bytes(args.file)
    counts = run_command(args, lambda s, a: import_register(s, a, content, dry_run=args.dry_run))
    print(t("agr.cli.dry_run" if args.dry_run else "agr.cli.imported", **counts))
    return 0


def cmd_export(args) -> int:
    content = run_command(args, lambda s, a: register_workbook(s, args.service))
    Path(args.file).write_bytes(content)
    print(t("agr.cli.exported", path=args.file))
    return 0


def cmd_resign(args) -> int:
    rows = run_command(args, lambda s, a: must_resign(s, args.service))
    if not rows:
        print(t("agr.resign.none"))
        return 0
    for row in rows:
        print(f"{row['org_number'] or '':<10} {row['organisation']:<32} {row['current_version'] or '-':<8} "
              f"-> {row['new_version']:<8} {row['contact_email'] or ''}")
    print(t("agr.cli.resign_count", count=len(rows)))
    return 0


def cmd_dpa_resign(args) -> int:
    """Who must sign the newest version of the service's data processing agreement (--csv FILE: as CSV)."""
    def find(session, _actor):
        latest = processing.latest_version(session, args.service)
        if latest is None:
            raise BackofficeError(t("agr.dpa.cli_no_version", service=get_service(session, args.service).name))
        return latest.label, processing.must_sign(session, args.service)

    label, rows = run_command(args, find)
    if args.csv:
        write_file(args.csv, processing.must_sign_csv(rows))
    else:
        for row in rows:
            print(f"{row['org_number'] or '':<10} {row['organisation']:<32} {row['signed_version'] or '-':<8} "
                  f"-> {row['new_version']:<8} {row['contact_email'] or ''}")
    print(t("agr.dpa.cli_count", count=len(rows), label=label), file=sys.stderr if args.csv is None else sys.stdout)
    return 0


def cmd_user_meeting(args) -> int:
    contacts = run_command(args, lambda s, a: user_meeting(s, args.service))
    for contact in contacts:
        print(f"{contact.org_number or '':<10} {contact.name:<32} {contact.contact_email or ''}")
    print(t("agr.cli.user_meeting_count", count=len(contacts)), file=sys.stderr)
    return 0


# --- the user council ----------------------------------------------------------------------------


def _on_date(text: str | None) -> date:
    if not text:
        return today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise BackofficeError(str(exc)) from exc


def _term(row: dict) -> str:
    if row["term_to"] is None:
        return t("agr.cli.term_open", start=day(row["term_from"]))
    return f"{day(row['term_from'])}–{day(row['term_to'])}"


def council_lines(session, service_code: str, on_date: date) -> list[str]:
    """Members sitting on `on_date` as a table, then what needs fixing (or that nothing does)."""
    service = get_service(session, service_code)
    council = get_council(session, service.code)
    if council is None:
        return [t("agr.cli.no_council", service=service.name)]
    members = member_rows(session, service.code, on_date)
    lines = [t("agr.cli.council_title", council=council.name, date=day(on_date))]
    if members:
        lines += _table([t("agr.field.person_name"), t("agr.field.organisation_id"), t("agr.field.role"),
                         t("agr.cli.col_term")],
                        [[m["person_name"], m["organisation"], t(f"agr.role.{m['role']}"), _term(m)]
                         for m in members])
    else:
        lines.append(t("agr.cli.no_members", date=day(on_date)))
    problems = council_problems(session, service.code, on_date)
    if not problems:
        return lines + ["", t("agr.cli.no_problems")]
    return lines + ["", t("agr.cli.problems")] + [f"- {problem}" for problem in problems]


def cmd_council(args) -> int:
    on = _on_date(args.date)
    for line in run_command(args, lambda s, a: council_lines(s, args.service, on)):
        print(line)
    return 0


def _status_label(status: str) -> str:
    return t(f"agr.cr_status.{status}")


def _decision_line(decision: dict) -> str:
    line = f"  {decision['number']}. {decision['text']}"
    if decision["change_request_id"] is None:
        return line
    return line + " → " + t("agr.decision.linked", id=decision["change_request_id"],
                            title=decision["change_request_title"],
                            status=_status_label(decision["change_request_status"]).lower())


def _meeting_lines(meeting: dict, on: date) -> list[str]:
    head = f"{day(meeting['meeting_date'])}  {meeting['title']}"
    if meeting["location"]:
        head += f" ({meeting['location']})"
    if meeting["meeting_date"] > on:
        head += f" {t('agr.meeting.upcoming')}"
    decisions = [_decision_line(d) for d in meeting["decision_rows"]] or [f"  {t('agr.meeting.no_decisions')}"]
    return ["", head] + decisions


def meeting_lines(session, service_code: str) -> list[str]:
    """The council's meetings, newest first, each with its numbered decisions and linked change requests."""
    service = get_service(session, service_code)
    council = get_council(session, service.code)
    if council is None:
        return [t("agr.cli.no_council", service=service.name)]
    meetings = meeting_rows(session, service.code)
    if not meetings:
        return [t("agr.cli.no_meetings", council=council.name)]
    lines = [t("agr.cli.meetings_title", council=council.name, count=len(meetings))]
    for meeting in meetings:
        lines += _meeting_lines(meeting, today())
    return lines


def cmd_meetings(args) -> int:
    for line in run_command(args, lambda s, a: meeting_lines(s, args.service)):
        print(line)
    return 0


def agenda_lines(session, service_code: str) -> list[str]:
    """The change requests awaiting the council, then the agenda text to paste into the meeting notice."""
    service = get_service(session, service_code)
    rows = awaiting_council(session, service.code)
    if not rows:
        return [t("agr.agenda.empty", service=service.name)]
    lines = [t("agr.cli.awaiting_title", service=service.name, count=len(rows))]
    lines += _table([t("agr.cli.col_number"), t("agr.field.title"), t("agr.field.organisation_id"),
                     t("agr.field.council_priority"), t("agr.field.submitted_on")],
                    [[r["id"], r["title"], r["organisation"] or "–", r["council_priority"] or "–",
                      day(r["submitted_on"])] for r in rows])
    return lines + ["", t("agr.cli.suggestion_title"), agenda_suggestion(session, service.code)]


def cmd_agenda(args) -> int:
    for line in run_command(args, lambda s, a: agenda_lines(s, args.service)):
        print(line)
    return 0


def _status_code(text: str) -> str | None:
    """`planned`, `Planlagt` or `planlagt` -> "planned"; "-" or "" -> None (link only). Anything else is
    passed on for the validation to name the valid values."""
    wanted = text.strip().lower()
    if wanted in ("", "-"):
        return None
    for status in ChangeRequestStatus:
        if wanted in (status.value, _status_label(status.value).lower()):
            return status.value
    return text


class DecisionAction(argparse.Action):
    """`--decision TEXT` and `--decide ID STATUS TEXT` into one list, in the order given."""

    def __call__(self, parser, namespace, values, option_string=None):
        decisions = list(getattr(namespace, self.dest, None) or [])
        decisions.append(self._decision(values))
        setattr(namespace, self.dest, decisions)

    def _decision(self, values) -> dict:
        if isinstance(values, str):
            return {"text": values}
        request_id, status, text = values
        if not request_id.strip().isdigit():
            raise argparse.ArgumentError(self, t("agr.cli.bad_request_id", value=request_id))
        return {"text": text, "change_request_id": int(request_id), "new_status": _status_code(status)}


def record_meeting(session, actor, service_code: str, payload: dict) -> dict:
    """Save the meeting through `save_meeting`; report it and the change requests whose status moved."""
    linked = [d["change_request_id"] for d in payload["decisions"] if d.get("new_status")]
    before = dict(session.execute(select(ChangeRequest.id, ChangeRequest.status)
                                  .where(ChangeRequest.id.in_(linked))).all())
    meeting = save_meeting(session, actor, service_code, payload)
    requests = session.scalars(select(ChangeRequest).where(ChangeRequest.id.in_(before))
                               .order_by(ChangeRequest.id))
    moved = [{"id": r.id, "title": r.title, "old": _status_label(before[r.id]), "new": _status_label(r.status)}
             for r in requests if r.status != before[r.id]]
    return {"id": meeting.id, "date": day(meeting.meeting_date), "title": meeting.title,
            "service": get_service(session, service_code).name, "count": len(meeting.decisions), "moved": moved}


def cmd_record_meeting(args) -> int:
    payload = {"meeting_date": args.date, "title": args.title, "location": args.location,
               "agenda": _read_text(args.agenda_file), "minutes": _read_text(args.minutes_file),
               "decisions": args.decisions or []}
    result = run_command(args, lambda s, a: record_meeting(s, a, args.service, payload))
    print(t("agr.cli.recorded", **{k: v for k, v in result.items() if k != "moved"}))
    for request in result["moved"]:
        print(t("agr.cli.moved", **request))
    if not result["moved"]:
        print(t("agr.cli.none_moved"))
    return 0


# --- the yearly user meetings (agreements/meetings.py) ----------------------------------------------------


def _yes_no(value: bool) -> str:
    return t("agr.cli.yes") if value else t("agr.cli.no")


def _user_meeting(session, service_code: str, year: int) -> dict:
    """The service's user meeting of `year` (as `user_meeting_rows` gives it), or a plain error."""
    service = get_service(session, service_code)
    found = next((m for m in meetings.user_meeting_rows(session, service.code) if m["year"] == year), None)
    if found is None:
        raise BackofficeError(t("agr.cli.um_none_that_year", service=service.name, year=year, code=service.code))
    return found


def user_meeting_lines(session, service_code: str, year: int | None = None) -> list[str]:
    """The service's user meetings, newest first; with `year`, that meeting's invitation list and attendance."""
    service = get_service(session, service_code)
    if year is not None:
        meeting = _user_meeting(session, service.code, year)
        invitees = meetings.invitee_rows(session, meeting["id"])
        lines = [t("agr.cli.um_invitees_title", title=meeting["title"], date=day(meeting["meeting_date"]),
                   invited=len(invitees), attended=sum(1 for i in invitees if i["attended"]))]
        return lines + _table([t("agr.col.org_number"), t("agr.col.organisation"), t("agr.contact_email"),
                               t("agr.um.attended"), t("agr.um.representative")],
                              [[i["org_number"] or "–", i["name"], i["contact_email"] or "–", _yes_no(i["attended"]),
                                i["representative"] or "–"] for i in invitees])
    rows = meetings.user_meeting_rows(session, service.code)
    if not rows:
        return [t("agr.cli.um_none", service=service.name)]
    return [t("agr.cli.um_title", service=service.name, count=len(rows))] + _table(
        [t("agr.um.year"), t("agr.um.date"), t("agr.um.title"), t("agr.um.location"), t("agr.um.invited"),
         t("agr.um.attended"), t("agr.um.elected")],
        [[m["year"], day(m["meeting_date"]), m["title"], m["location"] or "–", m["invited"], m["attended"],
          m["elected"]] for m in rows])


def cmd_user_meetings_list(args) -> int:
    for line in run_command(args, lambda s, a: user_meeting_lines(s, args.service, args.year)):
        print(line)
    return 0


def add_user_meeting(session, actor, service_code: str, payload: dict) -> dict:
    """Call the meeting through `meetings.create_user_meeting` (its rules and permission check)."""
    service = get_service(session, service_code)
    on = _on_date(payload.pop("date"))
    title = payload.pop("title") or t("agr.cli.um_default_title", service=service.name, year=on.year)
    meeting = meetings.create_user_meeting(session, actor, {**payload, "service_code": service.code,
                                                            "meeting_date": on, "title": title})
    return {"title": meeting.title, "date": day(meeting.meeting_date), "service": service.name,
            "invited": len(meeting.invitees)}


def cmd_user_meetings_add(args) -> int:
    payload = {"date": args.date, "title": args.title, "location": args.location,
               "notice": _read_text(args.notice_file)}
    result = run_command(args, lambda s, a: add_user_meeting(s, a, args.service, payload))
    print(t("agr.cli.um_added", **result))
    return 0


def _invitee(invitees: list[dict], wanted: str, title: str) -> dict:
    """The invited organisation named by its organisation number or its name (case and diacritics folded)."""
    digits = wanted.replace(" ", "")
    for invitee in invitees:
        if digits and digits == (invitee["org_number"] or "").replace(" ", ""):
            return invitee
    named = [i for i in invitees if plain(i["name"]).strip() == plain(wanted).strip()]
    if len(named) == 1:
        return named[0]
    raise BackofficeError(t("agr.cli.um_not_invited", value=wanted, title=title))


def record_user_meeting(session, actor, service_code: str, year: int, attended: list[str], absent: list[str],
                        minutes: str | None) -> dict:
    """Attendance (`ORG` or `ORG=REPRESENTATIVE` came, `ORG` did not) and the minutes through
    `meetings.record_meeting`; the minutes are kept as they are unless new ones are given."""
    meeting = _user_meeting(session, service_code, year)
    invitees = meetings.invitee_rows(session, meeting["id"])
    rows: dict[int, dict] = {}
    for entry in attended:
        wanted, _, representative = entry.partition("=")
        invitee = _invitee(invitees, wanted, meeting["title"])
        rows[invitee["organisation_id"]] = {"organisation_id": invitee["organisation_id"], "attended": True,
                                            "representative": representative.strip()}
    for wanted in absent:
        invitee = _invitee(invitees, wanted, meeting["title"])
        rows[invitee["organisation_id"]] = {"organisation_id": invitee["organisation_id"], "attended": False,
                                            "representative": ""}
    recorded = meetings.record_meeting(session, actor, meeting["id"], {
        "minutes": meeting["minutes"] if minutes is None else minutes, "attendance": list(rows.values())},
        expected_version=meeting["version"])
    return {"title": recorded.title, "date": day(recorded.meeting_date), "invited": len(recorded.invitees),
            "attended": sum(1 for i in recorded.invitees if i.attended)}


def cmd_user_meetings_record(args) -> int:
    minutes = _read_text(args.minutes_file) if args.minutes_file else None
    result = run_command(args, lambda s, a: record_user_meeting(s, a, args.service, args.year, args.attended or [],
                                                                args.absent or [], minutes))
    print(t("agr.cli.um_recorded", **result))
    return 0


# --- sending an approved change request on (the destinations the admin room registers) --------------------

DESTINATION_NAMES = {"project": "project", "prosjekt": "project", "board": "change_board",
                     "change-board": "change_board", "change_board": "change_board", "endringsradet": "change_board"}
PROJECT_OPTIONS = ("project", "role", "first_month", "last_month", "fte")
BOARD_OPTIONS = ("risk", "impact", "note")


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _project_id(options: dict[int, str], wanted: str | None) -> int:
    """An open project by its number or its name (case and diacritics folded), or a plain error naming them."""
    if not wanted:
        raise BackofficeError(t("agr.cli.send_needs_project", projects=_project_list(options)))
    if wanted.strip().isdigit() and int(wanted) in options:
        return int(wanted)
    named = [i for i, name in options.items() if plain(name).strip() == plain(wanted).strip()]
    named = named or [i for i, name in options.items() if plain(wanted).strip() in plain(name)]
    if len(named) == 1:
        return named[0]
    raise BackofficeError(t("agr.cli.send_no_project", value=wanted, projects=_project_list(options)))


def _project_list(options: dict[int, str]) -> str:
    return "; ".join(f"{i} {name}" for i, name in options.items()) or t("agr.send.no_projects")


def send_change_request(session, actor, request_id: int, to: str, options: dict) -> dict:
    """Send request `request_id` through the destination's door (the product owner of its service, a request
    the council approved, not sent before: the door's own checks) and say where it went."""
    kind = DESTINATION_NAMES.get(plain(to).strip())
    targets = change_requests.destinations()
    if kind is None or kind not in targets:
        raise BackofficeError(t("agr.cli.send_bad_destination", value=to))
    given = {k for k, v in options.items() if v not in (None, "")}
    wrong = given - set(PROJECT_OPTIONS if kind == "project" else BOARD_OPTIONS)
    if wrong:
        raise BackofficeError(t("agr.cli.send_option_not_for", options=", ".join(_option(k) for k in sorted(wrong)),
                                where=t(targets[kind].label_key).lower()))
    destination = targets[kind]
    if destination.targets is not None:
        payload = {"project_id": _project_id(destination.targets(session), options.get("project")),
                   "role_code": options.get("role"), "first_month": options.get("first_month"),
                   "last_month": options.get("last_month"), "fte": options.get("fte")}
    else:
        payload = {"risk": 2 if options.get("risk") is None else options["risk"],
                   "impact": 2 if options.get("impact") is None else options["impact"], "note": options.get("note") or ""}
    request = destination.send(session, actor, request_id, payload)
    there = change_requests.sent_rows(session, (request.id,))[request.id]
    return {"id": request.id, "title": request.title, "where": there["destination"].lower(),
            "name": there["name"] or "–", "status": there["status"] or "–"}


def cmd_change_requests_send(args) -> int:
    options = {name: getattr(args, name) for name in PROJECT_OPTIONS + BOARD_OPTIONS}
    result = run_command(args, lambda s, a: send_change_request(s, a, args.id, args.to, options))
    print(t("agr.cli.sent", **result))
    return 0


def change_request_lines(session, service_code: str | None, sendable: bool) -> list[str]:
    """The service's change requests (all services without one); `sendable`: only those the council approved
    and nobody has sent on yet."""
    code = get_service(session, service_code).code if service_code else None
    rows = change_requests.change_request_rows(session, code)
    decided = decision_references(session, tuple(r["id"] for r in rows))
    sent = change_requests.sent_rows(session, tuple(r["id"] for r in rows))
    if sendable:
        rows = [r for r in rows if r["status"] in change_requests.APPROVED_STATUSES and r["sent_to"] is None
                and r["id"] in decided]
    if not rows:
        return [t("agr.cli.cr_none_sendable" if sendable else "agr.cli.cr_none")]
    return _table([t("agr.cli.col_number"), t("agr.col.service"), t("agr.field.title"), t("agr.cr.status"),
                   t("agr.cr.decided_in"), t("agr.cr.sent_to")],
                  [[r["id"], r["service"], r["title"], _status_label(r["status"]), decided.get(r["id"], "–"),
                    f"{sent[r['id']]['destination']}: {sent[r['id']]['name'] or '–'}" if r["id"] in sent else "–"]
                   for r in rows])


def cmd_change_requests_list(args) -> int:
    for line in run_command(args, lambda s, a: change_request_lines(s, args.service, args.sendable)):
        print(line)
    return 0


def _whole_number(text: str) -> int:
    """An argument that must be a whole number (a year, a request number, a score), refused in plain language."""
    if not text.strip().lstrip("-").isdigit():
        raise argparse.ArgumentTypeError(t("agr.cli.not_a_number", value=text))
    return int(text)


def _add_user_meeting_commands(commands) -> None:
    group = commands.add_parser("user-meetings", help=t("agr.cli.help_user_meetings")).add_subparsers(
        dest="user_meetings_command", required=True)
    p = group.add_parser("list", help=t("agr.cli.help_um_list"))
    p.add_argument("--service", required=True, help=t("agr.cli.help_service_code"))
    p.add_argument("--year", type=_whole_number, help=t("agr.cli.help_um_year_list"))
    p.set_defaults(func=cmd_user_meetings_list)
    p = group.add_parser("add", help=t("agr.cli.help_um_add"))
    p.add_argument("--service", required=True, help=t("agr.cli.help_service_code"))
    p.add_argument("--date", required=True, help=t("agr.cli.help_meeting_date"))
    p.add_argument("--title", default="", help=t("agr.cli.help_um_title"))
    p.add_argument("--location", default="", help=t("agr.cli.help_location"))
    p.add_argument("--notice-file", metavar="PATH", help=t("agr.cli.help_notice_file"))
    p.set_defaults(func=cmd_user_meetings_add)
    p = group.add_parser("record", help=t("agr.cli.help_um_record"))
    p.add_argument("--service", required=True, help=t("agr.cli.help_service_code"))
    p.add_argument("--year", type=_whole_number, required=True, help=t("agr.cli.help_um_year"))
    p.add_argument("--attended", action="append", metavar="ORG[=NAME]", help=t("agr.cli.help_um_attended"))
    p.add_argument("--absent", action="append", metavar="ORG", help=t("agr.cli.help_um_absent"))
    p.add_argument("--minutes-file", metavar="PATH", help=t("agr.cli.help_minutes_file"))
    p.set_defaults(func=cmd_user_meetings_record)


def _add_change_request_commands(commands) -> None:
    group = commands.add_parser("change-requests", help=t("agr.cli.help_change_requests")).add_subparsers(
        dest="change_requests_command", required=True)
    p = group.add_parser("list", help=t("agr.cli.help_cr_list"))
    p.add_argument("--service", help=t("agr.cli.help_service"))
    p.add_argument("--sendable", action="store_true", help=t("agr.cli.help_cr_sendable"))
    p.set_defaults(func=cmd_change_requests_list)
    p = group.add_parser("send", help=t("agr.cli.help_cr_send"))
    p.add_argument("id", type=_whole_number, metavar="ID", help=t("agr.cli.help_cr_id"))
    p.add_argument("--to", required=True, metavar="project|board", help=t("agr.cli.help_cr_to"))
    p.add_argument("--project", help=t("agr.cli.help_cr_project"))
    p.add_argument("--role", help=t("agr.cli.help_cr_role"))
    p.add_argument("--first-month", metavar="YYYY-MM", help=t("agr.send.first_month"))
    p.add_argument("--last-month", metavar="YYYY-MM", help=t("agr.send.last_month"))
    p.add_argument("--fte", help=t("agr.send.fte"))
    p.add_argument("--risk", type=_whole_number, help=t("agr.send.risk"))
    p.add_argument("--impact", type=_whole_number, help=t("agr.send.impact"))
    p.add_argument("--note", help=t("agr.send.note"))
    p.set_defaults(func=cmd_change_requests_send)


def _add_council_commands(commands) -> None:
    for name, func in (("council", cmd_council), ("meetings", cmd_meetings), ("agenda", cmd_agenda)):
        p = commands.add_parser(name, help=t(f"agr.cli.help_{name}"))
        p.add_argument("--service", required=True, help=t("agr.cli.help_service_code"))
        if name == "council":
            p.add_argument("--date", help=t("agr.cli.help_on_date"))
        p.set_defaults(func=func)
    p = commands.add_parser("record-meeting", help=t("agr.cli.help_record_meeting"))
    p.add_argument("--service", required=True, help=t("agr.cli.help_service_code"))
    p.add_argument("--date", help=t("agr.cli.help_meeting_date"))   # checked by MeetingIn, in plain language
    p.add_argument("--title", default="", help=t("agr.cli.help_title"))
    p.add_argument("--location", default="", help=t("agr.cli.help_location"))
    p.add_argument("--agenda-file", metavar="PATH", help=t("agr.cli.help_agenda_file"))
    p.add_argument("--minutes-file", metavar="PATH", help=t("agr.cli.help_minutes_file"))
    p.add_argument("--decision", dest="decisions", action=DecisionAction, metavar="TEXT",
                   help=t("agr.cli.help_decision"))
    p.add_argument("--decide", dest="decisions", action=DecisionAction, nargs=3,
                   metavar=("REQUEST_ID", "STATUS", "TEXT"), help=t("agr.cli.help_decide"))
    p.set_defaults(func=cmd_record_meeting)


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser("agreements", help=t("agr.cli.help"))
    commands = parser.add_subparsers(dest="agreements_command", required=True)
    p = commands.add_parser("import", help=t("agr.cli.help_import"))
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help=t("agr.cli.help_dry_run"))
    p.set_defaults(func=cmd_import)
    p = commands.add_parser("export", help=t("agr.cli.help_export"))
    p.add_argument("file")
    p.add_argument("--service", help=t("agr.cli.help_service"))
    p.set_defaults(func=cmd_export)
    p = commands.add_parser("must-resign", help=t("agr.cli.help_resign"))
    p.add_argument("--service", required=True)
    p.set_defaults(func=cmd_resign)
    p = commands.add_parser("dpa-resign", help=t("agr.cli.help_dpa_resign"))
    p.add_argument("--service", required=True)
    p.add_argument("--csv", metavar="FILE", help=t("agr.cli.help_dpa_csv"))
    p.set_defaults(func=cmd_dpa_resign)
    p = commands.add_parser("user-meeting", help=t("agr.cli.help_user_meeting"))
    p.add_argument("--service", required=True)
    p.set_defaults(func=cmd_user_meeting)
    _add_council_commands(commands)
    _add_user_meeting_commands(commands)
    _add_change_request_commands(commands)
