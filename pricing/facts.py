"""What pricing tells the leader's overview (KPIS) and the service sheet (SERVICE_FACTS)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Fact, Kpi
from data.formatting import money, number, percent
from data.i18n import t
from data.registers.models import Service
from pricing import digifin
from pricing.models import CostItem, DigifinLoan, PriceCalculation, PriceList
from pricing.pricelists import OPEN_STATUSES, price_history


def price_kpis(session: Session, _actor: Actor, today: date | None = None) -> list[Kpi]:
    year = (today or date.today()).year
    in_force = session.scalar(select(func.count(func.distinct(PriceList.service_id))).where(PriceList.year == year))
    next_year = session.scalar(select(func.count(func.distinct(PriceList.service_id)))
                               .where(PriceList.year == year + 1))
    drafts = session.scalar(select(func.count()).select_from(PriceCalculation)      # drafts and those submitted
                            .where(PriceCalculation.status.in_(OPEN_STATUSES)))
    latest = (select(PriceList.service_id, func.max(PriceList.number).label("number"))
              .where(PriceList.year == year).group_by(PriceList.service_id).subquery())
    self_cost = session.scalar(
        select(func.coalesce(func.sum(PriceCalculation.self_cost_ore), 0))
        .join(PriceList, PriceList.calculation_id == PriceCalculation.id)
        .join(latest, (latest.c.service_id == PriceList.service_id) & (latest.c.number == PriceList.number)))
    budget = session.scalar(select(func.coalesce(func.sum(CostItem.amount_ore), 0)).where(
        CostItem.year == year + 1, CostItem.basis == "budget", CostItem.counts_toward_self_cost.is_(True)))
    outstanding = Decimal(0)
    for loan in session.scalars(select(DigifinLoan)):
        for row in digifin.loan_schedule(loan):
            if row.year == year:
                outstanding += row.closing
    return [
        Kpi(t("price.kpi.lists", year=year), number(in_force), t("price.kpi.lists_help")),
        Kpi(t("price.kpi.lists", year=year + 1), number(next_year), t("price.kpi.next_help")),
        Kpi(t("price.kpi.drafts"), number(drafts), t("price.kpi.drafts_help")),
        Kpi(t("price.kpi.self_cost", year=year), money(int(self_cost))),
        Kpi(t("price.kpi.budget", year=year + 1), money(int(budget)), t("price.kpi.budget_help")),
        Kpi(t("price.kpi.digifin", year=year), money(int(outstanding.quantize(Decimal(1))))),
    ]


def price_facts(session: Session, service_code: str) -> list[Fact]:
    """Price development: the price in force per year and the change in the average bill."""
    service = session.scalar(select(Service).where(Service.code == service_code))
    if service is None:
        return []
    history = price_history(session, service_code)
    if not history:
        return [Fact(t("price.fact.price"), t("price.fact.none"))]
    facts = []
    previous = None
    for row in history[-4:]:
        parts = []
        for comp in row["components"]:
            prices = " / ".join(money(p) for p in comp["tier_prices_ore"])
            per = t(f"price.per.{comp['basis']}")
            parts.append(f"{prices} {per}")
        value = "; ".join(parts)
        if previous and previous["average_bill_ore"]:
            change = Decimal(row["average_bill_ore"] - previous["average_bill_ore"]) / previous["average_bill_ore"]
            value += " – " + t("price.fact.average_change", change=percent(change))
        facts.append(Fact(t("price.fact.price_year", year=row["year"]), value))
        previous = row
    last = history[-1]
    facts.append(Fact(t("price.fact.self_cost", year=last["year"]), money(last["self_cost_ore"])))
    facts.append(Fact(t("price.fact.average_bill", year=last["year"]),
                      t("price.fact.average_bill_value", amount=money(last["average_bill_ore"]),
                        adopters=number(last["adopters"]))))
    return facts
