"""`backoffice risk export|template|list|overdue|review-due|risks-export|measures-export` and
`backoffice risk nsm list|export`.

`register_cli(risk_sub)` adds these under the `backoffice risk` command that risk/__init__.py makes.
"""
from __future__ import annotations

from data.cli import run_command, write_file
from data.formatting import day
from data.i18n import t
from risk import exports, measures, nsm, ros
from risk.schemas import MeasureStatus


def _write_built(args, path: str, build) -> int:
    """Build a file with `build(session, actor)` and write it to `path`."""
    write_file(path, run_command(args, build))
    return 0


def cmd_export(args) -> int:
    return _write_built(args, args.output, lambda s, a: exports.register_workbook(s, a, args.service))


def cmd_risks_export(args) -> int:
    return _write_built(args, args.output, lambda s, _a: exports.risks_workbook(
        s, args.service, tuple(args.level or ()), args.owner, above_only=args.above_only))


def cmd_measures_export(args) -> int:
    return _write_built(args, args.output, lambda s, _a: exports.measures_workbook(
        s, args.service, tuple(args.status or ()), args.owner, args.overdue_only))


def cmd_template(args) -> int:
    if args.output.lower().endswith((".html", ".htm")):
        return _write_built(args, args.output, lambda s, _a: exports.template_html(s, args.service).encode("utf-8"))
    return _write_built(args, args.output, lambda s, _a: exports.template_workbook(s, args.service))


def cmd_list(args) -> int:
    def show(session, _actor):
        rows = ros.assessment_rows(session, args.service, current_only=not args.all)
        if not rows:
            print(t("ros.empty"))
        for r in rows:
            print(f"{r['id']:>4}  {(r['service_code'] or t('ros.department')):<18} v{r['revision']:<3} "
                  f"{t('ros.status.' + r['status']):<16} {r['risks']:>3} / {r['above']:>2}  {r['title']}")

    run_command(args, show)
    return 0


def cmd_overdue(args) -> int:
    def show(session, _actor):
        rows = measures.measure_rows(session, args.service, overdue_only=True)
        if not rows:
            print(t("ros.measures.none_overdue"))
        for r in rows:
            print(f"{r['service_code'] or '-':<18} {r['key']:<6} {day(r['due_date']):<11} "
                  f"{r['days_overdue']:>4}  {r['owner']:<24} {r['title']}")

    run_command(args, show)
    return 0


def cmd_review_due(args) -> int:
    trigger = run_command(args, lambda s, a: ros.mark_review_due(s, a, args.service, args.reason, args.kind))
    print(t("ros.cli.review_marked", service=trigger.service_code))
    return 0


def cmd_nsm_list(args) -> int:
    def show(session, _actor):
        for row in nsm.assessment_rows(session):
            average = "-" if row["average"] is None else f"{row['average']:.2f}"
            print(f"{row['id']:>4}  {row['assessed_on']:%d.%m.%Y}  {t('nsm.status.' + row['status']):<10} "
                  f"{average:>5}  {row['scored']}/{row['measures']}  {row['title']}")
    run_command(args, show)
    return 0


def cmd_nsm_export(args) -> int:
    return _write_built(args, args.file, lambda s, _a: exports.nsm_workbook(s, args.assessment))


def register_cli(risk_sub) -> None:
    """Add the ROS and DPIA register commands to `backoffice risk`."""
    p = risk_sub.add_parser("export", help=t("ros.cli.help_export"))
    p.add_argument("--service", metavar="CODE", help=t("ros.cli.help_service_all"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_export)
    p = risk_sub.add_parser("risks-export", help=t("ros.cli.help_risks_export"))
    p.add_argument("--service", metavar="CODE", help=t("ros.cli.help_service_filter"))
    p.add_argument("--level", action="append", choices=("red", "yellow", "green"), help=t("ros.cli.help_level"))
    p.add_argument("--owner", help=t("ros.cli.help_owner"))
    p.add_argument("--above-only", action="store_true", help=t("ros.cli.help_above_only"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_risks_export)
    p = risk_sub.add_parser("measures-export", help=t("ros.cli.help_measures_export"))
    p.add_argument("--service", metavar="CODE", help=t("ros.cli.help_service_filter"))
    p.add_argument("--status", action="append", choices=[s.value for s in MeasureStatus],
                   help=t("ros.cli.help_status"))
    p.add_argument("--owner", help=t("ros.cli.help_owner"))
    p.add_argument("--overdue-only", action="store_true", help=t("ros.cli.help_overdue_only"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_measures_export)
    p = risk_sub.add_parser("template", help=t("ros.cli.help_template"))
    p.add_argument("--service", metavar="CODE", required=True)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=t("ros.cli.help_template_file"))
    p.set_defaults(func=cmd_template)
    p = risk_sub.add_parser("list", help=t("ros.cli.help_list"))
    p.add_argument("--service", metavar="CODE")
    p.add_argument("--all", action="store_true", help=t("ros.cli.help_all"))
    p.set_defaults(func=cmd_list)
    p = risk_sub.add_parser("overdue", help=t("ros.cli.help_overdue"))
    p.add_argument("--service", metavar="CODE")
    p.set_defaults(func=cmd_overdue)
    p = risk_sub.add_parser("review-due", help=t("ros.cli.help_review_due"))
    p.add_argument("--service", metavar="CODE", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--kind", choices=("change", "incident", "periodic", "other"), default="change")
    p.set_defaults(func=cmd_review_due)

    p_nsm = risk_sub.add_parser("nsm", help=t("nsm.cli.help")).add_subparsers(dest="nsm_command", required=True)
    p_nsm.add_parser("list", help=t("nsm.cli.help_list")).set_defaults(func=cmd_nsm_list)
    p = p_nsm.add_parser("export", help=t("nsm.cli.help_export"))
    p.add_argument("assessment", type=int)
    p.add_argument("file")
    p.set_defaults(func=cmd_nsm_export)
