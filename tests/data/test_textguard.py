"""NUL and the other control characters are refused at the door, on both databases: forms (the pydantic
door), imports (naming row and column), writes past the door (the flush guard); searches answer.

Before: on PostgreSQL every form, import and search given a NUL raised DataError; on SQLite "Os\\x00lo"
was stored and every agreements export then failed."""
import io
import json
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from agreements import agreements, imports
from agreements.models import MainAgreement
from data import textguard
from data.errors import NotFound, ValidationFailed
from data.i18n import set_language
from data.registers import registry
from data.registers.models import Organisation
from data.registers.users import get_user
from data.support.freshdesk import import_tickets
from data.support.models import SupportTicket
from risk.threats import threatdragon
from risk.threats.demo import digisos_threat_dragon
from tests.agreements.helpers import OWNER
from tests.conftest import make_actor

pytestmark = pytest.mark.both_databases

ADMIN = make_actor("admin", username="ada")


def _organisations(session) -> int:
    return session.scalar(select(func.count()).select_from(Organisation))


def _named(session, pattern: str, length: int) -> int:
    """Organisations whose name is like `pattern` and `length` long (a NUL itself cannot go into the query on
    PostgreSQL)."""
    return session.scalar(select(func.count()).select_from(Organisation)
                          .where(Organisation.name.like(pattern), func.length(Organisation.name) == length))


def test_a_form_with_nul_is_refused_with_a_plain_message_and_nothing_is_stored(session):
    before = _organisations(session)
    with pytest.raises(ValidationFailed) as refused:
        registry.create_organisation(session, ADMIN, {"name": "Os\x00lo", "kind": "other"})
    assert refused.value.message == ("Feltet «name» inneholder et kontrolltegn (NUL) som ikke kan lagres. "
                                     "Ingenting er lagret.")
    assert [(e.row, e.field) for e in refused.value.errors] == [(None, "name")]
    session.flush()
    assert _organisations(session) == before
    assert _named(session, "Os%lo", 5) == 0


def test_the_refusal_speaks_english_too(session):
    set_language("en")
    try:
        with pytest.raises(ValidationFailed) as refused:
            registry.create_organisation(session, ADMIN, {"name": "Bergen\x1b[31m", "kind": "other"})
    finally:
        set_language("nb")
    assert refused.value.message == ("The field “name” contains a control character (ESC) that cannot be stored. "
                                     "Nothing was saved.")


def test_an_edit_with_a_control_character_is_refused_and_the_row_is_unchanged(session):
    org = registry.create_organisation(session, ADMIN, {"name": "Vestby", "kind": "other"})
    with pytest.raises(ValidationFailed, match=r"Feltet «name» inneholder et kontrolltegn \(DEL\)"):
        registry.update_organisation(session, ADMIN, org.id, {"name": "Vest\x7fby", "kind": "other"})
    session.expire_all()
    assert session.get(Organisation, org.id).name == "Vestby"


def test_a_room_door_names_the_field_by_its_label(session):
    with pytest.raises(ValidationFailed) as refused:
        agreements.save_main_agreement(session, OWNER, {
            "organisation_id": _oslo(session).id, "status": "signed", "signed_date": "2015-01-01",
            "signatory": "Kari\x00Nordmann"})
    assert refused.value.message == ("Feltet «Signert av» inneholder et kontrolltegn (NUL) som ikke kan lagres. "
                                     "Ingenting er lagret.")
    assert session.scalar(select(func.count()).select_from(MainAgreement)
                          .where(MainAgreement.organisation_id == _oslo(session).id)) == 0


def test_tab_and_newline_in_text_are_still_accepted(session):
    item = agreements.save_main_agreement(session, OWNER, {
        "organisation_id": _oslo(session).id, "status": "signed", "signed_date": "2015-01-01",
        "signatory": "Kari Nordmann", "template_version": "3.0", "document_ref": "AVT-1",
        "notes": "Linje én\n\tinnrykket linje to\r\nlinje tre"})
    session.flush()
    session.expire_all()
    assert session.get(MainAgreement, item.id).notes == "Linje én\n\tinnrykket linje to\r\nlinje tre"


def _oslo(session) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.municipality_number == "0301",
                                                     Organisation.kind == "municipality"))


def test_a_write_past_the_door_is_stopped_at_the_flush(session):
    before = _organisations(session)
    session.add(Organisation(name="Os\x00lo", kind="other"))
    with pytest.raises(ValidationFailed) as refused:
        session.flush()
    session.rollback()
    assert "Feltet «name» inneholder et kontrolltegn (NUL)" in refused.value.message
    assert _organisations(session) == before


# --- imports ---------------------------------------------------------------------------------------

AGREEMENT_HEADERS = ["Organisasjonsnummer", "Virksomhet", "Hovedavtale status", "Hovedavtale signert", "Signert av"]


