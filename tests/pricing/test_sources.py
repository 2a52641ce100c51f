"""Adopters from agreements (service appendices) and volumes from metering."""
from datetime import date
from decimal import Decimal

import pytest

from agreements import appendices
from agreements import demo as agreements_demo
from data import demo
from data.errors import BackofficeError
from data.metering import usage as metering
from pricing import selfcost, sources
from tests.conftest import make_actor
from tests.pricing.helpers import simple_cost_base

FINANCE = make_actor("finance")


def test_usage_period_is_the_12_months_before_the_price_year():
    assert sources.usage_period(2026, today=date(2026, 11, 29)) == (date(2025, 1, 1), date(2025, 12, 1))
    # while the year before is still running: the last 12 complete months
    assert sources.usage_period(2027, today=date(2026, 11, 29)) == (date(2025, 11, 1), date(2026, 10, 1))
    assert sources.usage_period(2027, today=date(2027, 1, 10)) == (date(2026, 1, 1), date(2026, 12, 1))


def test_calculation_takes_adopters_from_appendices_and_volume_from_metering(session, system):
    demo.load(session, system, [agreements_demo.load_demo])
    metering.load_default_meters(session, system)
    in_force = appendices.active_appendices(session, "svarut", date(2026, 1, 1))
    assert in_force, "the agreements demo has SvarUt appendices"
    first, second = in_force[0], in_force[1]
    events = [{"specversion": "1.0", "id": f"t-{org.organisation_id}-{month}", "source": "svarut",
               "type": "svarut.shipment", "subject": org.org_number, "time": f"2025-{month:02d}-15T10:00:00Z",
               "data": {"quantity": quantity}}
              for org, quantity in ((first, 100), (second, 250)) for month in (3, 9)]
    metering.ingest_events(session, system, events)
    simple_cost_base(session, FINANCE, year=2026, amount_ore=70_000_000)
    calc = selfcost.calculate_price(session, FINANCE, {
        "service": "svarut", "year": 2026, "volume_growth_percent": "10",
        "model": {"components": [{"basis": "unit", "share": 100}],    # county municipalities pay per letter too
                  "kinds": {"municipality": {"charge": "model"}, "county_municipality": {"charge": "model"}}}})
    assert calc.inputs["volume_source"] == "agreements"
    assert calc.inputs["volume_origin"]["meter"] == "svarut.shipment"
    by_org = {a["org_id"]: Decimal(a["units"]) for a in calc.inputs["adopters"]}
    assert set(by_org) == {a.organisation_id for a in in_force}
    assert by_org[first.organisation_id] == 220 and by_org[second.organisation_id] == 550   # × 1.10
    # 700 000 kr / 770 units
    assert calc.result["components"][0]["tier_prices_ore"] == [round(70_000_000 / 770)]


def test_without_any_appendix_the_error_says_so(session):
    simple_cost_base(session, FINANCE, year=2026)
    with pytest.raises(BackofficeError, match="tjenestevedlegg"):
        selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2026,
                                                    "model": {"components": [{"basis": "organisation", "share": 100}]}})
