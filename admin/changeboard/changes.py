"""The change board: change items and their status paths, templates, freeze windows, load limits,
conflicts and leader overrides.

What may come in is in `admin/changeboard/schemas.py`; the weekly agenda and the minutes in
`admin/changeboard/agenda.py`; who-to-tell lists in `admin/changeboard/notify.py`; exports in
`admin/changeboard/exports.py`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from admin.changeboard import hooks
from admin.changeboard.models import (
    ChangeItem,
    ChangeLoadLimit,
    ChangeStatus,
    ChangeTemplate,
    ChangeType,
    FreezeOverride,
    FreezeWindow,
)
from admin.changeboard.schemas import ChangeItemIn, FreezeIn, LoadLimitIn, OverrideIn, TemplateIn
from data.access import Actor
from data.crud import delete_row, for_edit, get_or_raise, new_or_for_edit, service_choices
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.formatting import OSLO, day
from data.i18n import t
from data.registers.models import Component, Service
from data.support.models import SupportTicket
from data.textsearch import contains_folded
from portfolio.models import Project

DEFAULT_WEEKLY_LIMIT = 6

S = ChangeStatus
# Which status may follow which, per type. Standard changes are pre-approved (no assessment, no
# decision, no review); emergency changes are decided between meetings and reviewed afterwards.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    ChangeType.NORMAL: {
        S.NEW: (S.ASSESSED, S.REJECTED),
        S.ASSESSED: (S.APPROVED, S.REJECTED, S.DEFERRED),
        S.DEFERRED: (S.ASSESSED, S.REJECTED),
        S.APPROVED: (S.SCHEDULED, S.DEFERRED),
        S.SCHEDULED: (S.IMPLEMENTED, S.DEFERRED),
        S.IMPLEMENTED: (S.REVIEWED,),
        S.REVIEWED: (S.CLOSED,),
        S.REJECTED: (S.CLOSED,),
    },
    ChangeType.STANDARD: {
        S.NEW: (S.SCHEDULED,),
        S.SCHEDULED: (S.IMPLEMENTED,),
        S.IMPLEMENTED: (S.CLOSED,),
    },
    ChangeType.EMERGENCY: {
        S.NEW: (S.APPROVED, S.REJECTED),
        S.APPROVED: (S.IMPLEMENTED,),
        S.IMPLEMENTED: (S.REVIEWED,),
        S.REVIEWED: (S.CLOSED,),
        S.REJECTED: (S.CLOSED,),
    },
}
# Statuses whose planned window counts in the calendar (conflicts, load).
PLANNING_STATUSES = (S.NEW, S.ASSESSED, S.APPROVED, S.SCHEDULED, S.IMPLEMENTED, S.REVIEWED, S.CLOSED)
OPEN_STATUSES = (S.NEW, S.ASSESSED, S.APPROVED, S.DEFERRED, S.SCHEDULED, S.IMPLEMENTED, S.REVIEWED)
NOTE_REQUIRED = (S.REJECTED, S.DEFERRED, S.REVIEWED)


def allowed_next(change_type: str, status: str) -> tuple[str, ...]:
    return tuple(str(s) for s in TRANSITIONS.get(change_type, {}).get(status, ()))


def local_start(day_: date) -> datetime:
    return datetime.combine(day_, time.min, tzinfo=OSLO).astimezone(UTC)


def monday_of(day_: date) -> date:
    return day_ - timedelta(days=day_.weekday())


def local_days(start: datetime, end: datetime | None) -> list[date]:
    """The Oslo calendar days a window touches (an end at exactly midnight does not touch that day)."""
    first = start.astimezone(OSLO)
    last = (end or start).astimezone(OSLO)
    if end is not None and last > first and last.time() == time.min:
        last -= timedelta(microseconds=1)
    days, current = [], first.date()
    while current <= last.date() and len(days) < 366:
        days.append(current)
        current += timedelta(days=1)
    return days


def window_text(start: datetime | None, end: datetime | None) -> str:
    if start is None:
        return t("cb.not_planned")
    a = start.astimezone(OSLO)
    if end is None:
        return f"{day(a)} {a:%H:%M}"
    b = end.astimezone(OSLO)
    if a.date() == b.date():
        return f"{day(a)} {a:%H:%M}–{b:%H:%M}"
    return f"{day(a)} {a:%H:%M} – {day(b)} {b:%H:%M}"


# --- items ---------------------------------------------------------------------------------------


def get_item(session: Session, item_id: int) -> ChangeItem:
    return get_or_raise(session, ChangeItem, item_id, "cb.error.item_not_found")


def _item_for_edit(session: Session, item_id: int, expected_version: int | None) -> ChangeItem:
    return for_edit(session, ChangeItem, item_id, expected_version, "cb.error.item_not_found",
                    label=lambda item: item.reference)


def _by_code(session: Session, model, codes: Iterable[str], missing_key: str) -> list:
    """The rows of `model` with these codes, in the order given; every unknown code named at once."""
    codes = list(dict.fromkeys(codes))
    found = {r.code: r for r in session.scalars(select(model).where(model.code.in_(codes)))} if codes else {}
    missing = [c for c in codes if c not in found]
    if missing:
        raise BackofficeError(t(missing_key, codes=", ".join(missing)))
    return [found[c] for c in codes]


def _services(session: Session, codes: Iterable[str]) -> list[Service]:
    return _by_code(session, Service, codes, "cb.error.unknown_services")


def _components(session: Session, codes: Iterable[str]) -> list[Component]:
    return _by_code(session, Component, codes, "cb.error.unknown_components")


def _tickets(session: Session, numbers: Iterable[int]) -> list[SupportTicket]:
    numbers = list(dict.fromkeys(numbers))
    if not numbers:
        return []
    found = {tk.ticket_number: tk for tk in session.scalars(
        select(SupportTicket).where(SupportTicket.ticket_number.in_(numbers)))}
    missing = [str(n) for n in numbers if n not in found]
    if missing:
        raise BackofficeError(t("cb.error.unknown_tickets", numbers=", ".join(missing)))
    return [found[n] for n in numbers]


def _check_template(session: Session, data: ChangeItemIn) -> ChangeTemplate | None:
    if data.template_id is None:
        return None
    template = session.get(ChangeTemplate, data.template_id)
    if template is None or not template.active:
        raise BackofficeError(t("cb.error.unknown_template", id=data.template_id))
    if data.change_type == ChangeType.STANDARD and (data.risk > template.max_risk or data.impact > template.max_impact):
        raise BackofficeError(t("cb.error.too_risky_for_standard", name=template.name, risk=template.max_risk,
                                impact=template.max_impact))
    return template


def _apply(session: Session, item: ChangeItem, data: ChangeItemIn, template: ChangeTemplate | None) -> None:
    if data.project_id is not None and session.get(Project, data.project_id) is None:
        raise BackofficeError(t("cb.error.unknown_project", id=data.project_id))
    for name in ("title", "description", "source", "change_type", "template_id", "planned_start", "planned_end",
                 "outage", "user_impact", "rollback_plan", "risk", "impact", "requires_ros_update",
                 "security_relevant", "architecture_relevant", "project_id", "project_ref", "owner"):
        value = getattr(data, name)
        if hasattr(value, "value"):
            value = value.value
        if getattr(item, name) != value:
            setattr(item, name, value)
    if template is not None and not item.rollback_plan:
        item.rollback_plan = template.rollback_plan
    services = _services(session, data.service_codes)
    if [s.id for s in item.services] != [s.id for s in services]:
        item.services = services
    components = _components(session, data.component_codes)
    if [c.id for c in item.components] != [c.id for c in components]:
        item.components = components
    tickets = _tickets(session, data.ticket_numbers)
    if sorted(tk.id for tk in item.tickets) != sorted(tk.id for tk in tickets):
        item.tickets = tickets


def create_item(session: Session, actor: Actor, payload) -> ChangeItem:
    actor.require("changeboard.write")
    data = validate(ChangeItemIn, payload)
    template = _check_template(session, data)
    item = ChangeItem(status=S.NEW.value, created_by=actor.username, created_at=utcnow(), decision_note="",
                      review_note="", services=[], components=[], tickets=[])
    _apply(session, item, data, template)
    session.add(item)
    session.flush()
    return item


def update_item(session: Session, actor: Actor, item_id: int, payload, expected_version: int | None = None) -> ChangeItem:
    actor.require("changeboard.write")
    data = validate(ChangeItemIn, payload)
    item = _item_for_edit(session, item_id, expected_version)
    if item.status in (S.CLOSED, S.REJECTED):
        raise BackofficeError(t("cb.error.item_closed", ref=item.reference))
    if data.change_type != item.change_type and item.status != S.NEW:
        raise BackofficeError(t("cb.error.type_fixed", ref=item.reference))
    template = _check_template(session, data)
    _apply(session, item, data, template)
    if item.status == S.SCHEDULED:
        _check_freeze(session, item)
    session.flush()
    return item


# --- status path ---------------------------------------------------------------------------------


def transition(session: Session, actor: Actor, item_id: int, to_status: str, note: str = "",
               expected_version: int | None = None) -> ChangeItem:
    """Move an item one step along its type's path; refuse any other move in plain language."""
    actor.require("changeboard.write")
    item = _item_for_edit(session, item_id, expected_version)
    to_status = str(to_status)
    allowed = allowed_next(item.change_type, item.status)
    if to_status not in allowed:
        raise BackofficeError(t(
            "cb.error.transition", ref=item.reference, type=t(f"cb.type.{item.change_type}"),
            current=t(f"cb.status.{item.status}"), target=t(f"cb.status.{to_status}")
            if to_status in {s.value for s in S} else to_status,
            allowed=", ".join(t(f"cb.status.{s}") for s in allowed) or t("cb.none")))
    note = (note or "").strip()
    if to_status in NOTE_REQUIRED and len(note) < 3:
        raise BackofficeError(t("cb.error.note_required", target=t(f"cb.status.{to_status}")))
    now = utcnow()
    if to_status == S.ASSESSED:
        item.assessed_at = now
    if to_status == S.APPROVED:
        problems = []
        if not item.rollback_plan.strip():
            problems.append(t("cb.error.needs_rollback"))
        if not item.services:
            problems.append(t("cb.error.needs_service"))
        if item.change_type == ChangeType.EMERGENCY and item.planned_start is not None:
            _check_freeze(session, item)
        if problems:
            raise BackofficeError(t("cb.error.cannot_approve", ref=item.reference, problems=" ".join(problems)))
    if to_status in (S.APPROVED, S.REJECTED, S.DEFERRED):
        item.decided_at, item.decided_by = now, actor.username
        if note:
            item.decision_note = note
    if to_status == S.SCHEDULED:
        if item.planned_start is None or item.planned_end is None:
            raise BackofficeError(t("cb.error.needs_window", ref=item.reference))
        if item.change_type == ChangeType.STANDARD and not item.services:
            raise BackofficeError(t("cb.error.cannot_approve", ref=item.reference,
                                    problems=t("cb.error.needs_service")))
        _check_freeze(session, item)
    if to_status == S.IMPLEMENTED:
        item.implemented_at = now
    if to_status == S.REVIEWED:
        item.reviewed_at, item.review_note = now, note
    if to_status == S.CLOSED:
        item.closed_at = now
    item.status = to_status
    session.flush()
    if to_status == S.APPROVED and item.requires_ros_update and item.services:
        reason = t("cb.ros_reason", ref=item.reference, title=item.title)
        for service in item.services:
            hooks.request_ros_review(session, actor, service.code, reason, kind="change", reference=item.reference)
        item.ros_review_requested_at = now
        session.flush()
    return item


