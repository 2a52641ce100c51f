"""Support's part of the demo data: a year of Freshdesk tickets and three security incidents."""
from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.formatting import OSLO
from data.i18n import t
from data.registers.models import Organisation, Service
from data.support.freshdesk import Linker, import_tickets
from data.support.models import SupportTicket
from data.support.tickets import save_mapping

DEMO_TOPICS = {
    "svarut": ["Brev ikke levert til mottaker", "Feil i utskrift av brev", "Sertifikat for SvarUt utløper",
               "Mottakersystem svarer ikke", "Forsendelse står som ikke lest", "Spørsmål om pris per brev"],
    "digisos": ["Søknad henger i status sendt", "Vedlegg mangler i søknad", "Innbygger får ikke logget inn",
                "Feil i utbetalingsdato", "Spørsmål om kobling mot fagsystem"],
    "minside": ["Innbygger ser ikke sine saker", "Treg lasting av MinSide", "Feil språk i varsel",
                "Spørsmål om oppsett av innsyn"],
    "fiks-io": ["Meldinger ligger i kø", "Feil ved oppsett av konto", "Utløpt virksomhetssertifikat",
                "Spørsmål om meldingsprotokoll"],
    "fiks-arkiv": ["Arkivmelding avvist", "Feil i journalpost", "Spørsmål om versjon av arkivstandard"],
    "bekymringsmelding": ["Melding ikke mottatt av barnevernet", "Feil i kontaktinformasjon for kommunen"],
}
DEMO_SECURITY_SUBJECTS = [
    ("svarut", "Brev sendt til feil mottaker (mulig personvernbrudd)"),
    ("fiks-io", "Mistenkelig pålogging på Fiks IO-konto"),
    ("digisos", "Søknadsvedlegg synlig for feil saksbehandler"),
]


def demo_freshdesk_csv(rng: random.Random, organisations: list[str], today: date, count: int = 900,
                       first_number: int = 40001) -> str:
    """A Freshdesk export with `count` tickets over the last 12 months (deterministic for a seed)."""
    services = list(DEMO_TOPICS)
    weights = [40, 20, 15, 12, 8, 5]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Group", "Agent",
                     "Created time", "Resolved time", "Closed time", "Last update time", "Company", "Tags"])
    agents = ["Sunniva Støtte", "Kari Nordmann", "Ola Hansen", "Mona Berg"]
    start = datetime.combine(today - timedelta(days=365), time(8, 0))
    for index in range(count):
        service = rng.choices(services, weights)[0]
        opened = start + timedelta(days=rng.uniform(0, 364), hours=rng.uniform(0, 9))
        opened = opened.replace(microsecond=0)
        age_days = (datetime.combine(today, time(8, 0)) - opened).days
        priority = rng.choices(["Low", "Medium", "High", "Urgent"], [30, 50, 15, 5])[0]
        resolved = closed = None
        if age_days > 20 or rng.random() < 0.7:
            resolved = opened + timedelta(hours=rng.choice([1, 3, 6, 20, 30, 50, 90, 200]) * rng.uniform(0.5, 1.5))
            resolved = resolved.replace(microsecond=0)
            if resolved.date() >= today:
                resolved = None
        if resolved is not None:
            status = "Closed" if rng.random() < 0.8 and (today - resolved.date()).days > 3 else "Resolved"
            closed = resolved + timedelta(days=3) if status == "Closed" else None
        else:
            status = rng.choice(["Open", "Open", "Pending", "Waiting on Customer"])
        updated = closed or resolved or opened + timedelta(hours=2)
        org = rng.choice(organisations)
        tags = [service]
        if rng.random() < 0.2:
            tags.append(rng.choice(["integrasjon", "pålogging", "faktura", "opplæring"]))
        fmt = "%Y-%m-%d %H:%M:%S"
        writer.writerow([first_number + index, rng.choice(DEMO_TOPICS[service]), status, priority,
                         rng.choice(["Email", "Email", "Portal", "Phone"]),
                         rng.choice(["Question", "Incident", "Problem", "Feature Request"]),
                         "Brukerstøtte plattform", rng.choice(agents), opened.strftime(fmt),
                         resolved.strftime(fmt) if resolved else "", closed.strftime(fmt) if closed else "",
                         min(updated, datetime.combine(today, time(7, 0))).strftime(fmt), org, ",".join(tags)])
    return out.getvalue()


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    """Twelve months of tickets for six services and some 60 organisations; three security incidents."""
    if session.scalar(select(func.count()).select_from(SupportTicket)):
        return
    today = datetime.now(OSLO).date()
    orgs = list(session.scalars(select(Organisation.name).where(Organisation.valid_to.is_(None))
                                .order_by(Organisation.name)))
    chosen = rng.sample(orgs, min(60, len(orgs)))
    save_mapping(session, actor, {"kind": "service_tag", "value": "fiks arkiv", "service_code": "fiks-arkiv"})
    import_tickets(session, actor, demo_freshdesk_csv(rng, chosen, today))
    number = 49001
    for index, (code, subject) in enumerate(DEMO_SECURITY_SUBJECTS):
        opened = datetime.combine(today - timedelta(days=5 + 9 * index), time(9, 30), tzinfo=OSLO).astimezone(UTC)
        service_id = session.scalar(select(Service.id).where(Service.code == code))
        ticket = SupportTicket(ticket_number=number + index, subject=subject, status="open", priority="urgent",
                               source="phone", ticket_type="Incident", group_name="Brukerstøtte plattform",
                               agent="Sunniva Støtte", opened_at=opened, updated_at=opened,
                               requester_organisation=chosen[index], tags=code, service_id=service_id,
                               organisation_id=Linker.load(session).organisation_for(session, chosen[index]),
                               security_incident=True, security_note=t("sup.demo.security_note"),
                               security_marked_by="support", security_marked_at=opened + timedelta(hours=1),
                               security_outcome="", imported_at=opened)
        if index == 2:  # followed up already
            ticket.status = "closed"
            ticket.resolved_at = ticket.closed_at = opened + timedelta(days=2)
            ticket.security_closed_by = "sikkerhet"
            ticket.security_closed_at = opened + timedelta(days=3)
            ticket.security_outcome = t("sup.demo.security_outcome")
        session.add(ticket)
    session.flush()
