"""Metering of platform usage: meters, idempotent batch ingestion of CloudEvents, monthly roll-ups.

Public API (what pages, the CLI, the HTTP API and the pricing module use):

- Writes: `ingest_events`, `ingest_file`, `create_meter`, `update_meter`, `load_default_meters`,
  `close_month`, `reopen_month`, `create_api_key`, `revoke_api_key`, `rebuild_rollups`.
- Reads for pricing (roll-ups only, never raw events):
  `usage_by_month(session, meter_code=None, service_code=None, start_month=None, end_month=None)` and
  `usage_for_period(session, service_code, start, end)`.
- Dashboard reads: `monthly_totals`, `top_users`, `month_over_month`, `late_usage`, `meter_rows`,
  `recent_batches`; `usage_kpis` (KPIS), `service_usage_facts` (SERVICE_FACTS). The demo data is in `demo.py`.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from data import audit
from data.access import Actor
from data.appspec import Fact, Kpi
from data.crud import delete_row, ensure_version, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, NotFound, validate
from data.formatting import number
from data.i18n import t
from data.locking import refusing_duplicates, unique_key
from data.metering.ingest import (
    OSLO,
    BatchRejected,
    IngestResult,
    Rejection,
    run_batch,
    run_file,
)
from data.metering.models import (
    AGGREGATIONS,
    ClosedMonth,
    Meter,
    MeteringApiKey,
    UsageBatch,
    UsageEvent,
    UsageMonthly,
)
from data.registers.changes import PlanItem
from data.registers.models import Organisation, Service
from data.registers.registry import get_service

__all__ = [
    "AGGREGATIONS", "BatchRejected", "ClosedMonth", "IngestResult", "Meter", "MeteringApiKey", "Rejection",
    "UsageBatch", "UsageEvent", "UsageMonthly", "close_month", "create_api_key", "create_meter",
    "ingest_events", "ingest_file", "load_default_meters", "usage_by_month", "usage_for_period",
]

REFERENCE_METERS = Path(__file__).resolve().parents[1] / "reference" / "meters.csv"
KEY_PREFIX = "bom"


# --- months ------------------------------------------------------------------------------------


def month_start(value: date | datetime | str) -> date:
    """First day of the month of `value` (a date, a datetime in Norwegian time, or 'YYYY-MM[-DD]')."""
    if isinstance(value, datetime):
        value = value.astimezone(OSLO).date() if value.tzinfo else value.date()
    elif isinstance(value, str):
        text_value = value.strip()
        try:
            value = date.fromisoformat(text_value if len(text_value) > 7 else f"{text_value}-01")
        except ValueError:
            raise BackofficeError(t("meter.month_format", value=value)) from None
    return date(value.year, value.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def current_month() -> date:
    return month_start(utcnow())


def month_label(month: date) -> str:
    return f"{t(f'meter.month.{month.month}')} {month.year}"


# --- meters ------------------------------------------------------------------------------------


class MeterIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]{1,79}$")
    service: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=60)
    aggregation: Literal["sum", "count"] = "sum"
    description: str = ""
    active: bool = True


def list_meters(session: Session, service_code: str | None = None, active_only: bool = False) -> list[Meter]:
    query = select(Meter).join(Service).order_by(Service.code, Meter.code)
    if service_code:
        query = query.where(Service.code == service_code)
    if active_only:
        query = query.where(Meter.active.is_(True))
    return list(session.scalars(query))


def get_meter(session: Session, code: str) -> Meter:
    return scalar_or_raise(session, select(Meter).where(Meter.code == code), "meter.not_found", code=code)


METER_CODE_ONCE = unique_key(Meter, "uq_meter_code")


def _meter_code_taken(code: str) -> BackofficeError:
    return BackofficeError(t("meter.code_taken", code=code))


def _check_meter_code(session: Session, code: str) -> None:
    if session.scalar(select(Meter.id).where(Meter.code == code)) is not None:
        raise _meter_code_taken(code)


def create_meter(session: Session, actor: Actor, payload) -> Meter:
    actor.require("metering.write")
    data = validate(MeterIn, payload)
    service = get_service(session, data.service)
    _check_meter_code(session, data.code)
    meter = Meter(code=data.code, service_id=service.id, name=data.name, unit=data.unit,
                  aggregation=data.aggregation, description=data.description, active=data.active)
    with refusing_duplicates(session, (METER_CODE_ONCE,), lambda: _meter_code_taken(data.code)):
        session.add(meter)
    return meter


def update_meter(session: Session, actor: Actor, code: str, payload, expected_version: int | None = None) -> Meter:
    """Change name, unit, description or active; code, service and aggregation are fixed once usage exists."""
    actor.require("metering.write")
    meter = get_meter(session, code)
    ensure_version(meter, expected_version, meter.code)
    data = validate(MeterIn, {"code": meter.code, "service": meter.service.code, **payload})
    has_usage = session.scalar(select(UsageMonthly.meter_id).where(UsageMonthly.meter_id == meter.id).limit(1))
    if has_usage is not None and (data.aggregation != meter.aggregation or data.service != meter.service.code):
        raise BackofficeError(t("meter.fixed_after_usage", code=meter.code))
    if data.service != meter.service.code:
        meter.service_id = get_service(session, data.service).id
    meter.name, meter.unit, meter.aggregation = data.name, data.unit, data.aggregation
    meter.description, meter.active = data.description, data.active
    session.flush()
    return meter


def load_default_meters(session: Session, actor: Actor) -> int:
    """Add the shipped meters (data/reference/meters.csv) that are missing; returns how many were added."""
    actor.require("metering.write")
    existing = set(session.scalars(select(Meter.code)))
    services = {code: sid for sid, code in session.execute(select(Service.id, Service.code))}
    added = 0
    with REFERENCE_METERS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"] in existing or row["service"] not in services:
                continue
            session.add(Meter(code=row["code"], service_id=services[row["service"]], name=row["name"],
                              unit=row["unit"], aggregation=row["aggregation"], description=row["description"],
                              active=True))
            added += 1
    session.flush()
    return added


def meter_rows(session: Session) -> list[dict]:
    """Meters with their service and all-time totals (from the roll-ups)."""
    totals = (
        select(UsageMonthly.meter_id, func.sum(UsageMonthly.events).label("events"),
               func.max(UsageMonthly.month).label("last_month"))
        .group_by(UsageMonthly.meter_id).subquery()
    )
    rows = session.execute(
        select(Meter.code, Meter.name, Service.code.label("service"), Meter.unit, Meter.aggregation, Meter.active,
               Meter.version, Meter.description, totals.c.events, totals.c.last_month)
        .join(Service, Service.id == Meter.service_id)
        .outerjoin(totals, totals.c.meter_id == Meter.id)
        .order_by(Service.code, Meter.code)
    )
    return [dict(r._mapping) | {"events": r.events or 0} for r in rows]


# --- ingestion ---------------------------------------------------------------------------------


def ingest_events(session: Session, actor: Actor, events: Iterable, *, channel: str = "python",
                  on_reject: Callable[[Rejection], None] | None = None) -> IngestResult:
    """Ingest CloudEvents (dicts) as one all-or-nothing batch.

    Returns accepted / duplicate / late counts. Raises `BatchRejected` (a ValidationFailed, with
    `.result` listing every rejected event by 1-based position) when any event is rejected; the
    caller's transaction must then be rolled back (`session_scope` does that), and nothing is written.
    """
    actor.require("metering.write")
    return run_batch(session, actor.username, channel, enumerate(events, 1), on_reject=on_reject)


def ingest_file(session: Session, actor: Actor, path: str | Path, *, fmt: str | None = None,
                on_reject: Callable[[Rejection], None] | None = None,
                progress: Callable[[str, int, int | None], None] | None = None) -> IngestResult:
    """Ingest a JSON Lines or CSV file of any length: every event is checked first (if any is rejected,
    nothing is written and `BatchRejected` lists them by line), then the file is written in committed
    chunks, so other users can save meanwhile. The batch row shows the progress; if a run stops half-way,
    running the same file again finishes that batch and counts every event once (`ingest.run_file`).
    Commits the session's transaction as it goes."""
    actor.require("metering.write")
    path = Path(path)
    if not path.is_file():
        raise NotFound(t("meter.file_not_found", path=str(path)))
    return run_file(session, actor.username, path, fmt=fmt, on_reject=on_reject, progress=progress)


