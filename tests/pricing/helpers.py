"""Small, hand-checkable pricing fixtures shared by the pricing tests."""
from __future__ import annotations

from decimal import Decimal

from data.registers.models import Organisation
from data.registers.registry import get_service
from pricing import capital, costbase


def orgs(session, *populations: int) -> list[Organisation]:
    """Three (or more) municipalities from the reference data, with populations set for the test."""
    from sqlalchemy import select

    rows = list(session.scalars(select(Organisation).where(Organisation.kind == "municipality")
                                .order_by(Organisation.municipality_number).limit(len(populations))))
    for org, population in zip(rows, populations, strict=True):
        org.population = population
        org.org_number = None
    session.flush()
    return rows


def adopters(rows, units=None) -> list[dict]:
    units = units or [0] * len(rows)
    return [{"organisation": o.name, "units": u} for o, u in zip(rows, units, strict=True)]


def simple_cost_base(session, actor, year=2025, service="svarut", amount_ore=62_500_000):
    """One direct, counted cost of `amount_ore` for the service."""
    costbase.save_cost_item(session, actor, {"year": year, "service": service, "cost_type": "operations",
                                             "description": "Drift", "amount_ore": amount_ore})


def service_id(session, code="svarut") -> int:
    return get_service(session, code).id


def rate(session, actor, year, swap):
    capital.set_rate(session, actor, {"year": year, "swap_rate": Decimal(swap)})
