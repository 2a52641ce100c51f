"""`backoffice digiorden ...`: import and export a municipality's map, its record of processing,
its Archi files and its gaps, with the same capability functions the pages call."""
from __future__ import annotations

from pathlib import Path

from data.cli import run_command
from data.errors import BackofficeError
from data.formatting import percent
from data.i18n import t
from portfolio.digiorden import analysis as digiorden_analysis
from portfolio.digiorden import archi as digiorden_archi
from portfolio.digiorden import exchange as digiorden_exchange
from portfolio.digiorden import exports as digiorden_exports
from portfolio.digiorden import systems as digiorden


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BackofficeError(t("do.cli.cannot_read", path=path)) from exc


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise BackofficeError(t("do.cli.cannot_write", path=str(path))) from exc


def cmd_import(args) -> int:
    content = _read(args.file)

    def work(session, actor):
        org = digiorden.organisation_for(session, args.org)
        return org.name, digiorden_exchange.import_map(session, actor, org.id, content, dry_run=args.dry_run)

    name, result = run_command(args, work)
    key = "do.cli.import_checked" if args.dry_run else "do.cli.imported"
    print(t(key, name=name))
    print(result.summary())
    return 0


def _write_for_org(args, path: str, build, message_key: str) -> int:
    """Build a file for the organisation `--org` names with `build(session, organisation_id, actor)` (what the
    actor may read), write it."""
    def work(session, actor):
        org = digiorden.organisation_for(session, args.org)
        return org.name, build(session, org.id, actor)

    name, content = run_command(args, work)
    _write(Path(path), content)
    print(t(message_key, name=name, path=path))
    return 0


def cmd_export(args) -> int:
    return _write_for_org(args, args.file, digiorden_exchange.export_map, "do.cli.exported")


def cmd_records(args) -> int:
    return _write_for_org(args, args.file, digiorden_exports.records_workbook, "do.cli.records_written")


def cmd_archi(args) -> int:
    def work(session, actor):
        org = digiorden.organisation_for(session, args.org)
        return org.name, digiorden_archi.archi_files(session, org.id, actor)

    name, files = run_command(args, work)
    folder = Path(args.dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackofficeError(t("do.cli.cannot_write", path=str(folder))) from exc
    for filename, content in files.items():
        _write(folder / filename, content)
    print(t("do.cli.archi_written", name=name, path=str(folder)))
    return 0


def cmd_gaps(args) -> int:
    def work(session, actor):
        org = digiorden.organisation_for(session, args.org)
        content = digiorden_exports.gaps_workbook(session, org.id, actor) if args.output else None
        return org.name, digiorden_analysis.completeness(session, org.id, actor), content

    name, result, content = run_command(args, work)
    score = "-" if result["score"] is None else percent(result["score"])
    print(t("do.cli.score", name=name, score=score, passed=result["passed"], checks=result["checks"]))
    if content is not None:
        _write(Path(args.output), content)
        print(t("do.cli.gaps_written", name=name, path=args.output))
        return 0
    for gap in result["gaps"]:
        severity = t(f"do.severity.{gap['severity']}")
        print(f"- [{severity}] {gap['item']}: {gap['gap']}")
    return 0


def register_cli(sub) -> None:
    parser = sub.add_parser("digiorden", help=t("do.cli.help"))
    commands = parser.add_subparsers(dest="digiorden_command", required=True)
    p = commands.add_parser("import", help=t("do.cli.help_import"))
    p.add_argument("file")
    p.add_argument("--org", required=True, help=t("do.cli.help_org"))
    p.add_argument("--dry-run", action="store_true", help=t("do.cli.help_dry_run"))
    p.set_defaults(func=cmd_import)
    p = commands.add_parser("export", help=t("do.cli.help_export"))
    p.add_argument("file")
    p.add_argument("--org", required=True, help=t("do.cli.help_org"))
    p.set_defaults(func=cmd_export)
    p = commands.add_parser("records", help=t("do.cli.help_records"))
    p.add_argument("file")
    p.add_argument("--org", required=True, help=t("do.cli.help_org"))
    p.set_defaults(func=cmd_records)
    p = commands.add_parser("archi", help=t("do.cli.help_archi"))
    p.add_argument("dir")
    p.add_argument("--org", required=True, help=t("do.cli.help_org"))
    p.set_defaults(func=cmd_archi)
    p = commands.add_parser("gaps", help=t("do.cli.help_gaps"))
    p.add_argument("--org", required=True, help=t("do.cli.help_org"))
    p.add_argument("-o", "--output", metavar="FILE", help=t("do.cli.help_gaps_output"))
    p.set_defaults(func=cmd_gaps)
