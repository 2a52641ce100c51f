"""Prices per organisation kind and population year, and four eyes on price lists (issue 18, items 3, 9).

Hand case: self-cost 250 000 kr; two municipalities of 5 000 and 30 000 inhabitants pay per inhabitant
(10 000 at factor 1, the rest at 0,5), a county municipality pays a fixed 50 000 kr a year of its own,
never per inhabitant of the county. The municipalities cover 250 000 − 50 000 = 200 000 kr over weights
5 000 + (10 000 + 10 000) = 25 000: 8 kr and 4 kr per inhabitant."""
import pytest
from sqlalchemy import select

from data.errors import BackofficeError, PermissionDenied
from data.registers.models import Organisation, OrganisationPopulation
from pricing import pricelists, selfcost
from pricing.models import PriceList
from tests.conftest import make_actor
from tests.pricing.helpers import adopters, orgs, simple_cost_base

FINANCE, LEADER = make_actor("finance"), make_actor("leader")
INHABITANT = {"basis": "inhabitant", "share": 100, "minimum_fee_ore": 100_000,
              "tiers": [{"up_to": 10_000, "factor": "1"}, {"up_to": None, "factor": "0.5"}]}
MODEL = {"components": [INHABITANT],
         "kinds": {"municipality": {"charge": "model"},
                   "county_municipality": {"charge": "fixed", "fee_ore": 5_000_000}}}


@pytest.fixture
def county(session):
    return session.scalar(select(Organisation).where(Organisation.kind == "county_municipality",
                                                     Organisation.valid_to.is_(None)).order_by(Organisation.id))


@pytest.fixture
def calc(session, county):
    simple_cost_base(session, FINANCE, amount_ore=25_000_000)
    rows = orgs(session, 5_000, 30_000) + [county]
    return selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2025, "model": MODEL,
                                                       "adopters": adopters(rows), "population_year": 2024})


def test_a_county_pays_its_own_fixed_amount_and_the_municipalities_the_rest(calc, county):
    result = calc.result
    assert result["components"][0]["tier_prices_ore"] == [800, 400]
    assert [(c["population"], c["total_ore"]) for c in result["charges"]] == [(5_000, 4_000_000),
                                                                              (30_000, 16_000_000)]
    (county_charge,) = result["kind_charges"]
    assert (county_charge["org_id"], county_charge["charge"], county_charge["total_ore"]) == (
        county.id, "fixed", 5_000_000)
    assert result["kind_revenue_ore"] == 5_000_000
    assert result["expected_revenue_ore"] == 25_000_000 and result["rounding_difference_ore"] == 0
    assert result["kinds"]["county_municipality"]["price"]["fee_ore"] == 5_000_000
    assert selfcost.recalculate(calc) == result


def test_the_approved_list_prices_each_kind_by_its_own_model(session, calc):
    pricelists.approve(session, LEADER, {"calculation_id": calc.id})
    price = pricelists.approved_price(session, "svarut", 2025)
    assert (price.agreed_model("municipality"), price.agreed_model("county_municipality")) == (
        "per_inhabitant", "fixed")
    assert price.agreed_model("state_agency") is None and price.components_for("state_agency") is None
    assert price.charge(population=30_000) == 16_000_000
    assert price.charge(population=1_300_000, kind="county_municipality") == 5_000_000   # not per inhabitant
    assert price.population_year == 2024
    rows = {r["kind"]: r for r in pricelists.kind_rows(price.kinds, list(price.components))}
    assert (rows["county_municipality"]["charge"], rows["county_municipality"]["price_ore"]) == ("fixed", 5_000_000)
    assert rows["other"]["charge"] == "none"
    _codes, bills = pricelists.bills_by_organisation(session, 2025)
    assert sum(b["total_ore"] for b in bills) == 25_000_000


def test_an_adopter_of_a_kind_without_a_price_is_named_and_nothing_is_saved(session, county):
    simple_cost_base(session, FINANCE, amount_ore=25_000_000)
    rows = orgs(session, 5_000, 30_000) + [county]
    with pytest.raises(BackofficeError) as refused:
        selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2025,
                                                    "model": {"components": [INHABITANT]},
                                                    "adopters": adopters(rows)})
    assert "sier ikke hvordan fylkeskommuner skal betale" in refused.value.message
    assert county.name in refused.value.message


