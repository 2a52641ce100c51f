"""Backup and restore, for an administrator: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A restore accepts only a backup of this application, and checks it before the database is touched:
the file is read into a new copy (a new file next to the SQLite database, a new PostgreSQL database),
and that copy must be a database whose schema version (`alembic_version`) is this program's
(`schema.head_revisions()`) and whose audit chain verifies (`audit.verify`). Only then is the
database replaced:

- SQLite: the checked copy is written into the database with SQLite's backup API. That is one write
  transaction on the database, so it is atomic for every connection, including the running app's (no
  file is swapped under an open connection, and no stale `-wal`/`-shm` file can be replayed onto a
  new file); a failure or a crash rolls it back and leaves the database as it was.
- PostgreSQL: the dump is restored into a new database `<name>_restore_<token>` (pg_restore, one
  transaction), checked there, and then the two databases are swapped by renaming them in one
  transaction (connections to the old database are closed first, and new ones held off); the old
  database is then dropped (should that fail, it stays as `<name>_before_restore_<token>`). Until the renames commit, the old database is untouched. This needs a
  database user that may create databases (CREATEDB). The new database gets the old one's owner
  when that is allowed (else the connecting user's); database-level GRANTs and `ALTER DATABASE ...
  SET` settings are not carried over (the tables' contents and privileges in the dump are).

A refused or failed restore removes its copy; the message says that nothing was changed.
"""
from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from data import audit, schema
from data.access import Actor
from data.db import engine as default_engine
from data.errors import BackofficeError, PermissionDenied
from data.i18n import t

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump --format=custom
SQLITE_BUSY_SECONDS = 30.0  # how long the restore waits for a writer in another process to finish
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26  # SQLite's result codes

# libpq settings a URL's query may carry, and the environment variable each PostgreSQL tool reads it from.
_LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL", "sslpassword": "PGSSLPASSWORD", "passfile": "PGPASSFILE", "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME", "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS", "gssencmode": "PGGSSENCMODE", "channel_binding":
    "PGCHANNELBINDING", "krbsrvname": "PGKRBSRVNAME", "hostaddr": "PGHOSTADDR",
}


def _refused(key: str, **values) -> BackofficeError:
    """A refusal: the database was not touched, and the message says so."""
    text_ = t(key, **values).rstrip()
    return BackofficeError(f"{text_}{'' if text_.endswith(('.', '!', '?')) else '.'} {t('backup.nothing_changed')}")


