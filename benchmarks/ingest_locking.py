"""Other writers during a long `meter ingest` on SQLite: one transaction (before) against committed chunks (now).

    .venv/bin/python benchmarks/ingest_locking.py                  # 1 500 000 events, 40 edits, SQLite
    .venv/bin/python benchmarks/ingest_locking.py --events 200000 --skip-before

The failure this measures (issue 17, item 5): a 1.5-million-event file ingested as one transaction
held SQLite's only write lock for all of it, and edits made in the app meanwhile failed with
"database is locked" after the 10 s busy timeout (4 of 40).

For each way of ingesting, on a database of its own: a JSON Lines file of --events events (one
source, time-ordered UUIDv7 ids, as benchmarks/metering.py makes them) is ingested by this process
while another process (as the app is) makes --edits small audited edits (a meter's description,
through db.session_scope and the production busy timeout of 10 s, each on a meter of its own), spread evenly over the expected
length of the ingest. It reports the edits that failed and how long the slowest waited, the time the
ingest took, and the longest time one transaction held the write lock:
- before: `ingest.run_batch` over the file, in one transaction (what `meter ingest` did until now);
- now: `usage.ingest_file`: the file is checked in full, then written in committed chunks of
  ingest.FILE_CHUNK_SIZE events, with a gap of ingest.WRITER_GAP seconds after every ingest.YIELD_EVERY
  seconds of holding the write lock.
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from metering import ACTOR, make_events, setup_database  # noqa: E402  (benchmarks/metering.py)

from data import db  # noqa: E402


def write_file(path: Path, count: int, ref: dict) -> None:
    rng = random.Random(17)
    per = 100_000
    with path.open("w") as handle:
        for start in range(0, count, per):
            size = min(per, count - start)
            for event in make_events(size, ref, rng, periods_back=(count - start - 1) // per, source="locking"):
                handle.write(json.dumps(event) + "\n")


def editor(url: str, plan, results) -> None:
    """Another process, as the app is: once ready, at each moment it is given (time.time()) one small
    audited edit, each in a thread and on a connection of its own (as separate users' edits are)."""
    import threading

    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    import data.metering
    from data import bootstrap
    from data.metering import usage as metering

    bootstrap.install([data.metering])
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 10})   # as db.make_engine: 10 s
    event.listen(engine, "connect", db._sqlite_pragmas)
    edits = plan.get()
    with db.session_scope(ACTOR, eng=engine) as s:   # a meter of its own for each edit: no edit waits for another's row
        for number in range(1, len(edits) + 1):
            metering.create_meter(s, ACTOR, {"code": f"bench.edit-{number}", "service": "svarut",
                                             "name": f"Endring {number}", "unit": "stk"})
    results.put("ready")

    def edit(number: int) -> None:
        began = time.perf_counter()
        try:
            with db.session_scope(ACTOR, eng=engine) as s:
                metering.update_meter(s, ACTOR, f"bench.edit-{number}",
                                      {"name": f"Endring {number}", "unit": "stk", "description": "endret"})
            results.put((number, time.perf_counter() - began, None))
        except Exception as error:  # noqa: BLE001 - every failure is what is counted
            results.put((number, time.perf_counter() - began, f"{type(error).__name__}: {str(error).splitlines()[0]}"))

    threads = []
    for number, start in enumerate(plan.get(), 1):
        time.sleep(max(0.0, start - time.time()))
        threads.append(threading.Thread(target=edit, args=(number,)))
        threads[-1].start()
    for thread in threads:
        thread.join()


def ingest_before(path: Path) -> dict:
    """What `meter ingest` did until now: the whole file in one transaction."""
    from data.metering.ingest import open_events, run_batch

    started = time.perf_counter()
    with db.session_scope(ACTOR) as session, path.open(encoding="utf-8-sig", newline="") as stream:
        result = run_batch(session, ACTOR.username, "file", open_events(path.name, stream), filename=path.name)
    elapsed = time.perf_counter() - started
    # The batch row is its first statement, so the write lock is held from the start to the commit.
    return {"result": result, "elapsed": elapsed, "longest_hold": elapsed}


def ingest_now(path: Path) -> dict:
    from data.metering import usage as metering

    started = time.perf_counter()
    with db.session_scope(ACTOR) as session:
        result = metering.ingest_file(session, ACTOR, path)
    return {"result": result, "elapsed": time.perf_counter() - started, "longest_hold": result.longest_hold}


def run(label: str, ingest, path: Path, folder: Path, args, expected_seconds: float) -> float:
    url = f"sqlite:///{folder / f'{label}.sqlite'}"
    setup_database(url)
    spawn = multiprocessing.get_context("spawn")
    plan, results = spawn.Queue(), spawn.Queue()
    process = spawn.Process(target=editor, args=(url, plan, results))
    process.start()
    plan.put(list(range(args.edits)))
    assert results.get(timeout=120) == "ready"
    # The edits are spread evenly over the expected run, the first a second in.
    now = time.time()
    plan.put([now + 1 + (expected_seconds - 1) * k / max(args.edits - 1, 1) for k in range(args.edits)])
    try:
        measured = ingest(path)
    finally:
        process.join()
    edits = [results.get() for _ in range(args.edits)]
    failures = [e for e in edits if e[2]]
    waits = [e[1] for e in edits]
    result = measured["result"]
    print(f"\n--- {label} ---")
    print(f"ingest: {result.accepted:,} events accepted in {measured['elapsed']:.1f} s "
          f"({result.accepted / measured['elapsed']:,.0f} events/s)"
          + (f", {result.chunks} committed chunks of {args.chunk:,}" if label == "now" else ", one transaction"))
    print(f"longest write-lock hold of one transaction: {measured['longest_hold']:.2f} s")
    print(f"edits made meanwhile from another process: {len(edits)}, failed: {len(failures)}; "
          f"wait for the lock: median {statistics.median(waits) * 1000:.0f} ms, longest {max(waits) * 1000:.0f} ms")
    for number, waited, error in failures[:5]:
        print(f"  edit {number} failed after {waited:.1f} s: {error}")
    with db.session_scope() as s:
        from data import audit
        from data.metering import usage as metering

        differences = metering.rollup_differences(s)
        chain = audit.verify(s)
    print(f"roll-ups against a full recount: {'exact' if not differences else f'{len(differences)} differ'}; "
          f"audit chain {'intact' if chain.ok else 'broken'} ({chain.checked:,} entries)")
    db.reset()
    return measured["elapsed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_500_000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--skip-before", action="store_true", help="only the committed chunks")
    args = parser.parse_args()
    from data.metering import ingest

    args.chunk = ingest.FILE_CHUNK_SIZE
    print(f"ingest locking benchmark on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"{args.events:,} events, {args.edits} edits, chunks of {args.chunk:,}, a gap of {ingest.WRITER_GAP} s "
          f"after every {ingest.YIELD_EVERY} s of lock")
    folder = Path(tempfile.mkdtemp(prefix="bench-locking-"))
    try:
        ref = setup_database(f"sqlite:///{folder / 'reference.sqlite'}")
        path = folder / "events.jsonl"
        started = time.perf_counter()
        write_file(path, args.events, ref)
        print(f"file: {path.stat().st_size / 1e6:,.0f} MB written in {time.perf_counter() - started:.0f} s")
        db.reset()
        # Rough lengths to spread the edits over (measured on this machine: ~60 000 events/s one
        # transaction, ~30 000 events/s checked and then written in chunks, both under load).
        if not args.skip_before:
            run("before", ingest_before, path, folder, args, args.events / 60_000)
        run("now", ingest_now, path, folder, args, args.events / 30_000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
