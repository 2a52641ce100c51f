"""Self-cost price calculation (priskalkyle).

Two steps, kept apart so a stored calculation can always be redone:

1. `build_inputs(session, request)` gathers every input from the database into a plain dict (cost
   lines, allocation with the key figures, capital costs with the rate, Digifin payments, planned use
   of the self-cost fund, the adopters and their volumes, last year's approved price).
2. `compute(inputs)` is pure arithmetic on that dict: no database.

Arithmetic is exact Decimal in øre. Self-cost = direct + allocated + capital + Digifin − fund use.
Each price component covers its share of the self-cost: a base rate = (cost − minimum fees paid)
/ weighted volume, where the weighted volume is each adopter's quantity (organisations,
inhabitants or meter units) split over tiers and weighted by the tier factors. Tier prices are
rounded half-up to whole øre once, at the end; each adopter pays max(minimum fee, Σ quantity × tier price).

Prices per organisation kind (`model["kinds"]`, schemas.KindPrice): the kinds that pay by the model
(municipalities, by default only they) share the components; a kind with a price of its own (a fixed
yearly amount, its own price per inhabitant or per unit) pays that (`result["kind_charges"]`), and what it
pays is deducted from the self-cost before the components' rates are solved; a free kind pays nothing. An
adopter whose kind the model does not mention is refused, by name. Populations are Statistics Norway's
1 January figures of the calculation's population year (`pricelists.populations`).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import delete_row, get_or_raise
from data.db import utcnow
from data.errors import BackofficeError, ConflictError, RowError, ValidationFailed, validate
from data.i18n import t
from data.locking import lock, refusing_duplicates, unique_key
from data.registers.models import Organisation, Service
from data.registers.registry import find_organisation, get_service
from pricing import capital, costbase, digifin, pricelists, sources
from pricing.fundplan import fund_due, planned_use
from pricing.models import CostItem, PriceCalculation, PriceList
from pricing.schemas import CalculationRequest, PriceModel
from pricing.tariffs import (
    charge,
    kind_component,
    kind_components,
    priced,
    quantity_of,
    round_ore,
    tier_bounds,
    tier_split,
)

ADOPTION_FACTORS = (Decimal("0.5"), Decimal("0.75"), Decimal(1), Decimal("1.25"), Decimal("1.5"), Decimal(2))


# --- the base rate ------------------------------------------------------------------------------


def solve_rate(cost: Decimal, weights: list[Decimal], minimum: Decimal = Decimal(0)) -> tuple[Decimal, set[int]]:
    """The base rate r with Σ max(minimum, r × wᵢ) = cost, and the indexes paying the minimum.

    Σ max(min, r·w) grows with r, so with the weights sorted, try k = 0, 1, ... smallest weights at
    the minimum until the rate is consistent (the k-th smallest pays at most, the next at least, the
    minimum). When the minimum fees alone cover the cost, everyone pays the minimum."""
    cost, minimum = Decimal(cost), Decimal(minimum)
    if not weights:
        return Decimal(0), set()
    order = sorted(range(len(weights)), key=lambda i: weights[i])
    if minimum and cost <= minimum * len(weights):
        return Decimal(0), set(range(len(weights)))
    remaining = sum(weights, Decimal(0))
    for k in range(len(order) + 1):
        if k:
            remaining -= weights[order[k - 1]]
        if remaining <= 0:
            break
        rate = (cost - minimum * k) / remaining
        low_ok = k == 0 or rate * weights[order[k - 1]] <= minimum
        high_ok = not minimum or rate * weights[order[k]] >= minimum
        if low_ok and high_ok:
            return rate, set(order[:k])
        if not minimum:
            break
    raise BackofficeError(t("price.no_volume"))


# --- compute (pure) ------------------------------------------------------------------------------


def _sum(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


class _Splits:
    """Each adopter's quantity split over each component's tiers, worked out once per calculation."""

    def __init__(self, model: dict, adopters: list[dict]):
        self.parts: list[list[list[Decimal]]] = []
        self.weights: list[list[Decimal]] = []
        for comp in model["components"]:
            tiers, mode = comp.get("tiers", []), comp.get("tier_mode", "graduated")
            factors = [f for (_l, _u, f) in tier_bounds(tiers)]
            parts = [tier_split(quantity_of(comp, a.get("population"), a.get("units")), tiers, mode) for a in adopters]
            self.parts.append(parts)
            self.weights.append([sum((q * f for q, f in zip(p, factors, strict=True)), Decimal(0)) for p in parts])

    def bill(self, components: list[dict], index: int) -> list[int]:
        """What adopter `index` pays for each priced component (`tariffs.charge` on the stored split)."""
        return [priced(comp, self.parts[ci][index]) for ci, comp in enumerate(components)]


def price_components(model: dict, self_cost: Decimal, adopters: list[dict], splits: _Splits | None = None) -> list[dict]:
    splits = splits or _Splits(model, adopters)
    out = []
    for ci, comp in enumerate(model["components"]):
        share = Decimal(str(comp["share"]))
        cost = self_cost * share / 100
        base = {"basis": comp["basis"], "share": str(share), "cost": str(cost), "tiers": comp.get("tiers", []),
                "tier_mode": comp.get("tier_mode", "graduated"), "unit_label": comp.get("unit_label", ""),
                "minimum_fee_ore": int(comp.get("minimum_fee_ore") or 0)}
        if comp["basis"] == "organisation":
            fee = round_ore(cost / len(adopters))
            out.append({**base, "tiers": [], "weighted_volume": str(len(adopters)), "rate": str(cost / len(adopters)),
                        "fee_ore": fee, "tier_prices_ore": [fee], "at_minimum": []})
            continue
        weights = splits.weights[ci]
        rate, at_min = solve_rate(cost, weights, Decimal(base["minimum_fee_ore"]))
        prices = [round_ore(rate * factor) for (_l, _u, factor) in tier_bounds(base["tiers"])]
        out.append({**base, "weighted_volume": str(sum(weights, Decimal(0))), "rate": str(rate),
                    "tier_prices_ore": prices, "fee_ore": None,
                    "at_minimum": sorted(adopters[i]["org_id"] for i in at_min)})
    return out


def compute(inputs: dict) -> dict:
    """The price from the stored inputs, with every intermediate figure (exact strings and øre)."""
    direct = _sum(line["amount_ore"] for line in inputs["direct"] if line["counts"])
    allocated = _sum(line["allocated"] for line in inputs["allocation"])
    capital_total = _sum(line["total"] for line in inputs["capital"] if line["counts"])
    digifin_total = _sum(line["payment"] for line in inputs["digifin"])
    fund_use = Decimal(inputs["fund_use_ore"])
    self_cost = direct + allocated + capital_total + digifin_total - fund_use
    if self_cost < 0:
        raise BackofficeError(t("price.negative_self_cost"))
    everyone = inputs["adopters"]
    if not everyone:
        raise BackofficeError(t("price.no_adopters"))
    kinds = inputs["model"].get("kinds") or {"municipality": {"charge": "model"}}
    unpriced = [a for a in everyone if a.get("kind", "municipality") not in kinds]
    if unpriced:
        raise BackofficeError(t("price.kind_missing", kinds=", ".join(
            dict.fromkeys(t(f"price.kind.{a.get('kind', 'municipality')}") for a in unpriced)),
            names=_names(unpriced)))
    by_model = [kinds[a.get("kind", "municipality")]["charge"] == "model" for a in everyone]
    adopters = [a for a, m in zip(everyone, by_model, strict=True) if m]
    kind_charges = _kind_charges(kinds, [a for a, m in zip(everyone, by_model, strict=True) if not m],
                                 inputs.get("previous"))
    kind_revenue = sum(c["total_ore"] for c in kind_charges)
    model_cost = self_cost - kind_revenue       # what the organisations paying by the model must cover
    if model_cost < 0 or (model_cost > 0 and not adopters):
        raise BackofficeError(t("price.kinds_cover_too_much" if model_cost < 0 else "price.no_model_adopters"))
    splits = _Splits(inputs["model"], adopters)
    components = price_components(inputs["model"], model_cost, adopters, splits) if adopters else []
    previous = inputs.get("previous")
    charges = []
    for index, adopter in enumerate(adopters):
        parts = splits.bill(components, index)
        charges.append({**adopter, "components": parts, "total_ore": sum(parts),
                        "previous_ore": _previous_bill(previous, adopter)})
    revenue = sum(c["total_ore"] for c in charges) + kind_revenue
    return {
        "direct": str(direct), "allocated": str(allocated), "capital": str(capital_total),
        "digifin": str(digifin_total), "fund_use_ore": int(fund_use), "self_cost": str(self_cost),
        "self_cost_ore": round_ore(self_cost), "components": components, "charges": charges,
        "kinds": {kind: {"charge": entry["charge"], "price": kind_component(entry)} for kind, entry in kinds.items()},
        "kind_charges": kind_charges, "kind_revenue_ore": kind_revenue,
        "expected_revenue_ore": revenue, "rounding_difference_ore": revenue - round_ore(self_cost),
        "sensitivity": sensitivity(inputs["model"], model_cost, adopters, splits, components) if adopters else [],
    }


def _names(adopters: list[dict], limit: int = 8) -> str:
    names = [f"{a['name']} ({a.get('org_number') or '-'})" for a in adopters[:limit]]
    return ", ".join(names) + (f" (+{len(adopters) - limit})" if len(adopters) > limit else "")


def _previous_bill(previous: dict | None, adopter: dict) -> int | None:
    """What the adopter would pay for the same volumes under last year's list (None: no price for its kind)."""
    if not previous:
        return None
    if not previous.get("kinds"):            # a list from before prices per kind: everyone paid its components
        comps = previous["components"]
    else:
        comps = kind_components(previous["kinds"], previous["components"], adopter.get("kind", "municipality"))
    if comps is None:
        return None
    return sum(charge(c, adopter.get("population"), adopter.get("units")) for c in comps)


