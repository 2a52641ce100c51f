"""ROS assessments: scope, risks scored with the assessment's matrix, status and frozen approved
revisions, revisions started from a copy, comparison of any two revisions, risk acceptance with a
snapshot, and review triggers other modules raise (the change board, support).

Interfaces for other modules:
- `add_risk(session, actor, assessment_id, payload)`: a new risk (threat models turn threats into risks).
- `current_assessment_for_service(session, service_code, actor=None, for_edit=False)`: the open or
  approved ROS of a service, creating a draft when there is none.
- `mark_review_due(session, actor, service_code, reason, kind="change", reference="")`: any signed-in
  role may call it; who and why are recorded.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data import crud
from data.access import Actor
from data.appspec import Approval, Fact, Kpi
from data.db import utcnow
from data.errors import BackofficeError, PermissionDenied, RowError, ValidationFailed, validate
from data.formatting import day, number
from data.i18n import t
from data.locking import lock, lock_named, refusing_duplicates, unique_key
from data.registers.models import Component, Service, User
from data.registers.registry import get_service
from data.textsearch import contains_folded
from risk import matrix as matrices
from risk.dpia import latest_approved
from risk.models import Measure, ReviewTrigger, Risk, RiskAcceptance, RosAssessment, measure_risk
from risk.schemas import (
    FROZEN,
    OPEN_MEASURE,
    AcceptanceDecisionIn,
    AcceptanceRequestIn,
    AssessmentIn,
    Decision,
    RiskIn,
    Scope,
    SendBackIn,
    StageIn,
    Status,
    TriggerIn,
)
from risk.signoff import require_other_person

STAGES = ("inherent", "current", "residual")
RISK_TEXT_FIELDS = ("title", "threat", "vulnerability", "consequence", "owner", "municipality_action", "source")


# --- helpers ----------------------------------------------------------------------------------------


def get_assessment(session: Session, assessment_id: int) -> RosAssessment:
    return crud.get_or_raise(session, RosAssessment, assessment_id, "ros.not_found")


def person_names(session: Session, usernames) -> dict[str, str]:
    """Username -> the person's name (the username itself for someone not in the user register)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    found = dict(session.execute(select(User.username, User.full_name).where(User.username.in_(wanted))).all())
    return {u: found.get(u) or u for u in wanted}


def label(assessment: RosAssessment) -> str:
    return t("ros.label", title=assessment.title, revision=assessment.revision)


def _assessment_for_edit(session: Session, assessment_id: int, expected_version: int | None) -> RosAssessment:
    return crud.for_edit(session, RosAssessment, assessment_id, expected_version, "ros.not_found", label=label)


def get_risk(session: Session, risk_id: int) -> Risk:
    return crud.get_or_raise(session, Risk, risk_id, "ros.risk.not_found")


def require_not_frozen(assessment: RosAssessment) -> None:
    """An approved or superseded version never changes again (its status neither)."""
    if assessment.status in FROZEN:
        raise BackofficeError(t("ros.frozen", what=label(assessment),
                                status=t(f"ros.status.{assessment.status}").lower()))


def require_editable(assessment: RosAssessment) -> None:
    """Its texts, risks and measures change only while it is a draft: frozen once approved, and locked while it
    waits for the leader (submitted), for everyone, until the leader approves it or sends it back."""
    require_not_frozen(assessment)
    if assessment.status == Status.IN_REVIEW.value:
        raise BackofficeError(t("ros.locked_in_review", what=label(assessment)))


def lock_keys(session: Session, assessment: RosAssessment) -> None:
    """One writer at a time numbering the risks and measures of the assessment's series (see data.locking)."""
    lock_named(session, f"risk.ros.keys.{assessment.series_id or f'a{assessment.id}'}")


def _next_key(session: Session, model, series_id: int | None, assessment_id: int | None, prefix: str) -> str:
    """Next free key (R-07, T-03) over every revision of the series, so keys are never reused."""
    query = select(model.key).join(RosAssessment, model.assessment_id == RosAssessment.id)
    if series_id is not None:
        query = query.where(RosAssessment.series_id == series_id)
    else:
        query = query.where(RosAssessment.id == assessment_id)
    numbers = [int(m.group(1)) for key in session.scalars(query) if (m := re.search(r"(\d+)$", key or ""))]
    return f"{prefix}-{(max(numbers, default=0) + 1):02d}"


def _check_target(session: Session, data: AssessmentIn) -> None:
    if data.service_code:
        get_service(session, data.service_code)
    if data.component_code:
        crud.scalar_or_raise(session, select(Component.id).where(Component.code == data.component_code),
                             "component.not_found", code=data.component_code)


# --- assessments ------------------------------------------------------------------------------------


def create_assessment(session: Session, actor: Actor, payload) -> RosAssessment:
    actor.require("risk.write")
    data = validate(AssessmentIn, payload)
    _check_target(session, data)
    matrix = matrices.get_matrix(session, data.matrix_id) if data.matrix_id else matrices.current_matrix(session)
    assessment = RosAssessment(
        scope=data.scope.value, service_code=data.service_code, component_code=data.component_code,
        title=data.title, context=data.context, participants=data.participants, assessed_on=data.assessed_on,
        status=Status.DRAFT.value, matrix_id=matrix.id, revision=1, is_current=True, created_by=actor.username,
    )
    session.add(assessment)
    session.flush()
    assessment.series_id = assessment.id
    session.flush()
    return assessment


def update_assessment(session: Session, actor: Actor, assessment_id: int, payload,
                      expected_version: int | None = None) -> RosAssessment:
    actor.require("risk.write")
    data = validate(AssessmentIn, payload)
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    require_editable(assessment)
    _check_target(session, data)
    if data.matrix_id and data.matrix_id != assessment.matrix_id:
        new_matrix = matrices.get_matrix(session, data.matrix_id)
        problems = []
        for risk in assessment.risks:
            for stage in STAGES:
                problems += matrices.stage_problems(new_matrix, _stage_of(risk, stage), f"{risk.key}.{stage}")
        if problems:
            raise ValidationFailed(problems, t("ros.matrix.does_not_fit", matrix=new_matrix.name))
        assessment.matrix_id = new_matrix.id
        assessment.matrix = new_matrix
        for risk in assessment.risks:
            _apply_scores(risk, new_matrix)
    for field in ("title", "context", "participants", "assessed_on"):
        setattr(assessment, field, getattr(data, field))
    assessment.scope, assessment.service_code, assessment.component_code = (
        data.scope.value, data.service_code, data.component_code)
    session.flush()
    return assessment


def set_status(session: Session, actor: Actor, assessment_id: int, status: str,
               expected_version: int | None = None, approver: str | None = None) -> RosAssessment:
    """A version's way to the leader's signature: draft -> in review (`submit`, the security officer),
    in review -> draft (`withdraw`; the leader sends back with `send_back`), in review -> approved (`approve`,
    the leader, never the one who submitted it). Approving freezes the revision and supersedes the previous one."""
    if status == Status.IN_REVIEW.value:
        return submit(session, actor, assessment_id, expected_version)
    if status == Status.APPROVED.value:
        return approve(session, actor, assessment_id, expected_version, approver=approver)
    if status == Status.DRAFT.value:
        return withdraw(session, actor, assessment_id, expected_version)
    actor.require("risk.write")
    raise BackofficeError(t("ros.bad_status", status=status))


