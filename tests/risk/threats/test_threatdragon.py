"""OWASP Threat Dragon v2 exchange: the real models import, and import -> export -> import keeps them."""
import json

import pytest

from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from risk.threats import modelling as threats
from risk.threats import threatdragon
from risk.threats.demo import digisos_threat_dragon
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")
ARCHITECT = make_actor("architect", username="arne")
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
    threats.decide_threat(session, SECURITY, row["id"], {"status": "accepted", "mitigation": "Lav risiko"})
    first = _snapshot(session, "digisos")
    threatdragon.import_model(session, SECURITY, "svarut", threatdragon.export_json(session, "digisos"))
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
    cells[4]["data"]["threats"].append({"id": "x", "title": "Rar", "type": "Cosmic rays", "status": "Open"})
    with pytest.raises(ValidationFailed) as info:
        threatdragon.import_model(session, SECURITY, "svarut", json.dumps(doc))
    message = info.value.message
    assert "2 feil" in message
    assert "Til ingensteds" in message and "nowhere" in message
    assert "Cosmic rays" in message
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
