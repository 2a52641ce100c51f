"""Invoice basis (fakturagrunnlag): invoice runs per period, priced by the approved price lists.

Rules, so that every line can be checked by hand:

- A period is a month (`2025-03`), a quarter (`2025-Q1`) or a year (`2025`); it never crosses a year,
  so one year's approved price list prices it (`pricelists.approved_price`).
- Every appendix in force on at least one day of the period (`agreements.appendices`) gets one
  **fixed** line per fixed price component (per organisation or per inhabitant) of the price its
  organisation's kind pays. **Proration, one rule for every frequency:** each month of the year is one
  twelfth of the year's charge, shared by its days, so a day in force in a month of n days earns
  1/(12·n) of it (`tariffs.year_share`). A period bills the amount earned from 1 January to its last day,
  rounded half-up to øre, minus the amount earned up to the day before it starts, rounded the same way:
  the rounding remainder is carried from period to period, so for any start and end of the appendix the
  year's run, its four quarters, its twelve months, or any mix (the first quarter, then months) sum to
  the same øre: round(year's charge × share of the year in force). A full month is exactly a twelfth, a
  full quarter a quarter.
- **What was agreed is what is billed.** The appendix's agreed price model (`price_model`) must be the
  model the approved list prices the organisation's kind by (`ApprovedPrice.agreed_model`); where it is
  not, or the list has no price for the kind, or a per-inhabitant price has no population figure for the
  list's population year, or the organisation has no organisation number or one that fails its mod-11
  check digit, the organisation gets no line: the preview lists it with the reason (`problems`) and the
  run cannot be approved until it is put right. An appendix with no agreed model recorded is billed by
  the list's model for its kind, and the preview says how many.
- **Four eyes.** Finance prepares a run (`prepare_run`: stored as an `InvoiceRunRequest` awaiting
  approval, with who prepared it and when and the total they saw); a leader who did not prepare it
  approves it (`approve_run`), which computes it again and refuses if anything changed. Credits the same
  way (`prepare_credit`, `credit_and_rebill`). Only the local operator (system actor) bills in one step.
- Per-unit components give one **usage** line per organisation: the period's metered quantity
  (`sources.usage_by_organisation`, the service's first active meter, as the price calculation uses)
  priced by the list's tier prices, with tier limits and the minimum fee scaled to the period
  (× months/12; the minimum fee also × days in force / days of the period).
- Usage that arrives late for an earlier, already billed period becomes a **correction** line in the
  next run: (today's quantity − the quantity billed so far) and (the amount for today's quantity −
  the amount billed so far), with the original line's price.
- Money is computed exactly (Fraction/Decimal) and rounded half-up to øre once per line.
- A run is previewed (nothing stored), then approved: it gets the next number and never changes.
  A mistake is corrected by credit-and-rebill: a credit run negates the original lines (each credit
  line points at the line it credits) and a rebill run bills the period again from today's data.
- A period cannot be billed twice: an appendix with a live (approved, not credited) line for the
  period is skipped; a run whose period overlaps a live line of another period (March billed monthly,
  then the first quarter) is refused.
- Two users approving at the same moment: approving and crediting take one lock (the run counter's row;
  on SQLite the database's write lock) before they read what is billed, so the second waits, then finds
  the period billed and is told plainly who just billed it. The database enforces the rule itself: every
  live fixed or usage line holds its months in `BilledPeriod` (unique per service, organisation, appendix
  or usage, and month; a credit releases them), so even a writer that took no lock cannot bill a month
  twice, and its IntegrityError becomes the same plain refusal. Run numbers come from the counter row.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agreements.appendices import active_appendices_in_period
from data import audit
from data.access import Actor
from data.crud import not_found, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, ConflictError, validate
from data.formatting import month_name_label
from data.i18n import t
from data.locking import lock, refusing_duplicates, unique_key
from data.registers.models import Organisation, Service
from data.registers.registry import find_organisation, get_service, org_number_problem
from pricing import pricelists, sources
from pricing.invoicing.models import BilledPeriod, Counter, InvoiceLine, InvoiceRun, InvoiceRunRequest
from pricing.tariffs import charge, round_ore, tier_split, year_share

PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-[Qq]([1-4]))?$")
FIXED_BASES = ("organisation", "inhabitant")
QUANTUM = Decimal("0.0000000001")


# --- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    year: int
    start: date
    end: date
    months: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def year_share(self) -> Fraction:
        return Fraction(self.months, 12)


def parse_period(text: str) -> Period:
    """`2025-03`, `2025-Q1` or `2025` -> Period; anything else is refused in plain language."""
    match = PERIOD_PATTERN.match((text or "").strip())
    if not match:
        raise BackofficeError(t("inv.bad_period", period=text))
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise BackofficeError(t("inv.bad_period", period=text))
    if match.group(2):
        month = int(match.group(2))
        return Period(f"{year}-{month:02d}", year, date(year, month, 1),
                      date(year, month, calendar.monthrange(year, month)[1]), 1)
    if match.group(3):
        quarter = int(match.group(3))
        first, last = 3 * quarter - 2, 3 * quarter
        return Period(f"{year}-Q{quarter}", year, date(year, first, 1),
                      date(year, last, calendar.monthrange(year, last)[1]), 3)
    return Period(str(year), year, date(year, 1, 1), date(year, 12, 31), 12)


def period_label(code: str) -> str:
    """A period as a reader says it: `2026-Q3` -> `3. kvartal 2026` (`Q3 2026`), `2026-03` -> `mars 2026`
    (`March 2026`), `2026` -> `2026`. The code stays what users type and what exports carry; anything that is
    not a period is shown as it is."""
    try:
        period = parse_period(code)
    except BackofficeError:
        return code
    if period.months == 3:
        return t("inv.period_quarter", quarter=(period.start.month - 1) // 3 + 1, year=period.year)
    if period.months == 1:
        return month_name_label(period.start)
    return str(period.year)


def periods_of_year(year: int, kind: str = "quarter") -> list[Period]:
    if kind == "year":
        return [parse_period(str(year))]
    if kind == "month":
        return [parse_period(f"{year}-{m:02d}") for m in range(1, 13)]
    return [parse_period(f"{year}-Q{q}") for q in range(1, 5)]


# --- pure arithmetic -------------------------------------------------------------------------------


def to_fraction(value) -> Fraction:
    return Fraction(Decimal(str(value)))


def as_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def days_in_force(period: Period, start: date, end: date | None) -> int:
    first, last = max(period.start, start), min(period.end, end or period.end)
    return max(0, (last - first).days + 1)


def fixed_amount(annual_ore: int, period: Period, start: date, end: date | None) -> tuple[Fraction, int]:
    """(share of the year billed, amount in øre) for an appendix in force from `start` to `end` (None: open):
    round(charge × share earned up to the period's last day) − round(charge × share earned before its
    first day), so the periods of a year, however split, sum to round(charge × share of the year)."""
    before = year_share(period.year, start, end, period.start - timedelta(days=1))
    through = year_share(period.year, start, end, period.end)
    annual = Fraction(annual_ore)
    return through - before, round_ore(annual * through) - round_ore(annual * before)


def usage_amount(component: dict, units, year_share: Fraction, minimum_share: Fraction) -> int:
    """What `units` of usage cost in a part of a year: tier limits × year_share; minimum fee × minimum_share."""
    scaled = []
    for tier in component.get("tiers") or []:
        up_to = tier.get("up_to")
        scaled.append({**tier, "up_to": None if up_to is None else as_decimal(to_fraction(up_to) * year_share)})
    parts = tier_split(Decimal(str(units)), scaled, component.get("tier_mode") or "graduated")
    raw = sum((to_fraction(q) * Fraction(int(p)) for q, p in zip(parts, component["tier_prices_ore"], strict=True)),
              Fraction(0))
    minimum = Fraction(int(component.get("minimum_fee_ore") or 0)) * minimum_share
    return max(round_ore(minimum), round_ore(raw))


# --- reading what is already billed -------------------------------------------------------------------


def _credited_ids():
    return select(InvoiceLine.credits_line_id).where(InvoiceLine.credits_line_id.is_not(None))


def live_lines_overlapping(session: Session, start: date, end: date, service_ids: list[int],
                           exclude: set[int] = frozenset()) -> list[tuple]:
    """(line id, appendix id, organisation id, service id, kind, period, run number) of live fixed and usage
    lines that bill some day of [start, end]."""
    query = (select(InvoiceLine.id, InvoiceLine.appendix_id, InvoiceLine.organisation_id, InvoiceLine.service_id,
                    InvoiceLine.kind, InvoiceLine.period, InvoiceRun.number)
             .join(InvoiceRun, InvoiceRun.id == InvoiceLine.run_id)
             .where(InvoiceLine.kind.in_(("fixed", "usage")), InvoiceLine.billed_from <= end,
                    InvoiceLine.billed_to >= start, InvoiceLine.service_id.in_(service_ids),
                    InvoiceLine.id.not_in(_credited_ids())))
    return [row for row in session.execute(query) if row[0] not in exclude]


# --- computing a run -------------------------------------------------------------------------------


@dataclass
class RunPreview:
    period: Period
    service: str | None
    lines: list[dict]
    warnings: list[str] = field(default_factory=list)
    already_billed: int = 0            # appendices skipped because the period is billed for them
    # organisations that get no line and stop approval: {organisation_id, organisation_name, org_number,
    # service_code, service_name, reason}, one per organisation, service and reason
    problems: list[dict] = field(default_factory=list)

    @property
    def total_ore(self) -> int:
        return sum(line["amount_ore"] for line in self.lines)

    def summary(self) -> list[dict]:
        """Per service: organisations, lines and amount by kind."""
        out: dict[str, dict] = {}
        for line in self.lines:
            row = out.setdefault(line["service_code"], {"service": line["service_code"], "organisations": set(),
                                                        "lines": 0, "fixed_ore": 0, "usage_ore": 0,
                                                        "correction_ore": 0, "total_ore": 0})
            row["organisations"].add(line["organisation_id"])
            row["lines"] += 1
            row[f"{line['kind']}_ore"] = row.get(f"{line['kind']}_ore", 0) + line["amount_ore"]
            row["total_ore"] += line["amount_ore"]
        return [{**r, "organisations": len(r["organisations"])} for r in sorted(out.values(), key=lambda r: r["service"])]


def _services(session: Session, service: str | None) -> list[Service]:
    if service:
        return [get_service(session, service)]
    return list(session.scalars(select(Service).order_by(Service.code)))


def _appendices(session: Session, period: Period, service: str | None) -> dict[str, list]:
    """Appendices in force some day of the period, per service code (one query)."""
    out: dict[str, list] = {}
    for row in active_appendices_in_period(session, period.start, period.end, service):
        out.setdefault(row.service_code, []).append(row)
    return out


def _meter(session: Session, code: str) -> tuple[str, str] | None:
    meter = sources.first_meter(session, code)
    return (meter.code, meter.unit) if meter else None


def _component_label(component: dict) -> str:
    return t(f"inv.component.{component['basis']}")


def _model_label(model: str | None) -> str:
    return t(f"inv.model.{model}") if model else "–"


def _org_number_reason(org_number: str | None) -> str | None:
    if not org_number or not org_number.strip():
        return t("inv.problem.no_org_number")
    problem = org_number_problem(org_number)
    return None if problem is None else t("inv.problem.bad_org_number", number=org_number)


def _problem(svc: Service, appendix, reason: str) -> dict:
    return {"organisation_id": appendix.organisation_id, "organisation_name": appendix.organisation_name,
            "org_number": appendix.org_number, "service_code": svc.code, "service_name": svc.name, "reason": reason}


def _billable(svc: Service, price, appendix, population: dict[int, int]) -> tuple[list[dict] | None, str | None]:
    """(the components the appendix's organisation pays, None) or (None, why it cannot be billed)."""
    reason = _org_number_reason(appendix.org_number)
    if reason:
        return None, reason
    kind = appendix.organisation_kind
    listed = price.agreed_model(kind)
    if listed is None:
        return None, t("inv.problem.no_price_for_kind", kind=t(f"inv.org_kind.{kind}"), year=price.year,
                       version=price.number)
    if appendix.price_model and appendix.price_model != listed:
        return None, t("inv.problem.other_model", agreed=_model_label(appendix.price_model),
                       listed=_model_label(listed), kind=t(f"inv.org_kind.{kind}"))
    components = price.components_for(kind)
    if any(c["basis"] == "inhabitant" for c in components) and appendix.organisation_id not in population:
        return None, t("inv.problem.no_population", year=price.population_year or "-")
    return components, None


def compute_run(session: Session, period: Period, service: str | None = None, organisation_ids: set[int] | None = None,
                exclude_line_ids: set[int] = frozenset(), corrections: bool = True) -> RunPreview:
    """The lines a run for `period` would hold now, and the organisations that stop it (nothing is written)."""
    services = _services(session, service)
    preview = RunPreview(period, service, [])
    live = live_lines_overlapping(session, period.start, period.end, [s.id for s in services], exclude_line_ids)
    other = sorted({(number, label) for (*_x, label, number) in live if label != period.label})
    if other:
        runs = ", ".join(f"{number} ({label})" for number, label in other)
        raise ConflictError(t("inv.overlapping_period", period=period.label, runs=runs))
    billed_appendices = {row[1] for row in live if row[4] == "fixed"}
    billed_usage = {(row[2], row[3]) for row in live if row[4] == "usage"}
    in_force = _appendices(session, period, service)
    for svc in services:
        appendices = [a for a in in_force.get(svc.code, [])
                      if organisation_ids is None or a.organisation_id in organisation_ids]
        if not appendices:
            continue
        price = pricelists.approved_price(session, svc.code, period.year)
        if price is None:
            preview.warnings.append(t("inv.no_price_list", service=svc.name, year=period.year,
                                      count=len(appendices)))
            continue
        todo = [a for a in appendices if a.appendix_id not in billed_appendices]
        preview.already_billed += len(appendices) - len(todo)
        if not todo:
            continue
        population = pricelists.populations(session, {a.organisation_id for a in todo}, price.population_year)
        billable, seen_problems, unagreed = [], set(), 0
        for appendix in todo:
            if days_in_force(period, appendix.start_date, appendix.end_date) <= 0:
                continue
            components, reason = _billable(svc, price, appendix, population)
            if reason is not None:
                if (appendix.organisation_id, reason) not in seen_problems:
                    seen_problems.add((appendix.organisation_id, reason))
                    preview.problems.append(_problem(svc, appendix, reason))
                continue
            unagreed += appendix.price_model is None
            billable.append((appendix, components))
        if unagreed:
            preview.warnings.append(t("inv.no_agreed_model", service=svc.name, count=unagreed))
        meter = None
        if any(c["basis"] not in FIXED_BASES for _a, comps in billable for c in comps):
            meter = _meter(session, svc.code)
            if meter is None:
                preview.warnings.append(t("inv.no_meter", service=svc.name))
        usage = sources.usage_by_organisation(session, svc.code, period.start, period.end, meter[0]) if meter else {}
        last_per_org: dict[int, tuple] = {}
        for appendix, components in billable:
            days = days_in_force(period, appendix.start_date, appendix.end_date)
            first = max(period.start, appendix.start_date)
            last = min(period.end, appendix.end_date or period.end)
            base = _line_base(svc, appendix, period, first, last, days, price.number)
            inhabitants = population.get(appendix.organisation_id)
            for index, component in enumerate(components):
                if component["basis"] not in FIXED_BASES:
                    continue
                annual = charge(component, inhabitants or 0, None)
                share, amount = fixed_amount(annual, period, appendix.start_date, appendix.end_date)
                preview.lines.append({**base, "kind": "fixed", "component": index,
                                      "description": t("inv.line.fixed", component=_component_label(component),
                                                       days=days, period_days=period.days),
                                      "quantity": as_decimal(share), "unit": t("inv.unit.year"),
                                      "unit_price": Decimal(annual), "amount_ore": amount,
                                      "pricing": {"component": component, "population": inhabitants,
                                                  "population_year": price.population_year,
                                                  "organisation_kind": appendix.organisation_kind,
                                                  "agreed_model": appendix.price_model, "share": str(share)}})
            previous = last_per_org.get(appendix.organisation_id)
            if previous is None or appendix.start_date >= previous[0].start_date:
                last_per_org[appendix.organisation_id] = (appendix, base, components)
        if meter is None:
            continue
        for org_id, (_appendix, base, components) in last_per_org.items():
            unit_components = [(i, c) for i, c in enumerate(components) if c["basis"] not in FIXED_BASES]
            if not unit_components or (org_id, svc.id) in billed_usage:
                continue
            org_days = sum(days_in_force(period, a.start_date, a.end_date) for a, _c in billable
                           if a.organisation_id == org_id)
            units = usage.get(org_id, 0)
            for index, component in unit_components:
                minimum_share = period.year_share * Fraction(min(org_days, period.days), period.days)
                amount = usage_amount(component, units, period.year_share, minimum_share)
                preview.lines.append({
                    **base, "kind": "usage", "component": index, "billed_from": period.start,
                    "billed_to": period.end, "days": min(org_days, period.days), "meter_code": meter[0],
                    "description": t("inv.line.usage", unit=component.get("unit_label") or meter[1]),
                    "quantity": Decimal(units), "unit": component.get("unit_label") or meter[1],
                    "unit_price": _unit_price(component, units, amount), "amount_ore": amount,
                    "pricing": {"component": component, "year_share": str(period.year_share),
                                "minimum_share": str(minimum_share)}})
    if corrections:
        preview.lines.extend(correction_lines(session, period, services, organisation_ids, exclude_line_ids))
    return preview


def _unit_price(component: dict, units, amount: int) -> Decimal:
    prices = component["tier_prices_ore"]
    if len(prices) == 1 and round_ore(Fraction(int(prices[0])) * to_fraction(units)) == amount:
        return Decimal(int(prices[0]))
    return (Decimal(amount) / Decimal(units)).quantize(Decimal("0.000001")) if units else Decimal(0)


def _line_base(svc: Service, appendix, period: Period, first: date, last: date, days: int, list_number: int) -> dict:
    return {"organisation_id": appendix.organisation_id, "org_number": appendix.org_number,
            "organisation_name": appendix.organisation_name, "service_id": svc.id, "service_code": svc.code,
            "appendix_id": appendix.appendix_id, "appendix_reference": appendix.reference, "period": period.label,
            "year": period.year, "billed_from": first, "billed_to": last, "days": days, "period_days": period.days,
            "meter_code": None, "price_list_number": list_number, "credits_line_id": None}


def correction_lines(session: Session, period: Period, services: list[Service], organisation_ids: set[int] | None,
                     exclude_line_ids: set[int] = frozenset()) -> list[dict]:
    """Late usage for periods billed before `period`: today's quantity against what was billed.

    Reads sums per (service, organisation, meter, period, component) in SQL; only the few usage lines
    whose quantity changed are loaded."""
    key_columns = (InvoiceLine.service_id, InvoiceLine.organisation_id, InvoiceLine.meter_code, InvoiceLine.period,
                   InvoiceLine.component)
    conditions = [InvoiceLine.meter_code.is_not(None), InvoiceLine.service_id.in_([s.id for s in services]),
                  InvoiceLine.billed_to < period.start]
    if organisation_ids is not None:
        conditions.append(InvoiceLine.organisation_id.in_(organisation_ids))
    if exclude_line_ids:      # about to be credited: count as credited
        conditions.append(InvoiceLine.id.not_in(exclude_line_ids))
    sums = {tuple(row[:5]): (Decimal(row[5]), int(row[6])) for row in session.execute(
        select(*key_columns, func.sum(InvoiceLine.quantity), func.sum(InvoiceLine.amount_ore))
        .where(*conditions).group_by(*key_columns))}
    live = {tuple(row[:5]): row[5] for row in session.execute(
        select(*key_columns, func.max(InvoiceLine.id))
        .where(*conditions, InvoiceLine.kind == "usage", InvoiceLine.id.not_in(_credited_ids()))
        .group_by(*key_columns))}
    codes = {s.id: s.code for s in services}
    out = []
    cache: dict[tuple, dict[int, Decimal]] = {}
    for key in sorted(live, key=lambda k: (k[3], k[0], k[1], k[4])):
        service_id, org_id, meter, label, component = key
        billed_quantity, billed_amount = sums.get(key, (Decimal(0), 0))
        usage_key = (service_id, meter, label)
        if usage_key not in cache:
            earlier = parse_period(label)
            cache[usage_key] = sources.usage_by_organisation(session, codes[service_id], earlier.start, earlier.end,
                                                             meter)
        now = Decimal(cache[usage_key].get(org_id, 0))
        difference = now - billed_quantity
        if difference == 0:
            continue
        original = session.get(InvoiceLine, live[key])
        pricing = original.pricing
        amount = usage_amount(pricing["component"], now, Fraction(pricing["year_share"]),
                              Fraction(pricing["minimum_share"])) - billed_amount
        out.append({
            "organisation_id": org_id, "org_number": original.org_number,
            "organisation_name": original.organisation_name, "service_id": service_id,
            "service_code": original.service_code, "appendix_id": original.appendix_id,
            "appendix_reference": original.appendix_reference, "period": label, "year": original.year,
            "billed_from": original.billed_from, "billed_to": original.billed_to, "days": original.days,
            "period_days": original.period_days, "meter_code": meter, "price_list_number": original.price_list_number,
            "credits_line_id": None, "kind": "correction", "component": component,
            "description": t("inv.line.correction", period=label, before=_plain(billed_quantity), now=_plain(now)),
            "quantity": difference, "unit": original.unit,
            "unit_price": (Decimal(amount) / difference).quantize(Decimal("0.000001")),
            "amount_ore": amount, "pricing": pricing})
    return out


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


# --- capabilities ------------------------------------------------------------------------------------


class RunIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    period: str = Field(min_length=4, max_length=10)
    service: str | None = None
    expected_total_ore: int | None = None       # the total the preview showed: refuse if figures changed since
    reason: str = Field(default="", max_length=1000)


class CreditIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    run: int = Field(ge=1)
    reason: str = Field(min_length=3, max_length=1000)
    organisations: list[str] | None = None      # org numbers, municipality numbers or names; None: the whole run
    rebill: bool = True


def _may_see_runs(actor: Actor) -> None:
    """Finance (who prepares runs) and the leader (who approves them) may compute what a run would bill."""
    if not actor.can("invoices.approve"):
        actor.require("pricing.write")


def preview_run(session: Session, actor: Actor, payload) -> RunPreview:
    _may_see_runs(actor)
    data = validate(RunIn, payload)
    return compute_run(session, parse_period(data.period), data.service or None)


def _problems_refusal(problems: list[dict], limit: int = 10) -> BackofficeError:
    shown = [t("inv.problem.line", name=p["organisation_name"], number=p["org_number"] or "–",
               service=p["service_name"], reason=p["reason"]) for p in problems[:limit]]
    more = t("inv.problem.more", count=len(problems) - limit) if len(problems) > limit else ""
    return BackofficeError(t("inv.problems_refused", count=len(problems), list="; ".join(shown) + more))


def _awaiting(session: Session, kind: str, period: str | None = None, service: str | None = None,
              run_number: int | None = None) -> InvoiceRunRequest | None:
    query = select(InvoiceRunRequest).where(InvoiceRunRequest.status == "awaiting_approval",
                                            InvoiceRunRequest.kind == kind)
    if kind == "credit":
        query = query.where(InvoiceRunRequest.credits_run_number == run_number)
    else:
        query = query.where(InvoiceRunRequest.period == period,
                            InvoiceRunRequest.service_code.is_(None) if service is None
                            else InvoiceRunRequest.service_code == service)
    return session.scalar(query.order_by(InvoiceRunRequest.id.desc()).limit(1))


def prepare_run(session: Session, actor: Actor, payload) -> InvoiceRunRequest:
    """Finance prepares the run for a period: computed now and put in the leader's queue (status
    "awaiting_approval", `prepared_by/at`, the total and line count the preparer saw). Refused while the
    preview lists organisations that cannot be billed, when there is nothing to bill, or when the same run
    already waits."""
    actor.require("pricing.write")
    data = validate(RunIn, payload)
    period, service = parse_period(data.period), data.service or None
    preview = compute_run(session, period, service)
    if preview.problems:
        raise _problems_refusal(preview.problems)
    if not preview.lines:
        raise BackofficeError(t("inv.nothing_to_bill", period=period.label))
    waiting = _awaiting(session, "regular", period.label, service)
    if waiting is not None:
        raise ConflictError(t("inv.already_waiting", period=period.label, who=waiting.prepared_by))
    request = InvoiceRunRequest(status="awaiting_approval", kind="regular", period=period.label,
                                service_code=service, reason=data.reason, expected_total_ore=preview.total_ore,
                                line_count=len(preview.lines), prepared_by=actor.username, prepared_at=utcnow(),
                                rebill=False)
    session.add(request)
    session.flush()
    return request


def withdraw_request(session: Session, actor: Actor, request_id: int) -> InvoiceRunRequest:
    """Finance takes back a prepared run or credit that waits for approval (a leader may send it back)."""
    if not actor.can("invoices.approve"):
        actor.require("pricing.write")
    request = session.get(InvoiceRunRequest, request_id)
    if request is None:
        raise not_found("inv.request_not_found", number=request_id)
    if request.status != "awaiting_approval":
        raise BackofficeError(t("inv.request_decided", number=request_id, who=request.decided_by or "-"))
    request.status, request.decided_by, request.decided_at = "withdrawn", actor.username, utcnow()
    return request


def requests_awaiting(session: Session) -> list[dict]:
    """Prepared runs and credits that wait for a leader's approval (the leader's queue), oldest first."""
    query = (select(InvoiceRunRequest).where(InvoiceRunRequest.status == "awaiting_approval")
             .order_by(InvoiceRunRequest.prepared_at, InvoiceRunRequest.id))
    return [{"id": r.id, "kind": r.kind, "period": r.period, "service": r.service_code or "",
             "credits_run": r.credits_run_number, "lines": r.line_count, "total_ore": r.expected_total_ore,
             "reason": r.reason, "status": r.status, "prepared_by": r.prepared_by, "prepared_at": r.prepared_at}
            for r in session.scalars(query)]


# --- one writer at a time, numbers from the counter, months held by live lines ----------------------------

RUN_COUNTER = "invoice_run"
CHUNK = 2000
BILLING_KEYS = (unique_key(BilledPeriod, "uq_pricing_billed_period_fixed"),
                unique_key(BilledPeriod, "uq_pricing_billed_period_usage"))
CREDIT_KEYS = (unique_key(InvoiceLine, "uq_pricing_invoice_line_credits_line_id"),)


def _ensure_counter(session: Session) -> None:
    """The run counter's row, created at the highest number in use if missing (a database built without
    the migrations); a concurrent creator is no error."""
    table = Counter.__table__
    dialect_insert = sqlite_insert if session.connection().dialect.name == "sqlite" else postgresql_insert
    start = select(func.coalesce(func.max(InvoiceRun.number), 0)).scalar_subquery()
    session.execute(dialect_insert(table).values(name=RUN_COUNTER, value=start)
                    .on_conflict_do_nothing(index_elements=[table.c.name]))


def _lock_runs(session: Session) -> None:
    """Wait for, then hold until commit, the one lock every writer of invoice runs takes before it reads
    what is billed: the counter's row (PostgreSQL), the database's write lock (SQLite)."""
    lock(session)
    _ensure_counter(session)
    lock(session, select(Counter.value).where(Counter.name == RUN_COUNTER))


def _last_number(session: Session) -> int:
    """The newest run number, read before waiting for the lock: what this request had seen."""
    return session.scalar(select(func.max(InvoiceRun.number))) or 0


def _next_number(session: Session) -> int:
    _ensure_counter(session)
    table = Counter.__table__
    return session.execute(update(table).where(table.c.name == RUN_COUNTER).values(value=table.c.value + 1)
                           .returning(table.c.value)).scalar_one()


def _months(first: date, last: date) -> list[date]:
    """The first day of every month from `first` to `last`."""
    out, month = [], date(first.year, first.month, 1)
    while month <= last:
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def _hold_months(session: Session, run: InvoiceRun) -> int:
    """The run's fixed and usage lines take their months in `BilledPeriod` (the unique keys refuse a month
    already held by a live line). Returns how many months were taken."""
    lines = session.execute(select(InvoiceLine.id, InvoiceLine.kind, InvoiceLine.service_id,
                                   InvoiceLine.organisation_id, InvoiceLine.appendix_id, InvoiceLine.billed_from,
                                   InvoiceLine.billed_to)
                            .where(InvoiceLine.run_id == run.id, InvoiceLine.kind.in_(("fixed", "usage")))
                            .order_by(InvoiceLine.id))
    held: dict[tuple, int] = {}
    for line_id, kind, service_id, org_id, appendix_id, first, last in lines:
        for month in _months(first, last):
            held.setdefault((service_id, org_id, kind, appendix_id if kind == "fixed" else None, month), line_id)
    rows = [{"service_id": service_id, "organisation_id": org_id, "kind": kind, "appendix_id": appendix_id,
             "month": month, "line_id": line_id}
            for (service_id, org_id, kind, appendix_id, month), line_id in held.items()]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(BilledPeriod), rows[start:start + CHUNK])
    return len(rows)