def ingest_for_key(session: Session, key: ApiKeyInfo, events: list) -> IngestResult:
    """The HTTP API's door: the verified API key is the permission; events must carry its source."""
    return run_batch(session, f"api:{key.source}", "api", enumerate(events, 1), source=key.source,
                     service_id=key.service_id)


# --- closed months and late events ----------------------------------------------------------------


def close_month(session: Session, actor: Actor, month) -> ClosedMonth:
    """Mark a month as invoiced: events for it that arrive from now on are flagged as late (corrections)."""
    actor.require("metering.write")
    month = month_start(month)
    if month >= current_month():
        raise BackofficeError(t("meter.close_current", month=month_label(month)))
    existing = session.get(ClosedMonth, month)
    if existing is not None:
        return existing
    closed = ClosedMonth(month=month, closed_at=utcnow(), closed_by=actor.username)
    session.add(closed)
    session.flush()
    return closed


def reopen_month(session: Session, actor: Actor, month) -> None:
    actor.require("metering.write")
    month = month_start(month)
    delete_row(session, ClosedMonth, month, "meter.not_closed", month=month_label(month))


def closed_months(session: Session) -> list[dict]:
    return [dict(r._mapping) for r in session.execute(
        select(ClosedMonth.month, ClosedMonth.closed_at, ClosedMonth.closed_by).order_by(ClosedMonth.month.desc()))]


