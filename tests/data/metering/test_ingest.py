"""Metering: idempotent all-or-nothing ingestion, each rejection reason, roll-ups, late events, reads."""
from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from data import db
from data.audit import AuditEntry
from data.errors import PermissionDenied
from data.metering import demo as metering_demo
from data.metering import usage as metering
from data.metering.usage import BatchRejected, UsageBatch, UsageEvent, UsageMonthly
from data.registers.models import Organisation
from tests.conftest import make_actor

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

OSLO_NUMBER = "0301"
BERGEN_NUMBER = "4601"
ORG_NUMBER = "974760673"   # a valid organisation number (check digit), given to Bergen in the fixture


def event(event_id="e1", *, source="svarut", type="svarut.shipment", subject=OSLO_NUMBER,
          time="2025-03-04T10:15:00Z", quantity=3, **extra):
    body = {"specversion": "1.0", "id": event_id, "source": source, "type": type, "subject": subject,
            "time": time, "data": {"quantity": quantity}}
    body.update(extra)
    return body


@pytest.fixture
def metered(db_url, system):
    with db.session_scope(system) as s:
        metering.load_default_meters(s, system)
        bergen = s.scalar(select(Organisation).where(Organisation.municipality_number == BERGEN_NUMBER))
        bergen.org_number = ORG_NUMBER
    return system


def ingest(actor, events, **kwargs):
    with db.session_scope(actor) as s:
        return metering.ingest_events(s, actor, events, **kwargs)


def rejected(actor, events) -> BatchRejected:
    with pytest.raises(BatchRejected) as caught:
        ingest(actor, events)
    return caught.value


def counts():
    with db.session_scope() as s:
        return (s.scalar(select(func.count()).select_from(UsageEvent)),
                s.scalar(select(func.count()).select_from(UsageBatch)),
                s.scalar(select(func.count()).select_from(UsageMonthly)))


def test_batch_is_accepted_rolled_up_and_audited_once(metered):
    result = ingest(metered, [event("a", quantity=3), event("b", quantity=4, subject=ORG_NUMBER),
                              event("c", quantity=5, time="2025-04-01T08:00:00+02:00")])
    assert (result.accepted, result.duplicates, result.rejected) == (3, 0, 0)
    with db.session_scope() as s:
        rows = metering.usage_by_month(s, service_code="svarut")
        entries = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "usage_event")).all()
    assert [(r.month, r.organisation_name, r.quantity) for r in rows] == [
        (date(2025, 3, 1), "Bergen", 4), (date(2025, 3, 1), "Oslo", 3), (date(2025, 4, 1), "Oslo", 5)]
    assert len(entries) == 1
    summary = json.loads(entries[0].changes)
    assert summary["accepted"]["after"] == 3 and summary["batch"]["after"] == result.batch_id


def test_duplicate_counts_once_and_is_reported_as_duplicate(metered):
    ingest(metered, [event("a", quantity=3)])
    again = ingest(metered, [event("a", quantity=3), event("b", quantity=2)])
    assert (again.accepted, again.duplicates, again.rejected) == (1, 1, 0)
    within = ingest(metered, [event("c", quantity=1), event("c", quantity=1)])
    assert (within.accepted, within.duplicates) == (1, 1)
    with db.session_scope() as s:
        [row] = metering.usage_by_month(s, meter_code="svarut.shipment")
    assert row.quantity == 3 + 2 + 1 and row.events == 3


def test_same_time_written_differently_is_still_a_duplicate(metered):
    ingest(metered, [event("a", time="2025-03-04T10:15:00Z")])
    again = ingest(metered, [event("a", time="2025-03-04T11:15:00+01:00")])
    assert (again.accepted, again.duplicates) == (0, 1)


def test_conflicting_duplicate_is_rejected_and_nothing_written(metered):
    ingest(metered, [event("a", quantity=3)])
    before = counts()
    error = rejected(metered, [event("b"), event("a", quantity=4)])
    assert error.result.rejected == 1
    [reason] = error.result.rejections
    assert (reason.index, reason.event_id, reason.field) == (2, "a", "id")
    assert "allerede mottatt med annet innhold" in reason.reason
    assert counts() == before


