"""Test databases: built once per worker, each test inside a transaction that is rolled back.

Per run and xdist worker, two databases are built on SQLite and (when its binaries are here) on a
throwaway PostgreSQL: *base* (all tables, Alembic stamped at head, the shipped reference data) and
*demo* (base plus the deterministic demo data). A test gets one of them through one outer
connection whose transaction is rolled back at the end; every session the code under test opens
(`db.session_scope()`, pages, the CLI) joins that transaction through a savepoint
(`db.share_connection`). So a test sees its own writes, commits included, and leaves nothing behind.

Fixtures:
- `db_url` / `session`: the base database, rolled back. SQLite only, unless the test or its module is
  marked `both_databases` (behaviour that depends on the database: constraints, text search and
  collation, locking, COPY, migrations): then once on each.
- `demo_url` / `demo_session`: the demo database, rolled back (same marker rule).
- `fresh_db_url` / `engine`: a private copy of the base database, for tests that need real commits
  seen by other connections, threads or processes (backup, restore, concurrency, raw SQL on the
  engine). Same marker rule.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from admin import modules
from data import bootstrap, db, schema
from data.access import Actor, system_actor
from data.i18n import set_language

bootstrap.install(modules.ROOMS)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DIALECTS = ("sqlite", "postgresql")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_databases: run on SQLite and on PostgreSQL (database-dependent)")
    config.addinivalue_line("markers", "postgresql_only: run on PostgreSQL only (SQLite covers it elsewhere)")


def pytest_generate_tests(metafunc):
    """Parametrize the database fixtures by dialect: PostgreSQL too only for `both_databases` tests."""
    wanted = {"db_url", "demo_url", "fresh_db_url"} & set(metafunc.fixturenames)
    if not wanted:
        return
    marked = metafunc.definition.get_closest_marker
    chosen = DIALECTS if marked("both_databases") else ("postgresql",) if marked("postgresql_only") else ("sqlite",)
    metafunc.parametrize("dialect", chosen, indirect=True, scope="function")


@pytest.fixture
def dialect(request):
    return getattr(request, "param", "sqlite")


# --- PostgreSQL ------------------------------------------------------------------------------------


def _find_pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


class ThrowawayPostgres:
    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="backoffice-pg-"))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(self.dir, user=user)
            os.chmod(self.dir, 0o700)
            self.as_user = ["runuser", "-u", user, "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, cwd="/")

    def start(self) -> str:
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-locale")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w",
                  "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                        "stop"], capture_output=True, cwd="/")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    if os.environ.get("BACKOFFICE_TEST_POSTGRES_URL"):
        yield os.environ["BACKOFFICE_TEST_POSTGRES_URL"]
        return
    bin_dir = _find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries (initdb) not found on this machine: PostgreSQL runs skipped")
    server = ThrowawayPostgres(bin_dir)
    try:
        admin_url = server.start()
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"could not start a throwaway PostgreSQL: {exc.stderr!r}")
    yield admin_url
    server.stop()


def _pg_url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _pg_admin(admin_url: str, *statements: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


# --- building the databases ------------------------------------------------------------------------


def _build(url: str, with_demo: bool) -> None:
    """All tables, stamped at head, the shipped reference data and, with_demo, the demo data."""
    from alembic import command

    from data import demo
    from data.registers.registry import load_reference_data

    engine = db.make_engine(url)
    db.Base.metadata.create_all(engine)
    config = schema.alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "heads")
    actor = system_actor("template")
    with db.session_scope(actor=actor, eng=engine) as session:
        if with_demo:
            demo.load(session, actor, modules.demo_loaders())
        else:
            load_reference_data(session, actor)
    engine.dispose()


class Databases:
    """This worker's databases by (dialect, kind), built on first use."""

    def __init__(self, tmp: Path, request):
        self.tmp = tmp
        self.request = request
        self.urls: dict[tuple[str, str], str] = {}
        self.engines: dict[str, object] = {}
        self.fresh = 0

    def url(self, dialect: str, kind: str) -> str:
        key = (dialect, kind)
        if key not in self.urls:
            if dialect == "sqlite":
                url = f"sqlite:///{self.tmp / f'{kind}.sqlite'}"
                _build(url, with_demo=(kind == "demo"))
            else:
                # Built as a template that nobody connects to, so that fresh copies can be made from it
                # (PostgreSQL copies a template only while it has no other sessions).
                admin_url = self.request.getfixturevalue("postgres_server")
                name = f"bo_{WORKER}_{kind}"
                _pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}_template" WITH (FORCE)',
                          f'CREATE DATABASE "{name}_template"')
                _build(_pg_url(admin_url, f"{name}_template"), with_demo=(kind == "demo"))
                _pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                          f'CREATE DATABASE "{name}" TEMPLATE "{name}_template"')
                url = _pg_url(admin_url, name)
            self.urls[key] = url
        return self.urls[key]

    def engine(self, url: str):
        """One engine per database; on SQLite it issues BEGIN itself so that savepoints work."""
        if url not in self.engines:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
                event.listen(engine, "connect", db._sqlite_pragmas)
                event.listen(engine, "connect", _sqlite_manual_transactions)
                event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
            else:
                engine = db.make_engine(url)
            self.engines[url] = engine
        return self.engines[url]

    def fresh_copy(self, dialect: str) -> tuple[str, object]:
        """A private copy of the base database and how to drop it."""
        base = self.url(dialect, "base")
        self.fresh += 1
        if dialect == "sqlite":
            path = self.tmp / f"fresh-{self.fresh}.sqlite"
            shutil.copyfile(base.split("///", 1)[1], path)
            return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
        admin_url = self.request.getfixturevalue("postgres_server")
        name = f"bo_{WORKER}_fresh_{self.fresh}"
        _pg_admin(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{base.rsplit("/", 1)[1]}_template"')
        return _pg_url(admin_url, name), lambda: _pg_admin(admin_url,
                                                           f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self):
        for engine in self.engines.values():
            engine.dispose()


def _sqlite_manual_transactions(dbapi_connection, _record):
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN (see "begin" above).
    dbapi_connection.isolation_level = None


@pytest.fixture(scope="session")
def databases(tmp_path_factory, request):
    found = Databases(tmp_path_factory.mktemp(f"db-{WORKER}"), request)
    yield found
    found.close()


def _use(url: str, monkeypatch) -> None:
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", url)
    db.reset()


@pytest.fixture(autouse=True)
def _plain_state():
    """Norwegian, no cached page data: a page's cache key may repeat after a rollback."""
    set_language("nb")
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
    yield
    set_language("nb")


@contextmanager
def _rolled_back(databases: Databases, url: str, monkeypatch):
    _use(url, monkeypatch)
    engine = databases.engine(url)
    db._engines[url] = engine
    connection = engine.connect()
    outer = connection.begin()
    db.share_connection(connection)
    try:
        yield connection
    finally:
        db.share_connection(None)
        outer.rollback()
        connection.close()
        db._engines.pop(url, None)
        db.reset()


@pytest.fixture
def db_url(dialect, databases, monkeypatch):
    url = databases.url(dialect, "base")
    with _rolled_back(databases, url, monkeypatch):
        yield url


@pytest.fixture
def demo_url(dialect, databases, monkeypatch):
    url = databases.url(dialect, "demo")
    with _rolled_back(databases, url, monkeypatch):
        yield url


@pytest.fixture
def fresh_db_url(dialect, databases, monkeypatch):
    url, drop = databases.fresh_copy(dialect)
    _use(url, monkeypatch)
    yield url
    db.reset()
    drop()


@pytest.fixture
def engine(fresh_db_url):
    return db.engine()


def _joined_session() -> Session:
    """A session of the code's own kind: it joins the test's rolled-back transaction."""
    return db._maker(db.engine())()


@pytest.fixture
def session(db_url):
    """A session in the test's rolled-back transaction; `commit()` in a test releases a savepoint."""
    s = _joined_session()
    yield s
    s.close()


@pytest.fixture
def demo_session(demo_url):
    s = _joined_session()
    yield s
    s.close()


@pytest.fixture
def system():
    return system_actor("test")


def make_actor(*roles: str, username: str | None = None, owned: tuple[str, ...] = ()) -> Actor:
    return Actor(username=username or "-".join(roles) or "nobody", roles=frozenset(roles),
                 owned_services=frozenset(owned))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED_DATA}")
    return SHARED_DATA


def pytest_terminal_summary(terminalreporter):
    ran = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])
           if getattr(r, "when", "call") == "call" and "postgresql" in r.nodeid]
    if ran:
        terminalreporter.write_line(f"PostgreSQL: {len(ran)} tests ran on a throwaway PostgreSQL cluster.")
    else:
        terminalreporter.write_line("PostgreSQL: no tests ran on PostgreSQL (see skip reasons above).")


def wait_for(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False
