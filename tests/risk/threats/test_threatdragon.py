"""OWASP Threat Dragon v2 exchange: the real models import, and import -> export -> import keeps them."""
import json
from datetime import date, timedelta

import pytest

from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from risk.threats import modelling as threats
from risk.threats import threatdragon
from risk.threats.demo import digisos_threat_dragon
from risk.threats.models import Threat
from risk.threats.schemas import ThreatToRiskIn
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")
LEADER = make_actor("leader", username="lise")
ARCHITECT = make_actor("architect", username="arne")
# Importing takes the security officer's (or architect's) right, keeping a file's "Accepted" the leader's: an
# actor holding both, like the local operator of the CLI, imports a file exactly as it is.
LEADER_AND_SECURITY = make_actor("leader", "security", username="lise")
MODELS = ("payment-online.json", "three-tier-web-app.json", "v2-threat-model.json")


def _td_counts(doc: dict) -> dict:
    counts = {"nodes": 0, "flows": 0, "boundaries": 0, "threats": 0}
    for diagram in doc["detail"]["diagrams"]:
        for cell in diagram["cells"]:
            kind = threatdragon.KIND_BY_TYPE.get(cell.get("data", {}).get("type")) or \
                threatdragon.KIND_BY_SHAPE.get(cell.get("shape"))
            if kind is None:
                continue
            key = {"data_flow": "flows", "trust_boundary": "boundaries"}.get(kind, "nodes")
            counts[key] += 1
            counts["threats"] += len(cell.get("data", {}).get("threats") or [])
    return counts


def _snapshot(session, code):
    detail = threats.model_detail(session, code)
    elements = {(e["external_id"], e["kind"], e["name"], e["source"], e["target"], e["boundary"], e["holds_logs"],
                 e["encrypted"], e["protocol"], e["out_of_scope"]) for e in detail["elements"]}
    found = {(th["element"], th["category"], th["title"], th["status"], th["severity"], th["mitigation"])
             for th in detail["threats"]}
    return elements, found


@pytest.mark.parametrize("name", MODELS)
def test_every_shared_model_imports(session, shared_data, name):
    content = (shared_data / "threat-dragon" / name).read_bytes()
    expected = _td_counts(json.loads(content))
    counts = threatdragon.import_model(session, SECURITY, "svarut", content)
    assert counts["elements"] == expected["nodes"]
    assert counts["flows"] == expected["flows"]
    assert counts["boundaries"] == expected["boundaries"]
    assert counts["threats"] == expected["threats"]
    detail = threats.model_detail(session, "svarut")
    assert detail["model"]["title"] == json.loads(content)["summary"]["title"]
    assert len(detail["threats"]) == expected["threats"]


@pytest.mark.parametrize("name", MODELS)
def test_import_export_import_keeps_elements_flows_and_threats(session, shared_data, name):
    content = (shared_data / "threat-dragon" / name).read_bytes()
    threatdragon.import_model(session, SECURITY, "svarut", content)
    first = _snapshot(session, "svarut")
    exported = threatdragon.export_json(session, "svarut")
    assert _td_counts(json.loads(exported)) == _td_counts(json.loads(content))
    # into another service: everything arrives the same
    threatdragon.import_model(session, SECURITY, "digisos", exported)
    assert _snapshot(session, "digisos") == first
    # and back into the same service: nothing added, nothing removed
    counts = threatdragon.import_model(session, SECURITY, "svarut", exported)
    assert counts["removed"] == 0
    assert _snapshot(session, "svarut") == first


