"""The one place that wires the program: the audit hook, the flush guards, the translation catalogues
and the checks rooms hand each other. Importing a module never registers anything; every entry point
(app.py, the CLI, the ingest API, Alembic, the tests) calls `install(rooms)` once, with the rooms that
`admin/modules.py` lists (data/ may not import the other packages, so the list lives there).

A room is a package whose `__init__.py` declares, besides what admin/modules.py collects (PAGES, KPIS,
SERVICE_FACTS, DEMO, CLI):
- MESSAGES: its translation catalogue, {key: (bokmål, English)};
- FLUSH_GUARDS (optional): `before_flush` listeners that refuse a change (an approved price list never
  changes);
- CHECKS (optional): (register, check) pairs, a check or listener this room hands to a room it may
  import; `register(check)` is called once (the change board asks for a ROS review when support marks
  a security incident).

Calling `install` again, with the same rooms or more, is harmless: each room is wired once.
"""
from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from sqlalchemy import event
from sqlalchemy.orm import Session

from data import audit, i18n, messages, textguard
from data.registers import messages as registers_messages

_wired: set[str] = set()


def install(rooms: Iterable[ModuleType] = ()) -> None:
    """Install the ground every room stands on (the audit hook, the shared and the registers' catalogues),
    then wire each of `rooms` not wired yet."""
    _listen(Session, "before_flush", textguard.refuse_on_flush)
    _listen(Session, "after_flush", audit.record_flush)
    _listen(Session, "do_orm_execute", audit.record_bulk)
    i18n.register(messages.MESSAGES)
    i18n.register(registers_messages.MESSAGES)
    for room in rooms:
        if room.__name__ not in _wired:
            _wire(room)
            _wired.add(room.__name__)


def _wire(room: ModuleType) -> None:
    i18n.register(room.MESSAGES)
    for guard in getattr(room, "FLUSH_GUARDS", ()):
        _listen(Session, "before_flush", guard)
    for register, check in getattr(room, "CHECKS", ()):
        register(check)


def _listen(target, name: str, fn) -> None:
    if not event.contains(target, name, fn):
        event.listen(target, name, fn)
