"""NSM basic principles: sourced reference data, assessments, roll-ups, gaps, trend, exports."""
import csv
import io
import os
from datetime import date, timedelta

import pytest
from alembic import command
from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine, func, select, text

from admin.cli import main
from data import db, schema
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.excel import read_sheet
from risk import exports, nsm
from risk.models import NsmCatalogue, NsmCatalogueMeasure, NsmScore, Risk, RosAssessment
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")
SOURCED_2_3 = [f"2.3.{i}" for i in range(1, 11)]


# --- reference data ------------------------------------------------------------------------------------


def test_reference_data_is_exactly_the_sourced_rows_of_the_shared_csv(shared_data):
    with (shared_data / "nsm-grunnprinsipper.csv").open(encoding="utf-8", newline="") as handle:
        shared = list(csv.DictReader(handle))
    with nsm.REFERENCE.open(encoding="utf-8", newline="") as handle:
        ours = list(csv.DictReader(handle))
    sourced = [row for row in shared if row["sources"].strip()]
    assert ours == sourced
    assert len(ours) == 4 + 21 + 18


def test_reference_has_4_categories_21_principles_and_only_sourced_measures():
    assert [c.id for c in nsm.categories()] == ["1", "2", "3", "4"]
    assert nsm.title("4") == "Håndtere og gjenopprette"
    assert len(nsm.principles()) == 21
    assert [p.id for p in nsm.principles() if p.parent == "2"] == [f"2.{i}" for i in range(1, 11)]
    assert nsm.title("2.3") == "Ivareta en sikker konfigurasjon"
    measures = nsm.reference_measures()
    assert len(measures) == 18
    assert [m.id for m in measures if m.parent == "2.3"] == SOURCED_2_3
    assert nsm.title("2.3.1") == "Etabler et sentralt styrt regime for sikkerhetsoppdatering"
    known_sources = set(nsm.sources())
    for item in nsm.reference():                     # every row names sources that the sources file explains
        keys = item.sources.split(";")
        assert keys and all(keys) and set(keys) <= known_sources, item.id
    assert "1.1.1" not in nsm.items_by_id()          # no measure written from memory


def test_without_an_import_principles_are_scored_where_no_measure_has_a_source(session):
    summary = nsm.catalogue_summary(session)
    assert summary["id"] is None and summary["measures"] == 18
    ids = nsm.unit_ids(session)
    assert len(ids) == 33                            # 18 measures + 15 principles without a sourced measure
    assert ids[:6] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3.1"]
    assert "2.3" not in ids and "2.4" in ids and "2.6.7" in ids
    assert summary["principles_scored_directly"] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.4", "2.8", "2.9", "2.10",
                                                     "3.3", "3.4", "4.1", "4.2", "4.3", "4.4"]


# --- assessments -----------------------------------------------------------------------------------------


def _assessment(session, title="2025", on=date(2025, 11, 1), **extra):
    return nsm.create_assessment(session, SECURITY, {"title": title, "assessed_on": on, **extra})


def test_new_assessment_has_a_row_per_unit_with_its_title(session):
    assessment = _assessment(session, default_target=4)
    rows = nsm.score_rows(session, assessment.id)
    assert len(rows) == 33
    assert all(r["level"] is None and r["target"] == 4 for r in rows)
    assert rows[0] == {**rows[0], "measure_id": "1.1", "unit": "principle",
                       "measure": "Kartlegg styringsstrukturer, leveranser og understøttende systemer"}
    assert rows[-1]["measure_id"] == "4.4"
    stored = session.scalar(select(NsmScore).where(NsmScore.assessment_id == assessment.id,
                                                   NsmScore.measure_id == "2.6.7"))
    assert stored.title == "Bruk multi-faktor autentisering" and stored.outside_catalogue is False
    assert nsm.assessment_rows(session)[0]["catalogue"].startswith("NSMs grunnprinsipper: kildebelagt utdrag")