def test_details_of_the_demo_model_survive(session, shared_data):
    content = (shared_data / "threat-dragon" / "v2-threat-model.json").read_bytes()
    threatdragon.import_model(session, SECURITY, "svarut", content)
    detail = threats.model_detail(session, "svarut")
    by_name = {e["name"]: e for e in detail["elements"]}
    assert by_name["Database"]["holds_logs"] is True          # isALog
    assert by_name["Worker Config"]["stores_credentials"] is True
    assert by_name["Web Application Config"]["out_of_scope"] is True
    assert by_name["Web Response"]["protocol"] == "HTTP/S"
    assert by_name["Web Response"]["encrypted"] is True
    assert by_name["Background Worker Process"]["kind"] == "process"   # line breaks in names are folded
    # the "Web Request" flow starts at a loose point (no source element) and is kept
    assert by_name["Web Request"]["source_id"] is None
    assert by_name["Web Request"]["target"] == "Web Application"
    # threats keep type, status, severity and mitigation
    found = {(th["element"], th["category"], th["status"], th["severity"]) for th in detail["threats"]}
    assert ("Message Queue", "S", "mitigated", "high") in found
    assert ("Worker Config", "I", "open", "high") in found
    db_threat = next(th for th in detail["threats"] if th["element"] == "Database" and th["status"] == "mitigated")
    assert db_threat["title"]
    exported = threatdragon.export_model(session, "svarut")
    cell = next(c for c in exported["detail"]["diagrams"][0]["cells"] if c.get("data", {}).get("name") == "Database")
    assert cell["position"] == {"x": 465, "y": 510} or "position" in cell       # layout is carried over
    assert cell["data"]["isALog"] is True
    texts = [c for c in exported["detail"]["diagrams"][0]["cells"] if c.get("shape") == "td-text-block"]
    assert len(texts) == 1


def test_boundary_geometry_sets_zones_and_crossings(session, shared_data):
    content = (shared_data / "threat-dragon" / "payment-online.json").read_bytes()
    threatdragon.import_model(session, SECURITY, "svarut", content)
    detail = threats.model_detail(session, "svarut")
    by_name = {e["name"]: e for e in detail["elements"]}
    zones = {e["name"]: e["boundary"] for e in detail["elements"] if e["kind"] in ("external_entity", "process")}
    assert zones["Customer"] == ""                       # drawn outside every box
    assert zones["Customer Client"] == "Customer / Internet"
    assert zones["Merchant Web Server"] == "Merchant / Web"
    assert zones["Stripe API service"] == "Stripe / Web"
    flows = [e for e in detail["elements"] if e["kind"] == "data_flow"]
    crossing = {f["name"] for f in flows if f["crosses_boundary"]}
    assert any(name.startswith("(4) Merchant sends order") for name in crossing)    # merchant -> Stripe
    assert any(name.startswith("(1) Customer logs into") for name in crossing)       # outside -> a zone
    assert not any(name.startswith("(9) Attempt payment") for name in crossing)      # within Stripe
    assert not by_name["Customer"]["crosses_boundary"]


def test_curve_boundaries_mark_crossing_flows(session, shared_data):
    content = (shared_data / "threat-dragon" / "v2-threat-model.json").read_bytes()
    threatdragon.import_model(session, SECURITY, "svarut", content)
    flows = {e["name"]: e for e in threats.model_detail(session, "svarut")["elements"] if e["kind"] == "data_flow"}
    assert any(f["crosses_boundary"] for f in flows.values())


def test_stride_generation_after_import_keeps_imported_threats(session, shared_data):
    content = (shared_data / "threat-dragon" / "v2-threat-model.json").read_bytes()
    threatdragon.import_model(session, SECURITY, "svarut", content)
    before = len(threats.model_detail(session, "svarut")["threats"])
    result = threats.generate_threats(session, SECURITY, "svarut")
    detail = threats.model_detail(session, "svarut")
    assert len(detail["threats"]) == before + result["added"]
    assert sum(1 for th in detail["threats"] if th["origin"] == "imported") == before
    # out-of-scope elements get no generated threats
    assert not any(th["element"] == "Web Application Config" and th["origin"] == "generated"
                   for th in detail["threats"])


