"""Idempotent, all-or-nothing ingestion of CloudEvents 1.0 usage events, with incremental roll-ups.

One batch (an HTTP request, a file, a Python call) is one transaction. Events are validated and
written in chunks so memory stays flat for a file of any length:

1. a chunk of the common, well-formed kind is checked a column at a time (`_fast_rows`); any
   chunk with something unusual in it goes through `check_event` one event at a time, which names
   each rejected event's field and reason, against meters, organisations and closed months loaded once;
2. new rows are bulk-inserted: on SQLite in key order, 100 rows to an INSERT ... ON CONFLICT
   (source, event_id) DO NOTHING statement, on PostgreSQL with COPY after looking the chunk's keys
   up under a per-source lock. A key that exists with the same content is a duplicate (counted
   once, not an error), with other content a conflict (rejected); keys repeated inside the batch
   are caught the same way. The rows actually inserted are added to the batch's roll-up totals;
3. at the end the totals go into `usage_monthly` with INSERT ... ON CONFLICT DO UPDATE (one
   statement per 100 roll-up rows on SQLite, one over arrays on PostgreSQL), and one audit entry
   summarises the batch. If any event was rejected, the caller gets `BatchRejected` (listing every
   rejected event and why) and the transaction is rolled back.

A file (`run_file`, `backoffice meter ingest`) is not one transaction: a file of millions of events
would hold SQLite's only write lock for minutes, and every other writer would give up with
"database is locked". It is read twice. The first pass checks every event (against the registers and
the events already stored, and keys repeated across the file) and writes nothing: any rejection
rejects the whole file, listed by line. The second pass writes it in committed chunks of
FILE_CHUNK_SIZE events, each with its roll-ups, its progress on the batch row and its audit entry, so
the write lock is held for one chunk at a time and other writers get in between chunks. A run that
stops half-way (a crash, Ctrl-C, a killed process) leaves whole chunks only; running the same file
again takes over its unfinished batch and goes on after the last chunk committed, and the idempotency
key makes any overlap count once.
"""
from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import logging
import marshal
import math
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import chain, islice, repeat
from operator import itemgetter
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from data import audit
from data.db import utcnow
from data.errors import BackofficeError, RowError, ValidationFailed
from data.excel import allow_long_csv_fields
from data.i18n import t
from data.metering.models import ClosedMonth, Meter, UsageBatch
from data.registers.models import Organisation

log = logging.getLogger(__name__)

OSLO = ZoneInfo("Europe/Oslo")
CHUNK_SIZE = 5000
FILE_CHUNK_SIZE = 20_000               # events a file writes per committed transaction (one write-lock hold)
# SQLite: after every YIELD_EVERY seconds of holding the write lock, at least WRITER_GAP seconds pass between a
# chunk's commit and the next chunk's first write. A writer waiting for the lock retries at least every 100 ms
# (SQLite's busy handler), so such a gap always lets it in: it waits about YIELD_EVERY and one chunk at most.
# (A gap after every chunk measured 30-40 % slower; chunks follow each other within milliseconds otherwise.)
WRITER_GAP = 0.15
YIELD_EVERY = 0.5
CLOCK_SKEW = timedelta(minutes=5)      # how far in the future an event's time may be (sender clocks)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)   # no platform usage is older: an earlier time is a sender's error
EARLIEST_TEXT = EARLIEST.isoformat(" ", "microseconds")[:26]   # as stored: '2000-01-01 00:00:00.000000'
SHOWN_CHARS = 80                       # a rejected value is quoted in an error up to this many characters
MAX_QUANTITY = 10**12
MAX_TEXT = 200
MAX_REPORTED = 1000                    # rejections kept in the result; all are passed to on_reject
REQUIRED_FIELDS = ("specversion", "id", "source", "type", "subject", "time")
CSV_FIELDS = (*REQUIRED_FIELDS, "quantity")
_PG_LOCK_NAMESPACE = 724_281_002
SQLITE_ROWS_PER_STATEMENT = 100       # 800 parameters: under SQLite's oldest limit of 999
SQLITE_CACHE_KIB = 65536               # 64 MiB page cache on a connection that has ingested on SQLite

_EVENT_COLUMNS = ("source", "event_id", "meter_id", "organisation_id", "occurred_at", "month", "quantity", "late",
                  "received_at", "batch_id")


# --- results -----------------------------------------------------------------------------------


