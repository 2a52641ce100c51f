"""Alembic wiring: upgrade the database, and tell whether it is up to date."""
from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from data.db import engine as default_engine
from data.errors import BackofficeError
from data.i18n import t

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revisions() -> set[str]:
    return set(_heads())


@functools.cache
def _heads() -> frozenset[str]:
    """The migrations' heads, read once per process (reading the scripts took 30 ms, and the app asks on every
    click; the migrations of a running process do not change)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(eng: Engine | None = None) -> set[str]:
    with (eng or default_engine()).connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def is_up_to_date(eng: Engine | None = None) -> bool:
    return current_revisions(eng) == head_revisions()


def require_up_to_date(eng: Engine | None = None) -> None:
    if not is_up_to_date(eng):
        raise BackofficeError(t("db.out_of_date"))


def upgrade(eng: Engine | None = None, revision: str = "heads") -> None:
    eng = eng or default_engine()
    config = alembic_config(eng.url.render_as_string(hide_password=False))
    with eng.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def drop_everything(eng: Engine | None = None) -> None:
    """Drop every table the database has (for `demo --reset`), whatever migrations made them."""
    eng = eng or default_engine()
    metadata = MetaData()
    with eng.begin() as connection:
        metadata.reflect(bind=connection)
        metadata.drop_all(bind=connection)
