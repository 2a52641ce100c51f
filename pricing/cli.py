"""`backoffice prices ...`: the same capability functions the pricing pages call."""
from __future__ import annotations

import json
from pathlib import Path

from data.cli import run_command
from data.errors import BackofficeError
from data.formatting import money
from data.i18n import t
from data.registers.models import Service
from pricing import capital, costbase, exports, pricelists, selfcost


def _load_model(value: str | None):
    if not value:
        return None
    path = Path(value)
    text = path.read_text(encoding="utf-8") if path.exists() else value
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BackofficeError(t("price.cli_bad_model", error=str(exc))) from exc


def _load_adopters(value: str | None):
    """A CSV/semicolon file of `organisation;units` lines (header optional)."""
    if not value:
        return None
    rows = []
    for line in Path(value).read_text(encoding="utf-8-sig").splitlines():
        parts = [p.strip() for p in line.replace(",", ";").split(";")]
        if not parts or not parts[0] or parts[0].lower() in ("organisation", "virksomhet"):
            continue
        rows.append({"organisation": parts[0], "units": parts[1] if len(parts) > 1 and parts[1] else "0"})
    return rows


def cmd_calculate(args) -> int:
    def calculate(session, actor):
        start = selfcost.starting_point(session, args.service, args.year) or {}
        model = _load_model(args.model) or start.get("model")
        if model is None:
            raise BackofficeError(t("price.cli_model_needed", service=args.service))
        adopters = _load_adopters(args.adopters)
        if adopters is None and not args.from_agreements:
            adopters = start.get("adopters")
        payload = {"service": args.service, "year": args.year, "basis": args.basis, "model": model,
                   "fund_use_ore": args.fund_use_ore if args.fund_use_ore is not None else start.get("fund_use_ore", 0),
                   "adopters": adopters, "volume_growth_percent": args.growth, "note": args.note or "",
                   "population_year": args.population_year}
        if args.dry_run:
            _inputs, result = selfcost.preview_price(session, actor, payload)
            return None, result, None
        calc = selfcost.calculate_price(session, actor, payload)
        return calc.number, calc.result, exports.calculation_workbook(session, calc) if args.output else None

    number, result, workbook = run_command(args, calculate)
    if number is not None:
        print(t("price.cli_saved", number=number, service=args.service, year=args.year))
    print(t("price.cli_self_cost", amount=money(result["self_cost_ore"])))
    for index, comp in enumerate(result["components"]):
        prices = ", ".join(money(p) for p in comp["tier_prices_ore"])
        model_label = t(f"price.model.{comp['basis']}")
        print(f"  {index + 1}. {model_label}: {prices}"
              + (f" ({t('price.col.minimum_fee')} {money(comp['minimum_fee_ore'])})" if comp.get("minimum_fee_ore")
                 else ""))
    print(t("price.cli_revenue", amount=money(result["expected_revenue_ore"]),
            adopters=len(result["charges"]), diff=money(result["rounding_difference_ore"])))
    if workbook is not None:
        Path(args.output).write_bytes(workbook)
        print(t("price.cli_written", path=args.output))
    return 0


def cmd_approve(args) -> int:
    def approve(session, actor):
        return pricelists.approve(session, actor, {"calculation_id": args.calculation, "comment": args.comment or ""}
                                  ).number

    number = run_command(args, approve)
    print(t("price.cli_approved", number=number))
    return 0


def cmd_submit(args) -> int:
    calc = run_command(args, lambda s, a: pricelists.submit(s, a, {"calculation_id": args.calculation}).number)
    print(t("price.cli_submitted", number=calc))
    return 0


def cmd_send_back(args) -> int:
    def send_back(session, actor):
        calc = pricelists.send_back(session, actor, {"calculation_id": args.calculation, "comment": args.reason})
        return calc.number, session.get(Service, calc.service_id).name, calc.year

    number, service, year = run_command(args, send_back)
    print(t("price.cli_sent_back", number=number, service=service, year=year))
    return 0


