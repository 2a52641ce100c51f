"""The one error boundary (data/boundary.py): pages, the CLI and the API answer every exception in plain
language with an error id that is logged in full; no traceback, SQL or parameter reaches the user.
And two people signing in as one user at the same moment both get in (no ConflictError)."""
from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from streamlit.testing.v1 import AppTest

from admin import cli
from data import boundary, db
from data.access import system_actor
from data.errors import ConflictError, NotFound, ValidationFailed
from data.i18n import set_language
from data.registers import users
from data.registers.models import User
from tests.conftest import _free_port, wait_for
from tests.pages import errors_of, render

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0c2FsdA$aGFzaGhhc2hoYXNo"
SQL = "INSERT INTO app_user (username, password_hash) VALUES (?, ?)"
ERROR_ID = re.compile(r"[A-Z2-9]{6}")


def _locked() -> OperationalError:
    return OperationalError(SQL, ("kari", HASH), sqlite3.OperationalError("database is locked"))


def _logged_ids(caplog) -> list[str]:
    return [record.args[0] for record in caplog.records if record.name == "backoffice"]


@pytest.fixture
def cli_log(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "backoffice.log"
    monkeypatch.setattr(boundary, "CLI_LOG_FILE", path)
    return path


# --- the boundary itself ----------------------------------------------------------------------------


def test_a_backoffice_error_keeps_its_own_message_and_logs_nothing(caplog):
    failure = boundary.handle(NotFound("Fant ingen bruker «kari»."))
    assert (failure.message, failure.error_id, failure.status) == ("Fant ingen bruker «kari».", None, 404)
    assert boundary.handle(ValidationFailed([])).status == 422
    assert _logged_ids(caplog) == []


def test_a_locked_database_is_a_plain_message_with_an_id_and_the_detail_is_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="backoffice"):
        failure = boundary.handle(_locked(), where="users add")
    assert ERROR_ID.fullmatch(failure.error_id)
    assert failure.message == ("Databasen er opptatt akkurat nå. Prøv igjen om litt. Ingenting er endret. "
                               f"(feil-id {failure.error_id})")
    assert failure.status == 503 and "argon2" not in failure.message and "INSERT" not in failure.message
    [record] = [r for r in caplog.records if r.name == "backoffice"]
    assert failure.error_id in record.getMessage() and "users add" in record.getMessage()
    assert HASH in caplog.text and "INSERT INTO app_user" in caplog.text  # the full detail, server-side


def test_messages_follow_the_users_language():
    set_language("en")
    assert boundary.handle(_locked()).message.startswith("The database is busy right now. Try again in a moment.")
    unique = IntegrityError(SQL, ("kari", HASH), sqlite3.IntegrityError("UNIQUE constraint failed: app_user.username"))
    failure = boundary.handle(unique)
    assert failure.message.startswith("The change could not be saved because it conflicts with existing data")
    assert "UNIQUE" not in failure.message and failure.status == 409


def test_anything_else_is_something_went_wrong_with_the_id(caplog):
    with caplog.at_level(logging.ERROR, logger="backoffice"):
        failure = boundary.handle(KeyError("password_hash"))
    assert failure.message.startswith(f"Noe gikk galt (feil-id {failure.error_id}).")
    assert "password_hash" not in failure.message and failure.status == 500
    assert _logged_ids(caplog) == [failure.error_id] and "KeyError" in caplog.text


def test_two_errors_get_different_ids():
    assert len({boundary.handle(RuntimeError()).error_id for _ in range(20)}) == 20


# --- the CLI ------------------------------------------------------------------------------------------


