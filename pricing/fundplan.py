"""Planned use of the self-cost fund in a year's price (FundPlan).

Finance plans, per service and price year, how much of the fund the price gives back (+, lowers the
self-cost) or sets aside (−). The plan is an input to the price calculation (`selfcost.starting_point`),
so it lives below it; the fund's statement (`pricing.invoicing.fund`) shows it beside the balance.
"""
from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import ensure_version, scalar_or_raise
from data.errors import validate
from data.formatting import money
from data.i18n import t
from data.registers.models import Service
from data.registers.registry import get_service
from pricing.models import FundPlan


class FundPlanIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    service: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    amount_ore: int                     # + use of the fund (lowers the price), − setting aside
    note: str = Field(default="", max_length=2000)


# The fund room (pricing.invoicing.fund.due_in_price) hands its reader in at bootstrap (CHECKS): the
# calculation sits below the fund and may not import it.
_DUE_READERS: list[Callable[[Session, str, int], list[dict]]] = []


def register_fund_due(reader: Callable[[Session, str, int], list[dict]]) -> None:
    if reader not in _DUE_READERS:
        _DUE_READERS.append(reader)


def fund_due(session: Session, service_code: str, year: int) -> list[dict]:
    """Fund layers whose deadline falls in the price year (or has passed): what that year's price must
    give back (+) or recover (−), as {"year", "amount_ore", "deadline"}; empty without the fund room."""
    return [row for reader in _DUE_READERS for row in reader(session, service_code, year)]


def due_warnings(inputs: dict) -> list[str]:
    """Plain-language warnings for a calculation's stored inputs: the fund's surplus that must be used
    (or deficit recovered) in this year's price, against the fund use the calculation plans."""
    due = inputs.get("fund_due") or []
    surplus = sum(row["amount_ore"] for row in due if row["amount_ore"] > 0)
    deficit = -sum(row["amount_ore"] for row in due if row["amount_ore"] < 0)
    out = []
    if surplus:
        years = ", ".join(str(row["year"]) for row in due if row["amount_ore"] > 0)
        out.append(t("fund.due_surplus", year=inputs["year"], amount=money(surplus), years=years,
                     planned=money(max(int(inputs.get("fund_use_ore") or 0), 0))))
    if deficit:
        years = ", ".join(str(row["year"]) for row in due if row["amount_ore"] < 0)
        out.append(t("fund.due_deficit", year=inputs["year"], amount=money(deficit), years=years,
                     planned=money(max(-int(inputs.get("fund_use_ore") or 0), 0))))
    return out


def planned_use(session: Session, service_code: str, year: int) -> int | None:
    """The fund use finance planned for a service's price in `year` (øre), or None."""
    return session.scalar(select(FundPlan.amount_ore).join(Service, Service.id == FundPlan.service_id)
                          .where(Service.code == service_code, FundPlan.year == year))


def _plan(service_id: int, year: int):
    return select(FundPlan).where(FundPlan.service_id == service_id, FundPlan.year == year)


def set_plan(session: Session, actor: Actor, payload, expected_version: int | None = None) -> FundPlan:
    actor.require("pricing.write")
    data = validate(FundPlanIn, payload)
    service = get_service(session, data.service)
    plan = session.scalar(_plan(service.id, data.year))
    if plan is None:
        plan = FundPlan(service_id=service.id, year=data.year)
        session.add(plan)
    else:
        ensure_version(plan, expected_version, t("fund.plan_label", service=service.name, year=data.year))
    plan.amount_ore, plan.note = data.amount_ore, data.note
    session.flush()
    return plan


def delete_plan(session: Session, actor: Actor, service_code: str, year: int) -> None:
    actor.require("pricing.write")
    service = get_service(session, service_code)
    plan = scalar_or_raise(session, _plan(service.id, year), "fund.plan_not_found", service=service.name, year=year)
    session.delete(plan)
    session.flush()


def plan_rows(session: Session) -> list[dict]:
    return [{"service": code, "year": p.year, "amount_ore": p.amount_ore, "note": p.note, "version": p.version}
            for p, code in session.execute(select(FundPlan, Service.code).join(Service, Service.id == FundPlan.service_id)
                                           .order_by(FundPlan.year.desc(), Service.code))]
