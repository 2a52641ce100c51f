"""DPIA (personvernkonsekvensvurdering) per processing in a service.

Screening against the nine criteria of the EDPB guidelines (WP248 rev.01: two or more -> a DPIA is
required) and the Norwegian data protection authority's list of processing that always needs one;
then the description, necessity and proportionality, risks to the data subjects (likelihood and
severity 1-4, before and after measures), the data protection officer's opinion and the conclusion:
prior consultation (art. 36) is needed when a residual risk stays high. Versioned and frozen like ROS.

Drafts (and DPIAs in review) are readable only by the security officer and the product owner of the
service; approved DPIAs are readable by everyone signed in.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from data.access import Actor
from data.appspec import Approval
from data.crud import ensure_version, get_or_raise
from data.db import utcnow
from data.errors import BackofficeError, PermissionDenied, RowError, ValidationFailed, validate
from data.formatting import day
from data.i18n import t
from data.locking import lock, lock_named, refusing_duplicates, unique_key
from data.registers.models import Service
from data.registers.registry import get_service
from risk.models import Dpia, DpiaRisk
from risk.schemas import FROZEN, DpiaIn, DpiaRiskIn, SendBackIn, Status
from risk.signoff import require_other_person

# The EDPB guidelines' nine criteria (WP248 rev.01); two or more: a DPIA is required.
EDPB_CRITERIA = ("evaluation", "automated_decision", "monitoring", "sensitive", "large_scale", "matching",
                 "vulnerable", "innovative", "prevents_rights")
# The Norwegian data protection authority's list of processing that always needs a DPIA (simplified).
DATATILSYNET_LIST = ("biometric", "genetic", "location", "innovative_tech", "employee_monitoring",
                     "school_evaluation", "profiling_marketing", "large_scale_third_party", "credit_scoring",
                     "public_monitoring", "special_large_scale", "children_services")
ART6 = ("a", "b", "c", "d", "e", "f")
ART9 = ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
SEVERITY_LEVELS = (1, 2, 3, 4)


# --- screening and levels (pure) ----------------------------------------------------------------------


def screening(criteria: list[str], listed: list[str]) -> dict:
    """Is a DPIA required? Two or more EDPB criteria, or any item on Datatilsynet's list."""
    count = len(set(criteria))
    required = count >= 2 or bool(listed)
    if listed:
        reason = t("dpia.screening.listed", items=", ".join(t(f"dpia.listed.{code}") for code in listed))
    elif count >= 2:
        reason = t("dpia.screening.two_or_more", count=count)
    elif count == 1:
        reason = t("dpia.screening.one", criterion=t(f"dpia.criterion.{next(iter(criteria))}"))
    else:
        reason = t("dpia.screening.none")
    return {"criteria_count": count, "listed_count": len(set(listed)), "required": required, "reason": reason}


def risk_level(likelihood: int, severity: int) -> str:
    """Low / medium / high on a 4 x 4 grid (likelihood x severity): high from 9, medium from 4."""
    value = likelihood * severity
    if value >= 9:
        return "high"
    if value >= 4:
        return "medium"
    return "low"


def worst(levels) -> str:
    order = ("low", "medium", "high")
    return max(levels, key=order.index, default="low")


# --- access ---------------------------------------------------------------------------------------------


def can_read(actor: Actor, dpia: Dpia) -> bool:
    """Approved DPIAs: everyone; drafts: security and the service's product owner; a DPIA submitted for
    approval: the leader too, who signs it."""
    if dpia.status in FROZEN:
        return True
    if dpia.status == Status.IN_REVIEW.value and actor.can("risk.approve"):
        return True
    return actor.has_role("security") or dpia.service_code in actor.owned_services


def _require_read(actor: Actor, dpia: Dpia) -> None:
    if not can_read(actor, dpia):
        raise PermissionDenied(t("dpia.draft_restricted"))


def get_dpia(session: Session, actor: Actor, dpia_id: int) -> Dpia:
    dpia = get_or_raise(session, Dpia, dpia_id, "dpia.not_found")
    _require_read(actor, dpia)
    return dpia


def label(dpia: Dpia) -> str:
    return t("dpia.label", processing=dpia.processing, revision=dpia.revision)


def _require_not_frozen(dpia: Dpia) -> None:
    if dpia.status in FROZEN:
        raise BackofficeError(t("ros.frozen", what=label(dpia), status=t(f"ros.status.{dpia.status}").lower()))


