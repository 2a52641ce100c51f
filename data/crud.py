"""The shapes every capability repeats: look a row up or say plainly it is not there, edit a versioned
row only when the caller saw its latest version, delete the same way, and the service picker's choices.

Capabilities call these instead of writing `session.get(...)` / `if None: raise NotFound` by hand, so a
missing row and a stale edit read the same everywhere.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.audit import latest_change
from data.errors import ConflictError, NotFound
from data.i18n import t
from data.registers.models import Service, ServiceStatus

Row = TypeVar("Row")


def not_found(message_key: str, ident=None, **params) -> NotFound:
    """The NotFound a look-up raises: `message_key` translated with `params` (or `id=ident`)."""
    return NotFound(t(message_key, **(params or {"id": ident})))


def get_or_raise(session: Session, model: type[Row], ident, message_key: str, **params) -> Row:
    """The row of `model` with primary key `ident`, or NotFound with the translated `message_key`."""
    row = session.get(model, ident) if ident is not None else None
    if row is None:
        raise not_found(message_key, ident, **params)
    return row


def scalar_or_raise(session: Session, query, message_key: str, **params):
    """The one row a query selects, or NotFound with the translated `message_key`."""
    row = session.scalar(query)
    if row is None:
        raise not_found(message_key, **params)
    return row


def ensure_version(row, expected_version: int | None, what: str) -> None:
    """Refuse an edit made on a stale copy, naming who changed which fields since."""
    if expected_version is None or row.version == expected_version:
        return
    change = latest_change(row)
    if change is None:
        raise ConflictError(t("error.stale_generic"))
    fields = ", ".join(sorted(change.changed_fields() - {"version"})) or "-"
    raise ConflictError(t("error.stale", what=what, who=change.actor, fields=fields))


def _label(row) -> str:
    for attribute in ("name", "title", "code"):
        value = getattr(row, attribute, None)
        if value:
            return str(value)
    return f"#{getattr(row, 'id', '?')}"


def for_edit(session: Session, model: type[Row], ident, expected_version: int | None, message_key: str,
             label: Callable[[Row], str] = _label, **params) -> Row:
    """A row to change: looked up (or NotFound) and checked against the version the caller saw."""
    row = get_or_raise(session, model, ident, message_key, **params)
    ensure_version(row, expected_version, label(row))
    return row


def new_or_for_edit(session: Session, model: type[Row], ident, expected_version: int | None, message_key: str,
                    create: Callable[[], Row] | None = None, label: Callable[[Row], str] = _label,
                    **params) -> Row:
    """A new row (added to the session) when `ident` is None, otherwise the row to change (see for_edit)."""
    if ident is None:
        row = create() if create else model()
        session.add(row)
        return row
    return for_edit(session, model, ident, expected_version, message_key, label, **params)


def delete_row(session: Session, model: type[Row], ident, message_key: str, expected_version: int | None = None,
               guard: Callable[[Row], None] | None = None, label: Callable[[Row], str] = _label,
               **params) -> Row:
    """Delete one row: NotFound, stale version and `guard` (raises to refuse) are checked first."""
    row = for_edit(session, model, ident, expected_version, message_key, label, **params)
    if guard:
        guard(row)
    session.delete(row)
    session.flush()
    return row


def service_choices(session: Session, *, active_only: bool = False, codes=None) -> list[tuple[str, str]]:
    """(code, name) of the services, by name: the one query behind every service picker."""
    query = select(Service.code, Service.name).order_by(Service.name)
    if active_only:
        query = query.where(Service.status != ServiceStatus.RETIRED.value)
    if codes is not None:
        query = query.where(Service.code.in_(list(codes)))
    return [(code, name) for code, name in session.execute(query)]
