"""`backoffice risk export|template|list|overdue|review-due|risks-export|measures-export`, the sign-off
commands `backoffice risk submit|approve|send-back ros|dpia ID`, `accept-request RISK_ID`,
`accept-decide REQUEST_ID accepted|rejected`, `acceptances`, and `backoffice risk nsm list|export|import|catalogue|orphans`.

`register_cli(risk_sub)` adds these under the `backoffice risk` command that risk/__init__.py makes.
"""
from __future__ import annotations

from datetime import date

from data.cli import read_file, run_command, write_file
from data.formatting import day
from data.i18n import t
from risk import dpia, exports, measures, nsm, ros
from risk.schemas import Decision, MeasureStatus

_SIGN_OFF = {"ros": (ros, ros.label), "dpia": (dpia, dpia.label)}


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


def cmd_sign_off(args) -> int:
    """submit / approve / send-back of a ROS or DPIA version, through the same doors as the pages."""
    module, label = _SIGN_OFF[args.kind]

    def act(session, actor):
        if args.action == "send_back":
            return label(module.send_back(session, actor, args.id, args.reason))
        return label(getattr(module, args.action)(session, actor, args.id))

    what = run_command(args, act)
    print(t(f"ros.cli.done_{args.action}", what=what))
    return 0


def cmd_accept_request(args) -> int:
    request = run_command(args, lambda s, a: ros.request_acceptance(s, a, args.risk, {
        "rationale": args.rationale, "expires_on": args.expires}))
    print(t("ros.cli.requested", id=request.id, key=request.risk_key))
    return 0


def cmd_accept_decide(args) -> int:
    decided = run_command(args, lambda s, a: ros.decide_acceptance(s, a, args.request, {
        "decision": args.decision, "rationale": args.reason, "expires_on": args.expires}))
    print(t("ros.cli.decided", key=decided.risk_key, decision=t(f"ros.decision.{decided.decision}")))
    return 0


def cmd_acceptances(args) -> int:
    def show(session, _actor):
        rows = ros.acceptance_rows(session, service_code=args.service,
                                   decisions=(Decision.PENDING.value,) if args.pending else ())
        if args.expired:
            rows = [r for r in rows if r["expired"]]
        if not rows:
            print(t("ros.cli.no_acceptances"))
        for r in rows:
            state = t("ros.acceptance.expired_back") if r["expired"] else t(f"ros.decision.{r['decision']}")
            print(f"{r['id']:>4}  {(r['service_code'] or t('ros.department')):<14} {r['risk_key']:<6} {state:<32} "
                  f"{day(r['expires_on']) if r['expires_on'] else '-':<11} {r['approver'] or r['requested_by']:<20} "
                  f"{r['risk_title']}")

    run_command(args, show)
    return 0


def cmd_nsm_list(args) -> int:
    def show(session, _actor):
        for row in nsm.assessment_rows(session):
            average = "-" if row["average"] is None else f"{row['average']:.2f}"
            outside = f"  ({t('nsm.cli.outside', count=row['outside'])})" if row["outside"] else ""
            print(f"{row['id']:>4}  {row['assessed_on']:%d.%m.%Y}  {t('nsm.status.' + row['status']):<10} "
                  f"{average:>5}  {row['scored']}/{row['measures']}  {row['title']}{outside}")
    run_command(args, show)
    return 0


def cmd_nsm_import(args) -> int:
    content = read_file(args.file)
    result = run_command(args, lambda s, a: nsm.import_catalogue(s, a, content, args.file, args.version))
    print(t("nsm.cli.imported", label=result["label"], measures=result["measures"], orphans=result["orphans"]))
    if result["principles_without_measures"]:
        print(t("nsm.cli.direct", ids=", ".join(result["principles_without_measures"])))
    return 0


def cmd_nsm_catalogue(args) -> int:
    def show(session, _actor):
        summary = nsm.catalogue_summary(session)
        print(t("nsm.catalogue.loaded", label=summary["label"]))
        print(t("nsm.catalogue.loaded_help", measures=summary["measures"], units=summary["units"],
                direct=", ".join(summary["principles_scored_directly"]) or "-"))
        for row in nsm.catalogue_rows(session):
            print(f"{row['id']:>4}  {row['imported_at']:%d.%m.%Y %H:%M}  {row['measures']:>4}  {row['imported_by']:<16} "
                  f"{row['version_label']}  [{row['source']}]")
    run_command(args, show)
    return 0


def cmd_nsm_orphans(args) -> int:
    """Scores outside the loaded catalogue; exit 0 either way (a report, not a check)."""
    def show(session, _actor):
        rows = nsm.orphan_rows(session, args.assessment)
        if not rows:
            print(t("nsm.orphans.none"))
            return
        print(t("nsm.orphans.count", count=len(rows)))
        for r in rows:
            level = "-" if r["level"] is None else r["level"]
            print(f"{r['assessment_id']:>4}  {r['measure_id']:<8} {level!s:>2}/{r['target']}  {r['reason_text']}  "
                  f"«{r['title']}»  ({r['assessment']})")
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

    for action, help_key in (("submit", "ros.cli.help_submit"), ("approve", "ros.cli.help_approve"),
                             ("send-back", "ros.cli.help_send_back")):
        p = risk_sub.add_parser(action, help=t(help_key))
        p.add_argument("kind", choices=tuple(_SIGN_OFF), help=t("ros.cli.help_kind"))
        p.add_argument("id", type=int)
        if action == "send-back":
            p.add_argument("--reason", required=True)
        p.set_defaults(func=cmd_sign_off, action=action.replace("-", "_"))
    p = risk_sub.add_parser("accept-request", help=t("ros.cli.help_accept_request"))
    p.add_argument("risk", type=int, metavar="RISK_ID")
    p.add_argument("--rationale", required=True)
    p.add_argument("--expires", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_accept_request)
    p = risk_sub.add_parser("accept-decide", help=t("ros.cli.help_accept_decide"))
    p.add_argument("request", type=int, metavar="REQUEST_ID")
    p.add_argument("decision", choices=(Decision.ACCEPTED.value, Decision.REJECTED.value))
    p.add_argument("--reason", required=True)
    p.add_argument("--expires", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_accept_decide)
    p = risk_sub.add_parser("acceptances", help=t("ros.cli.help_acceptances"))
    p.add_argument("--service", metavar="CODE")
    p.add_argument("--pending", action="store_true")
    p.add_argument("--expired", action="store_true")
    p.set_defaults(func=cmd_acceptances)

    p_nsm = risk_sub.add_parser("nsm", help=t("nsm.cli.help")).add_subparsers(dest="nsm_command", required=True)
    p_nsm.add_parser("list", help=t("nsm.cli.help_list")).set_defaults(func=cmd_nsm_list)
    p = p_nsm.add_parser("import", help=t("nsm.cli.help_import"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--version", metavar="V", help=t("nsm.cli.help_version"))
    p.set_defaults(func=cmd_nsm_import)
    p_nsm.add_parser("catalogue", help=t("nsm.cli.help_catalogue")).set_defaults(func=cmd_nsm_catalogue)
    p = p_nsm.add_parser("orphans", help=t("nsm.cli.help_orphans"))
    p.add_argument("assessment", type=int, nargs="?", metavar="ASSESSMENT_ID")
    p.set_defaults(func=cmd_nsm_orphans)
    p = p_nsm.add_parser("export", help=t("nsm.cli.help_export"))
    p.add_argument("assessment", type=int)
    p.add_argument("file")
    p.set_defaults(func=cmd_nsm_export)
