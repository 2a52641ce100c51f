"""Append-only, hash-chained audit log, written by a session hook for every mapped table.

Every flush is inspected: each inserted, updated or deleted row of an audited model becomes one
entry with the changed fields before/after. A model may set `__audit__ = "batch"` (one entry per
flush and table with a row count, for high-volume tables) or `__audit__ = False`, and
`__audit_redact__` for fields whose values must never be copied (password hashes).
Bulk `UPDATE` and `DELETE` statements run through the session (`session.execute(delete(Model)...)`)
bypass the flush; a second hook (`record_bulk`, on `do_orm_execute`) reads the rows such a statement
will touch first and records one entry per row through the same chain: the before values of a deleted
row, the changed fields before/after of an updated one. (Bulk inserts of the high-volume tables are
summarised by their writers with `record_batch`, e.g. metering's usage events: one entry per batch.)

Each entry carries the hash of the one before it, so `verify()` finds any entry that was altered,
removed or moved. That alone cannot see the newest entries deleted, or an entry edited and every hash
after it recomputed; two things close that:

- An anchor kept outside the database: `anchor()` (`backoffice audit anchor`) gives the head's
  `SEQ:HASH`; `verify(anchor=...)` (`audit verify --anchor SEQ:HASH`) fails when that entry is gone
  (truncated) or its hash differs (re-hashed).
- A key: with `BACKOFFICE_AUDIT_KEY` set, each new entry's hash is an HMAC-SHA256 under the key and
  the entry is marked `keyed`, so recomputing hashes needs the key. Mixed chains (entries written
  before the key was set are plain SHA-256) verify like this: every keyed entry must match its HMAC
  (without the key, verify stops at the first keyed entry and says the key is needed); once an
  entry is keyed, every later one must be keyed too; and with the key set the newest entry must be
  keyed. So a chain re-hashed without the key, wholly or from some entry on, fails. Writing under a
  keyed head without the key, or with another key, is refused (nothing is saved): it would break the
  chain for good.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import BigInteger, Boolean, String, Table, Text, false, insert, inspect, select, text, tuple_
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.operators import eq
from sqlalchemy.sql.visitors import iterate

from data.db import Base, UTCDateTime, utcnow
from data.errors import BackofficeError
from data.i18n import t

GENESIS_HASH = "0" * 64
SIGN_IN, SIGN_IN_FAILED = "sign_in", "sign_in_failed"
SIGN_IN_ACTIONS = (SIGN_IN, SIGN_IN_FAILED)   # bookkeeping of a sign-in, not a change of the department's data
_PG_LOCK_KEY = 724_281_001  # serialises appends to the chain across PostgreSQL connections
KEY_VARIABLE = "BACKOFFICE_AUDIT_KEY"
_CHUNK = 500   # primary keys per IN (...) when reading rows a bulk statement touches


def audit_key() -> bytes | None:
    """The HMAC key from BACKOFFICE_AUDIT_KEY (None when unset or empty). Read at each use, so a process
    never writes with a key it no longer has."""
    value = os.environ.get(KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


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
    # True: `hash` is an HMAC-SHA256 under BACKOFFICE_AUDIT_KEY; False: plain SHA-256 (migration 0020).
    keyed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

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
               prev_hash: str, key: bytes | None = None) -> str:
    """SHA-256 of the entry's fields and the hash before it; HMAC-SHA256 under `key` when one is given."""
    material = "|".join(
        [str(seq), at.isoformat(timespec="microseconds"), actor, action, table, row_id, changes, prev_hash]
    ).encode("utf-8")
    if key:
        return hmac.new(key, material, hashlib.sha256).hexdigest()
    return hashlib.sha256(material).hexdigest()


def _recomputed(entry, key: bytes | None) -> str:
    return entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.table_name, entry.row_id,
                      entry.changes, entry.prev_hash, key)


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
    last = connection.execute(select(AuditEntry.__table__).order_by(AuditEntry.seq.desc()).limit(1)).first()
    key = audit_key()
    if last is not None and last.keyed:
        # Plain entries after keyed ones, or entries under another key, would break the chain for good.
        if key is None:
            raise BackofficeError(t("audit.key_missing", variable=KEY_VARIABLE))
        if not hmac.compare_digest(_recomputed(last, key), last.hash):
            raise BackofficeError(t("audit.key_wrong", variable=KEY_VARIABLE, seq=last.seq))
    seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    now, actor = utcnow(), _actor_name(session)
    rows = []
    for entry in entries:
        seq += 1
        changes = canonical(entry.changes)
        digest = entry_hash(seq, now, actor, entry.action, entry.table, entry.row_id, changes, prev_hash, key)
        rows.append(dict(seq=seq, at=now, actor=actor, action=entry.action, table_name=entry.table,
                         row_id=entry.row_id, changes=changes, prev_hash=prev_hash, hash=digest,
                         keyed=key is not None))
        prev_hash = digest
    connection.execute(insert(AuditEntry), rows)


