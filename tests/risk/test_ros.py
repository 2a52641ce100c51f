"""ROS assessments: frozen approved versions, revisions from a copy, comparison, acceptance snapshots,
review triggers, and the interfaces other modules use."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from data import audit
from data.db import session_scope
from data.errors import BackofficeError, ConflictError, NotFound, PermissionDenied
from risk import measures, ros
from risk.models import ReviewTrigger, Risk, RosAssessment
from tests.conftest import make_actor
from tests.risk.ros_helpers import LEADER, accept, approve, new_ros, risk, stage

SECURITY = make_actor("security", username="sikkerhet")


def approved_ros(session):
    assessment = new_ros(session, SECURITY)
    r1 = risk(session, SECURITY, assessment.id, "Brev til feil mottaker",
              inherent=stage(4, confidentiality=4), residual=stage(2, confidentiality=4))
    r2 = risk(session, SECURITY, assessment.id, "Nedetid ved stor utsendelse", inherent=stage(3, availability=3))
    measures.add_measure(session, SECURITY, assessment.id, {"title": "Mottakerkontroll", "owner": "Kari",
                                                            "due_date": date.today() + timedelta(days=30),
                                                            "risk_keys": [r1.key]})
    measures.add_measure(session, SECURITY, assessment.id, {"title": "Lasttest", "owner": "Ola",
                                                            "risk_keys": [r2.key, r1.key]})
    approve(session, SECURITY, assessment.id)
    return assessment


def test_risk_levels_keys_and_review_date(session):
    assessment = new_ros(session, SECURITY, assessed_on=date(2026, 3, 15))
    first = risk(session, SECURITY, assessment.id, inherent=stage(4, confidentiality=4, privacy=3),
                 current=stage(3, confidentiality=4), residual=stage(1, confidentiality=4))
    second = risk(session, SECURITY, assessment.id, "Lav risiko", inherent=stage(1, integrity=2))
    assert (first.key, second.key) == ("R-01", "R-02")
    assert (first.inherent_score, first.inherent_level) == (16, "red")
    assert (first.current_score, first.current_level, first.above_acceptance) == (12, "red", True)
    assert (first.residual_score, first.residual_level) == (4, "green")
    assert first.next_review == date(2026, 6, 15)        # red: 3 months after the assessment date
    assert (second.current_level, second.residual_level, second.above_acceptance) == ("green", "green", False)
    assert second.next_review == date(2027, 3, 15)       # green: 12 months


def test_approved_version_is_frozen_and_revision_starts_from_copy(session):
    v1 = approved_ros(session)
    assert (v1.status, v1.approved_by, v1.is_current) == ("approved", "Lise Leder", True)
    r1 = next(r for r in v1.risks if r.key == "R-01")
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        ros.update_risk(session, SECURITY, r1.id, ros.risk_payload(r1) | {"title": "Endret"})
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        risk(session, SECURITY, v1.id, "Ny")
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        measures.add_measure(session, SECURITY, v1.id, {"title": "Nytt", "owner": "x"})
    session.refresh(r1)
    assert r1.title == "Brev til feil mottaker"

    v2 = ros.start_revision(session, SECURITY, v1.id)
    assert (v2.revision, v2.status, v2.previous_id, v2.series_id, v2.is_current) == (2, "draft", v1.id, v1.id, False)
    assert [(r.key, r.title, r.current_score) for r in v2.risks] == [(r.key, r.title, r.current_score) for r in v1.risks]
    assert {r.id for r in v2.risks}.isdisjoint({r.id for r in v1.risks})
    links = {m.key: sorted(r.key for r in m.risks) for m in v2.measures}
    assert links == {"T-01": ["R-01"], "T-02": ["R-01", "R-02"]}
    assert all(r.assessment_id == v2.id for m in v2.measures for r in m.risks)
    with pytest.raises(BackofficeError, match="allerede en åpen versjon"):
        ros.start_revision(session, SECURITY, v1.id)

    risk(session, SECURITY, v2.id, "Phishing")
    assert v2.risks[-1].key == "R-03"
    approve(session, SECURITY, v2.id)
    session.refresh(v1)
    assert (v1.status, v1.is_current, v2.is_current) == ("superseded", False, True)


def test_compare_versions(session):
    v1 = approved_ros(session)
    v2 = ros.start_revision(session, SECURITY, v1.id)
    r1 = next(r for r in v2.risks if r.key == "R-01")
    ros.update_risk(session, SECURITY, r1.id, ros.risk_payload(r1) | {"current": stage(2, confidentiality=4),
                                                                       "owner": "Siri Sikkerhet"})
    ros.delete_risk(session, SECURITY, next(r for r in v2.risks if r.key == "R-02").id)
    risk(session, SECURITY, v2.id, "Phishing")
    measures.delete_measure(session, SECURITY, next(m for m in v2.measures if m.key == "T-01").id)
    changes = ros.compare(session, v2.id, v1.id)          # order does not matter: older -> newer
    by = {(c["key"], c["field"]): c for c in changes}
    assert by[("R-01", "Eier")]["before"] == "Per Produkt" and by[("R-01", "Eier")]["after"] == "Siri Sikkerhet"
    assert (by[("R-01", "Nivå (nå)")]["before"], by[("R-01", "Nivå (nå)")]["after"]) == ("Rød", "Gul")
    assert by[("R-01", "Sannsynlighet (nå)")]["after"] == "2"
    assert by[("R-02", "")]["change"] == "Fjernet" and by[("R-03", "")]["change"] == "Lagt til"
    assert by[("T-01", "")]["change"] == "Fjernet"
    assert by[("", "Status")]["before"] == "Godkjent" and by[("", "Status")]["after"] == "Utkast"
    other = new_ros(session, SECURITY, "digisos")
    with pytest.raises(BackofficeError, match="samme analyse"):
        ros.compare(session, v1.id, other.id)


def test_acceptance_snapshot_survives_later_edits(session):
    assessment = new_ros(session, SECURITY)
    r = risk(session, SECURITY, assessment.id, inherent=stage(4, confidentiality=4))
    measures.add_measure(session, SECURITY, assessment.id, {"title": "Kryptering", "owner": "Ahmed",
                                                            "risk_keys": [r.key]})
    accepted = accept(session, SECURITY, r.id, "Til krypteringen er på plass", decided_on=date(2026, 1, 10),
                      expires_on=date(2026, 7, 1))
    ros.update_risk(session, SECURITY, r.id, ros.risk_payload(r) | {"title": "Nytt navn",
                                                                     "inherent": stage(5, confidentiality=5)})
    measures.update_measure(session, SECURITY, r.measures[0].id, {"title": "Kryptering", "owner": "Ahmed",
                                                                  "status": "done", "risk_keys": [r.key]})
    session.commit()
    session.expire_all()
    row = ros.acceptance_rows(session, assessment.series_id)[0]
    snap = row["snapshot"]
    assert (snap["title"], snap["current_score"], snap["current_level"]) == ("Brev til feil mottaker", 16, "red")
    assert snap["inherent"] == {"likelihood": 4, "consequences": {"confidentiality": 4}}
    assert snap["measures"][0]["status"] == "planned"
    assert snap["matrix"]["name"] == "Standard 5x5" and snap["assessment"]["revision"] == 1
    assert (row["approver"], row["decided_on"], row["expires_on"]) == ("Lise Leder", date(2026, 1, 10), date(2026, 7, 1))
    state = ros.acceptance_state(session, session.get(Risk, r.id))
    assert state["changed_since"] is True and state["id"] == accepted.id
    # the acceptance follows the risk into the next version (by key), with the snapshot unchanged
    approve(session, SECURITY, assessment.id)
    v2 = ros.start_revision(session, SECURITY, assessment.id)
    assert ros.acceptance_state(session, v2.risks[0])["decision"] == "accepted"
    with pytest.raises(BackofficeError):
        ros.delete_risk(session, SECURITY, r.id)


def test_acceptance_needs_expiry(session):
    assessment = new_ros(session, SECURITY)
    r = risk(session, SECURITY, assessment.id)
    request = ros.request_acceptance(session, SECURITY, r.id, {"rationale": "ok"})
    with pytest.raises(BackofficeError, match="utløpsdato"):
        ros.decide_acceptance(session, LEADER, request.id, {"decision": "accepted", "rationale": "ok"})


def test_review_trigger_from_other_roles(db_url):
    portfolio = make_actor("portfolio", username="portefolje")
    with session_scope(actor=portfolio) as session:
        trigger = ros.mark_review_due(session, portfolio, "svarut", "Ny printleverandør (ER-14)", "change", "ER-14")
        trigger_id = trigger.id
    with session_scope() as session:
        stored = session.get(ReviewTrigger, trigger_id)
        assert (stored.requested_by, stored.requested_role, stored.kind) == ("portefolje", "portfolio", "change")
        entry = audit.search(session, table="ros_review_trigger")[0]
        assert entry.actor == "portefolje" and "Ny printleverandør" in entry.changes
        due = ros.due_reviews(session, "svarut")
        assert [(d["kind"], d["detail"]) for d in due] == [("trigger", "Ny printleverandør (ER-14)")]
        assert ros.kpi_counts(session)["reviews_due"] == 1
        with pytest.raises(NotFound):
            ros.mark_review_due(session, portfolio, "finnes-ikke", "Endring")
        with pytest.raises(PermissionDenied):
            ros.mark_review_due(session, make_actor(), "svarut", "Endring")
    # approving a new ROS for the service closes the request
    with session_scope(actor=SECURITY) as session:
        assessment = new_ros(session, SECURITY)
        risk(session, SECURITY, assessment.id)
        approve(session, SECURITY, assessment.id)
    with session_scope() as session:
        assert ros.open_triggers(session, "svarut") == []
        assert "Lukket ved godkjenning" in session.get(ReviewTrigger, trigger_id).resolution


def test_current_assessment_for_service_and_add_risk(session):
    draft = ros.current_assessment_for_service(session, "digisos")
    assert (draft.status, draft.service_code, draft.title) == ("draft", "digisos", "ROS for Digisos")
    assert ros.current_assessment_for_service(session, "digisos").id == draft.id
    r = ros.add_risk(session, SECURITY, draft.id, {
        "title": "Spoofing av Fiks IO-konto", "threat": "S: falsk avsender", "owner": "Kari",
        "due_date": date(2026, 12, 1), "inherent": stage(3, integrity=4), "source": "threat:42"})
    assert (r.key, r.due_date, r.source, r.current_level) == ("R-01", date(2026, 12, 1), "threat:42", "red")
    approve(session, SECURITY, draft.id)
    assert ros.current_assessment_for_service(session, "digisos").id == draft.id          # the approved one
    revision = ros.current_assessment_for_service(session, "digisos", SECURITY, for_edit=True)
    assert (revision.revision, revision.status) == (2, "draft")
    with pytest.raises(PermissionDenied):
        ros.current_assessment_for_service(session, "svarut", make_actor("support"))
    with pytest.raises(NotFound):
        ros.current_assessment_for_service(session, "nope")


def test_write_denied_and_stale_edit_change_nothing(session):
    assessment = new_ros(session, SECURITY)
    r = risk(session, SECURITY, assessment.id)
    for actor in (make_actor("support"), make_actor("product_owner", owned=("svarut",)), make_actor("leader")):
        with pytest.raises(PermissionDenied, match="endre risikovurderinger"):
            ros.add_risk(session, actor, assessment.id, {"title": "x", "inherent": stage(1, integrity=1)})
    assert session.scalar(select(func.count()).select_from(Risk)) == 1
    version = r.version
    ros.update_risk(session, SECURITY, r.id, ros.risk_payload(r) | {"owner": "Ny eier"}, expected_version=version)
    with pytest.raises(ConflictError, match="owner"):
        ros.update_risk(session, SECURITY, r.id, ros.risk_payload(r) | {"owner": "Gammel"}, expected_version=version)
    assert r.owner == "Ny eier"


def test_kpis_and_service_facts(session):
    assessment = approved_ros(session)
    assert assessment.is_current
    counts = ros.kpi_counts(session)
    assert counts["above"] == 1 and counts["overdue_measures"] == 0
    facts = {f.label: f.value for f in ros.service_facts(session, "svarut")}
    assert facts["Åpne risikoer over akseptgrensen"] == "R-01 Brev til feil mottaker (Rød)"
    assert facts["ROS-analyse"].startswith("Godkjent, versjon 1")
    assert {f.label: f.value for f in ros.service_facts(session, "minside")}["ROS-analyse"] == "Ingen ROS-analyse"
    kpis = ros.kpis(session, SECURITY)
    assert [k.value for k in kpis] == ["1", "0", "0", "0"]
    r1 = next(r for r in assessment.risks if r.key == "R-01")
    accept(session, SECURITY, r1.id, "Midlertidig", expires_on=date.today() + timedelta(days=90))
    facts = {f.label: f.value for f in ros.service_facts(session, "svarut")}
    assert facts["Åpne risikoer over akseptgrensen"] == "Ingen"      # accepted, and the acceptance is valid


def test_discard_draft_restores_current(session):
    v1 = approved_ros(session)
    v2 = ros.start_revision(session, SECURITY, v1.id)
    ros.discard_draft(session, SECURITY, v2.id)
    assert session.get(RosAssessment, v2.id) is None
    assert session.get(RosAssessment, v1.id).is_current


def test_owner_filters_ignore_case_with_norwegian_letters(session):
    assessment = new_ros(session, SECURITY)
    risk(session, SECURITY, assessment.id, "Feil i utsending", owner="Ørjan Ås")
    risk(session, SECURITY, assessment.id, "Tregt oppslag", owner="Kari")
    measures.add_measure(session, SECURITY, assessment.id, {"title": "Overvåking", "owner": "ÆSE ØVREBØ"})
    measures.add_measure(session, SECURITY, assessment.id, {"title": "Lasttest", "owner": "Ola"})
    assert [r["title"] for r in ros.risk_rows(session, owner="ørjan å", current_only=False)] == ["Feil i utsending"]
    assert [m["title"] for m in measures.measure_rows(session, owner="øvrebø", current_only=False)] == ["Overvåking"]
    assert ros.risk_rows(session, owner="50%", current_only=False) == []
