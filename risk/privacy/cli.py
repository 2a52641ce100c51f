"""`backoffice risk breach list|mark|controllers|notices|sent`, `backoffice risk notice` and
`backoffice risk documents` (issue 23): the same functions as the pages.

`register_cli(risk_subparsers)` adds the commands under the `risk` command. Times on the command line are
Norwegian time (`2026-12-07 09:30`) unless they carry an offset (`2026-12-07T08:30+00:00`).
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from data.cli import run_command, write_file
from data.db import utcnow
from data.errors import BackofficeError
from data.formatting import OSLO, number
from data.i18n import t
from data.registers.models import Organisation
from data.support.tickets import find_ticket
from risk.privacy import breaches, documents, exports, notices


def parse_moment(text: str) -> datetime:
    """A moment from the command line: Norwegian time unless an offset is given."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise BackofficeError(t("priv.cli.bad_time", value=text)) from exc
    return moment.replace(tzinfo=OSLO) if moment.tzinfo is None else moment


def breach_id(text: str) -> int:
    found = re.fullmatch(r"(?:PB-)?(\d+)", text.strip(), flags=re.IGNORECASE)
    if not found:
        raise BackofficeError(t("priv.cli.bad_breach", value=text))
    return int(found.group(1))


def _write_files(directory: str, files: dict[str, bytes]) -> None:
    target = Path(directory)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackofficeError(t("cli.cannot_write", path=directory, reason=exc.strerror or str(exc))) from exc
    for name, content in files.items():
        write_file(target / name, content, quiet=True)
    print(t("priv.cli.files_written", count=len(files), path=directory))


def cmd_list(args) -> int:
    def show(session, _actor):
        rows = breaches.breach_rows(session, include_closed=args.all)
        if not rows:
            print(t("priv.breach.none"))
        for r in rows:
            print(f"{r['reference']:<7} {t('priv.state.' + r['state']):<26} {breaches.when(r['aware_at']):<22} "
                  f"{t('priv.cli.deadline')} {breaches.when(r['deadline']):<22} "
                  f"{r['sent']}/{r['controllers']}  {r['services']}: {r['title']}")
    run_command(args, show)
    return 0


def cmd_mark(args) -> int:
    def mark(session, actor):
        ticket = find_ticket(session, args.ticket)
        return breaches.mark_breach(session, actor, {
            "ticket_id": ticket.id, "aware_at": parse_moment(args.aware), "service_codes": args.service or [],
            "title": args.title, "notify_within_hours": args.hours, "narrow_by_digiorden": not args.no_digiorden,
            "what_happened": args.what or ""}).id
    new_id = run_command(args, mark)
    rows = run_command(args, lambda s, _a: breaches.controller_rows(s, new_id))
    print(t("priv.cli.marked", ref=f"PB-{new_id}", count=len(rows)))
    return 0


def cmd_controllers(args) -> int:
    def show(session, _actor):
        for r in breaches.controller_rows(session, breach_id(args.breach)):
            print(f"{r['org_number'] or '-':<10} {r['name'][:40]:<40} {t('priv.state.' + r['state']):<26} "
                  f"{breaches.when(r['sent_at'])}")
    run_command(args, show)
    return 0


def cmd_notices(args) -> int:
    files = run_command(args, lambda s, _a: exports.breach_notice_files(s, breach_id(args.breach)))
    _write_files(args.output, files)
    return 0


def cmd_sent(args) -> int:
    def sent(session, actor):
        wanted = breach_id(args.breach)
        if args.all:
            ids = [r["organisation_id"] for r in breaches.controller_rows(session, wanted) if r["sent_at"] is None]
        else:
            found = dict(session.execute(select(Organisation.org_number, Organisation.id)
                                         .where(Organisation.org_number.in_(args.org or []))).all())
            missing = [n for n in args.org or [] if n not in found]
            if missing:
                raise BackofficeError(t("priv.cli.unknown_orgs", numbers=", ".join(missing)))
            ids = [found[n] for n in args.org or []]
        if not ids:
            raise BackofficeError(t("priv.cli.nobody"))
        at = parse_moment(args.at) if args.at else None
        return breaches.record_sent(session, actor, wanted, {
            "organisation_ids": ids, "sent_at": at or utcnow(), "note": args.note or ""})
    count = run_command(args, sent)
    print(t("priv.cli.sent", count=count))
    return 0


