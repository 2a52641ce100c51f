"""Open demand to and from Excel: the template round trip, all-or-nothing checks, dry run, permission,
the CLI commands and the upload preview on the staffing page."""
import io
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from admin import cli
from data import db
from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from portfolio import exports, staffing
from portfolio.models import Demand, DeptRole
from tests.pages import errors_of, render
from tests.portfolio.helpers import LEAD, LEADER, need, project


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def case(db_url):
    """Two projects: «Ny innsynsløsning» Jan–Jun 2030 (developer 1,5 Jan–Mar, tester 0,5 Mar) and
    «Fiks arkiv 2.0» Mar–Dec 2030 (designer 0,25 Mar–Apr)."""
    with db.session_scope(actor=LEAD) as session:
        staffing.ensure_standard_roles(session, LEAD)
        a = project(session, "Ny innsynsløsning", date(2030, 1, 1), date(2030, 6, 30))
        b = project(session, "Fiks arkiv 2.0", date(2030, 3, 1), date(2030, 12, 31))
        need(session, a.id, "developer", "1,5", date(2030, 1, 1), date(2030, 3, 1))
        need(session, a.id, "tester", "0,5", date(2030, 3, 1), date(2030, 3, 1))
        need(session, b.id, "designer", "0.25", date(2030, 3, 1), date(2030, 4, 1))
        ids = dict(a=a.id, b=b.id)
    return ids


def _demand() -> dict[tuple[str, str, str], int]:
    from portfolio.models import Project

    with db.session_scope() as session:
        rows = session.execute(select(Project.name, DeptRole.code, Demand.month, Demand.fte_pct)
                               .join(Project, Project.id == Demand.project_id)
                               .join(DeptRole, DeptRole.id == Demand.role_id))
        return {(name, code, f"{month:%Y-%m}"): pct for name, code, month, pct in rows}


def _import(content: bytes, actor=LEAD, dry_run=False) -> dict:
    with db.session_scope(actor=actor) as session:
        return staffing.import_demand(session, actor, content, dry_run=dry_run)


def _export() -> bytes:
    with db.session_scope() as session:
        return exports.demand_workbook(session)


def test_export_is_the_import_layout_and_the_round_trip_changes_nothing(case):
    content = _export()
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Behov", "Veiledning"]
    sheet = workbook["Behov"]
    headers = [c.value for c in sheet[1]]
    # the months span both projects' periods: Jan–Dec 2030
    assert headers == ["Prosjekt", "Rolle"] + [f"2030-{m:02d}" for m in range(1, 13)]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:5] == ["Ny innsynsløsning", "Utvikler", D("1.50"), D("1.50"), D("1.50")]
    assert rows[0][5:] == [None] * 9
    assert rows[1][:2] == ["Ny innsynsløsning", "Tester"] and rows[1][4] == D("0.50")
    assert rows[2][:2] == ["Fiks arkiv 2.0", "Designer"] and rows[2][4:6] == [D("0.25"), D("0.25")]
    assert sheet["C2"].number_format == "#,##0.00" and sheet.freeze_panes == "C2"
    guide = {r[0].value: r[1].value for r in workbook["Veiledning"].iter_rows(min_row=2)}
    assert guide["Prosjekt: Fiks arkiv 2.0"] == "2030-03 til 2030-12"

    before = _demand()
    assert len(before) == 6
    counts = _import(content)
    assert counts == dict(added=0, changed=0, unchanged=6, removed=0, rows=3, dry_run=False)
    assert _demand() == before

    # edit the template as a manager would: change a month, blank one, add a row for a new role
    sheet["D2"] = 2            # developer Feb 2030: 1,50 -> 2,00
    sheet["E2"] = None         # developer Mar 2030: removed
    sheet.append(["Fiks arkiv 2.0", "product_owner", None, None, "0,2", 0.2, 0.2])
    counts = _import(_workbook_bytes(workbook))
    assert counts == dict(added=3, changed=1, unchanged=4, removed=1, rows=4, dry_run=False)
    after = _demand()
    assert after[("Ny innsynsløsning", "developer", "2030-02")] == 200
    assert ("Ny innsynsløsning", "developer", "2030-03") not in after
    assert [after[("Fiks arkiv 2.0", "product_owner", f"2030-{m:02d}")] for m in (3, 4, 5)] == [20, 20, 20]
    with db.session_scope() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "pf_demand", AuditEntry.actor == "pia", AuditEntry.action == "insert"))
        assert audited >= 3
    # the same file again changes nothing
    assert _import(_workbook_bytes(workbook))["unchanged"] == 8


def test_three_bad_rows_are_all_named_and_nothing_is_written(case):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Behov"
    sheet.append(["Prosjekt", "Rolle", "2030-03", "2030-04"])
    sheet.append(["Ny innsynsløsning", "Utvikler", 3, 3])          # fine on its own
    sheet.append(["Finnes ikke", "Utvikler", 1, 1])                # row 3: unknown project
    sheet.append(["Fiks arkiv 2.0", "Trollmann", 1, None])         # row 4: unknown role
    sheet.append(["Fiks arkiv 2.0", "Designer", -1, "mye"])        # row 5: negative and not a number
    sheet.append(["Ny innsynsløsning", "developer", 1, 1])         # row 6: same as row 2 (role by code)
    before = _demand()
    with pytest.raises(ValidationFailed) as caught:
        _import(_workbook_bytes(workbook))
    found = [(e.row, e.field) for e in caught.value.errors]
    assert found == [(3, "Behov / Prosjekt"), (4, "Behov / Rolle"), (5, "Behov / 2030-03"),
                     (5, "Behov / 2030-04"), (6, "Behov / Prosjekt, Rolle")]
    messages = [e.message for e in caught.value.errors]
    assert messages[0] == "Fant ikke prosjektet «Finnes ikke». Skriv navnet slik det står på prosjekttavlen."
    assert messages[1] == "Fant ikke rollen «Trollmann». Se arket Veiledning for gyldige roller."
    assert messages[2] == "Behovet kan ikke være negativt (-1)."
    assert messages[3].startswith("«mye» er ikke et antall årsverk.")
    assert messages[4] == "Samme rad finnes også på rad 2."
    assert "- Rad 3, felt «Behov / Prosjekt»: Fant ikke prosjektet «Finnes ikke»." in caught.value.message
    assert _demand() == before


