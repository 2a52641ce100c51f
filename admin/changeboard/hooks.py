"""What the change board asks of the rooms around it (admin may import every package).

- `request_ros_review`: risk marks the service's ROS as due for review, when a change that requires a
  ROS update is approved, and (through `ros_review_for_incident`, which data.bootstrap hands to
  support) when a ticket is marked as a security incident.
- `organisations_for_service`: who has a service appendix in force (agreements), to be told of a change.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.appendices import organisations_with_active_appendix
from data.access import Actor
from data.i18n import t
from data.registers.models import Organisation
from data.support.models import SupportTicket
from risk.ros import mark_review_due


def request_ros_review(session: Session, actor: Actor, service_code: str, reason: str, kind: str = "change",
                       reference: str = "") -> None:
    """Mark the service's ROS as due for review. `kind` is "change" (an approved change that requires a
    ROS update) or "incident" (a ticket marked as a security incident); `reference` is EB-12 or #40001."""
    mark_review_due(session, actor, service_code, reason, kind=kind, reference=reference)


def ros_review_for_incident(session: Session, actor: Actor, ticket: SupportTicket) -> None:
    """Support's listener for a ticket just marked as a security incident: its service's ROS is due."""
    if ticket.service is not None:
        request_ros_review(session, actor, ticket.service.code,
                           t("cb.ros_reason_ticket", ticket=ticket.reference, subject=ticket.subject),
                           kind="incident", reference=ticket.reference)


def organisations_for_service(session: Session, service_code: str, on_date: date) -> list[Organisation]:
    """The organisations with a service appendix in force on `on_date`, by name."""
    ids = [row.organisation_id for row in organisations_with_active_appendix(session, service_code, on_date)]
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))
