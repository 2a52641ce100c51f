"""Demo data for DigiOrden: realistic (but fictional) system maps for municipalities of different sizes.

Systems, products and vendors are generic names for the kinds of systems every Norwegian
municipality runs (archive, HR and payroll, finance, care and health records, schools,
kindergartens, child welfare, social services, building cases, maps). Each municipality picks one
product per need, so the cross-sector views show real concentration; a few gaps are left on purpose
so the gap list has something to say.
"""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.registers.models import Organisation, Service
from data.registers.registry import org_number_check_digit
from portfolio.digiorden.models import DoDataset, DoIntegration, DoSystem, DoSystemArea, DoVendor

SEED = 11_2024

VENDORS = {
    "Arkivsystemer Norge AS": "923456783", "Nordlys Programvare AS": None, "Kommunedata AS": None,
    "Helseteknologi AS": None, "Omsorgsdata AS": None, "Skoleplattform AS": None, "Barnehagedata AS": None,
    "Fjord Økonomisystemer AS": None, "Personalsystemer AS": None, "Kartverk og GIS AS": None,
    "Byggesaksløsninger AS": None, "Skyløsninger Norden AS": None, "Velferdssystemer AS": None,
}

# need -> alternatives: (system name, product, vendor, hosting, areas)
NEEDS: dict[str, list[tuple[str, str, str, str, tuple[str, ...]]]] = {
    "archive": [("Sak og arkiv", "ArkivPro", "Arkivsystemer Norge AS", "on_premises", ("archive", "administration")),
                ("Sak og arkiv", "eArkiv 360", "Nordlys Programvare AS", "saas", ("archive", "administration"))],
    "hr": [("HR og lønn", "PersonalPluss", "Personalsystemer AS", "saas", ("hr",)),
           ("HR og lønn", "Lønn og Personal", "Fjord Økonomisystemer AS", "cloud", ("hr",))],
    "finance": [("Økonomi og regnskap", "ØkonomiERP", "Fjord Økonomisystemer AS", "saas", ("finance",)),
                ("Økonomi og regnskap", "Regnskap Kommune", "Kommunedata AS", "on_premises", ("finance",))],
    "care": [("Pleie og omsorg", "OmsorgsJournal", "Omsorgsdata AS", "on_premises", ("care", "health")),
             ("Pleie og omsorg", "CarePro EPJ", "Helseteknologi AS", "saas", ("care", "health"))],
    "health": [("Helsestasjon og skolehelsetjeneste", "HelsestasjonsJournal", "Helseteknologi AS", "saas",
                ("health",)),
               ("Helsestasjon og skolehelsetjeneste", "Barnehelse", "Omsorgsdata AS", "on_premises", ("health",))],
    "child_welfare": [("Barnevern", "Barnevern Fag", "Velferdssystemer AS", "on_premises", ("child_welfare",)),
                      ("Barnevern", "BV-Modul", "Kommunedata AS", "cloud", ("child_welfare",))],
    "social": [("Sosialtjeneste", "Sosial Fag", "Velferdssystemer AS", "on_premises", ("social_services",))],
    "school_admin": [("Skoleadministrasjon", "SkoleAdmin", "Skoleplattform AS", "saas", ("schools",)),
                     ("Skoleadministrasjon", "Elevsys", "Kommunedata AS", "saas", ("schools",))],
    "learning": [("Læringsplattform", "LæringsRom", "Skoleplattform AS", "saas", ("schools",))],
    "kindergarten": [("Barnehageadministrasjon", "Barnehageportalen", "Barnehagedata AS", "saas",
                      ("kindergartens",))],
    "building": [("Byggesak", "ByggSak Pro", "Byggesaksløsninger AS", "on_premises", ("planning_building",)),
                 ("Byggesak", "Plan og Bygg", "Kommunedata AS", "saas", ("planning_building",))],
    "maps": [("Kart og eiendom", "KartInnsyn", "Kartverk og GIS AS", "cloud", ("planning_building", "technical"))],
    "maintenance": [("FDV og vedlikehold", "FDV Drift", "Kommunedata AS", "saas", ("technical",))],
    "forms": [("Skjemaløsning", "Skjemaportal", "Nordlys Programvare AS", "saas", ("citizen_services",))],
    "quality": [("Avvik og kvalitet", "Kvalitetslosen", "Kommunedata AS", "saas", ("administration", "hr"))],
    "office": [("Kontor og samhandling", "Kontorpakke Sky", "Skyløsninger Norden AS", "saas", ("administration",))],
    "library": [("Bibliotek", "BiblioSys", "Kommunedata AS", "saas", ("culture",))],
    "emergency": [("Legevakt", "Legevaktjournal", "Helseteknologi AS", "saas", ("health",))],
}

