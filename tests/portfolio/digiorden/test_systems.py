"""DigiOrden: the map, all-or-nothing Excel import, round trips, completeness, records, Archi, sector views."""
from __future__ import annotations

import argparse
import csv
import io
import random
import re
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from data import db
from data.audit import AuditEntry
from data.errors import ConflictError, PermissionDenied, ValidationFailed
from data.i18n import catalog, set_language
from data.registers.registry import find_organisation
from portfolio.digiorden import analysis as digiorden_analysis
from portfolio.digiorden import archi as digiorden_archi
from portfolio.digiorden import exchange as digiorden_exchange
from portfolio.digiorden import exports as digiorden_exports
from portfolio.digiorden import graph as digiorden_graph
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.analysis import RECORD_COLUMNS, RULES
from portfolio.digiorden.cli import register_cli
from portfolio.digiorden.demo import load_demo
from portfolio.digiorden.messages import MESSAGES
from portfolio.digiorden.models import DoDataset, DoIntegration, DoSystem, DoVendor
from tests.conftest import make_actor

ARCHITECT = make_actor("architect", username="arkitekt")

HEADERS = {
    "Leverandører": ["Navn", "Organisasjonsnummer"],
    "Fagsystemer": ["Navn", "Leverandør", "Produkt", "Versjon", "Drift", "Systemeier", "I bruk fra", "I bruk til",
                    "Sikkerhetstiltak", "Beskrivelse"],
    "Tjenesteområder": ["Fagsystem", "Tjenesteområde"],
    "Datasett": ["Navn", "Fagsystem", "Personopplysninger", "Opplysningskategorier", "Registrerte", "Formål",
                 "Behandlingsgrunnlag", "Mottakere", "Lagringstid"],
    "Integrasjoner": ["Fra system", "Til system", "Til plattformtjeneste", "Data", "Metode"],
}


def workbook(**rows) -> bytes:
    """A workbook in the import layout; keyword = sheet (vendors, systems, areas, datasets, integrations)."""
    names = dict(zip(("vendors", "systems", "areas", "datasets", "integrations"), HEADERS, strict=True))
    wb = Workbook()
    wb.remove(wb.active)
    for kind, sheet in names.items():
        ws = wb.create_sheet(sheet)
        ws.append(HEADERS[sheet])
        for row in rows.get(kind, []):
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = dict(
    vendors=[["Arkivsystemer Norge AS", "923456783"], ["Helseteknologi AS", None]],
    systems=[
        ["Sak og arkiv", "Arkivsystemer Norge AS", "ArkivPro", "8.1", "Egen drift", "Arkivleder", "01.02.2015", None,
         "Tilgangsstyring og logging", None],
        ["Helsejournal", "Helseteknologi AS", "CarePro", "3", "saas", None, date(2020, 5, 1), None, None, None],
    ],
    areas=[["Sak og arkiv", "Arkiv"], ["Helsejournal", "Helse"], ["Helsejournal", "care"]],
    datasets=[
        ["Saker", "Sak og arkiv", "Taushetsbelagt", "navn, saksinnhold", "innbyggere", "Saksbehandling",
         "Arkivlova § 6", "Arkivdepot", "Bevares"],
        ["Journal", "Helsejournal", "Særlige kategorier (art. 9)", "helseopplysninger", "pasienter", None, None,
         None, "10 år"],
    ],
    integrations=[
        ["Helsejournal", "Sak og arkiv", None, "Vedtak", "Meldingsutveksling"],
        ["Sak og arkiv", None, "svarut", "Utgående brev", "API"],
    ],
)


def org_id(session, key: str) -> int:
    session.info["actor"] = ARCHITECT      # the audit hook records the session's actor
    return find_organisation(session, key).id


def comparable(data: dict) -> dict:
    """The map without ids and versions (what a round trip must preserve)."""
    drop = {"id", "version", "vendor_id", "system_id", "from_system_id", "to_system_id", "to_service_id"}
    return {kind: sorted(tuple(sorted((k, str(v)) for k, v in row.items() if k not in drop)) for row in rows)
            for kind, rows in data.items()}