def cmd_notice(args) -> int:
    def make(session, actor):
        notice_id = None
        if args.send:
            notice_id = notices.send_risk_notice(session, actor, {"service_code": args.service,
                                                                  "note": args.note or ""}).id
        else:
            found = notices.draft(session, args.service)
            notice_id = found["sent_id"]
        return notice_id, exports.risk_notice_files(session, args.service, notice_id)
    notice_id, files = run_command(args, make)
    _write_files(args.output, files)
    print(t("priv.cli.notice_sent" if args.send else "priv.cli.notice_stored" if notice_id else "priv.cli.notice_draft"))
    return 0


def cmd_documents(args) -> int:
    def show(session, _actor):
        if args.output:
            write_file(args.output, exports.documents_workbook(session))
            return
        rows = documents.document_rows(session, overdue_only=args.overdue)
        if not rows:
            print(t("priv.doc.none"))
        for r in rows:
            print(f"{t('priv.doc.kind.' + r['kind']):<10} {r['title'][:44]:<44} v{r['doc_version']:<6} "
                  f"{t('priv.doc.state.' + r['state']):<22} {r['next_review'] or '-'}"
                  + (f"  ({number(r['days_overdue'])} d)" if r["days_overdue"] else ""))
    run_command(args, show)
    return 0


def register_cli(risk_sub) -> None:
    """Add `breach ...`, `notice` and `documents` to the `backoffice risk` subcommands."""
    group = risk_sub.add_parser("breach", help=t("priv.cli.help_breach")).add_subparsers(
        dest="breach_command", required=True)
    p = group.add_parser("list", help=t("priv.cli.help_list"))
    p.add_argument("--all", action="store_true", help=t("priv.cli.help_all"))
    p.set_defaults(func=cmd_list)
    p = group.add_parser("mark", help=t("priv.cli.help_mark"))
    p.add_argument("--ticket", type=int, required=True, metavar="NUMBER", help=t("priv.cli.help_ticket"))
    p.add_argument("--aware", required=True, metavar="'YYYY-MM-DD HH:MM'", help=t("priv.cli.help_aware"))
    p.add_argument("--title", required=True)
    p.add_argument("--service", action="append", metavar="CODE", help=t("priv.cli.help_service"))
    p.add_argument("--hours", type=int, default=24, help=t("priv.cli.help_hours"))
    p.add_argument("--no-digiorden", action="store_true", help=t("priv.cli.help_no_digiorden"))
    p.add_argument("--what", metavar="TEXT", help=t("priv.cli.help_what"))
    p.set_defaults(func=cmd_mark)
    p = group.add_parser("controllers", help=t("priv.cli.help_controllers"))
    p.add_argument("--breach", required=True, metavar="N")
    p.set_defaults(func=cmd_controllers)
    p = group.add_parser("notices", help=t("priv.cli.help_notices"))
    p.add_argument("--breach", required=True, metavar="N")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.set_defaults(func=cmd_notices)
    p = group.add_parser("sent", help=t("priv.cli.help_sent"))
    p.add_argument("--breach", required=True, metavar="N")
    p.add_argument("--org", action="append", metavar="ORGNR", help=t("priv.cli.help_org"))
    p.add_argument("--all", action="store_true", help=t("priv.cli.help_sent_all"))
    p.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help=t("priv.cli.help_at"))
    p.add_argument("--note", metavar="TEXT")
    p.set_defaults(func=cmd_sent)

    p = risk_sub.add_parser("notice", help=t("priv.cli.help_notice"))
    p.add_argument("--service", required=True, metavar="CODE")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--send", action="store_true", help=t("priv.cli.help_send"))
    p.add_argument("--note", metavar="TEXT", help=t("priv.cli.help_note"))
    p.set_defaults(func=cmd_notice)

    p = risk_sub.add_parser("documents", help=t("priv.cli.help_documents"))
    p.add_argument("--overdue", action="store_true", help=t("priv.cli.help_overdue"))
    p.add_argument("-o", "--output", metavar="FILE.xlsx")
    p.set_defaults(func=cmd_documents)
