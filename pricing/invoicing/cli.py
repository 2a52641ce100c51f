"""`backoffice invoice ...`, `backoffice export invoice-basis|product-accounts` and `backoffice fund ...`
(show, plan, close, reopen): the same capability functions the invoicing pages call."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from data.cli import run_command
from data.errors import BackofficeError
from data.formatting import money
from data.i18n import t
from pricing import fundplan
from pricing.cli import export_parser, write_export
from pricing.invoicing import exports as invoicing_exports
from pricing.invoicing import fund
from pricing.invoicing import runs as invoicing
from pricing.invoicing import settings as ehf_settings


def _print_preview(preview) -> None:
    for warning in preview.warnings:
        print(t("inv.cli_warning", text=warning))
    for problem in preview.problems:
        print(t("inv.cli_warning", text=t("inv.problem.line", name=problem["organisation_name"],
                                          number=problem["org_number"] or "–", service=problem["service_name"],
                                          reason=problem["reason"])))
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
        if args.prepare:
            return preview, ("prepared", invoicing.prepare_run(session, actor, {**payload,
                                                                               "reason": args.reason or ""}).id)
        if not args.approve:
            return preview, None
        return preview, ("approved", invoicing.approve_run(session, actor, {
            **payload, "expected_total_ore": preview.total_ore, "reason": args.reason or ""}).number)

    preview, done = run_command(args, run)
    _print_preview(preview)
    if done is None:
        print(t("inv.cli_preview_only"))
    elif done[0] == "prepared":
        print(t("inv.cli_prepared", number=done[1], period=preview.period.label))
    else:
        print(t("inv.cli_approved", number=done[1], period=preview.period.label))
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
        if args.prepare:
            invoicing.prepare_credit(session, actor, payload)
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


def cmd_export_ehf(args) -> int:
    """One XML file per document and the summary CSV, written to the folder `-o`."""
    folder = Path(args.output)
    files, _rows = run_command(args, lambda s, a: invoicing_exports.ehf_files(s, a, args.run))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files:
            (folder / name).write_bytes(content)
    except OSError as exc:
        raise BackofficeError(t("cli.cannot_write", path=str(folder), reason=exc.strerror or str(exc))) from exc
    print(t("ehf.cli_written", count=len(files) - 1, summary=files[-1][0], folder=folder))
    return 0


def cmd_ehf_missing(args) -> int:
    rows = run_command(args, lambda s, a: ehf_settings.missing_for_run(s, invoicing.get_run(s, args.run)))
    if not rows:
        print(t("ehf.missing_none"))
    for row in rows:
        print(t("ehf.cli_missing", name=row["name"], number=row["org_number"] or "–", missing=row["missing"]))
    return 1 if rows else 0


def cmd_ehf_supplier(args) -> int:
    fields = ("org_number", "name", "street", "postal_code", "city", "bank_account", "contact_name", "contact_email",
              "contact_phone", "payment_terms_days", "kid_method", "note")

    def save(session, actor):
        row = ehf_settings.get_supplier(session)
        current = {k: getattr(row, k) for k in (*fields, "vat_registered", "foretaksregisteret")} if row else {}
        given = {k: getattr(args, k) for k in fields if getattr(args, k) is not None}
        if args.not_vat_registered:
            given["vat_registered"] = False
        return ehf_settings.save_supplier(session, actor, {**current, **given})

    run_command(args, save)
    print(t("ehf.cli_saved"))
    return 0


def cmd_ehf_recipient(args) -> int:
    payload = {k: getattr(args, k) for k in ("organisation", "street", "postal_code", "city", "endpoint_id",
                                             "buyer_reference", "agreement_reference") if getattr(args, k) is not None}
    run_command(args, lambda s, a: ehf_settings.save_recipient(s, a, payload))
    print(t("ehf.cli_saved"))
    return 0


def cmd_ehf_vat(args) -> int:
    payload = {"service": args.service, "year": args.year, "number": args.number, "category": args.category,
               "rate_percent": args.rate if args.rate is not None else 25, "exemption_reason": args.reason or ""}
    run_command(args, lambda s, a: ehf_settings.set_price_list_vat(s, a, payload))
    print(t("ehf.cli_saved"))
    return 0


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
    p.add_argument("--prepare", action="store_true", help=t("inv.cli_help_prepare"))
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
    p.add_argument("--prepare", action="store_true", help=t("inv.cli_help_prepare"))
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
    p = export.add_parser("ehf", help=t("ehf.cli_help"))
    p.add_argument("--run", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help=t("ehf.cli_help_output"))
    p.set_defaults(func=cmd_export_ehf)
    p = invoice.add_parser("ehf-missing", help=t("ehf.cli_help_missing"))
    p.add_argument("--run", type=int, required=True)
    p.set_defaults(func=cmd_ehf_missing)
    p = invoice.add_parser("ehf-supplier", help=t("ehf.cli_help_supplier"))
    for name in ("org-number", "name", "street", "postal-code", "city", "bank-account", "contact-name",
                 "contact-email", "contact-phone", "kid-method", "note"):
        p.add_argument(f"--{name}")
    p.add_argument("--payment-terms-days", type=int)
    p.add_argument("--not-vat-registered", action="store_true")
    p.set_defaults(func=cmd_ehf_supplier)
    p = invoice.add_parser("ehf-recipient", help=t("ehf.cli_help_recipient"))
    p.add_argument("--organisation", required=True, help=t("inv.cli_help_organisation"))
    for name in ("street", "postal-code", "city", "endpoint-id", "buyer-reference", "agreement-reference"):
        p.add_argument(f"--{name}")
    p.set_defaults(func=cmd_ehf_recipient)
    p = invoice.add_parser("vat", help=t("ehf.cli_help_vat"))
    p.add_argument("--service", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--number", type=int)
    p.add_argument("--category", choices=("S", "E", "O"), required=True)
    p.add_argument("--rate", type=float)
    p.add_argument("--reason")
    p.set_defaults(func=cmd_ehf_vat)
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