def shown(value, limit: int = SHOWN_CHARS) -> str:
    """`value` as quoted in an error: at most `limit` characters, cut with "…" (a rejected id or value may be
    megabytes long; an error must not echo it back whole)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return f"{value:x}"[:limit] + "…"     # str() refuses ints of more than 4 300 digits
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Rejection:
    """One rejected event: its position (line number for files, 1-based index otherwise) and why."""

    index: int
    event_id: str | None
    field: str | None
    reason: str

    def as_dict(self) -> dict:
        return {"index": self.index, "id": self.event_id, "field": self.field, "reason": self.reason}

    def __str__(self) -> str:
        where = t("meter.rejection_where", index=self.index)
        if self.event_id:
            where += " " + t("meter.rejection_id", id=self.event_id)
        if self.field:
            where += ", " + t("error.field", field=self.field)
        return f"{where}: {self.reason}"


@dataclass
class IngestResult:
    batch_id: int | None = None
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    late: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    # Files only: chunks committed, events a re-run skipped because an earlier run had written them,
    # the longest time one chunk held the write lock (seconds), and whether some chunks stayed written
    # although the batch failed (a conflict that arrived from elsewhere between the two passes).
    chunks: int = 0
    resumed_at: int = 0
    longest_hold: float = 0.0
    partial: bool = False

    @property
    def total(self) -> int:
        return self.received

    def as_dict(self, max_errors: int | None = None) -> dict:
        shown_rejections = self.rejections if max_errors is None else self.rejections[:max_errors]
        return {"batch_id": self.batch_id, "received": self.received, "accepted": self.accepted, "duplicates": self.duplicates,
                "rejected": self.rejected, "late": self.late,
                "errors": [r.as_dict() for r in shown_rejections],
                "errors_omitted": self.rejected - len(shown_rejections)}


class BatchRejected(ValidationFailed):
    """At least one event was rejected: nothing of the batch was written (`result.partial`: the chunks
    committed before the rejection stay written)."""

    def __init__(self, result: IngestResult):
        self.result = result
        errors = [RowError(r.index, r.field, f"{r.event_id or '-'}: {r.reason}") for r in result.rejections]
        if result.partial:
            summary = t("meter.batch_rejected_partly", rejected=result.rejected, accepted=result.accepted,
                        batch=result.batch_id)
        else:
            summary = t("meter.batch_rejected", rejected=result.rejected, total=result.total)
        super().__init__(errors, summary=summary)


class _Reject(Exception):
    def __init__(self, field_name: str | None, reason: str):
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class Malformed:
    """A line that could not be parsed at all (bad JSON); rejected with its line number."""

    problem: str


# --- what a batch checks against ------------------------------------------------------------------


@dataclass
class _Context:
    meters: dict[str, tuple[int, bool, int]]                    # code -> (id, active, service_id)
    by_org_number: dict[str, tuple[int, date | None, date | None]]
    by_municipality: dict[str, list[tuple[int, date | None, date | None]]]
    closed: set[str]                  # closed months as 'YYYY-MM-01'
    latest: str                       # the latest allowed time, as stored UTC text
    source: str | None = None         # the API key's source: events must carry it
    service_id: int | None = None     # the API key's service: meters must belong to it
    unbounded: dict[str, int] = field(default_factory=dict)   # subject -> organisation, when unambiguous
    months: dict[tuple[int, int], str] = field(default_factory=dict)  # (year, month) -> 'YYYY-MM-01'


def _load_context(session: Session, source: str | None, service_id: int | None) -> _Context:
    meters = {code: (mid, active, sid) for mid, code, active, sid in
              session.execute(select(Meter.id, Meter.code, Meter.active, Meter.service_id))}
    by_number: dict = {}
    by_municipality: dict = {}
    for oid, number, municipality, valid_from, valid_to in session.execute(
        select(Organisation.id, Organisation.org_number, Organisation.municipality_number,
               Organisation.valid_from, Organisation.valid_to).order_by(Organisation.id)
    ):
        if number:
            by_number[number] = (oid, valid_from, valid_to)
        if municipality:
            by_municipality.setdefault(municipality, []).append((oid, valid_from, valid_to))
    closed = {month.isoformat() for month in session.scalars(select(ClosedMonth.month))}
    # Subjects that name one organisation with no validity dates skip the date check in the hot loop.
    unbounded = {number: oid for number, (oid, start, end) in by_number.items() if start is None and end is None}
    for municipality, candidates in by_municipality.items():
        if len(candidates) == 1 and candidates[0][1] is None and candidates[0][2] is None:
            unbounded[municipality] = candidates[0][0]
    return _Context(meters, by_number, by_municipality, closed, (utcnow() + CLOCK_SKEW).isoformat(" ", "microseconds")[:26], source, service_id,
                    unbounded)


def _text(event: dict, name: str) -> str:
    value = event.get(name)
    if value is None:
        raise _Reject(name, t("meter.reason.missing"))
    if not isinstance(value, str) or not value.strip():
        raise _Reject(name, t("meter.reason.not_text"))
    if len(value) > MAX_TEXT:
        raise _Reject(name, t("meter.reason.too_long", max=MAX_TEXT))
    if "\x00" in value:
        raise _Reject(name, t("meter.reason.nul_character"))
    if not _encodable(value):
        raise _Reject(name, t("meter.reason.not_text"))
    return value


def _encodable(text: str) -> bool:
    """False for text that cannot be stored: an unpaired surrogate, which a JSON escape such as "\\ud800" gives."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _quantity(value) -> int:
    if isinstance(value, bool):
        raise _Reject("data.quantity", t("meter.reason.quantity_not_whole", value=shown(value)))
    if isinstance(value, int):
        quantity = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        quantity = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isascii() and value.strip().lstrip("-").isdigit():
        quantity = int(value.strip())
    else:
        raise _Reject("data.quantity", t("meter.reason.quantity_not_whole", value=shown(value)))
    if quantity < 0:
        raise _Reject("data.quantity", t("meter.reason.quantity_negative", value=shown(quantity)))
    if quantity > MAX_QUANTITY:
        raise _Reject("data.quantity", t("meter.reason.quantity_too_large", value=shown(quantity)))
    return quantity


def _organisation(ctx: _Context, subject: str, day: date) -> int:
    key = subject.replace(" ", "")
    if key.isdigit() and len(key) == 9:
        candidates = [ctx.by_org_number[key]] if key in ctx.by_org_number else []
    elif key.isdigit() and len(key) == 4:
        candidates = ctx.by_municipality.get(key, [])
    else:
        raise _Reject("subject", t("meter.reason.subject_format", value=shown(subject)))
    if not candidates:
        raise _Reject("subject", t("meter.reason.unknown_organisation", value=shown(subject)))
    for oid, valid_from, valid_to in candidates:
        if (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to):
            return oid
    first = min((c[1] for c in candidates if c[1]), default=None)
    if first and day < first:
        raise _Reject("time", t("meter.reason.before_organisation", subject=shown(subject), day=day.strftime("%d.%m.%Y"),
                                start=first.strftime("%d.%m.%Y")))
    raise _Reject("time", t("meter.reason.organisation_ended", subject=shown(subject), day=day.strftime("%d.%m.%Y")))


def _slow_text_checks(event: dict) -> None:
    for name in ("id", "source", "type", "subject", "time"):
        _text(event, name)