# --- API keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiKeyInfo:
    id: int
    source: str
    service_id: int | None
    prefix: str


def _key_hash(key: str) -> str:
    # The key is 256 random bits, so a fast hash is enough (no dictionary to guess from), unlike passwords.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(session: Session, actor: Actor, source: str, service_code: str | None = None,
                   label: str = "") -> tuple[MeteringApiKey, str]:
    """A new key for `source`; returns (row, the key in clear text: shown once, never stored)."""
    actor.require("metering.write")
    source = (source or "").strip()
    if not source or len(source) > 200 or any(ch.isspace() for ch in source):
        raise BackofficeError(t("meter.key_source_invalid", source=source))
    service_id = None
    if service_code:
        service_id = get_service(session, service_code).id
    else:
        service_id = session.scalar(select(Service.id).where(Service.code == source))
    prefix = secrets.token_hex(4)
    while session.scalar(select(MeteringApiKey.id).where(MeteringApiKey.prefix == prefix)) is not None:
        prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = MeteringApiKey(source=source, service_id=service_id, prefix=prefix, key_hash=_key_hash(key),
                         label=label.strip()[:200], created_at=utcnow(), created_by=actor.username)
    session.add(row)
    session.flush()
    return row, key


def verify_api_key(session: Session, key: str | None) -> ApiKeyInfo | None:
    """The key's source when `key` is a valid, unrevoked key; None otherwise (constant-time compare)."""
    if not key:
        return None
    parts = key.strip().split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    row = session.execute(
        select(MeteringApiKey.id, MeteringApiKey.source, MeteringApiKey.service_id, MeteringApiKey.key_hash,
               MeteringApiKey.revoked_at).where(MeteringApiKey.prefix == parts[1])
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.key_hash, _key_hash(key.strip())):
        return None
    return ApiKeyInfo(row.id, row.source, row.service_id, parts[1])


