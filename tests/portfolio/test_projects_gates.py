"""Issue 22: the Fiks platform principles and plain language in the gates; the ROS, DPIA and municipality
template where the service handles personal data (the check the admin room registers at bootstrap)."""
import csv
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from portfolio import projects
from portfolio.models import Phase
from tests.portfolio.helpers import LEAD, LEADER, project
from tests.portfolio.test_projects import ALL_FIT, ready_for_gate

DEPARTMENT = Path(__file__).resolve().parents[2].parent / "shared" / "department"


def _assessment(**changes):
    rows = {n: {"principle": n, "verdict": "fits", "reason": ""} for n in range(1, 9)}
    for number, (verdict, reason) in changes.items():
        rows[int(number[1:])] = {"principle": int(number[1:]), "verdict": verdict, "reason": reason}
    return {"principles": list(rows.values()), "handles_personal_data": False}


def test_planning_gate_needs_the_principles_the_personal_data_answer_and_the_plain_language_plan(session):
    p = project(session, "Nytt innsyn", date(2030, 1, 1), date(2030, 12, 31))
    for kind in ("governance", "product_description"):
        projects.add_document(session, LEAD, p.id, dict(kind=kind, title=kind))
    with pytest.raises(BackofficeError) as error:
        projects.approve_gate(session, LEADER, p.id)
    assert error.value.message == (
        "«Nytt innsyn» kan ikke gå videre til «Utvikling»: mangler vurdering av 8 av Fiks-plattformens prinsipper; "
        "mangler svar på om tjenesten behandler personopplysninger; mangler Klart språk i plandokumentet; "
        "mangler Tid og budsjett til tekstarbeid og brukertesting.")
    checklist = {(i.group, i.label): i.done for i in projects.gate_checklist(session, p)}
    assert checklist[("documents", "Styringsdokument")] is True
    assert checklist[("principles", "Vurdering mot Fiks-plattformens prinsipper (0 av 8)")] is False
    assert checklist[("plain_language", "Klart språk i plandokumentet")] is False
    projects.assess_principles(session, LEAD, p.id, _assessment(p2=("partly", "Bygger egen kø i en overgang.")))
    projects.add_document(session, LEAD, p.id, dict(kind="plain_language_plan", title="Styringsdokument kap. 4"))
    with pytest.raises(BackofficeError, match=r"Utvikling»: mangler Tid og budsjett til tekstarbeid og brukertesting\.$"):
        projects.approve_gate(session, LEADER, p.id)
    projects.add_document(session, LEAD, p.id, dict(kind="plain_language_budget", title="Budsjett: 120 timer språkvask"))
    assert projects.gate_missing(session, p) == []
    projects.approve_gate(session, LEADER, p.id)
    assert p.phase == Phase.DEVELOPMENT
    rows = projects.principle_rows(session, p.id)
    assert [(r["principle"], r["verdict"]) for r in rows][:3] == [(1, "fits"), (2, "partly"), (3, "fits")]
    assert rows[1]["reason"] == "Bygger egen kø i en overgang." and rows[1]["assessed_by"] == "pia"


def test_each_later_gate_needs_its_phase_deliverable_from_table_1(session):
    p = project(session, "Tekster", date(2030, 1, 1), date(2030, 12, 31))
    ready_for_gate(session, p, ("governance", "product_description"))
    projects.approve_gate(session, LEADER, p.id)
    expected = {
        "development": "«Tekster» kan ikke gå videre til «Utrulling»: mangler Plan for tekstarbeidet; mangler "
                       "Brukertest av innholdet.",
        "rollout": "«Tekster» kan ikke gå videre til «Avslutning»: mangler Kvalitetssikrede tekster i hele "
                   "brukerreisen; mangler Tekster og maler for kommunene.",
    }
    for phase, message in expected.items():
        assert p.phase == phase
        with pytest.raises(BackofficeError) as error:
            projects.approve_gate(session, LEADER, p.id)
        assert error.value.message == message
        ready_for_gate(session, p)
        projects.approve_gate(session, LEADER, p.id)
    assert p.phase == Phase.CLOSING
    assert "mangler Plan for vedlikehold av innholdet" in projects.gate_missing(session, p)