def check_event(ctx: _Context, event) -> tuple:
    """Validate one event; return (source, id, meter_id, organisation_id, occurred_at as UTC text
    'YYYY-MM-DD HH:MM:SS.ffffff', month as 'YYYY-MM-01', quantity, late): the column order of the insert.

    The common case runs through inlined checks (this is the hot loop of ingestion); anything
    unusual falls through to the slower helpers that name the field and the reason.
    """
    if type(event) is not dict:
        if isinstance(event, Malformed):
            raise _Reject(None, t("meter.reason.malformed_json", problem=shown(event.problem)))
        if not isinstance(event, dict):
            raise _Reject(None, t("meter.reason.not_object"))
    get = event.get
    if get("specversion") != "1.0":
        raise _Reject("specversion", t("meter.reason.specversion", value=shown(get("specversion"))))
    event_id, source, meter_code, subject, raw_time = get("id"), get("source"), get("type"), get("subject"), get("time")
    for value in (event_id, source, meter_code, subject, raw_time):
        if type(value) is not str or not value or len(value) > MAX_TEXT or value.isspace() or "\x00" in value:
            _slow_text_checks(event)
    if not (event_id.isascii() or _encodable(event_id)) or not (source.isascii() or _encodable(source)):
        _slow_text_checks(event)   # stored as given: text that cannot be stored is refused (isascii is O(1))
    if ctx.source is not None and source != ctx.source:
        raise _Reject("source", t("meter.reason.source_mismatch", value=shown(source), expected=shown(ctx.source)))
    meter = ctx.meters.get(meter_code)
    if meter is None:
        raise _Reject("type", t("meter.reason.unknown_meter", value=shown(meter_code)))
    if not meter[1]:
        raise _Reject("type", t("meter.reason.inactive_meter", value=shown(meter_code)))
    if ctx.service_id is not None and meter[2] != ctx.service_id:
        raise _Reject("type", t("meter.reason.meter_not_for_source", value=shown(meter_code)))
    content_type = get("datacontenttype")
    if content_type is not None and content_type != "application/json":
        raise _Reject("datacontenttype", t("meter.reason.content_type", value=shown(content_type)))
    try:
        parsed = datetime.fromisoformat(raw_time)
    except ValueError:
        try:  # RFC 3339 allows a lower-case t and z
            parsed = datetime.fromisoformat(raw_time.upper())
        except ValueError:
            raise _Reject("time", t("meter.reason.time_format", value=shown(raw_time))) from None
    length = len(raw_time)
    if (parsed.tzinfo is UTC and length in (20, 24, 27) and raw_time[4] == "-" == raw_time[7]
            and raw_time[13] == ":" and (length == 20 or raw_time[19] == ".")):  # YYYY-MM-DDTHH:MM:SS[.fff[fff]]Z
        occurred = raw_time[:10] + " " + (raw_time[11:19] + ".000000" if length == 20 else
                                          raw_time[11:23] + "000" if length == 24 else raw_time[11:26])
    else:
        if parsed.tzinfo is None or length < 16:
            raise _Reject("time", t("meter.reason.time_format", value=shown(raw_time)))
        if not EARLIEST.year - 1 <= parsed.year <= int(ctx.latest[:4]) + 1:   # year 1 or 9999 cannot move to UTC
            occurred = "0000" if parsed.year < EARLIEST.year else "9999"
        else:
            parsed = parsed.astimezone(UTC)
            occurred = parsed.isoformat(" ", "microseconds")[:26]
    if occurred > ctx.latest:
        raise _Reject("time", t("meter.reason.future", value=shown(raw_time)))
    if occurred < EARLIEST_TEXT:
        raise _Reject("time", t("meter.reason.too_early", value=shown(raw_time), earliest=EARLIEST.strftime("%d.%m.%Y")))
    # Norwegian time is UTC+1 or +2: the local date differs from the UTC date only from 22:00 UTC.
    local = parsed.astimezone(OSLO).date() if parsed.hour >= 22 else parsed.date()
    key = (local.year, local.month)
    month = ctx.months.get(key)
    if month is None:
        month = ctx.months[key] = f"{local.year:04d}-{local.month:02d}-01"
    organisation_id = ctx.unbounded.get(subject)
    if organisation_id is None:
        organisation_id = _organisation(ctx, subject, local)
    data = get("data")
    if data is None and "quantity" in event:  # flat senders
        data = {"quantity": event["quantity"]}
    if type(data) is not dict:
        raise _Reject("data", t("meter.reason.data_not_object"))
    quantity = data.get("quantity")
    if type(quantity) is not int or quantity < 0 or quantity > MAX_QUANTITY:
        if "quantity" not in data:
            raise _Reject("data.quantity", t("meter.reason.missing"))
        quantity = _quantity(quantity)
    return (source, event_id, meter[0], organisation_id, occurred, month, quantity, month in ctx.closed)


# --- writing -----------------------------------------------------------------------------------


