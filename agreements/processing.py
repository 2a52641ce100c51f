"""Data processing agreements (databehandleravtaler) and the municipalities' own ROS and DPIA (issue 23, item 3).

The department processes personal data on behalf of every organisation that uses a service (GDPR art. 28:
the municipality is the controller, the department the processor), under a data processing agreement per
service. Each version of it has a label, the day it is valid from, a reference to the document and what
changed. Every organisation with an appendix in force for the service must sign the newest version (by
valid-from day; one valid from a later day is signed ahead of that day): the re-sign list is those that have
not, like the re-sign list for appendices. A signature is kept per organisation and version, so an appendix
re-signed for a new appendix version keeps its processing agreement.

Section 6.4 of the department's description: municipalities must make their own ROS and DPIA for a service
from the department's template. The day each was reported completed is recorded on the appendix; an
organisation counts as done when any of its appendices for the service carries the day.

Writes: the product owner of the service (`agreements.write`, own services only).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from agreements.adoption import own_assessments_by_service
from agreements.agreements import ACTIVE_STATUSES, RuleError, today
from agreements.appendices import get_appendix, in_force_on
from agreements.models import DpaSignature, DpaVersion, ServiceAppendix
from agreements.schemas import check, parse_date
from data.access import Actor
from data.appspec import Fact, Kpi
from data.crud import ensure_version
from data.excel import csv_export
from data.formatting import day, number, percent
from data.i18n import t
from data.registers.models import Organisation, Service
from data.registers.registry import get_organisation, get_service


def _to_date(value):
    if isinstance(value, str) and value.strip():
        return parse_date(value)
    if isinstance(value, str):
        return None
    return value


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class DpaVersionIn(_In):
    service_code: str = Field(min_length=1)
    label: str = Field(min_length=1, max_length=40)
    valid_from: date
    document_ref: str = Field(default="", max_length=300)
    changes: str = ""

    _dates = field_validator("valid_from", mode="before")(_to_date)


class DpaSignatureIn(_In):
    service_code: str = Field(min_length=1)
    organisation_id: int
    label: str = Field(min_length=1, max_length=40)
    signed_date: date

    _dates = field_validator("signed_date", mode="before")(_to_date)


class OwnAssessmentsIn(_In):
    """The days the organisation reported its own ROS and DPIA for the service completed (None: not yet)."""

    own_ros_on: date | None = None
    own_dpia_on: date | None = None

    _dates = field_validator("own_ros_on", "own_dpia_on", mode="before")(_to_date)


# --- writes -------------------------------------------------------------------------------------------


def add_version(session: Session, actor: Actor, payload) -> DpaVersion:
    """A new version of a service's data processing agreement; `must_sign` then lists who must sign it."""
    data = check(DpaVersionIn, payload)
    actor.require("agreements.write", service=data.service_code)
    service = get_service(session, data.service_code)
    if session.scalar(select(DpaVersion.id).where(DpaVersion.service_id == service.id,
                                                  DpaVersion.label == data.label)) is not None:
        raise RuleError(t("agr.dpa.version_exists", label=data.label, service=service.name), "label")
    latest = latest_version(session, service.code)
    if latest is not None and data.valid_from < latest.valid_from:
        raise RuleError(t("agr.dpa.version_older", label=latest.label, date=day(latest.valid_from)), "valid_from")
    version = DpaVersion(service_id=service.id, label=data.label, valid_from=data.valid_from,
                         document_ref=data.document_ref, changes=data.changes, created_by=actor.username)
    session.add(version)
    session.flush()
    return version


def record_signature(session: Session, actor: Actor, payload) -> DpaSignature:
    """The organisation signed a version of the service's processing agreement on a day."""
    data = check(DpaSignatureIn, payload)
    actor.require("agreements.write", service=data.service_code)
    service = get_service(session, data.service_code)
    org = get_organisation(session, data.organisation_id)
    version = session.scalar(select(DpaVersion).where(DpaVersion.service_id == service.id,
                                                      DpaVersion.label == data.label))
    if version is None:
        raise RuleError(t("agr.dpa.no_version", label=data.label, service=service.name), "label")
    if data.signed_date > today():
        raise RuleError(t("agr.dpa.signed_in_future", date=day(data.signed_date)), "signed_date")
    has_appendix = session.scalar(select(ServiceAppendix.id).where(
        ServiceAppendix.organisation_id == org.id, ServiceAppendix.service_id == service.id,
        ServiceAppendix.status.in_(ACTIVE_STATUSES)).limit(1))
    if has_appendix is None:
        raise RuleError(t("agr.dpa.no_appendix", name=org.name, service=service.name), "organisation_id")
    if session.scalar(select(DpaSignature.id).where(DpaSignature.dpa_version_id == version.id,
                                                    DpaSignature.organisation_id == org.id)) is not None:
        raise RuleError(t("agr.dpa.already_signed", name=org.name, label=version.label), "label")
    signature = DpaSignature(dpa_version_id=version.id, organisation_id=org.id, signed_date=data.signed_date,
                             recorded_by=actor.username)
    session.add(signature)
    session.flush()
    return signature


