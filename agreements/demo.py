"""Deterministic demo data: main agreements for most organisations, appendices whose adoption differs
by service (larger municipalities first, an S-curve after launch), re-signed versions, terminations,
user councils for SvarUt and Digisos, meetings, a roadmap and change requests, some of them decided by
numbered council decisions."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agreements import councils, meetings
from agreements.models import (
    AppendixVersion,
    ChangeRequest,
    Council,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    MainAgreement,
    RoadmapItem,
    ServiceAppendix,
)
from data.access import Actor
from data.registers.models import Organisation, Service

SEED = 3_2024

# code: (launch, share of municipalities, share of county municipalities, price model,
#        [(version, issued_on)], share that terminated, termination window)
# Launches fall in the year the department's Tabell 2 gives the service as established (data/reference/
# services.csv); the month is the demo's. Fiks IO and Fiks klinikermelding have no year there.
SERVICES = {
    "svarut": (date(2012, 3, 1), 0.96, 1.0, "per_unit",
               [("1.0", date(2012, 3, 1)), ("2.0", date(2019, 6, 1)), ("3.0", date(2025, 10, 1))], 0.01, None),
    "ks-laering": (date(2016, 9, 1), 0.72, 0.8, "per_inhabitant", [("1.0", date(2016, 9, 1))], 0.03, None),
    "minside": (date(2019, 5, 1), 0.55, 0.2, "per_inhabitant",
                [("1.0", date(2019, 5, 1)), ("2.0", date(2022, 1, 1))], 0.04, None),
    "bekymringsmelding": (date(2020, 4, 1), 0.68, 0.0, "per_inhabitant", [("1.0", date(2020, 4, 1))], 0.0, None),
    "folkeregister": (date(2020, 9, 1), 0.38, 0.3, "fixed", [("1.0", date(2020, 9, 1))], 0.02, None),
    "digisos": (date(2019, 1, 1), 0.84, 0.0, "per_inhabitant",
                [("1.0", date(2019, 1, 1)), ("1.1", date(2024, 3, 1))], 0.01, None),
    "fiks-io": (date(2019, 6, 1), 0.46, 0.7, "fixed", [("1.0", date(2019, 6, 1))], 0.0, None),
    "smittesporing": (date(2020, 4, 1), 0.62, 0.0, "free", [("1.0", date(2020, 4, 1))], 0.85,
                      (date(2022, 6, 30), date(2024, 12, 31))),
    "provesvar-api": (date(2020, 9, 1), 0.18, 0.0, "per_unit", [("1.0", date(2020, 9, 1))], 0.3,
                      (date(2023, 1, 1), date(2025, 6, 30))),
    "fiks-arkiv": (date(2021, 3, 1), 0.27, 0.5, "fixed", [("1.0", date(2021, 3, 1))], 0.0, None),
    "digiorden": (date(2021, 6, 1), 0.24, 0.1, "free", [("1.0", date(2021, 6, 1))], 0.02, None),
    "kjoretoy-api": (date(2020, 10, 1), 0.12, 0.0, "per_unit", [("1.0", date(2020, 10, 1))], 0.0, None),
    "klinikermelding-api": (date(2021, 1, 1), 0.15, 0.0, "per_unit", [("1.0", date(2021, 1, 1))], 0.3,
                            (date(2023, 1, 1), date(2025, 6, 30))),
    "del-dokument": (date(2020, 11, 1), 0.21, 0.3, "combined", [("1.0", date(2020, 11, 1))], 0.0, None),
}
LAST_START = date(2026, 6, 30)

FIRST_NAMES = ["Kari", "Ola", "Ingrid", "Lars", "Silje", "Anders", "Marit", "Jon", "Hanne", "Eirik", "Tone",
               "Bjørn", "Nina", "Trond", "Hilde", "Geir", "Camilla", "Espen", "Randi", "Morten", "Astrid", "Håkon"]
LAST_NAMES = ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
              "Berg", "Haugen", "Hagen", "Bakken", "Solberg", "Strand", "Lund", "Moen", "Eide", "Dahl", "Aas"]


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    if session.scalar(select(func.count()).select_from(MainAgreement)):
        return
    local = random.Random(SEED)
    orgs = list(session.scalars(select(Organisation).where(
        Organisation.kind.in_(("municipality", "county_municipality")), Organisation.valid_to.is_(None))
        .order_by(Organisation.id)))
    services = {s.code: s for s in session.scalars(select(Service))}
    signed = _main_agreements(session, local, orgs)
    terminated = _terminate_some(local, signed)
    session.flush()
    for org_id, last_day in terminated.items():
        agreement = session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == org_id))
        agreement.status, agreement.terminated_date = "terminated", last_day
        agreement.notes = "Kommunen sa opp avtalen etter vedtak i kommunestyret."
    for code, spec in SERVICES.items():
        if code in services:
            _appendices(session, local, services[code], spec, signed, terminated)
    session.flush()
    _namesakes_adopt(session, services, signed)
    _councils(session, local, services)
    _roadmap_and_requests(session, local, services)
    session.flush()
    _decisions_on_requests(session, services)
    session.flush()
    _user_meetings(session, actor, services)


def _main_agreements(session: Session, rng: random.Random, orgs: list[Organisation]) -> dict[int, tuple]:
    """Returns {organisation id: (organisation, signed date)} for the signed ones."""
    signed = {}
    signatories = ["kommunedirektør", "rådmann", "digitaliseringssjef", "fylkesdirektør"]
    for org in orgs:
        roll = rng.random()
        if roll < 0.02:
            continue  # no agreement yet
        when = date(2012, 6, 1) + timedelta(days=int(rng.betavariate(1.3, 3.5) * 365 * 9))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        title = signatories[3] if org.kind == "county_municipality" else rng.choice(signatories[:3])
        agreement = MainAgreement(
            organisation_id=org.id, template_version="2.0" if when < date(2018, 1, 1) else "3.0",
            document_ref=f"AVT-{when.year}-{org.id:04d}", notes="")
        if roll < 0.035:
            agreement.status = "draft"
        elif roll < 0.06:
            agreement.status, agreement.signatory = "sent", f"{name}, {title}"
        else:
            agreement.status, agreement.signed_date, agreement.signatory = "signed", when, f"{name}, {title}"
            signed[org.id] = (org, when)
        session.add(agreement)
    return signed


def _terminate_some(rng: random.Random, signed: dict[int, tuple]) -> dict[int, date]:
    """A few small municipalities left the cooperation (their appendices end with the main agreement)."""
    small = sorted((org.population or 0, org_id) for org_id, (org, _) in signed.items()
                   if org.kind == "municipality")[:60]
    chosen = rng.sample([org_id for _, org_id in small], 3)
    return {org_id: date(2023 + i, 12, 31) for i, org_id in enumerate(chosen)}


def _appendices(session: Session, rng: random.Random, service: Service, spec: tuple, signed: dict,
                terminated: dict[int, date]) -> None:
    launch, share_m, share_c, price_model, versions, share_ended, window = spec
    population_rank = sorted(signed.values(), key=lambda item: -(item[0].population or 0))
    rank = {org.id: i / max(len(population_rank) - 1, 1) for i, (org, _) in enumerate(population_rank)}
    horizon = max((LAST_START - launch).days, 1)
    for org_id, (org, main_signed) in sorted(signed.items()):
        share = share_c if org.kind == "county_municipality" else share_m
        # larger municipalities are likelier to use a service, and to start early
        weight = 1.25 - 0.5 * rank[org_id]
        if rng.random() > min(share * weight, 0.995):
            continue
        lag = rng.betavariate(1.2 + 2.0 * rank[org_id], 3.0)
        start = max(launch + timedelta(days=int(lag * horizon)), main_signed)
        start = date(start.year, start.month, 1)
        if start > LAST_START:
            continue
        end = None
        ending = org_id in terminated
        if ending and start > terminated[org_id]:
            continue
        if not ending and rng.random() < share_ended:
            low, high = window or (start + timedelta(days=200), date(2026, 3, 31))
            low = max(low, start + timedelta(days=90))
            if low < high:
                end = low + timedelta(days=rng.randrange((high - low).days + 1))
                end = _month_end(end)
        periods = _periods(rng, start, end, versions)
        if ending:
            last_day = terminated[org_id]
            periods = [(v, s, min(e, last_day) if e else last_day) for v, s, e in periods if s <= last_day]
        for index, (version, p_start, p_end) in enumerate(periods):
            is_last = index == len(periods) - 1
            status = "terminated" if is_last and p_end is not None else "signed"
            session.add(ServiceAppendix(
                organisation_id=org_id, service_id=service.id, appendix_version=version, status=status,
                signed_date=p_start - timedelta(days=rng.randrange(10, 60)), start_date=p_start,
                end_date=p_end, notes="",
                # a county municipality agrees a fixed yearly price, never per inhabitant of the county (issue 18)
                price_model="fixed" if org.kind == "county_municipality" and price_model == "per_inhabitant"
                else price_model))
    for version, issued_on in versions:
        session.add(AppendixVersion(service_id=service.id, version=version, issued_on=issued_on,
                                    summary=_version_summary(service.name, version)))


# Two municipalities are called Herøy (Møre og Romsdal, Nordland), two Våler (Østfold, Innlandet): the demo
# keeps all four as adopters, so that every sum by organisation is seen to keep them apart.
NAMESAKES = ("1515", "1818", "3114", "3419")


def _namesakes_adopt(session: Session, services: dict, signed: dict) -> None:
    """A namesake with a signed main agreement and no SvarUt appendix gets one (whatever the draw gave)."""
    svarut = services.get("svarut")
    if svarut is None:
        return
    for org_id, (org, main_signed) in sorted(signed.items()):
        if org.municipality_number not in NAMESAKES or org.valid_to is not None:
            continue
        if session.scalar(select(func.count()).select_from(ServiceAppendix).where(
                ServiceAppendix.organisation_id == org_id, ServiceAppendix.service_id == svarut.id)):
            continue
        start = _month_start(max(main_signed, SERVICES["svarut"][0]) + timedelta(days=31))
        version = [v for v, issued in SERVICES["svarut"][4] if issued <= start][-1]
        session.add(ServiceAppendix(organisation_id=org_id, service_id=svarut.id, appendix_version=version,
                                    status="signed", signed_date=start - timedelta(days=20), start_date=start,
                                    end_date=None, price_model=SERVICES["svarut"][3], notes=""))
    session.flush()


def _periods(rng: random.Random, start: date, end: date | None, versions) -> list[tuple]:
    """Split an appendix period where the organisation re-signed a newer version."""
    current = [v for v, issued in versions if issued <= start][-1] if versions else None
    periods = []
    p_start = start
    for version, issued in versions:
        if issued <= start or (end is not None and issued >= end):
            continue
        # most organisations re-sign within a year; some are still on the old version
        share = 0.25 if issued >= date(2025, 1, 1) else 0.85
        if rng.random() > share:
            break
        resign = _month_start(issued + timedelta(days=rng.randrange(30, 300)))
        if resign > LAST_START or (end is not None and resign > end):
            break
        periods.append((current, p_start, resign - timedelta(days=1)))
        current, p_start = version, resign
    periods.append((current, p_start, end))
    return periods


def _month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _version_summary(name: str, version: str) -> str:
    if version == "1.0":
        return f"Første versjon av tjenestevedlegget for {name}."
    return f"Oppdatert databehandleravtale og tjenestenivå for {name} (versjon {version})."


def _adopters(session: Session, service: Service, on: date) -> list[Organisation]:
    query = (select(Organisation).join(ServiceAppendix, ServiceAppendix.organisation_id == Organisation.id)
             .where(ServiceAppendix.service_id == service.id, ServiceAppendix.status.in_(("signed", "terminated")),
                    ServiceAppendix.start_date <= on,
                    (ServiceAppendix.end_date.is_(None)) | (ServiceAppendix.end_date >= date(2027, 12, 31)))
             .order_by(Organisation.population.desc()))
    return list(dict.fromkeys(session.scalars(query)))


COUNCILS = {
    "svarut": (7, "Brukerrådet gir råd om prioritering av videreutvikling av SvarUt og SvarInn, og "
                  "behandler endringsønsker fra brukermøtet."),
    "digisos": (6, "Brukerrådet representerer kommunene og NAV-kontorene i prioriteringen av Digisos."),
}


def _councils(session: Session, rng: random.Random, services: dict[str, Service]) -> None:
    for code, (size, mandate) in COUNCILS.items():
        service = services.get(code)
        if service is None:
            continue
        council = Council(service_id=service.id, name=f"Brukerråd for {service.name}", mandate=mandate)
        session.add(council)
        session.flush()
        adopters = _adopters(session, service, date(2023, 1, 1))
        pool = adopters[:12] + rng.sample(adopters[12:], min(len(adopters) - 12, 20))
        previous = rng.sample(pool, min(6, len(pool)))
        current = rng.sample(pool, min(size, len(pool)))
        used_names: set[str] = set()
        for term, members in (((date(2023, 1, 1), date(2024, 12, 31)), previous),
                              ((date(2025, 1, 1), date(2026, 12, 31)), current)):
            for index, org in enumerate(members):
                name = _person(rng, used_names)
                session.add(CouncilMember(
                    council_id=council.id, person_name=name, organisation_id=org.id,
                    email=f"{name.lower().replace(' ', '.').replace('ø', 'o').replace('å', 'a')}@kommune.example",
                    role="chair" if index == 0 else ("deputy" if index == len(members) - 1 else "member"),
                    term_from=term[0], term_to=term[1]))
        for meeting_date, title, minutes, decisions in _meetings(service.name):
            meeting = CouncilMeeting(council_id=council.id, meeting_date=meeting_date, title=title,
                                     location="Teams" if meeting_date.month in (3, 9) else "Oslo, KS-huset",
                                     agenda="\n".join([
                                         "1. Godkjenning av innkalling og referat",
                                         f"2. Status for {service.name}: drift og utbredelse",
                                         "3. Endringsønsker til prioritering",
                                         "4. Veikart neste fire kvartaler",
                                         "5. Eventuelt"]),
                                     minutes=minutes)
            meeting.decisions = [CouncilDecision(number=i, text=text) for i, text in enumerate(decisions, 1)]
            session.add(meeting)


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in used:
            used.add(name)
            return name


def _meetings(name: str) -> list[tuple]:
    return [
        (date(2025, 3, 12), f"Brukerrådsmøte 1/2025 – {name}",
         "Rådet gikk gjennom status og prioriterte endringsønskene fra brukermøtet.",
         ["Referat fra forrige møte godkjennes.",
          "Endringsønskene prioriteres slik de står i vedlagt liste.",
          "Produktansvarlig legger fram oppdatert veikart i neste møte."]),
        (date(2025, 9, 17), f"Brukerrådsmøte 2/2025 – {name}",
         "Veikartet ble lagt fram. Rådet ba om bedre varsling ved planlagt nedetid.",
         ["Veikartet tas til orientering.",
          "Varsling ved planlagt nedetid skal sendes minst fem virkedager før."]),
        (date(2026, 3, 11), f"Brukerrådsmøte 1/2026 – {name}", "Status og prioriteringer for 2026.",
         ["Referat fra forrige møte godkjennes.", "Prioriteringene for 2026 vedtas."]),
        (date(2027, 2, 10), f"Brukerrådsmøte 1/2027 – {name}", "", []),
    ]


ROADMAP = {
    "svarut": [("Ny mottaksløsning (SvarInn 2)", 2025, 4, "done"), ("Bedre sporing av forsendelser", 2026, 2, "done"),
               ("Digital post til næringsdrivende", 2026, 4, "in_progress"),
               ("Utfasing av gammel forsendelses-API", 2027, 1, "planned"),
               ("Maskinporten for alle integrasjoner", 2027, 2, "planned")],
    "digisos": [("Søknad om nødhjelp", 2026, 1, "done"), ("Vedlegg fra mobil", 2026, 3, "in_progress"),
                ("Innsyn i saksbehandlingstid", 2027, 1, "planned"), ("Digital klage", 2027, 3, "planned")],
    "minside": [("Nytt design", 2026, 4, "in_progress"), ("Varsler på SMS", 2027, 2, "planned")],
    "fiks-io": [("Større meldinger (over 5 GB)", 2027, 1, "planned"), ("Ny klientbibliotek for .NET", 2026, 3, "done")],
}

REQUESTS = {
    "svarut": [
        ("Varsel når mottaker ikke har åpnet brevet", "Vi ønsker varsel etter fem dager når et brev ikke er lest.",
         "planned", 1, 2),
        ("Bedre søk i sendte forsendelser", "Søk på mottakers navn og saksnummer.", "assessed", 2, None),
        ("Støtte for store vedlegg", "Byggesaker har ofte tegninger over 100 MB.", "new", None, None),
        ("Sporing per forsendelse i fagsystemet", "", "done", 3, 1),
        ("Masseutsendelse fra Excel", "Ønsker å sende likelydende brev til mange mottakere.", "rejected", None, None),
        ("Statistikk per avdeling", "Fakturagrunnlaget bør kunne fordeles på avdelinger.", "new", None, None),
        ("Automatisk retur til print ved ulest digital post", "", "assessed", 4, None),
    ],
    "digisos": [
        ("Søknad om nødhjelp utenom åpningstid", "", "done", 1, 0),
        ("Opplasting av vedlegg fra mobilen", "Bilder av kvitteringer fra mobil.", "planned", 2, 1),
        ("Varsel til veileder ved nye vedlegg", "", "assessed", 3, None),
        ("Innsyn i forventet saksbehandlingstid", "", "planned", 4, 2),
        ("Støtte for nynorsk i alle skjema", "", "new", None, None),
        ("Eksport av søknad som PDF", "", "new", None, None),
    ],
    "minside": [("Mørk modus", "", "new", None, None), ("Varsler på SMS", "", "planned", 1, 1),
                ("Oversikt over alle søknader", "", "assessed", 2, None)],
    "fiks-io": [("Større meldinger", "Behov for å sende store arkivuttrekk.", "planned", 1, 0),
                ("Bedre feilmeldinger", "", "new", None, None)],
    "fiks-arkiv": [("Støtte for NOARK 5.5", "", "assessed", None, None)],
}


def _roadmap_and_requests(session: Session, rng: random.Random, services: dict[str, Service]) -> None:
    items: dict[str, list[RoadmapItem]] = {}
    for code, rows in ROADMAP.items():
        if code not in services:
            continue
        for title, year, quarter, status in rows:
            item = RoadmapItem(service_id=services[code].id, title=title, year=year, quarter=quarter, status=status,
                               description=f"{title}. Se endringsønsker og brukerrådets prioritering.")
            session.add(item)
            items.setdefault(code, []).append(item)
    session.flush()
    for code, rows in REQUESTS.items():
        service = services.get(code)
        if service is None:
            continue
        adopters = _adopters(session, service, date(2024, 1, 1)) or [None]
        for index, (title, description, status, priority, item_index) in enumerate(rows):
            org = rng.choice(adopters[:40])
            submitted = date(2024, 2, 1) + timedelta(days=35 * index + rng.randrange(20))
            item = items.get(code, [])[item_index] if item_index is not None and items.get(code) else None
            session.add(ChangeRequest(
                service_id=service.id, organisation_id=org.id if org else None, title=title,
                description=description or title, submitted_by=_person(rng, set()), submitted_on=submitted,
                status=status, council_priority=priority,
                assessment="Passer ikke med tjenestens formål." if status == "rejected" else
                ("Vurdert av produktteamet: middels innsats." if status != "new" else ""),
                roadmap_item_id=item.id if item is not None and status in ("planned", "done") else None))


# council decisions that dealt with a change request: service -> [(meeting date, request title, decision)]
DECISIONS = {
    "svarut": [
        (date(2025, 3, 12), "Varsel når mottaker ikke har åpnet brevet",
         "Varsel når mottaker ikke har åpnet brevet planlegges i veikartet som prioritet 1."),
        (date(2025, 3, 12), "Masseutsendelse fra Excel",
         "Masseutsendelse fra Excel avvises: passer ikke med tjenestens formål."),
        (date(2025, 9, 17), "Sporing per forsendelse i fagsystemet",
         "Sporing per forsendelse i fagsystemet planlegges sammen med bedre sporing av forsendelser."),
        (date(2026, 3, 11), "Bedre søk i sendte forsendelser",
         "Bedre søk i sendte forsendelser får prioritet 2; produktteamet legger fram et estimat i neste møte."),
    ],
    "digisos": [
        (date(2025, 3, 12), "Søknad om nødhjelp utenom åpningstid",
         "Søknad om nødhjelp utenom åpningstid planlegges som prioritet 1."),
        (date(2025, 9, 17), "Opplasting av vedlegg fra mobilen",
         "Opplasting av vedlegg fra mobilen planlegges i veikartet."),
        (date(2026, 3, 11), "Innsyn i forventet saksbehandlingstid",
         "Innsyn i forventet saksbehandlingstid planlegges for 2027."),
    ],
}


def _decisions_on_requests(session: Session, services: dict[str, Service]) -> None:
    """Add the decisions above to the councils' meetings, each linked to the change request it decided."""
    for code, rows in DECISIONS.items():
        service = services.get(code)
        council = service and session.scalar(select(Council).where(Council.service_id == service.id))
        if council is None:
            continue
        for meeting_date, title, text in rows:
            meeting = session.scalar(select(CouncilMeeting).where(CouncilMeeting.council_id == council.id,
                                                                  CouncilMeeting.meeting_date == meeting_date))
            request = session.scalar(select(ChangeRequest).where(ChangeRequest.service_id == service.id,
                                                                 ChangeRequest.title == title))
            if meeting is None or request is None:
                continue
            meeting.decisions.append(CouncilDecision(number=len(meeting.decisions) + 1, text=text,
                                                     change_request_id=request.id))