def test_rollups_on_a_small_hand_made_assessment(session):
    assessment = _assessment(session)
    nsm.update_scores(session, SECURITY, assessment.id, [
        {"measure_id": "2.3.1", "level": 1, "target": 3},
        {"measure_id": "2.3.2", "level": 2, "target": 3},
        {"measure_id": "2.4", "level": 4, "target": 3},
        {"measure_id": "2.6.7", "level": 0, "target": 5, "evidence": "Ingen MFA"},
        {"measure_id": "1.1", "level": 5, "target": 4},
    ])
    result = nsm.results(session, assessment.id)
    principles = {p["id"]: p for p in result["principles"]}
    # 2.3 has ten sourced measures, two scored: (1 + 2) / 2
    assert principles["2.3"]["average"] == 1.5
    assert principles["2.3"]["scored"] == 2 and principles["2.3"]["unscored"] == 8
    assert principles["2.3"]["below_target"] == 2
    assert principles["2.4"]["average"] == 4 and principles["2.4"]["measures"] == 1   # the principle itself
    assert principles["2.6"]["average"] == 0
    assert principles["3.1"]["average"] is None
    categories = {c["id"]: c for c in result["categories"]}
    assert categories["2"]["average"] == pytest.approx(7 / 4, abs=0.01)      # 1, 2, 4, 0
    assert categories["1"]["average"] == 5
    assert categories["4"]["scored"] == 0
    assert result["overall"] == 2.4                                         # 12 / 5
    gaps = nsm.gaps(session, assessment.id)
    assert [g["measure_id"] for g in gaps] == ["2.6.7", "2.3.1", "2.3.2"]
    assert gaps[0]["gap"] == 5 and gaps[0]["evidence"] == "Ingen MFA"
    assert nsm.category_averages(session, assessment.id)["2"] == pytest.approx(1.75, abs=0.01)


def test_trend_and_comparison_between_two_assessments(session):
    first = _assessment(session, "2025", date(2025, 11, 1))
    nsm.update_scores(session, SECURITY, first.id, [{"measure_id": m, "level": 2, "target": 3}
                                                    for m in nsm.unit_ids(session)])
    second = _assessment(session, "2026", date(2026, 11, 1), copy_from_id=first.id)
    assert {r["level"] for r in nsm.score_rows(session, second.id)} == {2}      # copied from last year
    nsm.update_scores(session, SECURITY, second.id, [{"measure_id": m, "level": 3, "target": 3}
                                                     for m in nsm.unit_ids(session) if m.startswith("3.")])
    assert nsm.previous_assessment_id(session, second.id) == first.id
    compared = {r["id"]: r for r in nsm.comparison(session, second.id)}
    assert compared["3"]["previous"] == 2 and compared["3"]["average"] == 3 and compared["3"]["change"] == 1
    assert compared["3.2"]["change"] == 1
    assert compared["1"]["change"] == 0
    trend = nsm.trend(session)
    assert [(r["assessment"], r["category_id"], r["average"]) for r in trend if r["category_id"] == "3"] == [
        ("2025", "3", 2), ("2026", "3", 3)]
    kpis = nsm.kpis(session, SECURITY)
    assert kpis[2].label == "NSM 3 Oppdage"
    assert kpis[2].value == "3,0 av 5"
    assert kpis[2].delta == "+1,0"


def test_scores_are_all_or_nothing_and_name_the_row(session):
    assessment = _assessment(session)
    with pytest.raises(ValidationFailed) as info:
        nsm.update_scores(session, SECURITY, assessment.id, [
            {"measure_id": "2.3.1", "level": 3},
            {"measure_id": "1.1.1", "level": 3},          # not in the catalogue: 1.1 is scored as a whole
            {"measure_id": "2.3.2", "level": 7},
        ])
    message = info.value.message
    assert "Rad 2" in message and "1.1.1" in message
    assert "Rad 3" in message and "level" in message
    assert all(r["level"] is None for r in nsm.score_rows(session, assessment.id))