# --- import ---------------------------------------------------------------------------------------------------


def test_import_good_workbook_builds_the_map_and_audits(session):
    oslo = org_id(session, "0301")
    result = digiorden_exchange.import_map(session, ARCHITECT, oslo, workbook(**GOOD))
    session.commit()
    assert result.counts["systems"] == {"create": 2, "update": 0, "delete": 0, "unchanged": 0}
    assert result.counts["integrations"]["create"] == 2
    data = digiorden.map_data(session, oslo, ARCHITECT)
    archive = next(s for s in data["systems"] if s["name"] == "Sak og arkiv")
    assert archive["vendor"] == "Arkivsystemer Norge AS"
    assert archive["hosting"] == "on_premises"
    assert archive["in_use_from"] == date(2015, 2, 1)
    journal = next(s for s in data["systems"] if s["name"] == "Helsejournal")
    assert journal["areas"] == ["care", "health"]
    assert journal["hosting"] == "saas"
    assert {d["name"]: d["personal_data"] for d in data["datasets"]} == {"Saker": "confidential",
                                                                         "Journal": "special"}
    to_svarut = next(i for i in data["integrations"] if i["to_service"])
    assert (to_svarut["from_system"], to_svarut["to_service"], to_svarut["method"]) == ("Sak og arkiv", "svarut",
                                                                                         "api")
    audited = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.table_name == "do_system", AuditEntry.action == "insert", AuditEntry.actor == "arkitekt"))
    assert audited == 2


def test_bad_workbook_reports_every_error_and_writes_nothing(session):
    oslo = org_id(session, "0301")
    digiorden_exchange.import_map(session, ARCHITECT, oslo, workbook(**GOOD))
    session.commit()
    before = comparable(digiorden.map_data(session, oslo, ARCHITECT))
    bad = dict(
        vendors=[["Arkivsystemer Norge AS", "923456784"], ["Helseteknologi AS", None]],
        systems=[
            ["Sak og arkiv", "Arkivsystemer Norge AS", None, None, "I skapet", None, None, None, None, None],
            ["Helsejournal", "Ukjent Leverandør AS", None, None, "saas", None, "01.05.2020", "01.01.2019", None, None],
            ["sak og arkiv", None, None, None, "saas", None, None, None, None, None],
        ],
        areas=[["Helsejournal", "Romfart"]],
        datasets=[["Journal", "Finnes ikke", "special", None, None, None, None, None, None],
                  ["Uten kategori", "Helsejournal", None, None, None, None, None, None, None]],
        integrations=[["Helsejournal", "Sak og arkiv", "svarut", "Begge", "api"],
                      ["Helsejournal", None, "ikke-en-tjeneste", "x", "api"]],
    )
    with pytest.raises(ValidationFailed) as caught:
        digiorden_exchange.import_map(session, ARCHITECT, oslo, workbook(**bad))
    session.rollback()
    found = {(e.row, e.field) for e in caught.value.errors}
    assert (2, "Leverandører / Organisasjonsnummer") in found          # bad check digit
    assert (2, "Fagsystemer / Drift") in found                          # unknown hosting
    assert (3, "Fagsystemer") in found                                  # in use to before in use from
    assert (4, "Fagsystemer / Navn") in found                           # duplicate name (case-insensitive)
    assert (2, "Tjenesteområder / Tjenesteområde") in found             # unknown service area
    assert (2, "Datasett / Fagsystem") in found                         # unknown system
    assert (3, "Datasett / Personopplysninger") in found                # required choice missing
    assert (2, "Integrasjoner") in found                                # both a system and a service
    assert (3, "Integrasjoner / Til plattformtjeneste") in found        # unknown platform service
    hosting_error = next(e for e in caught.value.errors if e.field == "Fagsystemer / Drift")
    assert "I skapet" in hosting_error.message and "Egen drift" in hosting_error.message
    assert "rad 2" in str(hosting_error).lower()
    assert comparable(digiorden.map_data(session, oslo, ARCHITECT)) == before