def _release_months(session: Session, line_ids: list[int]) -> None:
    """Credited lines give their months back, so the period can be billed again."""
    for start in range(0, len(line_ids), CHUNK):
        session.execute(delete(BilledPeriod).where(BilledPeriod.line_id.in_(line_ids[start:start + CHUNK])))


def _billing_runs(session: Session, period: Period, service: str | None) -> list[tuple[int, str]]:
    """(number, approved by) of the runs whose live lines bill some day of the period, oldest first."""
    services = _services(session, service)
    numbers = {row[6] for row in live_lines_overlapping(session, period.start, period.end, [s.id for s in services])}
    if not numbers:
        return []
    return [tuple(row) for row in session.execute(select(InvoiceRun.number, InvoiceRun.approved_by)
                                                 .where(InvoiceRun.number.in_(numbers))
                                                 .order_by(InvoiceRun.number))]


def _who(runs: list[tuple[int, str]]) -> dict:
    return {"who": ", ".join(dict.fromkeys(name for _n, name in runs)),
            "runs": ", ".join(str(number) for number, _name in runs)}


def _just_billed(session: Session, period: Period, service: str | None) -> ConflictError:
    """The refusal a writer gets when someone else billed the period while it was working."""
    runs = _billing_runs(session, period, service)
    return ConflictError(t("inv.just_billed", period=period.label, **_who(runs[-1:] if runs else [(0, "-")])))


