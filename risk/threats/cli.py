"""`backoffice risk threats import|export|generate|list|excel` (issue 8).

`register_cli(risk_subparsers)` adds the commands under the `risk` command.
"""
from __future__ import annotations

from pathlib import Path

from data.cli import run_command
from data.errors import BackofficeError
from data.i18n import t
from risk.threats import modelling as threats
from risk.threats import threatdragon
from risk.threats.exports import threats_workbook


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BackofficeError(t("threat.cli.cannot_read", path=path, reason=exc.strerror or str(exc))) from exc


def _write(path: str, content: bytes) -> None:
    try:
        Path(path).write_bytes(content)
    except OSError as exc:
        raise BackofficeError(t("threat.cli.cannot_write", path=path, reason=exc.strerror or str(exc))) from exc


def cmd_import(args) -> int:
    content = _read(args.file)
    counts = run_command(args, lambda s, a: threatdragon.import_model(s, a, args.service, content))
    print(t("threat.cli.imported", service=args.service, **counts))
    awaiting = threatdragon.awaiting_leader_lines(counts)
    for index, line in enumerate(awaiting):
        print(line if index == 0 else f"  - {line}")
    if args.generate:
        result = run_command(args, lambda s, a: threats.generate_threats(s, a, args.service))
        print(t("threat.cli.generated", **result))
    return 0


def cmd_export(args) -> int:
    content = run_command(args, lambda s, _a: threatdragon.export_json(s, args.service))
    _write(args.file, content)
    print(t("threat.cli.exported", service=args.service, path=args.file))
    return 0


def cmd_generate(args) -> int:
    result = run_command(args, lambda s, a: threats.generate_threats(s, a, args.service))
    print(t("threat.cli.generated", **result))
    return 0


def cmd_list(args) -> int:
    def show(session, _actor):
        detail = threats.model_detail(session, args.service)
        if detail is None:
            raise BackofficeError(t("threat.error.no_model", service=args.service))
        for row in detail["threats"]:
            if args.open and row["status"] != "open":
                continue
            print(f"{row['id']:>5}  {row['category'] or '-'}  {row['rank']:>2}  {t('threat.status.' + row['status']):<16} "
                  f"{row['element'][:30]:<30}  {row['title']}")
    run_command(args, show)
    return 0


def cmd_excel(args) -> int:
    content = run_command(args, lambda s, _a: threats_workbook(s, args.service))
    _write(args.file, content)
    print(t("threat.cli.excel_written", path=args.file))
    return 0


def register_cli(risk_sub) -> None:
    """Add `threats ...` to the `backoffice risk` subcommands."""
    p_threats = risk_sub.add_parser("threats", help=t("threat.cli.help")).add_subparsers(
        dest="threats_command", required=True)
    p = p_threats.add_parser("import", help=t("threat.cli.help_import"))
    p.add_argument("file")
    p.add_argument("--service", required=True, metavar="CODE")
    p.add_argument("--generate", action="store_true", help=t("threat.cli.help_generate_after"))
    p.set_defaults(func=cmd_import)
    p = p_threats.add_parser("export", help=t("threat.cli.help_export"))
    p.add_argument("file")
    p.add_argument("--service", required=True, metavar="CODE")
    p.set_defaults(func=cmd_export)
    p = p_threats.add_parser("generate", help=t("threat.cli.help_generate"))
    p.add_argument("--service", required=True, metavar="CODE")
    p.set_defaults(func=cmd_generate)
    p = p_threats.add_parser("list", help=t("threat.cli.help_list"))
    p.add_argument("--service", required=True, metavar="CODE")
    p.add_argument("--open", action="store_true", help=t("threat.cli.help_open"))
    p.set_defaults(func=cmd_list)
    p = p_threats.add_parser("excel", help=t("threat.cli.help_excel"))
    p.add_argument("file")
    p.add_argument("--service", metavar="CODE")
    p.set_defaults(func=cmd_excel)