def test_missing_sheet_and_column_are_named(session):
    oslo = org_id(session, "0301")
    wb = load_workbook(io.BytesIO(workbook(**GOOD)))
    del wb["Integrasjoner"]
    wb["Fagsystemer"]["E1"] = "Hosting?"
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ValidationFailed) as caught:
        digiorden_exchange.import_map(session, ARCHITECT, oslo, buffer.getvalue())
    messages = [str(e) for e in caught.value.errors]
    assert any("Integrasjoner" in m for m in messages)
    assert any(e.field == "Fagsystemer / Drift" for e in caught.value.errors)
    assert session.scalar(select(func.count(DoSystem.id))) == 0


def test_not_a_workbook_is_refused_plainly(session):
    with pytest.raises(Exception) as caught:
        digiorden_exchange.import_map(session, ARCHITECT, org_id(session, "0301"), b"not excel")
    assert "Excel" in caught.value.message


def test_import_requires_the_architect(session):
    with pytest.raises(PermissionDenied):
        digiorden_exchange.import_map(session, make_actor("leader"), org_id(session, "0301"), workbook(**GOOD))
    assert session.scalar(select(func.count(DoSystem.id))) == 0


# --- round trip -------------------------------------------------------------------------------------------------


def test_export_then_import_yields_the_same_map(session, system):
    load_demo(session, system, random.Random(1))
    oslo, asker = org_id(session, "0301"), org_id(session, "3203")
    exported = digiorden_exchange.export_map(session, oslo, ARCHITECT)
    again = digiorden_exchange.import_map(session, ARCHITECT, oslo, exported)
    assert again.changed == 0
    assert all(c["unchanged"] > 0 for c in again.counts.values())
    result = digiorden_exchange.import_map(session, ARCHITECT, asker, exported)
    assert result.counts["systems"]["create"] == len(digiorden.map_data(session, oslo, ARCHITECT)["systems"])
    assert comparable(digiorden.map_data(session, asker, ARCHITECT)) == comparable(digiorden.map_data(session, oslo, ARCHITECT))


def test_english_export_imports_in_norwegian(session, system):
    load_demo(session, system, random.Random(1))
    bergen, asker = org_id(session, "4601"), org_id(session, "3203")
    set_language("en")
    try:
        exported = digiorden_exchange.export_map(session, bergen, ARCHITECT)
    finally:
        set_language("nb")
    assert "Systems" in load_workbook(io.BytesIO(exported)).sheetnames
    digiorden_exchange.import_map(session, ARCHITECT, asker, exported)
    assert comparable(digiorden.map_data(session, asker, ARCHITECT)) == comparable(digiorden.map_data(session, bergen, ARCHITECT))


def test_reimport_updates_changed_rows_and_removes_missing_ones(session):
    oslo = org_id(session, "0301")
    digiorden_exchange.import_map(session, ARCHITECT, oslo, workbook(**GOOD))
    session.flush()
    wb = load_workbook(io.BytesIO(digiorden_exchange.export_map(session, oslo, ARCHITECT)))
    systems = wb["Fagsystemer"]
    for row in systems.iter_rows(min_row=2):
        if row[0].value == "Helsejournal":
            row[5].value = "Kommunalsjef helse"
    wb["Integrasjoner"].delete_rows(2, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = digiorden_exchange.import_map(session, ARCHITECT, oslo, buffer.getvalue(), dry_run=True)
    assert preview.counts["systems"]["update"] == 1 and preview.counts["integrations"]["delete"] == 1
    assert session.scalar(select(func.count(DoIntegration.id))) == 2       # dry run wrote nothing
    result = digiorden_exchange.import_map(session, ARCHITECT, oslo, buffer.getvalue())
    session.commit()
    assert result.counts["systems"] == {"create": 0, "update": 1, "delete": 0, "unchanged": 1}
    assert result.counts["integrations"] == {"create": 0, "update": 0, "delete": 1, "unchanged": 1}
    journal = session.scalar(select(DoSystem).where(DoSystem.name == "Helsejournal"))
    assert journal.owner == "Kommunalsjef helse" and journal.version == 2
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "do_system",
                                                    AuditEntry.action == "update"))
    assert entry.changed_fields() == {"owner"} and entry.actor == "arkitekt"