def test_final_assessments_are_locked(session):
    assessment = _assessment(session)
    with pytest.raises(BackofficeError) as info:
        nsm.set_status(session, SECURITY, assessment.id, "final")
    assert "33 tiltak er ikke vurdert" in info.value.message
    nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": m, "level": 3}
                                                         for m in nsm.unit_ids(session)])
    nsm.set_status(session, SECURITY, assessment.id, "final")
    with pytest.raises(BackofficeError) as info:
        nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "2.3.1", "level": 1}])
    assert "låst" in info.value.message
    with pytest.raises(BackofficeError):
        nsm.delete_assessment(session, SECURITY, assessment.id)
    nsm.set_status(session, SECURITY, assessment.id, "draft")
    assert nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "2.3.1", "level": 1}]) == 1


def test_only_the_security_officer_writes(session):
    with pytest.raises(PermissionDenied):
        nsm.create_assessment(session, make_actor("leader"), {"title": "X", "assessed_on": date(2026, 1, 1)})
    assessment = _assessment(session)
    with pytest.raises(PermissionDenied):
        nsm.update_scores(session, make_actor("architect"), assessment.id, [{"measure_id": "2.3.1", "level": 5}])
    assert session.query(NsmScore).filter_by(assessment_id=assessment.id, measure_id="2.3.1").one().level is None
    with pytest.raises(PermissionDenied):
        nsm.import_catalogue(session, make_actor("leader"), _catalogue_csv(), "nsm.csv")
    assert session.scalar(select(func.count(NsmCatalogue.id))) == 0


def test_excel_export_has_formulas_and_reads_back(session):
    assessment = _assessment(session)
    nsm.update_scores(session, SECURITY, assessment.id, [
        {"measure_id": "2.6.7", "level": 1, "target": 4, "evidence": "=HYPERLINK(\"x\")"}])
    content = exports.nsm_workbook(session, assessment.id)
    headers, rows = read_sheet(content, "Tiltak")
    assert headers[:7] == ["Tiltak nr.", "Tiltak", "Prinsipp", "Kategori", "Nivå", "Mål", "Gap"]
    row = next(values for _, values in rows if values["Tiltak nr."] == "2.6.7")
    assert row["Tiltak"] == "Bruk multi-faktor autentisering"
    assert row["Nivå"] == 1 and row["Mål"] == 4
    assert row["Dokumentasjon"] == "=HYPERLINK(\"x\")"        # user text kept as text, not run
    sheet = load_workbook(io.BytesIO(content))["Tiltak"]
    assert str(sheet["G2"].value).startswith("=IF(")
    _gap_headers, gap_rows = read_sheet(content, "Gap")
    assert [values["Tiltak nr."] for _, values in gap_rows] == ["2.6.7"]
    parsed = nsm.read_assessment_sheet(content)          # edit in Excel and read back
    assert len(parsed) == 33
    for item in parsed:
        if item["measure_id"] == "1.1":
            item["level"] = 4
    assert nsm.update_scores(session, SECURITY, assessment.id, parsed) == 1
    assert nsm.score_rows(session, assessment.id)[0]["level"] == 4


def test_a_gap_becomes_a_risk_in_the_department_ros(session):
    assessment = _assessment(session)
    nsm.update_scores(session, SECURITY, assessment.id, [
        {"measure_id": "2.6.7", "level": 1, "target": 4, "evidence": "MFA bare for admin"},
        {"measure_id": "1.1", "level": 3, "target": 3}])
    deadline = date.today() + timedelta(days=120)
    risk_id = nsm.gap_to_department_risk(session, SECURITY, assessment.id, "2.6.7",
                                         {"owner": "IT-sjef", "deadline": deadline})
    risk = session.get(Risk, risk_id)
    ros_assessment = session.get(RosAssessment, risk.assessment_id)
    assert ros_assessment.scope == "department"
    assert risk.title == "NSM 2.6.7: Bruk multi-faktor autentisering er under mål"
    assert risk.owner == "IT-sjef" and risk.due_date == deadline
    assert "MFA bare for admin" in risk.vulnerability
    assert nsm.gaps(session, assessment.id)[0]["ros_risk_id"] == risk_id
    with pytest.raises(BackofficeError) as info:
        nsm.gap_to_department_risk(session, SECURITY, assessment.id, "2.6.7", {"owner": "X", "deadline": deadline})
    assert str(risk_id) in info.value.message
    with pytest.raises(BackofficeError) as info:       # at target: no gap to carry
        nsm.gap_to_department_risk(session, SECURITY, assessment.id, "1.1", {"owner": "X", "deadline": deadline})
    assert "ikke under målet" in info.value.message
    nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "3.3", "level": 0, "target": 3}])
    second = nsm.gap_to_department_risk(session, SECURITY, assessment.id, "3.3", {"owner": "X", "deadline": deadline})
    assert session.get(Risk, second).assessment_id == ros_assessment.id     # the same department ROS
    assert session.get(Risk, second).title == "NSM 3.3: Analyser data fra sikkerhetsovervåkning er under mål"
    with pytest.raises(PermissionDenied):
        nsm.gap_to_department_risk(session, make_actor("leader"), assessment.id, "3.3",
                                   {"owner": "X", "deadline": deadline})