def test_conflict_inside_one_batch_names_the_earlier_event(metered):
    error = rejected(metered, [event("x", quantity=1), event("y"), event("x", quantity=2)])
    [reason] = error.result.rejections
    assert reason.index == 3 and "hendelse 1" in reason.reason
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(("bad", "field", "text"), [
    (event(subject="9999"), "subject", "ukjent virksomhet «9999»"),
    (event(subject="123456789"), "subject", "ukjent virksomhet"),
    (event(subject="Oslo"), "subject", "verken et organisasjonsnummer"),
    (event(type="svarut.unknown"), "type", "ukjent måler «svarut.unknown»"),
    (event(quantity=-1), "data.quantity", "negativt"),
    (event(quantity=1.5), "data.quantity", "ikke et helt tall"),
    (event(quantity="mange"), "data.quantity", "ikke et helt tall"),
    (event(quantity=True), "data.quantity", "ikke et helt tall"),
    (event(time="2025-03-04T10:15:00"), "time", "RFC 3339"),
    (event(time="04.03.2025"), "time", "RFC 3339"),
    (event(time="2025-02-30T10:00:00Z"), "time", "RFC 3339"),
    (event(time=(datetime.now(UTC) + timedelta(days=1)).isoformat()), "time", "fram i tid"),
    (event(time="1900-01-01T00:00:00Z"), "time", "er før 01.01.2000"),
    (event(time="0001-01-01T00:00:00+01:00"), "time", "er før 01.01.2000"),
    (event(time="1999-12-31T23:59:59.999Z"), "time", "er før 01.01.2000"),
    (event(time="9999-12-31T10:00:00Z"), "time", "fram i tid"),
    (event(time="9999-12-31T23:59:59-05:00"), "time", "fram i tid"),
    (event(quantity=10**5000), "data.quantity", "urimelig stort"),
    (event(quantity=-(10**5000)), "data.quantity", "negativt"),
    (event(type="t" * 150), "type", f"ukjent måler «{'t' * 80}…»"),
    (event(specversion="0.3"), "specversion", "«1.0»"),
    (event(id=""), "id", "ikke er tom"),
    (event(id="x" * 201), "id", "200 tegn"),
    (event(data={"amount": 1}), "data.quantity", "mangler"),
    (event(data=[1]), "data", "JSON-objekt"),
    (event(datacontenttype="text/plain"), "datacontenttype", "application/json"),
    ({k: v for k, v in event().items() if k != "source"}, "source", "mangler"),
    ("not an object", None, "ikke et JSON-objekt"),
])
def test_each_bad_event_is_rejected_with_its_reason(metered, bad, field, text):
    if isinstance(bad, dict) and bad.get("id") in (None, "e1"):
        bad = dict(bad, id="bad")
    error = rejected(metered, [event("good"), bad])
    assert error.result.rejected == 1 and error.result.accepted == 0
    [reason] = error.result.rejections
    assert reason.index == 2
    assert reason.field == field
    assert text in reason.reason
    assert counts() == (0, 0, 0)


def test_time_before_the_organisation_existed_is_rejected(metered):
    with db.session_scope() as s:
        oslo = s.scalar(select(Organisation).where(Organisation.municipality_number == OSLO_NUMBER))
        oslo.valid_from = date(2024, 1, 1)
    error = rejected(metered, [event(time="2023-12-31T12:00:00Z")])
    [reason] = error.result.rejections
    assert reason.field == "time" and "fantes ikke 31.12.2023" in reason.reason and "01.01.2024" in reason.reason
    assert ingest(metered, [event(time="2024-01-01T12:00:00Z")]).accepted == 1


