import json
import re

import pytest
from sqlalchemy import bindparam, delete, func, select, text, update

from admin.cli import main
from data import audit
from data.audit import AuditEntry
from data.db import session_scope
from data.errors import BackofficeError
from data.metering.models import UsageMonthly
from data.registers import registry as registers
from data.registers.models import Organisation
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


# --- bulk UPDATE and DELETE (issue 17) -------------------------------------------------------------


def _orgs(engine, *names):
    admin = make_actor("admin", username="ada")
    with session_scope(actor=admin, eng=engine) as s:
        return [registers.create_organisation(s, admin, {"name": n, "kind": "other", "population": 100 + i}).id
                for i, n in enumerate(names)]


def _since(session, seq, table="organisation"):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.seq > seq, AuditEntry.table_name == table)
                                .order_by(AuditEntry.seq)))


def _head_seq(engine):
    with session_scope(eng=engine) as s:
        return s.scalar(select(func.max(AuditEntry.seq)))


def test_a_bulk_delete_records_each_row_with_its_before_values(engine):
    ids = _orgs(engine, "Bulk A", "Bulk B", "Beholdes")
    start = _head_seq(engine)
    with session_scope(actor=make_actor("admin", username="ada"), eng=engine) as s:
        s.execute(delete(Organisation).where(Organisation.name.like("Bulk%")))
    with session_scope(eng=engine) as s:
        entries = _since(s, start)
        assert audit.verify(s).ok
    assert [(e.action, e.row_id, e.actor) for e in entries] == [("delete", str(ids[0]), "ada"),
                                                                ("delete", str(ids[1]), "ada")]
    changes = json.loads(entries[1].changes)
    assert changes["name"] == {"before": "Bulk B", "after": None}
    assert changes["population"] == {"before": 101, "after": None}


def test_a_bulk_update_records_the_changed_fields_before_and_after(engine):
    ids = _orgs(engine, "Oppdater A", "Oppdater B", "Urørt")
    start = _head_seq(engine)
    with session_scope(actor=make_actor("admin", username="ada"), eng=engine) as s:
        s.execute(update(Organisation).where(Organisation.id.in_(ids)).values(population=150))
    with session_scope(eng=engine) as s:
        entries = _since(s, start)
        assert audit.verify(s).ok
    # the second already had 101 -> 150, the first 100 -> 150, the third 102 -> 150: all three changed
    assert [(e.action, e.row_id) for e in entries] == [("update", str(i)) for i in ids]
    assert [json.loads(e.changes) for e in entries] == [{"population": {"before": 100 + n, "after": 150}}
                                                        for n in range(3)]


def test_a_core_update_with_many_parameter_sets_records_only_rows_it_changed(engine):
    ids = _orgs(engine, "Mange A", "Mange B")
    start = _head_seq(engine)
    table = Organisation.__table__
    statement = (update(table).where(table.c.id == bindparam("b_id"), table.c.population == bindparam("b_old"))
                 .values(population=bindparam("b_new")))
    with session_scope(actor=make_actor("admin", username="ada"), eng=engine) as s:
        s.execute(statement, [{"b_id": ids[0], "b_old": 100, "b_new": 5},
                              {"b_id": ids[1], "b_old": 999, "b_new": 6}])   # stale: changes nothing
    with session_scope(eng=engine) as s:
        entries = _since(s, start)
    assert [(e.action, e.row_id, json.loads(e.changes)) for e in entries] == [
        ("update", str(ids[0]), {"population": {"before": 100, "after": 5}})]


def test_a_bulk_delete_of_pending_rows_sees_them_flushed_first(engine):
    admin = make_actor("admin", username="ada")
    start = _head_seq(engine)
    with session_scope(actor=admin, eng=engine) as s:
        s.add(Organisation(name="Flyktig", kind="other"))
        s.execute(delete(Organisation).where(Organisation.name == "Flyktig"))
    with session_scope(eng=engine) as s:
        assert [e.action for e in _since(s, start)] == ["insert", "delete"]


def test_a_batch_table_gets_one_entry_with_the_row_count(engine):
    start = _head_seq(engine)
    with session_scope(eng=engine) as s:
        s.execute(delete(UsageMonthly))
    with session_scope(eng=engine) as s:
        [entry] = _since(s, start, "usage_monthly")
    assert (entry.action, entry.row_id, json.loads(entry.changes)) == ("batch_delete", "*",
                                                                       {"rows": {"before": None, "after": 0}})


# --- the anchor: truncation and re-hashing (issue 17) ----------------------------------------------


def _rehash(engine, from_seq, key=None, keyed=None):
    """What someone with write access to the database (and without the key) can do: recompute every hash
    from `from_seq` on, so that the chain holds together again."""
    table = AuditEntry.__table__
    with engine.begin() as c:
        prev = c.scalar(select(table.c.hash).where(table.c.seq == from_seq - 1)) or audit.GENESIS_HASH
        for row in c.execute(select(table).where(table.c.seq >= from_seq).order_by(table.c.seq)).all():
            digest = audit.entry_hash(row.seq, row.at, row.actor, row.action, row.table_name, row.row_id,
                                      row.changes, prev, key)
            c.execute(update(table).where(table.c.seq == row.seq).values(
                prev_hash=prev, hash=digest, keyed=row.keyed if keyed is None else keyed))
            prev = digest


def _anchor(capsys) -> str:
    assert main(["audit", "anchor"]) == 0
    printed = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", printed)
    return printed