def _kind_charges(kinds: dict, adopters: list[dict], previous: dict | None) -> list[dict]:
    """Adopters whose kind has its own price (fixed, per inhabitant, per unit) or is free: what they pay."""
    out = []
    for adopter in adopters:
        entry = kinds[adopter.get("kind", "municipality")]
        own = kind_component(entry)
        total = charge(own, adopter.get("population"), adopter.get("units")) if own else 0
        out.append({**adopter, "charge": entry["charge"], "total_ore": total,
                    "previous_ore": _previous_bill(previous, adopter)})
    return out


def sensitivity(model: dict, self_cost: Decimal, adopters: list[dict], splits: _Splits | None = None,
                today: list[dict] | None = None) -> list[dict]:
    """What adoption and volume do to the price, factor 50 %–200 %.

    Adoption: f × today's adopters (newcomers like today's): Σ max(min, r·w) = cost / f per copy, so each
    component's base rate and each organisation's bill follow from the same solve.
    Volume: the same organisations using f × the units: unit rates = cost / (f × weighted volume)."""
    splits = splits or _Splits(model, adopters)
    today = today or price_components(model, self_cost, adopters, splits)
    rows = []
    for factor in ADOPTION_FACTORS:
        comps = today if factor == 1 else price_components(model, self_cost / factor, adopters, splits)
        bills = [sum(splits.bill(comps, i)) for i in range(len(adopters))]
        volume_rates = []
        for comp in today:
            volume = Decimal(comp["weighted_volume"]) * factor
            volume_rates.append(str(Decimal(comp["cost"]) / volume) if comp["basis"] == "unit" and volume else None)
        rows.append({"factor": str(factor), "organisations": str(len(adopters) * factor),
                     "average_bill_ore": round_ore(_sum(bills) / len(bills)),
                     "rates": [c["rate"] for c in comps], "volume_rates": volume_rates})
    return rows


