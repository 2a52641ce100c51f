"""The leader's overview: a few headline figures with their change, charts a leader reads at a glance, the
"start here" checklist of a new installation, and every module's KPIs per area.

Everything here is a read of SQL aggregates (or of a room's own aggregate functions); the page caches each
call with `common.cached`, keyed on the audit log's last entry, so a write shows at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Date, and_, distinct, exists, func, literal, select, union_all
from sqlalchemy.orm import Session

from admin import modules
from admin.changeboard.models import ChangeItem, ChangeLoadLimit, ChangeMeeting, ChangeStatus, ChangeType
from agreements.adoption import FAR_FUTURE, MUNICIPALITY, adoption_summary, quarter_ends
from agreements.models import MainAgreement, ServiceAppendix
from data.access import Actor
from data.appspec import Kpi
from data.formatting import OSLO, is_empty, money, number, percent_text, start_of_day
from data.i18n import get_language, t
from data.metering.models import Meter, UsageMonthly
from data.registers.models import Organisation, Service, User, UserRole
from data.registers.registry import register_counts
from data.support.models import SupportTicket
from data.support.statistics import OPEN_STATUSES
from portfolio.capacity import capacity_table
from portfolio.digiorden.models import DoSystem
from portfolio.models import Person, Project
from pricing.invoicing import accounts
from pricing.invoicing.models import InvoiceLine
from pricing.models import CostItem, InterestRate, PriceCalculation, PriceList
from risk.models import Dpia, NsmAssessment, RosAssessment
from risk.models import Risk as RiskRow
from risk.privacy.models import Breach
from risk.suppliers.models import Supplier
from risk.threats.models import ThreatModel

log = logging.getLogger(__name__)

ADMIN_AREA = "module.admin"
# An area has data when any of these tables has a row: an area without is left off the overview (a new
# installation sees no wall of zeros). The admin area (registers and users) always has data.
AREA_TABLES: dict[str, tuple] = {
    "area.support": (SupportTicket,),
    "area.changeboard": (ChangeItem, ChangeMeeting),
    "area.metering": (UsageMonthly,),
    "area.digiorden": (DoSystem,),
    "module.agreements": (MainAgreement, ServiceAppendix),
    "module.pricing": (CostItem, PriceList, InvoiceLine),
    "area.portfolio": (Project, Person),
    "module.risk": (RosAssessment, Dpia, NsmAssessment, ThreatModel, Breach, Supplier),
}

# The pages the figures and charts link to.
PAGE_ADOPTION = "agreements/pages/adoption.py"
PAGE_PRICE_LISTS = "pricing/pages/price_lists.py"
PAGE_ACCOUNTS = "pricing/invoicing/pages/accounts.py"
PAGE_RISKS = "risk/pages/risks.py"
PAGE_SUPPORT = "data/support/pages/stats.py"
PAGE_CAPACITY = "portfolio/pages/capacity.py"
PAGE_CHANGES = "admin/changeboard/pages/items.py"


# --- numbers for cards -----------------------------------------------------------------------------------

def compact_money(ore: int | None) -> str:
    """Money short enough for a card: `130,9 mill. kr` from a million up, whole kroner below
    (`845 000 kr`); English `NOK 130.9 m`. The exact amount belongs in the card's help."""
    if ore is None or is_empty(ore):
        return "–"
    kroner = Decimal(ore) / 100
    nb = get_language() == "nb"
    if abs(kroner) >= 1_000_000:
        text = number((kroner / 1_000_000).quantize(Decimal("0.1")), 1)
        return f"{text} mill. kr" if nb else f"NOK {text} m"
    text = number(kroner.quantize(Decimal(1)))
    return f"{text} kr" if nb else f"NOK {text}"


def signed(value, decimals: int = 0, suffix: str = "") -> str | None:
    """A change with an ASCII sign first (Streamlit reads the arrow's direction from a leading "-"), in
    Norwegian digits: `+23`, `-1,5 %`. None (no change shown) for None."""
    if value is None:
        return None
    text = number(abs(value), decimals)
    if not Decimal(str(abs(value))).quantize(Decimal(1).scaleb(-decimals)):
        return f"±{text}{suffix}"     # no change: no arrow pointing either way
    return f"{'-' if value < 0 else '+'}{text}{suffix}"


