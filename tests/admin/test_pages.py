"""Every page renders for every role that can see it, on the demo data, on both databases."""
from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import create_engine, text

from admin import modules
from data import db, demo
from data.access import ROLES, Actor, system_actor
from data.users import actor_for, get_user
from tests.pages import errors_of, render

ROLE_USER = {roles[0]: username for username, (_, roles) in demo.DEMO_USERS.items()}
PAGE_ROLES = [(spec.path, role) for spec in modules.pages() for role in ROLES
              if spec.visible_to(Actor(username="x", roles=frozenset({role})))]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_url(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url, drop = f"sqlite:///{path}", None
    else:
        admin_url = request.getfixturevalue("postgres_server")
        name = f"demo_pages_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE backoffice_template'))
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"

        def drop():
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    engine = db.make_engine(url)
    actor = system_actor("demo")
    with db.session_scope(actor=actor, eng=engine) as session:
        demo.load(session, actor, modules.demo_loaders())
    engine.dispose()
    yield url
    if drop:
        db.reset()
        drop()


@pytest.fixture
def demo_db(demo_url, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", demo_url)
    db.reset()
    yield demo_url
    db.reset()


def actor_of(role: str) -> Actor:
    with db.session_scope() as session:
        return actor_for(session, get_user(session, ROLE_USER[role]))


@pytest.mark.parametrize(("path", "role"), PAGE_ROLES, ids=[f"{p}:{r}" for p, r in PAGE_ROLES])
def test_page_renders_for_role(demo_db, path, role):
    app = render(path, actor_of(role))
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{path} shows no title"


def test_every_role_sees_the_overview_and_only_its_pages(demo_db):
    visible = {role: {s.path for s in modules.pages() if s.visible_to(Actor("x", frozenset({role})))}
               for role in ROLES}
    assert all("admin/pages/overview.py" in paths for paths in visible.values())
    assert "admin/pages/users.py" in visible["admin"]
    assert not any("admin/pages/users.py" in visible[r] for r in ROLES if r != "admin")
    assert "admin/pages/audit_log.py" not in visible["finance"]


def test_a_page_refuses_a_role_that_may_not_see_it(demo_db):
    app = render("admin/pages/users.py", actor_of("finance"))
    assert not app.exception
    assert "Denne siden er ikke tilgjengelig for din rolle." in errors_of(app)
    assert not app.dataframe


def test_signed_out_user_gets_the_sign_in_page(demo_db):
    app = render("app.py", None)
    assert not app.exception
    assert app.title[0].value == "Logg inn"


def test_sign_in_through_the_app(demo_db):
    app = render("app.py", None)
    app.text_input[0].input("leder")
    app.text_input[1].input(demo.DEMO_PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["actor"].roles == {"leader"}
    assert app.title[0].value == "Oversikt"


def test_wrong_password_is_refused_through_the_app(demo_db):
    app = render("app.py", None)
    app.text_input[0].input("leder")
    app.text_input[1].input("feil-passord")
    app.button[0].click().run()
    assert "Feil brukernavn eller passord." in errors_of(app)
    assert "actor" not in app.session_state


@pytest.mark.parametrize("role", ROLES)
def test_app_shell_renders_for_each_role(demo_db, role):
    app = render("app.py", actor_of(role))
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Oversikt"


def test_english_is_switchable(demo_db):
    app = render("admin/pages/overview.py", actor_of("leader"), language="en")
    assert app.title[0].value == "Overview"
    assert any(m.label == "Municipalities" for m in app.metric)


def test_overview_shows_register_figures_in_norwegian(demo_db):
    app = render("admin/pages/overview.py", actor_of("leader"))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Kommuner"] == "357"


def test_app_refuses_an_out_of_date_database(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    db.reset()
    try:
        app = render("app.py", None)
        assert any("backoffice db upgrade" in e for e in errors_of(app))
    finally:
        db.reset()
