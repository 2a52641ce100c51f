"""Main agreements (hovedavtaler): one per organisation; terminating one ends its appendices."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from agreements.models import AgreementStatus, MainAgreement, ServiceAppendix
from agreements.schemas import MainAgreementIn, TerminateIn, check
from data.access import Actor
from data.crud import ensure_version, not_found
from data.db import utcnow
from data.errors import BackofficeError
from data.formatting import day
from data.i18n import t
from data.registers.models import County, Organisation
from data.registers.registry import get_organisation, organisation_search
from data.textsearch import contains_folded

ACTIVE_STATUSES = (AgreementStatus.SIGNED.value, AgreementStatus.TERMINATED.value)
CANCELLED = "cancelled"


class RuleError(BackofficeError):
    """A business rule refused the change; `field` names the field it concerns (for import rows)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def today() -> date:
    return utcnow().date()


def get_main_agreement(session: Session, organisation_id: int) -> MainAgreement | None:
    return session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == organisation_id))


def save_main_agreement(session: Session, actor: Actor, payload, expected_version: int | None = None,
                        ) -> MainAgreement:
    """Create or update the main agreement of an organisation (any product owner may; terminating it
    ends appendices, so only an owner of every service whose appendix it ends may terminate)."""
    actor.require("agreements.write")
    data = check(MainAgreementIn, payload)
    if data.status == AgreementStatus.TERMINATED:
        require_owner_of_ended(session, actor, data.organisation_id, data.terminated_date)
    return apply_main_agreement(session, data, expected_version)


def apply_main_agreement(session: Session, data: MainAgreementIn, expected_version: int | None = None,
                         flush: bool = True) -> MainAgreement:
    """The rules shared by the form and the import (the caller has checked permission)."""
    with session.no_autoflush:
        org = get_organisation(session, data.organisation_id)
        agreement = get_main_agreement(session, org.id)
        status = data.status.value
        if agreement is not None:
            ensure_version(agreement, expected_version, t("agr.main_of", name=org.name))
            if agreement.status in ACTIVE_STATUSES and status in (AgreementStatus.DRAFT.value,
                                                                  AgreementStatus.SENT.value):
                in_force = _appendices_in_force_from(session, org.id, today())
                if in_force:
                    raise RuleError(t("agr.rule.main_has_appendices", name=org.name, count=in_force), "status")
    changed = agreement is None
    if agreement is None:
        agreement = MainAgreement(organisation_id=org.id)
        session.add(agreement)
    values = data.model_dump(exclude={"organisation_id"})
    values["status"] = status
    for key, value in values.items():
        if getattr(agreement, key) != value:
            setattr(agreement, key, value)
            changed = True
    if changed:
        if flush or status == AgreementStatus.TERMINATED.value:
            session.flush()
        if status == AgreementStatus.TERMINATED.value:
            end_appendices(session, org.id, data.terminated_date)
    return agreement


def terminate_main_agreement(session: Session, actor: Actor, organisation_id: int, payload,
                             expected_version: int | None = None) -> list[ServiceAppendix]:
    """Terminate the main agreement; every appendix still in force ends on the same day.

    Returns the appendices that were ended or cancelled.
    """
    actor.require("agreements.write")
    data = check(TerminateIn, payload)
    org = get_organisation(session, organisation_id)
    agreement = get_main_agreement(session, org.id)
    if agreement is None:
        raise not_found("agr.main_missing", name=org.name)
    ensure_version(agreement, expected_version, t("agr.main_of", name=org.name))
    if agreement.status not in ACTIVE_STATUSES:
        raise RuleError(t("agr.rule.terminate_unsigned", name=org.name), "status")
    if agreement.signed_date and data.terminated_date < agreement.signed_date:
        raise RuleError(t("agr.rule.terminated_before_signed"), "terminated_date")
    require_owner_of_ended(session, actor, org.id, data.terminated_date)
    agreement.status = AgreementStatus.TERMINATED.value
    agreement.terminated_date = data.terminated_date
    if data.notes:
        agreement.notes = (agreement.notes + "\n" + data.notes).strip()
    session.flush()
    return end_appendices(session, org.id, data.terminated_date)


def appendices_ending(session: Session, organisation_id: int, last_day: date,
                      ) -> list[tuple[ServiceAppendix, str, date | None]]:
    """What terminating the main agreement on `last_day` does to the organisation's appendices, changing
    nothing: (appendix, new status, new end date) for each appendix that changes. Those in force end on
    `last_day`; those not yet started or never signed are cancelled."""
    changes = []
    with session.no_autoflush:
        rows = list(session.scalars(select(ServiceAppendix).where(
            ServiceAppendix.organisation_id == organisation_id, ServiceAppendix.status != CANCELLED)
            .order_by(ServiceAppendix.id)))
    for appendix in rows:
        if appendix.status in ACTIVE_STATUSES:
            if appendix.start_date > last_day:
                changes.append((appendix, CANCELLED, appendix.end_date))
            elif appendix.end_date is None or appendix.end_date > last_day:
                changes.append((appendix, AgreementStatus.TERMINATED.value, last_day))
        else:
            changes.append((appendix, CANCELLED, appendix.end_date))
    return changes


