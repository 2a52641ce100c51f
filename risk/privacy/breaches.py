"""Personal-data breaches: marked on a security incident, the clock from the department's awareness, the
controllers to notify and when each was told, the timeline, and the deadline rules.

As a data processor the department must notify each controller (the municipality or county municipality that
uses the service) "without undue delay" after becoming aware of a breach (GDPR art. 33(2)); each controller
then has 72 hours from its own awareness to notify Datatilsynet (art. 33(1)). The internal deadline is
`aware_at + notify_within_hours` (24 hours unless the breach says otherwise, schemas.DEFAULT_NOTIFY_HOURS).

Deadline rules, per controller, at a moment `now`:
- sent at or before the deadline: `sent_in_time`; sent after it: `sent_late`;
- not sent and `now` after the deadline: `late` (a warning on the security officer's page and the overview);
- not sent and `now` at or before the deadline: `due`, with the hours left.
The controller's own 72 hours are shown counted from when it was told (`sent_at + 72 h`).

The controllers: every organisation with a service appendix in force, on the Norwegian calendar day of
`aware_at`, for an affected service; narrowed by DigiOrden (unless switched off for the breach): an
organisation whose DigiOrden map has systems or integrations but no integration with any affected service
it has an appendix for is left out, and listed with that reason. An organisation without a map is kept.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from agreements.appendices import active_appendices
from data.access import Actor
from data.appspec import Kpi
from data.crud import for_edit, get_or_raise, service_choices
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.formatting import OSLO, day, number
from data.i18n import t
from data.locking import lock, lock_named
from data.registers.models import Organisation, Service
from data.support.models import SupportTicket
from data.support.tickets import get_ticket
from portfolio.digiorden.models import DoIntegration, DoSystem
from risk.privacy.models import Breach, BreachController, BreachEvent, BreachService
from risk.privacy.schemas import (
    CONTROLLER_HOURS,
    AwareChangeIn,
    BreachDetailsIn,
    BreachMarkIn,
    CloseIn,
    DigiOrdenBasis,
    EventIn,
    EventKind,
    SentIn,
    ServicesIn,
)

FUTURE_SLACK = timedelta(minutes=5)
PAGE = "risk/privacy/pages/breaches.py"


def oslo_date(moment: datetime) -> date:
    """The Norwegian calendar day of a stored (UTC) moment: the day whose appendices count."""
    return moment.astimezone(OSLO).date()


def when(moment: datetime | None) -> str:
    """A moment in Norwegian time, `07.12.2026 kl. 09:30` (in English `at`)."""
    if moment is None:
        return ""
    local = moment.astimezone(OSLO)
    return t("priv.when", date=day(local.date()), time=local.strftime("%H:%M"))


def deadline(breach: Breach) -> datetime:
    return breach.aware_at + timedelta(hours=breach.notify_within_hours)


def controller_state(sent_at: datetime | None, due: datetime, now: datetime) -> str:
    """The deadline rule for one controller (see the module's docstring)."""
    if sent_at is not None:
        return "sent_in_time" if sent_at <= due else "sent_late"
    return "late" if now > due else "due"


def hours_left(due: datetime, now: datetime) -> float:
    return round((due - now).total_seconds() / 3600, 1)


def get_breach(session: Session, breach_id: int) -> Breach:
    return get_or_raise(session, Breach, breach_id, "priv.breach.not_found")


def _for_edit(session: Session, breach_id: int, expected_version: int | None) -> Breach:
    breach = for_edit(session, Breach, breach_id, expected_version, "priv.breach.not_found",
                      label=lambda b: b.reference)
    if breach.closed_at is not None:
        raise BackofficeError(t("priv.breach.closed_already", ref=breach.reference))
    return breach


def _event(session: Session, breach: Breach, actor: Actor, kind: str, text: str, at: datetime | None = None):
    session.add(BreachEvent(breach_id=breach.id, at=at or utcnow(), kind=kind, text=text,
                            recorded_by=actor.username))


def _not_future(moment: datetime, field: str) -> None:
    if moment > utcnow() + FUTURE_SLACK:
        raise BackofficeError(t("priv.error.future", field=t(f"priv.field.{field}"), when=when(moment)))


def _services(session: Session, codes: list[str]) -> list[Service]:
    wanted = sorted(set(codes))
    found = {s.code: s for s in session.scalars(select(Service).where(Service.code.in_(wanted)))}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise BackofficeError(t("priv.error.unknown_services", codes=", ".join(unknown)))
    return [found[c] for c in wanted]


# --- the controllers ----------------------------------------------------------------------------------


def controller_candidates(session: Session, service_codes: list[str], on_date: date, narrow: bool = True,
                          ) -> tuple[list[dict], list[dict]]:
    """(controllers, left out): organisations with an appendix in force on `on_date` for one of the services,
    narrowed by DigiOrden (see the module's docstring). Both lists by organisation name, then id."""
    by_org: dict[int, dict] = {}
    for code in sorted(set(service_codes)):
        for appendix in active_appendices(session, code, on_date):
            row = by_org.setdefault(appendix.organisation_id, {
                "organisation_id": appendix.organisation_id, "org_number": appendix.org_number,
                "name": appendix.organisation_name, "municipality_number": appendix.municipality_number,
                "contact_email": appendix.contact_email, "services": [], "appendices": []})
            if code not in row["services"]:
                row["services"].append(code)
            row["appendices"].append(appendix.reference)
    if not by_org:
        return [], []
    mapped: set[int] = set()
    integrated: set[tuple[int, str]] = set()
    if narrow:
        ids = list(by_org)
        mapped = set(session.scalars(union(
            select(DoSystem.organisation_id).where(DoSystem.organisation_id.in_(ids)),
            select(DoIntegration.organisation_id).where(DoIntegration.organisation_id.in_(ids)))))
        integrated = set(session.execute(
            select(DoIntegration.organisation_id, Service.code).join(Service, Service.id == DoIntegration.to_service_id)
            .where(DoIntegration.organisation_id.in_(ids), Service.code.in_(list(service_codes)))).all())
    kept, left_out = [], []
    for org_id, row in by_org.items():
        if not narrow:
            row["digiorden"] = DigiOrdenBasis.OFF.value
        elif org_id not in mapped:
            row["digiorden"] = DigiOrdenBasis.NOT_MAPPED.value
        elif any((org_id, code) in integrated for code in row["services"]):
            row["digiorden"] = DigiOrdenBasis.INTEGRATES.value
        else:
            row["digiorden"] = "no_integration"
            left_out.append(row)
            continue
        kept.append(row)
    order = lambda r: (r["name"], r["organisation_id"])  # noqa: E731
    return sorted(kept, key=order), sorted(left_out, key=order)


def _service_codes(breach: Breach) -> list[str]:
    return sorted(link.service.code for link in breach.services)


def _refresh_controllers(session: Session, actor: Actor, breach: Breach) -> dict[str, int]:
    """Bring the stored controller list in line with the appendices on the awareness date. A controller
    already told stays on the list (it was told); one not yet told that no longer qualifies is removed."""
    session.flush()
    session.refresh(breach)
    wanted, _left_out = controller_candidates(session, _service_codes(breach), oslo_date(breach.aware_at),
                                              breach.narrow_by_digiorden)
    wanted_by_org = {row["organisation_id"]: row for row in wanted}
    existing = {c.organisation_id: c for c in breach.controllers}
    added = removed = 0
    for org_id, controller in existing.items():
        if org_id not in wanted_by_org and controller.sent_at is None:
            session.delete(controller)
            removed += 1
    for org_id, row in wanted_by_org.items():
        controller = existing.get(org_id)
        if controller is None:
            session.add(BreachController(breach_id=breach.id, organisation_id=org_id, services=row["services"],
                                         appendices=row["appendices"], digiorden=row["digiorden"],
                                         contact_email=row["contact_email"]))
            added += 1
        elif controller.sent_at is None:
            controller.services, controller.appendices = row["services"], row["appendices"]
            controller.digiorden, controller.contact_email = row["digiorden"], row["contact_email"]
    session.flush()
    if added or removed:
        _event(session, breach, actor, EventKind.CONTROLLERS.value,
               t("priv.event.controllers", count=len(wanted), added=added, removed=removed))
    session.flush()
    session.expire(breach, ["controllers", "events"])
    return {"controllers": len(wanted), "added": added, "removed": removed}


# --- writes -------------------------------------------------------------------------------------------


def mark_breach(session: Session, actor: Actor, payload) -> Breach:
    """Mark a security incident as a personal-data breach: the clock starts at `aware_at`."""
    actor.require("risk.write")
    data = validate(BreachMarkIn, payload)
    lock_named(session, f"privacy.breach.ticket.{data.ticket_id}")   # one breach per ticket (a unique key backs it)
    ticket: SupportTicket = get_ticket(session, data.ticket_id)
    if not ticket.security_incident:
        raise BackofficeError(t("priv.breach.not_incident", ticket=ticket.reference))
    taken = session.scalar(select(Breach.id).where(Breach.ticket_id == ticket.id))
    if taken is not None:
        raise BackofficeError(t("priv.breach.already", ticket=ticket.reference, ref=f"PB-{taken}"))
    _not_future(data.aware_at, "aware_at")
    codes = data.service_codes or ([ticket.service.code] if ticket.service is not None else [])
    if not codes:
        raise BackofficeError(t("priv.breach.no_services", ticket=ticket.reference))
    services = _services(session, codes)
    values = data.model_dump(exclude={"ticket_id", "service_codes"})
    breach = Breach(ticket_id=ticket.id, marked_by=actor.username, marked_at=utcnow(), **values)
    breach.services = [BreachService(service_id=s.id) for s in services]
    session.add(breach)
    session.flush()
    _event(session, breach, actor, EventKind.MARKED.value,
           t("priv.event.marked", ticket=ticket.reference, aware=when(breach.aware_at),
             services=", ".join(s.name for s in services), hours=breach.notify_within_hours))
    _refresh_controllers(session, actor, breach)
    return breach


def update_details(session: Session, actor: Actor, breach_id: int, payload,
                   expected_version: int | None = None) -> Breach:
    """The description as the facts come in; the DigiOrden choice and the internal deadline too."""
    actor.require("risk.write")
    data = validate(BreachDetailsIn, payload)
    breach = _for_edit(session, breach_id, expected_version)
    before = (breach.notify_within_hours, breach.narrow_by_digiorden)
    for field, value in data.model_dump().items():
        setattr(breach, field, value)
    session.flush()
    if breach.notify_within_hours != before[0]:
        _event(session, breach, actor, EventKind.ACTION.value,
               t("priv.event.hours", before=before[0], after=breach.notify_within_hours))
    if breach.narrow_by_digiorden != before[1]:
        _refresh_controllers(session, actor, breach)
    return breach


def change_aware_time(session: Session, actor: Actor, breach_id: int, payload,
                      expected_version: int | None = None) -> Breach:
    """Correct the moment of awareness, with a reason (kept on the timeline): the clock moves with it."""
    actor.require("risk.write")
    data = validate(AwareChangeIn, payload)
    breach = _for_edit(session, breach_id, expected_version)
    _not_future(data.aware_at, "aware_at")
    first_sent = min((c.sent_at for c in breach.controllers if c.sent_at is not None), default=None)
    if first_sent is not None and data.aware_at > first_sent:
        raise BackofficeError(t("priv.breach.aware_after_sent", sent=when(first_sent)))
    before = breach.aware_at
    breach.aware_at = data.aware_at
    session.flush()
    _event(session, breach, actor, EventKind.AWARE_CHANGED.value,
           t("priv.event.aware_changed", before=when(before), after=when(breach.aware_at), reason=data.reason))
    _refresh_controllers(session, actor, breach)
    return breach


def set_services(session: Session, actor: Actor, breach_id: int, payload,
                 expected_version: int | None = None) -> Breach:
    actor.require("risk.write")
    data = validate(ServicesIn, payload)
    breach = _for_edit(session, breach_id, expected_version)
    services = _services(session, data.service_codes)
    for link in list(breach.services):
        session.delete(link)
    session.flush()
    for service in services:
        session.add(BreachService(breach_id=breach.id, service_id=service.id))
    session.flush()
    session.expire(breach, ["services"])
    _event(session, breach, actor, EventKind.ACTION.value,
           t("priv.event.services", services=", ".join(s.name for s in services), reason=data.reason or "–"))
    _refresh_controllers(session, actor, breach)
    return breach


def add_event(session: Session, actor: Actor, breach_id: int, payload) -> BreachEvent:
    """An action on the timeline (what was done, when)."""
    actor.require("risk.write")
    data = validate(EventIn, payload)
    breach = get_breach(session, breach_id)
    _not_future(data.at, "at")
    event = BreachEvent(breach_id=breach.id, at=data.at, kind=EventKind.ACTION.value, text=data.text,
                        recorded_by=actor.username)
    session.add(event)
    session.flush()
    return event


def record_sent(session: Session, actor: Actor, breach_id: int, payload) -> int:
    """Record that the notice went to these controllers at `sent_at`; returns how many."""
    actor.require("risk.write")
    data = validate(SentIn, payload)
    # two people recording the same notice at once: the second waits, then sees the first one's record
    lock(session, select(BreachController).where(BreachController.breach_id == breach_id,
                                                 BreachController.organisation_id.in_(data.organisation_ids)))
    breach = _for_edit(session, breach_id, None)
    _not_future(data.sent_at, "sent_at")
    if data.sent_at < breach.aware_at:
        raise BackofficeError(t("priv.breach.sent_before_aware", aware=when(breach.aware_at)))
    controllers = {c.organisation_id: c for c in breach.controllers}
    names = dict(session.execute(select(Organisation.id, Organisation.name)
                                 .where(Organisation.id.in_(data.organisation_ids))).all())
    unknown = [names.get(i, f"#{i}") for i in data.organisation_ids if i not in controllers]
    if unknown:
        raise BackofficeError(t("priv.breach.not_controller", names=", ".join(unknown), ref=breach.reference))
    already = [names[i] for i in data.organisation_ids if controllers[i].sent_at is not None]
    if already:
        raise BackofficeError(t("priv.breach.already_sent", names=", ".join(already)))
    for org_id in data.organisation_ids:
        controller = controllers[org_id]
        controller.sent_at, controller.sent_by, controller.sent_note = data.sent_at, actor.username, data.note
    session.flush()
    late = data.sent_at > deadline(breach)
    _event(session, breach, actor, EventKind.SENT.value,
           t("priv.event.sent_late" if late else "priv.event.sent", count=len(data.organisation_ids),
             deadline=when(deadline(breach))), at=data.sent_at)
    session.flush()
    return len(data.organisation_ids)


def close_breach(session: Session, actor: Actor, breach_id: int, payload,
                 expected_version: int | None = None) -> Breach:
    """Close the breach once every controller has been told."""
    actor.require("risk.write")
    data = validate(CloseIn, payload)
    breach = _for_edit(session, breach_id, expected_version)
    waiting = [c for c in breach.controllers if c.sent_at is None]
    if waiting:
        raise BackofficeError(t("priv.breach.close_unsent", count=len(waiting)))
    breach.closed_at, breach.closed_by, breach.closing_note = utcnow(), actor.username, data.note
    session.flush()
    _event(session, breach, actor, EventKind.CLOSED.value, t("priv.event.closed", note=data.note))
    session.flush()
    return breach


# --- reads --------------------------------------------------------------------------------------------


def breach_rows(session: Session, include_closed: bool = False, now: datetime | None = None) -> list[dict]:
    """One row per breach with its deadline and the controllers' counts (SQL aggregates), newest first."""
    now = now or utcnow()
    counts = {row[0]: row[1:] for row in session.execute(
        select(BreachController.breach_id, func.count(BreachController.id), func.count(BreachController.sent_at))
        .group_by(BreachController.breach_id))}
    sent_times: dict[int, list[datetime]] = {}
    for breach_id, sent_at in session.execute(select(BreachController.breach_id, BreachController.sent_at)
                                              .where(BreachController.sent_at.is_not(None))):
        sent_times.setdefault(breach_id, []).append(sent_at)
    services: dict[int, list[str]] = {}
    for breach_id, name in session.execute(select(BreachService.breach_id, Service.name)
                                           .join(Service, Service.id == BreachService.service_id)):
        services.setdefault(breach_id, []).append(name)
    query = (select(Breach, SupportTicket.ticket_number).join(SupportTicket, SupportTicket.id == Breach.ticket_id)
             .order_by(Breach.aware_at.desc(), Breach.id.desc()))
    if not include_closed:
        query = query.where(Breach.closed_at.is_(None))
    rows = []
    for breach, ticket_number in session.execute(query):
        total, sent_count = counts.get(breach.id, (0, 0))
        due = deadline(breach)
        sent_late = sum(1 for sent_at in sent_times.get(breach.id, ()) if sent_at > due)
        unsent = total - sent_count
        state = ("closed" if breach.closed_at else "late" if unsent and now > due else
                 "due" if unsent else "sent_late" if sent_late else "sent_in_time")
        rows.append({
            "id": breach.id, "reference": breach.reference, "title": breach.title, "ticket": f"#{ticket_number}",
            "services": ", ".join(sorted(services.get(breach.id, []))),
            "aware_at": breach.aware_at, "deadline": due, "hours": breach.notify_within_hours,
            "hours_left": hours_left(due, now) if unsent else None, "controllers": total, "sent": sent_count,
            "unsent": unsent, "sent_late": sent_late, "state": state, "closed_at": breach.closed_at,
            "version": breach.version,
        })
    return rows


def controller_rows(session: Session, breach_id: int, now: datetime | None = None) -> list[dict]:
    """The controllers of one breach with each one's deadline state, by name."""
    now = now or utcnow()
    breach = get_breach(session, breach_id)
    due = deadline(breach)
    service_names = dict(service_choices(session))
    rows = []
    for controller, org in session.execute(
            select(BreachController, Organisation).join(Organisation, Organisation.id == BreachController.organisation_id)
            .where(BreachController.breach_id == breach.id).order_by(Organisation.name, Organisation.id)):
        rows.append({
            "organisation_id": org.id, "org_number": org.org_number, "name": org.name,
            "municipality_number": org.municipality_number, "kind": org.kind,
            "contact_email": controller.contact_email,
            "services": ", ".join(service_names.get(code, code) for code in controller.services),
            "appendices": ", ".join(controller.appendices), "digiorden": controller.digiorden,
            "deadline": due, "sent_at": controller.sent_at, "sent_by": controller.sent_by,
            "state": controller_state(controller.sent_at, due, now),
            "their_deadline": controller.sent_at + timedelta(hours=CONTROLLER_HOURS) if controller.sent_at else None,
        })
    return rows


def left_out(session: Session, breach_id: int) -> list[dict]:
    """Organisations with an appendix that DigiOrden's map leaves out (shown, so that the choice is visible)."""
    breach = get_breach(session, breach_id)
    if not breach.narrow_by_digiorden:
        return []
    return controller_candidates(session, _service_codes(breach), oslo_date(breach.aware_at), True)[1]


def event_rows(session: Session, breach_id: int) -> list[dict]:
    events = session.scalars(select(BreachEvent).where(BreachEvent.breach_id == breach_id)
                             .order_by(BreachEvent.at, BreachEvent.id))
    return [{"at": e.at, "kind": e.kind, "text": e.text, "recorded_by": e.recorded_by} for e in events]


def incidents_to_mark(session: Session) -> list[dict]:
    """Security incidents without a breach yet (the ones a security officer may mark), newest first."""
    query = (select(SupportTicket.id, SupportTicket.ticket_number, SupportTicket.subject,
                    SupportTicket.security_marked_at, SupportTicket.opened_at, Service.code.label("service"),
                    Service.name.label("service_name"))
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.security_incident.is_(True),
                    SupportTicket.id.not_in(select(Breach.ticket_id)))
             .order_by(SupportTicket.opened_at.desc()))
    return [dict(r._mapping) for r in session.execute(query)]


