import io
from datetime import date

from openpyxl import load_workbook

from admin.exports import sheet_markdown, sheet_workbook
from admin.service_sheet import build_sheet


def test_sheet_collects_register_facts(session):
    sheet = build_sheet(session, "svarut")
    assert sheet.name == "SvarUt"
    title, facts = sheet.sections[0]
    values = {f.label: f.value for f in facts}
    assert title == "Tjenesten"
    assert values["Status"] == "I drift"
    assert values["Komponenter"] == "Dokumentlager, Manuelt mottak, Print, SvarInn-adapter"
    text = sheet_markdown(sheet, date(2026, 11, 30))
    assert text.startswith("# SvarUt") and "Utskrevet 30.11.2026" in text
    assert "| Etablert | 2012 |" in text  # Tabell 2 in the department's description


def test_sheet_as_excel(session):
    sheet = build_sheet(session, "digisos")
    workbook = load_workbook(io.BytesIO(sheet_workbook(sheet, date(2026, 11, 30))))
    ws = workbook["Digisos"]
    assert [c.value for c in ws[1]] == ["Område", "Hva", "Verdi"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert ["Tjenesten", "Etablert", "2019"] in rows
    assert ws.freeze_panes == "A2"