# --- freeze windows, overrides and load limits ---------------------------------------------------


def freeze_hits(session: Session, item: ChangeItem) -> list[FreezeWindow]:
    """Freeze windows the item's planned window falls in (global ones, and those of its services)."""
    if item.planned_start is None:
        return []
    days = local_days(item.planned_start, item.planned_end)
    service_ids = [s.id for s in item.services]
    query = select(FreezeWindow).where(FreezeWindow.start_date <= days[-1], FreezeWindow.end_date >= days[0])
    query = query.where(or_(FreezeWindow.service_id.is_(None), FreezeWindow.service_id.in_(service_ids or [-1])))
    return list(session.scalars(query.order_by(FreezeWindow.start_date)))


def _overridden(session: Session, item_id: int) -> set[int]:
    return set(session.scalars(select(FreezeOverride.freeze_window_id).where(FreezeOverride.item_id == item_id)))


def _check_freeze(session: Session, item: ChangeItem) -> None:
    overridden = _overridden(session, item.id) if item.id else set()
    for window in freeze_hits(session, item):
        if window.id not in overridden:
            raise BackofficeError(t("cb.error.in_freeze", ref=item.reference, name=window.name,
                                    start=day(window.start_date), end=day(window.end_date)))


def override_freeze(session: Session, actor: Actor, item_id: int, freeze_window_id: int, payload) -> FreezeOverride:
    """Only a leader may let a change go ahead inside a freeze; the decision and reason are recorded."""
    actor.require("changeboard.override")
    data = validate(OverrideIn, payload)
    item = get_item(session, item_id)
    window = get_or_raise(session, FreezeWindow, freeze_window_id, "cb.error.freeze_not_found")
    if window.id not in {w.id for w in freeze_hits(session, item)}:
        raise BackofficeError(t("cb.error.not_in_freeze", ref=item.reference, name=window.name))
    if window.id in _overridden(session, item.id):
        raise BackofficeError(t("cb.error.already_overridden", ref=item.reference, name=window.name))
    override = FreezeOverride(item_id=item.id, freeze_window_id=window.id, decided_by=actor.username,
                              decided_by_name=actor.label, decided_at=utcnow(), reason=data.reason)
    session.add(override)
    session.flush()
    return override


