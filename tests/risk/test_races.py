"""Simultaneous users numbering ROS risks, measures and DPIA risks: each gets the next free number, and a number taken
between the check and the insert is refused with the same plain words as the check's, on both databases."""
import pytest
from sqlalchemy import select

from data import db
from data.errors import BackofficeError
from risk import dpia as dpias
from risk import measures, ros
from risk.models import DpiaRisk, Measure, Risk
from tests.concurrency import in_own_session, meanwhile, refusals, simultaneously, unexpected
from tests.conftest import make_actor
from tests.risk.ros_helpers import new_ros, stage

pytestmark = pytest.mark.both_databases

SECURITY = make_actor("security", username="sikker")
USERS = [make_actor("security", username=f"sikker{i:02d}") for i in range(4)]


def _risk(title: str, **extra) -> dict:
    return {"title": title, "inherent": stage(4, confidentiality=4, privacy=3), "owner": "Per Produkt", **extra}


@pytest.fixture
def assessment_id(fresh_db_url) -> int:
    with db.session_scope(actor=SECURITY) as session:
        assessment = new_ros(session, SECURITY)
        session.flush()
        return assessment.id


def _rows(model) -> list[tuple[str, str]]:
    with db.session_scope() as session:
        return [(row.key, row.title) for row in session.scalars(select(model).order_by(model.key))]


def test_risks_added_at_once_get_numbers_one_after_the_other(assessment_id):
    results = simultaneously(4, lambda i: in_own_session(USERS[i], ros.add_risk, assessment_id,
                                                         _risk(f"Risiko {i}")).key)
    assert unexpected(results) == [] and refusals(results) == []
    assert sorted(results) == ["R-01", "R-02", "R-03", "R-04"]


def test_measures_added_at_once_get_numbers_one_after_the_other(assessment_id):
    results = simultaneously(4, lambda i: in_own_session(USERS[i], measures.add_measure, assessment_id,
                                                         {"title": f"Tiltak {i}", "owner": "Ola"}).key)
    assert unexpected(results) == [] and refusals(results) == []
    assert sorted(results) == ["T-01", "T-02", "T-03", "T-04"]


def test_a_risk_number_taken_meanwhile_is_refused_plainly(assessment_id, monkeypatch):
    monkeypatch.setattr(ros, "lock_keys", lambda session, assessment: None)
    meanwhile(monkeypatch, ros, "_check_risk_key",
              lambda session: ros.add_risk(session, USERS[0], assessment_id, _risk("Først", key="R-07")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=SECURITY) as session:
        ros.add_risk(session, SECURITY, assessment_id, _risk("Sist", key="R-07"))
    assert error.value.message == "Nummeret R-07 er allerede brukt i denne analysen."
    assert _rows(Risk) == [("R-07", "Først")]


def test_a_measure_number_taken_meanwhile_is_refused_plainly(assessment_id, monkeypatch):
    monkeypatch.setattr(ros, "lock_keys", lambda session, assessment: None)
    meanwhile(monkeypatch, measures, "_check_measure_key",
              lambda session: measures.add_measure(session, USERS[0], assessment_id,
                                                   {"title": "Først", "owner": "Ola", "key": "T-03"}))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=SECURITY) as session:
        measures.add_measure(session, SECURITY, assessment_id, {"title": "Sist", "owner": "Kari", "key": "T-03"})
    assert error.value.message == "Tiltaksnummeret T-03 er allerede brukt."
    assert _rows(Measure) == [("T-03", "Først")]


@pytest.fixture
def dpia_id(fresh_db_url) -> int:
    with db.session_scope(actor=SECURITY) as session:
        item = dpias.create_dpia(session, SECURITY, {"service_code": "digisos", "processing": "Søknad"})
        session.flush()
        return item.id


def _dpia_risk(description: str, **extra) -> dict:
    return {"description": description, "likelihood": 3, "severity": 4, **extra}


def test_dpia_risks_added_at_once_get_numbers_one_after_the_other(dpia_id):
    residual = [(3, 3), (2, 3), (2, 3), (2, 3)]  # one high, the rest medium: the DPIA is high, whoever is last
    results = simultaneously(4, lambda i: in_own_session(USERS[i], dpias.add_risk, dpia_id, _dpia_risk(
        f"Risiko {i}", residual_likelihood=residual[i][0], residual_severity=residual[i][1])).key)
    assert unexpected(results) == [] and refusals(results) == []
    assert sorted(results) == ["P-01", "P-02", "P-03", "P-04"]
    with db.session_scope() as session:
        item = session.get(dpias.Dpia, dpia_id)
        assert (item.residual_level, item.prior_consultation) == ("high", True)


def test_a_dpia_risk_number_taken_meanwhile_is_refused_plainly(dpia_id, monkeypatch):
    monkeypatch.setattr(dpias, "_lock_keys", lambda session, dpia: None)
    meanwhile(monkeypatch, dpias, "_check_risk_key",
              lambda session: dpias.add_risk(session, USERS[0], dpia_id, _dpia_risk("Først", key="P-05")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=SECURITY) as session:
        dpias.add_risk(session, SECURITY, dpia_id, _dpia_risk("Sist", key="P-05"))
    assert error.value.message == "Nummeret P-05 er allerede brukt i denne DPIA-en."
    with db.session_scope() as session:
        assert [(r.key, r.description) for r in session.scalars(select(DpiaRisk))] == [("P-05", "Først")]
