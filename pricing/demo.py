"""Deterministic demo data: cost bases 2024–2027, investments, imputed rates, a Digifin loan for
Digisos, and price calculations for SvarUt, Digisos, MinSide and Fiks IO approved for 2024–2026
(2027 are drafts; finance has sent Digisos 2027 to the leader for approval, so it waits in the leader's
approvals queue)."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import service_choices
from data.registers.models import Organisation
from pricing import capital, costbase, digifin, fundplan, pricelists, selfcost, sources
from pricing.models import CostItem

FINANCE = Actor(username="okonomi", roles=frozenset({"finance"}), full_name="Øystein Økonomi")
LEADER = Actor(username="leder", roles=frozenset({"leader"}), full_name="Lise Leder")
SERVICES = ("svarut", "digisos", "minside", "fiks-io")
YEARS = (2024, 2025, 2026, 2027)
APPROVED_YEARS = (2024, 2025, 2026)
SUBMITTED = ("digisos", 2027)      # finance (okonomi) has sent this draft to the leader; it awaits approval
SWAP_RATES = {2023: "3.45", 2024: "3.62", 2025: "3.85", 2026: "3.70", 2027: "3.60"}

# Direct budget per service and cost type, in kroner (2024); later years grow 3 % a year.
DIRECT = {
    "svarut": {"operations": 4_200_000, "support": 1_100_000, "development": 2_400_000, "management": 650_000,
               "other": 180_000},
    "digisos": {"operations": 3_100_000, "support": 1_650_000, "development": 3_200_000, "management": 700_000,
                "other": 120_000},
    "minside": {"operations": 1_900_000, "support": 520_000, "development": 1_400_000, "management": 380_000,
                "other": 90_000},
    "fiks-io": {"operations": 2_300_000, "support": 430_000, "development": 900_000, "management": 300_000,
                "other": 60_000},
}
POOLS = [
    ("administrasjon", "Felles administrasjon (økonomi, HR, lokaler)", "fte",
     {"svarut": "3.0", "digisos": "2.5", "minside": "1.5", "fiks-io": "2.0"},
     [("administration", "Husleie og lokaler", 1_450_000, True),
      ("administration", "Økonomi- og lønnstjenester", 820_000, True)]),
    ("brukerstotte", "Felles brukerstøtte og kundesenter", "tickets",
     {"svarut": "420", "digisos": "610", "minside": "180", "fiks-io": "150"},
     [("support", "Kundesenter, bemanning", 2_600_000, True), ("support", "Saksbehandlingsverktøy", 240_000, True)]),
    ("plattform", "Felles plattform (drift og sikkerhet)", "usage",
     {"svarut": "5200000", "digisos": "1800000", "minside": "2600000", "fiks-io": "9400000"},
     [("operations", "Skyplattform og nettverk", 3_900_000, True), ("operations", "Sikkerhetsovervåking", 950_000, True)]),
    ("ledelse", "Ledelse og styrende organer", "fixed",
     {"svarut": "35", "digisos": "30", "minside": "15", "fiks-io": "20"},
     [("management", "Avdelingsledelse", 1_800_000, True),
      ("management", "Styre og folkevalgte organer (teller ikke i selvkost)", 400_000, False)]),
]
# (service, name, amount in kroner, year taken into use, years of use, asset class, reason for a longer life).
# Lives stay within the class's maximum in FOR-2019-06-07-714 § 3-4 (software 15 years, equipment 10,
# ICT equipment 5); the one that goes beyond it carries its reason (pricing/capital.py).
INVESTMENTS = [
    ("svarut", "SvarUt 2.0 – ny utsendingsplattform", 8_000_000, 2021, 8, "software", ""),
    ("digisos", "Digisos – søknadsløsning og saksflyt", 12_000_000, 2019, 10, "software", ""),
    ("minside", "MinSide – ny innbyggerflate", 5_000_000, 2022, 5, "software", ""),
    ("fiks-io", "Fiks IO – meldingsformidler", 4_000_000, 2023, 6, "software", ""),
    ("svarut", "Utskrift- og konvoluttering, maskinpark", 1_500_000, 2024, 5, "equipment", ""),
    ("fiks-io", "Fiks IO – servere og lagring i eget driftsmiljø", 900_000, 2023, 6, "ict_equipment",
     "Leverandøren garanterer drift og deler i seks år (driftsavtalen 2023–2029); utstyret byttes først da."),
]
# The price model of each service follows the model its service appendices agree (agreements demo):
# SvarUt per unit (letters sent), Digisos and MinSide per inhabitant, Fiks IO a fixed yearly fee. County
# municipalities pay SvarUt per letter and Fiks IO the fixed fee like municipalities, and MinSide a fixed
# yearly amount of their own, never per inhabitant of the county (their inhabitants are the
# municipalities'); what they pay is deducted before the municipalities' rates are solved.
MUNICIPAL = {"charge": "model"}
MODELS = {
    "svarut": {"components": [
        {"basis": "unit", "share": "100", "tier_mode": "graduated", "unit_label": "brev", "minimum_fee_ore": 500_000,
         "tiers": [{"up_to": 50_000, "factor": "1"}, {"up_to": 500_000, "factor": "0.7"},
                   {"up_to": None, "factor": "0.5"}]}],
        "kinds": {"municipality": MUNICIPAL, "county_municipality": MUNICIPAL}},
    "digisos": {"components": [
        {"basis": "inhabitant", "share": "100", "tier_mode": "graduated", "minimum_fee_ore": 1_500_000,
         "tiers": [{"up_to": 10_000, "factor": "1"}, {"up_to": 50_000, "factor": "0.8"},
                   {"up_to": None, "factor": "0.6"}]}],
        "kinds": {"municipality": MUNICIPAL}},
    "minside": {"components": [
        {"basis": "inhabitant", "share": "100", "tier_mode": "volume", "minimum_fee_ore": 500_000,
         "tiers": [{"up_to": 5_000, "factor": "1.2"}, {"up_to": 20_000, "factor": "1"},
                   {"up_to": None, "factor": "0.8"}]}],
        "kinds": {"municipality": MUNICIPAL, "county_municipality": {"charge": "fixed", "fee_ore": 15_000_000}}},
    "fiks-io": {"components": [{"basis": "organisation", "share": "100"}],
                "kinds": {"municipality": MUNICIPAL, "county_municipality": MUNICIPAL}},
}
# Expected growth in metered volume on the last 12 months (SvarUt's letters grew about 12 % a year).
VOLUME_GROWTH = {"svarut": "12"}
# The first metered year has no year before it to forecast from: its forecast is the year's use less 3 %.
FIRST_YEAR_FORECAST = Decimal("0.97")
# Without any metering: units a year per inhabitant (an estimate).
UNITS_PER_INHABITANT = {"svarut": Decimal("1.6")}
# Planned use of the self-cost fund in a year's price (kroner; fund plans, pricing/fundplan.py). A price is
# set on the adopters in force on 1 January; those who sign during the year pay their share of the year on
# top. Fiks IO's fixed fee grew from 142 to 161 adopters in 2024, so 2024 brought in about 7 % more than its
# self-cost; finance saw it in the autumn and the 2025 price gives 500 000 kr of that surplus back.
FUND_USE = {("fiks-io", 2025): (500_000, "Overskudd 2024 (nye brukere i løpet av året) tilbake i prisen for 2025")}


def load(session: Session, _actor: Actor, rng: random.Random) -> None:
    if session.scalar(select(func.count()).select_from(CostItem)):
        return
    rng = random.Random(rng.random())   # our own stream: other modules' loaders do not shift it
    for year, swap in SWAP_RATES.items():
        capital.set_rate(session, FINANCE, {"year": year, "swap_rate": swap, "source": "Norges Bank, snitt 5 års swap"})
    for service, name, amount, year_in_use, years, asset_class, reason in INVESTMENTS:
        capital.save_investment(session, FINANCE, {"service": service, "name": name, "amount_ore": amount * 100,
                                                   "year_in_use": year_in_use, "years_of_use": years,
                                                   "asset_class": asset_class, "life_reason": reason})
    _cost_bases(session, rng)
    digifin.save_loan(session, FINANCE, {
        "service": "digisos", "name": "Digifin-lån Digisos utvikling", "interest_rate": "3.5",
        "first_repayment_year": 2020, "repayment_years": 10,
        "note": "Tilbakebetales av kommunene som tar i bruk Digisos, som påslag i prisen",
        "drawdowns": [{"on_date": date(2018, 3, 1), "amount_ore": 300_000_000},
                      {"on_date": date(2018, 9, 1), "amount_ore": 250_000_000},
                      {"on_date": date(2019, 2, 1), "amount_ore": 200_000_000}]})
    _calculations(session, rng)


def _cost_bases(session: Session, rng: random.Random) -> None:
    names = dict(service_choices(session))
    for index, year in enumerate(YEARS):
        growth = Decimal("1.03") ** index
        for code, name, key, figures, items in POOLS:
            costbase.save_pool(session, FINANCE, {"year": year, "code": code, "name": name, "key_type": key})
            scaled = {s: (Decimal(f) if key == "fixed" else (Decimal(f) * growth).quantize(Decimal(1)))
                      for s, f in figures.items()}
            costbase.set_key_figures(session, FINANCE, year, code, {"figures": scaled})
            for cost_type, description, amount, counts in items:
                budget = int(Decimal(amount) * growth * 100)
                _item(session, year, "budget", None, code, cost_type, description, budget, counts)
                if year <= 2025:
                    actual = int(budget * (1 + rng.uniform(-0.03, 0.04)))
                    _item(session, year, "actual", None, code, cost_type, description, actual, counts)
        for service, by_type in DIRECT.items():
            for cost_type, amount in by_type.items():
                budget = int(Decimal(amount) * growth * 100)
                description = f"{_label(cost_type)} {names.get(service, service)}"
                _item(session, year, "budget", service, None, cost_type, description, budget, True)
                if year <= 2025:
                    actual = int(budget * (1 + rng.uniform(-0.04, 0.05)))
                    _item(session, year, "actual", service, None, cost_type, description, actual, True)


def _label(cost_type: str) -> str:
    return {"operations": "Drift", "support": "Brukerstøtte", "development": "Videreutvikling",
            "management": "Forvaltning", "administration": "Administrasjon", "other": "Andre kostnader"}[cost_type]


def _item(session, year, basis, service, pool, cost_type, description, amount_ore, counts):
    costbase.save_cost_item(session, FINANCE, {"year": year, "basis": basis, "service": service, "pool": pool,
                                               "cost_type": cost_type, "description": description,
                                               "amount_ore": amount_ore, "counts_toward_self_cost": counts})


def _calculations(session: Session, _rng: random.Random) -> None:
    """Each year's price from the appendix register: the organisations with a service appendix in force
    on 1 January and, for per-unit prices, their metered use. From the second metered year on, the
    app's own forecast (`selfcost.adopters_from_agreements`: the last 12 months × the year's growth);
    for the first year, whose year before has no metering, the year's metered use less 3 %. So the
    approved price is what a calculation from the agreements gives, and revenue lands within a few
    per cent of the self-cost (tests/pricing/test_demo_coverage.py checks 90–110 % for every past year).
    A surplus finance foresaw is given back through a fund plan and the price's fund use (FUND_USE)."""
    for service in SERVICES:
        if not sources.adopter_ids(session, service, date(YEARS[0], 1, 1)):
            continue     # no appendix register (the agreements demo is not loaded): nothing to price
        for year in YEARS:
            fund_use, reason = FUND_USE.get((service, year), (0, ""))
            if fund_use:
                fundplan.set_plan(session, FINANCE, {"service": service, "year": year, "amount_ore": fund_use * 100,
                                                     "note": reason})
            request = {"service": service, "year": year, "basis": "budget", "model": MODELS[service],
                       "fund_use_ore": fund_use * 100, "volume_growth_percent": VOLUME_GROWTH.get(service, "0"),
                       "note": f"Budsjett {year}, tjenestevedlegg per 1.1.{year} og målt bruk"}
            if _needs_units(service) and not _metered_year_before(session, service, year):
                request["adopters"] = _first_year_adopters(session, service, year)
                request["note"] = f"Budsjett {year}, tjenestevedlegg per 1.1.{year}, volum anslått fra målt bruk"
            calc = selfcost.calculate_price(session, FINANCE, request)
            if year in APPROVED_YEARS:
                pricelists.approve(session, LEADER, {"calculation_id": calc.id,
                                                     "comment": f"Vedtatt i ledermøtet {year - 1}"})
            elif (service, year) == SUBMITTED:
                pricelists.submit(session, FINANCE, {"calculation_id": calc.id})


