"""A second user taking the same username or organisation number between the check and the insert: the
loser gets the same plain refusal as when the check itself finds it, and nothing of theirs is written."""
import pytest
from sqlalchemy import select

from data import db
from data.errors import BackofficeError
from data.registers import registry, users
from data.registers.models import Organisation, User
from tests.concurrency import meanwhile
from tests.conftest import make_actor

pytestmark = pytest.mark.both_databases

ADMIN = make_actor("admin", username="admin")


def test_a_username_taken_meanwhile_is_refused_plainly(fresh_db_url, monkeypatch):
    meanwhile(monkeypatch, users, "_check_username_free",
              lambda session: session.add(User(username="kari", full_name="Kari fra før")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=ADMIN) as session:
        users.create_user(session, ADMIN, {"username": "kari", "full_name": "Kari Nordmann", "roles": ["finance"]})
    assert error.value.message == "Brukernavnet «kari» er allerede i bruk."
    with db.session_scope() as session:
        assert [(u.username, u.full_name) for u in session.scalars(select(User))] == [("kari", "Kari fra før")]


def test_an_org_number_taken_meanwhile_is_refused_plainly(fresh_db_url, monkeypatch):
    meanwhile(monkeypatch, registry, "_check_unique_org_number",
              lambda session: session.add(Organisation(name="KS", kind="other", org_number="971032146")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=ADMIN) as session:
        registry.create_organisation(session, ADMIN, {"name": "KS 2", "kind": "other", "org_number": "971032146"})
    assert error.value.message == "Organisasjonsnummeret 971032146 er allerede registrert på KS."
    with db.session_scope() as session:
        assert [(o.name, o.org_number) for o in session.scalars(
            select(Organisation).where(Organisation.name.in_(["KS", "KS 2"])))] == [("KS", "971032146")]
