"""From council to plan: the doors that need rooms which may not import each other (agreements and portfolio),
wired here because the admin room may import them all.

- A change request the user council approved is sent by the product owner of its service, in one action,
  either to a project in the portfolio (`send_to_project`: the request is taken in as demand, optionally
  with an estimate added to the project's open demand) or to the change board (`send_to_change_board`: a
  normal change item for the service). Both ends point at each other: the request records where it went,
  the project's request list and the change item's `change_request_id` name the request. These two doors
  are registered with the agreements room as destinations, so its pages offer them without importing admin.
- The privacy part of the project gates is the risk room's (risk/gates.py), registered by it.

`CHECKS` is what `data.bootstrap.install` wires (declared by the admin room's `__init__.py`).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.changeboard.models import ChangeItem, ChangeSource, ChangeStatus, ChangeType
from agreements import change_requests
from agreements.change_requests import Destination
from agreements.councils import decisions_for_change_request
from agreements.models import ChangeRequest
from data.access import Actor
from data.db import utcnow
from data.errors import validate
from data.formatting import day
from data.i18n import t
from data.registers.models import Service
from portfolio import projects, staffing
from portfolio.schemas import month_range

PROJECT = "project"
CHANGE_BOARD = "change_board"


class SendToProjectIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    project_id: int
    role_code: str | None = None
    first_month: str | None = None
    last_month: str | None = None
    fte: Decimal | str | None = None


class SendToChangeBoardIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    risk: int = Field(default=2, ge=1, le=5)
    impact: int = Field(default=2, ge=1, le=5)
    note: str = Field(default="", max_length=2000)


def _origin(session: Session, request: ChangeRequest) -> str:
    """One line naming the request and the council decisions that approved it."""
    decisions = decisions_for_change_request(session, request.id)
    where = "; ".join(t("agr.decision.reference", date=day(d["meeting_date"]), number=d["number"])
                      for d in decisions)
    return t("agr.send.origin", id=request.id, title=request.title, service=request.service.name,
             decisions=where or "-")


def send_to_project(session: Session, actor: Actor, request_id: int, payload) -> ChangeRequest:
    """The product owner sends an approved request to a project as demand (one action, all or nothing)."""
    request = change_requests.prepare_sending(session, actor, request_id, PROJECT)
    data = validate(SendToProjectIn, payload)
    link = projects.add_request(session, actor, data.project_id, {
        "change_request_id": request.id, "service_code": request.service.code, "title": request.title,
        "role_code": data.role_code, "first_month": data.first_month, "last_month": data.last_month,
        "fte": data.fte})
    return change_requests.mark_sent(session, actor, request, PROJECT, link.project_id)


def send_to_change_board(session: Session, actor: Actor, request_id: int, payload=None) -> ChangeRequest:
    """The product owner sends an approved request to the change board as a new normal change item."""
    request = change_requests.prepare_sending(session, actor, request_id, CHANGE_BOARD)
    data = validate(SendToChangeBoardIn, payload or {})
    description = "\n\n".join(part for part in (_origin(session, request), request.description, data.note) if part)
    item = ChangeItem(title=request.title[:300] if len(request.title) >= 3 else f"#{request.id} {request.title}",
                      description=description, source=ChangeSource.MANAGEMENT.value,
                      change_type=ChangeType.NORMAL.value, status=ChangeStatus.NEW.value, risk=data.risk,
                      impact=data.impact, owner=actor.label, created_by=actor.username, created_at=utcnow(),
                      decision_note="", review_note="", rollback_plan="", project_ref="",
                      change_request_id=request.id, services=[request.service], components=[], tickets=[])
    session.add(item)
    session.flush()
    return change_requests.mark_sent(session, actor, request, CHANGE_BOARD, item.id)


def _projects_where(session: Session, request_ids: tuple[int, ...]) -> dict[int, dict]:
    return {request_id: {"name": there["project"], "status": there["phase_label"]}
            for request_id, there in projects.request_destinations(session, request_ids).items()}


def _change_board_where(session: Session, request_ids: tuple[int, ...]) -> dict[int, dict]:
    rows = session.execute(select(ChangeItem.change_request_id, ChangeItem.id, ChangeItem.title, ChangeItem.status)
                           .where(ChangeItem.change_request_id.in_(request_ids)))
    return {request_id: {"name": f"EB-{item_id} {title}", "status": t(f"cb.status.{status}")}
            for request_id, item_id, title, status in rows}


TO_PROJECT = Destination(PROJECT, "agr.send.to_project", send_to_project, _projects_where,
                         projects.open_project_choices, staffing.role_choices)
TO_CHANGE_BOARD = Destination(CHANGE_BOARD, "agr.send.to_change_board", send_to_change_board, _change_board_where)


# --- demo data ----------------------------------------------------------------------------------------

# Two requests the user councils approved, sent on by their product owner (after the portfolio's and the change
# board's demo data): SvarUt's unread-letter notice into the SvarUt platform project, with an estimate, and
# Digisos' mobile upload to the change board.
DEMO_SENDS = (
    ("svarut", "Varsel når mottaker ikke har åpnet brevet", PROJECT, "SvarUt: overgang til ny plattform",
     {"role_code": "developer", "fte": "0.4"}),
    ("digisos", "Opplasting av vedlegg fra mobilen", CHANGE_BOARD, None, {"risk": 2, "impact": 3}),
)


def load_demo(session: Session, actor: Actor, _rng) -> None:
    for code, title, kind, project_name, extra in DEMO_SENDS:
        request = session.scalar(select(ChangeRequest).join(Service, Service.id == ChangeRequest.service_id)
                                 .where(Service.code == code, ChangeRequest.title == title))
        if request is None or request.sent_to is not None:
            continue
        if kind == PROJECT:
            project = next((p for p in projects.active_projects(session) if p.name == project_name), None)
            if project is None:
                continue
            first = date(project.start_date.year, project.start_date.month, 1)
            last = date(project.end_date.year, project.end_date.month, 1)
            months = month_range(max(first, date.today().replace(day=1)), last)[:3]
            if not months:
                continue
            send_to_project(session, actor, request.id, {"project_id": project.id, **extra,
                                                         "first_month": months[0].isoformat()[:7],
                                                         "last_month": months[-1].isoformat()[:7]})
        else:
            send_to_change_board(session, actor, request.id, extra)


CHECKS = [
    (change_requests.register_destination, TO_PROJECT),
    (change_requests.register_destination, TO_CHANGE_BOARD),
]