def test_merged_municipality_number_resolves_by_time(metered):
    """A municipality number reused after a merger points at the organisation valid at the event's time."""
    with db.session_scope() as s:
        oslo = s.scalar(select(Organisation).where(Organisation.municipality_number == OSLO_NUMBER))
        oslo.valid_from = date(2024, 1, 1)
        s.add(Organisation(name="Gamle Oslo", kind="municipality", municipality_number=OSLO_NUMBER,
                           valid_from=date(2000, 1, 1), valid_to=date(2023, 12, 31), version=1))
    ingest(metered, [event("old", time="2023-06-01T12:00:00Z"), event("new", time="2024-06-01T12:00:00Z")])
    with db.session_scope() as s:
        names = [(r.organisation_name, r.month.year) for r in metering.usage_by_month(s)]
    assert names == [("Gamle Oslo", 2023), ("Oslo", 2024)]


def test_every_rejection_is_reported_not_only_the_first(metered):
    error = rejected(metered, [event("a", quantity=-1), event("b"), event("c", subject="0000"),
                               event("d", type="nope")])
    assert [(r.index, r.event_id) for r in error.result.rejections] == [(1, "a"), (3, "c"), (4, "d")]
    assert "3 av 4 hendelser ble avvist" in error.message


def test_failed_batch_across_many_chunks_writes_nothing(metered, monkeypatch):
    monkeypatch.setattr("data.metering.ingest.CHUNK_SIZE", 7)
    ingest(metered, [event("kept", quantity=9)])
    before = counts()
    events = [event(f"n{i}", quantity=1) for i in range(40)] + [event("late-bad", subject="0000")]
    error = rejected(metered, events)
    assert error.result.rejected == 1
    assert counts() == before
    with db.session_scope() as s:
        assert [r.quantity for r in metering.usage_by_month(s)] == [9]


def test_late_event_for_closed_month_is_accepted_and_flagged(metered):
    ingest(metered, [event("on-time", quantity=10, time="2025-01-10T10:00:00Z")])
    with db.session_scope(metered) as s:
        metering.close_month(s, metered, "2025-01")
    result = ingest(metered, [event("late", quantity=2, time="2025-01-31T23:30:00Z"),  # 1 February in Oslo
                              event("late2", quantity=4, time="2025-01-20T10:00:00Z")])
    assert (result.accepted, result.late) == (2, 1)
    with db.session_scope() as s:
        rows = {r.month: (r.quantity, r.late_quantity) for r in metering.usage_by_month(s)}
        late = metering.late_usage(s)
        received = metering.late_events_received(s, received_after=datetime(2020, 1, 1, tzinfo=UTC))
        flags = dict(s.execute(select(UsageEvent.event_id, UsageEvent.late)).all())
    assert rows == {date(2025, 1, 1): (14, 4), date(2025, 2, 1): (2, 0)}
    assert [(r["month"], r["late_quantity"]) for r in late] == [(date(2025, 1, 1), 4)]
    assert [(r["month"], r["quantity"]) for r in received] == [(date(2025, 1, 1), 4)]
    assert flags == {"on-time": False, "late": False, "late2": True}


def test_cannot_close_the_current_month(metered):
    with db.session_scope(metered) as s, pytest.raises(metering.BackofficeError, match="ikke over ennå"):
        metering.close_month(s, metered, metering.current_month())


def test_count_meter_counts_events_and_period_sums_months(metered):
    ingest(metered, [event(f"s{i}", source="digisos", type="digisos.application", quantity=1,
                           time=f"2025-0{m}-05T10:00:00Z") for i, m in enumerate([1, 1, 2, 3, 4])])
    with db.session_scope() as s:
        period = metering.usage_for_period(s, "digisos", date(2025, 1, 1), date(2025, 3, 31))
        by_month = metering.usage_by_month(s, service_code="digisos", start_month="2025-02", end_month="2025-04")
    assert [(p.organisation_name, p.meter_code, p.quantity) for p in period] == [
        ("Oslo", "digisos.application", 4)]
    assert [(r.month.month, r.quantity) for r in by_month] == [(2, 1), (3, 1), (4, 1)]


def test_permission_is_checked_before_anything_is_written(metered):
    with pytest.raises(PermissionDenied):
        ingest(make_actor("support"), [event()])
    assert counts() == (0, 0, 0)
    assert ingest(make_actor("finance"), [event()]).accepted == 1