# --- gather inputs ------------------------------------------------------------------------------


def _resolve(session: Session, org_id: int | None, key: str) -> Organisation | None:
    if org_id is not None:
        return session.get(Organisation, org_id)
    if not key.strip():
        return None
    org = find_organisation(session, key)
    if org is None:   # SQLite's lower() leaves Æ, Ø, Å alone: try the name exactly as written
        org = session.scalar(select(Organisation).where(Organisation.name == key.strip(),
                                                        Organisation.valid_to.is_(None)).order_by(Organisation.id))
    return org


def _adopters_from_request(session: Session, request: CalculationRequest) -> list[dict]:
    errors, out, seen = [], [], set()
    for row, adopter in enumerate(request.adopters or [], start=1):
        org = _resolve(session, adopter.org_id, adopter.organisation)
        if org is None:
            errors.append(RowError(row, t("price.col.organisation"),
                                   t("price.org_not_found", key=adopter.organisation)))
            continue
        if org.id in seen:
            errors.append(RowError(row, t("price.col.organisation"), t("price.org_twice", name=org.name)))
            continue
        seen.add(org.id)
        out.append({"org_id": org.id, "name": org.name, "org_number": org.org_number, "kind": org.kind,
                    "population": adopter.population,        # None: the population year's figure
                    "units": str(adopter.units)})
    if errors:
        raise ValidationFailed(errors)
    return out


