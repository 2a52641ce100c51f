"""Product accounts to the øre: revenue from approved runs, direct and capital costs, result and coverage,
budget against actual, by month."""
from datetime import date
from decimal import Decimal

import pytest

from pricing import capital, costbase
from pricing.invoicing import accounts
from pricing.invoicing import runs as invoicing
from tests.pricing.invoicing.helpers import FINANCE, LEADER, appendix, price_list, three_orgs, usage


@pytest.fixture
def billed(session, system):
    a, b, c = three_orgs(session)
    price_list(session, [a, b, c])
    appendix(session, a, date(2024, 6, 1))
    appendix(session, b, date(2025, 2, 15))
    appendix(session, c, date(2023, 1, 1), date(2025, 1, 31))
    usage(session, system, a, date(2025, 1, 10), 100)
    usage(session, system, a, date(2025, 3, 10), 200)
    usage(session, system, b, date(2025, 3, 3), 50)
    invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})          # 2 533 333 øre
    invoicing.approve_run(session, LEADER, {"period": "2025-Q1"})
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "basis": "actual", "service": "svarut",
                                               "cost_type": "operations", "description": "Drift",
                                               "amount_ore": 20_000_000})
    capital.set_rate(session, FINANCE, {"year": 2025, "swap_rate": Decimal("3.5")})
    capital.save_investment(session, FINANCE, {"service": "svarut", "name": "Plattform", "amount_ore": 100_000_000,
                                               "year_in_use": 2024, "years_of_use": 10})
    return a, b, c


def test_account_to_the_ore(session, billed):
    acct = accounts.account(session, "svarut", 2025)
    assert acct.basis == "actual"
    assert acct.revenue_ore == 2_533_333
    assert acct.costs.direct_ore == 20_000_000
    # depreciation 100 000 kr / 10 = 10 000 kr; interest 4 % × (1 000 000 + 900 000) / 2 = 38 000 kr
    assert acct.costs.capital_ore == 13_800_000
    assert acct.cost_ore == 33_800_000
    assert acct.result_ore == 2_533_333 - 33_800_000
    assert acct.coverage == Decimal(2_533_333) / Decimal(33_800_000)
    # budget: the approved calculation expected 240 000 kr and the budget cost was 240 000 kr + capital
    assert acct.budget_revenue_ore == 24_000_000
    assert acct.budget.direct_ore == 24_000_000 and acct.budget.capital_ore == 13_800_000


def test_credit_lowers_the_year_it_credits(session, billed):
    invoicing.prepare_credit(session, FINANCE, {"run": 1, "reason": "Feil", "rebill": False})
    invoicing.credit_and_rebill(session, LEADER, {"run": 1, "reason": "Feil", "rebill": False})
    assert accounts.account(session, "svarut", 2025).revenue_ore == 0


def test_months_add_up_to_the_year(session, billed):
    months = accounts.by_month(session, "svarut", 2025)
    assert len(months) == 12
    assert sum(m["revenue_ore"] for m in months) == 2_533_333
    assert sum(m["cost_ore"] for m in months) == 33_800_000
    assert months[3]["revenue_ore"] == 0                      # nothing billed for April
    # C's line (1–31 January) falls wholly in January
    assert months[0]["revenue_ore"] > months[1]["revenue_ore"]
    assert months[-1]["cumulative_result_ore"] == 2_533_333 - 33_800_000


def test_revenue_per_organisation_traces_to_lines(session, billed):
    a, b, c = billed
    rows = {r["organisation_id"]: r["amount_ore"] for r in accounts.revenue_lines(session, "svarut", 2025)}
    assert rows == {a.id: 1_600_000, b.id: 600_000, c.id: 333_333}


def test_a_year_without_actuals_uses_the_budget_and_says_so(session, billed):
    acct = accounts.account(session, "svarut", 2024)
    assert acct.basis == "budget"
    assert "budsjett" in acct.warnings[0].lower()
