"""`backoffice orgs ...`: import municipalities from Statistics Norway, export the organisation register."""
from __future__ import annotations

from pathlib import Path

from data.cli import read_file, run_command
from data.i18n import t
from data.registers import exports, registry
from data.registers.models import OrganisationKind


def cmd_import(args) -> int:
    content = read_file(args.file)
    counts = run_command(args, lambda s, a: registry.import_ssb_municipalities(s, a, content))
    print(t("reg.cli.orgs_imported", **counts))
    return 0


def cmd_export(args) -> int:
    def build(session, _actor):
        rows = registry.organisation_rows(session, args.search or "", args.kind, args.county, args.history)
        return len(rows), exports.organisations_workbook(rows)

    count, content = run_command(args, build)
    Path(args.output).write_bytes(content)
    print(t("reg.cli.orgs_written", count=count, path=args.output))
    return 0


def register_cli(subparsers) -> None:
    """Add `backoffice orgs ...` to the main parser's subparsers."""
    orgs = subparsers.add_parser("orgs", help=t("reg.cli.help_orgs")).add_subparsers(dest="orgs_command",
                                                                                     required=True)
    p = orgs.add_parser("import-ssb", help=t("reg.cli.help_orgs_import"))
    p.add_argument("file")
    p.set_defaults(func=cmd_import)
    p = orgs.add_parser("export", help=t("reg.cli.help_orgs_export"))
    p.add_argument("--search", help=t("reg.cli.help_search"))
    p.add_argument("--kind", action="append", choices=[k.value for k in OrganisationKind],
                   help=t("reg.cli.help_kind"))
    p.add_argument("--county", help=t("reg.cli.help_county"))
    p.add_argument("--history", action="store_true", help=t("reg.cli.help_history"))
    p.add_argument("-o", "--output", required=True, help=t("reg.cli.help_output"))
    p.set_defaults(func=cmd_export)