def adopters_from_agreements(session: Session, service_code: str, year: int,
                             growth_percent: Decimal = Decimal(0), meter: str | None = None) -> tuple[list[dict], dict]:
    """Organisations with a service appendix in force on 1 January of the price year, with their
    metered usage over the last 12 months before it × (1 + growth) as expected units (the given
    meter, or the service's first).

    Returns (adopters, where the figures came from). Raises in plain language when nobody has an
    appendix."""
    on_date = date(year, 1, 1)
    org_ids = sources.adopter_ids(session, service_code, on_date)
    if not org_ids:
        raise BackofficeError(t("price.no_appendices", service=service_code, date=on_date.strftime("%d.%m.%Y")))
    start, end = sources.usage_period(year)
    if meter is None:
        first = sources.first_meter(session, service_code)
        meter = first.code if first else None
    usage = sources.usage_by_organisation(session, service_code, start, end, meter) if meter else {}
    factor = 1 + Decimal(growth_percent) / 100
    orgs = session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.name))
    adopters = [{"org_id": o.id, "name": o.name, "org_number": o.org_number, "kind": o.kind, "population": None,
                 "units": str(usage.get(o.id, Decimal(0)) * factor)} for o in orgs]
    origin = {"appendices_on": on_date.isoformat(), "meter": meter, "usage_from": start.isoformat(),
              "usage_to": end.isoformat(), "growth_percent": str(growth_percent)}
    return adopters, origin


def build_inputs(session: Session, request: CalculationRequest) -> dict:
    service = get_service(session, request.service)
    year, basis = request.year, request.basis
    codes = costbase.service_codes(session)
    direct = [
        {"cost_type": i.cost_type, "description": i.description, "amount_ore": i.amount_ore,
         "counts": i.counts_toward_self_cost}
        for i in session.scalars(select(CostItem).where(CostItem.service_id == service.id, CostItem.year == year,
                                                        CostItem.basis == basis)
                                 .order_by(CostItem.cost_type, CostItem.id))
    ]
    allocation = [line.as_dict() for line in costbase.allocation_for(session, service.id, year, basis)]
    # the key figures of every pool the service shares in, so the allocation can be redone
    figures = {}
    for pool in costbase.pools_of_year(session, year):
        if any(line["pool"] == pool.code for line in allocation):
            figures[pool.code] = {codes[f.service_id]: str(f.figure) for f in pool.figures}
    capital_lines = [line.as_dict() for line in capital.capital_lines(session, service.id, year)]
    loans = [{"loan": name, "payment": str(amount)} for name, amount in
             digifin.payment_in_year(session, service.id, year)]
    origin = None
    if request.adopters is not None:
        adopters, source = _adopters_from_request(session, request), "manual"
    else:
        adopters, origin = adopters_from_agreements(session, service.code, year, request.volume_growth_percent,
                                                    request.meter)
        source = "agreements"
    population_year = request.population_year or pricelists.default_population_year(session, year)
    fallback = _fill_populations(session, adopters, population_year)
    previous = pricelists.approved_price(session, service.code, year - 1)
    rate = capital.rate_for(session, year)
    return {
        "service": service.code, "service_name": service.name, "year": year, "basis": basis,
        "model": request.model.model_dump(mode="json"), "fund_use_ore": request.fund_use_ore,
        "fund_due": fund_due(session, service.code, year),   # fund deadlines in this year: fundplan.due_warnings
        "direct": direct, "allocation": allocation, "key_figures": figures, "capital": capital_lines,
        "imputed_rate": str(rate) if rate is not None else None,
        "digifin": loans, "adopters": adopters, "volume_source": source, "volume_origin": origin,
        "volume_growth_percent": str(request.volume_growth_percent),
        "previous": previous.as_dict() if previous else None,
        "population_year": population_year, "population_fallback": fallback,
    }


