"""Text that can be stored: NUL and the other control characters are refused at the door.

PostgreSQL cannot store NUL in text at all (every form, import or search given one failed with a
database error), and SQLite stores it, after which every export of the row fails (a spreadsheet cannot
hold it). The other C0 control characters (except tab, line feed and carriage return), DEL and the C1
controls (U+0080-U+009F, what a Windows-1252 file read as Latin-1 leaves behind) are never meant as
text either. So they are refused, with a plain message naming the field and the character, before
anything reaches SQL:

- `data.errors.validate` (the capabilities' pydantic door) calls `refuse(model)` on every validated
  payload, through nested models, dicts and lists;
- the import readers call `refuse_rows(records)` (or `row_errors`) on the rows they read, naming row and
  column, before any row is looked up or written;
- `refuse_on_flush` (a `before_flush` listener installed by data.bootstrap) is the last line for writes
  that did not pass a pydantic door: a text attribute of a new or changed row;
- searches strip them from the term instead (data/textsearch.py): a search box answers, it never refuses.

Tab, line feed and carriage return stay allowed (multi-line descriptions, pasted tables).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from pydantic import BaseModel
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from data import errors
from data.i18n import t

# C0 controls except tab (09), line feed (0A) and carriage return (0D); DEL; the C1 controls.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_C0_NAMES = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO",
             "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS",
             "RS", "US")


def char_name(char: str) -> str:
    """The control character's usual name: NUL, ESC, DEL, or U+0085 for a C1 control."""
    code = ord(char)
    if code < 0x20:
        return _C0_NAMES[code]
    return "DEL" if code == 0x7F else f"U+{code:04X}"


def refused_char(text: str) -> str | None:
    """The name of the first refused character in `text`, or None when it has none."""
    found = REFUSED.search(text)
    return char_name(found.group()) if found else None


def strip(text: str) -> str:
    """`text` without the refused characters (for a search term: searching answers, it does not refuse)."""
    return REFUSED.sub("", text)


def find(value, path: str | None = None) -> Iterator[tuple[str | None, str]]:
    """(field path, character name) for every string in `value` holding a refused character, looking
    through pydantic models, dicts (keys too), lists, tuples and sets. Paths read like pydantic's
    (`contacts.0.name`)."""
    if isinstance(value, str):
        name = refused_char(value)
        if name:
            yield path, name
    elif isinstance(value, BaseModel):
        for key in type(value).model_fields:
            yield from find(getattr(value, key, None), _join(path, key))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from find(key, path)
            yield from find(item, _join(path, str(key)))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from find(item, _join(path, str(index)))


def _join(path: str | None, key: str) -> str:
    return f"{path}.{key}" if path else key


def message(field: str | None, char: str) -> str:
    """The plain sentence: the field «field» holds a control character (char) that cannot be stored."""
    if field:
        return t("error.control_char", field=field, char=char)
    return t("error.control_char_text", char=char)


Finding = tuple[int | None, str | None, str]   # (row, field, character name)


def find_fields(value, row: int | None = None,
                label: Callable[[str | None], str | None] | None = None) -> list[Finding]:
    """Each field of `value` (a payload or validated model) holding a refused character. `label` turns a
    field path into the name the user knows (a form label)."""
    return [(row, label(path) if label else path, char) for path, char in find(value)]


def find_cells(records: Iterable[tuple[int, dict]], columns: Iterable[str] | None = None,
               label: Callable[[str], str] | None = None) -> list[Finding]:
    """Each cell of `records` ((row number, {column: value}), as the sheet and CSV readers give them)
    holding a refused character. Only `columns` are looked at when given (the columns an import reads;
    the others are never stored). `label` turns a column key into the header the user sees."""
    wanted = set(columns) if columns is not None else None
    return [(number, label(column) if label else column, char)
            for number, record in records for column, value in record.items()
            if wanted is None or column in wanted for _path, char in find(value)]


def as_row_errors(found: list[Finding]) -> list[errors.RowError]:
    """RowErrors to report among an import's other errors ("Rad 3, felt «Navn»: Inneholder et kontrolltegn
    (NUL) ...")."""
    return [errors.RowError(row, field, t("error.control_char_cell", char=char)) for row, field, char in found]


def field_errors(value, row: int | None = None,
                 label: Callable[[str | None], str | None] | None = None) -> list[errors.RowError]:
    return as_row_errors(find_fields(value, row, label))


def row_errors(records: Iterable[tuple[int, dict]], columns: Iterable[str] | None = None,
               label: Callable[[str], str] | None = None) -> list[errors.RowError]:
    return as_row_errors(find_cells(records, columns, label))


def refusal(found: list[Finding]) -> errors.ValidationFailed:
    """The ValidationFailed for `found`: one sentence per field (and row), nothing saved."""
    refused = errors.ValidationFailed(as_row_errors(found))
    lines = [(f"{t('error.row', row=row)}: " if row is not None else "") + message(field, char)
             for row, field, char in found]
    if len(found) == 1 and found[0][0] is None:
        text = f"{lines[0]} {t('error.nothing_saved')}"
    else:
        text = "\n".join([t("error.control_chars_found"), *(f"- {line}" for line in lines[:50])])
        if len(lines) > 50:
            text += "\n" + t("error.more_errors", count=len(lines) - 50)
    refused.message, refused.args = text, (text,)
    return refused


def refuse(value, row: int | None = None, label: Callable[[str | None], str | None] | None = None) -> None:
    """Raise ValidationFailed naming each field of `value` that holds a refused character."""
    found = find_fields(value, row, label)
    if found:
        raise refusal(found)


def refuse_rows(records: Iterable[tuple[int, dict]], columns: Iterable[str] | None = None,
                label: Callable[[str], str] | None = None) -> None:
    """Raise ValidationFailed naming row and column of each cell of `records` holding a refused character."""
    found = find_cells(records, columns, label)
    if found:
        raise refusal(found)


def refuse_on_flush(session: Session, _flush_context, _instances) -> None:
    """`before_flush` listener: a text attribute of a new or changed row may not hold a refused character
    (the last line behind the pydantic door, for writes that set attributes directly)."""
    found: list[Finding] = []
    for obj in session.new:
        found += _attributes(inspect(obj).dict.items())
    for obj in session.dirty:
        state = inspect(obj)
        found += _attributes((key, state.dict.get(key)) for key in state.committed_state)
    if found:
        raise refusal(found)


def _attributes(items) -> list[Finding]:
    return [(None, key, char) for key, value in items
            if isinstance(value, str) and (char := refused_char(value))]
