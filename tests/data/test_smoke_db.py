import pytest
from sqlalchemy import func, select

from data.registers.models import Organisation

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def test_template_has_all_municipalities(session):
    assert session.scalar(select(func.count()).select_from(Organisation).where(Organisation.kind == "municipality")) == 357
