"""Simultaneous users on projects: a gate is passed once, a name is taken once, priorities stay a list,
on both databases (each thread its own session and connection, real commits, started together)."""
from datetime import date

import pytest
from sqlalchemy import select

from data import db
from portfolio import projects
from portfolio.models import PhaseChange, Project
from tests.concurrency import in_own_session, refusals, simultaneously, unexpected
from tests.conftest import make_actor
from tests.portfolio.helpers import LEAD

pytestmark = pytest.mark.both_databases

LEADERS = [make_actor("leader", username=f"leder{i:02d}") for i in range(6)]
LEADS = [make_actor("portfolio", username=f"pia{i:02d}") for i in range(6)]


def _payload(name: str) -> dict:
    return dict(name=name, service_code="svarut", financing="internal", start_date=date(2030, 1, 1),
                end_date=date(2030, 12, 31))


@pytest.fixture
def ready(fresh_db_url):
    """A project in planning with both documents: ready for the gate to development. Returns (id, version)."""
    with db.session_scope(actor=LEAD) as session:
        project = projects.create_project(session, LEAD, _payload("Nytt innsyn"))
        for kind in ("governance", "product_description", "plain_language_plan", "plain_language_budget"):
            projects.add_document(session, LEAD, project.id, dict(kind=kind, title=kind))
        projects.assess_principles(session, LEAD, project.id, {
            "principles": [{"principle": n, "verdict": "fits"} for n in range(1, 9)], "handles_personal_data": False})
        session.flush()
        return project.id, project.version


def _history(project_id: int) -> list[tuple]:
    with db.session_scope() as session:
        return [(h.from_phase, h.to_phase, h.actor) for h in session.scalars(
            select(PhaseChange).where(PhaseChange.project_id == project_id).order_by(PhaseChange.id))]


def test_six_leaders_approving_one_gate_pass_it_once(ready):
    project_id, version = ready
    results = simultaneously(6, lambda i: in_own_session(LEADERS[i], projects.approve_gate, project_id,
                                                         {"comment": "OK"}, expected_version=version).phase)
    assert unexpected(results) == []
    assert results.count("development") == 1
    winner = LEADERS[results.index("development")].username
    assert _history(project_id) == [(None, "planning", "pia"), ("planning", "development", winner)]
    assert refusals(results) == [f"Faseporten til «Utvikling» for «Nytt innsyn» ble nettopp godkjent av {winner}."] * 5


def test_without_the_lock_the_database_still_passes_the_gate_once(ready, monkeypatch):
    project_id, version = ready
    monkeypatch.setattr(projects, "_lock_list", lambda session: None)
    monkeypatch.setattr(projects, "_lock_project", lambda session, project_id: None)
    results = simultaneously(4, lambda i: in_own_session(LEADERS[i], projects.approve_gate, project_id,
                                                         {"comment": "OK"}, expected_version=version).phase)
    assert unexpected(results) == []
    assert results.count("development") == 1
    winner = LEADERS[results.index("development")].username
    assert [h[1] for h in _history(project_id)] == ["planning", "development"]
    assert refusals(results) == [f"Faseporten til «Utvikling» for «Nytt innsyn» ble nettopp godkjent av {winner}."] * 3


def test_a_phase_is_entered_once_in_the_database(ready):
    project_id, _version = ready
    with db.engine().connect() as connection, pytest.raises(Exception, match="(?i)unique"):
        connection.execute(PhaseChange.__table__.insert(), {"project_id": project_id, "from_phase": None,
                                                            "to_phase": "planning", "actor": "x", "comment": "",
                                                            "at": db.utcnow()})


def test_the_same_new_project_saved_at_once_is_created_once(fresh_db_url):
    results = simultaneously(4, lambda i: in_own_session(LEADS[i], projects.create_project, _payload("Startlån")).id)
    assert unexpected(results) == []
    assert len([r for r in results if isinstance(r, int)]) == 1
    assert refusals(results) == ["Det finnes allerede et prosjekt som heter «Startlån»."] * 3


def test_projects_created_at_once_get_priorities_one_after_the_other(fresh_db_url):
    results = simultaneously(5, lambda i: in_own_session(LEADS[i], projects.create_project,
                                                         _payload(f"Prosjekt {i}")).priority)
    assert unexpected(results) == [] and refusals(results) == []
    with db.session_scope() as session:
        assert sorted(session.scalars(select(Project.priority))) == [1, 2, 3, 4, 5]
