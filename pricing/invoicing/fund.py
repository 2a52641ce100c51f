"""The self-cost fund (selvkostfond) per service.

Each complete year's result from the product accounts moves the fund:
- interest on the balance: (opening balance + closing balance before interest) / 2 × the year's imputed
  rate (5-year swap + 0.5 points, `capital.rate_for`), rounded half-up to øre; a negative balance (a
  deficit to recover) carries interest too;
- a surplus (result + interest > 0) first covers the oldest deficits still open, the rest is set aside;
- a deficit first draws on the oldest surpluses still open, the rest is carried as a deficit to recover.
Each year's surplus must be used, and each deficit recovered, at the latest in the fifth year after it
arose (the self-cost regulation, FOR-2019-12-11-1731, as the ministry's guide H-2465 explains it: a
surplus set aside in 2024 is used by 31.12.2029). The finance adviser is warned from 1 January of the
year before that year (1.1.2028), when next year's price is set, and the price calculation for the
deadline year shows the amount its price must give back or recover (`due_in_price`, handed to
`pricing.fundplan` at bootstrap); past the deadline, what is left is overdue. Planned use of the fund for
a year (`pricing.fundplan`) flows into that year's price calculation (`selfcost.starting_point`), where
it lowers the self-cost.

Year-end (årsavslutning): once finance closes a year (`close_fund_year`), that year's figures and the
layers after it are stored (`FundYearEnd`) and `statement` shows them as they were closed; only the
open years after the last closed year are computed, starting from its closing balance and layers.
A later correction to a closed year's accounts goes into the first open year (`correction_ore`), see
`statement`. Only the latest closed year can be reopened, with a reason (`reopen_fund_year`).

Two users closing (or reopening) at the same moment: both take the service's lock before they read the
closed years (PostgreSQL: the service row; SQLite: the write lock), so the second sees the first's work
and is refused plainly, naming who. The database keeps the rule itself: one row per service and year
that is not reopened (a partial unique index); a writer that took no lock gets the same plain refusal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Fact, Kpi
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.formatting import day, money, percent
from data.i18n import t
from data.locking import lock, refusing_duplicates, unique_key
from data.registers.changes import PlanItem
from data.registers.models import Service
from data.registers.registry import get_service
from pricing import capital
from pricing.fundplan import planned_use
from pricing.invoicing import accounts
from pricing.invoicing.models import FundYearEnd, InvoiceLine
from pricing.tariffs import round_ore

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
        if today >= self.warn_from:
            return "expiring"
        return "open"

    @property
    def warn_from(self) -> date:
        """1 January of the year before the deadline year: when next year's price, the last that can
        use the surplus (or recover the deficit), is set."""
        return date(self.deadline.year - 1, 1, 1)


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
    correction_ore: int = 0           # later corrections to closed years' results, booked in this year
    closed_at: datetime | None = None   # set when the year is closed (stored figures)
    closed_by: str | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def year_end_text(self) -> str:
        """«Lukket 01.02.2026 av finance» for a closed year, «Åpen» for an open one."""
        if self.closed:
            return t("fund.closed_value", date=day(self.closed_at), user=self.closed_by)
        return t("fund.open_value")


@dataclass
class FundStatement:
    service: str
    years: list[FundYear]
    layers: list[Layer]
    today: date
    warnings: list[str] = field(default_factory=list)
    pending_correction_ore: int = 0   # correction to closed years with no open year yet to carry it

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


def build(results: list[tuple[int, int, Decimal | None]], today: date, service: str = "", *,
          opening_ore: int = 0, layers: list[Layer] | None = None, correction_ore: int = 0) -> FundStatement:
    """The fund from (year, result in øre, imputed rate in percent or None) per year, oldest first (pure).

    `opening_ore` and `layers` continue a fund from a closed year; `correction_ore` (corrections to
    closed years) is added to the first year's result and moves the fund like it.
    """
    layers = list(layers or [])
    years: list[FundYear] = []
    balance = opening_ore
    for index, (year, result, rate) in enumerate(sorted(results)):
        correction = correction_ore if index == 0 else 0
        before_interest = balance + result + correction
        interest = round_ore(Decimal(balance + before_interest) / 2 * Decimal(rate) / 100) if rate is not None else 0
        movement = result + correction + interest
        row = FundYear(year, balance, result, rate, interest, balance + movement, correction_ore=correction)
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


def _figures(session: Session, service_code: str, last: int) -> list[tuple[int, int]]:
    """(year, result in øre) for every year up to `last` in which the service has invoicing or costs."""
    out = []
    for year in accounts.years_with_accounts(session):
        if year > last:
            break
        acct = accounts.account(session, service_code, year)
        if acct.lines or acct.cost_ore:
            out.append((year, acct.result_ore))
    return out


# The figures of a FundYear that a closed year stores (FundYearEnd has a column of each name).
_STORED_FIGURES = ("opening_ore", "result_ore", "rate_percent", "interest_ore", "closing_ore", "set_aside_ore",
                   "drawn_ore", "recovered_ore", "new_deficit_ore", "correction_ore")


def _closed_year(row: FundYearEnd) -> FundYear:
    return FundYear(year=row.year, closed_at=row.closed_at, closed_by=row.closed_by,
                    **{name: getattr(row, name) for name in _STORED_FIGURES})


def closed_years(session: Session, service_id: int) -> list[FundYearEnd]:
    """The service's closed (not reopened) fund years, oldest first."""
    return list(session.scalars(select(FundYearEnd).where(FundYearEnd.service_id == service_id,
                                                         FundYearEnd.reopened_at.is_(None))
                                .order_by(FundYearEnd.year)))


