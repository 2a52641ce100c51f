"""Capital costs: linear depreciation and imputed interest on the year's average residual value.

Rules (the self-cost regulation, forskrift 11. desember 2019 nr. 1731 om beregning av samlet selvkost
for kommunale og fylkeskommunale gebyrer (FOR-2019-12-11-1731), which the department applies by
choice, as explained in the ministry's guide to it, «Veileder til selvkostforskriften», H-2465, 2020):
- depreciation is linear over the years of use and starts the year AFTER the asset was taken into use;
- imputed interest = average of the residual value at the start and the end of the year × the
  imputed rate, where the imputed rate is that year's average 5-year swap rate + 0.5 percentage points
  (the finance adviser enters the swap rate per year).
- years of use: the asset class's maximum depreciation period in the municipal budget and accounting
  regulation (forskrift 7. juni 2019 nr. 714 om økonomiplan, årsbudsjett, årsregnskap og årsberetning
  for kommuner og fylkeskommuner mv. (FOR-2019-06-07-714), § 3-4 «Avskrivninger av anleggsmidler»,
  letters a–f) is the default and the limit; a longer life needs a written reason stored with the
  investment (`life_reason`), otherwise saving is refused naming that field. The table below is the
  text of § 3-4 as amended after the ministry's hearing of January 2021 (software 15 years), taken from
  a secondary source (Sticos, «Endret avskrivningstid for programvare»): Lovdata was not among the stored
  sources, so finance can correct a class's maximum in the app (`set_class_life`, stored with its source).
Everything is exact Decimal in øre; the price calculation rounds once, at the end.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import delete_row, ensure_version, get_or_raise, new_or_for_edit
from data.errors import BackofficeError, RowError, ValidationFailed, validate
from data.i18n import t
from data.registers.models import Service
from data.registers.registry import get_service
from pricing.models import AssetClassLife, InterestRate, Investment
from pricing.schemas import InterestRateIn, InvestmentIn

SWAP_MARKUP = Decimal("0.5")   # percentage points over the 5-year swap rate

# FOR-2019-06-07-714 § 3-4: «Avskrivningsperioden kan likevel ikke være lengre enn» (letter, years);
# names in the messages catalogue (price.asset_class.<code>). See the module docstring for the source.
ASSET_CLASSES: dict[str, tuple[str, int]] = {
    "ict_equipment": ("a", 5),      # IKT-utstyr, kontormaskiner og lignende
    "equipment": ("b", 10),         # inventar og innredning, større utstyr, verktøy og maskiner, kjøretøy og lignende
    "software": ("c", 15),          # programvare
    "heavy_vehicles": ("d", 20),    # brannbiler og andre større nyttekjøretøy, større anleggsmaskiner, båter og ferger
    "facilities": ("e", 40),        # barnehage- og skolelokaler, idrettsanlegg, boliger, veger, kaier, ledningsnett ...
    "buildings": ("f", 50),         # administrasjonslokaler, institusjonslokaler, kulturbygg, lagerbygg, brannstasjoner
}
ASSET_CLASS_SOURCE = ("FOR-2019-06-07-714 § 3-4, som endret etter høringen i januar 2021 (gjengitt av Sticos: "
                      "«Endret avskrivningstid for programvare»); kontroller mot Lovdata")
DEFAULT_ASSET_CLASS = "software"


class InvestmentWithLifeIn(InvestmentIn):
    """An investment with its asset class; `years_of_use` left out is the class's maximum."""

    years_of_use: int | None = Field(default=None, ge=1, le=100)
    asset_class: str = DEFAULT_ASSET_CLASS
    life_reason: str = Field(default="", max_length=2000)


class ClassLifeIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str
    max_years: int = Field(ge=1, le=100)
    source: str = Field(min_length=1, max_length=2000)


@dataclass
class CapitalLine:
    investment: str
    amount_ore: int
    year_in_use: int
    years_of_use: int
    counts: bool
    depreciation: Decimal      # øre, exact
    opening: Decimal           # residual value 1 January
    closing: Decimal           # residual value 31 December
    average: Decimal
    rate_percent: Decimal      # imputed rate (swap + 0.5)
    interest: Decimal          # øre, exact

    @property
    def total(self) -> Decimal:
        return self.depreciation + self.interest

    def as_dict(self) -> dict:
        return {"investment": self.investment, "amount_ore": self.amount_ore, "year_in_use": self.year_in_use,
                "years_of_use": self.years_of_use, "counts": self.counts,
                "depreciation": str(self.depreciation), "opening": str(self.opening),
                "closing": str(self.closing), "average": str(self.average),
                "rate_percent": str(self.rate_percent), "interest": str(self.interest), "total": str(self.total)}


