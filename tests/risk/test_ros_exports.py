"""The municipality template and the register exports, opened with openpyxl; the CLI commands."""
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from admin import cli
from data.db import session_scope
from risk import dpia as dpias
from risk import exports, measures, ros
from tests.conftest import make_actor
from tests.risk.ros_helpers import approve, approve_dpia, new_ros, risk, stage

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
    approve(session, SECURITY, assessment.id)
    item = dpias.create_dpia(session, SECURITY, {
        "service_code": "svarut", "processing": "Utsendelse av brev", "purposes": "Sende vedtak",
        "data_categories": "Navn, adresse, brevinnhold", "data_subjects": "Innbyggere", "retention": "30 dager",
        "necessity": "Ja", "conclusion": "OK", "dpo_opinion": "Støttes", "legal_basis_art6": ["e"],
        "screening_criteria": ["large_scale"]})
    approve_dpia(session, SECURITY, item.id)
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


def test_cli_risks_export_writes_the_register_selection(db_url, tmp_path, capsys):
    with session_scope(actor=SECURITY) as session:
        build(session)
    target = tmp_path / "risikoregister.xlsx"
    assert cli.main(["risk", "risks-export", "--service", "svarut", "--above-only", "-o", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    sheet = load_workbook(target)["Risikoregister"]
    assert _cells(sheet, 1)[:4] == ["Tjeneste", "Analyse", "Nr.", "Tittel"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3], r[9]) for r in rows] == [("svarut", "R-01", "Brev til feil mottaker", "Rød")]
    everything = tmp_path / "alle.xlsx"
    assert cli.main(["risk", "risks-export", "-o", str(everything)]) == 0
    assert load_workbook(everything)["Risikoregister"].max_row == 3


def test_cli_measures_export_writes_overdue_measures_first(db_url, tmp_path):
    with session_scope(actor=SECURITY) as session:
        build(session)
    target = tmp_path / "tiltak.xlsx"
    assert cli.main(["risk", "measures-export", "--overdue-only", "-o", str(target)]) == 0
    sheet = load_workbook(target)["Tiltak"]
    assert _cells(sheet, 1)[2:4] == ["Nr.", "Tittel"]
    row = _cells(sheet, 2)
    assert row[2:4] == ["T-01", "Mottakerkontroll"]
    assert (row[5], row[7], row[8], row[9], row[10]) == ("Kari", "Pågår", "Ja", 3, 12500.5)
    assert cli.main(["risk", "measures-export", "--status", "done", "-o", str(target)]) == 0
    assert load_workbook(target)["Tiltak"]["C2"].value is None      # no measure is done


def _cells(sheet, row):
    return [c.value for c in sheet[row]]


def _fill(cell):
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