# --- headline figures --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """One figure on the dashboard. `delta_color` says what a rise means for this figure: "normal" (good,
    green), "inverse" (bad, red) or "off" (neither)."""
    key: str
    area: str
    label: str
    value: str
    help: str = ""
    delta: str | None = None
    delta_color: str = "normal"
    page: str = ""


def areas_with_data(session: Session) -> set[str]:
    """The area keys that have anything to show (admin always)."""
    found = {ADMIN_AREA}
    for area, tables in AREA_TABLES.items():
        if any(session.scalar(select(exists().select_from(table))) for table in tables):
            found.add(area)
    return found


def _today() -> date:
    return datetime.now(OSLO).date()


def _self_cost(session: Session, year: int) -> int:
    """The self-cost behind the price lists in force for `year` (the latest list per service)."""
    latest = (select(PriceList.service_id, func.max(PriceList.number).label("number"))
              .where(PriceList.year == year).group_by(PriceList.service_id).subquery())
    return int(session.scalar(
        select(func.coalesce(func.sum(PriceCalculation.self_cost_ore), 0))
        .join(PriceList, PriceList.calculation_id == PriceCalculation.id)
        .join(latest, (latest.c.service_id == PriceList.service_id) & (latest.c.number == PriceList.number))) or 0)


def _tickets_between(session: Session, start: date, end: date) -> int:
    """Tickets opened on the Norwegian days [start, end)."""
    return int(session.scalar(select(func.count()).select_from(SupportTicket).where(
        SupportTicket.opened_at >= start_of_day(start), SupportTicket.opened_at < start_of_day(end))) or 0)


def _risks_above(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(RiskRow)
                              .join(RosAssessment, RosAssessment.id == RiskRow.assessment_id)
                              .where(RosAssessment.is_current.is_(True), RiskRow.above_acceptance.is_(True))) or 0)


def _accounts(session: Session, year: int) -> list:
    """The product accounts of `year` for every service with accounts (cost or revenue)."""
    return [a for a in (accounts.account(session, code, year) for code in accounts.services_with_accounts(session))
            if a.cost_ore or a.revenue_ore]


def headlines(session: Session, areas: set[str] | None = None, year_accounts: list | None = None) -> list[Headline]:
    """At most eight figures, each with its change where there is one to compare with, and what a rise means."""
    today = _today()
    areas = areas_with_data(session) if areas is None else areas
    out: list[Headline] = []
    if "module.agreements" in areas:
        now, before = adoption_summary(session), adoption_summary(session, today - timedelta(days=365))
        out.append(Headline(
            "adoption", "module.agreements", t("dash.adoption"),
            f"{number(now['municipalities'])} / {number(now['municipalities_total'])}",
            t("dash.adoption_help", share=percent_text(now["municipality_share"])),
            t("dash.delta_year", change=signed(now["municipalities"] - before["municipalities"])), "normal",
            PAGE_ADOPTION))
        points = (Decimal(str(now["population_share"])) - Decimal(str(before["population_share"]))) * 100
        out.append(Headline(
            "population", "module.agreements", t("dash.population"), percent_text(now["population_share"]),
            t("dash.population_help", population=number(now["population"])),
            t("dash.delta_year", change=signed(points, 1, " " + t("dash.points"))), "normal", PAGE_ADOPTION))
    if "module.pricing" in areas:
        this_year, last_year = _self_cost(session, today.year), _self_cost(session, today.year - 1)
        if this_year or last_year:
            change = None
            if last_year:
                change = signed(Decimal(this_year - last_year) * 100 / last_year, 1, " %")
            out.append(Headline(
                "self_cost", "module.pricing", t("dash.self_cost", year=today.year), compact_money(this_year),
                t("dash.self_cost_help", amount=money(this_year), year=today.year - 1, before=money(last_year)),
                t("dash.delta_last_year", change=change) if change else None, "inverse", PAGE_PRICE_LISTS))
        year_accounts = _accounts(session, today.year - 1) if year_accounts is None else year_accounts
        if year_accounts:
            revenue = sum(a.revenue_ore for a in year_accounts)
            cost = sum(a.cost_ore for a in year_accounts)
            out.append(Headline(
                "result", "module.pricing", t("dash.result", year=today.year - 1), compact_money(revenue - cost),
                t("dash.result_help", amount=money(revenue - cost), revenue=money(revenue), cost=money(cost),
                  coverage=percent_text(Decimal(revenue) / cost) if cost else "–"),
                None, "off", PAGE_ACCOUNTS))
    if "module.risk" in areas:
        out.append(Headline("risks_above", "module.risk", t("dash.risks_above"), number(_risks_above(session)),
                            t("dash.risks_above_help"), None, "inverse", PAGE_RISKS))
    if "area.support" in areas:
        tomorrow = today + timedelta(days=1)
        last_30 = _tickets_between(session, tomorrow - timedelta(days=30), tomorrow)
        previous_30 = _tickets_between(session, tomorrow - timedelta(days=60), tomorrow - timedelta(days=30))
        open_now = int(session.scalar(select(func.count()).select_from(SupportTicket)
                                      .where(SupportTicket.status.in_(OPEN_STATUSES))) or 0)
        out.append(Headline(
            "tickets", "area.support", t("dash.tickets"), number(last_30),
            t("dash.tickets_help", previous=number(previous_30), open=number(open_now)),
            t("dash.delta_30", change=signed(last_30 - previous_30)) if previous_30 else None, "inverse",
            PAGE_SUPPORT))
    if "area.portfolio" in areas:
        first = today.replace(day=1)
        rows = capacity_table(session, first, _add_months(first, 5))
        short = sum((r["shortage"] for r in rows), Decimal(0)) / 6
        out.append(Headline("shortage", "area.portfolio", t("dash.shortage"),
                            t("dash.fte", value=number(short, 1)), t("dash.shortage_help"), None, "inverse",
                            PAGE_CAPACITY))
    if "area.changeboard" in areas:
        waiting = int(session.scalar(select(func.count()).select_from(ChangeItem).where(
            ChangeItem.change_type == ChangeType.NORMAL.value,
            ChangeItem.status == ChangeStatus.ASSESSED.value)) or 0)
        out.append(Headline("changes_waiting", "area.changeboard", t("dash.changes_waiting"), number(waiting),
                            t("dash.changes_waiting_help"), None, "inverse", PAGE_CHANGES))
    return out[:8]


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


# --- charts -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Charts:
    """The data behind the dashboard's charts (rows of plain values, names not codes); an empty list: no chart."""
    adoption: list[dict] = field(default_factory=list)     # day, municipalities (using at least one service)
    coverage: list[dict] = field(default_factory=list)     # service, coverage_pct, revenue_ore, cost_ore
    coverage_year: int = 0
    risks: list[dict] = field(default_factory=list)        # service, risks
    capacity: list[dict] = field(default_factory=list)     # month, balance (FTE), demand, free
    support: list[dict] = field(default_factory=list)      # service, tickets
    support_days: int = 90


