"""The leader's approvals queue: every kind appears while it waits for the leader and disappears once decided,
with its title (names, not codes), age in days, who asked (the person's name) and the page where it is
decided; the CLI prints the same list (a table, or JSON); the overview shows it first, to the leader only."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from admin import approvals, cli
from admin.changeboard import changes as cb
from data.access import Actor, system_actor
from data.db import session_scope
from data.errors import PermissionDenied
from data.registers.models import User, UserRole
from portfolio import projects, scenarios
from portfolio.projects import GATES
from pricing import pricelists, selfcost
from pricing.invoicing import runs as invoicing
from risk import dpia, ros
from tests.conftest import make_actor
from tests.pages import errors_of, render
from tests.pricing.helpers import adopters, orgs, simple_cost_base
from tests.pricing.invoicing import helpers as invoicing_helpers
from tests.risk.ros_helpers import stage

LEADER = Actor(username="leder", roles=frozenset({"leader"}), full_name="Lise Leder")
SECURITY = make_actor("security", username="siri")
FINANCE = make_actor("finance", username="ola")
PORTFOLIO = make_actor("portfolio", username="pia")
PEOPLE = {"siri": "Siri Sikkerhet", "ola": "Ola Økonomi", "pia": "Pia Portefølje", "leder": "Lise Leder"}
COMPLETE_DPIA = {"purposes": "Søknad", "data_categories": "Økonomi", "data_subjects": "Søkere",
                 "retention": "90 dager", "necessity": "Nødvendig", "conclusion": "Kan gjennomføres",
                 "dpo_opinion": "Støttes", "legal_basis_art6": ["c", "e"]}


@pytest.fixture
def people(session):
    for username, name in PEOPLE.items():
        session.add(User(username=username, full_name=name, role_rows=[UserRole(role="support")]))
    session.flush()


def queue(session, today=None) -> list[dict]:
    return approvals.pending(session, LEADER, today).items


def of_kind(session, kind: str) -> list[dict]:
    return [row for row in queue(session) if row["kind"] == kind]


def test_only_the_leader_reads_the_queue(session):
    for role in ("admin", "finance", "security", "product_owner", "portfolio", "support", "architect"):
        with pytest.raises(PermissionDenied, match="se godkjenningskøen"):
            approvals.pending(session, make_actor(role))
    assert approvals.can_see(LEADER) and not approvals.can_see(make_actor("admin"))
    assert queue(session) == []


def test_ros_version_waits_until_approved(session, people):
    assessment = ros.create_assessment(session, SECURITY, {"scope": "service", "service_code": "svarut",
                                                           "title": "ROS SvarUt 2027"})
    ros.add_risk(session, SECURITY, assessment.id, {"title": "Brev til feil mottaker",
                                                    "inherent": stage(4, confidentiality=4)})
    assert of_kind(session, "ros") == []                       # a draft is the security officer's own
    ros.submit(session, SECURITY, assessment.id)
    assessment.submitted_at = datetime.now(UTC) - timedelta(days=3)
    [row] = of_kind(session, "ros")
    assert (row["kind_label"], row["title"], row["detail"], row["age_days"], row["asked_by_name"]) == (
        "ROS-versjon", "ROS SvarUt 2027 (versjon 1)", "SvarUt", 3, "Siri Sikkerhet")
    assert (row["page"], row["page_title"], row["query"]) == ("risk/pages/assessments.py", "ROS-analyser",
                                                              {"ros": str(assessment.id)})
    ros.approve(session, LEADER, assessment.id)
    assert of_kind(session, "ros") == []


def test_ros_version_sent_back_leaves_the_queue(session, people):
    assessment = ros.create_assessment(session, SECURITY, {"scope": "department", "title": "Samlet ROS"})
    ros.add_risk(session, SECURITY, assessment.id, {"title": "Nøkkelpersoner", "inherent": stage(3, availability=3)})
    ros.submit(session, SECURITY, assessment.id)
    assert [r["detail"] for r in of_kind(session, "ros")] == ["Hele avdelingen"]
    ros.send_back(session, LEADER, assessment.id, "Mangler leverandørrisiko")
    assert of_kind(session, "ros") == []
    assert (assessment.status, assessment.return_note, assessment.returned_by) == (
        "draft", "Mangler leverandørrisiko", "leder")


def test_dpia_and_risk_acceptance_wait_until_decided(session, people):
    item = dpia.create_dpia(session, SECURITY, {"service_code": "digisos", "processing": "Søknad om sosialhjelp",
                                                **COMPLETE_DPIA})
    dpia.submit(session, SECURITY, item.id)
    [row] = of_kind(session, "dpia")
    assert (row["title"], row["detail"], row["asked_by_name"], row["page"], row["query"]) == (
        "DPIA Søknad om sosialhjelp (versjon 1)", "Digisos", "Siri Sikkerhet", "risk/pages/dpia_register.py",
        {"dpia": str(item.id)})
    dpia.approve(session, LEADER, item.id)
    assert of_kind(session, "dpia") == []

    assessment = ros.create_assessment(session, SECURITY, {"scope": "service", "service_code": "digisos",
                                                           "title": "ROS Digisos"})
    risk = ros.add_risk(session, SECURITY, assessment.id, {"title": "Opplysninger lagres for lenge",
                                                           "inherent": stage(4, privacy=3)})
    request = ros.request_acceptance(session, SECURITY, risk.id, {
        "rationale": "Sletting kommer i mars", "expires_on": date.today() + timedelta(days=90)})
    [row] = of_kind(session, "risk_acceptance")
    assert row["title"] == "Aksept av R-01 Opplysninger lagres for lenge – ROS Digisos (versjon 1)"
    assert row["detail"].startswith("Sletting kommer i mars (foreslått gyldig til ")
    assert (row["asked_by_name"], row["age_days"], row["query"]) == (
        "Siri Sikkerhet", 0, {"ros": str(assessment.id), "acceptance": str(request.id)})
    ros.decide_acceptance(session, LEADER, request.id, {"decision": "rejected", "rationale": "Slett nå"})
    assert of_kind(session, "risk_acceptance") == []


def test_price_list_waits_until_approved(session, people):
    simple_cost_base(session, FINANCE, amount_ore=25_000_000)
    calc = selfcost.calculate_price(session, FINANCE, {
        "service": "svarut", "year": 2025, "adopters": adopters(orgs(session, 5_000, 30_000)),
        "model": {"components": [{"basis": "inhabitant", "share": 100}]}})
    assert of_kind(session, "price_list") == []                # a draft is finance's own
    pricelists.submit(session, FINANCE, {"calculation_id": calc.id})
    [row] = of_kind(session, "price_list")
    assert row["title"] == f"SvarUt 2025 – Kalkyle {calc.number} (venter på godkjenning)"
    assert (row["asked_by_name"], row["page"], row["page_title"]) == ("Ola Økonomi", "pricing/pages/price_lists.py",
                                                                      "Prislister")
    pricelists.approve(session, LEADER, {"calculation_id": calc.id})
    assert of_kind(session, "price_list") == []


def test_invoice_run_waits_until_approved(session, people):
    three = invoicing_helpers.three_orgs(session)
    invoicing_helpers.price_list(session, three)
    for org in three:
        invoicing_helpers.appendix(session, org, date(2024, 1, 1))
    invoicing.prepare_run(session, FINANCE, {"period": "2025-03"})
    [row] = of_kind(session, "invoice_run")
    assert (row["title"], row["asked_by_name"], row["page"]) == ("Fakturering mars 2025", "Ola Økonomi",
                                                                 "pricing/invoicing/pages/runs.py")
    assert row["detail"].endswith("Linjer: 3")
    invoicing.approve_run(session, LEADER, {"period": "2025-03"})
    assert of_kind(session, "invoice_run") == []


def test_gate_waits_while_ready_and_scenario_while_draft(session, people):
    project = projects.create_project(session, PORTFOLIO, {
        "name": "Ny innsynsløsning", "service_code": "digisos", "service_name": "Digisos", "financing": "internal",
        "start_date": date(2026, 1, 1), "end_date": date(2027, 12, 31)})
    project.phase = "rollout"                                  # the gate to closing needs documents only
    session.flush()
    assert of_kind(session, "gate") == []                       # documents missing: not ready for the leader
    gate = GATES["rollout"]
    for kind in (*gate.documents, *gate.plain_language):
        projects.add_document(session, PORTFOLIO, project.id, {"kind": kind, "title": f"Dokument {kind}"})
    [row] = of_kind(session, "gate")
    assert (row["title"], row["detail"], row["asked_by_name"], row["page"]) == (
        "Ny innsynsløsning: Utrulling → Avslutning", "Digisos", "Pia Portefølje", "portfolio/pages/board.py")
    projects.approve_gate(session, LEADER, project.id, {"comment": "Godkjent"})
    assert of_kind(session, "gate") == []

    scenario = scenarios.create_scenario(session, PORTFOLIO, {"name": "Digisos først", "description": "Flytter fram"})
    [row] = of_kind(session, "scenario")
    assert (row["title"], row["detail"], row["asked_by_name"]) == ("Digisos først", "Flytter fram", "Pia Portefølje")
    scenarios.discard_scenario(session, PORTFOLIO, scenario.id)
    assert of_kind(session, "scenario") == []


def test_freeze_override_waits_until_the_leader_overrides(session, people):
    start = date.today() + timedelta(days=20)
    window = cb.save_freeze(session, PORTFOLIO, {"name": "Valgfrys", "start_date": start,
                                                 "end_date": start + timedelta(days=7), "reason": "Valg"})
    planned = datetime(start.year, start.month, start.day, 20, tzinfo=cb.OSLO) + timedelta(days=2)
    change = cb.create_item(session, PORTFOLIO, {
        "title": "Ny versjon av SvarUt", "source": "operations", "change_type": "normal", "service_codes": ["svarut"],
        "rollback_plan": "Rull tilbake", "risk": 2, "impact": 2, "planned_start": planned,
        "planned_end": planned + timedelta(hours=2)})
    [row] = of_kind(session, "freeze_override")
    assert row["title"] == f"{change.reference} Ny versjon av SvarUt – Valgfrys"
    assert (row["asked_by_name"], row["page"]) == ("Pia Portefølje", "admin/changeboard/pages/items.py")
    cb.override_freeze(session, LEADER, change.id, window.id, {"reason": "Sikkerhetsfiks, lav risiko"})
    assert of_kind(session, "freeze_override") == []


def test_oldest_first_and_age_in_days(session, people):
    first = ros.create_assessment(session, SECURITY, {"scope": "service", "service_code": "svarut", "title": "A"})
    second = ros.create_assessment(session, SECURITY, {"scope": "service", "service_code": "digisos", "title": "B"})
    for assessment, days in ((first, 2), (second, 9)):
        ros.add_risk(session, SECURITY, assessment.id, {"title": "Risiko", "inherent": stage(2, integrity=2)})
        ros.submit(session, SECURITY, assessment.id)
        assessment.submitted_at = datetime.now(UTC) - timedelta(days=days)
    assert [(r["title"], r["age_days"]) for r in queue(session)] == [("B (versjon 1)", 9), ("A (versjon 1)", 2)]
    later = date.today() + timedelta(days=10)
    assert [r["age_days"] for r in queue(session, later)] == [19, 12]


def _submitted_ros(title="ROS Fiks IO") -> int:
    system = system_actor("oppsett")
    with session_scope(actor=system) as session:
        session.add(User(username="siri", full_name="Siri Sikkerhet", role_rows=[UserRole(role="security")]))
        assessment = ros.create_assessment(session, SECURITY, {"scope": "service", "service_code": "fiks-io",
                                                               "title": title})
        ros.add_risk(session, SECURITY, assessment.id, {"title": "Utløpt sertifikat", "inherent": stage(4, availability=3)})
        ros.submit(session, SECURITY, assessment.id)
        return assessment.id


def test_cli_lists_the_same_items_as_a_table_and_as_json(db_url, capsys):
    assert cli.main(["approvals", "list"]) == 0
    assert capsys.readouterr().out.strip() == "Ingen saker venter på deg."
    assessment_id = _submitted_ros()
    assert cli.main(["approvals", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Type", "Sak", "Dager", "Bedt", "om", "av", "Avgjøres", "på"]
    assert lines[1].startswith("ROS-versjon  ROS Fiks IO (versjon 1)") and "Siri Sikkerhet" in lines[1]
    assert lines[1].rstrip().endswith("ROS-analyser") and " 0  " in lines[1]
    assert cli.main(["approvals", "list", "--json"]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item == {"kind": "ros", "kind_label": "ROS-versjon", "title": "ROS Fiks IO (versjon 1)", "detail": "Fiks IO",
                    "asked_by": "siri", "asked_by_name": "Siri Sikkerhet", "age_days": 0,
                    "page": "risk/pages/assessments.py", "page_title": "ROS-analyser", "url_path": "ros",
                    "query": {"ros": str(assessment_id)}, "asked_on": date.today().isoformat()}
    assert cli.main(["--lang", "en", "approvals", "list"]) == 0
    assert "ROS version" in capsys.readouterr().out


def test_cli_refuses_someone_who_is_not_the_leader(db_url, capsys):
    with session_scope(actor=system_actor("oppsett")) as session:
        session.add(User(username="kari", full_name="Kari Støtte", role_rows=[UserRole(role="support")]))
    assert cli.main(["--as", "kari", "approvals", "list"]) == 1
    assert "se godkjenningskøen" in capsys.readouterr().err


def test_overview_shows_the_queue_first_to_the_leader_only(db_url):
    empty = render("admin/pages/overview.py", LEADER)
    assert errors_of(empty) == []
    assert empty.header[0].value == "Venter på din godkjenning"
    assert [s.value for s in empty.success] == ["Ingen saker venter på deg."]
    _submitted_ros()
    app = render("admin/pages/overview.py", LEADER)
    assert errors_of(app) == []
    assert app.header[0].value == "Venter på din godkjenning"
    frame = app.dataframe[0].value
    assert list(frame["title"]) == ["ROS Fiks IO (versjon 1)"]
    assert list(frame["asked_by_name"]) == ["Siri Sikkerhet"] and list(frame["page_title"]) == ["ROS-analyser"]
    # rendered alone (outside the app's navigation) the link falls back to a plain link with the same target
    assert any("ROS Fiks IO (versjon 1) — Åpne: ROS-analyser" in m.value and "/ros?ros=" in m.value
               for m in app.markdown)
    for role in ("admin", "security", "finance", "support"):
        other = render("admin/pages/overview.py", make_actor(role))
        assert errors_of(other) == []
        assert "Venter på din godkjenning" not in [s.value for s in other.header]