def _require_editable(dpia: Dpia) -> None:
    """Its texts and risks change only while it is a draft: frozen once approved, and locked for everyone while
    it waits for the leader (submitted), until the leader approves it or sends it back."""
    _require_not_frozen(dpia)
    if dpia.status == Status.IN_REVIEW.value:
        raise BackofficeError(t("ros.locked_in_review", what=label(dpia)))


def _check(data: DpiaIn) -> None:
    problems = []
    for field, values, known, prefix in (
        ("screening_criteria", data.screening_criteria, EDPB_CRITERIA, ""),
        ("screening_listed", data.screening_listed, DATATILSYNET_LIST, ""),
        ("legal_basis_art6", data.legal_basis_art6, ART6, "6(1)"),
        ("legal_basis_art9", data.legal_basis_art9, ART9, "9(2)"),
    ):
        unknown = [v for v in values if v not in known]
        if unknown:
            problems.append(RowError(None, field, t("dpia.unknown_codes", codes=", ".join(unknown),
                                                    known=", ".join(prefix + k for k in known))))
    if data.special_categories.strip() and not data.legal_basis_art9:
        problems.append(RowError(None, "legal_basis_art9", t("dpia.art9_needed")))
    if problems:
        raise ValidationFailed(problems)


def _fill(dpia: Dpia, data: DpiaIn) -> None:
    values = data.model_dump(mode="python")
    for key in ("screening_criteria", "screening_listed", "legal_basis_art6", "legal_basis_art9"):
        values[key] = sorted(set(values[key]))
    for key, value in values.items():
        setattr(dpia, key, value)


def _recompute(dpia: Dpia) -> None:
    dpia.residual_level = worst(r.residual_level for r in dpia.risks)
    dpia.prior_consultation = dpia.residual_level == "high"


# --- capabilities -------------------------------------------------------------------------------------


def create_dpia(session: Session, actor: Actor, payload) -> Dpia:
    actor.require("risk.write")
    data = validate(DpiaIn, payload)
    _check(data)
    get_service(session, data.service_code)
    dpia = Dpia(status=Status.DRAFT.value, revision=1, is_current=True, created_by=actor.username)
    _fill(dpia, data)
    session.add(dpia)
    session.flush()
    dpia.series_id = dpia.id
    session.flush()
    return dpia


def update_dpia(session: Session, actor: Actor, dpia_id: int, payload, expected_version: int | None = None) -> Dpia:
    actor.require("risk.write")
    data = validate(DpiaIn, payload)
    _check(data)
    dpia = get_dpia(session, actor, dpia_id)
    ensure_version(dpia, expected_version, label(dpia))
    _require_editable(dpia)
    get_service(session, data.service_code)
    _fill(dpia, data)
    session.flush()
    return dpia


RISK_KEY_ONCE = unique_key(DpiaRisk, "uq_dpia_risk_dpia_id_key")


def _lock_keys(session: Session, dpia: Dpia) -> None:
    """One writer at a time numbering the risks of the DPIA's series (see data.locking); the DPIA's row is
    read again, as the writer before may have changed its levels."""
    lock_named(session, f"risk.dpia.keys.{dpia.series_id}")
    lock(session, select(Dpia).where(Dpia.id == dpia.id))


def _risk_key_taken(key: str) -> BackofficeError:
    return BackofficeError(t("dpia.risk.key_taken", key=key))


def _check_risk_key(session: Session, dpia_id: int, key: str) -> None:
    if session.scalar(select(DpiaRisk.id).where(DpiaRisk.dpia_id == dpia_id, DpiaRisk.key == key)):
        raise _risk_key_taken(key)


def _next_key(session: Session, dpia: Dpia) -> str:
    keys = session.scalars(select(DpiaRisk.key).join(Dpia, Dpia.id == DpiaRisk.dpia_id)
                           .where(Dpia.series_id == dpia.series_id))
    numbers = [int(m.group(1)) for k in keys if (m := re.search(r"(\d+)$", k or ""))]
    return f"P-{(max(numbers, default=0) + 1):02d}"


def add_risk(session: Session, actor: Actor, dpia_id: int, payload) -> DpiaRisk:
    actor.require("risk.write")
    data = validate(DpiaRiskIn, payload)
    dpia = get_dpia(session, actor, dpia_id)
    _lock_keys(session, dpia)
    _require_editable(dpia)
    key = data.key or _next_key(session, dpia)
    _check_risk_key(session, dpia.id, key)
    with refusing_duplicates(session, (RISK_KEY_ONCE,), lambda: _risk_key_taken(key)):
        risk = DpiaRisk(dpia=dpia, key=key)
        _fill_risk(risk, data)
        session.add(risk)
    _recompute(dpia)
    session.flush()
    return risk


