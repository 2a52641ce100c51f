"""Tariffs: the pure arithmetic of a price model's tiers and of what one organisation pays.

Shared by the price calculation (`selfcost`), the approved price lists (`pricelists`), the invoice
runs and the exports. No database and no translations: plain values in, plain values out.

A component (as stored in a calculation's result and published in a price list) is a dict with
`basis` ("organisation", "inhabitant" or "unit"), `tiers` ([{"up_to": limit or None, "factor": f}]),
`tier_mode` ("graduated" or "volume"), `tier_prices_ore` (one price per tier, øre), `minimum_fee_ore`
and, for the organisation basis, `fee_ore`. Money is exact Decimal øre until `round_ore`, once.
"""
from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def round_ore(value) -> int:
    """Exact øre (Decimal, int, str or Fraction) to whole øre, half-up: the one rounding at the end."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tier_bounds(tiers: list[dict]) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    """(lower, upper or None, factor) for each tier; no tiers is one open tier at factor 1."""
    if not tiers:
        return [(Decimal(0), None, Decimal(1))]
    out, lower = [], Decimal(0)
    for tier in tiers:
        upper = None if tier.get("up_to") is None else Decimal(tier["up_to"])
        out.append((lower, upper, Decimal(str(tier.get("factor", 1)))))
        lower = upper if upper is not None else lower
    return out


def tier_split(quantity: Decimal, tiers: list[dict], mode: str) -> list[Decimal]:
    """The quantity in each tier. Graduated: each tier takes its slice. Volume: all of it in the tier
    where the quantity falls."""
    bounds = tier_bounds(tiers)
    quantity = Decimal(quantity)
    if mode == "volume":
        out = [Decimal(0)] * len(bounds)
        for index, (_lower, upper, _factor) in enumerate(bounds):
            if upper is None or quantity <= upper:
                out[index] = quantity
                break
        return out
    out = []
    for lower, upper, _factor in bounds:
        top = quantity if upper is None else min(quantity, upper)
        out.append(max(Decimal(0), top - lower))
    return out


def weighted(quantity: Decimal, tiers: list[dict], mode: str) -> Decimal:
    """Σ quantity in a tier × the tier's factor."""
    return sum((q * f for q, (_l, _u, f) in zip(tier_split(quantity, tiers, mode), tier_bounds(tiers), strict=True)),
               Decimal(0))


def quantity_of(component: dict, population: int | None, units: Decimal | int | str | None) -> Decimal:
    """What a component prices for one organisation: 1, its inhabitants or its units."""
    if component["basis"] == "organisation":
        return Decimal(1)
    if component["basis"] == "inhabitant":
        return Decimal(str(population or 0))
    return Decimal(str(units or 0))


def priced(component: dict, parts: list[Decimal]) -> int:
    """What one organisation pays for a priced component, in øre, from its quantity split over the
    tiers: the fixed fee, or max(minimum fee, Σ quantity in a tier × tier price) rounded once."""
    if component["basis"] == "organisation":
        return int(component["fee_ore"])
    raw = sum((q * p for q, p in zip(parts, component["tier_prices_ore"], strict=True)), Decimal(0))
    return max(int(component.get("minimum_fee_ore") or 0), round_ore(raw))


def charge(component: dict, population: int | None, units: Decimal | int | str | None) -> int:
    """What one organisation pays for one priced component, in øre (tier prices already in øre)."""
    parts = tier_split(quantity_of(component, population, units), component.get("tiers") or [],
                       component.get("tier_mode") or "graduated")
    return priced(component, parts)


# --- prices per organisation kind ---------------------------------------------------------------

# What an appendix may have agreed (agreements.models.PriceModel's values): the price list must state the
# same for the organisation's kind, or the organisation is not billed.
AGREED_MODELS = ("fixed", "per_inhabitant", "per_unit", "combined", "free")


def model_of(components: list[dict]) -> str:
    """The agreed-model name of a set of components: fixed (per organisation only), per_inhabitant (by
    population, no usage), per_unit (usage only) or combined (a yearly part and usage)."""
    bases = {c["basis"] for c in components}
    if "unit" in bases:
        return "combined" if bases - {"unit"} else "per_unit"
    return "per_inhabitant" if "inhabitant" in bases else "fixed"


def kind_component(entry: dict) -> dict | None:
    """A kind's own price (KindPrice as stored) as one component `charge` understands; None for "model"
    (the calculation's components) and "free"."""
    charge_kind = entry["charge"]
    if charge_kind == "fixed":
        return {"basis": "organisation", "share": None, "tiers": [], "tier_mode": "graduated",
                "tier_prices_ore": [int(entry["fee_ore"])], "minimum_fee_ore": 0, "fee_ore": int(entry["fee_ore"]),
                "unit_label": ""}
    if charge_kind in ("per_inhabitant", "per_unit"):
        return {"basis": "inhabitant" if charge_kind == "per_inhabitant" else "unit", "share": None,
                "tiers": entry.get("tiers") or [], "tier_mode": entry.get("tier_mode") or "graduated",
                "tier_prices_ore": [int(p) for p in entry.get("tier_prices_ore") or []],
                "minimum_fee_ore": int(entry.get("minimum_fee_ore") or 0), "fee_ore": None,
                "unit_label": entry.get("unit_label") or ""}
    return None


def kind_components(kinds: dict, components: list[dict], kind: str) -> list[dict] | None:
    """The components an organisation of `kind` pays under a list: the model's, its own one, none (free);
    None when the list states no price for the kind."""
    entry = (kinds or {}).get(kind)
    if entry is None:
        return None
    if entry["charge"] == "model":
        return list(components)
    own = entry["price"] if "price" in entry else kind_component(entry)   # published or as entered
    return [] if own is None else [own]


def agreed_model(kinds: dict, components: list[dict], kind: str) -> str | None:
    """Which agreed price model the list's price for `kind` is (None: no price for the kind)."""
    entry = (kinds or {}).get(kind)
    if entry is None:
        return None
    if entry["charge"] == "model":
        return model_of(components)
    return entry["charge"]


# --- a fixed yearly charge over the periods of the year --------------------------------------------


def year_share(year: int, start, end, through) -> Fraction:
    """The share of `year`'s charge earned by an appendix in force from `start` to `end` (None: open),
    counting the days from 1 January to `through`: each month is one twelfth, shared by its days, so a
    day in force in a month of n days weighs 1/(12·n)."""
    first = max(start, date(year, 1, 1))
    last = min(end or date(year, 12, 31), through, date(year, 12, 31))
    if last < first:
        return Fraction(0)
    share = Fraction(0)
    month_start = date(first.year, first.month, 1)
    while month_start <= last:
        days = calendar.monthrange(month_start.year, month_start.month)[1]
        month_end = date(month_start.year, month_start.month, days)
        lo, hi = max(first, month_start), min(last, month_end)
        share += Fraction((hi - lo).days + 1, 12 * days)
        month_start = date(month_start.year + month_start.month // 12, month_start.month % 12 + 1, 1)
    return share
