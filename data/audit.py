"""Append-only, hash-chained audit log, written by a session hook for every mapped table.

Every flush is inspected: each inserted, updated or deleted row of an audited model becomes one
entry with the changed fields before/after. A model may set `__audit__ = "batch"` (one entry per
flush and table with a row count, for high-volume tables) or `__audit__ = False`, and
`__audit_redact__` for fields whose values must never be copied (password hashes).
Each entry carries the hash of the one before it, so `verify()` finds any entry that was altered,
removed or moved.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import BigInteger, String, Text, insert, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from data.db import Base, UTCDateTime, utcnow

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 724_281_001  # serialises appends to the chain across PostgreSQL connections


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __audit__ = False

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(80), index=True)
    row_id: Mapped[str] = mapped_column(String(120))
    changes: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def changed_fields(self) -> set[str]:
        return set(json.loads(self.changes or "{}").keys())


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Base):
        identity = inspect(value).mapper.primary_key_from_instance(value)
        return identity[0] if len(identity) == 1 else list(identity)
    return value


def canonical(data) -> str:
    return json.dumps(_jsonable(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(seq: int, at: datetime, actor: str, action: str, table: str, row_id: str, changes: str,
               prev_hash: str) -> str:
    material = "|".join(
        [str(seq), at.isoformat(timespec="microseconds"), actor, action, table, row_id, changes, prev_hash]
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _audit_mode(obj) -> str | bool:
    return getattr(type(obj), "__audit__", True)


def _row_id(obj) -> str:
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(v) for v in identity)


def _column_values(obj) -> dict:
    mapper = inspect(obj).mapper
    redact = getattr(type(obj), "__audit_redact__", set())
    values = {}
    for attr in mapper.column_attrs:
        value = getattr(obj, attr.key)
        values[attr.key] = "***" if attr.key in redact and value is not None else value
    return values


def _changes_of(obj) -> dict:
    state = inspect(obj)
    redact = getattr(type(obj), "__audit_redact__", set())
    changes = {}
    for attr in state.mapper.attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if getattr(attr, "uselist", False):
            kept = list(history.unchanged or ())
            before = sorted(_jsonable(kept + list(history.deleted or ())), key=str)
            after = sorted(_jsonable(kept + list(history.added or ())), key=str)
        else:
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
        if _jsonable(before) == _jsonable(after):
            continue
        if attr.key in redact:
            before, after = ("***" if before is not None else None), "***"
        changes[attr.key] = {"before": before, "after": after}
    return changes


@dataclass
class _Pending:
    action: str
    table: str
    row_id: str
    changes: dict


def _collect(session: Session) -> list[_Pending]:
    pending: list[_Pending] = []
    batches: dict[tuple[str, str], int] = {}

    def add(obj, action, changes):
        mode = _audit_mode(obj)
        if mode is False:
            return
        table = inspect(obj).mapper.persist_selectable.name
        if mode == "batch":
            batches[(action, table)] = batches.get((action, table), 0) + 1
            return
        pending.append(_Pending(action, table, _row_id(obj), changes))

    for obj in session.new:
        changes = {k: {"before": None, "after": v} for k, v in _column_values(obj).items()}
        state = inspect(obj)
        for relationship in state.mapper.relationships:  # many-to-many links set on creation
            if relationship.secondary is not None and state.attrs[relationship.key].history.added:
                added = state.attrs[relationship.key].history.added
                changes[relationship.key] = {"before": None, "after": sorted(_jsonable(list(added)), key=str)}
        add(obj, "insert", changes)
    for obj in session.dirty:
        if obj in session.deleted or not session.is_modified(obj):
            continue
        changes = _changes_of(obj)
        if changes:
            add(obj, "update", changes)
    for obj in session.deleted:
        add(obj, "delete", {k: {"before": v, "after": None} for k, v in _column_values(obj).items()})
    for (action, table), count in sorted(batches.items()):
        pending.append(_Pending(f"batch_{action}", table, "*", {"rows": {"before": None, "after": count}}))
    return pending


def _actor_name(session: Session) -> str:
    actor = session.info.get("actor")
    return getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system")


def append(session: Session, entries: list[_Pending]) -> None:
    """Chain `entries` onto the log inside the session's transaction."""
    if not entries:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    last = connection.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    now, actor = utcnow(), _actor_name(session)
    rows = []
    for entry in entries:
        seq += 1
        changes = canonical(entry.changes)
        digest = entry_hash(seq, now, actor, entry.action, entry.table, entry.row_id, changes, prev_hash)
        rows.append(dict(seq=seq, at=now, actor=actor, action=entry.action, table_name=entry.table,
                         row_id=entry.row_id, changes=changes, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    connection.execute(insert(AuditEntry), rows)


def record_batch(session: Session, table: str, action: str, summary: dict) -> None:
    """For writes made with bulk SQL (which bypass the ORM hook): one entry summarising the batch."""
    append(session, [_Pending(f"batch_{action}", table, "*", {k: {"before": None, "after": v}
                                                             for k, v in summary.items()})])


def record_flush(session: Session, _flush_context) -> None:
    """The session hook (`after_flush`, installed by data.bootstrap): every flushed change becomes an entry."""
    append(session, _collect(session))



# --- reading and verifying ----------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(session: Session) -> VerifyResult:
    """Walk the chain in order; report the first entry that was altered, removed or moved."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=5000))
    for entry in rows.scalars():
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "missing")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, "chain")
        recomputed = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.table_name,
                                entry.row_id, entry.changes, entry.prev_hash)
        if recomputed != entry.hash:
            return VerifyResult(False, checked, entry.seq, "altered")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return VerifyResult(True, checked)


def latest_change(obj) -> AuditEntry | None:
    session = Session.object_session(obj)
    if session is None:
        return None
    table = inspect(obj).mapper.persist_selectable.name
    return session.scalar(
        select(AuditEntry)
        .where(AuditEntry.table_name == table, AuditEntry.row_id == _row_id(obj))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )


def search(session: Session, actor: str | None = None, table: str | None = None, action: str | None = None,
           start: datetime | None = None, end: datetime | None = None, row_id: str | None = None,
           limit: int = 1000) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if table:
        query = query.where(AuditEntry.table_name == table)
    if action:
        query = query.where(AuditEntry.action == action)
    if row_id:
        query = query.where(AuditEntry.row_id == row_id)
    if start:
        query = query.where(AuditEntry.at >= start)
    if end:
        query = query.where(AuditEntry.at < end)
    return list(session.scalars(query))


def filter_choices(session: Session) -> dict[str, list[str]]:
    return {
        "actors": list(session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor))),
        "tables": list(session.scalars(select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name))),
        "actions": list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))),
    }
