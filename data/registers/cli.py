"""`backoffice orgs ...`: import municipalities from Statistics Norway, search and export the organisation
register."""
from __future__ import annotations

from pathlib import Path

from data.cli import read_file, run_command
from data.errors import BackofficeError
from data.formatting import day
from data.i18n import t
from data.registers import brreg, changes, exports, population, registry
from data.registers.models import OrganisationKind
from data.registers.registry import parse_norwegian_date


def cmd_import(args) -> int:
    content = read_file(args.file)
    counts = run_command(args, lambda s, a: registry.import_ssb_municipalities(s, a, content))
    print(t("reg.cli.orgs_imported", **counts))
    return 0


def cmd_search(args) -> int:
    """Organisations whose official name (any language part), Norwegian name, organisation number or
    municipality number contains TEXT, case and diacritics ignored: number, official name, kind, county."""
    rows = run_command(args, lambda s, _a: registry.organisation_rows(s, args.text, include_history=args.history))
    if not rows:
        print(t("reg.cli.orgs_none", text=args.text))
        return 0
    lines = [(row["org_number"] or "-", row["municipality_number"] or row["county_number"] or "-", row["name"],
              t(f"org.kind.{row['kind']}"), row["county"] or "-") for row in rows]
    header = (t("orgs.org_number"), t("reg.cli.number"), t("orgs.name"), t("orgs.kind"), t("orgs.county"))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(4)]
    for line in [header, *lines]:
        print("  ".join(str(value).ljust(width) for value, width in zip(line, widths, strict=False)) + "  " + line[4])
    print(t("reg.cli.orgs_found", count=len(rows)))
    return 0


def cmd_population_import(args) -> int:
    content = read_file(args.file)
    counts = run_command(args, lambda s, a: population.import_ssb_population(s, a, content, args.year, args.source))
    print(t("reg.pop.imported", **counts))
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
    p = orgs.add_parser("search", help=t("reg.cli.help_orgs_search"))
    p.add_argument("text", help=t("reg.cli.help_search_text"))
    p.add_argument("--history", action="store_true", help=t("reg.cli.help_history"))
    p.set_defaults(func=cmd_search)
    p = orgs.add_parser("export", help=t("reg.cli.help_orgs_export"))
    p.add_argument("--search", help=t("reg.cli.help_search"))
    p.add_argument("--kind", action="append", choices=[k.value for k in OrganisationKind],
                   help=t("reg.cli.help_kind"))
    p.add_argument("--county", help=t("reg.cli.help_county"))
    p.add_argument("--history", action="store_true", help=t("reg.cli.help_history"))
    p.add_argument("-o", "--output", required=True, help=t("reg.cli.help_output"))
    p.set_defaults(func=cmd_export)
    register_brreg_and_changes(orgs)
    group = orgs.add_parser("population", help=t("reg.cli.help_population")).add_subparsers(
        dest="population_command", required=True)
    p = group.add_parser("import", help=t("reg.cli.help_population_import"))
    p.add_argument("file")
    p.add_argument("--year", type=int, help=t("reg.cli.help_population_year"))
    p.add_argument("--source", help=t("reg.cli.help_population_source"))
    p.set_defaults(func=cmd_population_import)


# --- `orgs brreg import` and `orgs changes ...` (data/registers/brreg.py, data/registers/changes.py) --------


def _open_binary(path):
    try:
        return open(path, "rb")   # noqa: SIM115 - closed by the caller's with-block
    except OSError as exc:
        raise BackofficeError(t("cli.cannot_read", path=str(path), reason=exc.strerror or str(exc))) from exc


def cmd_brreg_import(args) -> int:
    with _open_binary(args.file) as handle:
        report = run_command(args, lambda s, a: brreg.import_enhetsregisteret(s, a, handle, apply=args.apply))
    for change in report.changes:
        print(t("brreg.cli.change", organisation=change["organisation"], field=brreg.field_label(change["field"]),
                old=change["old"] or "–", new=change["new"] or "–"))
    print(t("brreg.summary", read=report.read, kept=report.kept, matched=report.matched,
            unmatched=len(report.unmatched), changed=report.changed_organisations, unchanged=report.unchanged))
    print(t("brreg.applied", count=report.changed_organisations) if report.applied else t("brreg.cli.dry_run"))
    return 0


def _print_plan(plan: list[dict]) -> None:
    for group in plan:
        print(t("chg.cli.group", date=day(group["change_date"]), predecessor=group["predecessor"],
                successors=", ".join(group["successors"]), kind=t(f"chg.kind.{group['kind']}")))
        for item in group["items"]:
            print(f"  - [{t(f'chg.action.{item.action}')}] {item.text}")


def cmd_changes_import(args) -> int:
    content = read_file(args.file)
    report, plan = run_command(args, lambda s, a: changes.import_and_plan(s, a, content, apply=args.apply))
    print(t("chg.summary", rows=report.rows, links=report.links, already=report.already_linked,
            renames=report.renames, skipped=report.not_in_register, renumbered=len(report.renumbered),
            created=len(report.created)))
    for line in report.renumbered:
        print("  " + t("chg.cli.renumbered", what=line))
    for line in report.created:
        print("  " + t("chg.cli.created", what=line))
    _print_plan(plan)
    if args.apply:
        print(t("chg.applied", count=len(plan)))
    elif plan:
        print(t("chg.cli.review"))
    return 0


def cmd_changes_plan(args) -> int:
    plan = run_command(args, lambda s, _a: changes.merger_plan(s))
    _print_plan(plan)
    print(t("chg.cli.review") if plan else t("chg.nothing_pending"))
    return 0


def cmd_changes_apply(args) -> int:
    try:
        when = parse_norwegian_date(args.date) if args.date else None
    except (ValueError, OverflowError):
        raise BackofficeError(t("import.bad_date", value=args.date[:40])) from None
    applied = run_command(args, lambda s, a: changes.apply_plan(s, a, when))
    _print_plan(applied)
    print(t("chg.applied", count=len(applied)))
    return 0


def register_brreg_and_changes(orgs) -> None:
    brreg_group = orgs.add_parser("brreg", help=t("brreg.cli.help")).add_subparsers(dest="brreg_command",
                                                                                    required=True)
    p = brreg_group.add_parser("import", help=t("brreg.cli.help_import"))
    p.add_argument("file", help=t("brreg.cli.help_file"))
    p.add_argument("--apply", action="store_true", help=t("brreg.cli.help_apply"))
    p.set_defaults(func=cmd_brreg_import)
    group = orgs.add_parser("changes", help=t("chg.cli.help")).add_subparsers(dest="changes_command", required=True)
    p = group.add_parser("import", help=t("chg.cli.help_import"))
    p.add_argument("file", help=t("chg.cli.help_file"))
    p.add_argument("--apply", action="store_true", help=t("chg.cli.help_apply"))
    p.set_defaults(func=cmd_changes_import)
    p = group.add_parser("plan", help=t("chg.cli.help_plan"))
    p.set_defaults(func=cmd_changes_plan)
    p = group.add_parser("apply", help=t("chg.cli.help_apply_pending"))
    p.add_argument("--date", help=t("chg.cli.help_date"))
    p.set_defaults(func=cmd_changes_apply)