# --- importing NSM's own catalogue ---------------------------------------------------------------------------

# A test file shaped like NSM's spreadsheet. The titles are placeholders made for the test, not NSM's text.
CATALOGUE_ROWS = [("2.3.1", "Etabler et sentralt styrt regime for sikkerhetsoppdatering", "2.3"),
                  ("2.3.2", "Testtiltak B", "2.3 Ivareta en sikker konfigurasjon"),
                  ("2.4.1", "Testtiltak C", "2.4"),
                  ("2.4.2", "Testtiltak D", "2.4"),
                  ("2.6.7", "Testtiltak E (annen tittel)", "2.6")]


def _catalogue_csv(rows=CATALOGUE_ROWS, header=("Tiltak nr.", "Tittel", "Prinsipp"), delimiter=";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_catalogue_import_is_all_or_nothing_and_names_row_and_column(session):
    bad = [("2.3.1", "Testtiltak A", "2.3"),
           ("2.3", "Testtiltak B", "2.3"),            # row 3: a principle's number, not a measure's
           ("2.4.1", "Testtiltak C", "2.11"),          # row 4: no such principle
           ("2.5.1", "Testtiltak D", "2.4"),           # row 5: under another principle
           ("2.3.1", "Testtiltak E", "2.3"),           # row 6: twice
           ("2.4.2", "", "2.4")]                       # row 7: no title
    with pytest.raises(ValidationFailed) as info:
        nsm.import_catalogue(session, SECURITY, _catalogue_csv(bad), "nsm.csv", "2.1")
    message = info.value.message
    assert "5 feil" in message and "Ingenting er endret" in message
    assert "Rad 3, felt «Tiltak nr.»: «2.3» er ikke et tiltaksnummer" in message
    assert "Rad 4, felt «Prinsipp»: «2.11» er ikke ett av NSMs 21 prinsipper" in message
    assert "Rad 5, felt «Tiltak nr.»: Tiltak 2.5.1 hører ikke under prinsipp 2.4." in message
    assert "Rad 6, felt «Tiltak nr.»: Tiltak 2.3.1 står også på rad 2." in message
    assert "Rad 7, felt «Tittel»" in message
    assert session.scalar(select(func.count(NsmCatalogue.id))) == 0
    assert session.scalar(select(func.count(NsmCatalogueMeasure.id))) == 0
    with pytest.raises(ValidationFailed) as info:
        nsm.import_catalogue(session, SECURITY, _catalogue_csv(header=("Tiltak nr.", "Tittel", "Kapittel")), "x.csv")
    assert "Rad 1, felt «principle»: Mangler kolonnen" in info.value.message
    assert nsm.catalogue_summary(session)["id"] is None


def test_an_imported_catalogue_replaces_the_reference_and_records_its_version(session):
    result = nsm.import_catalogue(session, SECURITY, _catalogue_csv(), "/tmp/NSM tiltak.csv", "2.1 (2024)")
    assert result["measures"] == 5 and result["orphans"] == 0
    assert "2.3" not in result["principles_without_measures"] and "2.5" in result["principles_without_measures"]
    catalogue = session.get(NsmCatalogue, result["id"])
    assert (catalogue.version_label, catalogue.imported_by, catalogue.measure_count) == ("2.1 (2024)", "siri", 5)
    assert catalogue.source.startswith("NSM tiltak.csv (SHA-256 ") and catalogue.imported_at is not None
    summary = nsm.catalogue_summary(session)
    assert summary["label"] == "2.1 (2024)" and summary["measures"] == 5
    ids = nsm.unit_ids(session)
    assert ids[:8] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3.1", "2.3.2", "2.4.1"]
    assert "2.3.3" not in ids and "2.5" in ids and "2.5.1" not in ids and len(ids) == 5 + 18   # 2.3, 2.4 and 2.6 by measures
    assessment = _assessment(session)
    assert nsm.score_rows(session, assessment.id)[6]["measure"] == "Testtiltak B"
    assert nsm.assessment_rows(session)[0]["catalogue"] == "2.1 (2024)"


def test_an_xlsx_catalogue_imports_too(session):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ID", "Title", "Principle"])
    sheet.append(["2.3.1", "Testtiltak A", 2.3])      # a principle typed as a number in Excel
    sheet.append(["3.1.1", "Testtiltak B", "3.1"])
    sheet.append(["2.10.1", "Testtiltak C", 2.10])    # Excel keeps 2.10 as the number 2.1
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = nsm.import_catalogue(session, SECURITY, buffer.getvalue(), "nsm.xlsx")
    assert result["measures"] == 3 and result["label"].startswith("Importert ")
    assert [(m["id"], m["principle"]) for m in nsm.catalogue_measure_rows(session)] == [
        ("2.3.1", "2.3 Ivareta en sikker konfigurasjon"),
        ("2.10.1", "2.10 Integrer sikkerhet i prosess for endringshåndtering"),
        ("3.1.1", "3.1 Oppdag og fjern kjente sårbarheter og trusler")]


def test_scores_outside_the_new_catalogue_are_kept_marked_and_reported(session):
    assessment = _assessment(session)
    nsm.update_scores(session, SECURITY, assessment.id, [
        {"measure_id": "2.3.1", "level": 2, "target": 3},      # same id and title in the new catalogue
        {"measure_id": "2.4", "level": 4, "target": 3},        # 2.4 now has measures
        {"measure_id": "2.6.7", "level": 1, "target": 4},      # the new catalogue has another title for 2.6.7
        {"measure_id": "2.3.5", "level": 3, "target": 3}])     # not in the new catalogue
    result = nsm.import_catalogue(session, SECURITY, _catalogue_csv(), "nsm.csv", "2.1")
    assert result["orphans"] == 3
    orphans = {r["measure_id"]: r for r in nsm.orphan_rows(session, assessment.id)}
    assert {k: v["reason"] for k, v in orphans.items()} == {
        "2.3.5": "unknown_id", "2.4": "principle_has_measures", "2.6.7": "title_changed"}
    assert orphans["2.6.7"]["title"] == "Bruk multi-faktor autentisering"
    assert orphans["2.6.7"]["catalogue_title"] == "Testtiltak E (annen tittel)"
    assert orphans["2.4"]["level"] == 4 and orphans["2.4"]["reason_text"] == "Prinsippet vurderes nå per tiltak"
    # kept as they were, not counted, not re-mapped
    kept = {s.measure_id: s for s in session.scalars(select(NsmScore).where(NsmScore.assessment_id == assessment.id))}
    assert kept["2.4"].level == 4 and kept["2.4"].outside_catalogue is True
    assert kept["2.3.1"].outside_catalogue is False
    rows = {r["measure_id"]: r for r in nsm.score_rows(session, assessment.id)}
    assert rows["2.3.1"]["level"] == 2 and rows["2.6.7"]["level"] is None and rows["2.4.1"]["level"] is None
    assert nsm.results(session, assessment.id)["overall"] == 2
    listed = nsm.assessment_rows(session)[0]
    assert listed["outside"] == 3 and listed["scored"] == 1
    with pytest.raises(ValidationFailed) as info:             # the kept score is not overwritten
        nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "2.6.7", "level": 3}])
    assert "allerede vurdert mot en annen tittel" in info.value.message
    assert kept["2.6.7"].level == 1