def adoption_over_time(session: Session, days: list[date]) -> list[dict]:
    """Municipalities with at least one service appendix in force on each day (one query over a calendar)."""
    if not days:
        return []
    calendar = union_all(*[select(literal(d, Date).label("day")) for d in days]).subquery("calendar")
    query = (
        select(calendar.c.day, func.count(distinct(Organisation.id)))
        .select_from(calendar)
        .join(ServiceAppendix, and_(ServiceAppendix.start_date <= calendar.c.day,
                                    func.coalesce(ServiceAppendix.end_date, FAR_FUTURE) >= calendar.c.day,
                                    ServiceAppendix.status.in_(("signed", "terminated"))))
        .join(Organisation, Organisation.id == ServiceAppendix.organisation_id)
        .where(Organisation.kind == MUNICIPALITY)
        .group_by(calendar.c.day))
    found = {(d if isinstance(d, date) else date.fromisoformat(str(d))): int(n) for d, n in session.execute(query)}
    return [{"day": d, "municipalities": found.get(d, 0)} for d in days]


def charts(session: Session, areas: set[str] | None = None, year_accounts: list | None = None) -> Charts:
    today = _today()
    areas = areas_with_data(session) if areas is None else areas
    names = dict(session.execute(select(Service.code, Service.name)).all())
    adoption, coverage, risks, capacity, support = [], [], [], [], []
    year = today.year - 1
    if "module.agreements" in areas:
        adoption = adoption_over_time(session, quarter_ends(date(today.year - 3, 1, 1), today))
    if "module.pricing" in areas:
        for acct in _accounts(session, year) if year_accounts is None else year_accounts:
            if acct.coverage is not None:
                coverage.append({"service": acct.service_name, "coverage_pct": float(acct.coverage * 100),
                                 "revenue_ore": acct.revenue_ore, "cost_ore": acct.cost_ore})
        coverage.sort(key=lambda r: r["coverage_pct"])
    if "module.risk" in areas:
        rows = session.execute(
            select(RosAssessment.service_code, func.count())
            .select_from(RiskRow).join(RosAssessment, RosAssessment.id == RiskRow.assessment_id)
            .where(RosAssessment.is_current.is_(True), RiskRow.above_acceptance.is_(True))
            .group_by(RosAssessment.service_code))
        risks = sorted(({"service": names.get(code, code) if code else t("dash.department_wide"), "risks": int(n)}
                        for code, n in rows), key=lambda r: (r["risks"], r["service"]))
    if "area.portfolio" in areas:
        first = today.replace(day=1)
        by_month: dict[date, dict] = {}
        for row in capacity_table(session, first, _add_months(first, 5)):
            entry = by_month.setdefault(row["month"], {"month": row["month"], "balance": 0.0, "demand": 0.0,
                                                       "free": 0.0})
            entry["balance"] += float(row["balance"])
            entry["demand"] += float(row["demand"])
            entry["free"] += float(row["free"])
        capacity = [by_month[m] for m in sorted(by_month)]
    if "area.support" in areas:
        start = today - timedelta(days=89)
        rows = session.execute(
            select(Service.code, func.count()).select_from(SupportTicket)
            .outerjoin(Service, Service.id == SupportTicket.service_id)
            .where(SupportTicket.opened_at >= start_of_day(start))
            .group_by(Service.code))
        support = sorted(({"service": names.get(code, code) if code else t("dash.no_service"), "tickets": int(n)}
                          for code, n in rows), key=lambda r: (r["tickets"], r["service"]))
    return Charts(adoption, coverage, year, risks, capacity, support)


