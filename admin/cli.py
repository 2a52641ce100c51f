"""The `backoffice` command: the same capability functions the pages call.

Writes run as the local operator (`system`, every role) unless `--as USER` names a user, whose
roles are then checked. Errors print in plain language and exit 1.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from sqlalchemy import func, select

from admin import approvals, modules
from data import audit, backup, bootstrap, boundary, db, demo, schema
from data.access import ROLES
from data.cli import acting_actor, run_command
from data.errors import BackofficeError
from data.i18n import set_language, t
from data.registers import cli as registers_cli
from data.registers.models import User
from data.registers.registry import load_reference_data
from data.registers.users import (
    create_user,
    ensure_first_admin,
    generate_password,
    list_users,
    set_active,
    set_password,
)

# --- db -------------------------------------------------------------------------------------------


def cmd_db_upgrade(args) -> int:
    schema.upgrade()
    print(t("cli.db_upgraded"))

    def seed(session, actor):
        added = load_reference_data(session, actor)
        password = None if args.no_admin else ensure_first_admin(session)
        return added, password

    added, password = run_command(args, seed)
    if any(added.values()):
        print(t("cli.reference_loaded", **added))
    if password:
        print(t("cli.first_admin", password=password))
    return 0


def cmd_db_status(args) -> int:
    current, head = schema.current_revisions(), schema.head_revisions()
    print(f"current: {', '.join(sorted(current)) or '-'}   head: {', '.join(sorted(head))}")
    if current != head:
        print(t("db.out_of_date"))
        return 1
    return 0


# --- users ------------------------------------------------------------------------------------------


def cmd_users_add(args) -> int:
    password = args.password or generate_password(args.username)
    run_command(args, lambda s, a: create_user(s, a, {"username": args.username, "full_name": args.name or "",
                                               "email": args.email, "roles": args.role, "password": password}))
    print(t("cli.user_added", username=args.username))
    if not args.password:
        print(t("cli.password_once", password=password))
    print(t("cli.must_change_at_first_sign_in", username=args.username))
    return 0


def cmd_users_list(args) -> int:
    def show(session, _actor):
        rows = [(u.username, u.full_name, ",".join(u.roles), "ja" if u.active else "nei") for u in list_users(session)]
        width = max((len(r[0]) for r in rows), default=8)
        for r in rows:
            print(f"{r[0]:<{width}}  {r[2]:<30} {r[3]:<4} {r[1]}")

    run_command(args, show)
    return 0


def cmd_users_set_password(args) -> int:
    password = args.password
    if password is None and sys.stdin.isatty():
        password = getpass.getpass(t("cli.new_password"))
    password = password or generate_password(args.username)
    one_time = run_command(args, lambda s, a: set_password(s, a, args.username, password).must_change_password)
    print(t("cli.password_set", username=args.username))
    if not args.password and not sys.stdin.isatty():
        print(t("cli.password_once", password=password))
    if one_time:  # set by someone other than the user: to be replaced at the next sign-in
        print(t("cli.must_change_at_first_sign_in", username=args.username))
    return 0


def cmd_users_deactivate(args) -> int:
    run_command(args, lambda s, a: set_active(s, a, args.username, False))
    print(t("cli.user_deactivated", username=args.username))
    return 0


# --- audit, demo, backup --------------------------------------------------------------------------


def cmd_audit_verify(args) -> int:
    """Walk the chain; with `--anchor SEQ:HASH` (from `audit anchor`, kept outside the database) the entry
    at SEQ must still be there with that hash, which finds a truncated or re-hashed chain."""
    anchor = audit.Anchor.parse(args.anchor) if args.anchor else None
    with db.session_scope() as session:
        result = audit.verify(session, anchor=anchor)
    if result.ok:
        if anchor is not None:
            print(t("cli.audit_ok_anchor", count=result.checked, seq=anchor.seq))
        else:
            print(t("cli.audit_ok", count=result.checked))
        return 0
    print(t(f"cli.audit_bad_{result.reason}", seq=result.first_bad_seq, count=result.checked), file=sys.stderr)
    return 1


def cmd_audit_anchor(args) -> int:
    """Print the head's SEQ:HASH (only that, for a script to keep), after checking the chain is intact."""
    with db.session_scope() as session:
        result = audit.verify(session)
        anchor = audit.anchor(session) if result.ok else None
    if not result.ok:
        print(t("cli.audit_anchor_refused"), file=sys.stderr)
        print(t(f"cli.audit_bad_{result.reason}", seq=result.first_bad_seq, count=result.checked), file=sys.stderr)
        return 1
    if anchor is None:
        print(t("cli.audit_anchor_empty"), file=sys.stderr)
        return 1
    print(anchor)
    return 0


def cmd_demo(args) -> int:
    eng = db.engine()
    if args.reset:
        backup.require_admin(acting_actor(args), "cli.what_demo_reset")
        schema.drop_everything(eng)
    schema.upgrade(eng)
    if args.if_empty:
        with db.session_scope() as session:
            if session.scalar(select(func.count()).select_from(User)):
                print(t("cli.demo_skipped"))
                return 0
    run_command(args, lambda s, a: demo.load(s, a, modules.demo_loaders()))
    print(t("cli.demo_loaded"))
    for username, password, roles in demo.demo_sign_ins():
        print(f"  {username:<12} {password:<14} {roles}")
    return 0


def cmd_backup(args) -> int:
    path = backup.backup(Path(args.file), actor=acting_actor(args))
    print(t("cli.backup_written", path=str(path)))
    return 0