def test_scores_from_the_old_118_measures_are_reported_as_such(session):
    assessment = _assessment(session)
    score = session.scalar(select(NsmScore).where(NsmScore.assessment_id == assessment.id,
                                                  NsmScore.measure_id == "2.3.1"))
    score.title, score.level = "", 3          # as migration 0560 leaves a score made against the old list
    assert nsm.mark_scores(session) == 1
    [orphan] = nsm.orphan_rows(session)
    assert orphan["measure_id"] == "2.3.1" and orphan["reason"] == "legacy"
    assert "118 tiltak skrevet etter hukommelsen" in orphan["reason_text"]
    assert nsm.results(session, assessment.id)["overall"] is None


def test_the_command_line_imports_reports_and_refuses(db_url, tmp_path, capsys):
    with db.session_scope(actor=SECURITY) as session:
        assessment = _assessment(session)
        nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "2.4", "level": 4, "target": 3}])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_catalogue_csv([("2.3.1", "Testtiltak A", "2.3"), ("9.1.1", "Testtiltak B", "2.3")]))
    assert main(["risk", "nsm", "import", str(bad)]) == 1
    assert "Rad 3, felt «Tiltak nr.»: «9.1.1» er ikke et tiltaksnummer" in capsys.readouterr().err
    good = tmp_path / "nsm-2.1.csv"
    good.write_bytes(_catalogue_csv())
    assert main(["risk", "nsm", "import", str(good), "--version", "2.1 (2024)"]) == 0
    out = capsys.readouterr().out
    assert "Lastet inn «2.1 (2024)»: 5 tiltak. 1 vurderinger utenfor katalogen." in out
    assert "Prinsipper uten tiltak (vurderes som helhet): 1.1, 1.2" in out
    assert main(["risk", "nsm", "catalogue"]) == 0
    out = capsys.readouterr().out
    assert "Lastet katalog: 2.1 (2024)" in out and "nsm-2.1.csv (SHA-256" in out
    assert main(["risk", "nsm", "orphans"]) == 0
    out = capsys.readouterr().out
    assert "1 vurderinger utenfor katalogen" in out
    assert "2.4" in out and "Prinsippet vurderes nå per tiltak" in out and "«Beskytt virksomhetens nettverk»" in out
    assert main(["risk", "nsm", "list"]) == 0
    assert "(1 utenfor katalogen)" in capsys.readouterr().out


