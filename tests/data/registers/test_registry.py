import csv

import pytest
from sqlalchemy import func, select

from data.audit import AuditEntry
from data.errors import ConflictError, PermissionDenied, ValidationFailed
from data.registers import registry as registers
from data.registers.models import County, Organisation
from data.registers.registry import org_number_check_digit, org_number_problem
from tests.conftest import make_actor

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize("number", ["974760673", "971526920", "964952612"])
def test_valid_organisation_numbers(number):
    assert org_number_problem(number) is None


def test_wrong_check_digit_is_refused_in_plain_language():
    assert org_number_problem("974760672") == (
        "Organisasjonsnummeret «974760672» er ikke gyldig (kontrollsifferet stemmer ikke). "
        "Sjekk at det er skrevet riktig."
    )
    assert "9 siffer" in org_number_problem("97476067")
    assert "9 siffer" in org_number_problem("97476067a")


def test_check_digit_rules():
    # 97476067 -> weighted sum 173, 173 % 11 = 8, 11 - 8 = 3
    assert org_number_check_digit("97476067") == 3
    # a remainder of 1 would need check digit 10: no valid number has that body
    body = next(f"{n:08d}" for n in range(10_000_000, 10_010_000)
                if sum(int(d) * w for d, w in zip(f"{n:08d}", (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11 == 1)
    assert org_number_check_digit(body) is None
    assert org_number_problem(body + "0") is not None


def test_reference_register_matches_statistics_norway(session, shared_data):
    with open(shared_data / "municipalities-2024.csv", encoding="utf-8") as handle:
        expected = {r["municipality_number"]: r for r in csv.DictReader(handle)}
    with open(shared_data / "official-names-2024.csv", encoding="utf-8") as handle:
        official = {(r["kind"], r["number"]): r["official_name"] for r in csv.DictReader(handle)}
    rows = session.execute(
        select(Organisation.municipality_number, Organisation.name, Organisation.county_number,
               Organisation.population).where(Organisation.kind == "municipality")
    ).all()
    assert len(rows) == 357 == len(expected)
    for number, name, county, population in rows:
        source = expected[number]
        # the shared list has the first part of a name in several languages; we keep SSB's whole official name
        name_expected = official.get(("municipality", number), source["name"])
        assert name_expected.startswith(source["name"]) or number == "5025"   # "Rosse" is Kartverket's first part
        assert (name, county, population) == (name_expected, source["county_number"],
                                              int(source["population_2024_01_01"])), number
    assert sum(r.population for r in rows) == 5_550_203
    with open(shared_data / "counties-2024.csv", encoding="utf-8") as handle:
        counties = {r["county_number"]: official.get(("county", r["county_number"]), r["name"])
                    for r in csv.DictReader(handle)}
    assert dict(session.execute(select(County.number, County.name)).all()) == counties
    county_orgs = session.scalars(select(Organisation.county_number).where(
        Organisation.kind == "county_municipality")).all()
    assert sorted(county_orgs) == sorted(set(counties) - {"03"})  # Oslo is a municipality only


def test_oslo_is_municipality_and_county(session):
    oslo = registers.find_organisation(session, "0301")
    assert oslo.name == "Oslo" and oslo.county_number == "03" and oslo.population == 717_710


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_create_organisation_validates_each_field(session):
    admin = make_actor("admin")
    with pytest.raises(ValidationFailed) as error:
        registers.create_organisation(session, admin, {"name": "", "kind": "agency", "org_number": "123456789",
                                                       "contact_email": "not-an-address"})
    fields = {e.field for e in error.value.errors}
    assert {"name", "kind", "org_number", "contact_email"} <= fields
    assert "Ingenting er lagret" in error.value.message


def test_denied_write_changes_nothing(session):
    before_orgs, before_audit = _count(session, Organisation), _count(session, AuditEntry)
    with pytest.raises(PermissionDenied) as error:
        registers.create_organisation(session, make_actor("finance"),
                                      {"name": "Digdir", "kind": "state_agency", "org_number": "991825827"})
    assert error.value.message == "Du har ikke tilgang til å endre registrene. Ingenting er endret."
    session.commit()
    assert _count(session, Organisation) == before_orgs
    assert _count(session, AuditEntry) == before_audit


def test_support_may_change_contact_but_not_the_rest(session):
    org = registers.find_organisation(session, "Bergen")
    support = make_actor("support", username="sunniva")
    registers.update_contact(session, support, org.id, {"contact_email": "postmottak@bergen.kommune.no"})
    session.commit()
    assert org.contact_email == "postmottak@bergen.kommune.no"
    with pytest.raises(PermissionDenied):
        registers.update_organisation(session, support, org.id, {"name": "Bjørgvin", "kind": "municipality"})


def test_stale_edit_is_refused_naming_who_changed_what(session):
    admin = make_actor("admin", username="ada")
    org = registers.find_organisation(session, "Bergen")
    seen_version = org.version
    registers.update_contact(session, make_actor("support", username="sunniva"), org.id,
                             {"contact_email": "post@bergen.kommune.no"})
    session.commit()
    with pytest.raises(ConflictError) as error:
        registers.update_organisation(session, admin, org.id,
                                      {"name": "Bergen", "kind": "municipality", "municipality_number": "4601"},
                                      expected_version=seen_version)
    assert "Bergen" in error.value.message and "contact_email" in error.value.message


def test_duplicate_org_number_is_refused(session):
    admin = make_actor("admin")
    registers.create_organisation(session, admin, {"name": "KS", "kind": "other", "org_number": "971032146"})
    with pytest.raises(Exception) as error:
        registers.create_organisation(session, admin, {"name": "KS 2", "kind": "other", "org_number": "971 032 146"})
    assert "allerede registrert på KS" in str(error.value)


SSB_GOOD = (
    b"code;parentCode;level;name;shortName;presentationName;validFrom;validTo;notes\n"
    b"0301;;1;Oslo;;;;;\n"
    b"4601;;1;Bergen kommune;;;;;\n"
    b"9999;;1;Nykommune;;;01.01.2026;;\n"
)


def test_ssb_import_updates_and_adds(session):
    counts = registers.import_ssb_municipalities(session, make_actor("admin"), SSB_GOOD)
    session.commit()
    assert counts == {"created": 1, "updated": 1, "unchanged": 1}
    assert registers.find_organisation(session, "4601").name == "Bergen kommune"
    new = registers.find_organisation(session, "9999")
    assert new.name == "Nykommune" and new.valid_from.isoformat() == "2026-01-01"


def test_ssb_import_is_all_or_nothing_with_row_errors(session):
    bad = SSB_GOOD + b"12;;1;Feil;;;;;\n4602;;1;;;;;;\n4603;;1;Dato;;;32.13.2024;;\n"
    before = _count(session, Organisation)
    with pytest.raises(ValidationFailed) as error:
        registers.import_ssb_municipalities(session, make_actor("admin"), bad)
    rows = [(e.row, e.field) for e in error.value.errors]
    assert rows == [(5, "code"), (6, "name"), (7, "validFrom")]
    assert "Rad 5, felt «code»: Kommunenummeret «12» må ha 4 siffer." in error.value.message
    session.rollback()
    assert _count(session, Organisation) == before
    assert registers.find_organisation(session, "4601").name == "Bergen"


def test_service_components_and_codes(session):
    svarut = registers.get_service(session, "svarut")
    assert {c.code for c in svarut.components} >= {"print", "dokumentlager"}
    with pytest.raises(ValidationFailed) as error:
        registers.save_service(session, make_actor("admin"), {"code": "Bad Code", "name": "X"})
    assert error.value.errors[0].field == "code"


def test_names_with_norwegian_letters_are_found_case_insensitively(session):
    assert registers.find_organisation(session, "ålesund").name == "Ålesund"
    assert [r["name"] for r in registers.organisation_rows(session, "ØRLAND")] == ["Ørland"]
