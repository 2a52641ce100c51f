"""Price calculation: each price model with its tiers, bands and minimum, to the øre, worked out by hand."""
from decimal import Decimal

import pytest

from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from pricing import capital, costbase, digifin, selfcost
from pricing.selfcost import solve_rate
from pricing.tariffs import charge, tier_split, weighted
from tests.conftest import make_actor
from tests.pricing.helpers import adopters, orgs, simple_cost_base

FINANCE = make_actor("finance")
BANDS = [{"up_to": 10_000, "factor": "1"}, {"up_to": 50_000, "factor": "0.5"}, {"up_to": None, "factor": "0.25"}]


def test_graduated_and_volume_tier_split():
    assert tier_split(Decimal(100_000), BANDS, "graduated") == [10_000, 40_000, 50_000]
    assert tier_split(Decimal(5_000), BANDS, "graduated") == [5_000, 0, 0]
    assert tier_split(Decimal(20_000), BANDS, "volume") == [0, 20_000, 0]
    assert tier_split(Decimal(50_000), BANDS, "volume") == [0, 50_000, 0]      # the bound belongs to its tier
    assert weighted(Decimal(100_000), BANDS, "graduated") == Decimal(42_500)
    assert weighted(Decimal(100_000), BANDS, "volume") == Decimal(25_000)


def test_charge_per_basis_with_tiers_and_minimum():
    per_inhabitant = {"basis": "inhabitant", "tiers": BANDS, "tier_mode": "graduated",
                      "tier_prices_ore": [1000, 500, 250], "minimum_fee_ore": 6_000_000}
    # 10 000 × 10 kr + 40 000 × 5 kr + 50 000 × 2,50 kr
    assert charge(per_inhabitant, 100_000, None) == 42_500_000
    assert charge(per_inhabitant, 5_000, None) == 6_000_000                 # 50 000 kr, below the minimum
    per_unit = {"basis": "unit", "tiers": [], "tier_mode": "graduated", "tier_prices_ore": [3],
                "minimum_fee_ore": 0}
    assert charge(per_unit, 100_000, "2.5") == 8                           # 7,5 øre rounds half-up to 8
    assert charge({"basis": "organisation", "fee_ore": 125_000}, 10, 10) == 125_000


def test_solve_rate_with_minimum():
    rate, at_min = solve_rate(Decimal(62_500_000), [Decimal(5_000), Decimal(15_000), Decimal(42_500)],
                              Decimal(6_000_000))
    assert at_min == {0}
    assert rate == Decimal(56_500_000) / Decimal(57_500)
    rate, at_min = solve_rate(Decimal(100), [Decimal(1), Decimal(1)], Decimal(80))
    assert (rate, at_min) == (0, {0, 1})                                 # minimum fees alone cover the cost


def _calc(session, model, rows, units=None, **extra):
    return selfcost.calculate_price(session, FINANCE, {
        "service": "svarut", "year": 2025, "model": model, "adopters": adopters(rows, units), **extra})


def test_per_inhabitant_graduated_bands(session):
    # 625 000 kr over weighted inhabitants 5 000 + 15 000 + 42 500 = 62 500 -> 10 kr, 5 kr, 2,50 kr
    simple_cost_base(session, FINANCE, amount_ore=62_500_000)
    rows = orgs(session, 5_000, 20_000, 100_000)
    calc = _calc(session, {"components": [{"basis": "inhabitant", "share": 100, "tiers": BANDS}]}, rows)
    [comp] = calc.result["components"]
    assert comp["tier_prices_ore"] == [1000, 500, 250]
    assert [c["total_ore"] for c in calc.result["charges"]] == [5_000_000, 15_000_000, 42_500_000]
    assert calc.self_cost_ore == 62_500_000 and calc.result["rounding_difference_ore"] == 0


def test_per_inhabitant_with_minimum_fee(session):
    simple_cost_base(session, FINANCE, amount_ore=62_500_000)
    rows = orgs(session, 5_000, 20_000, 100_000)
    calc = _calc(session, {"components": [{"basis": "inhabitant", "share": 100, "tiers": BANDS,
                                           "minimum_fee_ore": 6_000_000}]}, rows)
    [comp] = calc.result["components"]
    # base rate (625 000 − 60 000) / (15 000 + 42 500) = 9,826087 kr -> 9,83 / 4,91 / 2,46
    assert comp["tier_prices_ore"] == [983, 491, 246]
    assert comp["at_minimum"] == [rows[0].id]
    assert [c["total_ore"] for c in calc.result["charges"]] == [6_000_000, 14_740_000, 41_770_000]
    assert calc.result["expected_revenue_ore"] == 62_510_000
    assert calc.result["rounding_difference_ore"] == 10_000


def test_per_unit_volume_tiers(session):
    simple_cost_base(session, FINANCE, amount_ore=40_000_000)
    rows = orgs(session, 1, 1, 1)
    calc = _calc(session, {"components": [{"basis": "unit", "share": 100, "tier_mode": "volume", "tiers": BANDS}]},
                 rows, units=[5_000, 20_000, 100_000])
    assert calc.result["components"][0]["tier_prices_ore"] == [1000, 500, 250]
    assert [c["total_ore"] for c in calc.result["charges"]] == [5_000_000, 10_000_000, 25_000_000]