def save_freeze(session: Session, actor: Actor, payload, freeze_id: int | None = None,
                expected_version: int | None = None) -> FreezeWindow:
    actor.require("changeboard.write")
    data = validate(FreezeIn, payload)
    service_id = _services(session, [data.service_code])[0].id if data.service_code else None
    window = new_or_for_edit(session, FreezeWindow, freeze_id, expected_version, "cb.error.freeze_not_found",
                             create=lambda: FreezeWindow(created_by=actor.username))
    window.name, window.start_date, window.end_date = data.name, data.start_date, data.end_date
    window.service_id, window.reason = service_id, data.reason
    session.flush()
    return window


def delete_freeze(session: Session, actor: Actor, freeze_id: int) -> None:
    actor.require("changeboard.write")

    def no_overrides(window: FreezeWindow) -> None:
        if session.scalar(select(func.count()).select_from(FreezeOverride)
                          .where(FreezeOverride.freeze_window_id == window.id)):
            raise BackofficeError(t("cb.error.freeze_has_overrides", name=window.name))

    delete_row(session, FreezeWindow, freeze_id, "cb.error.freeze_not_found", guard=no_overrides)


def set_load_limit(session: Session, actor: Actor, payload) -> ChangeLoadLimit:
    actor.require("changeboard.write")
    data = validate(LoadLimitIn, payload)
    week = monday_of(data.valid_from)
    limit = session.scalar(select(ChangeLoadLimit).where(ChangeLoadLimit.valid_from == week))
    if limit is None:
        limit = ChangeLoadLimit(valid_from=week)
        session.add(limit)
    limit.max_changes, limit.note = data.max_changes, data.note
    session.flush()
    return limit