def _hold_write_lock(url: str):
    """Another connection holds the write lock on the user table; on SQLite the busy wait is cut to 0.2 s,
    on PostgreSQL the lock wait (lock_timeout)."""
    engine = db.make_engine(url)
    connection = engine.connect()
    if url.startswith("sqlite"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.begin()
        connection.execute(text("LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE"))
    return engine, connection


@pytest.fixture
def short_lock_waits(monkeypatch):
    original = db._sqlite_pragmas

    def quick(dbapi_connection, record):
        original(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    monkeypatch.setattr(db, "_sqlite_pragmas", quick)
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=200")
    db.reset()


@pytest.mark.both_databases
def test_users_add_on_a_locked_database_prints_a_plain_message_not_the_hash(fresh_db_url, short_lock_waits, cli_log,
                                                                            capsys):
    engine, holder = _hold_write_lock(fresh_db_url)
    try:
        code = cli.main(["users", "add", "kari", "--role", "finance", "--password", "et-langt-passord-2024"])
    finally:
        holder.close()
        engine.dispose()
    out, err = capsys.readouterr()
    assert code == 1
    [error_id] = re.findall(r"feil-id ([A-Z2-9]{6})", err)
    assert err.strip() == f"Databasen er opptatt akkurat nå. Prøv igjen om litt. Ingenting er endret. (feil-id {error_id})"
    for leak in ("argon2", "INSERT", "Traceback", "app_user", "et-langt-passord"):
        assert leak not in out + err
    logged = cli_log.read_text(encoding="utf-8")
    assert f"error id {error_id} (cli users add)" in logged and "Traceback" in logged
    with db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(User).where(User.username == "kari")) == 0


def test_an_unexpected_error_in_a_command_is_one_plain_line(db_url, cli_log, monkeypatch, capsys):
    def broken(session, actor, payload):
        raise ZeroDivisionError(f"secret {HASH}")

    monkeypatch.setattr(cli, "create_user", broken)
    assert cli.main(["--lang", "en", "users", "add", "kari", "--role", "finance"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("Something went wrong (error id ") and err.count("\n") == 1
    assert "secret" not in out + err and "ZeroDivisionError" in cli_log.read_text(encoding="utf-8")


# --- pages --------------------------------------------------------------------------------------------


def _page_writing(error_kind: str):
    def script(error_kind):
        import sqlite3

        import streamlit as st
        from sqlalchemy.exc import IntegrityError

        from data.access import system_actor
        from data.pages import common

        def capability(session, actor):
            if error_kind == "integrity":
                raise IntegrityError("INSERT INTO x VALUES (?)", ("hemmelig",), sqlite3.IntegrityError("UNIQUE"))
            raise RuntimeError("hemmelig")

        st.session_state["actor"] = system_actor("test")
        st.write(f"result={common.write(capability)}")

    return AppTest.from_function(script, kwargs={"error_kind": error_kind}, default_timeout=30)


@pytest.mark.parametrize("error_kind", ["integrity", "runtime"])
def test_a_page_write_shows_a_plain_message_for_any_error(db_url, error_kind):
    app = _page_writing(error_kind)
    app.run()
    assert not app.exception
    [message] = [e.value for e in app.error]
    expected = "Endringen kunne ikke lagres" if error_kind == "integrity" else "Noe gikk galt (feil-id "
    assert message.startswith(expected) and "hemmelig" not in message
    assert app.markdown[-1].value == "result=None"


def test_the_sign_in_page_answers_a_race_and_a_busy_database_plainly(db_url, monkeypatch):
    with db.session_scope(actor=system_actor("test")) as session:
        users.create_user(session, system_actor("test"), {"username": "kari", "roles": ["finance"],
                                                          "password": "et-langt-passord-2024"})

    def sign_in(username, password):
        app = render("admin/pages/sign_in.py", None)
        app.text_input[0].input(username)
        app.text_input[1].input(password)
        app.button[0].click().run()
        return app

    def racing(session, username, password, now=None):
        raise ConflictError("Noen andre endret dette samtidig. Last siden på nytt og prøv igjen.")

    monkeypatch.setattr(users, "authenticate", racing)
    app = sign_in("kari", "et-langt-passord-2024")
    assert not app.exception and errors_of(app) == [
        "Noen andre endret dette samtidig. Last siden på nytt og prøv igjen."]

    def busy(session, username, password, now=None):
        raise _locked()

    monkeypatch.setattr(users, "authenticate", busy)
    app = sign_in("kari", "et-langt-passord-2024")
    assert not app.exception
    [message] = errors_of(app)
    assert message.startswith("Databasen er opptatt akkurat nå.") and "argon2" not in message
    assert "actor" not in app.session_state


# --- the metering API -----------------------------------------------------------------------------------


def _post(url: str, key: str, body, language: str = "nb") -> tuple[int, str]:
    request = urllib.request.Request(f"{url}/v1/usage-events", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}",
                                              "Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_api_answers_any_error_as_json_with_an_id(db_url, system, monkeypatch, caplog):
    from data.metering import api
    from data.metering import usage as metering

    with db.session_scope(system) as session:
        metering.load_default_meters(session, system)
        _row, key = metering.create_api_key(session, system, "svarut")
    failures = iter([_locked(), ZeroDivisionError(HASH)])

    def failing(*args, **kwargs):
        raise next(failures)

    monkeypatch.setattr(api, "ingest_for_key", failing)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(api.create_app(), host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_for(lambda: server.started, timeout=15), "API server did not start"
    event = {"specversion": "1.0", "id": "e1", "source": "svarut", "type": "svarut.shipment", "subject": "0301",
             "time": "2025-03-04T10:15:00Z", "data": {"quantity": 3}}
    try:
        with caplog.at_level(logging.ERROR, logger="backoffice"):
            busy_status, busy_text = _post(f"http://127.0.0.1:{port}", key, [event])
            broken_status, broken_text = _post(f"http://127.0.0.1:{port}", key, [event], language="en")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert busy_status == 503
    body = json.loads(busy_text)
    assert body["error"] == "busy" and ERROR_ID.fullmatch(body["error_id"])
    assert body["message"] == ("Databasen er opptatt akkurat nå. Prøv igjen om litt. Ingenting er endret. "
                               f"(feil-id {body['error_id']})")
    assert broken_status == 500
    broken = json.loads(broken_text)
    assert broken["error"] == "internal" and broken["message"].startswith(
        f"Something went wrong (error id {broken['error_id']}).")
    for leak in ("argon2", "INSERT", "Traceback"):
        assert leak not in busy_text + broken_text
    assert [body["error_id"], broken["error_id"]] == [i for i in _logged_ids(caplog) if i in busy_text + broken_text]


# --- parallel sign-in -------------------------------------------------------------------------------------


def _in_parallel(count: int, fn) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        barrier.wait()
        try:
            results[index] = fn()
        except BaseException as error:  # noqa: BLE001 - the test reports whatever was raised
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _user(password: str = "et-langt-passord-2024") -> None:
    actor = system_actor("test")
    with db.session_scope(actor=actor) as session:
        users.create_user(session, actor, {"username": "kari", "roles": ["finance"], "password": password})


def _sign_in(password: str):
    with db.session_scope(actor="kari") as session:
        return users.authenticate(session, "kari", password)


@pytest.mark.both_databases
def test_simultaneous_sign_ins_of_one_user_all_succeed(fresh_db_url):
    _user()
    results = _in_parallel(6, lambda: _sign_in("et-langt-passord-2024"))
    assert [type(r).__name__ for r in results if not isinstance(r, users.SignIn)] == []
    assert all(r.actor is not None and r.actor.username == "kari" for r in results)
    with db.session_scope() as session:
        user = session.scalar(select(User).where(User.username == "kari"))
        assert user.failed_sign_ins == 0 and user.last_sign_in is not None


@pytest.mark.both_databases
def test_simultaneous_wrong_passwords_are_all_counted_and_lock_the_account(fresh_db_url):
    _user()
    results = _in_parallel(users.MAX_FAILED_SIGN_INS, lambda: _sign_in("feil-passord"))
    assert [type(r).__name__ for r in results if not isinstance(r, users.SignIn)] == []
    assert all(r.actor is None for r in results)
    with db.session_scope() as session:
        user = session.scalar(select(User).where(User.username == "kari"))
        assert user.locked_until is not None and user.failed_sign_ins == 0
    locked = _sign_in("et-langt-passord-2024")
    assert locked.actor is None  # locked for a while, even with the right password


def test_an_error_while_a_page_reads_is_a_plain_message_in_the_app(db_url, monkeypatch):
    from tests.conftest import make_actor

    def locked():
        raise _locked()

    monkeypatch.setattr("admin.approvals._pages", locked)  # read by the first thing the first page (the overview) shows
    app = render("app.py", make_actor("leader", username="lise"))
    assert not app.exception
    [message] = errors_of(app)
    assert message.startswith("Databasen er opptatt akkurat nå.") and "argon2" not in message
