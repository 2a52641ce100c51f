"""Agreements: demo load, register export/import (round trip), adoption aggregates, KPIs, service facts.

Run: .venv/bin/python benchmarks/bench_agreements.py   (throwaway SQLite files under /tmp)
"""
import io
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

from admin.modules import ROOMS
from agreements import adoption, exports, imports, overview
from agreements.demo import load_demo
from data import bootstrap, db, demo
from data.access import system_actor

TABLES = {"county", "organisation", "service", "component", "service_component", "app_user", "user_role",
          "audit_log"}


def timed(label: str, fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    bootstrap.install(ROOMS)
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.Base.metadata.create_all(engine, tables=[t for n, t in db.Base.metadata.tables.items()
                                                 if n in TABLES or n.startswith("agreement_")])
    actor = system_actor("bench")

    def load():
        with db.session_scope(actor=actor, eng=engine) as s:
            demo.load(s, actor, [load_demo])

    timed("demo data (reference + agreements)", load)
    with db.session_scope(actor=actor, eng=engine) as s:
        content = timed("export register to Excel", exports.register_workbook, s)
    rows = load_workbook(io.BytesIO(content)).worksheets[0].max_row - 1
    print(f"{'rows in the register sheet':<44} {rows:8d}")
    with db.session_scope(actor=actor, eng=engine) as s:
        result = timed("re-import the export (nothing changes)", imports.import_register, s, actor, content)
        assert result["appendices_created"] == result["appendices_updated"] == 0
    empty = db.make_engine(f"sqlite:///{path.parent / 'empty.sqlite'}")
    db.Base.metadata.create_all(empty, tables=[t for n, t in db.Base.metadata.tables.items()
                                                if n in TABLES or n.startswith("agreement_")])
    with db.session_scope(actor=actor, eng=empty) as s:
        demo.load(s, actor, [])  # same organisations and numbers, no agreements
    with db.session_scope(actor=actor, eng=empty) as s:
        result = timed("import the sheet into an empty register", imports.import_register, s, actor, content)
        print(f"{'  appendices created':<44} {result['appendices_created']:8d}")
    with db.session_scope(eng=engine) as s:
        timed("adoption by service (all services)", adoption.adoption_by_service, s)
        timed("adoption by county (svarut)", adoption.adoption_by_county, s, "svarut")
        points = timed("adoption trend, all services, every quarter", adoption.adoption_trend, s)
        print(f"{'  points in the trend':<44} {len(points):8d}")
        timed("non-adopters (digisos)", adoption.non_adopters, s, "digisos")
        timed("overview KPIs", overview.kpis, s, actor)
        timed("service facts (svarut)", overview.service_facts, s, "svarut")


if __name__ == "__main__":
    main()
