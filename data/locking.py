"""Check, then write, without races: lock before the check, and turn a unique key's refusal into plain words.

A rule that is checked by reading ("is the period billed?", "which number comes next?", "is the year
closed?") and then kept by writing races with a second user doing the same at the same moment: both
read "no", both write. Two tools, used together by the capabilities that guard such a rule:

- `lock(session, rows)`, before the check. PostgreSQL: `SELECT ... FOR NO KEY UPDATE` of the rows the
  rule is about; a second writer waits there until the first commits and then reads what it wrote (READ
  COMMITTED gives every statement a fresh snapshot). SQLite has no row locks: the transaction takes the
  database's write lock first (`BEGIN IMMEDIATE`), so its reads see the latest commit and other writers
  wait their turn (up to the busy timeout). Take it before reading what the rule is about; rows loaded
  earlier in the same session are read again (`populate_existing`). (pysqlite, as `data.db` sets it up,
  starts a transaction only at the first write, so earlier reads hold no snapshot that could go stale;
  a connection already in a transaction is left as it is, and the unique keys below are what holds.)
- `lock_named(session, name)`, the same for a rule about rows that may not exist yet (the next project's
  priority): a PostgreSQL advisory lock on the name for the rest of the transaction; SQLite as above.
- `refusing_duplicates(session, keys, refusal)`, around the insert. The database's unique key is the last
  word even for a writer that took no lock: its IntegrityError is caught, the savepoint rolled back (so
  the transaction can still read, e.g. who won) and `refusal()`, a plain BackofficeError, raised instead.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Index, UniqueConstraint, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data.errors import BackofficeError


def _begin_immediate(session: Session) -> None:
    """SQLite: make this transaction the writer now (a no-op when it already is in one)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock(session: Session, rows=None) -> list:
    """Serialise writers on `rows` (a select of the rows the rule is about) and return them, read afresh."""
    _begin_immediate(session)
    if rows is None:
        return []
    statement = rows.with_for_update(key_share=True).execution_options(populate_existing=True)
    return list(session.execute(statement).all())


def lock_named(session: Session, name: str) -> None:
    """Serialise writers on `name` until the end of the transaction (see the module's docstring)."""
    _begin_immediate(session)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def violates(error: IntegrityError, key: Index | UniqueConstraint) -> bool:
    """Whether `error` is `key` refusing a duplicate (PostgreSQL names it; SQLite names its columns)."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name == key.name
    columns = ", ".join(f"{column.table.name}.{column.name}" for column in key.columns)
    return f"UNIQUE constraint failed: {columns}" in str(error.orig)


@contextmanager
def refusing_duplicates(session: Session, keys: Iterable[Index | UniqueConstraint],
                        refusal: Callable[[], BackofficeError], stale: bool = False) -> Iterator[None]:
    """Write inside a savepoint; if one of `keys` refuses a duplicate (or, with `stale`, a versioned row
    changed meanwhile), roll the savepoint back and raise `refusal()` instead."""
    keys = tuple(keys)
    _begin_immediate(session)
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as error:
        if not any(violates(error, key) for key in keys):
            raise
        raise refusal() from error
    except StaleDataError as error:
        if not stale:
            raise
        raise refusal() from error


def unique_key(model, name: str) -> Index | UniqueConstraint:
    """The unique index or constraint called `name` on `model`'s table (for `refusing_duplicates`)."""
    table = model.__table__
    for item in (*table.indexes, *table.constraints):
        if item.name == name and (isinstance(item, UniqueConstraint) or getattr(item, "unique", False)):
            return item
    raise LookupError(f"{table.name} has no unique key {name}")
