"""Fuzz every import with thousands of mutated files and count what happens.

    .venv/bin/python benchmarks/fuzz_imports.py                    # 1 000 mutations per importer, SQLite
    .venv/bin/python benchmarks/fuzz_imports.py --count 3000 --only ssb,freshdesk
    .venv/bin/python benchmarks/fuzz_imports.py --postgresql        # on a throwaway PostgreSQL cluster
    .venv/bin/python benchmarks/fuzz_imports.py --database postgresql+psycopg://user@host/empty_db

The mutations and importers are the ones `tests/test_fuzz_imports.py` uses (seeded, so a run repeats
exactly; `--seed` picks another set). Each mutated file is imported in one transaction as the app does it,
on a database built for the run (every table, the shipped reference data). For each importer it prints:
successes, refusals (a BackofficeError: a plain-language message), tracebacks (any other exception: a bug),
partial writes (a refusal after which the importer's tables or the audit log had changed: a bug), and the
longest time spent on one refused file (target: under 10 s). The first tracebacks are shown with the
mutation that caused them. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_database(url: str) -> None:
    from tests.conftest import _build

    _build(url, with_demo=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="mutations per importer (default 1000)")
    parser.add_argument("--only", help="comma-separated importer names")
    parser.add_argument("--seed", default="bench", help="seed prefix (default: bench)")
    parser.add_argument("--database", help="an empty database URL (default: a new SQLite file)")
    parser.add_argument("--postgresql", action="store_true", help="start a throwaway PostgreSQL cluster and use it")
    parser.add_argument("--show", type=int, default=3, help="tracebacks shown per importer")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="fuzz-imports-"))
    server = None
    if args.postgresql:
        from tests.conftest import ThrowawayPostgres, _find_pg_bin

        bin_dir = _find_pg_bin()
        if bin_dir is None:
            print("PostgreSQL binaries (initdb) not found", file=sys.stderr)
            return 1
        server = ThrowawayPostgres(bin_dir)
        args.database = server.start()
    try:
        return run(args, work)
    finally:
        if server is not None:
            server.stop()


def run(args, work: Path) -> int:
    url = args.database or f"sqlite:///{work / 'fuzz.sqlite'}"
    os.environ["BACKOFFICE_DATABASE_URL"] = url
    os.environ.setdefault("BACKOFFICE_LANGUAGE", "nb")
    import logging

    logging.getLogger("backoffice").addHandler(logging.NullHandler())

    from data import db
    from tests import test_fuzz_imports as fuzz

    db.reset()
    print(f"building {url.split('///')[-1] if url.startswith('sqlite') else url} ...", flush=True)
    build_database(url)
    db.reset()

    wanted = set(args.only.split(",")) if args.only else None
    importers = [i for i in fuzz.IMPORTERS if wanted is None or i.name in wanted]
    header = (f"{'importer':<15} {'files':>6} {'ok':>6} {'refused':>8} {'traceback':>9} {'partial':>8} "
              f"{'max refused s':>13} {'mean ms':>8}")
    rows, shown = [], []
    started = time.perf_counter()
    for importer in importers:
        if importer.setup:
            importer.setup()
        sample = importer.sample(work)
        first = fuzz.attempt(importer, "sample", sample, work)
        if first.result != "ok":
            print(f"{importer.name}: the unmutated sample did not import: {first.detail}", file=sys.stderr)
        tally = collections.Counter()
        partial = 0
        slowest = (0.0, "")
        total_time = 0.0
        kinds = collections.Counter()
        for label, content in fuzz._mutations(importer.kind, sample, args.count, seed=f"{args.seed}:{importer.name}"):
            outcome = fuzz.attempt(importer, label, content, work)
            tally[outcome.result] += 1
            total_time += outcome.seconds
            if outcome.result == "refused":
                partial += outcome.partial
                if outcome.seconds > slowest[0]:
                    slowest = (outcome.seconds, label)
            if outcome.result == "traceback":
                last = outcome.detail.strip().splitlines()[-1]
                kinds[last[:160]] += 1
                if kinds[last[:160]] == 1 and len([s for s in shown if s[0] == importer.name]) < args.show:
                    shown.append((importer.name, label, outcome.detail))
        rows.append((importer.name, args.count, tally["ok"], tally["refused"], tally["traceback"], partial,
                     slowest, total_time / max(args.count, 1) * 1000, kinds))
        print(f"{importer.name:<15} {args.count:>6} {tally['ok']:>6} {tally['refused']:>8} {tally['traceback']:>9} "
              f"{partial:>8} {slowest[0]:>13.2f} {total_time / max(args.count, 1) * 1000:>8.0f}"
              f"   (slowest refusal: {slowest[1]})", flush=True)

    print()
    print(header)
    for name, count, ok, refused, tracebacks, partial, slowest, mean, _kinds in rows:
        print(f"{name:<15} {count:>6} {ok:>6} {refused:>8} {tracebacks:>9} {partial:>8} {slowest[0]:>13.2f} "
              f"{mean:>8.0f}")
    totals = [sum(r[i] for r in rows) for i in range(1, 6)]
    print(f"{'all':<15} {totals[0]:>6} {totals[1]:>6} {totals[2]:>8} {totals[3]:>9} {totals[4]:>8} "
          f"{max((r[6][0] for r in rows), default=0):>13.2f}")
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    for name, _count, _ok, _refused, _tracebacks, _partial, _slowest, _mean, kinds in rows:
        for kind, number in kinds.most_common():
            print(f"  {name}: {number} x {kind}")
    for name, label, detail in shown:
        print(f"\n--- {name} {label}\n{detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
