"""Demo invoicing: every complete quarter of 2024–2026 billed and approved (after the agreements,
metering and price-list demos), one credit-and-rebill, and next year's planned use of the fund."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data.access import Actor
from data.errors import BackofficeError
from data.registers.models import Organisation, Service
from pricing import fundplan
from pricing.demo import FINANCE
from pricing.invoicing import fund
from pricing.invoicing import runs as invoicing

YEARS = (2024, 2025, 2026)


def load(session, _actor: Actor, _rng, today: date | None = None) -> None:
    today = today or date.today()
    first = None
    for year in YEARS:
        for period in invoicing.periods_of_year(year, "quarter"):
            if period.end >= today:
                break
            try:
                run = invoicing.approve_run(session, FINANCE, {"period": period.label,
                                                               "reason": f"Kvartalsfakturering {period.label}"})
            except BackofficeError:
                continue
            first = first or run
    if first is not None and first.lines:
        # a wrong start date found after approval: credit one organisation and bill it again
        org = session.get(Organisation, first.lines[0].organisation_id)
        invoicing.credit_and_rebill(session, FINANCE, {
            "run": first.number, "reason": "Feil startdato i tjenestevedlegget, rettet av produktansvarlig",
            "organisations": [org.org_number or org.municipality_number or org.name]})
    for code in session.scalars(select(Service.code).where(Service.code.in_(("svarut", "digisos")))):
        statement = fund.statement(session, code, today)
        if statement.balance_ore > 0:
            fundplan.set_plan(session, FINANCE, {"service": code, "year": today.year + 1,
                                                 "amount_ore": statement.balance_ore // 2,
                                                 "note": "Halvparten av fondet tilbake til brukerne i neste års pris"})
