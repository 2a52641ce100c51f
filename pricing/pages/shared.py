"""Helpers the pricing pages share (no capability logic here)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from data import crud
from data.formatting import money
from data.formatting import to_ore as _to_ore
from data.registers.models import Service

COST_ROLES = frozenset({"finance", "leader"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def service_choices(session) -> dict[str, str]:
    """Service code -> name, by name (`crud.service_choices`, as a dict for `format_func=codes.get`)."""
    return dict(crud.service_choices(session))


def code_of(session, service_id: int) -> str:
    return session.get(Service, service_id).code


def year_choices(known: list[int]) -> list[int]:
    this = date.today().year
    return sorted(set(known) | {this - 1, this, this + 1}, reverse=True)


def default_year_index(known: list[int]) -> int:
    choices = year_choices(known)
    this = date.today().year
    return choices.index(this) if this in choices else 0


def kr(ore) -> str:
    return money(int(round(Decimal(str(ore))))) if ore is not None else ""


def to_ore(kroner: float | Decimal | str) -> int:
    return _to_ore(Decimal(str(kroner)))


def tiers_text(tiers: list[dict]) -> str:
    """[{up_to: 10000, factor: 1}, {up_to: None, factor: 0.5}] -> "10000:1; :0.5"."""
    return "; ".join(f"{tier.get('up_to') or ''}:{tier.get('factor', 1)}" for tier in tiers)


def number_or_zero(value) -> float:
    """A data-editor cell as a number: blank (None or NaN) is 0."""
    try:
        return 0 if value is None or value != value else value
    except TypeError:
        return 0


def text_or(value, default: str) -> str:
    """A data-editor cell as text: blank (None or NaN) gives `default`."""
    return value.strip() if isinstance(value, str) and value.strip() else default
