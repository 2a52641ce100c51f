"""Demo data for the ROS and DPIA registers: realistic ROS for SvarUt (two versions), Digisos, Fiks IO
(submitted, awaiting the leader), MinSide and the whole department, a DPIA for Digisos, measures in every
state (some overdue), risk acceptances requested by the security officer and decided by the leader (one
expired, so its risk is back in review; one request still awaiting the leader) and an open review request
from the change board; and two NSM maturity assessments a year apart, whose two largest gaps go to the
department-wide ROS.

Dates are relative to the day the demo is loaded, so there is always something overdue to show.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.errors import BackofficeError
from risk import dpia as dpias
from risk import matrix as matrices
from risk import measures, nsm, ros
from risk.models import NsmAssessment, RosAssessment

OWNER_OPS = "Driftsleder Ola Nordmann"
OWNER_DEV = "Utviklingsleder Kari Hansen"
OWNER_SEC = "Siri Sikkerhet"
OWNER_PO = "Per Produkt"
OWNER_VENDOR = "Leverandøransvarlig Ahmed Ali"


def _stage(likelihood: int, **consequences) -> dict:
    names = {"c": "confidentiality", "i": "integrity", "a": "availability", "p": "privacy", "e": "economy",
             "r": "reputation", "l": "life_health"}
    return {"likelihood": likelihood, "consequences": {names[k]: v for k, v in consequences.items()}}


# Two people sign: the security officer prepares and asks, the leader approves and decides (demo users).
SECURITY = Actor(username="sikkerhet", roles=frozenset({"security"}), full_name="Siri Sikkerhet")
LEADER = Actor(username="leder", roles=frozenset({"leader"}), full_name="Lise Leder")


def _signed(session: Session, assessment_id: int, submitted: date) -> None:
    """Submitted by the security officer on `submitted`, approved by the leader."""
    assessment = ros.submit(session, SECURITY, assessment_id)
    ros.approve(session, LEADER, assessment_id)
    assessment.submitted_at = datetime(submitted.year, submitted.month, submitted.day, 9, 0, tzinfo=UTC)


def _accepted(session: Session, risk_id: int, requested: date, decided: date, expires: date, reason: str) -> None:
    """An acceptance the security officer asked for on `requested` and the leader granted on `decided`."""
    request = ros.request_acceptance(session, SECURITY, risk_id, {"rationale": reason})
    request.requested_at = datetime(requested.year, requested.month, requested.day, 10, 0, tzinfo=UTC)
    ros.decide_acceptance(session, LEADER, request.id, {"decision": "accepted", "rationale": reason,
                                                        "decided_on": decided, "expires_on": expires})


def _backdate(assessment: RosAssessment, when: date, approver: str) -> None:
    assessment.assessed_on = when
    if assessment.approved_at is not None:
        assessment.approved_at = datetime(when.year, when.month, when.day, 12, 0, tzinfo=UTC) + timedelta(days=14)
        assessment.approved_by = approver


def load_registers(session: Session, actor: Actor, _rng) -> None:
    if session.scalar(select(func.count()).select_from(RosAssessment)):
        return
    today = date.today()
    matrices.current_matrix(session)
    _svarut(session, actor, today)
    _digisos(session, actor, today)
    _department(session, actor, today)
    _fiks_io(session, actor, today)
    _minside(session, actor, today)
    _digisos_dpia(session, actor, today)
    _minside_dpia(session, actor, today)
    session.flush()


def _svarut(session: Session, actor: Actor, today: date) -> None:
    first = ros.create_assessment(session, actor, {
        "scope": "service", "service_code": "svarut", "title": "ROS SvarUt",
        "context": "Utsendelse av brev fra kommunale fagsystemer via SvarUt til Digipost, e-Boks, Altinn og "
                   "print. Omfatter mottak, dokumentlager, print og manuelt mottak. Avgrenset mot fagsystemene.",
        "participants": "Siri Sikkerhet (leder), Per Produkt, Ola Nordmann (drift), Kari Hansen (utvikling)",
        "assessed_on": today - timedelta(days=430),
    })
    risks = [
        {"title": "Brev sendes til feil mottaker", "threat": "Feil adresse eller fødselsnummer fra fagsystemet",
         "vulnerability": "SvarUt kontrollerer ikke at mottaker er riktig part i saken",
         "consequence": "Taushetsbelagte opplysninger kommer på avveie",
         "inherent": _stage(4, c=4, p=4, r=3), "current": _stage(3, c=4, p=4, r=3), "residual": _stage(2, c=4, p=4),
         "knowledge": "strong", "owner": OWNER_PO, "treatment": "reduce",
         "municipality_action": "Rutiner for kontroll av mottaker i fagsystemet før utsendelse; opplæring av saksbehandlere."},
        {"title": "Utilgjengelig tjeneste ved stor utsendelse", "threat": "Masseutsendelse (f.eks. skattebrev) i rushtid",
         "vulnerability": "Kø og dokumentlager er dimensjonert for normal last",
         "consequence": "Frister for vedtak og varsler overholdes ikke",
         "inherent": _stage(3, a=4, r=2), "current": _stage(3, a=3), "residual": _stage(2, a=3),
         "knowledge": "medium", "owner": OWNER_OPS, "treatment": "reduce",
         "municipality_action": "Planlegg store utsendelser med avdelingen; ha reserveløsning for fristkritiske brev."},
        {"title": "Printleverandør får tilgang til innholdet", "threat": "Innsider eller kompromittert printleverandør",
         "vulnerability": "Brev til print sendes i klartekst til leverandøren",
         "consequence": "Brudd på taushetsplikt for mange mottakere",
         "inherent": _stage(2, c=5, p=5), "current": _stage(2, c=5, p=5), "residual": _stage(1, c=5, p=5),
         "knowledge": "weak", "owner": OWNER_VENDOR, "treatment": "transfer",
         "municipality_action": "Ingen egne tiltak; kommunen informeres om databehandleravtalen."},
    ]
    for payload in risks:
        ros.add_risk(session, actor, first.id, payload)
    measures.add_measure(session, actor, first.id, {
        "title": "Mottakerkontroll mot Folkeregisteret", "owner": OWNER_DEV, "status": "done",
        "due_date": today - timedelta(days=200), "completed_on": today - timedelta(days=210),
        "cost_ore": 45_000_000, "effect": "Stopper brev der navn og fødselsnummer ikke stemmer",
        "risk_keys": ["R-01"]})
    _signed(session, first.id, today - timedelta(days=425))
    _backdate(first, today - timedelta(days=430), "Lise Leder")

    second = ros.start_revision(session, actor, first.id)
    second.context = first.context + " Ny i denne versjonen: overgang til ny printleverandør."
    second.participants = first.participants + ", Ahmed Ali (leverandørstyring)"
    r2 = next(r for r in second.risks if r.key == "R-02")
    payload = ros.risk_payload(r2)
    payload["current"] = _stage(2, a=3)
    ros.update_risk(session, actor, r2.id, payload)
    ros.add_risk(session, actor, second.id, {
        "title": "Phishing som etterligner varsel fra SvarUt", "threat": "Svindlere sender falske varsler på e-post og SMS",
        "vulnerability": "Innbyggere kjenner ikke igjen ekte varsler", "consequence": "Innbyggere gir fra seg BankID-opplysninger",
        "inherent": _stage(4, p=3, r=4, e=2), "residual": _stage(3, p=3, r=3), "knowledge": "medium",
        "owner": OWNER_SEC, "treatment": "reduce",
        "municipality_action": "Informer innbyggerne om hvordan ekte varsler ser ut; lenk aldri direkte i varsler."})
    for payload in (
        {"title": "Kryptere forsendelser til print ende-til-ende", "owner": OWNER_VENDOR, "status": "in_progress",
         "due_date": today - timedelta(days=21), "cost_ore": 120_000_000, "effect": "Leverandøren ser ikke innholdet",
         "risk_keys": ["R-03"]},
        {"title": "Lasttest og autoskalering av dokumentlager", "owner": OWNER_OPS, "status": "planned",
         "due_date": today + timedelta(days=45), "cost_ore": 30_000_000, "effect": "Tåler 5 x normal last",
         "risk_keys": ["R-02"]},
        {"title": "Kampanje om ekte og falske varsler", "owner": OWNER_PO, "status": "planned",
         "due_date": today - timedelta(days=5), "cost_ore": 8_000_000, "effect": "Færre vellykkede phishingforsøk",
         "risk_keys": ["R-04"]},
        {"title": "SMS-varsel med avsenders navn", "owner": OWNER_DEV, "status": "cancelled",
         "due_date": today - timedelta(days=60), "effect": "Erstattet av kampanjen", "risk_keys": ["R-04"]},
    ):
        measures.add_measure(session, actor, second.id, payload)
    _signed(session, second.id, today - timedelta(days=70))
    _backdate(second, today - timedelta(days=75), "Lise Leder")
    r3 = next(r for r in second.risks if r.key == "R-03")
    _accepted(session, r3.id, today - timedelta(days=64), today - timedelta(days=60), today + timedelta(days=120),
              "Akseptert til krypteringen til print er på plass; leverandøren er revidert og har databehandleravtale.")
    r2 = next(r for r in second.risks if r.key == "R-02")
    waiting = ros.request_acceptance(session, SECURITY, r2.id, {
        "rationale": "Lasttesten er planlagt om halvannen måned; ber om aksept av restrisikoen for nedetid til den er "
                     "gjennomført.", "expires_on": today + timedelta(days=90)})
    waiting.requested_at = datetime.combine(today - timedelta(days=6), datetime.min.time(), tzinfo=UTC)
    ros.mark_review_due(session, _changeboard_actor(), "svarut",
                        "Endringsrådet godkjente ny printleverandør fra 1. neste måned (sak ER-2026-014).",
                        "change", "ER-2026-014")


def _changeboard_actor() -> Actor:
    return Actor(username="portefolje", roles=frozenset({"portfolio"}), full_name="Pia Portefølje")


def _digisos(session: Session, actor: Actor, today: date) -> None:
    assessment = ros.create_assessment(session, actor, {
        "scope": "service", "service_code": "digisos", "title": "ROS Digisos",
        "context": "Digital søknad om økonomisk sosialhjelp, innsyn i saken og meldinger mellom søker og NAV-kontor. "
                   "Særlige kategorier av opplysninger og sårbare brukere.",
        "participants": "Siri Sikkerhet, Per Produkt, personvernombudet, representant for NAV-kontor",
        "assessed_on": today - timedelta(days=160),
    })
    for payload in (
        {"title": "Uautorisert innsyn i søknad", "threat": "Angriper eller nærstående får tilgang til søkerens innlogging",
         "vulnerability": "Delte enheter og svake rutiner for utlogging", "consequence": "Sensitive opplysninger om økonomi og helse avsløres",
         "inherent": _stage(3, c=5, p=5, l=3), "current": _stage(3, c=4, p=5, l=3), "residual": _stage(2, c=4, p=4),
         "knowledge": "medium", "owner": OWNER_PO, "treatment": "reduce",
         "municipality_action": "NAV-kontoret må følge opp tilgangsstyring i fagsystemet og logge oppslag."},
        {"title": "Søknad går tapt mellom Digisos og fagsystem", "threat": "Feil i integrasjonen via Fiks IO",
         "vulnerability": "Manglende kvittering fra mottakende fagsystem", "consequence": "Søker får ikke nødhjelp i tide",
         "inherent": _stage(3, a=4, l=4, i=3), "current": _stage(2, a=4, l=4), "residual": _stage(1, a=4, l=4),
         "knowledge": "strong", "owner": OWNER_OPS, "treatment": "reduce",
         "municipality_action": "Overvåk at søknader kommer inn; ha manuell rutine ved driftsavbrudd."},
        {"title": "Opplysninger lagres lenger enn nødvendig", "threat": "Manglende sletterutiner",
         "vulnerability": "Dokumentlageret har ingen automatisk sletting", "consequence": "Brudd på lagringsbegrensningen",
         "inherent": _stage(4, p=3), "current": _stage(4, p=3), "residual": _stage(2, p=3),
         "knowledge": "strong", "owner": OWNER_DEV, "treatment": "accept",
         "municipality_action": "Kommunen må arkivere i eget sak/arkiv-system og slette lokale kopier."},
    ):
        ros.add_risk(session, actor, assessment.id, payload)
    for payload in (
        {"title": "Automatisk utlogging og varsel om innlogging", "owner": OWNER_DEV, "status": "done",
         "due_date": today - timedelta(days=90), "completed_on": today - timedelta(days=95), "cost_ore": 25_000_000,
         "effect": "Kortere vindu for misbruk av åpen sesjon", "risk_keys": ["R-01"]},
        {"title": "Kvittering og overvåking av leveranser til fagsystem", "owner": OWNER_OPS, "status": "in_progress",
         "due_date": today - timedelta(days=12), "cost_ore": 60_000_000, "effect": "Varsel innen 15 minutter ved tapt søknad",
         "risk_keys": ["R-02"]},
        {"title": "Sletting etter 90 dager i dokumentlageret", "owner": OWNER_DEV, "status": "planned",
         "due_date": today + timedelta(days=100), "cost_ore": 15_000_000, "effect": "Ingen opplysninger eldre enn 90 dager",
         "risk_keys": ["R-03"]},
    ):
        measures.add_measure(session, actor, assessment.id, payload)
    _signed(session, assessment.id, today - timedelta(days=155))
    _backdate(assessment, today - timedelta(days=160), "Lise Leder")
    risk = next(r for r in assessment.risks if r.key == "R-03")
    _accepted(session, risk.id, today - timedelta(days=145), today - timedelta(days=140), today + timedelta(days=20),
              "Akseptert inntil automatisk sletting er innført; kommunene er varslet.")


def _department(session: Session, actor: Actor, today: date) -> None:
    assessment = ros.create_assessment(session, actor, {
        "scope": "department", "title": "Samlet ROS for avdelingen",
        "context": "Avdelingens samlede risikobilde for plattformen: felles drift, leverandører, kompetanse og "
                   "beredskap. Bygger på tjenestenes ROS-analyser.",
        "participants": "Ledergruppen, Siri Sikkerhet", "assessed_on": today - timedelta(days=400),
    })
    for payload in (
        {"title": "Løsepengevirus hos driftsleverandør", "threat": "Kriminelle angriper leverandørens miljø",
         "vulnerability": "Felles administrasjonstilgang på tvers av tjenester", "consequence": "Alle tjenester nede i dager",
         "inherent": _stage(3, a=5, c=4, e=4, r=4), "current": _stage(3, a=5, c=4, e=4, r=4),
         "residual": _stage(2, a=4, c=4, e=3), "knowledge": "medium", "owner": OWNER_OPS, "treatment": "reduce",
         "municipality_action": "Ha beredskapsplan for bortfall av felleskomponentene."},
        {"title": "Nøkkelpersonavhengighet i drift", "threat": "Sykdom eller avgang",
         "vulnerability": "To personer kan driftsoppgavene", "consequence": "Forsinket feilretting",
         "inherent": _stage(4, a=3, e=2), "current": _stage(3, a=3), "residual": _stage(2, a=2),
         "knowledge": "strong", "owner": "Lise Leder", "treatment": "reduce"},
        {"title": "Svikt i nasjonal ID-port", "threat": "Utfall hos ekstern leverandør av innlogging",
         "vulnerability": "Ingen alternativ innlogging", "consequence": "Innbyggere kommer ikke inn",
         "inherent": _stage(2, a=4), "knowledge": "strong", "owner": OWNER_OPS, "treatment": "accept"},
    ):
        ros.add_risk(session, actor, assessment.id, payload)
    for payload in (
        {"title": "Isolerte sikkerhetskopier og gjenopprettingsøvelse", "owner": OWNER_OPS, "status": "in_progress",
         "due_date": today - timedelta(days=40), "cost_ore": 80_000_000, "effect": "Gjenoppretting innen 24 timer",
         "risk_keys": ["R-01"]},
        {"title": "Opplæring av to nye driftsmedarbeidere", "owner": "Lise Leder", "status": "done",
         "due_date": today - timedelta(days=30), "completed_on": today - timedelta(days=35), "cost_ore": 20_000_000,
         "effect": "Fire personer kan driftsoppgavene", "risk_keys": ["R-02"]},
    ):
        measures.add_measure(session, actor, assessment.id, payload)
    _signed(session, assessment.id, today - timedelta(days=395))
    _backdate(assessment, today - timedelta(days=400), "Lise Leder")
    assessment.next_review = today - timedelta(days=35)
    risk = next(r for r in assessment.risks if r.key == "R-03")
    # expired two weeks ago: the risk is back in review, on the security officer's list
    _accepted(session, risk.id, today - timedelta(days=385), today - timedelta(days=380), today - timedelta(days=15),
              "Ekstern avhengighet; nasjonal løsning med egen beredskap.")


def _fiks_io(session: Session, actor: Actor, today: date) -> None:
    assessment = ros.create_assessment(session, actor, {
        "scope": "service", "service_code": "fiks-io", "title": "ROS Fiks IO",
        "context": "Meldingsutveksling mellom fagsystemer. Sertifikater, kø og integrasjonspunkter.",
        "participants": "Siri Sikkerhet, Kari Hansen", "assessed_on": today - timedelta(days=10),
    })
    ros.add_risk(session, actor, assessment.id, {
        "title": "Utløpt virksomhetssertifikat stopper meldinger", "threat": "Sertifikat fornyes ikke i tide",
        "vulnerability": "Manuell fornyelse hos hver kommune", "consequence": "Meldinger avvises",
        "inherent": _stage(4, a=3, i=2), "residual": _stage(2, a=3), "owner": OWNER_OPS,
        "municipality_action": "Følg med på utløpsdato for kommunens virksomhetssertifikat."})
    ros.add_risk(session, actor, assessment.id, {
        "title": "Meldinger leses av feil mottaker", "threat": "Feil konfigurert konto", "vulnerability": "Kontoer deles",
        "consequence": "Fortrolige meldinger på avveie", "inherent": _stage(2, c=4, p=4), "owner": OWNER_DEV})
    measures.add_measure(session, actor, assessment.id, {
        "title": "Varsel 30 dager før sertifikat utløper", "owner": OWNER_DEV, "status": "planned",
        "due_date": today + timedelta(days=30), "cost_ore": 5_000_000, "risk_keys": ["R-01"]})
    submitted = ros.submit(session, SECURITY, assessment.id)     # awaiting the leader's approval
    submitted.submitted_at = datetime.combine(today - timedelta(days=4), datetime.min.time(), tzinfo=UTC)


def _minside(session: Session, actor: Actor, today: date) -> None:
    assessment = ros.create_assessment(session, actor, {
        "scope": "service", "service_code": "minside", "title": "ROS MinSide",
        "context": "Utkast: innbyggerens inngang til egne saker.", "participants": "Siri Sikkerhet",
        "assessed_on": today - timedelta(days=3),
    })
    ros.add_risk(session, actor, assessment.id, {
        "title": "Innsyn i andres saker ved feil i tilgangskontroll", "threat": "Programmeringsfeil",
        "vulnerability": "Tilgang avgjøres i flere lag", "consequence": "Brudd på taushetsplikt",
        "inherent": _stage(2, c=5, p=5), "owner": OWNER_DEV})


def _digisos_dpia(session: Session, actor: Actor, today: date) -> None:
    item = dpias.create_dpia(session, actor, {
        "service_code": "digisos", "processing": "Søknad om økonomisk sosialhjelp", "assessed_on": today - timedelta(days=170),
        "screening_criteria": ["sensitive", "large_scale", "vulnerable", "matching"], "screening_listed": [],
        "screening_note": "Fire kriterier er oppfylt: sensitive opplysninger om sårbare personer, i stor skala, "
                          "sammenstilt med opplysninger fra NAV og Folkeregisteret.",
        "purposes": "Ta imot og behandle søknader om økonomisk sosialhjelp, gi søkeren innsyn og kommunisere i saken.",
        "data_categories": "Identitet og kontaktinformasjon, familie og bosituasjon, inntekt, formue, utgifter, "
                           "kontoutskrifter, vedtak.",
        "special_categories": "Helseopplysninger når søkeren legger dem ved for å begrunne behov.",
        "data_subjects": "Søkere, ektefelle eller samboer, barn i husstanden.",
        "recipients": "NAV-kontoret i søkerens kommune; databehandlere for drift av plattformen.",
        "retention": "Dokumentlageret: 90 dager etter levering. Kommunens arkiv etter arkivloven.",
        "legal_basis_art6": ["c", "e"], "legal_basis_art9": ["b", "h"],
        "legal_basis_note": "Lov om sosiale tjenester i arbeids- og velferdsforvaltningen §§ 18 og 43.",
        "necessity": "Digital søknad reduserer papir og ventetid; bare opplysninger som trengs for vedtaket samles inn.",
        "proportionality": "Søkeren informeres om hva som samles inn og hvorfor; innsyn i egen sak.",
        "measures": "Innlogging på nivå høyt, kryptering, tilgangsstyring per NAV-kontor, logging og sletting.",
        "dpo_opinion": "Personvernombudet støtter vurderingen, med forutsetning om at sletting etter 90 dager innføres.",
        "dpo_name": "Personvernombudet", "conclusion": "Behandlingen kan gjennomføres med tiltakene. Restrisikoen er middels.",
    })
    for payload in (
        {"description": "Uvedkommende får innsyn i søknaden", "likelihood": 3, "severity": 4,
         "measures": "Innlogging nivå høyt, automatisk utlogging", "residual_likelihood": 2, "residual_severity": 3},
        {"description": "Søkeren forstår ikke hva opplysningene brukes til", "likelihood": 3, "severity": 2,
         "measures": "Klart språk i søknadsdialogen", "residual_likelihood": 2, "residual_severity": 2},
        {"description": "Opplysninger lagres for lenge", "likelihood": 4, "severity": 2,
         "measures": "Sletting etter 90 dager", "residual_likelihood": 2, "residual_severity": 2},
    ):
        dpias.add_risk(session, actor, item.id, payload)
    dpias.submit(session, SECURITY, item.id)
    dpias.approve(session, LEADER, item.id)
    item.submitted_at = datetime.combine(today - timedelta(days=155), datetime.min.time(), tzinfo=UTC)
    item.approved_at = datetime.combine(today - timedelta(days=150), datetime.min.time(), tzinfo=UTC)


def _minside_dpia(session: Session, actor: Actor, today: date) -> None:
    item = dpias.create_dpia(session, actor, {
        "service_code": "minside", "processing": "Innsyn i egne saker", "assessed_on": today - timedelta(days=2),
        "screening_criteria": ["matching"], "purposes": "Vise innbyggeren status i egne saker.",
        "data_categories": "Identitet, saksstatus, dokumenter", "data_subjects": "Innbyggere",
    })
    dpias.add_risk(session, actor, item.id, {"description": "Feil person ser dokumenter", "likelihood": 2, "severity": 4})


__all__ = ["load_registers"]


# --- NSM maturity -------------------------------------------------------------------------------------

BASE_LEVEL = {"1": 2.6, "2": 2.3, "3": 1.7, "4": 2.0}


def load_nsm(session: Session, actor: Actor, rng: random.Random) -> None:
    if session.scalar(select(NsmAssessment.id).limit(1)) is not None:
        return
    latest_on = date.today() - timedelta(days=14)
    first_on = latest_on - timedelta(days=365)
    first = nsm.create_assessment(session, actor, {
        "title": f"Modenhetsvurdering {first_on.year}", "assessed_on": first_on,
        "scope": "Hele avdelingen", "default_target": 3,
        "notes": "Første vurdering mot NSMs grunnprinsipper 2.0."})
    rows = []
    # the loaded catalogue's units: the sourced measures where there are any, else the principle itself
    for measure_id in nsm.unit_ids(session):
        base = BASE_LEVEL[measure_id[0]]
        level = max(0, min(5, round(base + rng.uniform(-1.3, 1.3))))
        target = 4 if measure_id.startswith(("2.6", "2.7", "3.2", "2.9")) else 3
        rows.append({"measure_id": measure_id, "level": level, "target": target,
                     "evidence": "Intervju med driftsleder og gjennomgang av rutiner." if level >= 3 else "",
                     "comment": ""})
    nsm.update_scores(session, actor, first.id, rows)
    nsm.set_status(session, actor, first.id, "final")
    second = nsm.create_assessment(session, actor, {
        "title": f"Modenhetsvurdering {latest_on.year}", "assessed_on": latest_on,
        "scope": "Hele avdelingen", "default_target": 3, "copy_from_id": first.id,
        "notes": "Oppfølging ett år etter; fokus på overvåking og hendelseshåndtering."})
    improved = []
    for row in rows:
        level = row["level"]
        if row["measure_id"][0] in ("3", "4") and rng.random() < 0.55:
            level = min(5, level + 1)
        elif rng.random() < 0.2:
            level = min(5, level + 1)
        elif rng.random() < 0.05:
            level = max(0, level - 1)
        improved.append({**row, "level": level,
                         "evidence": row["evidence"] or ("Ny rutine dokumentert i kvalitetssystemet."
                                                         if level > row["level"] else "")})
    nsm.update_scores(session, actor, second.id, improved)
    for gap in nsm.gaps(session, second.id, limit=2):   # the two largest gaps go to the department ROS
        try:
            with session.begin_nested():
                nsm.gap_to_department_risk(session, actor, second.id, gap["measure_id"], {
                    "owner": "Siri Sikkerhet", "deadline": date.today() + timedelta(days=180),
                    "likelihood": 3, "consequence": 3})
        except BackofficeError:  # the department ROS refused it: the demo goes on without that risk
            pass
