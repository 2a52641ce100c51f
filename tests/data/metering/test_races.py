"""A second user taking the same meter code between the check and the insert: the loser gets the same
plain refusal as when the check itself finds it, and nothing of theirs is written."""
import pytest
from sqlalchemy import select

from data import db
from data.errors import BackofficeError
from data.metering import usage
from data.metering.models import Meter
from data.registers.models import Service
from tests.concurrency import meanwhile
from tests.conftest import make_actor

pytestmark = pytest.mark.both_databases

ADMIN = make_actor("admin", username="admin")


def _svarut(session) -> int:
    return session.scalar(select(Service.id).where(Service.code == "svarut"))


def test_a_meter_code_taken_meanwhile_is_refused_plainly(fresh_db_url, monkeypatch):
    meanwhile(monkeypatch, usage, "_check_meter_code",
              lambda session: session.add(Meter(code="svarut.sms", service_id=_svarut(session), name="Først",
                                                unit="SMS")))
    with pytest.raises(BackofficeError) as error, db.session_scope(actor=ADMIN) as session:
        usage.create_meter(session, ADMIN, {"code": "svarut.sms", "service": "svarut", "name": "SMS-varsler",
                                            "unit": "SMS"})
    assert error.value.message == "Det finnes allerede en måler med koden «svarut.sms»."
    with db.session_scope() as session:
        assert [(m.code, m.name) for m in session.scalars(select(Meter).where(Meter.code == "svarut.sms"))] == [
            ("svarut.sms", "Først")]
