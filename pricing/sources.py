"""Where pricing reads adopters (agreements, issue 3) and usage (metering, issue 4).

The only place that knows those modules' functions:
- adopters: `agreements.appendices.active_appendices(session, service_code, on_date)`;
- usage: `data.metering.usage.usage_for_period(session, service_code, start, end, meter_code=...)`
  and `data.metering.usage.list_meters(session, service_code)`.
When either module is not installed, the functions here return None and the price calculation asks
for adopters and volumes as explicit input.
"""
from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session


def agreements_available() -> bool:
    try:
        return importlib.util.find_spec("agreements.appendices") is not None
    except ModuleNotFoundError:
        return False


def metering_available() -> bool:
    return importlib.util.find_spec("data.metering.usage") is not None


def adopter_ids(session: Session, service_code: str, on_date: date) -> list[int] | None:
    """Ids of organisations with a service appendix in force on `on_date`; None without agreements."""
    if not agreements_available():
        return None
    from agreements.appendices import active_appendices

    ids: list[int] = []
    for row in active_appendices(session, service_code, on_date):
        if row.organisation_id not in ids:
            ids.append(row.organisation_id)
    return ids


def meters(session: Session, service_code: str) -> list[tuple[str, str]]:
    """(meter code, "name (unit)") of the service's active meters; [] without metering."""
    if not metering_available():
        return []
    from data.metering.usage import list_meters

    found = sorted(list_meters(session, service_code, active_only=True), key=lambda m: m.id)
    return [(m.code, f"{m.name} ({m.unit})") for m in found]


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
                          meter_code: str | None = None) -> dict[int, Decimal] | None:
    """Metered quantity per organisation over the months from `start` to `end` (one meter: the
    given one, or the service's first); None without metering."""
    if not metering_available():
        return None
    from data.metering.usage import usage_for_period

    if meter_code is None:
        found = meters(session, service_code)
        if not found:
            return {}
        meter_code = found[0][0]
    out: dict[int, Decimal] = {}
    for row in usage_for_period(session, service_code, start, end, meter_code=meter_code):
        out[row.organisation_id] = out.get(row.organisation_id, Decimal(0)) + Decimal(row.quantity)
    return out


def usage_events_by_service(session: Session, year: int) -> dict[str, Decimal]:
    """Number of metered events per service in a year (for the `usage` allocation key); {} without metering."""
    if not metering_available():
        return {}
    from sqlalchemy import select

    from data.metering.usage import usage_for_period
    from data.registers.models import Service

    out: dict[str, Decimal] = {}
    for code in session.scalars(select(Service.code).order_by(Service.code)):
        total = sum((row.events for row in usage_for_period(session, code, date(year, 1, 1), date(year, 12, 1))), 0)
        if total:
            out[code] = Decimal(total)
    return out


def support_available() -> bool:
    return importlib.util.find_spec("data.support.tickets") is not None


def tickets_by_service(session: Session, year: int) -> dict[str, Decimal]:
    """Support tickets opened per service in a year (for the `tickets` allocation key); {} without support."""
    if not support_available():
        return {}
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from data.registers.models import Service
    from data.support.tickets import SupportTicket

    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    rows = session.execute(
        select(Service.code, func.count(SupportTicket.id)).join(Service, Service.id == SupportTicket.service_id)
        .where(SupportTicket.opened_at >= start, SupportTicket.opened_at < end).group_by(Service.code))
    return {code: Decimal(count) for code, count in rows if count}