def test_truncating_the_newest_entries_passes_verify_but_not_the_anchor(engine, capsys):
    anchor = _anchor(capsys)
    seq = int(anchor.split(":")[0])
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE seq > :seq"), {"seq": seq - 3})
    assert main(["audit", "verify"]) == 0        # the chain alone cannot see it
    capsys.readouterr()
    assert main(["audit", "verify", "--anchor", anchor]) == 1
    assert capsys.readouterr().err.strip() == (
        f"Revisjonsloggen er avkortet: rad {seq} fra ankeret finnes ikke lenger (loggen har {seq - 3} rader). "
        "Nyere rader er slettet.")


def test_an_edited_and_rehashed_chain_passes_verify_but_not_the_anchor(engine, capsys):
    anchor = _anchor(capsys)
    seq = int(anchor.split(":")[0])
    with engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 42"))
    _rehash(engine, 42)
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "audit", "verify", "--anchor", anchor]) == 1
    assert capsys.readouterr().err.strip() == (
        f"The audit log has been rewritten: entry {seq} has another checksum than the anchor. The log was "
        "changed and its checksums recomputed after the anchor was taken.")


def test_an_intact_chain_passes_its_anchor_and_later_writes_do_not_disturb_it(engine, capsys):
    anchor = _anchor(capsys)
    _orgs(engine, "Etter ankeret")
    assert main(["audit", "verify", "--anchor", anchor]) == 0
    assert f"rad {anchor.split(':')[0]} stemmer med ankeret" in capsys.readouterr().out


def test_a_broken_chain_gets_no_anchor_and_a_bad_anchor_is_named(engine, capsys):
    assert main(["audit", "verify", "--anchor", "42:abc"]) == 1
    assert "«42:abc» er ikke et anker" in capsys.readouterr().err
    with engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 7"))
    assert main(["audit", "anchor"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Ankeret er ikke laget: revisjonsloggen er ikke urørt." in captured.err


# --- the key: HMAC entries (issue 17) --------------------------------------------------------------

KEY = "en-hemmelig-nøkkel-som-bare-driften-har"


def test_with_a_key_new_entries_are_keyed_and_the_mixed_chain_verifies(engine, monkeypatch):
    start = _head_seq(engine)
    monkeypatch.setenv("BACKOFFICE_AUDIT_KEY", KEY)
    _orgs(engine, "Med nøkkel")
    with session_scope(eng=engine) as s:
        new = list(s.scalars(select(AuditEntry).where(AuditEntry.seq > start)))
        old = s.get(AuditEntry, start)
        assert new and all(e.keyed for e in new) and not old.keyed
        assert audit.verify(s).ok
        entry = new[0]
        assert entry.hash == audit.entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.table_name,
                                              entry.row_id, entry.changes, entry.prev_hash, KEY.encode())
        assert entry.hash != audit.entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.table_name,
                                              entry.row_id, entry.changes, entry.prev_hash)
    monkeypatch.delenv("BACKOFFICE_AUDIT_KEY")
    with session_scope(eng=engine) as s:
        result = audit.verify(s)
    assert (result.ok, result.reason, result.first_bad_seq, result.checked) == (False, "needs_key", start + 1, start)


def test_with_a_key_rehashing_without_it_fails_verify(engine, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_AUDIT_KEY", KEY)
    start = _head_seq(engine)
    _orgs(engine, "Nøkkel A", "Nøkkel B", "Nøkkel D")
    head = _head_seq(engine)
    with engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = :seq"), {"seq": head - 1})

    _rehash(engine, head - 1)                  # plain SHA-256, entries still marked keyed
    with session_scope(eng=engine) as s:
        result = audit.verify(s)
    assert (result.ok, result.reason, result.first_bad_seq) == (False, "altered", head - 1)

    _rehash(engine, head - 1, keyed=False)     # and marked plain
    with session_scope(eng=engine) as s:
        result = audit.verify(s)
    assert (result.ok, result.reason, result.first_bad_seq) == (False, "unkeyed_after_keyed", head - 1)

    _rehash(engine, start + 1, keyed=False)    # every keyed entry re-hashed plain
    with session_scope(eng=engine) as s:
        assert audit.verify(s, key=None).ok    # without the key nothing shows...
        result = audit.verify(s)               # ...with it, the head must be keyed
    assert (result.ok, result.reason, result.first_bad_seq) == (False, "head_unkeyed", head)


def test_writing_under_a_keyed_log_without_the_key_or_with_another_is_refused(engine, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_AUDIT_KEY", KEY)
    _orgs(engine, "Nøkkel C")
    head = _head_seq(engine)
    monkeypatch.delenv("BACKOFFICE_AUDIT_KEY")
    with pytest.raises(BackofficeError) as refused:
        _orgs(engine, "Uten nøkkel")
    assert refused.value.message == ("Revisjonsloggen er nøkkelsikret, men BACKOFFICE_AUDIT_KEY er ikke satt her. "
                                     "Ingenting er lagret: sett nøkkelen og prøv igjen.")
    monkeypatch.setenv("BACKOFFICE_AUDIT_KEY", "en annen nøkkel")
    with pytest.raises(BackofficeError, match="BACKOFFICE_AUDIT_KEY er ikke nøkkelen revisjonsloggen er skrevet med"):
        _orgs(engine, "Feil nøkkel")
    with session_scope(eng=engine) as s:
        assert _head_seq(engine) == head
        assert s.scalar(select(func.count()).select_from(Organisation)
                        .where(Organisation.name.in_(["Uten nøkkel", "Feil nøkkel"]))) == 0
        result = audit.verify(s)
    assert (result.ok, result.reason) == (False, "altered_or_key")
