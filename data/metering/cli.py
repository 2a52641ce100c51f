"""`backoffice meter ...`: ingest files, run the HTTP API, manage keys, meters and closed months."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import data.metering
from data import bootstrap, boundary
from data.cli import run_command
from data.excel import csv_export
from data.formatting import number
from data.i18n import t
from data.metering import exports
from data.metering import usage as metering
from data.metering.ingest import BatchRejected, Rejection


class _Progress:
    """A one-line progress display on stderr (only when stderr is a terminal, or when forced): first the
    checking pass, then the chunks written."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.phase = None
        self.started = time.monotonic()
        self.first = 0

    def __call__(self, phase: str, seen: int, total: int | None) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            if self.phase is not None:
                sys.stderr.write("\n")
            self.phase, self.started, self.first = phase, time.monotonic(), seen
        rate = number((seen - self.first) / max(time.monotonic() - self.started, 1e-6))
        if phase == "check":
            line = t("meter.cli_progress_check", count=number(seen), rate=rate)
        else:
            line = t("meter.cli_progress_write", count=number(seen), total=number(total), rate=rate)
        sys.stderr.write("\r" + line + "   ")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def cmd_ingest(args) -> int:
    progress = _Progress(args.progress or (sys.stderr.isatty() and not args.quiet))
    shown = {"count": 0}

    def on_reject(rejection: Rejection) -> None:
        shown["count"] += 1
        if shown["count"] <= args.max_errors:
            if progress.enabled:
                sys.stderr.write("\n")
            print(t("meter.cli_rejected_line", line=rejection.index, id=rejection.event_id or "-",
                    field=rejection.field or "-", reason=rejection.reason), file=sys.stderr)

    try:
        result = run_command(args, lambda s, a: metering.ingest_file(s, a, args.file, fmt=args.format,
                                                                     on_reject=on_reject, progress=progress))
    except BatchRejected as rejected:
        progress.done()
        result = rejected.result
        if shown["count"] > args.max_errors:
            print(t("meter.cli_more_rejected", count=number(shown["count"] - args.max_errors)), file=sys.stderr)
        if result.partial:
            print(rejected.message.splitlines()[0], file=sys.stderr)
            print(t("meter.cli_summary_partly", accepted=number(result.accepted), duplicates=number(result.duplicates),
                    rejected=number(result.rejected), batch=result.batch_id))
        else:
            print(t("meter.cli_summary_rejected", accepted=number(0), duplicates=number(result.duplicates),
                    rejected=number(result.rejected)))
        return 1
    progress.done()
    if result.resumed_at:
        print(t("meter.cli_resumed", batch=result.batch_id, count=number(result.resumed_at)))
    print(t("meter.cli_summary", accepted=number(result.accepted), duplicates=number(result.duplicates),
            rejected=number(0), late=number(result.late), batch=result.batch_id, chunks=number(result.chunks)))
    return 0


def cmd_batches(args) -> int:
    rows = run_command(args, lambda s, a: metering.recent_batches(s, args.limit))
    if not rows:
        print(t("meter.no_batches"))
    for r in rows:
        progress = t("meter.cli_batch_progress", received=number(r["received"]),
                     total=number(r["total_events"] if r["total_events"] is not None else r["received"]),
                     chunks=number(r["chunks_done"]))
        print(t("meter.cli_batch_line", id=r["id"], received_at=f"{r['received_at']:%d.%m.%Y %H:%M}",
                channel=r["channel"], status=r["status"], progress=progress, accepted=number(r["accepted"]),
                name=r["filename"] or r["source"] or ""))
    return 0


def cmd_api(args) -> int:
    from data.metering.api import serve  # late: FastAPI loads only for `meter api` (0.3 s)

    print(t("meter.cli_api_starting", host=args.host, port=args.port), file=sys.stderr)
    serve(args.host, args.port)
    return 0


def cmd_keys_add(args) -> int:
    row, key = run_command(args, lambda s, a: metering.create_api_key(s, a, args.source, args.service,
                                                                      args.label or ""))
    print(t("meter.cli_key_created", source=row.source, prefix=row.prefix))
    print(key)
    return 0