def test_meters_can_be_added_and_codes_are_unique(metered):
    with db.session_scope(metered) as s:
        meter = metering.create_meter(s, metered, {"code": "svarut.sms", "service": "svarut", "name": "SMS-varsler",
                                                   "unit": "SMS", "aggregation": "sum"})
        assert meter.service.code == "svarut"
    with db.session_scope(metered) as s, pytest.raises(metering.BackofficeError, match="finnes allerede"):
        metering.create_meter(s, metered, {"code": "svarut.sms", "service": "svarut", "name": "x", "unit": "x"})
    assert ingest(metered, [event(type="svarut.sms")]).accepted == 1


def test_api_keys_are_hashed_verified_and_revocable(metered):
    with db.session_scope(metered) as s:
        row, key = metering.create_api_key(s, metered, "svarut")
        assert row.key_hash != key and key not in row.key_hash
        assert row.service.code == "svarut"
    with db.session_scope() as s:
        info = metering.verify_api_key(s, key)
        assert info.source == "svarut"
        assert metering.verify_api_key(s, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
        assert metering.verify_api_key(s, "nonsense") is None
    with db.session_scope(metered) as s:
        metering.revoke_api_key(s, metered, row.prefix)
    with db.session_scope() as s:
        assert metering.verify_api_key(s, key) is None


def test_file_ingest_jsonl_and_csv_with_line_numbers(metered, tmp_path):
    jsonl = tmp_path / "usage.jsonl"
    jsonl.write_text("\n".join(json.dumps(event(f"j{i}", quantity=i)) for i in range(1, 4)) + "\n\n")
    csv_file = tmp_path / "usage.csv"
    csv_file.write_text("specversion,id,source,type,subject,time,quantity\n"
                        f"1.0,c1,svarut,svarut.shipment,{OSLO_NUMBER},2025-03-05T10:00:00Z,7\n"
                        f"1.0,c2,svarut,svarut.printed-page,{ORG_NUMBER},2025-03-05T10:00:00Z,12\n")
    with db.session_scope(metered) as s:
        assert metering.ingest_file(s, metered, jsonl).accepted == 3
        assert metering.ingest_file(s, metered, csv_file).accepted == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(event("b1")) + "\n{not json\n" + json.dumps(event("b2", quantity=-5)) + "\n")
    with pytest.raises(BatchRejected) as caught, db.session_scope(metered) as s:
        metering.ingest_file(s, metered, bad)
    assert [(r.index, r.field) for r in caught.value.result.rejections] == [(2, None), (3, "data.quantity")]
    with db.session_scope() as s:
        assert sum(r.quantity for r in metering.usage_by_month(s)) == 1 + 2 + 3 + 7 + 12


