"""Pricing's reads of adopters (agreements), usage (metering) and support tickets, shaped for the
price calculation, the invoice runs and the allocation keys:
- adopters: `agreements.appendices.active_appendices(session, service_code, on_date)`;
- usage: `data.metering.usage.usage_for_period(session, service_code, start, end, meter_code=...)`
  of the service's first active meter (`data.metering.usage.list_meters`);
- tickets: `data.support.models.SupportTicket`.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agreements.appendices import active_appendices
from data.metering.models import Meter
from data.metering.usage import list_meters, usage_for_period
from data.registers.models import Service
from data.support.models import SupportTicket


def adopter_ids(session: Session, service_code: str, on_date: date) -> list[int]:
    """Ids of organisations with a service appendix in force on `on_date` (each once, in appendix order)."""
    return list(dict.fromkeys(row.organisation_id for row in active_appendices(session, service_code, on_date)))


def active_meters(session: Session, service_code: str) -> list[Meter]:
    """The service's active meters, oldest first: the first one is the one prices and invoices use."""
    return sorted(list_meters(session, service_code, active_only=True), key=lambda m: m.id)


def meters(session: Session, service_code: str) -> list[tuple[str, str]]:
    """(meter code, "name (unit)") of the service's active meters, for a picker."""
    return [(m.code, f"{m.name} ({m.unit})") for m in active_meters(session, service_code)]


def first_meter(session: Session, service_code: str) -> Meter | None:
    found = active_meters(session, service_code)
    return found[0] if found else None


def usage_period(year: int, today: date | None = None) -> tuple[date, date]:
    """The 12 months of usage that predict a price year: the year before it, or — while that year is
    still running — the last 12 complete months."""
    today = today or date.today()
    end = date(year - 1, 12, 1)
    last_complete = date(today.year, today.month, 1)
    last_complete = date(last_complete.year - 1, 12, 1) if last_complete.month == 1 else \
        date(last_complete.year, last_complete.month - 1, 1)
    end = min(end, last_complete)
    start = date(end.year - 1, end.month + 1, 1) if end.month < 12 else date(end.year, 1, 1)
    return start, end


def usage_by_organisation(session: Session, service_code: str, start: date, end: date,
                          meter_code: str) -> dict[int, Decimal]:
    """Metered quantity of one meter per organisation over the months from `start` to `end`."""
    out: dict[int, Decimal] = {}
    for row in usage_for_period(session, service_code, start, end, meter_code=meter_code):
        out[row.organisation_id] = out.get(row.organisation_id, Decimal(0)) + Decimal(row.quantity)
    return out


def usage_events_by_service(session: Session, year: int) -> dict[str, Decimal]:
    """Number of metered events per service in a year (for the `usage` allocation key)."""
    out: dict[str, Decimal] = {}
    for code in session.scalars(select(Service.code).order_by(Service.code)):
        total = sum((row.events for row in usage_for_period(session, code, date(year, 1, 1), date(year, 12, 1))), 0)
        if total:
            out[code] = Decimal(total)
    return out


def tickets_by_service(session: Session, year: int) -> dict[str, Decimal]:
    """Support tickets opened per service in a year (for the `tickets` allocation key)."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    rows = session.execute(
        select(Service.code, func.count(SupportTicket.id)).join(Service, Service.id == SupportTicket.service_id)
        .where(SupportTicket.opened_at >= start, SupportTicket.opened_at < end).group_by(Service.code))
    return {code: Decimal(count) for code, count in rows if count}
