"""Measures (tiltak): owner, due date, status, cost, effect, linked to the risks they treat.

Adding, changing and removing measures follows the assessment (only in a draft: not while it waits for the
leader, nor once it is approved); following a measure up (status, new due date, done) stays possible on an
approved assessment, because that is what the follow-up of an approved ROS is.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import for_edit, get_or_raise
from data.errors import BackofficeError, RowError, ValidationFailed, validate
from data.i18n import t
from data.locking import refusing_duplicates, unique_key
from data.textsearch import contains_folded
from risk import ros
from risk.models import Measure, Risk, RosAssessment, measure_risk
from risk.schemas import OPEN_MEASURE, MeasureIn, MeasureProgressIn, MeasureStatus


def get_measure(session: Session, measure_id: int) -> Measure:
    return get_or_raise(session, Measure, measure_id, "ros.measure.not_found")


def _measure_for_edit(session: Session, measure_id: int, expected_version: int | None) -> Measure:
    return for_edit(session, Measure, measure_id, expected_version, "ros.measure.not_found",
                    label=lambda measure: f"{measure.key} {measure.title}")


def _linked_risks(session: Session, assessment: RosAssessment, keys: list[str]) -> list[Risk]:
    by_key = {r.key: r for r in assessment.risks}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise ValidationFailed([RowError(None, "risk_keys", t("ros.measure.unknown_risk", keys=", ".join(missing)))])
    return [by_key[k] for k in dict.fromkeys(keys)]


def _fill(measure: Measure, data: MeasureIn) -> None:
    for field in ("title", "description", "owner", "due_date", "cost_ore", "effect", "completed_on"):
        setattr(measure, field, getattr(data, field))
    measure.status = data.status.value
    if measure.status != MeasureStatus.DONE.value:
        measure.completed_on = None


MEASURE_KEY_ONCE = unique_key(Measure, "uq_ros_measure_assessment_id_key")


def _measure_key_taken(key: str) -> BackofficeError:
    return BackofficeError(t("ros.measure.key_taken", key=key))


def _check_measure_key(session: Session, assessment_id: int, key: str) -> None:
    if session.scalar(select(Measure.id).where(Measure.assessment_id == assessment_id, Measure.key == key)):
        raise _measure_key_taken(key)


def add_measure(session: Session, actor: Actor, assessment_id: int, payload) -> Measure:
    actor.require("risk.write")
    data = validate(MeasureIn, payload)
    assessment = ros.get_assessment(session, assessment_id)
    ros.require_editable(assessment)
    ros.lock_keys(session, assessment)
    key = data.key or ros._next_key(session, Measure, assessment.series_id, assessment.id, "T")
    _check_measure_key(session, assessment.id, key)
    risks = _linked_risks(session, assessment, data.risk_keys)
    with refusing_duplicates(session, (MEASURE_KEY_ONCE,), lambda: _measure_key_taken(key)):
        measure = Measure(assessment_id=assessment.id, key=key)
        _fill(measure, data)
        measure.risks = risks
        session.add(measure)
    return measure


def update_measure(session: Session, actor: Actor, measure_id: int, payload,
                   expected_version: int | None = None) -> Measure:
    actor.require("risk.write")
    data = validate(MeasureIn, payload)
    measure = _measure_for_edit(session, measure_id, expected_version)
    ros.require_editable(measure.assessment)
    _fill(measure, data)
    measure.risks = _linked_risks(session, measure.assessment, data.risk_keys)
    session.flush()
    return measure


def record_progress(session: Session, actor: Actor, measure_id: int, payload,
                    expected_version: int | None = None) -> Measure:
    """Status, due date, owner and completion: allowed on drafts and on approved assessments too (follow-up),
    not on a version waiting for the leader's approval, nor on a superseded one."""
    actor.require("risk.write")
    data = validate(MeasureProgressIn, payload)
    measure = _measure_for_edit(session, measure_id, expected_version)
    if measure.assessment.status in ("superseded", "in_review"):
        ros.require_editable(measure.assessment)
    measure.status = data.status.value
    if data.due_date is not None:
        measure.due_date = data.due_date
    if data.owner is not None:
        measure.owner = data.owner
    if data.status == MeasureStatus.DONE:
        measure.completed_on = data.completed_on or date.today()
    else:
        measure.completed_on = None
    if measure.status in OPEN_MEASURE and not measure.owner:
        raise ValidationFailed([RowError(None, "owner", t("ros.measure.needs_owner"))])
    session.flush()
    return measure