def revoke_api_key(session: Session, actor: Actor, prefix: str) -> MeteringApiKey:
    actor.require("metering.write")
    row = scalar_or_raise(session, select(MeteringApiKey).where(MeteringApiKey.prefix == prefix.strip()),
                          "meter.key_not_found", prefix=prefix)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def api_key_rows(session: Session) -> list[dict]:
    rows = session.execute(
        select(MeteringApiKey.prefix, MeteringApiKey.source, Service.code.label("service"), MeteringApiKey.label,
               MeteringApiKey.created_at, MeteringApiKey.created_by, MeteringApiKey.revoked_at)
        .outerjoin(Service, Service.id == MeteringApiKey.service_id)
        .order_by(MeteringApiKey.source, MeteringApiKey.created_at)
    )
    return [dict(r._mapping) for r in rows]


# --- reads for pricing (roll-ups only) -------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyUsage:
    organisation_id: int
    org_number: str | None
    municipality_number: str | None
    organisation_name: str
    service_code: str
    meter_code: str
    unit: str
    aggregation: str
    month: date
    quantity: int        # the usage: sum of quantities for 'sum' meters, number of events for 'count' meters
    events: int
    late_quantity: int   # part of `quantity` that arrived after the month was closed (corrections)


@dataclass(frozen=True)
class PeriodUsage:
    organisation_id: int
    org_number: str | None
    municipality_number: str | None
    organisation_name: str
    meter_code: str
    unit: str
    quantity: int
    events: int
    late_quantity: int


def _usage_value(late: bool = False):
    count_column = UsageMonthly.late_events if late else UsageMonthly.events
    sum_column = UsageMonthly.late_quantity if late else UsageMonthly.quantity
    return case((Meter.aggregation == "count", count_column), else_=sum_column)


def _filtered(query, meter_code, service_code, start_month, end_month, organisation_id=None):
    if meter_code:
        query = query.where(Meter.code == meter_code)
    if service_code:
        query = query.where(Service.code == service_code)
    if start_month is not None:
        query = query.where(UsageMonthly.month >= month_start(start_month))
    if end_month is not None:
        query = query.where(UsageMonthly.month <= month_start(end_month))
    if organisation_id is not None:
        query = query.where(UsageMonthly.organisation_id == organisation_id)
    return query


def usage_by_month(session: Session, meter_code: str | None = None, service_code: str | None = None,
                   start_month=None, end_month=None, organisation_id: int | None = None) -> list[MonthlyUsage]:
    """Usage per organisation, meter and month, from the roll-ups. Months inclusive; None = open-ended.

    `start_month`/`end_month` take a date (any day of the month) or 'YYYY-MM'. Sorted by month,
    service, meter and organisation name.
    """
    query = (
        select(UsageMonthly.organisation_id, Organisation.org_number, Organisation.municipality_number,
               Organisation.name, Service.code, Meter.code, Meter.unit, Meter.aggregation, UsageMonthly.month,
               _usage_value(), UsageMonthly.events, _usage_value(late=True))
        .join(Meter, Meter.id == UsageMonthly.meter_id)
        .join(Service, Service.id == Meter.service_id)
        .join(Organisation, Organisation.id == UsageMonthly.organisation_id)
        .order_by(UsageMonthly.month, Service.code, Meter.code, Organisation.name)
    )
    query = _filtered(query, meter_code, service_code, start_month, end_month, organisation_id)
    return [MonthlyUsage(*row) for row in session.execute(query)]


def usage_for_period(session: Session, service_code: str, start, end,
                     meter_code: str | None = None) -> list[PeriodUsage]:
    """Usage per organisation and meter of one service, summed over the months from `start` to `end`.

    `start` and `end` are dates (or 'YYYY-MM'); the period covers whole months, both inclusive
    (01.01.2025–31.12.2025 is the twelve months of 2025). Organisations without usage are left out.
    """
    first, last = month_start(start), month_start(end)
    if last < first:
        raise BackofficeError(t("error.end_before_start"))
    query = (
        select(UsageMonthly.organisation_id, Organisation.org_number, Organisation.municipality_number,
               Organisation.name, Meter.code, Meter.unit, func.sum(_usage_value()), func.sum(UsageMonthly.events),
               func.sum(_usage_value(late=True)))
        .join(Meter, Meter.id == UsageMonthly.meter_id)
        .join(Service, Service.id == Meter.service_id)
        .join(Organisation, Organisation.id == UsageMonthly.organisation_id)
        .group_by(UsageMonthly.organisation_id, Organisation.org_number, Organisation.municipality_number,
                  Organisation.name, Meter.code, Meter.unit)
        .order_by(Organisation.name, Meter.code)
    )
    query = _filtered(query, meter_code, service_code, first, last)
    return [PeriodUsage(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6] or 0), int(r[7] or 0), int(r[8] or 0))
            for r in session.execute(query)]


