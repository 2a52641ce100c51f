"""Backup and restore: only a backup of this application (schema at head, audit chain intact) is restored,
into a new file or database first; a refused or failed restore leaves the database exactly as it was."""
import os
import sqlite3
import subprocess

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from data import audit, backup, db, schema
from data.db import session_scope
from data.errors import BackofficeError, PermissionDenied
from data.registers import registry as registers
from data.registers.models import Organisation
from tests.conftest import make_actor

# Behaviour that depends on the database runs on SQLite and on PostgreSQL.
both_databases = pytest.mark.both_databases

ADMIN = make_actor("admin", username="ada")


def _state(engine):
    with session_scope(eng=engine) as s:
        count = s.scalar(select(func.count()).select_from(Organisation))
        names = s.scalars(select(Organisation.name).order_by(Organisation.id)).all()
        verified = audit.verify(s)
    return count, names, verified


def _snapshot(engine):
    """What a user would notice: the organisations, the audit chain and the schema version."""
    count, names, verified = _state(engine)
    return count, names, (verified.ok, verified.checked), schema.current_revisions(engine)


def _refused(engine, source, *expected):
    before = _snapshot(engine)
    with pytest.raises(BackofficeError) as error:
        backup.restore(source, engine, actor=ADMIN)
    for part in expected:
        assert part in error.value.message
    assert "Ingenting er endret" in error.value.message
    assert _snapshot(engine) == before
    assert before[2][0] is True
    _assert_no_leftovers(engine)
    return error.value.message


def _assert_no_leftovers(engine):
    if engine.dialect.name == "sqlite":
        folder = os.path.dirname(engine.url.database)
        assert [name for name in os.listdir(folder) if ".restore-" in name] == []
    else:
        with engine.connect() as connection:
            names = connection.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE '%restore%'")).all()
        assert names == []


def _rename_organisation(engine):
    with session_scope(actor=ADMIN, eng=engine) as s:
        registers.create_organisation(s, ADMIN, {"name": "Etter sikkerhetskopi", "kind": "other"})


@both_databases
def test_backup_and_restore_round_trip(engine, tmp_path):
    with session_scope(actor=ADMIN, eng=engine) as s:
        registers.create_organisation(s, ADMIN, {"name": "Før sikkerhetskopi", "kind": "other"})
    count, names, verified = _state(engine)
    target = backup.backup(tmp_path / "backup.bin", engine, actor=ADMIN)
    assert target.stat().st_size > 0

    with session_scope(actor=ADMIN, eng=engine) as s:
        registers.create_organisation(s, ADMIN, {"name": "Etter sikkerhetskopi", "kind": "other"})
        registers.update_organisation(s, ADMIN, registers.find_organisation(s, "Bergen").id,
                                      {"name": "Bjørgvin", "kind": "municipality", "municipality_number": "4601"})
    assert _state(engine)[0] == count + 1

    backup.restore(target, engine, actor=ADMIN)
    restored_count, restored_names, restored_verified = _state(engine)
    assert restored_count == count
    assert restored_names == names and "Bergen" in restored_names and "Bjørgvin" not in restored_names
    assert restored_verified.ok and restored_verified.checked == verified.checked
    assert schema.current_revisions(engine) == schema.head_revisions()
    _assert_no_leftovers(engine)


@both_databases
def test_a_connection_left_open_by_the_running_app_sees_the_restored_data(engine, fresh_db_url, tmp_path):
    target = backup.backup(tmp_path / "backup.bin", engine, actor=ADMIN)
    count = _state(engine)[0]
    _rename_organisation(engine)
    app = db.make_engine(fresh_db_url)  # another engine, as the Streamlit app would hold one
    try:
        with app.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Organisation)) == count + 1
        backup.restore(target, engine, actor=ADMIN)
        with app.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Organisation)) == count
    finally:
        app.dispose()


@both_databases
def test_restore_refuses_a_missing_file(engine, tmp_path):
    message = _refused(engine, tmp_path / "nope.bin", "Finner ikke filen")
    assert "nope.bin" in message