# need -> datasets: (name, personal data, categories, subjects, purpose, legal basis, recipients, retention)
DATASETS: dict[str, list[tuple]] = {
    "archive": [("Saker og journalposter", "confidential", "navn, fødselsnummer, kontaktopplysninger, saksinnhold",
                 "innbyggere, ansatte, virksomheter", "Saksbehandling, dokumentasjon og arkivering",
                 "GDPR art. 6 nr. 1 bokstav c og e; arkivlova § 6", "Arkivdepot ved avlevering",
                 "Bevares; avleveres til arkivdepot etter arkivplanen")],
    "hr": [("Personalmapper", "confidential", "navn, fødselsnummer, arbeidsavtaler, sykefravær, advarsler",
            "ansatte og tidligere ansatte", "Arbeidsgivers administrasjon av arbeidsforhold",
            "GDPR art. 6 nr. 1 bokstav b og c, art. 9 nr. 2 bokstav b; arbeidsmiljøloven",
            "NAV, Skatteetaten, pensjonskasse", "Bevares; avleveres til arkivdepot"),
           ("Lønnsgrunnlag", "ordinary", "navn, fødselsnummer, kontonummer, lønn, skattetrekk", "ansatte",
            "Utbetaling av lønn og rapportering", "GDPR art. 6 nr. 1 bokstav b og c; a-opplysningsloven",
            "Skatteetaten, SSB, NAV (a-meldingen)", "5 år etter regnskapsårets slutt (bokføringsloven)")],
    "finance": [("Reskontro og fakturaer", "ordinary", "navn, adresse, kontonummer, fakturaopplysninger",
                 "innbyggere, leverandører", "Fakturering, innkreving og regnskap",
                 "GDPR art. 6 nr. 1 bokstav c; bokføringsloven", "Revisjon, inkassoselskap",
                 "5 år etter regnskapsårets slutt"),
                ("Budsjett og regnskap", "none", "økonomiske tall", "", "", "", "", "")],
    "care": [("Pasientjournal pleie og omsorg", "special", "helseopplysninger, vedtak, tiltaksplaner, pårørende",
              "pasienter og brukere, pårørende", "Yte og dokumentere helse- og omsorgstjenester",
              "GDPR art. 6 nr. 1 bokstav c og e, art. 9 nr. 2 bokstav h; pasientjournalloven",
              "Fastlege, helseforetak (via meldingsutveksling)", "Bevares; avleveres etter arkivforskriften"),
             ("Vedtak om tjenester", "confidential", "navn, fødselsnummer, vedtak, begrunnelse",
              "søkere og brukere", "Tildeling av helse- og omsorgstjenester",
              "Helse- og omsorgstjenesteloven § 3-1; forvaltningsloven", "Statsforvalteren ved klage",
              "Bevares")],
    "health": [("Helsestasjonsjournal", "special", "helseopplysninger, vekst og utvikling, vaksiner",
                "barn og unge, foreldre", "Helsestasjons- og skolehelsetjeneste",
                "GDPR art. 9 nr. 2 bokstav h; forskrift om helsestasjons- og skolehelsetjenesten",
                "SYSVAK (Folkehelseinstituttet)", "Bevares; avleveres etter arkivforskriften")],
    "child_welfare": [("Barnevernssaker", "confidential", "navn, fødselsnummer, helse, familieforhold, "
                       "bekymringsmeldinger", "barn, foreldre, fosterforeldre",
                       "Undersøkelser, tiltak og oppfølging etter barnevernsloven",
                       "GDPR art. 6 nr. 1 bokstav c og e, art. 9 nr. 2 bokstav g; barnevernsloven",
                       "Statsforvalteren, Bufetat, domstolene", "Bevares; avleveres til arkivdepot")],
    "social": [("Sosialsaker", "confidential", "navn, fødselsnummer, økonomi, bolig, helse",
                "søkere av sosialhjelp og deres familier", "Behandling av søknader om økonomisk stønad",
                "GDPR art. 6 nr. 1 bokstav e, art. 9 nr. 2 bokstav b; sosialtjenesteloven", "NAV stat",
                "10 år etter avsluttet sak")],
    "school_admin": [("Elevregister", "ordinary", "navn, fødselsnummer, adresse, foresatte, karakterer, fravær",
                      "elever og foresatte", "Skoleadministrasjon og dokumentasjon av opplæringen",
                      "GDPR art. 6 nr. 1 bokstav c og e; opplæringsloven", "Utdanningsdirektoratet (statistikk)",
                      "Karakterer bevares; øvrig slettes 3 år etter skoleslutt"),
                     ("Spesialundervisning og tilrettelegging", "special", "sakkyndige vurderinger, diagnoser",
                      "elever med vedtak", "Vedtak om individuell tilrettelegging",
                      "GDPR art. 9 nr. 2 bokstav g; opplæringsloven", "PP-tjenesten", "Bevares")],
    "learning": [("Elevarbeider og vurderinger", "ordinary", "navn, innleveringer, tilbakemeldinger",
                  "elever, lærere", "Gjennomføring av opplæringen", "GDPR art. 6 nr. 1 bokstav e; opplæringsloven",
                  "", "Slettes 1 år etter skoleårets slutt")],
    "kindergarten": [("Søknader og plasser", "ordinary", "navn, fødselsnummer, adresse, inntekt for moderasjon",
                      "barn og foresatte", "Opptak og foreldrebetaling", "GDPR art. 6 nr. 1 bokstav e; barnehageloven",
                      "", "3 år etter at barnet sluttet")],
    "building": [("Byggesaker", "ordinary", "navn, adresse, gnr/bnr, tegninger", "tiltakshavere, naboer",
                  "Behandling av byggesøknader", "GDPR art. 6 nr. 1 bokstav e; plan- og bygningsloven",
                  "Matrikkelen, naboer ved varsel", "Bevares")],
    "maps": [("Kartdata og eiendomsgrenser", "none", "geodata", "", "", "", "", "")],
    "maintenance": [("Vedlikeholdsplaner", "none", "bygg, anlegg og utstyr", "", "", "", "", "")],
    "forms": [("Innsendte skjemaer", "ordinary", "navn, fødselsnummer, kontaktopplysninger, skjemainnhold",
               "innbyggere", "Mottak av søknader og meldinger", "GDPR art. 6 nr. 1 bokstav e", "", "90 dager")],
    "quality": [("Avviksmeldinger", "ordinary", "navn, hendelsesbeskrivelse", "ansatte, brukere",
                 "Internkontroll og læring", "GDPR art. 6 nr. 1 bokstav c; kommuneloven § 25-1", "", "5 år")],
    "office": [("E-post og dokumenter", "ordinary", "navn, kontaktopplysninger, korrespondanse",
                "ansatte, innbyggere", "Samhandling og kontorstøtte", "GDPR art. 6 nr. 1 bokstav e", "",
                "Slettes når saken er arkivert")],
    "library": [("Lånere", "ordinary", "navn, adresse, lånehistorikk", "lånere", "Utlån",
                 "GDPR art. 6 nr. 1 bokstav e; folkebibliotekloven", "", "Historikk slettes etter innlevering")],
    "emergency": [("Legevaktjournal", "special", "helseopplysninger, konsultasjoner", "pasienter",
                   "Akutt helsehjelp", "GDPR art. 9 nr. 2 bokstav h; pasientjournalloven", "Fastlege",
                   "Bevares")],
}