def submit(session: Session, actor: Actor, assessment_id: int, expected_version: int | None = None) -> RosAssessment:
    """The security officer submits a draft for the leader's approval (it waits in the leader's queue)."""
    actor.require("risk.write")
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    require_not_frozen(assessment)
    if assessment.status != Status.DRAFT.value:
        raise BackofficeError(t("ros.submit_needs_draft", what=label(assessment),
                                status=t(f"ros.status.{assessment.status}")))
    if not assessment.risks:
        raise BackofficeError(t("ros.approve_needs_risks"))
    assessment.status = Status.IN_REVIEW.value
    assessment.submitted_by, assessment.submitted_at = actor.username, utcnow()
    assessment.returned_by = assessment.returned_at = None
    assessment.return_note = ""
    session.flush()
    return assessment


def withdraw(session: Session, actor: Actor, assessment_id: int, expected_version: int | None = None) -> RosAssessment:
    """The security officer takes a submitted version back to draft (to change it before the leader signs); it
    leaves the leader's queue and must be submitted again."""
    actor.require("risk.write")
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    require_not_frozen(assessment)
    assessment.status = Status.DRAFT.value
    assessment.submitted_by = assessment.submitted_at = None
    session.flush()
    return assessment


def _require_in_review(assessment: RosAssessment) -> None:
    if assessment.status != Status.IN_REVIEW.value:
        raise BackofficeError(t("ros.approve_needs_review", what=label(assessment),
                                status=t(f"ros.status.{assessment.status}")))


def approve(session: Session, actor: Actor, assessment_id: int, expected_version: int | None = None,
            approver: str | None = None) -> RosAssessment:
    """The leader approves a submitted version: it is frozen, and supersedes the approved one before it. Whoever
    submitted or registered (started) the version cannot approve it (risk/signoff.py).

    The approver is the leader's own name; `approver` is honoured only for the local operator (the demo
    loader recording a past decision)."""
    actor.require("risk.approve")
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    require_not_frozen(assessment)
    require_other_person(actor, "risk.approve", t("ros.four_eyes.what_ros", label=label(assessment)),
                         submitted=assessment.submitted_by, registered=assessment.created_by)
    _require_in_review(assessment)
    if not assessment.risks:
        raise BackofficeError(t("ros.approve_needs_risks"))
    _approve(session, actor, assessment, (approver if actor.owns_every_service and approver else None) or actor.label)
    session.flush()
    return assessment


def send_back(session: Session, actor: Actor, assessment_id: int, reason: str,
              expected_version: int | None = None) -> RosAssessment:
    """The leader sends a submitted version back to draft, saying why (shown to the security officer)."""
    actor.require("risk.approve")
    data = validate(SendBackIn, {"reason": reason})
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    require_not_frozen(assessment)
    _require_in_review(assessment)
    assessment.status = Status.DRAFT.value
    assessment.submitted_by = assessment.submitted_at = None
    assessment.returned_by, assessment.returned_at, assessment.return_note = actor.username, utcnow(), data.reason
    session.flush()
    return assessment


def _approve(session: Session, actor: Actor, assessment: RosAssessment, approver: str) -> None:
    now = utcnow()
    for other in session.scalars(select(RosAssessment).where(RosAssessment.series_id == assessment.series_id,
                                                             RosAssessment.id != assessment.id)):
        if other.status == Status.APPROVED.value:
            other.status = Status.SUPERSEDED.value
        other.is_current = False
    assessment.status = Status.APPROVED.value
    assessment.is_current = True
    assessment.approved_by = approver
    assessment.approved_at = now
    reviews = [r.next_review for r in assessment.risks if r.next_review]
    yearly = matrices.review_date(assessment.matrix, "green", now.date())
    assessment.next_review = min(reviews + [yearly]) if reviews else yearly
    assessment.next_review = max(assessment.next_review, now.date() + timedelta(days=1))
    if assessment.scope == Scope.SERVICE.value and assessment.service_code:
        for trigger in session.scalars(select(ReviewTrigger).where(ReviewTrigger.service_code == assessment.service_code,
                                                                   ReviewTrigger.resolved_at.is_(None))):
            trigger.resolved_at, trigger.resolved_by = now, actor.username
            trigger.resolution = t("ros.trigger.resolved_by_approval", what=label(assessment))


def start_revision(session: Session, actor: Actor, assessment_id: int) -> RosAssessment:
    """A new draft revision copied from an approved one (risks, scores, measures and their links)."""
    actor.require("risk.write")
    source = get_assessment(session, assessment_id)
    if source.status not in FROZEN:
        raise BackofficeError(t("ros.revision_needs_approved", what=label(source)))
    open_one = session.scalar(select(RosAssessment).where(
        RosAssessment.series_id == source.series_id,
        RosAssessment.status.in_((Status.DRAFT.value, Status.IN_REVIEW.value))))
    if open_one is not None:
        raise BackofficeError(t("ros.revision_exists", what=label(open_one)))
    latest = session.scalar(select(func.max(RosAssessment.revision)).where(RosAssessment.series_id == source.series_id))
    copy = RosAssessment(
        series_id=source.series_id, revision=latest + 1, previous_id=source.id, is_current=False,
        scope=source.scope, service_code=source.service_code, component_code=source.component_code,
        title=source.title, context=source.context, participants=source.participants, assessed_on=date.today(),
        status=Status.DRAFT.value, matrix_id=source.matrix_id, created_by=actor.username,
    )
    session.add(copy)
    session.flush()
    risks_by_key = {}
    for risk in source.risks:
        new = Risk(assessment_id=copy.id, **{c: getattr(risk, c) for c in _risk_copy_columns()})
        session.add(new)
        risks_by_key[risk.key] = new
    session.flush()
    for measure in source.measures:
        new = Measure(assessment_id=copy.id, **{c: getattr(measure, c) for c in _measure_copy_columns()})
        new.risks = [risks_by_key[r.key] for r in measure.risks if r.key in risks_by_key]
        session.add(new)
    session.flush()
    session.refresh(copy)
    return copy


def _risk_copy_columns() -> list[str]:
    skip = {"id", "assessment_id", "version", "created_at"}
    return [c.key for c in Risk.__table__.columns if c.key not in skip]


def _measure_copy_columns() -> list[str]:
    skip = {"id", "assessment_id", "version", "created_at"}
    return [c.key for c in Measure.__table__.columns if c.key not in skip]


def discard_draft(session: Session, actor: Actor, assessment_id: int) -> None:
    """Delete a draft that was never approved (a revision, or a new assessment). Cannot be undone."""
    actor.require("risk.write")
    assessment = get_assessment(session, assessment_id)
    require_editable(assessment)
    risk_ids = [r.id for r in assessment.risks]
    if risk_ids and session.scalar(select(func.count()).select_from(RiskAcceptance)
                                   .where(RiskAcceptance.risk_id.in_(risk_ids))):
        raise BackofficeError(t("ros.discard_has_acceptances"))
    previous = session.get(RosAssessment, assessment.previous_id) if assessment.previous_id else None
    session.delete(assessment)
    session.flush()
    if previous is not None and not session.scalar(select(func.count()).select_from(RosAssessment).where(
            RosAssessment.series_id == previous.series_id, RosAssessment.is_current.is_(True))):
        previous.is_current = True
        session.flush()


