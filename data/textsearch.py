"""Case-insensitive text matching that folds æ, ø, å (and é, ü, ...) on every database.

`lower()` in SQL is only as good as the database's locale: SQLite's own folds ASCII only (data/db.py
registers a Unicode one), and PostgreSQL with a C locale leaves "Ø" as "Ø", so "ørland" would not find
"Ørland". Every free-text search and case-insensitive look-up goes through this module instead:

- `folded(expr)`: `expr` lower-cased, Unicode-correct whatever the database locale. SQLite:
  `lower(expr)` (our registered Python `str.lower`). PostgreSQL: `lower((expr) COLLATE "und-x-icu")`,
  ICU's case mapping; on a server built without ICU, a `translate()` of the Latin, Greek and Cyrillic
  capitals before `lower()` (checked once per engine, see `prepare_engine`).
- `contains_folded(expr, term)`: `folded(expr) LIKE folded('%term%')`, with `%`, `_` and the escape
  character in `term` matched literally.
- `equals_folded(expr, value)`: `folded(expr) = folded(value)`.

NUL and the other control characters never reach SQL from here: `contains_folded` drops them from the
term (a search box answers, it does not refuse), `equals_folded` with a NUL matches nothing.

The user's term is folded in SQL by the same function as the column, so both sides always agree.

Names in several languages ("Guovdageaidnu - Kautokeino", "Snåase - Snåsa", "Porsanger - Porsángu -
Porsanki") are also searched without their diacritics: `plain(text)` lower-cases and folds letters to
their base form (å→a, ø→o, æ→ae, á→a, š→s, ŋ→n, đ→d, ŧ→t, ï→i, ...), so "snasa", "porsangu" and "kautokeino"
find them. This is done in Python (`plain_contains`), because SQLite has no translate() and cannot nest
enough replace() calls: the organisation register (a few hundred rows) is matched in Python and the
matching ids are handed to SQL (data/registers/registry.py, `organisation_search`).
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import String, event, false, literal
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from data import textguard

ICU_COLLATION = "und-x-icu"
ESCAPE = "\\"

# For PostgreSQL without ICU: capitals of Latin-1, Latin Extended-A and the basic Greek and Cyrillic
# alphabets whose lower case is one character. lower() then handles ASCII.
_CAPITALS = "".join(chr(c) for c in (*range(0xC0, 0x180), *range(0x391, 0x3AA), *range(0x400, 0x430))
                    if chr(c).isupper() and len(chr(c).lower()) == 1)
_SMALL = "".join(c.lower() for c in _CAPITALS)
DIALECT_FLAG = "backoffice_icu_collation"  # set on the engine's dialect: True, False, or absent (not checked)


class folded(FunctionElement):  # noqa: N801  (reads like the SQL function it stands for)
    """`expr` lower-cased for case-insensitive comparison, compiled per dialect."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _folded_default(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw):
    argument = compiler.process(element.clauses, **kw)
    if getattr(compiler.dialect, DIALECT_FLAG, True):
        return f'lower(({argument}) COLLATE "{ICU_COLLATION}")'
    return f"lower(translate({argument}, '{_CAPITALS}', '{_SMALL}'))"


def _escape_like(term: str) -> str:
    return term.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains_folded(expr, term: str) -> ColumnElement[bool]:
    """`expr` contains `term`, ignoring case; `%` and `_` in `term` are literal. `term` is used as given
    (callers strip it), less any NUL or other control character (data/textguard.py): a search box
    answers what it can find instead of failing (PostgreSQL cannot even take NUL as a parameter)."""
    pattern = literal(f"%{_escape_like(textguard.strip(term))}%", String())
    return folded(expr).like(folded(pattern), escape=ESCAPE)


def equals_folded(expr, value: str) -> ColumnElement[bool]:
    """`expr` equals `value`, ignoring case. A `value` holding NUL matches nothing (no stored text can
    hold one) and never reaches the database."""
    if "\x00" in value:
        return false()
    return folded(expr) == folded(literal(value, String()))


def _check_icu(dialect, dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", (ICU_COLLATION,))
        setattr(dialect, DIALECT_FLAG, cursor.fetchone() is not None)
    finally:
        cursor.close()
        dbapi_connection.rollback()


def prepare_engine(engine: Engine) -> None:
    """On PostgreSQL, check once (first connection) whether the ICU collation exists; without the
    check `folded` assumes it does (PostgreSQL is built with ICU on Debian, and by default since 16)."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "first_connect", lambda conn, record: _check_icu(engine.dialect, conn, record))


def icu_collation_in_use(engine: Engine) -> bool:
    """Whether `folded` uses the ICU collation on this engine (for tests and diagnostics)."""
    return engine.dialect.name == "postgresql" and getattr(engine.dialect, DIALECT_FLAG, True)


# --- diacritics folded, in Python -------------------------------------------------------------------

# Letters whose base form is not their decomposition without marks.
_SPECIAL_FOLDS = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "ŧ": "t", "ŋ": "n", "ł": "l",
                  "þ": "th", "ı": "i", "ħ": "h", "ŀ": "l", "ſ": "s"}


def _base_form(letter: str) -> str:
    if letter in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS[letter]
    base = "".join(c for c in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(c))
    return base if base and base.isascii() and base.isalpha() else letter


# Lower-case letters of Latin-1, Latin Extended-A and -B (Norwegian, Sami, Kven and the other European
# alphabets) that fold to another form: built once from the Unicode tables, the same on every machine.
PLAIN_FOLDS = {chr(c): _base_form(chr(c)) for c in range(0xC0, 0x250)
               if chr(c).islower() and _base_form(chr(c)) != chr(c)}
_PLAIN_TABLE = str.maketrans(PLAIN_FOLDS)


def plain(text: str | None) -> str:
    """`text` lower-cased, with diacritics folded away ("Snåase - Snåsa" -> "snaase - snasa"), less any
    control character. Combining marks typed separately (NFD) are folded too."""
    if not text:
        return ""
    composed = unicodedata.normalize("NFC", textguard.strip(text)).lower().translate(_PLAIN_TABLE)
    return "".join(c for c in unicodedata.normalize("NFD", composed) if not unicodedata.combining(c))


def plain_contains(text: str | None, term: str) -> bool:
    """Whether `text` contains `term`, ignoring case and diacritics (an empty term matches everything)."""
    return plain(term) in plain(text)


def plain_parts(text: str | None, separator: str = " - ") -> list[str]:
    """The folded language parts of an official name: "Guovdageaidnu - Kautokeino" ->
    ["guovdageaidnu", "kautokeino"]; a single-language name is one part."""
    return [plain(part).strip() for part in (text or "").split(separator) if part.strip()]
