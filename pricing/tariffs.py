"""Tariffs: the pure arithmetic of a price model's tiers and of what one organisation pays.

Shared by the price calculation (`selfcost`), the approved price lists (`pricelists`), the invoice
runs and the exports. No database and no translations: plain values in, plain values out.

A component (as stored in a calculation's result and published in a price list) is a dict with
`basis` ("organisation", "inhabitant" or "unit"), `tiers` ([{"up_to": limit or None, "factor": f}]),
`tier_mode` ("graduated" or "volume"), `tier_prices_ore` (one price per tier, øre), `minimum_fee_ore`
and, for the organisation basis, `fee_ore`. Money is exact Decimal øre until `round_ore`, once.
"""
from __future__ import annotations

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
