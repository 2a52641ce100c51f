from datetime import date

from admin.service_sheet import build_sheet, sheet_markdown


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
    assert "| Etablert | 2013 |" in text