@pytest.mark.both_databases
def test_migration_0560_keeps_old_scores_marked_and_drops_empty_rows(db_url, tmp_path):
    """Scores made against the 118 measures written from memory survive the upgrade, marked, on both databases."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'nsm-0560.sqlite'}"
    else:
        name = f"nsm_0560_{os.getpid()}"
        admin = create_engine(db_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        url = db_url.rsplit("/", 1)[0] + f"/{name}"
    engine = db.make_engine(url)
    command.upgrade(schema.alembic_config(url), "0550")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO nsm_assessment (id, title, assessed_on, scope, status, default_target, notes, created_by, "
            "created_at, version) VALUES (1, 'Gammel', '2025-01-01', '', 'final', 3, '', 'x', "
            "'2025-01-01 00:00:00+00:00', 1)"))
        connection.execute(text(
            "INSERT INTO nsm_score (assessment_id, measure_id, level, target, evidence, comment, version) VALUES "
            "(1, '2.6.1', 2, 3, '', '', 1), (1, '1.1.1', NULL, 3, '', '', 1), (1, '2.3.1', NULL, 3, 'Rutine', '', 1)"))
    schema.upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT measure_id, level, title, outside_catalogue FROM nsm_score "
                                       "ORDER BY measure_id")).all()
        label = connection.execute(text("SELECT catalogue_label FROM nsm_assessment")).scalar()
    engine.dispose()
    assert [(r[0], r[1], r[2], bool(r[3])) for r in rows] == [("2.3.1", None, "", True), ("2.6.1", 2, "", True)]
    assert label == "118 tiltak skrevet etter hukommelsen"
