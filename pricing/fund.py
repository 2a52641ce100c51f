"""The self-cost fund (selvkostfond) per service.

Each complete year's result from the product accounts moves the fund:
- interest on the balance: (opening balance + closing balance before interest) / 2 × the year's imputed
  rate (5-year swap + 0.5 points, `capital.rate_for`), rounded half-up to øre; a negative balance (a
  deficit to recover) carries interest too;
- a surplus (result + interest > 0) first covers the oldest deficits still open, the rest is set aside;
- a deficit first draws on the oldest surpluses still open, the rest is carried as a deficit to recover.
Each year's surplus must be used, and each deficit recovered, by the end of the fifth year after
(2024 → 31.12.2029). The finance adviser is warned from a year before that date; past it, what is left
is overdue. Planned use of the fund for a year (`FundPlan`) flows into that year's price calculation
(`selfcost.starting_point`), where it lowers the self-cost.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Actor
from data.audit import ensure_version
from data.errors import NotFound, validate
from data.i18n import t
from data.registers import Service, get_service
from pricing import accounts, capital
from pricing.invoicing_models import FundPlan

YEARS_TO_USE = 5


@dataclass
class Layer:
    year: int
    original_ore: int                 # + surplus set aside, − deficit to recover
    remaining_ore: int

    @property
    def deadline(self) -> date:
        return date(self.year + YEARS_TO_USE, 12, 31)

    @property
    def used_ore(self) -> int:
        return self.original_ore - self.remaining_ore

    def status(self, today: date) -> str:
        if self.remaining_ore == 0:
            return "settled"
        if today > self.deadline:
            return "overdue"
        if today >= date(self.deadline.year - 1, 12, 31):
            return "expiring"
        return "open"


@dataclass
class FundYear:
    year: int
    opening_ore: int
    result_ore: int
    rate_percent: Decimal | None
    interest_ore: int
    closing_ore: int
    set_aside_ore: int = 0            # new surplus put in the fund
    drawn_ore: int = 0                # surplus used to cover this year's deficit
    recovered_ore: int = 0            # earlier deficits covered by this year's surplus
    new_deficit_ore: int = 0          # deficit carried forward to recover


@dataclass
class FundStatement:
    service: str
    years: list[FundYear]
    layers: list[Layer]
    today: date
    warnings: list[str] = field(default_factory=list)

    @property
    def balance_ore(self) -> int:
        return self.years[-1].closing_ore if self.years else 0

    def expiring(self) -> list[Layer]:
        return [x for x in self.layers if x.status(self.today) in ("expiring", "overdue")]

    def must_use_by(self, year: int) -> int:
        """Surplus that must be used in `year` at the latest (set aside in year − 5 or earlier)."""
        return sum(x.remaining_ore for x in self.layers if x.remaining_ore > 0 and x.deadline.year <= year)

    def must_recover_by(self, year: int) -> int:
        return -sum(x.remaining_ore for x in self.layers if x.remaining_ore < 0 and x.deadline.year <= year)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def build(results: list[tuple[int, int, Decimal | None]], today: date, service: str = "") -> FundStatement:
    """The fund from (year, result in øre, imputed rate in percent or None) per year, oldest first (pure)."""
    layers: list[Layer] = []
    years: list[FundYear] = []
    balance = 0
    for year, result, rate in sorted(results):
        before_interest = balance + result
        interest = _round(Decimal(balance + before_interest) / 2 * Decimal(rate) / 100) if rate is not None else 0
        movement = result + interest
        row = FundYear(year, balance, result, rate, interest, balance + movement)
        if movement > 0:
            for layer in layers:                  # oldest deficits first
                if movement == 0:
                    break
                if layer.remaining_ore < 0:
                    take = min(movement, -layer.remaining_ore)
                    layer.remaining_ore += take
                    movement -= take
                    row.recovered_ore += take
            if movement:
                layers.append(Layer(year, movement, movement))
                row.set_aside_ore = movement
        elif movement < 0:
            need = -movement
            for layer in layers:                  # oldest surpluses first
                if need == 0:
                    break
                if layer.remaining_ore > 0:
                    take = min(need, layer.remaining_ore)
                    layer.remaining_ore -= take
                    need -= take
                    row.drawn_ore += take
            if need:
                layers.append(Layer(year, -need, -need))
                row.new_deficit_ore = need
        balance = row.closing_ore
        years.append(row)
    return FundStatement(service, years, layers, today)


def statement(session: Session, service_code: str, today: date | None = None,
              through_year: int | None = None) -> FundStatement:
    """The service's fund from its product accounts, every complete year up to `through_year`
    (default: the year before today's)."""
    today = today or date.today()
    last = through_year if through_year is not None else today.year - 1
    get_service(session, service_code)
    years = [y for y in accounts.years_with_accounts(session) if y <= last]
    results, warnings = [], []
    for year in years:
        acct = accounts.account(session, service_code, year)
        if not acct.lines and not acct.cost_ore:
            continue
        rate = capital.rate_for(session, year)
        if rate is None:
            warnings.append(t("fund.rate_missing", year=year))
        results.append((year, acct.result_ore, rate))
    out = build(results, today, service_code)
    out.warnings = warnings
    for layer in out.expiring():
        key = "fund.warn_surplus" if layer.remaining_ore > 0 else "fund.warn_deficit"
        if layer.status(today) == "overdue":
            key += "_overdue"
        out.warnings.append(t(key, service=service_code, year=layer.year, amount=abs(layer.remaining_ore) / 100,
                              deadline=layer.deadline.strftime("%d.%m.%Y")))
    return out


# --- planned use --------------------------------------------------------------------------------------


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


def set_plan(session: Session, actor: Actor, payload, expected_version: int | None = None) -> FundPlan:
    actor.require("pricing.write")
    data = validate(FundPlanIn, payload)
    service = get_service(session, data.service)
    plan = session.scalar(select(FundPlan).where(FundPlan.service_id == service.id, FundPlan.year == data.year))
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
    plan = session.scalar(select(FundPlan).where(FundPlan.service_id == service.id, FundPlan.year == year))
    if plan is None:
        raise NotFound(t("fund.plan_not_found", service=service.name, year=year))
    session.delete(plan)
    session.flush()


def plan_rows(session: Session) -> list[dict]:
    return [{"service": code, "year": p.year, "amount_ore": p.amount_ore, "note": p.note, "version": p.version}
            for p, code in session.execute(select(FundPlan, Service.code).join(Service, Service.id == FundPlan.service_id)
                                           .order_by(FundPlan.year.desc(), Service.code))]


def overview(session: Session, today: date | None = None) -> list[dict]:
    """Per service: balance, what must be used next year, planned use, expiring layers."""
    today = today or date.today()
    out = []
    for code in accounts.services_with_accounts(session):
        fund = statement(session, code, today)
        if not fund.years:
            continue
        next_year = today.year + 1
        out.append({"service": code, "balance_ore": fund.balance_ore,
                    "must_use_ore": fund.must_use_by(next_year), "must_recover_ore": fund.must_recover_by(next_year),
                    "planned_next_ore": planned_use(session, code, next_year),
                    "expiring": len(fund.expiring()), "warnings": fund.warnings})
    return out


# --- overview KPIs and the service sheet -----------------------------------------------------------------


def economy_kpis(session: Session, _actor: Actor, today: date | None = None) -> list:
    """Last complete year's result and coverage per service, fund balances and what expires within a year."""
    from data.appspec import Kpi
    from data.formatting import money, percent

    today = today or date.today()
    year = today.year - 1
    out = []
    total_balance, expiring = 0, 0
    for code in accounts.services_with_accounts(session):
        acct = accounts.account(session, code, year)
        if acct.lines or acct.cost_ore:
            out.append(Kpi(t("fund.kpi.result", service=acct.service_name, year=year), money(acct.result_ore),
                           t("fund.kpi.result_help", revenue=money(acct.revenue_ore), cost=money(acct.cost_ore),
                             coverage=percent(acct.coverage) if acct.coverage is not None else "–")))
        fund = statement(session, code, today)
        total_balance += fund.balance_ore
        expiring += sum(abs(x.remaining_ore) for x in fund.expiring())
    if out:
        out.append(Kpi(t("fund.kpi.balance"), money(total_balance), t("fund.kpi.balance_help")))
        out.append(Kpi(t("fund.kpi.expiring"), money(expiring), t("fund.kpi.expiring_help")))
    return out


def fund_facts(session: Session, service_code: str) -> list:
    """The service's product accounts (last complete year) and self-cost fund, for the service sheet."""
    from data.appspec import Fact
    from data.formatting import money, percent

    if session.scalar(select(Service.id).where(Service.code == service_code)) is None:
        return []
    today = date.today()
    acct = accounts.account(session, service_code, today.year - 1)
    if not acct.lines and not acct.cost_ore:
        return [Fact(t("fund.fact.accounts", year=today.year - 1), t("fund.fact.none"))]
    facts = [Fact(t("fund.fact.accounts", year=acct.year),
                  t("fund.fact.accounts_value", revenue=money(acct.revenue_ore), cost=money(acct.cost_ore),
                    result=money(acct.result_ore),
                    coverage=percent(acct.coverage) if acct.coverage is not None else "–"))]
    fund = statement(session, service_code, today)
    if fund.years:
        facts.append(Fact(t("fund.fact.balance"), money(fund.balance_ore)))
        for layer in fund.expiring():
            facts.append(Fact(t("fund.fact.expiring", year=layer.year),
                              t("fund.fact.expiring_value", amount=money(abs(layer.remaining_ore)),
                                deadline=layer.deadline.strftime("%d.%m.%Y"))))
    return facts
