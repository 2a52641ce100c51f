"""Service appendices (tjenestevedlegg): rules, new versions and who must re-sign, and the read API
other modules use (pricing invoices from it, the change board notifies from it).

Read API (stable, for pricing and admin):

- `active_appendices(session, service_code=None, on_date=None) -> list[ActiveAppendix]`:
  appendices in force on a day (status signed or terminated, start <= day <= end).
- `active_appendices_in_period(session, start, end, service_code=None) -> list[ActiveAppendix]`:
  appendices in force on at least one day of [start, end]; `start_date`/`end_date` let the caller prorate.
- `organisations_with_active_appendix(session, service_code, on_date=None) -> list[OrganisationContact]`:
  who to tell about an outage (organisation with contact e-mail); also the service's user meeting.
- `adopters_population(session, service_code, on_date=None) -> int`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from agreements.agreements import (
    ACTIVE_STATUSES,
    RuleError,
    describe_period,
    get_main_agreement,
    today,
)
from agreements.models import AgreementStatus, AppendixVersion, ServiceAppendix
from agreements.schemas import AppendixIn, AppendixVersionIn, ResignIn, check
from data.access import Actor
from data.crud import ensure_version, get_or_raise
from data.errors import NotFound
from data.formatting import day
from data.i18n import t
from data.registers.models import County, Organisation, Service
from data.registers.registry import get_organisation, get_service, organisation_search


@dataclass(frozen=True)
class ActiveAppendix:
    appendix_id: int
    reference: str              # "svarut/964338531/2.0": service / org number / appendix version
    organisation_id: int
    org_number: str | None
    organisation_name: str
    organisation_kind: str
    municipality_number: str | None
    county_number: str | None
    population: int | None
    contact_email: str | None
    service_code: str
    service_name: str
    appendix_version: str | None
    status: str
    signed_date: date | None
    start_date: date
    end_date: date | None
    price_model: str | None


@dataclass(frozen=True)
class OrganisationContact:
    organisation_id: int
    org_number: str | None
    name: str
    kind: str
    county_number: str | None
    population: int | None
    contact_email: str | None


def in_force_on(on_date: date):
    """SQL condition: the appendix is in force on `on_date`."""
    return and_(ServiceAppendix.status.in_(ACTIVE_STATUSES), ServiceAppendix.start_date <= on_date,
                or_(ServiceAppendix.end_date.is_(None), ServiceAppendix.end_date >= on_date))


def in_force_during(start: date, end: date):
    return and_(ServiceAppendix.status.in_(ACTIVE_STATUSES), ServiceAppendix.start_date <= end,
                or_(ServiceAppendix.end_date.is_(None), ServiceAppendix.end_date >= start))


def _appendix_query():
    return (
        select(ServiceAppendix.id, ServiceAppendix.organisation_id, Organisation.org_number,
               Organisation.name.label("organisation_name"), Organisation.kind.label("organisation_kind"),
               Organisation.municipality_number, Organisation.county_number, Organisation.population,
               Organisation.contact_email, Service.code.label("service_code"), Service.name.label("service_name"),
               ServiceAppendix.appendix_version, ServiceAppendix.status, ServiceAppendix.signed_date,
               ServiceAppendix.start_date, ServiceAppendix.end_date, ServiceAppendix.price_model)
        .join(Organisation, Organisation.id == ServiceAppendix.organisation_id)
        .join(Service, Service.id == ServiceAppendix.service_id)
        .order_by(Service.code, Organisation.name, ServiceAppendix.start_date)
    )


def _active(row) -> ActiveAppendix:
    values = dict(row._mapping)
    appendix_id = values.pop("id")
    reference = f"{values['service_code']}/{values['org_number'] or values['organisation_id']}/" \
                f"{values['appendix_version'] or '-'}"
    return ActiveAppendix(appendix_id=appendix_id, reference=reference, **values)


def active_appendices(session: Session, service_code: str | None = None, on_date: date | None = None,
                      ) -> list[ActiveAppendix]:
    query = _appendix_query().where(in_force_on(on_date or today()))
    if service_code:
        query = query.where(Service.code == service_code)
    return [_active(r) for r in session.execute(query)]


def active_appendices_in_period(session: Session, start: date, end: date, service_code: str | None = None,
                                ) -> list[ActiveAppendix]:
    query = _appendix_query().where(in_force_during(start, end))
    if service_code:
        query = query.where(Service.code == service_code)
    return [_active(r) for r in session.execute(query)]


def organisations_with_active_appendix(session: Session, service_code: str, on_date: date | None = None,
                                       ) -> list[OrganisationContact]:
    service = get_service(session, service_code)
    query = (
        select(Organisation.id, Organisation.org_number, Organisation.name, Organisation.kind,
               Organisation.county_number, Organisation.population, Organisation.contact_email)
        .where(Organisation.id.in_(select(ServiceAppendix.organisation_id).where(
            ServiceAppendix.service_id == service.id, in_force_on(on_date or today()))))
        .order_by(Organisation.name)
    )
    return [OrganisationContact(*r) for r in session.execute(query)]


def adopters_population(session: Session, service_code: str, on_date: date | None = None) -> int:
    service = get_service(session, service_code)
    return session.scalar(
        select(func.coalesce(func.sum(Organisation.population), 0))
        .where(Organisation.kind == "municipality", Organisation.id.in_(
            select(ServiceAppendix.organisation_id).where(ServiceAppendix.service_id == service.id,
                                                          in_force_on(on_date or today()))))
    )


# --- rules and writes --------------------------------------------------------------------------


def get_appendix(session: Session, appendix_id: int) -> ServiceAppendix:
    return get_or_raise(session, ServiceAppendix, appendix_id, "agr.appendix_not_found")


_UNSET = object()


def check_appendix_rules(session: Session, org: Organisation, service: Service, data: AppendixIn,
                         own_id: int | None = None, main=_UNSET,
                         siblings: list[ServiceAppendix] | None = None, own: ServiceAppendix | None = None) -> None:
    """Raise RuleError when the appendix breaks a rule (main agreement signed, no overlap).

    `main` and `siblings` (the organisation's appendices for the service) may be handed in by a
    caller that already holds them (the import); otherwise they are read from the database.
    """
    if main is _UNSET:
        main = get_main_agreement(session, org.id)
    if data.status not in ACTIVE_STATUSES:
        if main is None:
            raise RuleError(t("agr.rule.needs_main", name=org.name), "status")
        return
    if main is None or main.status not in ACTIVE_STATUSES:
        raise RuleError(t("agr.rule.needs_main", name=org.name), "status")
    if main.status == AgreementStatus.TERMINATED.value and (
            data.end_date is None or data.end_date > main.terminated_date):
        raise RuleError(t("agr.rule.main_terminated", name=org.name, date=day(main.terminated_date)), "end_date")
    far = data.end_date or date.max
    if siblings is None:
        query = select(ServiceAppendix).where(
            ServiceAppendix.organisation_id == org.id, ServiceAppendix.service_id == service.id,
            ServiceAppendix.status.in_(ACTIVE_STATUSES), ServiceAppendix.start_date <= far,
            or_(ServiceAppendix.end_date.is_(None), ServiceAppendix.end_date >= data.start_date),
        )
        if own_id is not None:
            query = query.where(ServiceAppendix.id != own_id)
        other = session.scalars(query.order_by(ServiceAppendix.start_date)).first()
    else:
        overlapping = sorted((a for a in siblings if a is not own and a.status in ACTIVE_STATUSES
                              and a.start_date <= far and (a.end_date is None or a.end_date >= data.start_date)),
                             key=lambda a: a.start_date)
        other = overlapping[0] if overlapping else None
    if other is not None:
        raise RuleError(t("agr.rule.overlap", name=org.name, service=service.name,
                          period=describe_period(other.start_date, other.end_date)), "start_date")


def save_appendix(session: Session, actor: Actor, payload, appendix_id: int | None = None,
                  expected_version: int | None = None) -> ServiceAppendix:
    """Create an appendix, or update the one with `appendix_id`. Product owners: own services only."""
    data = check(AppendixIn, payload)
    actor.require("agreements.write", service=data.service_code)
    existing = get_appendix(session, appendix_id) if appendix_id is not None else None
    if existing is not None:
        actor.require("agreements.write", service=existing.service.code)
    return apply_appendix(session, data, existing, expected_version)


def apply_appendix(session: Session, data: AppendixIn, existing: ServiceAppendix | None = None,
                   expected_version: int | None = None, service: Service | None = None, main=_UNSET,
                   siblings: list[ServiceAppendix] | None = None, flush: bool = True) -> ServiceAppendix:
    """The rules shared by the form and the import (the caller has checked permission).

    Reads run without autoflush (a change is flushed as it is made). The import hands in `main` and
    `siblings` and passes `flush=False`, checking against what it holds in memory and flushing once.
    """
    with session.no_autoflush:
        org = get_organisation(session, data.organisation_id)
        if service is None or service.code != data.service_code:
            try:
                service = get_service(session, data.service_code)
            except NotFound as exc:
                raise RuleError(exc.message, "service_code") from exc
        if existing is not None:
            ensure_version(existing, expected_version, t("agr.appendix_of", name=org.name, service=service.name))
        check_appendix_rules(session, org, service, data, existing.id if existing is not None else None,
                             main=main, siblings=siblings, own=existing)
    appendix = existing or ServiceAppendix()
    values = data.model_dump(exclude={"service_code"})
    values["service_id"] = service.id
    values["price_model"] = data.price_model.value if data.price_model else None
    changed = existing is None
    for key, value in values.items():
        if getattr(appendix, key) != value:
            setattr(appendix, key, value)
            changed = True
    if existing is None:
        session.add(appendix)
        if siblings is not None:
            siblings.append(appendix)
    if changed and flush:
        session.flush()
    return appendix


def terminate_appendix(session: Session, actor: Actor, appendix_id: int, end_date: date,
                       expected_version: int | None = None) -> ServiceAppendix:
    appendix = get_appendix(session, appendix_id)
    actor.require("agreements.write", service=appendix.service.code)
    ensure_version(appendix, expected_version,
                   t("agr.appendix_of", name=appendix.organisation.name, service=appendix.service.name))
    if appendix.status not in ACTIVE_STATUSES:
        raise RuleError(t("agr.rule.terminate_unsigned_appendix"), "status")
    if end_date < appendix.start_date:
        raise RuleError(t("error.end_before_start"), "end_date")
    appendix.end_date = end_date
    appendix.status = AgreementStatus.TERMINATED.value
    session.flush()
    return appendix


def delete_appendix(session: Session, actor: Actor, appendix_id: int, expected_version: int | None = None):
    """Only appendices never signed (draft, sent, cancelled) may be deleted; signed ones are terminated."""
    appendix = get_appendix(session, appendix_id)
    actor.require("agreements.write", service=appendix.service.code)
    ensure_version(appendix, expected_version,
                   t("agr.appendix_of", name=appendix.organisation.name, service=appendix.service.name))
    if appendix.status in ACTIVE_STATUSES:
        raise RuleError(t("agr.rule.delete_signed"), "status")
    session.delete(appendix)
    session.flush()


def resign_appendix(session: Session, actor: Actor, appendix_id: int, payload,
                    expected_version: int | None = None) -> ServiceAppendix:
    """The organisation signed a new appendix version from `start_date`: the old one ends the day
    before and a new signed appendix starts."""
    data = check(ResignIn, payload)
    old = get_appendix(session, appendix_id)
    service = old.service
    actor.require("agreements.write", service=service.code)
    ensure_version(old, expected_version, t("agr.appendix_of", name=old.organisation.name, service=service.name))
    if old.status not in ACTIVE_STATUSES:
        raise RuleError(t("agr.rule.terminate_unsigned_appendix"), "status")
    if data.start_date <= old.start_date:
        raise RuleError(t("agr.rule.resign_after_start", date=day(old.start_date)), "start_date")
    if old.end_date is not None and data.start_date > old.end_date:
        raise RuleError(t("agr.rule.resign_before_end", date=day(old.end_date)), "start_date")
    new_end = old.end_date
    old.end_date = data.start_date - timedelta(days=1)
    session.flush()
    payload_new = AppendixIn(
        organisation_id=old.organisation_id, service_code=service.code, appendix_version=data.appendix_version,
        status="signed", signed_date=data.signed_date, start_date=data.start_date, end_date=new_end,
        price_model=data.price_model or old.price_model, notes="")
    return apply_appendix(session, payload_new)


# --- appendix versions and who must re-sign --------------------------------------------------------


def issue_appendix_version(session: Session, actor: Actor, payload) -> list[dict]:
    """Register a new version of a service's appendix; returns who must re-sign it."""
    data = check(AppendixVersionIn, payload)
    actor.require("agreements.write", service=data.service_code)
    service = get_service(session, data.service_code)
    exists = session.scalar(select(AppendixVersion).where(AppendixVersion.service_id == service.id,
                                                          AppendixVersion.version == data.version))
    if exists is not None:
        raise RuleError(t("agr.version_exists", version=data.version, service=service.name), "version")
    latest = latest_version(session, service.code)
    if latest is not None and data.issued_on < latest.issued_on:
        raise RuleError(t("agr.version_older", version=latest.version, date=day(latest.issued_on)), "issued_on")
    session.add(AppendixVersion(service_id=service.id, version=data.version, issued_on=data.issued_on,
                                summary=data.summary))
    session.flush()
    return must_resign(session, service.code)


def latest_version(session: Session, service_code: str) -> AppendixVersion | None:
    return session.scalar(
        select(AppendixVersion).join(Service, Service.id == AppendixVersion.service_id)
        .where(Service.code == service_code)
        .order_by(AppendixVersion.issued_on.desc(), AppendixVersion.id.desc()).limit(1))


def appendix_versions(session: Session, service_code: str) -> list[dict]:
    query = (
        select(AppendixVersion.version, AppendixVersion.issued_on, AppendixVersion.summary)
        .join(Service, Service.id == AppendixVersion.service_id)
        .where(Service.code == service_code).order_by(AppendixVersion.issued_on.desc())
    )
    return [dict(r._mapping) for r in session.execute(query)]


def must_resign(session: Session, service_code: str, on_date: date | None = None) -> list[dict]:
    """Organisations whose appendix in force is not on the newest issued version of the service's appendix."""
    latest = latest_version(session, service_code)
    if latest is None:
        return []
    query = (
        _appendix_query()
        .where(Service.code == service_code, in_force_on(on_date or today()),
               or_(ServiceAppendix.appendix_version.is_(None), ServiceAppendix.appendix_version != latest.version))
    )
    out = []
    for row in session.execute(query):
        out.append({"appendix_id": row.id, "org_number": row.org_number, "organisation": row.organisation_name,
                    "current_version": row.appendix_version, "new_version": latest.version,
                    "start_date": row.start_date, "contact_email": row.contact_email})
    return out


# --- reads for pages ---------------------------------------------------------------------------


def appendix_rows(session: Session, service_code: str | None = None, search: str = "",
                  statuses: tuple[str, ...] = (), county: str | None = None, in_force_only: bool = False,
                  on_date: date | None = None, organisation_id: int | None = None) -> list[dict]:
    on = on_date or today()
    query = (
        select(ServiceAppendix.id, ServiceAppendix.organisation_id, Organisation.org_number,
               Organisation.name.label("organisation"), Organisation.kind, County.name.label("county"),
               Service.code.label("service_code"), Service.name.label("service"),
               ServiceAppendix.appendix_version, ServiceAppendix.status, ServiceAppendix.signed_date,
               ServiceAppendix.start_date, ServiceAppendix.end_date, ServiceAppendix.price_model,
               ServiceAppendix.notes, ServiceAppendix.version,
               in_force_on(on).label("in_force"))
        .join(Organisation, Organisation.id == ServiceAppendix.organisation_id)
        .join(Service, Service.id == ServiceAppendix.service_id)
        .outerjoin(County, County.number == Organisation.county_number)
        .order_by(Organisation.name, Service.name, ServiceAppendix.start_date)
    )
    if service_code:
        query = query.where(Service.code == service_code)
    if search.strip():
        term = search.strip()
        query = query.where(organisation_search(session, term))   # "tromso" finds Tromsø, as on every page
    if statuses:
        query = query.where(ServiceAppendix.status.in_(statuses))
    if county:
        query = query.where(Organisation.county_number == county)
    if in_force_only:
        query = query.where(in_force_on(on))
    if organisation_id is not None:
        query = query.where(ServiceAppendix.organisation_id == organisation_id)
    rows = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row["in_force"] = bool(row["in_force"])
        rows.append(row)
    return rows


def appendix_counts(session: Session, on_date: date | None = None) -> dict[str, int]:
    """Appendices in force per service code."""
    query = (
        select(Service.code, func.count(ServiceAppendix.id))
        .join(ServiceAppendix, ServiceAppendix.service_id == Service.id)
        .where(in_force_on(on_date or today())).group_by(Service.code)
    )
    return {code: n for code, n in session.execute(query)}
