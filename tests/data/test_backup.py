import pytest
from sqlalchemy import func, select

from data import audit, backup
from data.db import session_scope
from data.registers import registry as registers
from data.registers.models import Organisation
from tests.conftest import make_actor

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def _state(engine):
    with session_scope(eng=engine) as s:
        count = s.scalar(select(func.count()).select_from(Organisation))
        names = s.scalars(select(Organisation.name).order_by(Organisation.id)).all()
        verified = audit.verify(s)
    return count, names, verified


def test_backup_and_restore_round_trip(engine, tmp_path):
    admin = make_actor("admin", username="ada")
    with session_scope(actor=admin, eng=engine) as s:
        registers.create_organisation(s, admin, {"name": "Før sikkerhetskopi", "kind": "other"})
    count, names, verified = _state(engine)
    target = backup.backup(tmp_path / "backup.bin", engine)
    assert target.stat().st_size > 0

    with session_scope(actor=admin, eng=engine) as s:
        registers.create_organisation(s, admin, {"name": "Etter sikkerhetskopi", "kind": "other"})
        registers.update_organisation(s, admin, registers.find_organisation(s, "Bergen").id,
                                      {"name": "Bjørgvin", "kind": "municipality", "municipality_number": "4601"})
    assert _state(engine)[0] == count + 1

    backup.restore(target, engine)
    restored_count, restored_names, restored_verified = _state(engine)
    assert restored_count == count
    assert restored_names == names and "Bergen" in restored_names and "Bjørgvin" not in restored_names
    assert restored_verified.ok and restored_verified.checked == verified.checked


def test_restore_refuses_a_file_that_is_not_a_backup(engine, tmp_path):
    import pytest

    from data.errors import BackofficeError

    missing = tmp_path / "nope.bin"
    with pytest.raises(BackofficeError) as error:
        backup.restore(missing, engine)
    assert "Finner ikke filen" in error.value.message
