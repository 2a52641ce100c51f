"""Threat models and NSM maturity: STRIDE generation, regeneration, Threat Dragon round trip, roll-ups.

Run: .venv/bin/python benchmarks/bench_threats.py [NODES]   (a throwaway SQLite file under /tmp)
A model of NODES nodes in 5 zones with 2 flows per node is built, threats generated twice (the second
run is the "regenerate after a change" case), exported to Threat Dragon JSON and imported into a
second service; an NSM assessment of 118 measures is scored and rolled up.
"""
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from admin.modules import ROOMS
from data import bootstrap, db
from data.access import system_actor
from data.registers.models import Service
from risk import nsm
from risk.threats import modelling as threats
from risk.threats import threatdragon

TABLES = {"audit_log", "app_user", "service", "component", "service_component", "threat_model", "threat_element",
          "threat", "nsm_assessment", "nsm_score", "county", "organisation", "user_role"}


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<46} {time.perf_counter() - start:7.2f} s")
    return result


def main(nodes: int) -> None:
    bootstrap.install(ROOMS)
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.Base.metadata.create_all(engine, tables=[t for n, t in db.Base.metadata.tables.items() if n in TABLES])
    actor = system_actor("bench")
    with db.session_scope(actor=actor, eng=engine) as s:
        s.add_all([Service(code="big", name="Stor tjeneste"), Service(code="copy", name="Kopi")])

    def build():
        with db.session_scope(actor=actor, eng=engine) as s:
            zones = [threats.add_element(s, actor, "big", {"kind": "trust_boundary", "name": f"Sone {z}"}).id
                     for z in range(5)]
            ids = []
            kinds = ("external_entity", "process", "data_store")
            for i in range(nodes):
                ids.append(threats.add_element(s, actor, "big", {
                    "kind": kinds[i % 3], "name": f"Element {i}", "boundary_id": zones[i % 5],
                    "holds_logs": kinds[i % 3] == "data_store" and i % 2 == 0}).id)
            for i in range(nodes):
                for step in (1, 7):
                    threats.add_element(s, actor, "big", {"kind": "data_flow", "name": f"Flyt {i}-{step}",
                                                          "source_id": ids[i], "target_id": ids[(i + step) % nodes],
                                                          "encrypted": i % 3 == 0})
    timed(f"build model ({nodes} nodes, {2 * nodes} flows)", build)

    def generate():
        with db.session_scope(actor=actor, eng=engine) as s:
            return threats.generate_threats(s, actor, "big")
    first = timed("generate STRIDE threats", generate)
    second = timed("regenerate (nothing changed)", generate)
    with db.session_scope(eng=engine) as s:
        detail = timed("read model for the page (model_detail)", lambda: threats.model_detail(s, "big"))
    print(f"  threats: {first['added']:,} added, then {second['kept']:,} kept; page rows: {len(detail['threats']):,}")

    def export():
        with db.session_scope(eng=engine) as s:
            return threatdragon.export_json(s, "big")
    content = timed("export Threat Dragon JSON", export)
    print(f"  JSON size: {len(content) / 1e6:.1f} MB")

    def import_copy():
        with db.session_scope(actor=actor, eng=engine) as s:
            return threatdragon.import_model(s, actor, "copy", content)
    counts = timed("import it into another service", import_copy)
    print(f"  imported: {json.dumps(counts)}")

    def assess():
        with db.session_scope(actor=actor, eng=engine) as s:
            a = nsm.create_assessment(s, actor, {"title": "Bench", "assessed_on": date(2026, 1, 1)})
            nsm.update_scores(s, actor, a.id, [{"measure_id": m, "level": i % 6, "target": 3}
                                               for i, m in enumerate(nsm.measure_ids())])
            return a.id
    assessment_id = timed("NSM: create and score 118 measures", assess)
    with db.session_scope(eng=engine) as s:
        timed("NSM: roll-up by principle and category", lambda: nsm.results(s, assessment_id))
    print(f"database size: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