def cmd_keys_list(args) -> int:
    rows = run_command(args, lambda s, a: metering.api_key_rows(s))
    if not rows:
        print(t("meter.keys_empty"))
    for r in rows:
        state = t("meter.key_revoked") if r["revoked_at"] else t("meter.key_active")
        print(f"{r['prefix']:<10} {r['source']:<24} {r['service'] or '-':<16} {state:<10} "
              f"{r['created_at']:%d.%m.%Y} {r['created_by']}  {r['label']}")
    return 0


def cmd_keys_revoke(args) -> int:
    run_command(args, lambda s, a: metering.revoke_api_key(s, a, args.prefix))
    print(t("meter.cli_key_revoked", prefix=args.prefix))
    return 0


def cmd_meters_list(args) -> int:
    rows = run_command(args, lambda s, a: metering.meter_rows(s))
    if not rows:
        print(t("meter.meters_empty"))
    for r in rows:
        print(f"{r['code']:<26} {r['service']:<16} {r['aggregation']:<6} {r['unit']:<14} "
              f"{number(r['events']):>14}  {r['name']}")
    return 0


def cmd_meters_defaults(args) -> int:
    added = run_command(args, lambda s, a: metering.load_default_meters(s, a))
    print(t("meter.cli_defaults_loaded", count=added))
    return 0


def cmd_meters_add(args) -> int:
    payload = {"code": args.code, "service": args.service, "name": args.name, "unit": args.unit,
               "aggregation": args.aggregation, "description": args.description or ""}
    run_command(args, lambda s, a: metering.create_meter(s, a, payload))
    print(t("meter.cli_meter_added", code=args.code))
    return 0


def cmd_close_month(args) -> int:
    closed = run_command(args, lambda s, a: metering.close_month(s, a, args.month))
    print(t("meter.cli_month_closed", month=metering.month_label(closed.month)))
    return 0


def cmd_reopen_month(args) -> int:
    run_command(args, lambda s, a: metering.reopen_month(s, a, args.month))
    print(t("meter.cli_month_reopened", month=metering.month_label(metering.month_start(args.month))))
    return 0


USAGE_CSV_HEADERS = ["month", "org_number", "municipality_number", "organisation", "service", "meter", "unit",
                     "quantity", "events", "late_quantity"]


def _usage_rows(args):
    return run_command(args, lambda s, a: metering.usage_by_month(
        s, meter_code=args.meter, service_code=args.service, start_month=args.start, end_month=args.end))


def cmd_usage(args) -> int:
    rows = _usage_rows(args)
    content = csv_export(USAGE_CSV_HEADERS, [
        [f"{r.month:%Y-%m}", r.org_number, r.municipality_number, r.organisation_name, r.service_code,
         r.meter_code, r.unit, r.quantity, r.events, r.late_quantity] for r in rows])
    if not args.csv:
        sys.stdout.write(content.decode("utf-8-sig"))
        return 0
    Path(args.csv).write_bytes(content)
    print(t("meter.cli_usage_written", count=len(rows), path=args.csv))
    return 0


def cmd_export(args) -> int:
    rows = _usage_rows(args)
    Path(args.output).write_bytes(exports.usage_workbook(rows))
    print(t("meter.cli_usage_written", count=len(rows), path=args.output))
    return 0


def cmd_check(args) -> int:
    if args.repair:
        count = run_command(args, lambda s, a: metering.rebuild_rollups(s, a))
        print(t("meter.cli_rebuilt", count=number(count)))
        return 0
    differences, orphans = run_command(args, lambda s, a: (metering.rollup_differences(s), metering.orphan_events(s)))
    for parent, count in orphans.items():
        print(t("meter.cli_check_orphans", count=number(count), parent=t(f"meter.parent.{parent}")), file=sys.stderr)
    if not differences:
        print(t("meter.cli_check_ok"))
        return 1 if orphans else 0
    for d in differences[:50]:
        print(f"{d['organisation_id']} {d['meter_id']} {d['month']}: {d['rollup']} != {d['recount']}")
    print(t("meter.cli_check_bad", count=len(differences)), file=sys.stderr)
    return 1