def cmd_calculations(args) -> int:
    """`prices calculations`: id (what submit, approve and send-back take), status and self-cost; under a draft
    a leader sent back, who sent it back, when and why."""
    def read(session, actor):
        return selfcost.calculations(session, actor, args.year, args.service), \
            exports.person_names(session)

    rows, people = run_command(args, read)
    if not rows:
        print(t("price.cli_calculations_empty"))
    for row in rows:
        label = t("price.calc_label", number=row["number"], status=t(f"price.status.{row['status']}"))
        print(f"{row['id']:>5}  {row['year']}  {row['service_name']:<20} {label:<40} {money(row['self_cost_ore'])}")
        if row["sent_back_reason"]:
            who = people.get(row["sent_back_by"], row["sent_back_by"])
            print(f"       {pricelists.sent_back_line(who, row['sent_back_at'], row['sent_back_reason'])}")
    return 0


def cmd_list(args) -> int:
    rows = run_command(args, lambda s, a: pricelists.price_list_rows(s, args.year, args.service))
    if not rows:
        print(t("price.lists_empty"))
    for row in rows:
        if not row["in_force"] and not args.all:
            continue
        prices = " | ".join(", ".join(money(p) for p in c["tier_prices_ore"]) for c in row["components"])
        print(f"{row['year']}  {row['service']:<14} v{row['number']}  {prices}  ({row['approved_by']})")
    return 0


def cmd_import_costs(args) -> int:
    content = Path(args.file).read_bytes()
    counts = run_command(args, lambda s, a: costbase.import_cost_base(s, a, args.year, content))
    print(t("price.imported", **counts))
    return 0


def cmd_rate(args) -> int:
    run_command(args, lambda s, a: capital.set_rate(s, a, {"year": args.year, "swap_rate": args.swap_rate,
                                                           "source": args.source or ""}))
    print(t("price.cli_rate_set", year=args.year))
    return 0


def cmd_lives(args) -> int:
    """`prices lives`: each asset class's longest depreciation period and its source."""
    rows = run_command(args, lambda s, a: capital.class_life_rows(s))
    for row in rows:
        print(t("price.cli_life_row", letter=row["letter"], name=t(f"price.asset_class.{row['code']}"),
                years=row["max_years"], source=row["source"]))
    return 0


def cmd_lives_set(args) -> int:
    """`prices lives set CLASS YEARS --source TEXT`: finance corrects a class's maximum, with its source."""
    row = run_command(args, lambda s, a: capital.set_class_life(s, a, {"code": args.asset_class,
                                                                       "max_years": args.years,
                                                                       "source": args.source}))
    print(t("price.cli_life_set", name=t(f"price.asset_class.{row.code}"), years=row.max_years))
    return 0


def write_export(args, build) -> int:
    """Build a file from the database (`build(session)`) and write it to `args.output`."""
    content = run_command(args, lambda session, _actor: build(session))
    Path(args.output).write_bytes(content)
    print(t("price.cli_file_written", path=args.output))
    return 0


def cmd_export_cost_base(args) -> int:
    return write_export(args, lambda session: exports.cost_base_workbook(session, args.year))


def cmd_export_price_lists(args) -> int:
    def build(session):
        rows = pricelists.price_list_rows(session, args.year, args.service)
        return exports.price_list_workbook([r for r in rows if r["in_force"] or args.all],
                                           exports.person_names(session))

    return write_export(args, build)


def cmd_export_organisation_bills(args) -> int:
    def build(session):
        codes, rows = pricelists.bills_by_organisation(session, args.year)
        return exports.organisation_bills_workbook(args.year, codes, rows)

    return write_export(args, build)


def cmd_export_calculation(args) -> int:
    def build(session):
        calc = selfcost.get_calculation(session, args.calculation)
        return exports.bills_workbook(calc) if args.bills else exports.calculation_workbook(session, calc)

    return write_export(args, build)


def export_parser(sub):
    """`backoffice export ...` is shared by pricing and invoicing: the one made already, or a new one."""
    existing = sub.choices.get("export")
    if existing is not None:
        for action in existing._actions:
            if isinstance(getattr(action, "choices", None), dict):
                return action
    return sub.add_parser("export", help=t("inv.cli_help_export")).add_subparsers(dest="export_command", required=True)


