"""Forms that behave on the privacy pages (issue 20): a document and a breach's timeline event are saved once,
the form is drawn empty after a save and keeps what was typed after a refusal; the approval form offers only
documents the user may sign (not what they registered or prepared)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from data import db
from data.db import utcnow
from data.registers.users import create_user
from risk.privacy import breaches
from risk.privacy.models import BreachEvent, MsDocument
from tests.conftest import make_actor
from tests.pages import errors_of, render
from tests.risk.privacy.helpers import incident

SECURITY = make_actor("security", username="siri")
ALREADY_SAVED = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."


def _in_form(widgets, prefix: str, label: str):
    return next(w for w in widgets if w.form_id.startswith(prefix) and w.label == label)


def _users() -> None:
    with db.session_scope(actor=make_actor("admin", username="oppsett")) as session:
        for username, name, role in (("siri", "Siri Sikkerhet", "security"), ("sven", "Sven Sikring", "security"),
                                     ("arne", "Arne Arkitekt", "architect")):
            create_user(session, make_actor("admin", username="oppsett"),
                        {"username": username, "full_name": name, "roles": [role]})


def test_a_new_document_is_saved_once_and_the_form_starts_empty(db_url):
    _users()
    app = render("risk/privacy/pages/documents.py", SECURITY)
    assert errors_of(app) == []
    for attempt in range(2):
        _in_form(app.text_input, "doc-new", "Dokument").input("Rutine for tilgangsstyring")
        _in_form(app.selectbox, "doc-new", "Eier").set_value("arne")
        _in_form(app.button, "doc-new", "Lagre").click().run()
        assert errors_of(app) == []
        if attempt == 0:
            assert _in_form(app.text_input, "doc-new", "Dokument").value == ""      # drawn empty
    assert ALREADY_SAVED in [i.value for i in app.info]
    with db.session_scope() as session:
        assert [(d.title, d.owner, d.created_by, d.prepared_by) for d in session.scalars(select(MsDocument))] == [
            ("Rutine for tilgangsstyring", "arne", "siri", "siri")]
    # Siri registered it: the approval form has nothing for her; another security officer may approve it
    assert "Ingen dokumenter venter på at du godkjenner dem." in " ".join(i.value for i in app.info)
    other = render("risk/privacy/pages/documents.py", make_actor("security", username="sven"))
    assert next(s for s in other.selectbox if s.key == "doc-approve").options == ["Rutine for tilgangsstyring (v1.0)"]
    next(b for b in other.button if b.label == "Godkjenn").click().run()
    assert errors_of(other) == []
    with db.session_scope() as session:
        document = session.scalar(select(MsDocument))
        assert (document.status, document.approved_by) == ("approved", "sven")


def test_a_refused_document_keeps_what_was_typed(db_url):
    _users()
    app = render("risk/privacy/pages/documents.py", SECURITY)
    _in_form(app.text_input, "doc-new", "Dokument").input("Rutine uten eier")
    _in_form(app.button, "doc-new", "Lagre").click().run()          # no owner chosen: refused
    assert app.error
    assert _in_form(app.text_input, "doc-new", "Dokument").value == "Rutine uten eier"
    with db.session_scope() as session:
        assert session.scalars(select(MsDocument)).all() == []


def test_a_timeline_event_is_saved_once_and_a_refused_one_keeps_its_text(db_url):
    with db.session_scope(actor=SECURITY) as session:
        ticket = incident(session, opened=datetime.now(UTC) - timedelta(hours=5))
        breach = breaches.mark_breach(session, SECURITY, {"ticket_id": ticket.id, "title": "Brev til feil mottaker",
                                                          "aware_at": utcnow() - timedelta(hours=4)})
        breach_id = breach.id
    app = render("risk/privacy/pages/breaches.py", SECURITY)
    assert errors_of(app) == []
    form = f"event-{breach_id}"
    _in_form(app.text_area, form, "Hva ble gjort").input("Postleverandøren bedt om å stanse brevene")
    _in_form(app.date_input, form, "Dato").set_value((utcnow() + timedelta(days=2)).date())
    _in_form(app.button, form, "Lagre").click().run()                # in the future: refused
    assert any("er fram i tid" in e.value for e in app.error)
    assert _in_form(app.text_area, form, "Hva ble gjort").value == "Postleverandøren bedt om å stanse brevene"
    moment = (utcnow() - timedelta(hours=1)).astimezone(breaches.OSLO).replace(second=0, microsecond=0)

    def fill_in_and_save():
        _in_form(app.date_input, form, "Dato").set_value(moment.date())
        _in_form(app.time_input, form, "Klokkeslett (norsk tid)").set_value(moment.time())
        _in_form(app.button, form, "Lagre").click().run()

    def actions():
        with db.session_scope() as session:
            return [(e.text, e.at) for e in session.scalars(select(BreachEvent).where(BreachEvent.kind == "action"))]

    fill_in_and_save()
    assert errors_of(app) == []
    assert _in_form(app.text_area, form, "Hva ble gjort").value == ""         # saved: drawn empty
    assert actions() == [("Postleverandøren bedt om å stanse brevene", moment)]
    _in_form(app.text_area, form, "Hva ble gjort").input("Postleverandøren bedt om å stanse brevene")
    fill_in_and_save()                                                        # the same event again
    assert actions() == [("Postleverandøren bedt om å stanse brevene", moment)]
    assert ALREADY_SAVED in [i.value for i in app.info]