class _Writer:
    """Bulk reads and writes on the session's own DBAPI connection (same transaction).

    SQLite: INSERT ... ON CONFLICT (source, event_id) DO NOTHING with many VALUES rows to a
    statement; only when fewer rows went in than were sent are the others looked up. PostgreSQL: the
    chunk's keys are looked up under a per-source lock and the new rows go in with COPY. (Measured
    alternatives, one INSERT ... SELECT over a JSON array or over unnest() arrays, were slower on
    both databases; so was, on SQLite, a WITHOUT ROWID events table keyed by (source, event_id).)
    """

    def __init__(self, session: Session, batch_id: int, received_at: datetime):
        connection = session.connection()
        self.postgres = connection.dialect.name == "postgresql"
        self.raw = connection.connection.driver_connection
        self.batch_id = batch_id
        self.received_at = received_at
        self.received_text = received_at.astimezone(UTC).isoformat(" ", "microseconds")[:26]
        self.locked_sources: set[str] = set()
        if not self.postgres:
            # A bigger page cache keeps the key index's B-tree in memory between chunks and batches. It is
            # left in place for the pooled connection: shrinking it again would throw the warm pages away
            # and make the next batch start cold (measured: 3x slower for batches of 10 000).
            size = self.raw.execute("PRAGMA cache_size").fetchone()[0]
            if size > -SQLITE_CACHE_KIB:
                self.raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        # What this batch adds to usage_monthly, per (month, meter_id, organisation_id):
        # [quantity, events, late quantity, late events], counted from exactly the rows inserted.
        self.totals: dict[tuple, list[int]] = {}

    def _max_id(self) -> int:
        cur = self.raw.cursor()
        try:
            cur.execute("SELECT coalesce(max(id), 0) FROM usage_event")
            return cur.fetchone()[0]
        finally:
            cur.close()

    def write(self, rows: list[tuple]) -> dict[tuple[str, str], tuple]:
        """Insert the rows whose key is new; return the stored content of the keys that already existed,
        {(source, event_id): (meter_id, organisation_id, occurred_at as UTC text, quantity)}."""
        if not rows:
            return {}
        if self.postgres:
            stored = self._lookup_and_copy(rows)
        else:
            before = self._max_id()
            # SQLite has one writer: the rows this statement inserted are exactly those above `before`.
            stored = {} if self._insert_sqlite(rows) == len(rows) else self._stored([r[:2] for r in rows], before)
        self._count([row for row in rows if row[:2] not in stored] if stored else rows)
        return stored

    def _count(self, rows: list[tuple]) -> None:
        """Add inserted rows to the batch's roll-up totals (a chunk's keys are unique, so none counts twice)."""
        totals = self.totals
        for key, quantity in zip(map(_ROLLUP_KEY, rows), map(_QUANTITY, rows), strict=True):
            entry = totals.get(key)
            if entry is None:
                totals[key] = [quantity, 1, 0, 0]
            else:
                entry[0] += quantity
                entry[1] += 1
        if any(map(_LATE, rows)):
            for row in filter(_LATE, rows):
                entry = totals[_ROLLUP_KEY(row)]
                entry[2] += row[6]
                entry[3] += 1

    def _insert_sqlite(self, rows: list[tuple]) -> int:
        """INSERT ... ON CONFLICT DO NOTHING in key order; returns the rows inserted."""
        # The batch's received-at and id are values we made, not input: written into the statement once,
        # so each row is bound exactly as check_event built it.
        cur = self.raw.cursor()
        try:
            return _sqlite_insert_many(
                cur, f"INSERT INTO usage_event ({', '.join(_EVENT_COLUMNS)}) VALUES ",
                f"(?,?,?,?,?,?,?,?,'{self.received_text}',{int(self.batch_id)})",
                " ON CONFLICT (source, event_id) DO NOTHING", sorted(rows))
        finally:
            cur.close()

    def _lookup_and_copy(self, rows: list[tuple]) -> dict[tuple[str, str], tuple]:
        keys = [row[:2] for row in rows]
        for source in {source for source, _event_id in keys}:
            self._lock_source(source)
        stored = self._stored(keys)
        new = [row for row in rows if row[:2] not in stored] if stored else rows
        received, batch_id = self.received_at, self.batch_id
        with self.raw.cursor() as cur, cur.copy(f"COPY usage_event ({', '.join(_EVENT_COLUMNS)}) FROM STDIN") as copy:
            for r in new:
                copy.write_row((r[0], r[1], r[2], r[3], r[4] + "+00", r[5], r[6], r[7], received, batch_id))
        return stored

    def _lock_source(self, source: str) -> None:
        """PostgreSQL: batches of one source run one at a time, so a key looked up as new stays new
        until this transaction commits (SQLite has a single writer anyway)."""
        if source not in self.locked_sources:
            self.locked_sources.add(source)
            with self.raw.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_PG_LOCK_NAMESPACE, source))

    def _stored(self, keys: list[tuple[str, str]], before: int | None = None) -> dict[tuple[str, str], tuple]:
        return _stored(self.raw, self.postgres, keys, before)

    def add_to_rollups(self) -> int:
        """Add the batch's totals to usage_monthly in key order with one upsert per 100 roll-up rows
        (SQLite) or one over arrays (PostgreSQL); returns the roll-up rows touched.

        The totals were counted from the rows actually inserted: duplicates and conflicts never were,
        so they are never counted, and the raw events are never read back (measured on SQLite: summing
        as chunks are written and this upsert take 1.0 us an event; reading the batch's rows back and
        grouping them in SQL took 1.5 us).
        """
        rows = [(*key, *values) for key, values in sorted(self.totals.items())]
        if not rows:
            return 0
        upsert = (" ON CONFLICT (month, meter_id, organisation_id) DO UPDATE SET "
                  "quantity = usage_monthly.quantity + excluded.quantity, "
                  "events = usage_monthly.events + excluded.events, "
                  "late_quantity = usage_monthly.late_quantity + excluded.late_quantity, "
                  "late_events = usage_monthly.late_events + excluded.late_events")
        head = "INSERT INTO usage_monthly (month, meter_id, organisation_id, quantity, events, late_quantity, late_events) "
        cur = self.raw.cursor()
        try:
            if self.postgres:
                cur.execute(head + "SELECT * FROM unnest(%s::date[], %s::int[], %s::int[], %s::bigint[], %s::bigint[], "
                            "%s::bigint[], %s::bigint[])" + upsert, [list(column) for column in zip(*rows, strict=True)])
            else:
                _sqlite_insert_many(cur, head + "VALUES ", "(?,?,?,?,?,?,?)", upsert, rows)
        finally:
            cur.close()
        return len(rows)


def _stored(raw, postgres: bool, keys: list[tuple[str, str]], before: int | None = None) -> dict[tuple[str, str], tuple]:
    """The stored content of those `keys` that exist (on SQLite: with an id at or below `before`)."""
    by_source: dict[str, list[str]] = {}
    for source, event_id in keys:
        by_source.setdefault(source, []).append(event_id)
    found = {}
    cur = raw.cursor()
    try:
        for source, ids in by_source.items():
            if postgres:
                cur.execute("SELECT event_id, meter_id, organisation_id, occurred_at, quantity FROM usage_event "
                            "WHERE source = %s AND event_id = ANY(%s)", (source, ids))
                for event_id, meter_id, org_id, occurred, quantity in cur:
                    found[(source, event_id)] = (
                        meter_id, org_id, occurred.astimezone(UTC).isoformat(" ", "microseconds")[:26], quantity)
                continue
            for start in range(0, len(ids), 30000):
                part = ids[start:start + 30000]
                cur.execute("SELECT event_id, meter_id, organisation_id, occurred_at, quantity FROM usage_event "
                            f"WHERE source = ? AND event_id IN ({','.join('?' * len(part))}) AND id <= ?",
                            (source, *part, before if before is not None else 2**62))
                for event_id, meter_id, org_id, occurred, quantity in cur:
                    found[(source, event_id)] = (meter_id, org_id, occurred, quantity)
    finally:
        cur.close()
    return found


def _sqlite_insert_many(cur, head: str, values: str, tail: str, rows: list[tuple]) -> int:
    """Run `head values,values,... tail` over `rows`, SQLITE_ROWS_PER_STATEMENT rows to a statement; returns
    the rows changed. One statement with many VALUES rows costs the sqlite3 module one bind-step-reset
    round instead of one per row: measured about 1.7 us less per event than executemany of single rows."""
    per = SQLITE_ROWS_PER_STATEMENT
    whole = len(rows) - len(rows) % per
    changed = 0
    many = head + ",".join([values] * per) + tail
    for start in range(0, whole, per):
        cur.execute(many, list(chain.from_iterable(rows[start:start + per])))
        changed += cur.rowcount
    if whole < len(rows):
        cur.executemany(head + values + tail, rows[whole:])
        changed += cur.rowcount
    return changed


# --- the common case, checked a column at a time ----------------------------------------------------

_FAST_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{3}|\.[0-9]{6})?Z"
_FAST_TIMES = re.compile(rf"(?:{_FAST_TIME}\n)*{_FAST_TIME}")   # a whole column, joined by newlines: one C call
_FRACTION = {20: ".000000", 24: "000", 27: ""}       # what turns a time of that length into stored UTC text
_DAY = itemgetter(slice(0, 10))
_ROLLUP_KEY, _QUANTITY, _LATE = itemgetter(5, 2, 3), itemgetter(6), itemgetter(7)   # of an event row


def _all_text(values: list) -> bool:
    """Every value a non-blank string of at most MAX_TEXT characters, without NUL (PostgreSQL cannot store it)."""
    lengths = set(map(len, values)) if set(map(type, values)) == {str} else {0}
    if not (min(lengths) > 0 and max(lengths) <= MAX_TEXT and not any(map(str.isspace, values))):
        return False
    joined = "".join(values)
    return "\x00" not in joined and _encodable(joined)