def statement(session: Session, service_code: str, today: date | None = None,
              through_year: int | None = None) -> FundStatement:
    """The service's fund, every complete year up to `through_year` (default: the year before today's).

    Closed years are shown exactly as they were closed (stored figures, never recomputed). The open
    years after the last closed year are computed from the product accounts, starting from its stored
    closing balance and layers.

    Corrections: when the accounts of a closed year (or of an earlier year without a closing of its
    own) change after the closing, the difference between today's results of all years up to the last
    closed year and what the closed years booked (result + correction) is carried into the first open
    year, as that year's `correction_ore`: it moves the fund and earns interest like the year's own
    result, and is stored with that year when it is closed. With no open year with figures yet, it is
    `pending_correction_ore` and a warning says so.
    """
    today = today or date.today()
    last = through_year if through_year is not None else today.year - 1
    service = get_service(session, service_code)
    closed = closed_years(session, service.id)
    shown = [row for row in closed if row.year <= last]
    boundary = shown[-1].year if shown else None
    figures = _figures(session, service_code, last)
    results, warnings = [], []
    for year, result in figures:
        if boundary is not None and year <= boundary:
            continue
        rate = capital.rate_for(session, year)
        if rate is None:
            warnings.append(t("fund.rate_missing", year=year))
        results.append((year, result, rate))
    correction = 0
    if shown and len(shown) == len(closed):     # (a view cut before the last closed year carries nothing)
        correction = (sum(result for year, result in figures if year <= boundary)
                      - sum(row.result_ore + row.correction_ore for row in shown))
    opening = shown[-1].closing_ore if shown else 0
    layers = [Layer(x["year"], x["original_ore"], x["remaining_ore"]) for x in shown[-1].layers] if shown else []
    out = build(results, today, service_code, opening_ore=opening, layers=layers, correction_ore=correction)
    out.years = [_closed_year(row) for row in shown] + out.years
    out.warnings = warnings
    if correction and results:
        out.warnings.append(t("fund.correction_carried", service=service_code, closed=boundary,
                              amount=money(correction), year=results[0][0]))
    elif correction:
        out.pending_correction_ore = correction
        out.warnings.append(t("fund.correction_pending", service=service_code, closed=boundary,
                              amount=money(correction)))
    for layer in out.expiring():
        key = "fund.warn_surplus" if layer.remaining_ore > 0 else "fund.warn_deficit"
        if layer.status(today) == "overdue":
            key += "_overdue"
        out.warnings.append(t(key, service=service_code, year=layer.year, amount=abs(layer.remaining_ore) / 100,
                              deadline=layer.deadline.strftime("%d.%m.%Y")))
    return out


