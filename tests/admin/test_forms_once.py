"""The admin and change-board pages' forms (issue 20, "Forms that behave"): a saved form is drawn empty, the
same form saved twice makes one row, a refused save keeps what was typed. Real pages through AppTest."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from admin.changeboard import changes as cb
from admin.changeboard import demo as changeboard_demo
from admin.changeboard.models import ChangeDecision, ChangeItem, ChangeTopic, FreezeOverride
from data import db, demo
from data.registers.models import Service, User
from data.registers.users import actor_for, create_user, get_user
from data.support import demo as support_demo
from tests.admin.test_send_cli import approve_two
from tests.conftest import make_actor
from tests.pages import errors_of, in_form, press_in_form, render, row_count

ALREADY_SAVED = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."
ADMIN = make_actor("admin", username="admin")


rows, field, press = row_count, in_form, press_in_form


# --- users, services, my account --------------------------------------------------------------------------


def _fill_user(app) -> None:
    field(app.text_input, "Brukernavn", "add-user").input("ola.nordmann")
    field(app.text_input, "Navn", "add-user").input("Ola Nordmann")
    field(app.text_input, "E-post", "add-user").input("ola.nordmann@ks.no")
    field(app.multiselect, "Roller", "add-user").select("finance")


def test_a_new_user_is_added_once_with_the_one_time_password_shown(db_url):
    app = render("admin/pages/users.py", ADMIN)
    _fill_user(app)
    press(app, "Legg til bruker", "add-user")
    assert errors_of(app) == []
    with db.session_scope() as session:
        user = get_user(session, "ola.nordmann")
        assert (user.full_name, user.email, user.roles, user.must_change_password) == (
            "Ola Nordmann", "ola.nordmann@ks.no", ["finance"], True)
    [shown] = [s.value for s in app.success]
    assert shown.startswith("Brukeren ola.nordmann er opprettet. Engangspassord: ")   # shown after the redraw
    assert field(app.text_input, "Brukernavn", "add-user").value == ""
    assert field(app.multiselect, "Roller", "add-user").value == []

    _fill_user(app)
    press(app, "Legg til bruker", "add-user")                              # the same user filled in again
    assert rows(User, User.username == "ola.nordmann") == 1
    assert ALREADY_SAVED in [i.value for i in app.info]
    assert not app.success                                                  # the password was shown once


def test_a_refused_user_keeps_what_was_typed(db_url):
    app = render("admin/pages/users.py", ADMIN)
    field(app.text_input, "Brukernavn", "add-user").input("ola nordmann")   # a space: not a user name
    field(app.text_input, "Navn", "add-user").input("Ola Nordmann")
    press(app, "Legg til bruker", "add-user")
    assert errors_of(app)
    assert rows(User, User.full_name == "Ola Nordmann") == 0
    assert field(app.text_input, "Brukernavn", "add-user").value == "ola nordmann"
    assert field(app.text_input, "Navn", "add-user").value == "Ola Nordmann"


def test_a_new_service_is_saved_once_and_an_existing_code_is_not_overwritten(db_url):
    actor = make_actor("admin")
    app = render("admin/pages/services.py", actor)
    field(app.text_input, "Kode", "service-new").input("svarut")
    field(app.text_input, "Navn", "service-new").input("Noe annet")
    press(app, "Lagre", "service-new")
    assert errors_of(app) == ["Koden «svarut» er allerede brukt av SvarUt. Velg tjenesten i listen for å endre den."]
    assert rows(Service, Service.name == "SvarUt") == 1
    assert field(app.text_input, "Navn", "service-new").value == "Noe annet"   # kept to correct

    field(app.text_input, "Kode", "service-new").input("einnsyn")
    field(app.text_input, "Navn", "service-new").input("eInnsyn")
    press(app, "Lagre", "service-new")
    assert errors_of(app) == []
    assert rows(Service, Service.code == "einnsyn", Service.name == "eInnsyn") == 1
    assert field(app.text_input, "Kode", "service-new").value == ""
    field(app.text_input, "Kode", "service-new").input("einnsyn")
    field(app.text_input, "Navn", "service-new").input("eInnsyn")
    press(app, "Lagre", "service-new")
    assert rows(Service, Service.code == "einnsyn") == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_my_password_form_keeps_a_refused_password_and_is_empty_after_a_change(db_url, system):
    with db.session_scope(actor=system) as session:
        create_user(session, system, {"username": "kari", "full_name": "Kari Nordmann", "roles": ["finance"]})
        actor = actor_for(session, get_user(session, "kari"))
    app = render("admin/pages/account.py", actor)
    app.text_input[0].input("et langt og godt passord")
    app.text_input[1].input("et langt og godt pasord")
    app.button[0].click().run()
    assert errors_of(app) == ["Passordene er ikke like."]
    assert [i.value for i in app.text_input] == ["et langt og godt passord", "et langt og godt pasord"]

    app.text_input[1].input("et langt og godt passord")
    app.button[0].click().run()
    assert errors_of(app) == []
    assert [s.value for s in app.success] == ["Passordet er byttet."]
    assert [i.value for i in app.text_input] == ["", ""]
    with db.session_scope() as session:
        assert get_user(session, "kari").password_hash


# --- the change board -----------------------------------------------------------------------------------------


def test_a_cross_topic_is_raised_once(db_url):
    app = render("admin/changeboard/pages/settings.py", make_actor("security", username="sikker"))
    field(app.text_input, "Tittel", "topic").input("Ny trusselvurdering for Fiks-plattformen")
    field(app.text_area, "Beskrivelse", "topic").input("NSMs råd fra mars")
    press(app, "Meld inn tema", "topic")
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert [(c.title, c.area) for c in session.scalars(select(ChangeTopic))] == [
            ("Ny trusselvurdering for Fiks-plattformen", "security")]
    assert field(app.text_input, "Tittel", "topic").value == ""
    field(app.text_input, "Tittel", "topic").input("Ny trusselvurdering for Fiks-plattformen")
    field(app.text_area, "Beskrivelse", "topic").input("NSMs råd fra mars")
    press(app, "Meld inn tema", "topic")
    assert rows(ChangeTopic) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_new_change_item_is_saved_once_and_a_refused_one_keeps_its_fields(db_url):
    app = render("admin/changeboard/pages/items.py", make_actor("portfolio", username="pia"))
    field(app.text_input, "Tittel", "new-item").input("Ny")                   # too short
    field(app.text_area, "Beskrivelse", "new-item").input("Oppgradering av databasen")
    press(app, "Lagre", "new-item")
    assert errors_of(app)
    assert rows(ChangeItem) == 0
    assert field(app.text_area, "Beskrivelse", "new-item").value == "Oppgradering av databasen"

    field(app.text_input, "Tittel", "new-item").input("Oppgradering av PostgreSQL til 17")
    press(app, "Lagre", "new-item")
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert [(i.title, i.description, i.created_by) for i in session.scalars(select(ChangeItem))] == [
            ("Oppgradering av PostgreSQL til 17", "Oppgradering av databasen", "pia")]
    assert field(app.text_input, "Tittel", "new-item").value == ""
    field(app.text_input, "Tittel", "new-item").input("Oppgradering av PostgreSQL til 17")
    field(app.text_area, "Beskrivelse", "new-item").input("Oppgradering av databasen")
    press(app, "Lagre", "new-item")
    assert rows(ChangeItem) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_freeze_override_is_recorded_once(db_url, system):
    with db.session_scope(actor=system) as session:
        cb.save_freeze(session, system, {"name": "Julefrys", "start_date": date(2030, 12, 20),
                                         "end_date": date(2031, 1, 2), "service_code": None, "reason": "Jul"})
        item = cb.create_item(session, system, {
            "title": "Sertifikatbytte SvarUt", "source": "operations", "change_type": "normal",
            "planned_start": datetime(2030, 12, 22, 20), "planned_end": datetime(2030, 12, 22, 22),
            "service_codes": ["svarut"]})
        item_id = item.id
    app = render("admin/changeboard/pages/items.py", make_actor("leader", username="leder"))
    next(s for s in app.selectbox if s.label == "Velg endring").set_value(item_id).run()
    field(app.text_area, "Begrunnelse", f"override-{item_id}").input("Sertifikatet går ut 24. desember")
    press(app, "Overstyr frysen", f"override-{item_id}")
    assert errors_of(app) == []
    assert rows(FreezeOverride) == 1
    assert field(app.text_area, "Begrunnelse", f"override-{item_id}").value == ""
    field(app.text_area, "Begrunnelse", f"override-{item_id}").input("Sertifikatet går ut 24. desember")
    press(app, "Overstyr frysen", f"override-{item_id}")
    assert rows(FreezeOverride) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


@pytest.fixture
def demo_changes(db_url, system):
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [support_demo.load_demo, changeboard_demo.load_demo])
    return db_url


def test_a_decision_in_the_minutes_is_recorded_once(demo_changes):
    app = render("admin/changeboard/pages/agenda.py", make_actor("portfolio", username="pia"))
    point = next(s for s in app.selectbox if s.label == "Punkt på agendaen")
    form = f"decision-{app.date_input[0].value}-{point.value}"
    before = rows(ChangeDecision)
    field(app.radio, "Vedtak", form).set_value("noted")
    field(app.text_area, "Merknad", form).input("Tas med i neste rapport")
    press(app, "Før i referatet", form)
    assert errors_of(app) == []
    assert rows(ChangeDecision, ChangeDecision.note == "Tas med i neste rapport") == 1
    assert field(app.text_area, "Merknad", form).value == ""
    field(app.radio, "Vedtak", form).set_value("noted")
    field(app.text_area, "Merknad", form).input("Tas med i neste rapport")
    press(app, "Før i referatet", form)
    assert rows(ChangeDecision) == before + 1
    assert ALREADY_SAVED in [i.value for i in app.info]


@pytest.fixture
def approved(db_url, system):
    return approve_two(system)


def test_an_approved_change_request_is_sent_to_the_change_board_once_from_the_page(approved):
    actor = make_actor("product_owner", username="kari", owned=("svarut",))
    app = render("agreements/pages/change_requests.py", actor)
    app.selectbox(key="send-choose").set_value(approved["varsel"]).run()
    app.radio(key="send-kind").set_value("change_board").run()
    form = f"send-{approved['varsel']}-change_board"
    field(app.text_area, "Merknad til endringsrådet", form).input("Haster før jul.")
    press(app, "Send", form)
    assert errors_of(app) == []
    with db.session_scope() as session:
        [item] = session.scalars(select(ChangeItem)).all()
        assert (item.change_request_id, item.description.endswith("Haster før jul.")) == (approved["varsel"], True)
    assert [o.split(" ")[0] for o in app.selectbox(key="send-choose").options] == [f"#{approved['statistikk']}"]
