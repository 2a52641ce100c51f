"""Simultaneous users: a period is billed once, a run credited once, a fund year closed once, on both
databases. Every thread has its own session and connection (`db.session_scope`) and real commits
(`fresh_db_url`); the threads start together at a barrier.

The hand-made case of test_runs.py: SvarUt 2025 at 40 000 kr a year per organisation plus 20 kr per
shipment; three municipalities; the first quarter of 2025 bills 2 544 444 øre in six lines.
"""
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from data import db
from data.audit import AuditEntry
from data.errors import BackofficeError
from pricing import costbase
from pricing.invoicing import fund
from pricing.invoicing import runs as invoicing
from pricing.invoicing.models import BilledPeriod, FundYearEnd, InvoiceLine, InvoiceRun
from tests.concurrency import in_own_session, refusals, simultaneously, unexpected
from tests.conftest import make_actor
from tests.pricing.helpers import rate
from tests.pricing.invoicing.helpers import FINANCE, appendix, price_list, three_orgs, usage

pytestmark = pytest.mark.both_databases

Q1_TOTAL = 2_533_333
# leaders approve the runs finance (FINANCE) prepared; they close fund years as finance too
APPROVERS = [make_actor("finance", "leader", username=f"okonomi{i:02d}") for i in range(12)]


@pytest.fixture
def quarter(fresh_db_url, system):
    """The case, committed; returns what the preview shows (the page passes it back on approval)."""
    with db.session_scope(actor=system) as session:
        a, b, c = three_orgs(session)
        price_list(session, [a, b, c])
        appendix(session, a, date(2024, 6, 1))
        appendix(session, b, date(2025, 2, 15))
        appendix(session, c, date(2023, 1, 1), date(2025, 1, 31))
        usage(session, system, a, date(2025, 1, 10), 100)
        usage(session, system, a, date(2025, 3, 10), 200)
        usage(session, system, b, date(2025, 3, 3), 50)
    with db.session_scope(actor=FINANCE) as session:
        preview = invoicing.preview_run(session, FINANCE, {"period": "2025-Q1"})
        invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})
    assert preview.total_ore == Q1_TOTAL
    return preview.total_ore


def _approve(index: int, payload: dict) -> int:
    return in_own_session(APPROVERS[index], invoicing.approve_run, payload).number


def _prepare(run: int | None, period: str = "", **credit) -> None:
    """Finance prepares a run for `period`, or a credit of `run`, committed (four eyes on money)."""
    with db.session_scope(actor=FINANCE) as session:
        if run is None:
            invoicing.prepare_run(session, FINANCE, {"period": period})
        else:
            invoicing.prepare_credit(session, FINANCE, {"run": run, **credit})


def _stored_runs() -> list[tuple]:
    with db.session_scope() as session:
        return [(r.number, r.kind, r.approved_by, r.total_ore, r.line_count)
                for r in session.scalars(select(InvoiceRun).order_by(InvoiceRun.number))]


def test_twelve_simultaneous_approvals_of_one_period_give_one_run_and_eleven_plain_refusals(quarter):
    payload = {"period": "2025-Q1", "expected_total_ore": quarter}
    results = simultaneously(12, lambda i: _approve(i, payload))
    assert unexpected(results) == []
    assert [r for r in results if isinstance(r, int)] == [1]
    winner = APPROVERS[results.index(1)].username
    assert refusals(results) == [f"Perioden 2025-Q1 ble nettopp fakturert av {winner} (kjøring 1)."] * 11
    assert _stored_runs() == [(1, "regular", winner, Q1_TOTAL, 6)]
    with db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(InvoiceLine)) == 6


def test_approvals_without_a_preview_are_refused_as_plainly(quarter):
    results = simultaneously(4, lambda i: _approve(i, {"period": "2025-Q1"}))
    assert unexpected(results) == []
    assert [r for r in results if isinstance(r, int)] == [1]
    winner = APPROVERS[results.index(1)].username
    for message in refusals(results):
        assert message in (f"Perioden 2025-Q1 ble nettopp fakturert av {winner} (kjøring 1).",
                           f"2025-Q1 er allerede fakturert (kjøring 1, godkjent av {winner}). En periode kan ikke "
                           "faktureres to ganger: bruk kreditering og ny fakturering for å rette.")
    assert len(_stored_runs()) == 1