def test_a_generated_model_exports_and_comes_back(session):
    threatdragon.import_model(session, SECURITY, "digisos", json.dumps(digisos_threat_dragon()))
    threats.generate_threats(session, SECURITY, "digisos")
    row = next(th for th in threats.model_detail(session, "digisos")["threats"] if th["origin"] == "generated")
    threats.decide_threat(session, LEADER, row["id"], {"status": "accepted", "mitigation": "Lav risiko"})
    first = _snapshot(session, "digisos")
    threatdragon.import_model(session, LEADER_AND_SECURITY, "svarut", threatdragon.export_json(session, "digisos"))
    assert _snapshot(session, "svarut")[1] == first[1]
    # accepted is kept through our own fields even though Threat Dragon itself only knows Open/Mitigated/N/A
    origins = {th["origin"] for th in threats.model_detail(session, "svarut")["threats"]}
    assert origins == {"generated", "imported"}
    # regenerating the copy finds the generated threats again instead of doubling them
    assert threats.generate_threats(session, SECURITY, "svarut")["added"] == 0


def test_elements_missing_from_a_new_import_are_removed_and_their_threats_marked(session):
    doc = digisos_threat_dragon()
    threatdragon.import_model(session, SECURITY, "digisos", json.dumps(doc))
    doc["detail"]["diagrams"][0]["cells"] = [c for c in doc["detail"]["diagrams"][0]["cells"]
                                             if c["id"] not in ("ds-store", "ds-f2", "ds-f3")]
    counts = threatdragon.import_model(session, SECURITY, "digisos", json.dumps(doc))
    assert counts["removed"] == 3
    gone = [th for th in threats.model_detail(session, "digisos")["threats"] if th["stale"] == "element_gone"]
    assert [th["title"] for th in gone] == ["Innsyn i søknader"]


def test_bad_files_are_refused_and_change_nothing(session):
    with pytest.raises(BackofficeError) as info:
        threatdragon.import_model(session, SECURITY, "svarut", b"{not json")
    assert "ikke gyldig JSON" in info.value.message
    with pytest.raises(BackofficeError) as info:
        threatdragon.import_model(session, SECURITY, "svarut", b'{"summary": {}}')
    assert "Threat Dragon" in info.value.message
    doc = digisos_threat_dragon()
    cells = doc["detail"]["diagrams"][0]["cells"]
    cells.append({"shape": "flow", "id": "bad-flow", "source": {"cell": "nowhere"}, "target": {"cell": "ds-store"},
                  "data": {"type": "tm.Flow", "name": "Til ingensteds", "threats": []}})
    cells[4]["data"]["threats"].append({"id": "x", "title": "Rar", "type": "Cosmic rays", "status": "Maybe"})
    with pytest.raises(ValidationFailed) as info:
        threatdragon.import_model(session, SECURITY, "svarut", json.dumps(doc))
    message = info.value.message
    assert "2 feil" in message
    assert "Til ingensteds" in message and "nowhere" in message
    assert "Maybe" in message
    assert threats.find_model(session, "svarut") is None


def test_the_architect_imports_diagrams_but_not_threat_decisions(session):
    doc = digisos_threat_dragon()
    with pytest.raises(PermissionDenied):
        threatdragon.import_model(session, ARCHITECT, "digisos", json.dumps(doc))
    for cell in doc["detail"]["diagrams"][0]["cells"]:
        cell.get("data", {})["threats"] = []
    counts = threatdragon.import_model(session, ARCHITECT, "digisos", json.dumps(doc))
    assert counts["elements"] == 6
    with pytest.raises(PermissionDenied):
        threatdragon.import_model(session, make_actor("support"), "digisos", json.dumps(doc))


def test_export_without_a_model_is_a_plain_error(session):
    with pytest.raises(BackofficeError) as info:
        threatdragon.export_model(session, "minside")
    assert "ingen trusselmodell" in info.value.message


def test_segment_crossing():
    assert threatdragon.polylines_cross([(0, 0), (10, 10)], [(0, 10), (10, 0)])
    assert not threatdragon.polylines_cross([(0, 0), (10, 0)], [(0, 5), (10, 5)])


# --- lossless exchange: Threat Dragon's whole vocabulary (issue 19) ---------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_every_shared_model_exports_as_it_came_in(session, shared_data, name):
    original = json.loads((shared_data / "threat-dragon" / name).read_bytes())
    threatdragon.import_model(session, SECURITY, "svarut", json.dumps(original))
    assert threatdragon.export_model(session, "svarut") == original
    # and through a second service and back: still the same document
    threatdragon.import_model(session, SECURITY, "digisos", threatdragon.export_json(session, "svarut"))
    assert threatdragon.export_model(session, "digisos") == original