def _credits_of(session: Session, run: InvoiceRun, after: int = 0) -> list[tuple[int, str]]:
    return [tuple(row) for row in session.execute(
        select(InvoiceRun.number, InvoiceRun.approved_by)
        .where(InvoiceRun.credits_run_id == run.id, InvoiceRun.number > after).order_by(InvoiceRun.number))]


def _just_credited(session: Session, run: InvoiceRun, after: int = 0) -> ConflictError:
    credits = _credits_of(session, run, after)[-1:] or [(0, "-")]
    return ConflictError(t("inv.just_credited", number=run.number, who=credits[0][1], credit=credits[0][0]))


def _store(session: Session, actor: Actor, period: Period, kind: str, service: str | None, lines: list[dict],
           reason: str = "", credits_run: InvoiceRun | None = None,
           request: InvoiceRunRequest | None = None) -> InvoiceRun:
    """Number and store a run with its lines; fixed and usage lines hold their months, credit lines release
    the months of the lines they credit. Inside a savepoint: if the database refuses a month already held
    (or a line already credited) by someone who took no lock, the caller gets a plain refusal."""
    if kind == "credit":
        keys, refusal = CREDIT_KEYS, lambda: _just_credited(session, credits_run)
    else:
        keys, refusal = BILLING_KEYS, lambda: _just_billed(session, period, service)
    with refusing_duplicates(session, keys, refusal):
        run = InvoiceRun(number=_next_number(session), period=period.label, period_start=period.start,
                         period_end=period.end, kind=kind, service_code=service,
                         credits_run_id=credits_run.id if credits_run is not None else None, reason=reason,
                         line_count=len(lines), total_ore=sum(x["amount_ore"] for x in lines),
                         approved_by=actor.username, approved_at=utcnow(),
                         prepared_by=request.prepared_by if request is not None else actor.username,
                         prepared_at=request.prepared_at if request is not None else utcnow())
        session.add(run)
        session.flush()
        if lines:
            rows = [{**{k: v for k, v in line.items() if k != "pricing"}, "pricing": _jsonable(line["pricing"]),
                     "run_id": run.id} for line in lines]
            for start in range(0, len(rows), CHUNK):
                session.execute(insert(InvoiceLine), rows[start:start + CHUNK])
            audit.record_batch(session, InvoiceLine.__tablename__, "insert",
                               {"run": run.number, "period": period.label, "kind": kind, "lines": len(rows),
                                "total_ore": run.total_ore})
        if kind == "credit":     # the bulk delete is recorded by the audit log's own hook
            _release_months(session, [x["credits_line_id"] for x in lines])
        else:
            held = _hold_months(session, run)
            if held:
                audit.record_batch(session, BilledPeriod.__tablename__, "insert",
                                   {"run": run.number, "period": period.label, "months_held": held})
    return run


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def approve_run(session: Session, actor: Actor, payload) -> InvoiceRun:
    """A leader approves the run finance prepared for a period: computed again now, numbered and stored for
    good, with who prepared it and who approved it. Refused to the one who prepared it, while organisations
    cannot be billed (`RunPreview.problems`), and when the total differs from what was prepared (or from
    `expected_total_ore`, the total the approver saw). The local operator may bill without a prepared run.

    Waits for the invoicing lock first, so what it computes includes every run approved before it; if the
    period was billed meanwhile (after the preview the caller approved, or after this request started) the
    refusal names who billed it."""
    actor.require("invoices.approve")
    data = validate(RunIn, payload)
    period = parse_period(data.period)
    service = data.service or None
    seen = _last_number(session)
    _refuse_preparer(actor, _awaiting(session, "regular", period.label, service))   # before touching anything
    _lock_runs(session)
    request = _refuse_preparer(actor, _awaiting(session, "regular", period.label, service))   # again, locked
    preview = compute_run(session, period, service)
    if not preview.lines or (request is None and not actor.owns_every_service):
        billing = _billing_runs(session, period, service)
        if billing:
            recent = [r for r in billing if r[0] > seen] or (billing[-1:] if data.expected_total_ore else [])
            if recent:
                raise ConflictError(t("inv.just_billed", period=period.label, **_who(recent)))
            raise ConflictError(t("inv.already_billed", period=period.label, **_who(billing)))
        if request is None and not actor.owns_every_service:
            raise BackofficeError(t("inv.not_prepared", period=period.label))
    if preview.problems:
        raise _problems_refusal(preview.problems)
    if not preview.lines:
        raise BackofficeError(t("inv.nothing_to_bill", period=period.label))
    for expected in (data.expected_total_ore, request.expected_total_ore if request is not None else None):
        if expected is not None and expected != preview.total_ore:
            recent = [r for r in _billing_runs(session, period, service) if r[0] > seen]
            if recent:
                raise ConflictError(t("inv.just_billed", period=period.label, **_who(recent)))
            raise ConflictError(t("inv.changed_since_preview", before=expected / 100, now=preview.total_ore / 100))
    run = _store(session, actor, period, "regular", service, preview.lines, data.reason or
                 (request.reason if request is not None else ""), request=request)
    _decided(request, actor, run)
    return run


