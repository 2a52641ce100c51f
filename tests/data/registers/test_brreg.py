"""Import of Enhetsregisteret's bulk download (JSON and CSV, gzipped or not): a dry run that reports every
change, then all or nothing; only the register's municipalities and county municipalities are touched."""
import csv
import gzip
import io
import json

import pytest
from sqlalchemy import select

from admin.cli import main
from data import bootstrap
from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.registers import brreg
from data.registers.models import Organisation
from tests.conftest import make_actor

pytestmark = pytest.mark.both_databases

BERGEN = {
    "organisasjonsnummer": "964338531", "navn": "BERGEN KOMMUNE",
    "organisasjonsform": {"kode": "KOMM", "beskrivelse": "Kommune"},
    "postadresse": {"land": "Norge", "landkode": "NO", "postnummer": "5020", "poststed": "BERGEN",
                    "adresse": ["Postboks 7700"], "kommune": "BERGEN", "kommunenummer": "4601"},
    "forretningsadresse": {"land": "Norge", "landkode": "NO", "postnummer": "5014", "poststed": "BERGEN",
                           "adresse": ["Rådhusgaten 10"], "kommune": "BERGEN", "kommunenummer": "4601"},
}
VESTLAND = {
    "organisasjonsnummer": "821311632", "navn": "VESTLAND FYLKESKOMMUNE",
    "organisasjonsform": {"kode": "FYLK", "beskrivelse": "Fylkeskommune"},
    "forretningsadresse": {"postnummer": "5020", "poststed": "BERGEN", "adresse": ["Agnes Mowinckels gate 5"],
                           "kommunenummer": "4601"},
}
COMPANY = {  # not a municipality, a number the register does not know: never read further, never checked
    "organisasjonsnummer": "123", "navn": "NORDMANN AS", "organisasjonsform": {"kode": "AS"},
    "forretningsadresse": {"postnummer": "0150", "poststed": "OSLO", "adresse": ["Karl Johans gate 1"],
                           "kommunenummer": "0301"},
}
PRE_REGISTERED = {
    "organisasjonsnummer": "929911709", "navn": "NYE ÅLESUND KOMMUNE FRA 01012024 UNDER FORHÅNDSREGISTRERING",
    "organisasjonsform": {"kode": "KOMM"},
    "forretningsadresse": {"postnummer": "6002", "poststed": "ÅLESUND", "adresse": ["Postboks 1521"],
                           "kommunenummer": "1507"},
}
DELETED = {"organisasjonsnummer": "964967636", "navn": "GAMLE KOMMUNE", "organisasjonsform": {"kode": "KOMM"},
           "slettedato": "2020-01-01", "forretningsadresse": {"kommunenummer": "1234"}}

CSV_COLUMNS = ["organisasjonsnummer", "navn", "organisasjonsform.kode", "organisasjonsform.beskrivelse",
               "naeringskode1.kode", "antallAnsatte", "hjemmeside", "postadresse.adresse", "postadresse.poststed",
               "postadresse.postnummer", "postadresse.kommune", "postadresse.kommunenummer", "postadresse.land",
               "postadresse.landkode", "forretningsadresse.adresse", "forretningsadresse.poststed",
               "forretningsadresse.postnummer", "forretningsadresse.kommune", "forretningsadresse.kommunenummer",
               "forretningsadresse.land", "forretningsadresse.landkode", "institusjonellSektorkode.kode",
               "stiftelsesdato", "konkurs", "underAvvikling", "slettedato"]


def _json_gz(*entities) -> io.BytesIO:
    return io.BytesIO(gzip.compress(json.dumps(list(entities), ensure_ascii=False, indent=1).encode("utf-8")))


def _flat(entity: dict) -> dict:
    out = {"organisasjonsnummer": entity["organisasjonsnummer"], "navn": entity["navn"],
           "organisasjonsform.kode": entity["organisasjonsform"]["kode"], "slettedato": entity.get("slettedato", "")}
    for kind in ("postadresse", "forretningsadresse"):
        for key, value in (entity.get(kind) or {}).items():
            out[f"{kind}.{key}"] = ", ".join(value) if isinstance(value, list) else value
    return out


def _csv(*entities, gz: bool = False) -> io.BytesIO:
    handle = io.StringIO()
    writer = csv.DictWriter(handle, CSV_COLUMNS, quoting=csv.QUOTE_ALL, extrasaction="ignore", restval="")
    writer.writeheader()
    for entity in entities:
        writer.writerow(_flat(entity))
    content = handle.getvalue().encode("utf-8")
    return io.BytesIO(gzip.compress(content) if gz else content)


def _org(session, **where) -> Organisation:
    query = select(Organisation).where(Organisation.valid_to.is_(None))
    for key, value in where.items():
        query = query.where(getattr(Organisation, key) == value)
    return session.scalars(query).one()


