"""Tables of metering: meters, usage events, ingest batches, monthly roll-ups, closed months, API keys.

Scale notes (see also the README section of issue 4):
- `usage_event` is the only large table (tens of millions of rows a year). It carries exactly two
  indexes: the primary key and the idempotency key (source, event_id), plus a small partial index
  on late events, and no foreign keys (see the column comment). Reads never scan it: dashboards and
  pricing read `usage_monthly`.
- `usage_monthly` is kept up to date incrementally in the same transaction as each batch: the
  batch's totals, counted from the rows it inserted, are added with
  INSERT ... ON CONFLICT DO UPDATE quantity = quantity + excluded.quantity.
- Both are written with bulk SQL (multi-row INSERT on SQLite, COPY on PostgreSQL) and audited once
  per batch (`__audit__ = "batch"`; the ingest path calls `audit.record_batch`).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow
from data.registers.models import Service

# A 64-bit key on PostgreSQL, SQLite's rowid alias (INTEGER PRIMARY KEY) on SQLite.
BigId = BigInteger().with_variant(Integer, "sqlite")

AGGREGATIONS = ("sum", "count")


class Meter(Versioned, Base):
    """What is counted for a service, in which unit, and how events add up (sum of quantities or count)."""

    __tablename__ = "meter"
    __table_args__ = (CheckConstraint("aggregation IN ('sum', 'count')", name="aggregation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(60))
    aggregation: Mapped[str] = mapped_column(String(10), default="sum")
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    service: Mapped[Service] = relationship()


BATCH_STATUSES = ("running", "complete", "failed")


class UsageBatch(Base):
    """One accepted batch (an HTTP request, a file, a Python call). Rejected batches leave no row.

    An HTTP request or a Python call is one transaction: its row appears complete. A file is written
    in committed chunks (data/metering/ingest.py): its row shows the progress as it goes (`received`
    events handled so far of `total_events`, `chunks_done`, `accepted` rows written so far) and its
    `status`: running, complete, or failed (a run that stopped; running the same file again, found by
    `file_digest`, takes the batch over with a new `run_token` and goes on after the last chunk).
    """

    __tablename__ = "usage_batch"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'complete', 'failed')", name="status"),
        Index("ix_usage_batch_unfinished", "file_digest", postgresql_where=text("status <> 'complete'"),
              sqlite_where=text("status <> 'complete'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(20))          # api | file | python | demo
    source: Mapped[str | None] = mapped_column(String(200))   # the API key's source, when there is one
    actor: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str | None] = mapped_column(String(300))
    accepted: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates: Mapped[int] = mapped_column(BigInteger, default=0)
    late: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(10), default="complete", server_default="complete")
    received: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    total_events: Mapped[int | None] = mapped_column(BigInteger)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    file_digest: Mapped[str | None] = mapped_column(String(64))      # SHA-256 of a file's bytes
    run_token: Mapped[str | None] = mapped_column(String(32))        # the run that may write the next chunk
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last chunk committed


class UsageEvent(Base):
    """One CloudEvents 1.0 usage event as received. (source, event_id) is the idempotency key."""

    __tablename__ = "usage_event"
    __audit__ = "batch"
    __table_args__ = (
        UniqueConstraint("source", "event_id"),
        Index("ix_usage_event_late", "batch_id", postgresql_where=text("late"), sqlite_where=text("late")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(200))
    # No foreign keys on this one large table (migration 0210): PostgreSQL checks each with a trigger per
    # row, three quarters of a bulk load's time. The ingest path resolves meter and organisation in the
    # same transaction, and `meter check` (`orphan_events`) reports any event whose parent is missing.
    meter_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    month: Mapped[date] = mapped_column(Date)                  # first day of the month, Norwegian time
    quantity: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batch_id: Mapped[int] = mapped_column(BigId)
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class UsageMonthly(Base):
    """Roll-up: totals per organisation, meter and month, updated incrementally by every batch.

    The primary key leads with the month, so a dashboard's month range is one range scan; on SQLite
    the table is WITHOUT ROWID (stored in key order), so reads need no second index and a batch's
    upsert touches one B-tree only.
    """

    __tablename__ = "usage_monthly"
    __audit__ = "batch"
    __table_args__ = (PrimaryKeyConstraint("month", "meter_id", "organisation_id"), {"sqlite_with_rowid": False})

    month: Mapped[date] = mapped_column(Date)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)      # sum of quantities
    events: Mapped[int] = mapped_column(BigInteger, default=0)        # number of events
    late_quantity: Mapped[int] = mapped_column(BigInteger, default=0)  # part received after the month closed
    late_events: Mapped[int] = mapped_column(BigInteger, default=0)


class ClosedMonth(Base):
    """A month whose invoice basis has been made: events for it that arrive later are flagged late."""

    __tablename__ = "usage_closed_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(120))


class MeteringApiKey(Base):
    """An API key for one reporting source. Only a SHA-256 hash of the (random, 256-bit) key is stored."""

    __tablename__ = "metering_api_key"
    __audit_redact__ = {"key_hash"}
    __table_args__ = (UniqueConstraint("prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service | None] = relationship()
