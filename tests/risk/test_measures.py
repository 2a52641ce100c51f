"""Measures: owners, deadlines, overdue lists, follow-up on an approved assessment."""
from datetime import date, timedelta

import pytest

from data.errors import BackofficeError, ValidationFailed
from risk import measures, ros
from tests.conftest import make_actor
from tests.risk.ros_helpers import approve, new_ros, risk

SECURITY = make_actor("security")
TODAY = date.today()


def test_overdue_and_follow_up_after_approval(session):
    assessment = new_ros(session, SECURITY)
    r = risk(session, SECURITY, assessment.id)
    late = measures.add_measure(session, SECURITY, assessment.id, {
        "title": "Kryptering til print", "owner": "Ahmed Ali", "due_date": TODAY - timedelta(days=10),
        "status": "in_progress", "cost_ore": 120_000_000, "risk_keys": [r.key]})
    measures.add_measure(session, SECURITY, assessment.id, {
        "title": "Lasttest", "owner": "Ola", "due_date": TODAY + timedelta(days=10)})
    measures.add_measure(session, SECURITY, assessment.id, {
        "title": "Gammelt, ferdig", "owner": "Ola", "due_date": TODAY - timedelta(days=50), "status": "done"})
    overdue = measures.measure_rows(session, overdue_only=True)
    assert [(m["key"], m["days_overdue"], m["risks"]) for m in overdue] == [("T-01", 10, "R-01")]
    assert ros.kpi_counts(session)["overdue_measures"] == 1
    approve(session, SECURITY, assessment.id)
    with pytest.raises(BackofficeError):
        measures.update_measure(session, SECURITY, late.id, measures.measure_payload(late) | {"title": "Annet"})
    measures.record_progress(session, SECURITY, late.id, {"status": "done"}, expected_version=late.version)
    assert (late.status, late.completed_on, late.title) == ("done", TODAY, "Kryptering til print")
    assert measures.measure_rows(session, overdue_only=True) == []
    done = measures.measure_rows(session, statuses=("done",))
    assert {m["title"] for m in done} == {"Kryptering til print", "Gammelt, ferdig"}


def test_measure_validation(session):
    assessment = new_ros(session, SECURITY)
    with pytest.raises(ValidationFailed, match="må ha en eier"):
        measures.add_measure(session, SECURITY, assessment.id, {"title": "Uten eier"})
    with pytest.raises(ValidationFailed, match="R-09"):
        measures.add_measure(session, SECURITY, assessment.id, {"title": "x", "owner": "y", "risk_keys": ["R-09"]})
    cancelled = measures.add_measure(session, SECURITY, assessment.id, {"title": "Avlyst", "status": "cancelled"})
    assert cancelled.owner == "" and cancelled.key == "T-01"
    with pytest.raises(ValidationFailed):
        measures.add_measure(session, SECURITY, assessment.id, {"title": "Negativ", "owner": "x", "cost_ore": -1})
