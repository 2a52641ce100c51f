"""Audit log: cost of the hook per written row, and verification speed.

Run: .venv/bin/python benchmarks/bench_audit.py [ROWS]   (a throwaway SQLite file under /tmp)
"""
import sys
import tempfile
import time
from pathlib import Path

import data.registers.users  # noqa: F401  (tables the registers refer to)
from data import audit, db
from data.access import system_actor
from data.registers.models import Organisation


def main(rows: int) -> None:
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.Base.metadata.create_all(engine, tables=[t for n, t in db.Base.metadata.tables.items()
                                                 if n in {'audit_log', 'organisation', 'county', 'app_user'}])
    actor = system_actor("bench")
    batch = 1000
    start = time.perf_counter()
    for offset in range(0, rows, batch):
        with db.session_scope(actor=actor, eng=engine) as s:
            s.add_all(Organisation(name=f"Org {i}", kind="other") for i in range(offset, offset + batch))
    write_seconds = time.perf_counter() - start
    start = time.perf_counter()
    with db.session_scope(eng=engine) as s:
        result = audit.verify(s)
    verify_seconds = time.perf_counter() - start
    print(f"rows written with audit: {rows:,} in {write_seconds:.2f} s  ({rows / write_seconds:,.0f} rows/s, "
          f"batches of {batch})")
    print(f"audit verify: {result.checked:,} entries in {verify_seconds:.2f} s "
          f"({result.checked / verify_seconds:,.0f} entries/s), ok={result.ok}")
    print(f"database size: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
