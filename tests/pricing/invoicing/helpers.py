"""Hand-made cases for invoicing, accounts and the fund: three municipalities, SvarUt priced
40 000 kr a year per organisation plus 20 kr per shipment (2025)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data.registers.models import Organisation
from data.registers.registry import get_service
from pricing import pricelists, selfcost
from tests.conftest import make_actor

FINANCE = make_actor("finance")
LEADER = make_actor("leader")
MODEL = {"components": [{"basis": "organisation", "share": 50}, {"basis": "unit", "share": 50}]}


def three_orgs(session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.kind == "municipality",
                                                           Organisation.valid_to.is_(None))
                                .order_by(Organisation.municipality_number).limit(3)))


def price_list(session, orgs, year=2025, service="svarut", cost_ore=24_000_000):
    """Self-cost 240 000 kr: half over 3 organisations (40 000 kr each), half over 6 000 units (20 kr)."""
    from pricing import costbase

    costbase.save_cost_item(session, FINANCE, {"year": year, "service": service, "cost_type": "operations",
                                               "description": "Drift", "amount_ore": cost_ore})
    calc = selfcost.calculate_price(session, FINANCE, {
        "service": service, "year": year, "model": MODEL,
        "adopters": [{"org_id": o.id, "organisation": o.name, "units": u} for o, u in zip(orgs, (1000, 2000, 3000), strict=True)]})
    pricelists.approve(session, LEADER, {"calculation_id": calc.id})
    return pricelists.approved_price(session, service, year)


def appendix(session, org, start, end=None, service="svarut", version="1.0"):
    appendices = pytest.importorskip("agreements.models")
    row = appendices.ServiceAppendix(organisation_id=org.id, service_id=get_service(session, service).id,
                                     appendix_version=version, status="signed" if end is None else "terminated",
                                     signed_date=start, start_date=start, end_date=end)
    session.add(row)
    session.flush()
    return row


def usage(session, system, org, month: date, quantity: int, meter="svarut.shipment", tag="a"):
    metering = pytest.importorskip("data.metering.usage")
    if not metering.list_meters(session):
        metering.load_default_meters(session, system)
    metering.ingest_events(session, system, [{
        "specversion": "1.0", "id": f"{tag}-{org.id}-{month.isoformat()}-{quantity}", "source": "test",
        "type": meter, "subject": org.municipality_number, "time": f"{month.isoformat()}T10:00:00Z",
        "data": {"quantity": quantity}}])