# Threat Dragon's documented vocabulary (OWASP/threat-dragon td.vue/src/i18n/en.json, threats/status.js,
# ThreatEditDialog.vue): every model type with every one of its threat types, every status, every severity.
STATUSES = ("Open", "Mitigated", "NotApplicable", "N/A", "Accepted", "Transferred", "Avoided", "Eliminated")
SEVERITIES = ("Low", "Medium", "High", "Critical", "TBD", "TBA", "", None)


def _vocabulary_model(version="2.6.2") -> dict:
    threats_by_cell: dict[str, list] = {"p1": [], "s1": [], "a1": [], "f1": []}
    cells_for_model = {"STRIDE": "p1", "CIA": "s1", "CIADIE": "s1", "DIE": "s1", "LINDDUN": "a1", "PLOT4ai": "f1",
                       "EOP": "p1", "Generic": "a1"}
    number = 0
    for model_type, types in {**threatdragon.TD_TYPES, "DIE": ("Distributed",)}.items():
        for kind in types:
            number += 1
            threat = {"id": f"t{number}", "title": f"{model_type}: {kind}" if number % 5 else "", "type": kind,
                      "status": STATUSES[number % len(STATUSES)], "description": "Linje 1\nLinje 2",
                      "mitigation": "", "modelType": model_type, "new": False, "number": number, "score": ""}
            severity = SEVERITIES[number % len(SEVERITIES)]
            if severity is not None:
                threat["severity"] = severity
            if number == 3:
                threat["cardNumber"] = "VE2"          # a field of a newer Threat Dragon, kept as it is
            threats_by_cell[cells_for_model[model_type]].append(threat)

    def node(cell_id, shape, td_type, name, x, threats=None, **data):
        cell = {"position": {"x": x, "y": 100}, "size": {"width": 120, "height": 60}, "attrs": {"text": {"text": name}},
                "visible": True, "shape": shape, "zIndex": 1, "id": cell_id,
                "data": {"type": td_type, "name": name, "description": "", "outOfScope": False, "reasonOutOfScope": "",
                         "hasOpenThreats": False, "threats": threats if threats is not None else [], **data}}
        return cell

    cells = [
        {"position": {"x": 0, "y": 0}, "size": {"width": 900, "height": 400}, "attrs": {"label": {"text": ""}},
         "shape": "trust-boundary-box", "zIndex": -1, "id": "b1", "data": {"type": "tm.BoundaryBox", "name": "",
                                                                            "isTrustBoundary": True}},
        node("a1", "actor", "tm.Actor", "Innbygger\nmed BankID", 20, threats_by_cell["a1"], providesAuthentication=True),
        {"shape": "td-text-block", "id": "x1", "zIndex": 0, "position": {"x": 0, "y": 500},
         "size": {"width": 100, "height": 30}, "attrs": {"label": {"text": "Fritekst"}}, "data": {"type": "tm.Text"}},
        node("p1", "process", "tm.Process", "Mottak", 300, threats_by_cell["p1"], isWebApplication=True,
             privilegeLevel="user"),
        node("s1", "store", "tm.Store", "", 600, threats_by_cell["s1"], isALog=True, storesCredentials=False,
             isSigned=True),
        {"shape": "flow", "id": "f1", "zIndex": 10, "connector": "smooth", "source": {"cell": "a1"},
         "target": {"cell": "p1"}, "vertices": [{"x": 200, "y": 50}],
         "labels": [{"attrs": {"labelText": {"text": ""}}, "position": 0.5}],
         "attrs": {"line": {"stroke": "#333333", "targetMarker": {"name": "block"}}},
         "data": {"type": "tm.Flow", "name": "", "description": "", "outOfScope": False, "reasonOutOfScope": "",
                  "protocol": "HTTPS", "isEncrypted": True, "isPublicNetwork": True, "isBidirectional": False,
                  "hasOpenThreats": True, "threats": threats_by_cell["f1"]}},
        {"shape": "trust-boundary-curve", "id": "c1", "zIndex": 10, "source": {"x": 250, "y": 0},
         "target": {"x": 250, "y": 400}, "vertices": [], "data": {"type": "tm.Boundary", "name": "",
                                                                   "isTrustBoundary": True}},
        {"shape": "flow", "id": "f2", "zIndex": 10, "source": {"cell": "p1"}, "target": {"cell": "s1"},
         "labels": [{"attrs": {"labelText": {"text": "Lagre\nsøknad"}}, "position": 0.5}], "vertices": [],
         "data": {"type": "tm.Flow", "name": "Lagre\nsøknad", "protocol": "", "isEncrypted": False,
                  "isPublicNetwork": False, "isBidirectional": False, "hasOpenThreats": False, "threats": []}},
    ]
    return {"version": version, "release_version": "2.6.2", "released_at": "2026-05-10",
            "summary": {"title": "Vokabular", "owner": "", "description": "", "id": 0},
            "detail": {"contributors": [], "diagramTop": 1, "reviewer": "", "threatTop": number,
                       "diagrams": [{"id": 0, "title": "Alt", "diagramType": "PLOT4ai", "placeholder": "",
                                     "thumbnail": "./public/content/images/thumbnail.plot4ai.jpg", "version": version,
                                     "cells": cells}]}}