def _refuse_preparer(actor: Actor, request: InvoiceRunRequest | None) -> InvoiceRunRequest | None:
    """Four eyes: whoever prepared the request cannot approve it."""
    if request is not None:
        actor.require_approval("invoices.approve", request.prepared_by)
    return request


def _decided(request: InvoiceRunRequest | None, actor: Actor, run: InvoiceRun) -> None:
    if request is not None:
        request.status, request.decided_by, request.decided_at, request.run_id = (
            "approved", actor.username, utcnow(), run.id)


def get_run(session: Session, number: int) -> InvoiceRun:
    return scalar_or_raise(session, select(InvoiceRun).where(InvoiceRun.number == number), "inv.run_not_found",
                           number=number)


def _credit_plan(session: Session, data: CreditIn, seen: int | None = None) -> tuple[InvoiceRun, list[InvoiceLine]]:
    """The run and its lines still to credit (all, or the chosen organisations'). `seen`: the newest run
    number the caller had seen; if the lines were credited by a run after it, say who just did."""
    run = get_run(session, data.run)
    if run.kind == "credit":
        raise BackofficeError(t("inv.cannot_credit_credit", number=run.number))
    org_ids = None
    if data.organisations:
        org_ids = set()
        for key in data.organisations:
            org = find_organisation(session, key)
            if org is None:
                raise not_found("inv.org_not_found", key=key)
            org_ids.add(org.id)
    credited = set(session.scalars(_credited_ids()))
    lines = [x for x in run.lines if x.id not in credited and x.kind != "credit"
             and (org_ids is None or x.organisation_id in org_ids)]
    if not lines:
        if seen is not None and _credits_of(session, run, after=seen):
            raise _just_credited(session, run, after=seen)
        credits = _credits_of(session, run)
        if credits:
            raise ConflictError(t("inv.already_credited", number=run.number, who=credits[-1][1],
                                  credit=credits[-1][0]))
        raise BackofficeError(t("inv.nothing_to_credit", number=run.number))
    return run, lines