# User meetings (section 8.2): SvarUt's and Digisos' of 2024 elected the councils sitting from 2025 (recorded
# above); MinSide's and Fiks IO's of 2025 elect their first councils here, through the same door as the page.
# SvarUt's meeting of 2026 is called (notices ready) but not held yet.
USER_MEETINGS = {
    "svarut": [(date(2024, 11, 20), "Brukermøte SvarUt 2024", "Teams", False),
               (date(2026, 11, 18), "Brukermøte SvarUt 2026", "Oslo, KS-huset og Teams", False)],
    "digisos": [(date(2024, 11, 27), "Brukermøte Digisos 2024", "Teams", False)],
    "minside": [(date(2025, 4, 23), "Brukermøte MinSide 2025", "Teams", True)],
    "fiks-io": [(date(2025, 4, 24), "Brukermøte Fiks IO 2025", "Teams", True)],
}
NOTICE = ("Saksliste:\n1. Status for tjenesten og veikartet\n2. Endringsønsker fra dere\n3. Valg til brukerrådet\n\n"
          "Møtet varer to timer. Meld gjerne inn saker til produktansvarlig en uke før.")


def _user_meetings(session: Session, actor: Actor, services: dict[str, Service]) -> None:
    rng = random.Random(SEED + 8)
    used: set[str] = set()
    for code, rows in USER_MEETINGS.items():
        if code not in services:
            continue
        for meeting_date, title, location, elect in rows:
            meeting = meetings.create_user_meeting(session, actor, {
                "service_code": code, "meeting_date": meeting_date, "title": title, "location": location,
                "notice": NOTICE})
            if meeting_date > date(2026, 1, 1):
                continue
            invitees = meetings.invitee_rows(session, meeting.id)
            came = [r for r in invitees if rng.random() < 0.35]
            meetings.record_meeting(session, actor, meeting.id, {
                "minutes": f"{len(came)} virksomheter møtte. Produktansvarlig orienterte om status og veikart. "
                           "Møtet valgte brukerråd for neste periode.",
                "attendance": [{"organisation_id": r["organisation_id"], "attended": True,
                                "representative": _person(rng, used)} for r in came]})
            if elect:
                _elect(session, actor, meeting, code, rng, used)
            else:   # the council sitting from 2025 was elected here
                council = councils.get_council(session, code)
                for member in session.scalars(select(CouncilMember).where(
                        CouncilMember.council_id == council.id, CouncilMember.term_from == date(2025, 1, 1))):
                    member.elected_at_id = meeting.id
    session.flush()


