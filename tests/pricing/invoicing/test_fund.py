"""The self-cost fund: build-up, use, interest, 5-year expiry and planned use flowing into the price."""
from datetime import date
from decimal import Decimal

import pytest

from data.errors import PermissionDenied
from pricing import fundplan, selfcost
from pricing.invoicing import fund
from tests.conftest import make_actor
from tests.pricing.invoicing.helpers import FINANCE, price_list, three_orgs


def test_build_up_use_interest_and_deficit_to_the_ore():
    statement = fund.build([(2024, 1_000_000, Decimal(4)), (2025, -300_000, Decimal(5)),
                            (2026, -1_000_000, Decimal(5)), (2027, 500_000, Decimal(4))], date(2028, 6, 1))
    y24, y25, y26, y27 = statement.years
    assert (y24.interest_ore, y24.closing_ore, y24.set_aside_ore) == (20_000, 1_020_000, 1_020_000)
    # (1 020 000 + 720 000) / 2 × 5 % = 43 500
    assert (y25.interest_ore, y25.drawn_ore, y25.closing_ore) == (43_500, 256_500, 763_500)
    # (763 500 − 236 500) / 2 × 5 % = 13 175; the 2024 surplus is used up, 223 325 is a deficit to recover
    assert (y26.interest_ore, y26.drawn_ore, y26.new_deficit_ore, y26.closing_ore) == (13_175, 763_500, 223_325,
                                                                                       -223_325)
    # (−223 325 + 276 675) / 2 × 4 % = 1 067; the deficit is recovered first, the rest set aside
    assert (y27.interest_ore, y27.recovered_ore, y27.set_aside_ore, y27.closing_ore) == (1_067, 223_325, 277_742,
                                                                                         277_742)
    assert [(x.year, x.remaining_ore, x.status(statement.today)) for x in statement.layers] == [
        (2024, 0, "settled"), (2026, 0, "settled"), (2027, 277_742, "open")]
    assert statement.balance_ore == 277_742


@pytest.mark.parametrize(("today", "status"), [(date(2023, 12, 31), "open"), (date(2024, 1, 1), "expiring"),
                                               (date(2024, 6, 1), "expiring"), (date(2025, 12, 31), "expiring"),
                                               (date(2026, 1, 1), "overdue")])
def test_a_surplus_expires_five_years_after_with_a_warning_from_1_january_the_year_before(today, status):
    statement = fund.build([(2020, 100_000, None), (2021, 0, None)], today)
    (layer,) = statement.layers
    assert layer.deadline == date(2025, 12, 31)
    assert layer.warn_from == date(2024, 1, 1)       # when the price for 2025, the last to use it, is set
    assert layer.status(today) == status
    assert statement.must_use_by(2025) == 100_000 and statement.must_use_by(2024) == 0


def test_a_deficit_must_be_recovered_within_five_years():
    statement = fund.build([(2021, -50_000, None)], date(2026, 3, 1))
    assert statement.must_recover_by(2026) == 50_000
    assert statement.layers[0].status(date(2026, 3, 1)) == "expiring"


def test_statement_from_the_accounts_warns_the_finance_adviser(session):
    from pricing import costbase

    costbase.save_cost_item(session, FINANCE, {"year": 2020, "basis": "actual", "service": "minside",
                                               "cost_type": "operations", "description": "Drift",
                                               "amount_ore": 1_000_000})
    statement = fund.statement(session, "minside", today=date(2025, 2, 1))
    (row,) = statement.years
    assert (row.year, row.result_ore, row.new_deficit_ore) == (2020, -1_000_000, 1_000_000)
    assert any("31.12.2025" in w for w in statement.warnings)
    assert any("rente" in w.lower() for w in statement.warnings)     # no imputed rate for 2020


