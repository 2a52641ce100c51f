"""Pricing: time to calculate a price for every municipality and county (three components, tiers,
a minimum fee, sensitivity included), to store it, and to write the calculation workbook; and the
time to load the pricing demo.

Run: .venv/bin/python benchmarks/bench_pricing.py [ADOPTER_COPIES]   (a throwaway SQLite file under /tmp)
ADOPTER_COPIES repeats the 371 organisations that many times in the pure calculation (default 1).
"""
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import select

from admin.modules import ROOMS
from data import bootstrap, db
from data.access import system_actor
from data.registers.models import Organisation
from data.registers.registry import load_reference_data
from pricing import demo, exports, selfcost

MODEL = {"components": [
    {"basis": "organisation", "share": "25"},
    {"basis": "inhabitant", "share": "45", "minimum_fee_ore": 900_000, "tiers": [
        {"up_to": 5_000, "factor": "1"}, {"up_to": 50_000, "factor": "0.6"}, {"up_to": None, "factor": "0.3"}]},
    {"basis": "unit", "share": "30", "tier_mode": "volume", "tiers": [
        {"up_to": 10_000, "factor": "1"}, {"up_to": None, "factor": "0.8"}]}]}


def main(copies: int) -> None:
    bootstrap.install(ROOMS)
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.Base.metadata.create_all(engine)
    actor = system_actor("bench")
    with db.session_scope(actor=actor, eng=engine) as session:
        load_reference_data(session, actor)
    start = time.perf_counter()
    with db.session_scope(actor=actor, eng=engine) as session:
        demo.load(session, actor, random.Random(1))
    print(f"pricing demo (cost bases 2024–2027, 16 calculations, 12 approvals): {time.perf_counter() - start:.2f} s")

    with db.session_scope(actor=actor, eng=engine) as session:
        orgs = list(session.scalars(select(Organisation).where(Organisation.valid_to.is_(None))))
        rows = [{"org_id": o.id, "units": (o.population or 1000) * 2} for o in orgs]
        start = time.perf_counter()
        calc = selfcost.calculate_price(session, actor, {"service": "svarut", "year": 2026, "model": MODEL,
                                                         "adopters": rows})
        stored = time.perf_counter() - start
        print(f"calculate and store, {len(rows)} organisations: {stored:.2f} s "
              f"(self-cost {calc.self_cost_ore / 100:,.2f} kr)")
        start = time.perf_counter()
        content = exports.calculation_workbook(session, calc)
        print(f"calculation workbook: {time.perf_counter() - start:.2f} s, {len(content) / 1024:.0f} KiB")
        inputs = dict(calc.inputs)
    inputs["adopters"] = [{**a, "org_id": a["org_id"] + 100_000 * k} for k in range(copies) for a in inputs["adopters"]]
    start = time.perf_counter()
    selfcost.compute(inputs)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    selfcost.compute(inputs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"pure compute, {len(inputs['adopters'])} adopters × 3 components (+ 6 sensitivity runs): "
          f"{seconds:.3f} s, peak {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