@pytest.fixture
def register(session):
    """Bergen and Vestland without numbers (matched by municipality number), Oslo with its number."""
    bergen = _org(session, municipality_number="4601")
    vestland = _org(session, kind="county_municipality", county_number="46")
    oslo = _org(session, municipality_number="0301")
    for org in session.scalars(select(Organisation).where(Organisation.org_number.in_(
            ["964338531", "821311632", "958935420", "929911709"]))):
        org.org_number = None
    session.flush()
    bergen.org_number = vestland.org_number = None
    oslo.org_number = "958935420"
    oslo.postal_address, oslo.postal_code, oslo.postal_place = "Postboks 1", "0037", "OSLO"
    oslo.registered_name = "OSLO KOMMUNE"
    session.flush()
    return bergen, vestland, oslo


def _changes(report) -> set[tuple]:
    return {(c["organisation"], c["field"], c["old"], c["new"]) for c in report.changes}


EXPECTED_BERGEN_AND_VESTLAND = {
    ("Bergen", "org_number", None, "964338531"),
    ("Bergen", "registered_name", None, "BERGEN KOMMUNE"),
    ("Bergen", "postal_address", None, "Postboks 7700"),
    ("Bergen", "postal_code", None, "5020"),
    ("Bergen", "postal_place", None, "BERGEN"),
    ("Vestland fylkeskommune", "org_number", None, "821311632"),
    ("Vestland fylkeskommune", "registered_name", None, "VESTLAND FYLKESKOMMUNE"),
    ("Vestland fylkeskommune", "postal_address", None, "Agnes Mowinckels gate 5"),
    ("Vestland fylkeskommune", "postal_code", None, "5020"),
    ("Vestland fylkeskommune", "postal_place", None, "BERGEN"),
}


def test_json_dry_run_reports_every_change_and_writes_nothing(session, system, register):
    bergen, vestland, _oslo = register
    audit_before = session.query(AuditEntry).count()
    report = brreg.import_enhetsregisteret(session, system, _json_gz(COMPANY, BERGEN, VESTLAND, PRE_REGISTERED,
                                                                     DELETED))
    assert (report.read, report.kept, report.matched) == (4, 3, 2)    # the deleted entity is not read
    assert report.unmatched == [{"row": 4, "org_number": "929911709", "form": "KOMM",
                                 "name": "NYE ÅLESUND KOMMUNE FRA 01012024 UNDER FORHÅNDSREGISTRERING"}]
    assert _changes(report) == {c for c in EXPECTED_BERGEN_AND_VESTLAND if not c[0].startswith("Vestland")} | {
        c for c in EXPECTED_BERGEN_AND_VESTLAND if c[0].startswith("Vestland")} and report.changed_organisations == 2
    assert not report.applied
    session.expire_all()
    assert (bergen.org_number, bergen.postal_address, vestland.registered_name) == (None, None, None)
    assert session.query(AuditEntry).count() == audit_before


def test_apply_writes_the_changes_audited(session, system, register):
    bergen, vestland, _oslo = register
    session.info["actor"] = system
    report = brreg.import_enhetsregisteret(session, system, _json_gz(BERGEN, VESTLAND), apply=True)
    assert report.applied and report.changed_organisations == 2
    session.expire_all()
    assert (bergen.org_number, bergen.registered_name, bergen.postal_address, bergen.postal_code,
            bergen.postal_place, bergen.name) == ("964338531", "BERGEN KOMMUNE", "Postboks 7700", "5020", "BERGEN",
                                                  "Bergen")   # the display name stays SSB's
    assert (vestland.org_number, vestland.postal_address) == ("821311632", "Agnes Mowinckels gate 5")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "organisation",
                                                     AuditEntry.row_id == str(bergen.id))
                            .order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "update" and entry.actor == "test"
    assert json.loads(entry.changes)["org_number"] == {"before": None, "after": "964338531"}
    again = brreg.import_enhetsregisteret(session, system, _json_gz(BERGEN, VESTLAND), apply=True)
    assert again.changes == [] and again.unchanged == 2 and not again.applied


@pytest.mark.parametrize("gz", [False, True])
def test_csv_format_gives_the_same_changes_and_matches_on_number(session, system, register, gz):
    _bergen, _vestland, oslo = register
    moved_oslo = {"organisasjonsnummer": "958935420", "navn": "OSLO KOMMUNE", "organisasjonsform": {"kode": "KOMM"},
                  "postadresse": {"adresse": ["Postboks 6", "Rådhuset"], "postnummer": "0030", "poststed": "OSLO",
                                  "kommunenummer": "0301"}}
    report = brreg.import_enhetsregisteret(session, system, _csv(COMPANY, BERGEN, VESTLAND, moved_oslo, gz=gz))
    assert (report.read, report.kept, report.matched) == (4, 3, 3)
    assert _changes(report) == EXPECTED_BERGEN_AND_VESTLAND | {
        ("Oslo", "postal_address", "Postboks 1", "Postboks 6, Rådhuset"),
        ("Oslo", "postal_code", "0037", "0030")}
    assert oslo.postal_address == "Postboks 1"


