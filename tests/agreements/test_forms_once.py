"""The agreement pages' create forms (issue 20, "Forms that behave"): a saved form is drawn empty, the same
form saved twice makes one row, a refused save keeps what was typed. Real pages through AppTest."""
from datetime import date

import pytest
from sqlalchemy import select

from agreements import agreements, appendices, change_requests
from agreements.models import (
    AppendixVersion,
    ChangeRequest,
    CouncilMember,
    DpaVersion,
    RoadmapItem,
    ServiceAppendix,
    UserMeeting,
)
from data import db
from tests.agreements.helpers import OWNER, add_appendix, municipality, sign_main
from tests.pages import errors_of, in_form, press_in_form, render, row_count

ALREADY_SAVED = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."


rows, field, press = row_count, in_form, press_in_form


@pytest.fixture
def alesund(db_url, system):
    """Ålesund and Tromsø with main agreements and SvarUt appendices in force; returns Ålesund's id."""
    with db.session_scope(actor=system) as session:
        alesund, tromso = municipality(session, "1508"), municipality(session, "5501")
        for org in (alesund, tromso):
            sign_main(session, org)
        add_appendix(session, tromso, "svarut", date(2024, 1, 1))
        add_appendix(session, alesund, "svarut", date(2024, 1, 1))
        return alesund.id


def test_a_new_change_request_is_saved_once_and_the_form_starts_empty(alesund):
    app = render("agreements/pages/change_requests.py", OWNER)
    app.selectbox(key="cr-new-service").set_value("svarut").run()
    field(app.text_input, "Tittel", "cr-new-svarut").input("Varsel ved ulest brev")
    field(app.text_input, "Meldt av", "cr-new-svarut").input("Kari Nordmann")
    press(app, "Lagre", "cr-new-svarut")
    assert errors_of(app) == []
    with db.session_scope() as session:
        saved = session.scalars(select(ChangeRequest)).all()
        assert [(r.title, r.submitted_by, r.status, r.service.code) for r in saved] == [
            ("Varsel ved ulest brev", "Kari Nordmann", "new", "svarut")]
    assert field(app.text_input, "Tittel", "cr-new-svarut").value == ""       # drawn empty for the next one
    assert field(app.text_input, "Meldt av", "cr-new-svarut").value == ""

    field(app.text_input, "Tittel", "cr-new-svarut").input("Varsel ved ulest brev")
    field(app.text_input, "Meldt av", "cr-new-svarut").input("Kari Nordmann")
    press(app, "Lagre", "cr-new-svarut")                                   # the same request filled in again
    assert rows(ChangeRequest) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_refused_change_request_keeps_what_was_typed(alesund):
    app = render("agreements/pages/change_requests.py", OWNER)
    app.selectbox(key="cr-new-service").set_value("svarut").run()
    field(app.text_input, "Tittel", "cr-new-svarut").input("Eksport til Excel")
    field(app.text_area, "Beskrivelse", "cr-new-svarut").input("Alle kolonnene, også merknader")
    press(app, "Lagre", "cr-new-svarut")                                   # "Meldt av" is missing
    assert "1 feil funnet. Ingenting er lagret. Rett feilene og prøv igjen." in errors_of(app)
    assert rows(ChangeRequest) == 0
    assert field(app.text_input, "Tittel", "cr-new-svarut").value == "Eksport til Excel"
    assert field(app.text_area, "Beskrivelse", "cr-new-svarut").value == "Alle kolonnene, også merknader"


