"""Product accounts (produktregnskap) per service and year.

- Revenue: every approved invoice line of the service whose billed period lies in the year (regular,
  rebill, late-usage corrections and credits, so a credit lowers the year it credits).
- Costs, each rounded to øre once: direct costs (cost items of the service that count toward the
  self-cost), allocated shared costs (`costbase.allocation_for`), capital costs (depreciation +
  imputed interest, `capital.capital_lines`) and Digifin repayments. Basis: the year's actual costs
  when any are recorded, otherwise its budget (shown as such).
- Result = revenue − cost; coverage ratio = revenue / cost.
- Budget: the approved price calculation's expected revenue and its self-cost inputs on budget basis.
- By month: revenue spread over the days each line bills; cost as a twelfth of the year.
"""
from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.errors import BackofficeError
from data.i18n import t
from data.registers.models import Service
from data.registers.registry import get_service
from pricing import capital, costbase, digifin, pricelists
from pricing.invoicing.models import InvoiceLine
from pricing.models import CostItem, PriceCalculation
from pricing.tariffs import round_ore


@dataclass
class Costs:
    direct_ore: int = 0
    allocated_ore: int = 0
    capital_ore: int = 0
    digifin_ore: int = 0

    @property
    def total_ore(self) -> int:
        return self.direct_ore + self.allocated_ore + self.capital_ore + self.digifin_ore


@dataclass
class Account:
    service: str
    service_name: str
    year: int
    revenue_ore: int
    lines: int
    basis: str                   # "actual" or "budget": which costs the result uses
    costs: Costs
    budget_revenue_ore: int | None
    budget: Costs
    warnings: list[str] = field(default_factory=list)

    @property
    def cost_ore(self) -> int:
        return self.costs.total_ore

    @property
    def result_ore(self) -> int:
        return self.revenue_ore - self.cost_ore

    @property
    def coverage(self) -> Decimal | None:
        return None if not self.cost_ore else Decimal(self.revenue_ore) / Decimal(self.cost_ore)

    @property
    def budget_result_ore(self) -> int | None:
        return None if self.budget_revenue_ore is None else self.budget_revenue_ore - self.budget.total_ore

    def as_row(self) -> dict:
        return {"service": self.service, "service_name": self.service_name, "year": self.year,
                "revenue_ore": self.revenue_ore, "direct_ore": self.costs.direct_ore,
                "allocated_ore": self.costs.allocated_ore, "capital_ore": self.costs.capital_ore,
                "digifin_ore": self.costs.digifin_ore, "cost_ore": self.cost_ore, "result_ore": self.result_ore,
                "coverage": self.coverage, "basis": self.basis, "lines": self.lines,
                "budget_revenue_ore": self.budget_revenue_ore, "budget_cost_ore": self.budget.total_ore,
                "budget_result_ore": self.budget_result_ore, "budget": asdict(self.budget),
                "warnings": list(self.warnings)}


def revenue(session: Session, service_id: int, year: int) -> tuple[int, int]:
    total, count = session.execute(select(func.coalesce(func.sum(InvoiceLine.amount_ore), 0), func.count())
                                   .where(InvoiceLine.service_id == service_id, InvoiceLine.year == year)).one()
    return int(total), int(count)


def costs(session: Session, service: Service, year: int, basis: str, warnings: list[str] | None = None) -> Costs:
    direct = session.scalar(select(func.coalesce(func.sum(CostItem.amount_ore), 0)).where(
        CostItem.service_id == service.id, CostItem.year == year, CostItem.basis == basis,
        CostItem.counts_toward_self_cost.is_(True)))
    allocated = sum((x.allocated for x in costbase.allocation_for(session, service.id, year, basis)), Decimal(0))
    try:
        capital_total = sum((x.total for x in capital.capital_lines(session, service.id, year) if x.counts), Decimal(0))
    except BackofficeError as error:
        capital_total = Decimal(0)
        if warnings is not None:
            warnings.append(error.message)
    loans = sum((amount for _name, amount in digifin.payment_in_year(session, service.id, year)), Decimal(0))
    return Costs(int(direct), round_ore(allocated), round_ore(capital_total), round_ore(loans))


def has_actuals(session: Session, year: int) -> bool:
    return bool(session.scalar(select(func.count()).select_from(CostItem)
                               .where(CostItem.year == year, CostItem.basis == "actual")))


def budget_revenue(session: Session, code: str, year: int) -> int | None:
    price = pricelists.approved_price(session, code, year)
    if price is None:
        return None
    return session.get(PriceCalculation, price.calculation_id).expected_revenue_ore


