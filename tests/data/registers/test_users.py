from datetime import timedelta

import pytest

from admin.sso import parse_sso_settings
from data.db import utcnow
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.registers.users import (
    authenticate,
    create_user,
    ensure_first_admin,
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
    now = utcnow()
    for attempt in range(4):
        result = authenticate(session, "kari", "feil", now=now)
        assert result.error == "Feil brukernavn eller passord.", attempt
    result = authenticate(session, "kari", "feil", now=now)
    assert result.error == "For mange mislykkede innlogginger. Kontoen er låst i 15 minutter."
    session.commit()
    locked = authenticate(session, "kari", "riktig-passord", now=now + timedelta(minutes=14))
    assert locked.actor is None and "låst i 1 minutter" in locked.error
    assert authenticate(session, "kari", "riktig-passord", now=now + timedelta(minutes=16)).actor is not None


def test_unknown_user_and_deactivated_user(session, kari):
    assert authenticate(session, "ola", "hva-som-helst").error == "Feil brukernavn eller passord."
    set_active(session, ADMIN, "kari", False)
    assert authenticate(session, "kari", "riktig-passord").error == "Brukeren er deaktivert. Kontakt administrator."


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
    assert "minst 10 tegn" in error.value.message


def test_users_may_change_their_own_password_only(session, kari):
    me = make_actor("finance", username="kari")
    set_password(session, me, "kari", "et-nytt-passord")
    assert authenticate(session, "kari", "et-nytt-passord").actor is not None
    with pytest.raises(PermissionDenied):
        set_password(session, me, "ada", "et-nytt-passord")
    with pytest.raises(BackofficeError):
        set_password(session, me, "kari", "kort")


def test_first_admin_is_created_once(session):
    password = ensure_first_admin(session)
    assert password and len(password) >= 12
    assert authenticate(session, "admin", password).actor.roles == {"admin"}
    assert ensure_first_admin(session) is None


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