# (from need, to need or "service:<code>", data carried, method)
FLOWS = [
    ("building", "archive", "Byggesaksdokumenter", "api"),
    ("maps", "building", "Eiendomsinformasjon", "api"),
    ("hr", "finance", "Lønnsbilag", "file"),
    ("school_admin", "learning", "Elever og grupper", "api"),
    ("kindergarten", "finance", "Foreldrebetaling", "file"),
    ("forms", "archive", "Innsendte skjemaer", "api"),
    ("quality", "archive", "Avvik til arkiv", "manual"),
    ("archive", "service:svarut", "Utgående brev og vedtak", "api"),
    ("archive", "service:fiks-arkiv", "Arkivmeldinger", "message"),
    ("child_welfare", "service:bekymringsmelding", "Bekymringsmeldinger", "message"),
    ("social", "service:digisos", "Søknader om økonomisk sosialhjelp", "api"),
    ("care", "service:fiks-io", "Pleie- og omsorgsmeldinger", "message"),
    ("health", "service:provesvar-api", "Prøvesvar", "api"),
    ("building", "service:svarut", "Vedtak i byggesaker", "api"),
    ("health", "service:klinikermelding-api", "Klinikermeldinger", "api"),
    ("forms", "service:minside", "Status på innsendte skjemaer", "api"),
    ("emergency", "care", "Epikriser", "message"),
]

