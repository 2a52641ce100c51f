"""`backoffice risk suppliers list|reminders|export|register|finding-to-risk` (issue 23, item 2).

`register_cli(risk_subparsers)` adds the commands under the `risk` command.
"""
from __future__ import annotations

from datetime import date

from data.cli import run_command, write_file
from data.errors import BackofficeError
from data.formatting import day
from data.i18n import t
from risk.suppliers import assurance, exports, register


def _export(session, args) -> bytes:
    name = args.file.lower()
    if name.endswith(".xlsx"):
        return exports.subprocessors_workbook(session, args.service)
    if name.endswith(".md"):
        return exports.subprocessors_markdown(session, args.service).encode("utf-8")
    if name.endswith((".html", ".htm")):
        return exports.subprocessors_html(session, args.service).encode("utf-8")
    raise BackofficeError(t("supl.cli.bad_extension", path=args.file))


def cmd_export(args) -> int:
    content = run_command(args, lambda s, _a: _export(s, args))
    write_file(args.file, content)
    return 0


def cmd_register(args) -> int:
    content = run_command(args, lambda s, _a: exports.register_workbook(s))
    write_file(args.file, content)
    return 0


def cmd_list(args) -> int:
    def show(session, _actor):
        if args.subprocessors:
            rows = register.subprocessors(session, args.service)
            for row in rows:
                print(f"{row['service']:<24} {row['name']:<36} {row['org_number'] or '-':<10} {row['country']:<3} "
                      f"{row['data_location']}")
            return len(rows)
        rows = register.supplier_rows(session, service_code=args.service)
        for row in rows:
            flag = t("supl.cli.processor") if row["processes_personal_data"] else ""
            print(f"{row['id']:>4}  {row['name']:<36} {row['org_number'] or '-':<10} {row['country']:<3} "
                  f"{flag:<16} {row['services']}")
        return len(rows)

    count = run_command(args, show)
    print(t("supl.cli.count", count=count))
    return 0


def cmd_reminders(args) -> int:
    def show(session, _actor):
        rows = assurance.reminders(session)
        for row in rows:
            print(f"{t('supl.reminder.' + row['kind']):<32} {row['supplier']:<32} {day(row['due']) or '-':<10} "
                  f"{row['what']}")
        return len(rows)

    count = run_command(args, show)
    print(t("supl.cli.reminder_count", count=count))
    return 1 if count and args.strict else 0


def cmd_finding_to_risk(args) -> int:
    try:
        deadline = date.fromisoformat(args.deadline)
    except ValueError as exc:
        raise BackofficeError(t("supl.cli.bad_date", value=args.deadline)) from exc
    payload = {"service_code": args.service, "owner": args.owner, "deadline": deadline,
               "likelihood": args.likelihood, "consequence": args.consequence}
    risk_id = run_command(args, lambda s, a: assurance.finding_to_risk(s, a, args.finding, payload))
    print(t("supl.cli.risk_added", id=risk_id, service=args.service))
    return 0


def register_cli(risk_sub) -> None:
    """Add `suppliers ...` to the `backoffice risk` subcommands."""
    group = risk_sub.add_parser("suppliers", help=t("supl.cli.help")).add_subparsers(
        dest="suppliers_command", required=True)
    p = group.add_parser("list", help=t("supl.cli.help_list"))
    p.add_argument("--service", metavar="CODE")
    p.add_argument("--subprocessors", action="store_true", help=t("supl.cli.help_subprocessors"))
    p.set_defaults(func=cmd_list)
    p = group.add_parser("reminders", help=t("supl.cli.help_reminders"))
    p.add_argument("--strict", action="store_true", help=t("supl.cli.help_strict"))
    p.set_defaults(func=cmd_reminders)
    p = group.add_parser("export", help=t("supl.cli.help_export"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--service", metavar="CODE")
    p.set_defaults(func=cmd_export)
    p = group.add_parser("register", help=t("supl.cli.help_register"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_register)
    p = group.add_parser("finding-to-risk", help=t("supl.cli.help_finding"))
    p.add_argument("finding", type=int, metavar="FINDING_ID")
    p.add_argument("--service", required=True, metavar="CODE")
    p.add_argument("--owner", required=True)
    p.add_argument("--deadline", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--likelihood", type=int, default=3)
    p.add_argument("--consequence", type=int, default=3)
    p.set_defaults(func=cmd_finding_to_risk)