def warnings(session: Session, now: datetime | None = None) -> list[dict]:
    """Open breaches whose notices are late or still due, most urgent first."""
    rows = [r for r in breach_rows(session, now=now) if r["state"] in ("late", "due")]
    return sorted(rows, key=lambda r: r["deadline"])


def counts(session: Session, now: datetime | None = None) -> dict[str, int | datetime | None]:
    now = now or utcnow()
    rows = breach_rows(session, now=now)
    due = [r["deadline"] for r in rows if r["state"] == "due"]
    return {"open": len(rows), "late": sum(1 for r in rows if r["state"] == "late"),
            "late_controllers": sum(r["unsent"] for r in rows if r["state"] == "late"),
            "next_deadline": min(due) if due else None}


def kpis(session: Session, _actor: Actor) -> list[Kpi]:
    """The leader's overview: open breaches, controllers not told past the deadline, the next deadline."""
    found = counts(session)
    return [
        Kpi(t("priv.kpi.open"), number(found["open"]), t("priv.kpi.open_help")),
        Kpi(t("priv.kpi.late"), number(found["late_controllers"]), t("priv.kpi.late_help")),
        Kpi(t("priv.kpi.next_deadline"), when(found["next_deadline"]) or "–", t("priv.kpi.next_deadline_help")),
    ]