def register_cli(subparsers) -> None:
    """Add `backoffice meter ...` to the main parser's subparsers."""
    meter = subparsers.add_parser("meter", help=t("meter.cli_help")).add_subparsers(dest="meter_command",
                                                                                   required=True)
    p = meter.add_parser("ingest", help=t("meter.cli_help_ingest"))
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=("jsonl", "csv"), help=t("meter.cli_help_format"))
    p.add_argument("--progress", action="store_true", help=t("meter.cli_help_progress"))
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--max-errors", type=int, default=1000, help=t("meter.cli_help_max_errors"))
    p.set_defaults(func=cmd_ingest)

    p = meter.add_parser("batches", help=t("meter.cli_help_batches"))
    p.add_argument("--limit", type=int, default=20, help=t("meter.cli_help_limit"))
    p.set_defaults(func=cmd_batches)

    p = meter.add_parser("api", help=t("meter.cli_help_api"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8088)
    p.set_defaults(func=cmd_api)

    keys = meter.add_parser("keys", help=t("meter.cli_help_keys")).add_subparsers(dest="keys_command", required=True)
    p = keys.add_parser("add", help=t("meter.cli_help_keys_add"))
    p.add_argument("source")
    p.add_argument("--service", help=t("meter.cli_help_key_service"))
    p.add_argument("--label")
    p.set_defaults(func=cmd_keys_add)
    keys.add_parser("list", help=t("meter.cli_help_keys_list")).set_defaults(func=cmd_keys_list)
    p = keys.add_parser("revoke", help=t("meter.cli_help_keys_revoke"))
    p.add_argument("prefix")
    p.set_defaults(func=cmd_keys_revoke)

    meters = meter.add_parser("meters", help=t("meter.cli_help_meters")).add_subparsers(dest="meters_command",
                                                                                       required=True)
    meters.add_parser("list", help=t("meter.cli_help_meters_list")).set_defaults(func=cmd_meters_list)
    meters.add_parser("load-defaults", help=t("meter.cli_help_meters_defaults")).set_defaults(func=cmd_meters_defaults)
    p = meters.add_parser("add", help=t("meter.cli_help_meters_add"))
    p.add_argument("code")
    p.add_argument("--service", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--aggregation", choices=("sum", "count"), default="sum")
    p.add_argument("--description")
    p.set_defaults(func=cmd_meters_add)

    p = meter.add_parser("close-month", help=t("meter.cli_help_close"))
    p.add_argument("month", help="YYYY-MM")
    p.set_defaults(func=cmd_close_month)
    p = meter.add_parser("reopen-month", help=t("meter.cli_help_reopen"))
    p.add_argument("month", help="YYYY-MM")
    p.set_defaults(func=cmd_reopen_month)

    p = meter.add_parser("usage", help=t("meter.cli_help_usage"))
    _usage_filters(p)
    p.add_argument("--csv", help=t("meter.cli_help_csv"))
    p.set_defaults(func=cmd_usage)
    p = meter.add_parser("export", help=t("meter.cli_help_export"))
    _usage_filters(p)
    p.add_argument("-o", "--output", required=True, help=t("meter.cli_help_output"))
    p.set_defaults(func=cmd_export)

    p = meter.add_parser("check", help=t("meter.cli_help_check"))
    p.add_argument("--repair", action="store_true", help=t("meter.cli_help_repair"))
    p.set_defaults(func=cmd_check)


def _usage_filters(parser) -> None:
    parser.add_argument("--service")
    parser.add_argument("--meter")
    parser.add_argument("--from", dest="start", help="YYYY-MM")
    parser.add_argument("--to", dest="end", help="YYYY-MM")


def main(argv: list[str] | None = None) -> int:
    """`python -m data.metering.cli meter ...`: the same commands without the rest of the CLI."""
    bootstrap.install([data.metering])
    parser = argparse.ArgumentParser(prog="backoffice")
    parser.add_argument("--as", dest="as_user", metavar="USER")
    register_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    with boundary.logging_to_file():
        try:
            return args.func(args) or 0
        except Exception as error:  # the one error boundary: a plain message here, the detail in the log
            print(boundary.message(error, where="cli meter"), file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
