"""Calls from the change board and support into other modules, each optional until that module lands.

- `request_ros_review`: the risk module's trigger `risk.ros.mark_review_due(session, actor, service_code,
  reason)` (issue 7). Called when a change that requires a ROS update is approved, and when a ticket is
  marked as a security incident. Returns False (and does nothing) while the risk module lacks it.
- `organisations_for_service`: who has an active service appendix (agreements, issue 3), else every
  organisation that is valid on the day.
"""
from __future__ import annotations

import importlib
import logging
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.registers.models import Organisation

log = logging.getLogger(__name__)


def _optional(module_name: str, attribute: str):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return None
        raise
    return getattr(module, attribute, None)


def ros_trigger_available() -> bool:
    return _optional("risk.ros", "mark_review_due") is not None


def request_ros_review(session: Session, actor: Actor, service_code: str, reason: str, kind: str = "change",
                       reference: str = "") -> bool:
    """Mark the service's ROS as due for review through the risk module. False when it is not there yet.

    `kind` is "change" (an approved change that requires a ROS update) or "incident" (a ticket marked
    as a security incident); `reference` is EB-12 or #40001.
    """
    trigger = _optional("risk.ros", "mark_review_due")
    if trigger is None:
        log.info("ROS review for %s not requested: risk.ros.mark_review_due is not available (%s)",
                 service_code, reason)
        return False
    trigger(session, actor, service_code, reason, kind=kind, reference=reference)
    return True


def agreements_available() -> bool:
    return _optional("agreements.appendices", "organisations_with_active_appendix") is not None


def organisations_for_service(session: Session, service_code: str, on_date: date) -> tuple[list[Organisation], bool]:
    """(organisations to tell, True when the list comes from active appendices)."""
    finder = _optional("agreements.appendices", "organisations_with_active_appendix")
    if finder is not None:
        found = finder(session, service_code, on_date)
        ids = []
        for entry in found or []:
            if isinstance(entry, Organisation):
                ids.append(entry.id)
            elif isinstance(entry, int):
                ids.append(entry)
            elif isinstance(entry, dict):
                ids.append(entry.get("organisation_id", entry.get("id")))
            else:  # a named tuple or row: OrganisationContact(organisation_id, ...)
                ids.append(getattr(entry, "organisation_id", getattr(entry, "id", None)))
        ids = [i for i in ids if i is not None]
        orgs = list(session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))
        return orgs, True
    query = (select(Organisation)
             .where(or_(Organisation.valid_from.is_(None), Organisation.valid_from <= on_date),
                    or_(Organisation.valid_to.is_(None), Organisation.valid_to >= on_date))
             .order_by(Organisation.name))
    return list(session.scalars(query)), False
