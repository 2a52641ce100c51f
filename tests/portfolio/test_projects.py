"""Projects and gates: the documents and approval each gate needs, history, handover to the catalogue."""
from datetime import date

import pytest
from sqlalchemy import select

from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.registers.models import Service
from portfolio import projects
from portfolio.models import Phase, Project
from tests.portfolio.helpers import LEAD, LEADER, project, user

ALL_FIT = {"principles": [{"principle": n, "verdict": "fits"} for n in range(1, 9)],
           "handles_personal_data": False}
PLAIN = {"planning": ("plain_language_plan", "plain_language_budget"), "development": ("text_plan", "content_user_test"),
         "rollout": ("user_journey_texts", "municipality_texts"), "closing": ("content_maintenance_plan",)}


def ready_for_gate(session, p, documents=()):
    """Give the project what its next gate asks beyond `documents`: the principles assessment (at planning)
    and the phase's plain-language deliverables."""
    if p.phase == Phase.PLANNING:
        projects.assess_principles(session, LEAD, p.id, ALL_FIT)
    for kind in (*documents, *PLAIN[p.phase]):
        projects.add_document(session, LEAD, p.id, dict(kind=kind, title=kind))


def test_gate_to_development_needs_both_documents_and_a_leader(session):
    p = project(session, "Nytt innsyn", date(2030, 1, 1), date(2030, 12, 31))
    with pytest.raises(PermissionDenied):
        projects.approve_gate(session, LEAD, p.id)
    ready_for_gate(session, p)
    with pytest.raises(BackofficeError) as error:
        projects.approve_gate(session, LEADER, p.id)
    assert error.value.message == ("«Nytt innsyn» kan ikke gå videre til «Utvikling»: mangler Styringsdokument; "
                                   "mangler Produktbeskrivelse.")
    projects.add_document(session, LEAD, p.id, dict(kind="governance", title="Styringsdokument v1"))
    with pytest.raises(BackofficeError) as error:
        projects.approve_gate(session, LEADER, p.id)
    assert "Styringsdokument" not in error.value.message
    assert "mangler Produktbeskrivelse" in error.value.message
    assert p.phase == Phase.PLANNING
    projects.add_document(session, LEAD, p.id, dict(kind="product_description", title="Produktbeskrivelse"))
    assert projects.gate_missing(session, p) == []
    projects.approve_gate(session, LEADER, p.id, dict(comment="OK i ledermøtet"))
    assert p.phase == Phase.DEVELOPMENT
    history = [(h.from_phase, h.to_phase, h.actor, h.comment) for h in p.history]
    assert history[-1] == ("planning", "development", "lise", "OK i ledermøtet")
    assert history[0][:3] == (None, "planning", "pia")


def test_handover_registers_a_new_service_with_its_product_owner(session, engine):
    owner = user(session, "nina")
    p = project(session, "Startlån", date(2030, 1, 1), date(2030, 6, 30), service="startlan",
                service_name="Startlån digitalt")
    ready_for_gate(session, p, ("governance", "product_description"))
    for _ in range(3):
        projects.approve_gate(session, LEADER, p.id)
        if p.phase != Phase.CLOSING:
            ready_for_gate(session, p)
    assert p.phase == Phase.CLOSING
    with pytest.raises(BackofficeError) as error:
        projects.approve_gate(session, LEADER, p.id)
    assert error.value.message == (
        "«Startlån» kan ikke gå videre til «Overlevert til forvaltning»: mangler Sluttrapport; mangler Plan for "
        "vedlikehold av innholdet; mangler produkteier (tjenesten registreres med produkteieren ved overlevering).")
    ready_for_gate(session, p)
    assert session.scalar(select(Service).where(Service.code == "startlan")) is None
    projects.add_document(session, LEAD, p.id, dict(kind="final_report", title="Sluttrapport"))
    projects.update_project(session, LEAD, p.id, dict(name="Startlån", service_code="startlan",
                                                      service_name="Startlån digitalt", financing="internal",
                                                      start_date=date(2030, 1, 1), end_date=date(2030, 6, 30),
                                                      product_owner_id=owner.id))
    session.info["actor"] = LEADER
    projects.approve_gate(session, LEADER, p.id)
    service = session.scalar(select(Service).where(Service.code == "startlan"))
    assert (service.name, service.product_owner_id, service.status) == ("Startlån digitalt", owner.id, "active")
    assert p.phase == Phase.HANDED_OVER
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "service",
                                                    AuditEntry.row_id == str(service.id)))
    assert entry.actor == "lise"
    assert [h.to_phase for h in p.history] == list(Phase)
    with pytest.raises(BackofficeError, match="ingen flere faseporter"):
        projects.approve_gate(session, LEADER, p.id)


def test_handover_updates_an_existing_service(session):
    owner = user(session, "ola")
    p = project(session, "SvarUt 3", date(2030, 1, 1), date(2030, 6, 30), service="svarut",
                product_owner_id=owner.id)
    p.phase = Phase.CLOSING.value
    ready_for_gate(session, p, ("final_report",))
    before = session.scalar(select(Service).where(Service.code == "svarut"))
    name = before.name
    projects.approve_gate(session, LEADER, p.id)
    after = session.scalar(select(Service).where(Service.code == "svarut"))
    assert after.id == before.id and after.product_owner_id == owner.id and after.name == name


def test_priorities_stay_a_list_and_bad_input_is_named(session):
    a = project(session, "A", date(2030, 1, 1), date(2030, 3, 31))
    b = project(session, "B", date(2030, 1, 1), date(2030, 3, 31))
    c = project(session, "C", date(2030, 1, 1), date(2030, 3, 31))
    assert [a.priority, b.priority, c.priority] == [1, 2, 3]
    projects.set_priority(session, LEAD, c.id, 1)
    assert [p.name for p in projects.active_projects(session)] == ["C", "A", "B"]
    with pytest.raises(ValidationFailed) as error:
        projects.create_project(session, LEAD, dict(name="D", service_code="svarut", financing="internal",
                                                    start_date=date(2030, 5, 1), end_date=date(2030, 1, 1)))
    assert "Sluttdatoen kan ikke være før startdatoen" in error.value.message
    with pytest.raises(BackofficeError, match="allerede et prosjekt"):
        project(session, "a", date(2030, 1, 1), date(2030, 3, 31))
    with pytest.raises(PermissionDenied):
        projects.create_project(session, LEADER, dict(name="E", service_code="svarut", financing="internal",
                                                      start_date=date(2030, 1, 1), end_date=date(2030, 2, 1)))
    assert session.scalar(select(Project).where(Project.name == "E")) is None


def test_a_document_a_passed_gate_relies_on_cannot_be_removed(session):
    p = project(session, "Doc", date(2030, 1, 1), date(2030, 3, 31))
    gov = projects.add_document(session, LEAD, p.id, dict(kind="governance", title="Styring"))
    ready_for_gate(session, p, ("product_description",))
    projects.approve_gate(session, LEADER, p.id)
    with pytest.raises(BackofficeError, match="passert faseport"):
        projects.remove_document(session, LEAD, gov.id)