def _elect(session: Session, actor: Actor, meeting, code: str, rng: random.Random, used: set[str]) -> None:
    """A balanced council: a county municipality and a municipality of each size class where the user meeting
    has one, then the largest; six representatives and two deputies."""
    term_from = date(2025, 6, 1)
    in_force = {c.organisation_id for c in councils.user_meeting(session, code, term_from)}
    candidates = sorted((r for r in meetings.invitee_rows(session, meeting.id) if r["organisation_id"] in in_force),
                        key=lambda r: -(r["population"] or 0))
    chosen: list[dict] = []
    wanted = [lambda r: r["kind"] == "county_municipality"] + [
        (lambda size: lambda r: r["size_class"] == size)(s.code) for s in meetings.SIZE_CLASSES]
    for test in wanted:
        found = next((r for r in candidates if test(r) and r not in chosen), None)
        if found is not None:
            chosen.append(found)
    chosen += [r for r in candidates if r not in chosen][:max(0, 8 - len(chosen))]
    chosen = chosen[:8]
    members = []
    for index, row in enumerate(chosen):
        name = _person(rng, used)
        members.append({"person_name": name, "organisation_id": row["organisation_id"], "term_from": term_from,
                        "term_to": date(2027, 5, 31),
                        "email": f"{name.lower().replace(' ', '.').replace('ø', 'o').replace('å', 'a').replace('æ', 'ae')}"
                                 "@kommune.example",
                        "role": "chair" if index == 0 else ("deputy" if index >= 6 else "member")})
    meetings.hold_election(session, actor, meeting.id, {"term_from": term_from, "term_to": date(2027, 5, 31),
                                                        "members": members})

