"""The privacy room's demo data: a personal-data breach on SvarUt (the service with the most adopters) with
its notices sent, one of them after the internal deadline; a risk notice for SvarUt's re-approved ROS; and
the management system's documents, one of them past its review date.

The texts are written for the demo (made up, marked as demo data by living only here); the NSM principle ids
are from risk's sourced reference; the ISO/IEC 27001:2022 control ids are demo values typed as text, as a
user would (no control catalogue is shipped)."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.support.models import SupportTicket
from risk.privacy import breaches, documents, notices
from risk.privacy.models import Breach, MsDocument

BREACH = {
    "title": "Brev sendt til feil mottaker i SvarUt",
    "what_happened": ("En feil i adresseoppslaget etter en oppdatering gjorde at enkelte brev fra kommunenes "
                      "fagsystemer ble levert til en tidligere adresse for mottakeren i stedet for til digital "
                      "postkasse. Feilen varte fra kl. 08:10 til kl. 11:45."),
    "subject_categories": "Innbyggere som mottok brev fra kommunen i tidsrommet",
    "subjects_approx": 1400,
    "record_categories": "Navn, adresse, fødselsnummer og innholdet i brevet (kan omfatte helse- og sosialopplysninger)",
    "records_approx": 1650,
    "likely_consequences": ("Uvedkommende kan ha lest brev med personopplysninger. Brev om helse- og "
                            "sosialtjenester kan gi særlig ulempe for de registrerte."),
    "measures_taken": ("Endringen ble rullet tilbake kl. 11:45. Berørte forsendelser er identifisert, og "
                       "postleverandøren er bedt om å stanse og returnere brev som ikke er levert."),
    "contact": "Sikkerhetsansvarlig for Fiks-plattformen, sikkerhet@backoffice.example",
}
EVENTS = [
    (timedelta(minutes=20), "Endringen i adresseoppslaget rullet tilbake; utsending stanset midlertidig."),
    (timedelta(hours=3), "Berørte forsendelser identifisert fra forsendelsesloggen."),
    (timedelta(hours=6), "Postleverandøren bedt om å stanse og returnere brev som ikke er levert."),
]

DOCUMENTS = [
    # kind, title, owner, version, approver, approved days ago, review months, NSM principles, ISO controls;
    # the security officer registers them all, so the leader approves (two people sign)
    ("policy", "Informasjonssikkerhetspolicy for Digitale fellestjenester", "sikkerhet", "3.0", "leder", 120, 12,
     ["1.1", "2.1"], ["A.5.1", "A.5.2"]),
    ("policy", "Personvernpolicy for tjenestene på Fiks-plattformen", "sikkerhet", "2.1", "leder", 200, 12,
     ["1.1"], ["A.5.1", "A.5.34"]),
    ("procedure", "Prosedyre for håndtering av sikkerhetshendelser og brudd på personopplysningssikkerheten",
     "sikkerhet", "1.4", "leder", 400, 12, ["4.1", "4.2"], ["A.5.24", "A.5.25", "A.5.26"]),
    ("procedure", "Prosedyre for risikovurdering (ROS) av tjenestene", "sikkerhet", "2.0", "leder", 90, 12,
     ["1.1", "1.3"], ["A.5.7", "6.1.2"]),
    ("routine", "Rutine for tilgangsstyring og periodisk gjennomgang av tilganger", "arkitekt", "1.2", "leder",
     160, 6, ["2.6"], ["A.5.15", "A.5.18"]),
    ("routine", "Rutine for oppfølging av leverandører og underleverandører", "produkt", "1.0", None, 0, 12,
     ["1.2", "2.2"], ["A.5.19", "A.5.21"]),
]


def _as(username: str, *roles: str) -> Actor:
    return Actor(username=username, roles=frozenset(roles), full_name=username)


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    """The breach and its notices, SvarUt's risk notice and the documents (once: skipped when present)."""
    if session.scalar(select(func.count()).select_from(Breach)) or \
            session.scalar(select(func.count()).select_from(MsDocument)):
        return
    _breach(session, actor, rng)
    _risk_notice(session)
    _documents(session, actor)


def _breach(session: Session, actor: Actor, rng: random.Random) -> None:
    ticket = session.scalar(select(SupportTicket).where(SupportTicket.security_incident.is_(True),
                                                        SupportTicket.subject.contains("feil mottaker")))
    if ticket is None or ticket.service is None:
        return
    officer = _as("sikkerhet", "security")
    aware = ticket.security_marked_at or ticket.opened_at
    breach = breaches.mark_breach(session, officer, dict(BREACH, ticket_id=ticket.id, aware_at=aware,
                                                         service_codes=[ticket.service.code]))
    for after, text in EVENTS:
        breaches.add_event(session, officer, breach.id, {"at": aware + after, "text": text})
    controllers = [r["organisation_id"] for r in breaches.controller_rows(session, breach.id)]
    if len(controllers) < 3:
        return
    late = rng.choice(controllers)
    in_time = [c for c in controllers if c != late]
    breaches.record_sent(session, officer, breach.id, {
        "organisation_ids": in_time, "sent_at": aware + timedelta(hours=18, minutes=40),
        "note": "Sendt som e-post fra flettefilen til virksomhetenes kontaktadresse."})
    breaches.record_sent(session, officer, breach.id, {
        "organisation_ids": [late], "sent_at": aware + timedelta(hours=31, minutes=15),
        "note": "Kontaktadressen var utdatert; ny adresse funnet via kommunens sentralbord."})


def _risk_notice(session: Session) -> None:
    latest, _previous = notices.approved_pair(session, "svarut")
    if latest is None:
        return
    owner = Actor(username="produkt", roles=frozenset({"product_owner"}), full_name="Per Produkt",
                  owned_services=frozenset({"svarut"}))
    notices.send_risk_notice(session, owner, {
        "service_code": "svarut",
        "note": "Ta kontakt med brukerstøtte om dere trenger hjelp med å oppdatere egen ROS."})


def _documents(session: Session, actor: Actor) -> None:
    today = documents.today()
    writer = _as("sikkerhet", "security")
    for kind, title, owner, version, approver, days_ago, months, principles, controls in DOCUMENTS:
        document = documents.save_document(session, writer, {
            "kind": kind, "title": title, "owner": owner, "doc_version": version, "review_months": months,
            "nsm_principles": principles, "iso_controls": controls,
            "location": "Styringssystemet (intranett), mappe Informasjonssikkerhet og personvern"})
        if approver is None:
            continue
        roles = ("leader",) if approver == "leder" else ("security",)
        documents.approve_document(session, _as(approver, *roles), document.id,
                                   {"approved_on": today - timedelta(days=days_ago)})
