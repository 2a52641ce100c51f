"""`backoffice agreements ...`: import and export the agreement register, who must re-sign, the user meeting."""
from __future__ import annotations

import sys
from pathlib import Path

from data.cli import run_command
from data.errors import BackofficeError
from data.i18n import t


def cmd_import(args) -> int:
    from agreements.imports import import_register

    path = Path(args.file)
    if not path.is_file():
        raise BackofficeError(t("agr.cli.no_file", path=str(path)))
    content = path.read_bytes()
    counts = run_command(args, lambda s, a: import_register(s, a, content, dry_run=args.dry_run))
    print(t("agr.cli.dry_run" if args.dry_run else "agr.cli.imported", **counts))
    return 0


def cmd_export(args) -> int:
    from agreements.exports import register_workbook

    content = run_command(args, lambda s, a: register_workbook(s, args.service))
    Path(args.file).write_bytes(content)
    print(t("agr.cli.exported", path=args.file))
    return 0


def cmd_resign(args) -> int:
    from agreements.appendices import must_resign

    rows = run_command(args, lambda s, a: must_resign(s, args.service))
    if not rows:
        print(t("agr.resign.none"))
        return 0
    for row in rows:
        print(f"{row['org_number'] or '':<10} {row['organisation']:<32} {row['current_version'] or '-':<8} "
              f"-> {row['new_version']:<8} {row['contact_email'] or ''}")
    print(t("agr.cli.resign_count", count=len(rows)))
    return 0


def cmd_user_meeting(args) -> int:
    from agreements.councils import user_meeting

    contacts = run_command(args, lambda s, a: user_meeting(s, args.service))
    for contact in contacts:
        print(f"{contact.org_number or '':<10} {contact.name:<32} {contact.contact_email or ''}")
    print(t("agr.cli.user_meeting_count", count=len(contacts)), file=sys.stderr)
    return 0


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
    p = commands.add_parser("user-meeting", help=t("agr.cli.help_user_meeting"))
    p.add_argument("--service", required=True)
    p.set_defaults(func=cmd_user_meeting)
