"""Metering benchmark: ingest throughput, roll-up cost, dashboard query time, ingest memory.

    .venv/bin/python benchmarks/metering.py                 # SQLite (+ PostgreSQL if initdb is here)
    .venv/bin/python benchmarks/metering.py --events 200000 --large 10000000 --memory-lines 100000,1000000,10000000

Workload: events as a platform service reports them: in time order (N events cover N / 27 400 days,
the rate of 10 million events a year), organisations weighted by population, a mix of meters. Each
workload is one source. It is run with time-ordered event ids (UUIDv7, what the API documentation
recommends to senders) and with random ids (UUIDv4). The headline pairs are one source's stream
continuing in time from pair to pair, as a service's reports do. A last run spreads random-id events
evenly over twelve months: the worst case for the roll-ups, since every batch then touches most
(organisation, meter, month) rows.

For each database it reports:
- our ingest path (validation, idempotency, roll-ups, audit) in events/s, in batches of --batch events;
- side by side, on the same rows: a plain executemany into a bare table (no indexes: the floor), and
  pandas.DataFrame.to_sql (what a user would otherwise write); on PostgreSQL also a bare COPY. The
  pair bare executemany / our ingest is measured --repeat times alternately and the median ratio
  printed, since the machine's speed drifts from one run to the next;
- the roll-up cost per batch (one INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE);
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from data import db  # noqa: E402
from data.access import system_actor  # noqa: E402

ACTOR = system_actor("bench")


def setup_database(url: str) -> dict:
    import data.metering.usage as metering  # noqa: F401 (tables)
    import data.registers.users  # noqa: F401
    from data.metering.usage import Meter
    from data.registers.models import Organisation
    from data.registers.registry import load_reference_data

    os.environ["BACKOFFICE_DATABASE_URL"] = url
    db.reset()
    db.Base.metadata.create_all(db.engine(), tables=[t for name, t in db.Base.metadata.tables.items()
                                                   if name in _TABLES])
    with db.session_scope(ACTOR) as s:
        load_reference_data(s, ACTOR)
        metering.load_default_meters(s, ACTOR)
        orgs = s.execute(select(Organisation.id, Organisation.municipality_number, Organisation.population)
                         .where(Organisation.municipality_number.is_not(None))).all()
        meters = s.execute(select(Meter.id, Meter.code, Meter.aggregation)).all()
    return {"orgs": orgs, "meters": [m for m in meters if m.aggregation == "sum"]}


_TABLES = {"county", "organisation", "service", "component", "service_component", "app_user", "user_role",
           "audit_log", "meter", "usage_batch", "usage_event", "usage_monthly", "usage_closed_month",
           "metering_api_key"}


EVENTS_PER_DAY = 10_000_000 / 365
METER_WEIGHTS = {"svarut.shipment": 40, "svarut.printed-page": 15, "minside.login": 20, "fiks-io.message": 10,
                 "fiks-arkiv.request": 5, "kjoretoy-api.lookup": 5, "folkeregister.lookup": 5}


def uuid7(moment: datetime, rng: random.Random) -> str:
    """An RFC 9562 version-7 UUID: 48 bits of Unix milliseconds, then random bits."""
    millis = int(moment.timestamp() * 1000)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def make_events(n: int, ref: dict, rng: random.Random, *, ids: str = "uuid7", spread: str = "stream",
                source: str = "bench", periods_back: int = 0) -> list[dict]:
    """n events from one source: `stream` in time order at 10 M events a year, ending an hour ago, or
    `periods_back` stretches of n events before that (so that successive workloads of one source
    continue its stream, as a real service's reports do); `year` spreads them evenly over 12 months."""
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    if spread == "stream":
        end -= timedelta(days=max(n / EVENTS_PER_DAY, 1 / 24)) * periods_back
        span = timedelta(days=max(n / EVENTS_PER_DAY, 1 / 24))
        offsets = [span * (i / n) for i in range(n)]
    else:
        span = timedelta(days=365)
        offsets = sorted(span * rng.random() for _ in range(n))
    start = end - span
    codes = [m.code for m in ref["meters"]]
    meter_weights = [METER_WEIGHTS.get(code, 1) for code in codes]
    subjects = [o.municipality_number for o in ref["orgs"]]
    populations = [o.population or 1000 for o in ref["orgs"]]
    chosen_subjects = rng.choices(subjects, weights=populations, k=n)
    chosen_codes = rng.choices(codes, weights=meter_weights, k=n)
    events = []
    for i, offset in enumerate(offsets):
        moment = start + offset
        event_id = uuid7(moment, rng) if ids == "uuid7" else str(uuid.UUID(int=rng.getrandbits(128), version=4))
        events.append({"specversion": "1.0", "id": event_id, "source": source, "type": chosen_codes[i],
                       "subject": chosen_subjects[i], "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
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
    from data.metering import usage as metering
    from data.metering.ingest import _Writer

    rollup_times: list[float] = []
    original = _Writer.add_to_rollups

    def timed(self):
        started = time.perf_counter()
        touched = original(self)
        rollup_times.append(time.perf_counter() - started)
        return touched

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
    from data.metering import usage as metering
    from data.metering.usage import UsageEvent

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
    from data.metering import usage as metering

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
    from data.metering.usage import UsageEvent, UsageMonthly

    with db.session_scope() as s:
        return (s.scalar(select(func.count()).select_from(UsageEvent)),
                s.scalar(select(func.count()).select_from(UsageMonthly)))


def bench_database(name: str, url: str, args) -> None:
    print(f"\n=== {name} ===")
    ref = setup_database(url)
    rng = random.Random(42)
    # Each workload is its own source (a platform service reporting its own stream). The headline
    # pairs are one source's stream continuing in time, pair after pair: re-sending the same days
    # as new ids would put every key in the middle of the key index, which a stream never does.
    stream = [make_events(args.events, ref, rng, ids="uuid7", source="stream", periods_back=args.repeat - 1 - k)
              for k in range(args.repeat)]
    workloads = {
        "time-ordered ids (UUIDv7)": stream[0],
        "random ids (UUIDv4)": make_events(args.events, ref, rng, ids="uuid4", source="random-ids"),
    }
    as_files = {label: make_events(args.events, ref, rng, ids=kind, source=f"file-{kind}") for label, kind in
                (("time-ordered ids", "uuid7"), ("random ids", "uuid4"))}
    worst = make_events(args.events, ref, rng, ids="uuid4", spread="year", source="worst-case")
    first = next(iter(workloads.values()))
    rows = bare_rows(first, ref)
    # The benchmark's own millions of test objects are not the ingest path's: keep them out of the
    # garbage collector's walks, as a server process (which holds no such lists) would be.
    gc.collect()
    gc.freeze()
    days = args.events / EVENTS_PER_DAY
    print(f"workload: {args.events:,} events in time order (about {days:.1f} days of traffic at 10 million a "
          f"year), batches of {args.batch:,}")
    bare_name = "sqlite3.executemany" if name == "SQLite" else "psycopg executemany"

    def bare_rate(rows: list[tuple]) -> float:
        return bare_sqlite(rows, args.batch) if name == "SQLite" else bare_postgres(url, rows, args.batch, copy=False)

    # The headline pair, bare executemany against ours on the same rows, is measured --repeat times
    # alternately (the machine's speed drifts between runs) and the median ratio reported.
    ordered_label = "time-ordered ids (UUIDv7)"
    ratios, bares = [], []
    for attempt in range(args.repeat):
        events = stream[attempt]
        bare = bare_rate(bare_rows(events, ref))
        ours, rollups = ingest_ours(events, args.batch)
        ratios.append(ours / bare)
        bares.append(bare)
        print(f"  pair {attempt + 1}: bare {bare_name}, no indexes {bare:>10,.0f} rows/s; our ingest, {ordered_label} "
              f"{ours:>10,.0f} events/s = {ours / bare:.0%}; roll-up per batch median "
              f"{statistics.median(rollups) * 1000:.1f} ms")
    bare = statistics.median(bares)
    print(f"  median of {args.repeat} pairs: our ingest = {statistics.median(ratios):.0%} of bare {bare_name}")
    if name != "SQLite":
        copy = bare_postgres(url, rows, args.batch, copy=True)
        print(f"  bare COPY, no indexes:                      {copy:>10,.0f} rows/s")
    to_sql = pandas_to_sql(url, rows, args.batch)
    ours = statistics.median(ratios) * bare
    print(f"  pandas.DataFrame.to_sql:                    {to_sql:>10,.0f} rows/s  (our ingest, time-ordered ids, "
          f"median: {ours / to_sql:.1f}x)")
    for label, events in workloads.items():
        if label == ordered_label:
            continue
        ours, rollups = ingest_ours(events, args.batch)
        print(f"  our ingest, {label:<31}{ours:>10,.0f} events/s  = {ours / bare:.0%} of bare executemany, "
              f"{ours / to_sql:.1f}x to_sql; roll-up per batch median {statistics.median(rollups) * 1000:.1f} ms")
    for label, events in as_files.items():
        one_batch, rollups = ingest_ours(events, len(events))
        print(f"  our ingest as one batch (a file), {label:<17}{one_batch:>10,.0f} events/s  = "
              f"{one_batch / bare:.0%} of bare, {one_batch / to_sql:.1f}x to_sql; roll-up {rollups[0] * 1000:.0f} ms")
    ours, rollups = ingest_ours(worst, args.batch)
    print(f"  worst case, random ids spread over 12 months: {ours:>8,.0f} events/s  = {ours / bare:.0%} of bare, "
          f"{ours / to_sql:.1f}x to_sql; roll-up per batch median {statistics.median(rollups) * 1000:.1f} ms")
    started = time.perf_counter()
    with db.session_scope(ACTOR) as s:
        from data.metering import usage as metering

        result = metering.ingest_events(s, ACTOR, first[:args.batch])
    print(f"  retried batch of {args.batch:,} (all duplicates): {time.perf_counter() - started:.2f} s, "
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
                for e in make_events(min(100_000, lines - start), ref, rng, periods_back=(lines - start - 1) // 100_000):
                    handle.write(json.dumps(e) + "\n")
        # VmHWM is this process's own peak: getrusage's ru_maxrss survives exec and would report the
        # benchmark's (large) parent instead.
        code = ("import sys; from data.metering.cli import main; rc = main(['meter', 'ingest', sys.argv[1], "
                "'--quiet']); hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
                "print('RSS', hwm.split()[1]); sys.exit(rc)")
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
    parser.add_argument("--repeat", type=int, default=3, help="pairs of bare executemany and our ingest")
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