def record_batch(session: Session, table: str, action: str, summary: dict) -> None:
    """For writes made with bulk SQL (which bypass the ORM hook): one entry summarising the batch."""
    append(session, [_Pending(f"batch_{action}", table, "*", {k: {"before": None, "after": v}
                                                             for k, v in summary.items()})])


def record_flush(session: Session, _flush_context) -> None:
    """The session hook (`after_flush`, installed by data.bootstrap): every flushed change becomes an entry."""
    append(session, _collect(session))



# --- bulk UPDATE and DELETE ---------------------------------------------------------------------

_mappers: dict[str, object] = {}


def _mapper_of(table: Table):
    """The mapper of `table` (for its audit mode, attribute names and redactions); None for a plain table."""
    if table.name not in _mappers:
        _mappers.clear()
        for mapper in Base.registry.mappers:
            _mappers.setdefault(mapper.local_table.name, mapper)
    return _mappers.get(table.name)


def _primary_key(table: Table, mapper) -> list:
    return list(mapper.primary_key) if mapper is not None else list(table.primary_key.columns)


def _rows_by_key(connection, table: Table, pk: list, keys) -> dict[tuple, object]:
    keys = list(dict.fromkeys(keys))
    out = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        where = pk[0].in_([k[0] for k in chunk]) if len(pk) == 1 else tuple_(*pk).in_(chunk)
        for row in connection.execute(select(table).where(where)):
            out[tuple(row._mapping[c] for c in pk)] = row
    return out


def _key_bindparam(where, pk: list) -> str | None:
    """The name of the parameter a single-column primary key is compared with (`id = :b_id`), if any."""
    if len(pk) != 1:
        return None
    for element in iterate(where):
        if isinstance(element, BinaryExpression) and element.operator is eq:
            for column, other in ((element.left, element.right), (element.right, element.left)):
                if (isinstance(other, BindParameter) and getattr(column, "table", None) is not None
                        and column.table.name == pk[0].table.name and column.name == pk[0].name):
                    return other.key
    return None


def _touched(connection, table: Table, mapper, pk: list, statement, params) -> dict[tuple, object]:
    """The rows `statement` will update or delete, read before it runs (for many parameter sets, a
    superset: rows it leaves as they were are not recorded)."""
    sets = list(params) if isinstance(params, list | tuple) else [params or {}]
    where = statement.whereclause
    if where is None and isinstance(params, list | tuple) and mapper is not None:
        # ORM bulk UPDATE by primary key: each parameter set names its row
        names = [(mapper.get_property_by_column(c).key, c.name) for c in pk]
        keys = [tuple(p.get(name, p.get(column)) for name, column in names) for p in sets]
        return _rows_by_key(connection, table, pk, keys)
    query = select(table) if where is None else select(table).where(where)
    if len(sets) > 1 and (name := _key_bindparam(where, pk)) is not None:
        return _rows_by_key(connection, table, pk, [(p[name],) for p in sets if name in p])
    out = {}
    for parameters in sets:
        for row in connection.execute(query, parameters):
            out[tuple(row._mapping[c] for c in pk)] = row
    return out


def _named_values(row, table: Table, mapper) -> dict:
    """{attribute name: value} of a row read with select(table), redacted like the flush hook does."""
    redact = getattr(mapper.class_, "__audit_redact__", set()) if mapper is not None else set()
    values = {}
    for column in table.columns:
        name = mapper.get_property_by_column(column).key if mapper is not None else column.name
        value = row._mapping[column]
        values[name] = "***" if name in redact and value is not None else value
    return values


