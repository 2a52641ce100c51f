"""Population per organisation and year from Statistics Norway's table export (issue 18, item 3)."""
from __future__ import annotations

import codecs
from datetime import date

import pytest
from sqlalchemy import func, select

from admin import cli
from data.audit import AuditEntry
from data.errors import PermissionDenied, ValidationFailed
from data.registers import population
from data.registers.models import Organisation, OrganisationPopulation
from tests.conftest import make_actor

ADMIN = make_actor("admin", username="anne-admin")

# What StatBank's "Last ned som CSV (semikolonseparert med overskrift)" gives for table 07459, two years,
# the region column as "number name" (two of them namesakes), the whole country first.
WIDE = ('"07459: Befolkning, etter region, statistikkvariabel og år"\r\n'
        '\r\n'
        '"region";"Personer 2024";"Personer 2025"\r\n'
        '"0 Hele landet";5550203;5594340\r\n'
        '"1515 Herøy (M.R.)";8968;8950\r\n'
        '"1818 Herøy (Nordland)";1842;1830\r\n'
        '"K-3114 Våler (Østf.)";6145;6160\r\n'
        '"3419 Våler (Innlandet)";3615;3602\r\n'
        '"F-15 Møre og Romsdal";270624;271200\r\n')


def _org(session, number: str) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.municipality_number == number,
                                                     Organisation.kind == "municipality"))


def _county(session, number: str) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.county_number == number,
                                                     Organisation.kind == "county_municipality"))


def _rows(session) -> int:
    return session.scalar(select(func.count()).select_from(OrganisationPopulation))


def test_wide_export_in_latin_1_imports_every_year_per_organisation(session):
    content = WIDE.encode("iso-8859-1")
    counts = population.import_ssb_population(session, ADMIN, content)
    assert counts == {"created": 10, "updated": 0, "unchanged": 0, "organisations": 5, "years": 2}
    heroy_mr, heroy_n, valer_o, valer_i = (_org(session, n) for n in ("1515", "1818", "3114", "3419"))
    more = _county(session, "15")
    ids = [heroy_mr.id, heroy_n.id, valer_o.id, valer_i.id, more.id]
    assert population.population_by_year(session, ids, 2024) == {
        heroy_mr.id: 8968, heroy_n.id: 1842, valer_o.id: 6145, valer_i.id: 3615, more.id: 270624}
    assert population.population_by_year(session, ids, 2025) == {
        heroy_mr.id: 8950, heroy_n.id: 1830, valer_o.id: 6160, valer_i.id: 3602, more.id: 271200}
    row = session.scalar(select(OrganisationPopulation).where(OrganisationPopulation.organisation_id == heroy_n.id,
                                                              OrganisationPopulation.year == 2025))
    assert (row.source, row.imported_by) == ("SSB 07459", "anne-admin")
    # the organisation's own figure moves forward to the latest year
    assert (heroy_n.population, heroy_n.population_year) == (1830, 2025)


def test_utf8_with_bom_long_layout_and_year_filter(session):
    content = codecs.BOM_UTF8 + (
        '"06913: Befolkning og endringar, etter region, statistikkvariabel og år"\n'
        '"region";"statistikkvariabel";"år";"Personer"\n'
        '"0301 Oslo";"Folkemengde 1. januar";"2024";"717710"\n'
        '"0301 Oslo";"Folkemengde 1. januar";"2025";"724290"\n'
        '"4601 Bergen";"Folkemengde 1. januar";"2025";"291\u00a0940"\n').encode("utf-8")
    counts = population.import_ssb_population(session, ADMIN, content, year=2025)
    assert counts["created"] == 2 and counts["years"] == 1
    oslo, bergen = _org(session, "0301"), _org(session, "4601")
    assert population.population_by_year(session, [oslo.id, bergen.id], 2025) == {oslo.id: 724290,
                                                                                   bergen.id: 291940}
    assert session.scalar(select(OrganisationPopulation.source).limit(1)) == "SSB 06913"


def test_reimport_updates_changed_figures_only_and_is_audited(session):
    session.info["actor"] = ADMIN   # the audit hook records the session's actor, as pages and the CLI set it
    population.import_ssb_population(session, ADMIN, WIDE)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    changed = WIDE.replace("1818 Herøy (Nordland)\";1842;1830", "1818 Herøy (Nordland)\";1842;1831")
    counts = population.import_ssb_population(session, ADMIN, changed)
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 1, 9)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.seq > before,
                                                       AuditEntry.table_name == "organisation_population")).all()
    assert [(e.action, e.actor) for e in entries] == [("update", "anne-admin")]


