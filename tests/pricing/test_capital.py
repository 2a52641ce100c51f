"""Capital costs: linear depreciation from the year after use, interest on the average residual value
at the year's imputed rate (5-year swap + 0.5 points), worked out by hand."""
from decimal import Decimal

import pytest

from data.errors import BackofficeError, ValidationFailed
from pricing import capital
from tests.conftest import make_actor
from tests.pricing.helpers import rate, service_id

FINANCE = make_actor("finance")


def test_capital_cost_over_the_years_by_hand(session):
    # 1 000 000 kr taken into use in 2022, 5 years of use: 200 000 kr a year from 2023.
    capital.save_investment(session, FINANCE, {"service": "svarut", "name": "Plattform", "amount_ore": 100_000_000,
                                               "year_in_use": 2022, "years_of_use": 5})
    rate(session, FINANCE, 2023, "3.40")   # imputed 3.90 %
    rate(session, FINANCE, 2024, "3.60")   # imputed 4.10 %
    rate(session, FINANCE, 2025, "3.75")   # imputed 4.25 %
    rate(session, FINANCE, 2027, "3.00")   # imputed 3.50 %
    sid = service_id(session)
    assert capital.capital_lines(session, sid, 2022) == []          # the year it was taken into use: nothing
    [y2023] = capital.capital_lines(session, sid, 2023)
    assert (y2023.depreciation, y2023.opening, y2023.closing) == (20_000_000, 100_000_000, 80_000_000)
    assert y2023.rate_percent == Decimal("3.90")
    assert y2023.interest == Decimal("3510000.00")                 # 900 000 kr × 3.90 % = 35 100 kr
    [y2024] = capital.capital_lines(session, sid, 2024)
    assert y2024.interest == Decimal("2870000.00")                 # 700 000 × 4.10 % = 28 700 kr
    assert y2024.total == Decimal("22870000.00")
    [y2025] = capital.capital_lines(session, sid, 2025)
    assert y2025.interest == Decimal("2125000.00")                 # 500 000 × 4.25 % = 21 250 kr
    [y2027] = capital.capital_lines(session, sid, 2027)            # last year: 200 000 -> 0
    assert (y2027.opening, y2027.closing, y2027.interest) == (20_000_000, 0, Decimal("350000.00"))
    assert capital.capital_lines(session, sid, 2028) == []          # fully depreciated


def test_uneven_division_is_kept_exact():
    dep, opening, closing, interest = capital.capital_cost(100, 2020, 3, 2021, Decimal("4"))
    assert dep == Decimal(100) / 3 and closing == 100 - Decimal(100) / 3
    assert interest == (opening + closing) / 2 * Decimal("0.04")


def test_missing_rate_is_a_plain_error(session):
    capital.save_investment(session, FINANCE, {"service": "svarut", "name": "X", "amount_ore": 1000,
                                               "year_in_use": 2024, "years_of_use": 2})
    with pytest.raises(BackofficeError, match="Kalkylerenten for 2025"):
        capital.capital_lines(session, service_id(session), 2025)


def test_rate_is_entered_per_year_and_versioned(session):
    row = capital.set_rate(session, FINANCE, {"year": 2025, "swap_rate": "3.85"})
    assert capital.rate_for(session, 2025) == Decimal("4.35")
    capital.set_rate(session, FINANCE, {"year": 2025, "swap_rate": "3.90"}, expected_version=row.version)
    assert capital.rate_for(session, 2025) == Decimal("4.40")
    with pytest.raises(BackofficeError):
        capital.set_rate(session, FINANCE, {"year": 2025, "swap_rate": "4.00"}, expected_version=1)


def test_investment_validation(session):
    with pytest.raises(ValidationFailed, match="years_of_use"):
        capital.save_investment(session, FINANCE, {"service": "svarut", "name": "X", "amount_ore": 1000,
                                                   "year_in_use": 2024, "years_of_use": 0})


def test_investment_edit_and_delete_check_the_version(session):
    from data.errors import ConflictError, NotFound

    session.info["actor"] = FINANCE
    payload = {"service": "svarut", "name": "Plattform", "amount_ore": 100, "year_in_use": 2022, "years_of_use": 5}
    inv = capital.save_investment(session, FINANCE, payload)
    seen = inv.version
    capital.save_investment(session, FINANCE, {**payload, "amount_ore": 200}, investment_id=inv.id,
                            expected_version=seen)
    with pytest.raises(ConflictError, match="amount_ore"):
        capital.delete_investment(session, FINANCE, inv.id, expected_version=seen)
    capital.delete_investment(session, FINANCE, inv.id, expected_version=inv.version)
    with pytest.raises(NotFound, match=f"Fant ikke investering {inv.id}"):
        capital.save_investment(session, FINANCE, payload, investment_id=inv.id)