def cmd_restore(args) -> int:
    """Admin only; the backup is checked first, then the user confirms (or gave --yes), then it replaces the database."""
    actor = acting_actor(args)
    backup.require_admin(actor, "backup.what_restore")
    if not args.yes and not sys.stdin.isatty():
        raise BackofficeError(t("cli.restore_needs_yes"))

    def confirm() -> bool:
        answer = input(t("cli.restore_confirm") + " [j/N] ")
        return answer.strip().lower() in ("j", "ja", "y", "yes")

    backup.restore(Path(args.file), actor=actor, confirm=None if args.yes else confirm)
    print(t("cli.restored", path=args.file))
    return 0


# --- approvals ----------------------------------------------------------------------------------------


def cmd_approvals_list(args) -> int:
    """What waits for the leader, as on the overview: a table, or JSON with `--json`."""
    queue = run_command(args, lambda session, actor: approvals.pending(session, actor))
    if args.json:
        print(json.dumps(approvals.as_json(queue), ensure_ascii=False, indent=2))
        return 0
    for area in queue.unavailable:
        print(t("approvals.unavailable", area=area), file=sys.stderr)
    if not queue.items:
        print(t("approvals.empty"))
        return 0
    headers = (t("approvals.col.kind"), t("approvals.col.title"), t("approvals.col.age"),
               t("approvals.col.asked_by"), t("approvals.col.page"))
    rows = [(row["kind_label"], row["title"], "–" if row["age_days"] is None else str(row["age_days"]),
             row["asked_by_name"], row["page_title"]) for row in queue.items]
    widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]
    for line in (headers, *rows):
        print("  ".join(str(v).rjust(w) if i == 2 else str(v).ljust(w)
                        for i, (v, w) in enumerate(zip(line, widths, strict=True))).rstrip())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backoffice", description=t("cli.description"))
    parser.add_argument("--as", dest="as_user", metavar="USER", help=t("cli.help_as"))
    parser.add_argument("--lang", choices=("nb", "en"), help=t("cli.help_lang"))
    sub = parser.add_subparsers(dest="command", required=True)

    p_db = sub.add_parser("db", help=t("cli.help_db")).add_subparsers(dest="db_command", required=True)
    p = p_db.add_parser("upgrade", help=t("cli.help_db_upgrade"))
    p.add_argument("--no-admin", action="store_true", help=t("cli.help_no_admin"))
    p.set_defaults(func=cmd_db_upgrade)
    p_db.add_parser("status", help=t("cli.help_db_status")).set_defaults(func=cmd_db_status)

    p_users = sub.add_parser("users", help=t("cli.help_users")).add_subparsers(dest="users_command", required=True)
    p = p_users.add_parser("add", help=t("cli.help_users_add"))
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True, choices=ROLES)
    p.add_argument("--name")
    p.add_argument("--email")
    p.add_argument("--password", default=os.environ.get("BACKOFFICE_NEW_PASSWORD"))
    p.set_defaults(func=cmd_users_add)
    p_users.add_parser("list", help=t("cli.help_users_list")).set_defaults(func=cmd_users_list)
    p = p_users.add_parser("set-password", help=t("cli.help_users_set_password"))
    p.add_argument("username")
    p.add_argument("--password")
    p.set_defaults(func=cmd_users_set_password, sets_password=True)  # allowed with --as for one's own one-time password
    p = p_users.add_parser("deactivate", help=t("cli.help_users_deactivate"))
    p.add_argument("username")
    p.set_defaults(func=cmd_users_deactivate)

    p_audit = sub.add_parser("audit", help=t("cli.help_audit")).add_subparsers(dest="audit_command", required=True)
    p = p_audit.add_parser("verify", help=t("cli.help_audit_verify"))
    p.add_argument("--anchor", metavar="SEQ:HASH", help=t("cli.help_audit_verify_anchor"))
    p.set_defaults(func=cmd_audit_verify)
    p_audit.add_parser("anchor", help=t("cli.help_audit_anchor")).set_defaults(func=cmd_audit_anchor)

    p = sub.add_parser("demo", help=t("cli.help_demo"))
    p.add_argument("--reset", action="store_true", help=t("cli.help_demo_reset"))
    p.add_argument("--if-empty", action="store_true", help=t("cli.help_demo_if_empty"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("backup", help=t("cli.help_backup"))
    p.add_argument("file")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help=t("cli.help_restore"))
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help=t("cli.help_restore_yes"))
    p.set_defaults(func=cmd_restore)
    registers_cli.register_cli(sub)  # `backoffice orgs ...`
    p_approvals = sub.add_parser("approvals", help=t("cli.help_approvals")).add_subparsers(
        dest="approvals_command", required=True)
    p = p_approvals.add_parser("list", help=t("cli.help_approvals_list"))
    p.add_argument("--json", action="store_true", help=t("cli.help_approvals_json"))
    p.set_defaults(func=cmd_approvals_list)

    for register in modules.cli_registrations():
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    bootstrap.install(modules.ROOMS)
    argv = sys.argv[1:] if argv is None else argv
    if "--lang" in argv:
        index = argv.index("--lang")
        if index + 1 < len(argv):
            set_language(argv[index + 1])
    parser = build_parser()
    args = parser.parse_args(argv)
    with boundary.logging_to_file():
        try:
            return args.func(args) or 0
        except Exception as error:  # the one error boundary: a plain message here, the detail in the log
            where = " ".join(str(v) for k, v in vars(args).items() if k == "command" or k.endswith("_command"))
            print(boundary.message(error, where=f"cli {where}"), file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