# --- capabilities ------------------------------------------------------------------------------------------------


def test_capabilities_validate_and_refuse_stale_edits(session):
    oslo = org_id(session, "0301")
    vendor = digiorden.save_vendor(session, ARCHITECT, oslo, {"name": "Kommunedata AS", "org_number": "923 456 783"})
    assert vendor.org_number == "923456783"
    system = digiorden.save_system(session, ARCHITECT, oslo, {"name": "Økonomi", "vendor": "kommunedata as",
                                                              "hosting": "SaaS", "areas": ["finance"]})
    session.commit()
    digiorden.save_system(session, ARCHITECT, oslo, {"name": "Økonomi", "hosting": "cloud", "owner": "Økonomisjef"},
                          system_id=system.id, expected_version=1)
    session.commit()
    with pytest.raises(ConflictError) as caught:
        digiorden.save_system(session, ARCHITECT, oslo, {"name": "Økonomi", "hosting": "saas"},
                              system_id=system.id, expected_version=1)
    assert "arkitekt" in caught.value.message
    session.rollback()
    with pytest.raises(ValidationFailed) as caught:
        digiorden.save_dataset(session, ARCHITECT, oslo, {"name": "X", "system": "Finnes ikke",
                                                          "personal_data": "none"})
    assert caught.value.errors[0].field == "system"
    with pytest.raises(ValidationFailed):
        digiorden.save_integration(session, ARCHITECT, oslo, {"from_system": "Økonomi", "to_system": "Økonomi",
                                                              "method": "api"})
    with pytest.raises(PermissionDenied):
        digiorden.save_vendor(session, make_actor("portfolio"), oslo, {"name": "Ny AS"})
    with pytest.raises(Exception) as caught:
        digiorden.save_system(session, ARCHITECT, oslo, {"name": "økonomi", "hosting": "saas"})
    assert "allerede i bruk" in caught.value.message


def test_delete_system_removes_its_datasets_and_integrations(session):
    oslo = org_id(session, "0301")
    digiorden_exchange.import_map(session, ARCHITECT, oslo, workbook(**GOOD))
    journal = session.scalar(select(DoSystem).where(DoSystem.name == "Helsejournal"))
    digiorden.delete_system(session, ARCHITECT, journal.id, expected_version=journal.version)
    session.commit()
    data = digiorden.map_data(session, oslo, ARCHITECT)
    assert [s["name"] for s in data["systems"]] == ["Sak og arkiv"]
    assert [d["name"] for d in data["datasets"]] == ["Saker"]
    assert [(i["from_system"], i["to_service"]) for i in data["integrations"]] == [("Sak og arkiv", "svarut")]
    vendor = session.scalar(select(DoVendor).where(DoVendor.name == "Arkivsystemer Norge AS"))
    digiorden.delete_vendor(session, ARCHITECT, vendor.id)
    session.commit()
    assert session.scalar(select(DoSystem.vendor_id).where(DoSystem.name == "Sak og arkiv")) is None


# --- completeness ---------------------------------------------------------------------------------------------------