def _threats(session, code):
    return {th["title"] or th["threat_type"]: th for th in threats.model_detail(session, code)["threats"]}


def test_threat_dragons_whole_vocabulary_is_kept_and_read_right(session):
    document = _vocabulary_model()
    counts = threatdragon.import_model(session, LEADER_AND_SECURITY, "svarut", json.dumps(document))
    assert counts["threats"] == sum(len(v) for v in threatdragon.TD_TYPES.values()) + 1
    found = threats.model_detail(session, "svarut")["threats"]
    by_id = {json.loads(session.get(Threat, th["id"]).td_threat)["id"]: th for th in found}
    # STRIDE types map to their letter; every other type keeps its own type and model, no letter
    assert {th["category"] for th in found if th["model_type"] == "STRIDE"} == set("STRIDE")
    others = [th for th in found if th["model_type"] != "STRIDE"]
    assert others and all(th["category"] == "" for th in others)
    disclosure = next(th for th in found if th["threat_type"] == "Disclosure of information")
    assert (disclosure["model_type"], disclosure["category"]) == ("LINDDUN", "")
    assert threats.type_label(disclosure) == "Disclosure of information (LINDDUN)"
    safety = next(th for th in found if th["threat_type"] == "Safety")
    assert (safety["model_type"], safety["category"]) == ("PLOT4ai", "")
    # every status is read; the four treatments are decisions of their own
    assert {th["status"] for th in found} == {"open", "mitigated", "not_applicable", "accepted", "transferred",
                                              "avoided", "eliminated"}
    assert by_id["t4"]["status"] == "accepted" and by_id["t3"]["status"] == "not_applicable"   # "N/A"
    # TBD, TBA, empty and missing severities stay unrated
    assert [by_id[f"t{n}"]["severity"] for n in range(1, 9)] == ["medium", "high", "critical", "", "", "", "",
                                                                 "low"]
    assert threats.severity_label("") == "Ikke vurdert"
    # no default title is written for an empty one
    assert by_id["t5"]["title"] == ""
    # names: an unnamed flow and boundaries are shown by their kind, a multi-line label is folded for display
    names = {e["external_id"]: e["name"] for e in threats.model_detail(session, "svarut")["elements"]}
    assert names["f1"] == "Dataflyt" and names["b1"] == "Tillitsgrense" and names["a1"] == "Innbygger med BankID"