def _credit_lines(run: InvoiceRun, lines: list[InvoiceLine]) -> list[dict]:
    out = []
    for x in lines:
        out.append({
            "kind": "credit", "organisation_id": x.organisation_id, "org_number": x.org_number,
            "organisation_name": x.organisation_name, "service_id": x.service_id, "service_code": x.service_code,
            "appendix_id": x.appendix_id, "appendix_reference": x.appendix_reference, "component": x.component,
            "description": t("inv.line.credit", number=run.number, text=x.description)[:300], "period": x.period,
            "year": x.year, "billed_from": x.billed_from, "billed_to": x.billed_to, "days": x.days,
            "period_days": x.period_days, "meter_code": x.meter_code, "quantity": -Decimal(x.quantity),
            "unit": x.unit, "unit_price": Decimal(x.unit_price), "amount_ore": -x.amount_ore,
            "price_list_number": x.price_list_number, "pricing": x.pricing, "credits_line_id": x.id})
    return out


@dataclass
class CreditPreview:
    run: int
    credit_lines: list[dict]
    rebill: RunPreview | None

    @property
    def credit_total_ore(self) -> int:
        return sum(x["amount_ore"] for x in self.credit_lines)

    @property
    def rebill_total_ore(self) -> int:
        return self.rebill.total_ore if self.rebill else 0

    @property
    def difference_ore(self) -> int:
        return self.credit_total_ore + self.rebill_total_ore