def record_bulk(orm_execute_state: ORMExecuteState):
    """The session hook for bulk statements (`do_orm_execute`, installed by data.bootstrap): an UPDATE or
    DELETE run with `session.execute(...)` records one entry per row it changed or removed, with the
    before values (and after values for an update), in the same chain as the flush hook. A table with
    `__audit__ = "batch"` gets one entry with the row count; `__audit__ = False` none."""
    state = orm_execute_state
    if not (state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table) or table.name == AuditEntry.__tablename__:
        return None
    mapper = _mapper_of(table)
    mode = getattr(mapper.class_, "__audit__", True) if mapper is not None else True
    if mode is False:
        return None
    session, action = state.session, "delete" if state.is_delete else "update"
    named = state.execution_options.get("audit_action")   # e.g. sign-in bookkeeping (SIGN_IN_ACTIONS)
    if session.autoflush:
        session.flush()   # pending objects are written first, as the statement itself would do
    if mode == "batch":
        result = state.invoke_statement()
        count = result.rowcount if result.rowcount is not None and result.rowcount >= 0 else None
        append(session, [_Pending(f"batch_{action}", table.name, "*", {"rows": {"before": None, "after": count}})])
        return result
    connection = session.connection()
    pk = _primary_key(table, mapper)
    before = _touched(connection, table, mapper, pk, state.statement, state.parameters)
    result = state.invoke_statement()
    after = _rows_by_key(connection, table, pk, before) if before else {}
    entries = []
    for key, row in before.items():
        old = _named_values(row, table, mapper)
        if action == "delete":
            if key in after:
                continue
            changes = {name: {"before": value, "after": None} for name, value in old.items()}
        else:
            if key not in after:
                continue
            new = _named_values(after[key], table, mapper)
            changes = {name: {"before": old[name], "after": new[name]} for name in old
                       if _jsonable(old[name]) != _jsonable(new[name])}
            if not changes:
                continue
        entries.append(_Pending(named or action, table.name, "/".join(str(v) for v in key), changes))
    append(session, entries)
    return result


# --- reading and verifying ----------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Anchor:
    """An entry's sequence number and hash, written `SEQ:HASH`, kept outside the database."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text_: str) -> Anchor:
        """`SEQ:HASH` as `backoffice audit anchor` prints it; a plain message when it is not that."""
        seq, _, digest = text_.strip().partition(":")
        digest = digest.strip().lower()
        if not (seq.strip().isdigit() and int(seq) >= 1 and len(digest) == 64
                and all(c in "0123456789abcdef" for c in digest)):
            raise BackofficeError(t("audit.anchor_format", value=text_[:80]))
        return cls(int(seq), digest)


def head(session: Session) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))


def anchor(session: Session) -> Anchor | None:
    """The head's `SEQ:HASH`, to keep outside the database; None for an empty log. Take it only from
    a chain that verifies (`backoffice audit anchor` checks first)."""
    entry = head(session)
    return Anchor(entry.seq, entry.hash) if entry is not None else None


_UNSET = object()


def verify(session: Session, anchor: Anchor | str | None = None, key=_UNSET) -> VerifyResult:
    """Walk the chain in order; report the first entry that was altered, removed or moved, a chain
    re-hashed without the key (see the module docstring), and, given an `anchor` kept outside the
    database, an anchored entry that is gone or whose hash differs. `key` defaults to
    BACKOFFICE_AUDIT_KEY."""
    key = audit_key() if key is _UNSET else key
    if isinstance(anchor, str):
        anchor = Anchor.parse(anchor)
    expected_seq, prev_hash, checked, keyed_from, last = 1, GENESIS_HASH, 0, None, None
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=5000))
    for entry in rows.scalars():
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "missing")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, "chain")
        if entry.keyed:
            if key is None:
                return VerifyResult(False, checked, entry.seq, "needs_key")
            if not hmac.compare_digest(_recomputed(entry, key), entry.hash):
                # the first keyed entry failing is most often the wrong key
                return VerifyResult(False, checked, entry.seq, "altered" if keyed_from else "altered_or_key")
            keyed_from = keyed_from or entry.seq
        else:
            if keyed_from is not None:
                return VerifyResult(False, checked, entry.seq, "unkeyed_after_keyed")
            if _recomputed(entry, None) != entry.hash:
                return VerifyResult(False, checked, entry.seq, "altered")
        if anchor is not None and entry.seq == anchor.seq and entry.hash != anchor.hash:
            return VerifyResult(False, checked, entry.seq, "anchor_mismatch")
        prev_hash, expected_seq, checked, last = entry.hash, expected_seq + 1, checked + 1, entry
    if key is not None and last is not None and not last.keyed:
        return VerifyResult(False, checked, last.seq, "head_unkeyed")
    if anchor is not None and anchor.seq > checked:
        return VerifyResult(False, checked, anchor.seq, "anchor_missing")
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


def action_label(action: str) -> str:
    """What an entry did, in words (`update` -> "Endret"); an action without a label shows as written."""
    label = t(f"audit.act.{action}")
    return action if label == f"audit.act.{action}" else label


def filter_choices(session: Session) -> dict[str, list[str]]:
    return {
        "actors": list(session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor))),
        "tables": list(session.scalars(select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name))),
        "actions": list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))),
    }
