"""What may come in to the pricing capabilities (forms, imports, CLI) and its validation."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data.i18n import t

YEAR = Field(ge=2000, le=2100)


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class CostItemIn(_In):
    year: int = YEAR
    basis: Literal["budget", "actual"] = "budget"
    service: str | None = None           # service code: a direct cost
    pool: str | None = None              # pool code (same year): a shared cost
    cost_type: Literal["support", "operations", "management", "administration", "development", "other"]
    description: str = Field(min_length=1, max_length=300)
    amount_ore: int
    counts_toward_self_cost: bool = True

    @field_validator("service", "pool", mode="before")
    @classmethod
    def _blank(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _one_target(self):
        if (self.service is None) == (self.pool is None):
            raise ValueError(t("price.cost_target"))
        return self


class CostPoolIn(_In):
    year: int = YEAR
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1, max_length=200)
    key_type: Literal["usage", "fte", "tickets", "revenue", "fixed"]
    note: str = ""


class KeyFiguresIn(_In):
    """The key's figures per service code. For fixed percentages they must add up to 100."""

    figures: dict[str, Decimal]

    @field_validator("figures")
    @classmethod
    def _non_negative(cls, value):
        for code, figure in value.items():
            if figure < 0:
                raise ValueError(t("price.figure_negative", service=code))
        return value


class InvestmentIn(_In):
    service: str
    name: str = Field(min_length=1, max_length=200)
    amount_ore: int = Field(gt=0)
    year_in_use: int = YEAR
    years_of_use: int = Field(ge=1, le=100)
    counts_toward_self_cost: bool = True
    note: str = ""


class InterestRateIn(_In):
    year: int = YEAR
    swap_rate: Decimal = Field(ge=Decimal("-5"), le=Decimal("30"), decimal_places=4)
    source: str = ""


class DrawdownIn(_In):
    on_date: date
    amount_ore: int = Field(gt=0)