@both_databases
def test_restore_refuses_an_empty_file_and_the_database_is_unchanged(engine, tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    _refused(engine, empty, "er ikke en sikkerhetskopi", "empty.sqlite")
    with session_scope(eng=engine) as s:  # the schema is all there: audit verify still works
        assert audit.verify(s).ok


@both_databases
def test_restore_refuses_a_file_that_is_not_a_database(engine, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(64 * 1024))
    _refused(engine, junk, "er ikke en sikkerhetskopi")
    header_only = tmp_path / "header.sqlite"  # looks like SQLite or a dump by its first bytes only
    header_only.write_bytes((b"SQLite format 3\x00" if engine.dialect.name == "sqlite" else b"PGDMP")
                            + os.urandom(8192))
    _refused(engine, header_only, "header.sqlite")


@both_databases
def test_restore_refuses_a_backup_of_another_application(engine, tmp_path):
    other = tmp_path / "other.bin"
    if engine.dialect.name == "sqlite":
        connection = sqlite3.connect(other)
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        connection.execute("INSERT INTO notes (text) VALUES ('handleliste')")
        connection.commit()
        connection.close()
    else:
        _pg_dump_of_another_application(engine, other)
    _refused(engine, other, "ikke en sikkerhetskopi av Backoffice")


@both_databases
def test_restore_refuses_a_sqlite_file_given_to_postgresql_and_a_dump_given_to_sqlite(engine, tmp_path):
    wrong = tmp_path / "wrong.bin"
    if engine.dialect.name == "sqlite":
        wrong.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01\x01" + bytes(200))
    else:
        sqlite3.connect(wrong).execute("CREATE TABLE alembic_version (version_num VARCHAR(32))").connection.close()
    _refused(engine, wrong, "er ikke en sikkerhetskopi")


def _pg_dump_of_another_application(engine, target):
    maintenance = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"{engine.url.database}_other_app"
    with maintenance.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    other = create_engine(engine.url.set(database=name), poolclass=NullPool)
    try:
        with other.begin() as connection:
            connection.execute(text("CREATE TABLE notes (id serial PRIMARY KEY, text text)"))
            connection.execute(text("INSERT INTO notes (text) VALUES ('handleliste')"))
        backup.backup(target, other, actor=ADMIN)
    finally:
        other.dispose()
        with maintenance.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        maintenance.dispose()


def _older_revision() -> tuple[str, str]:
    """One head and the revision before it."""
    script = ScriptDirectory.from_config(schema.alembic_config())
    head = sorted(schema.head_revisions())[-1]
    return head, script.get_revision(head).down_revision


@both_databases
def test_restore_refuses_a_backup_of_an_older_schema(engine, tmp_path):
    head, older = _older_revision()
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :old WHERE version_num = :head"),
                           {"old": older, "head": head})
    old_backup = backup.backup(tmp_path / "old.bin", engine, actor=ADMIN)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :head WHERE version_num = :old"),
                           {"old": older, "head": head})
    message = _refused(engine, old_backup, "en annen versjon av Backoffice")
    assert older in message and head in message


@both_databases
def test_restore_refuses_a_backup_whose_audit_chain_was_tampered(engine, tmp_path):
    with engine.begin() as connection:
        original = connection.scalar(text("SELECT changes FROM audit_log WHERE seq = 3"))
        connection.execute(text("UPDATE audit_log SET changes = '{}' WHERE seq = 3"))
    tampered = backup.backup(tmp_path / "tampered.bin", engine, actor=ADMIN)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET changes = :original WHERE seq = 3"), {"original": original})
    message = _refused(engine, tampered, "Revisjonsloggen i sikkerhetskopien er ikke urørt")
    assert "rad 3" in message


@both_databases
def test_restore_and_backup_are_for_an_administrator_only(engine, tmp_path):
    target = backup.backup(tmp_path / "backup.bin", engine, actor=ADMIN)
    for role in ("leader", "finance", "security", "product_owner", "support"):
        actor = make_actor(role)
        with pytest.raises(PermissionDenied) as error:
            backup.backup(tmp_path / f"{role}.bin", engine, actor=actor)
        assert "Du har ikke tilgang til å ta sikkerhetskopi av databasen" in error.value.message
        assert not (tmp_path / f"{role}.bin").exists()
        before = _snapshot(engine)
        with pytest.raises(PermissionDenied) as error:
            backup.restore(target, engine, actor=actor)
        assert "Du har ikke tilgang til å gjenopprette databasen" in error.value.message
        assert _snapshot(engine) == before


@both_databases
def test_restore_declined_at_the_confirmation_changes_nothing(engine, tmp_path):
    target = backup.backup(tmp_path / "backup.bin", engine, actor=ADMIN)
    _rename_organisation(engine)
    before = _snapshot(engine)
    asked = []
    with pytest.raises(BackofficeError) as error:
        backup.restore(target, engine, actor=ADMIN, confirm=lambda: asked.append(True) or False)
    assert asked == [True]
    assert "Gjenopprettingen er avbrutt. Ingenting er endret." in error.value.message
    assert _snapshot(engine) == before
    _assert_no_leftovers(engine)