# municipality number -> needs (bigger municipalities have more)
MUNICIPALITIES = {
    "0301": list(NEEDS),                                                                   # Oslo
    "4601": [n for n in NEEDS if n != "library"],                                          # Bergen
    "5001": [n for n in NEEDS if n not in ("library", "emergency")],                       # Trondheim
    "1804": [n for n in NEEDS if n not in ("library", "emergency", "quality")],            # Bodø
    "1505": ["archive", "hr", "finance", "care", "health", "child_welfare", "social", "school_admin", "learning",
             "kindergarten", "building", "maps", "forms"],                                 # Kristiansund
    "3322": ["archive", "hr", "finance", "care", "health", "child_welfare", "social", "school_admin",
             "kindergarten", "building"],                                                  # Nesbyen
    "1151": ["archive", "hr", "finance", "care", "health", "school_admin", "kindergarten"],  # Utsira
}
OWNERS = {"archive": "Arkivleder", "hr": "HR-sjef", "finance": "Økonomisjef", "care": "Kommunalsjef helse og omsorg",
          "health": "Helsesykepleierleder", "child_welfare": "Barnevernleder", "social": "NAV-leder (kommunal del)",
          "school_admin": "Kommunalsjef oppvekst", "learning": "Kommunalsjef oppvekst",
          "kindergarten": "Barnehagesjef", "building": "Leder plan og bygg", "maps": "Leder geodata",
          "maintenance": "Eiendomssjef", "forms": "Digitaliseringsleder", "quality": "Kvalitetsleder",
          "office": "IKT-leder", "library": "Biblioteksjef", "emergency": "Legevaktsjef"}
SECURITY = {
    "on_premises": "Tilgangsstyring etter tjenstlig behov, logging av oppslag, kryptert backup, driftsavtale med IKT",
    "cloud": "Tilgangsstyring med tofaktor, kryptering i hvile og transport, databehandleravtale",
    "saas": "Databehandleravtale, tofaktor-innlogging, tilgangslogg, kryptering i transport og hvile",
}


