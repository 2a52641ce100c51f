"""Fixtures the pricing tests share."""
import os

import pytest
import sqlalchemy as sa


@pytest.fixture
def empty_url(db_url, tmp_path, request):
    """An empty database of the test's kind, for a migration test to build an old schema in: a file for SQLite,
    a database of its own (named after the test module, dropped after) on PostgreSQL."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    name = f"{request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')}_{os.getpid()}"
    admin = sa.create_engine(db_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    yield db_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