def imputed_rate(swap_rate: Decimal) -> Decimal:
    return Decimal(swap_rate) + SWAP_MARKUP


def capital_cost(amount_ore: int, year_in_use: int, years_of_use: int, year: int,
                 rate_percent: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(depreciation, opening, closing, interest) for `year`, exact, in øre."""
    amount = Decimal(amount_ore)
    per_year = amount / years_of_use
    k = year - year_in_use       # 1 in the first year of depreciation
    if k < 1:
        return Decimal(0), amount if k == 0 else Decimal(0), amount if k == 0 else Decimal(0), Decimal(0)
    if k > years_of_use:
        return Decimal(0), Decimal(0), Decimal(0), Decimal(0)
    opening = amount - per_year * (k - 1)
    closing = amount - per_year * k
    interest = (opening + closing) / 2 * Decimal(rate_percent) / 100
    return per_year, opening, closing, interest


def rate_for(session: Session, year: int) -> Decimal | None:
    row = session.get(InterestRate, year)
    return None if row is None else imputed_rate(row.swap_rate)


def capital_lines(session: Session, service_id: int, year: int) -> list[CapitalLine]:
    lines = []
    investments = session.scalars(select(Investment).where(Investment.service_id == service_id)
                                  .order_by(Investment.year_in_use, Investment.id))
    for inv in investments:
        k = year - inv.year_in_use
        if k < 1 or k > inv.years_of_use:
            continue
        rate = rate_for(session, year)
        if rate is None:
            raise BackofficeError(t("price.rate_missing", year=year))
        dep, opening, closing, interest = capital_cost(inv.amount_ore, inv.year_in_use, inv.years_of_use, year, rate)
        lines.append(CapitalLine(inv.name, inv.amount_ore, inv.year_in_use, inv.years_of_use,
                                 inv.counts_toward_self_cost, dep, opening, closing, (opening + closing) / 2,
                                 rate, interest))
    return lines


def schedule(session: Session, investment_id: int) -> list[dict]:
    """Year by year for one investment: depreciation, residual values, rate and interest."""
    inv = get_or_raise(session, Investment, investment_id, "price.investment_not_found")
    out = []
    for year in range(inv.year_in_use + 1, inv.year_in_use + inv.years_of_use + 1):
        rate = rate_for(session, year)
        dep, opening, closing, interest = capital_cost(inv.amount_ore, inv.year_in_use, inv.years_of_use, year,
                                                       rate or Decimal(0))
        out.append({"year": year, "depreciation": dep, "opening": opening, "closing": closing,
                    "rate_percent": rate, "interest": interest if rate is not None else None})
    return out


# --- reads ------------------------------------------------------------------------------------------


def investment_rows(session: Session, service: str | None = None) -> list[dict]:
    query = (select(Investment, Service.code).join(Service, Service.id == Investment.service_id)
             .order_by(Service.code, Investment.year_in_use, Investment.name))
    if service:
        query = query.where(Service.code == service)
    rows = []
    lives = class_lives(session)
    for inv, code in session.execute(query):
        max_years = lives[inv.asset_class]["max_years"] if inv.asset_class in lives else None
        rows.append({"id": inv.id, "version": inv.version, "service": code, "name": inv.name,
                     "amount_ore": inv.amount_ore, "year_in_use": inv.year_in_use,
                     "years_of_use": inv.years_of_use, "last_year": inv.year_in_use + inv.years_of_use,
                     "asset_class": inv.asset_class, "class_max_years": max_years, "life_reason": inv.life_reason,
                     "counts_toward_self_cost": inv.counts_toward_self_cost, "note": inv.note})
    return rows


def class_lives(session: Session) -> dict[str, dict]:
    """Each asset class's maximum life: the shipped table (`ASSET_CLASSES`), with finance's stored
    corrections (`AssetClassLife`) over it. code -> letter, max_years, source, version (None: as shipped)."""
    out = {code: {"code": code, "letter": letter, "max_years": years, "source": ASSET_CLASS_SOURCE, "version": None}
           for code, (letter, years) in ASSET_CLASSES.items()}
    for row in session.scalars(select(AssetClassLife)):
        if row.code in out:
            out[row.code].update(max_years=row.max_years, source=row.source, version=row.version)
    return out


def class_life_rows(session: Session) -> list[dict]:
    return list(class_lives(session).values())


def rate_rows(session: Session) -> list[dict]:
    return [{"year": r.year, "swap_rate": r.swap_rate, "imputed_rate": imputed_rate(r.swap_rate),
             "source": r.source, "version": r.version}
            for r in session.scalars(select(InterestRate).order_by(InterestRate.year))]


def capital_by_year(session: Session, service: str, years: list[int]) -> list[dict]:
    """Capital cost per year for a service (for the investments page's chart); missing rates give None."""
    svc = get_service(session, service)
    out = []
    for year in years:
        try:
            lines = capital_lines(session, svc.id, year)
        except BackofficeError:
            out.append({"year": year, "depreciation": None, "interest": None})
            continue
        out.append({"year": year, "depreciation": sum((x.depreciation for x in lines), Decimal(0)),
                    "interest": sum((x.interest for x in lines), Decimal(0))})
    return out


# --- writes -----------------------------------------------------------------------------------------


def save_investment(session: Session, actor: Actor, payload, investment_id: int | None = None,
                    expected_version: int | None = None) -> Investment:
    """Save an investment. Its life defaults to its asset class's maximum; a longer life is refused
    unless `life_reason` says why (the error names that field)."""
    actor.require("pricing.write")
    data = validate(InvestmentWithLifeIn, payload)
    lives = class_lives(session)
    if data.asset_class not in lives:
        raise ValidationFailed([RowError(None, t("price.col.asset_class"),
                                         t("price.asset_class_unknown", code=data.asset_class))])
    max_years = lives[data.asset_class]["max_years"]
    years = data.years_of_use if data.years_of_use is not None else max_years
    if years > max_years and not data.life_reason:
        raise ValidationFailed([RowError(None, t("price.col.life_reason"), t(
            "price.life_reason_needed", years=years, max_years=max_years,
            asset_class=t(f"price.asset_class.{data.asset_class}")))])
    service = get_service(session, data.service)
    inv = new_or_for_edit(session, Investment, investment_id, expected_version, "price.investment_not_found")
    inv.service_id = service.id
    for key in ("name", "amount_ore", "year_in_use", "counts_toward_self_cost", "note", "asset_class"):
        setattr(inv, key, getattr(data, key))
    inv.years_of_use = years
    inv.life_reason = data.life_reason
    session.flush()
    return inv


def set_class_life(session: Session, actor: Actor, payload, expected_version: int | None = None) -> AssetClassLife:
    """Correct one asset class's maximum life, with the source of the correction (finance)."""
    actor.require("pricing.write")
    data = validate(ClassLifeIn, payload)
    if data.code not in ASSET_CLASSES:
        raise ValidationFailed([RowError(None, t("price.col.asset_class"),
                                         t("price.asset_class_unknown", code=data.code))])
    row = session.get(AssetClassLife, data.code)
    if row is None:
        row = AssetClassLife(code=data.code)
        session.add(row)
    else:
        ensure_version(row, expected_version, t(f"price.asset_class.{data.code}"))
    row.max_years, row.source = data.max_years, data.source
    session.flush()
    return row


def delete_investment(session: Session, actor: Actor, investment_id: int, expected_version: int | None = None):
    actor.require("pricing.write")
    delete_row(session, Investment, investment_id, "price.investment_not_found", expected_version)


def set_rate(session: Session, actor: Actor, payload, expected_version: int | None = None) -> InterestRate:
    """Enter (or correct) a year's average 5-year swap rate, in percent."""
    actor.require("pricing.write")
    data = validate(InterestRateIn, payload)
    row = session.get(InterestRate, data.year)
    if row is None:
        row = InterestRate(year=data.year)
        session.add(row)
    else:
        ensure_version(row, expected_version, str(data.year))
    row.swap_rate, row.source = data.swap_rate, data.source
    session.flush()
    return row
