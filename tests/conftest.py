"""Fresh database per test, on SQLite and (when its binaries are here) on a throwaway PostgreSQL.

A template database is built once per run and dialect (all tables, Alembic stamped at head,
shipped reference data loaded); each test gets its own copy: a file copy for SQLite,
CREATE DATABASE ... TEMPLATE for PostgreSQL.
"""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from admin.modules import load_models
from data import db, schema
from data.access import Actor, system_actor
from data.i18n import set_language

load_models()
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_counter = itertools.count()
_pg_runs = {"count": 0}


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


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _prepare_template(url: str) -> None:
    """All tables, stamped at head, with the shipped reference data."""
    from alembic import command

    from data.registers import load_reference_data

    engine = create_engine(url)
    db.Base.metadata.create_all(engine)
    config = schema.alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "heads")
    with db.session_scope(actor=system_actor("template"), eng=engine) as session:
        load_reference_data(session, system_actor("template"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _prepare_template(f"sqlite:///{path}")
    return path


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
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CREATE DATABASE backoffice_template"))
    engine.dispose()
    _prepare_template(admin_url.rsplit("/", 1)[0] + "/backoffice_template")
    yield admin_url
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        cleanup = None
    else:
        admin_url = request.getfixturevalue("postgres_server")
        name = f"test_{os.getpid()}_{next(_counter)}"
        admin_engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE backoffice_template'))
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        _pg_runs["count"] += 1

        def cleanup():
            db.reset()
            with admin_engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin_engine.dispose()

    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", url)
    db.reset()
    set_language("nb")
    yield url
    db.reset()
    if cleanup:
        cleanup()


@pytest.fixture
def engine(db_url):
    return db.engine()


@pytest.fixture
def session(engine):
    """A session on the test database; commit in the test when the commit is part of what is tested."""
    s = Session(bind=engine, expire_on_commit=False)
    yield s
    s.rollback()
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
    if _pg_runs["count"]:
        terminalreporter.write_line(f"PostgreSQL: {_pg_runs['count']} tests ran on a throwaway PostgreSQL cluster.")
    else:
        terminalreporter.write_line("PostgreSQL: no tests ran on PostgreSQL (see skip reasons above).")


def wait_for(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False
