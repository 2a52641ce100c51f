"""Sign-off: the security officer (or a DPIA's product owner) prepares, the leader approves or sends back; risk
acceptance is asked for by the security officer and granted or refused by the leader with a reason and an expiry;
whoever asked never decides; an expired acceptance puts the risk back in review (computed when read)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data import audit
from data.access import Actor, system_actor
from data.db import session_scope
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.registers.models import User, UserRole
from risk import dpia, ros
from risk.models import RiskAcceptance, RosAssessment
from tests.conftest import make_actor
from tests.pages import ROOT, errors_of, render
from tests.risk.ros_helpers import LEADER, new_ros, risk, stage

SECURITY = Actor(username="siri", roles=frozenset({"security"}), full_name="Siri Sikkerhet")
BOTH = Actor(username="siri", roles=frozenset({"security", "leader"}), full_name="Siri Sikkerhet")
COMPLETE_DPIA = {"purposes": "Søknad", "data_categories": "Økonomi", "data_subjects": "Søkere",
                 "retention": "90 dager", "necessity": "Nødvendig", "conclusion": "Kan gjennomføres",
                 "dpo_opinion": "Støttes", "legal_basis_art6": ["c", "e"]}


def _submitted(session):
    assessment = new_ros(session, SECURITY)
    risk(session, SECURITY, assessment.id, inherent=stage(4, confidentiality=4))
    return ros.submit(session, SECURITY, assessment.id)


def test_security_submits_and_only_another_person_with_the_leader_role_approves(db_url):
    with session_scope(actor=SECURITY) as session:
        assessment = _submitted(session)
        assessment_id = assessment.id
        assert (assessment.status, assessment.submitted_by) == ("in_review", "siri")
        with pytest.raises(PermissionDenied, match="godkjenne ROS- og DPIA-versjoner"):
            ros.approve(session, SECURITY, assessment_id)
    with session_scope(actor=BOTH) as session:      # security and leader, but the one who submitted it
        with pytest.raises(PermissionDenied, match="To personer må signere"):
            ros.approve(session, BOTH, assessment_id)
    with session_scope(actor=LEADER) as session:
        approved = ros.approve(session, LEADER, assessment_id, approver="Noen Andre")   # free text is ignored
        assert (approved.status, approved.approved_by, approved.is_current) == ("approved", "Lise Leder", True)
    with session_scope() as session:
        entries = [e for e in audit.search(session, table="ros_assessment") if e.actor == "leder"]
        assert entries and "Lise Leder" in entries[0].changes and "approved" in entries[0].changes
        with pytest.raises(BackofficeError, match="kan ikke endres"):     # approved versions stay frozen
            risk(session, SECURITY, assessment_id, "Ny")


def test_only_a_submitted_version_is_approved_or_sent_back(session):
    assessment = new_ros(session, SECURITY)
    risk(session, SECURITY, assessment.id)
    with pytest.raises(BackofficeError, match="bare en versjon som er sendt til godkjenning"):
        ros.approve(session, LEADER, assessment.id)
    ros.submit(session, SECURITY, assessment.id)
    with pytest.raises(BackofficeError, match="bare et utkast kan sendes til godkjenning"):
        ros.submit(session, SECURITY, assessment.id)
    with pytest.raises(ValidationFailed):
        ros.send_back(session, LEADER, assessment.id, "")
    with pytest.raises(PermissionDenied):
        ros.send_back(session, SECURITY, assessment.id, "Ser bra ut")
    ros.send_back(session, LEADER, assessment.id, "Vurder leverandørens tilgang")
    assert (assessment.status, assessment.submitted_by, assessment.return_note) == (
        "draft", None, "Vurder leverandørens tilgang")
    ros.submit(session, SECURITY, assessment.id)          # submitting again clears the note
    assert (assessment.status, assessment.return_note) == ("in_review", "")


def test_acceptance_is_asked_for_and_decided_by_another_person(db_url):
    with session_scope(actor=SECURITY) as session:
        assessment = new_ros(session, SECURITY)
        r = risk(session, SECURITY, assessment.id, inherent=stage(4, confidentiality=4))
        request = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "Kryptering kommer i mars",
                                                                   "expires_on": date.today() + timedelta(days=60)})
        request_id, risk_id = request.id, r.id
        assert (request.decision, request.requested_by, request.approver, request.decided_on) == (
            "pending", "siri", "", None)
        assert request.snapshot["current_score"] == 16
        with pytest.raises(BackofficeError, match="allerede en forespørsel om aksept av R-01"):
            ros.request_acceptance(session, SECURITY, r.id, {"rationale": "En gang til"})
        with pytest.raises(PermissionDenied):
            ros.decide_acceptance(session, SECURITY, request_id, {"decision": "accepted", "rationale": "ok",
                                                                  "expires_on": date.today() + timedelta(days=30)})
        # the risk changes before the leader decides: the decision freezes the risk as it is then
        ros.update_risk(session, SECURITY, r.id, ros.risk_payload(r) | {"current": stage(2, confidentiality=4)})
    with session_scope(actor=BOTH) as session:
        with pytest.raises(PermissionDenied, match="To personer må signere"):
            ros.decide_acceptance(session, BOTH, request_id, {"decision": "accepted", "rationale": "ok",
                                                              "expires_on": date.today() + timedelta(days=30)})
    with session_scope(actor=LEADER) as session:
        with pytest.raises(ValidationFailed, match="utløpsdato"):
            ros.decide_acceptance(session, LEADER, request_id, {"decision": "accepted", "rationale": "ok"})
        decided = ros.decide_acceptance(session, LEADER, request_id, {
            "decision": "accepted", "rationale": "Greit til krypteringen er på plass",
            "expires_on": date.today() + timedelta(days=45)})
        assert (decided.decision, decided.approver, decided.decided_by, decided.decided_on, decided.expires_on) == (
            "accepted", "Lise Leder", "leder", date.today(), date.today() + timedelta(days=45))
        assert decided.snapshot["current_score"] == 8 and decided.request_note == "Kryptering kommer i mars"
        with pytest.raises(BackofficeError, match="allerede avgjort"):
            ros.decide_acceptance(session, LEADER, request_id, {"decision": "rejected", "rationale": "Nei likevel"})
    with session_scope() as session:
        entries = [e for e in audit.search(session, table="ros_acceptance")]
        assert {e.actor for e in entries} == {"siri", "leder"}
        state = ros.acceptance_state(session, ros.get_risk(session, risk_id))
        assert (state["decision"], state["expired"], state["pending_id"]) == ("accepted", False, None)


def test_refusal_needs_a_reason_and_leaves_the_risk_open(session):
    assessment = new_ros(session, SECURITY)
    r = risk(session, SECURITY, assessment.id)
    request = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "Lav sannsynlighet"})
    with pytest.raises(ValidationFailed):
        ros.decide_acceptance(session, LEADER, request.id, {"decision": "rejected", "rationale": ""})
    refused = ros.decide_acceptance(session, LEADER, request.id, {"decision": "rejected", "rationale": "For høy",
                                                                   "expires_on": date.today() + timedelta(days=9)})
    assert (refused.decision, refused.expires_on) == ("rejected", None)
    [row] = [r_ for r_ in ros.risk_rows(session, current_only=False) if r_["id"] == r.id]
    assert (row["acceptance"], row["accepted_until"], row["acceptance_expired"], row["acceptance_pending"]) == (
        "rejected", None, False, False)


def test_expired_acceptance_puts_the_risk_back_in_review(session):
    assessment = new_ros(session, SECURITY, service="digisos", assessed_on=date.today() - timedelta(days=200))
    r = risk(session, SECURITY, assessment.id, "Lagres for lenge", inherent=stage(4, privacy=4))
    request = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "Sletting kommer"})
    ros.decide_acceptance(session, LEADER, request.id, {"decision": "accepted", "rationale": "Til sletting er på plass",
                                                        "decided_on": date.today() - timedelta(days=100),
                                                        "expires_on": date.today() - timedelta(days=3)})
    ros.submit(session, SECURITY, assessment.id)
    ros.approve(session, LEADER, assessment.id)
    [expired] = ros.expired_acceptances(session)
    assert (expired["key"], expired["title"], expired["service_code"], expired["days_expired"], expired["approver"]) == (
        "R-01", "Lagres for lenge", "digisos", 3, "Lise Leder")
    assert ros.expired_acceptances(session, "svarut") == []
    [row] = ros.risk_rows(session, "digisos")
    assert (row["acceptance"], row["acceptance_expired"]) == ("accepted", True)
    assert ros.kpi_counts(session)["expired_acceptances"] == 1
    due = [d for d in ros.due_reviews(session, "digisos") if d["kind"] == "acceptance"]
    assert [(d["what"], d["overdue"]) for d in due] == [("R-01 Lagres for lenge", True)]
    assert ros.service_summary(session, "digisos")["above"][0][:2] == ("R-01", "Lagres for lenge")   # open again
    # a new request, granted, takes it out of review again
    renewed = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "Fortsatt nødvendig"})
    assert ros.risk_rows(session, "digisos")[0]["acceptance_pending"] is True
    ros.decide_acceptance(session, LEADER, renewed.id, {"decision": "accepted", "rationale": "Ett halvår til",
                                                        "expires_on": date.today() + timedelta(days=180)})
    assert ros.expired_acceptances(session) == []


def test_dpia_is_submitted_by_security_or_its_product_owner_and_approved_by_the_leader(session):
    owner = make_actor("product_owner", username="per", owned=("digisos",))
    other = make_actor("product_owner", username="dina", owned=("svarut",))
    item = dpia.create_dpia(session, SECURITY, {"service_code": "digisos", "processing": "Søknad", **COMPLETE_DPIA})
    with pytest.raises(PermissionDenied, match="Digisos|digisos"):
        dpia.submit(session, other, item.id)
    with pytest.raises(PermissionDenied, match="Utkast til DPIA"):
        dpia.get_dpia(session, LEADER, item.id)                 # a draft is not the leader's to read
    dpia.submit(session, owner, item.id)
    assert (item.status, item.submitted_by) == ("in_review", "per")
    assert dpia.get_dpia(session, LEADER, item.id).processing == "Søknad"
    assert [r["processing"] for r in dpia.dpia_rows(session, LEADER)] == ["Søknad"]
    assert dpia.dpia_rows(session, make_actor("support")) == []
    with pytest.raises(PermissionDenied):
        dpia.approve(session, owner, item.id)
    dpia.approve(session, LEADER, item.id)
    assert (item.status, item.approved_by) == ("approved", "Lise Leder")


# --- pages ---------------------------------------------------------------------------------------------------


def _setup_pages() -> dict:
    system = system_actor("oppsett")
    with session_scope(actor=system) as session:
        session.add(User(username="siri", full_name="Siri Sikkerhet", role_rows=[UserRole(role="security")]))
        submitted = _submitted(session)
        approved = new_ros(session, SECURITY, service="digisos", assessed_on=date.today() - timedelta(days=200))
        r = risk(session, SECURITY, approved.id, "Lagres for lenge", inherent=stage(4, privacy=4))
        old = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "Sletting kommer"})
        ros.decide_acceptance(session, LEADER, old.id, {"decision": "accepted", "rationale": "Til sletting",
                                                        "decided_on": date.today() - timedelta(days=100),
                                                        "expires_on": date.today() - timedelta(days=3)})
        waiting = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "Fortsatt nødvendig"})
        ros.submit(session, SECURITY, approved.id)
        ros.approve(session, LEADER, approved.id)
        submitted.submitted_at = datetime(2026, 1, 5, 9, tzinfo=UTC)
        return {"submitted": submitted.id, "approved": approved.id, "waiting": waiting.id}


def _open(path: str, actor: Actor, **query) -> AppTest:
    app = AppTest.from_file(str(ROOT / path), default_timeout=30)
    app.session_state["actor"] = actor
    app.session_state["language"] = "nb"
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    return app


def test_leader_approves_a_submitted_version_from_its_page(db_url):
    ids = _setup_pages()
    security = _open("risk/pages/assessments.py", SECURITY, ros=str(ids["submitted"]))
    assert errors_of(security) == []
    assert not any(b.label == "Godkjenn og lås" for b in security.button)
    assert any("Sendt til godkjenning av Siri Sikkerhet 05.01.2026." in i.value for i in security.info)
    leader = _open("risk/pages/assessments.py", LEADER, ros=str(ids["submitted"]))
    assert errors_of(leader) == []
    assert any("Venter på din godkjenning: sendt av Siri Sikkerhet 05.01.2026" in w.value for w in leader.warning)
    next(b for b in leader.button if b.label == "Godkjenn og lås").click().run()
    assert errors_of(leader) == []
    with session_scope() as session:
        stored = session.get(RosAssessment, ids["submitted"])
        assert (stored.status, stored.approved_by) == ("approved", "Lise Leder")


def test_leader_decides_a_requested_acceptance_from_the_page(db_url):
    ids = _setup_pages()
    app = _open("risk/pages/assessments.py", LEADER, ros=str(ids["approved"]), acceptance=str(ids["waiting"]))
    assert errors_of(app) == []
    reason = next(a for a in app.text_area if a.label == "Begrunnelse for beslutningen")
    reason.input("Ett halvår til, så er sletting på plass")
    expiry = next(d for d in app.date_input if d.label == "Utløper")
    expiry.set_value(date.today() + timedelta(days=180))
    next(b for b in app.button if b.label == "Lagre beslutningen").click().run()
    assert errors_of(app) == []
    with session_scope() as session:
        decided = session.get(RiskAcceptance, ids["waiting"])
        assert (decided.decision, decided.approver, decided.expires_on) == (
            "accepted", "Lise Leder", date.today() + timedelta(days=180))
    security = _open("risk/pages/assessments.py", SECURITY, ros=str(ids["approved"]))
    assert not any(b.label == "Lagre beslutningen" for b in security.button)


def test_expired_acceptance_shows_on_the_security_officers_pages(db_url):
    _setup_pages()
    overview = render("risk/pages/overview.py", SECURITY)
    assert errors_of(overview) == []
    assert "Utløpte risikoaksepter – tilbake til vurdering" in [s.value for s in overview.header]
    assert "Utløpte risikoaksepter" in [m.label for m in overview.metric]
    frames = [f.value for f in overview.dataframe if "days_expired" in f.value.columns]
    assert list(frames[0]["title"]) == ["Lagres for lenge"] and list(frames[0]["days_expired"]) == [3]
    register = render("risk/pages/risks.py", SECURITY)
    assert errors_of(register) == []
    frame = register.dataframe[0].value
    row = frame[frame["title"] == "Lagres for lenge"].iloc[0]
    assert row["acceptance"] == "Utløpt – tilbake til vurdering · Venter på avdelingsleder"
    with session_scope() as session:
        assert session.scalar(select(RiskAcceptance.decision).where(RiskAcceptance.decision == "pending")) == "pending"