def test_every_error_by_row_and_column_and_nothing_written(session):
    content = ('"region";"Personer 2024";"Personer 2025"\n'
               '"1515 Herøy";8968;8950\n'                  # row 2: fine
               '"9999 Atlantis";100;100\n'                  # row 3: no such municipality
               '"1818 Herøy";"mange";1830\n'                # row 4: not a number
               '"Herøy";1842;1830\n'                        # row 5: no number
               '"1515 Herøy (igjen)";8968;8950\n'           # row 6: same organisation and years as row 2
               '"F-99 Ingen";1;1\n')                        # row 7: no such county
    with pytest.raises(ValidationFailed) as error:
        population.import_ssb_population(session, ADMIN, content)
    found = {(e.row, e.field): e.message for e in error.value.errors}
    assert found == {
        (4, "Personer 2024"): "«mange» er ikke et innbyggertall.",
        (5, "region"): "«Herøy» er ikke en region fra SSB (ventet kommunenummer og navn, for eksempel «3114 Våler»).",
    }
    # the file's own errors first; then the register's, all at once
    content = content.replace('"mange"', "1842").replace('"Herøy";1842;1830\n', "")
    with pytest.raises(ValidationFailed) as error:
        population.import_ssb_population(session, ADMIN, content)
    found = {(e.row, e.field): e.message for e in error.value.errors}
    assert found == {
        (3, "region"): "Kommunenummer 9999 («9999 Atlantis») finnes ikke i virksomhetsregisteret.",
        (5, "Personer 2024"): "Samme rad finnes også på rad 2.",
        (5, "Personer 2025"): "Samme rad finnes også på rad 2.",
        (6, "region"): "Ingen fylkeskommune med fylkesnummer 99 («F-99 Ingen») i virksomhetsregisteret.",
    }
    assert _rows(session) == 0
    assert "Rad 3, felt «region»" in error.value.message


def test_a_file_without_a_year_needs_one_and_missing_symbols_are_skipped(session):
    content = '"region";"Personer"\n"0301 Oslo";717710\n"5001 Trondheim";..\n'
    with pytest.raises(ValidationFailed) as error:
        population.import_ssb_population(session, ADMIN, content)
    assert error.value.errors[0].message.startswith("Filen oppgir ikke hvilket år tallene gjelder")
    counts = population.import_ssb_population(session, ADMIN, content, year=2024)
    assert counts["created"] == 1
    with pytest.raises(ValidationFailed) as error:
        population.import_ssb_population(session, ADMIN, WIDE, year=2030)
    assert error.value.errors[0].message == "Filen har ingen tall for 2030."


def test_population_by_year_falls_back_to_the_register_figure_of_that_year_only(session):
    oslo = _org(session, "0301")
    assert oslo.population_year == 2024
    assert population.population_by_year(session, [oslo.id], 2024) == {oslo.id: oslo.population}
    assert population.population_by_year(session, [oslo.id], 2023) == {}
    assert population.population_by_year(session, [], 2024) == {}
    history = population.population_history(session, oslo.id)
    assert [(h["year"], h["population"], h["source"]) for h in history] == [
        (2024, oslo.population, "Virksomhetsregisteret")]


def test_only_the_administrator_imports(session):
    with pytest.raises(PermissionDenied):
        population.import_ssb_population(session, make_actor("finance"), WIDE)
    assert _rows(session) == 0


def test_demo_has_two_years_marked_for_every_organisation_with_a_figure(demo_session):
    heroy = _org(demo_session, "1818")
    history = population.population_history(demo_session, heroy.id)
    assert [(h["year"], h["population"]) for h in history] == [(2025, heroy.population), (2024, heroy.population)]
    assert history[0]["source"] == "Demo: 2024-tallet gjentatt, ikke SSBs tall"
    assert history[1]["source"] == "SSB 07459 (referansedata)"


def test_cli_imports_and_reports(db_url, tmp_path, capsys):
    path = tmp_path / "07459.csv"
    path.write_bytes(WIDE.encode("cp1252"))
    assert cli.main(["orgs", "population", "import", str(path), "--year", "2025"]) == 0
    assert "Innbyggertall importert for 5 virksomheter og 1 år: 5 nye, 0 endret, 0 uendret." in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text('"region";"Personer 2025"\n"9999 Atlantis";1\n', encoding="utf-8")
    assert cli.main(["orgs", "population", "import", str(bad)]) == 1
    assert "Kommunenummer 9999" in capsys.readouterr().err


def test_history_keeps_a_merged_municipality_on_its_own_id(session):
    """A figure for a year before a merger finds the organisation that existed then (not the successor)."""
    old = Organisation(name="Våler", kind="municipality", municipality_number="3018", county_number=None,
                       valid_from=None, valid_to=date(2023, 12, 31))
    session.add(old)
    session.flush()
    population.import_ssb_population(session, ADMIN, '"region";"Personer 2023"\n"3018 Våler (Østfold)";5950\n')
    assert population.population_by_year(session, [old.id], 2023) == {old.id: 5950}