def test_csv_without_required_columns_is_refused(metered, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,quantity\n1,2\n")
    with pytest.raises(metering.BackofficeError, match="mangler kolonnene"), db.session_scope(metered) as s:
        metering.ingest_file(s, metered, path)


def test_rollup_check_finds_and_repairs_a_drift(metered):
    ingest(metered, [event("a", quantity=3), event("b", quantity=4, time="2025-05-01T10:00:00Z")])
    with db.session_scope() as s:
        assert metering.rollup_differences(s) == []
        s.execute(UsageMonthly.__table__.update().values(quantity=999))
    with db.session_scope(metered) as s:
        assert len(metering.rollup_differences(s)) == 2
        assert metering.rebuild_rollups(s, metered) == 2
    with db.session_scope() as s:
        assert metering.rollup_differences(s) == []


def test_dashboard_reads(metered):
    ingest(metered, [event("o1", quantity=100, time="2025-01-10T10:00:00Z"),
                     event("o2", quantity=150, time="2025-02-10T10:00:00Z"),
                     event("b1", quantity=50, subject=ORG_NUMBER, time="2025-01-10T10:00:00Z"),
                     event("b2", quantity=40, subject=ORG_NUMBER, time="2025-02-10T10:00:00Z")])
    with db.session_scope() as s:
        top = metering.top_users(s, "svarut.shipment", "2025-01", "2025-02")
        change = metering.month_over_month(s, "svarut.shipment", "2025-02")
        totals = metering.monthly_totals(s, service_code="svarut")
    assert [(r["organisation"], r["quantity"], round(r["share"], 3)) for r in top] == [
        ("Oslo", 250, 0.735), ("Bergen", 90, 0.265)]
    assert [(r["organisation"], r["previous"], r["current"], r["change"]) for r in change] == [
        ("Oslo", 100, 150, 50), ("Bergen", 50, 40, -10)]
    assert [(r["month"], r["quantity"], r["organisations"]) for r in totals] == [
        (date(2025, 1, 1), 150, 2), (date(2025, 2, 1), 190, 2)]


def test_kpis_and_service_facts(metered):
    last = metering.add_months(metering.current_month(), -1)
    ingest(metered, [event("k1", quantity=5, time=f"{last:%Y-%m}-02T10:00:00Z"),
                     event("k2", quantity=7, time=f"{metering.add_months(last, -1):%Y-%m}-02T10:00:00Z")])
    with db.session_scope() as s:
        kpis = metering.usage_kpis(s, metered)
        facts = metering.service_usage_facts(s, "svarut")
    assert kpis[0].value == "1" and kpis[0].delta == "+0,0 %"
    labels = {f.label: f.value for f in facts}
    assert labels[f"SvarUt-forsendelser, {metering.month_label(last)}"] == "5 forsendelser"
    assert labels["SvarUt-forsendelser, siste 12 måneder"] == "12 forsendelser"


def test_demo_loader_gives_years_of_usage_and_late_corrections(metered):
    with db.session_scope(metered) as s:
        metering_demo.load_demo(s, metered, random.Random(1))
    with db.session_scope() as s:
        months = metering.usage_months(s)
        assert len(months) == 36
        assert metering.late_usage(s)
        assert metering.rollup_differences(s) == []
        assert s.scalar(select(func.count(func.distinct(UsageMonthly.organisation_id)))) > 300


# --- property: roll-ups always equal a full recount -----------------------------------------------

_event_strategy = st.fixed_dictionaries({
    "id": st.sampled_from([f"k{i}" for i in range(12)]),
    "type": st.sampled_from(["svarut.shipment", "svarut.printed-page", "digisos.application"]),
    "subject": st.sampled_from([OSLO_NUMBER, BERGEN_NUMBER, "0000"]),
    "month": st.integers(1, 4),
    "quantity": st.integers(-1, 50),
})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(_event_strategy, min_size=1, max_size=8), min_size=1, max_size=5),
       close=st.integers(0, 4))
def test_rollups_equal_a_full_recount_after_random_batches(metered, monkeypatch, batches, close):
    monkeypatch.setattr("data.metering.ingest.SQLITE_ROWS_PER_STATEMENT", 3)   # several INSERT statements per batch
    with db.session_scope() as s:
        s.execute(UsageEvent.__table__.delete())
        s.execute(UsageMonthly.__table__.delete())
        s.execute(UsageBatch.__table__.delete())
        s.execute(metering.ClosedMonth.__table__.delete())
    for number, batch in enumerate(batches):
        if number == 1 and close:
            with db.session_scope(metered) as s:
                metering.close_month(s, metered, f"2025-0{close}")
        events = [event(e["id"], type=e["type"], subject=e["subject"], quantity=e["quantity"],
                        source="digisos" if e["type"].startswith("digisos") else "svarut",
                        time=f"2025-0{e['month']}-1{e['quantity'] % 10}T10:00:00Z") for e in batch]
        try:
            ingest(metered, events)
        except BatchRejected:
            pass
    with db.session_scope() as s:
        assert metering.rollup_differences(s) == []