def current_assessment_for_service(session: Session, service_code: str, actor: Actor | None = None, *,
                                   for_edit: bool = False) -> RosAssessment:
    """The open (draft / in review) ROS of a service, else its approved one; a new draft when none exists.

    With `for_edit=True` an approved ROS is not returned as such: a revision is started from it (so
    risks can be added), which needs `actor` with the risk.write permission.
    """
    service = get_service(session, service_code)
    base = select(RosAssessment).where(RosAssessment.scope == Scope.SERVICE.value,
                                       RosAssessment.service_code == service.code)
    open_one = session.scalar(base.where(RosAssessment.status.in_((Status.DRAFT.value, Status.IN_REVIEW.value)))
                              .order_by(RosAssessment.is_current.desc(), RosAssessment.id.desc()).limit(1))
    if open_one is not None:
        return open_one
    approved = session.scalar(base.where(RosAssessment.status == Status.APPROVED.value)
                              .order_by(RosAssessment.id.desc()).limit(1))
    if approved is not None:
        if not for_edit:
            return approved
        if actor is None:
            raise PermissionDenied(t("error.permission_denied", what=t("permission.risk.write")))
        return start_revision(session, actor, approved.id)
    if actor is not None:
        actor.require("risk.write")
    who = actor.username if actor else getattr(session.info.get("actor"), "username", "system")
    matrix = matrices.current_matrix(session)
    assessment = RosAssessment(scope=Scope.SERVICE.value, service_code=service.code,
                               title=t("ros.auto_title", service=service.name), assessed_on=date.today(),
                               status=Status.DRAFT.value, matrix_id=matrix.id, revision=1, is_current=True,
                               created_by=who, context=t("ros.auto_context"))
    session.add(assessment)
    session.flush()
    assessment.series_id = assessment.id
    session.flush()
    return assessment


# --- risks ------------------------------------------------------------------------------------------


def _stage_of(risk: Risk, stage: str):
    likelihood = getattr(risk, f"{stage}_likelihood")
    consequences = getattr(risk, f"{stage}_consequences")
    if likelihood is None or not consequences:
        return None
    return StageIn(likelihood=likelihood, consequences=consequences)


def effective_stage(risk: Risk, stage: str) -> tuple[int, dict]:
    """Current falls back to inherent, residual to current: what the scores say when a stage is blank."""
    order = STAGES[: STAGES.index(stage) + 1]
    for name in reversed(order):
        likelihood = getattr(risk, f"{name}_likelihood")
        consequences = getattr(risk, f"{name}_consequences")
        if likelihood is not None and consequences:
            return likelihood, consequences
    return risk.inherent_likelihood, risk.inherent_consequences or {}


def _apply_scores(risk: Risk, matrix) -> None:
    for stage in STAGES:
        likelihood, consequences = effective_stage(risk, stage)
        result = matrices.score(matrix, likelihood, consequences)
        setattr(risk, f"{stage}_score", result.score)
        setattr(risk, f"{stage}_level", result.level)
    risk.above_acceptance = not matrices.acceptable(matrix, risk.current_level)


def _fill_risk(risk: Risk, data: RiskIn, assessment: RosAssessment) -> None:
    matrix = assessment.matrix
    matrices.check_stages(matrix, {stage: getattr(data, stage) for stage in STAGES})
    for field in RISK_TEXT_FIELDS:
        setattr(risk, field, getattr(data, field))
    for stage in STAGES:
        value = getattr(data, stage)
        setattr(risk, f"{stage}_likelihood", value.likelihood if value else None)
        setattr(risk, f"{stage}_consequences", dict(value.consequences) if value else None)
    risk.knowledge, risk.treatment = data.knowledge.value, data.treatment.value
    risk.due_date = data.due_date
    _apply_scores(risk, matrix)
    risk.next_review = data.next_review or matrices.review_date(matrix, risk.current_level, assessment.assessed_on)


RISK_KEY_ONCE = unique_key(Risk, "uq_ros_risk_assessment_id_key")


def _risk_key_taken(key: str) -> BackofficeError:
    return BackofficeError(t("ros.risk.key_taken", key=key))


def _check_risk_key(session: Session, assessment_id: int, key: str) -> None:
    if session.scalar(select(Risk.id).where(Risk.assessment_id == assessment_id, Risk.key == key)):
        raise _risk_key_taken(key)


def add_risk(session: Session, actor: Actor, assessment_id: int, payload) -> Risk:
    """A new risk in a draft assessment; key, scores, level and next review are derived."""
    actor.require("risk.write")
    data = validate(RiskIn, payload)
    assessment = get_assessment(session, assessment_id)
    require_editable(assessment)
    lock_keys(session, assessment)
    key = data.key or _next_key(session, Risk, assessment.series_id, assessment.id, "R")
    _check_risk_key(session, assessment.id, key)
    with refusing_duplicates(session, (RISK_KEY_ONCE,), lambda: _risk_key_taken(key)), session.no_autoflush:
        risk = Risk(assessment_id=assessment.id, key=key)
        _fill_risk(risk, data, assessment)
        risk.assessment = assessment
        session.add(risk)
    return risk


def update_risk(session: Session, actor: Actor, risk_id: int, payload, expected_version: int | None = None) -> Risk:
    actor.require("risk.write")
    data = validate(RiskIn, payload)
    risk = crud.for_edit(session, Risk, risk_id, expected_version, "ros.risk.not_found",
                         label=lambda row: f"{row.key} {row.title}")
    require_editable(risk.assessment)
    _fill_risk(risk, data, risk.assessment)
    session.flush()
    return risk


def delete_risk(session: Session, actor: Actor, risk_id: int) -> None:
    actor.require("risk.write")
    risk = get_risk(session, risk_id)
    require_editable(risk.assessment)
    if session.scalar(select(func.count()).select_from(RiskAcceptance).where(RiskAcceptance.risk_id == risk.id)):
        raise BackofficeError(t("ros.risk.has_acceptance", key=risk.key))
    assessment = risk.assessment
    for measure in list(risk.measures):
        measure.risks.remove(risk)
    assessment.risks.remove(risk)    # delete-orphan: the row goes, and loaded collections stay right
    session.flush()


def risk_payload(risk: Risk) -> dict:
    """The risk as a RiskIn-shaped dict (to prefill a form or copy)."""
    out = {field: getattr(risk, field) for field in RISK_TEXT_FIELDS}
    for stage in STAGES:
        stage_value = _stage_of(risk, stage)
        out[stage] = stage_value.model_dump() if stage_value else None
    out.update(key=risk.key, knowledge=risk.knowledge, treatment=risk.treatment, next_review=risk.next_review,
               due_date=risk.due_date)
    return out


# --- acceptance ---------------------------------------------------------------------------------------


