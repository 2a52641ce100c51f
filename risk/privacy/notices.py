"""Risk notices to the municipalities (section 8.5: risk is re-assessed at every significant change "for så å
deles med kommunene og fylkeskommunene"). When a service's ROS has a new approved revision, its product owner
(or the security officer) sends a notice: what changed since the previous approved revision among the risks
above the acceptance line, and the measures the municipalities must take themselves, to every organisation
with an appendix in force. The notice is stored as sent, with its recipients; one notice per approved
revision.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agreements.appendices import organisations_with_active_appendix
from data.access import Actor
from data.appspec import Fact
from data.crud import get_or_raise
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.formatting import day, number
from data.i18n import t
from data.locking import lock_named
from data.registers.models import Organisation, Service
from data.registers.registry import get_service
from risk.models import Risk, RosAssessment
from risk.privacy.breaches import oslo_date
from risk.privacy.models import RiskNotice, RiskNoticeRecipient
from risk.privacy.schemas import RiskNoticeIn
from risk.schemas import Scope, Status

PAGE = "risk/privacy/pages/risk_notices.py"
COMPARED = ("title", "consequence", "current_level", "current_score", "municipality_action")


def approved_pair(session: Session, service_code: str) -> tuple[RosAssessment | None, RosAssessment | None]:
    """(the latest approved ROS revision of the service, the approved revision before it in its series)."""
    latest = session.scalar(select(RosAssessment).where(
        RosAssessment.scope == Scope.SERVICE.value, RosAssessment.service_code == service_code,
        RosAssessment.status == Status.APPROVED.value).order_by(RosAssessment.approved_at.desc(),
                                                                RosAssessment.id.desc()).limit(1))
    if latest is None:
        return None, None
    previous = session.scalar(select(RosAssessment).where(
        RosAssessment.series_id == latest.series_id, RosAssessment.revision < latest.revision,
        RosAssessment.status.in_((Status.APPROVED.value, Status.SUPERSEDED.value)))
        .order_by(RosAssessment.revision.desc()).limit(1))
    return latest, previous


def _risk(risk: Risk) -> dict:
    return {"key": risk.key, "title": risk.title, "consequence": risk.consequence, "level": risk.current_level,
            "score": risk.current_score, "action": risk.municipality_action.strip()}


def risk_changes(session: Session, service_code: str) -> dict:
    """What a notice for the latest approved revision says: new and changed risks above the acceptance line,
    risks no longer above it, and the measures the municipalities must take themselves."""
    service = get_service(session, service_code)
    latest, previous = approved_pair(session, service.code)
    if latest is None:
        raise BackofficeError(t("priv.notice.no_approved", service=service.name))
    before = {r.key: r for r in previous.risks} if previous is not None else {}
    new, changed, below, actions = [], [], [], []
    for risk in latest.risks:
        old = before.get(risk.key)
        if risk.above_acceptance:
            if old is None:
                new.append(_risk(risk))
            elif not old.above_acceptance:
                changed.append(dict(_risk(risk), before_level=old.current_level, now_above=True))
            elif any(getattr(old, f) != getattr(risk, f) for f in COMPARED):
                changed.append(dict(_risk(risk), before_level=old.current_level, now_above=False))
        elif old is not None and old.above_acceptance:
            below.append(dict(_risk(risk), before_level=old.current_level))
        if risk.municipality_action.strip():
            state = ("new" if old is None or not old.municipality_action.strip() else
                     "changed" if old.municipality_action.strip() != risk.municipality_action.strip() else "same")
            actions.append(dict(_risk(risk), state=state))
    latest_keys = {r.key for r in latest.risks}
    for key, old in sorted(before.items()):
        if key not in latest_keys and old.above_acceptance:
            below.append(dict(_risk(old), before_level=old.current_level, removed=True))
    approved = latest.approved_at.date() if latest.approved_at else latest.assessed_on
    return {"service_code": service.code, "service_name": service.name, "assessment_id": latest.id,
            "revision": latest.revision, "title": latest.title, "approved_on": approved.isoformat(),
            "previous_id": previous.id if previous else None,
            "previous_revision": previous.revision if previous else None,
            "new": new, "changed": changed, "below": below, "actions": actions}


def _require_sender(actor: Actor, service_code: str) -> None:
    """The service's product owner, or the security officer."""
    if actor.can("risk.write") or actor.can("agreements.write", service_code):
        return
    actor.require("agreements.write", service_code)


def sent_for(session: Session, assessment_id: int) -> RiskNotice | None:
    return session.scalar(select(RiskNotice).where(RiskNotice.assessment_id == assessment_id))