def test_odd_json_values_are_rejected_not_crashing(metered):
    error = rejected(metered, [event("a", type=["svarut.shipment"]), event("b", subject={"x": 1}),
                               event("c", time=20250304), event("d", time="2025-W10-2T10:15:00Z", quantity=1),
                               event("e", time="2025-03-04t10:15:00z")])
    assert [(r.event_id, r.field) for r in error.result.rejections] == [("a", "type"), ("b", "subject"), ("c", "time")]
    result = ingest(metered, [event("d", time="2025-W10-2T10:15:00Z"), event("e", time="2025-03-04t10:15:00z"),
                              event("f", time="2025-03-04T10:15:00.5+01:00")])
    assert result.accepted == 3
    with db.session_scope() as s:
        times = dict(s.execute(select(UsageEvent.event_id, UsageEvent.occurred_at)).all())
    assert times["d"] == datetime(2025, 3, 4, 10, 15, tzinfo=UTC) == times["e"]
    assert times["f"] == datetime(2025, 3, 4, 9, 15, 0, 500000, tzinfo=UTC)


# --- property: the column-wise path gives exactly the rows of the per-event path --------------------

def _mostly(ordinary, odd):
    """Ordinary values 19 times in 20, so that whole chunks of ordinary events are common too."""
    return st.integers(0, 19).flatmap(lambda roll: odd if roll == 0 else ordinary)


_time_strategy = _mostly(
    st.builds(lambda moment, fraction: moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z",
              st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 1, 1)),
              st.sampled_from(["", ".123", ".123456"])),
    st.sampled_from(["2025-01-31T22:30:00Z", "2025-03-31T23:59:59.999999Z", "2025-10-31T22:00:00.000Z",
                     "2025-06-30T21:59:59Z", "2025-12-31T23:00:00Z", "2025-02-30T10:00:00Z", "2025-03-04T24:00:00Z",
                     "2025-03-04 10:15:00Z", "2025-03-04T10:15:00+00:00", "2025-03-04T10:15:00.5Z",
                     "2025-03-04t10:15:00z", "2099-01-01T00:00:00Z"]),
)
_odd_event_strategy = st.fixed_dictionaries({
    "id": _mostly(st.uuids().map(str), st.sampled_from([" ", "", "x" * 201, 7, "same"])),
    "type": _mostly(st.sampled_from(["svarut.shipment", "digisos.application"]), st.sampled_from(["nope", None])),
    "subject": _mostly(st.sampled_from([OSLO_NUMBER, BERGEN_NUMBER, ORG_NUMBER]), st.sampled_from(["0000", "03 01", 301])),
    "time": _time_strategy,
    "quantity": _mostly(st.integers(0, 10**12), st.sampled_from([-1, 1.0, True, "3", 10**13, None])),
})
_fast_path_taken = []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.lists(_odd_event_strategy, min_size=1, max_size=6))
def test_column_wise_path_agrees_with_the_per_event_path(metered, chunk):
    from data.metering.ingest import _fast_rows, _load_context, _Reject, check_event

    events = [event(e["id"], type=e["type"], subject=e["subject"], time=e["time"], quantity=e["quantity"])
              for e in chunk]
    with db.session_scope() as s:
        ctx = _load_context(s, None, None)
        fast_meters = {code: meter_id for code, (meter_id, active, _sid) in ctx.meters.items() if active}
        fast = _fast_rows(ctx, fast_meters, list(enumerate(events, 1)))
        careful = []
        for e in events:
            try:
                careful.append(check_event(ctx, e))
            except _Reject:
                careful.append(None)
    if fast is not None:       # taken only when every event is fine and no key repeats
        _fast_path_taken.append(len(fast))
        assert fast == careful
        assert len({(row[0], row[1]) for row in fast}) == len(fast)


