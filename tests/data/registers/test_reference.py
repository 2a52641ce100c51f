"""The shipped reference data against the department's own description (Tabell 2, 3 and 4) and against
Statistics Norway and Enhetsregisteret (official names, organisation numbers); the reference refresh that
`backoffice db upgrade` runs on an existing database; searching names in several languages."""
import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from admin.cli import main
from data.audit import AuditEntry
from data.registers import exports, registry
from data.registers.models import County, Organisation, Service
from data.registers.registry import REFERENCE_DIR, org_number_problem
from data.textsearch import plain
from portfolio.staffing import STANDARD_ROLES
from tests.conftest import make_actor

DEPARTMENT = Path(__file__).resolve().parents[3].parent / "shared" / "department"

# Tabell 2 "Tjenesteoversikt pr. 1. februar 2021", written out by hand: (name as the department writes it,
# year established, our code). Fiks klinikermelding (API) has no year in the table.
TABELL_2 = [
    ("Fiks SvarUt", 2012, "svarut"),
    ("Fiks MinSide", 2019, "minside"),
    ("Digisos", 2019, "digisos"),
    ("Nasjonal portal for bekymringsmelding", 2020, "bekymringsmelding"),
    ("Fiks Kjøretøyregister (API)", 2020, "kjoretoy-api"),
    ("Fiks smittesporing", 2020, "smittesporing"),
    ("Fiks prøvesvar (API)", 2020, "provesvar-api"),
    ("Fiks klinikermelding (API)", None, "klinikermelding-api"),
    ("Del dokument", 2020, "del-dokument"),
    ("Fiks folkeregister", 2020, "folkeregister"),
    ("Fiks arkiv (API)", 2021, "fiks-arkiv"),
    ("Fiks DigiOrden", 2021, "digiorden"),
    ("KS-læring (flyttes til Fiks-plattformen i 2021)", 2016, "ks-laering"),
]
# Tabell 3 "Komponentoversikt pr. 1. desember 2020": (name as written, our code, our name)
TABELL_3 = [("Dokumentlager", "dokumentlager", "Dokumentlager"), ("Innsyn", "innsyn", "Innsyn"),
            ("Manuelt mottak", "manuelt-mottak", "Manuelt mottak"), ("Print", "print", "Print"),
            ("Fiks IO", "fiks-io", "Fiks IO"), ("SvarInn adapter", "svarinn-adapter", "SvarInn-adapter"),
            ("Matrikkel", "matrikkel", "Matrikkel")]
# Tabell 4 "Roller og kompetanse i digitale fellestjenester": the roles as written, and our names.
TABELL_4 = {"Avdelingsleder": "Avdelingsleder", "Brukerstøtte rådgiver": "Brukerstøtterådgiver",
            "Forvaltningsansvarlig": "Forvaltningsansvarlig",
            "Kommunikasjon og informasjon rådgiver": "Kommunikasjons- og informasjonsrådgiver",
            "Klart språk i digital tjenester": "Klart språk i digitale tjenester",
            "Produktansvarlig": "Produktansvarlig", "Prosjektleder": "Prosjektleder",
            "Segmentansvarlig mot skatteetaten (SKE)": "Segmentansvarlig mot Skatteetaten",
            "Sikkerhetsansvarlig": "Sikkerhetsansvarlig", "Utviklingsansvarlig": "Utviklingsansvarlig",
            "Virksomhetsarkitekt": "Virksomhetsarkitekt", "Økonomirådgiver": "Økonomirådgiver"}


