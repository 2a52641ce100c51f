"""`backoffice invoice ...`, `backoffice export invoice-basis|product-accounts` and `backoffice fund ...`
(show, plan, close, reopen): the same capability functions the invoicing pages call."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from data.cli import run_command
from data.formatting import money
from data.i18n import t
from pricing import fundplan
from pricing.cli import export_parser, write_export
from pricing.invoicing import exports as invoicing_exports
from pricing.invoicing import fund
from pricing.invoicing import runs as invoicing


def _print_preview(preview) -> None:
    for warning in preview.warnings:
        print(t("inv.cli_warning", text=warning))
    if preview.already_billed:
        print(t("inv.cli_already_billed", count=preview.already_billed))
    for row in preview.summary():
        print(t("inv.cli_service_line", service=row["service"], organisations=row["organisations"],
                lines=row["lines"], amount=money(row["total_ore"])))
    print(t("inv.cli_total", period=preview.period.label, lines=len(preview.lines), amount=money(preview.total_ore)))


def cmd_run(args) -> int:
    payload = {"period": args.period, "service": args.service}

    def run(session, actor):
        preview = invoicing.preview_run(session, actor, payload)
        if not args.approve:
            return preview, None
        return preview, invoicing.approve_run(session, actor, {**payload, "expected_total_ore": preview.total_ore,
                                                               "reason": args.reason or ""}).number

    preview, number = run_command(args, run)
    _print_preview(preview)
    if number is None:
        print(t("inv.cli_preview_only"))
    else:
        print(t("inv.cli_approved", number=number, period=preview.period.label))
    return 0


def cmd_list(args) -> int:
    rows = run_command(args, lambda s, a: invoicing.run_rows(s, args.year))
    if not rows:
        print(t("inv.runs_empty"))
    for r in reversed(rows):
        extra = ""
        if r["credits_run"]:
            extra = " " + t("inv.cli_credits", number=r["credits_run"])
        if r["credited_by"]:
            extra += " " + t("inv.cli_credited_by", number=r["credited_by"])
        print(f"{r['number']:>5}  {r['period']:<8} {t('inv.run_kind.' + r['kind']):<16} {r['lines']:>6}  "
              f"{money(r['total_ore']):>20}  {r['approved_by']}{extra}")
    return 0


def cmd_credit(args) -> int:
    payload = {"run": args.run, "reason": args.reason, "organisations": args.organisation or None,
               "rebill": not args.no_rebill}

    def credit(session, actor):
        preview = invoicing.preview_credit(session, actor, payload)
        if args.dry_run:
            return preview, None
        credit_run, rebill = invoicing.credit_and_rebill(session, actor, payload)
        return preview, (credit_run.number, rebill.number if rebill else None)

    preview, numbers = run_command(args, credit)
    print(t("inv.cli_credit_preview", credit=money(preview.credit_total_ore), rebill=money(preview.rebill_total_ore),
            difference=money(preview.difference_ore)))
    if numbers is None:
        print(t("inv.cli_preview_only"))
    else:
        print(t("inv.cli_credited", credit=numbers[0], rebill=numbers[1] or "-"))
    return 0


def cmd_export_basis(args) -> int:
    as_csv = Path(args.output).suffix.lower() == ".csv"
    build = invoicing_exports.invoice_basis_csv if as_csv else invoicing_exports.invoice_basis_workbook
    return write_export(args, lambda session: build(session, args.run))


def cmd_export_accounts(args) -> int:
    return write_export(args, lambda session: invoicing_exports.product_accounts_workbook(session, args.year,
                                                                                          args.service))


def cmd_fund(args) -> int:
    def show(session, _actor):
        return fund.statement(session, args.service, date.today())

    statement = run_command(args, show)
    if not statement.years:
        print(t("fund.empty"))
    for y in statement.years:
        print(f"{y.year}  {t('fund.col.opening')}: {money(y.opening_ore)}  {t('acct.item.result')}: "
              f"{money(y.result_ore)}  {t('fund.col.interest')}: {money(y.interest_ore)}  "
              f"{t('fund.col.closing')}: {money(y.closing_ore)}"
              + (f"  {t('fund.col.correction')}: {money(y.correction_ore)}" if y.correction_ore else "")
              + (f"  [{y.year_end_text()}]" if y.closed else ""))
    for warning in statement.warnings:
        print(t("inv.cli_warning", text=warning))
    return 0


def cmd_fund_plan(args) -> int:
    run_command(args, lambda s, a: fundplan.set_plan(s, a, {"service": args.service, "year": args.year,
                                                            "amount_ore": args.amount_ore, "note": args.note or ""}))
    print(t("fund.cli_planned", service=args.service, year=args.year, amount=money(args.amount_ore)))
    return 0


def cmd_fund_close(args) -> int:
    row = run_command(args, lambda s, a: fund.close_fund_year(s, a, args.service, args.year))
    print(t("fund.cli_closed", service=args.service, year=args.year, amount=money(row.closing_ore)))
    return 0


def cmd_fund_reopen(args) -> int:
    run_command(args, lambda s, a: fund.reopen_fund_year(s, a, args.service, args.year, args.reason))
    print(t("fund.cli_reopened", service=args.service, year=args.year))
    return 0


def register(sub) -> None:
    invoice = sub.add_parser("invoice", help=t("inv.cli_help")).add_subparsers(dest="invoice_command", required=True)
    p = invoice.add_parser("run", help=t("inv.cli_help_run"))
    p.add_argument("--period", required=True, help=t("inv.cli_help_period"))
    p.add_argument("--service")
    p.add_argument("--approve", action="store_true", help=t("inv.cli_help_approve"))
    p.add_argument("--reason")
    p.set_defaults(func=cmd_run)
    p = invoice.add_parser("list", help=t("inv.cli_help_list"))
    p.add_argument("--year", type=int)
    p.set_defaults(func=cmd_list)
    p = invoice.add_parser("credit", help=t("inv.cli_help_credit"))
    p.add_argument("--run", type=int, required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--organisation", action="append", help=t("inv.cli_help_organisation"))
    p.add_argument("--no-rebill", action="store_true")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_credit)
    export = export_parser(sub)
    p = export.add_parser("invoice-basis", help=t("inv.cli_help_export_basis"))
    p.add_argument("--run", type=int, required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export_basis)
    p = export.add_parser("product-accounts", help=t("inv.cli_help_export_accounts"))
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--service", action="append")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export_accounts)
    funds = sub.add_parser("fund", help=t("fund.cli_help")).add_subparsers(dest="fund_command", required=True)
    p = funds.add_parser("show", help=t("fund.cli_help_show"))
    p.add_argument("--service", required=True)
    p.set_defaults(func=cmd_fund)
    p = funds.add_parser("plan", help=t("fund.cli_help_plan"))
    p.add_argument("--service", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--amount-ore", type=int, required=True)
    p.add_argument("--note")
    p.set_defaults(func=cmd_fund_plan)
    p = funds.add_parser("close", help=t("fund.cli_help_close"))
    p.add_argument("--service", required=True)
    p.add_argument("--year", type=int, required=True)
    p.set_defaults(func=cmd_fund_close)
    p = funds.add_parser("reopen", help=t("fund.cli_help_reopen"))
    p.add_argument("--service", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_fund_reopen)

