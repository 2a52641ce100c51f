"""`backoffice support ...` and `backoffice changeboard ...` commands."""
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from admin.changeboard import agenda as agenda_mod
from admin.changeboard import changes as cb
from admin.changeboard import exports
from data.cli import run_command
from data.errors import BackofficeError
from data.i18n import t
from data.support import tickets as support


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BackofficeError(t("cb.cli.bad_date", value=value)) from exc


def _write(output: str | None, markdown: str, workbook) -> str:
    """Markdown to stdout or a .md file; Excel when the file ends in .xlsx."""
    if not output or output == "-":
        sys.stdout.write(markdown)
        return "-"
    path = Path(output)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(workbook())
    else:
        path.write_text(markdown, encoding="utf-8")
    return str(path)


def cmd_support_import(args) -> int:
    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        raise BackofficeError(t("cb.cli.cannot_read", path=args.file)) from exc
    counts = run_command(args, lambda s, a: support.import_tickets(s, a, content, dry_run=args.dry_run))
    print(t("sup.import.done_dry" if args.dry_run else "sup.import.done", **counts))
    return 0


def cmd_support_incidents(args) -> int:
    rows = run_command(args, lambda s, a: support.open_security_incidents(s))
    if not rows:
        print(t("sup.security.none"))
    for row in rows:
        print(f"#{row['ticket_number']:<8} {row['opened_at']:%d.%m.%Y}  {row['service'] or '-':<12} {row['subject']}")
    return 0


def cmd_agenda(args) -> int:
    meeting_date = _date(args.date) if args.date else agenda_mod.next_monday(date.today())

    def build(session, _actor):
        built = agenda_mod.build_agenda(session, meeting_date, weeks_ahead=args.weeks)
        return exports.agenda_markdown(built), exports.agenda_workbook(built)

    markdown, workbook = run_command(args, build)
    where = _write(args.output, markdown, lambda: workbook)
    if where != "-":
        print(t("cb.cli.written", path=where))
    return 0


def cmd_minutes(args) -> int:
    meeting_date = _date(args.date)

    def build(session, _actor):
        record = agenda_mod.minutes(session, meeting_date)
        return exports.minutes_markdown(record), exports.minutes_workbook(record)

    markdown, workbook = run_command(args, build)
    where = _write(args.output, markdown, lambda: workbook)
    if where != "-":
        print(t("cb.cli.written", path=where))
    return 0


def cmd_schedule(args) -> int:
    start = _date(args.start) if args.start else date.today()
    end = start + timedelta(days=7 * args.weeks - 1)
    if Path(args.output).suffix.lower() == ".ics":
        content = run_command(args, lambda s, a: exports.schedule_ics(cb.schedule(s, start, end)))
    else:
        content = run_command(args, lambda s, a: exports.schedule_workbook(cb.schedule(s, start, end), start, end))
    Path(args.output).write_bytes(content)
    print(t("cb.cli.written", path=args.output))
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
    p_support = sub.add_parser("support", help=t("sup.cli.help")).add_subparsers(dest="support_command",
                                                                                 required=True)
    p = p_support.add_parser("import", help=t("sup.cli.help_import"))
    p.add_argument("file", help=t("sup.cli.help_file"))
    p.add_argument("--dry-run", action="store_true", help=t("sup.cli.help_dry_run"))
    p.set_defaults(func=cmd_support_import)
    p_support.add_parser("incidents", help=t("sup.cli.help_incidents")).set_defaults(func=cmd_support_incidents)

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
    p = p_cb.add_parser("conflicts", help=t("cb.cli.help_conflicts"))
    p.add_argument("--start", help=t("cb.cli.help_start"))
    p.add_argument("--weeks", type=int, default=8, help=t("cb.cli.help_weeks"))
    p.add_argument("--strict", action="store_true", help=t("cb.cli.help_strict"))
    p.set_defaults(func=cmd_conflicts)