def test_the_unique_key_alone_refuses_double_billing_when_no_lock_is_taken(quarter, monkeypatch):
    """A writer that skips the lock (older code, another program) still cannot bill the period twice:
    the database's key on billed periods refuses it, and the loser gets the same plain message."""
    monkeypatch.setattr(invoicing, "_lock_runs", lambda session: None)
    payload = {"period": "2025-Q1", "expected_total_ore": quarter}
    results = simultaneously(6, lambda i: _approve(i, payload))
    assert unexpected(results) == []
    numbers = [r for r in results if isinstance(r, int)]
    assert len(numbers) == 1
    winner = APPROVERS[results.index(numbers[0])].username
    assert refusals(results) == [f"Perioden 2025-Q1 ble nettopp fakturert av {winner} (kjøring {numbers[0]})."] * 5
    assert [row[2] for row in _stored_runs()] == [winner]


def test_a_writer_that_read_before_the_other_committed_is_refused_by_the_key(quarter):
    """Deterministic: A computes the run (no lock), B approves and commits, then A stores what it computed.
    The database refuses the months B holds; A's savepoint is rolled back and its transaction still works."""
    period = invoicing.parse_period("2025-Q1")
    with db.session_scope(actor=APPROVERS[0]) as session:
        stale = invoicing.compute_run(session, period)
        assert _approve(1, {"period": "2025-Q1"}) == 1
        with pytest.raises(BackofficeError) as error:
            invoicing._store(session, APPROVERS[0], period, "regular", None, stale.lines)
        assert error.value.message == f"Perioden 2025-Q1 ble nettopp fakturert av {APPROVERS[1].username} (kjøring 1)."
        assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 1
    assert _stored_runs() == [(1, "regular", APPROVERS[1].username, Q1_TOTAL, 6)]


def test_overlapping_periods_approved_at_once_bill_march_once(quarter):
    """The quarter and its last month, approved at the same moment: one of them, never both."""
    periods = ["2025-Q1", "2025-03"]
    _prepare(run=None, period="2025-03")
    results = simultaneously(2, lambda i: _approve(i, {"period": periods[i]}))
    assert unexpected(results) == []
    assert len([r for r in results if isinstance(r, int)]) == 1
    (message,) = refusals(results)
    assert "overlapper" in message or "nettopp fakturert" in message
    assert len(_stored_runs()) == 1


def test_simultaneous_credits_of_one_run_credit_it_once(quarter):
    _approve(0, {"period": "2025-Q1"})
    payload = {"run": 1, "reason": "Feil prisliste"}
    _prepare(run=1, reason="Feil prisliste")

    def credit(index: int):
        credit_run, rebill = in_own_session(APPROVERS[index], invoicing.credit_and_rebill, payload)
        return credit_run.number, rebill.number

    results = simultaneously(6, credit)
    assert unexpected(results) == []
    assert [r for r in results if isinstance(r, tuple)] == [(2, 3)]
    winner = APPROVERS[results.index((2, 3))].username
    for message in refusals(results):          # a thread that started after the winner committed: "allerede"
        assert message in (f"Kjøring 1 ble nettopp kreditert av {winner} (kjøring 2).",
                           f"Kjøring 1 er allerede kreditert av {winner} (kjøring 2): den har ingen linjer igjen å "
                           "kreditere for dette utvalget."), message
    assert len(refusals(results)) == 5
    runs = _stored_runs()
    assert [(n, kind, total) for n, kind, _who, total, _lines in runs] == [
        (1, "regular", Q1_TOTAL), (2, "credit", -Q1_TOTAL), (3, "rebill", Q1_TOTAL)]


def test_a_credit_releases_the_period_and_the_rebill_bills_it_again(quarter):
    """The key refuses only genuine double billing: credited lines no longer hold their months."""
    _approve(0, {"period": "2025-Q1"})
    with db.session_scope() as session:
        held = session.execute(select(BilledPeriod.kind, func.count()).group_by(BilledPeriod.kind)).all()
    assert sorted(held) == [("fixed", 6), ("usage", 9)]      # fixed: A 3 months, B 2, C 1; usage: 3 × 3
    _prepare(run=1, reason="Feil", rebill=False)
    in_own_session(APPROVERS[1], invoicing.credit_and_rebill, {"run": 1, "reason": "Feil", "rebill": False})
    with db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(BilledPeriod)) == 0
        trail = [(e.actor, e.action, e.changes) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "pricing_billed_period").order_by(AuditEntry.seq))]
    assert [(actor, action) for actor, action, _changes in trail] == [(APPROVERS[0].username, "batch_insert"),
                                                                     (APPROVERS[1].username, "batch_delete")]
    assert '"months_held":{"after":15' in trail[0][2] and '"rows":{"after":15' in trail[1][2]
    _prepare(run=None, period="2025-Q1")
    assert _approve(2, {"period": "2025-Q1"}) == 3
    with db.session_scope() as session:
        lines = {line.id: line.run_id for line in session.scalars(select(InvoiceLine))}
        holders = set(session.scalars(select(BilledPeriod.line_id)))
        assert {lines[i] for i in holders} == {session.scalar(select(InvoiceRun.id).where(InvoiceRun.number == 3))}


