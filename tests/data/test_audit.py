import json

import pytest
from sqlalchemy import select, text

from data import audit
from data.audit import AuditEntry
from data.db import session_scope
from data.registers import registry as registers
from data.registers.users import create_user
from tests.conftest import make_actor

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def _entries(session, table):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.seq)))


def test_insert_update_delete_are_recorded_with_actor_and_before_after(engine):
    admin = make_actor("admin", username="ada")
    with session_scope(actor=admin, eng=engine) as s:
        org = registers.create_organisation(s, admin, {"name": "Digdir", "kind": "state_agency",
                                                       "org_number": "991825827"})
        org_id = org.id
    with session_scope(actor=admin, eng=engine) as s:
        registers.update_organisation(s, admin, org_id, {"name": "Digitaliseringsdirektoratet",
                                                         "kind": "state_agency", "org_number": "991825827"})
    with session_scope(actor=admin, eng=engine) as s:
        s.delete(registers.get_organisation(s, org_id))
    with session_scope(eng=engine) as s:
        rows = [e for e in _entries(s, "organisation") if e.row_id == str(org_id)]
    assert [e.action for e in rows] == ["insert", "update", "delete"]
    assert all(e.actor == "ada" for e in rows)
    inserted = json.loads(rows[0].changes)
    assert inserted["name"] == {"before": None, "after": "Digdir"}
    updated = json.loads(rows[1].changes)
    assert updated["name"] == {"before": "Digdir", "after": "Digitaliseringsdirektoratet"}
    assert json.loads(rows[2].changes)["org_number"] == {"before": "991825827", "after": None}


def test_password_hashes_never_reach_the_log(engine):
    admin = make_actor("admin")
    with session_scope(actor=admin, eng=engine) as s:
        create_user(s, admin, {"username": "kari", "roles": ["finance"], "password": "et-langt-passord"})
    with session_scope(eng=engine) as s:
        entry = _entries(s, "app_user")[-1]
    assert json.loads(entry.changes)["password_hash"]["after"] == "***"
    assert "argon2" not in entry.changes


def test_verify_detects_altered_removed_and_reordered_entries(engine):
    with session_scope(eng=engine) as s:
        result = audit.verify(s)
    assert result.ok and result.checked == 15 + 371 + 14 + 7  # counties, organisations, services, components
    with engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 42"))
    with session_scope(eng=engine) as s:
        result = audit.verify(s)
    assert (result.ok, result.first_bad_seq, result.reason, result.checked) == (False, 42, "altered", 41)

    with engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'template' WHERE seq = 42"))
        c.execute(text("DELETE FROM audit_log WHERE seq = 100"))
    with session_scope(eng=engine) as s:
        result = audit.verify(s)
    assert (result.ok, result.first_bad_seq, result.reason) == (False, 100, "missing")


def test_swapped_entries_break_the_chain(engine):
    with engine.begin() as c:
        a = c.execute(text("SELECT changes FROM audit_log WHERE seq = 10")).scalar()
        b = c.execute(text("SELECT changes FROM audit_log WHERE seq = 11")).scalar()
        c.execute(text("UPDATE audit_log SET changes = :v WHERE seq = 10"), {"v": b})
        c.execute(text("UPDATE audit_log SET changes = :v WHERE seq = 11"), {"v": a})
    with session_scope(eng=engine) as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 10


def test_failed_transaction_leaves_no_audit_entry(engine):
    admin = make_actor("admin")
    with session_scope(eng=engine) as s:
        before = s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    try:
        with session_scope(actor=admin, eng=engine) as s:
            registers.create_organisation(s, admin, {"name": "Midlertidig", "kind": "other"})
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with session_scope(eng=engine) as s:
        after = s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        assert after == before
        assert audit.verify(s).ok


def test_links_between_services_and_components_are_recorded(engine):
    with session_scope(eng=engine) as s:
        entry = next(e for e in _entries(s, "service") if json.loads(e.changes)["code"]["after"] == "svarut")
        component_ids = json.loads(entry.changes)["components"]["after"]
    assert len(component_ids) == 4
    admin = make_actor("admin", username="ada")
    with session_scope(actor=admin, eng=engine) as s:
        registers.set_service_components(s, admin, "svarut", ["print"])
    with session_scope(eng=engine) as s:
        change = json.loads(_entries(s, "service")[-1].changes)["components"]
    assert len(change["before"]) == 4 and len(change["after"]) == 1
