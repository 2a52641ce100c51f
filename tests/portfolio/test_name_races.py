"""A second user taking the same person, scenario or baseline name between the check and the insert: the
loser gets the same plain refusal as when the check itself finds it, and nothing of theirs is written."""
from datetime import date

import pytest
from sqlalchemy import select

from data import db
from data.errors import BackofficeError
from portfolio import scenarios, staffing
from portfolio.models import Baseline, BaselineProject, Person, Scenario, ScenarioProject
from tests.concurrency import meanwhile
from tests.portfolio.helpers import LEAD, project

pytestmark = pytest.mark.both_databases


def _person(name: str) -> dict:
    return dict(name=name, kind="internal", fte_pct=100, availability_pct=100, start_date=date(2030, 1, 1),
                roles=[dict(role_code="developer", share_pct=100)])


@pytest.fixture
def live(fresh_db_url):
    with db.session_scope(actor=LEAD) as session:
        project(session, "Nytt innsyn", date(2030, 1, 1), date(2030, 6, 30))


def test_a_person_name_taken_meanwhile_is_refused_plainly(fresh_db_url, monkeypatch):
    with db.session_scope(actor=LEAD) as session:
        staffing.ensure_standard_roles(session, LEAD)
    meanwhile(monkeypatch, staffing, "_check_person_name",
              lambda session: session.add(Person(name="Ola Nordmann", fte_pct=80, start_date=date(2029, 1, 1))))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=LEAD) as session:
        staffing.save_person(session, LEAD, _person("Ola Nordmann"))
    assert error.value.message == "Det finnes allerede en person som heter «Ola Nordmann»."
    with db.session_scope() as session:
        assert [(p.name, p.fte_pct, p.role_rows) for p in session.scalars(select(Person))] == [
            ("Ola Nordmann", 80, [])]


def test_a_scenario_name_taken_meanwhile_is_refused_plainly(live, monkeypatch):
    meanwhile(monkeypatch, scenarios, "_check_scenario_name",
              lambda session: session.add(Scenario(name="Plan B", description="først", created_by="lise")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=LEAD) as session:
        scenarios.create_scenario(session, LEAD, dict(name="Plan B"))
    assert error.value.message == "Det finnes allerede et scenario som heter «Plan B»."
    with db.session_scope() as session:
        assert [(s.name, s.description) for s in session.scalars(select(Scenario))] == [("Plan B", "først")]
        assert session.scalars(select(ScenarioProject)).all() == []


def test_a_baseline_name_taken_meanwhile_is_refused_plainly(live, monkeypatch):
    meanwhile(monkeypatch, scenarios, "_check_baseline_name",
              lambda session: session.add(Baseline(name="Vedtatt", note="først", created_by="lise",
                                                   first_month=date(2030, 1, 1), last_month=date(2030, 12, 1))))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=LEAD) as session:
        scenarios.create_baseline(session, LEAD, dict(name="Vedtatt"), first=date(2030, 1, 1))
    assert error.value.message == "Det finnes allerede en basislinje som heter «Vedtatt»."
    with db.session_scope() as session:
        assert [(b.name, b.note) for b in session.scalars(select(Baseline))] == [("Vedtatt", "først")]
        assert session.scalars(select(BaselineProject)).all() == []