def test_ordinary_events_take_the_column_wise_path(metered):
    from data.metering.ingest import _fast_rows, _load_context

    events = [event("a", time="2025-03-04T10:15:00Z"), event("b", time="2025-01-31T23:30:00.250Z", quantity=0),
              event("c", subject=BERGEN_NUMBER, time="2025-03-04T10:15:00.123456Z")]
    with db.session_scope() as s:
        ctx = _load_context(s, None, None)
        fast_meters = {code: meter_id for code, (meter_id, active, _sid) in ctx.meters.items() if active}
        rows = _fast_rows(ctx, fast_meters, list(enumerate(events, 1)))
    assert [(r[1], r[4], r[5], r[6]) for r in rows] == [
        ("a", "2025-03-04 10:15:00.000000", "2025-03-01", 3),
        ("b", "2025-01-31 23:30:00.250000", "2025-02-01", 0),   # 1 February in Oslo
        ("c", "2025-03-04 10:15:00.123456", "2025-03-01", 3)]


def test_keys_repeated_across_chunks_and_batches_count_once(metered, monkeypatch):
    monkeypatch.setattr("data.metering.ingest.CHUNK_SIZE", 3)
    first = [event(f"c{i}", quantity=i + 1) for i in range(7)]
    result = ingest(metered, [*first, event("c1", quantity=2), event("c0", quantity=1)])   # chunk 3 repeats chunk 1
    assert (result.accepted, result.duplicates) == (7, 2)
    retried = ingest(metered, [event("c6", quantity=7), event("new", quantity=100), *first[:2]])
    assert (retried.accepted, retried.duplicates) == (1, 3)
    error = rejected(metered, [event("x1"), event("x2"), event("x3"), event("c2", quantity=99)])  # other content
    assert [(r.index, r.event_id, r.field) for r in error.result.rejections] == [(4, "c2", "id")]
    with db.session_scope() as s:
        assert [r.quantity for r in metering.usage_by_month(s)] == [sum(range(1, 8)) + 100]
        assert s.scalar(select(func.count()).select_from(UsageEvent)) == 8


def test_nul_character_in_a_text_field_is_rejected(metered):
    error = rejected(metered, [event("ok"), event("bad\x00id"), event("ok2", source="svar\x00ut")])
    assert [(r.index, r.field) for r in error.result.rejections] == [(2, "id"), (3, "source")]
    assert "nulltegn" in error.result.rejections[0].reason


def test_retry_mixed_with_new_events_over_many_insert_statements(metered, monkeypatch):
    """On SQLite many events go into one INSERT statement; duplicates spread over statement boundaries
    must still be found, reported once each, and never counted in the roll-ups."""
    monkeypatch.setattr("data.metering.ingest.SQLITE_ROWS_PER_STATEMENT", 4)
    monkeypatch.setattr("data.metering.ingest.CHUNK_SIZE", 10)
    first = [event(f"m{i}", quantity=i + 1, time=f"2025-03-{i % 28 + 1:02d}T10:00:00Z") for i in range(13)]
    assert ingest(metered, first).accepted == 13
    retried = [*first[3:12], *[event(f"n{i}", quantity=100, subject=BERGEN_NUMBER) for i in range(21)]]
    random.Random(5).shuffle(retried)
    result = ingest(metered, retried)
    assert (result.accepted, result.duplicates, result.rejected) == (21, 9, 0)
    with db.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(UsageEvent)) == 34
        totals = {}
        for r in metering.usage_by_month(s):
            totals[r.organisation_id] = totals.get(r.organisation_id, 0) + r.quantity
        assert metering.rollup_differences(s) == []
    assert sorted(totals.values()) == [sum(range(1, 14)), 2100]


def test_a_batch_of_thousands_rolls_up_exactly(metered):
    events = [event(f"big{i}", quantity=i % 7, subject=(OSLO_NUMBER, BERGEN_NUMBER)[i % 2],
                    time=f"2025-0{1 + i % 3}-1{i % 10}T0{i % 10}:00:00Z") for i in range(2345)]
    assert ingest(metered, events).accepted == 2345
    again = ingest(metered, [*events[1000:1500], event("extra", quantity=5)])
    assert (again.accepted, again.duplicates) == (1, 500)
    with db.session_scope() as s:
        assert metering.rollup_differences(s) == []
        assert sum(r.quantity for r in metering.usage_by_month(s)) == sum(i % 7 for i in range(2345)) + 5