def _sheet_with(rows, marker: str, replacement: bytes) -> bytes:
    """An .xlsx whose cells hold `replacement` where `marker` was written (openpyxl refuses to write control
    characters; a sheet from elsewhere may carry DEL and the C1 controls, which the XML allows)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(AGREEMENT_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name).replace(marker.encode(), replacement))
    return out.getvalue()


def test_an_agreements_import_row_with_a_control_character_is_refused_naming_row_and_column(session):
    content = _sheet_with([
        [None, "Oslo", "Signert", "01.02.2015", "Kari Nordmann"],
        [None, "Bergen", "Signert", "01.02.2015", "Ola XCTRLX Nordmann"],
    ], "XCTRLX", b"&#x85;")
    before = session.scalar(select(func.count()).select_from(MainAgreement))
    with pytest.raises(ValidationFailed) as refused:
        imports.import_register(session, make_actor("finance"), content)
    assert [(e.row, e.field) for e in refused.value.errors] == [(3, "Signert av")]
    assert refused.value.message.splitlines() == [
        "Teksten inneholder kontrolltegn som ikke kan lagres. Ingenting er lagret. Fjern tegnene og prøv igjen.",
        "- Rad 3: Feltet «Signert av» inneholder et kontrolltegn (U+0085) som ikke kan lagres."]
    assert session.scalar(select(func.count()).select_from(MainAgreement)) == before


def test_an_ssb_import_with_nul_is_refused_naming_row_and_column(session):
    content = b"code;name;validFrom\n0301;Oslo;01.01.2020\n4601;Ber\x00gen;01.01.2020\n"
    with pytest.raises(ValidationFailed) as refused:
        registry.import_ssb_municipalities(session, ADMIN, content)
    assert [(e.row, e.field) for e in refused.value.errors] == [(3, "name")]
    assert "Rad 3, felt «name»: Inneholder et kontrolltegn (NUL) som ikke kan lagres." in refused.value.message
    assert _named(session, "Ber%gen", 7) == 0


def test_a_freshdesk_import_with_nul_is_refused_and_nothing_is_written(session):
    content = (b"Ticket ID,Subject,Status,Priority,Created time,Requester organisation\n"
               b"9001,Kan ikke logge inn,Open,Low,2024-03-01 10:00:00,Oslo\x00 kommune\n")
    with pytest.raises(ValidationFailed) as refused:
        import_tickets(session, make_actor("support"), content)
    assert [e.row for e in refused.value.errors] == [2]
    assert "kontrolltegn (NUL)" in refused.value.message
    assert session.scalar(select(func.count()).select_from(SupportTicket)
                          .where(SupportTicket.ticket_number == 9001)) == 0


def test_a_threat_dragon_file_with_nul_is_refused_naming_the_field(session):
    document = digisos_threat_dragon()
    cell = next(c for c in document["detail"]["diagrams"][0]["cells"] if c.get("data", {}).get("name"))
    cell["data"]["name"] += "\x00"
    with pytest.raises(ValidationFailed) as refused:
        threatdragon.import_model(session, make_actor("security"), "digisos", json.dumps(document))
    assert "inneholder et kontrolltegn (NUL) som ikke kan lagres" in refused.value.message
    assert refused.value.errors[0].field.endswith("data.name")


# --- searches --------------------------------------------------------------------------------------


def test_a_search_with_nul_answers_without_a_database_error(session):
    rows = registry.organisation_rows(session, search="Os\x00lo")   # the control character is dropped
    assert "Oslo" in [r["name"] for r in rows]
    assert agreements.main_agreement_rows(session, search="\x00") is not None


def test_a_look_up_with_nul_finds_nothing_in_plain_words(session):
    with pytest.raises(NotFound):
        get_user(session, "ad\x00min")
    assert registry.find_organisation(session, "Os\x00lo") is None


# --- the scanner -----------------------------------------------------------------------------------


def test_the_scanner_names_each_character_and_its_field():
    payload = {"name": "ok\ttab\nlf\rcr", "contacts": [{"name": "a\x00"}, {"name": "b\x9b"}], "n": 3,
               "k\x01": "v"}
    assert list(textguard.find(payload)) == [("contacts.0.name", "NUL"), ("contacts.1.name", "U+009B"),
                                             (None, "SOH")]
    assert textguard.strip("Os\x00l\x7fo\t") == "Oslo\t"
    assert [textguard.refused_char(c) for c in "\x00\x08\x0b\x0c\x1f\x7f\x80\x9f"] == [
        "NUL", "BS", "VT", "FF", "US", "DEL", "U+0080", "U+009F"]
    assert [textguard.refused_char(c) for c in "\t\n\r æøå€\xa0"] == [None] * 9
