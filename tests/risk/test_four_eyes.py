"""Four eyes in the logic: a ROS or DPIA version waiting for the leader is locked for everyone until the leader
approves it or sends it back; whoever registered, submitted or asked for something never approves it, even when
someone else submitted or owns it. Real roles, as the demo users have them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.access import Actor
from data.errors import BackofficeError, PermissionDenied
from data.registers.users import create_user
from risk import dpia, measures, ros, signoff
from risk.privacy import documents
from tests.conftest import make_actor
from tests.pages import errors_of
from tests.risk.ros_helpers import LEADER, new_ros, risk, stage
from tests.risk.test_ros_signoff import COMPLETE_DPIA, _open

SECURITY = Actor(username="siri", roles=frozenset({"security"}), full_name="Siri Sikkerhet")
OTHER_SECURITY = Actor(username="sven", roles=frozenset({"security"}), full_name="Sven Sikring")
# one person with both roles: may prepare and may approve, but never both for the same thing
BOTH = Actor(username="kari", roles=frozenset({"security", "leader"}), full_name="Kari Kombinert")
LOCKED = "venter på godkjenning hos avdelingsleder og kan ikke endres"


def _measure(session, actor, assessment_id, title="Mottakerkontroll"):
    return measures.add_measure(session, actor, assessment_id, {
        "title": title, "owner": "Ola Nordmann", "status": "planned", "due_date": date.today() + timedelta(days=30),
        "risk_keys": ["R-01"]})


def test_a_submitted_ros_is_locked_for_everyone_until_the_leader_approves_or_sends_it_back(session):
    assessment = new_ros(session, SECURITY)
    first = risk(session, SECURITY, assessment.id)
    measure = _measure(session, SECURITY, assessment.id)
    ros.submit(session, SECURITY, assessment.id)
    payload = {"scope": "service", "service_code": "svarut", "title": "Endret tittel", "context": "",
               "participants": "", "assessed_on": date.today()}
    measure_payload = measures.measure_payload(measure) | {"title": "Endret tiltak"}
    refused = {
        "the texts": lambda actor: ros.update_assessment(session, actor, assessment.id, payload),
        "a new risk": lambda actor: risk(session, actor, assessment.id, "Ny risiko"),
        "a risk": lambda actor: ros.update_risk(session, actor, first.id,
                                                ros.risk_payload(first) | {"title": "Endret"}),
        "deleting a risk": lambda actor: ros.delete_risk(session, actor, first.id),
        "a new measure": lambda actor: _measure(session, actor, assessment.id, "Nytt tiltak"),
        "a measure": lambda actor: measures.update_measure(session, actor, measure.id, measure_payload),
        "following a measure up": lambda actor: measures.record_progress(session, actor, measure.id,
                                                                         {"status": "in_progress"}),
        "deleting a measure": lambda actor: measures.delete_measure(session, actor, measure.id),
        "discarding it": lambda actor: ros.discard_draft(session, actor, assessment.id),
    }
    for change in refused.values():
        for actor in (SECURITY, OTHER_SECURITY, BOTH):     # the one who submitted it, and everyone else
            with pytest.raises(BackofficeError, match=LOCKED):
                change(actor)
    session.refresh(assessment)
    assert (assessment.title, [r.title for r in assessment.risks], [m.title for m in assessment.measures],
            measure.status, assessment.status) == (
        "ROS svarut", ["Brev til feil mottaker"], ["Mottakerkontroll"], "planned", "in_review")
    # sent back by the leader, it is a draft again that can be changed
    ros.send_back(session, LEADER, assessment.id, "Vurder printleverandøren")
    risk(session, SECURITY, assessment.id, "Printleverandør ser innholdet")
    measures.record_progress(session, SECURITY, measure.id, {"status": "in_progress"})
    assert ([r.title for r in assessment.risks], measure.status) == (
        ["Brev til feil mottaker", "Printleverandør ser innholdet"], "in_progress")
    # submitted again and approved: frozen, while its measures are still followed up
    ros.submit(session, SECURITY, assessment.id)
    ros.approve(session, LEADER, assessment.id)
    with pytest.raises(BackofficeError, match="er godkjent og kan ikke endres"):
        risk(session, SECURITY, assessment.id, "For sent")
    measures.record_progress(session, SECURITY, measure.id, {"status": "done"})
    assert measure.status == "done"


def test_a_submitted_dpia_is_locked_until_the_leader_decides(session):
    owner = make_actor("product_owner", username="per", owned=("digisos",))
    item = dpia.create_dpia(session, SECURITY, {"service_code": "digisos", "processing": "Søknad", **COMPLETE_DPIA})
    first = dpia.add_risk(session, SECURITY, item.id, {"description": "Feil person ser søknaden", "likelihood": 2,
                                                       "severity": 4})
    dpia.submit(session, owner, item.id)
    values = dpia.dpia_payload(item) | {"purposes": "Endret formål"}
    risk_values = {"description": "Endret", "likelihood": 1, "severity": 1}
    for change in (lambda a: dpia.update_dpia(session, a, item.id, values),
                   lambda a: dpia.add_risk(session, a, item.id, risk_values),
                   lambda a: dpia.update_risk(session, a, first.id, risk_values),
                   lambda a: dpia.delete_risk(session, a, first.id)):
        for actor in (SECURITY, BOTH):
            with pytest.raises(BackofficeError, match=LOCKED):
                change(actor)
    assert (item.purposes, [r.description for r in item.risks]) == ("Søknad", ["Feil person ser søknaden"])
    dpia.send_back(session, LEADER, item.id, "Beskriv lagringstiden")
    dpia.update_dpia(session, SECURITY, item.id, values)
    assert (item.status, item.purposes) == ("draft", "Endret formål")


def test_whoever_registered_a_ros_never_approves_it_even_when_someone_else_submitted_it(session):
    assessment = new_ros(session, BOTH)                     # Kari registers it ...
    risk(session, BOTH, assessment.id)
    ros.submit(session, SECURITY, assessment.id)            # ... Siri submits it
    with pytest.raises(PermissionDenied, match="du registrerte ROS-analysen «ROS svarut \\(versjon 1\\)»"):
        ros.approve(session, BOTH, assessment.id)
    assert assessment.status == "in_review"
    ros.approve(session, LEADER, assessment.id)              # the leader, who took no part in it
    assert (assessment.status, assessment.approved_by) == ("approved", "Lise Leder")


def test_whoever_registered_a_dpia_never_approves_it(session):
    owner = make_actor("product_owner", username="per", owned=("digisos",))
    item = dpia.create_dpia(session, BOTH, {"service_code": "digisos", "processing": "Søknad", **COMPLETE_DPIA})
    dpia.submit(session, owner, item.id)
    with pytest.raises(PermissionDenied, match="du registrerte «DPIA Søknad \\(versjon 1\\)»"):
        dpia.approve(session, BOTH, item.id)
    dpia.approve(session, LEADER, item.id)
    assert item.status == "approved"


def test_an_acceptance_is_never_decided_by_whoever_registered_the_ros_it_is_about(session):
    assessment = new_ros(session, BOTH)
    r = risk(session, BOTH, assessment.id, inherent=stage(4, confidentiality=4))
    request = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "Kryptering kommer i mars"})
    decision = {"decision": "accepted", "rationale": "Greit", "expires_on": date.today() + timedelta(days=30)}
    with pytest.raises(PermissionDenied, match="du registrerte ROS-analysen som risiko R-01 hører til"):
        ros.decide_acceptance(session, BOTH, request.id, decision)
    assert request.decision == "pending"
    ros.decide_acceptance(session, LEADER, request.id, decision)
    assert (request.decision, request.decided_by) == ("accepted", "leder")


@pytest.fixture
def users(session, system):
    for username, name, role in (("siri", "Siri Sikkerhet", "security"), ("sven", "Sven Sikring", "security"),
                                 ("lise", "Lise Leder", "leader"), ("arne", "Arne Arkitekt", "architect")):
        create_user(session, system, {"username": username, "full_name": name, "roles": [role]})
    session.flush()


def _document(session, actor, **extra):
    payload = {"kind": "routine", "title": "Rutine for tilgangsstyring", "owner": "arne", "doc_version": "1.0",
               "review_months": 12} | extra
    return documents.save_document(session, actor, payload)


def test_a_document_is_never_approved_by_whoever_registered_or_prepared_it_though_another_owns_it(session, users):
    leader = make_actor("leader", username="lise")
    routine = _document(session, SECURITY)                   # Siri registers it; Arne owns it
    assert (routine.created_by, routine.prepared_by, routine.owner) == ("siri", "siri", "arne")
    with pytest.raises(PermissionDenied, match="du registrerte dokumentet «Rutine for tilgangsstyring»"):
        documents.approve_document(session, SECURITY, routine.id, {"approved_on": date(2026, 1, 5)})
    # Sven prepares version 1.1: now neither Siri (registered it) nor Sven (prepared it) approves it
    documents.save_document(session, OTHER_SECURITY, {"kind": "routine", "title": routine.title, "owner": "arne",
                                                      "doc_version": "1.1"}, routine.id, routine.version)
    assert (routine.created_by, routine.prepared_by) == ("siri", "sven")
    with pytest.raises(PermissionDenied, match="du har utarbeidet dokumentet «Rutine for tilgangsstyring»"):
        documents.approve_document(session, OTHER_SECURITY, routine.id, {"approved_on": date(2026, 1, 5)})
    with pytest.raises(PermissionDenied, match="du registrerte"):
        documents.approve_document(session, SECURITY, routine.id, {"approved_on": date(2026, 1, 5)})
    assert routine.approved_version is None
    documents.approve_document(session, leader, routine.id, {"approved_on": date(2026, 1, 5)})
    assert (routine.status, routine.approved_version, routine.approved_by) == ("approved", "1.1", "lise")
    # saving it again unchanged prepares nothing new
    documents.save_document(session, SECURITY, {"kind": "routine", "title": routine.title, "owner": "arne",
                                                 "doc_version": "1.1"}, routine.id, routine.version)
    assert routine.prepared_by == "sven"
    rows = {r["title"]: r for r in documents.document_rows(session)}
    assert [documents.may_approve(a, rows[routine.title]) for a in (SECURITY, OTHER_SECURITY, leader)] == [
        False, False, True]


def test_the_local_operator_is_not_held_to_four_eyes_and_a_plain_reader_may_approve_nothing(system):
    assert signoff.may_approve(system, "risk.approve", registered=system.username)
    assert not signoff.may_approve(make_actor("support"), "risk.approve")
    assert not signoff.may_approve(BOTH, "risk.approve", submitted="KARI ")       # the same person, however spelt


def test_the_security_officer_sees_a_submitted_version_locked_on_its_page(db_url):
    from data.db import session_scope

    with session_scope(actor=SECURITY) as session:
        assessment = new_ros(session, SECURITY)
        risk(session, SECURITY, assessment.id)
        ros.submit(session, SECURITY, assessment.id)
        assessment_id = assessment.id
    app = _open("risk/pages/assessments.py", SECURITY, ros=str(assessment_id))
    assert errors_of(app) == []
    assert any("Den er låst til avdelingsleder har godkjent den eller sendt den tilbake." in i.value
               for i in app.info)
    labels = [b.label for b in app.button]
    assert "Lagre" not in labels and "Send til godkjenning" not in labels     # no form edits a locked version
    assert "Trekk tilbake til utkast" in labels