def _fill_risk(risk: DpiaRisk, data: DpiaRiskIn) -> None:
    risk.description, risk.measures = data.description, data.measures
    risk.likelihood, risk.severity = data.likelihood, data.severity
    risk.residual_likelihood = data.residual_likelihood or data.likelihood
    risk.residual_severity = data.residual_severity or data.severity
    risk.residual_level = risk_level(risk.residual_likelihood, risk.residual_severity)


def update_risk(session: Session, actor: Actor, risk_id: int, payload, expected_version: int | None = None) -> DpiaRisk:
    actor.require("risk.write")
    data = validate(DpiaRiskIn, payload)
    risk = get_or_raise(session, DpiaRisk, risk_id, "dpia.risk_not_found")
    _require_read(actor, risk.dpia)
    ensure_version(risk, expected_version, risk.key)
    _require_editable(risk.dpia)
    _fill_risk(risk, data)
    session.flush()
    _recompute(risk.dpia)
    session.flush()
    return risk


def delete_risk(session: Session, actor: Actor, risk_id: int) -> None:
    actor.require("risk.write")
    risk = get_or_raise(session, DpiaRisk, risk_id, "dpia.risk_not_found")
    dpia = risk.dpia
    _require_read(actor, dpia)
    _require_editable(dpia)
    dpia.risks.remove(risk)
    session.flush()
    _recompute(dpia)
    session.flush()


def set_status(session: Session, actor: Actor, dpia_id: int, status: str, expected_version: int | None = None,
               approver: str | None = None) -> Dpia:
    """draft -> in review (`submit`: the security officer or the service's product owner), in review -> draft
    (`withdraw`; the leader sends back with `send_back`), in review -> approved (`approve`: the leader, never
    the one who submitted it)."""
    if status == Status.IN_REVIEW.value:
        return submit(session, actor, dpia_id, expected_version)
    if status == Status.APPROVED.value:
        return approve(session, actor, dpia_id, expected_version, approver=approver)
    if status == Status.DRAFT.value:
        return withdraw(session, actor, dpia_id, expected_version)
    actor.require("risk.write")
    raise BackofficeError(t("ros.bad_status", status=status))


def _for_status(session: Session, actor: Actor, dpia_id: int, expected_version: int | None,
                service_permission: str | None = None) -> Dpia:
    """The DPIA whose status changes: the service-scoped permission is checked before the draft is read (a
    product owner of another service is refused as such), then read access, version and freeze."""
    dpia = get_or_raise(session, Dpia, dpia_id, "dpia.not_found")
    if service_permission:
        actor.require(service_permission, dpia.service_code)
    _require_read(actor, dpia)
    ensure_version(dpia, expected_version, label(dpia))
    _require_not_frozen(dpia)
    return dpia


def _completeness(dpia: Dpia) -> None:
    problems = [RowError(None, field, t("dpia.required_field"))
                for field in ("purposes", "data_categories", "data_subjects", "retention", "necessity",
                              "conclusion") if not getattr(dpia, field).strip()]
    if not dpia.legal_basis_art6:
        problems.append(RowError(None, "legal_basis_art6", t("dpia.required_field")))
    if not dpia.dpo_opinion.strip():
        problems.append(RowError(None, "dpo_opinion", t("dpia.dpo_needed")))
    if problems:
        raise ValidationFailed(problems, t("dpia.approve_incomplete", count=len(problems)))


def submit(session: Session, actor: Actor, dpia_id: int, expected_version: int | None = None) -> Dpia:
    """The security officer, or the product owner of the service, submits a complete draft for the
    leader's approval."""
    actor.require("dpia.submit")
    dpia = _for_status(session, actor, dpia_id, expected_version, "dpia.submit")
    if dpia.status != Status.DRAFT.value:
        raise BackofficeError(t("ros.submit_needs_draft", what=label(dpia), status=t(f"ros.status.{dpia.status}")))
    _completeness(dpia)
    dpia.status = Status.IN_REVIEW.value
    dpia.submitted_by, dpia.submitted_at = actor.username, utcnow()
    dpia.returned_by = dpia.returned_at = None
    dpia.return_note = ""
    session.flush()
    return dpia


