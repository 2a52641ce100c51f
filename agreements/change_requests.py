"""Change requests (endringsønsker) from organisations for a service, prioritised by the council
and linked to the roadmap.

From council to plan: a request the user council approved (planned, with a council decision naming it)
can be sent, by one action of the service's product owner, to a project in the portfolio (as demand) or to
the change board (as a change item). This room may not import either, so the rooms that know them register
a `Destination` at bootstrap (admin/planning.py): its `send` is the one door for that action and its
`where` says what became of the request there. The request records where it went (`sent_to`, `sent_ref`);
the other end points back at the request.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from agreements.agreements import RuleError
from agreements.models import ChangeRequest, ChangeRequestStatus, CouncilDecision, RoadmapItem
from agreements.roadmap import quarter_label
from agreements.schemas import ChangeRequestIn, check
from data.access import Actor
from data.crud import ensure_version, get_or_raise
from data.db import utcnow
from data.i18n import t
from data.locking import lock
from data.registers.models import Organisation, Service
from data.registers.registry import get_organisation, get_service, organisation_search
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


# --- from council to plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """Where an approved change request can be sent, registered at bootstrap by the room that knows it."""

    kind: str                                               # "project" | "change_board"
    label_key: str                                          # its name, translated
    send: Callable[..., ChangeRequest]                      # (session, actor, request_id, payload): the door
    where: Callable[[Session, tuple[int, ...]], dict[int, dict]]   # request ids -> {"name", "status"}
    targets: Callable[[Session], dict[int, str]] | None = None      # what to choose there (projects); None: new
    roles: Callable[[Session], dict[str, str]] | None = None        # roles an estimate may name (code -> name)


_DESTINATIONS: dict[str, Destination] = {}


def register_destination(destination: Destination) -> None:
    _DESTINATIONS[destination.kind] = destination


def destinations() -> dict[str, Destination]:
    return dict(_DESTINATIONS)


# A request the council approved: planned (on the roadmap) and named by at least one council decision.
APPROVED_STATUSES = (ChangeRequestStatus.PLANNED.value,)


def approved_by_council(session: Session, request: ChangeRequest) -> bool:
    decided = session.scalar(select(func.count()).select_from(CouncilDecision)
                             .where(CouncilDecision.change_request_id == request.id))
    return request.status in APPROVED_STATUSES and bool(decided)


def prepare_sending(session: Session, actor: Actor, request_id: int, kind: str) -> ChangeRequest:
    """The checks every destination's door makes first: the product owner of the request's service, a
    request the council approved, not sent anywhere yet (the request's row locked, so two product owners
    sending at once do not both pass)."""
    request = get_change_request(session, request_id)
    actor.require("agreements.write", service=request.service.code)
    lock(session, select(ChangeRequest).where(ChangeRequest.id == request_id))
    session.refresh(request)
    if kind not in _DESTINATIONS:
        raise RuleError(t("agr.send.unknown_destination", kind=kind), "sent_to")
    if request.sent_to is not None:
        raise RuleError(t("agr.send.already_sent", id=request.id, title=request.title,
                          where=t(_DESTINATIONS[request.sent_to].label_key) if request.sent_to in _DESTINATIONS
                          else request.sent_to, who=request.sent_by or "-"), "sent_to")
    if not approved_by_council(session, request):
        raise RuleError(t("agr.send.not_approved", id=request.id, title=request.title,
                          status=t(f"agr.cr_status.{request.status}").lower()), "status")
    return request


def mark_sent(session: Session, actor: Actor, request: ChangeRequest, kind: str, ref: int) -> ChangeRequest:
    """Record where the request went (called by a destination's door after `prepare_sending`)."""
    request.sent_to, request.sent_ref, request.sent_at, request.sent_by = kind, ref, utcnow(), actor.username
    session.flush()
    return request


def sent_rows(session: Session, request_ids: tuple[int, ...]) -> dict[int, dict]:
    """For each request that was sent: where to ("Prosjekt"/"Endringsrådet"), what it became there and its
    status there, who sent it and when."""
    if not request_ids:
        return {}
    rows = session.execute(select(ChangeRequest.id, ChangeRequest.sent_to, ChangeRequest.sent_ref,
                                  ChangeRequest.sent_at, ChangeRequest.sent_by)
                           .where(ChangeRequest.id.in_(request_ids), ChangeRequest.sent_to.is_not(None))).all()
    out: dict[int, dict] = {}
    by_kind: dict[str, list[int]] = {}
    for request_id, kind, ref, at, by in rows:
        out[request_id] = {"kind": kind, "ref": ref, "sent_at": at, "sent_by": by, "name": None, "status": None,
                           "destination": t(_DESTINATIONS[kind].label_key) if kind in _DESTINATIONS else kind}
        by_kind.setdefault(kind, []).append(request_id)
    for kind, ids in by_kind.items():
        if kind in _DESTINATIONS:
            for request_id, there in _DESTINATIONS[kind].where(session, tuple(ids)).items():
                out[request_id].update(name=there.get("name"), status=there.get("status"))
    return out


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
               RoadmapItem.year, RoadmapItem.quarter, ChangeRequest.sent_to, ChangeRequest.version)
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
                                organisation_search(session, term)))   # "baerum" finds Bærum
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
