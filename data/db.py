"""Settings, engine, session scope and the declarative Base shared by every package."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import DateTime, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from data import textsearch
from data.errors import ConflictError
from data.i18n import t

PROJECT_ROOT = Path(__file__).resolve().parent.parent

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    language: str
    session_timeout_minutes: int

    @classmethod
    def from_env(cls) -> Settings:
        default_db = PROJECT_ROOT / "var" / "backoffice.sqlite"
        return cls(
            database_url=os.environ.get("BACKOFFICE_DATABASE_URL", f"sqlite:///{default_db}"),
            language=os.environ.get("BACKOFFICE_LANGUAGE", "nb"),
            session_timeout_minutes=int(os.environ.get("BACKOFFICE_SESSION_TIMEOUT_MINUTES", "30")),
        )


def settings() -> Settings:
    """Read once per process; tests call `reset()` after changing the environment."""
    return _settings()


@lru_cache(maxsize=1)
def _settings() -> Settings:
    return Settings.from_env()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Versioned:
    """Mixin for editable rows: every update bumps `version`; a stale edit is refused."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; names like "Ålesund" must match "ålesund" (data/textsearch.py).
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    textsearch.prepare_engine(engine)
    return engine


_engines: dict[str, Engine] = {}


def engine() -> Engine:
    url = settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def reset() -> None:
    """Forget cached settings and engines (after the environment changed)."""
    for eng in _engines.values():
        eng.dispose()
    _engines.clear()
    _sessionmakers.clear()
    _settings.cache_clear()


_sessionmakers: dict[int, sessionmaker] = {}
# Tests run each test inside one outer transaction that is rolled back at the end: every session
# opened meanwhile on that database joins it through a savepoint (see tests/conftest.py).
_shared_connection: Connection | None = None


def share_connection(connection: Connection | None) -> None:
    """Make every session on `connection`'s database join its transaction (None: back to normal)."""
    global _shared_connection
    _shared_connection = connection


def _maker(eng: Engine) -> sessionmaker:
    shared = _shared_connection
    if shared is not None and eng.url == shared.engine.url:
        return sessionmaker(bind=shared, join_transaction_mode="create_savepoint", expire_on_commit=False)
    maker = _sessionmakers.get(id(eng))
    if maker is None:
        maker = sessionmaker(bind=eng, expire_on_commit=False)
        _sessionmakers[id(eng)] = maker
    return maker


@contextmanager
def session_scope(actor=None, eng: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    `actor` is recorded in the audit log for every write made in this session (by the hook that
    data.bootstrap installs).
    """
    session = _maker(eng or engine())()
    session.info["actor"] = actor
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(t("error.stale_generic")) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
