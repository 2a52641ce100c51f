"""`backoffice support ...`: import the Freshdesk export, list open security incidents, export workbooks."""
from __future__ import annotations

from datetime import date

from data.cli import read_file, run_command, write_file
from data.errors import BackofficeError
from data.i18n import t
from data.support import exports, statistics, tickets
from data.support.freshdesk import import_tickets
from data.support.models import TicketStatus


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BackofficeError(t("sup.cli.bad_date", value=value)) from exc


def cmd_import(args) -> int:
    content = read_file(args.file)
    counts = run_command(args, lambda s, a: import_tickets(s, a, content, dry_run=args.dry_run))
    print(t("sup.import.done_dry" if args.dry_run else "sup.import.done", **counts))
    return 0


def cmd_incidents(args) -> int:
    rows = run_command(args, lambda s, a: tickets.open_security_incidents(s))
    if not rows:
        print(t("sup.security.none"))
    for row in rows:
        print(f"#{row['ticket_number']:<8} {row['opened_at']:%d.%m.%Y}  {row['service'] or '-':<12} {row['subject']}")
    return 0


def cmd_export_tickets(args) -> int:
    """All tickets that match the filters (no filter: every ticket), newest first."""
    start, end = _date(args.start), _date(args.end)
    content = run_command(args, lambda s, a: exports.tickets_workbook(statistics.ticket_rows(
        s, tuple(args.service or ()), tuple(args.status or ()), args.search or "", start, end, limit=None)))
    return _written(args.output, content)


def cmd_export_stats(args) -> int:
    default_start, default_end = statistics.default_period(date.today())
    start, end = _date(args.start) or default_start, _date(args.end) or default_end
    content = run_command(args, lambda s, a: exports.stats_workbook_for(s, start, end, tuple(args.service or ())))
    return _written(args.output, content)


def _written(output: str, content: bytes) -> int:
    write_file(output, content)
    return 0


def register_cli(subparsers) -> None:
    """Add `backoffice support ...` to the main parser's subparsers."""
    support = subparsers.add_parser("support", help=t("sup.cli.help")).add_subparsers(dest="support_command",
                                                                                      required=True)
    p = support.add_parser("import", help=t("sup.cli.help_import"))
    p.add_argument("file", help=t("sup.cli.help_file"))
    p.add_argument("--dry-run", action="store_true", help=t("sup.cli.help_dry_run"))
    p.set_defaults(func=cmd_import)
    support.add_parser("incidents", help=t("sup.cli.help_incidents")).set_defaults(func=cmd_incidents)

    export = support.add_parser("export", help=t("sup.cli.help_export")).add_subparsers(dest="export_command",
                                                                                        required=True)
    p = export.add_parser("tickets", help=t("sup.cli.help_export_tickets"))
    p.add_argument("--status", action="append", choices=[s.value for s in TicketStatus],
                   help=t("sup.cli.help_status"))
    p.add_argument("--search", help=t("sup.cli.help_search"))
    p.set_defaults(func=cmd_export_tickets)
    _period_and_output(p)
    p = export.add_parser("stats", help=t("sup.cli.help_export_stats"))
    p.set_defaults(func=cmd_export_stats)
    _period_and_output(p)


def _period_and_output(parser) -> None:
    parser.add_argument("--service", action="append", help=t("sup.cli.help_service"))
    parser.add_argument("--from", dest="start", help=t("sup.cli.help_from"))
    parser.add_argument("--to", dest="end", help=t("sup.cli.help_to"))
    parser.add_argument("-o", "--output", required=True, help=t("sup.cli.help_output"))