def _fill_populations(session: Session, adopters: list[dict], year: int | None) -> list[str]:
    """Each adopter's inhabitants on 1 January of `year` (a figure given by hand is kept). Returns the
    names of those without a figure for the year, who get the register's latest figure instead."""
    wanted = [a for a in adopters if a.get("population") is None]
    found = pricelists.populations(session, [a["org_id"] for a in wanted], year)
    latest = pricelists.populations(session, [a["org_id"] for a in wanted if a["org_id"] not in found], None)
    fallback = []
    for adopter in wanted:
        if adopter["org_id"] in found:
            adopter["population"] = found[adopter["org_id"]]
        else:
            adopter["population"] = latest.get(adopter["org_id"], 0)
            fallback.append(adopter["name"])
    return fallback


# --- capabilities -------------------------------------------------------------------------------


def preview_price(session: Session, actor: Actor, request) -> tuple[dict, dict]:
    """Inputs and result, without storing anything (the calculation page's live view)."""
    actor.require("pricing.write")
    data = validate(CalculationRequest, request)
    inputs = build_inputs(session, data)
    return inputs, compute(inputs)


def calculate_price(session: Session, actor: Actor, request) -> PriceCalculation:
    """Calculate and store a new numbered calculation for the service and year (a draft)."""
    actor.require("pricing.write")
    data = validate(CalculationRequest, request)
    inputs = build_inputs(session, data)
    result = compute(inputs)
    service = get_service(session, data.service)
    lock(session, select(Service.id).where(Service.id == service.id))     # numbered one at a time per service
    number = (session.scalar(select(func.max(PriceCalculation.number)).where(
        PriceCalculation.service_id == service.id, PriceCalculation.year == data.year)) or 0) + 1
    calc = PriceCalculation(service_id=service.id, year=data.year, number=number, status="draft",
                            basis=data.basis, note=data.note, inputs=inputs, result=result,
                            self_cost_ore=result["self_cost_ore"], expected_revenue_ore=result["expected_revenue_ore"],
                            created_by=actor.username, created_at=utcnow(),
                            population_year=inputs["population_year"])
    with refusing_duplicates(session, (unique_key(PriceCalculation, "uq_pricing_calculation_service_id_year_number"),),
                             lambda: _numbered_meanwhile(session, service, data.year, number)):
        session.add(calc)
    return calc


def _numbered_meanwhile(session: Session, service: Service, year: int, number: int) -> ConflictError:
    who = session.scalar(select(PriceCalculation.created_by).where(
        PriceCalculation.service_id == service.id, PriceCalculation.year == year, PriceCalculation.number == number))
    return ConflictError(t("price.calculation_just_saved", number=number, service=service.name, year=year,
                           who=who or "-"))


def recalculate(calc: PriceCalculation) -> dict:
    """Redo a stored calculation from its stored inputs alone (must equal its stored result)."""
    return compute(calc.inputs)


def get_calculation(session: Session, calc_id: int) -> PriceCalculation:
    return get_or_raise(session, PriceCalculation, calc_id, "price.calculation_not_found")


def _draft_only(calc: PriceCalculation) -> None:
    if calc.status == "approved":
        raise BackofficeError(t("price.approved_immutable"))


def delete_calculation(session: Session, actor: Actor, calc_id: int) -> None:
    actor.require("pricing.write")
    delete_row(session, PriceCalculation, calc_id, "price.calculation_not_found", guard=_draft_only)


