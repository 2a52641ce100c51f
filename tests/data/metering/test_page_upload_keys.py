"""The usage page loads an event file and manages API keys through the same doors as `backoffice meter ...`:
all or nothing, rejected events named by line and field, the key's secret shown once, every write audited."""
from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select

from data import audit, db
from data.metering import usage as metering
from data.metering.models import MeteringApiKey, UsageBatch, UsageEvent
from tests.conftest import make_actor
from tests.pages import errors_of, render

PAGE = "data/metering/pages/usage.py"
FINANCE = make_actor("finance", username="frida")


def event(event_id: str, quantity=3, subject="0301", time="2025-03-04T10:15:00Z") -> dict:
    return {"specversion": "1.0", "id": event_id, "source": "svarut", "type": "svarut.shipment", "subject": subject,
            "time": time, "data": {"quantity": quantity}}


def jsonl(*events) -> bytes:
    return "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events).encode()


@pytest.fixture
def meters(db_url, system):
    with db.session_scope(system) as s:
        metering.load_default_meters(s, system)


def counts() -> tuple[int, int]:
    with db.session_scope() as s:
        return (s.scalar(select(func.count()).select_from(UsageEvent)),
                s.scalar(select(func.count()).select_from(UsageBatch)))


def uploader(app):
    return next(u for u in app.file_uploader if u.label == "Fil med hendelser")


def upload(app, name: str, content: bytes):
    uploader(app).set_value((name, content, "application/octet-stream"))
    next(b for b in app.button if b.label == "Les inn").click().run()
    return app


def test_a_good_file_is_loaded_once_and_the_form_is_drawn_empty(meters):
    app = render(PAGE, FINANCE)
    assert errors_of(app) == []
    upload(app, "svarut-mars.jsonl", jsonl(event("a1"), event("a2", 4), event("a3", 5, subject="4601")))
    assert errors_of(app) == []
    assert counts() == (3, 1)
    with db.session_scope() as s:
        batch = s.scalar(select(UsageBatch))
        assert (batch.filename, batch.status, batch.accepted, batch.actor) == ("svarut-mars.jsonl", "complete", 3,
                                                                              "frida")
        totals = {(r.municipality_number, r.month.isoformat()): r.quantity for r in metering.usage_by_month(s)}
        assert totals == {("0301", "2025-03-01"): 7, ("4601", "2025-03-01"): 5}
        assert [e.actor for e in audit.search(s, table="usage_batch")][:1] == ["frida"]   # the door audits
    assert any(f"svarut-mars.jsonl er lest inn som innsending {batch.id}. Godtatt: 3, duplikater: 0, sene: 0."
               == m.value for m in app.success)
    assert uploader(app).value is None                                   # saved: the form is drawn empty
    batches = next(d.value for d in app.dataframe if "filename" in d.value.columns)
    assert list(batches["filename"]) == ["svarut-mars.jsonl"]
    upload(app, "svarut-mars.jsonl", jsonl(event("a1"), event("a2", 4), event("a3", 5, subject="4601")))
    assert counts() == (3, 1)                                            # the same file again: no second batch
    assert "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny." in [
        i.value for i in app.info]


def test_a_csv_file_is_read_as_the_cli_reads_it(meters):
    content = (b"specversion,id,source,type,subject,time,quantity\n"
               b"1.0,c1,svarut,svarut.shipment,0301,2025-02-03T08:00:00Z,2\n"
               b"1.0,c2,svarut,svarut.shipment,0301,2025-02-04T08:00:00Z,6\n")
    app = upload(render(PAGE, FINANCE), "forbruk.csv", content)
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert [(r.month.isoformat(), r.quantity, r.events) for r in metering.usage_by_month(s)] == [
            ("2025-02-01", 8, 2)]


def test_a_malformed_event_rejects_the_file_and_names_its_line_and_field(meters):
    content = jsonl(event("b1"), event("b2", quantity=-4), event("b3"), event("b4", subject="12"))
    app = upload(render(PAGE, FINANCE), "feil.jsonl", content)
    assert [e.value for e in app.error] == [
        "2 av 4 hendelser ble avvist. Ingenting av innsendingen er lagret. Rett feilene og send alt på nytt."]
    assert any(m.value == "**Godtatt: 0** av 4 hendelser · avvist: 2 · duplikater: 0." for m in app.markdown)
    rejected = next(d.value for d in app.dataframe if "reason" in d.value.columns)
    assert rejected.to_dict("records") == [
        {"row": 2, "field": "data.quantity", "id": "b2", "reason": "antallet -4 er negativt"},
        {"row": 4, "field": "subject", "id": "b4",
         "reason": "«12» er verken et organisasjonsnummer (9 siffer) eller et kommunenummer (4 siffer)"}]
    assert counts() == (0, 0)                                            # all or nothing
    assert uploader(app).value.name == "feil.jsonl"                     # refused: the file stays in the form
    fixed = jsonl(event("b1"), event("b2", quantity=4), event("b3"), event("b4", subject="4601"))
    upload(app, "feil.jsonl", fixed)
    assert errors_of(app) == [] and counts() == (4, 1)