def withdraw(session: Session, actor: Actor, dpia_id: int, expected_version: int | None = None) -> Dpia:
    actor.require("dpia.submit")
    dpia = _for_status(session, actor, dpia_id, expected_version, "dpia.submit")
    dpia.status = Status.DRAFT.value
    dpia.submitted_by = dpia.submitted_at = None
    session.flush()
    return dpia


def _require_in_review(dpia: Dpia) -> None:
    if dpia.status != Status.IN_REVIEW.value:
        raise BackofficeError(t("ros.approve_needs_review", what=label(dpia), status=t(f"ros.status.{dpia.status}")))


def approve(session: Session, actor: Actor, dpia_id: int, expected_version: int | None = None,
            approver: str | None = None) -> Dpia:
    """The leader approves a submitted DPIA: frozen, superseding the approved one before it. Whoever submitted or
    registered (started) it cannot approve it (risk/signoff.py). `approver` is honoured only for the local
    operator (the demo loader recording a past decision)."""
    actor.require("risk.approve")
    dpia = _for_status(session, actor, dpia_id, expected_version)
    require_other_person(actor, "risk.approve", t("ros.four_eyes.what_dpia", label=label(dpia)),
                         submitted=dpia.submitted_by, registered=dpia.created_by)
    _require_in_review(dpia)
    _completeness(dpia)
    for other in session.scalars(select(Dpia).where(Dpia.series_id == dpia.series_id, Dpia.id != dpia.id)):
        if other.status == Status.APPROVED.value:
            other.status = Status.SUPERSEDED.value
        other.is_current = False
    dpia.is_current = True
    dpia.approved_by = (approver if actor.owns_every_service and approver else None) or actor.label
    dpia.approved_at = utcnow()
    dpia.status = Status.APPROVED.value
    session.flush()
    return dpia


def send_back(session: Session, actor: Actor, dpia_id: int, reason: str, expected_version: int | None = None) -> Dpia:
    """The leader sends a submitted DPIA back to draft, saying why."""
    actor.require("risk.approve")
    data = validate(SendBackIn, {"reason": reason})
    dpia = _for_status(session, actor, dpia_id, expected_version)
    _require_in_review(dpia)
    dpia.status = Status.DRAFT.value
    dpia.submitted_by = dpia.submitted_at = None
    dpia.returned_by, dpia.returned_at, dpia.return_note = actor.username, utcnow(), data.reason
    session.flush()
    return dpia


def start_revision(session: Session, actor: Actor, dpia_id: int) -> Dpia:
    actor.require("risk.write")
    source = get_dpia(session, actor, dpia_id)
    if source.status not in FROZEN:
        raise BackofficeError(t("ros.revision_needs_approved", what=label(source)))
    if session.scalar(select(Dpia.id).where(Dpia.series_id == source.series_id,
                                            Dpia.status.in_((Status.DRAFT.value, Status.IN_REVIEW.value)))):
        raise BackofficeError(t("ros.revision_exists", what=label(source)))
    latest = session.scalar(select(func.max(Dpia.revision)).where(Dpia.series_id == source.series_id))
    skip = {"id", "version", "series_id", "revision", "previous_id", "is_current", "status", "approved_by",
            "approved_at", "created_at", "created_by", "assessed_on", "submitted_by", "submitted_at", "returned_by",
            "returned_at", "return_note"}
    copy = Dpia(series_id=source.series_id, revision=latest + 1, previous_id=source.id, is_current=False,
                status=Status.DRAFT.value, assessed_on=date.today(), created_by=actor.username,
                **{c.key: getattr(source, c.key) for c in Dpia.__table__.columns if c.key not in skip})
    session.add(copy)
    session.flush()
    for risk in source.risks:
        copy.risks.append(DpiaRisk(key=risk.key, description=risk.description, likelihood=risk.likelihood,
                                   severity=risk.severity, measures=risk.measures,
                                   residual_likelihood=risk.residual_likelihood,
                                   residual_severity=risk.residual_severity, residual_level=risk.residual_level))
    session.flush()
    return copy


# --- what waits for the leader (the approvals queue) ----------------------------------------------------


def approvals(session: Session, _actor: Actor) -> list[Approval]:
    """DPIAs submitted for the leader's approval, with who submitted them and when."""
    return [Approval("dpia", label(dpia), dpia.submitted_by or dpia.created_by, dpia.submitted_at or dpia.created_at,
                     "risk/pages/dpia_register.py", (("dpia", str(dpia.id)),), service_name)
            for dpia, service_name in session.execute(
                select(Dpia, Service.name).join(Service, Service.code == Dpia.service_code)
                .where(Dpia.status == Status.IN_REVIEW.value).order_by(Dpia.submitted_at))]


