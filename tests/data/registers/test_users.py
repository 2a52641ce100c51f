from datetime import timedelta

import pytest

from admin.sso import parse_sso_settings
from data.db import utcnow
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.registers.users import (
    authenticate,
    check_password_strength,
    create_user,
    ensure_first_admin,
    generate_password,
    get_user,
    roles_from_claims,
    set_active,
    set_password,
    set_roles,
)
from tests.conftest import make_actor

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

ADMIN = make_actor("admin", username="ada")


@pytest.fixture
def kari(session):
    create_user(session, ADMIN, {"username": "kari", "full_name": "Kari Nordmann", "roles": ["finance"],
                                 "password": "riktig-passord"})
    session.commit()
    return "kari"


def test_sign_in_gives_an_actor_with_roles(session, kari):
    result = authenticate(session, "Kari", "riktig-passord")
    assert result.error is None
    assert result.actor.username == "kari" and result.actor.roles == {"finance"}
    assert get_user(session, "kari").last_sign_in is not None


def test_five_failures_lock_the_account_for_fifteen_minutes(session, kari):
    """The lock-out answers like a wrong password: a "locked" message would tell that the name exists."""
    now = utcnow()
    for attempt in range(5):
        result = authenticate(session, "kari", "feil", now=now)
        assert result.error == "Feil brukernavn eller passord.", attempt
    session.commit()
    assert get_user(session, "kari").locked_until == now + timedelta(minutes=15)
    locked = authenticate(session, "kari", "riktig-passord", now=now + timedelta(minutes=14))
    assert locked.actor is None and locked.error == "Feil brukernavn eller passord."
    assert authenticate(session, "kari", "riktig-passord", now=now + timedelta(minutes=16)).actor is not None


def test_unknown_deactivated_and_locked_accounts_answer_like_a_wrong_password(session, kari, monkeypatch):
    """Account enumeration: the same answer, after the same work (a hash verified), for every failure."""
    from data.registers import users

    wrong = authenticate(session, "kari", "feil-passord").error
    assert wrong == "Feil brukernavn eller passord."
    assert authenticate(session, "ola", "hva-som-helst").error == wrong
    set_active(session, ADMIN, "kari", False)
    verified = []
    monkeypatch.setattr(users, "_hasher_dummy_verify", verified.append)
    deactivated = authenticate(session, "kari", "riktig-passord")
    assert deactivated.actor is None and deactivated.error == wrong
    assert verified == ["riktig-passord"]
    set_active(session, ADMIN, "kari", True)
    get_user(session, "kari").locked_until = utcnow() + timedelta(minutes=10)
    locked = authenticate(session, "kari", "riktig-passord")
    assert locked.actor is None and locked.error == wrong
    assert verified == ["riktig-passord", "riktig-passord"]


def test_only_admin_manages_users(session, kari):
    with pytest.raises(PermissionDenied):
        create_user(session, make_actor("leader"), {"username": "per", "roles": ["leader"]})
    with pytest.raises(PermissionDenied):
        set_roles(session, make_actor("finance", username="kari"), "kari", ["admin"])
    set_roles(session, ADMIN, "kari", ["finance", "leader"])
    assert get_user(session, "kari").roles == ["finance", "leader"]


def test_user_payload_errors_name_fields(session):
    with pytest.raises(ValidationFailed) as error:
        create_user(session, ADMIN, {"username": "x y", "roles": ["wizard"], "password": "kort"})
    fields = {e.field for e in error.value.errors}
    assert fields == {"username", "roles", "password"}
    assert "Ukjent rolle: wizard" in error.value.message
    assert "minst 12 tegn" in error.value.message


def test_users_may_change_their_own_password_only(session, kari):
    me = make_actor("finance", username="kari")
    set_password(session, me, "kari", "et-nytt-passord")
    assert authenticate(session, "kari", "et-nytt-passord").actor is not None
    with pytest.raises(PermissionDenied):
        set_password(session, me, "ada", "et-nytt-passord")
    with pytest.raises(BackofficeError):
        set_password(session, me, "kari", "kort")


def test_first_admin_is_created_once_and_must_change_the_password(session):
    password = ensure_first_admin(session)
    assert password and len(password) >= 12
    check_password_strength(password, "admin")
    assert authenticate(session, "admin", password).actor.roles == {"admin"}
    assert get_user(session, "admin").must_change_password is True
    assert ensure_first_admin(session) is None


def test_a_password_set_by_an_admin_must_be_changed_and_one_set_by_the_user_need_not(session, kari):
    assert get_user(session, "kari").must_change_password is True  # created by an admin, with a password
    me = make_actor("finance", username="kari")
    set_password(session, me, "kari", "mitt-eget-gode-passord")
    assert get_user(session, "kari").must_change_password is False
    set_password(session, ADMIN, "kari", generate_password("kari"))  # reset by an admin
    assert get_user(session, "kari").must_change_password is True
    set_password(session, ADMIN, "kari", "et-passord-fra-admin")  # chosen by an admin
    assert get_user(session, "kari").must_change_password is True
    create_user(session, ADMIN, {"username": "sso.bruker", "roles": ["leader"]})  # no password: single sign-on
    assert get_user(session, "sso.bruker").must_change_password is False