def require_owner_of_ended(session: Session, actor: Actor, organisation_id: int, last_day: date | None,
                           permission: str = "agreements.write") -> None:
    """Refuse, before anything changes, unless the actor may change every appendix that terminating the
    organisation's main agreement on `last_day` would end or cancel (a product owner: own services only)."""
    if last_day is None:
        return
    with session.no_autoflush:
        services = {appendix.service.code: appendix.service.name
                    for appendix, _, _ in appendices_ending(session, organisation_id, last_day)}
    actor.require_services(permission, services)


def end_appendices(session: Session, organisation_id: int, last_day: date) -> list[ServiceAppendix]:
    """A terminated main agreement ends its appendices (see `appendices_ending`; the caller has checked
    with `require_owner_of_ended` that the actor may change each of them)."""
    changed = []
    for appendix, status, end_date in appendices_ending(session, organisation_id, last_day):
        appendix.status = status
        appendix.end_date = end_date
        changed.append(appendix)
    session.flush()
    return changed


def _appendices_in_force_from(session: Session, organisation_id: int, from_day: date) -> int:
    return session.scalar(select(func.count()).select_from(ServiceAppendix).where(
        ServiceAppendix.organisation_id == organisation_id,
        ServiceAppendix.status.in_(ACTIVE_STATUSES),
        or_(ServiceAppendix.end_date.is_(None), ServiceAppendix.end_date >= from_day),
    ))


# --- reads ----------------------------------------------------------------------------------------


def main_agreement_rows(session: Session, search: str = "", statuses: tuple[str, ...] = (),
                        county: str | None = None, kinds: tuple[str, ...] = (), include_missing: bool = True,
                        on_date: date | None = None) -> list[dict]:
    """Every current organisation with its main agreement (or none) and its number of appendices in force."""
    on = on_date or today()
    in_force = (
        select(ServiceAppendix.organisation_id, func.count().label("appendices"))
        .where(ServiceAppendix.status.in_(ACTIVE_STATUSES), ServiceAppendix.start_date <= on,
               or_(ServiceAppendix.end_date.is_(None), ServiceAppendix.end_date >= on))
        .group_by(ServiceAppendix.organisation_id)
        .subquery()
    )
    status = func.coalesce(MainAgreement.status, "none")
    query = (
        select(Organisation.id.label("organisation_id"), Organisation.org_number, Organisation.name,
               Organisation.kind, Organisation.county_number, County.name.label("county"),
               Organisation.population, Organisation.contact_email,
               MainAgreement.id.label("agreement_id"), status.label("status"), MainAgreement.signed_date,
               MainAgreement.signatory, MainAgreement.template_version, MainAgreement.document_ref,
               MainAgreement.terminated_date, MainAgreement.notes, MainAgreement.version,
               func.coalesce(in_force.c.appendices, 0).label("appendices"))
        .outerjoin(MainAgreement, MainAgreement.organisation_id == Organisation.id)
        .outerjoin(County, County.number == Organisation.county_number)
        .outerjoin(in_force, in_force.c.organisation_id == Organisation.id)
        .where(or_(Organisation.valid_to.is_(None), MainAgreement.id.is_not(None)))
        .order_by(Organisation.name)
    )
    if search.strip():
        term = search.strip()
        query = query.where(or_(organisation_search(session, term),   # "alesund" finds Ålesund, as on every page
                                contains_folded(func.coalesce(MainAgreement.signatory, ""), term),
                                contains_folded(func.coalesce(MainAgreement.document_ref, ""), term)))
    if statuses:
        query = query.where(status.in_(statuses))
    if county:
        query = query.where(Organisation.county_number == county)
    if kinds:
        query = query.where(Organisation.kind.in_(kinds))
    if not include_missing:
        query = query.where(MainAgreement.id.is_not(None))
    return [dict(r._mapping) for r in session.execute(query)]


def main_agreement_counts(session: Session) -> dict[str, int]:
    """Number of main agreements by status ("none": current municipalities/county municipalities without)."""
    rows = session.execute(select(MainAgreement.status, func.count()).group_by(MainAgreement.status))
    counts = {s.value: 0 for s in AgreementStatus}
    counts.update({status: n for status, n in rows})
    counts["none"] = session.scalar(
        select(func.count()).select_from(Organisation)
        .outerjoin(MainAgreement, MainAgreement.organisation_id == Organisation.id)
        .where(MainAgreement.id.is_(None), Organisation.valid_to.is_(None),
               Organisation.kind.in_(("municipality", "county_municipality"))))
    return counts


def describe_period(start: date, end: date | None) -> str:
    return f"{day(start)}–{day(end) if end else t('agr.open_ended')}"
