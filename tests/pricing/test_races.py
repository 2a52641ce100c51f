"""Simultaneous users on price calculations and price lists, on both databases (each thread its own
session and connection, real commits, started together at a barrier)."""
import pytest
from sqlalchemy import select

from data import db
from pricing import pricelists, selfcost
from pricing.models import PriceCalculation, PriceList
from tests.concurrency import in_own_session, refusals, simultaneously, unexpected
from tests.conftest import make_actor
from tests.pricing.helpers import adopters, orgs, simple_cost_base

pytestmark = pytest.mark.both_databases

FINANCE = make_actor("finance")
LEADERS = [make_actor("leader", username=f"leder{i:02d}") for i in range(12)]
MODEL = {"components": [{"basis": "inhabitant", "share": 100}]}


def _request(session) -> dict:
    return {"service": "svarut", "year": 2025, "model": MODEL, "adopters": adopters(orgs(session, 5_000, 30_000))}


@pytest.fixture
def request_payload(fresh_db_url):
    with db.session_scope(actor=FINANCE) as session:
        simple_cost_base(session, FINANCE, amount_ore=25_000_000)
        return _request(session)


def _calculations(payload, count: int) -> list[int]:
    with db.session_scope(actor=FINANCE) as session:
        return [selfcost.calculate_price(session, FINANCE, payload).id for _ in range(count)]


def _lists() -> list[tuple]:
    with db.session_scope() as session:
        return [(p.number, p.calculation_id, p.approved_by)
                for p in session.scalars(select(PriceList).order_by(PriceList.number))]


def test_twelve_leaders_approving_one_calculation_make_one_price_list(request_payload):
    (calc_id,) = _calculations(request_payload, 1)
    results = simultaneously(12, lambda i: in_own_session(LEADERS[i], pricelists.approve,
                                                          {"calculation_id": calc_id}).number)
    assert unexpected(results) == []
    assert [r for r in results if isinstance(r, int)] == [1]
    winner = LEADERS[results.index(1)].username
    assert _lists() == [(1, calc_id, winner)]
    for message in refusals(results):
        assert message in (f"Kalkyle 1 for SvarUt 2025 ble nettopp godkjent av {winner} (prisliste versjon 1).",
                           f"Kalkyle 1 for SvarUt 2025 er allerede godkjent av {winner} (prisliste versjon 1).")
    assert len(refusals(results)) == 11


def test_two_calculations_approved_at_once_become_versions_one_and_two(request_payload):
    first, second = _calculations(request_payload, 2)
    ids = [first, second]
    results = simultaneously(2, lambda i: in_own_session(LEADERS[i], pricelists.approve,
                                                         {"calculation_id": ids[i]}).number)
    assert unexpected(results) == [] and refusals(results) == []
    assert sorted(results) == [1, 2]
    assert sorted(calc for _n, calc, _who in _lists()) == [first, second]


def test_without_the_lock_the_unique_keys_refuse_plainly(request_payload, monkeypatch):
    """A writer that takes no lock: the database's keys (one list per calculation; one version number per
    service and year) or the calculation's version refuse the loser, who is told who won."""
    monkeypatch.setattr(pricelists, "_lock", lambda session, calc: None, raising=False)
    first, second = _calculations(request_payload, 2)
    ids = [first, first, first, second]
    results = simultaneously(4, lambda i: in_own_session(LEADERS[i], pricelists.approve,
                                                         {"calculation_id": ids[i]}).number)
    assert unexpected(results) == []
    stored = _lists()
    assert len({calc for _n, calc, _who in stored}) == len(stored)            # no calculation approved twice
    assert [n for n, _c, _w in stored] == list(range(1, len(stored) + 1))      # no version number twice
    for message in refusals(results):
        assert "ble nettopp godkjent av leder" in message or "er allerede godkjent av leder" in message, message


def test_simultaneous_calculations_get_consecutive_numbers(request_payload):
    results = simultaneously(6, lambda i: in_own_session(FINANCE, selfcost.calculate_price, request_payload).number)
    assert unexpected(results) == [] and refusals(results) == []
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    with db.session_scope() as session:
        assert sorted(session.scalars(select(PriceCalculation.number))) == [1, 2, 3, 4, 5, 6]
