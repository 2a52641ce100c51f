"""The supplier room's demo data: the operations supplier and three other suppliers (all made up, marked as
demo, with made-up valid organisation numbers), certificates (one expiring within the warning period),
ISAE 3402/3000 reports (one overdue, one not yet reviewed), a finding carried into MinSide's draft ROS, and
SvarUt's data processing agreement in two versions with part of the adopters still on the first.

What the operations supplier delivers and where it keeps the data follows section 4.7 of the department's
description (Kubernetes on Red Hat OpenShift, S3 storage, managed databases; several data centres, all in
Norway; ISO 27001 certified data centres; yearly audits attested in ISAE 3402 and 3000 reports). The
department does not name the supplier, so neither does the demo.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements import processing
from agreements.appendices import active_appendices
from agreements.models import DpaSignature, ServiceAppendix
from data.access import Actor
from data.demo import generated_org_number
from risk.suppliers import assurance, register
from risk.suppliers.models import Supplier

DEMO_NOTE = "Demo: oppdiktet leverandør og organisasjonsnummer."
OPERATIONS = "Driftsleverandøren for Fiks-plattformen (demo)"


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    if session.scalar(select(Supplier.id).limit(1)) is not None:
        return
    today = date.today()
    local = random.Random(rng.random())
    _suppliers(session, actor, local, today)
    _processing_agreements(session, actor, local, today)


def _suppliers(session: Session, actor: Actor, rng: random.Random, today: date) -> None:
    operations = register.save_supplier(session, actor, {
        "name": OPERATIONS, "org_number": generated_org_number(rng), "country": "NO",
        "data_location": "Norge (flere datasentre, automatisk flytting mellom dem)",
        "delivers": "Kubernetes (Red Hat OpenShift Container Platform), lagring med S3-grensesnitt, administrerte "
                    "databaser, overvåking og varsling ved avvik",
        "processes_personal_data": True, "contact": "Kundeansvarlig hos driftsleverandøren",
        "notes": DEMO_NOTE, "services": ["svarut", "digisos", "minside", "fiks-io", "fiks-arkiv"],
        "components": ["dokumentlager", "fiks-io"],
    }, on_date=today - timedelta(days=5 * 365)).supplier
    assurance.save_certificate(session, actor, operations.id, {
        "scope": "Drift av datasentre og plattformtjenester (IaaS/PaaS) i Norge", "issuer": "Sertifiseringsorgan (demo)",
        "certificate_ref": "DEMO-27001-001", "issued_on": today - timedelta(days=3 * 365 - 60),
        "expires_on": today + timedelta(days=60),
    })
    isae3402 = assurance.save_report(session, actor, operations.id, {
        "standard": "isae3402", "report_type": "type2", "period_start": date(today.year - 1, 1, 1),
        "period_end": date(today.year - 1, 12, 31), "auditor": "Uavhengig revisjonsselskap (demo)",
        "opinion": "qualified", "received_on": min(today, date(today.year, 3, 15)),
        "reviewed_on": min(today, date(today.year, 3, 15) + timedelta(days=14)),
        "document_ref": "Sak 2025/123 (demo)", "notes": "Konklusjon med forbehold for ett kontrollmål.",
    })
    finding = assurance.save_finding(session, actor, isae3402.id, {
        "title": "Gjennomgang av privilegerte tilganger ikke dokumentert",
        "description": "Kvartalsvis gjennomgang av administratortilganger til plattformen var ikke dokumentert "
                       "for to av fire kvartaler i perioden.",
        "severity": "high",
        "supplier_response": "Rutinen er endret; gjennomgangen logges nå i leverandørens saksverktøy.",
    })
    assurance.save_finding(session, actor, isae3402.id, {
        "title": "Endringer i brannmurregler manglet godkjenning i to tilfeller", "severity": "low",
        "status": "closed", "supplier_response": "Godkjent i etterkant; kontrollen er skjerpet.",
    })
    assurance.finding_to_risk(session, actor, finding.id, {
        "service_code": "minside", "owner": "Siri Sikkerhet", "deadline": today + timedelta(days=90),
        "likelihood": 3, "consequence": 4,
    })
    end_3000 = today - timedelta(days=500)
    assurance.save_report(session, actor, operations.id, {
        "standard": "isae3000", "report_type": "type2", "period_start": end_3000 - timedelta(days=364),
        "period_end": end_3000, "auditor": "Uavhengig revisjonsselskap (demo)", "opinion": "unqualified",
        "received_on": end_3000 + timedelta(days=80), "reviewed_on": end_3000 + timedelta(days=95),
        "document_ref": "Sak 2024/87 (demo)", "notes": "Personvernkontroller (ISAE 3000).",
    })

    printing = register.save_supplier(session, actor, {
        "name": "Utskrifts- og postleverandør (demo)", "org_number": generated_org_number(rng), "country": "NO",
        "data_location": "Norge", "delivers": "Utskrift, konvolutering og sending av brev som ikke leses digitalt",
        "processes_personal_data": True, "notes": DEMO_NOTE, "services": ["svarut"], "components": ["print"],
    }, on_date=today - timedelta(days=4 * 365)).supplier
    assurance.save_certificate(session, actor, printing.id, {
        "scope": "Produksjon og distribusjon av trykksaker og post", "issuer": "Sertifiseringsorgan (demo)",
        "issued_on": today - timedelta(days=300), "expires_on": today + timedelta(days=2 * 365 + 65),
    })

    messaging = register.save_supplier(session, actor, {
        "name": "Varslingstjeneste for e-post og SMS (demo)", "org_number": None, "country": "SE",
        "data_location": "EU/EØS (Sverige)", "delivers": "Utsending av varsler på e-post og SMS til innbyggere",
        "processes_personal_data": True, "notes": "Demo: oppdiktet utenlandsk leverandør uten norsk organisasjonsnummer.",
        "services": ["minside"],
    }, on_date=today - timedelta(days=200)).supplier
    assurance.save_report(session, actor, messaging.id, {
        "standard": "isae3402", "report_type": "type2", "period_start": today - timedelta(days=400),
        "period_end": today - timedelta(days=36), "auditor": "Revisjonsselskap i Sverige (demo)",
        "opinion": "unqualified", "received_on": today - timedelta(days=6),
    })

    register.save_supplier(session, actor, {
        "name": "Konsulentselskap for utvikling (demo)", "org_number": generated_org_number(rng), "country": "NO",
        "delivers": "Utviklere og testere i prosjektene", "processes_personal_data": False, "notes": DEMO_NOTE,
    })


def _processing_agreements(session: Session, actor: Actor, rng: random.Random, today: date) -> None:
    """SvarUt's processing agreement in two versions: every adopter signed 1.0, about two in three 2.0; about
    half reported their own ROS, a third their own DPIA."""
    first = processing.add_version(session, actor, {
        "service_code": "svarut", "label": "1.0", "valid_from": today - timedelta(days=3 * 365),
        "document_ref": "Databehandleravtale SvarUt 1.0 (demo)", "changes": "Første versjon."})
    second = processing.add_version(session, actor, {
        "service_code": "svarut", "label": "2.0", "valid_from": today - timedelta(days=60),
        "document_ref": "Databehandleravtale SvarUt 2.0 (demo)",
        "changes": "Ny liste over underdatabehandlere (utskrifts- og postleverandøren), oppdaterte "
                   "sikkerhetstiltak i vedlegg 2."})
    adopters = {}
    for appendix in active_appendices(session, "svarut", today):
        adopters.setdefault(appendix.organisation_id, appendix)
    # Hundreds of rows: written straight through the ORM (audited by the session hook like any write); the
    # rules of processing.record_signature / record_own_assessments hold for every row made here.
    appendix_rows = {a.id: a for a in session.scalars(select(ServiceAppendix).where(
        ServiceAppendix.id.in_([a.appendix_id for a in adopters.values()])))}
    for org_id, appendix in sorted(adopters.items()):
        signed = min(today, max(first.valid_from, appendix.start_date))
        session.add(DpaSignature(dpa_version_id=first.id, organisation_id=org_id, signed_date=signed,
                                 recorded_by=actor.username))
        if rng.random() < 0.65:
            session.add(DpaSignature(dpa_version_id=second.id, organisation_id=org_id, recorded_by=actor.username,
                                     signed_date=min(today, second.valid_from + timedelta(days=rng.randrange(45)))))
        if rng.random() < 0.5:
            row = appendix_rows[appendix.appendix_id]
            row.own_ros_on = min(today, appendix.start_date + timedelta(days=rng.randrange(30, 200)))
            if rng.random() < 0.65:
                row.own_dpia_on = min(today, appendix.start_date + timedelta(days=rng.randrange(60, 240)))
    session.flush()
