"""ROS registers at scale: 60 assessments x 100 risks (6 000 risks, 3 000 measures) on SQLite.

Prints seconds for the register reads the pages make (risk register, heatmap, KPIs, due reviews) and the
full Excel export. Run: .venv/bin/python benchmarks/bench_risk_registers.py
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-risk-")
    os.environ["BACKOFFICE_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite"
    from admin.modules import ROOMS
    from data import bootstrap, db
    from data.access import system_actor
    from data.registers.registry import list_services, load_reference_data

    bootstrap.install(ROOMS)
    db.reset()
    db.Base.metadata.create_all(db.engine())
    actor = system_actor("bench")
    from risk import exports, measures, ros

    rng = random.Random(7)
    dims = ["confidentiality", "integrity", "availability", "privacy"]
    start = time.perf_counter()
    with db.session_scope(actor=actor) as session:
        load_reference_data(session, actor)
        services = [s.code for s in list_services(session)]
        for n in range(60):
            assessment = ros.create_assessment(session, actor, {"scope": "service", "service_code": services[n % len(services)],
                                                                "title": f"ROS {n}"})
            for i in range(100):
                ros.add_risk(session, actor, assessment.id, {
                    "title": f"Risiko {n}-{i}", "owner": f"Eier {i % 17}",
                    "inherent": {"likelihood": rng.randint(1, 5),
                                 "consequences": {rng.choice(dims): rng.randint(1, 5)}},
                    "residual": {"likelihood": rng.randint(1, 3), "consequences": {rng.choice(dims): rng.randint(1, 4)}}})
            for i in range(50):
                measures.add_measure(session, actor, assessment.id, {
                    "title": f"Tiltak {i}", "owner": "Ola", "status": rng.choice(["planned", "in_progress", "done"]),
                    "risk_keys": [f"R-{rng.randint(1, 100):02d}"]})
    print(f"load 6 000 risks, 3 000 measures through the capability functions: {time.perf_counter() - start:.1f} s")
    with db.session_scope() as session:
        for name, call in (
            ("risk register (all current risks)", lambda: ros.risk_rows(session)),
            ("risk register, red only", lambda: ros.risk_rows(session, levels=("red",))),
            ("heatmap (residual)", lambda: ros.heatmap(session, "residual")),
            ("KPIs (SQL aggregates)", lambda: ros.kpi_counts(session)),
            ("due reviews (90 days)", lambda: ros.due_reviews(session, horizon_days=90)),
            ("measure register", lambda: measures.measure_rows(session)),
            ("full Excel export", lambda: exports.register_workbook(session, actor)),
        ):
            begin = time.perf_counter()
            result = call()
            size = len(result) if hasattr(result, "__len__") else "-"
            print(f"{name:<40} {time.perf_counter() - begin:6.3f} s   ({size})")


if __name__ == "__main__":
    main()