# --- dashboard reads (roll-ups only; cached by the pages) ----------------------------------------------


def monthly_totals(session: Session, service_code: str | None = None, meter_code: str | None = None,
                   start_month=None, end_month=None, organisation_id: int | None = None) -> list[dict]:
    """Total usage per meter and month (all organisations, or one).

    Sums the roll-ups per (month, meter) first, from the covering index alone, and joins the few
    resulting rows to meters and services afterwards.
    """
    inner = select(UsageMonthly.month, UsageMonthly.meter_id,
                   func.sum(UsageMonthly.quantity).label("quantity"), func.sum(UsageMonthly.events).label("events"),
                   func.sum(UsageMonthly.late_quantity).label("late_quantity"),
                   func.sum(UsageMonthly.late_events).label("late_events"),
                   func.count().label("organisations")).group_by(UsageMonthly.month, UsageMonthly.meter_id)
    if start_month is not None:
        inner = inner.where(UsageMonthly.month >= month_start(start_month))
    if end_month is not None:
        inner = inner.where(UsageMonthly.month <= month_start(end_month))
    if organisation_id is not None:
        inner = inner.where(UsageMonthly.organisation_id == organisation_id)
    totals = inner.subquery()
    counted = Meter.aggregation == "count"
    query = (
        select(totals.c.month, Service.code.label("service"), Meter.code.label("meter"),
               Meter.name.label("meter_name"), Meter.unit,
               case((counted, totals.c.events), else_=totals.c.quantity).label("quantity"), totals.c.events,
               case((counted, totals.c.late_events), else_=totals.c.late_quantity).label("late"),
               totals.c.organisations)
        .join(Meter, Meter.id == totals.c.meter_id)
        .join(Service, Service.id == Meter.service_id)
        .order_by(totals.c.month, Meter.code)
    )
    if meter_code:
        query = query.where(Meter.code == meter_code)
    if service_code:
        query = query.where(Service.code == service_code)
    return [dict(r._mapping) | {"quantity": int(r.quantity or 0), "events": int(r.events or 0),
                                "late": int(r.late or 0)} for r in session.execute(query)]


def top_users(session: Session, meter_code: str, start_month, end_month, limit: int = 20) -> list[dict]:
    """The organisations with the highest usage of one meter over a range of months."""
    value = func.sum(_usage_value()).label("quantity")
    query = (
        select(Organisation.id, Organisation.name, Organisation.org_number, Organisation.municipality_number,
               Organisation.population, value)
        .select_from(UsageMonthly)
        .join(Meter, Meter.id == UsageMonthly.meter_id)
        .join(Organisation, Organisation.id == UsageMonthly.organisation_id)
        .where(Meter.code == meter_code, UsageMonthly.month >= month_start(start_month),
               UsageMonthly.month <= month_start(end_month))
        .group_by(Organisation.id, Organisation.name, Organisation.org_number, Organisation.municipality_number,
                  Organisation.population)
        .order_by(value.desc(), Organisation.name)
        .limit(limit)
    )
    total = session.scalar(
        select(func.sum(_usage_value())).select_from(UsageMonthly).join(Meter, Meter.id == UsageMonthly.meter_id)
        .where(Meter.code == meter_code, UsageMonthly.month >= month_start(start_month),
               UsageMonthly.month <= month_start(end_month))
    ) or 0
    total = int(total)
    rows = []
    for r in session.execute(query):
        quantity = int(r.quantity)
        per_1000 = (quantity * 1000 / r.population) if r.population else None
        rows.append({"organisation": r.name, "org_number": r.org_number, "municipality_number": r.municipality_number,
                     "quantity": quantity, "share": (quantity / total) if total else 0.0,
                     "per_1000_inhabitants": per_1000})
    return rows