def test_own_prices_that_exceed_the_self_cost_are_refused(session, county):
    simple_cost_base(session, FINANCE, amount_ore=1_000_000)
    model = {**MODEL, "kinds": {**MODEL["kinds"], "county_municipality": {"charge": "fixed", "fee_ore": 2_000_000}}}
    with pytest.raises(BackofficeError, match="mer enn selvkosten"):
        selfcost.preview_price(session, FINANCE, {"service": "svarut", "year": 2025, "model": model,
                                                  "adopters": adopters(orgs(session, 5_000) + [county])})


def test_a_kind_of_its_own_per_unit_or_free(session, county):
    simple_cost_base(session, FINANCE, amount_ore=25_000_000)
    model = {"components": [INHABITANT],
             "kinds": {"municipality": {"charge": "model"},
                       "county_municipality": {"charge": "per_unit", "tier_prices_ore": [150], "minimum_fee_ore": 0}}}
    rows = orgs(session, 5_000, 30_000) + [county]
    _inputs, result = selfcost.preview_price(session, FINANCE, {
        "service": "svarut", "year": 2025, "model": model,
        "adopters": adopters(rows, units=[0, 0, 10_000])})
    assert result["kind_charges"][0]["total_ore"] == 1_500_000               # 10 000 units × 1,50 kr
    model["kinds"]["county_municipality"] = {"charge": "free"}
    _inputs, result = selfcost.preview_price(session, FINANCE, {
        "service": "svarut", "year": 2025, "model": model, "adopters": adopters(rows)})
    assert result["kind_charges"][0]["total_ore"] == 0
    assert result["components"][0]["tier_prices_ore"] == [1000, 500]       # the municipalities cover it all


def test_the_population_year_decides_the_inhabitants(session):
    simple_cost_base(session, FINANCE, amount_ore=25_000_000)
    a, b = orgs(session, 5_000, 30_000)
    for org, figure in ((a, 4_000), (b, 31_000)):
        session.add(OrganisationPopulation(organisation_id=org.id, year=2023, population=figure, source="SSB 07459"))
    session.flush()
    request = {"service": "svarut", "year": 2025, "model": {"components": [INHABITANT]},
               "adopters": adopters([a, b])}
    inputs, _result = selfcost.preview_price(session, FINANCE, {**request, "population_year": 2023})
    assert [x["population"] for x in inputs["adopters"]] == [4_000, 31_000]
    assert inputs["population_year"] == 2023 and inputs["population_fallback"] == []
    # the latest year with figures by default (SSB publishes 1 January in February)
    assert pricelists.default_population_year(session, 2025) >= 2023
    inputs, _result = selfcost.preview_price(session, FINANCE, {**request, "population_year": 2019})
    assert inputs["population_fallback"] == [a.name, b.name]                # no 2019 figure: said so
    assert [x["population"] for x in inputs["adopters"]] == [5_000, 30_000]


def test_submitted_calculation_waits_for_a_leader_who_did_not_prepare_it(session, calc):
    submitter = make_actor("finance", username="sindre-sender")
    submitted = pricelists.submit(session, submitter, {"calculation_id": calc.id})
    assert (submitted.status, submitted.submitted_by) == ("awaiting_approval", "sindre-sender")
    assert submitted.submitted_at is not None
    (queued,) = pricelists.drafts_awaiting(session, only_submitted=True)
    assert (queued["id"], queued["status"], queued["submitted_by"]) == (calc.id, "awaiting_approval", "sindre-sender")
    with pytest.raises(BackofficeError, match="venter allerede på godkjenning"):
        pricelists.submit(session, FINANCE, {"calculation_id": calc.id})
    with pytest.raises(PermissionDenied):
        pricelists.submit(session, LEADER, {"calculation_id": calc.id})
    price_list = pricelists.approve(session, LEADER, {"calculation_id": calc.id})
    stored = session.get(PriceList, price_list.id)
    assert (stored.prepared_by, stored.approved_by, stored.population_year) == ("sindre-sender", "leader", 2024)
    assert stored.prepared_at == submitted.submitted_at
    row = pricelists.price_list_rows(session, 2025)[0]
    assert (row["prepared_by"], row["approved_by"], row["population_year"]) == ("sindre-sender", "leader", 2024)
