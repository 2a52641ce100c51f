"""Approved price lists: leader approval, immutable, versioned, readable for invoicing."""
import pytest
from sqlalchemy import func, select

from data.errors import BackofficeError, PermissionDenied
from pricing import pricelists, selfcost
from pricing.models import PriceCalculation, PriceList
from tests.conftest import make_actor
from tests.pricing.helpers import adopters, orgs, simple_cost_base

FINANCE, LEADER = make_actor("finance"), make_actor("leader")
MODEL = {"components": [{"basis": "inhabitant", "share": 100, "minimum_fee_ore": 100_000,
                         "tiers": [{"up_to": 10_000, "factor": "1"}, {"up_to": None, "factor": "0.5"}]}]}


@pytest.fixture
def calc(session):
    simple_cost_base(session, FINANCE, amount_ore=25_000_000)
    rows = orgs(session, 5_000, 30_000)
    # weights 5 000 and 10 000 + 10 000 = 20 000 -> 10 kr and 5 kr per inhabitant
    return selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2025, "model": MODEL,
                                                       "adopters": adopters(rows)})


def test_leader_approves_and_invoicing_reads_the_price(session, calc):
    assert pricelists.approved_price(session, "svarut", 2025) is None
    price_list = pricelists.approve(session, LEADER, {"calculation_id": calc.id, "comment": "Vedtatt"})
    assert (price_list.number, price_list.approved_by, calc.status) == (1, "leader", "approved")
    price = pricelists.approved_price(session, "svarut", 2025)
    assert price.components[0]["tier_prices_ore"] == [1000, 500]
    assert price.charge(population=30_000) == 10_000_000 + 10_000_000
    assert price.charge(population=50) == 100_000            # the minimum fee
    assert pricelists.approved_prices(session, 2025)["svarut"].number == 1


def test_finance_cannot_approve(session, calc):
    with pytest.raises(PermissionDenied):
        pricelists.approve(session, FINANCE, {"calculation_id": calc.id})
    assert session.scalar(select(func.count()).select_from(PriceList)) == 0


def test_approved_list_cannot_change_and_a_change_is_a_new_version(session, calc):
    pricelists.approve(session, LEADER, {"calculation_id": calc.id})
    session.commit()
    calc.self_cost_ore = 1
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        session.flush()
    session.rollback()
    calc = session.get(PriceCalculation, calc.id)
    with pytest.raises(BackofficeError):
        selfcost.delete_calculation(session, FINANCE, calc.id)
    price_list = session.scalar(select(PriceList))
    price_list.comment = "endret"
    with pytest.raises(BackofficeError):
        session.flush()
    session.rollback()
    session.delete(session.scalar(select(PriceList)))
    with pytest.raises(BackofficeError):
        session.flush()
    session.rollback()
    with pytest.raises(BackofficeError, match="allerede godkjent"):
        pricelists.approve(session, LEADER, {"calculation_id": calc.id})
    # a change is a new calculation, approved as version 2, which supersedes version 1
    new = selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2025, "model": MODEL,
                                                      "adopters": calc.inputs["adopters"] and
                                                      [{"organisation": a["org_number"] or a["name"]}
                                                       for a in calc.inputs["adopters"]], "fund_use_ore": 5_000_000})
    assert new.number == 2
    pricelists.approve(session, LEADER, {"calculation_id": new.id})
    assert pricelists.approved_price(session, "svarut", 2025).number == 2
    rows = pricelists.price_list_rows(session, 2025, "svarut")
    assert [(r["number"], r["in_force"]) for r in rows] == [(2, True), (1, False)]


def test_drafts_can_be_deleted(session, calc):
    selfcost.delete_calculation(session, FINANCE, calc.id)
    assert session.get(PriceCalculation, calc.id) is None