def month_over_month(session: Session, meter_code: str, month) -> list[dict]:
    """Per organisation: usage this month and the month before, and the change."""
    this, previous = month_start(month), add_months(month_start(month), -1)
    value = _usage_value()
    query = (
        select(Organisation.id, Organisation.name, Organisation.org_number, UsageMonthly.month,
               value.label("quantity"))
        .select_from(UsageMonthly)
        .join(Meter, Meter.id == UsageMonthly.meter_id)
        .join(Organisation, Organisation.id == UsageMonthly.organisation_id)
        .where(Meter.code == meter_code, UsageMonthly.month.in_([this, previous]))
    )
    table: dict[tuple, dict] = {}
    for r in session.execute(query):
        row = table.setdefault(r.id, {"organisation": r.name, "org_number": r.org_number,   # by id, not name
                                      "previous": 0, "current": 0})
        row["current" if r.month == this else "previous"] += int(r.quantity)
    rows = []
    for row in table.values():
        row["change"] = row["current"] - row["previous"]
        row["change_pct"] = (row["change"] / row["previous"]) if row["previous"] else None
        rows.append(row)
    rows.sort(key=lambda r: (-abs(r["change"]), r["organisation"]))
    return rows


def late_usage(session: Session, service_code: str | None = None, start_month=None, end_month=None) -> list[dict]:
    """Roll-up rows with late events (arrived after their month was closed): corrections for invoicing."""
    query = (
        select(UsageMonthly.month, Service.code.label("service"), Meter.code.label("meter"), Meter.unit,
               Organisation.name.label("organisation"), Organisation.org_number,
               _usage_value(late=True).label("late_quantity"), UsageMonthly.late_events,
               _usage_value().label("quantity"))
        .join(Meter, Meter.id == UsageMonthly.meter_id)
        .join(Service, Service.id == Meter.service_id)
        .join(Organisation, Organisation.id == UsageMonthly.organisation_id)
        .where(UsageMonthly.late_events > 0)
        .order_by(UsageMonthly.month.desc(), Service.code, Meter.code, Organisation.name)
    )
    query = _filtered(query, None, service_code, start_month, end_month)
    return [dict(r._mapping) for r in session.execute(query)]


def late_events_received(session: Session, received_after: datetime | None = None,
                         service_code: str | None = None) -> list[dict]:
    """Late quantities per organisation, meter and month received after `received_after` (for the next
    invoice run's corrections). Reads the small partial index on late events."""
    query = (
        select(UsageEvent.organisation_id, Organisation.name.label("organisation"), Meter.code.label("meter"),
               UsageEvent.month, func.sum(case((Meter.aggregation == "count", 1), else_=UsageEvent.quantity))
               .label("quantity"), func.count().label("events"), func.max(UsageBatch.received_at).label("received"))
        .select_from(UsageEvent)
        .join(UsageBatch, UsageBatch.id == UsageEvent.batch_id)
        .join(Meter, Meter.id == UsageEvent.meter_id)
        .join(Service, Service.id == Meter.service_id)
        .join(Organisation, Organisation.id == UsageEvent.organisation_id)
        .where(UsageEvent.late.is_(True))
        .group_by(UsageEvent.organisation_id, Organisation.name, Meter.code, UsageEvent.month)
        .order_by(UsageEvent.month, Meter.code, Organisation.name)
    )
    if received_after is not None:
        query = query.where(UsageBatch.received_at > received_after)
    if service_code:
        query = query.where(Service.code == service_code)
    return [dict(r._mapping) for r in session.execute(query)]


def recent_batches(session: Session, limit: int = 50) -> list[dict]:
    """The latest batches with their progress; `status` in words (a file's batch is written in chunks)."""
    rows = session.execute(
        select(UsageBatch.id, UsageBatch.received_at, UsageBatch.channel, UsageBatch.source, UsageBatch.actor,
               UsageBatch.filename, UsageBatch.status, UsageBatch.received, UsageBatch.total_events,
               UsageBatch.chunks_done, UsageBatch.accepted, UsageBatch.duplicates, UsageBatch.late,
               UsageBatch.updated_at)
        .order_by(UsageBatch.id.desc()).limit(limit)
    )
    return [dict(r._mapping) | {"status": t(f"meter.status.{r.status}")} for r in rows]