def delete_measure(session: Session, actor: Actor, measure_id: int) -> None:
    actor.require("risk.write")
    measure = get_measure(session, measure_id)
    ros.require_editable(measure.assessment)
    measure.risks = []
    measure.assessment.measures.remove(measure)
    session.flush()


MEASURE_COLUMNS = (Measure.id, Measure.version, Measure.key, Measure.title, Measure.description, Measure.owner,
                   Measure.due_date, Measure.status, Measure.cost_ore, Measure.effect, Measure.completed_on)


def measure_rows(session: Session, service_code: str | None = None, statuses: tuple = (), owner: str | None = None,
                 overdue_only: bool = False, current_only: bool = True, assessment_id: int | None = None) -> list[dict]:
    """The measure register (a column select). Overdue: open (planned / in progress) and past its due date."""
    today = date.today()
    query = (select(*MEASURE_COLUMNS, RosAssessment.id.label("assessment_id"), RosAssessment.title.label("a_title"),
                    RosAssessment.revision, RosAssessment.status.label("assessment_status"), RosAssessment.service_code)
             .join(RosAssessment, RosAssessment.id == Measure.assessment_id)
             .order_by(Measure.due_date.is_(None), Measure.due_date, RosAssessment.service_code, Measure.key))
    query = ros._scope_filters(query, service_code, current_only, assessment_id)
    if statuses:
        query = query.where(Measure.status.in_(statuses))
    if owner:
        query = query.where(contains_folded(Measure.owner, owner))
    if overdue_only:
        query = query.where(Measure.status.in_(OPEN_MEASURE), Measure.due_date < today)
    records = session.execute(query).mappings().all()
    links: dict[int, list[str]] = {}
    if records:
        link_query = (select(measure_risk.c.measure_id, Risk.key).join(Risk, Risk.id == measure_risk.c.risk_id)
                      .join(RosAssessment, RosAssessment.id == Risk.assessment_id).order_by(Risk.key))
        link_query = ros._scope_filters(link_query, service_code, current_only, assessment_id)
        for measure_id, key in session.execute(link_query):
            links.setdefault(measure_id, []).append(key)
    rows = []
    for r in records:
        overdue = r["status"] in OPEN_MEASURE and r["due_date"] is not None and r["due_date"] < today
        row = {c.key: r[c.key] for c in MEASURE_COLUMNS}
        keys = links.get(r["id"], [])
        row.update({
            "risks": ", ".join(keys), "risk_keys": keys, "assessment_id": r["assessment_id"],
            "assessment": t("ros.label", title=r["a_title"], revision=r["revision"]),
            "assessment_status": r["assessment_status"], "service_code": r["service_code"] or "",
            "overdue": overdue, "days_overdue": (today - r["due_date"]).days if overdue else 0,
        })
        rows.append(row)
    return rows


def in_follow_up_order(rows: list[dict]) -> list[dict]:
    """Overdue measures first, then by due date; measures without a due date last."""
    return sorted(rows, key=lambda r: (not r["overdue"], r["due_date"] is None, r["due_date"] or 0))


def measure_payload(measure: Measure) -> dict:
    return {"key": measure.key, "title": measure.title, "description": measure.description, "owner": measure.owner,
            "due_date": measure.due_date, "status": measure.status, "cost_ore": measure.cost_ore,
            "effect": measure.effect, "completed_on": measure.completed_on,
            "risk_keys": [r.key for r in measure.risks]}
