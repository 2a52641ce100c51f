"""Frequency-independent billing: for any appendix start and end, the yearly, quarterly and monthly runs of
a year, and any mix of them (the first quarter as a quarter, then months), bill the same øre.

The rule (pricing.invoicing.runs, README "Billing rules"): each month is a twelfth of the year's charge,
shared by its days; a period bills round(charge × share earned up to its last day) − round(charge × share
earned before its first day), so the rounding remainder is carried from period to period."""
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.invoicing import runs as invoicing
from pricing.tariffs import round_ore, year_share
from tests.pricing.invoicing.helpers import FINANCE, LEADER, appendix, price_list, three_orgs

FREQUENCIES = ("year", "quarter", "month")


def _bill(annual: int, year: int, start: date, end: date | None, periods) -> list[int]:
    return [invoicing.fixed_amount(annual, period, start, end)[1] for period in periods
            if invoicing.days_in_force(period, start, end) > 0]


def _mixed(year: int, quarters_as_months: list[bool]):
    """Each quarter billed as a quarter, or as its three months."""
    out = []
    for quarter, as_months in enumerate(quarters_as_months, start=1):
        if as_months:
            out += [invoicing.parse_period(f"{year}-{m:02d}") for m in range(3 * quarter - 2, 3 * quarter + 1)]
        else:
            out.append(invoicing.parse_period(f"{year}-Q{quarter}"))
    return out


@st.composite
def appendices(draw):
    year = draw(st.integers(2000, 2100))
    start = date(year - 1, 1, 1) + timedelta(days=draw(st.integers(0, 365 + 366 + 1)))
    open_ended = draw(st.booleans())
    end = None if open_ended else start + timedelta(days=draw(st.integers(0, 900)))
    return year, start, end


@settings(max_examples=200, deadline=None)
@given(appendices(), st.integers(0, 5_000_000_000), st.lists(st.booleans(), min_size=4, max_size=4))
def test_every_frequency_bills_the_same_year_to_the_ore(case, annual, quarters_as_months):
    year, start, end = case
    expected = round_ore(Fraction(annual) * year_share(year, start, end, date(year, 12, 31)))
    totals = {kind: sum(_bill(annual, year, start, end, invoicing.periods_of_year(year, kind))) for kind in FREQUENCIES}
    totals["mixed"] = sum(_bill(annual, year, start, end, _mixed(year, quarters_as_months)))
    assert totals == dict.fromkeys(totals, expected)
    for period in invoicing.periods_of_year(year, "month"):
        share, amount = invoicing.fixed_amount(annual, period, start, end)
        assert 0 <= amount <= round_ore(Fraction(annual, 12)) + 1 and 0 <= share <= Fraction(1, 12)


def test_the_rule_by_hand():
    q1 = invoicing.parse_period("2025-Q1")
    # a whole quarter is a quarter, a whole month a twelfth
    assert invoicing.fixed_amount(4_000_000, q1, date(2020, 1, 1), None) == (Fraction(1, 4), 1_000_000)
    # from 15 February: 14 of February's 28 days, and March
    assert invoicing.fixed_amount(4_000_000, q1, date(2025, 2, 15), None) == (Fraction(3, 24), 500_000)
    # 100 øre a year billed monthly: 8, 9, 8, 8, 9, 8, ... the remainder carried, 100 in all
    months = [invoicing.fixed_amount(100, p, date(2020, 1, 1), None)[1] for p in invoicing.periods_of_year(2025, "month")]
    assert months == [8, 9, 8, 8, 9, 8, 8, 9, 8, 8, 9, 8] and sum(months) == 100
    # a leap year's February: 29 days share the twelfth
    feb = invoicing.parse_period("2024-02")
    assert invoicing.fixed_amount(1_200_000, feb, date(2024, 2, 15), None) == (Fraction(15, 12 * 29), 51_724)


@pytest.fixture
def svarut_2025(session):
    orgs = three_orgs(session)
    price_list(session, orgs)
    return orgs


def _fixed_total(session, periods) -> int:
    total = 0
    for label in periods:
        preview = invoicing.preview_run(session, FINANCE, {"period": label, "service": "svarut"})
        total += sum(x["amount_ore"] for x in preview.lines if x["kind"] == "fixed")
    return total


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start_day=st.integers(0, 364), length=st.one_of(st.none(), st.integers(0, 400)))
def test_runs_of_every_frequency_bill_an_appendix_the_same(session, svarut_2025, start_day, length):
    start = date(2025, 1, 1) + timedelta(days=start_day)
    end = None if length is None else start + timedelta(days=length)
    savepoint = session.begin_nested()
    try:
        appendix(session, svarut_2025[0], start, end)
        totals = {kind: _fixed_total(session, [p.label for p in invoicing.periods_of_year(2025, kind)])
                  for kind in FREQUENCIES}
        expected = round_ore(Fraction(4_000_000) * year_share(2025, start, end, date(2025, 12, 31)))
        assert totals == dict.fromkeys(FREQUENCIES, expected)
    finally:
        savepoint.rollback()


def test_a_quarter_then_months_bills_the_year(session, svarut_2025):
    appendix(session, svarut_2025[0], date(2025, 2, 15), date(2025, 10, 20))
    invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1", "service": "svarut"})
    q1 = invoicing.approve_run(session, LEADER, {"period": "2025-Q1", "service": "svarut"})
    rest = _fixed_total(session, [f"2025-{m:02d}" for m in range(4, 13)])
    year = round_ore(Fraction(4_000_000) * year_share(2025, date(2025, 2, 15), date(2025, 10, 20), date(2025, 12, 31)))
    assert sum(x.amount_ore for x in q1.lines if x.kind == "fixed") + rest == year == 2_715_054    # (0,5 + 7 + 20/31) twelfths