def test_a_nul_byte_rejects_the_file_naming_its_line_and_field(meters):
    csv_content = (b"specversion,id,source,type,subject,time,quantity\n"
                   b"1.0,n1,svarut,svarut.shipment,0301,2025-02-03T08:00:00Z,2\n"
                   b"1.0,n2,svar\x00ut,svarut.shipment,0301,2025-02-04T08:00:00Z,6\n")
    app = upload(render(PAGE, FINANCE), "nul.csv", csv_content)
    assert not app.exception
    assert [e.value for e in app.error] == [
        "1 av 2 hendelser ble avvist. Ingenting av innsendingen er lagret. Rett feilene og send alt på nytt."]
    assert any(m.value == "**Godtatt: 0** av 2 hendelser · avvist: 1 · duplikater: 0." for m in app.markdown)
    rejected = next(d.value for d in app.dataframe if "reason" in d.value.columns)
    assert rejected.to_dict("records") == [
        {"row": 3, "field": "source", "id": "n2", "reason": "inneholder et nulltegn (\\u0000), som ikke kan lagres"}]
    line = json.dumps(event("n3")).replace('"n3"', '"n\x003"')     # a raw NUL byte inside a JSON line
    app = upload(render(PAGE, FINANCE), "nul.jsonl", jsonl(event("n1"), line, event("n\u00004")))   # escaped
    assert [e.value for e in app.error] == [
        "2 av 3 hendelser ble avvist. Ingenting av innsendingen er lagret. Rett feilene og send alt på nytt."]
    rejected = next(d.value for d in app.dataframe if "reason" in d.value.columns)
    assert list(rejected["row"]) == [2, 3]
    assert rejected["reason"][0].startswith("linjen er ikke gyldig JSON (Invalid control character")
    assert (rejected["field"][1], rejected["reason"][1]) == (
        "id", "inneholder et nulltegn (\\u0000), som ikke kan lagres")
    assert counts() == (0, 0)


def test_an_api_key_is_created_shown_once_listed_and_revoked(meters):
    app = render(PAGE, FINANCE)
    next(i for i in app.text_input if i.label == "Kilde").input("svarut")
    next(i for i in app.text_input if i.label == "Merknad").input("Til driftsteamet")
    next(b for b in app.button if b.label == "Lag nøkkel").click().run()
    assert errors_of(app) == []
    secret = app.code[0].value
    with db.session_scope() as s:
        row = s.scalar(select(MeteringApiKey))
        assert (row.source, row.label, row.created_by) == ("svarut", "Til driftsteamet", "frida")
        assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()     # the secret itself is not stored
        assert metering.verify_api_key(s, secret).source == "svarut"
        assert [e.action for e in audit.search(s, table="metering_api_key")] == ["insert"]
        prefix = row.prefix
    assert any("Den vises bare denne ene gangen" in w.value for w in app.warning)
    assert next(i for i in app.text_input if i.label == "Kilde").value == ""     # the form is drawn empty
    keys = next(d.value for d in app.dataframe if "prefix" in d.value.columns)
    assert keys[["source", "state", "prefix", "label"]].to_dict("records") == [
        {"source": "svarut", "state": "aktiv", "prefix": prefix, "label": "Til driftsteamet"}]
    app.run()
    assert not app.code                                                  # shown once, never again

    app.selectbox(key="meter-revoke-pick").set_value(prefix).run()
    app.checkbox(key=f"meter-revoke-{prefix}-ok").check().run()
    app.button(key=f"meter-revoke-{prefix}-go").click().run()
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert metering.verify_api_key(s, secret) is None
        assert [e.action for e in audit.search(s, table="metering_api_key")] == ["update", "insert"]
    keys = next(d.value for d in app.dataframe if "prefix" in d.value.columns)
    assert list(keys["state"]) == ["trukket"]


def test_a_refused_key_keeps_what_was_typed(meters):
    app = render(PAGE, FINANCE)
    next(i for i in app.text_input if i.label == "Kilde").input("svar ut")
    next(i for i in app.text_input if i.label == "Merknad").input("Ny nøkkel")
    next(b for b in app.button if b.label == "Lag nøkkel").click().run()
    assert [e.value for e in app.error] == [
        "«svar ut» kan ikke brukes som kilde: den må ha 1–200 tegn uten mellomrom."]
    assert next(i for i in app.text_input if i.label == "Kilde").value == "svar ut"
    assert next(i for i in app.text_input if i.label == "Merknad").value == "Ny nøkkel"
    with db.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(MeteringApiKey)) == 0


@pytest.mark.parametrize("role", ["leader", "product_owner", "support"])
def test_only_the_roles_the_cli_allows_see_the_upload_and_the_keys(meters, role):
    app = render(PAGE, make_actor(role))
    assert errors_of(app) == []
    assert not app.file_uploader and not any(b.label in ("Les inn", "Lag nøkkel") for b in app.button)
    assert not any("API-nøkler" in s.value for s in app.subheader)


def test_closing_a_month_defaults_to_the_latest_open_month(meters):
    app = render(PAGE, FINANCE)
    chooser = next(s for s in app.selectbox if s.label == "Måned som skal lukkes")
    latest = metering.add_months(metering.current_month(), -1)
    assert chooser.value == latest
    next(b for b in app.button if b.label == "Lukk måneden").click().run()
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert [r["month"] for r in metering.closed_months(s)] == [latest]
    chooser = next(s for s in app.selectbox if s.label == "Måned som skal lukkes")
    assert chooser.value == metering.add_months(latest, -1)        # the next one to close


def test_the_upload_and_the_keys_read_in_english_too(meters):
    app = render(PAGE, FINANCE, language="en")
    assert errors_of(app) == []
    assert any(u.label == "Event file" for u in app.file_uploader)
    assert any(b.label == "Create key" for b in app.button)
