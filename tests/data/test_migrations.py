"""The Alembic migrations build exactly the schema the models describe, on both databases."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from data import db, schema

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def test_upgrade_from_empty_matches_models(db_url, tmp_path):
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    else:
        admin = create_engine(db_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS migration_check_{os.getpid()} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE migration_check_{os.getpid()}"))
        admin.dispose()
        url = db_url.rsplit("/", 1)[0] + f"/migration_check_{os.getpid()}"
    engine = db.make_engine(url)
    assert not schema.is_up_to_date(engine)
    schema.upgrade(engine)
    assert schema.is_up_to_date(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"
