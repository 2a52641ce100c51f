"""One ticket at a time: link it to a service and organisation by hand, put it on the security lead's
list and close the follow-up, and the mappings that link imported tickets automatically."""
from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import delete_row, for_edit, get_or_raise, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.i18n import t
from data.registers.models import Organisation, Service
from data.support.freshdesk import Linker
from data.support.models import MappingKind, SupportMapping, SupportTicket

_reference = attrgetter("reference")


def get_ticket(session: Session, ticket_id: int) -> SupportTicket:
    return get_or_raise(session, SupportTicket, ticket_id, "sup.not_found")


def find_ticket(session: Session, ticket_number: int) -> SupportTicket:
    return scalar_or_raise(session, select(SupportTicket).where(SupportTicket.ticket_number == ticket_number),
                           "sup.number_not_found", number=ticket_number)


def _ticket_for_edit(session: Session, ticket_id: int, expected_version: int | None) -> SupportTicket:
    return for_edit(session, SupportTicket, ticket_id, expected_version, "sup.not_found", label=_reference)


class TicketLinkIn(BaseModel):
    service_code: str | None = None
    organisation_id: int | None = None


def link_ticket(session: Session, actor: Actor, ticket_id: int, payload, expected_version: int | None = None):
    """Set (or clear) a ticket's service and organisation by hand."""
    actor.require("support.write")
    data = validate(TicketLinkIn, payload)
    ticket = _ticket_for_edit(session, ticket_id, expected_version)
    service_id = None
    if data.service_code:
        service_id = scalar_or_raise(session, select(Service.id).where(Service.code == data.service_code),
                                     "sup.unknown_service", code=data.service_code)
    if data.organisation_id is not None:
        get_or_raise(session, Organisation, data.organisation_id, "sup.unknown_organisation")
    ticket.service_id = service_id
    ticket.organisation_id = data.organisation_id
    session.flush()
    return ticket


class SecurityMarkIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    note: str = Field(min_length=3, max_length=4000)


def _require_support_or_security(actor: Actor) -> None:
    if not (actor.can("support.write") or actor.can("risk.write")):
        actor.require("support.write")


# Called with (session, actor, ticket) when a ticket becomes a security incident; rooms that act on it
# (the change board asks risk to review the service's ROS) register here in data.bootstrap.install().
_incident_listeners: list[Callable[[Session, Actor, SupportTicket], None]] = []


def on_security_incident(listener: Callable[[Session, Actor, SupportTicket], None]) -> None:
    if listener not in _incident_listeners:
        _incident_listeners.append(listener)


# Pages other rooms offer from the security-incident list, as (title key, page path, url path): risk's
# personal-data breaches, where a security officer marks an incident as a breach. Registered in
# data.bootstrap.install() (data may not import risk).
_incident_pages: list[tuple[str, str, str]] = []


def offer_incident_page(page: tuple[str, str, str]) -> None:
    if page not in _incident_pages:
        _incident_pages.append(page)


def incident_pages() -> list[tuple[str, str, str]]:
    return list(_incident_pages)


def mark_security_incident(session: Session, actor: Actor, ticket_id: int, payload,
                           expected_version: int | None = None) -> SupportTicket:
    """Put a ticket on the security lead's list, then tell the listeners (the service's ROS becomes due)."""
    _require_support_or_security(actor)
    data = validate(SecurityMarkIn, payload)
    ticket = _ticket_for_edit(session, ticket_id, expected_version)
    if ticket.security_incident:
        raise BackofficeError(t("sup.already_incident", ticket=ticket.reference))
    ticket.security_incident = True
    ticket.security_note = data.note
    ticket.security_marked_by = actor.username
    ticket.security_marked_at = utcnow()
    ticket.security_closed_at = None
    ticket.security_closed_by = None
    session.flush()
    for listener in _incident_listeners:
        listener(session, actor, ticket)
    return ticket