def limit_lookup(session: Session) -> Callable[[date], int]:
    """A function week-start -> limit, from the load-limit rows (default before the first row)."""
    rows = list(session.execute(select(ChangeLoadLimit.valid_from, ChangeLoadLimit.max_changes)
                                .order_by(ChangeLoadLimit.valid_from)))

    def lookup(week: date) -> int:
        value = DEFAULT_WEEKLY_LIMIT
        for valid_from, max_changes in rows:
            if valid_from <= week:
                value = max_changes
        return value

    return lookup


def save_template(session: Session, actor: Actor, payload, template_id: int | None = None,
                  expected_version: int | None = None) -> ChangeTemplate:
    actor.require("changeboard.write")
    data = validate(TemplateIn, payload)
    other = session.scalar(select(ChangeTemplate).where(ChangeTemplate.name == data.name))
    if other is not None and other.id != template_id:
        raise BackofficeError(t("cb.error.template_exists", name=data.name))
    template = new_or_for_edit(session, ChangeTemplate, template_id, expected_version, "cb.error.unknown_template")
    for name, value in data.model_dump().items():
        setattr(template, name, value)
    session.flush()
    return template


# --- conflicts (pure, so hand-made calendars can be tested) --------------------------------------


@dataclass(frozen=True)
class PlannedChange:
    id: int
    reference: str
    title: str
    start: datetime
    end: datetime | None
    services: frozenset[str]
    status: str = "scheduled"
    change_type: str = "normal"

    @property
    def days(self) -> list[date]:
        return local_days(self.start, self.end)