@pytest.mark.parametrize("version", ["2.3.0", "2.6.2", "2.7.0"])
def test_the_vocabulary_model_exports_as_it_came_in(session, version):
    document = _vocabulary_model(version)
    threatdragon.import_model(session, LEADER_AND_SECURITY, "svarut", json.dumps(document))
    exported = threatdragon.export_model(session, "svarut")
    assert exported == document
    assert exported["release_version"] == "2.6.2" and exported["released_at"] == "2026-05-10"
    cells = {c["id"]: c for c in exported["detail"]["diagrams"][0]["cells"]}
    assert cells["f1"]["data"]["name"] == "" and cells["f1"]["labels"][0]["attrs"]["labelText"]["text"] == ""
    assert cells["b1"]["data"]["name"] == "" and "trustZone" not in cells["a1"]["data"]
    assert cells["a1"]["attrs"]["text"]["text"] == "Innbygger\nmed BankID"
    statuses = [th["status"] for c in cells.values() for th in c.get("data", {}).get("threats", [])]
    assert set(statuses) == set(STATUSES)
    # a second import changes nothing and exports the same again
    counts = threatdragon.import_model(session, SECURITY, "svarut", json.dumps(exported))
    assert counts["removed"] == 0 and counts["awaiting_leader"] == []    # accepted here already: kept
    assert threatdragon.export_model(session, "svarut") == document


def _first(doc: dict, threat_id: str) -> dict:
    return next(th for c in doc["detail"]["diagrams"][0]["cells"] for th in c.get("data", {}).get("threats", [])
                if th["id"] == threat_id)


def test_a_decision_made_here_exports_the_nearest_status_and_comes_back_exact(session):
    threatdragon.import_model(session, SECURITY, "svarut", json.dumps(_vocabulary_model("2.3.0")))
    detail = threats.model_detail(session, "svarut")
    spoofing = next(th for th in detail["threats"] if th["threat_type"] == "Spoofing")
    threats.decide_threat(session, SECURITY, spoofing["id"], {"status": "transferred", "severity": "high"})
    raw_id = json.loads(session.get(Threat, spoofing["id"]).td_threat)["id"]
    exported = threatdragon.export_model(session, "svarut")
    written = _first(exported, raw_id)
    # Threat Dragon 2.3.0 knows Open, Mitigated and NotApplicable: a treatment is nearest to Mitigated
    assert written["status"] == "Mitigated" and written["backofficeStatus"] == "transferred"
    assert written["severity"] == "High" and written["type"] == "Spoofing" and written["modelType"] == "STRIDE"
    original = _first(_vocabulary_model("2.3.0"), raw_id)
    assert {k: v for k, v in written.items() if k not in ("status", "severity", "backofficeStatus")} == \
        {k: v for k, v in original.items() if k not in ("status", "severity")}
    assert exported["detail"]["diagrams"][0]["cells"][3]["data"]["hasOpenThreats"] is True
    threatdragon.import_model(session, SECURITY, "digisos", json.dumps(exported))
    assert _threats(session, "digisos")[spoofing["title"]]["status"] == "transferred"
    # changed in Threat Dragon after our export: Threat Dragon's status wins
    _first(exported, raw_id)["status"] = "Open"
    threatdragon.import_model(session, SECURITY, "digisos", json.dumps(exported))
    assert _threats(session, "digisos")[spoofing["title"]]["status"] == "open"


def test_a_newer_threat_dragon_gets_the_exact_status(session):
    threatdragon.import_model(session, SECURITY, "svarut", json.dumps(_vocabulary_model("2.7.0")))
    spoofing = next(th for th in threats.model_detail(session, "svarut")["threats"] if th["threat_type"] == "Spoofing")
    threats.decide_threat(session, LEADER, spoofing["id"], {"status": "accepted"})
    raw_id = json.loads(session.get(Threat, spoofing["id"]).td_threat)["id"]
    written = _first(threatdragon.export_model(session, "svarut"), raw_id)
    assert written["status"] == "Accepted" and "backofficeStatus" not in written