# --- reads --------------------------------------------------------------------------------------------


def dpia_rows(session: Session, actor: Actor, service_code: str | None = None, statuses: tuple = (),
              current_only: bool = False, with_open: bool = False) -> list[dict]:
    """DPIAs this actor may read (drafts only for security and the service's product owner); `current_only`:
    those in force, and with `with_open` also the open revisions (draft or submitted) being worked on."""
    query = (select(Dpia, Service.name).join(Service, Service.code == Dpia.service_code)
             .options(selectinload(Dpia.risks)).order_by(Service.name, Dpia.processing, Dpia.revision.desc()))
    if service_code:
        query = query.where(Dpia.service_code == service_code)
    if statuses:
        query = query.where(Dpia.status.in_(statuses))
    if current_only and with_open:
        query = query.where(Dpia.is_current.is_(True) | Dpia.status.in_((Status.DRAFT.value, Status.IN_REVIEW.value)))
    elif current_only:
        query = query.where(Dpia.is_current.is_(True))
    if not actor.has_role("security"):
        visible = list(actor.owned_services)
        readable = (Dpia.status.in_(FROZEN)) | (Dpia.service_code.in_(visible))
        if actor.can("risk.approve"):          # the leader reads what waits for their signature
            readable = readable | (Dpia.status == Status.IN_REVIEW.value)
        query = query.where(readable)
    rows = []
    for dpia, service_name in session.execute(query):
        result = screening(dpia.screening_criteria or [], dpia.screening_listed or [])
        rows.append({
            "id": dpia.id, "version": dpia.version, "series_id": dpia.series_id, "revision": dpia.revision,
            "service_code": dpia.service_code, "service": service_name, "processing": dpia.processing,
            "status": dpia.status, "is_current": dpia.is_current, "assessed_on": dpia.assessed_on,
            "required": result["required"], "criteria_count": result["criteria_count"],
            "residual_level": dpia.residual_level, "prior_consultation": dpia.prior_consultation,
            "approved_by": dpia.approved_by, "approved_on": dpia.approved_at.date() if dpia.approved_at else None,
            "risks": len(dpia.risks),
        })
    return rows


def dpia_payload(dpia: Dpia) -> dict:
    return {field: getattr(dpia, field) for field in DpiaIn.model_fields}


def latest_approved(session: Session, service_code: str) -> list[Dpia]:
    """The approved DPIAs in force for a service (what may be shared with municipalities)."""
    return list(session.scalars(select(Dpia).where(Dpia.service_code == service_code, Dpia.is_current.is_(True),
                                                   Dpia.status == Status.APPROVED.value).order_by(Dpia.processing)))


def compare(session: Session, actor: Actor, first_id: int, second_id: int) -> list[dict]:
    first, second = get_dpia(session, actor, first_id), get_dpia(session, actor, second_id)
    if first.series_id != second.series_id:
        raise BackofficeError(t("ros.compare_other_series"))
    older, newer = sorted((first, second), key=lambda d: d.revision)
    rows = []
    for field in DpiaIn.model_fields:
        before, after = getattr(older, field), getattr(newer, field)
        if before != after:
            rows.append({"key": "", "change": t("ros.compare.changed"), "field": t(f"dpia.field.{field}"),
                         "before": _fmt(before), "after": _fmt(after)})
    old_risks, new_risks = {r.key: r for r in older.risks}, {r.key: r for r in newer.risks}
    for key in sorted(set(old_risks) | set(new_risks)):
        old, new = old_risks.get(key), new_risks.get(key)
        if old is None or new is None:
            rows.append({"key": key, "change": t("ros.compare.added" if old is None else "ros.compare.removed"),
                         "field": "", "before": "", "after": (new or old).description})
            continue
        for field in ("description", "likelihood", "severity", "measures", "residual_likelihood",
                      "residual_severity", "residual_level"):
            if getattr(old, field) != getattr(new, field):
                rows.append({"key": key, "change": t("ros.compare.changed"), "field": t(f"dpia.risk.{field}"),
                             "before": _fmt(getattr(old, field)), "after": _fmt(getattr(new, field))})
    return rows


def _fmt(value) -> str:
    if isinstance(value, date):
        return day(value)
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)