def test_a_new_roadmap_item_is_saved_once(alesund):
    app = render("agreements/pages/change_requests.py", OWNER)
    field(app.selectbox, "Tjeneste", "rm-new").set_value("svarut")
    field(app.number_input, "År", "rm-new").set_value(2027)
    field(app.selectbox, "Kvartal", "rm-new").set_value(2)
    field(app.text_input, "Tittel", "rm-new").input("Varsling på SMS")
    press(app, "Lagre", "rm-new")
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert [(i.title, i.year, i.quarter) for i in session.scalars(select(RoadmapItem))] == [
            ("Varsling på SMS", 2027, 2)]
    assert field(app.text_input, "Tittel", "rm-new").value == ""
    field(app.selectbox, "Tjeneste", "rm-new").set_value("svarut")
    field(app.number_input, "År", "rm-new").set_value(2027)
    field(app.selectbox, "Kvartal", "rm-new").set_value(2)
    field(app.text_input, "Tittel", "rm-new").input("Varsling på SMS")
    press(app, "Lagre", "rm-new")
    assert rows(RoadmapItem) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_new_appendix_is_saved_once_and_a_refused_one_keeps_its_fields(alesund):
    app = render("agreements/pages/agreements.py", OWNER)
    before = rows(ServiceAppendix)
    field(app.text_input, "Vedleggsversjon", "app-new").input("2.1")
    field(app.date_input, "Startdato", "app-new").set_value(date(2025, 3, 1))
    press(app, "Lagre", "app-new")                                         # no organisation chosen
    assert "Velg virksomhet." in errors_of(app)
    assert rows(ServiceAppendix) == before
    assert field(app.text_input, "Vedleggsversjon", "app-new").value == "2.1"
    assert field(app.date_input, "Startdato", "app-new").value == date(2025, 3, 1)

    field(app.selectbox, "Virksomhet", "app-new").set_value(alesund)
    field(app.selectbox, "Tjeneste", "app-new").set_value("digisos")
    press(app, "Lagre", "app-new")
    assert errors_of(app) == []
    with db.session_scope() as session:
        new = session.scalars(select(ServiceAppendix).where(ServiceAppendix.organisation_id == alesund,
                                                            ServiceAppendix.appendix_version == "2.1")).all()
        assert [(a.service.code, a.status, a.start_date) for a in new] == [("digisos", "draft", date(2025, 3, 1))]
    assert field(app.text_input, "Vedleggsversjon", "app-new").value == ""
    assert field(app.date_input, "Startdato", "app-new").value is None

    field(app.selectbox, "Virksomhet", "app-new").set_value(alesund)
    field(app.selectbox, "Tjeneste", "app-new").set_value("digisos")
    field(app.text_input, "Vedleggsversjon", "app-new").input("2.1")
    field(app.date_input, "Startdato", "app-new").set_value(date(2025, 3, 1))
    press(app, "Lagre", "app-new")
    assert rows(ServiceAppendix) == before + 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_new_appendix_version_is_issued_once_with_who_must_resign(alesund):
    app = render("agreements/pages/agreements.py", OWNER)
    app.selectbox(key="ver-service").set_value("svarut").run()
    field(app.text_input, "Vedleggsversjon", "issue-svarut").input("3.0")
    field(app.date_input, "Utgitt", "issue-svarut").set_value(date(2025, 6, 1))
    field(app.text_area, "Hva er endret", "issue-svarut").input("Nye vilkår for arkivering")
    press(app, "Utgi ny versjon", "issue-svarut")
    assert errors_of(app) == []
    assert "Ny versjon registrert. 2 virksomheter må signere på nytt." in [s.value for s in app.success]
    assert rows(AppendixVersion) == 1
    assert field(app.text_input, "Vedleggsversjon", "issue-svarut").value == ""
    field(app.text_input, "Vedleggsversjon", "issue-svarut").input("3.0")
    field(app.date_input, "Utgitt", "issue-svarut").set_value(date(2025, 6, 1))
    field(app.text_area, "Hva er endret", "issue-svarut").input("Nye vilkår for arkivering")
    press(app, "Utgi ny versjon", "issue-svarut")
    assert rows(AppendixVersion) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_new_processing_agreement_version_is_added_once(alesund):
    app = render("agreements/pages/agreements.py", OWNER)
    app.selectbox(key="dpa-service").set_value("svarut").run()
    field(app.text_input, "Versjon", "dpa-version-svarut").input("DBA 2025")
    press(app, "Registrer ny versjon", "dpa-version-svarut")
    assert errors_of(app) == []
    assert rows(DpaVersion) == 1
    assert field(app.text_input, "Versjon", "dpa-version-svarut").value == ""
    field(app.text_input, "Versjon", "dpa-version-svarut").input("DBA 2025")
    press(app, "Registrer ny versjon", "dpa-version-svarut")
    assert rows(DpaVersion) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_user_meeting_is_called_once_on_the_next_date_in_the_series(alesund):
    app = render("agreements/pages/councils.py", OWNER)
    app.selectbox(key="council-service").set_value("svarut").run()
    when = field(app.date_input, "Dato", "um-new-svarut").value
    assert when > date.today()                                            # the next one, not today
    field(app.text_input, "Sted", "um-new-svarut").input("Teams")
    press(app, "Kall inn", "um-new-svarut")
    assert errors_of(app) == []
    with db.session_scope() as session:
        [meeting] = session.scalars(select(UserMeeting)).all()
        assert (meeting.meeting_date, meeting.location, len(meeting.invitees)) == (when, "Teams", 2)
    assert field(app.text_input, "Sted", "um-new-svarut").value == ""
    field(app.date_input, "Dato", "um-new-svarut").set_value(when)
    field(app.text_input, "Sted", "um-new-svarut").input("Teams")
    field(app.text_input, "Navn på brukermøtet", "um-new-svarut").input(meeting.title)
    press(app, "Kall inn", "um-new-svarut")
    assert rows(UserMeeting) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_council_member_is_added_once_and_a_refused_one_keeps_the_name(alesund):
    app = render("agreements/pages/councils.py", OWNER)
    app.selectbox(key="council-service").set_value("svarut").run()
    field(app.text_input, "Navn", "member-svarut").input("Åse Ødegård")
    field(app.text_input, "E-post", "member-svarut").input("ikke-en-adresse")
    press(app, "Legg til medlem", "member-svarut")
    assert errors_of(app)                                                 # a bad e-mail address
    assert rows(CouncilMember) == 0
    assert field(app.text_input, "Navn", "member-svarut").value == "Åse Ødegård"

    field(app.text_input, "E-post", "member-svarut").input("ase.odegard@alesund.kommune.no")
    field(app.selectbox, "Virksomhet", "member-svarut").set_value(alesund)
    press(app, "Legg til medlem", "member-svarut")
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert [(m.person_name, m.organisation_id) for m in session.scalars(select(CouncilMember))] == [
            ("Åse Ødegård", alesund)]
    assert field(app.text_input, "Navn", "member-svarut").value == ""
    field(app.text_input, "Navn", "member-svarut").input("Åse Ødegård")
    field(app.text_input, "E-post", "member-svarut").input("ase.odegard@alesund.kommune.no")
    field(app.selectbox, "Virksomhet", "member-svarut").set_value(alesund)
    press(app, "Legg til medlem", "member-svarut")
    assert rows(CouncilMember) == 1
    assert ALREADY_SAVED in [i.value for i in app.info]


