"""Every page renders for every role that can see it, on the demo data (SQLite); every page once on PostgreSQL."""
from __future__ import annotations

import re

import pytest

from admin import cli, modules
from data import db, demo
from data.access import ROLES, Actor, system_actor
from data.crud import service_choices
from data.registers.users import actor_for, get_user, set_active
from tests.leaks import leaks
from tests.pages import errors_of, render

ROLE_USER = {roles[0]: username for username, (_, roles) in demo.DEMO_USERS.items()}
PAGE_ROLES = [(spec.path, role) for spec in modules.pages() for role in ROLES
              if spec.visible_to(Actor(username="x", roles=frozenset({role})))]


@pytest.fixture
def demo_db(demo_url):
    return demo_url


# What shows codes by design: the audit log's raw record, the codes an administrator edits (services, roles),
# account names and the tickets page's help on tagging by service code.
SHOWS_CODES = {
    "admin/pages/audit_log.py": ("Tabell", "Endringer (før/etter)"),
    "admin/pages/services.py": ("Kode",),
    "admin/pages/users.py": ("Brukernavn",),
    "portfolio/pages/staffing.py": ("Kode",),
    "data/support/pages/tickets.py": ("caption",),
}


@pytest.fixture
def service_codes(demo_db):
    """Service codes that would be a leak in the UI: not those that are also a word of a service's name."""
    with db.session_scope() as session:
        services = service_choices(session)
    words = {word for _, name in services for word in re.findall(r"\w+", name)}
    return frozenset(code for code, _ in services if code not in words)


def actor_of(role: str) -> Actor:
    with db.session_scope() as session:
        return actor_for(session, get_user(session, ROLE_USER[role]))


@pytest.mark.parametrize(("path", "role"), PAGE_ROLES, ids=[f"{p}:{r}" for p, r in PAGE_ROLES])
def test_page_renders_for_role(demo_db, service_codes, path, role):
    app = render(path, actor_of(role))
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{path} shows no title"
    assert leaks(app, service_codes, SHOWS_CODES.get(path, ())) == []   # names, labels and Norwegian formats


# Each page once on PostgreSQL, as the first role that may see it (the matrix above runs on SQLite).
FIRST_ROLE = list({path: role for path, role in reversed(PAGE_ROLES)}.items())


@pytest.mark.postgresql_only
@pytest.mark.parametrize(("path", "role"), FIRST_ROLE, ids=[f"{p}:{r}" for p, r in FIRST_ROLE])
def test_every_page_renders_once_on_postgresql(demo_db, path, role):
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


def test_failed_sign_in_clears_the_password_and_keeps_the_username(demo_db):
    app = render("app.py", None)
    assert any("Etter 5 mislykkede forsøk på rad stenges brukeren i 15 minutter." in c.value for c in app.caption)
    app.text_input[0].input("leder")
    app.text_input[1].input("feil-passord")
    app.button[0].click().run()
    assert errors_of(app) == ["Feil brukernavn eller passord."]
    assert app.text_input[1].value == ""
    assert app.text_input[0].value == "leder"


def _sign_in(app, username: str, password: str):
    app.text_input[0].input(username)
    app.text_input[1].input(password)
    app.button[0].click().run()
    return app


def test_deactivated_user_is_answered_exactly_like_a_wrong_password(demo_db):
    wrong = errors_of(_sign_in(render("app.py", None), "leder", "feil-passord"))
    with db.session_scope(actor=system_actor("test")) as session:
        set_active(session, system_actor("test"), "leder", False)
    deactivated = _sign_in(render("app.py", None), "leder", demo.DEMO_PASSWORD)
    assert errors_of(deactivated) == wrong == ["Feil brukernavn eller passord."]
    assert "actor" not in deactivated.session_state


def test_first_admin_must_change_the_one_time_password_at_first_sign_in(db_url, capsys):
    assert cli.main(["db", "upgrade"]) == 0
    one_time = re.search(r"Passord: (\S+)", capsys.readouterr().out).group(1)
    app = _sign_in(render("app.py", None), "admin", one_time)
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["actor"].username == "admin"
    assert app.title[0].value == "Min konto"  # the change-password form, and nothing else
    assert any("engangspassord" in i.value for i in app.info)
    assert [t.label for t in app.text_input] == ["Nytt passord", "Gjenta nytt passord"]
    assert not app.sidebar.radio  # no navigation, no language switch: only the form
    for other in ("admin/pages/overview.py", "admin/pages/users.py"):  # the navigation holds no other page
        with pytest.raises(ValueError, match=r"Known pages: \['[^,]*admin/pages/account.py'\]"):
            app.switch_page(other)

    app.text_input[0].input("kort")
    app.text_input[1].input("kort")
    app.button[0].click().run()
    assert "Passordet må ha minst 12 tegn." in errors_of(app)
    assert app.title[0].value == "Min konto"

    app.text_input[0].input("et helt eget passord")
    app.text_input[1].input("et helt eget passord")
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Oversikt"  # changed: every page is there again
    app.switch_page("admin/pages/users.py").run()
    assert app.title[0].value == "Brukere og roller"
    again = _sign_in(render("app.py", None), "admin", "et helt eget passord")
    assert again.title[0].value == "Oversikt"
    assert "Feil brukernavn eller passord." in errors_of(_sign_in(render("app.py", None), "admin", one_time))


@pytest.mark.parametrize("role", ROLES)
def test_app_shell_renders_for_each_role(demo_db, role):
    app = render("app.py", actor_of(role))
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Oversikt"


def test_english_is_switchable(demo_db):
    app = render("admin/pages/overview.py", actor_of("leader"), language="en")
    assert app.title[0].value == "Overview"
    app.toggle(key="overview_all_figures").set_value(True).run()   # every area's key figures, on request
    assert any(m.label == "Municipalities" for m in app.metric)


def test_overview_shows_register_figures_in_norwegian(demo_db):
    app = render("admin/pages/overview.py", actor_of("leader"))
    app.toggle(key="overview_all_figures").set_value(True).run()
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