def usage_months(session: Session) -> list[date]:
    return list(session.scalars(select(UsageMonthly.month).distinct().order_by(UsageMonthly.month)))


# --- roll-up check and repair -------------------------------------------------------------------


def _recount_query():
    return (
        select(UsageEvent.organisation_id, UsageEvent.meter_id, UsageEvent.month,
               func.sum(UsageEvent.quantity).label("quantity"), func.count().label("events"),
               func.sum(case((UsageEvent.late.is_(True), UsageEvent.quantity), else_=0)).label("late_quantity"),
               func.sum(case((UsageEvent.late.is_(True), 1), else_=0)).label("late_events"))
        .group_by(UsageEvent.organisation_id, UsageEvent.meter_id, UsageEvent.month)
    )


def rollup_differences(session: Session) -> list[dict]:
    """Compare the roll-ups with a full recount of the raw events (a full scan: for checks, not pages)."""
    counted = {(r.organisation_id, r.meter_id, r.month): (int(r.quantity), r.events, int(r.late_quantity),
                                                          int(r.late_events))
               for r in session.execute(_recount_query())}
    stored = {
        (r.organisation_id, r.meter_id, r.month): (r.quantity, r.events, r.late_quantity, r.late_events)
        for r in session.execute(select(UsageMonthly.organisation_id, UsageMonthly.meter_id, UsageMonthly.month,
                                        UsageMonthly.quantity, UsageMonthly.events, UsageMonthly.late_quantity,
                                        UsageMonthly.late_events))
    }
    differences = []
    for key in sorted(set(counted) | set(stored)):
        if counted.get(key, (0, 0, 0, 0)) != stored.get(key, (0, 0, 0, 0)):
            differences.append({"organisation_id": key[0], "meter_id": key[1], "month": key[2],
                                "rollup": stored.get(key), "recount": counted.get(key)})
    return differences


def orphan_events(session: Session) -> dict[str, int]:
    """Events whose meter, organisation or batch does not exist (usage_event has no foreign keys, so
    this is where a broken reference shows; a full scan, for checks). Only non-zero counts are returned."""
    counts = {}
    for name, column, parent in (("meter", UsageEvent.meter_id, Meter.id),
                                 ("organisation", UsageEvent.organisation_id, Organisation.id),
                                 ("batch", UsageEvent.batch_id, UsageBatch.id)):
        missing = session.scalar(select(func.count()).select_from(UsageEvent).where(
            ~select(parent).where(parent == column).exists()))
        if missing:
            counts[name] = missing
    return counts


def rebuild_rollups(session: Session, actor: Actor) -> int:
    """Recompute every roll-up row from the raw events (repair after manual changes). Returns the row count."""
    actor.require("metering.write")
    session.execute(delete(UsageMonthly))
    recount = _recount_query().subquery()
    session.execute(UsageMonthly.__table__.insert().from_select(
        ["organisation_id", "meter_id", "month", "quantity", "events", "late_quantity", "late_events"],
        select(recount)))
    count = session.scalar(select(func.count()).select_from(UsageMonthly))
    audit.record_batch(session, "usage_monthly", "rebuild", {"rows": count})
    return count


# --- overview and service sheet ------------------------------------------------------------------


