"""Issue 22, item 7: from council to plan. A change request the user council approved becomes, by one action
of its product owner, demand in a project or a change item for the change board, linked both ways."""
import json
from datetime import date

import pytest
from sqlalchemy import select

from admin import planning
from admin.changeboard import changes
from admin.changeboard.models import ChangeItem
from agreements import change_requests, councils, roadmap
from agreements.agreements import RuleError
from agreements.models import ChangeRequest
from data.audit import AuditEntry
from data.errors import PermissionDenied, ValidationFailed
from portfolio import projects, staffing
from portfolio.models import Demand, ProjectRequest
from tests.agreements.helpers import OWNER, add_appendix, municipality, sign_main
from tests.conftest import make_actor
from tests.portfolio.helpers import LEAD

OTHER_OWNER = make_actor("product_owner", username="dina", owned=("digisos",))


def _request(session, title="Varsel ved ulest brev", status="planned", decided=True):
    org = municipality(session, "4601")
    sign_main(session, org)
    add_appendix(session, org, "svarut", date(2020, 1, 1))
    item = roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": "Varsling", "year": 2026,
                                                      "quarter": 2})
    request = change_requests.save_change_request(session, OWNER, {
        "service_code": "svarut", "title": title, "description": "Varsel etter fem dager.",
        "submitted_by": "Bergen kommune", "submitted_on": date(2025, 1, 10), "status": "assessed",
        "assessment": "Nyttig for mange", "roadmap_item_id": item.id})
    if decided:
        councils.save_council(session, OWNER, {"service_code": "svarut", "name": "Brukerrådet for SvarUt"})
        councils.save_meeting(session, OWNER, "svarut", {
            "meeting_date": date(2025, 3, 12), "title": "Brukerrådsmøte 1/2025",
            "decisions": ["Referat godkjent.", {"text": "Planlegges som prioritet 1.", "change_request_id": request.id,
                                                "new_status": "planned" if status == "planned" else None}]})
    elif status == "planned":
        change_requests.save_change_request(session, OWNER, {
            "service_code": "svarut", "title": title, "submitted_by": "Bergen kommune",
            "submitted_on": date(2025, 1, 10), "status": "planned", "assessment": "Nyttig",
            "roadmap_item_id": item.id}, request_id=request.id)
    session.flush()
    return request


def _project(session, name="SvarUt 3"):
    staffing.ensure_standard_roles(session, LEAD)
    return projects.create_project(session, LEAD, {"name": name, "service_code": "svarut", "financing": "internal",
                                                   "start_date": date(2030, 1, 1), "end_date": date(2030, 12, 31)})


def test_a_request_goes_to_a_project_as_demand_and_both_ends_show_the_link(session):
    request = _request(session)
    project = _project(session)
    session.info["actor"] = OWNER
    planning.send_to_project(session, OWNER, request.id, {
        "project_id": project.id, "role_code": "developer", "first_month": "2030-03", "last_month": "2030-05",
        "fte": "0,5"})
    session.flush()
    assert (request.sent_to, request.sent_ref, request.sent_by) == ("project", project.id, "po")
    demand = {(d.month, d.fte_pct) for d in session.scalars(select(Demand).where(Demand.project_id == project.id))}
    assert demand == {(date(2030, 3, 1), 50), (date(2030, 4, 1), 50), (date(2030, 5, 1), 50)}
    shown = projects.project_detail(session, project.id)["requests"]
    assert [(r["change_request_id"], r["title"], r["role"], str(r["fte"])) for r in shown] == [
        (request.id, "Varsel ved ulest brev", "Utvikler", "0.50")]
    there = change_requests.sent_rows(session, (request.id,))[request.id]
    assert (there["destination"], there["name"], there["status"], there["sent_by"]) == (
        "Prosjekt", "SvarUt 3", "Planlegging", "po")
    audited = {(e.table_name, e.action, e.actor) for e in session.scalars(select(AuditEntry).where(
        AuditEntry.table_name.in_(("pf_project_request", "pf_demand", "agreement_change_request"))))}
    assert {("pf_project_request", "insert", "po"), ("pf_demand", "insert", "po"),
            ("agreement_change_request", "update", "po")} <= audited
    update = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "agreement_change_request",
                                                      AuditEntry.action == "update")
                             .order_by(AuditEntry.seq.desc())).first()
    assert json.loads(update.changes)["sent_to"] == {"before": None, "after": "project"}
    with pytest.raises(RuleError, match="er allerede sendt til Prosjekt \\(av po\\)"):
        planning.send_to_change_board(session, OWNER, request.id, {})


