"""DigiOrden's sensitive parts: municipalities' security measures, datasets with sensitive personal data and
integrations' technical details (the method) are read by the architect, the security officer and the leader
only; everyone else sees the map without them, in the pages, the downloads and the command line alike."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from admin import cli
from data import db
from data.access import ROLES, Actor, system_actor
from data.registers.models import User, UserRole
from data.registers.registry import find_organisation
from portfolio.digiorden import analysis, archi, exchange, exports, graph
from portfolio.digiorden import systems as digiorden
from tests.conftest import make_actor
from tests.pages import errors_of, render

ARCHITECT = make_actor("architect", username="arkitekt")
SUPPORT = make_actor("support", username="sven")
SECURITY_MEASURES = "Tofaktor, kryptert disk, logging til SOC"
READERS = {"architect", "security", "leader"}


def _map(session) -> int:
    """Oslo: a case system with a special-category dataset (its retention not recorded: a gap) and an ordinary
    one, and an integration by database."""
    session.info["actor"] = ARCHITECT
    oslo = find_organisation(session, "0301").id
    digiorden.save_vendor(session, ARCHITECT, oslo, {"name": "Tieto"})
    digiorden.save_system(session, ARCHITECT, oslo, {"name": "Barnevernsystem", "vendor": "Tieto", "hosting": "cloud",
                                                     "owner": "Barnevernleder", "areas": ["child_welfare"],
                                                     "security_measures": SECURITY_MEASURES})
    digiorden.save_system(session, ARCHITECT, oslo, {"name": "Sak/arkiv", "hosting": "saas", "owner": "Arkivleder"})
    digiorden.save_dataset(session, ARCHITECT, oslo, {"name": "Barnevernsaker", "system": "Barnevernsystem",
                                                      "personal_data": "special", "legal_basis": "Barnevernloven",
                                                      "purpose": "Saksbehandling", "data_subjects": "Barn"})
    digiorden.save_dataset(session, ARCHITECT, oslo, {"name": "Postjournal", "system": "Sak/arkiv",
                                                      "personal_data": "ordinary", "legal_basis": "Arkivloven",
                                                      "purpose": "Journalføring", "data_subjects": "Innbyggere",
                                                      "retention": "Bevares"})
    digiorden.save_integration(session, ARCHITECT, oslo, {"from_system": "Barnevernsystem", "to_system": "Sak/arkiv",
                                                          "data_carried": "Vedtak", "method": "database"})
    return oslo


def _texts(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("role", ROLES)
def test_only_architect_security_and_leader_read_the_sensitive_parts(session, role):
    oslo = _map(session)
    actor = make_actor(role)
    data = digiorden.map_data(session, oslo, actor)
    sees = role in READERS
    assert digiorden.can_read_sensitive(actor) is sees
    systems = {s["name"]: s for s in data["systems"]}
    assert set(systems) == {"Barnevernsystem", "Sak/arkiv"}                     # the map itself: everyone
    assert (systems["Barnevernsystem"]["security_measures"] == SECURITY_MEASURES) is sees
    assert {d["name"] for d in data["datasets"]} == ({"Barnevernsaker", "Postjournal"} if sees else {"Postjournal"})
    [integration] = data["integrations"]
    assert integration["data_carried"] == "Vedtak"
    assert integration["method"] == ("database" if sees else None)


def test_support_sees_no_security_measures_in_any_download(session):
    oslo = _map(session)
    for build in (exchange.export_map, exports.records_workbook):
        assert SECURITY_MEASURES in _texts(build(session, oslo, ARCHITECT))
        hidden = _texts(build(session, oslo, SUPPORT))
        assert SECURITY_MEASURES not in hidden and "Barnevernsaker" not in hidden
    assert "Barnevernsaker" in _texts(exchange.export_map(session, oslo, ARCHITECT))
    assert "Begrenset tilgang" not in _texts(exports.records_workbook(session, oslo, ARCHITECT))
    records = {r["processing"]: r for r in analysis.records_of_processing(session, oslo, SUPPORT)}
    assert set(records) == {"Postjournal"}
    assert records["Postjournal"]["security_measures"].startswith("Begrenset tilgang")
    gaps = exports.gaps_workbook(session, oslo, SUPPORT)
    assert "Barnevernsaker" not in _texts(gaps)
    for name, content in archi.archi_files(session, oslo, SUPPORT).items():
        text = content.decode("utf-8")
        assert SECURITY_MEASURES not in text and "Barnevernsaker" not in text, name
    assert SECURITY_MEASURES in archi.archi_files(session, oslo, ARCHITECT)["properties.csv"].decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(archi.archi_zip(session, oslo, SUPPORT))) as archive:
        properties = list(csv.reader(io.StringIO(archive.read("properties.csv").decode("utf-8"))))
    assert not any(SECURITY_MEASURES in cell for row in properties for cell in row)
    edges = graph.graph(session, oslo, SUPPORT)["edges"]
    assert [(e["data"], e["method"]) for e in edges] == [("Vedtak", None)]
    nodes = {n["label"]: n["sensitivity"] for n in graph.graph(session, oslo, SUPPORT)["nodes"]}
    assert nodes == {"Barnevernsystem": "none", "Sak/arkiv": "ordinary"}       # no hint of the hidden dataset


def test_the_import_compares_with_the_whole_map(session):
    """An architect's re-import of their own export changes nothing: the comparison reads the full map."""
    oslo = _map(session)
    exported = exchange.export_map(session, oslo, ARCHITECT)
    assert exchange.import_map(session, ARCHITECT, oslo, exported).changed == 0


