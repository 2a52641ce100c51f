"""One translation function for every user-facing string.

Norwegian bokmål (`nb`) is the default, English (`en`) the alternative. Each room declares its
catalog as {key: (bokmål, english)}, so a string cannot exist in one language only, and
data.bootstrap registers it; a test checks that no entry is empty and that both sides use the same
placeholders.
"""
from __future__ import annotations

import contextvars
import os

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"

_CATALOG: dict[str, tuple[str, str]] = {}
_STARTUP_LANGUAGE = os.environ.get("BACKOFFICE_LANGUAGE", DEFAULT_LANGUAGE)
_language: contextvars.ContextVar[str] = contextvars.ContextVar("backoffice_language", default=_STARTUP_LANGUAGE)


def register(entries: dict[str, tuple[str, str]]) -> None:
    for key, pair in entries.items():
        if key in _CATALOG and _CATALOG[key] != pair:
            raise ValueError(f"translation key registered twice with different text: {key}")
        _CATALOG[key] = pair


def catalog() -> dict[str, tuple[str, str]]:
    return dict(_CATALOG)


def folded_labels(key: str) -> set[str]:
    """The text of `key` in both languages, stripped and casefolded, for matching a sheet name or column
    header written in either language ({key} itself when the catalogue does not know it)."""
    return {text.strip().casefold() for text in _CATALOG.get(key, (key,))}


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def get_language() -> str:
    lang = _language.get()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, /, **values) -> str:
    """Translate `key` into the current language and fill in `{placeholders}`."""
    pair = _CATALOG.get(key)
    if pair is None:
        return key
    text = pair[LANGUAGES.index(get_language())]
    return text.format(**values) if values else text
