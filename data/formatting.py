"""Numbers, money and dates the Norwegian way (Babel, nb_NO), or English when chosen."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal

from data.i18n import get_language

_LOCALES = {"nb": "nb_NO", "en": "en_GB"}
ORE = Decimal("0.01")
EMPTY = "–"   # what a table shows for a missing value (never "None", "nan" or an empty cell)
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


# --- Display texts for tables and charts: the same value always reads the same way, "–" when missing ---

def is_empty(value) -> bool:
    """None, NaN, NaT and pandas' NA (the values a table would show as "None")."""
    if value is None:
        return True
    try:
        return bool(value != value)   # NaN and NaT are not equal to themselves
    except TypeError:                 # pandas.NA refuses to be a bool
        return True


_NB_SEPARATORS = str.maketrans({",": "\xa0", ".": ","})


def _half_up(value, decimals: int) -> str:
    """`value` rounded half-up to `decimals` places, grouped as Babel does for the UI language (nb: a no-break
    space between thousands and a decimal comma) — by hand, because tables format thousands of cells."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    return text.translate(_NB_SEPARATORS) if get_language() == "nb" else text


def kroner(value, decimals: int = 2) -> str:
    """An amount in kroner -> `1 234,50 kr` (nb) or `NOK 1,234.50` (en); "–" when missing."""
    if is_empty(value):
        return EMPTY
    text = _half_up(value, decimals)
    return f"{text} kr" if get_language() == "nb" else f"NOK {text}"


def integer(value) -> str:
    """`3116522` -> `3 116 522`; "–" when missing."""
    if is_empty(value):
        return EMPTY
    return _half_up(value, 0)


def decimal_text(value, decimals: int = 2) -> str:
    """`2.8` -> `2,80` with `decimals` places; "–" when missing."""
    if is_empty(value):
        return EMPTY
    return _half_up(value, decimals)


def percent_text(value, decimals: int = 1, ratio: bool = True) -> str:
    """A share as a percentage with a comma: 0.81 (or 81 when `ratio=False`) -> `81,0 %`; "–" when missing."""
    if is_empty(value):
        return EMPTY
    points = Decimal(str(value)) * (100 if ratio else 1)
    return _half_up(points, decimals) + " %"


def date_text(value) -> str:
    """A date (or a stored time's Norwegian day) as dd.mm.yyyy; "–" when missing."""
    if is_empty(value):
        return EMPTY
    if hasattr(value, "to_pydatetime"):   # a pandas Timestamp
        value = value.to_pydatetime()
    return day(value)


def datetime_text(value) -> str:
    """A stored time in Norwegian time, `dd.mm.yyyy HH:MM`; "–" when missing."""
    if is_empty(value):
        return EMPTY
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        return day(value)
    local = value.astimezone(OSLO) if value.tzinfo else value
    if get_language() == "nb":
        return local.strftime("%d.%m.%Y %H:%M")
    return _babel_datetime(local, "d MMM yyyy HH:mm", locale="en_GB")


def month_label(value: date) -> str:
    """A month for a chart axis: `jan. 2027` (nb) or `Jan 2027` (en)."""
    return _babel_date(value, "MMM y", locale=_locale())


def month_name_label(value: date) -> str:
    """A month written out: `mars 2026` (nb) or `March 2026` (en)."""
    return _babel_date(value, "LLLL y", locale=_locale())


def quarter_label(value: date) -> str:
    """The quarter a day falls in, for a chart: `4. kv. 2025` (nb) or `Q4 2025` (en)."""
    quarter = (value.month - 1) // 3 + 1
    return f"{quarter}. kv. {value.year}" if get_language() == "nb" else f"Q{quarter} {value.year}"


def day_month_label(value: date) -> str:
    """A day for a chart axis: `5. jan.` (nb) or `5 Jan` (en)."""
    return _babel_date(value, "d. MMM" if get_language() == "nb" else "d MMM", locale=_locale())


def millions(value, decimals: int = 1) -> str:
    """A large amount for an axis or a card: 14 200 000 -> `14,2 mill.` (nb) or `14.2 m` (en)."""
    if is_empty(value):
        return EMPTY
    text = _half_up(Decimal(str(value)) / Decimal(1_000_000), decimals)
    return f"{text} mill." if get_language() == "nb" else f"{text} m"