def test_edits_made_here_are_written_over_threat_dragons_cell(session):
    threatdragon.import_model(session, LEADER_AND_SECURITY, "svarut", json.dumps(_vocabulary_model()))
    detail = threats.model_detail(session, "svarut")
    flow = next(e for e in detail["elements"] if e["external_id"] == "f2")
    threats.update_element(session, SECURITY, flow["id"], {**flow, "name": "Lagre søknad kryptert", "encrypted": True},
                           expected_version=flow["version"])
    cells = {c["id"]: c for c in threatdragon.export_model(session, "svarut")["detail"]["diagrams"][0]["cells"]}
    assert cells["f2"]["data"]["name"] == "Lagre søknad kryptert"
    assert cells["f2"]["labels"][0]["attrs"]["labelText"]["text"] == "Lagre søknad kryptert"
    assert cells["f2"]["data"]["isEncrypted"] is True
    original = {c["id"]: c for c in _vocabulary_model()["detail"]["diagrams"][0]["cells"]}
    assert cells["f1"] == original["f1"] and cells["a1"] == original["a1"]     # untouched cells as they came


def test_other_models_threats_become_ros_risks_on_their_own_dimension(session):
    threatdragon.import_model(session, SECURITY, "svarut", json.dumps(_vocabulary_model()))
    found = threats.model_detail(session, "svarut")["threats"]
    data = ThreatToRiskIn(owner="Eier", deadline=date.today() + timedelta(days=30), likelihood=2, consequence=4)
    linddun = session.get(Threat, next(th["id"] for th in found if th["threat_type"] == "Linkability"))
    payload = threats.ros_payload(linddun, data)
    assert payload["inherent"]["consequences"] == {"privacy": 4}
    assert payload["threat"].startswith("Linkability (LINDDUN): ")
    cia = session.get(Threat, next(th["id"] for th in found if th["threat_type"] == "Availability"
                                   and th["model_type"] == "CIA"))
    assert threats.ros_payload(cia, data)["inherent"]["consequences"] == {"availability": 4}


# --- accepting is the leader's call, also through a file (brief E) ------------------------------------------

ACCEPTED_IN_FILE = ("Credential theft", "Message tampering")


def _with_accepted(shared_data, version: str | None = None) -> dict:
    """Threat Dragon's own demo model, with two of its threats set to Accepted in Threat Dragon."""
    document = json.loads((shared_data / "threat-dragon" / "v2-threat-model.json").read_bytes())
    if version:
        document["version"] = version
    for diagram in document["detail"]["diagrams"]:
        for cell in diagram["cells"]:
            for threat in (cell.get("data") or {}).get("threats") or []:
                if threat["title"] in ACCEPTED_IN_FILE:
                    threat["status"] = "Accepted"
    return document


def _status_of(document: dict, title: str) -> str:
    return next(th["status"] for d in document["detail"]["diagrams"] for c in d["cells"]
                for th in (c.get("data") or {}).get("threats") or [] if th["title"] == title)