def test_partly_or_not_needs_a_reason_and_all_eight_are_assessed(session):
    p = project(session, "Vurdering", date(2030, 1, 1), date(2030, 12, 31))
    with pytest.raises(ValidationFailed) as error:
        projects.assess_principles(session, LEAD, p.id, _assessment(p3=("not", "")))
    assert "Prinsipp 3: skriv en begrunnelse når Fiks-plattformen «passer ikke»." in error.value.message
    short = {"principles": [{"principle": n, "verdict": "fits"} for n in (1, 2, 3, 5, 6, 7, 8)]}
    with pytest.raises(ValidationFailed, match=r"Vurder alle de åtte prinsippene \(mangler: 4\)"):
        projects.assess_principles(session, LEAD, p.id, short)
    with pytest.raises(PermissionDenied):
        projects.assess_principles(session, LEADER, p.id, ALL_FIT)
    assert p.principles == []
    session.info["actor"] = LEAD
    projects.assess_principles(session, LEAD, p.id, _assessment(p8=("not", "Ingen kommuner i referansegruppen.")))
    session.flush()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pf_principle_assessment",
                                                    AuditEntry.action == "insert")
                           .order_by(AuditEntry.seq.desc()))
    assert entry.actor == "pia"
    assert json.loads(entry.changes)["reason"] == {"before": None, "after": "Ingen kommuner i referansegruppen."}


def test_personal_data_needs_the_services_approved_ros_dpia_and_template(demo_session):
    """Demo data: Digisos has an approved ROS and an approved DPIA; Fiks IO's ROS is in review, no DPIA."""
    for code, expected in (("digisos", []), ("fiks-io", [
            "mangler godkjent ROS for Fiks IO", "mangler godkjent DPIA for Fiks IO",
            "mangler kommunemal for Fiks IO (lages av godkjent ROS og DPIA)"])):
        p = project(demo_session, f"Personvern {code}", date(2030, 1, 1), date(2030, 12, 31), service=code)
        ready_for_gate(demo_session, p, ("governance", "product_description"))
        projects.assess_principles(demo_session, LEAD, p.id, {**ALL_FIT, "handles_personal_data": True})
        projects.approve_gate(demo_session, LEADER, p.id)
        ready_for_gate(demo_session, p)
        assert projects.gate_missing(demo_session, p) == expected
        privacy = [(i.label, i.done) for i in projects.gate_checklist(demo_session, p) if i.group == "privacy"]
        assert privacy == [("Godkjent ROS for tjenesten", not expected), ("Godkjent DPIA for tjenesten", not expected),
                           ("Kommunemal (ROS- og DPIA-sammendrag til kommunene)", not expected)]
        if expected:
            with pytest.raises(BackofficeError, match="mangler godkjent ROS for Fiks IO"):
                projects.approve_gate(demo_session, LEADER, p.id)
            assert p.phase == Phase.DEVELOPMENT
        else:
            projects.approve_gate(demo_session, LEADER, p.id)
            assert p.phase == Phase.ROLLOUT


def test_a_service_not_in_the_catalogue_cannot_have_a_ros_yet(session):
    p = project(session, "Startlån", date(2030, 1, 1), date(2030, 12, 31), service="startlan")
    ready_for_gate(session, p, ("governance", "product_description"))
    projects.assess_principles(session, LEAD, p.id, {**ALL_FIT, "handles_personal_data": True})
    projects.approve_gate(session, LEADER, p.id)
    ready_for_gate(session, p)
    missing = projects.gate_missing(session, p)
    assert missing[0] == ("mangler Godkjent ROS for tjenesten (tjenesten «startlan» er ikke i tjenestekatalogen ennå; "
                          "administrator registrerer den med status under utvikling)")
    assert len(missing) == 3


def test_principles_reference_names_section_4_5_and_matches_the_department():
    rows = projects.principles()
    assert [p.number for p in rows] == list(range(1, 9))
    assert all("avsnitt 4.5 Prinsipper" in p.source for p in rows)
    assert all(p.title_en and p.text_en and p.title_nb and p.text_nb for p in rows)
    with (Path(projects.REFERENCE) / "plain_language.csv").open(encoding="utf-8") as handle:
        phases = {r["phase"]: r for r in csv.DictReader(handle, delimiter=";")}
    assert set(phases) == {"planning", "development", "rollout", "closing"}
    assert all("Tabell 1" in r["source"] for r in phases.values())
    for phase, row in phases.items():
        assert tuple(row["document_kinds"].split()) == projects.GATES[phase].plain_language
    if not DEPARTMENT.is_dir():
        pytest.skip("../shared/department is not here: the comparison with the department's text is skipped")
    text = next(DEPARTMENT.glob("000_*.txt")).read_text(encoding="utf-8")
    section = text[text.index("\n4.5 Prinsipper"):text.index("\n4.6 Klart språk")]
    assert sum(1 for n in range(1, 9) if f"\n{n}. " in section) == 8
    table = text[text.index("\n4.6 Klart språk"):text.rindex("Tabell 1: Arbeid med klart språk i prosjekter")]
    for phase in ("Planlegging", "Utvikling", "Utbredelse", "Avslutning"):
        assert f"\n{phase}\t" in table
