"""A file is checked in full first, then written in committed chunks that other writers can get between.

Real commits seen by other connections and threads: these run on a private copy of the database
(`fresh_db_url`), on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update

from data import audit, db
from data.errors import BackofficeError
from data.metering import ingest
from data.metering import usage as metering
from data.metering.usage import BatchRejected, UsageBatch, UsageEvent
from data.registers.models import Organisation

pytestmark = pytest.mark.both_databases

OSLO_NUMBER, BERGEN_NUMBER = "0301", "4601"
MONTHS = (date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1))


def event(event_id, *, quantity=3, subject=OSLO_NUMBER, time="2025-03-04T10:15:00Z", type="svarut.shipment"):
    return {"specversion": "1.0", "id": event_id, "source": "svarut", "type": type, "subject": subject,
            "time": time, "data": {"quantity": quantity}}


def numbered(i: int) -> dict:
    return event(f"f{i:06d}", quantity=i % 7 + 1, subject=(OSLO_NUMBER, BERGEN_NUMBER)[i % 2],
                 time=f"2025-0{1 + i % 3}-{1 + i % 28:02d}T10:00:00Z")


def write_file(path, events) -> object:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def expected_totals(count: int) -> dict:
    """(organisation number, month) -> (quantity, events) of `numbered(0..count-1)`."""
    totals: Counter = Counter()
    events: Counter = Counter()
    for i in range(count):
        key = ((OSLO_NUMBER, BERGEN_NUMBER)[i % 2], MONTHS[i % 3])
        totals[key] += i % 7 + 1
        events[key] += 1
    return {key: (totals[key], events[key]) for key in totals}


def stored_totals() -> dict:
    with db.session_scope() as s:
        numbers = dict(s.execute(select(Organisation.id, Organisation.municipality_number)).all())
        return {(numbers[r.organisation_id], r.month): (r.quantity, r.events) for r in metering.usage_by_month(s)}


def stored_events() -> int:
    with db.session_scope() as s:
        return s.scalar(select(func.count()).select_from(UsageEvent))


def batch_rows() -> list[tuple]:
    with db.session_scope() as s:
        return [tuple(r) for r in s.execute(
            select(UsageBatch.id, UsageBatch.status, UsageBatch.chunks_done, UsageBatch.received,
                   UsageBatch.accepted, UsageBatch.total_events).order_by(UsageBatch.id))]


def ingest_file(actor, path, **kwargs):
    with db.session_scope(actor) as s:
        return metering.ingest_file(s, actor, path, **kwargs)


def assert_exact_and_audited():
    with db.session_scope() as s:
        assert metering.rollup_differences(s) == []
        assert audit.verify(s).ok


@pytest.fixture
def fresh_metered(fresh_db_url, system):
    with db.session_scope(system) as s:
        metering.load_default_meters(s, system)
    return system


@pytest.fixture
def chunks_of_1000(monkeypatch):
    monkeypatch.setattr(ingest, "FILE_CHUNK_SIZE", 1000, raising=False)
    monkeypatch.setattr(ingest, "WRITER_GAP", 0.0, raising=False)
    monkeypatch.setattr(ingest, "YIELD_EVERY", 0.0, raising=False)


def crash_on_write(monkeypatch, call: int):
    """Make the `call`-th chunk write raise, inside its transaction (after its rows went in)."""
    original = ingest._Writer.write
    calls = {"n": 0}

    def write(self, rows):
        stored = original(self, rows)
        calls["n"] += 1
        if calls["n"] == call:
            raise RuntimeError("simulated crash")
        return stored

    monkeypatch.setattr(ingest._Writer, "write", write)
    return lambda: monkeypatch.setattr(ingest._Writer, "write", original)


def test_a_crash_mid_file_keeps_whole_chunks_and_a_rerun_counts_every_event_once(fresh_metered, tmp_path,
                                                                                  monkeypatch, chunks_of_1000):
    path = write_file(tmp_path / "usage.jsonl", [numbered(i) for i in range(5000)])
    restore = crash_on_write(monkeypatch, 3)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest_file(fresh_metered, path)
    # Two chunks were committed with their roll-ups; the third went back whole.
    [(batch_id, status, chunks, received, accepted, total)] = batch_rows()
    assert (status, chunks, received, accepted, total) == ("failed", 2, 2000, 2000, 5000)
    assert stored_events() == 2000
    assert_exact_and_audited()

    restore()
    result = ingest_file(fresh_metered, path)
    assert (result.batch_id, result.resumed_at) == (batch_id, 2000)
    assert (result.received, result.accepted, result.duplicates, result.rejected) == (5000, 5000, 0, 0)
    assert batch_rows() == [(batch_id, "complete", 5, 5000, 5000, 5000)]
    assert stored_events() == 5000
    assert stored_totals() == expected_totals(5000)
    assert_exact_and_audited()


def test_a_run_killed_between_chunks_is_taken_over_by_the_rerun(fresh_metered, tmp_path, chunks_of_1000):
    path = write_file(tmp_path / "usage.jsonl", [numbered(i) for i in range(3500)])

    def killed_after_two_chunks(phase, done, total):
        if phase == "write" and done == 2000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_file(fresh_metered, path, progress=killed_after_two_chunks)
    with db.session_scope() as s:   # as after kill -9: nobody marked it failed
        s.execute(update(UsageBatch).values(status="running"))
    result = ingest_file(fresh_metered, path)
    assert (result.resumed_at, result.accepted, result.duplicates) == (2000, 3500, 0)
    assert [row[1:] for row in batch_rows()] == [("complete", 4, 3500, 3500, 3500)]
    assert stored_totals() == expected_totals(3500)
    assert_exact_and_audited()


def test_a_rerun_of_a_complete_file_is_a_new_batch_of_duplicates(fresh_metered, tmp_path, chunks_of_1000):
    path = write_file(tmp_path / "usage.jsonl", [numbered(i) for i in range(1500)])
    first = ingest_file(fresh_metered, path)
    again = ingest_file(fresh_metered, path)
    assert again.batch_id != first.batch_id
    assert (again.accepted, again.duplicates, again.resumed_at) == (0, 1500, 0)
    assert stored_totals() == expected_totals(1500)
    assert_exact_and_audited()


def test_the_batch_record_shows_progress_while_a_file_is_written(fresh_metered, tmp_path, chunks_of_1000):
    path = write_file(tmp_path / "usage.jsonl", [numbered(i) for i in range(2500)])
    seen = []

    def watch(phase, done, total):
        seen.append((phase, done, total, *(batch_rows()[-1][1:] if phase == "write" else ())))

    result = ingest_file(fresh_metered, path, progress=watch)
    assert [s for s in seen if s[0] == "write"] == [
        ("write", 1000, 2500, "running", 1, 1000, 1000, 2500),
        ("write", 2000, 2500, "running", 2, 2000, 2000, 2500),
        ("write", 2500, 2500, "complete", 3, 2500, 2500, 2500)]
    assert ("check", 2500, None) in seen   # the checking pass reports what it has read
    assert (result.accepted, result.chunks) == (2500, 3)
    with db.session_scope() as s:
        [row] = metering.recent_batches(s)
    assert (row["status"], row["chunks_done"], row["received"], row["total_events"]) == ("fullført", 3, 2500, 2500)


def test_a_file_is_checked_in_full_before_any_chunk_is_written(fresh_metered, tmp_path, chunks_of_1000):
    events = [numbered(i) for i in range(3000)]
    events[2500] = event("bad-subject", subject="0000")
    events[2700] = dict(numbered(10), data={"quantity": 99})   # the key of line 11 again, other content
    path = write_file(tmp_path / "usage.jsonl", events)
    with pytest.raises(BatchRejected) as caught:
        ingest_file(fresh_metered, path)
    reasons = {r.index: (r.field, r.reason) for r in caught.value.result.rejections}
    assert set(reasons) == {2501, 2701}
    assert reasons[2501][0] == "subject" and "ukjent virksomhet «0000»" in reasons[2501][1]
    assert reasons[2701][0] == "id" and "hendelse 11" in reasons[2701][1]
    assert "Ingenting av innsendingen er lagret" in caught.value.message
    assert (stored_events(), batch_rows()) == (0, [])


def test_a_conflict_with_a_stored_event_is_found_before_writing(fresh_metered, tmp_path, chunks_of_1000):
    with db.session_scope(fresh_metered) as s:
        metering.ingest_events(s, fresh_metered, [numbered(1800)])
    events = [numbered(i) for i in range(2000)]
    events[1800] = dict(events[1800], data={"quantity": 1000})
    with pytest.raises(BatchRejected) as caught:
        ingest_file(fresh_metered, write_file(tmp_path / "usage.jsonl", events))
    [rejection] = caught.value.result.rejections
    assert (rejection.index, rejection.field) == (1801, "id")
    assert "allerede mottatt med annet innhold" in rejection.reason
    assert stored_events() == 1


def test_a_file_that_is_not_utf8_is_refused_before_anything_is_written(fresh_metered, tmp_path, chunks_of_1000):
    path = tmp_path / "usage.jsonl"
    path.write_bytes("".join(json.dumps(numbered(i)) + "\n" for i in range(1500)).encode() + b'{"id": "\xff"}\n')
    with pytest.raises(BackofficeError, match="ikke UTF-8") as caught:
        ingest_file(fresh_metered, path)
    assert "1501" in caught.value.message
    assert (stored_events(), batch_rows()) == (0, [])


def test_a_csv_field_over_the_csv_limit_is_a_plain_error_naming_the_line(fresh_metered, tmp_path, chunks_of_1000):
    path = tmp_path / "usage.csv"
    path.write_text("specversion,id,source,type,subject,time,quantity\n"
                    "1.0,c1,svarut,svarut.shipment,0301,2025-03-05T10:00:00Z,7\n"
                    f'1.0,"{"x" * 5_000_000}",svarut,svarut.shipment,0301,2025-03-05T10:00:00Z,7\n')
    with pytest.raises(BackofficeError) as caught:
        ingest_file(fresh_metered, path)
    assert caught.value.message.startswith("CSV-filen kan ikke leses ved linje 3: field larger than field limit")
    assert (stored_events(), batch_rows()) == (0, [])


def test_other_writers_get_in_while_a_long_file_is_ingested(fresh_db_url, fresh_metered, tmp_path, monkeypatch):
    """The failure seen: a 1.5-million-event ingest in one transaction held SQLite's write lock for
    minutes, so 4 of 40 edits made meanwhile failed with "database is locked" after the 10 s busy
    timeout. Scaled down: 20 000 events whose writing is slowed to at least 0.4 s a chunk of 2 000
    (a slow disk), against an editor whose busy timeout is 3 s. In one transaction that holds the
    lock for 4 s or more; in committed chunks the editor gets in between chunks (after two at most).
    """
    monkeypatch.setattr(ingest, "FILE_CHUNK_SIZE", 2000, raising=False)
    original = ingest._Writer.write

    def slow_write(self, rows):
        stored = original(self, rows)
        time.sleep(0.4)
        return stored

    monkeypatch.setattr(ingest._Writer, "write", slow_write)
    path = write_file(tmp_path / "usage.jsonl", [numbered(i) for i in range(20_000)])
    editor_engine = db.make_engine(fresh_db_url)
    if fresh_db_url.startswith("sqlite"):
        sa_event.listen(editor_engine, "connect",
                        lambda connection, _record: connection.execute("PRAGMA busy_timeout=3000"))
    ingesting, stop = threading.Event(), threading.Event()
    edits, failures = [], []

    with db.session_scope() as s:
        meter = metering.get_meter(s, "svarut.printed-page")
        fields = {"name": meter.name, "unit": meter.unit}

    def edit_in_a_loop():
        number = 0
        while not stop.is_set():
            number += 1
            try:
                with db.session_scope(fresh_metered, eng=editor_engine) as s:
                    metering.update_meter(s, fresh_metered, "svarut.printed-page",
                                          {**fields, "description": f"endring {number}"})
                edits.append(ingesting.is_set())
            except Exception as error:  # noqa: BLE001 - every failure is what this test counts
                failures.append(f"{type(error).__name__}: {error}")
            time.sleep(0.05)

    editor = threading.Thread(target=edit_in_a_loop)
    editor.start()
    try:
        ingesting.set()
        result = ingest_file(fresh_metered, path)
        ingesting.clear()
    finally:
        stop.set()
        editor.join(timeout=60)
        editor_engine.dispose()
    assert failures == []
    assert result.accepted == 20_000
    assert edits.count(True) >= 3    # edits went in while the ingest was running
    assert stored_totals() == expected_totals(20_000)
    assert_exact_and_audited()
