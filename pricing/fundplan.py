"""Planned use of the self-cost fund in a year's price (FundPlan).

Finance plans, per service and price year, how much of the fund the price gives back (+, lowers the
self-cost) or sets aside (−). The plan is an input to the price calculation (`selfcost.starting_point`),
so it lives below it; the fund's statement (`pricing.invoicing.fund`) shows it beside the balance.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import ensure_version, scalar_or_raise
from data.errors import validate
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
