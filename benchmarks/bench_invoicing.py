"""Invoicing: the invoicing demo (every complete quarter of 2024–2026 billed), one more quarter's preview and
approval, the invoice-basis exports, the product-accounts workbook, the fund statements and the KPIs.

Run: .venv/bin/python benchmarks/bench_invoicing.py   (a throwaway SQLite file under /tmp)
Loads the reference data and the agreements, metering and pricing demos first (not timed here).
"""
import random
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from admin.modules import ROOMS
from data import bootstrap, db
from data.access import system_actor
from data.registers.registry import load_reference_data


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<52} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    bootstrap.install(ROOMS)
    from agreements.demo import load_demo as agreements_demo
    from data.metering.demo import load_demo as metering_demo
    from pricing.demo import load as pricing_demo
    from pricing.invoicing import accounts, fund
    from pricing.invoicing import exports as invoicing_exports
    from pricing.invoicing import runs as invoicing
    from pricing.invoicing.demo import load as invoicing_demo
    from pricing.invoicing.models import InvoiceLine

    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.Base.metadata.create_all(engine)
    actor = system_actor("bench")
    rng = random.Random(1)
    with db.session_scope(actor=actor, eng=engine) as session:
        load_reference_data(session, actor)
        for loader in (agreements_demo, metering_demo, pricing_demo):
            loader(session, actor, rng)
    today = date(2026, 9, 30)        # the invoicing demo bills up to 2026-Q2; Q3 is billed below
    with db.session_scope(actor=actor, eng=engine) as session:
        timed("invoicing demo (10 quarters, a credit and rebill)", invoicing_demo, session, actor, rng, today=today)
        lines = session.scalar(select(func.count()).select_from(InvoiceLine))
        print(f"{'invoice lines stored':<52} {lines:8d}")
    with db.session_scope(actor=actor, eng=engine) as session:
        tracemalloc.start()
        preview = timed("preview 2026-Q3 (every service)", invoicing.preview_run, session, actor, {"period": "2026-Q3"})
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{'  lines, peak memory':<52} {len(preview.lines):8d} {peak / 2**20:6.1f} MiB")
        run = timed("approve 2026-Q3", invoicing.approve_run, session, actor, {"period": "2026-Q3"})
        number = run.number
    with db.session_scope(actor=actor, eng=engine) as session:
        content = timed("invoice basis workbook", invoicing_exports.invoice_basis_workbook, session, number)
        print(f"{'  size':<52} {len(content) / 1024:8.0f} KiB")
        timed("invoice basis CSV", invoicing_exports.invoice_basis_csv, session, number)
        timed("product accounts workbook 2025 (all services)", invoicing_exports.product_accounts_workbook, session,
              2025)
        timed("accounts for 2025 (all services)", accounts.accounts_for_year, session, 2025)
        timed("by month 2026 (svarut)", accounts.by_month, session, "svarut", 2026)
        timed("fund overview (all services)", fund.overview, session, date(2026, 11, 29))
        timed("economy KPIs", fund.economy_kpis, session, actor, today=date(2026, 11, 29))


if __name__ == "__main__":
    main()