def due_in_price(session: Session, service_code: str, year: int, today: date | None = None) -> list[dict]:
    """What the price of `year` must give back or recover because its deadline falls in `year` (or has
    passed): per fund layer {"year", "amount_ore" (+ surplus to use, − deficit to recover), "deadline"},
    read from the fund as it stands `today` (the complete years before it). Empty before the warning
    starts (1 January of the year before the deadline year), so a calculation made early shows nothing."""
    today = today or date.today()
    fund = statement(session, service_code, today)
    return [{"year": x.year, "amount_ore": x.remaining_ore, "deadline": x.deadline.isoformat()}
            for x in fund.layers if x.remaining_ore and x.deadline.year <= year and today >= x.warn_from]


# --- year-end (årsavslutning) ---------------------------------------------------------------------------

REOPEN_FIELDS = frozenset({"reopened_at", "reopened_by", "reopen_reason"})


class FundYearIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    service: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    reason: str = Field(default="", max_length=2000)


CLOSED_ONCE = unique_key(FundYearEnd, "uq_pricing_fund_year_end_closed")


def _lock(session: Session, service: Service) -> None:
    """Serialise closing and reopening per service, before the closed years are read (PostgreSQL: the
    service's row; SQLite: the database's write lock)."""
    lock(session, select(Service.id).where(Service.id == service.id))


def _closed_already(session: Session, service: Service, year: int) -> BackofficeError:
    closed_by = session.scalar(select(FundYearEnd.closed_by).where(
        FundYearEnd.service_id == service.id, FundYearEnd.year == year, FundYearEnd.reopened_at.is_(None)))
    return BackofficeError(t("fund.close_already", service=service.name, year=year, who=closed_by or "-"))


def next_year_to_close(session: Session, service_code: str, today: date | None = None) -> int | None:
    """The one year finance can close next: the first ended year with figures after the last closed."""
    today = today or date.today()
    service = get_service(session, service_code)
    closed = closed_years(session, service.id)
    after = closed[-1].year if closed else None
    for year, _result in _figures(session, service_code, today.year - 1):
        if after is None or year > after:
            return year
    return None


def close_fund_year(session: Session, actor: Actor, service_code: str, year: int,
                    today: date | None = None) -> FundYearEnd:
    """Close (lock) the service's fund for `year`: store the year's figures and the layers after it.

    Only an ended year with figures, and only in order: every earlier year with figures must be closed.
    """
    actor.require("pricing.write")
    data = validate(FundYearIn, {"service": service_code, "year": year})
    today = today or date.today()
    service = get_service(session, data.service)
    _lock(session, service)
    if data.year >= today.year:
        raise BackofficeError(t("fund.close_not_ended", service=service.name, year=data.year))
    closed = closed_years(session, service.id)
    if any(row.year == data.year for row in closed):
        raise _closed_already(session, service, data.year)
    if closed and data.year < closed[-1].year:
        raise BackofficeError(t("fund.close_before_closed", service=service.name, year=data.year,
                                closed=closed[-1].year))
    figures = [y for y, _r in _figures(session, data.service, data.year)]
    if data.year not in figures:
        raise BackofficeError(t("fund.close_no_figures", service=service.name, year=data.year))
    after = closed[-1].year if closed else None
    earlier = [y for y in figures if y < data.year and (after is None or y > after)]
    if earlier:
        raise BackofficeError(t("fund.close_in_order", service=service.name, year=data.year, first=earlier[0]))
    if capital.rate_for(session, data.year) is None:
        raise BackofficeError(t("fund.close_rate_missing", service=service.name, year=data.year))
    fund = statement(session, data.service, today, through_year=data.year)
    row = FundYearEnd(service_id=service.id, year=data.year,
                      **{name: getattr(fund.years[-1], name) for name in _STORED_FIGURES},
                      layers=[{"year": x.year, "original_ore": x.original_ore, "remaining_ore": x.remaining_ore}
                              for x in fund.layers],
                      closed_at=utcnow(), closed_by=actor.username)
    with refusing_duplicates(session, (CLOSED_ONCE,), lambda: _closed_already(session, service, data.year)):
        session.add(row)
    return row