def draft(session: Session, service_code: str, on: datetime | None = None) -> dict:
    """The notice as it would go out now: the changes, the recipients, and the notice already sent if any."""
    changes = risk_changes(session, service_code)
    recipients = organisations_with_active_appendix(session, changes["service_code"], oslo_date(on or utcnow()))
    sent = sent_for(session, changes["assessment_id"])
    return {"changes": changes, "recipients": [asdict(r) for r in recipients],
            "sent_id": sent.id if sent else None, "sent_at": sent.sent_at if sent else None}


def send_risk_notice(session: Session, actor: Actor, payload) -> RiskNotice:
    """Store the notice for the service's latest approved ROS revision with its recipients (sent now)."""
    data = validate(RiskNoticeIn, payload)
    service = get_service(session, data.service_code)
    _require_sender(actor, service.code)
    lock_named(session, f"privacy.risk_notice.{service.code}")   # once per approved revision (a unique key backs it)
    now = utcnow()
    changes = risk_changes(session, service.code)
    sent = sent_for(session, changes["assessment_id"])
    if sent is not None:
        raise BackofficeError(t("priv.notice.already_sent", service=service.name, revision=changes["revision"],
                                date=day(sent.sent_at)))
    recipients = organisations_with_active_appendix(session, service.code, oslo_date(now))
    if not recipients:
        raise BackofficeError(t("priv.notice.no_recipients", service=service.name))
    notice = RiskNotice(service_id=service.id, assessment_id=changes["assessment_id"],
                        previous_id=changes["previous_id"], revision=changes["revision"], summary=changes,
                        note=data.note, sent_at=now, sent_by=actor.username)
    notice.recipients = [RiskNoticeRecipient(organisation_id=r.organisation_id, contact_email=r.contact_email)
                         for r in recipients]
    session.add(notice)
    session.flush()
    return notice


def get_notice(session: Session, notice_id: int) -> RiskNotice:
    return get_or_raise(session, RiskNotice, notice_id, "priv.notice.not_found")


def notice_rows(session: Session, service_code: str | None = None) -> list[dict]:
    """The notices sent, newest first, with their number of recipients (SQL aggregate)."""
    recipients = (select(RiskNoticeRecipient.notice_id, func.count().label("n"))
                  .group_by(RiskNoticeRecipient.notice_id).subquery())
    query = (select(RiskNotice.id, Service.code.label("service"), Service.name.label("service_name"),
                    RiskNotice.revision, RiskNotice.sent_at, RiskNotice.sent_by, RiskNotice.note,
                    func.coalesce(recipients.c.n, 0).label("recipients"))
             .join(Service, Service.id == RiskNotice.service_id)
             .outerjoin(recipients, recipients.c.notice_id == RiskNotice.id)
             .order_by(RiskNotice.sent_at.desc(), RiskNotice.id.desc()))
    if service_code:
        query = query.where(Service.code == service_code)
    return [dict(r._mapping) for r in session.execute(query)]


def recipient_rows(session: Session, notice_id: int) -> list[dict]:
    query = (select(Organisation.id.label("organisation_id"), Organisation.org_number, Organisation.name,
                    Organisation.municipality_number, Organisation.kind, RiskNoticeRecipient.contact_email)
             .join(Organisation, Organisation.id == RiskNoticeRecipient.organisation_id)
             .where(RiskNoticeRecipient.notice_id == notice_id).order_by(Organisation.name, Organisation.id))
    return [dict(r._mapping) for r in session.execute(query)]


def service_facts(session: Session, service_code: str) -> list[Fact]:
    """The service sheet: the latest risk notice, or that the latest approved ROS has not been shared."""
    latest, _previous = approved_pair(session, service_code)
    rows = notice_rows(session, service_code)
    facts = []
    if rows:
        last = rows[0]
        facts.append(Fact(t("priv.fact.notice"), t("priv.fact.notice_value", date=day(last["sent_at"]),
                                                   revision=last["revision"], count=number(last["recipients"]))))
    if latest is not None and (not rows or rows[0]["revision"] != latest.revision):
        facts.append(Fact(t("priv.fact.notice_due"), t("priv.fact.notice_due_value", revision=latest.revision)))
    return facts


def services_with_approved_ros(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the services that have an approved ROS, by name (the notice page's picker)."""
    codes = session.scalars(select(RosAssessment.service_code).distinct().where(
        RosAssessment.scope == Scope.SERVICE.value, RosAssessment.status == Status.APPROVED.value))
    return [(code, name) for code, name in session.execute(
        select(Service.code, Service.name).where(Service.code.in_(list(codes))).order_by(Service.name))]


def can_send(actor: Actor, service_code: str) -> bool:
    return actor.can("risk.write") or actor.can("agreements.write", service_code)