def test_register_workbook_content(session):
    """The full register export, value by value: the cells, their number formats and the level colours."""
    assessment, _draft = build(session)
    book = load_workbook(io.BytesIO(exports.register_workbook(session, SECURITY, "svarut")))
    today = date.today()

    analyses = book["ROS-analyser"]
    assert _cells(analyses, 1) == ["Tjeneste", "Omfang", "Tittel", "Versjon", "Status", "Dato", "Godkjent av",
                                   "Godkjent", "Neste revurdering", "Risikoer", "Over akseptgrensen"]
    row = _cells(analyses, 2)
    assert row[:5] == ["svarut", "Tjeneste", "ROS svarut", 1, "Godkjent"]
    assert row[5].date() == today and row[6] == "Lise Leder" and row[7].date() == today
    assert row[8].date() == assessment.next_review and row[9:] == [2, 1]
    assert [c.number_format for c in analyses[2]] == ["@", "@", "@", "#,##0", "@", "DD.MM.YYYY", "@",
                                                      "DD.MM.YYYY", "DD.MM.YYYY", "#,##0", "#,##0"]
    assert _cells(analyses, 3)[0] == "Sum" and _cells(analyses, 3)[9:] == ["=SUBTOTAL(9,J2:J2)",
                                                                          "=SUBTOTAL(9,K2:K2)"]
    assert analyses["J3"].number_format == "#,##0" and analyses["J3"].font.b
    assert analyses["A1"].font.b and analyses["A1"].fill.fgColor.rgb == "001F4E79"
    assert analyses.freeze_panes == "A2" and analyses.auto_filter.ref == "A1:K2"

    risks = book["Risikoregister"]
    assert _cells(risks, 1)[:12] == ["Tjeneste", "Analyse", "Nr.", "Tittel", "Trussel eller årsak", "Sårbarhet",
                                     "Konsekvens", "Nivå (iboende)", "Risikotall (nå)", "Nivå (nå)",
                                     "Nivå (etter tiltak)", "Over akseptgrensen"]
    reviews = {r["key"]: r["next_review"] for r in ros.risk_rows(session, "svarut")}
    first, second = _cells(risks, 2), _cells(risks, 3)
    assert first[:16] == ["svarut", "ROS svarut (versjon 1)", "R-01", "Brev til feil mottaker", None, None, None,
                          "Rød", 16, "Rød", "Gul", "Ja", "Middels", "Per Produkt", "Redusere", "T-01"]
    assert first[16].date() == reviews["R-01"] and first[17:] == [None, None, "Kontroller mottaker i fagsystemet"]
    assert second[:16] == ["svarut", "ROS svarut (versjon 1)", "R-02", "'=HYPERLINK(\"x\")", None, None, None,
                           "Grønn", 2, "Grønn", "Grønn", "Nei", "Middels", "Per Produkt", "Redusere", None]
    assert second[16].date() == reviews["R-02"] and second[17:] == [None, None, None]
    formats = ["@"] * 8 + ["#,##0"] + ["@"] * 7 + ["DD.MM.YYYY"] * 3 + ["@"]
    assert [c.number_format for c in risks[2]] == formats and [c.number_format for c in risks[3]] == formats
    assert [_fill(c) for c in risks[2]] == [None] * 7 + ["00FFC7CE", None, "00FFC7CE", "00FFEB9C"] + [None] * 9
    assert [_fill(c) for c in risks[3]] == [None] * 7 + ["00C6EFCE", None, "00C6EFCE", "00C6EFCE"] + [None] * 9
    assert risks.max_row == 3 and risks.auto_filter.ref == "A1:T3"

    measures_sheet = book["Tiltak"]
    row = _cells(measures_sheet, 2)
    assert row[:6] == ["svarut", "ROS svarut (versjon 1)", "T-01", "Mottakerkontroll", None, "Kari"]
    assert row[6].date() == today - timedelta(days=3)
    assert row[7:] == ["Pågår", "Ja", 3, 12500.5, None, "R-01", None]
    assert measures_sheet["K2"].number_format == '#,##0.00 "kr";-#,##0.00 "kr"'
    assert measures_sheet["G2"].number_format == "DD.MM.YYYY" and measures_sheet["J2"].number_format == "#,##0"
    assert measures_sheet["K3"].value == "=SUBTOTAL(9,K2:K2)"

    dpia = book["DPIA"]
    assert [r[:7] for r in dpia.iter_rows(min_row=2, values_only=True)] == [
        ("svarut", "Hemmelig utkast", 1, "Utkast", "Nei", "Lav", "Nei"),
        ("svarut", "Utsendelse av brev", 1, "Godkjent", "Nei", "Lav", "Nei")]
    assert book["Aksepter"].max_row == 1 and book["Revurderinger"].max_row == 1


def test_risk_sheet_colours_every_row_by_its_own_level(session):
    """Level colours are styled once per colour and copied; each row still gets the colour of its level."""
    assessment = new_ros(session, SECURITY)
    for n in range(1, 26):
        risk(session, SECURITY, assessment.id, f"Risiko {n}",
             inherent=stage(n % 5 + 1, availability=(n * 3) % 5 + 1), residual=stage(1, availability=n % 4 + 1))
    book = load_workbook(io.BytesIO(exports.register_workbook(session, SECURITY, "svarut")))
    sheet = book["Risikoregister"]
    colours = {"Grønn": "00C6EFCE", "Gul": "00FFEB9C", "Rød": "00FFC7CE"}
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 25
    seen = set()
    for row in rows:
        for index in (7, 9, 10):                             # inherent, current and residual level
            seen.add(row[index].value)
            assert _fill(row[index]) == colours[row[index].value], (row[2].value, index)
            assert row[index].number_format == "@"
        assert _fill(row[8]) is None and row[8].number_format == "#,##0"
        assert isinstance(row[8].value, int)
    assert seen == {"Grønn", "Gul", "Rød"}