def reopen_fund_year(session: Session, actor: Actor, service_code: str, year: int, reason: str) -> FundYearEnd:
    """Reopen the latest closed year (the stored row stays as history, with who, when and why)."""
    actor.require("pricing.write")
    if not (reason or "").strip():
        raise BackofficeError(t("fund.reopen_reason_needed"))
    data = validate(FundYearIn, {"service": service_code, "year": year, "reason": reason})
    service = get_service(session, data.service)
    _lock(session, service)
    closed = closed_years(session, service.id)
    row = next((r for r in closed if r.year == data.year), None)
    if row is None:
        reopened_by = session.scalar(select(FundYearEnd.reopened_by).where(
            FundYearEnd.service_id == service.id, FundYearEnd.year == data.year, FundYearEnd.reopened_at.is_not(None))
            .order_by(FundYearEnd.reopened_at.desc()).limit(1))
        if reopened_by:
            raise BackofficeError(t("fund.reopen_already", service=service.name, year=data.year, who=reopened_by))
        raise BackofficeError(t("fund.reopen_not_closed", service=service.name, year=data.year))
    if row is not closed[-1]:
        raise BackofficeError(t("fund.reopen_not_latest", service=service.name, year=data.year,
                                latest=closed[-1].year))
    row.reopened_at, row.reopened_by, row.reopen_reason = utcnow(), actor.username, data.reason
    session.flush()
    return row


def year_end_rows(session: Session, service_code: str) -> list[dict]:
    """Every closing of the service's fund, newest first, reopened ones included (as history)."""
    service = get_service(session, service_code)
    rows = session.scalars(select(FundYearEnd).where(FundYearEnd.service_id == service.id)
                           .order_by(FundYearEnd.year.desc(), FundYearEnd.id.desc()))
    return [{"year": r.year, "closing_ore": r.closing_ore, "closed_at": r.closed_at, "closed_by": r.closed_by,
             "reopened_at": r.reopened_at, "reopened_by": r.reopened_by, "reopen_reason": r.reopen_reason}
            for r in rows]


def closed_years_are_locked(session: Session, _context, _instances) -> None:
    """A closed year's figures never change; only reopening (once) is allowed, and nothing is deleted."""
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, FundYearEnd):
            continue
        if obj in session.deleted:
            raise BackofficeError(t("fund.year_locked", year=obj.year))
        state = inspect(obj)
        changed = {a.key for a in state.attrs if a.history.has_changes()}
        was_reopened = any(state.attrs[k].history.deleted and state.attrs[k].history.deleted[0] is not None
                           for k in REOPEN_FIELDS)
        if changed - REOPEN_FIELDS or was_reopened:
            raise BackofficeError(t("fund.year_locked", year=obj.year))


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


def economy_kpis(session: Session, _actor: Actor, today: date | None = None) -> list[Kpi]:
    """Last complete year's result and coverage per service, fund balances and what expires within a year."""
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


def fund_facts(session: Session, service_code: str) -> list[Fact]:
    """The service's product accounts (last complete year) and self-cost fund, for the service sheet."""
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


def merger_participant(session: Session, succession, apply: bool) -> list:
    """Fund shares follow a merger. The fund is kept per service, not per organisation, so nothing is
    rewritten (approved invoices never change): the predecessor's share of each service's fund, what it
    was billed, is named in the plan and from the change date counts for its successor(s) through the
    successor link."""
    predecessor = succession.predecessor
    billed = session.execute(
        select(Service.code, Service.name, func.sum(InvoiceLine.amount_ore))
        .join(Service, Service.id == InvoiceLine.service_id)
        .where(InvoiceLine.organisation_id == predecessor.id)
        .group_by(Service.code, Service.name).order_by(Service.name)).all()
    successors = ", ".join(o.name for o in succession.successors)
    return [PlanItem("invoicing", "follows", t("chg.fund_share", service=name, predecessor=predecessor.name,
                                                amount=money(int(total or 0)), successors=successors), code)
            for code, name, total in billed if total]