def _reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _shared(shared_data: Path, name: str) -> list[dict[str, str]]:
    with open(shared_data / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the department's tables -------------------------------------------------------------------------


def test_services_and_years_are_those_of_tabell_2(session):
    services = {s.code: s for s in session.scalars(select(Service))}
    assert set(services) == {code for _, _, code in TABELL_2} | {"fiks-io"}
    assert "legeerklaering-api" not in services
    for name, year, code in TABELL_2:
        assert services[code].established_year == year, name
    shipped = {r["code"]: r for r in _reference("services.csv")}
    for name, year, code in TABELL_2:
        assert f"Tabell 2: «{name}»" in shipped[code]["source"], code
        assert (f"etablert {year}" in shipped[code]["source"]) == (year is not None), code
    # a service Tabell 2 does not list ships only with the reason in its source
    assert shipped["fiks-io"]["source"].startswith("Ikke i Tabell 2: Tabell 3 fører Fiks IO som komponent.")
    assert "tilbys dette via Fiks-IO" in shipped["fiks-io"]["source"]
    assert services["fiks-io"].established_year is None


def test_the_written_tabell_2_is_the_departments():
    text_file = next(iter(DEPARTMENT.glob("*.txt")), None)
    if text_file is None:
        pytest.skip(f"the department's description is not at {DEPARTMENT}")
    text = text_file.read_text(encoding="utf-8")

    def section(start: str, end: str) -> str:
        begin = text.index(start)
        return text[begin:text.index(end, begin)]

    rows = [line.split("\t") for line in section("Tjeneste\tBeskrivelse\tEtablert", "Tabell 2:").splitlines()[1:]
            if line.strip()]
    assert [(r[0], int(r[2]) if r[2].strip() else None) for r in rows] == [(n, y) for n, y, _ in TABELL_2]
    components = section("Komponent\tBeskrivelse", "Tabell 3:")
    assert [line.split("\t")[0] for line in components.splitlines()[1:] if line.strip()] == [n for n, _, _ in TABELL_3]
    roles = re.findall(r"^([^\t\n]+)\t", section("Rolle\tBeskrivelse", "Tabell 4:"), re.M)
    assert [r for r in roles if r != "Rolle"] == list(TABELL_4)


def test_components_are_those_of_tabell_3(session):
    assert [(r["code"], r["name"]) for r in _reference("components.csv")] == [(c, n) for _, c, n in TABELL_3]
    assert {c.code for c in registry.list_components(session)} == {c for _, c, _ in TABELL_3}
    assert all(r["source"].startswith("Tabell 3") and r["description"] for r in _reference("components.csv"))
    svarut = registry.get_service(session, "svarut")
    assert {c.code for c in svarut.components} == {"dokumentlager", "print", "manuelt-mottak", "svarinn-adapter"}


def test_staffing_roles_are_those_of_tabell_4():
    names = [name for _, name, _, _ in STANDARD_ROLES]
    assert names[:len(TABELL_4)] == list(TABELL_4.values())
    competence = {name: areas for _, name, _, areas in STANDARD_ROLES}
    assert competence["Økonomirådgiver"] == "økonomi, prosjektledelse, kommunesektoren"
    assert competence["Segmentansvarlig mot Skatteetaten"] == "lovverk, Skatteetatens tjenester, kommunesektoren"


def test_every_reference_file_names_its_source():
    for name, column in (("services.csv", "source"), ("components.csv", "source"), ("counties.csv", "name_source"),
                         ("organisations.csv", "name_source"), ("organisations.csv", "org_number_source"),
                         ("superseded.csv", "why")):
        rows = _reference(name)
        assert rows and all(r[column].strip() for r in rows), (name, column)


# --- official names -------------------------------------------------------------------------------


def test_all_official_names_are_stored_and_found_by_any_part(session, shared_data):
    rows = _shared(shared_data, "official-names-2024.csv")
    assert len(rows) == 30
    for row in rows:
        if row["kind"] == "municipality":
            org = registry.find_organisation(session, row["number"])
            assert (org.name, org.norwegian_name) == (row["official_name"], row["norwegian_name"])
            matches = [org.id]
        else:
            county = session.get(County, row["number"])
            assert (county.name, county.norwegian_name) == (row["official_name"], row["norwegian_name"])
            matches = list(session.scalars(select(Organisation.id).where(
                Organisation.county_number == row["number"], Organisation.kind == "county_municipality")))
            assert len(matches) == 1
        for part in row["official_name"].split(" - "):
            for term in (part, part.upper(), plain(part)):   # "Snåsa", "SNÅSA", "snasa"
                found = [r["id"] for r in registry.organisation_rows(session, term)]
                assert matches[0] in found, (row["official_name"], term)
            if row["kind"] == "municipality":
                assert registry.find_organisation(session, plain(part)).id == matches[0], part


@pytest.mark.parametrize(("term", "official"), [
    ("kautokeino", "Guovdageaidnu - Kautokeino"), ("snasa", "Snåase - Snåsa"),
    ("porsangu", "Porsanger - Porsángu - Porsanki"), ("Porsáŋgu", "Porsanger - Porsángu - Porsanki"),
    ("karasjohka", "Kárášjohka - Karasjok"), ("TRAANTE", "Trondheim - Tråante"), ("evenassi", "Evenes - Evenášši")])
def test_searches_ignore_case_and_diacritics(session, term, official):
    assert registry.find_organisation(session, term).name == official
    assert official in [r["name"] for r in registry.organisation_rows(session, term)]


def test_county_municipalities_are_found_by_their_countys_names(session):
    assert [r["name"] for r in registry.organisation_rows(session, "romsa", kinds=["county_municipality"])] == [
        "Troms fylkeskommune"]
    assert [r["name"] for r in registry.organisation_rows(session, "finnmarku")] == ["Finnmark fylkeskommune"]


def test_search_by_number_and_nothing_found(session):
    assert [r["name"] for r in registry.organisation_rows(session, "945 475 056")] == ["Guovdageaidnu - Kautokeino"]
    assert [r["name"] for r in registry.organisation_rows(session, "5612")] == ["Guovdageaidnu - Kautokeino"]
    assert registry.organisation_rows(session, "xyzzy") == []
    assert registry.find_organisation(session, "xyzzy") is None


def test_an_edit_keeps_or_sets_the_norwegian_name(session):
    admin = make_actor("admin")
    org = registry.find_organisation(session, "5612")
    payload = {"name": org.name, "kind": org.kind, "municipality_number": "5612", "county_number": "56",
               "org_number": org.org_number}
    registry.update_organisation(session, admin, org.id, payload)
    assert org.norwegian_name == "Kautokeino"   # not in the payload: kept, still a part of the official name
    registry.update_organisation(session, admin, org.id, {**payload, "norwegian_name": "Kautokeino kommune"})
    assert org.norwegian_name == "Kautokeino kommune"
    new = registry.create_organisation(session, admin, {"name": "Testetat", "kind": "state_agency"})
    assert new.norwegian_name == "Testetat"


def test_the_export_shows_official_and_norwegian_name(session):
    rows = registry.organisation_rows(session, "kautokeino")
    sheet = load_workbook(io.BytesIO(exports.organisations_workbook(rows))).active
    assert [c.value for c in sheet[1]][:3] == ["Organisasjonsnummer", "Offisielt navn", "Norsk navn"]
    assert [c.value for c in sheet[2]][:3] == ["945475056", "Guovdageaidnu - Kautokeino", "Kautokeino"]
    assert (sheet["G1"].value, sheet["G3"].value) == ("Innbyggere", "=SUBTOTAL(9,G2:G2)")   # population total


def test_orgs_search_on_the_command_line(db_url, capsys):
    assert main(["orgs", "search", "snasa"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Organisasjonsnummer")
    assert [w for w in out[1].split("  ") if w.strip()] == ["964982031", "5041", "Snåase - Snåsa", "Kommune",
                                                            "Trøndelag - Trööndelage"]
    assert out[-1] == "1 virksomheter funnet."
    assert main(["orgs", "search", "xyzzy"]) == 0
    assert capsys.readouterr().out.strip() == "Ingen virksomheter passer til «xyzzy»."


# --- organisation numbers -------------------------------------------------------------------------


def test_all_372_organisation_numbers_ship_and_match_the_shared_copy(session, shared_data):
    expected = _shared(shared_data, "organisation-numbers-2024.csv")
    assert len(expected) == 372
    shipped = _reference("organisations.csv")
    municipalities = {r["municipality_number"]: r for r in shipped if r["kind"] == "municipality"}
    county_orgs = {r["county_number"]: r for r in shipped if r["kind"] == "county_municipality"}
    in_db = dict(session.execute(select(Organisation.municipality_number, Organisation.org_number)
                                 .where(Organisation.kind == "municipality")).all())
    in_db_counties = dict(session.execute(select(Organisation.county_number, Organisation.org_number)
                                          .where(Organisation.kind == "county_municipality")).all())
    for row in expected:
        if row["kind"] == "municipality":
            ours = municipalities[row["number"]]
            assert in_db[row["number"]] == row["organisation_number"], row
        elif row["number"] == "03":
            ours = municipalities["0301"]   # Oslo has no county municipality: Oslo kommune carries county 03
            assert in_db["0301"] == row["organisation_number"]
            continue
        else:
            ours = county_orgs[row["number"]]
            assert in_db_counties[row["number"]] == row["organisation_number"], row
        assert (ours["org_number"], ours["org_number_source"], ours["org_number_checked"]) == (
            row["organisation_number"], row["sources"], row["checked"]), row
        assert org_number_problem(ours["org_number"]) is None
    assert len(shipped) == 371 == len({r["org_number"] for r in shipped})
    one_source = {r["municipality_number"] for r in shipped
                  if r["kind"] == "municipality" and r["org_number_checked"] == "1"}
    assert one_source == {"1508", "1580"}
    assert {municipalities[n]["org_number_source"] for n in one_source} == {"BRREG23-PRE"}
    assert municipalities["1508"]["org_number"] != "920415288"   # the 2020-2023 Ålesund entity is not 2024's


def test_the_demo_uses_the_real_numbers(demo_session):
    oslo = registry.find_organisation(demo_session, "0301")
    assert oslo.org_number == "958935420"
    assert registry.find_organisation(demo_session, "1508").org_number == "929911709"
    missing = demo_session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.kind.in_(("municipality", "county_municipality")), Organisation.org_number.is_(None)))
    assert missing == 0


# --- the refresh on an existing database ------------------------------------------------------------


def test_reference_refresh_fills_an_earlier_database_and_is_idempotent(session):
    admin = make_actor("admin")
    kautokeino = registry.find_organisation(session, "5612")
    oslo = registry.find_organisation(session, "0301")
    bergen = registry.find_organisation(session, "4601")
    # as an earlier release left it: the first part of the name only, no Norwegian name, no numbers,
    # wrong years and descriptions, and a service the department does not list
    kautokeino.name, kautokeino.norwegian_name, kautokeino.org_number = "Guovdageaidnu", None, None
    oslo.org_number = None
    bergen.org_number = "974760673"   # set by a user: kept, reported
    nordland = session.get(County, "18")
    nordland.name, nordland.norwegian_name = "Nordland", None
    svarut = registry.get_service(session, "svarut")
    svarut.established_year, svarut.description = 2013, "Sikker digital utsendelse av brev fra kommuner og " \
        "fylkeskommuner til innbyggere og virksomheter"
    minside = registry.get_service(session, "minside")
    minside.established_year = 2017   # not what an earlier release shipped: a user's value, kept
    session.add(Service(code="legeerklaering-api", name="Legeerklæring-API", description="", status="active"))
    session.flush()
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))

    added = registry.load_reference_data(session, admin)
    session.flush()
    assert added == {"counties": 0, "organisations": 0, "services": 0, "components": 0, "org_numbers": 2,
                     "org_numbers_differ": 1, "names": 2, "corrected": 2}
    assert (kautokeino.name, kautokeino.norwegian_name, kautokeino.org_number) == (
        "Guovdageaidnu - Kautokeino", "Kautokeino", "945475056")
    assert oslo.org_number == "958935420" and bergen.org_number == "974760673"
    assert (nordland.name, nordland.norwegian_name) == ("Nordland - Nordlánnda", "Nordland")
    assert svarut.established_year == 2012 and svarut.description.startswith("Formidler brev og dokumenter")
    assert minside.established_year == 2017
    assert registry.get_service(session, "legeerklaering-api").status == "retired"
    session.commit()
    assert session.scalar(select(func.count()).select_from(AuditEntry)) > audit_before
    changed = session.scalar(select(AuditEntry.changes).where(
        AuditEntry.table_name == "organisation", AuditEntry.row_id == str(kautokeino.id)).order_by(AuditEntry.seq.desc()))
    assert "Guovdageaidnu - Kautokeino" in changed and "945475056" in changed

    again = registry.load_reference_data(session, admin)
    assert again == {key: (1 if key == "org_numbers_differ" else 0) for key in added}