def register(sub) -> None:
    prices = sub.add_parser("prices", help=t("price.cli_help")).add_subparsers(dest="prices_command", required=True)
    p = prices.add_parser("calculate", help=t("price.cli_help_calculate"))
    p.add_argument("--service", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("-o", "--output", help=t("price.cli_help_output"))
    p.add_argument("--basis", choices=("budget", "actual"), default="budget")
    p.add_argument("--model", help=t("price.cli_help_model"))
    p.add_argument("--adopters", help=t("price.cli_help_adopters"))
    p.add_argument("--from-agreements", action="store_true", help=t("price.cli_help_from_agreements"))
    p.add_argument("--growth", default="0", help=t("price.cli_help_growth"))
    p.add_argument("--fund-use-ore", type=int, help=t("price.cli_help_fund_use"))
    p.add_argument("--population-year", type=int, help=t("price.population_year_help"))
    p.add_argument("--note")
    p.add_argument("--dry-run", action="store_true", help=t("price.cli_help_dry_run"))
    p.set_defaults(func=cmd_calculate)
    p = prices.add_parser("approve", help=t("price.cli_help_approve"))
    p.add_argument("calculation", type=int)
    p.add_argument("--comment")
    p.set_defaults(func=cmd_approve)
    p = prices.add_parser("submit", help=t("price.cli_help_submit"))
    p.add_argument("calculation", type=int)
    p.set_defaults(func=cmd_submit)
    p = prices.add_parser("send-back", help=t("price.cli_help_send_back"))
    p.add_argument("calculation", type=int)
    p.add_argument("--reason", required=True, help=t("price.cli_help_reason"))
    p.set_defaults(func=cmd_send_back)
    p = prices.add_parser("calculations", help=t("price.cli_help_calculations"))
    p.add_argument("--year", type=int)
    p.add_argument("--service")
    p.set_defaults(func=cmd_calculations)
    p = prices.add_parser("list", help=t("price.cli_help_list"))
    p.add_argument("--year", type=int)
    p.add_argument("--service")
    p.add_argument("--all", action="store_true", help=t("price.cli_help_all"))
    p.set_defaults(func=cmd_list)
    p = prices.add_parser("import-costs", help=t("price.cli_help_import"))
    p.add_argument("file")
    p.add_argument("--year", type=int, required=True)
    p.set_defaults(func=cmd_import_costs)
    p = prices.add_parser("rate", help=t("price.cli_help_rate"))
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--swap-rate", required=True)
    p.add_argument("--source")
    p.set_defaults(func=cmd_rate)
    p = prices.add_parser("lives", help=t("price.cli_help_lives"))
    p.set_defaults(func=cmd_lives)
    lives = p.add_subparsers(dest="lives_command")
    p = lives.add_parser("set", help=t("price.cli_help_lives_set"))
    p.add_argument("asset_class", metavar="CLASS", help=t("price.cli_help_class", codes=", ".join(capital.ASSET_CLASSES)))
    p.add_argument("years", type=int, help=t("price.cli_help_years"))
    p.add_argument("--source", required=True, help=t("price.cli_help_life_source"))
    p.set_defaults(func=cmd_lives_set)
    export = export_parser(sub)
    p = export.add_parser("cost-base", help=t("price.cli_help_export_cost_base"))
    p.add_argument("--year", type=int, required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export_cost_base)
    p = export.add_parser("price-lists", help=t("price.cli_help_export_price_lists"))
    p.add_argument("--year", type=int)
    p.add_argument("--service")
    p.add_argument("--all", action="store_true", help=t("price.cli_help_all"))
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export_price_lists)
    p = export.add_parser("organisation-bills", help=t("price.cli_help_export_organisation_bills"))
    p.add_argument("--year", type=int, required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export_organisation_bills)
    p = export.add_parser("calculation", help=t("price.cli_help_export_calculation"))
    p.add_argument("calculation", type=int)
    p.add_argument("--bills", action="store_true", help=t("price.cli_help_export_bills"))
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export_calculation)
