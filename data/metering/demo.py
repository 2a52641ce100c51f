"""Metering's part of the demo data: three years of monthly usage for the organisations that use each
service, months up to two months ago closed, and a few late corrections."""
from __future__ import annotations

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from data.access import Actor
from data.db import utcnow
from data.metering.ingest import run_batch
from data.metering.models import ClosedMonth, Meter, UsageBatch
from data.metering.usage import add_months, current_month, list_meters, load_default_meters, month_start
from data.registers.models import Organisation

# Monthly usage per 1 000 inhabitants for the demo (plausible orders of magnitude).
_DEMO_RATES = {
    "svarut.shipment": 160.0, "svarut.printed-page": 210.0, "digisos.application": 4.0,
    "minside.login": 95.0, "fiks-io.message": 300.0, "fiks-arkiv.request": 520.0,
    "kjoretoy-api.lookup": 12.0, "folkeregister.lookup": 240.0,
}


def _demo_users(session: Session, meters: list[Meter]) -> tuple[dict[int, list], bool]:
    """meter id -> organisations that use it: those with an active service appendix when the agreements
    module has any (read with plain SQL: data does not import agreements), else every organisation."""
    orgs = session.execute(select(Organisation.id, Organisation.population, Organisation.valid_from,
                                  Organisation.valid_to)).all()
    by_id = {o.id: o for o in orgs}
    users = {m.id: [(o.id, o.population, o.valid_from) for o in orgs if o.valid_to is None] for m in meters}
    if inspect(session.connection()).has_table("agreement_appendix"):
        appendices = session.execute(text(
            "SELECT organisation_id, service_id FROM agreement_appendix "
            "WHERE status = 'signed' AND (end_date IS NULL OR end_date >= CURRENT_DATE)")).all()
        if appendices:
            by_service: dict[int, set[int]] = {}
            for org_id, service_id in appendices:
                by_service.setdefault(service_id, set()).add(org_id)
            users = {m.id: [(o, by_id[o].population, by_id[o].valid_from) for o in sorted(by_service.get(m.service_id,
                                                                                               ()))
                            if o in by_id] for m in meters}
            return users, True
    return users, False


def demo_events(session: Session, rng, months: int = 36) -> list[dict]:
    meters = list_meters(session, active_only=True)
    numbers = {oid: number or municipality for oid, number, municipality in session.execute(
        select(Organisation.id, Organisation.org_number, Organisation.municipality_number))}
    users, from_appendices = _demo_users(session, meters)
    adoption = 1.0 if from_appendices else 0.65   # without agreements: not everyone uses every service
    last = add_months(current_month(), -1)
    first = add_months(last, -(months - 1))
    events = []
    for meter in meters:
        rate = _DEMO_RATES.get(meter.code, 50.0)
        for org_id, population, valid_from in users[meter.id]:
            subject = numbers.get(org_id)
            if not subject or rng.random() > adoption:
                continue
            size = (population or 5000) / 1000
            appetite = rng.uniform(0.5, 1.6)
            start_index = rng.randrange(0, 8) if rng.random() < 0.25 else 0   # some adopt later
            for index in range(start_index, months):
                month = add_months(first, index)
                if valid_from and month < month_start(valid_from):
                    continue
                growth = 1 + 0.012 * index
                season = 0.75 if month.month == 7 else (0.9 if month.month == 12 else 1.0)
                quantity = max(0, round(size * rate * appetite * growth * season * rng.uniform(0.85, 1.15)))
                if meter.aggregation == "count":
                    # One event per unit: only the last three months, at most 10 a month, to keep the demo small.
                    if index < months - 3:
                        continue
                    for n in range(min(quantity, 10)):
                        events.append({"specversion": "1.0", "id": f"demo-{meter.code}-{org_id}-{month:%Y%m}-{n}",
                                       "source": meter.service.code, "type": meter.code, "subject": subject,
                                       "time": f"{month:%Y-%m}-{1 + n % 28:02d}T09:00:00Z", "data": {"quantity": 1}})
                    continue
                events.append({"specversion": "1.0", "id": f"demo-{meter.code}-{org_id}-{month:%Y%m}",
                               "source": meter.service.code, "type": meter.code, "subject": subject,
                               "time": f"{month:%Y-%m}-15T10:00:00Z", "datacontenttype": "application/json",
                               "data": {"quantity": quantity}})
    return events


def load_demo(session: Session, actor: Actor, rng) -> None:
    """Three years of monthly usage; months up to two months ago closed; some late corrections."""
    load_default_meters(session, actor)
    if session.scalar(select(UsageBatch.id).limit(1)) is not None:
        return
    events = demo_events(session, rng)
    run_batch(session, actor.username, "demo", enumerate(events, 1))
    last_closed = add_months(current_month(), -2)
    for month in sorted({month_start(e["time"][:7]) for e in events}):
        if month <= last_closed:
            session.add(ClosedMonth(month=month, closed_at=utcnow(), closed_by=actor.username))
    session.flush()
    late = [dict(e, id=e["id"] + "-correction", time=e["time"].replace("T10", "T18"),
                 data={"quantity": max(1, e["data"]["quantity"] // 20)})
            for e in events if e["time"].startswith(f"{last_closed:%Y-%m}") and rng.random() < 0.05]
    if late:
        run_batch(session, actor.username, "demo", enumerate(late, 1))