def test_the_new_password_must_differ_from_the_one_time_password(session, kari):
    with pytest.raises(BackofficeError) as error:
        set_password(session, make_actor("finance", username="kari"), "kari", "riktig-passord")
    assert error.value.message == "Det nye passordet må være et annet enn det du har nå."
    assert get_user(session, "kari").must_change_password is True


COMMON = "Passordet er for vanlig: det står på listen over kjente lekkede og vanlige passord. Velg et annet."


@pytest.mark.parametrize(("password", "message"), [
    ("elleve-tegn", "Passordet må ha minst 12 tegn."),
    ("mitt-KARI-passord", "Passordet kan ikke inneholde brukernavnet."),
    ("Password1234", COMMON),
    ("QWERTYUIOP123", COMMON),
])
def test_password_policy_refuses_with_a_plain_message(session, kari, password, message):
    with pytest.raises(ValueError) as refused:
        check_password_strength(password, "kari")
    assert str(refused.value) == message
    for who in (ADMIN, make_actor("finance", username="kari")):
        with pytest.raises(BackofficeError) as error:
            set_password(session, who, "kari", password)
        assert error.value.message == message
    with pytest.raises(ValidationFailed) as error:
        create_user(session, ADMIN, {"username": "kari", "roles": ["finance"], "password": password})
    assert [(e.field, e.message) for e in error.value.errors] == [("password", message)]


def test_the_policy_is_stated_in_english_too(session):
    from data.i18n import set_language

    set_language("en")
    with pytest.raises(ValueError, match="at least 12 characters"):
        check_password_strength("too-short", "kari")


def test_the_common_password_list_is_shipped_with_its_source_and_read():
    from data.registers import users

    header = users.COMMON_PASSWORDS.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "Royce Williams" in header and "Django" in header
    common = users.common_passwords()
    assert len(common) > 19000
    assert {"password1234", "qwertyuiop123", "123456", "#1bitch"} <= common
    assert not any(line.startswith("# ") for line in common)  # the header is not read as passwords


def test_generated_one_time_passwords_pass_the_policy():
    for username in ("admin", "kari", "a1", "Xy"):
        for _ in range(200):
            password = generate_password(username)
            check_password_strength(password, username)


def test_sso_claim_to_role_mapping():
    mapping = {"bo-admins": ["admin"], "bo-finance": ["finance", "leader"], "bo-typo": ["wizard"]}
    assert roles_from_claims({"groups": ["bo-finance", "other"]}, mapping) == ["finance", "leader"]
    assert roles_from_claims({"groups": "bo-admins, bo-typo"}, mapping) == ["admin"]
    assert roles_from_claims({"roles": ["bo-admins"]}, mapping, claim="roles") == ["admin"]
    assert roles_from_claims({}, mapping) == []


def test_sso_settings_need_auth_and_mapping():
    assert parse_sso_settings({}) is None
    assert parse_sso_settings({"auth": {"client_id": "x"}}) is None
    settings = parse_sso_settings({"auth": {"client_id": "x"},
                                   "backoffice_sso": {"label": "Entra ID", "claim": "roles",
                                                      "role_mapping": {"bo-sec": "security"}}})
    assert settings.label == "Entra ID" and settings.claim == "roles"
    assert settings.role_mapping == {"bo-sec": ["security"]}


def test_sso_sign_in_without_mapped_role_is_refused(session):
    from data.registers.users import actor_for_sso

    with pytest.raises(BackofficeError) as error:
        actor_for_sso(session, {"preferred_username": "ola", "groups": ["x"]}, {"bo": ["admin"]})
    assert "ingen rolle" in error.value.message
    actor = actor_for_sso(session, {"preferred_username": "ola", "groups": ["bo"], "name": "Ola"}, {"bo": ["admin"]})
    assert actor.roles == {"admin"} and actor.full_name == "Ola"


def test_product_owner_rights_reach_only_owned_services_except_for_the_local_operator():
    from data.access import system_actor

    owner = make_actor("product_owner", owned=("svarut",))
    assert owner.can("agreements.write", "svarut") and not owner.can("agreements.write", "digisos")
    with pytest.raises(PermissionDenied, match="digisos"):
        owner.require("agreements.write", "digisos")
    operator = system_actor("cli:test")
    assert operator.can("agreements.write", "digisos") and operator.can("agreements.write", "svarut")
    assert not make_actor("leader").can("agreements.write", "svarut")


def test_a_sign_in_is_audited_under_its_own_name_and_leaves_the_pages_caches_warm(session, kari):
    from sqlalchemy import select

    from data.audit import AuditEntry
    from data.pages.common import write_mark

    mark = write_mark()
    assert authenticate(session, "kari", "feil-passord").actor is None
    assert authenticate(session, "kari", "riktig-passord").actor is not None
    session.commit()
    actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.table_name == "app_user")
                                   .order_by(AuditEntry.seq.desc()).limit(2)))
    assert actions == ["sign_in", "sign_in_failed"]
    assert write_mark() == mark                      # nothing a cached page shows has changed
    set_roles(session, ADMIN, "kari", ["finance", "security"])
    session.commit()
    assert write_mark() > mark                       # a real change still refreshes every page
