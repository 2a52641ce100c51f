"""Demo data, pages for every role that sees them, the CLI, the Excel exports, KPIs and service facts."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import portfolio
from admin import cli
from data import db, demo
from data.access import ROLES
from data.registers.models import Service
from portfolio import capacity, exports, scenarios
from portfolio.capacity import portfolio_kpis, service_facts
from portfolio.demo import load_demo
from portfolio.models import Person, PersonKind, Phase, Project, Scenario
from portfolio.schemas import add_months, month_label, month_start
from tests.conftest import make_actor
from tests.pages import errors_of, render


@pytest.fixture
def loaded(db_url, system):
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [load_demo])
    return db_url


def test_demo_data_is_realistic(loaded):
    with db.session_scope() as session:
        people = session.scalar(select(func.count()).select_from(Person))
        consultants = session.scalar(select(func.count()).select_from(Person)
                                     .where(Person.kind == PersonKind.CONSULTANT))
        phases = set(session.scalars(select(Project.phase)))
        assert 24 <= people <= 30 and 4 <= consultants <= 8
        assert phases == set(Phase)
        # the handed-over demo project registered its service in the catalogue
        service = session.scalar(select(Service).where(Service.code == "digipost-kommune"))
        assert service is not None and service.product_owner_id is not None
        assert session.scalar(select(Scenario)).name == "Skatteoppgjør først"
        first = month_start(date.today())
        rows = capacity.capacity_table(session, first, add_months(first, 11))
        assert any(r["shortage"] > 0 for r in rows)
        kpis = portfolio_kpis(session, make_actor("leader"))
        assert [k.label for k in kpis] == ["Aktive prosjekter", "Mangel neste 6 måneder", "Konsulentandel"]
        assert kpis[0].value == "9"
        facts = service_facts(session, "digisos")
        assert facts[0].label == "Prosjekt: Ny innsynsløsning i Digisos"


PAGES = {spec.path: spec for spec in portfolio.PAGES if "digiorden" not in spec.path}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_pages_render_for_every_role_that_sees_them(loaded, path):
    spec = PAGES[path]
    for role in ROLES:
        actor = make_actor(role, username=f"u-{role}")
        if not spec.visible_to(actor):
            continue
        app = render(path, actor)
        assert errors_of(app) == [], (path, role, errors_of(app))
    english = render(path, make_actor("portfolio", username="pia"), language="en")
    assert errors_of(english) == [], (path, "en", errors_of(english))


def test_timeline_shows_the_slips_of_a_chosen_plan(loaded):
    app = render("portfolio/pages/timeline.py", make_actor("product_owner", username="per"))
    next(s for s in app.selectbox if s.label == "Vis beregnet forsinkelse for").set_value("live")
    app.run()
    assert errors_of(app) == []
    assert any("forsinkes i «Gjeldende plan»" in c.value for c in app.caption)


def test_scenario_page_lets_a_leader_move_a_project_and_see_slips(loaded):
    leader = make_actor("leader", username="lise")
    app = render("portfolio/pages/scenarios.py", leader)
    assert errors_of(app) == []
    texts = " ".join(m.value for m in app.markdown)
    assert "Gjeldende plan" in texts and "Skatteoppgjør først" in texts
    assert any(b.label == "Legg inn i planen" for b in app.button)
    english = render("portfolio/pages/scenarios.py", leader, language="en")
    assert errors_of(english) == [] and any(b.label == "Apply to the plan" for b in english.button)


def test_cli_capacity_schedule_and_export(loaded, tmp_path, capsys):
    first = month_label(month_start(date.today()))
    last = month_label(add_months(month_start(date.today()), 2))
    assert cli.main(["portfolio", "capacity", "--from", first, "--to", last]) == 0
    out = capsys.readouterr().out
    assert "Utvikler" in out and first in out and "Kapasitet mot behov" in out
    assert cli.main(["portfolio", "capacity", "--from", first, "--to", last, "--scenario", "Skatteoppgjør først"]) == 0
    assert "Skatteoppgjør først" in capsys.readouterr().out
    assert cli.main(["portfolio", "capacity", "--scenario", "finnes ikke"]) == 1
    assert "Fant ikke scenarioet" in capsys.readouterr().err
    assert cli.main(["portfolio", "capacity", "--from", "2027-13"]) == 1
    assert cli.main(["portfolio", "schedule", "--scenario", "Skatteoppgjør først"]) == 0
    assert "1. Skatteoppgjør for kommunene" in capsys.readouterr().out
    target = tmp_path / "plan.xlsx"
    assert cli.main(["portfolio", "export", str(target)]) == 0
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Prosjekter", "Behov per måned", "Kapasitet", "Overbooket", "Åpne behov"]
    sheet = workbook["Prosjekter"]
    assert [c.value for c in sheet[1]][:3] == ["Prioritet", "Prosjekt", "Tjeneste"]
    assert sheet["B2"].value == "Ny innsynsløsning i Digisos"
    cap = workbook["Kapasitet"]
    assert cap["I2"].value == "=E2-H2" and cap.freeze_panes == "A2"


def test_capacity_export_matches_the_table(loaded):
    first = month_start(date.today())
    last = add_months(first, 2)
    with db.session_scope() as session:
        content = exports.capacity_workbook(session, first, last)
        rows = capacity.capacity_table(session, first, last)
    sheet = load_workbook(io.BytesIO(content))["Kapasitet"]
    assert sheet.max_row == len(rows) + 2          # header, rows, SUBTOTAL row
    assert sheet["A2"].value == rows[0]["role"] and float(sheet["C2"].value) == float(rows[0]["capacity"])



def test_demo_scenario_moves_the_tax_project_first_and_the_live_plan_is_untouched(loaded):
    with db.session_scope() as session:
        scenario = scenarios.find_scenario(session, "Skatteoppgjør først")
        live = scenarios.schedule_source(session, "live")
        moved = scenarios.schedule_source(session, f"scenario:{scenario.id}")
        tax = session.scalar(select(Project).where(Project.service_code == "skatteoppgjor"))
        assert tax.priority == 7
    assert moved.outcomes[0].name == "Skatteoppgjør for kommunene"
    assert [o.name for o in live.outcomes][6] == "Skatteoppgjør for kommunene"


def test_done_when_a_leader_moves_a_project_up_sees_the_slips_and_applies(loaded):
    with db.session_scope() as session:
        startlan = session.scalar(select(Project).where(Project.service_code == "startlan"))
        live_before = {p.name: p.priority for p in session.scalars(select(Project))}
    app = render("portfolio/pages/scenarios.py", make_actor("leader", username="lise"))
    next(s for s in app.selectbox if s.label == "Flytt prosjekt").set_value(startlan.id)
    next(n for n in app.number_input if n.label == "Til plass").set_value(1)
    next(b for b in app.button if b.label == "Flytt").click()
    app.run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert {p.name: p.priority for p in session.scalars(select(Project))} == live_before   # live untouched
        scenario = scenarios.find_scenario(session, "Skatteoppgjør først")
        rows = scenarios.scenario_rows(session, scenario.id)
    assert [r["project"] for r in rows[:2]] == ["Digital søknad om startlån", "Skatteoppgjør for kommunene"]
    comparison = next(d.value for d in app.dataframe if "change" in d.value.columns)
    assert comparison.iloc[0]["project"] == "Digital søknad om startlån"
    assert comparison["change"].str.contains("senere|tidligere").any()
    next(c for c in app.checkbox if c.label.startswith("Ja, gjør")).check()
    app.run()
    next(b for b in app.button if b.label == "Legg inn i planen").click()
    app.run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        live = {p.name: p.priority for p in session.scalars(select(Project).where(Project.phase != "handed_over"))}
        assert live["Digital søknad om startlån"] == 1 and live["Skatteoppgjør for kommunene"] == 2
        assert scenarios.find_scenario(session, "Skatteoppgjør først").status == "applied"


def test_board_says_what_a_gate_is_missing_and_staffing_edits_render(loaded):
    with db.session_scope() as session:
        minside = session.scalar(select(Project).where(Project.name == "MinSide 2.0"))
        person = session.scalar(select(Person).where(Person.name == "Ingrid Dahl"))
    board = render("portfolio/pages/board.py", make_actor("leader", username="lise"))
    next(s for s in board.selectbox if s.label == "Velg prosjekt").set_value(minside.id)
    board.run()
    assert errors_of(board) == []
    assert [w.value for w in board.warning] == ["mangler Produktbeskrivelse", "mangler Klart språk i plandokumentet",
                                                "mangler Tid og budsjett til tekstarbeid og brukertesting"]
    approve = next(b for b in board.button if b.label == "Godkjenn faseporten")
    assert approve.disabled
    staffing_page = render("portfolio/pages/staffing.py", make_actor("portfolio", username="pia"))
    next(s for s in staffing_page.selectbox if s.label == "Velg person").set_value(person.id)
    staffing_page.run()
    assert errors_of(staffing_page) == []
    assert any(s.label == "Fjern endring" for s in staffing_page.selectbox)
