"""Helpers every room's CLI commands share: the acting user, one transaction, shared command groups."""
from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path

from data import db
from data.access import Actor, system_actor
from data.errors import BackofficeError
from data.i18n import t
from data.registers.users import actor_for, get_user


def cli_actor(session, args) -> Actor:
    """`--as USER` acts as that user with their roles; otherwise the local operator (every role)."""
    if getattr(args, "as_user", None):
        user = get_user(session, args.as_user)
        if not user.active:
            raise BackofficeError(t("user.as_deactivated", username=user.username))
        if user.must_change_password and not _sets_own_password(args, user.username):
            raise BackofficeError(t("user.must_change_password", username=user.username))
        return actor_for(session, user)
    return system_actor(f"cli:{getpass.getuser()}")


def _sets_own_password(args, username: str) -> bool:
    """A user with a one-time password may still run `--as USER users set-password USER` to replace it."""
    return bool(getattr(args, "sets_password", False)) and str(args.username).lower() == username.lower()


def acting_actor(args) -> Actor:
    """The CLI actor on its own (a command that checks a role before it opens its own connections)."""
    with db.session_scope() as session:
        return cli_actor(session, args)


def run_command(args, fn):
    """Call `fn(session, actor)` in one transaction, audited under the CLI actor."""
    with db.session_scope() as session:
        actor = cli_actor(session, args)
        session.info["actor"] = actor
        return fn(session, actor)


def read_file(path) -> bytes:
    """The bytes of a file named on the command line, or a plain error saying why it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BackofficeError(t("cli.cannot_read", path=str(path), reason=exc.strerror or str(exc))) from exc


def write_file(path, content: bytes, quiet: bool = False) -> None:
    """Write a command's output file and say so ("Skrev PATH"), or a plain error saying why it could not."""
    try:
        Path(path).write_bytes(content)
    except OSError as exc:
        raise BackofficeError(t("cli.cannot_write", path=str(path), reason=exc.strerror or str(exc))) from exc
    if not quiet:
        print(t("cli.written", path=str(path)))


def in_group(name: str, help_key: str, register: Callable) -> Callable:
    """A room's CLI registration whose commands go under `backoffice NAME`, a group that a package and
    the rooms inside it share (`backoffice risk list` from risk, `backoffice risk threats` from risk.threats).
    The first room registered makes the group; `register` gets the group's sub-commands."""
    def register_in_group(subparsers) -> None:
        group = subparsers.choices.get(name)
        if group is None:
            group = subparsers.add_parser(name, help=t(help_key))
            group.commands = group.add_subparsers(dest=f"{name}_command", required=True)
        register(group.commands)

    return register_in_group