class DigifinLoanIn(_In):
    service: str
    name: str = Field(min_length=1, max_length=200)
    interest_rate: Decimal = Field(ge=0, le=30, decimal_places=4)
    first_repayment_year: int = YEAR
    repayment_years: int = Field(ge=1, le=40)
    note: str = ""
    drawdowns: list[DrawdownIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _drawdowns_before_repayment(self):
        for drawdown in self.drawdowns:
            if drawdown.on_date.year >= self.first_repayment_year:
                raise ValueError(t("price.drawdown_after_launch", date=drawdown.on_date.isoformat(),
                                   year=self.first_repayment_year))
        return self


class Tier(_In):
    """A tier of units (or inhabitants) up to `up_to` (None: the rest), priced at `factor` × the base rate."""

    up_to: int | None = Field(default=None, gt=0)
    factor: Decimal = Field(default=Decimal(1), gt=0)


class PriceComponent(_In):
    """One part of a price model. Components' shares of the self-cost add up to 100 percent."""

    basis: Literal["organisation", "inhabitant", "unit"]
    share: Decimal = Field(gt=0, le=100)
    tiers: list[Tier] = Field(default_factory=list)
    tier_mode: Literal["graduated", "volume"] = "graduated"
    minimum_fee_ore: int = Field(default=0, ge=0)
    unit_label: str = ""

    @model_validator(mode="after")
    def _tiers(self):
        if self.basis == "organisation" and (self.tiers or self.minimum_fee_ore):
            raise ValueError(t("price.fixed_fee_no_tiers"))
        bounds = [tier.up_to for tier in self.tiers]
        if bounds and bounds[-1] is not None:
            raise ValueError(t("price.last_tier_open"))
        if any(b is None for b in bounds[:-1]):
            raise ValueError(t("price.only_last_tier_open"))
        numbers = [b for b in bounds if b is not None]
        if numbers != sorted(set(numbers)):
            raise ValueError(t("price.tiers_ascending"))
        return self


ORG_KINDS = ("municipality", "county_municipality", "state_agency", "other")   # data.registers.models
KIND_CHARGES = ("model", "per_inhabitant", "fixed", "per_unit", "free")


class KindPrice(_In):
    """How one organisation kind is charged.

    "model": by the calculation's components, whose rates are solved from the self-cost (what every
    adopter paid before prices were stated per kind: the municipalities' price). "per_inhabitant": its own
    tiers, tier prices (øre per inhabitant) and minimum fee; "fixed": its own yearly amount (`fee_ore`);
    "per_unit": its own price per metered unit (`tier_prices_ore`, one per tier) and minimum fee; "free":
    not charged. What the kinds with their own price pay is deducted from the self-cost before the
    components' rates are solved, so the organisations paying by the model cover the rest."""

    charge: Literal["model", "per_inhabitant", "fixed", "per_unit", "free"]
    fee_ore: int = Field(default=0, ge=0)
    tiers: list[Tier] = Field(default_factory=list)
    tier_mode: Literal["graduated", "volume"] = "graduated"
    tier_prices_ore: list[int] = Field(default_factory=list)
    minimum_fee_ore: int = Field(default=0, ge=0)
    unit_label: str = ""

    @model_validator(mode="after")
    def _prices(self):
        if self.charge == "fixed" and self.fee_ore <= 0:
            raise ValueError(t("price.kind_fee_missing"))
        if self.charge in ("per_inhabitant", "per_unit"):
            if not self.tier_prices_ore and not self.tiers:
                raise ValueError(t("price.kind_price_missing"))
            if len(self.tier_prices_ore) != max(1, len(self.tiers)) or any(p < 0 for p in self.tier_prices_ore):
                raise ValueError(t("price.kind_tier_prices", tiers=max(1, len(self.tiers))))
            PriceComponent(basis="unit", share=100, tiers=self.tiers)      # the same rules for the tiers
        return self


def _default_kinds() -> dict:
    return {"municipality": KindPrice(charge="model")}


class PriceModel(_In):
    components: list[PriceComponent] = Field(min_length=1)
    # how each organisation kind is charged; a kind left out has no price (its adopters are refused)
    kinds: dict[Literal["municipality", "county_municipality", "state_agency", "other"], KindPrice] = Field(
        default_factory=_default_kinds)

    @model_validator(mode="after")
    def _shares(self):
        if sum(c.share for c in self.components) != 100:
            raise ValueError(t("price.shares_not_100"))
        return self


class AdopterIn(_In):
    """One adopting organisation and its expected volume (units of the meter) for the year."""

    organisation: str = ""            # org number, municipality number or exact name
    org_id: int | None = None         # the register id, when known (wins over `organisation`)
    units: Decimal = Field(default=Decimal(0), ge=0)
    population: int | None = Field(default=None, ge=0)   # None: from the register


class CalculationRequest(_In):
    service: str
    year: int = YEAR
    basis: Literal["budget", "actual"] = "budget"
    model: PriceModel
    fund_use_ore: int = 0              # + draws on the self-cost fund (lowers price), − sets aside
    adopters: list[AdopterIn] | None = None   # None: from agreements (active appendices) and metering
    volume_growth_percent: Decimal = Decimal(0)   # applied to last year's metered usage
    meter: str | None = None           # which meter's usage is the volume (default: the service's first)
    population_year: int | None = Field(default=None, ge=1900, le=2100)   # None: the latest year with figures
    note: str = ""


class ApprovalIn(_In):
    calculation_id: int
    comment: str = ""


class SubmitIn(_In):
    calculation_id: int



def parse_tiers(text: str | None) -> list[dict]:
    """"10000:1; 50000:0.5; :0.25" -> tiers (upper bound : factor; the last is open). Blank: no tiers."""
    tiers = []
    for part in (text or "").replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        bound, _, factor = part.partition(":")
        bound = bound.strip().replace(" ", "")
        try:
            tiers.append({"up_to": int(bound) if bound else None,
                          "factor": str(Decimal(factor.strip().replace(",", ".") or "1"))})
        except (ValueError, ArithmeticError) as exc:
            raise ValueError(t("price.bad_tiers", text=part)) from exc
    return tiers
