"""Helpers every package's CLI commands share (no argument parsing of their own)."""
from __future__ import annotations

import getpass

from data import db
from data.access import Actor, system_actor


def cli_actor(session, args) -> Actor:
    """`--as USER` acts as that user with their roles; otherwise the local operator (every role)."""
    if getattr(args, "as_user", None):
        from data.registers.users import actor_for, get_user

        return actor_for(session, get_user(session, args.as_user))
    return system_actor(f"cli:{getpass.getuser()}")


def run_command(args, fn):
    """Call `fn(session, actor)` in one transaction, audited under the CLI actor."""
    with db.session_scope() as session:
        actor = cli_actor(session, args)
        session.info["actor"] = actor
        return fn(session, actor)