def test_a_request_goes_to_the_change_board_as_a_normal_change_item(session):
    request = _request(session)
    session.info["actor"] = OWNER
    planning.send_to_change_board(session, OWNER, request.id, {"risk": 2, "impact": 3, "note": "Haster før jul."})
    session.flush()
    item = session.scalar(select(ChangeItem).where(ChangeItem.change_request_id == request.id))
    assert (item.change_type, item.status, item.source, item.risk, item.impact, item.created_by) == (
        "normal", "new", "management", 2, 3, "po")
    assert [s.code for s in item.services] == ["svarut"]
    assert item.description.splitlines()[0] == (
        f"Fra endringsønske #{request.id} «Varsel ved ulest brev» (SvarUt), godkjent av brukerrådet: "
        "12.03.2025 vedtak 2.")
    assert "Haster før jul." in item.description
    assert changes.item_dict(item)["change_request_id"] == request.id
    assert (request.sent_to, request.sent_ref) == ("change_board", item.id)
    there = change_requests.sent_rows(session, (request.id,))[request.id]
    assert (there["destination"], there["name"], there["status"]) == (
        "Endringsrådet", f"EB-{item.id} Varsel ved ulest brev", "Ny")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "change_item",
                                                    AuditEntry.row_id == str(item.id)))
    assert (entry.action, entry.actor) == ("insert", "po")


def test_only_the_services_product_owner_sends_and_nothing_changes_when_refused(session):
    request = _request(session)
    project = _project(session)
    for actor in (OTHER_OWNER, LEAD, make_actor("leader"), make_actor("admin")):
        with pytest.raises(PermissionDenied):
            planning.send_to_project(session, actor, request.id, {"project_id": project.id})
        with pytest.raises(PermissionDenied):
            planning.send_to_change_board(session, actor, request.id, {})
    assert request.sent_to is None
    assert session.scalar(select(ProjectRequest.id)) is None
    assert session.scalar(select(ChangeItem.id).where(ChangeItem.change_request_id == request.id)) is None


def test_only_a_request_the_council_approved_can_be_sent(session):
    undecided = _request(session, decided=False)
    project = _project(session)
    with pytest.raises(RuleError) as error:
        planning.send_to_project(session, OWNER, undecided.id, {"project_id": project.id})
    assert error.value.message == (
        f"Endringsønske #{undecided.id} «Varsel ved ulest brev» er planlagt: bare ønsker brukerrådet har godkjent "
        "(planlagt, med et vedtak i brukerrådet), kan sendes videre.")
    assert session.scalar(select(ProjectRequest.id)) is None


def test_a_half_estimate_is_refused_and_writes_nothing(session):
    request = _request(session)
    project = _project(session)
    with pytest.raises(ValidationFailed, match="Et anslag trenger rolle, fra- og til-måned og årsverk"):
        planning.send_to_project(session, OWNER, request.id, {"project_id": project.id, "role_code": "developer"})
    session.refresh(request)
    assert request.sent_to is None and session.scalar(select(Demand.id)) is None


def test_the_demo_sends_one_request_to_a_project_and_one_to_the_change_board(demo_session):
    sent = {r.title: (r.sent_to, r.sent_ref) for r in demo_session.scalars(
        select(ChangeRequest).where(ChangeRequest.sent_to.is_not(None)))}
    assert set(sent) == {"Varsel når mottaker ikke har åpnet brevet", "Opplasting av vedlegg fra mobilen"}
    kind, project_id = sent["Varsel når mottaker ikke har åpnet brevet"]
    assert kind == "project" and projects.get_project(demo_session, project_id).name == "SvarUt: overgang til ny plattform"
    kind, item_id = sent["Opplasting av vedlegg fra mobilen"]
    item = demo_session.get(ChangeItem, item_id)
    assert kind == "change_board" and item.change_request_id is not None and item.services[0].code == "digisos"
    assert sorted(change_requests.destinations()) == ["change_board", "project"]


def test_the_product_owner_sends_from_the_page_and_the_board_shows_the_request(demo_url):
    from data import db
    from tests.pages import errors_of, render

    owner = make_actor("product_owner", username="produkt", owned=("svarut", "digisos", "minside", "fiks-io"))
    app = render("agreements/pages/change_requests.py", owner)
    assert errors_of(app) == []
    choose = app.selectbox(key="send-choose")
    assert len(choose.options) == 1 and choose.options[0].endswith(" Innsyn i forventet saksbehandlingstid (Digisos)")
    request_id = choose.value
    app.radio(key="send-kind").set_value("change_board").run()
    next(b for b in app.button if b.label == "Send").click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        request = session.get(ChangeRequest, request_id)
        item = session.scalar(select(ChangeItem).where(ChangeItem.change_request_id == request_id))
        assert (request.sent_to, request.sent_ref, request.sent_by) == ("change_board", item.id, "produkt")
        project_id = session.scalar(select(ProjectRequest.project_id))
    board = render("portfolio/pages/board.py", make_actor("leader", username="lise"))
    next(s for s in board.selectbox if s.label == "Velg prosjekt").set_value(project_id)
    board.run()
    assert errors_of(board) == []
    requests = next(d.value for d in board.dataframe if "change_request" in d.value.columns)
    assert requests["change_request"].str.contains("Varsel når mottaker ikke har åpnet brevet").any()
    councils_page = render("agreements/pages/councils.py", owner)
    assert errors_of(councils_page) == []
    meetings_table = next(d.value for d in councils_page.dataframe if "invited" in d.value.columns)
    assert meetings_table["title"].tolist() == ["Brukermøte Digisos 2024"]   # the first of the owner's services