def _detail(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip()[:300]


def require_admin(actor: Actor | None, what_key: str) -> None:
    """Refuse anyone but an administrator (the local operator has every role)."""
    if actor is None or not actor.has_role("admin"):
        raise PermissionDenied(t("error.permission_denied", what=t(what_key)))


# --- the connection, as the PostgreSQL tools need it ----------------------------------------------------


def _query_value(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else ",".join(value)  # several hosts/ports: libpq's own list


def pg_connection_args(url: URL, database: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for pg_dump/pg_restore/psql, from a SQLAlchemy URL.

    `host`, `port`, `user`, `password` and `dbname` in the URL's query win over the URL's own parts,
    as they do for psycopg (`...@/db?host=/run/postgresql&port=5433`); other libpq settings in the
    query (sslmode, ...) go to their environment variables. `database` names another database on the
    same server.
    """
    env = dict(os.environ)
    password = _query_value(url, "password") or url.password
    if password:
        env["PGPASSWORD"] = str(password)
    for key, variable in _LIBPQ_ENVIRONMENT.items():
        value = _query_value(url, key)
        if value:
            env[variable] = value
    args: list[str] = []
    host = _query_value(url, "host") or url.host
    port = _query_value(url, "port") or (str(url.port) if url.port else None)
    user = _query_value(url, "user") or url.username
    if host:
        args += ["--host", host]
    if port:
        args += ["--port", port]
    if user:
        args += ["--username", user]
    args += ["--dbname", database or _query_value(url, "dbname") or url.database or "postgres"]
    return args, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackofficeError(t("backup.tool_missing", tool=name))


def _run_tool(name: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([_pg_tool(name), *args], env=env, capture_output=True, text=True)


def _tool_detail(result: subprocess.CompletedProcess) -> str:
    return (result.stderr or result.stdout or "").strip()[:500]


def _full_url(eng: Engine) -> URL:
    return make_url(eng.url.render_as_string(hide_password=False))


# --- backup ----------------------------------------------------------------------------------------------


def backup(target: Path, eng: Engine | None = None, *, actor: Actor) -> Path:
    """Write a backup of the database to `target` (written beside it first, then moved into place)."""
    require_admin(actor, "backup.what_backup")
    eng = eng or default_engine()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        if eng.dialect.name == "sqlite":
            _sqlite_backup(eng.url.database, partial)
        else:
            args, env = pg_connection_args(_full_url(eng))
            result = _run_tool("pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *args, env=env)
            if result.returncode != 0:
                raise BackofficeError(t("backup.failed", detail=_tool_detail(result)))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _sqlite_backup(database: str, target: Path) -> None:
    try:
        source = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:  # no database there (nothing to back up)
        raise BackofficeError(t("backup.failed", detail=str(exc))) from exc
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackofficeError(t("backup.failed", detail=str(exc))) from exc
    finally:
        dest.close()
        source.close()


# --- restore ---------------------------------------------------------------------------------------------


def restore(source: Path, eng: Engine | None = None, *, actor: Actor,
            confirm: Callable[[], bool] | None = None) -> None:
    """Replace the database with the backup in `source`, once it has been checked.

    `confirm` is asked after the backup has been checked and before the database is replaced;
    answering no leaves everything as it was.
    """
    require_admin(actor, "backup.what_restore")
    eng = eng or default_engine()
    source = Path(source)
    if not source.is_file():
        raise _refused("backup.no_file", path=str(source))
    with source.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if eng.dialect.name == "sqlite":
        if not header.startswith(SQLITE_MAGIC):
            raise _refused("backup.not_a_backup", path=str(source))
        _sqlite_restore(source, eng, confirm)
    else:
        if not header.startswith(PG_DUMP_MAGIC):
            raise _refused("backup.not_a_backup", path=str(source))
        _pg_restore(source, eng, confirm)


def _check_copy(copy: Engine, source: Path) -> None:
    """The copy must be this application's database: schema at this code's head, audit chain intact."""
    try:
        found = schema.current_revisions(copy)
    except SQLAlchemyError as exc:
        raise _refused("backup.damaged", path=str(source), detail=_detail(exc)) from exc
    expected = schema.head_revisions()
    if not found:
        raise _refused("backup.other_application", path=str(source))
    if found != expected:
        raise _refused("backup.other_version", path=str(source), found=", ".join(sorted(found)),
                       expected=", ".join(sorted(expected)))
    try:
        with Session(copy) as session:
            result = audit.verify(session)
    except SQLAlchemyError as exc:
        raise _refused("backup.damaged", path=str(source), detail=_detail(exc)) from exc
    if not result.ok:
        raise _refused("backup.audit_broken", path=str(source), seq=result.first_bad_seq)


def _ask(confirm: Callable[[], bool] | None) -> None:
    if confirm is not None and not confirm():
        raise _refused("backup.cancelled")


# SQLite


def _sqlite_restore(source: Path, eng: Engine, confirm: Callable[[], bool] | None) -> None:
    database = Path(eng.url.database).resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    staged = database.with_name(f"{database.name}.restore-{secrets.token_hex(4)}")
    try:
        _sqlite_stage(source, staged, database)
        checker = create_engine("sqlite://", poolclass=NullPool,
                                creator=lambda: sqlite3.connect(f"{staged.as_uri()}?mode=ro", uri=True))
        try:
            _check_copy(checker, source)
        finally:
            checker.dispose()
        _ask(confirm)
        eng.dispose()
        _sqlite_write_into(staged, database)
    finally:
        for leftover in (staged, staged.with_name(staged.name + "-journal")):
            leftover.unlink(missing_ok=True)


def _sqlite_stage(source: Path, staged: Path, database: Path) -> None:
    """Copy the backup, read-only, into a new file beside the database, in the database's page size."""
    # A backup that left a -wal beside it is read through SQLite's normal locking; otherwise the file is
    # opened immutable, so that nothing (no -shm) is created next to the user's file.
    wal = source.with_name(source.name + "-wal")
    uri = f"{source.resolve().as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")
    try:
        reader = sqlite3.connect(uri, uri=True)
        try:
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            writer = sqlite3.connect(staged)
            try:
                reader.backup(writer)
                writer.execute("PRAGMA journal_mode=DELETE")
                problems = writer.execute("PRAGMA quick_check").fetchall()
                if problems != [("ok",)]:
                    raise _refused("backup.damaged", path=str(source),
                                   detail="; ".join(str(row[0]) for row in problems[:3]))
                page_size = _sqlite_page_size(database)
                if page_size and writer.execute("PRAGMA page_size").fetchone()[0] != page_size:
                    # a database in WAL mode takes a backup only in its own page size
                    writer.execute(f"PRAGMA page_size={int(page_size)}")
                    writer.execute("VACUUM")
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.DatabaseError as exc:
        if (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise _refused("backup.not_a_backup", path=str(source)) from exc
        raise _refused("backup.restore_failed", detail=_detail(exc)) from exc  # a full disk, an I/O error


def _sqlite_page_size(database: Path) -> int | None:
    if not database.is_file() or database.stat().st_size == 0:
        return None
    connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=SQLITE_BUSY_SECONDS)
    try:
        return connection.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()


def _sqlite_write_into(staged: Path, database: Path) -> None:
    """Replace the database's contents with the staged copy's, in one transaction (SQLite's backup API)."""
    reader = sqlite3.connect(f"{staged.as_uri()}?mode=ro", uri=True)
    live = sqlite3.connect(database, timeout=SQLITE_BUSY_SECONDS)
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS

    def give_up_when_still_locked(status: int, _remaining: int, _total: int) -> None:
        # Python retries a locked step for ever; raising here ends the backup, and SQLite rolls it back.
        if status in (_SQLITE_BUSY, _SQLITE_LOCKED) and time.monotonic() > deadline:
            raise TimeoutError

    try:
        # all pages in one step: one write transaction on the database, rolled back on any failure
        reader.backup(live, progress=give_up_when_still_locked)
        with suppress(sqlite3.Error):
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except TimeoutError as exc:
        raise _refused("backup.locked", seconds=f"{SQLITE_BUSY_SECONDS:g}") from exc
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) in (_SQLITE_BUSY, _SQLITE_LOCKED):
            raise _refused("backup.locked", seconds=f"{SQLITE_BUSY_SECONDS:g}") from exc
        raise _refused("backup.restore_failed", detail=_detail(exc)) from exc
    finally:
        live.close()
        reader.close()


# PostgreSQL


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _maintenance_engine(url: URL) -> Engine:
    """A connection to the server outside the database being replaced (which cannot rename itself)."""
    last_error: Exception | None = None
    for name in ("postgres", "template1"):
        candidate = create_engine(url.set(database=name), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with candidate.connect():
                return candidate
        except SQLAlchemyError as exc:
            last_error = exc
            candidate.dispose()
    raise _refused("backup.restore_failed", detail=_detail(last_error))


def _pg_restore(source: Path, eng: Engine, confirm: Callable[[], bool] | None) -> None:
    url = _full_url(eng)
    args, env = pg_connection_args(url)
    listed = _run_tool("pg_restore", "--list", str(source), env=env)
    if listed.returncode != 0:  # not a readable custom-format dump (damaged, or another format)
        raise _refused("backup.not_a_backup", path=str(source))
    live = url.database or "postgres"
    token = secrets.token_hex(4)
    staged = f"{live[:40]}_restore_{token}"
    previous = f"{live[:33]}_before_restore_{token}"
    maintenance = _maintenance_engine(url)
    created = False
    try:
        with maintenance.connect() as connection:
            _pg_create_like(connection, staged, live)
            created = True
        staged_args, _ = pg_connection_args(url, database=staged)
        result = _run_tool("pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", *staged_args,
                           str(source), env=env)
        if result.returncode != 0:
            raise _refused("backup.damaged", path=str(source), detail=_tool_detail(result)[:300])
        checker = create_engine(url.set(database=staged), poolclass=NullPool)
        try:
            _check_copy(checker, source)
        finally:
            checker.dispose()
        _ask(confirm)
        eng.dispose()
        with maintenance.connect() as connection:
            _pg_swap(connection, live, staged, previous)
            created = False  # the staged database is the live one now
            with suppress(SQLAlchemyError):
                connection.execute(text(f"DROP DATABASE IF EXISTS {_quote(previous)} WITH (FORCE)"))
    finally:
        if created:
            with suppress(SQLAlchemyError), maintenance.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {_quote(staged)} WITH (FORCE)"))
        maintenance.dispose()


def _pg_create_like(connection, name: str, like: str) -> None:
    """A new, empty database with the encoding, locale and (when allowed) owner of `like`."""
    row = connection.execute(text(
        "SELECT pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, r.rolname FROM pg_database d "
        "JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = :name"), {"name": like}).first()
    base = f"CREATE DATABASE {_quote(name)} TEMPLATE template0"
    if row is not None:
        encoding, collate, ctype, owner = row
        base += (f" ENCODING '{encoding}' LC_COLLATE '{collate.replace(chr(39), chr(39) * 2)}'"
                 f" LC_CTYPE '{ctype.replace(chr(39), chr(39) * 2)}'")
        with suppress(SQLAlchemyError):
            connection.execute(text(f"{base} OWNER {_quote(owner)}"))
            return
    try:
        connection.execute(text(base))
    except SQLAlchemyError as exc:
        raise _refused("backup.cannot_create", detail=_detail(exc)) from exc


def _pg_swap(connection, live: str, staged: str, previous: str) -> None:
    """Rename live -> previous and staged -> live in one transaction, with the live database's users shut out."""
    exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": live})
    if exists:
        connection.execute(text(f"ALTER DATABASE {_quote(live)} WITH ALLOW_CONNECTIONS false"))
    try:
        if exists:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": live})
        connection.exec_driver_sql("BEGIN")
        try:
            if exists:
                connection.execute(text(f"ALTER DATABASE {_quote(live)} RENAME TO {_quote(previous)}"))
            connection.execute(text(f"ALTER DATABASE {_quote(staged)} RENAME TO {_quote(live)}"))
            connection.exec_driver_sql("COMMIT")
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
    except SQLAlchemyError as exc:
        if exists:
            with suppress(SQLAlchemyError):
                connection.execute(text(f"ALTER DATABASE {_quote(live)} WITH ALLOW_CONNECTIONS true"))
        raise _refused("backup.swap_failed", detail=_detail(exc)) from exc
