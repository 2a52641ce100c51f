"""Roadmap (veikart) per service, by quarter."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agreements.agreements import RuleError, today
from agreements.models import ChangeRequest, RoadmapItem, RoadmapStatus
from agreements.schemas import RoadmapItemIn, check
from data.access import Actor
from data.crud import ensure_version, get_or_raise
from data.i18n import t
from data.registers.models import Service
from data.registers.registry import get_service


def quarter_label(year: int, quarter: int) -> str:
    return t("agr.rm.quarter_label", year=year, quarter=quarter)


def current_quarter(on: date | None = None) -> tuple[int, int]:
    on = on or today()
    return on.year, (on.month - 1) // 3 + 1


def get_item(session: Session, item_id: int) -> RoadmapItem:
    return get_or_raise(session, RoadmapItem, item_id, "agr.rm.not_found")


def save_roadmap_item(session: Session, actor: Actor, payload, item_id: int | None = None,
                      expected_version: int | None = None) -> RoadmapItem:
    data = check(RoadmapItemIn, payload)
    actor.require("agreements.write", service=data.service_code)
    service = get_service(session, data.service_code)
    if item_id is None:
        item = RoadmapItem(service_id=service.id)
        session.add(item)
    else:
        item = get_item(session, item_id)
        actor.require("agreements.write", service=item.service.code)
        ensure_version(item, expected_version, item.title)
        if item.service_id != service.id and _linked_requests(session, item.id):
            raise RuleError(t("agr.rm.move_linked"), "service_code")
    values = data.model_dump(exclude={"service_code"})
    values["status"] = data.status.value
    values["service_id"] = service.id
    for key, value in values.items():
        if getattr(item, key) != value:
            setattr(item, key, value)
    session.flush()
    return item


def delete_roadmap_item(session: Session, actor: Actor, item_id: int, expected_version: int | None = None) -> None:
    item = get_item(session, item_id)
    actor.require("agreements.write", service=item.service.code)
    ensure_version(item, expected_version, item.title)
    linked = _linked_requests(session, item.id)
    if linked:
        raise RuleError(t("agr.rm.delete_linked", count=linked), "title")
    session.delete(item)
    session.flush()


def _linked_requests(session: Session, item_id: int) -> int:
    return session.scalar(select(func.count()).select_from(ChangeRequest).where(ChangeRequest.roadmap_item_id == item_id))


def roadmap_rows(session: Session, service_code: str | None = None, from_year: int | None = None,
                 statuses: tuple[str, ...] = ()) -> list[dict]:
    requests = (select(ChangeRequest.roadmap_item_id, func.count().label("requests"))
                .where(ChangeRequest.roadmap_item_id.is_not(None))
                .group_by(ChangeRequest.roadmap_item_id).subquery())
    query = (
        select(RoadmapItem.id, Service.code.label("service_code"), Service.name.label("service"), RoadmapItem.title,
               RoadmapItem.description, RoadmapItem.year, RoadmapItem.quarter, RoadmapItem.status,
               RoadmapItem.version, func.coalesce(requests.c.requests, 0).label("requests"))
        .join(Service, Service.id == RoadmapItem.service_id)
        .outerjoin(requests, requests.c.roadmap_item_id == RoadmapItem.id)
        .order_by(RoadmapItem.year, RoadmapItem.quarter, Service.name, RoadmapItem.title)
    )
    if service_code:
        query = query.where(Service.code == service_code)
    if from_year:
        query = query.where(RoadmapItem.year >= from_year)
    if statuses:
        query = query.where(RoadmapItem.status.in_(statuses))
    rows = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row["quarter_label"] = quarter_label(row["year"], row["quarter"])
        rows.append(row)
    return rows


def upcoming(session: Session, service_code: str, quarters: int = 4) -> list[dict]:
    """Items not done or cancelled from the current quarter onward (the next `quarters` quarters)."""
    year, quarter = current_quarter()
    first = year * 4 + quarter - 1
    rows = roadmap_rows(session, service_code, statuses=(RoadmapStatus.PLANNED.value,
                                                         RoadmapStatus.IN_PROGRESS.value))
    # overdue items (an earlier quarter, still open) are included: they are still to come
    return [r for r in rows if r["year"] * 4 + r["quarter"] - 1 < first + quarters]