def test_completeness_on_a_hand_made_map_with_known_gaps(session):
    oslo = org_id(session, "0301")
    a = ARCHITECT
    digiorden.save_vendor(session, a, oslo, {"name": "Med nummer AS", "org_number": "923456783"})
    digiorden.save_vendor(session, a, oslo, {"name": "Uten nummer AS"})
    digiorden.save_system(session, a, oslo, {"name": "Komplett", "vendor": "Med nummer AS", "hosting": "saas",
                                             "owner": "Eier", "security_measures": "Tofaktor", "areas": ["archive"]})
    digiorden.save_system(session, a, oslo, {"name": "Mangelfull", "hosting": "on_premises"})
    digiorden.save_system(session, a, oslo, {"name": "Gammel", "vendor": "Uten nummer AS", "hosting": "cloud",
                                             "owner": "Eier", "areas": ["hr"], "in_use_to": "31.12.2020"})
    digiorden.save_dataset(session, a, oslo, {"name": "Fullt", "system": "Komplett", "personal_data": "special",
                                              "data_subjects": "pasienter", "purpose": "Helsehjelp",
                                              "legal_basis": "art. 9 nr. 2 h", "retention": "Bevares"})
    digiorden.save_dataset(session, a, oslo, {"name": "Hull", "system": "Mangelfull",
                                              "personal_data": "confidential", "data_subjects": "barn"})
    digiorden.save_dataset(session, a, oslo, {"name": "Kart", "system": "Gammel", "personal_data": "none"})
    digiorden.save_integration(session, a, oslo, {"from_system": "Gammel", "to_system": "Komplett",
                                                  "data_carried": "Historikk", "method": "file"})
    digiorden.save_integration(session, a, oslo, {"from_system": "Komplett", "to_service": "SvarUt",
                                                  "method": "api"})
    result = digiorden_analysis.completeness(session, oslo, ARCHITECT, today=date(2025, 1, 1))
    # systems: 3 x 4 checks; vendors: 2; datasets with personal data: Fullt 5, Hull 5; integrations: 2 x 2
    assert result["checks"] == 12 + 2 + 10 + 4
    assert result["by_rule"] == {
        "system_no_owner": 1, "system_no_vendor": 1, "system_no_area": 1,      # Mangelfull
        "vendor_no_org_number": 1,                                             # Uten nummer AS
        "dataset_no_legal_basis": 1, "dataset_no_purpose": 1, "dataset_no_retention": 1,
        "dataset_sensitive_no_security": 1,                                    # Hull on Mangelfull
        "integration_no_data": 1,                                              # Komplett -> SvarUt
        "integration_retired_system": 1,                                       # from Gammel (ended 2020)
    }
    assert result["passed"] == 28 - 10
    assert result["score"] == pytest.approx(18 / 28, abs=1e-4)
    assert result["gaps"][0]["severity"] == 3
    sensitive = next(g for g in result["gaps"] if g["rule"] == "dataset_sensitive_no_security")
    assert sensitive["item"] == "Hull (Mangelfull)" and "Taushetsbelagt" in sensitive["gap"]
    empty = digiorden_analysis.completeness(session, org_id(session, "4601"), ARCHITECT)
    assert empty["checks"] == 0 and empty["score"] is None


# --- records of processing -------------------------------------------------------------------------------------------


