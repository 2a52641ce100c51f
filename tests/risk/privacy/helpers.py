"""Small builders for the privacy tests: appendices, a security incident, DigiOrden maps."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.models import ServiceAppendix
from data.registers.models import Organisation, Service
from data.support.models import SupportTicket
from portfolio.digiorden.models import DoIntegration, DoSystem


def municipality(session: Session, number: str) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.municipality_number == number,
                                                     Organisation.kind == "municipality"))


def service(session: Session, code: str) -> Service:
    return session.scalar(select(Service).where(Service.code == code))


def appendix(session: Session, org: Organisation, code: str, start: date, end: date | None = None,
             status: str = "signed") -> ServiceAppendix:
    row = ServiceAppendix(organisation_id=org.id, service_id=service(session, code).id, appendix_version="1.0",
                          status=status, signed_date=start, start_date=start, end_date=end, price_model="fixed")
    session.add(row)
    session.flush()
    return row


def incident(session: Session, code: str | None = "svarut", number: int = 77001, security: bool = True,
             opened: datetime = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)) -> SupportTicket:
    ticket = SupportTicket(ticket_number=number, subject="Brev til feil mottaker", status="open", priority="urgent",
                           opened_at=opened, service_id=service(session, code).id if code else None,
                           security_incident=security, security_note="Mulig brudd" if security else "",
                           security_marked_by="support" if security else None,
                           security_marked_at=opened if security else None)
    session.add(ticket)
    session.flush()
    return ticket


def digiorden_map(session: Session, org: Organisation, *integrates_with: str) -> DoSystem:
    """A DigiOrden map for `org`: one system, integrating with each of `integrates_with` (may be none)."""
    system = DoSystem(organisation_id=org.id, name=f"Sak/arkiv {org.id}", hosting="saas")
    session.add(system)
    session.flush()
    for code in integrates_with:
        session.add(DoIntegration(organisation_id=org.id, from_system_id=system.id,
                                  to_service_id=service(session, code).id, method="api"))
    session.flush()
    return system