# --- search boxes fold case and diacritics as every page does ---------------------------------------------


@pytest.mark.parametrize(("typed", "found"), [("alesund", "Ålesund"), ("TROMSO", "Tromsø"), ("baerum", "Bærum")])
def test_the_agreement_search_boxes_fold_accents_and_case(db_url, system, typed, found):
    with db.session_scope(actor=system) as session:
        for number in ("1508", "5501", "3201"):                          # Ålesund, Tromsø, Bærum
            org = municipality(session, number)
            sign_main(session, org)
            add_appendix(session, org, "svarut", date(2024, 1, 1))
            change_requests.save_change_request(session, OWNER, {
                "service_code": "svarut", "organisation_id": org.id, "title": f"Innsyn for {org.name}",
                "submitted_by": "Kari Nordmann", "submitted_on": date(2025, 2, 5)})
    app = render("agreements/pages/agreements.py", OWNER)
    app.text_input(key="main-search").input(typed).run()
    main = next(d.value for d in app.dataframe if "org_number" in d.value.columns)
    assert list(main["name"]) == [found]
    app.text_input(key="app-search").input(typed).run()
    appendix = next(d.value for d in app.dataframe if "organisation" in d.value.columns)
    assert list(appendix["organisation"]) == [found]

    app = render("agreements/pages/councils.py", OWNER)
    app.selectbox(key="council-service").set_value("svarut").run()
    app.text_input(key="um-search").input(typed).run()
    meeting = next(d.value for d in app.dataframe if "contact_email" in d.value.columns)
    assert list(meeting["name"]) == [found]

    app = render("agreements/pages/change_requests.py", OWNER)
    app.text_input(key="cr-search").input(typed).run()
    requests = next(d.value for d in app.dataframe if "submitted_by" in d.value.columns)
    assert list(requests["title"]) == [f"Innsyn for {found}"]


@pytest.mark.both_databases
def test_the_searches_fold_diacritics_on_both_databases(session):
    for number in ("1508", "5501", "3201"):                              # Ålesund, Tromsø, Bærum
        org = municipality(session, number)
        sign_main(session, org)
        add_appendix(session, org, "svarut", date(2024, 1, 1))
        change_requests.save_change_request(session, OWNER, {
            "service_code": "svarut", "organisation_id": org.id, "title": f"Innsyn for {org.name}",
            "submitted_by": "Kari Nordmann", "submitted_on": date(2025, 2, 5)})
    for typed, found in (("alesund", "Ålesund"), ("tromso", "Tromsø"), ("BAERUM", "Bærum"), ("ålesund", "Ålesund")):
        assert [r["name"] for r in agreements.main_agreement_rows(session, search=typed)] == [found]
        assert [r["organisation"] for r in appendices.appendix_rows(session, search=typed)] == [found]
        assert [r["title"] for r in change_requests.change_request_rows(session, search=typed)] == [
            f"Innsyn for {found}"]
    assert agreements.main_agreement_rows(session, search="alesundx") == []