def test_records_of_processing_are_derived_and_exported(session):
    oslo = org_id(session, "0301")
    digiorden_exchange.import_map(session, ARCHITECT, oslo, workbook(**GOOD))
    records = {r["processing"]: r for r in digiorden_analysis.records_of_processing(session, oslo, ARCHITECT)}
    assert set(records) == {"Saker", "Journal"}
    saker = records["Saker"]
    assert saker["legal_basis"] == "Arkivlova § 6"
    assert saker["processor"] == "Arkivsystemer Norge AS (923456783)"
    assert "SvarUt (plattformtjeneste) (Utgående brev)" in saker["data_flows"]
    assert saker["security_measures"].startswith("Tilgangsstyring og logging")
    assert saker["complete"] is True
    journal = records["Journal"]
    assert journal["legal_basis"] == "Ikke registrert" and journal["complete"] is False
    assert journal["service_areas"] == "Pleie og omsorg, Helse"
    assert "Sak og arkiv (Vedtak)" in journal["data_flows"]
    wb = load_workbook(io.BytesIO(digiorden_exports.records_workbook(session, oslo, ARCHITECT)))
    sheet = wb["Behandlingsprotokoll"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Behandling", "Fagsystem", "Tjenesteområder", "Formål"]
    assert sheet.max_row == 3
    about = {row[0].value: row[1].value for row in wb["Behandlingsansvarlig"].iter_rows(min_row=2)}
    assert about["Behandlingsansvarlig"] == "Oslo" and about["Behandlinger med mangler"] == 1


# --- Archi --------------------------------------------------------------------------------------------------------------


def test_archi_files_have_the_right_columns_and_closed_relations(session, system):
    load_demo(session, system, random.Random(1))
    oslo = org_id(session, "0301")
    files = digiorden_archi.archi_files(session, oslo, ARCHITECT)
    parsed = {name: list(csv.reader(io.StringIO(content.decode("utf-8")))) for name, content in files.items()}
    assert parsed["elements.csv"][0] == ["ID", "Type", "Name", "Documentation", "Specialization"]
    assert parsed["relations.csv"][0] == ["ID", "Type", "Name", "Documentation", "Source", "Target",
                                          "Specialization"]
    assert parsed["properties.csv"][0] == ["ID", "Key", "Value"]
    elements = {row[0]: row for row in parsed["elements.csv"][1:]}
    relations = parsed["relations.csv"][1:]
    assert parsed["elements.csv"][1][1] == "ArchimateModel"
    data = digiorden.map_data(session, oslo, ARCHITECT)
    assert sum(1 for e in elements.values() if e[1] == "ApplicationComponent" and e[2] in
               {s["name"] for s in data["systems"]}) == len(data["systems"])
    assert sum(1 for e in elements.values() if e[1] == "DataObject") == len(data["datasets"])
    assert sum(1 for r in relations if r[1] == "FlowRelationship") == len(data["integrations"])
    for relation in relations:
        assert relation[4] in elements and relation[5] in elements, relation
    ids = [row[0] for row in parsed["elements.csv"][1:]] + [row[0] for row in relations]
    assert len(ids) == len(set(ids))
    known = set(ids)
    assert all(row[0] in known for row in parsed["properties.csv"][1:])
    svarut = next(e for e in elements.values() if e[2] == "SvarUt")
    assert ["Plattformtjeneste", "svarut"] in [row[1:] for row in parsed["properties.csv"] if row[0] == svarut[0]]
    assert digiorden_archi.archi_files(session, oslo, ARCHITECT) == files       # stable ids
    with zipfile.ZipFile(io.BytesIO(digiorden_archi.archi_zip(session, oslo, ARCHITECT))) as archive:
        assert sorted(archive.namelist()) == ["elements.csv", "properties.csv", "relations.csv"]


# --- sector views --------------------------------------------------------------------------------------------------------


def test_cross_sector_counts_on_a_small_data_set(session):
    a = ARCHITECT
    maps = {
        "0301": [("Fjord AS", "923456783", "ØkonomiERP", "finance"), ("Skole AS", None, "SkoleAdmin", "schools")],
        "4601": [("FJORD as", "923456783", "ØkonomiERP", "finance"), ("Skole AS", None, "Elevsys", "schools")],
        "1804": [("Annen AS", None, "Regnskap Kommune", "finance"), ("Skole AS", None, "SkoleAdmin", "schools")],
        "5001": [("Fjord AS", None, "ØkonomiERP", "finance")],     # no number here: matched by name
    }
    for number, systems in maps.items():
        org = org_id(session, number)
        for index, (vendor, vendor_number, product, area) in enumerate(systems):
            digiorden.save_vendor(session, a, org, {"name": vendor, "org_number": vendor_number})
            digiorden.save_system(session, a, org, {"name": f"System {index}", "vendor": vendor, "product": product,
                                                    "hosting": "saas", "areas": [area]})
        if number != "1804":
            digiorden.save_integration(session, a, org, {"from_system": "System 0", "to_service": "svarut",
                                                         "method": "api"})
    digiorden.save_integration(session, a, org_id(session, "0301"),
                               {"from_system": "System 1", "to_service": "fiks-io", "method": "message"})
    summary = digiorden_analysis.sector_summary(session)
    assert summary["organisations"] == 4 and summary["systems"] == 7
    assert summary["vendors"] == 3              # the three spellings of Fjord AS are one vendor
    top = {r["product"]: r["organisations"] for r in digiorden_analysis.top_systems(session)}
    assert top == {"ØkonomiERP": 3, "SkoleAdmin": 2, "Elevsys": 1, "Regnskap Kommune": 1}
    vendors = {r["vendor_key"]: (r["organisations"], r["systems"]) for r in digiorden_analysis.top_vendors(session)}
    assert vendors == {"923456783": (3, 3), "skole as": (3, 3), "annen as": (1, 1)}
    concentration = {r["area"]: r for r in digiorden_analysis.vendor_concentration(session)}
    assert concentration["schools"]["hhi"] == 10000 and concentration["schools"]["vendors"] == 1
    finance = concentration["finance"]
    assert finance["vendors"] == 2 and finance["top_share"] == pytest.approx(3 / 4)
    assert finance["hhi"] == 6250                # (3/4)^2 + (1/4)^2 = 0.625
    usage = {(r["municipality_number"], r["service"]): r["integrations"]      # by key: names are for display
             for r in digiorden_analysis.platform_usage(session)}
    assert usage == {("0301", "svarut"): 1, ("0301", "fiks-io"): 1, ("4601", "svarut"): 1, ("5001", "svarut"): 1}
    assert digiorden_analysis.service_integration_counts(session, "svarut") == (3, 3)
    facts = digiorden_analysis.service_facts(session, "svarut")
    assert [f.value for f in facts] == ["3", "3"]
    assert digiorden_analysis.service_facts(session, "digisos") == []


def test_demo_and_graph(session, system):
    load_demo(session, system, random.Random(1))
    load_demo(session, system, random.Random(2))         # a second run adds nothing
    mapped = digiorden.mapped_organisations(session)
    assert {m["municipality_number"] for m in mapped} >= {"0301", "4601", "1151"}
    assert len(mapped) == 7
    personal = {row["personal_data"] for row in digiorden_analysis.personal_data_mix(session)}
    assert personal == {"none", "ordinary", "special", "confidential"}
    oslo = org_id(session, "0301")
    result = digiorden_analysis.completeness(session, oslo, ARCHITECT)
    assert result["by_rule"].get("integration_retired_system") == 1
    assert 0.5 < result["score"] < 1
    sector = {row["id"]: (row["score"], row["gaps"]) for row in digiorden_analysis.sector_completeness(session)}
    assert sector[oslo] == (result["score"], len(result["gaps"])) and len(sector) == 7
    graph = digiorden_graph.graph(session, oslo, ARCHITECT)
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    assert any(n["kind"] == "service" for n in graph["nodes"])
    fig = digiorden_graph.figure(session, oslo, ARCHITECT)
    assert "Oslo" in fig.layout.title.text
    assert digiorden_analysis.sensitive_without_security(session) >= 0
    assert session.scalar(select(func.count(DoDataset.id))) > 50


# --- catalogue and CLI ---------------------------------------------------------------------------------------------------


def test_catalogue_is_complete_in_both_languages():
    for key, (nb, en) in MESSAGES.items():
        assert nb.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", nb)) == set(re.findall(r"{(\w+)}", en)), key
    registered = catalog()
    for rule in RULES:
        assert f"do.rule.{rule}" in registered and f"do.fix.{rule}" in registered
    for column in RECORD_COLUMNS:
        assert f"do.records.col.{column}" in registered


def run(*argv) -> int:
    """`backoffice digiorden ...` with these arguments (the room's commands on a parser of their own)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--as", dest="as_user")
    register_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_cli_export_import_archi_and_errors(db_url, tmp_path, capsys):
    with db.session_scope() as session:
        digiorden_exchange.import_map(session, ARCHITECT, org_id(session, "0301"), workbook(**GOOD))
    target = tmp_path / "oslo.xlsx"
    assert run("digiorden", "export", str(target), "--org", "0301") == 0
    assert run("digiorden", "import", str(target), "--org", "3203", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "ingenting er lagret" in out and "Fagsystemer: 2 nye" in out
    with db.session_scope() as session:
        assert digiorden.map_data(session, org_id(session, "3203"), ARCHITECT)["systems"] == []
    assert run("digiorden", "import", str(target), "--org", "3203") == 0
    assert run("digiorden", "archi", str(tmp_path / "archi"), "--org", "3203") == 0
    assert (tmp_path / "archi" / "relations.csv").exists()
    assert run("digiorden", "records", str(tmp_path / "records.xlsx"), "--org", "3203") == 0
    assert run("digiorden", "gaps", "--org", "3203") == 0
    out = capsys.readouterr().out
    assert "kompletthet" in out and "Alvorlig" in out
    with db.session_scope() as session:
        assert comparable(digiorden.map_data(session, org_id(session, "3203"), ARCHITECT)) == comparable(
            digiorden.map_data(session, org_id(session, "0301"), ARCHITECT))
    with pytest.raises(Exception) as caught:
        run("digiorden", "export", str(target), "--org", "9999")
    assert "9999" in caught.value.message


def test_cli_gaps_writes_the_gaps_workbook(db_url, tmp_path, capsys):
    with db.session_scope() as session:
        digiorden_exchange.import_map(session, ARCHITECT, org_id(session, "0301"), workbook(**GOOD))
    target = tmp_path / "mangler.xlsx"
    assert run("digiorden", "gaps", "--org", "0301", "-o", str(target)) == 0
    assert "mangler.xlsx" in capsys.readouterr().out
    sheet = load_workbook(target)["Mangler og behandlingsprotokoll"]
    assert [c.value for c in sheet[1]] == ["Alvorlighet", "Gjelder", "Hva", "Mangel", "Slik retter du det"]
    first = [c.value for c in sheet[2]]
    assert first[:3] == ["Alvorlig", "Datasett", "Journal (Helsejournal)"]
    assert "behandlingsgrunnlag" in first[3].lower()


def test_formula_like_text_and_numbers_survive_a_round_trip(session):
    oslo = org_id(session, "0301")
    rows = {k: [list(r) for r in v] for k, v in GOOD.items()}
    rows["systems"].append([360, None, None, 8.1, "saas", None, None, None, None, None])
    digiorden_exchange.import_map(session, ARCHITECT, oslo, workbook(**rows))
    journal = session.scalar(select(DoSystem).where(DoSystem.name == "Helsejournal"))
    digiorden.save_system(session, ARCHITECT, oslo, {"name": "Helsejournal", "vendor": "Helseteknologi AS",
                                                     "product": "CarePro", "product_version": "3", "hosting": "saas",
                                                     "in_use_from": date(2020, 5, 1), "areas": ["health", "care"],
                                                     "description": '=HYPERLINK("http://x")'},
                          system_id=journal.id, expected_version=journal.version)
    exported = digiorden_exchange.export_map(session, oslo, ARCHITECT)
    sheet = load_workbook(io.BytesIO(exported))["Fagsystemer"]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert cells["Helsejournal"][9].value == '\'=HYPERLINK("http://x")'     # never a live formula
    assert cells["360"][3].value == "8.1"
    again = digiorden_exchange.import_map(session, ARCHITECT, oslo, exported)
    assert again.changed == 0
    journal = session.scalar(select(DoSystem).where(DoSystem.name == "Helsejournal"))
    assert journal.description == '=HYPERLINK("http://x")'
