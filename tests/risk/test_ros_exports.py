"""The municipality template and the register exports, opened with openpyxl; the CLI commands."""
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from admin import cli
from data.db import session_scope
from risk import dpia as dpias
from risk import exports, measures, ros
from tests.conftest import make_actor
from tests.risk.ros_helpers import new_ros, risk, stage

SECURITY = make_actor("security")


def build(session):
    assessment = new_ros(session, SECURITY)
    first = risk(session, SECURITY, assessment.id, "Brev til feil mottaker",
                 inherent=stage(4, confidentiality=4), residual=stage(2, confidentiality=4),
                 municipality_action="Kontroller mottaker i fagsystemet")
    risk(session, SECURITY, assessment.id, "=HYPERLINK(\"x\")", inherent=stage(1, availability=2))
    measures.add_measure(session, SECURITY, assessment.id, {
        "title": "Mottakerkontroll", "owner": "Kari", "status": "in_progress", "cost_ore": 1_250_050,
        "due_date": date.today() - timedelta(days=3), "risk_keys": [first.key]})
    ros.set_status(session, SECURITY, assessment.id, "approved")
    item = dpias.create_dpia(session, SECURITY, {
        "service_code": "svarut", "processing": "Utsendelse av brev", "purposes": "Sende vedtak",
        "data_categories": "Navn, adresse, brevinnhold", "data_subjects": "Innbyggere", "retention": "30 dager",
        "necessity": "Ja", "conclusion": "OK", "dpo_opinion": "Støttes", "legal_basis_art6": ["e"],
        "screening_criteria": ["large_scale"]})
    dpias.set_status(session, SECURITY, item.id, "approved")
    draft = dpias.create_dpia(session, SECURITY, {"service_code": "svarut", "processing": "Hemmelig utkast"})
    return assessment, draft


def test_template_workbook_values(session):
    build(session)
    book = load_workbook(io.BytesIO(exports.template_workbook(session, "svarut")))
    assert book.sheetnames == ["Om malen", "ROS-sammendrag", "Avdelingens tiltak", "DPIA (forhåndsutfylt)",
                               "Risikomatrise"]
    summary = book["ROS-sammendrag"]
    headers = [c.value for c in summary[1]]
    assert headers[:8] == ["Nr.", "Tittel", "Trussel eller årsak", "Konsekvens", "Avdelingens nivå nå",
                           "Avdelingens nivå etter tiltak", "Avdelingens tiltak", "Dette må kommunen gjøre selv"]
    row = [c.value for c in summary[2]]
    assert row[:2] == ["R-01", "Brev til feil mottaker"]
    assert (row[4], row[5]) == ("Rød", "Gul")
    assert row[6] == "T-01 Mottakerkontroll (Pågår)"
    assert row[7] == "Kontroller mottaker i fagsystemet"
    assert row[10] == '=IF(AND(ISNUMBER(I2),ISNUMBER(J2)),I2*J2,"")'
    assert summary["B3"].value.startswith("'=")               # user text never becomes a formula
    assert summary.freeze_panes == "A2"
    measures_sheet = book["Avdelingens tiltak"]
    assert measures_sheet["K2"].value == 12500.5 and measures_sheet["K2"].number_format.endswith('"kr"')
    dpia_sheet = book["DPIA (forhåndsutfylt)"]
    answers = {r[0]: r[1] for r in dpia_sheet.iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert answers["Behandling"] == "Utsendelse av brev"
    assert answers["Kategorier av personopplysninger"] == "Navn, adresse, brevinnhold"
    assert answers["Behandlingsgrunnlag (art. 6 nr. 1)"] == "e) allmennhetens interesse eller offentlig myndighet"
    assert "Hemmelig utkast" not in str(list(dpia_sheet.values))      # drafts are never shared
    assert "Kommunens konklusjon" in answers
    html = exports.template_html(session, "svarut")
    assert "Brev til feil mottaker" in html and "Hemmelig utkast" not in html
    assert "=HYPERLINK(&quot;x&quot;)" in html


def test_template_without_approved_ros(session):
    book = load_workbook(io.BytesIO(exports.template_workbook(session, "minside")))
    about = {r[0]: r[1] for r in book["Om malen"].iter_rows(values_only=True) if r[0]}
    assert about["Bygger på"].startswith("Tjenesten har ingen godkjent ROS-analyse")
    assert book["ROS-sammendrag"].max_row == 1


def test_register_workbook_respects_dpia_access(session):
    build(session)
    book = load_workbook(io.BytesIO(exports.register_workbook(session, make_actor("support"), "svarut")))
    assert book.sheetnames == ["ROS-analyser", "Risikoregister", "Tiltak", "Aksepter", "Revurderinger", "DPIA"]
    risks = list(book["Risikoregister"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in risks] == ["R-01", "R-02"]
    assert book["Tiltak"]["I2"].value == "Ja"                 # overdue
    assert [r[1] for r in book["DPIA"].iter_rows(min_row=2, values_only=True)] == ["Utsendelse av brev"]
    security_book = load_workbook(io.BytesIO(exports.register_workbook(session, SECURITY, "svarut")))
    assert len(list(security_book["DPIA"].iter_rows(min_row=2))) == 2


def test_cli_export_template_and_review(db_url, tmp_path, capsys):
    with session_scope(actor=SECURITY) as session:
        build(session)
    out = tmp_path / "mal.xlsx"
    assert cli.main(["risk", "template", "--service", "svarut", "-o", str(out)]) == 0
    assert load_workbook(out)["ROS-sammendrag"]["A2"].value == "R-01"
    page = tmp_path / "mal.html"
    assert cli.main(["risk", "template", "--service", "svarut", "-o", str(page)]) == 0
    assert "Brev til feil mottaker" in page.read_text(encoding="utf-8")
    export = tmp_path / "ros.xlsx"
    assert cli.main(["risk", "export", "--service", "svarut", "-o", str(export)]) == 0
    assert load_workbook(export)["Risikoregister"]["D2"].value == "Brev til feil mottaker"
    assert cli.main(["risk", "template", "--service", "finnes-ikke", "-o", str(out)]) == 1
    assert "Fant ingen tjeneste" in capsys.readouterr().err
    assert cli.main(["risk", "review-due", "--service", "svarut", "--reason", "Sikkerhetshendelse 12.11",
                     "--kind", "incident"]) == 0
    assert cli.main(["risk", "overdue"]) == 0
    assert "Mottakerkontroll" in capsys.readouterr().out
    with session_scope() as session:
        assert ros.open_triggers(session, "svarut")[0].kind == "incident"
