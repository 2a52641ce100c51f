"""The sub-processor list for the municipalities (Excel, Markdown, HTML), the register workbook, the commands,
the demo data and the page (issue 23, item 2)."""
from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from admin.cli import main
from agreements import processing
from data import db
from risk.models import Risk, RosAssessment
from risk.suppliers import assurance, exports, register
from risk.suppliers.demo import OPERATIONS
from risk.suppliers.models import Finding, ReminderSettings
from tests.conftest import make_actor
from tests.pages import errors_of, render

SECURITY = make_actor("security", username="siri")
PAGE = "risk/suppliers/pages/suppliers.py"


def _two(session):
    register.save_supplier(session, SECURITY, {
        "name": "Drift | Norge AS", "org_number": "974760673", "country": "NO", "data_location": "Norge",
        "delivers": "Plattform <drift>", "processes_personal_data": True, "services": ["svarut", "minside"],
        "components": ["dokumentlager"]}, on_date=date(2021, 5, 3))
    register.save_supplier(session, SECURITY, {
        "name": "=HYPERLINK(\"http://x\")", "country": "SE", "data_location": "EU/EØS",
        "processes_personal_data": True, "services": ["minside"]}, on_date=date(2024, 1, 2))
    register.save_supplier(session, SECURITY, {"name": "Konsulent AS", "org_number": "923609016",
                                               "processes_personal_data": False, "services": ["svarut"]})


def test_the_sub_processor_workbook_has_one_row_per_service_and_sub_processor(session):
    _two(session)
    sheet = load_workbook(io.BytesIO(exports.subprocessors_workbook(session))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Tjeneste", "Leverandør", "Organisasjonsnummer", "Land", "Hvor dataene lagres", "Leverer",
                       "Komponenter", "Underleverandør siden"]
    assert [r[:4] for r in rows[1:]] == [["MinSide", "'=HYPERLINK(\"http://x\")", None, "SE"],
                                        ["MinSide", "Drift | Norge AS", "974760673", "NO"],
                                        ["SvarUt", "Drift | Norge AS", "974760673", "NO"]]
    assert rows[3][6] == "Dokumentlager" and rows[3][7].date() == date(2021, 5, 3)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H4"
    only = load_workbook(io.BytesIO(exports.subprocessors_workbook(session, "svarut"))).active
    assert only.max_row == 2                 # the consultant processes no personal data: not a sub-processor


def test_the_printable_lists_escape_what_users_wrote(session):
    _two(session)
    markdown = exports.subprocessors_markdown(session, "svarut", on_date=date(2026, 3, 1))
    assert markdown.splitlines()[:3] == ["# Underdatabehandlere for tjenestene på Fiks-plattformen", "",
                                         "Oversikt per 01.03.2026. KS er databehandler for kommunene og "
                                         "fylkeskommunene, som er behandlingsansvarlige."]
    assert "## SvarUt" in markdown and "## MinSide" not in markdown
    assert "| Drift \\| Norge AS | 974760673 | NO | Norge | Plattform <drift> | Dokumentlager | 03.05.2021 |" in markdown
    page = exports.subprocessors_html(session)
    assert "<h2>MinSide</h2>" in page and "<h2>SvarUt</h2>" in page
    assert "Plattform &lt;drift&gt;" in page and "<drift>" not in page


def test_the_register_workbook_has_a_sheet_for_each_part(session):
    _two(session)
    book = load_workbook(io.BytesIO(exports.register_workbook(session)))
    assert book.sheetnames == ["Leverandører", "Sertifikater", "Revisjonsrapporter", "Funn", "Påminnelser"]
    reminders = [[c.value for c in row] for row in book["Påminnelser"].iter_rows(min_row=2)]
    assert sorted(r[1] for r in reminders) == ["'=HYPERLINK(\"http://x\")", "Drift | Norge AS"]
    assert {r[0] for r in reminders} == {"Mangler sertifikat og rapport"}