def _rebill(session: Session, run: InvoiceRun, lines: list[InvoiceLine], exclude: set[int]) -> RunPreview:
    orgs = {x.organisation_id for x in lines}
    return compute_run(session, parse_period(run.period), run.service_code, organisation_ids=orgs,
                       exclude_line_ids=exclude)


def preview_credit(session: Session, actor: Actor, payload) -> CreditPreview:
    """What credit-and-rebill of a run (or some of its organisations) would write (nothing is written)."""
    _may_see_runs(actor)
    data = validate(CreditIn, payload)
    run, lines = _credit_plan(session, data)
    rebill = _rebill(session, run, lines, {x.id for x in lines}) if data.rebill else None
    return CreditPreview(run.number, _credit_lines(run, lines), rebill)


def prepare_credit(session: Session, actor: Actor, payload) -> InvoiceRunRequest:
    """Finance prepares crediting a run (all of it or some organisations), and billing it again: it waits
    for a leader's approval like a prepared run."""
    actor.require("pricing.write")
    data = validate(CreditIn, payload)
    run, lines = _credit_plan(session, data)
    rebill = _rebill(session, run, lines, {x.id for x in lines}) if data.rebill else None
    if rebill is not None and rebill.problems:
        raise _problems_refusal(rebill.problems)
    waiting = _awaiting(session, "credit", run_number=run.number)
    if waiting is not None:
        raise ConflictError(t("inv.credit_already_waiting", number=run.number, who=waiting.prepared_by))
    preview = CreditPreview(run.number, _credit_lines(run, lines), rebill)
    request = InvoiceRunRequest(status="awaiting_approval", kind="credit", period=run.period,
                                service_code=run.service_code, credits_run_number=run.number,
                                organisations=data.organisations, rebill=data.rebill, reason=data.reason,
                                expected_total_ore=preview.difference_ore,
                                line_count=len(preview.credit_lines) + len(rebill.lines if rebill else []),
                                prepared_by=actor.username, prepared_at=utcnow())
    session.add(request)
    session.flush()
    return request


