"""`backoffice portfolio ...`: the capacity table, schedules of plans and scenarios, exports, baselines."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from data.cli import run_command
from data.errors import BackofficeError
from data.formatting import number, percent
from data.i18n import t
from portfolio import capacity, exports, scenarios, staffing
from portfolio.schemas import add_months, month_label, month_start, parse_month


def _month(value: str | None, default: date | None) -> date | None:
    if not value:
        return default
    try:
        return parse_month(value)
    except ValueError as error:
        raise BackofficeError(str(error)) from None


def _period(args) -> tuple[date, date]:
    first = _month(args.from_month, month_start(date.today()))
    last = _month(args.to_month, add_months(first, 11))
    if last < first:
        raise BackofficeError(t("pf.error.end_before_start"))
    return first, last


def capacity_lines(session, first: date, last: date, scenario: str | None = None) -> list[str]:
    scenario_id = scenarios.find_scenario(session, scenario).id if scenario else None
    rows = capacity.capacity_table(session, first, last, scenario_id)
    if not rows:
        return [t("pf.cli.no_capacity")]
    heads = [t("pf.col.role"), t("pf.col.month"), t("pf.col.capacity"), t("pf.col.background"), t("pf.col.free"),
             t("pf.col.demand"), t("pf.col.balance"), t("pf.col.utilisation"), t("pf.col.consultant")]
    table = [[r["role"], month_label(r["month"]), number(r["capacity"], 2), number(r["background"], 2),
              number(r["free"], 2), number(r["demand"], 2), number(r["balance"], 2),
              percent(r["utilisation"], 0) if r["utilisation"] is not None else "–", number(r["consultant"], 2)]
             for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(heads, *table, strict=True)]

    def line(cells):
        return "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    out = [t("pf.cli.capacity_title", first=month_label(first), last=month_label(last),
             plan=scenario or t("pf.scenario.live")), line(heads), line(["-" * w for w in widths])]
    out += [line(row) + ("  " + t("pf.cli.short") if row[6].startswith("-") else "") for row in table]
    return out


def cmd_capacity(args) -> int:
    first, last = _period(args)
    for text in run_command(args, lambda s, _a: capacity_lines(s, first, last, args.scenario)):
        print(text)
    return 0


def schedule_lines(session, source: str, first: date) -> list[str]:
    result = scenarios.schedule_source(session, source, first)
    out = [t("pf.cli.schedule_title", plan=result.label, first=month_label(result.months[0]),
             last=month_label(result.months[-1]))]
    for o in result.outcomes:
        if o.slip is None:
            state = t("pf.cli.not_placed")
        elif o.slip:
            state = t("pf.cli.slips", months=o.slip, end=month_label(o.new_end))
        else:
            state = t("pf.cli.on_time")
        short = "; ".join(f"{s['role']} {s['months']}" for s in o.short) if o.slip != 0 else ""
        out.append(f"{o.priority:>3}. {o.name:<45} {state}" + (f"  ({short})" if short else ""))
    out.append(t("pf.cli.needed", peak=number(result.needed_fte_peak, 2), months=number(result.needed_fte_months, 2),
                 consultants=number(result.consultant_fte, 2)))
    return out


def cmd_schedule(args) -> int:
    first = _month(args.from_month, month_start(date.today()))

    def work(session, _actor):
        source = "live"
        if args.scenario:
            source = f"scenario:{scenarios.find_scenario(session, args.scenario).id}"
        elif args.baseline:
            match = [b for b in scenarios.baseline_list(session) if b["name"].lower() == args.baseline.lower()]
            if not match:
                raise BackofficeError(t("pf.baseline.not_found", name=args.baseline))
            source = f"baseline:{match[0]['id']}"
        return schedule_lines(session, source, first)

    for text in run_command(args, work):
        print(text)
    return 0


def cmd_export(args) -> int:
    first, last = _period(args)
    content = run_command(args, lambda s, _a: exports.plan_workbook(s, first, last))
    Path(args.file).write_bytes(content)
    print(t("pf.cli.exported", path=args.file))
    return 0


def cmd_demand_export(args) -> int:
    first, last = _month(args.from_month, None), _month(args.to_month, None)
    if first and last and last < first:
        raise BackofficeError(t("pf.error.end_before_start"))
    content = run_command(args, lambda s, _a: exports.demand_workbook(s, first, last))
    Path(args.file).write_bytes(content)
    print(t("pf.cli.demand_exported", path=args.file))
    return 0


def cmd_demand_import(args) -> int:
    try:
        content = Path(args.file).read_bytes()
    except OSError:
        raise BackofficeError(t("backup.no_file", path=args.file)) from None
    counts = run_command(args, lambda s, a: staffing.import_demand(s, a, content, dry_run=args.dry_run))
    print(t("pf.demand.counts", **counts))
    if args.dry_run:
        print(t("pf.cli.dry_run"))
    return 0


def cmd_baseline(args) -> int:
    baseline = run_command(args, lambda s, a: scenarios.create_baseline(s, a, {"name": args.name,
                                                                              "note": args.note or ""}))
    print(t("pf.cli.baseline_made", name=baseline.name))
    return 0


def register_cli(sub) -> None:
    parser = sub.add_parser("portfolio", help=t("pf.cli.help"))
    commands = parser.add_subparsers(dest="portfolio_command", required=True)
    p = commands.add_parser("capacity", help=t("pf.cli.help_capacity"))
    p.add_argument("--from", dest="from_month", metavar="YYYY-MM")
    p.add_argument("--to", dest="to_month", metavar="YYYY-MM")
    p.add_argument("--scenario", metavar="NAME", help=t("pf.cli.help_scenario"))
    p.set_defaults(func=cmd_capacity)
    p = commands.add_parser("schedule", help=t("pf.cli.help_schedule"))
    p.add_argument("--from", dest="from_month", metavar="YYYY-MM")
    p.add_argument("--scenario", metavar="NAME", help=t("pf.cli.help_scenario"))
    p.add_argument("--baseline", metavar="NAME")
    p.set_defaults(func=cmd_schedule)
    p = commands.add_parser("export", help=t("pf.cli.help_export"))
    p.add_argument("file")
    p.add_argument("--from", dest="from_month", metavar="YYYY-MM")
    p.add_argument("--to", dest="to_month", metavar="YYYY-MM")
    p.set_defaults(func=cmd_export)
    p = commands.add_parser("demand-export", help=t("pf.cli.help_demand_export"))
    p.add_argument("file")
    p.add_argument("--from", dest="from_month", metavar="YYYY-MM")
    p.add_argument("--to", dest="to_month", metavar="YYYY-MM")
    p.set_defaults(func=cmd_demand_export)
    p = commands.add_parser("demand-import", help=t("pf.cli.help_demand_import"))
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help=t("pf.cli.help_dry_run"))
    p.set_defaults(func=cmd_demand_import)
    p = commands.add_parser("baseline", help=t("pf.cli.help_baseline"))
    p.add_argument("name")
    p.add_argument("--note")
    p.set_defaults(func=cmd_baseline)