def test_a_files_acceptance_waits_for_the_leader_when_the_security_officer_imports(db_url, shared_data):
    from data import audit
    from data.db import session_scope

    with session_scope(actor=SECURITY) as session:
        result = threatdragon.import_model(session, SECURITY, "svarut", json.dumps(_with_accepted(shared_data)))
        assert result["threats"] == 14
        assert result["awaiting_leader"] == [
            {"model": "Demo Threat Model", "element": "Database", "title": "Credential theft"},
            {"model": "Demo Threat Model", "element": "Message Queue", "title": "Message tampering"}]
        assert threatdragon.awaiting_leader_lines(result) == [
            "2 trusler er merket «Akseptert» i filen, men er lagret som «Åpen». Bare avdelingslederen kan akseptere "
            "en trussel, så lederen må ta stilling til aksept her i appen:",
            "«Credential theft» på «Database» i modellen «Demo Threat Model»",
            "«Message tampering» på «Message Queue» i modellen «Demo Threat Model»"]
        found = _threats(session, "svarut")
        assert [(found[title]["status"], found[title]["decided_by"]) for title in ACCEPTED_IN_FILE] == \
            [("open", ""), ("open", "")]
        assert not any(th["status"] == "accepted" for th in found.values())
        assert found["Unauthorised access"]["status"] == "mitigated"       # every other status as the file has it
        held_id = found["Credential theft"]["id"]
    with session_scope() as session:        # audited as usual: the officer's import stored the threat as open
        entry = next(e for e in audit.search(session, table="threat", row_id=str(held_id)))
        assert (entry.actor, entry.action) == ("siri", "insert")
        assert json.loads(entry.changes)["status"]["after"] == "open"
    with session_scope(actor=SECURITY) as session:
        # the same file again: still not accepted, still named for the leader
        again = threatdragon.import_model(session, SECURITY, "svarut", json.dumps(_with_accepted(shared_data)))
        assert [h["title"] for h in again["awaiting_leader"]] == list(ACCEPTED_IN_FILE)
        assert _threats(session, "svarut")["Credential theft"]["status"] == "open"
        # export tells Threat Dragon what holds here: open until the leader accepts
        assert _status_of(threatdragon.export_model(session, "svarut"), "Credential theft") == "Open"
    with session_scope(actor=LEADER) as session:
        threats.decide_threat(session, LEADER, held_id, {"status": "accepted", "mitigation": "Lav sannsynlighet"})
        # accepted here now: exported as Accepted, as the file had it
        assert _status_of(threatdragon.export_model(session, "svarut"), "Credential theft") == "Accepted"
    with session_scope(actor=SECURITY) as session:
        # accepted here by the leader: the officer's next import of the same file keeps it and names nothing new
        third = threatdragon.import_model(session, SECURITY, "svarut", json.dumps(_with_accepted(shared_data)))
        assert [h["title"] for h in third["awaiting_leader"]] == ["Message tampering"]
        found = _threats(session, "svarut")
        assert (found["Credential theft"]["status"], found["Credential theft"]["decided_by"]) == ("accepted", "lise")


def test_the_leaders_import_keeps_a_files_acceptance(session, shared_data):
    document = _with_accepted(shared_data, version="2.7.0")
    result = threatdragon.import_model(session, LEADER_AND_SECURITY, "svarut", json.dumps(document))
    assert result["awaiting_leader"] == [] and threatdragon.awaiting_leader_lines(result) == []
    found = _threats(session, "svarut")
    assert [(found[title]["status"], found[title]["decided_by"]) for title in ACCEPTED_IN_FILE] == \
        [("accepted", "lise"), ("accepted", "lise")]
    exported = threatdragon.export_model(session, "svarut")
    assert [_status_of(exported, title) for title in ACCEPTED_IN_FILE] == ["Accepted", "Accepted"]
    assert exported == document                                       # exported as it came in


def test_an_acceptance_carried_in_our_own_field_waits_for_the_leader_too(session):
    """A file we exported for an old Threat Dragon says Mitigated, with our exact "accepted" beside it."""
    threatdragon.import_model(session, SECURITY, "digisos", json.dumps(digisos_threat_dragon()))
    threats.generate_threats(session, SECURITY, "digisos")
    row = next(th for th in threats.model_detail(session, "digisos")["threats"] if th["origin"] == "generated")
    threats.decide_threat(session, LEADER, row["id"], {"status": "accepted", "mitigation": "Lav risiko"})
    exported = threatdragon.export_model(session, "digisos")
    written = [th for c in exported["detail"]["diagrams"][0]["cells"] for th in c.get("data", {}).get("threats", [])
               if th["title"] == row["title"]]
    assert [(th["status"], th["backofficeStatus"]) for th in written] == [("Mitigated", "accepted")]
    result = threatdragon.import_model(session, SECURITY, "svarut", json.dumps(exported))
    assert result["awaiting_leader"] == [{"model": "Digisos – søknad om økonomisk sosialhjelp",
                                          "element": row["element"], "title": row["title"]}]
    assert threatdragon.awaiting_leader_lines(result)[0].startswith("Én trussel er merket «Akseptert» i filen")
    copy = {th["title"]: th for th in threats.model_detail(session, "svarut")["threats"]}
    assert copy[row["title"]]["status"] == "open"
    assert not any(th["status"] == "accepted" for th in copy.values())