def _org_number(rng: random.Random, taken: set[str]) -> str:
    while True:
        body = "9" + "".join(str(rng.randrange(10)) for _ in range(7))
        check = org_number_check_digit(body)
        if check is not None and body + str(check) not in taken:
            taken.add(body + str(check))
            return body + str(check)


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    """Map the demo municipalities (skips any that already have a map)."""
    del rng  # own seed: this data set must not change when other modules' loaders draw more numbers
    rng = random.Random(SEED)
    taken: set[str] = set()
    vendor_numbers = {name: number or _org_number(rng, taken) for name, number in VENDORS.items()}
    services = dict(session.execute(select(Service.code, Service.id)).all())
    for index, (number, needs) in enumerate(MUNICIPALITIES.items()):
        org = session.scalar(select(Organisation).where(Organisation.municipality_number == number,
                                                        Organisation.valid_to.is_(None)))
        if org is None:
            continue
        if session.scalar(select(func.count(DoSystem.id)).where(DoSystem.organisation_id == org.id)):
            continue
        small = (org.population or 0) < 30_000
        gap = 0.25 if small else 0.1
        vendors: dict[str, DoVendor] = {}
        systems: dict[str, DoSystem] = {}
        for need in needs:
            name, product, vendor_name, hosting, areas = NEEDS[need][(index + len(need)) % len(NEEDS[need])]
            if vendor_name not in vendors:
                vendors[vendor_name] = DoVendor(organisation_id=org.id, name=vendor_name,
                                                org_number=None if rng.random() < gap else vendor_numbers[vendor_name])
                session.add(vendors[vendor_name])
                session.flush()
            system = DoSystem(
                organisation_id=org.id, name=name, vendor_id=vendors[vendor_name].id, product=product,
                product_version=f"{rng.randint(3, 12)}.{rng.randint(0, 9)}", hosting=hosting,
                owner=None if rng.random() < gap else OWNERS[need],
                in_use_from=date(rng.randint(2008, 2023), rng.randint(1, 12), 1), in_use_to=None,
                security_measures=None if rng.random() < gap else SECURITY[hosting],
                description=None,
            )
            session.add(system)
            session.flush()
            systems[need] = system
            for area in areas:
                session.add(DoSystemArea(system_id=system.id, area=area))
            for (ds_name, personal, categories, subjects, purpose, basis, recipients, retention) in DATASETS[need]:
                session.add(DoDataset(
                    organisation_id=org.id, system_id=system.id, name=ds_name, personal_data=personal,
                    data_categories=categories or None, data_subjects=subjects or None, purpose=purpose or None,
                    legal_basis=None if (basis and rng.random() < gap / 2) else (basis or None),
                    recipients=recipients or None,
                    retention=None if (retention and rng.random() < gap / 2) else (retention or None),
                ))
        session.flush()
        if index < 2 and "archive" in systems:
            # an old archive system, taken out of use but still wired up: the gap list should catch it
            old = DoSystem(organisation_id=org.id, name="Eldre sak og arkiv (historisk)", product="ArkivPro Classic",
                           product_version="5.2", hosting="on_premises", owner=OWNERS["archive"],
                           vendor_id=systems["archive"].vendor_id, in_use_from=date(2004, 1, 1),
                           in_use_to=date(2019, 12, 31), security_measures=SECURITY["on_premises"],
                           description="Historisk arkiv før overgang til dagens sak- og arkivsystem")
            session.add(old)
            session.flush()
            session.add(DoSystemArea(system_id=old.id, area="archive"))
            session.add(DoDataset(organisation_id=org.id, system_id=old.id, name="Historiske saker",
                                  personal_data="confidential", data_categories="navn, fødselsnummer, saksinnhold",
                                  data_subjects="innbyggere, ansatte", purpose="Dokumentasjon av eldre saker",
                                  legal_basis="Arkivlova § 6", retention="Bevares; avleveres til arkivdepot"))
            session.add(DoIntegration(organisation_id=org.id, from_system_id=old.id,
                                      to_system_id=systems["archive"].id, method="database",
                                      data_carried="Migrering av historiske saker"))
        for source, target, data, method in FLOWS:
            if source not in systems:
                continue
            if target.startswith("service:"):
                service_id = services.get(target.split(":", 1)[1])
                if service_id is None:
                    continue
                session.add(DoIntegration(organisation_id=org.id, from_system_id=systems[source].id,
                                          to_service_id=service_id, method=method,
                                          data_carried=None if rng.random() < gap / 3 else data))
            elif target in systems:
                session.add(DoIntegration(organisation_id=org.id, from_system_id=systems[source].id,
                                          to_system_id=systems[target].id, method=method,
                                          data_carried=None if rng.random() < gap / 3 else data))
        session.flush()