def _needs_units(service: str) -> bool:
    return any(c["basis"] == "unit" for c in MODELS[service]["components"])


def _metered_year_before(session: Session, service: str, year: int) -> bool:
    """Whether the service's meter has usage for January of the year before (a whole year to forecast from)."""
    meter = sources.first_meter(session, service)
    return meter is not None and bool(sources.usage_by_organisation(
        session, service, date(year - 1, 1, 1), date(year - 1, 1, 1), meter.code))


def _first_year_adopters(session: Session, service: str, year: int) -> list[dict]:
    """Adopters on 1 January from the appendix register, with the year's metered use less 3 % as the
    forecast volume (or, with no metering at all, an estimate per inhabitant)."""
    meter = sources.first_meter(session, service)
    usage = sources.usage_by_organisation(session, service, date(year, 1, 1), date(year, 12, 1), meter.code) \
        if meter else {}
    rows = []
    for org_id in sources.adopter_ids(session, service, date(year, 1, 1)):
        if usage:
            units = usage.get(org_id, Decimal(0)) * FIRST_YEAR_FORECAST
        else:
            population = session.get(Organisation, org_id).population or 0
            units = Decimal(population) * UNITS_PER_INHABITANT[service]
        rows.append({"org_id": org_id, "units": str(units.quantize(Decimal(1)))})
    return rows