@dataclass(frozen=True)
class Freeze:
    id: int
    name: str
    start: date
    end: date
    service: str | None = None

    def hits(self, change: PlannedChange) -> bool:
        if self.service is not None and self.service not in change.services:
            return False
        return any(self.start <= d <= self.end for d in change.days)


@dataclass
class Conflict:
    kind: str                  # "freeze", "load" or "same_day"
    item_ids: tuple[int, ...]
    day: date                  # the day (or week's Monday, or the freeze's first day the change touches)
    detail: dict = field(default_factory=dict)
    overridden: bool = False

    def text(self) -> str:
        if self.kind == "freeze":
            key = "cb.conflict.freeze_overridden" if self.overridden else "cb.conflict.freeze"
            return t(key, name=self.detail["name"], start=day(self.detail["start"]), end=day(self.detail["end"]))
        if self.kind == "load":
            return t("cb.conflict.load", week=self.detail["week"], count=self.detail["count"],
                     limit=self.detail["limit"])
        return t("cb.conflict.same_day", service=self.detail["service"], day=day(self.day),
                 refs=", ".join(self.detail["refs"]))


def find_conflicts(changes: list[PlannedChange], freezes: list[Freeze], limit_for: Callable[[date], int],
                   overrides: set[tuple[int, int]] = frozenset()) -> list[Conflict]:
    """Changes inside a freeze, weeks over their limit, and two changes on one service the same day."""
    conflicts: list[Conflict] = []
    for change in sorted(changes, key=lambda c: (c.start, c.id)):
        for freeze in freezes:
            if freeze.hits(change):
                first = next(d for d in change.days if freeze.start <= d <= freeze.end)
                conflicts.append(Conflict("freeze", (change.id,), first,
                                          {"name": freeze.name, "start": freeze.start, "end": freeze.end,
                                           "freeze_id": freeze.id, "service": freeze.service},
                                          overridden=(change.id, freeze.id) in overrides))
    weeks: dict[date, list[PlannedChange]] = defaultdict(list)
    for change in changes:
        weeks[monday_of(change.days[0])].append(change)
    for week, members in sorted(weeks.items()):
        limit = limit_for(week)
        if len(members) > limit:
            ids = tuple(c.id for c in sorted(members, key=lambda c: (c.start, c.id)))
            conflicts.append(Conflict("load", ids, week, {"week": f"{week.isocalendar()[1]}/{week.isocalendar()[0]}",
                                                          "count": len(members), "limit": limit}))
    by_service_day: dict[tuple[str, date], list[PlannedChange]] = defaultdict(list)
    for change in changes:
        for service in change.services:
            for d in change.days:
                by_service_day[(service, d)].append(change)
    for (service, d), members in sorted(by_service_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(members) > 1:
            members = sorted(members, key=lambda c: (c.start, c.id))
            conflicts.append(Conflict("same_day", tuple(c.id for c in members), d,
                                      {"service": service, "refs": [c.reference for c in members]}))
    order = {"freeze": 0, "load": 1, "same_day": 2}
    conflicts.sort(key=lambda c: (c.day, order[c.kind], c.item_ids))
    return conflicts


def planned_changes(session: Session, start: date, end: date) -> list[PlannedChange]:
    """Items whose planned window touches [start, end] (Oslo days), in a planning status."""
    query = (select(ChangeItem).options(selectinload(ChangeItem.services))
             .where(ChangeItem.planned_start.is_not(None),
                    ChangeItem.planned_start < local_start(end + timedelta(days=1)),
                    or_(ChangeItem.planned_end >= local_start(start),
                        ChangeItem.planned_start >= local_start(start)),
                    ChangeItem.status.in_([s.value for s in PLANNING_STATUSES]))
             .order_by(ChangeItem.planned_start, ChangeItem.id))
    return [PlannedChange(i.id, i.reference, i.title, i.planned_start, i.planned_end,
                          frozenset(s.code for s in i.services), i.status, i.change_type)
            for i in session.scalars(query)]


def freezes_between(session: Session, start: date, end: date) -> list[Freeze]:
    query = (select(FreezeWindow.id, FreezeWindow.name, FreezeWindow.start_date, FreezeWindow.end_date,
                    Service.code)
             .outerjoin(Service, Service.id == FreezeWindow.service_id)
             .where(FreezeWindow.start_date <= end, FreezeWindow.end_date >= start)
             .order_by(FreezeWindow.start_date))
    return [Freeze(r.id, r.name, r.start_date, r.end_date, r.code) for r in session.execute(query)]


def conflicts_between(session: Session, start: date, end: date) -> list[Conflict]:
    changes = planned_changes(session, start, end)
    overrides = {(r[0], r[1]) for r in session.execute(select(FreezeOverride.item_id, FreezeOverride.freeze_window_id))}
    conflicts = find_conflicts(changes, freezes_between(session, start, end), limit_lookup(session), overrides)
    names = dict(service_choices(session))
    for conflict in conflicts:   # a person reads the conflict: the service by its name, not its code
        if conflict.kind == "same_day":
            conflict.detail["service"] = names.get(conflict.detail["service"], conflict.detail["service"])
    return conflicts


def conflicts_by_item(conflicts: list[Conflict]) -> dict[int, list[Conflict]]:
    out: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for item_id in conflict.item_ids:
            out[item_id].append(conflict)
    return out


# --- reads for pages -----------------------------------------------------------------------------


def item_rows(session: Session, statuses: tuple[str, ...] = (), types: tuple[str, ...] = (),
              service_codes: tuple[str, ...] = (), search: str = "") -> list[dict]:
    query = (select(ChangeItem).options(selectinload(ChangeItem.services), selectinload(ChangeItem.components),
                                        selectinload(ChangeItem.tickets))
             .order_by(ChangeItem.id.desc()))
    if statuses:
        query = query.where(ChangeItem.status.in_(statuses))
    if types:
        query = query.where(ChangeItem.change_type.in_(types))
    if service_codes:
        query = query.where(ChangeItem.services.any(Service.code.in_(service_codes)))
    if search.strip():
        term = search.strip()
        query = query.where(or_(contains_folded(ChangeItem.title, term),
                                contains_folded(ChangeItem.description, term),
                                contains_folded(ChangeItem.project_ref, term)))
    return [item_dict(i) for i in session.scalars(query)]


def item_dict(item: ChangeItem) -> dict:
    return {
        "id": item.id, "reference": item.reference, "title": item.title, "description": item.description,
        "source": item.source, "change_type": item.change_type, "status": item.status,
        "template_id": item.template_id, "planned_start": item.planned_start, "planned_end": item.planned_end,
        "window": window_text(item.planned_start, item.planned_end), "outage": item.outage,
        "user_impact": item.user_impact, "rollback_plan": item.rollback_plan, "risk": item.risk,
        "impact": item.impact, "score": item.score, "requires_ros_update": item.requires_ros_update,
        "security_relevant": item.security_relevant, "architecture_relevant": item.architecture_relevant,
        "project_id": item.project_id, "project_ref": item.project_ref, "owner": item.owner, "created_at": item.created_at,
        "change_request_id": item.change_request_id,
        "created_by": item.created_by, "decided_at": item.decided_at, "decided_by": item.decided_by,
        "decision_note": item.decision_note, "implemented_at": item.implemented_at,
        "review_note": item.review_note, "services": [s.code for s in item.services],
        "components": [c.code for c in item.components],
        "tickets": sorted(tk.ticket_number for tk in item.tickets), "version": item.version,
        "ros_review_requested_at": item.ros_review_requested_at,
        "next": list(allowed_next(item.change_type, item.status)),
    }


def project_choices(session: Session) -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in session.execute(select(Project.id, Project.name).order_by(Project.name))]