def usage_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    """For the leader's overview: last full month's events, its change, late corrections waiting."""
    last = add_months(current_month(), -1)
    before = add_months(last, -1)
    events = dict(session.execute(
        select(UsageMonthly.month, func.sum(UsageMonthly.events))
        .where(UsageMonthly.month.in_([last, before])).group_by(UsageMonthly.month)).all())
    if not events:
        return []
    now, previous = int(events.get(last) or 0), int(events.get(before) or 0)
    delta = None
    if previous:
        delta = f"{(now - previous) * 100 / previous:+.1f} %".replace(".", ",")
    organisations = session.scalar(select(func.count(func.distinct(UsageMonthly.organisation_id)))
                                   .where(UsageMonthly.month == last)) or 0
    late = session.scalar(select(func.coalesce(func.sum(UsageMonthly.late_events), 0))
                          .where(UsageMonthly.month >= add_months(last, -11))) or 0
    return [
        Kpi(t("meter.kpi_events", month=month_label(last)), number(now), t("meter.kpi_events_help"), delta),
        Kpi(t("meter.kpi_organisations"), number(organisations), t("meter.kpi_organisations_help")),
        Kpi(t("meter.kpi_late"), number(late), t("meter.kpi_late_help")),
    ]


def service_usage_facts(session: Session, service_code: str) -> list[Fact]:
    """For the service sheet: per meter, each of the last three full months and the last twelve in total."""
    last = add_months(current_month(), -1)
    first = add_months(last, -11)
    facts = []
    for row in _meter_month_totals(session, service_code, first, last):
        meter, unit, months = row
        for month in (add_months(last, -2), add_months(last, -1), last):
            facts.append(Fact(t("meter.fact_month", meter=meter, month=month_label(month)),
                              f"{number(months.get(month, 0))} {unit}"))
        facts.append(Fact(t("meter.fact_twelve", meter=meter), f"{number(sum(months.values()))} {unit}"))
    return facts


def _meter_month_totals(session: Session, service_code: str, first: date, last: date):
    meters = list_meters(session, service_code)
    totals: dict[str, dict[date, int]] = {m.code: {} for m in meters}
    for row in monthly_totals(session, service_code=service_code, start_month=first, end_month=last):
        totals[row["meter"]][row["month"]] = int(row["quantity"])
    return [(m.name, m.unit, totals[m.code]) for m in meters]


def default_range(months: int = 12) -> tuple[date, date]:
    last = add_months(current_month(), -1)
    return add_months(last, -(months - 1)), last


# --- mergers (data/registers/changes.py) ------------------------------------------------------------


def merger_participant(session: Session, succession, apply: bool) -> list:
    """Usage follows a merger: the predecessor's usage from the change date on (late reports under the old
    number) moves to the successor, events and roll-ups alike; usage before the date stays with it. After a
    split usage cannot be divided: it is flagged and stays."""
    predecessor, first_month = succession.predecessor, month_start(succession.change_date)
    if succession.change_date != first_month:
        first_month = add_months(first_month, 1)   # a month that began before the date stays whole
    rows = list(session.scalars(select(UsageMonthly).where(UsageMonthly.organisation_id == predecessor.id,
                                                           UsageMonthly.month >= first_month)
                                .order_by(UsageMonthly.month, UsageMonthly.meter_id)))
    if not rows:
        return []
    events = sum(row.events for row in rows)
    months = len({row.month for row in rows})
    if len(succession.successors) != 1:
        return [PlanItem("metering", "flagged", t("chg.usage_split", predecessor=predecessor.name,
                                                   events=number(events), months=months))]
    successor = succession.successors[0]
    item = PlanItem("metering", "follows", t("chg.usage_follows", predecessor=predecessor.name,
                                              successor=successor.name, events=number(events), months=months,
                                              month=month_label(first_month)))
    if apply:
        for row in rows:
            target = session.get(UsageMonthly, (row.month, row.meter_id, successor.id))
            if target is None:
                target = UsageMonthly(month=row.month, meter_id=row.meter_id, organisation_id=successor.id,
                                      quantity=0, events=0, late_quantity=0, late_events=0)
                session.add(target)
            target.quantity += row.quantity
            target.events += row.events
            target.late_quantity += row.late_quantity
            target.late_events += row.late_events
            session.delete(row)
        session.flush()
        session.execute(update(UsageEvent).where(UsageEvent.organisation_id == predecessor.id,
                                                 UsageEvent.month >= first_month)
                        .values(organisation_id=successor.id).execution_options(synchronize_session=False))
    return [item]