def _fast_rows(ctx: _Context, fast_meters: dict[str, int], items: list[tuple[int, object]]) -> list[tuple] | None:
    """Rows for a chunk in which every event is of the common, well-formed kind; None as soon as one is not.

    Each check runs over a whole column with map/set/min/max, so the per-event work happens in C.
    Anything unusual (an offset other than Z, a subject with validity dates, a bad field, a key
    repeated in the chunk) makes the whole chunk go through `check_event`, one event at a time,
    which names the reason. For what this accepts, both give the same row (a property test holds
    them to it).
    """
    events = [event for _index, event in items]
    if set(map(type, events)) != {dict}:
        return None
    get, n = dict.get, len(events)
    if list(map(get, events, repeat("specversion"))).count("1.0") != n:
        return None
    if set(map(get, events, repeat("datacontenttype"))) - {None, "application/json"}:
        return None
    sources = list(map(get, events, repeat("source")))
    ids = list(map(get, events, repeat("id")))
    distinct_sources = list(set(sources)) if set(map(type, sources)) == {str} else [None]
    if not (_all_text(distinct_sources) and _all_text(ids)):
        return None
    if ctx.source is not None and distinct_sources != [ctx.source]:
        return None
    try:   # a code or subject that is not a string finds nothing (None), or cannot be hashed (TypeError)
        meter_ids = list(map(fast_meters.get, map(get, events, repeat("type"))))
        organisation_ids = list(map(ctx.unbounded.get, map(get, events, repeat("subject"))))
    except TypeError:
        return None
    if None in meter_ids or None in organisation_ids:
        return None
    datas = list(map(get, events, repeat("data")))
    if set(map(type, datas)) != {dict}:
        return None
    quantities = list(map(get, datas, repeat("quantity")))
    if set(map(type, quantities)) != {int} or min(quantities) < 0 or max(quantities) > MAX_QUANTITY:
        return None
    times = list(map(get, events, repeat("time")))
    if set(map(type, times)) != {str}:
        return None
    column = "\n".join(times)
    if not _FAST_TIMES.fullmatch(column):   # the shape, and hours, minutes and seconds within range
        return None
    lengths = set(map(len, times))
    if len(lengths) == 1:   # the usual case: one way of writing times in a chunk, rewritten in one go
        occurred = column.replace("T", " ").replace("Z", _FRACTION[lengths.pop()]).split("\n")
    else:
        occurred = [t[:10] + " " + t[11:-1] + _FRACTION[len(t)] for t in times]
    if max(occurred) > ctx.latest or min(occurred) < EARLIEST_TEXT:
        return None
    day_of_each = list(map(_DAY, times))
    month_of_day = {day: day[:7] + "-01" for day in set(day_of_each)}
    try:
        month_ends = {day for day in month_of_day if (date.fromisoformat(day) + timedelta(days=1)).day == 1}
    except ValueError:   # a day that does not exist, such as 2025-02-30
        return None
    months = list(map(month_of_day.__getitem__, day_of_each))
    # Norwegian time is UTC+1 or +2: the local month differs from the UTC one only from 22:00 UTC on a month's last day.
    if month_ends:
        for position in [i for i, t in enumerate(times) if t[11:13] >= "22" and t[:10] in month_ends]:
            local = datetime.fromisoformat(times[position]).astimezone(OSLO)
            months[position] = f"{local.year:04d}-{local.month:02d}-01"
    lates = list(map(ctx.closed.__contains__, months)) if ctx.closed else [False] * n
    if (len(set(ids)) if len(distinct_sources) == 1 else len(set(zip(sources, ids, strict=True)))) != n:
        return None
    return list(zip(sources, ids, meter_ids, organisation_ids, occurred, months, quantities, lates, strict=True))


# --- the batch ---------------------------------------------------------------------------------


class _Checker:
    """Checks chunks of numbered events and counts them into `result`: what a batch and a file's first pass share."""

    def __init__(self, ctx: _Context, result: IngestResult, on_reject: Callable[[Rejection], None] | None = None):
        self.ctx = ctx
        # Meters an event may name without further checks: active, and of the key's service if any.
        self.fast_meters = {code: meter_id for code, (meter_id, active, sid) in ctx.meters.items()
                            if active and (ctx.service_id is None or sid == ctx.service_id)}
        self.result = result
        self.on_reject = on_reject
        self.duplicate_indices: list[int] = []    # of events that repeat an earlier one of their chunk

    def reject(self, index: int, event, field_name: str | None, reason: str) -> None:
        event_id = event.get("id") if isinstance(event, dict) and isinstance(event.get("id"), str) else None
        rejection = Rejection(index, shown(event_id) if event_id is not None else None, field_name, reason)
        self.result.rejected += 1
        if len(self.result.rejections) < MAX_REPORTED:
            self.result.rejections.append(rejection)
        if self.on_reject:
            self.on_reject(rejection)

    def check(self, items: list[tuple[int, object]]) -> tuple[list[tuple], dict | None]:
        """The rows of a chunk's valid events, one per key, and (unless every event took the column-wise
        path) {key: (index, event, row)}: column-wise when it is all ordinary, else event by event."""
        rows = _fast_rows(self.ctx, self.fast_meters, items)
        if rows is not None:
            return rows, None
        candidates = self._check_each(items)
        return [candidate[2] for candidate in candidates.values()], candidates

    def _check_each(self, items: list[tuple[int, object]]) -> dict[tuple[str, str], tuple[int, object, tuple]]:
        """The careful path: every event on its own, with its reason; keys repeated in the chunk are
        duplicates when their content is the same and conflicts when it is not."""
        candidates: dict[tuple[str, str], tuple[int, object, tuple]] = {}
        for index, event in items:
            try:
                row = check_event(self.ctx, event)
            except _Reject as rejected:
                self.reject(index, event, rejected.field, rejected.reason)
                continue
            key = (row[0], row[1])
            earlier = candidates.get(key)
            if earlier is None:
                candidates[key] = (index, event, row)
            elif earlier[2][2:7] == row[2:7]:
                self.result.duplicates += 1
                self.duplicate_indices.append(index)
            else:
                self.reject(index, event, "id", t("meter.reason.conflict_in_batch", id=shown(row[1]), index=earlier[0]))
        return candidates

    def settle(self, items: list[tuple[int, object]], rows: list[tuple], candidates: dict | None,
               stored: dict[tuple[str, str], tuple]) -> None:
        """Count a chunk's rows given the stored content of the keys that already existed: a new key is
        accepted, one stored with the same content a duplicate, one stored with other content a conflict."""
        result = self.result
        if not stored:
            result.accepted += len(rows)
            result.late += sum(map(_LATE, rows))
            return
        if candidates is None:
            candidates = {(row[0], row[1]): (index, event, row) for (index, event), row in zip(items, rows, strict=True)}
        for key, (index, event, row) in candidates.items():
            old = stored.get(key)
            if old is None:
                result.accepted += 1
                result.late += row[7]
            elif old == (row[2], row[3], row[4], row[6]):
                result.duplicates += 1
            else:
                self.reject(index, event, "id", t("meter.reason.conflict", id=shown(key[1]), source=shown(key[0])))


