"""STRIDE per element, regeneration that keeps decisions, element edits, threat -> ROS risk."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from data.audit import AuditEntry
from data.errors import BackofficeError, ConflictError, PermissionDenied, ValidationFailed
from risk import ros
from risk.models import Risk
from risk.threats import modelling as threats
from risk.threats.models import Threat, ThreatElement
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")
LEADER = make_actor("leader", username="lise")
ARCHITECT = make_actor("architect", username="arne")


def small_model(session, actor=SECURITY, code="svarut") -> dict[str, int]:
    """Internet zone with a user; DMZ with an API, a database and an audit log."""
    ids = {}
    threats.save_model(session, actor, code, {"title": "Liten modell"})
    ids["internet"] = threats.add_element(session, actor, code, {"kind": "trust_boundary", "name": "Internett"}).id
    ids["dmz"] = threats.add_element(session, actor, code, {"kind": "trust_boundary", "name": "DMZ"}).id
    for kind, name, zone, extra in (("external_entity", "Bruker", "internet", {}),
                                    ("process", "API", "dmz", {}),
                                    ("data_store", "Database", "dmz", {}),
                                    ("data_store", "Revisjonslogg", "dmz", {"holds_logs": True})):
        ids[name] = threats.add_element(session, actor, code, {"kind": kind, "name": name,
                                                               "boundary_id": ids[zone], **extra}).id
    for name, source, target in (("Innlogging", "Bruker", "API"), ("Spørring", "API", "Database"),
                                 ("Logging", "API", "Revisjonslogg")):
        ids[name] = threats.add_element(session, actor, code, {
            "kind": "data_flow", "name": name, "source_id": ids[source], "target_id": ids[target],
            "protocol": "HTTPS", "encrypted": True}).id
    return ids


def threat_set(session, code="svarut") -> set[tuple[str, str]]:
    detail = threats.model_detail(session, code)
    return {(row["element"], row["category"]) for row in detail["threats"]}


def test_stride_per_element_matches_the_hand_made_list(session):
    small_model(session)
    result = threats.generate_threats(session, SECURITY, "svarut")
    expected = {
        ("Bruker", "S"), ("Bruker", "R"),
        ("API", "S"), ("API", "T"), ("API", "R"), ("API", "I"), ("API", "D"), ("API", "E"),
        ("Database", "T"), ("Database", "I"), ("Database", "D"),
        ("Revisjonslogg", "T"), ("Revisjonslogg", "R"), ("Revisjonslogg", "I"), ("Revisjonslogg", "D"),
        ("Innlogging", "T"), ("Innlogging", "I"), ("Innlogging", "D"),
        ("Spørring", "T"), ("Spørring", "I"), ("Spørring", "D"),
        ("Logging", "T"), ("Logging", "I"), ("Logging", "D"),
    }
    assert threat_set(session) == expected
    assert result == {"added": 24, "kept": 0, "stale": 0, "revived": 0}
    # trust boundaries get no threats of their own
    assert not any(name in ("Internett", "DMZ") for name, _ in threat_set(session))


def test_flows_that_cross_a_trust_boundary_rank_higher(session):
    small_model(session)
    threats.generate_threats(session, SECURITY, "svarut")
    detail = threats.model_detail(session, "svarut")
    flows = {e["name"]: e for e in detail["elements"] if e["kind"] == "data_flow"}
    assert flows["Innlogging"]["crosses_boundary"] is True      # Internett -> DMZ
    assert flows["Spørring"]["crosses_boundary"] is False       # inside the DMZ
    rank = {(r["element"], r["category"]): r["rank"] for r in detail["threats"]}
    assert rank[("Innlogging", "I")] > rank[("Spørring", "I")]
    assert rank[("Innlogging", "T")] > rank[("Logging", "T")]
    # the list is ordered by rank, highest first, and the crossing flow is at the top
    assert detail["threats"][0]["element"] == "Innlogging"
    severities = {(r["element"], r["category"]): r["severity"] for r in detail["threats"]}
    assert severities[("Innlogging", "I")] == "high"


def test_regeneration_keeps_decisions_adds_new_and_marks_removed(session):
    ids = small_model(session)
    threats.generate_threats(session, SECURITY, "svarut")
    rows = {(r["element"], r["category"]): r for r in threats.model_detail(session, "svarut")["threats"]}
    threats.decide_threat(session, SECURITY, rows[("API", "E")]["id"],
                          {"status": "mitigated", "mitigation": "Minste privilegium og egne tjenestekontoer."})
    threats.decide_threat(session, LEADER, rows[("Database", "I")]["id"],
                          {"status": "accepted", "mitigation": "", "severity": "low"})
    threats.decide_threat(session, SECURITY, rows[("Spørring", "D")]["id"],
                          {"status": "not_applicable", "mitigation": ""})
    # change the model: a new process, the database removed, the log no longer holds logs
    ids["Kø"] = threats.add_element(session, ARCHITECT, "svarut", {"kind": "process", "name": "Kø",
                                                                   "boundary_id": ids["dmz"]}).id
    deleted = threats.delete_element(session, ARCHITECT, ids["Database"])
    assert deleted == {"threats_marked": 3}
    log = session.get(ThreatElement, ids["Revisjonslogg"])
    threats.update_element(session, ARCHITECT, log.id, {"kind": "data_store", "name": "Revisjonslogg",
                                                        "boundary_id": ids["dmz"], "holds_logs": False},
                           expected_version=log.version)
    result = threats.generate_threats(session, SECURITY, "svarut")
    assert result["added"] == 6            # S, T, R, I, D, E for the new process
    assert result["stale"] == 1            # the log's repudiation threat no longer applies
    after = {(r["element"], r["category"]): r for r in threats.model_detail(session, "svarut")["threats"]}
    assert after[("API", "E")]["status"] == "mitigated"
    assert after[("API", "E")]["mitigation"] == "Minste privilegium og egne tjenestekontoer."
    assert after[("Database", "I")]["status"] == "accepted"
    assert after[("Database", "I")]["severity"] == "low"
    assert after[("Database", "I")]["stale"] == "element_gone"
    assert after[("Database", "I")]["element_id"] is None
    assert after[("Spørring", "D")]["stale"] == ""      # the flow still exists (its target is gone)
    assert after[("Revisjonslogg", "R")]["stale"] == "no_longer_applies"
    assert after[("Kø", "E")]["status"] == "open"
    # a third run changes nothing
    assert threats.generate_threats(session, SECURITY, "svarut") == {"added": 0, "kept": 26, "stale": 0,
                                                                      "revived": 0}


def test_a_stale_threat_comes_back_when_its_element_applies_again(session):
    ids = small_model(session)
    threats.generate_threats(session, SECURITY, "svarut")
    log = session.get(ThreatElement, ids["Revisjonslogg"])
    threats.update_element(session, SECURITY, log.id, {"kind": "data_store", "name": "Revisjonslogg",
                                                       "holds_logs": False})
    threats.generate_threats(session, SECURITY, "svarut")
    threats.update_element(session, SECURITY, log.id, {"kind": "data_store", "name": "Revisjonslogg",
                                                       "holds_logs": True})
    result = threats.generate_threats(session, SECURITY, "svarut")
    assert result["revived"] == 1
    rows = {(r["element"], r["category"]): r for r in threats.model_detail(session, "svarut")["threats"]}
    assert rows[("Revisjonslogg", "R")]["stale"] == ""


def test_who_may_do_what(session):
    product_owner = make_actor("product_owner", owned=("svarut",))
    with pytest.raises(PermissionDenied):
        threats.save_model(session, product_owner, "svarut", {"title": "X"})
    ids = small_model(session, ARCHITECT)          # the architect draws the diagram
    with pytest.raises(PermissionDenied):
        threats.generate_threats(session, ARCHITECT, "svarut")   # ... but does not decide threats
    threats.generate_threats(session, SECURITY, "svarut")
    threat_id = threats.model_detail(session, "svarut")["threats"][0]["id"]
    with pytest.raises(PermissionDenied):
        threats.decide_threat(session, ARCHITECT, threat_id, {"status": "accepted"})
    assert session.get(Threat, threat_id).status == "open"
    with pytest.raises(PermissionDenied):
        threats.delete_element(session, make_actor("finance"), ids["API"])
    assert session.get(ThreatElement, ids["API"]) is not None


def test_bad_input_is_refused_with_a_plain_message(session):
    ids = small_model(session)
    with pytest.raises(ValidationFailed) as info:
        threats.add_element(session, SECURITY, "svarut", {"kind": "data_flow", "name": "Uten mål",
                                                          "source_id": ids["API"]})
    assert "«fra» og «til»" in info.value.message
    with pytest.raises(ValidationFailed) as info:
        threats.add_element(session, SECURITY, "svarut", {"kind": "data_flow", "name": "Løkke",
                                                          "source_id": ids["API"], "target_id": ids["API"]})
    assert "seg selv" in info.value.message
    with pytest.raises(ValidationFailed):
        threats.add_element(session, SECURITY, "svarut", {"kind": "process", "name": "P", "holds_logs": True})
    with pytest.raises(BackofficeError) as info:   # a flow may not end in a trust boundary
        threats.add_element(session, SECURITY, "svarut", {"kind": "data_flow", "name": "Feil",
                                                          "source_id": ids["API"], "target_id": ids["dmz"]})
    assert "«Til»" in info.value.message
    threats.generate_threats(session, SECURITY, "svarut")
    threat_id = threats.model_detail(session, "svarut")["threats"][0]["id"]
    with pytest.raises(ValidationFailed) as info:
        threats.decide_threat(session, SECURITY, threat_id, {"status": "mitigated", "mitigation": ""})
    assert "Beskriv tiltaket" in info.value.message
    with pytest.raises(ValidationFailed):
        threats.decide_threat(session, SECURITY, threat_id, {"status": "solved"})


def test_a_stale_edit_names_who_changed_what(session):
    ids = small_model(session)
    api = session.get(ThreatElement, ids["API"])
    old_version = api.version
    threats.update_element(session, ARCHITECT, api.id, {"kind": "process", "name": "API v2",
                                                        "boundary_id": ids["dmz"]}, expected_version=old_version)
    session.info["actor"] = ARCHITECT
    session.flush()
    with pytest.raises(ConflictError):
        threats.update_element(session, SECURITY, api.id, {"kind": "process", "name": "API v3"},
                               expected_version=old_version)
    assert session.get(ThreatElement, api.id).name == "API v2"


def test_decisions_are_audited(session):
    small_model(session)
    threats.generate_threats(session, SECURITY, "svarut")
    threat_id = threats.model_detail(session, "svarut")["threats"][0]["id"]
    threats.decide_threat(session, SECURITY, threat_id, {"status": "transferred", "mitigation": "Leverandør"})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "threat",
                                                    AuditEntry.row_id == str(threat_id),
                                                    AuditEntry.action == "update"))
    assert entry is not None
    assert {"status", "mitigation"} <= entry.changed_fields()


def test_threat_becomes_a_ros_risk_with_owner_and_deadline(session):
    small_model(session)
    threats.generate_threats(session, SECURITY, "svarut")
    row = next(r for r in threats.model_detail(session, "svarut")["threats"]
               if (r["element"], r["category"]) == ("Innlogging", "I"))
    deadline = date.today() + timedelta(days=60)
    risk_id = threats.threat_to_risk(session, SECURITY, row["id"], {
        "owner": "Driftsleder", "deadline": deadline, "likelihood": 4, "consequence": 3})
    risk = session.get(Risk, risk_id)
    assert risk.title == row["title"]
    assert risk.owner == "Driftsleder"
    assert risk.due_date == deadline
    assert risk.inherent_likelihood == 4
    assert risk.inherent_consequences == {"confidentiality": 3}
    assert "Innlogging" in risk.vulnerability
    assessment = ros.current_assessment_for_service(session, "svarut")
    assert risk.assessment_id == assessment.id
    threat = session.get(Threat, row["id"])
    assert (threat.ros_risk_id, threat.risk_owner, threat.risk_deadline) == (risk_id, "Driftsleder", deadline)
    # not twice
    with pytest.raises(BackofficeError) as info:
        threats.threat_to_risk(session, SECURITY, row["id"], {"owner": "X", "deadline": deadline})
    assert str(risk_id) in info.value.message
    # the architect may not
    other = next(r for r in threats.model_detail(session, "svarut")["threats"] if r["ros_risk_id"] is None)
    with pytest.raises(PermissionDenied):
        threats.threat_to_risk(session, ARCHITECT, other["id"], {"owner": "X", "deadline": deadline})
    with pytest.raises(ValidationFailed) as info:
        threats.threat_to_risk(session, SECURITY, other["id"], {"owner": "X",
                                                                "deadline": date.today() - timedelta(days=1)})
    assert "tilbake i tid" in info.value.message


def test_service_facts_and_kpis(session):
    assert threats.service_facts(session, "svarut")[0].value == "Ingen ennå"
    small_model(session)
    threats.generate_threats(session, SECURITY, "svarut")
    facts = threats.service_facts(session, "svarut")
    assert facts[1].value == "24 trusler, 24 åpne, 0 avgjort"
    kpis = {k.label: k.value for k in threats.kpis(session, SECURITY)}
    assert kpis["Trusselmodeller"] == "1"
    assert kpis["Åpne trusler"] == "24"


def test_table_edits_are_checked_first_and_saved_together(session):
    ids = small_model(session)
    detail = threats.model_detail(session, "svarut")
    flows = {e["name"]: e for e in detail["elements"] if e["kind"] == "data_flow"}
    nodes = {e["name"]: e for e in detail["elements"] if e["kind"] != "data_flow"}
    good = {**flows["Spørring"], "protocol": "JDBC/TLS", "encrypted": False}
    bad = {**flows["Logging"], "target_id": flows["Logging"]["source_id"]}       # a loop
    renamed = {**nodes["Database"], "name": "Saksdatabase"}
    with pytest.raises(ValidationFailed) as info:
        threats.update_elements(session, ARCHITECT, "svarut", [good, bad, renamed])
    assert "Rad 2" in info.value.message
    assert session.get(ThreatElement, ids["Spørring"]).protocol == "HTTPS"        # nothing saved
    threats.generate_threats(session, SECURITY, "svarut")
    assert threats.update_elements(session, ARCHITECT, "svarut", [good, renamed, nodes["API"]]) == 2
    assert session.get(ThreatElement, ids["Spørring"]).encrypted is False
    names = {r["element"] for r in threats.model_detail(session, "svarut")["threats"]}
    assert "Saksdatabase" in names and "Database" not in names


def test_accepting_a_threat_is_the_leaders_call(session):
    small_model(session)
    threats.generate_threats(session, SECURITY, "svarut")
    threat_id = threats.model_detail(session, "svarut")["threats"][0]["id"]
    with pytest.raises(BackofficeError, match="å akseptere en trussel er å akseptere en risiko"):
        threats.decide_threat(session, SECURITY, threat_id, {"status": "accepted", "mitigation": ""})
    assert session.get(Threat, threat_id).status == "open"
    with pytest.raises(PermissionDenied):                  # the leader accepts, and decides nothing else
        threats.decide_threat(session, LEADER, threat_id, {"status": "mitigated", "mitigation": "Kryptert"})
    threats.decide_threat(session, LEADER, threat_id, {"status": "accepted", "mitigation": "Lav sannsynlighet"})
    threat = session.get(Threat, threat_id)
    assert (threat.status, threat.decided_by) == ("accepted", LEADER.username)
    threats.decide_threat(session, SECURITY, threat_id, {"status": "accepted", "mitigation": "Lav sannsynlighet, "
                                                         "loggen kopieres daglig"})   # an accepted one stays editable
    assert session.get(Threat, threat_id).mitigation.endswith("daglig")
