"""What may come in (forms, CLI) for the portfolio, and the month and FTE arithmetic everything shares."""
from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data.i18n import t
from portfolio.models import DocumentKind, Financing, PersonKind, PrincipleVerdict

# --- months and FTE ------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def months_between(first: date, later: date) -> int:
    """Whole calendar months from `first`'s month to `later`'s month (negative when earlier)."""
    return (later.year - first.year) * 12 + later.month - first.month


def month_range(first: date, last: date) -> list[date]:
    first, last = month_start(first), month_start(last)
    return [add_months(first, i) for i in range(months_between(first, last) + 1)]


def parse_month(value) -> date:
    """`2027-03`, `03.2027`, `2027-03-15` or a date -> the first day of that month."""
    if isinstance(value, date):
        return month_start(value)
    text = str(value).strip()
    try:
        if "." in text:
            parts = text.split(".")
            month, year = (parts[-2], parts[-1])
            return date(int(year), int(month), 1)
        parts = text.split("-")
        return date(int(parts[0]), int(parts[1]), 1)
    except (ValueError, IndexError):
        raise ValueError(t("pf.error.bad_month", value=text)) from None


def month_label(month: date) -> str:
    return f"{month.year}-{month.month:02d}"


def to_pct(fte) -> int:
    """FTE (`0,5`, `1.25`, Decimal) -> integer hundredths, rounded half-up once."""
    if isinstance(fte, str):
        fte = fte.replace(",", ".").strip()
    return int((Decimal(str(fte)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fte_of(pct: int | None) -> Decimal:
    """Integer hundredths -> FTE as Decimal with two decimals."""
    return (Decimal(pct or 0) / 100).quantize(Decimal("0.01"))


def _decimal(value):
    """Accept `0,5` as well as `0.5`; floats from widgets are rounded to hundredths."""
    if isinstance(value, float):
        return Decimal(str(round(value, 2)))
    if isinstance(value, str):
        try:
            return Decimal(value.replace(",", ".").strip())
        except Exception:
            raise ValueError(t("pf.error.bad_fte", value=value)) from None
    return value


# --- payloads ------------------------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class ProjectIn(_In):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    service_code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    service_name: str = Field(default="", max_length=200)
    owner_id: int | None = None
    product_owner_id: int | None = None
    priority: int | None = Field(default=None, ge=1)
    financing: Financing
    start_date: date
    end_date: date
    handles_personal_data: bool | None = None   # left out of an edit: the earlier answer stays

    @field_validator("service_code", mode="before")
    @classmethod
    def _lower(cls, value):
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date < self.start_date:
            raise ValueError(t("pf.error.end_before_start"))
        return self


class DocumentIn(_In):
    kind: DocumentKind
    title: str = Field(min_length=2, max_length=200)
    reference: str = Field(default="", max_length=500)


class GateIn(_In):
    comment: str = Field(default="", max_length=2000)


class PrincipleIn(_In):
    """The project judged against one Fiks platform principle; partly or not needs a reason."""

    principle: int = Field(ge=1, le=8)
    verdict: PrincipleVerdict
    reason: str = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _reason(self):
        if self.verdict != PrincipleVerdict.FITS and len(self.reason) < 3:
            raise ValueError(t("pf.principles.reason_needed", number=self.principle,
                               verdict=t(f"pf.verdict.{self.verdict.value}").lower()))
        return self


class PrinciplesIn(_In):
    """The whole assessment: each of the eight principles once; with it, optionally, the answer whether the
    service handles personal data (the planning gate asks both)."""

    principles: list[PrincipleIn]
    handles_personal_data: bool | None = None

    @model_validator(mode="after")
    def _all_eight(self):
        numbers = sorted(p.principle for p in self.principles)
        if numbers != list(range(1, 9)):
            missing = sorted(set(range(1, 9)) - set(numbers))
            raise ValueError(t("pf.principles.incomplete", missing=", ".join(map(str, missing)) or "-"))
        return self


class ProjectRequestIn(_In):
    """A change request a user council approved, taken into a project; optionally estimated as open demand
    (FTE of one role over a range of months)."""

    change_request_id: int
    service_code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    role_code: str | None = None
    first_month: date | None = None
    last_month: date | None = None
    fte: Decimal | None = Field(default=None, gt=0, le=100, decimal_places=2)

    @field_validator("first_month", "last_month", mode="before")
    @classmethod
    def _month(cls, value):
        return None if value in (None, "") else parse_month(value)

    @field_validator("role_code", mode="before")
    @classmethod
    def _blank(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("fte", mode="before")
    @classmethod
    def _fte(cls, value):
        return None if value in (None, "", 0, "0") else _decimal(value)

    @model_validator(mode="after")
    def _estimate(self):
        given = [self.role_code, self.first_month, self.last_month, self.fte]
        if any(v is not None for v in given) and not all(v is not None for v in given):
            raise ValueError(t("pf.request.estimate_incomplete"))
        if self.first_month and self.last_month and self.last_month < self.first_month:
            raise ValueError(t("pf.error.end_before_start"))
        return self


class RoleIn(_In):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,39}$")
    name: str = Field(min_length=2, max_length=120)
    competence: str = ""
    sort_order: int = 100


class PersonRoleIn(_In):
    role_code: str
    share_pct: int = Field(default=100, ge=1, le=100)


class PersonIn(_In):
    name: str = Field(min_length=1, max_length=200)
    kind: PersonKind = PersonKind.INTERNAL
    fte_pct: int = Field(ge=1, le=100)
    availability_pct: int = Field(default=100, ge=0, le=100)
    start_date: date
    end_date: date | None = None
    competence: str = ""
    note: str = ""
    roles: list[PersonRoleIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self):
        if self.end_date and self.end_date < self.start_date:
            raise ValueError(t("pf.error.end_before_start"))
        codes = [r.role_code for r in self.roles]
        if len(set(codes)) != len(codes):
            raise ValueError(t("pf.error.role_twice"))
        total = sum(r.share_pct for r in self.roles)
        if total != 100:
            raise ValueError(t("pf.error.shares", total=total))
        return self


class ScheduleChangeIn(_In):
    effective_from: date
    fte_pct: int = Field(ge=0, le=100)
    availability_pct: int = Field(ge=0, le=100)
    note: str = Field(default="", max_length=300)

    @field_validator("effective_from", mode="before")
    @classmethod
    def _month(cls, value):
        return parse_month(value)


class BackgroundLoadIn(_In):
    role_code: str
    description: str = Field(min_length=2, max_length=200)
    service_code: str | None = None
    fte: Decimal = Field(gt=0, le=100, decimal_places=2)
    start_month: date
    end_month: date | None = None

    @field_validator("start_month", "end_month", mode="before")
    @classmethod
    def _month(cls, value):
        return None if value in (None, "") else parse_month(value)

    @field_validator("fte", mode="before")
    @classmethod
    def _fte(cls, value):
        return _decimal(value)

    @model_validator(mode="after")
    def _check(self):
        if self.end_month and self.end_month < self.start_month:
            raise ValueError(t("pf.error.end_before_start"))
        return self


class NeedIn(_In):
    """Demand (person_id None) or an allocation of a named person, for each month in a range."""

    project_id: int
    role_code: str
    person_id: int | None = None
    first_month: date
    last_month: date
    fte: Decimal = Field(ge=0, le=100, decimal_places=2)

    @field_validator("first_month", "last_month", mode="before")
    @classmethod
    def _month(cls, value):
        return parse_month(value)

    @field_validator("fte", mode="before")
    @classmethod
    def _fte(cls, value):
        return _decimal(value)

    @model_validator(mode="after")
    def _check(self):
        if self.last_month < self.first_month:
            raise ValueError(t("pf.error.end_before_start"))
        return self


class ScenarioIn(_In):
    name: str = Field(min_length=2, max_length=120)
    description: str = ""


class ScenarioRowIn(_In):
    project_id: int
    priority: int = Field(ge=1)
    shift_months: int = Field(default=0, ge=-60, le=60)


class BaselineIn(_In):
    name: str = Field(min_length=2, max_length=120)
    note: str = ""


class DemandCellIn(_In):
    """One cell of the demand sheet: open demand in FTE for a project, role and month (blank = none)."""

    fte: Decimal

    @field_validator("fte", mode="before")
    @classmethod
    def _fte(cls, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return Decimal(0)
        if isinstance(value, bool):
            raise ValueError(t("pf.demand.bad_fte", value=value))
        try:
            amount = _decimal(value) if isinstance(value, str | float) else Decimal(value)
        except (ValueError, TypeError, ArithmeticError):
            raise ValueError(t("pf.demand.bad_fte", value=value)) from None
        if not amount.is_finite():
            raise ValueError(t("pf.demand.bad_fte", value=value))
        if amount < 0:
            raise ValueError(t("pf.demand.negative", value=value))
        if amount > 100:
            raise ValueError(t("pf.demand.too_large", value=value))
        return amount