def test_long_json_is_read_in_pieces(session, system, register, monkeypatch):
    monkeypatch.setattr(brreg, "CHUNK", 64)   # objects cross every chunk boundary
    companies = [dict(COMPANY, organisasjonsnummer=str(n), navn=f"FIRMA {n} {{\"]}}") for n in range(300)]
    report = brreg.import_enhetsregisteret(session, system, _json_gz(*companies, BERGEN, *companies, VESTLAND))
    assert (report.read, report.kept, report.matched) == (602, 2, 2)
    assert _changes(report) == EXPECTED_BERGEN_AND_VESTLAND


def test_a_bad_row_stops_everything(session, system, register):
    bergen, _vestland, _oslo = register
    bad = dict(VESTLAND, organisasjonsnummer="821311633")
    with pytest.raises(ValidationFailed) as caught:
        brreg.import_enhetsregisteret(session, system, _csv(BERGEN, bad), apply=True)
    assert caught.value.errors[0].row == 3 and caught.value.errors[0].field == "organisasjonsnummer"
    assert "kontrollsifferet stemmer ikke" in caught.value.message
    no_name = dict(BERGEN, navn="")
    with pytest.raises(ValidationFailed) as caught:
        brreg.import_enhetsregisteret(session, system, _json_gz(COMPANY, no_name), apply=True)
    assert (caught.value.errors[0].row, caught.value.errors[0].field) == (2, "navn")
    session.expire_all()
    assert bergen.org_number is None


def test_a_number_held_by_another_organisation_is_refused(session, system, register):
    bergen, _vestland, oslo = register
    bergen_with_oslos_number = dict(BERGEN, organisasjonsnummer="958935420",
                                    organisasjonsform={"kode": "FYLK"})   # matched by number: Oslo
    twice = [BERGEN, dict(BERGEN, organisasjonsnummer="964338531")]
    with pytest.raises(ValidationFailed) as caught:
        brreg.import_enhetsregisteret(session, system, _json_gz(*twice), apply=True)
    assert "Gjelder samme virksomhet (Bergen) som rad 1" in caught.value.message
    report = brreg.import_enhetsregisteret(session, system, _json_gz(bergen_with_oslos_number))
    assert {c["organisation"] for c in report.changes} == {"Oslo"}
    session.expire_all()
    assert bergen.org_number is None and oslo.org_number == "958935420"


def test_damaged_files_are_refused_plainly(session, system, register):
    whole = gzip.decompress(_json_gz(BERGEN, VESTLAND).getvalue())
    with pytest.raises(BackofficeError, match="skadet eller ufullstendig ved enhet nr. 2"):
        brreg.import_enhetsregisteret(session, system, io.BytesIO(whole[:-40]))
    with pytest.raises(BackofficeError, match="kan ikke leses videre"):
        brreg.import_enhetsregisteret(session, system, io.BytesIO(gzip.compress(whole)[:-30]))
    with pytest.raises(BackofficeError, match="ingen rader"):
        brreg.import_enhetsregisteret(session, system, io.BytesIO(b"  \n"))
    with pytest.raises(ValidationFailed, match="organisasjonsform.kode"):
        brreg.import_enhetsregisteret(session, system, io.BytesIO(b"organisasjonsnummer,navn\n964338531,X\n"))


def test_only_the_administrator_keeps_the_register(session, register):
    with pytest.raises(PermissionDenied):
        brreg.import_enhetsregisteret(session, make_actor("finance"), _json_gz(BERGEN))
    with pytest.raises(PermissionDenied):
        brreg.import_enhetsregisteret(session, make_actor("product_owner"), _json_gz(BERGEN), apply=True)


def test_cli_dry_run_then_apply(session, register, tmp_path, capsys):
    bootstrap.install()
    path = tmp_path / "enheter.json.gz"
    path.write_bytes(_json_gz(BERGEN, VESTLAND, COMPANY).getvalue())
    assert main(["orgs", "brreg", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Bergen: Organisasjonsnummer: – → 964338531" in out
    assert "Prøvekjøring: ingenting er lagret" in out
    assert session.scalar(select(Organisation.org_number).where(Organisation.id == register[0].id)) is None
    assert main(["orgs", "brreg", "import", str(path), "--apply"]) == 0
    assert "Endringene er lagret for 2 virksomheter." in capsys.readouterr().out
    session.expire_all()
    assert register[0].org_number == "964338531"
    assert main(["orgs", "brreg", "import", str(tmp_path / "mangler.json")]) == 1
    assert "mangler.json" in capsys.readouterr().err