def dashboard(session: Session) -> tuple[list[Headline], Charts]:
    """The headline figures and the charts in one read (they share the areas and last year's accounts)."""
    areas = areas_with_data(session)
    year_accounts = _accounts(session, _today().year - 1) if "module.pricing" in areas else []
    return headlines(session, areas, year_accounts), charts(session, areas, year_accounts)


# --- day one: the "start here" checklist ---------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    key: str
    label: str
    help: str
    done: bool
    page: str


def setup_steps(session: Session) -> list[Step]:
    """What a new installation sets up, in order, each ticked off by the data it leaves behind."""
    def some(*conditions) -> bool:
        return any(bool(session.scalar(select(exists(condition)))) for condition in conditions)

    colleagues = select(UserRole.user_id).join(User, User.id == UserRole.user_id).where(
        User.active.is_(True), UserRole.role != "admin")
    steps = [
        ("users", some(colleagues), "admin/pages/users.py"),
        ("organisations", some(select(Organisation.id).where(Organisation.org_number.is_not(None))),
         "admin/pages/organisations.py"),
        ("product_owners", some(select(Service.id).where(Service.product_owner_id.is_not(None))),
         "admin/pages/services.py"),
        ("agreements", some(select(MainAgreement.id)), "agreements/pages/agreements.py"),
        ("cost_base", some(select(CostItem.id)) and some(select(InterestRate.year)), "pricing/pages/cost_base.py"),
        ("price_lists", some(select(PriceList.id)), PAGE_PRICE_LISTS),
        ("meters", some(select(Meter.id)), "data/metering/pages/usage.py"),
        ("change_board", some(select(ChangeMeeting.id), select(ChangeLoadLimit.id), select(ChangeItem.id)),
         "admin/changeboard/pages/settings.py"),
    ]
    return [Step(key, t(f"setup.{key}"), t(f"setup.{key}_help"), done, page) for key, done, page in steps]


# --- every module's KPIs, per area --------------------------------------------------------------------------

def register_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    counts = register_counts(session)
    users = session.scalar(select(func.count()).select_from(User).where(User.active.is_(True)))
    return [
        Kpi(t("kpi.municipalities"), number(counts["municipalities"]), t("kpi.municipalities_help")),
        Kpi(t("kpi.county_municipalities"), number(counts["county_municipalities"])),
        Kpi(t("kpi.services"), number(counts["services"]), t("kpi.services_help")),
        Kpi(t("kpi.components"), number(counts["components"])),
        Kpi(t("kpi.active_users"), number(users)),
    ]


def overview(session: Session, actor: Actor, only_with_data: bool = True) -> list[tuple[str, list[Kpi]]]:
    """(area heading, KPIs) for every module that has data (all with `only_with_data=False`); a module whose
    KPIs fail is shown as unavailable."""
    shown = areas_with_data(session) if only_with_data else None
    blocks: dict[str, list[Kpi]] = {}
    for _module_name, provider in modules.kpi_providers():
        key = modules.area_key(provider)
        if shown is not None and key in AREA_TABLES and key not in shown:
            continue
        area = t(key)
        try:
            with session.begin_nested():
                blocks.setdefault(area, []).extend(provider(session, actor))
        except Exception:  # one broken module must not take the leader's overview down
            log.exception("KPI provider %s failed", provider)
            blocks.setdefault(area, []).append(Kpi(t("kpi.unavailable"), "–"))
    return [(area, kpis) for area, kpis in blocks.items() if kpis]