class Batch:
    """One transaction: give it chunks of numbered events with `flush`, then `finish()`; `run_batch` does both."""

    def __init__(self, session: Session, actor_name: str, channel: str, *, source: str | None = None,
                 service_id: int | None = None, filename: str | None = None,
                 on_reject: Callable[[Rejection], None] | None = None):
        self.session = session
        self.result = IngestResult()
        self.checker = _Checker(_load_context(session, source, service_id), self.result, on_reject)
        self.received_at = utcnow()
        self.channel = channel
        # The batch row is written first: on SQLite this takes the write lock before any key is read.
        self.batch_id = session.execute(
            insert(UsageBatch).values(received_at=self.received_at, channel=channel, source=source,
                                      actor=actor_name, filename=filename, status="running")
        ).inserted_primary_key[0]
        self.result.batch_id = self.batch_id
        self.writer = _Writer(session, self.batch_id, self.received_at)

    def flush(self, items: list[tuple[int, object]]) -> None:
        """Check and write one chunk."""
        rows, candidates = self.checker.check(items)
        stored = self.writer.write(rows)
        self.checker.settle(items, rows, candidates, stored)
        # Rows accepted before a rejection stay written, so that later duplicates of them in the same
        # batch are recognised; the whole batch is rolled back at the end anyway.

    def finish(self) -> IngestResult:
        result = self.result
        if result.rejected:
            result.accepted = 0
            raise BatchRejected(result)
        rollup_rows = self.writer.add_to_rollups() if result.accepted else 0
        result.chunks = 1
        self.session.execute(update(UsageBatch).where(UsageBatch.id == self.batch_id).values(
            accepted=result.accepted, duplicates=result.duplicates, late=result.late, received=result.received,
            total_events=result.received, chunks_done=1, status="complete"))
        audit.record_batch(self.session, "usage_event", "insert", {
            "batch": self.batch_id, "channel": self.channel, "accepted": result.accepted,
            "duplicates": result.duplicates, "late": result.late, "rollup_rows": rollup_rows,
        })
        self.session.flush()
        return result


_gc_lock = threading.Lock()
_gc_pauses = {"count": 0, "was_enabled": False}