def test_the_database_refuses_a_second_holder_of_a_billed_month(quarter):
    _approve(0, {"period": "2025-Q1"})
    engine = db.engine()
    with engine.connect() as connection:
        row = connection.execute(select(BilledPeriod.__table__).where(BilledPeriod.kind == "usage")).mappings().first()
        copy = {k: v for k, v in row.items() if k != "id"}
        with pytest.raises(Exception, match="(?i)unique"):
            connection.execute(insert(BilledPeriod.__table__), copy)


def test_run_numbers_come_from_the_counter_without_gaps(quarter):
    for month in ("2025-04", "2025-05", "2025-06"):
        _prepare(run=None, period=month)
    results = simultaneously(3, lambda i: _approve(i, {"period": f"2025-0{i + 4}"}))
    assert unexpected(results) == []
    assert sorted(results) == [1, 2, 3]


# --- the fund's year-end ------------------------------------------------------------------------------------


@pytest.fixture
def closable(fresh_db_url):
    with db.session_scope(actor=FINANCE) as session:
        costbase.save_cost_item(session, FINANCE, {"year": 2024, "basis": "actual", "service": "svarut",
                                                   "cost_type": "operations", "description": "Drift",
                                                   "amount_ore": 1_000_000})
        rate(session, FINANCE, 2024, "3.5")


def _close(index: int):
    return in_own_session(APPROVERS[index], fund.close_fund_year, "svarut", 2024, today=date(2025, 3, 1)).id


def _closings() -> list[tuple]:
    with db.session_scope() as session:
        return [(r.year, r.closed_by, r.closing_ore, r.reopened_at) for r in session.scalars(select(FundYearEnd))]


def test_simultaneous_year_end_closes_the_year_once(closable):
    results = simultaneously(4, _close)
    assert unexpected(results) == []
    assert len([r for r in results if isinstance(r, int)]) == 1
    (closing,) = _closings()
    winner = closing[1]
    assert closing == (2024, winner, -1_020_000, None)
    assert refusals(results) == [f"Fondet for SvarUt er allerede avsluttet for 2024 (av {winner})."] * 3


def test_without_the_lock_the_key_still_closes_the_year_once(closable, monkeypatch):
    monkeypatch.setattr(fund, "_lock", lambda session, service: None)
    results = simultaneously(4, _close)
    assert unexpected(results) == []
    assert len([r for r in results if isinstance(r, int)]) == 1
    (closing,) = _closings()
    assert refusals(results) == [f"Fondet for SvarUt er allerede avsluttet for 2024 (av {closing[1]})."] * 3


def test_simultaneous_reopenings_reopen_once_and_the_year_can_close_again(closable):
    _close(0)
    results = simultaneously(3, lambda i: in_own_session(APPROVERS[i + 1], fund.reopen_fund_year, "svarut", 2024,
                                                         "Kostnad manglet").reopened_by)
    assert unexpected(results) == []
    assert len([r for r in results if isinstance(r, str)]) == 1
    reopener = next(r for r in results if isinstance(r, str))
    assert refusals(results) == [f"Fondet for SvarUt er allerede gjenåpnet for 2024 (av {reopener})."] * 2
    _close(5)
    assert sorted((c[1], c[3] is None) for c in _closings()) == sorted([(APPROVERS[0].username, False),
                                                                        (APPROVERS[5].username, True)])


def test_a_refusal_in_english(quarter):
    from data.i18n import set_language

    _approve(0, {"period": "2025-Q1"})
    set_language("en")
    try:
        with pytest.raises(BackofficeError) as error:
            _approve(1, {"period": "2025-Q1", "expected_total_ore": quarter})
    finally:
        set_language("nb")
    assert error.value.message == f"The period 2025-Q1 was just billed by {APPROVERS[0].username} (run 1)."