def record_own_assessments(session: Session, actor: Actor, appendix_id: int, payload,
                           expected_version: int | None = None) -> ServiceAppendix:
    """Record (or clear) the days the organisation completed its own ROS and DPIA for the appendix's service."""
    data = check(OwnAssessmentsIn, payload)
    appendix = get_appendix(session, appendix_id)
    actor.require("agreements.write", service=appendix.service.code)
    ensure_version(appendix, expected_version,
                   t("agr.appendix_of", name=appendix.organisation.name, service=appendix.service.name))
    for field in ("own_ros_on", "own_dpia_on"):
        value = getattr(data, field)
        if value is not None and value > today():
            raise RuleError(t("agr.dpa.own_in_future", date=day(value)), field)
    if (appendix.own_ros_on, appendix.own_dpia_on) != (data.own_ros_on, data.own_dpia_on):
        appendix.own_ros_on, appendix.own_dpia_on = data.own_ros_on, data.own_dpia_on
        session.flush()
    return appendix


# --- reads --------------------------------------------------------------------------------------------


def latest_version(session: Session, service_code: str) -> DpaVersion | None:
    """The newest version of the service's processing agreement (by valid-from day)."""
    return session.scalar(
        select(DpaVersion).join(Service, Service.id == DpaVersion.service_id).where(Service.code == service_code)
        .order_by(DpaVersion.valid_from.desc(), DpaVersion.id.desc()).limit(1))


def version_rows(session: Session, service_code: str) -> list[dict]:
    """The service's versions, newest first, with how many organisations signed each."""
    signed = (select(DpaSignature.dpa_version_id, func.count(DpaSignature.id).label("signed"))
              .group_by(DpaSignature.dpa_version_id).subquery())
    query = (select(DpaVersion.id, DpaVersion.label, DpaVersion.valid_from, DpaVersion.document_ref,
                    DpaVersion.changes, func.coalesce(signed.c.signed, 0).label("signed"))
             .join(Service, Service.id == DpaVersion.service_id)
             .outerjoin(signed, signed.c.dpa_version_id == DpaVersion.id)
             .where(Service.code == service_code)
             .order_by(DpaVersion.valid_from.desc(), DpaVersion.id.desc()))
    return [dict(r._mapping) for r in session.execute(query)]


@dataclass(frozen=True)
class _Signed:
    label: str
    valid_from: date
    signed_date: date


def _signed_by_organisation(session: Session, service_id: int) -> dict[int, _Signed]:
    """Per organisation: the newest version (by valid-from day) of the service's agreement it signed."""
    query = (select(DpaSignature.organisation_id, DpaVersion.label, DpaVersion.valid_from, DpaSignature.signed_date)
             .join(DpaVersion, DpaVersion.id == DpaSignature.dpa_version_id)
             .where(DpaVersion.service_id == service_id)
             .order_by(DpaVersion.valid_from, DpaVersion.id))
    return {org_id: _Signed(label, valid_from, signed) for org_id, label, valid_from, signed in session.execute(query)}


def appendix_rows(session: Session, service_code: str, on_date: date | None = None) -> list[dict]:
    """Each appendix in force for the service: the processing agreement version it is signed under, when, and
    the organisation's own ROS and DPIA; `must_sign` when the newest version is not signed."""
    service = get_service(session, service_code)
    latest = latest_version(session, service.code)
    signed = _signed_by_organisation(session, service.id)
    own = _own_days(session, service.id)
    query = (select(ServiceAppendix.id, ServiceAppendix.version, ServiceAppendix.organisation_id,
                    Organisation.org_number, Organisation.name, Organisation.kind, Organisation.contact_email,
                    ServiceAppendix.appendix_version, ServiceAppendix.own_ros_on, ServiceAppendix.own_dpia_on)
             .join(Organisation, Organisation.id == ServiceAppendix.organisation_id)
             .where(ServiceAppendix.service_id == service.id, in_force_on(on_date or today()))
             .order_by(Organisation.name, Organisation.org_number, ServiceAppendix.start_date))
    rows = []
    for r in session.execute(query):
        mine = signed.get(r.organisation_id)
        ros_on, dpia_on = own.get(r.organisation_id, (None, None))
        rows.append({
            "appendix_id": r.id, "appendix_row_version": r.version, "organisation_id": r.organisation_id,
            "org_number": r.org_number, "organisation": r.name, "kind": r.kind, "contact_email": r.contact_email,
            "appendix_version": r.appendix_version,
            "dpa_version": mine.label if mine else None, "dpa_signed": mine.signed_date if mine else None,
            "latest_version": latest.label if latest else None,
            "must_sign": latest is not None and (mine is None or mine.label != latest.label),
            "own_ros_on": ros_on, "own_dpia_on": dpia_on,
            "appendix_own_ros_on": r.own_ros_on, "appendix_own_dpia_on": r.own_dpia_on,
        })
    return rows


