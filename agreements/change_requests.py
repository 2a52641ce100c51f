"""Change requests (endringsønsker) from organisations for a service, prioritised by the council
and linked to the roadmap."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from agreements.agreements import RuleError
from agreements.models import ChangeRequest, ChangeRequestStatus, RoadmapItem
from agreements.roadmap import quarter_label
from agreements.schemas import ChangeRequestIn, check
from data.access import Actor
from data.crud import ensure_version, get_or_raise
from data.i18n import t
from data.registers.models import Organisation, Service
from data.registers.registry import get_organisation, get_service
from data.textsearch import contains_folded

OPEN_STATUSES = (ChangeRequestStatus.NEW.value, ChangeRequestStatus.ASSESSED.value,
                 ChangeRequestStatus.PLANNED.value)
# Which status may follow which. Done is final; a rejected request may be reopened for assessment.
TRANSITIONS = {
    "new": {"assessed", "rejected"},
    "assessed": {"new", "planned", "rejected"},
    "planned": {"assessed", "done", "rejected"},
    "done": set(),
    "rejected": {"assessed"},
}


def get_change_request(session: Session, request_id: int) -> ChangeRequest:
    return get_or_raise(session, ChangeRequest, request_id, "agr.cr.not_found")


def save_change_request(session: Session, actor: Actor, payload, request_id: int | None = None,
                        expected_version: int | None = None) -> ChangeRequest:
    data = check(ChangeRequestIn, payload)
    actor.require("agreements.write", service=data.service_code)
    service = get_service(session, data.service_code)
    status = data.status.value
    if request_id is None:
        request = ChangeRequest(service_id=service.id)
        if status not in (ChangeRequestStatus.NEW.value, ChangeRequestStatus.ASSESSED.value,
                          ChangeRequestStatus.PLANNED.value):
            raise RuleError(t("agr.cr.new_status", status=t(f"agr.cr_status.{status}")), "status")
    else:
        request = get_change_request(session, request_id)
        actor.require("agreements.write", service=request.service.code)
        ensure_version(request, expected_version, request.title)
        if status != request.status and status not in TRANSITIONS[request.status]:
            allowed = ", ".join(t(f"agr.cr_status.{s}") for s in sorted(TRANSITIONS[request.status])) or "–"
            raise RuleError(t("agr.cr.bad_transition", old=t(f"agr.cr_status.{request.status}"),
                              new=t(f"agr.cr_status.{status}"), allowed=allowed), "status")
    if data.organisation_id is not None:
        get_organisation(session, data.organisation_id)
    if data.roadmap_item_id is not None:
        item = session.get(RoadmapItem, data.roadmap_item_id)
        if item is None or item.service_id != service.id:
            raise RuleError(t("agr.cr.roadmap_other_service", service=service.name), "roadmap_item_id")
    if status in (ChangeRequestStatus.PLANNED.value, ChangeRequestStatus.DONE.value) and data.roadmap_item_id is None:
        raise RuleError(t("agr.cr.planned_needs_roadmap"), "roadmap_item_id")
    if status == ChangeRequestStatus.REJECTED.value and not data.assessment:
        raise RuleError(t("agr.cr.rejected_needs_reason"), "assessment")
    values = data.model_dump(exclude={"service_code"})
    values["status"] = status
    values["service_id"] = service.id
    for key, value in values.items():
        if getattr(request, key) != value:
            setattr(request, key, value)
    if request_id is None:
        session.add(request)
    session.flush()
    return request


def change_request_rows(session: Session, service_code: str | None = None, statuses: tuple[str, ...] = (),
                        search: str = "") -> list[dict]:
    query = (
        select(ChangeRequest.id, Service.code.label("service_code"), Service.name.label("service"),
               ChangeRequest.title, ChangeRequest.description, ChangeRequest.organisation_id,
               Organisation.name.label("organisation"), ChangeRequest.submitted_by, ChangeRequest.submitted_on,
               ChangeRequest.status, ChangeRequest.council_priority, ChangeRequest.assessment,
               ChangeRequest.roadmap_item_id, RoadmapItem.title.label("roadmap_title"),
               RoadmapItem.year, RoadmapItem.quarter, ChangeRequest.version)
        .join(Service, Service.id == ChangeRequest.service_id)
        .outerjoin(Organisation, Organisation.id == ChangeRequest.organisation_id)
        .outerjoin(RoadmapItem, RoadmapItem.id == ChangeRequest.roadmap_item_id)
        .order_by(ChangeRequest.council_priority.is_(None), ChangeRequest.council_priority,
                  ChangeRequest.submitted_on.desc(), ChangeRequest.id)
    )
    if service_code:
        query = query.where(Service.code == service_code)
    if statuses:
        query = query.where(ChangeRequest.status.in_(statuses))
    if search.strip():
        term = search.strip()
        query = query.where(or_(contains_folded(ChangeRequest.title, term),
                                contains_folded(ChangeRequest.description, term),
                                contains_folded(ChangeRequest.submitted_by, term),
                                contains_folded(func.coalesce(Organisation.name, ""), term)))
    rows = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row["roadmap"] = (f"{quarter_label(row['year'], row['quarter'])}: {row['roadmap_title']}"
                          if row["roadmap_title"] else None)
        rows.append(row)
    return rows


def open_by_priority(session: Session, service_code: str) -> list[tuple[int | None, int]]:
    """(council priority or None, number of open requests), most important first."""
    query = (
        select(ChangeRequest.council_priority, func.count())
        .join(Service, Service.id == ChangeRequest.service_id)
        .where(Service.code == service_code, ChangeRequest.status.in_(OPEN_STATUSES))
        .group_by(ChangeRequest.council_priority)
    )
    rows = list(session.execute(query))
    return sorted(((p, n) for p, n in rows), key=lambda pn: (pn[0] is None, pn[0] or 0))


def status_counts(session: Session, service_code: str | None = None) -> dict[str, int]:
    query = select(ChangeRequest.status, func.count()).group_by(ChangeRequest.status)
    if service_code:
        query = query.join(Service, Service.id == ChangeRequest.service_id).where(Service.code == service_code)
    counts = {s.value: 0 for s in ChangeRequestStatus}
    counts.update(dict(session.execute(query).all()))
    return counts