def _pause_gc() -> None:
    """The cyclic garbage collector finds nothing in a batch (tuples and dicts without cycles) but
    walks every live object each time it runs; pausing it for the batch measured ~30 % faster."""
    with _gc_lock:
        if _gc_pauses["count"] == 0:
            _gc_pauses["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_pauses["count"] += 1


def _resume_gc() -> None:
    with _gc_lock:
        _gc_pauses["count"] -= 1
        if _gc_pauses["count"] == 0 and _gc_pauses["was_enabled"]:
            gc.enable()


def run_batch(session: Session, actor_name: str, channel: str, events: Iterable[tuple[int, object]], *,
              source: str | None = None, service_id: int | None = None, filename: str | None = None,
              on_reject: Callable[[Rejection], None] | None = None) -> IngestResult:
    """Ingest numbered events `(index, event)` as one all-or-nothing batch, in the session's transaction."""
    batch = Batch(session, actor_name, channel, source=source, service_id=service_id, filename=filename,
                  on_reject=on_reject)
    iterator = iter(events)
    _pause_gc()
    try:
        while chunk := list(islice(iterator, CHUNK_SIZE)):
            batch.result.received += len(chunk)
            batch.flush(chunk)
        return batch.finish()
    finally:
        _resume_gc()


# --- files -------------------------------------------------------------------------------------


def detect_format(name: str, head: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return "jsonl" if head.lstrip().startswith("{") else "csv"


def read_jsonl(stream: Iterable[str]) -> Iterator[tuple[int, object]]:
    """(line number, event) for each non-blank line; a line that is not JSON becomes `Malformed`."""
    loads = json.loads
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield number, loads(line)
        except ValueError as exc:
            yield number, Malformed(str(exc))


def read_csv(stream: Iterable[str]) -> Iterator[tuple[int, object]]:
    """(line number, event) per row; columns are the CloudEvents fields plus `quantity`."""
    allow_long_csv_fields()  # the same limit whichever CSV import ran first in this process
    reader = csv.DictReader(stream)
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [name for name in CSV_FIELDS if name not in headers]
    if missing:
        raise BackofficeError(t("meter.csv_missing_columns", columns=", ".join(missing)))
    reader.fieldnames = headers
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:   # a NUL byte, a field over the csv module's limit
            raise BackofficeError(t("meter.csv_unreadable", line=reader.line_num + 1, problem=shown(str(error)))) from None
        event = {name: (row.get(name) or "").strip() or None for name in CSV_FIELDS}
        quantity = event.pop("quantity")
        event["data"] = {"quantity": quantity} if quantity is not None else {}
        yield reader.line_num, event


def open_events(path: str, stream: io.TextIOBase, fmt: str | None = None) -> Iterator[tuple[int, object]]:
    if fmt is None:
        head = stream.readline()
        fmt = detect_format(path, head)
        lines = _prepend(head, stream)
    else:
        lines = stream
    return read_csv(lines) if fmt == "csv" else read_jsonl(lines)


def _prepend(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


# --- a file: checked in full, then written in committed chunks --------------------------------------

_KEY = itemgetter(0, 1)   # of an event row: (source, event_id)


class _Digesting(io.RawIOBase):
    """A binary file that adds what is read from it to a hash: a re-run finds its unfinished batch by it."""

    def __init__(self, raw, digest):
        self.raw = raw
        self.digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        if count:
            self.digest.update(memoryview(buffer)[:count])
        return count


def _read(path: Path, fmt: str | None, digest=None) -> Iterator[tuple[int, object]]:
    """(line number, event) of the file, hashed into `digest` as it is read; a damaged file is a plain error."""
    with path.open("rb", buffering=0) as raw, io.TextIOWrapper(
            io.BufferedReader(_Digesting(raw, digest) if digest is not None else raw, 1 << 20),
            encoding="utf-8-sig", newline="") as text:
        try:
            yield from open_events(path.name, text, fmt)
        except UnicodeDecodeError:
            raise BackofficeError(t("meter.file_not_utf8", line=_first_undecodable_line(path))) from None


def _first_undecodable_line(path: Path) -> int:
    number = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):   # noqa: B007 - the last number is the answer when all decode
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return number


def _chunks(events: Iterable, size: int) -> Iterator[list]:
    iterator = iter(events)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _driver(session: Session) -> tuple[object, bool]:
    connection = session.connection()
    return connection.connection.driver_connection, connection.dialect.name == "postgresql"


def _check_file(session: Session, path: Path, fmt: str | None, spool, on_reject,
                progress) -> tuple[IngestResult, _Context, str]:
    """The first pass: every event checked, its key looked up among the stored events (reads only), keys
    repeated across chunks compared; nothing is written to the database. The checked rows go to `spool`
    (a temporary file) for the second pass. Returns the counts, the context and the file's hash."""
    ctx = _load_context(session, None, None)
    result = IngestResult()
    checker = _Checker(ctx, result, on_reject)
    digest = hashlib.sha256()
    key_hashes: list[np.ndarray] = []    # 8 bytes an event: what finding keys repeated across the file costs
    events = _read(path, fmt, digest)
    try:
        for chunk in _chunks(events, FILE_CHUNK_SIZE):
            first, result.received = result.received, result.received + len(chunk)
            checker.duplicate_indices = []
            rows, candidates = checker.check(chunk)
            if not result.rejected:
                _spool(spool, first, chunk, rows, candidates, checker.duplicate_indices)
            checker.settle(chunk, rows, candidates, _stored(*_driver(session), list(map(_KEY, rows))) if rows else {})
            key_hashes.append(np.fromiter(map(hash, map(_KEY, rows)), dtype=np.int64, count=len(rows)))
            if progress:
                progress("check", result.received, None)
    finally:
        events.close()
    repeated = _repeated(key_hashes)
    if repeated:
        _compare_repeats(path, fmt, checker, repeated)
        result.rejections.sort(key=lambda rejection: rejection.index)
    return result, ctx, digest.hexdigest()


def _spool(spool, first: int, chunk: list, rows: list[tuple], candidates: dict | None, duplicates: list[int]) -> None:
    """One chunk's checked rows, each with its position in the file's events (counted from 0) and its line,
    and the positions of the events that repeat one of the chunk: the second pass writes from these instead of
    reading and checking the file again (measured: that was two thirds of the second pass)."""
    if candidates is None:
        entries = list(zip(range(first, first + len(chunk)), map(itemgetter(0), chunk), rows, strict=True))
        duplicate_positions = []
    else:
        position = {index: first + offset for offset, (index, _event) in enumerate(chunk)}
        entries = [(position[index], index, row) for index, _event, row in candidates.values()]
        duplicate_positions = [position[index] for index in duplicates]
    record = marshal.dumps((first, len(chunk), entries, duplicate_positions))
    spool.write(len(record).to_bytes(8, "little"))   # marshal.load from a file reads piece by piece: 10x slower
    spool.write(record)


def _spooled(spool, skip: int) -> Iterator[tuple[int, list[tuple], dict, int]]:
    """The spooled chunks after the first `skip` events: (events, rows, {key: (line, event, row)}, duplicates)."""
    spool.seek(0)
    while size := int.from_bytes(spool.read(8), "little"):
        first, count, entries, duplicates = marshal.loads(spool.read(size))
        if first + count <= skip:
            continue
        if first < skip:   # a chunk an earlier run (with other chunk sizes) wrote in part
            entries = [entry for entry in entries if entry[0] >= skip]
            duplicates = [position for position in duplicates if position >= skip]
            count = first + count - skip
        rows = [row for _position, _index, row in entries]
        candidates = {_KEY(row): (index, {"id": row[1]}, row) for _position, index, row in entries}
        yield count, rows, candidates, len(duplicates)


def _repeated(key_hashes: list[np.ndarray]) -> set[int]:
    """Hashes of keys that occur in more than one chunk (each chunk's rows have distinct keys)."""
    if not key_hashes:
        return set()
    every = np.concatenate(key_hashes)
    every.sort()
    return set(every[1:][every[1:] == every[:-1]].tolist())


def _compare_repeats(path: Path, fmt: str | None, checker: _Checker, repeated: set[int]) -> None:
    """A second reading, only when some key occurs in more than one chunk: each later occurrence is compared
    with the first; other content is a conflict (the same content counts once when written)."""
    quiet = _Checker(checker.ctx, IngestResult())
    first: dict[tuple[str, str], tuple[int, tuple]] = {}
    events = _read(path, fmt)
    try:
        for chunk in _chunks(events, FILE_CHUNK_SIZE):
            rows, candidates = quiet.check(chunk)
            if candidates is None:
                candidates = {_KEY(row): (index, event, row) for (index, event), row in zip(chunk, rows, strict=True)}
            for key, (index, event, row) in candidates.items():
                if hash(key) not in repeated:
                    continue
                earlier_index, earlier_row = first.setdefault(key, (index, row))
                if earlier_index != index and earlier_row[2:7] != row[2:7]:
                    checker.reject(index, event, "id",
                                   t("meter.reason.conflict_in_batch", id=shown(key[1]), index=earlier_index))
    finally:
        events.close()


@dataclass
class _Run:
    """A file's batch as this process writes it: `token` proves it is still this run's to write."""

    batch_id: int
    token: str
    received_at: datetime
    total: int
    result: IngestResult
    complete: bool = False


class _ChunkRejected(Exception):
    """An event of a chunk was rejected while writing (its key arrived from elsewhere with other content)."""


def _start(session: Session, actor_name: str, path: Path, digest: str, total: int) -> _Run:
    """A new batch for the file, or the unfinished batch an earlier run of the same file left, taken over."""
    token, now = secrets.token_hex(16), utcnow()
    unfinished = session.scalar(select(UsageBatch.id).where(UsageBatch.file_digest == digest,
                                                            UsageBatch.status != "complete")
                                .order_by(UsageBatch.id.desc()).limit(1))
    if unfinished is not None and session.execute(
            update(UsageBatch).where(UsageBatch.id == unfinished, UsageBatch.status != "complete")
            .values(status="running", run_token=token, updated_at=now)).rowcount == 1:
        row = session.execute(select(UsageBatch.id, UsageBatch.filename, UsageBatch.received_at, UsageBatch.received,
                                     UsageBatch.accepted, UsageBatch.duplicates, UsageBatch.late,
                                     UsageBatch.chunks_done).where(UsageBatch.id == unfinished)).one()
        result = IngestResult(batch_id=row.id, received=row.received, accepted=row.accepted, duplicates=row.duplicates,
                              late=row.late, chunks=row.chunks_done, resumed_at=row.received)
        audit.record_batch(session, "usage_batch", "resume", {"batch": row.id, "filename": row.filename,
                                                              "resumed_at": row.received})
        session.commit()
        return _Run(row.id, token, row.received_at, total, result)
    filename = path.name[:300]
    batch_id = session.execute(insert(UsageBatch).values(
        received_at=now, channel="file", actor=actor_name, filename=filename, status="running", total_events=total,
        file_digest=digest, run_token=token, updated_at=now)).inserted_primary_key[0]
    audit.record_batch(session, "usage_batch", "start", {"batch": batch_id, "filename": filename, "events": total})
    session.commit()
    return _Run(batch_id, token, now, total, IngestResult(batch_id=batch_id))


def _write_chunk(session: Session, run: _Run, checker: _Checker, count: int, rows: list[tuple],
                 candidates: dict) -> None:
    """One committed transaction: the chunk's new events, their roll-ups, the batch's progress, an audit entry."""
    result = run.result
    # The first statement takes the write lock (SQLite) or the batch row's lock (PostgreSQL) and checks that
    # no later run of the same file has taken the batch over.
    if session.execute(update(UsageBatch).where(UsageBatch.id == run.batch_id, UsageBatch.run_token == run.token)
                       .values(updated_at=utcnow())).rowcount != 1:
        raise BackofficeError(t("meter.batch_taken_over", batch=run.batch_id))
    locked = time.perf_counter()
    closed = {month.isoformat() for month in session.scalars(select(ClosedMonth.month))}
    if closed != checker.ctx.closed:   # a month was closed or reopened since the file was checked
        checker.ctx.closed = closed
        rows = [(*row[:7], row[5] in closed) for row in rows]
        candidates = {key: (index, event, (*row[:7], row[5] in closed)) for key, (index, event, row) in candidates.items()}
    writer = _Writer(session, run.batch_id, run.received_at)
    checker.settle([], rows, candidates, writer.write(rows))
    part = checker.result
    if part.rejected:
        raise _ChunkRejected
    rollup_rows = writer.add_to_rollups()
    result.received += count
    result.accepted += part.accepted
    result.duplicates += part.duplicates
    result.late += part.late
    result.chunks += 1
    run.complete = result.received >= run.total
    session.execute(update(UsageBatch).where(UsageBatch.id == run.batch_id).values(
        received=result.received, accepted=result.accepted, duplicates=result.duplicates, late=result.late,
        chunks_done=result.chunks, status="complete" if run.complete else "running", updated_at=utcnow()))
    audit.record_batch(session, "usage_event", "insert", {
        "batch": run.batch_id, "channel": "file", "chunk": result.chunks, "accepted": part.accepted,
        "duplicates": part.duplicates, "late": part.late, "rollup_rows": rollup_rows,
    })
    session.commit()
    result.longest_hold = max(result.longest_hold, time.perf_counter() - locked)


def _write_file(session: Session, run: _Run, spool, ctx: _Context, on_reject, progress) -> None:
    """The second pass: the spooled rows after those an earlier run wrote, a committed chunk at a time. On
    SQLite, after every YIELD_EVERY seconds of holding the write lock, at least WRITER_GAP passes between a
    commit and the next write, so that other writers waiting for the lock get in between chunks."""
    checker = _Checker(ctx, IngestResult(), on_reject)
    postgres = _driver(session)[1]
    last_commit, held = 0.0, 0.0
    try:
        for count, rows, candidates, duplicates in _spooled(spool, run.result.resumed_at):
            checker.result = IngestResult(duplicates=duplicates)
            if not postgres and held >= YIELD_EVERY:
                time.sleep(max(0.0, WRITER_GAP - (time.monotonic() - last_commit)))
                held = 0.0
            started = time.monotonic()
            _write_chunk(session, run, checker, count, rows, candidates)
            last_commit = time.monotonic()
            held += last_commit - started
            if progress:
                progress("write", run.result.received, run.total)
    except _ChunkRejected:
        run.result.rejected = checker.result.rejected
        run.result.rejections = checker.result.rejections
        run.result.partial = run.result.chunks > 0
        raise
    if not run.complete:   # an empty file
        session.execute(update(UsageBatch).where(UsageBatch.id == run.batch_id, UsageBatch.run_token == run.token)
                        .values(status="complete", updated_at=utcnow()))
        session.commit()


def _mark_failed(session: Session, run: _Run) -> None:
    """After a failure: the chunk under way is rolled back; the batch row says the run stopped."""
    session.rollback()
    try:
        session.execute(update(UsageBatch).where(UsageBatch.id == run.batch_id, UsageBatch.run_token == run.token)
                        .values(status="failed", updated_at=utcnow()))
        audit.record_batch(session, "usage_batch", "fail", {"batch": run.batch_id, "received": run.result.received})
        session.commit()
    except Exception:   # the database may be what failed: the row then says "running" and a re-run takes it over
        log.exception("could not mark usage batch %s as failed", run.batch_id)
        session.rollback()


def run_file(session: Session, actor_name: str, path: Path, *, fmt: str | None = None,
             on_reject: Callable[[Rejection], None] | None = None,
             progress: Callable[[str, int, int | None], None] | None = None) -> IngestResult:
    """Ingest a JSON Lines or CSV file: checked in full (nothing written if any event is rejected), then
    written in committed chunks (see the module's docstring). Commits the session's transaction as it goes.

    `progress(phase, events, total)` is called after each chunk: phase "check" (total None), then "write".
    A run of a file whose earlier run stopped half-way goes on with that batch (`result.resumed_at` events
    were written before); the result's counts are the batch's, over all its runs.
    """
    _pause_gc()
    try:
        with tempfile.TemporaryFile(prefix="backoffice-ingest-") as spool:
            checked, ctx, digest = _check_file(session, path, fmt, spool, on_reject, progress)
            if checked.rejected:
                raise BatchRejected(checked)
            session.commit()   # the reads end here (on PostgreSQL: the snapshot they held)
            run = _start(session, actor_name, path, digest, checked.received)
            try:
                _write_file(session, run, spool, ctx, on_reject, progress)
            except BaseException as error:
                _mark_failed(session, run)
                if isinstance(error, _ChunkRejected):
                    raise BatchRejected(run.result) from None
                raise
            return run.result
    finally:
        _resume_gc()