def test_bad_month_headings_and_months_outside_the_project(case):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Project", "Role", "mars 2030", "2030-07", "07.2030"])   # English headings are accepted
    sheet.append(["Ny innsynsløsning", "Developer", 1, 1, None])
    with pytest.raises(ValidationFailed) as caught:
        _import(_workbook_bytes(workbook))
    assert [(e.row, e.field) for e in caught.value.errors] == [(1, "Sheet / mars 2030"), (1, "Sheet / 07.2030")]
    assert caught.value.errors[1].message == "Samme kolonne finnes også som «2030-07»."
    sheet.delete_cols(3)
    sheet.delete_cols(4)
    with pytest.raises(ValidationFailed) as caught:
        _import(_workbook_bytes(workbook))
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "Sheet / 2030-07")]
    assert caught.value.errors[0].message.startswith("2030-07 er utenfor prosjektperioden til «Ny innsynsløsning»")


def test_dry_run_counts_but_writes_nothing(case):
    workbook = load_workbook(io.BytesIO(_export()))
    workbook["Behov"]["C2"] = "1,75"
    content = _workbook_bytes(workbook)
    before = _demand()
    counts = _import(content, dry_run=True)
    assert counts == dict(added=0, changed=1, unchanged=5, removed=0, rows=3, dry_run=True)
    assert _demand() == before
    assert _import(content)["changed"] == 1
    assert _demand()[("Ny innsynsløsning", "developer", "2030-01")] == 175


def test_a_leader_may_not_import_demand(case):
    with pytest.raises(PermissionDenied):
        _import(_export(), actor=LEADER)
    with pytest.raises(PermissionDenied):     # refused before the file is even read
        _import(b"not a workbook", actor=LEADER)


def test_not_a_workbook_is_a_plain_error(case):
    with pytest.raises(BackofficeError) as caught:
        _import(b"hello")
    assert "ikke et Excel-ark" in caught.value.message


def test_cli_exports_and_imports_demand(case, tmp_path, capsys):
    target = tmp_path / "behov.xlsx"
    assert cli.main(["portfolio", "demand-export", str(target), "--from", "2030-03", "--to", "2030-04"]) == 0
    assert "Behovet er skrevet til" in capsys.readouterr().out
    workbook = load_workbook(target)
    assert [c.value for c in workbook["Behov"][1]] == ["Prosjekt", "Rolle", "2030-03", "2030-04"]
    workbook["Behov"]["C3"] = 1                       # tester Mar 2030: 0,50 -> 1,00
    workbook.save(target)
    before = _demand()
    assert cli.main(["portfolio", "demand-import", str(target), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "3 rader; måneder med behov: 0 nye, 1 endret, 3 uendret, 0 fjernet." in out
    assert "Prøvekjøring: ingenting er lagret." in out
    assert _demand() == before
    assert cli.main(["portfolio", "demand-import", str(target)]) == 0
    assert _demand()[("Ny innsynsløsning", "tester", "2030-03")] == 100
    workbook["Behov"]["A2"] = "Finnes ikke"
    workbook.save(target)
    assert cli.main(["portfolio", "demand-import", str(target)]) == 1
    err = capsys.readouterr().err
    assert "Rad 2, felt «Behov / Prosjekt»: Fant ikke prosjektet «Finnes ikke»" in err
    assert cli.main(["portfolio", "demand-import", str(tmp_path / "mangler.xlsx")]) == 1


def test_staffing_page_previews_an_upload_and_imports_after_confirmation(case):
    workbook = load_workbook(io.BytesIO(_export()))
    workbook["Behov"]["C2"] = 2
    content = _workbook_bytes(workbook)
    app = render("portfolio/pages/staffing.py", LEAD)
    assert errors_of(app) == []
    app.file_uploader(key="pf-demand-upload").set_value(("behov.xlsx", content, "application/octet-stream"))
    app.run()
    assert errors_of(app) == []
    assert any("Filen er kontrollert" in s.value for s in app.success)
    assert _demand()[("Ny innsynsløsning", "developer", "2030-01")] == 150      # only checked so far
    box = next(c for c in app.checkbox if c.label.startswith("Jeg har sett gjennom endringene"))
    box.check()
    app.run()
    next(b for b in app.button if b.label == "Importer behov").click()
    app.run()
    assert errors_of(app) == []
    assert any(s.value == "Behovet er importert." for s in app.success)
    assert _demand()[("Ny innsynsløsning", "developer", "2030-01")] == 200

    bad = load_workbook(io.BytesIO(content))
    bad["Behov"]["D3"] = -2
    app = render("portfolio/pages/staffing.py", LEAD)
    app.file_uploader(key="pf-demand-upload").set_value(("behov.xlsx", _workbook_bytes(bad), "application/octet-stream"))
    app.run()
    assert [e.value for e in app.error] == ["1 feil funnet. Ingenting er lagret. Rett feilene og prøv igjen."]
    table = app.dataframe[-1].value
    assert list(table["row"]) == [3] and list(table["where"]) == ["Behov / 2030-02"]
    assert not [b for b in app.button if b.label == "Importer behov"]
