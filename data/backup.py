"""Backup and restore: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from data.db import engine as default_engine
from data.errors import BackofficeError
from data.i18n import t


def _sqlite_path(eng: Engine) -> str:
    return eng.url.database


def _pg_env(eng: Engine) -> tuple[list[str], dict]:
    url = make_url(eng.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    host = url.query.get("host")
    if host:
        args += ["--host", host if isinstance(host, str) else host[0]]
    return args, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackofficeError(t("backup.tool_missing", tool=name))


def backup(target: Path, eng: Engine | None = None) -> Path:
    eng = eng or default_engine()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if eng.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(eng))
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    args, env = _pg_env(eng)
    result = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackofficeError(t("backup.failed", detail=result.stderr.strip()[:500]))
    return target


def restore(source: Path, eng: Engine | None = None) -> None:
    """Replace the database's contents with the backup's."""
    eng = eng or default_engine()
    source = Path(source)
    if not source.is_file():
        raise BackofficeError(t("backup.no_file", path=str(source)))
    eng.dispose()
    if eng.dialect.name == "sqlite":
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackofficeError(t("backup.not_a_backup", path=str(source))) from exc
        dest = sqlite3.connect(_sqlite_path(eng))
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
            src.close()
        return
    args, env = _pg_env(eng)
    result = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                             *args, str(source)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackofficeError(t("backup.failed", detail=result.stderr.strip()[:500]))