def account(session: Session, service_code: str, year: int) -> Account:
    service = get_service(session, service_code)
    warnings: list[str] = []
    basis = "actual" if has_actuals(session, year) else "budget"
    if basis == "budget":
        warnings.append(t("acct.budget_basis", year=year))
    income, count = revenue(session, service.id, year)
    actual = costs(session, service, year, basis, warnings)
    budget = actual if basis == "budget" else costs(session, service, year, "budget")
    return Account(service.code, service.name, year, income, count, basis, actual,
                   budget_revenue(session, service.code, year), budget, warnings)


def services_with_accounts(session: Session) -> list[str]:
    """Services that have invoice lines or cost items of their own."""
    billed = select(InvoiceLine.service_id).distinct()
    costed = select(CostItem.service_id).where(CostItem.service_id.is_not(None)).distinct()
    return list(session.scalars(select(Service.code).where(Service.id.in_(billed) | Service.id.in_(costed))
                                .order_by(Service.code)))


def years_with_accounts(session: Session) -> list[int]:
    billed = set(session.scalars(select(InvoiceLine.year).distinct()))
    return sorted(billed | set(costbase.years_with_costs(session)))


def accounts_for_year(session: Session, year: int, services: list[str] | None = None) -> list[Account]:
    return [account(session, code, year) for code in (services or services_with_accounts(session))]


def history(session: Session, service_code: str, years: list[int] | None = None) -> list[Account]:
    years = years or years_with_accounts(session)
    return [account(session, service_code, year) for year in years]


def _spread(amount: int, start: date, end: date, year: int) -> dict[int, Decimal]:
    """The part of `amount` billed for each month of `year` (by days)."""
    days = (end - start).days + 1
    out: dict[int, Decimal] = {}
    for month in range(1, 13):
        first = max(start, date(year, month, 1))
        last = min(end, date(year, month, calendar.monthrange(year, month)[1]))
        if last >= first:
            out[month] = Decimal(amount) * ((last - first).days + 1) / days
    return out


def by_month(session: Session, service_code: str, year: int) -> list[dict]:
    """Revenue per month (each line spread over the days it bills, rounded so the months add up to the
    year), cost as a twelfth of the year's cost, and the running result."""
    service = get_service(session, service_code)
    rows = session.execute(select(InvoiceLine.billed_from, InvoiceLine.billed_to, func.sum(InvoiceLine.amount_ore))
                           .where(InvoiceLine.service_id == service.id, InvoiceLine.year == year)
                           .group_by(InvoiceLine.billed_from, InvoiceLine.billed_to))
    exact = {m: Decimal(0) for m in range(1, 13)}
    for start, end, amount in rows:
        for month, part in _spread(int(amount), start, end, year).items():
            exact[month] += part
    income = _largest_remainder(exact)
    cost_total = account(session, service_code, year).cost_ore
    cost = _largest_remainder({m: Decimal(cost_total) / 12 for m in range(1, 13)})
    out, running = [], 0
    for month in range(1, 13):
        running += income[month] - cost[month]
        out.append({"month": date(year, month, 1), "revenue_ore": income[month], "cost_ore": cost[month],
                    "result_ore": income[month] - cost[month], "cumulative_result_ore": running})
    return out


def _largest_remainder(exact: dict[int, Decimal]) -> dict[int, int]:
    """Whole øre per key that add up to the rounded total (largest remainders get the extra øre)."""
    total = round_ore(sum(exact.values(), Decimal(0)))
    floors = {k: int(v.to_integral_value(rounding="ROUND_FLOOR")) for k, v in exact.items()}
    rest = total - sum(floors.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[:max(0, rest)]:
        floors[k] += 1
    return floors


def revenue_lines(session: Session, service_code: str, year: int) -> list[dict]:
    """Revenue per organisation for the year (every number traceable to invoice lines)."""
    service = get_service(session, service_code)
    rows = session.execute(
        select(InvoiceLine.organisation_id, InvoiceLine.org_number, InvoiceLine.organisation_name,
               func.sum(InvoiceLine.amount_ore), func.count())
        .where(InvoiceLine.service_id == service.id, InvoiceLine.year == year)
        .group_by(InvoiceLine.organisation_id, InvoiceLine.org_number, InvoiceLine.organisation_name)
        .order_by(InvoiceLine.organisation_name))
    return [{"organisation_id": r[0], "org_number": r[1], "organisation": r[2], "amount_ore": int(r[3]),
             "lines": int(r[4])} for r in rows]
