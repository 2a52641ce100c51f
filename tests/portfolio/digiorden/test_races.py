"""A second user taking the same vendor, system or dataset name in a map between the check and the insert:
the loser gets the same plain refusal as when the check itself finds it, and nothing of theirs is written."""
import pytest
from sqlalchemy import select

from data import db
from data.errors import BackofficeError
from data.registers.registry import find_organisation
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.models import DoDataset, DoSystem, DoVendor
from tests.concurrency import meanwhile
from tests.conftest import make_actor

pytestmark = pytest.mark.both_databases

ARCHITECT = make_actor("architect", username="arkitekt")
TAKEN = "Navnet «Økonomi» er allerede i bruk i kartet."


@pytest.fixture
def oslo(fresh_db_url) -> int:
    with db.session_scope() as session:
        return find_organisation(session, "0301").id


def _names(model) -> list[str]:
    with db.session_scope() as session:
        return list(session.scalars(select(model.name).order_by(model.id)))


def test_a_vendor_name_taken_meanwhile_is_refused_plainly(oslo, monkeypatch):
    meanwhile(monkeypatch, digiorden, "_refuse_duplicate_name",
              lambda session: session.add(DoVendor(organisation_id=oslo, name="Økonomi")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=ARCHITECT) as session:
        digiorden.save_vendor(session, ARCHITECT, oslo, {"name": "Økonomi", "org_number": "923 456 783"})
    assert error.value.message == TAKEN
    assert _names(DoVendor) == ["Økonomi"]
    with db.session_scope() as session:
        assert session.scalar(select(DoVendor.org_number)) is None


def test_a_system_name_taken_meanwhile_is_refused_plainly(oslo, monkeypatch):
    meanwhile(monkeypatch, digiorden, "_refuse_duplicate_name",
              lambda session: session.add(DoSystem(organisation_id=oslo, name="Økonomi", hosting="saas")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=ARCHITECT) as session:
        digiorden.save_system(session, ARCHITECT, oslo, {"name": "Økonomi", "hosting": "cloud", "owner": "Sjefen"})
    assert error.value.message == TAKEN
    with db.session_scope() as session:
        assert [(s.name, s.hosting, s.owner) for s in session.scalars(select(DoSystem))] == [
            ("Økonomi", "saas", None)]


def test_a_dataset_name_taken_meanwhile_is_refused_plainly(oslo, monkeypatch):
    with db.session_scope(actor=ARCHITECT) as session:
        system_id = digiorden.save_system(session, ARCHITECT, oslo, {"name": "Arkiv", "hosting": "saas"}).id
    meanwhile(monkeypatch, digiorden, "_refuse_duplicate_name",
              lambda session: session.add(DoDataset(organisation_id=oslo, system_id=system_id, name="Økonomi",
                                                    personal_data="none")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=ARCHITECT) as session:
        digiorden.save_dataset(session, ARCHITECT, oslo, {"name": "Økonomi", "system": "Arkiv",
                                                          "personal_data": "special"})
    assert error.value.message == TAKEN
    with db.session_scope() as session:
        assert [(d.name, d.personal_data) for d in session.scalars(select(DoDataset))] == [("Økonomi", "none")]