def test_planned_use_flows_into_next_years_price_calculation(session):
    orgs = three_orgs(session)
    price_list(session, orgs, year=2025)
    fundplan.set_plan(session, FINANCE, {"service": "svarut", "year": 2026, "amount_ore": 5_000_000,
                                         "note": "Tilbakeføring av overskudd 2024"})
    start = selfcost.starting_point(session, "svarut", 2026)
    assert start["fund_use_ore"] == 5_000_000
    from pricing import costbase

    costbase.save_cost_item(session, FINANCE, {"year": 2026, "service": "svarut", "cost_type": "operations",
                                               "description": "Drift", "amount_ore": 24_000_000})
    calc = selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2026, "model": start["model"],
                                                       "fund_use_ore": start["fund_use_ore"],
                                                       "adopters": start["adopters"]})
    assert calc.self_cost_ore == 24_000_000 - 5_000_000
    assert fundplan.planned_use(session, "svarut", 2027) is None


def test_only_finance_plans_fund_use(session):
    with pytest.raises(PermissionDenied):
        fundplan.set_plan(session, make_actor("leader"), {"service": "svarut", "year": 2026, "amount_ore": 1})
    assert fundplan.plan_rows(session) == []


def test_a_plan_is_replaced_and_deleted(session):
    from data.errors import NotFound

    fundplan.set_plan(session, FINANCE, {"service": "svarut", "year": 2026, "amount_ore": 100})
    fundplan.set_plan(session, FINANCE, {"service": "svarut", "year": 2026, "amount_ore": -300, "note": "Avsetning"})
    assert [(r["service"], r["year"], r["amount_ore"], r["note"]) for r in fundplan.plan_rows(session)] == [
        ("svarut", 2026, -300, "Avsetning")]
    fundplan.delete_plan(session, FINANCE, "svarut", 2026)
    assert fundplan.planned_use(session, "svarut", 2026) is None
    with pytest.raises(NotFound, match="Ingen planlagt bruk av fondet for SvarUt 2026"):
        fundplan.delete_plan(session, FINANCE, "svarut", 2026)


def _deficit_2020(session):
    from pricing import costbase

    costbase.save_cost_item(session, FINANCE, {"year": 2020, "basis": "actual", "service": "minside",
                                               "cost_type": "operations", "description": "Drift",
                                               "amount_ore": 1_000_000})


@pytest.mark.parametrize(("today", "due"), [
    (date(2023, 12, 31), []),
    (date(2024, 1, 1), [{"year": 2020, "amount_ore": -1_000_000, "deadline": "2025-12-31"}])])
def test_what_the_price_must_recover_shows_from_1_january_the_year_before(session, today, due):
    _deficit_2020(session)
    assert fund.due_in_price(session, "minside", 2025, today) == due
    assert fund.due_in_price(session, "minside", 2024, today) == []       # not due in 2024's price
    statement = fund.statement(session, "minside", today=today)
    assert any("31.12.2025" in w for w in statement.warnings) == bool(due)


def test_the_price_calculation_for_the_deadline_year_shows_the_amount(session):
    """The fund room hands its reader to the calculation at bootstrap; the calculation stores what is
    due in its inputs and says it in plain language, with the amount."""
    from pricing import costbase

    _deficit_2020(session)
    orgs = three_orgs(session)
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "service": "minside", "cost_type": "operations",
                                               "description": "Drift", "amount_ore": 24_000_000})
    calc = selfcost.calculate_price(session, FINANCE, {
        "service": "minside", "year": 2025, "model": {"components": [{"basis": "organisation", "share": 100}]},
        "adopters": [{"org_id": o.id} for o in orgs], "fund_use_ore": -400_000})
    assert calc.inputs["fund_due"] == [{"year": 2020, "amount_ore": -1_000_000, "deadline": "2025-12-31"}]
    (warning,) = fundplan.due_warnings(calc.inputs)
    assert "10 000,00 kr av underskuddet fra 2020 må dekkes inn senest i 2025" in warning.replace("\xa0", " ")
    assert "setter av 4 000,00 kr" in warning.replace("\xa0", " ")
    assert selfcost.recalculate(calc) == calc.result
    assert fundplan.due_warnings({"year": 2026, "fund_use_ore": 0}) == []
