"""Portfolio forms behave (one row per filled-in form, drawn empty after a save, what was typed kept when refused)
and the leader's approvals queue opens the gate or the scenario on its page with the decision at hand."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data import db
from data.access import system_actor
from portfolio import approvals, projects, scenarios
from portfolio.models import Baseline, Person, Project, ProjectDocument, Scenario
from portfolio.projects import GATES
from tests.conftest import make_actor
from tests.pages import ROOT, errors_of, render, row_count
from tests.portfolio.helpers import LEAD, LEADER, project

SAVED_BEFORE = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."
BOARD = "portfolio/pages/board.py"
SCENARIOS = "portfolio/pages/scenarios.py"
STAFFING = "portfolio/pages/staffing.py"


count = row_count


def field(app, label: str, kind: str = "text_input", index: int = 0):
    return [w for w in getattr(app, kind) if w.label == label][index]


def press(app, label: str):
    next(b for b in app.button if b.label == label).click().run()
    return app


def open_linked(path: str, actor, query: tuple[tuple[str, str], ...]):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / path), default_timeout=30)
    app.session_state["actor"] = actor
    app.session_state["language"] = "nb"
    for key, value in query:
        app.query_params[key] = value
    app.run()
    return app


def ready_gate() -> int:
    """A project in rollout with every document its gate asks for: it waits in the leader's queue."""
    with db.session_scope(actor=system_actor("oppsett")) as s:
        made = project(s, "Ny innsynsløsning", date(2026, 1, 1), date(2027, 12, 31), service="digisos")
        made.phase = "rollout"
        s.flush()
        gate = GATES["rollout"]
        for kind in (*gate.documents, *gate.plain_language):
            projects.add_document(s, LEAD, made.id, {"kind": kind, "title": f"Dokument {kind}"})
        return made.id


# --- forms -------------------------------------------------------------------------------------------------


def test_a_new_project_is_created_once_and_the_form_is_drawn_empty(db_url):
    app = render(BOARD, LEAD)
    assert errors_of(app) == []
    field(app, "Prosjekt").input("Digital byggesøknad")
    field(app, "Tjenestekode").input("byggesak")
    press(app, "Opprett prosjekt")
    assert errors_of(app) == []
    with db.session_scope() as s:
        [made] = s.scalars(select(Project)).all()
        assert (made.name, made.service_code, made.phase, made.priority) == (
            "Digital byggesøknad", "byggesak", "planning", 1)
    assert field(app, "Prosjekt").value == "" and field(app, "Tjenestekode").value == ""
    field(app, "Prosjekt").input("Digital byggesøknad")
    field(app, "Tjenestekode").input("byggesak")
    press(app, "Opprett prosjekt")
    assert count(Project) == 1
    assert SAVED_BEFORE in [i.value for i in app.info]


def test_a_refused_project_keeps_what_was_typed(db_url):
    app = render(BOARD, LEAD)
    field(app, "Prosjekt").input("Digital byggesøknad")
    field(app, "Tjenestekode").input("Bygge sak!")                       # not a service code
    press(app, "Opprett prosjekt")
    assert app.error and count(Project) == 0
    assert field(app, "Prosjekt").value == "Digital byggesøknad"
    assert field(app, "Tjenestekode").value == "Bygge sak!"


def test_a_document_is_added_once_to_the_chosen_project(db_url):
    with db.session_scope(actor=system_actor("oppsett")) as s:
        project_id = project(s, "MinSide 2.0", date(2026, 1, 1), date(2026, 12, 31)).id
    app = render(BOARD, LEAD)
    app.selectbox(key="pf-board-project").set_value(project_id).run()
    field(app, "Tittel").input("Prosjektmandat MinSide")
    field(app, "Referanse").input("2026/114")
    press(app, "Legg til dokument")
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert [(d.title, d.reference, d.added_by) for d in s.scalars(select(ProjectDocument))] == [
            ("Prosjektmandat MinSide", "2026/114", "pia")]
    assert field(app, "Tittel").value == ""
    field(app, "Tittel").input("Prosjektmandat MinSide")
    field(app, "Referanse").input("2026/114")
    press(app, "Legg til dokument")
    assert count(ProjectDocument) == 1 and SAVED_BEFORE in [i.value for i in app.info]


def test_a_scenario_and_a_baseline_are_made_once(db_url):
    with db.session_scope(actor=system_actor("oppsett")) as s:
        project(s, "MinSide 2.0", date(2026, 1, 1), date(2026, 12, 31))
    app = render(SCENARIOS, LEAD)
    assert errors_of(app) == []
    field(app, "Navn").input("MinSide først")
    field(app, "Beskrivelse", "text_area").input("Flytter MinSide fram")
    press(app, "Lag scenario")
    assert errors_of(app) == []
    with db.session_scope() as s:
        [made] = s.scalars(select(Scenario)).all()
        assert (made.name, made.description, made.status) == ("MinSide først", "Flytter MinSide fram", "draft")
    assert app.selectbox(key="pf-scenario").value == made.id          # the new scenario opens
    assert field(app, "Navn").value == ""
    field(app, "Navn").input("MinSide først")
    field(app, "Beskrivelse", "text_area").input("Flytter MinSide fram")
    press(app, "Lag scenario")
    assert count(Scenario) == 1 and SAVED_BEFORE in [i.value for i in app.info]

    field(app, "Navn", index=1).input("Plan per mai")
    field(app, "Merknad").input("Før brukerrådet")
    press(app, "Lag basislinje av gjeldende plan")
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert [(b.name, b.note) for b in s.scalars(select(Baseline))] == [("Plan per mai", "Før brukerrådet")]
    assert field(app, "Navn", index=1).value == ""
    field(app, "Navn", index=1).input("Plan per mai")
    field(app, "Merknad").input("Før brukerrådet")
    press(app, "Lag basislinje av gjeldende plan")
    assert count(Baseline) == 1


