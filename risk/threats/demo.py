"""Demo data for issue 8: threat models for SvarUt (built by hand), Digisos (imported from a Threat
Dragon structure written here) and Fiks IO."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Actor
from data.errors import BackofficeError
from data.registers.models import Service
from risk.threats import modelling as threats
from risk.threats import threatdragon
from risk.threats.models import Threat, ThreatModel

LEADER = Actor(username="leder", roles=frozenset({"leader"}), full_name="Lise Leder")

SVARUT = {
    "boundaries": ["Internett", "KS driftssone (SvarUt)", "Kommunens nett"],
    "nodes": [
        ("external_entity", "Kommunalt fagsystem", "Kommunens nett", {}),
        ("external_entity", "Innbygger", "Internett", {}),
        ("external_entity", "Digipost / e-Boks", "Internett", {}),
        ("process", "SvarUt API", "KS driftssone (SvarUt)", {}),
        ("process", "Forsendelsesmotor", "KS driftssone (SvarUt)", {}),
        ("process", "Utskrift og post", "KS driftssone (SvarUt)", {}),
        ("data_store", "Forsendelsesarkiv", "KS driftssone (SvarUt)", {"stores_credentials": False}),
        ("data_store", "Revisjonslogg", "KS driftssone (SvarUt)", {"holds_logs": True}),
    ],
    "flows": [
        ("Send forsendelse", "Kommunalt fagsystem", "SvarUt API", "Brev med vedlegg, mottaker, fødselsnummer",
         "HTTPS (Maskinporten)", True),
        ("Lagre forsendelse", "SvarUt API", "Forsendelsesarkiv", "Forsendelse og metadata", "JDBC/TLS", True),
        ("Hent til utsending", "Forsendelsesarkiv", "Forsendelsesmotor", "Forsendelse", "JDBC/TLS", True),
        ("Lever digitalt", "Forsendelsesmotor", "Digipost / e-Boks", "Brev og varsel", "HTTPS", True),
        ("Send til print", "Forsendelsesmotor", "Utskrift og post", "PDF for utskrift", "SFTP", True),
        ("Les brev", "Innbygger", "SvarUt API", "Innlogging (ID-porten) og brev", "HTTPS", True),
        ("Skriv hendelser", "SvarUt API", "Revisjonslogg", "Hvem gjorde hva når", "intern", False),
        ("Status tilbake", "SvarUt API", "Kommunalt fagsystem", "Kvittering og status", "HTTPS", True),
    ],
    "decisions": {
        ("Send forsendelse", "I"): ("mitigated", "TLS 1.2+ og Maskinporten-token per kommune."),
        ("Send forsendelse", "T"): ("mitigated", "Forsendelsen signeres; sjekksum kontrolleres ved mottak."),
        ("Revisjonslogg", "R"): ("mitigated", "Loggen skrives kun av API-et og sendes videre til SIEM."),
        ("Revisjonslogg", "T"): ("accepted", "Lav sannsynlighet; loggen kopieres daglig til adskilt lager."),
        ("Utskrift og post", "D"): ("transferred", "Printleverandøren har SLA med dagbøter."),
        ("Digipost / e-Boks", "R"): ("not_applicable", "Kvittering fra postkassen er avtalefestet."),
    },
    "to_ros": [("Les brev", "I"), ("Innbygger", "S")],
}

FIKS_IO = {
    "boundaries": ["Internett", "KS driftssone (Fiks IO)"],
    "nodes": [
        ("external_entity", "Avsendersystem", "Internett", {}),
        ("external_entity", "Mottakersystem", "Internett", {}),
        ("process", "Fiks IO meldingsformidler", "KS driftssone (Fiks IO)", {}),
        ("data_store", "Meldingskø", "KS driftssone (Fiks IO)", {}),
        ("data_store", "Katalog over kontoer og nøkler", "KS driftssone (Fiks IO)", {"stores_credentials": True}),
    ],
    "flows": [
        ("Send melding", "Avsendersystem", "Fiks IO meldingsformidler", "Kryptert melding", "AMQP/TLS", True),
        ("Legg i kø", "Fiks IO meldingsformidler", "Meldingskø", "Kryptert melding", "AMQP", False),
        ("Lever melding", "Meldingskø", "Mottakersystem", "Kryptert melding", "AMQP/TLS", True),
        ("Slå opp konto", "Fiks IO meldingsformidler", "Katalog over kontoer og nøkler", "Offentlig nøkkel",
         "HTTPS", True),
    ],
    "decisions": {},
    "to_ros": [],
}


def _build(session: Session, actor: Actor, code: str, spec: dict, title: str, description: str) -> None:
    threats.save_model(session, actor, code, {"title": title, "description": description,
                                              "owner": "Siri Sikkerhet", "reviewer": "Arne Arkitekt"})
    ids: dict[str, int] = {}
    for name in spec["boundaries"]:
        ids[name] = threats.add_element(session, actor, code, {"kind": "trust_boundary", "name": name}).id
    for kind, name, zone, extra in spec["nodes"]:
        ids[name] = threats.add_element(session, actor, code, {"kind": kind, "name": name,
                                                               "boundary_id": ids[zone], **extra}).id
    for name, source, target, data, protocol, encrypted in spec["flows"]:
        ids[name] = threats.add_element(session, actor, code, {
            "kind": "data_flow", "name": name, "source_id": ids[source], "target_id": ids[target],
            "data_carried": data, "protocol": protocol, "encrypted": encrypted})
    threats.generate_threats(session, actor, code)
    model = threats.get_model(session, code)
    for (element, letter), (status, mitigation) in spec["decisions"].items():
        threat = session.scalar(select(Threat).where(Threat.model_id == model.id, Threat.element_name == element,
                                                     Threat.category == letter))
        if threat is not None:
            decider = LEADER if status == "accepted" else actor   # accepting a threat is the leader's call
            threats.decide_threat(session, decider, threat.id, {"status": status, "mitigation": mitigation})
    for element, letter in spec["to_ros"]:
        threat = session.scalar(select(Threat).where(Threat.model_id == model.id, Threat.element_name == element,
                                                     Threat.category == letter))
        try:
            with session.begin_nested():
                threats.threat_to_risk(session, actor, threat.id, {
                    "owner": "Siri Sikkerhet", "deadline": date.today() + timedelta(days=90),
                    "likelihood": 3, "consequence": 4})
        except BackofficeError:  # no ROS register to link to: the threat stays open
            pass


def digisos_threat_dragon() -> dict:
    """A small Threat Dragon v2 model for Digisos, written by hand (not from Threat Dragon itself)."""
    def node(cell_id, shape, td_type, name, x, y, w=160, h=80, **data):
        return {"position": {"x": x, "y": y}, "size": {"width": w, "height": h}, "attrs": {"text": {"text": name}},
                "shape": shape, "id": cell_id, "zIndex": 1, "visible": True,
                "data": {"type": td_type, "name": name, "description": "", "outOfScope": False,
                         "reasonOutOfScope": "", "threats": data.pop("threats", []), **data}}

    def flow(cell_id, name, source, target, protocol, encrypted, threats_=()):
        return {"shape": "flow", "id": cell_id, "source": {"cell": source}, "target": {"cell": target},
                "labels": [{"attrs": {"labelText": {"text": name}}, "position": 0.5}], "vertices": [],
                "data": {"type": "tm.Flow", "name": name, "description": "", "protocol": protocol,
                         "isEncrypted": encrypted, "isPublicNetwork": protocol == "HTTPS", "isBidirectional": False,
                         "outOfScope": False, "reasonOutOfScope": "", "threats": list(threats_)}}

    def threat(threat_id, title, kind, status, severity, description, mitigation=""):
        return {"id": threat_id, "title": title, "type": kind, "status": status, "severity": severity,
                "description": description, "mitigation": mitigation, "modelType": "STRIDE"}

    cells = [
        {"position": {"x": 0, "y": 0}, "size": {"width": 260, "height": 420}, "shape": "trust-boundary-box",
         "id": "ds-zone-internet", "zIndex": -1, "attrs": {"label": {"text": "Internett"}},
         "data": {"type": "tm.BoundaryBox", "name": "Internett", "isTrustBoundary": True}},
        {"position": {"x": 320, "y": 0}, "size": {"width": 560, "height": 420}, "shape": "trust-boundary-box",
         "id": "ds-zone-nav", "zIndex": -1, "attrs": {"label": {"text": "Digisos plattform"}},
         "data": {"type": "tm.BoundaryBox", "name": "Digisos plattform", "isTrustBoundary": True}},
        node("ds-applicant", "actor", "tm.Actor", "Søker (innbygger)", 40, 60),
        node("ds-caseworker", "actor", "tm.Actor", "Saksbehandler i NAV-kontor", 40, 260),
        node("ds-soknad", "process", "tm.Process", "Søknadsmottak", 380, 50, 110, 110, threats=[
            threat("ds-t1", "Falsk innlogging som søker", "Spoofing", "Mitigated", "High",
                   "Noen utgir seg for å være søkeren.", "Innlogging med ID-porten på nivå høyt.")]),
        node("ds-fagsystem", "process", "tm.Process", "Kommunalt fagsystem (integrasjon)", 380, 250, 110, 110),
        node("ds-store", "store", "tm.Store", "Søknadslager", 650, 60, isALog=False, storesCredentials=False,
             threats=[threat("ds-t2", "Innsyn i søknader", "Information disclosure", "Open", "High",
                             "Søknader med helse- og økonomiopplysninger kan leses av uvedkommende.")]),
        node("ds-log", "store", "tm.Store", "Tilgangslogg", 650, 260, isALog=True, storesCredentials=False),
        flow("ds-f1", "Send søknad", "ds-applicant", "ds-soknad", "HTTPS", True, [
            threat("ds-t3", "Endring av søknad underveis", "Tampering", "Mitigated", "Medium",
                   "Innholdet endres mellom nettleser og mottak.", "TLS 1.3 og HSTS.")]),
        flow("ds-f2", "Lagre søknad", "ds-soknad", "ds-store", "JDBC/TLS", True),
        flow("ds-f3", "Hent søknad", "ds-store", "ds-fagsystem", "HTTPS", True),
        flow("ds-f4", "Behandle sak", "ds-caseworker", "ds-fagsystem", "HTTPS", True),
        flow("ds-f5", "Logg oppslag", "ds-fagsystem", "ds-log", "intern", False),
    ]
    return {"version": "2.3.0",
            "summary": {"title": "Digisos – søknad om økonomisk sosialhjelp", "owner": "Digisos-teamet",
                        "description": "Dataflyt fra søker via Digisos til kommunens fagsystem.", "id": 0},
            "detail": {"contributors": [{"name": "Siri Sikkerhet"}], "reviewer": "Arne Arkitekt", "diagramTop": 1,
                       "threatTop": 3, "diagrams": [{"id": 0, "title": "Søknad", "diagramType": "STRIDE",
                                                     "version": "2.3.0", "cells": cells}]}}


def load_threat_models(session: Session, actor: Actor, _rng: random.Random) -> None:
    codes = set(session.scalars(select(Service.code)))
    existing = set(session.scalars(select(Service.code).join(ThreatModel, ThreatModel.service_id == Service.id)))
    if "svarut" in codes and "svarut" not in existing:
        _build(session, actor, "svarut", SVARUT, "SvarUt – utsending av brev",
               "Fra kommunens fagsystem via SvarUt til digital postkasse eller utskrift.")
    if "digisos" in codes and "digisos" not in existing:
        threatdragon.import_model(session, actor, "digisos", json.dumps(digisos_threat_dragon()))
        threats.generate_threats(session, actor, "digisos")
    if "fiks-io" in codes and "fiks-io" not in existing:
        _build(session, actor, "fiks-io", FIKS_IO, "Fiks IO – meldingsformidling",
               "Kryptert meldingsutveksling mellom kommunale og statlige systemer.")

