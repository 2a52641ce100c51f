"""Deterministic demo data: cost bases 2024–2027, investments, imputed rates, a Digifin loan for
Digisos, and price calculations for SvarUt, Digisos, MinSide and Fiks IO approved for 2024–2026
(2027 waits as drafts for the leader)."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.errors import BackofficeError
from data.registers.models import Organisation
from pricing import capital, costbase, digifin, pricelists, selfcost
from pricing.models import CostItem

FINANCE = Actor(username="okonomi", roles=frozenset({"finance"}), full_name="Øystein Økonomi")
LEADER = Actor(username="leder", roles=frozenset({"leader"}), full_name="Lise Leder")
SERVICES = ("svarut", "digisos", "minside", "fiks-io")
YEARS = (2024, 2025, 2026, 2027)
APPROVED_YEARS = (2024, 2025, 2026)
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
INVESTMENTS = [
    ("svarut", "SvarUt 2.0 – ny utsendingsplattform", 8_000_000, 2021, 8),
    ("digisos", "Digisos – søknadsløsning og saksflyt", 12_000_000, 2019, 10),
    ("minside", "MinSide – ny innbyggerflate", 5_000_000, 2022, 5),
    ("fiks-io", "Fiks IO – meldingsformidler", 4_000_000, 2023, 6),
    ("svarut", "Utskrift- og konvoluttering, maskinpark", 1_500_000, 2024, 5),
]
MODELS = {
    "svarut": {"components": [
        {"basis": "organisation", "share": "30"},
        {"basis": "unit", "share": "70", "tier_mode": "graduated", "unit_label": "brev",
         "tiers": [{"up_to": 50_000, "factor": "1"}, {"up_to": 500_000, "factor": "0.7"},
                   {"up_to": None, "factor": "0.5"}]}]},
    "digisos": {"components": [
        {"basis": "inhabitant", "share": "100", "tier_mode": "graduated", "minimum_fee_ore": 1_500_000,
         "tiers": [{"up_to": 10_000, "factor": "1"}, {"up_to": 50_000, "factor": "0.8"},
                   {"up_to": None, "factor": "0.6"}]}]},
    "minside": {"components": [
        {"basis": "inhabitant", "share": "100", "tier_mode": "volume", "minimum_fee_ore": 500_000,
         "tiers": [{"up_to": 5_000, "factor": "1.2"}, {"up_to": 20_000, "factor": "1"},
                   {"up_to": None, "factor": "0.8"}]}]},
    "fiks-io": {"components": [
        {"basis": "unit", "share": "100", "tier_mode": "volume", "minimum_fee_ore": 200_000, "unit_label": "meldinger",
         "tiers": [{"up_to": 100_000, "factor": "1"}, {"up_to": 1_000_000, "factor": "0.75"},
                   {"up_to": None, "factor": "0.5"}]}]},
}
# Share of municipalities adopting the service in 2024, and yearly growth in that share.
ADOPTION = {"svarut": (0.88, 0.03), "digisos": (0.74, 0.05), "minside": (0.45, 0.08), "fiks-io": (0.62, 0.06)}
UNITS_PER_INHABITANT = {"svarut": 1.6, "digisos": 0, "minside": 0, "fiks-io": 3.2}


def load(session: Session, _actor: Actor, rng: random.Random) -> None:
    if session.scalar(select(func.count()).select_from(CostItem)):
        return
    rng = random.Random(rng.random())   # our own stream: other modules' loaders do not shift it
    for year, swap in SWAP_RATES.items():
        capital.set_rate(session, FINANCE, {"year": year, "swap_rate": swap, "source": "Norges Bank, snitt 5 års swap"})
    for service, name, amount, year_in_use, years in INVESTMENTS:
        capital.save_investment(session, FINANCE, {"service": service, "name": name, "amount_ore": amount * 100,
                                                   "year_in_use": year_in_use, "years_of_use": years})
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
                    actual = int(budget * (1 + rng.uniform(-0.06, 0.08)))
                    _item(session, year, "actual", None, code, cost_type, description, actual, counts)
        for service, by_type in DIRECT.items():
            for cost_type, amount in by_type.items():
                budget = int(Decimal(amount) * growth * 100)
                description = f"{_label(cost_type)} {service}"
                _item(session, year, "budget", service, None, cost_type, description, budget, True)
                if year <= 2025:
                    actual = int(budget * (1 + rng.uniform(-0.08, 0.10)))
                    _item(session, year, "actual", service, None, cost_type, description, actual, True)


def _label(cost_type: str) -> str:
    return {"operations": "Drift", "support": "Brukerstøtte", "development": "Videreutvikling",
            "management": "Forvaltning", "administration": "Administrasjon", "other": "Andre kostnader"}[cost_type]


def _item(session, year, basis, service, pool, cost_type, description, amount_ore, counts):
    costbase.save_cost_item(session, FINANCE, {"year": year, "basis": basis, "service": service, "pool": pool,
                                               "cost_type": cost_type, "description": description,
                                               "amount_ore": amount_ore, "counts_toward_self_cost": counts})


def _calculations(session: Session, rng: random.Random) -> None:
    municipalities = list(session.scalars(select(Organisation).where(
        Organisation.kind == "municipality", Organisation.valid_to.is_(None)).order_by(Organisation.id)))
    counties = list(session.scalars(select(Organisation).where(
        Organisation.kind == "county_municipality", Organisation.valid_to.is_(None)).order_by(Organisation.id)))
    for service in SERVICES:
        order = municipalities[:]
        rng.shuffle(order)
        share, growth = ADOPTION[service]
        per_inhabitant = UNITS_PER_INHABITANT[service]
        variation = {o.id: rng.uniform(0.7, 1.3) for o in municipalities + counties}
        for index, year in enumerate(YEARS):
            count = min(len(order), int(len(order) * min(1.0, share + growth * index)))
            adopters = order[:count] + (counties if service == "svarut" else [])
            volume = 1 + 0.04 * index
            rows = [{"org_id": o.id,
                     "units": int((o.population or 1000) * per_inhabitant * variation[o.id] * volume)}
                    for o in adopters]
            fund_use = 0
            if service == "svarut" and year == 2026:
                fund_use = 150_000_000  # the fund's surplus from earlier years goes back to the adopters
            request = {"service": service, "year": year, "basis": "budget", "model": MODELS[service],
                       "adopters": rows, "fund_use_ore": fund_use, "note": "Budsjett " + str(year)}
            calc = None
            if year not in APPROVED_YEARS:
                # next year's draft: adopters from the service appendices and volume from metered usage,
                # when the agreements and metering modules have data
                try:
                    calc = selfcost.calculate_price(session, FINANCE, {
                        **request, "adopters": None, "volume_growth_percent": "4",
                        "note": f"Budsjett {year}, tjenestevedlegg og målt bruk"})
                except BackofficeError:
                    calc = None
            if calc is None:
                calc = selfcost.calculate_price(session, FINANCE, request)
            if year in APPROVED_YEARS:
                pricelists.approve(session, LEADER, {"calculation_id": calc.id,
                                                     "comment": f"Vedtatt i ledermøtet {year - 1}"})