def _committed_map_and_users() -> None:
    with db.session_scope(actor=system_actor("oppsett")) as session:
        _map(session)
        session.add(User(username="sven", full_name="Sven Støtte", role_rows=[UserRole(role="support")]))
        session.add(User(username="siri", full_name="Siri Sikkerhet", role_rows=[UserRole(role="security")]))


def test_support_sees_no_security_measures_on_the_command_line(db_url, tmp_path, capsys):
    _committed_map_and_users()
    for user, sees in (("sven", False), ("siri", True)):
        target = tmp_path / f"{user}.xlsx"
        assert cli.main(["--as", user, "digiorden", "export", str(target), "--org", "0301"]) == 0
        assert (SECURITY_MEASURES in _texts(target.read_bytes())) is sees
        records = tmp_path / f"{user}-records.xlsx"
        assert cli.main(["--as", user, "digiorden", "records", str(records), "--org", "0301"]) == 0
        assert ("Barnevernsaker" in _texts(records.read_bytes())) is sees
        folder = tmp_path / f"{user}-archi"
        assert cli.main(["--as", user, "digiorden", "archi", str(folder), "--org", "0301"]) == 0
        assert (SECURITY_MEASURES in (folder / "properties.csv").read_text(encoding="utf-8")) is sees
    for user, sees in (("sven", False), ("siri", True)):       # the sensitive dataset's missing retention
        capsys.readouterr()
        assert cli.main(["--as", user, "digiorden", "gaps", "--org", "0301"]) == 0
        assert ("Barnevernsaker (Barnevernsystem)" in capsys.readouterr().out) is sees


@pytest.mark.parametrize("role", ROLES)
def test_map_page_per_role(db_url, role):
    _committed_map_and_users()
    actor = Actor(username=f"x-{role}", roles=frozenset({role}))
    app = render("portfolio/digiorden/pages/map.py", actor)
    assert errors_of(app) == []
    systems = app.dataframe[0].value
    datasets = app.dataframe[1].value
    sees = role in READERS
    assert ("security" in systems.columns) is sees
    assert ("Barnevernsaker" in set(datasets["name"])) is sees
    notes = [i.value for i in app.info]
    assert any("vises bare for virksomhetsarkitekt, sikkerhetsleder og avdelingsleder" in n for n in notes) is not sees
    for page in ("portfolio/digiorden/pages/exchange.py", "portfolio/digiorden/pages/gaps.py"):
        other = render(page, actor)
        assert errors_of(other) == []