def test_commands_export_list_and_remind(db_url, tmp_path, capsys):
    with db.session_scope() as session:
        _two(session)
    target = tmp_path / "underleverandorer.xlsx"
    assert main(["risk", "suppliers", "export", str(target), "--service", "minside"]) == 0
    assert load_workbook(target).active.max_row == 3
    page = tmp_path / "liste.html"
    assert main(["risk", "suppliers", "export", str(page)]) == 0
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert main(["risk", "suppliers", "export", str(tmp_path / "liste.pdf")]) == 1
    assert "må slutte på .xlsx, .md eller .html" in capsys.readouterr().err
    assert main(["risk", "suppliers", "list", "--subprocessors", "--service", "svarut"]) == 0
    out = capsys.readouterr().out
    assert "Drift | Norge AS" in out and "Konsulent AS" not in out and "1 rader." in out
    assert main(["risk", "suppliers", "reminders", "--strict"]) == 1
    assert "2 påminnelser." in capsys.readouterr().out


def test_the_demo_has_what_the_brief_asks_for(demo_session):
    rows = assurance.reminders(demo_session)
    kinds = {(r["kind"], r["supplier"]) for r in rows}
    assert ("certificate_expiring", OPERATIONS) in kinds
    assert ("report_overdue", OPERATIONS) in kinds
    finding = demo_session.scalar(select(Finding).where(Finding.ros_risk_id.is_not(None)))
    risk = demo_session.get(Risk, finding.ros_risk_id)
    assessment = demo_session.get(RosAssessment, risk.assessment_id)
    assert (finding.ros_service_code, assessment.service_code, assessment.status) == ("minside", "minside", "draft")
    versions = processing.version_rows(demo_session, "svarut")
    assert [v["label"] for v in versions] == ["2.0", "1.0"]
    adopters = len({r["organisation_id"] for r in processing.appendix_rows(demo_session, "svarut")})
    waiting = len(processing.must_sign(demo_session, "svarut"))
    assert 0 < waiting < adopters
    assert versions[1]["signed"] >= adopters
    assert [r["name"] for r in register.subprocessors(demo_session, "minside")] == [
        OPERATIONS, "Varslingstjeneste for e-post og SMS (demo)"]


def test_the_page_renders_for_reading_roles_and_security_changes_the_settings(demo_url):
    for role in ("leader", "product_owner", "support"):
        app = render(PAGE, make_actor(role, owned=("svarut",)))
        assert not errors_of(app), errors_of(app)
        assert app.title[0].value == "Leverandører og underleverandører"
        assert len(app.tabs) == 4                     # no settings tab without the right to change them
    app = render(PAGE, make_actor("security", username="sikkerhet"))
    assert not errors_of(app), errors_of(app)
    assert len(app.tabs) == 5
    warn = next(n for n in app.number_input if n.label.startswith("Varsle om sertifikater"))
    warn.set_value(120)
    next(b for b in app.button if b.label == "Lagre" and b.form_id.startswith("sup-settings")).click()
    app.run()
    assert not errors_of(app), errors_of(app)
    with db.session_scope() as session:
        stored = session.scalar(select(ReminderSettings))
        assert (stored.certificate_warning_days, stored.report_grace_days) == (120, 90)


def test_the_page_says_what_to_do_first_on_an_empty_database(db_url):
    app = render(PAGE, make_actor("security"))
    assert not errors_of(app), errors_of(app)
    assert any("Ingen leverandører er registrert" in i.value for i in app.info)
    assert any("Ingen påminnelser" in s.value for s in app.success)


def test_a_certificate_expiring_tomorrow_is_listed_first_for_the_security_officer(session):
    _two(session)
    drift = register.supplier_rows(session, search="Drift")[0]
    assurance.save_certificate(session, SECURITY, drift["id"], {"expires_on": date.today() + timedelta(days=1)})
    first = assurance.reminders(session)[0]
    assert (first["kind"], first["supplier"], first["days_left"]) == ("certificate_expiring", "Drift | Norge AS", 1)
