"""Three agreement forms with tests of their own (issue 20, "Forms that behave"): the council election, the
re-signing of an appendix on a new version and the signature of a data processing agreement. Each is filled in
on the real page (AppTest): saved once with the typed values and drawn empty, the same values again make no
second row, a refused save says why in plain words and keeps what was typed, and who may not write sees no form.
Besides: the default day of a service's first user meeting."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from agreements import appendices, meetings, processing
from agreements.models import CouncilMember, DpaSignature, ServiceAppendix, UserMeeting
from data import db
from tests.agreements.helpers import OWNER, add_appendix, municipality, sign_main
from tests.conftest import make_actor
from tests.pages import errors_of, in_form, press_in_form, render, row_count

ALREADY_SAVED = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."
OTHER_OWNER = make_actor("product_owner", username="po-digisos", owned=("digisos",))   # not SvarUt's owner
LEADER = make_actor("leader", username="leder")

# Oslo, Bergen, Ålesund, Bodø, Tromsø, Midt-Telemark and both Herøys (Møre og Romsdal, Nordland)
NUMBERS = ("0301", "4601", "1508", "1804", "5501", "4020", "1515", "1818")

field, press, rows = in_form, press_in_form, row_count


@pytest.fixture
def svarut(db_url, system):
    """Eight municipalities with SvarUt appendices 1.0 in force since 2020; appendix version 3.0 issued and data
    processing agreement "DBA 2025" in force, so all eight must re-sign and sign. {number: (id, label)}, the
    label as the forms name the organisation."""
    with db.session_scope(actor=system) as session:
        found = {}
        for number in NUMBERS:
            org = municipality(session, number)
            sign_main(session, org)
            add_appendix(session, org, "svarut", date(2020, 1, 1))
            found[number] = (org.id, f"{org.name} ({org.org_number})")
        appendices.issue_appendix_version(session, OWNER, {"service_code": "svarut", "version": "3.0",
                                                           "issued_on": date(2025, 6, 1)})
        processing.add_version(session, OWNER, {"service_code": "svarut", "label": "DBA 2025",
                                                "valid_from": date(2025, 1, 1)})
        return found


def _ballot(people: list[tuple[str, str, str | None]], email: str | None = None) -> dict:
    """A ballot filled in as a user would: the six rows drawn (the first one's role is chair) and a row added
    with "+" for each beyond six (its empty cells come as NaN). people: (name, organisation label, role)."""
    edits = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    for number, (name, organisation, role) in enumerate(people):
        row = {"person_name": name, "organisation": organisation}
        if role:
            row["role"] = role
        if email and number == 1:
            row["email"] = email
        if number < 6:
            edits["edited_rows"][number] = row
        else:
            edits["added_rows"].append(row)
    return edits


def _council_page(actor=OWNER):
    app = render("agreements/pages/councils.py", actor)
    app.selectbox(key="council-service").set_value("svarut").run()
    return app


def _elect(app, round_: int, people, term_from: date, term_to: date | None, email: str | None = None):
    app.session_state[f"elect-svarut-{round_}-ballot"] = _ballot(people, email)
    field(app.date_input, "Periode fra", "elect-svarut").set_value(term_from)
    field(app.date_input, "Periode til", "elect-svarut").set_value(term_to)
    return press(app, "Velg nytt brukerråd", "elect-svarut")


def _members() -> list[tuple]:
    with db.session_scope() as session:
        return sorted((m.person_name, m.organisation_id, m.role, m.email, m.term_from, m.term_to, m.elected_at_id)
                      for m in session.scalars(select(CouncilMember)))


# --- the council election (brukerråd) -----------------------------------------------------------------------


def test_a_council_is_elected_once_with_a_deputy_added_and_the_ballot_starts_empty(svarut):
    people = [("Kari Nordmann", svarut["0301"][1], None), ("Ola Berg", svarut["4601"][1], None),
              ("Åse Ødegård", svarut["1508"][1], None), ("Per Bodø", svarut["1804"][1], None),
              ("Siri Nord", svarut["5501"][1], None), ("Vara Vestby", svarut["4020"][1], "Vara"),
              ("Vara Herøy", svarut["1818"][1], "Vara")]        # a row added with "+", its e-mail left empty
    app = _council_page()
    _elect(app, 0, people, date(2027, 1, 1), date(2028, 12, 31), email="ola.berg@bergen.kommune.no")
    assert errors_of(app) == []
    assert "Nytt brukerråd er registrert." in [toast.value for toast in app.toast]
    term = (date(2027, 1, 1), date(2028, 12, 31), None)
    assert _members() == sorted([
        ("Kari Nordmann", svarut["0301"][0], "chair", None, *term),
        ("Ola Berg", svarut["4601"][0], "member", "ola.berg@bergen.kommune.no", *term),
        ("Åse Ødegård", svarut["1508"][0], "member", None, *term),
        ("Per Bodø", svarut["1804"][0], "member", None, *term),
        ("Siri Nord", svarut["5501"][0], "member", None, *term),
        ("Vara Vestby", svarut["4020"][0], "deputy", None, *term),
        ("Vara Herøy", svarut["1818"][0], "deputy", None, *term)])
    ballot = app.data_editor(key="elect-svarut-1-ballot")                # a new, empty ballot is drawn
    assert list(ballot.value["person_name"]) == [""] * 6
    assert field(app.date_input, "Periode til", "elect-svarut").value is None

    _elect(app, 1, people, date(2027, 1, 1), date(2028, 12, 31), email="ola.berg@bergen.kommune.no")
    assert ALREADY_SAVED in [i.value for i in app.info]                   # the same ballot again: nothing new
    assert rows(CouncilMember) == 7


def test_a_refused_election_says_why_in_plain_words_and_keeps_the_ballot(svarut):
    app = _council_page()
    few = [("Kari Nordmann", svarut["0301"][1], None), ("Ola Berg", svarut["4601"][1], None),
           ("Åse Ødegård", "", None)]                                     # no organisation chosen
    _elect(app, 0, few, date(2027, 1, 1), None)
    assert errors_of(app) == ["Velg virksomhet for Åse Ødegård. Ingenting er lagret."]
    assert rows(CouncilMember) == 0
    assert app.session_state["elect-svarut-0-ballot"] == _ballot(few)    # the same ballot, as typed
    assert field(app.date_input, "Periode fra", "elect-svarut").value == date(2027, 1, 1)

    few[2] = ("Åse Ødegård", svarut["1508"][1], None)
    _elect(app, 0, few, date(2027, 1, 1), None, email="ikke-en-adresse")
    assert errors_of(app) == ["1 feil funnet. Ingenting er lagret. Rett feilene og prøv igjen."]
    assert _problems(app) == ["«ikke-en-adresse» er ikke en gyldig e-postadresse."]
    assert app.session_state["elect-svarut-0-ballot"] == _ballot(few, "ikke-en-adresse")

    _elect(app, 0, few, date(2027, 1, 1), None, email="ola.berg@bergen.kommune.no")   # three are too few
    assert _problems(app) == ["Brukerrådet må ha 5–8 medlemmer, men har 3 (krav: 5–8; varamedlemmer telles ikke)."]
    assert rows(CouncilMember) == 0
    assert app.session_state["elect-svarut-0-ballot"] == _ballot(few, "ola.berg@bergen.kommune.no")
    assert app.data_editor(key="elect-svarut-0-ballot")                   # the ballot was not drawn anew


def _problems(app) -> list[str]:
    """The messages of the table of problems a refused ballot shows."""
    return list(next(d.value for d in app.dataframe if "message" in d.value.columns)["message"])


def test_two_organisations_called_heroy_are_told_apart_on_the_ballot(svarut):
    people = [("Kari Nordmann", svarut["0301"][1], None), ("Ola Berg", svarut["4601"][1], None),
              ("Åse Ødegård", svarut["1508"][1], None), ("Hanne Herøy", svarut["1515"][1], None),
              ("Harald Herøy", svarut["1818"][1], None)]
    app = _council_page()
    columns = json.loads(app.data_editor(key="elect-svarut-0-ballot").proto.columns)
    options = columns["organisation"]["type_config"]["options"]
    assert svarut["1515"][1] in options and svarut["1818"][1] in options
    _elect(app, 0, people, date(2027, 1, 1), None)
    assert errors_of(app) == []
    assert {name: org for name, org, *_ in _members()} == {
        "Kari Nordmann": svarut["0301"][0], "Ola Berg": svarut["4601"][0], "Åse Ødegård": svarut["1508"][0],
        "Hanne Herøy": svarut["1515"][0], "Harald Herøy": svarut["1818"][0]}


def test_the_user_meeting_elects_the_council_once(svarut):
    with db.session_scope(actor=OWNER) as session:
        meeting_id = meetings.create_user_meeting(session, OWNER, {
            "service_code": "svarut", "meeting_date": date(2026, 3, 10), "title": "Brukermøte SvarUt 2026"}).id
    form = f"um-elect-{meeting_id}"
    people = [("Kari Nordmann", svarut["0301"][1], None), ("Ola Berg", svarut["4601"][1], None),
              ("Åse Ødegård", svarut["1508"][1], None), ("Per Bodø", svarut["1804"][1], None),
              ("Siri Nord", svarut["5501"][1], None), ("Vara Vestby", svarut["4020"][1], "Vara")]
    app = _council_page()
    app.session_state[f"{form}-0-ballot"] = _ballot(people)
    field(app.date_input, "Periode fra", form).set_value(date(2026, 2, 1))   # before the meeting
    press(app, "Velg nytt brukerråd", form)
    assert errors_of(app) == ["1 feil funnet. Ingenting er lagret. Rett feilene og prøv igjen."]
    assert rows(CouncilMember) == 0
    assert field(app.date_input, "Periode fra", form).value == date(2026, 2, 1)

    field(app.date_input, "Periode fra", form).set_value(date(2026, 4, 1))
    press(app, "Velg nytt brukerråd", form)
    assert errors_of(app) == []
    assert [(name, role, start, at) for name, _, role, _, start, _, at in _members()] == sorted(
        (name, "deputy" if role else ("chair" if name == "Kari Nordmann" else "member"), date(2026, 4, 1),
         meeting_id) for name, _, role in people)
    assert list(app.data_editor(key=f"{form}-1-ballot").value["person_name"]) == [""] * 8
    app.session_state[f"{form}-1-ballot"] = _ballot(people)
    field(app.date_input, "Periode fra", form).set_value(date(2026, 4, 1))
    press(app, "Velg nytt brukerråd", form)
    assert ALREADY_SAVED in [i.value for i in app.info]
    assert rows(CouncilMember) == 6


@pytest.mark.parametrize("actor", [OTHER_OWNER, LEADER], ids=["other-owner", "leader"])
def test_who_may_not_write_the_council_sees_no_election(svarut, actor):
    app = _council_page(actor)
    assert errors_of(app) == []
    assert not [b for b in app.button if b.form_id.startswith(("elect-", "um-elect-"))]
    assert not app.data_editor


# --- re-signing an appendix on the newest version ----------------------------------------------------------


def _appendices_of(org_id: int) -> list[tuple]:
    with db.session_scope() as session:
        return [(a.appendix_version, a.status, a.signed_date, a.start_date, a.end_date)
                for a in session.scalars(select(ServiceAppendix).where(ServiceAppendix.organisation_id == org_id)
                                         .order_by(ServiceAppendix.start_date))]


def _appendix_id(org_id: int) -> int:
    with db.session_scope() as session:
        return session.scalar(select(ServiceAppendix.id).where(ServiceAppendix.organisation_id == org_id))


def _versions_tab(actor=OWNER):
    app = render("agreements/pages/agreements.py", actor)
    app.selectbox(key="ver-service").set_value("svarut").run()
    return app


def _resign(app, appendix_id, signed: date, starts: date):
    field(app.selectbox, "Virksomhet", "resign-svarut").set_value(appendix_id)
    field(app.date_input, "Vedlegg signert", "resign-svarut").set_value(signed)
    field(app.date_input, "Startdato", "resign-svarut").set_value(starts)
    return press(app, "Registrer ny signering", "resign-svarut")


def test_a_re_signing_is_recorded_once_and_the_organisation_leaves_the_list(svarut):
    alesund = svarut["1508"][0]
    old = _appendix_id(alesund)
    before = rows(ServiceAppendix)
    app, stale = _versions_tab(), _versions_tab()                       # the same page open in a second tab
    _resign(app, old, date(2025, 5, 20), date(2025, 6, 1))
    assert errors_of(app) == []
    assert _appendices_of(alesund) == [("1.0", "signed", date(2020, 1, 1), date(2020, 1, 1), date(2025, 5, 31)),
                                       ("3.0", "signed", date(2025, 5, 20), date(2025, 6, 1), None)]
    assert rows(ServiceAppendix) == before + 1
    chooser = field(app.selectbox, "Virksomhet", "resign-svarut")
    assert chooser.value is None and svarut["1508"][1] not in chooser.options   # drawn empty, Ålesund done
    assert len(chooser.options) == 7
    assert field(app.date_input, "Startdato", "resign-svarut").value == date.today()

    _resign(stale, old, date(2025, 5, 20), date(2025, 6, 1))            # the same re-signing from the old tab
    assert rows(ServiceAppendix) == before + 1
    assert errors_of(stale) == ["Velg virksomhet."]                    # Ålesund is no longer on the list
    assert field(stale.date_input, "Startdato", "resign-svarut").value == date(2025, 6, 1)


def test_a_stale_re_signing_list_never_re_signs_another_organisation(svarut):
    """Tab 1 chooses Ålesund; meanwhile tab 2 re-signs Bergen, which leaves the list. Tab 1's save is Ålesund's."""
    first, second = _versions_tab(), _versions_tab()
    field(first.selectbox, "Virksomhet", "resign-svarut").set_value(_appendix_id(svarut["1508"][0]))
    _resign(second, _appendix_id(svarut["4601"][0]), date(2025, 5, 2), date(2025, 6, 1))
    assert errors_of(second) == []
    field(first.date_input, "Startdato", "resign-svarut").set_value(date(2025, 7, 1))
    press(first, "Registrer ny signering", "resign-svarut")
    assert errors_of(first) == []
    with db.session_scope() as session:
        assert sorted(session.execute(select(ServiceAppendix.organisation_id, ServiceAppendix.start_date)
                                      .where(ServiceAppendix.appendix_version == "3.0")).all()) == sorted([
            (svarut["4601"][0], date(2025, 6, 1)), (svarut["1508"][0], date(2025, 7, 1))])


def test_a_refused_re_signing_says_why_and_keeps_the_dates(svarut):
    app = _versions_tab()
    before = rows(ServiceAppendix)
    _resign(app, _appendix_id(svarut["1508"][0]), date(2019, 12, 1), date(2019, 12, 1))
    assert errors_of(app) == ["Ny versjon må starte etter at det gjeldende vedlegget startet (01.01.2020)."]
    assert rows(ServiceAppendix) == before
    assert field(app.selectbox, "Virksomhet", "resign-svarut").value == _appendix_id(svarut["1508"][0])
    assert field(app.date_input, "Vedlegg signert", "resign-svarut").value == date(2019, 12, 1)
    assert field(app.date_input, "Startdato", "resign-svarut").value == date(2019, 12, 1)

    field(app.selectbox, "Virksomhet", "resign-svarut").set_value(None)
    press(app, "Registrer ny signering", "resign-svarut")
    assert errors_of(app) == ["Velg virksomhet."]


def test_a_re_signing_cannot_start_after_a_fixed_term_ends(db_url, system):
    with db.session_scope(actor=system) as session:
        bodo = municipality(session, "1804")
        sign_main(session, bodo)
        ends = date.today() + timedelta(days=60)
        appendix = add_appendix(session, bodo, "svarut", date(2020, 1, 1), ends)
        appendix_id = appendix.id
        appendices.issue_appendix_version(session, OWNER, {"service_code": "svarut", "version": "3.0",
                                                           "issued_on": date(2025, 6, 1)})
    app = _versions_tab()
    _resign(app, appendix_id, date(2025, 5, 2), ends + timedelta(days=1))
    assert errors_of(app) == [f"Ny versjon må starte senest den dagen det gjeldende vedlegget slutter "
                              f"({ends:%d.%m.%Y})."]
    assert rows(ServiceAppendix) == 1


@pytest.mark.parametrize("actor", [OTHER_OWNER, LEADER], ids=["other-owner", "leader"])
def test_who_may_not_write_the_service_sees_no_re_signing_or_signature_form(svarut, actor):
    app = _versions_tab(actor)
    app.selectbox(key="dpa-service").set_value("svarut").run()
    assert errors_of(app) == []
    assert not [b for b in app.button if b.form_id.startswith(("resign-", "dpa-sign-", "issue-", "dpa-version-"))]


# --- signing the data processing agreement ------------------------------------------------------------------


def _dpa_tab(actor=OWNER):
    app = render("agreements/pages/agreements.py", actor)
    app.selectbox(key="dpa-service").set_value("svarut").run()
    return app


def _sign(app, org_id, label: str, signed: date):
    field(app.selectbox, "Virksomhet", "dpa-sign-svarut").set_value(org_id)
    field(app.selectbox, "Versjon", "dpa-sign-svarut").set_value(label)
    field(app.date_input, "Signert dato", "dpa-sign-svarut").set_value(signed)
    return press(app, "Registrer signering", "dpa-sign-svarut")


def _signatures() -> list[tuple]:
    with db.session_scope() as session:
        return [(s.organisation_id, s.version.label, s.signed_date, s.recorded_by)
                for s in session.scalars(select(DpaSignature))]


def test_a_processing_agreement_signature_is_recorded_once(svarut):
    alesund = svarut["1508"][0]
    app = _dpa_tab()
    assert "8 virksomheter har ikke signert versjon DBA 2025." in [c.value for c in app.caption]
    _sign(app, alesund, "DBA 2025", date(2025, 3, 14))
    assert errors_of(app) == []
    assert _signatures() == [(alesund, "DBA 2025", date(2025, 3, 14), "po")]
    assert "7 virksomheter har ikke signert versjon DBA 2025." in [c.value for c in app.caption]
    assert field(app.selectbox, "Virksomhet", "dpa-sign-svarut").value is None     # drawn empty
    assert field(app.date_input, "Signert dato", "dpa-sign-svarut").value == date.today()

    _sign(app, alesund, "DBA 2025", date(2025, 3, 14))                              # the same again
    assert ALREADY_SAVED in [i.value for i in app.info]
    assert rows(DpaSignature) == 1


def test_a_refused_signature_says_why_and_keeps_what_was_chosen(svarut):
    tromso = svarut["5501"][0]
    later = date.today() + timedelta(days=10)
    app = _dpa_tab()
    _sign(app, tromso, "DBA 2025", later)
    assert errors_of(app) == [f"Signeringsdatoen {later:%d.%m.%Y} er fram i tid. Ingenting er lagret."]
    assert rows(DpaSignature) == 0
    assert field(app.selectbox, "Virksomhet", "dpa-sign-svarut").value == tromso
    assert field(app.date_input, "Signert dato", "dpa-sign-svarut").value == later

    other = _dpa_tab()                                                     # another tab records it meanwhile
    _sign(other, tromso, "DBA 2025", date(2025, 2, 3))
    _sign(app, tromso, "DBA 2025", date(2025, 2, 3))
    assert errors_of(app) == ["Tromsø har allerede signert versjon DBA 2025. Ingenting er lagret."]
    assert rows(DpaSignature) == 1


def test_a_stale_signature_list_never_signs_for_another_organisation(svarut):
    """Tab 1 chooses Ålesund; meanwhile tab 2 signs for Bergen, which moves down the list. Tab 1 signs Ålesund."""
    first, second = _dpa_tab(), _dpa_tab()
    field(first.selectbox, "Virksomhet", "dpa-sign-svarut").set_value(svarut["1508"][0])
    _sign(second, svarut["4601"][0], "DBA 2025", date(2025, 2, 1))
    field(first.date_input, "Signert dato", "dpa-sign-svarut").set_value(date(2025, 3, 14))
    press(first, "Registrer signering", "dpa-sign-svarut")
    assert errors_of(first) == []
    assert sorted(_signatures()) == sorted([(svarut["4601"][0], "DBA 2025", date(2025, 2, 1), "po"),
                                            (svarut["1508"][0], "DBA 2025", date(2025, 3, 14), "po")])


# --- the first user meeting of a service --------------------------------------------------------------------


@pytest.mark.parametrize(("today", "first"), [
    (date(2026, 12, 7), date(2027, 1, 4)),      # a Monday: four weeks on is a Monday
    (date(2026, 12, 11), date(2027, 1, 8)),     # a Friday: a Friday
    (date(2026, 12, 12), date(2027, 1, 11)),    # a Saturday: four weeks on is a Saturday, so the Monday after
    (date(2026, 12, 13), date(2027, 1, 11)),    # a Sunday: the Monday after
])
def test_the_first_user_meeting_is_the_first_weekday_four_weeks_ahead(today, first):
    assert meetings.first_meeting_date(today) == first


def test_the_first_user_meeting_of_a_service_defaults_to_four_weeks_ahead_not_a_year(svarut):
    app = _council_page()
    expected = meetings.first_meeting_date(date.today())
    assert field(app.date_input, "Dato", "um-new-svarut").value == expected
    assert 28 <= (expected - date.today()).days <= 30 and expected.weekday() < 5
    assert field(app.text_input, "Navn på brukermøtet", "um-new-svarut").value.endswith(f" {expected.year}")
    field(app.text_input, "Sted", "um-new-svarut").input("Teams")
    press(app, "Kall inn", "um-new-svarut")
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert [(m.meeting_date, m.year) for m in session.scalars(select(UserMeeting))] == [
            (expected, expected.year)]
    following = field(app.date_input, "Dato", "um-new-svarut").value   # then the series: a year after
    assert following == expected + timedelta(days=365)