def test_a_new_person_is_saved_once_and_a_refused_one_keeps_the_name(db_url, system):
    from portfolio import staffing

    with db.session_scope(actor=system) as s:
        staffing.ensure_standard_roles(s, system)
    app = render(STAFFING, LEAD)
    assert errors_of(app) == []
    field(app, "Person").input("Kari Nordmann")
    field(app, "Stillingsprosent", "number_input").set_value(80)
    press(app, "Lagre")
    assert errors_of(app) == []
    with db.session_scope() as s:
        [person] = s.scalars(select(Person)).all()
        assert (person.name, person.fte_pct) == ("Kari Nordmann", 80)
    assert field(app, "Person").value == ""
    field(app, "Person").input("Kari Nordmann")
    field(app, "Stillingsprosent", "number_input").set_value(80)
    press(app, "Lagre")
    assert count(Person) == 1 and SAVED_BEFORE in [i.value for i in app.info]

    field(app, "Person").input("Ola Nordmann")
    field(app, "Andel i rollen (%)", "number_input").set_value(60)      # the shares do not add up to 100
    press(app, "Lagre")
    assert app.error and count(Person) == 1
    assert field(app, "Person").value == "Ola Nordmann"


# --- links from the leader's approvals queue ---------------------------------------------------------------


def test_the_queue_opens_the_gate_on_the_board_with_the_approval_at_hand(db_url):
    project_id = ready_gate()
    with db.session_scope() as s:
        [item] = [a for a in approvals.approvals(s, LEADER) if a.kind == "gate"]
    assert (item.page, item.query) == (BOARD, (("project", str(project_id)),))
    app = open_linked(item.page, LEADER, item.query)
    assert errors_of(app) == []
    assert app.selectbox(key="pf-board-project").value == project_id
    assert [w.value for w in app.warning] == [
        "Venter på din godkjenning: faseporten fra Utrulling til Avslutning. Sjekklisten er komplett; legg gjerne "
        "inn en kommentar og godkjenn nedenfor."]
    assert [e.label for e in app.expander][:1] == ["Alle prosjekter"]  # the board folds away
    approve = next(b for b in app.button if b.label == "Godkjenn faseporten")
    assert not approve.disabled
    field(app, "Kommentar til godkjenningen", "text_area").input("Godkjent i ledermøtet")
    approve.click().run()
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert s.get(Project, project_id).phase == "closing"
        assert [a for a in approvals.approvals(s, LEADER) if a.kind == "gate"] == []


def test_the_queue_opens_a_draft_scenario_with_the_decision_first(db_url):
    with db.session_scope(actor=system_actor("oppsett")) as s:
        project(s, "MinSide 2.0", date(2026, 1, 1), date(2026, 12, 31))
        older = scenarios.create_scenario(s, LEAD, {"name": "Eldre utkast", "description": ""}).id
        scenario_id = scenarios.create_scenario(s, LEAD, {"name": "Digisos først", "description": "Flytter fram"}).id
        s.get(Scenario, older).created_at = s.get(Scenario, scenario_id).created_at.replace(year=2030)
    with db.session_scope() as s:
        item = next(a for a in approvals.approvals(s, LEADER) if a.title == "Digisos først")
    app = open_linked(item.page, LEADER, item.query)
    assert errors_of(app) == []
    assert app.selectbox(key="pf-scenario").value == scenario_id        # not the latest one: the linked one
    assert any(w.value.startswith("Venter på din beslutning: utkast laget av pia") for w in app.warning)
    headers = [h.value for h in app.header]
    assert headers.index("Beslutning") < headers.index("Sammenligning")
    next(c for c in app.checkbox if c.label == "Ja, gjør «Digisos først» til gjeldende plan").check().run()
    press(app, "Legg inn i planen")
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert s.get(Scenario, scenario_id).status == "applied"
    plain = render(SCENARIOS, make_actor("leader", username="lise"))   # opened from the menu: the latest first
    assert plain.selectbox(key="pf-scenario").value == older


def test_a_link_to_something_gone_says_so(db_url):
    app = open_linked(BOARD, LEADER, (("project", "999"),))
    assert errors_of(app) == []
    assert any("Prosjektet i lenken finnes ikke lenger" in i.value for i in app.info)
    app = open_linked(SCENARIOS, LEADER, (("scenario", "999"),))
    assert errors_of(app) == []
    assert any("Scenarioet i lenken finnes ikke lenger" in i.value for i in app.info)