def credit_and_rebill(session: Session, actor: Actor, payload) -> tuple[InvoiceRun, InvoiceRun | None]:
    """A leader approves the credit finance prepared: the run's lines (all, or some organisations') are
    credited in a credit run and the same period billed again from today's data in a rebill run. Nothing
    already approved is changed. The local operator may credit without a prepared request."""
    actor.require("invoices.approve")
    data = validate(CreditIn, payload)
    seen = _last_number(session)
    _refuse_preparer(actor, _awaiting(session, "credit", run_number=data.run))   # before touching anything
    _lock_runs(session)
    request = _refuse_preparer(actor, _awaiting(session, "credit", run_number=data.run))   # again, locked
    if request is not None:
        data = CreditIn(run=data.run, reason=request.reason, organisations=request.organisations,
                        rebill=request.rebill)
    run, lines = _credit_plan(session, data, seen)
    if request is None and not actor.owns_every_service:
        raise BackofficeError(t("inv.credit_not_prepared", number=run.number))
    period = parse_period(run.period)
    rebill_preview = _rebill(session, run, lines, {x.id for x in lines}) if data.rebill else None
    if rebill_preview is not None and rebill_preview.problems:
        raise _problems_refusal(rebill_preview.problems)
    credit = _store(session, actor, period, "credit", run.service_code, _credit_lines(run, lines), data.reason,
                    credits_run=run, request=request)
    rebill = None
    if data.rebill:
        preview = _rebill(session, run, lines, set())
        if preview.lines:
            rebill = _store(session, actor, period, "rebill", run.service_code, preview.lines, data.reason,
                            request=request)
    _decided(request, actor, credit)
    return credit, rebill