def snapshot(risk: Risk) -> dict:
    """The risk exactly as it is now, with its scores, levels, measures and the matrix used."""
    assessment = risk.assessment
    data = risk_payload(risk)
    for stage in STAGES:
        data[f"{stage}_score"] = getattr(risk, f"{stage}_score")
        data[f"{stage}_level"] = getattr(risk, f"{stage}_level")
    data["above_acceptance"] = risk.above_acceptance
    data["next_review"] = risk.next_review.isoformat() if risk.next_review else None
    data["due_date"] = risk.due_date.isoformat() if risk.due_date else None
    data["measures"] = [{"key": m.key, "title": m.title, "status": m.status, "owner": m.owner,
                         "due_date": m.due_date.isoformat() if m.due_date else None} for m in risk.measures]
    data["assessment"] = {"id": assessment.id, "title": assessment.title, "revision": assessment.revision,
                          "status": assessment.status, "service_code": assessment.service_code,
                          "assessed_on": assessment.assessed_on.isoformat()}
    data["matrix"] = matrices.definition(assessment.matrix)
    return data


def get_acceptance(session: Session, acceptance_id: int) -> RiskAcceptance:
    return crud.get_or_raise(session, RiskAcceptance, acceptance_id, "ros.acceptance.not_found")


def _pending_request(session: Session, series_id: int, risk_key: str) -> RiskAcceptance | None:
    return session.scalar(select(RiskAcceptance).where(RiskAcceptance.series_id == series_id,
                                                       RiskAcceptance.risk_key == risk_key,
                                                       RiskAcceptance.decision == Decision.PENDING.value)
                          .order_by(RiskAcceptance.id).limit(1))


def request_acceptance(session: Session, actor: Actor, risk_id: int, payload) -> RiskAcceptance:
    """The security officer asks the leader to accept a risk (why, and a proposed expiry); the request
    waits in the leader's queue with a snapshot of the risk as it is now."""
    actor.require("risk.write")
    data = validate(AcceptanceRequestIn, payload)
    risk = get_risk(session, risk_id)
    if risk.assessment.status == Status.SUPERSEDED.value:
        raise BackofficeError(t("ros.acceptance.superseded", key=risk.key))
    lock_named(session, f"risk.ros.acceptance.{risk.assessment.series_id}.{risk.key}")
    if _pending_request(session, risk.assessment.series_id, risk.key) is not None:
        raise BackofficeError(t("ros.acceptance.already_pending", key=risk.key))
    request = RiskAcceptance(
        risk_id=risk.id, series_id=risk.assessment.series_id, risk_key=risk.key, decision=Decision.PENDING.value,
        approver="", rationale="", decided_on=None, expires_on=data.expires_on, snapshot=snapshot(risk),
        requested_by=actor.username, requested_at=utcnow(), request_note=data.rationale, recorded_by=actor.username,
    )
    session.add(request)
    session.flush()
    return request


def decide_acceptance(session: Session, actor: Actor, acceptance_id: int, payload,
                      approver: str | None = None) -> RiskAcceptance:
    """The leader grants (with a reason and an expiry date) or refuses (with a reason) a request; whoever
    requested it, or registered the ROS version the risk is in, cannot decide it (risk/signoff.py). The risk is frozen in the decision as it is at this moment.
    `approver` is honoured only for the local operator (the demo loader recording a past decision)."""
    actor.require("risk.approve")
    data = validate(AcceptanceDecisionIn, payload)
    lock(session, select(RiskAcceptance).where(RiskAcceptance.id == acceptance_id))
    request = get_acceptance(session, acceptance_id)
    require_other_person(actor, "risk.approve", t("ros.four_eyes.what_acceptance", key=request.risk_key),
                         requested=request.requested_by)
    risk = get_risk(session, request.risk_id)
    require_other_person(actor, "risk.approve",
                         t("ros.four_eyes.what_acceptance_ros", key=request.risk_key, label=label(risk.assessment)),
                         registered=risk.assessment.created_by)
    if request.decision != Decision.PENDING.value:
        raise BackofficeError(t("ros.acceptance.already_decided", key=request.risk_key,
                                decision=t(f"ros.decision.{request.decision}"), approver=request.approver))
    request.decision, request.rationale = data.decision.value, data.rationale
    request.decided_on, request.expires_on = data.decided_on, data.expires_on
    request.decided_by = actor.username
    request.approver = (approver if actor.owns_every_service and approver else None) or actor.label
    request.snapshot = snapshot(risk)
    request.recorded_by = actor.username
    session.flush()
    return request


def acceptance_rows(session: Session, series_id: int | None = None, risk_key: str | None = None,
                    service_code: str | None = None, decisions: tuple = ()) -> list[dict]:
    """Requests and decisions, newest first; `expired`: an acceptance past its expiry (the risk is back
    in review)."""
    query = (select(RiskAcceptance, RosAssessment.service_code, RosAssessment.title, User.full_name)
             .join(Risk, Risk.id == RiskAcceptance.risk_id)
             .join(RosAssessment, RosAssessment.id == Risk.assessment_id)
             .outerjoin(User, User.username == RiskAcceptance.requested_by)
             .order_by(RiskAcceptance.id.desc()))
    if series_id is not None:
        query = query.where(RiskAcceptance.series_id == series_id)
    if risk_key:
        query = query.where(RiskAcceptance.risk_key == risk_key)
    if service_code:
        query = query.where(RosAssessment.service_code == service_code)
    if decisions:
        query = query.where(RiskAcceptance.decision.in_(decisions))
    today = date.today()
    rows = []
    for acc, service, title, requester in session.execute(query):
        snap = acc.snapshot or {}
        rows.append({
            "id": acc.id, "risk_id": acc.risk_id, "series_id": acc.series_id, "risk_key": acc.risk_key,
            "risk_title": snap.get("title", ""), "service_code": service,
            "assessment": f"{title} v{(snap.get('assessment') or {}).get('revision', '')}",
            "decision": acc.decision, "approver": acc.approver, "rationale": acc.rationale,
            "decided_on": acc.decided_on, "expires_on": acc.expires_on,
            "expired": (acc.decision == Decision.ACCEPTED.value and acc.expires_on is not None
                        and acc.expires_on < today),
            "requested_by": acc.requested_by, "requested_by_name": requester or acc.requested_by,
            "requested_at": acc.requested_at, "request_note": acc.request_note,
            "level_then": snap.get("current_level"), "score_then": snap.get("current_score"),
            "residual_then": snap.get("residual_level"), "recorded_by": acc.recorded_by, "snapshot": snap,
        })
    return rows


def acceptance_state(session: Session, risk: Risk) -> dict | None:
    """The latest decision on this risk (by key, across revisions): valid, expired (the risk is back in
    review), or changed since; and whether a request is waiting for the leader."""
    series_id = risk.assessment.series_id
    pending = _pending_request(session, series_id, risk.key)
    acc = session.scalar(select(RiskAcceptance).where(RiskAcceptance.series_id == series_id,
                                                      RiskAcceptance.risk_key == risk.key,
                                                      RiskAcceptance.decision != Decision.PENDING.value)
                         .order_by(RiskAcceptance.decided_on.desc(), RiskAcceptance.id.desc()).limit(1))
    if acc is None:
        return None if pending is None else {"decision": None, "pending_id": pending.id}
    snap = acc.snapshot or {}
    changed = (snap.get("current_score"), snap.get("residual_score")) != (risk.current_score, risk.residual_score)
    expired = (acc.decision == Decision.ACCEPTED.value and acc.expires_on is not None
               and acc.expires_on < date.today())
    return {"decision": acc.decision, "approver": acc.approver, "decided_on": acc.decided_on,
            "expires_on": acc.expires_on, "expired": expired, "changed_since": changed, "id": acc.id,
            "pending_id": pending.id if pending is not None else None}


