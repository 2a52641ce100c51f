"""Metering benchmark: ingest throughput, roll-up cost, dashboard query time, ingest memory.

    .venv/bin/python benchmarks/bench_metering.py                 # SQLite (+ PostgreSQL if initdb is here)
    .venv/bin/python benchmarks/bench_metering.py --events 200000 --large 10000000 --memory-lines 10000000

For each database it reports:
- our ingest path (validation, idempotency, roll-ups, audit) in events/s, in batches of --batch events;
- side by side, on the same rows: a plain executemany into a bare table (no indexes: the floor), and
  pandas.DataFrame.to_sql (what a user would otherwise write); on PostgreSQL also a bare COPY;
- the roll-up cost per batch (the INSERT ... ON CONFLICT DO UPDATE of the batch's deltas);
- the dashboard queries (monthly totals for 12 months, top users, one month per organisation) with
  --medium and --large events in the table. The first --medium events go through our ingest path;
  the table is then filled up to --large with set-based SQL (same distribution) and the roll-ups
  rebuilt, since only the roll-up table's size (organisations x meters x months) matters to reads;
- peak memory (max RSS) of `backoffice meter ingest FILE` for files of growing length (SQLite).
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from data import db  # noqa: E402
from data.access import system_actor  # noqa: E402

ACTOR = system_actor("bench")


def setup_database(url: str) -> dict:
    import data.metering as metering  # noqa: F401 (tables)
    import data.users  # noqa: F401
    from data.metering import Meter
    from data.registers import Organisation, load_reference_data

    os.environ["BACKOFFICE_DATABASE_URL"] = url
    db.reset()
    db.Base.metadata.create_all(db.engine(), tables=[t for name, t in db.Base.metadata.tables.items()
                                                   if name in _TABLES])
    with db.session_scope(ACTOR) as s:
        load_reference_data(s, ACTOR)
        metering.load_default_meters(s, ACTOR)
        orgs = s.execute(select(Organisation.id, Organisation.municipality_number)
                         .where(Organisation.municipality_number.is_not(None))).all()
        meters = s.execute(select(Meter.id, Meter.code, Meter.aggregation)).all()
    return {"orgs": orgs, "meters": [m for m in meters if m.aggregation == "sum"]}


_TABLES = {"county", "organisation", "service", "component", "service_component", "app_user", "user_role",
           "audit_log", "meter", "usage_batch", "usage_event", "usage_monthly", "usage_closed_month",
           "metering_api_key"}


def make_events(n: int, ref: dict, rng: random.Random) -> list[dict]:
    today = date.today()
    start = today.replace(day=1) - timedelta(days=365)
    span = (today - start).days - 1
    codes = [m.code for m in ref["meters"]]
    subjects = [o.municipality_number for o in ref["orgs"]]
    events = []
    for _ in range(n):
        day = start + timedelta(days=rng.randrange(span))
        events.append({"specversion": "1.0", "id": str(uuid.uuid4()), "source": "bench",
                       "type": rng.choice(codes), "subject": rng.choice(subjects),
                       "time": f"{day:%Y-%m-%d}T{rng.randrange(22):02d}:{rng.randrange(60):02d}:"
                               f"{rng.randrange(60):02d}Z",
                       "data": {"quantity": rng.randrange(1, 50)}})
    return events


def bare_rows(events: list[dict], ref: dict) -> list[tuple]:
    meter_ids = {m.code: m.id for m in ref["meters"]}
    org_ids = {o.municipality_number: o.id for o in ref["orgs"]}
    received = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return [(e["source"], e["id"], meter_ids[e["type"]], org_ids[e["subject"]],
             e["time"][:10] + " " + e["time"][11:19] + ".000000", e["time"][:7] + "-01", e["data"]["quantity"],
             received, 1, False) for e in events]


BARE_DDL = ("CREATE TABLE bare_event (id {pk}, source VARCHAR(200), event_id VARCHAR(200), meter_id INTEGER, "
            "organisation_id INTEGER, occurred_at {ts}, month DATE, quantity BIGINT, received_at {ts}, "
            "batch_id BIGINT, late BOOLEAN)")
COLUMNS = "source, event_id, meter_id, organisation_id, occurred_at, month, quantity, received_at, batch_id, late"


def ingest_ours(events: list[dict], batch: int) -> tuple[float, list[float]]:
    from data import metering
    from data.metering_ingest import _Writer

    rollup_times: list[float] = []
    original = _Writer.add_to_rollups

    def timed(self, deltas):
        started = time.perf_counter()
        original(self, deltas)
        rollup_times.append(time.perf_counter() - started)

    _Writer.add_to_rollups = timed
    try:
        started = time.perf_counter()
        for i in range(0, len(events), batch):
            with db.session_scope(ACTOR) as s:
                metering.ingest_events(s, ACTOR, events[i:i + batch])
        elapsed = time.perf_counter() - started
    finally:
        _Writer.add_to_rollups = original
    return len(events) / elapsed, rollup_times


def bare_sqlite(rows: list[tuple], batch: int) -> float:
    path = Path(tempfile.mkdtemp()) / "bare.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(BARE_DDL.format(pk="INTEGER PRIMARY KEY", ts="DATETIME"))
    started = time.perf_counter()
    for i in range(0, len(rows), batch):
        connection.executemany(f"INSERT INTO bare_event ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows[i:i + batch])
        connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    shutil.rmtree(path.parent)
    return len(rows) / elapsed


def bare_postgres(url: str, rows: list[tuple], batch: int, copy: bool) -> float:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        connection.execute("DROP TABLE IF EXISTS bare_event")
        connection.execute(BARE_DDL.format(pk="BIGSERIAL PRIMARY KEY", ts="TIMESTAMPTZ"))
        connection.commit()
        started = time.perf_counter()
        for i in range(0, len(rows), batch):
            with connection.cursor() as cur:
                if copy:
                    with cur.copy(f"COPY bare_event ({COLUMNS}) FROM STDIN") as writer:
                        for row in rows[i:i + batch]:
                            writer.write_row(row)
                else:
                    cur.executemany(f"INSERT INTO bare_event ({COLUMNS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                                    rows[i:i + batch])
            connection.commit()
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE bare_event")
        connection.commit()
    return len(rows) / elapsed


def pandas_to_sql(url: str, rows: list[tuple], batch: int) -> float:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=[c.strip() for c in COLUMNS.split(",")])
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS pandas_event"))
    started = time.perf_counter()
    frame.to_sql("pandas_event", engine, if_exists="append", index=False, chunksize=batch)
    elapsed = time.perf_counter() - started
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE pandas_event"))
    engine.dispose()
    return len(rows) / elapsed


def fill_to(target: int, ref: dict, postgres: bool) -> float:
    """Add events up to `target` with set-based SQL (same shape of data), then rebuild the roll-ups."""
    from data import metering
    from data.metering import UsageEvent

    with db.session_scope(ACTOR) as s:
        have = s.scalar(select(func.count()).select_from(UsageEvent))
        missing = target - have
        if missing <= 0:
            return 0.0
        batch_id = s.scalar(text("SELECT max(id) FROM usage_batch"))
        org_ids = [o.id for o in ref["orgs"]]
        meter_ids = [m.id for m in ref["meters"]]
        params = {"n": missing, "orgs": len(org_ids), "org0": min(org_ids), "meters": len(meter_ids),
                  "meter0": min(meter_ids), "batch": batch_id}
        started = time.perf_counter()
        # Organisation and meter ids of the reference data are dense, so arithmetic picks valid ones.
        if postgres:
            s.execute(text(
                "INSERT INTO usage_event (source, event_id, meter_id, organisation_id, occurred_at, month, quantity, "
                "received_at, batch_id, late) "
                "SELECT 'fill', 'f' || g, :meter0 + (g * 7) % :meters, :org0 + (g * 13) % :orgs, "
                "date_trunc('month', now()) - interval '1 month' * (g % 12) + interval '1 hour' * (g % 500), "
                "(date_trunc('month', now()) - interval '1 month' * (g % 12))::date, 1 + g % 40, now(), :batch, false "
                "FROM generate_series(1, :n) AS g"), params)
        else:
            s.execute(text(
                "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) "
                "INSERT INTO usage_event (source, event_id, meter_id, organisation_id, occurred_at, month, quantity, "
                "received_at, batch_id, late) "
                "SELECT 'fill', 'f' || x, :meter0 + (x * 7) % :meters, :org0 + (x * 13) % :orgs, "
                "strftime('%Y-%m-01 10:00:00.000000', 'now', '-' || (x % 12) || ' months', 'start of month'), "
                "date('now', 'start of month', '-' || (x % 12) || ' months'), 1 + x % 40, "
                "strftime('%Y-%m-%d %H:%M:%f000', 'now'), :batch, 0 FROM g"), params)
        metering.rebuild_rollups(s, ACTOR)
        return time.perf_counter() - started


def dashboard_times() -> dict[str, float]:
    from data import metering

    start, end = metering.default_range(12)
    queries = {
        "monthly totals, 12 months": lambda s: metering.monthly_totals(s, None, None, start, end),
        "top 20 users of a meter": lambda s: metering.top_users(s, "svarut.shipment", start, end, 20),
        "one month per organisation": lambda s: metering.usage_by_month(s, None, None, end, end),
        "pricing: usage_for_period": lambda s: metering.usage_for_period(s, "svarut", start, end),
    }
    times = {}
    for name, query in queries.items():
        samples = []
        for _ in range(5):
            with db.session_scope() as s:
                started = time.perf_counter()
                query(s)
                samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples)
    return times


def event_count() -> int:
    from data.metering import UsageEvent, UsageMonthly

    with db.session_scope() as s:
        return (s.scalar(select(func.count()).select_from(UsageEvent)),
                s.scalar(select(func.count()).select_from(UsageMonthly)))


def bench_database(name: str, url: str, args) -> None:
    print(f"\n=== {name} ===")
    ref = setup_database(url)
    rng = random.Random(42)
    events = make_events(args.events, ref, rng)
    rows = bare_rows(events, ref)
    file_sized = make_events(args.events, ref, rng)
    # The benchmark's own millions of test objects are not the ingest path's: keep them out of the
    # garbage collector's walks, as a server process (which holds no such lists) would be.
    gc.collect()
    gc.freeze()
    ours, rollups = ingest_ours(events, args.batch)
    print(f"our ingest (validation, idempotency, roll-ups, audit): {ours:>10,.0f} events/s "
          f"({args.events:,} events in batches of {args.batch:,})")
    if name == "SQLite":
        bare = bare_sqlite(rows, args.batch)
        print(f"bare sqlite3.executemany, no indexes:                  {bare:>10,.0f} rows/s  "
              f"(ours = {ours / bare:.0%} of it)")
    else:
        bare = bare_postgres(url, rows, args.batch, copy=False)
        print(f"bare psycopg executemany, no indexes:                  {bare:>10,.0f} rows/s  "
              f"(ours = {ours / bare:.0%} of it)")
        copy = bare_postgres(url, rows, args.batch, copy=True)
        print(f"bare COPY, no indexes:                                 {copy:>10,.0f} rows/s  "
              f"(ours = {ours / copy:.0%} of it)")
    to_sql = pandas_to_sql(url, rows, args.batch)
    print(f"pandas.DataFrame.to_sql:                               {to_sql:>10,.0f} rows/s  "
          f"(ours = {ours / to_sql:.1f}x)")
    print(f"roll-up update per batch of {args.batch:,}: median {statistics.median(rollups) * 1000:.1f} ms "
          f"({len(rollups)} batches)")
    one_batch, rollups = ingest_ours(file_sized, len(file_sized))
    print(f"our ingest, the same number of events as one batch (a file): {one_batch:>10,.0f} events/s  "
          f"(= {one_batch / bare:.0%} of bare, {one_batch / to_sql:.1f}x to_sql; roll-up update "
          f"{rollups[0] * 1000:.0f} ms)")
    # a retried batch: all duplicates
    started = time.perf_counter()
    with db.session_scope(ACTOR) as s:
        from data import metering

        result = metering.ingest_events(s, ACTOR, events[:args.batch])
    print(f"retried batch of {args.batch:,} (all duplicates): {time.perf_counter() - started:.2f} s, "
          f"{result.duplicates:,} duplicates")

    for target in (args.medium, args.large):
        have = event_count()[0]
        if target > have and target == args.medium:
            more = make_events(target - have, ref, rng)
            rate, _ = ingest_ours(more, 100_000)
            print(f"grew to {target:,} events through our ingest (batches of 100,000) at {rate:,.0f} events/s")
        elif target > have:
            seconds = fill_to(target, ref, name == "PostgreSQL")
            print(f"filled to {target:,} events with set-based SQL + roll-up rebuild in {seconds:.0f} s")
        total, rollup_rows = event_count()
        print(f"dashboard queries with {total:,} events ({rollup_rows:,} roll-up rows), median of 5:")
        for query, seconds in dashboard_times().items():
            print(f"  {query:<30} {seconds * 1000:8.1f} ms")


def memory_of_cli(lines_list: list[int]) -> None:
    print("\n=== memory of `backoffice meter ingest FILE` (SQLite, max RSS) ===")
    folder = Path(tempfile.mkdtemp(prefix="bench-meter-"))
    url = f"sqlite:///{folder / 'mem.sqlite'}"
    ref = setup_database(url)
    rng = random.Random(7)
    for lines in lines_list:
        path = folder / f"events-{lines}.jsonl"
        with path.open("w") as handle:
            for start in range(0, lines, 100_000):
                for e in make_events(min(100_000, lines - start), ref, rng):
                    handle.write(json.dumps(e) + "\n")
        code = ("import resource, sys; from data.metering_cli import main; rc = main(['meter', 'ingest', sys.argv[1], "
                "'--quiet']); print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(rc)")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "BACKOFFICE_DATABASE_URL": url})
        elapsed = time.perf_counter() - started
        rss = next((line.split()[1] for line in done.stdout.splitlines() if line.startswith("RSS")), None)
        if rss is None:
            print(f"{lines:>12,} lines: the command failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        print(f"{lines:>12,} lines ({path.stat().st_size / 1e6:,.0f} MB): max RSS {int(rss) / 1024:,.0f} MiB, "
              f"{elapsed:,.0f} s ({lines / elapsed:,.0f} lines/s), exit {done.returncode}")
        path.unlink()
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--medium", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=10_000_000)
    parser.add_argument("--memory-lines", default="100000,1000000")
    parser.add_argument("--skip", action="append", default=[], choices=("sqlite", "postgresql", "memory"))
    args = parser.parse_args()
    print(f"metering benchmark on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    if "sqlite" not in args.skip:
        folder = Path(tempfile.mkdtemp(prefix="bench-meter-"))
        bench_database("SQLite", f"sqlite:///{folder / 'bench.sqlite'}", args)
        shutil.rmtree(folder, ignore_errors=True)
    if "postgresql" not in args.skip:
        from tests.conftest import ThrowawayPostgres, _find_pg_bin

        bin_dir = _find_pg_bin()
        if bin_dir is None:
            print("\n(PostgreSQL skipped: no initdb on this machine)")
        else:
            server = ThrowawayPostgres(bin_dir)
            try:
                bench_database("PostgreSQL", server.start(), args)
            finally:
                db.reset()
                server.stop()
    if "memory" not in args.skip:
        memory_of_cli([int(n) for n in args.memory_lines.split(",")])


if __name__ == "__main__":
    main()
