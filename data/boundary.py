"""One error boundary for the pages, the CLI and the HTTP API.

Whatever goes wrong becomes a plain-language message in the user's language. A `BackofficeError`
keeps its own message (it is written for the user). Anything else gets a short random error id: the
user sees the id with a plain message that says what kind of trouble it was (a busy database, a
conflict with existing data, ...) and the full detail, traceback and SQL included, goes to the log
(Python logging, logger "backoffice") under the same id. SQL text and parameters never reach the user.

    try:
        ...
    except Exception as error:
        failure = boundary.handle(error, where="users add")
        print(failure.message)          # or st.error(...), or failure.status for an HTTP answer
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from data.errors import BackofficeError, ConflictError, NotFound, PermissionDenied, ValidationFailed
from data.i18n import t

log = logging.getLogger("backoffice")
# Where the CLI logs the detail (a terminal is no place for a traceback); the app and the API log to
# the server's own log (stderr, or whatever logging the host configures).
CLI_LOG_FILE = Path(__file__).resolve().parent.parent / "var" / "log" / "backoffice.log"

# Capital letters and digits without those easily mistaken for one another (0/O, 1/I/L, U/V).
_ID_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
_ID_LENGTH = 6

# SQLSTATEs (PostgreSQL) that mean "someone else holds what you need; try again in a moment".
_BUSY_SQLSTATES = {"55P03",   # lock_not_available (lock_timeout, NOWAIT)
                   "40001",   # serialization_failure
                   "40P01",   # deadlock_detected
                   "57014"}   # query_canceled (statement_timeout)
# SQLSTATE classes for "could not reach the database".
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "57P")
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


@dataclass(frozen=True)
class Failure:
    """What to tell the user about an exception."""

    message: str               # plain language, in the current language; never SQL
    error_id: str | None       # set when the detail was logged (anything but a BackofficeError)
    kind: str                  # "domain", "stale", "busy", "conflict", "bad_value", "unavailable", "unexpected"
    status: int                # the HTTP status that fits


def new_error_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


def _sqlstate(error: DBAPIError) -> str:
    orig = getattr(error, "orig", None)
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _kind(error: BaseException) -> str:
    if isinstance(error, IntegrityError):
        return "conflict"
    if isinstance(error, DataError):
        return "bad_value"
    if isinstance(error, DBAPIError):
        state = _sqlstate(error)
        text = str(getattr(error, "orig", error)).lower()
        if state in _BUSY_SQLSTATES or any(phrase in text for phrase in _SQLITE_BUSY):
            return "busy"
        if isinstance(error, OperationalError) and (
                state.startswith(_UNAVAILABLE_SQLSTATE_CLASSES) or error.connection_invalidated
                or "unable to open database" in text or "connection" in text):
            return "unavailable"
    return "unexpected"


_MESSAGES = {
    "busy": ("error.db_busy", 503),
    "conflict": ("error.db_conflict", 409),
    "bad_value": ("error.db_bad_value", 422),
    "unavailable": ("error.db_unavailable", 503),
    "unexpected": ("error.unexpected_id", 500),
}


def _domain_status(error: BackofficeError) -> int:
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, ValidationFailed):
        return 422
    return 400


def handle(error: BaseException, where: str = "") -> Failure:
    """The user's message for `error`; anything but a BackofficeError is logged in full with an id."""
    if isinstance(error, BackofficeError):
        return Failure(error.message, None, "domain", _domain_status(error))
    if isinstance(error, StaleDataError):  # a race with another editor: the user's own doing, nothing to log
        return Failure(t("error.stale_generic"), None, "stale", 409)
    kind = _kind(error)
    error_id = new_error_id()
    log.error("error id %s%s: %s", error_id, f" ({where})" if where else "", type(error).__name__,
              exc_info=(type(error), error, error.__traceback__))
    key, status = _MESSAGES[kind]
    return Failure(t(key, id=error_id), error_id, kind, status)


def message(error: BaseException, where: str = "") -> str:
    return handle(error, where).message


class _QuietFileHandler(logging.FileHandler):
    """A log file that, when it cannot be written, drops the entry instead of printing a traceback."""

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def emit(self, record) -> None:
        try:
            super().emit(record)
        except OSError:   # opening the file (made on the first entry) failed
            pass

    def handleError(self, record) -> None:  # noqa: N802 - logging's name
        pass


@contextmanager
def logging_to_file(path: Path | None = None) -> Iterator[None]:
    """Send the "backoffice" log to `path` (default CLI_LOG_FILE) as well, for the time of the block: the
    CLI's detail goes there, not to the user's terminal. When the file cannot be opened the detail is
    dropped and the user's message stands."""
    path = Path(path or CLI_LOG_FILE)
    handler = _QuietFileHandler(path, encoding="utf-8", delay=True)   # the file is made on the first entry
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)
    try:
        yield
    finally:
        log.removeHandler(handler)
        handler.close()