# --- reads ----------------------------------------------------------------------------------------------


def run_rows(session: Session, year: int | None = None) -> list[dict]:
    """Every approved run, newest first, with which run credited it."""
    credited_by = dict(session.execute(select(InvoiceRun.credits_run_id, func.max(InvoiceRun.number))
                                       .where(InvoiceRun.credits_run_id.is_not(None))
                                       .group_by(InvoiceRun.credits_run_id)).all())
    query = select(InvoiceRun).order_by(InvoiceRun.number.desc())
    if year:
        query = query.where(InvoiceRun.period_start >= date(year, 1, 1), InvoiceRun.period_start <= date(year, 12, 31))
    numbers = dict(session.execute(select(InvoiceRun.id, InvoiceRun.number)).all())
    return [{"number": r.number, "period": r.period, "kind": r.kind, "service": r.service_code or "",
             "lines": r.line_count, "total_ore": r.total_ore, "prepared_by": r.prepared_by or r.approved_by,
             "prepared_at": r.prepared_at or r.approved_at, "approved_by": r.approved_by,
             "approved_at": r.approved_at, "reason": r.reason,
             "credits_run": numbers.get(r.credits_run_id), "credited_by": credited_by.get(r.id)}
            for r in session.scalars(query)]


def line_rows(session: Session, number: int) -> list[dict]:
    run = get_run(session, number)
    query = (select(InvoiceLine).where(InvoiceLine.run_id == run.id)
             .order_by(InvoiceLine.organisation_name, InvoiceLine.service_code, InvoiceLine.kind, InvoiceLine.id))
    return [line_dict(x) for x in session.scalars(query)]


def line_dict(x) -> dict:
    get = x.get if isinstance(x, dict) else (lambda k: getattr(x, k))
    return {k: get(k) for k in ("id", "kind", "organisation_id", "org_number", "organisation_name", "service_code",
                                "appendix_reference", "period", "year", "billed_from", "billed_to", "days",
                                "period_days", "description", "quantity", "unit", "unit_price", "amount_ore",
                                "price_list_number", "credits_line_id")
            if not isinstance(x, dict) or k in x}


def billed_periods(session: Session) -> list[str]:
    return list(session.scalars(select(InvoiceRun.period).distinct().order_by(InvoiceRun.period)))


def next_unbilled_quarter(session: Session, today: date) -> str:
    """The quarter to bill next: the one after the last period any run has billed, but not beyond the current
    quarter; with nothing billed yet, the last complete quarter. (The invoice page opens on it.)"""
    current = (today.month - 1) // 3 + 1
    billed_to = max((parse_period(text).end for text in billed_periods(session)), default=None)
    if billed_to is None:
        return f"{today.year}-Q{current - 1}" if current > 1 else f"{today.year - 1}-Q4"
    after = billed_to + timedelta(days=1)
    if (after.year, (after.month - 1) // 3 + 1) > (today.year, current):
        return f"{today.year}-Q{current}"
    return f"{after.year}-Q{(after.month - 1) // 3 + 1}"


def organisation_total(session: Session, org_id: int, year: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(InvoiceLine.amount_ore), 0))
                              .where(InvoiceLine.organisation_id == org_id, InvoiceLine.year == year)) or 0)


def organisation_name(session: Session, org_id: int) -> str:
    org = session.get(Organisation, org_id)
    return org.name if org else str(org_id)


# --- immutability guard ---------------------------------------------------------------------------------


def refuse_changes_to_runs(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, InvoiceRun | InvoiceLine) and (obj in session.deleted or session.is_modified(obj)):
            raise BackofficeError(t("inv.immutable"))