# --- the PostgreSQL tools get the connection as the URL gives it ----------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("postgresql+psycopg://kari:hemmelig@db.example/backoffice?port=5433",
     ["--host", "db.example", "--port", "5433", "--username", "kari", "--dbname", "backoffice"]),
    ("postgresql+psycopg://kari@/backoffice?host=/run/postgresql&port=5434",
     ["--host", "/run/postgresql", "--port", "5434", "--username", "kari", "--dbname", "backoffice"]),
    ("postgresql+psycopg://kari@db.example:5432/backoffice?host=/socket/dir&port=6543&sslmode=require",
     ["--host", "/socket/dir", "--port", "6543", "--username", "kari", "--dbname", "backoffice"]),
    ("postgresql+psycopg:///backoffice?host=a.example&host=b.example&port=5433&port=5434",
     ["--host", "a.example,b.example", "--port", "5433,5434", "--dbname", "backoffice"]),
])
def test_the_postgresql_tools_get_host_and_port_from_the_url_query(url, expected):
    args, env = backup.pg_connection_args(make_url(url))
    assert args == expected
    if "hemmelig" in url:
        assert env["PGPASSWORD"] == "hemmelig"
    if "sslmode" in url:
        assert env["PGSSLMODE"] == "require"


def test_backup_passes_the_host_and_port_in_the_query_to_pg_dump(tmp_path, monkeypatch):
    calls = []

    def run(command, **_kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 1, "", "could not connect")

    monkeypatch.setattr(backup.subprocess, "run", run)
    eng = create_engine("postgresql+psycopg://kari@/backoffice?host=/socket/dir&port=5433")
    with pytest.raises(BackofficeError) as error:
        backup.backup(tmp_path / "b.dump", eng, actor=ADMIN)
    assert "Sikkerhetskopien feilet: could not connect" in error.value.message
    assert len(calls) == 1 and os.path.basename(calls[0][0]) == "pg_dump"
    assert " --host /socket/dir --port 5433 --username kari --dbname backoffice" in " ".join(calls[0])
    assert os.listdir(tmp_path) == []  # no half-written dump left behind


@pytest.mark.postgresql_only
def test_backup_and_restore_reach_a_server_named_only_in_the_url_query(fresh_db_url, tmp_path):
    """host= and port= only in the query: pg_dump, pg_restore and the database swap must all use them
    (without them the tools would look for a server on the default socket and port 5432)."""
    url = make_url(fresh_db_url)
    query_only = f"{url.drivername}://{url.username}@/{url.database}?host={url.host}&port={url.port}"
    assert make_url(query_only).host is None and make_url(query_only).port is None
    eng = db.make_engine(query_only)
    try:
        count = _state(eng)[0]
        target = backup.backup(tmp_path / "backup.dump", eng, actor=ADMIN)
        _rename_organisation(eng)
        assert _state(eng)[0] == count + 1
        backup.restore(target, eng, actor=ADMIN)
        assert _state(eng)[0] == count
        _assert_no_leftovers(eng)
    finally:
        eng.dispose()


@both_databases
def test_a_restore_that_fails_at_the_last_step_leaves_the_old_database_as_it_was(engine, fresh_db_url, tmp_path,
                                                                                  monkeypatch):
    target = backup.backup(tmp_path / "backup.bin", engine, actor=ADMIN)
    _rename_organisation(engine)
    before = _snapshot(engine)
    if engine.dialect.name == "sqlite":
        # another program holds the write lock for longer than the restore waits
        monkeypatch.setattr(backup, "SQLITE_BUSY_SECONDS", 0.2)
        writer = sqlite3.connect(engine.url.database, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(BackofficeError) as error:
                backup.restore(target, engine, actor=ADMIN)
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert error.value.message == ("Et annet program skriver til databasen og slapp den ikke innen 0.2 sekunder. "
                                       "Prøv igjen når det er ferdig (eller stopp appen mens du gjenoppretter). "
                                       "Ingenting er endret.")
    else:
        # the name the old database would be renamed to is taken, so the swap fails after the restore into
        # the new database succeeded
        monkeypatch.setattr(backup.secrets, "token_hex", lambda _n: "feedbeef")
        taken = f"{engine.url.database}_before_restore_feedbeef"
        maintenance = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                                    poolclass=NullPool)
        with maintenance.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{taken}"'))
        try:
            with pytest.raises(BackofficeError) as error:
                backup.restore(target, engine, actor=ADMIN)
            with maintenance.connect() as connection:
                allowed = connection.scalar(text("SELECT datallowconn FROM pg_database WHERE datname = :name"),
                                            {"name": engine.url.database})
                assert allowed is True  # the old database takes connections again
        finally:
            with maintenance.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{taken}"'))
            maintenance.dispose()
        assert error.value.message.startswith("Databasen kunne ikke byttes ut med sikkerhetskopien:")
        assert "already exists" in error.value.message and error.value.message.endswith("Ingenting er endret.")
    assert _snapshot(engine) == before
    _assert_no_leftovers(engine)