def _own_days(session: Session, service_id: int) -> dict[int, tuple[date | None, date | None]]:
    """Per organisation: the latest own ROS and DPIA day over all its appendices for the service."""
    query = (select(ServiceAppendix.organisation_id, func.max(ServiceAppendix.own_ros_on),
                    func.max(ServiceAppendix.own_dpia_on))
             .where(ServiceAppendix.service_id == service_id)
             .group_by(ServiceAppendix.organisation_id))
    return {org_id: (ros_on, dpia_on) for org_id, ros_on, dpia_on in session.execute(query)}


def must_sign(session: Session, service_code: str, on_date: date | None = None) -> list[dict]:
    """Organisations with an appendix in force for the service that have not signed the newest version of
    its processing agreement (one row per organisation), with the version they did sign."""
    seen: set[int] = set()
    out = []
    for row in appendix_rows(session, service_code, on_date):
        if not row["must_sign"] or row["organisation_id"] in seen:
            continue
        seen.add(row["organisation_id"])
        out.append({"organisation_id": row["organisation_id"], "org_number": row["org_number"],
                    "organisation": row["organisation"], "signed_version": row["dpa_version"],
                    "signed_date": row["dpa_signed"], "new_version": row["latest_version"],
                    "contact_email": row["contact_email"]})
    return out


def must_sign_csv(rows: list[dict]) -> bytes:
    """The re-sign list as semicolon CSV (Excel in Norway opens it right; text never runs as a formula)."""
    headers = [t("agr.col.org_number"), t("agr.col.organisation"), t("agr.dpa.col.signed_version"),
               t("agr.dpa.col.signed_date"), t("agr.dpa.col.new_version"), t("agr.contact_email")]
    return csv_export(headers, [[r["org_number"], r["organisation"], r["signed_version"] or "", r["signed_date"],
                                 r["new_version"], r["contact_email"] or ""] for r in rows])


def unsigned_by_service(session: Session, on_date: date | None = None) -> dict[str, int]:
    """Per service with a processing agreement: organisations with an appendix in force that have not signed
    the newest version. One aggregate query."""
    ranked = (select(DpaVersion.id, DpaVersion.service_id,
                     func.row_number().over(partition_by=DpaVersion.service_id,
                                            order_by=(DpaVersion.valid_from.desc(), DpaVersion.id.desc()))
                     .label("rank")).subquery())
    latest = select(ranked.c.id, ranked.c.service_id).where(ranked.c.rank == 1).subquery()
    users = (select(ServiceAppendix.service_id, ServiceAppendix.organisation_id)
             .where(in_force_on(on_date or today())).distinct().subquery())
    query = (select(Service.code, func.count(users.c.organisation_id))
             .join(latest, latest.c.service_id == Service.id)
             .join(users, users.c.service_id == Service.id)
             .outerjoin(DpaSignature, and_(DpaSignature.dpa_version_id == latest.c.id,
                                           DpaSignature.organisation_id == users.c.organisation_id))
             .where(DpaSignature.id.is_(None))
             .group_by(Service.code))
    return {code: int(n) for code, n in session.execute(query)}


# --- the overview and the service sheet --------------------------------------------------------------


def kpis(session: Session, _actor: Actor) -> list[Kpi]:
    missing = unsigned_by_service(session)
    return [Kpi(t("agr.dpa.kpi.unsigned"), number(sum(missing.values())),
                t("agr.dpa.kpi.unsigned_help", services=number(sum(1 for n in missing.values() if n))))]


def service_facts(session: Session, service_code: str) -> list[Fact]:
    service = get_service(session, service_code)
    facts = []
    latest = latest_version(session, service.code)
    if latest is None:
        facts.append(Fact(t("agr.dpa.fact.version"), t("agr.dpa.fact.no_version")))
    else:
        facts.append(Fact(t("agr.dpa.fact.version"), t(
            "agr.dpa.fact.version_value", label=latest.label, date=day(latest.valid_from),
            count=number(unsigned_by_service(session).get(service.code, 0)))))
    counts = own_assessments_by_service(session).get(service.code)
    if counts and counts["adopters"]:
        for kind in ("ros", "dpia"):
            facts.append(Fact(t(f"agr.dpa.fact.own_{kind}"), t(
                "agr.fact.of_total", count=number(counts[kind]), total=number(counts["adopters"]),
                share=percent(counts[kind] / counts["adopters"]))))
    return facts