def close_security_followup(session: Session, actor: Actor, ticket_id: int, payload,
                            expected_version: int | None = None) -> SupportTicket:
    """The security lead records how the incident was followed up; it leaves the open list."""
    actor.require("risk.write")
    data = validate(SecurityMarkIn, payload)
    ticket = _ticket_for_edit(session, ticket_id, expected_version)
    if not ticket.security_incident:
        raise BackofficeError(t("sup.not_incident", ticket=ticket.reference))
    if ticket.security_closed_at is not None:
        raise BackofficeError(t("sup.incident_already_closed", ticket=ticket.reference))
    ticket.security_outcome = data.note
    ticket.security_closed_by = actor.username
    ticket.security_closed_at = utcnow()
    session.flush()
    return ticket



def open_security_incidents(session: Session) -> list[dict]:
    """The security lead's list: incidents not yet followed up, oldest first."""
    query = (select(SupportTicket.id, SupportTicket.ticket_number, SupportTicket.subject, SupportTicket.status,
                    SupportTicket.priority, SupportTicket.opened_at, SupportTicket.security_note,
                    SupportTicket.security_marked_by, SupportTicket.security_marked_at,
                    Service.code.label("service"), Organisation.name.label("organisation"), SupportTicket.version)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .outerjoin(Organisation, Organisation.id == SupportTicket.organisation_id)
             .where(SupportTicket.security_incident.is_(True), SupportTicket.security_closed_at.is_(None))
             .order_by(SupportTicket.security_marked_at, SupportTicket.ticket_number))
    return [dict(r._mapping) for r in session.execute(query)]


# --- mappings ------------------------------------------------------------------------------------


class MappingIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    kind: MappingKind
    value: str = Field(min_length=1, max_length=200)
    service_code: str | None = None
    organisation_id: int | None = None

    @field_validator("value")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


def save_mapping(session: Session, actor: Actor, payload) -> SupportMapping:
    actor.require("support.write")
    data = validate(MappingIn, payload)
    service_id = org_id = None
    if data.kind == MappingKind.ORGANISATION:
        if data.organisation_id is None or session.get(Organisation, data.organisation_id) is None:
            raise BackofficeError(t("sup.mapping_needs_organisation"))
        org_id = data.organisation_id
    else:
        service = session.scalar(select(Service).where(Service.code == (data.service_code or "")))
        if service is None:
            raise BackofficeError(t("sup.mapping_needs_service"))
        service_id = service.id
    mapping = session.scalar(select(SupportMapping).where(SupportMapping.kind == data.kind.value,
                                                          SupportMapping.value == data.value))
    if mapping is None:
        mapping = SupportMapping(kind=data.kind.value, value=data.value)
        session.add(mapping)
    mapping.service_id, mapping.organisation_id = service_id, org_id
    session.flush()
    return mapping


def delete_mapping(session: Session, actor: Actor, mapping_id: int) -> None:
    actor.require("support.write")
    delete_row(session, SupportMapping, mapping_id, "sup.mapping_not_found")


def mapping_rows(session: Session) -> list[dict]:
    query = (select(SupportMapping.id, SupportMapping.kind, SupportMapping.value, Service.code.label("service"),
                    Organisation.name.label("organisation"))
             .outerjoin(Service, Service.id == SupportMapping.service_id)
             .outerjoin(Organisation, Organisation.id == SupportMapping.organisation_id)
             .order_by(SupportMapping.kind, SupportMapping.value))
    return [dict(r._mapping) for r in session.execute(query)]


def relink_all(session: Session, actor: Actor) -> dict[str, int]:
    """After new mappings: link the tickets that have no service or organisation yet."""
    actor.require("support.write")
    linker = Linker.load(session)
    counts = {"services": 0, "organisations": 0}
    query = select(SupportTicket).where(or_(SupportTicket.service_id.is_(None),
                                            SupportTicket.organisation_id.is_(None)))
    for ticket in session.scalars(query):
        if ticket.service_id is None:
            found = linker.service_for(ticket.tags, ticket.group_name)
            if found is not None:
                ticket.service_id = found
                counts["services"] += 1
        if ticket.organisation_id is None:
            found = linker.organisation_for(session, ticket.requester_organisation)
            if found is not None:
                ticket.organisation_id = found
                counts["organisations"] += 1
    session.flush()
    return counts