def expired_acceptances(session: Session, service_code: str | None = None) -> list[dict]:
    """Risks of assessments in force whose acceptance has run out: back in review, on the security
    officer's list. Computed from the expiry date when read (no job runs at midnight)."""
    today = date.today()
    latest = _latest_acceptances(session)
    query = (select(Risk.id, Risk.key, Risk.title, Risk.owner, Risk.current_level, RosAssessment.id.label("assessment_id"),
                    RosAssessment.series_id, RosAssessment.title.label("a_title"), RosAssessment.revision,
                    RosAssessment.service_code)
             .join(RosAssessment, RosAssessment.id == Risk.assessment_id)
             .where(RosAssessment.is_current.is_(True)).order_by(RosAssessment.service_code, Risk.key))
    if service_code:
        query = query.where(RosAssessment.service_code == service_code)
    rows = []
    for r in session.execute(query).mappings():
        acc = latest.get((r["series_id"], r["key"]))
        if not acc or acc["decision"] != Decision.ACCEPTED.value or acc["expires_on"] is None \
                or acc["expires_on"] >= today:
            continue
        rows.append({"risk_id": r["id"], "key": r["key"], "title": r["title"], "owner": r["owner"],
                     "current_level": r["current_level"], "service_code": r["service_code"] or "",
                     "assessment_id": r["assessment_id"],
                     "assessment": t("ros.label", title=r["a_title"], revision=r["revision"]),
                     "expired_on": acc["expires_on"], "approver": acc["approver"],
                     "days_expired": (today - acc["expires_on"]).days})
    return rows