def project_names(session: Session) -> dict[int, str]:
    return dict(project_choices(session))


def freeze_rows(session: Session) -> list[dict]:
    query = (select(FreezeWindow.id, FreezeWindow.name, FreezeWindow.start_date, FreezeWindow.end_date,
                    Service.code.label("service"), FreezeWindow.reason, FreezeWindow.version)
             .outerjoin(Service, Service.id == FreezeWindow.service_id)
             .order_by(FreezeWindow.start_date.desc()))
    return [dict(r._mapping) for r in session.execute(query)]


def override_rows(session: Session) -> list[dict]:
    query = (select(FreezeOverride.id, FreezeOverride.item_id, ChangeItem.title, FreezeWindow.name.label("freeze"),
                    FreezeOverride.decided_by_name, FreezeOverride.decided_by, FreezeOverride.decided_at,
                    FreezeOverride.reason)
             .join(ChangeItem, ChangeItem.id == FreezeOverride.item_id)
             .join(FreezeWindow, FreezeWindow.id == FreezeOverride.freeze_window_id)
             .order_by(FreezeOverride.decided_at.desc()))
    return [dict(r._mapping) | {"reference": f"EB-{r.item_id}"} for r in session.execute(query)]


def load_limit_rows(session: Session) -> list[dict]:
    query = select(ChangeLoadLimit.valid_from, ChangeLoadLimit.max_changes, ChangeLoadLimit.note).order_by(
        ChangeLoadLimit.valid_from.desc())
    return [dict(r._mapping) for r in session.execute(query)]