def calculation_rows(session: Session, service: str | None = None, year: int | None = None) -> list[dict]:
    """Every calculation (newest year first) with its price list, if approved, and, for a draft a leader sent back,
    who sent it back, when and why (`sent_back_by/at/reason`: a return only matters while it is a draft)."""
    query = (select(PriceCalculation, Service.code, Service.name, PriceList.number.label("list_number"))
             .join(Service, Service.id == PriceCalculation.service_id)
             .outerjoin(PriceList, PriceList.calculation_id == PriceCalculation.id)
             .order_by(PriceCalculation.year.desc(), Service.code, PriceCalculation.number.desc()))
    if service:
        query = query.where(Service.code == service)
    if year:
        query = query.where(PriceCalculation.year == year)
    rows = []
    for c, code, name, list_number in session.execute(query):
        returned = c.status == "draft" and bool(c.sent_back_reason)
        rows.append({
            "id": c.id, "service": code, "service_name": name, "year": c.year, "number": c.number,
            "status": c.status, "basis": c.basis, "self_cost_ore": c.self_cost_ore,
            "expected_revenue_ore": c.expected_revenue_ore, "adopters": len(c.inputs.get("adopters", [])),
            "created_by": c.created_by, "created_at": c.created_at, "submitted_by": c.submitted_by,
            "submitted_at": c.submitted_at, "population_year": c.population_year, "note": c.note,
            "price_list": list_number, "sent_back_by": c.sent_back_by if returned else None,
            "sent_back_at": c.sent_back_at if returned else None,
            "sent_back_reason": c.sent_back_reason if returned else None})
    return rows


def calculations(session: Session, actor: Actor, year: int | None = None, service: str | None = None) -> list[dict]:
    """`calculation_rows` for those who read calculations: finance and the leader (the CLI's `prices calculations`)."""
    if not actor.can("pricing.approve"):
        actor.require("pricing.write")
    return calculation_rows(session, service, year)


def default_model(basis: str = "inhabitant") -> PriceModel:
    return PriceModel(components=[{"basis": basis, "share": 100}])


def starting_point(session: Session, service_code: str, year: int) -> dict | None:
    """Model and adopters of the service's latest calculation up to `year` (to start a new one from)."""
    service = get_service(session, service_code)
    calc = session.scalar(select(PriceCalculation).where(PriceCalculation.service_id == service.id,
                                                         PriceCalculation.year <= year)
                          .order_by(PriceCalculation.year.desc(), PriceCalculation.number.desc()).limit(1))
    if calc is None:
        return None
    planned = planned_use(session, service_code, year)   # the fund's planned use flows into the price
    return {"model": calc.inputs["model"],
            "fund_use_ore": planned if planned is not None else calc.inputs["fund_use_ore"],
            "adopters": [{"org_id": a["org_id"], "organisation": a.get("org_number") or a["name"], "name": a["name"],
                          "units": float(Decimal(str(a.get("units") or 0)))} for a in calc.inputs["adopters"]]}


def municipality_adopters(session: Session) -> list[dict]:
    """Every current municipality, as a starting list of adopters (units to be filled in)."""
    orgs = session.scalars(select(Organisation).where(Organisation.kind == "municipality",
                                                      Organisation.valid_to.is_(None)).order_by(Organisation.name))
    return [{"org_id": o.id, "organisation": o.org_number or o.municipality_number or o.name, "name": o.name,
             "units": 0.0} for o in orgs]


def side_by_side(session: Session, calc: PriceCalculation) -> list[dict]:
    """The calculation's main figures beside last year's approved calculation for the same service."""
    last = session.scalar(select(PriceCalculation).join(PriceList, PriceList.calculation_id == PriceCalculation.id)
                          .where(PriceCalculation.service_id == calc.service_id,
                                 PriceCalculation.year == calc.year - 1)
                          .order_by(PriceList.number.desc()).limit(1))
    keys = ("direct", "allocated", "capital", "digifin", "fund_use_ore", "self_cost", "expected_revenue_ore")
    rows = []
    for key in keys:
        this_value = Decimal(str(calc.result[key]))
        last_value = Decimal(str(last.result[key])) if last is not None else None
        rows.append({"item": key, "this_ore": round_ore(this_value),
                     "last_ore": round_ore(last_value) if last_value is not None else None,
                     "change_ore": round_ore(this_value - last_value) if last_value is not None else None})
    rows.append({"item": "adopters", "this_ore": len(calc.result["charges"]),
                 "last_ore": len(last.result["charges"]) if last is not None else None,
                 "change_ore": len(calc.result["charges"]) - len(last.result["charges"]) if last is not None else None})
    return rows
