"""`backoffice changeboard ...`: the agenda, minutes, forward schedule, the change items and conflicts."""
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from admin.changeboard import agenda as agenda_mod
from admin.changeboard import changes as cb
from admin.changeboard import exports
from admin.changeboard.models import ChangeStatus, ChangeType
from data.cli import run_command, write_file
from data.errors import BackofficeError
from data.i18n import t


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BackofficeError(t("cb.cli.bad_date", value=value)) from exc


def _write_document(args, build) -> int:
    """`build(session)` gives (Markdown, workbook bytes): Markdown to the screen or a .md file, Excel to .xlsx."""
    markdown, workbook = run_command(args, lambda session, _actor: build(session))
    if not args.output or args.output == "-":
        sys.stdout.write(markdown)
        return 0
    path = Path(args.output)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(workbook)
    else:
        path.write_text(markdown, encoding="utf-8")
    print(t("cli.written", path=str(path)))
    return 0


def cmd_agenda(args) -> int:
    meeting_date = _date(args.date) if args.date else agenda_mod.next_monday(date.today())

    def build(session):
        built = agenda_mod.build_agenda(session, meeting_date, weeks_ahead=args.weeks)
        return exports.agenda_markdown(built), exports.agenda_workbook(built)

    return _write_document(args, build)


def cmd_minutes(args) -> int:
    meeting_date = _date(args.date)

    def build(session):
        record = agenda_mod.minutes(session, meeting_date)
        return exports.minutes_markdown(record), exports.minutes_workbook(record)

    return _write_document(args, build)


def cmd_schedule(args) -> int:
    start = _date(args.start) if args.start else date.today()
    end = start + timedelta(days=7 * args.weeks - 1)
    if Path(args.output).suffix.lower() == ".ics":
        content = run_command(args, lambda s, a: exports.schedule_ics(cb.schedule(s, start, end)))
    else:
        content = run_command(args, lambda s, a: exports.schedule_workbook(cb.schedule(s, start, end), start, end))
    write_file(args.output, content)
    return 0


def cmd_items(args) -> int:
    """The change items the Changes page lists, with the same filters, as its Excel download."""
    def build(session, _actor):
        rows = cb.item_rows(session, tuple(args.status or ()), tuple(args.type or ()), tuple(args.service or ()),
                            args.search)
        return exports.items_workbook(rows, cb.project_names(session))

    write_file(args.output, run_command(args, build))
    return 0


def cmd_conflicts(args) -> int:
    start = _date(args.start) if args.start else date.today()
    end = start + timedelta(days=7 * args.weeks - 1)
    conflicts = run_command(args, lambda s, a: [(c.day, c.text(), c.item_ids, c.overridden)
                                                for c in cb.conflicts_between(s, start, end)])
    if not conflicts:
        print(t("cb.agenda.no_conflicts"))
        return 0
    for day_, text, ids, overridden in conflicts:
        refs = ", ".join(f"EB-{i}" for i in ids)
        print(f"{day_:%d.%m.%Y}  {text} ({refs}){'  [' + t('cb.col.overridden') + ']' if overridden else ''}")
    return 1 if any(not c[3] for c in conflicts) and args.strict else 0


def register_cli(sub) -> None:
    p_cb = sub.add_parser("changeboard", help=t("cb.cli.help")).add_subparsers(dest="changeboard_command",
                                                                               required=True)
    p = p_cb.add_parser("agenda", help=t("cb.cli.help_agenda"))
    p.add_argument("--date", help=t("cb.cli.help_date"))
    p.add_argument("--weeks", type=int, default=agenda_mod.DEFAULT_WEEKS_AHEAD, help=t("cb.cli.help_weeks"))
    p.add_argument("-o", "--output", help=t("cb.cli.help_output"))
    p.set_defaults(func=cmd_agenda)
    p = p_cb.add_parser("minutes", help=t("cb.cli.help_minutes"))
    p.add_argument("--date", required=True, help=t("cb.cli.help_date"))
    p.add_argument("-o", "--output", help=t("cb.cli.help_output"))
    p.set_defaults(func=cmd_minutes)
    p = p_cb.add_parser("schedule", help=t("cb.cli.help_schedule"))
    p.add_argument("--start", help=t("cb.cli.help_start"))
    p.add_argument("--weeks", type=int, default=12, help=t("cb.cli.help_weeks"))
    p.add_argument("-o", "--output", required=True, help=t("cb.cli.help_output_xlsx"))
    p.set_defaults(func=cmd_schedule)
    p = p_cb.add_parser("items", help=t("cb.cli.help_items"))
    p.add_argument("--status", action="append", choices=[s.value for s in ChangeStatus], help=t("cb.cli.help_status"))
    p.add_argument("--type", action="append", choices=[s.value for s in ChangeType], help=t("cb.cli.help_type"))
    p.add_argument("--service", action="append", metavar="CODE", help=t("cb.cli.help_service"))
    p.add_argument("--search", default="", help=t("cb.cli.help_search"))
    p.add_argument("-o", "--output", required=True, help=t("cb.cli.help_output_items"))
    p.set_defaults(func=cmd_items)
    p = p_cb.add_parser("conflicts", help=t("cb.cli.help_conflicts"))
    p.add_argument("--start", help=t("cb.cli.help_start"))
    p.add_argument("--weeks", type=int, default=8, help=t("cb.cli.help_weeks"))
    p.add_argument("--strict", action="store_true", help=t("cb.cli.help_strict"))
    p.set_defaults(func=cmd_conflicts)