def template_rows(session: Session) -> list[dict]:
    query = select(ChangeTemplate).order_by(ChangeTemplate.name)
    return [{"id": tp.id, "name": tp.name, "description": tp.description, "rollback_plan": tp.rollback_plan,
             "max_risk": tp.max_risk, "max_impact": tp.max_impact, "outage": tp.outage, "active": tp.active,
             "version": tp.version} for tp in session.scalars(query)]


def week_load(session: Session, start: date, weeks: int) -> list[dict]:
    """Changes per week against the limit, for the forward schedule."""
    end = start + timedelta(days=7 * weeks - 1)
    counts: dict[date, int] = defaultdict(int)
    for change in planned_changes(session, start, end):
        counts[monday_of(change.days[0])] += 1
    lookup = limit_lookup(session)
    out = []
    for n in range(weeks):
        week = monday_of(start) + timedelta(days=7 * n)
        out.append({"week": week, "label": f"{week.isocalendar()[1]}/{week.isocalendar()[0]}",
                    "changes": counts.get(week, 0), "limit": lookup(week)})
    return out


def schedule(session: Session, start: date, end: date) -> dict:
    """Everything the forward schedule of change shows: items, freezes, conflicts, weekly load."""
    query = (select(ChangeItem).options(selectinload(ChangeItem.services))
             .where(ChangeItem.planned_start.is_not(None),
                    ChangeItem.planned_start < local_start(end + timedelta(days=1)),
                    or_(ChangeItem.planned_end >= local_start(start), ChangeItem.planned_start >= local_start(start)),
                    ChangeItem.status.in_([s.value for s in PLANNING_STATUSES]))
             .order_by(ChangeItem.planned_start, ChangeItem.id))
    conflicts = conflicts_between(session, start, end)
    by_item = conflicts_by_item(conflicts)
    items = []
    for item in session.scalars(query):
        row = item_dict(item)
        row["conflicts"] = [c.text() for c in by_item.get(item.id, [])]
        items.append(row)
    weeks = max(1, ((end - monday_of(start)).days // 7) + 1)
    return {"items": items, "freezes": [f.__dict__ for f in freezes_between(session, start, end)],
            "conflicts": [{"kind": c.kind, "day": c.day, "items": [f"EB-{i}" for i in c.item_ids],
                           "text": c.text(), "overridden": c.overridden} for c in conflicts],
            "load": week_load(session, start, weeks)}