def test_fixed_fee_and_a_combination(session):
    simple_cost_base(session, FINANCE, amount_ore=100)
    rows = orgs(session, 1, 1, 1)
    calc = _calc(session, {"components": [{"basis": "organisation", "share": 100}]}, rows)
    assert calc.result["components"][0]["fee_ore"] == 33                # 1,00 kr / 3, rounded at the end
    assert calc.result["rounding_difference_ore"] == -1
    # 40 % fixed fee + 60 % per unit on 900 000 kr: 120 000 kr each + 540 000 kr / 54 000 units = 10 kr
    simple_cost_base(session, FINANCE, year=2026, amount_ore=90_000_000)
    calc = selfcost.calculate_price(session, FINANCE, {
        "service": "svarut", "year": 2026, "adopters": adopters(rows, [4_000, 20_000, 30_000]),
        "model": {"components": [{"basis": "organisation", "share": 40}, {"basis": "unit", "share": 60}]}})
    fee, unit = calc.result["components"]
    assert fee["fee_ore"] == 12_000_000 and unit["tier_prices_ore"] == [1000]
    assert [c["components"] for c in calc.result["charges"]] == [[12_000_000, 4_000_000], [12_000_000, 20_000_000],
                                                                 [12_000_000, 30_000_000]]


def test_self_cost_sums_every_part(session):
    simple_cost_base(session, FINANCE, amount_ore=50_000_000)                    # direct 500 000
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "service": "svarut", "cost_type": "management",
                                               "description": "Styre", "amount_ore": 9_999_999,
                                               "counts_toward_self_cost": False})
    costbase.save_pool(session, FINANCE, {"year": 2025, "code": "felles", "name": "F", "key_type": "fte"})
    costbase.set_key_figures(session, FINANCE, 2025, "felles", {"figures": {"svarut": 1, "digisos": 3}})
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "pool": "felles", "cost_type": "administration",
                                               "description": "Husleie", "amount_ore": 40_000_000})  # 100 000 to svarut
    capital.set_rate(session, FINANCE, {"year": 2025, "swap_rate": "3.5"})                 # 4 %
    capital.save_investment(session, FINANCE, {"service": "svarut", "name": "P", "amount_ore": 10_000_000,
                                               "year_in_use": 2024, "years_of_use": 2})     # 50 000 + 4 % of 75 000
    digifin.save_loan(session, FINANCE, {"service": "svarut", "name": "L", "interest_rate": "0",
                                         "first_repayment_year": 2025, "repayment_years": 2,
                                         "drawdowns": [{"on_date": "2024-01-01", "amount_ore": 4_000_000}]})
    rows = orgs(session, 1000, 1000)
    calc = _calc(session, {"components": [{"basis": "organisation", "share": 100}]}, rows,
                 fund_use_ore=1_000_000)
    r = calc.result
    assert Decimal(r["direct"]) == 50_000_000 and Decimal(r["allocated"]) == 10_000_000
    assert Decimal(r["capital"]) == 5_000_000 + 300_000 and Decimal(r["digifin"]) == 2_000_000
    assert calc.self_cost_ore == 50_000_000 + 10_000_000 + 5_300_000 + 2_000_000 - 1_000_000
    assert selfcost.recalculate(calc) == calc.result                 # redone from the stored inputs alone
    assert calc.inputs["key_figures"] == {"felles": {"svarut": "1.000000", "digisos": "3.000000"}} or \
        calc.inputs["key_figures"] == {"felles": {"svarut": "1", "digisos": "3"}}


def test_comparison_with_last_years_approved_list(session):
    from pricing import pricelists

    simple_cost_base(session, FINANCE, year=2024, amount_ore=30_000_000)
    simple_cost_base(session, FINANCE, year=2025, amount_ore=36_000_000)
    rows = orgs(session, 1, 1, 1)
    model = {"components": [{"basis": "organisation", "share": 100}]}
    last = selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2024, "model": model,
                                                       "adopters": adopters(rows)})
    pricelists.approve(session, make_actor("leader"), {"calculation_id": last.id})
    calc = _calc(session, model, rows[:2])                 # one fewer adopter: 180 000 each instead of 100 000
    assert [(c["total_ore"], c["previous_ore"]) for c in calc.result["charges"]] == [(18_000_000, 10_000_000)] * 2
    side = {r["item"]: r for r in selfcost.side_by_side(session, calc)}
    assert side["self_cost"]["change_ore"] == 6_000_000 and side["adopters"]["change_ore"] == -1


def test_sensitivity_to_adoption(session):
    simple_cost_base(session, FINANCE, amount_ore=1_200_000)
    rows = orgs(session, 1, 1, 1)
    calc = _calc(session, {"components": [{"basis": "organisation", "share": 100}]}, rows)
    by_factor = {Decimal(r["factor"]): r["average_bill_ore"] for r in calc.result["sensitivity"]}
    assert by_factor[Decimal(1)] == 400_000 and by_factor[Decimal(2)] == 200_000 and by_factor[Decimal("0.5")] == 800_000


def test_bad_inputs_get_plain_errors(session):
    simple_cost_base(session, FINANCE)
    rows = orgs(session, 1, 1)
    with pytest.raises(ValidationFailed, match="100"):
        _calc(session, {"components": [{"basis": "organisation", "share": 60}]}, rows)
    with pytest.raises(ValidationFailed) as caught:
        selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2025,
                                                    "model": {"components": [{"basis": "organisation", "share": 100}]},
                                                    "adopters": [{"organisation": "Finnes ikke kommune"}]})
    assert "Rad 1" in caught.value.message and "Finnes ikke kommune" in caught.value.message
    with pytest.raises(BackofficeError, match="volum"):
        _calc(session, {"components": [{"basis": "unit", "share": 100}]}, rows)
    with pytest.raises(BackofficeError, match="negativ"):
        _calc(session, {"components": [{"basis": "organisation", "share": 100}]}, rows, fund_use_ore=10**12)
    with pytest.raises(PermissionDenied):
        selfcost.calculate_price(session, make_actor("leader"), {"service": "svarut", "year": 2025,
                                                                 "model": {"components": []}})
