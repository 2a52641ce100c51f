"""The management system's documents: owner and approver are two people, who approves what, the next review,
overdue reviews, new versions, NSM principles and ISO control ids."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.registers.users import create_user
from risk.privacy import documents
from risk.privacy.models import MsDocument, MsDocumentApproval
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")
LEADER = make_actor("leader", username="lise")


@pytest.fixture
def users(session, system):
    for username, name, role in (("siri", "Siri Sikkerhet", "security"), ("lise", "Lise Leder", "leader"),
                                 ("arne", "Arne Arkitekt", "architect")):
        create_user(session, system, {"username": username, "full_name": name, "roles": [role]})
    session.flush()


def _save(session, **extra):
    payload = {"kind": "procedure", "title": "Prosedyre for hendelseshåndtering", "owner": "siri",
               "doc_version": "1.0", "review_months": 12, "nsm_principles": ["4.1", "4.2"],
               "iso_controls": "A.5.26, A.5.24 A.5.25"} | extra
    return documents.save_document(session, SECURITY, payload)


def test_register_and_approve_sets_the_next_review(session, users):
    document = _save(session)
    assert (document.status, document.iso_controls, document.nsm_principles) == (
        "draft", ["A.5.24", "A.5.25", "A.5.26"], ["4.1", "4.2"])
    documents.approve_document(session, LEADER, document.id, {"approved_on": date(2024, 1, 31)})
    assert (document.status, document.approved_by, document.approved_version) == ("approved", "lise", "1.0")
    assert document.next_review == date(2025, 1, 31)
    documents.save_document(session, SECURITY, {"kind": "procedure", "title": document.title, "owner": "siri",
                                                "doc_version": "1.0", "review_months": 1},
                            document.id, document.version)
    documents.approve_document(session, LEADER, document.id, {"approved_on": date(2024, 1, 31), "note": "Revidert"})
    assert document.next_review == date(2024, 2, 29)          # one month after 31 January: the month's last day
    assert [a["approved_by"] for a in documents.approval_rows(session, document.id)] == ["Lise Leder", "Lise Leder"]


def test_the_owner_never_approves_and_policies_need_the_leader(session, users):
    routine = _save(session, kind="routine", title="Rutine for tilgangsstyring", owner="arne")
    policy = _save(session, kind="policy", title="Informasjonssikkerhetspolicy", owner="lise")
    own = _save(session, title="Egen prosedyre", owner="siri")
    with pytest.raises(PermissionDenied, match="Du eier «Egen prosedyre»"):
        documents.approve_document(session, SECURITY, own.id, {"approved_on": date(2025, 1, 1)})
    with pytest.raises(PermissionDenied, match="eier «Informasjonssikkerhetspolicy»"):
        documents.approve_document(session, LEADER, policy.id, {"approved_on": date(2025, 1, 1)})
    with pytest.raises(PermissionDenied):
        documents.approve_document(session, SECURITY, policy.id, {"approved_on": date(2025, 1, 1)})
    for role in ("admin", "finance", "product_owner", "portfolio", "support", "architect"):
        with pytest.raises(PermissionDenied):
            documents.approve_document(session, make_actor(role, username=f"x-{role}"), routine.id,
                                       {"approved_on": date(2025, 1, 1)})
    with pytest.raises(PermissionDenied, match="du registrerte dokumentet «Rutine for tilgangsstyring»"):
        documents.approve_document(session, SECURITY, routine.id, {"approved_on": date(2025, 1, 1)})
    documents.approve_document(session, make_actor("security", username="sven"), routine.id,
                               {"approved_on": date(2025, 1, 1)})       # another security officer
    assert session.scalar(select(func.count()).select_from(MsDocumentApproval)) == 1
    for role in ("leader", "admin", "finance", "product_owner", "support", "architect"):
        with pytest.raises(PermissionDenied):
            documents.save_document(session, make_actor(role), {"kind": "routine", "title": "Ny rutine",
                                                                "owner": "siri", "doc_version": "1"})


def test_overdue_reviews_and_the_states(session, users):
    today = date(2026, 12, 7)
    overdue = _save(session, title="Gammel prosedyre")
    documents.approve_document(session, LEADER, overdue.id, {"approved_on": date(2025, 11, 1)})   # review 1.11.2026
    soon = _save(session, title="Snart revisjon")
    documents.approve_document(session, LEADER, soon.id, {"approved_on": date(2025, 12, 20)})     # 20.12.2026
    fine = _save(session, title="Ny prosedyre")
    documents.approve_document(session, LEADER, fine.id, {"approved_on": date(2026, 6, 1)})
    draft = _save(session, title="Utkast")
    rows = {r["title"]: r for r in documents.document_rows(session, on=today)}
    assert {t: (r["state"], r["days_overdue"]) for t, r in rows.items()} == {
        "Gammel prosedyre": ("overdue", 36), "Snart revisjon": ("due_soon", 0), "Ny prosedyre": ("ok", 0),
        "Utkast": ("draft", 0)}
    assert list(rows)[0] == "Gammel prosedyre"                  # overdue first
    assert documents.overdue_count(session, today) == 1
    assert documents.overdue_count(session, date(2026, 11, 1)) == 0   # due that day: overdue the day after
    assert [r["title"] for r in documents.document_rows(session, overdue_only=True, on=today)] == ["Gammel prosedyre"]
    assert rows["Gammel prosedyre"]["owner_name"] == "Siri Sikkerhet"
    assert draft.status == "draft"


def test_a_new_version_waits_for_approval(session, users):
    document = _save(session)
    documents.approve_document(session, LEADER, document.id, {"approved_on": date(2026, 1, 5)})
    documents.save_document(session, SECURITY, {"kind": "procedure", "title": document.title, "owner": "siri",
                                                "doc_version": "1.1"}, document.id, document.version)
    assert (document.status, document.approved_version) == ("draft", "1.0")
    assert documents.document_rows(session, on=date(2026, 2, 1))[0]["state"] == "draft"
    documents.approve_document(session, LEADER, document.id, {"approved_on": date(2026, 2, 1)})
    assert (document.status, document.approved_version) == ("approved", "1.1")


def test_bad_input_is_refused_in_plain_language(session, users):
    with pytest.raises(ValidationFailed, match="Ugyldig kontroll-id: Z.9"):
        _save(session, iso_controls=["A.5.1", "Z.9"])
    with pytest.raises(BackofficeError, match="Ukjent NSM-prinsipp: 9.9"):
        _save(session, nsm_principles=["1.1", "9.9"])
    with pytest.raises(BackofficeError, match="ukjent-bruker"):
        _save(session, owner="ukjent-bruker")
    document = _save(session)
    with pytest.raises(BackofficeError, match="finnes allerede et dokument med tittelen"):
        _save(session, title="PROSEDYRE FOR HENDELSESHÅNDTERING")
    with pytest.raises(BackofficeError, match="fram i tid"):
        documents.approve_document(session, LEADER, document.id, {"approved_on": date.today() + timedelta(days=2)})
    with pytest.raises(BackofficeError, match="må være etter godkjenningsdatoen"):
        documents.approve_document(session, LEADER, document.id, {"approved_on": date(2026, 1, 1),
                                                                  "next_review": date(2026, 1, 1)})
    assert session.scalar(select(func.count()).select_from(MsDocument)) == 1
    assert document.status == "draft"


def test_coverage_by_nsm_principle_and_the_kpi(session, users):
    _save(session)
    coverage = {c["principle"]: c for c in documents.coverage(session)}
    assert coverage["4.1"]["documents"] == "Prosedyre for hendelseshåndtering"
    assert coverage["1.1"]["count"] == 0
    assert len(coverage) == 21                  # NSM's 21 principles (risk's sourced reference)
    [kpi] = documents.kpis(session, LEADER)
    assert (kpi.label, kpi.value) == ("Styringsdokumenter på overtid", "0")


def test_an_approval_is_in_the_audit_log(session, users):
    document = _save(session)
    session.info["actor"] = LEADER
    documents.approve_document(session, LEADER, document.id, {"approved_on": date(2026, 1, 5), "note": "Godkjent"})
    session.flush()
    entries = session.execute(select(AuditEntry.table_name, AuditEntry.action, AuditEntry.actor)
                              .where(AuditEntry.table_name.like("privacy_document%"))
                              .order_by(AuditEntry.seq)).all()
    assert sorted(entries[-2:]) == [("privacy_document", "update", "lise"), ("privacy_document_approval", "insert", "lise")]
