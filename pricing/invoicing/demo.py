"""Demo invoicing: every complete quarter of 2024–2026 prepared by finance and approved by the leader
(after the agreements, metering and price-list demos), one credit-and-rebill, and next year's planned use
of the fund (half of each fund with a surplus).

The last complete quarter is billed service by service, and one service's run (WAITING_SERVICE) is prepared by
finance but not yet approved: it waits in the leader's approvals queue, with the amount computed from the demo's
appendices and price lists. The next quarter is still finance's to prepare in the app."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data.access import Actor
from data.errors import BackofficeError
from data.registers.models import Organisation, Service
from pricing import fundplan, pricelists
from pricing.demo import FINANCE, LEADER
from pricing.invoicing import fund, settings
from pricing.invoicing import runs as invoicing
from pricing.invoicing.models import InvoiceLine

YEARS = (2024, 2025, 2026)
WAITING_SERVICE = "fiks-io"     # its run for the last complete quarter waits for the leader's approval


def load(session, _actor: Actor, _rng, today: date | None = None) -> None:
    today = today or date.today()
    complete = [period for year in YEARS for period in invoicing.periods_of_year(year, "quarter")
                if period.end < today]
    first = None
    for period in complete[:-1]:
        run = _bill(session, {"period": period.label, "reason": f"Kvartalsfakturering {period.label}"})
        first = first or run
    if complete:
        last = complete[-1]
        for code in sorted(pricelists.approved_prices(session, last.year)):
            payload = {"period": last.label, "service": code, "reason": f"Kvartalsfakturering {last.label}"}
            run = _bill(session, payload, approve=code != WAITING_SERVICE)
            first = first or run
    if first is not None and first.lines:
        # a wrong start date found after approval: credit one organisation and bill it again
        org = session.get(Organisation, first.lines[0].organisation_id)
        credit = {"run": first.number, "reason": "Feil startdato i tjenestevedlegget, rettet av produktansvarlig",
                  "organisations": [org.org_number or org.municipality_number or org.name]}
        invoicing.prepare_credit(session, FINANCE, credit)
        invoicing.credit_and_rebill(session, LEADER, credit)
    load_ehf(session)
    for code in session.scalars(select(Service.code).where(Service.code.in_(("svarut", "digisos")))):
        statement = fund.statement(session, code, today)
        if statement.balance_ore > 0:
            fundplan.set_plan(session, FINANCE, {"service": code, "year": today.year + 1,
                                                 "amount_ore": statement.balance_ore // 2,
                                                 "note": "Halvparten av fondet tilbake til brukerne i neste års pris"})


def _bill(session, payload: dict, approve: bool = True):
    """Finance prepares the run and, with `approve`, the leader approves it; None when there is nothing to bill
    (or it is billed or waiting already: loading the demo twice bills nothing twice)."""
    try:
        invoicing.prepare_run(session, FINANCE, payload)
        return invoicing.approve_run(session, LEADER, payload) if approve else None
    except BackofficeError:
        return None


# EHF (issue 21): clearly demo values. Not the department's real organisation number or bank account: the
# organisation number is a synthetic one (a 3-series number with a valid MOD11 check digit, as Brreg's test
# register uses) and the account number only has a valid check digit.
DEMO_SUPPLIER = {"org_number": "310000019", "name": "Fiks-plattformen (demoavsender)", "street": "Demogata 1",
                 "postal_code": "0150", "city": "Oslo", "vat_registered": True, "bank_account": "99990000006",
                 "contact_name": "Øystein Økonomi", "contact_email": "faktura@example.invalid",
                 "payment_terms_days": 30, "kid_method": "mod10",
                 "note": "DEMO: syntetisk organisasjonsnummer og kontonummer. Sett avdelingens egne før bruk."}


def load_ehf(session) -> None:
    """The demo seller, and every billed organisation's invoice address (the register's, or a demo one) and a
    demo buyer's reference, so every demo run can be exported as EHF."""
    settings.save_supplier(session, FINANCE, DEMO_SUPPLIER)
    org_ids = set(session.scalars(select(InvoiceLine.organisation_id).distinct()))
    for org in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.id)):
        has_address = bool(org.postal_address and org.postal_code and org.postal_place)
        settings.save_recipient(session, FINANCE, {
            "organisation": org.org_number or org.name,
            "street": "" if has_address else "Fakturamottak (demoadresse)",
            "postal_code": "" if has_address else "0000",
            "city": "" if has_address else (org.norwegian_name or org.name)[:100],
            "buyer_reference": f"DEMO-{org.municipality_number or org.org_number}"})