# --- comparison -----------------------------------------------------------------------------------------


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return day(value)
    if isinstance(value, dict):
        return ", ".join(f"{t(f'ros.dim.{k}')} {v}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _risk_fields(risk: Risk) -> dict:
    out = {f: getattr(risk, f) for f in RISK_TEXT_FIELDS if f != "source"}
    for stage in STAGES:
        out[f"{stage}_likelihood"] = getattr(risk, f"{stage}_likelihood")
        out[f"{stage}_consequences"] = getattr(risk, f"{stage}_consequences")
        out[f"{stage}_level"] = t(f"ros.level.{getattr(risk, f'{stage}_level')}")
        out[f"{stage}_score"] = getattr(risk, f"{stage}_score")
    out.update(knowledge=t(f"ros.knowledge.{risk.knowledge}"), treatment=t(f"ros.treatment.{risk.treatment}"),
               next_review=risk.next_review, due_date=risk.due_date, measures=[m.key for m in risk.measures])
    return out


def _measure_fields(measure: Measure) -> dict:
    return {"title": measure.title, "description": measure.description, "owner": measure.owner,
            "due_date": measure.due_date, "status": t(f"ros.measure.status.{measure.status}"),
            "cost_ore": measure.cost_ore, "effect": measure.effect, "risks": [r.key for r in measure.risks]}


def compare(session: Session, first_id: int, second_id: int) -> list[dict]:
    """What changed from the older to the newer of two revisions of one assessment: one row per change."""
    first, second = get_assessment(session, first_id), get_assessment(session, second_id)
    if first.series_id != second.series_id:
        raise BackofficeError(t("ros.compare_other_series"))
    older, newer = sorted((first, second), key=lambda a: a.revision)
    rows: list[dict] = []

    def add(kind, key, title, change, field="", before=None, after=None):
        rows.append({"kind": t(f"ros.compare.kind.{kind}"), "key": key, "title": title,
                     "change": t(f"ros.compare.{change}"), "field": field and t(f"ros.field.{field}"),
                     "before": _fmt(before), "after": _fmt(after)})

    for field in ("title", "context", "participants", "assessed_on", "status"):
        before, after = getattr(older, field), getattr(newer, field)
        if field == "status":
            before, after = t(f"ros.status.{before}"), t(f"ros.status.{after}")
        if before != after:
            add("assessment", "", newer.title, "changed", field, before, after)
    if older.matrix_id != newer.matrix_id:
        add("assessment", "", newer.title, "changed", "matrix", f"{older.matrix.name} r{older.matrix.revision}",
            f"{newer.matrix.name} r{newer.matrix.revision}")
    for kind, old_items, new_items, fields in (
        ("risk", older.risks, newer.risks, _risk_fields),
        ("measure", older.measures, newer.measures, _measure_fields),
    ):
        old_by_key = {i.key: i for i in old_items}
        new_by_key = {i.key: i for i in new_items}
        for key in sorted(set(old_by_key) | set(new_by_key)):
            old, new = old_by_key.get(key), new_by_key.get(key)
            if old is None:
                add(kind, key, new.title, "added")
            elif new is None:
                add(kind, key, old.title, "removed")
            else:
                before, after = fields(old), fields(new)
                for field in before:
                    if before[field] != after[field]:
                        add(kind, key, new.title, "changed", field, before[field], after[field])
    return rows


def series_revisions(session: Session, series_id: int) -> list[dict]:
    return [{"id": a.id, "revision": a.revision, "status": a.status, "assessed_on": a.assessed_on,
             "approved_at": a.approved_at, "approved_by": a.approved_by, "is_current": a.is_current}
            for a in session.scalars(select(RosAssessment).where(RosAssessment.series_id == series_id)
                                     .order_by(RosAssessment.revision))]


# --- review triggers --------------------------------------------------------------------------------------


def mark_review_due(session: Session, actor: Actor, service_code: str, reason: str, kind: str = "change",
                    reference: str = "") -> ReviewTrigger:
    """Mark a service's ROS as due for review (a significant change, a security incident, ...).

    Any signed-in role may raise this (the change board, support): it asks for a review and changes
    no assessment. Who asked, in which role, and why are kept, and the audit log records it.
    """
    if actor is None or not actor.roles:
        raise PermissionDenied(t("ros.trigger.needs_user"))
    data = validate(TriggerIn, {"kind": kind, "reason": reason, "reference": reference})
    service = get_service(session, service_code)
    trigger = ReviewTrigger(service_code=service.code, kind=data.kind.value, reason=data.reason,
                            reference=data.reference, requested_by=actor.username,
                            requested_role=",".join(sorted(actor.roles)))
    session.add(trigger)
    session.flush()
    return trigger


def resolve_trigger(session: Session, actor: Actor, trigger_id: int, resolution: str) -> ReviewTrigger:
    actor.require("risk.write")
    trigger = crud.get_or_raise(session, ReviewTrigger, trigger_id, "ros.trigger.not_found")
    if trigger.resolved_at is not None:
        raise BackofficeError(t("ros.trigger.already_resolved"))
    if not resolution.strip():
        raise ValidationFailed([RowError(None, "resolution", t("ros.trigger.needs_resolution"))])
    trigger.resolved_at, trigger.resolved_by, trigger.resolution = utcnow(), actor.username, resolution.strip()
    session.flush()
    return trigger


def open_triggers(session: Session, service_code: str | None = None) -> list[ReviewTrigger]:
    query = select(ReviewTrigger).where(ReviewTrigger.resolved_at.is_(None)).order_by(ReviewTrigger.requested_at)
    if service_code:
        query = query.where(ReviewTrigger.service_code == service_code)
    return list(session.scalars(query))


# --- reads for pages, exports, KPIs --------------------------------------------------------------------


def _current_filter(query, current_only: bool):
    return query.where(RosAssessment.is_current.is_(True)) if current_only else query


OPEN = (Status.DRAFT.value, Status.IN_REVIEW.value)


def assessment_rows(session: Session, service_code: str | None = None, statuses: tuple = (),
                    current_only: bool = False, with_open: bool = False) -> list[dict]:
    """The assessments, by scope, service and series, newest revision first; `current_only`: the versions in
    force, and with `with_open` also the open revisions (draft or submitted) being worked on."""
    counts = (select(Risk.assessment_id, func.count().label("risks"),
                     func.sum(case((Risk.above_acceptance.is_(True), 1), else_=0)).label("above"))
              .group_by(Risk.assessment_id).subquery())
    query = (select(RosAssessment, Service.name, counts.c.risks, counts.c.above)
             .outerjoin(Service, Service.code == RosAssessment.service_code)
             .outerjoin(counts, counts.c.assessment_id == RosAssessment.id)
             .order_by(RosAssessment.scope, RosAssessment.service_code, RosAssessment.series_id,
                       RosAssessment.revision.desc()))
    if current_only and with_open:
        query = query.where(RosAssessment.is_current.is_(True) | RosAssessment.status.in_(OPEN))
    else:
        query = _current_filter(query, current_only)
    if service_code == "-":
        query = query.where(RosAssessment.service_code.is_(None))
    elif service_code:
        query = query.where(RosAssessment.service_code == service_code)
    if statuses:
        query = query.where(RosAssessment.status.in_(statuses))
    return [{
        "id": a.id, "series_id": a.series_id, "revision": a.revision, "version": a.version, "title": a.title,
        "scope": a.scope, "service_code": a.service_code, "service": service_name or "",
        "component_code": a.component_code, "status": a.status, "is_current": a.is_current,
        "assessed_on": a.assessed_on, "approved_by": a.approved_by,
        "approved_on": a.approved_at.date() if a.approved_at else None, "next_review": a.next_review,
        "risks": int(risks or 0), "above": int(above or 0),
    } for a, service_name, risks, above in session.execute(query)]


def opening_order(rows: list[dict], actor: Actor, may_edit: bool) -> tuple[list[int], int | None]:
    """The order a ROS or DPIA chooser lists `rows` in, and the one the page opens on.

    Someone who may edit (`may_edit`) opens on the latest draft, of their own services first; the drafts come
    first in the list, then what waits for approval, then the rest. Everyone else gets their own services'
    versions first and no version chosen (None): the page shows the chooser, not a locked version. Rows need
    "id", "status" and "service_code"; a link (`?ros=`) chooses before this does."""
    owned = actor.owned_services

    def rank(row: dict) -> tuple:
        if may_edit and row["status"] == Status.DRAFT.value:
            state = 0
        elif row["status"] == Status.IN_REVIEW.value and (may_edit or actor.can("risk.approve")):
            state = 1
        else:
            state = 2
        return state, row["service_code"] not in owned, -row["id"] if state < 2 else 0

    ordered = [row["id"] for row in sorted(rows, key=rank)]
    drafts = [row for row in rows if row["status"] == Status.DRAFT.value]
    opening = min(drafts, key=rank)["id"] if may_edit and drafts else None
    return ordered, opening


RISK_COLUMNS = (Risk.id, Risk.version, Risk.key, Risk.title, Risk.threat, Risk.vulnerability, Risk.consequence,
                Risk.inherent_level, Risk.inherent_score, Risk.current_level, Risk.current_score, Risk.residual_level,
                Risk.residual_score, Risk.above_acceptance, Risk.knowledge, Risk.owner, Risk.treatment,
                Risk.next_review, Risk.due_date, Risk.municipality_action, Risk.source)


def _effective_likelihood(stage: str):
    """SQL: the stage's likelihood, falling back to the stage before (as `effective_stage` does)."""
    chain = {"inherent": [Risk.inherent_likelihood],
             "current": [Risk.current_likelihood, Risk.inherent_likelihood],
             "residual": [Risk.residual_likelihood, Risk.current_likelihood, Risk.inherent_likelihood]}[stage]
    return func.coalesce(*chain) if len(chain) > 1 else chain[0]


def _scope_filters(query, service_code, current_only: bool, assessment_id: int | None):
    if assessment_id is not None:
        return query.where(RosAssessment.id == assessment_id)
    query = _current_filter(query, current_only)
    if service_code == "-":
        return query.where(RosAssessment.service_code.is_(None))
    if service_code:
        return query.where(RosAssessment.service_code == service_code)
    return query


def risk_rows(session: Session, service_code: str | None = None, levels: tuple = (), owner: str | None = None,
              statuses: tuple = (), current_only: bool = True, assessment_id: int | None = None,
              above_only: bool = False) -> list[dict]:
    """The risk register: one row per risk with its assessment, levels, measures and acceptance.

    A column select (no ORM objects, no JSON decoding), so it stays quick with thousands of risks.
    """
    query = (select(*RISK_COLUMNS, _effective_likelihood("current").label("current_likelihood"),
                    RosAssessment.id.label("assessment_id"), RosAssessment.series_id, RosAssessment.title.label("a_title"),
                    RosAssessment.revision, RosAssessment.scope, RosAssessment.service_code, RosAssessment.status)
             .join(RosAssessment, RosAssessment.id == Risk.assessment_id)
             .order_by(Risk.current_score.desc(), RosAssessment.service_code, Risk.key))
    query = _scope_filters(query, service_code, current_only, assessment_id)
    if levels:
        query = query.where(Risk.current_level.in_(levels))
    if owner:
        query = query.where(contains_folded(Risk.owner, owner))
    if statuses:
        query = query.where(RosAssessment.status.in_(statuses))
    if above_only:
        query = query.where(Risk.above_acceptance.is_(True))
    records = session.execute(query).mappings().all()
    linked: dict[int, list[tuple[str, str]]] = {}
    if records:
        link_query = (select(measure_risk.c.risk_id, Measure.key, Measure.status)
                      .join(Measure, Measure.id == measure_risk.c.measure_id)
                      .join(RosAssessment, RosAssessment.id == Measure.assessment_id).order_by(Measure.key))
        link_query = _scope_filters(link_query, service_code, current_only, assessment_id)
        for risk_id, key, status in session.execute(link_query):
            linked.setdefault(risk_id, []).append((key, status))
    accepted = _latest_acceptances(session)
    pending = {(series_id, key) for series_id, key in session.execute(
        select(RiskAcceptance.series_id, RiskAcceptance.risk_key)
        .where(RiskAcceptance.decision == Decision.PENDING.value))}
    today = date.today()
    rows = []
    for r in records:
        acc = accepted.get((r["series_id"], r["key"]))
        expired = bool(acc and acc["decision"] == Decision.ACCEPTED.value and acc["expires_on"] is not None
                       and acc["expires_on"] < today)
        measures_of = linked.get(r["id"], [])
        row = {c.key: r[c.key] for c in RISK_COLUMNS}
        row.update({
            "assessment_id": r["assessment_id"], "assessment": t("ros.label", title=r["a_title"], revision=r["revision"]),
            "scope": r["scope"], "service_code": r["service_code"] or "", "status": r["status"],
            "current_likelihood": r["current_likelihood"],
            "review_overdue": r["next_review"] is not None and r["next_review"] < today,
            "measures": ", ".join(key for key, _ in measures_of),
            "open_measures": sum(1 for _, status in measures_of if status in OPEN_MEASURE),
            "accepted_until": acc["expires_on"] if acc and acc["decision"] == Decision.ACCEPTED.value else None,
            "acceptance": acc["decision"] if acc else None,
            # an acceptance past its expiry puts the risk back in review; a request may wait for the leader
            "acceptance_expired": expired,
            "acceptance_pending": (r["series_id"], r["key"]) in pending,
        })
        rows.append(row)
    return rows


RISK_SEARCH_FIELDS = ("key", "title", "threat", "vulnerability", "consequence", "owner")


def search_risks(rows: list[dict], search: str | None) -> list[dict]:
    """The register rows whose key, title, threat, vulnerability, consequence or owner contain `search`."""
    if not search:
        return rows
    needle = search.lower()
    return [r for r in rows if needle in " ".join(str(r[k]) for k in RISK_SEARCH_FIELDS).lower()]


def _latest_acceptances(session: Session) -> dict:
    """(series, risk key) -> the latest decision, as plain values (no snapshot decoding)."""
    latest = {}
    query = (select(RiskAcceptance.id, RiskAcceptance.series_id, RiskAcceptance.risk_key, RiskAcceptance.decision,
                    RiskAcceptance.expires_on, RiskAcceptance.approver)
             .where(RiskAcceptance.decision != Decision.PENDING.value)
             .order_by(RiskAcceptance.decided_on, RiskAcceptance.id))
    for row in session.execute(query).mappings():
        latest[(row["series_id"], row["risk_key"])] = dict(row)
    return latest


def heatmap(session: Session, stage: str = "current", service_code: str | None = None,
            assessment_id: int | None = None) -> dict:
    """Counts of risks per (likelihood, consequence) cell for one stage, with the matrix colours.

    Read from the stored scores (score = likelihood x combined consequence). Risks scored with a matrix of
    another size than the reference matrix are left out and counted in `skipped`.
    """
    if stage not in STAGES:
        raise BackofficeError(t("ros.bad_stage", stage=stage))
    if assessment_id is not None:
        reference = get_assessment(session, assessment_id).matrix
    else:
        reference = matrices.current_matrix(session)
    likelihood = _effective_likelihood(stage)
    query = (select(likelihood.label("likelihood"), getattr(Risk, f"{stage}_score").label("score"), Risk.key,
                    RosAssessment.service_code, RosAssessment.matrix_id)
             .join(RosAssessment, RosAssessment.id == Risk.assessment_id))
    query = _scope_filters(query, service_code, True, assessment_id)
    n_l, n_c = len(reference.likelihood_levels), len(reference.consequence_levels)
    sizes: dict[int, tuple[int, int]] = {}
    counts = [[0] * n_c for _ in range(n_l)]
    keys = [[[] for _ in range(n_c)] for _ in range(n_l)]
    skipped = 0
    for row in session.execute(query).mappings():
        if row["matrix_id"] not in sizes:
            m = matrices.get_matrix(session, row["matrix_id"])
            sizes[row["matrix_id"]] = (len(m.likelihood_levels), len(m.consequence_levels))
        if sizes[row["matrix_id"]] != (n_l, n_c) or not row["likelihood"]:
            skipped += 1
            continue
        li, consequence = row["likelihood"], row["score"] // row["likelihood"]
        if 1 <= li <= n_l and 1 <= consequence <= n_c:
            counts[li - 1][consequence - 1] += 1
            keys[li - 1][consequence - 1].append(f"{row['service_code'] or '-'}:{row['key']}")
    return {"counts": counts, "keys": keys, "levels": matrices.cell_levels(reference),
            "likelihood_labels": [lv["label"] for lv in reference.likelihood_levels],
            "consequence_labels": [lv["label"] for lv in reference.consequence_levels], "skipped": skipped}


def due_reviews(session: Session, service_code: str | None = None, horizon_days: int = 0) -> list[dict]:
    """Everything due for review: raised triggers, overdue risk and assessment reviews, expiring acceptances."""
    today = date.today()
    limit = today + timedelta(days=horizon_days)
    rows = []
    for trigger in open_triggers(session, service_code):
        rows.append({"kind": "trigger", "service_code": trigger.service_code, "what": t(f"ros.trigger.kind.{trigger.kind}"),
                     "detail": trigger.reason, "due": trigger.requested_at.date(), "by": trigger.requested_by,
                     "id": trigger.id, "assessment_id": None})
    risk_query = (select(Risk, RosAssessment).join(RosAssessment, RosAssessment.id == Risk.assessment_id)
                  .where(RosAssessment.is_current.is_(True), Risk.next_review.is_not(None), Risk.next_review <= limit))
    assessment_query = select(RosAssessment).where(RosAssessment.is_current.is_(True),
                                                   RosAssessment.next_review.is_not(None),
                                                   RosAssessment.next_review <= limit)
    if service_code:
        risk_query = risk_query.where(RosAssessment.service_code == service_code)
        assessment_query = assessment_query.where(RosAssessment.service_code == service_code)
    for risk, assessment in session.execute(risk_query):
        rows.append({"kind": "risk", "service_code": assessment.service_code or "", "what": f"{risk.key} {risk.title}",
                     "detail": label(assessment), "due": risk.next_review, "by": risk.owner, "id": risk.id,
                     "assessment_id": assessment.id})
    for assessment in session.scalars(assessment_query):
        rows.append({"kind": "assessment", "service_code": assessment.service_code or "", "what": label(assessment),
                     "detail": t(f"ros.status.{assessment.status}"), "due": assessment.next_review,
                     "by": assessment.approved_by or "", "id": assessment.id, "assessment_id": assessment.id})
    acc_query = (select(RiskAcceptance, Risk, RosAssessment).join(Risk, Risk.id == RiskAcceptance.risk_id)
                 .join(RosAssessment, RosAssessment.id == Risk.assessment_id)
                 .where(RiskAcceptance.decision == Decision.ACCEPTED.value,
                        RiskAcceptance.expires_on <= limit + timedelta(days=30)))
    if service_code:
        acc_query = acc_query.where(RosAssessment.service_code == service_code)
    latest = _latest_acceptances(session)
    for acc, _risk, assessment in session.execute(acc_query):
        if (latest.get((acc.series_id, acc.risk_key)) or {}).get("id") != acc.id:
            continue
        rows.append({"kind": "acceptance", "service_code": assessment.service_code or "",
                     "what": f"{acc.risk_key} {(acc.snapshot or {}).get('title', '')}",
                     "detail": t("ros.acceptance.by", approver=acc.approver, date=day(acc.decided_on)),
                     "due": acc.expires_on, "by": acc.approver, "id": acc.id, "assessment_id": assessment.id})
    for row in rows:
        row["overdue"] = row["due"] is not None and row["due"] < today
    rows.sort(key=lambda r: (r["due"] or today, r["kind"]))
    return rows


def kpi_counts(session: Session) -> dict[str, int]:
    """SQL aggregates for the leader's overview."""
    today = date.today()
    above = session.scalar(select(func.count()).select_from(Risk).join(RosAssessment, RosAssessment.id == Risk.assessment_id)
                           .where(RosAssessment.is_current.is_(True), Risk.above_acceptance.is_(True))) or 0
    overdue = session.scalar(select(func.count()).select_from(Measure)
                             .join(RosAssessment, RosAssessment.id == Measure.assessment_id)
                             .where(RosAssessment.is_current.is_(True), Measure.status.in_(OPEN_MEASURE),
                                    Measure.due_date < today)) or 0
    triggers = session.scalar(select(func.count()).select_from(ReviewTrigger)
                              .where(ReviewTrigger.resolved_at.is_(None))) or 0
    risk_reviews = session.scalar(select(func.count()).select_from(Risk)
                                  .join(RosAssessment, RosAssessment.id == Risk.assessment_id)
                                  .where(RosAssessment.is_current.is_(True), Risk.next_review < today)) or 0
    assessment_reviews = session.scalar(select(func.count()).select_from(RosAssessment)
                                        .where(RosAssessment.is_current.is_(True),
                                               RosAssessment.next_review < today)) or 0
    return {"above": int(above), "overdue_measures": int(overdue),
            "reviews_due": int(triggers + risk_reviews + assessment_reviews), "triggers": int(triggers),
            "expired_acceptances": len(expired_acceptances(session))}


def service_summary(session: Session, service_code: str) -> dict:
    """What the service sheet shows: the service's ROS and its open risks above acceptance."""
    assessment = session.scalar(select(RosAssessment).where(
        RosAssessment.scope == Scope.SERVICE.value, RosAssessment.service_code == service_code,
        RosAssessment.is_current.is_(True)).order_by(RosAssessment.id.desc()).limit(1))
    accepted = _latest_acceptances(session)
    today = date.today()

    def still_open(series_id, key) -> bool:   # a valid acceptance closes a risk; an expired one does not
        acc = accepted.get((series_id, key))
        return not (acc and acc["decision"] == Decision.ACCEPTED.value
                    and (acc["expires_on"] is None or acc["expires_on"] >= today))

    above = [(key, title, level) for key, title, level, series_id in session.execute(
        select(Risk.key, Risk.title, Risk.current_level, RosAssessment.series_id)
        .join(RosAssessment, RosAssessment.id == Risk.assessment_id)
        .where(RosAssessment.is_current.is_(True), RosAssessment.service_code == service_code,
               Risk.above_acceptance.is_(True), Risk.treatment != "avoid")
        .order_by(Risk.current_score.desc(), Risk.key)) if still_open(series_id, key)]
    triggers = len(open_triggers(session, service_code))
    return {"assessment": assessment, "above": above, "triggers": triggers}


def owners(session: Session) -> list[str]:
    return sorted({o for o in session.scalars(select(Risk.owner).distinct()) if o})


def services_with_ros(session: Session) -> list[tuple[str, str]]:
    codes = session.scalars(select(RosAssessment.service_code).where(RosAssessment.service_code.is_not(None))
                            .distinct())
    return crud.service_choices(session, codes=codes)


__all__ = [
    "add_risk", "current_assessment_for_service", "mark_review_due", "create_assessment", "start_revision",
    "set_status", "submit", "approve", "send_back", "compare", "request_acceptance", "decide_acceptance",
    "expired_acceptances", "due_reviews", "risk_rows", "assessment_rows", "opening_order", "heatmap", "approvals",
]


# --- what waits for the leader (the approvals queue) ------------------------------------------------------

ASSESSMENTS_PAGE = "risk/pages/assessments.py"


def approvals(session: Session, _actor: Actor) -> list[Approval]:
    """ROS versions submitted for approval and risk acceptances requested, each with who asked and when."""
    items = []
    for assessment, service_name in session.execute(
            select(RosAssessment, Service.name).outerjoin(Service, Service.code == RosAssessment.service_code)
            .where(RosAssessment.status == Status.IN_REVIEW.value).order_by(RosAssessment.submitted_at)):
        items.append(Approval(
            "ros", label(assessment), assessment.submitted_by or assessment.created_by,
            assessment.submitted_at or assessment.created_at, ASSESSMENTS_PAGE, (("ros", str(assessment.id)),),
            service_name or t(f"ros.scope.{assessment.scope}")))
    for request, assessment in session.execute(
            select(RiskAcceptance, RosAssessment).join(Risk, Risk.id == RiskAcceptance.risk_id)
            .join(RosAssessment, RosAssessment.id == Risk.assessment_id)
            .where(RiskAcceptance.decision == Decision.PENDING.value).order_by(RiskAcceptance.requested_at)):
        title = (request.snapshot or {}).get("title", "")
        detail = request.request_note
        if request.expires_on:
            detail = t("ros.approval.proposed_until", note=request.request_note, date=day(request.expires_on))
        items.append(Approval(
            "risk_acceptance", t("ros.approval.acceptance", key=request.risk_key, title=title, what=label(assessment)),
            request.requested_by, request.requested_at or request.recorded_at, ASSESSMENTS_PAGE,
            (("ros", str(assessment.id)), ("acceptance", str(request.id))), detail))
    return items


# --- overview KPIs and service sheet facts ----------------------------------------------------------------


def kpis(session: Session, _actor: Actor) -> list:
    counts = kpi_counts(session)
    return [
        Kpi(t("ros.kpi.above"), number(counts["above"]), t("ros.kpi.above_help")),
        Kpi(t("ros.kpi.overdue"), number(counts["overdue_measures"]), t("ros.kpi.overdue_help")),
        Kpi(t("ros.kpi.reviews"), number(counts["reviews_due"]), t("ros.kpi.reviews_help")),
        Kpi(t("ros.kpi.expired_acceptances"), number(counts["expired_acceptances"]),
            t("ros.kpi.expired_acceptances_help")),
    ]


def service_facts(session: Session, service_code: str) -> list:
    """The service's ROS, its open risks above acceptance, review requests and approved DPIAs."""
    summary = service_summary(session, service_code)
    assessment = summary["assessment"]
    facts = []
    if assessment is None:
        facts.append(Fact(t("ros.fact.ros"), t("ros.fact.no_ros")))
    else:
        when = assessment.approved_at.date() if assessment.approved_at else assessment.assessed_on
        facts.append(Fact(t("ros.fact.ros"), t("ros.fact.ros_value", status=t(f"ros.status.{assessment.status}"),
                                               revision=assessment.revision, date=day(when))))
    above = "; ".join(f"{key} {title} ({t(f'ros.level.{level}')})" for key, title, level in summary["above"])
    facts.append(Fact(t("ros.fact.above"), above or t("ros.fact.none_above")))
    if summary["triggers"]:
        facts.append(Fact(t("ros.fact.review"), t("ros.fact.review_value", count=summary["triggers"])))
    for item in latest_approved(session, service_code):
        facts.append(Fact(t("ros.fact.dpia"), t("ros.fact.dpia_value", processing=item.processing,
                                                 date=day(item.approved_at), level=t(f"dpia.level.{item.residual_level}"))))
    return facts
