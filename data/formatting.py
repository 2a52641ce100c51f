"""Numbers, money and dates the Norwegian way (Babel, nb_NO), or English when chosen."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

from data.i18n import get_language

_LOCALES = {"nb": "nb_NO", "en": "en_GB"}
ORE = Decimal("0.01")
OSLO = ZoneInfo("Europe/Oslo")   # times are stored in UTC and shown in Norwegian time


def _locale() -> str:
    return _LOCALES[get_language()]


def to_ore(amount: Decimal | int | str) -> int:
    """Kroner (Decimal) to integer øre, rounded half-up once."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_ore(ore: int) -> Decimal:
    return (Decimal(ore) / 100).quantize(ORE)


def money(ore: int | None, with_unit: bool = True) -> str:
    """`123456789` øre -> `1 234 567,89 kr` (nb) or `NOK 1,234,567.89` (en)."""
    if ore is None:
        return ""
    text = format_decimal(from_ore(ore), format="#,##0.00", locale=_locale())
    if not with_unit:
        return text
    return f"{text} kr" if get_language() == "nb" else f"NOK {text}"


def number(value, decimals: int = 0) -> str:
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale())


def percent(value, decimals: int = 1) -> str:
    if value is None:
        return ""
    return number(Decimal(str(value)) * 100, decimals) + " %"


def start_of_day(value: date) -> datetime:
    """The UTC moment the Norwegian calendar day `value` begins: compares business dates with stored times."""
    return datetime.combine(value, time.min, tzinfo=OSLO).astimezone(UTC)


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):   # a stored (UTC) time falls on the Norwegian calendar day
        value = (value.astimezone(OSLO) if value.tzinfo else value).date()
    return value.strftime("%d.%m.%Y") if get_language() == "nb" else _babel_date(value, "d MMM yyyy", locale="en_GB")
