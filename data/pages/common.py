"""What every page shares: the signed-in actor, sessions, error display, formats and caching.

Lives under data/pages/ so every package's pages may import it (pages -> data is an arrow) and
streamlit stays out of the logic.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import func, select
from streamlit.delta_generator import DeltaGenerator

from data import boundary, db
from data.access import Actor
from data.audit import AuditEntry
from data.i18n import get_language, set_language, t

ACTOR_KEY = "actor"


def _translated_placeholder(widget, key: str):
    """Streamlit's frontend says "Choose an option" in English unless a placeholder is given."""
    if getattr(widget, "_backoffice_placeholder", False):
        return widget

    @functools.wraps(widget)
    def with_placeholder(*args, **kwargs):
        if kwargs.get("placeholder") is None:
            kwargs["placeholder"] = t(key)
        return widget(*args, **kwargs)

    with_placeholder._backoffice_placeholder = True
    return with_placeholder


DeltaGenerator.selectbox = _translated_placeholder(DeltaGenerator.selectbox, "ui.choose_one")
DeltaGenerator.multiselect = _translated_placeholder(DeltaGenerator.multiselect, "ui.choose_many")
st.selectbox = _translated_placeholder(st.selectbox, "ui.choose_one")
st.multiselect = _translated_placeholder(st.multiselect, "ui.choose_many")
LAST_SEEN_KEY = "last_seen"
LANGUAGE_KEY = "language"


def apply_language() -> str:
    """Set this script run's language from the user's choice (default: settings, bokmål)."""
    language = st.session_state.get(LANGUAGE_KEY) or db.settings().language
    set_language(language)
    return get_language()


def current_actor() -> Actor | None:
    return st.session_state.get(ACTOR_KEY)


def sign_in(actor: Actor) -> None:
    st.session_state[ACTOR_KEY] = actor
    st.session_state[LAST_SEEN_KEY] = db.utcnow()


def sign_out() -> None:
    for key in (ACTOR_KEY, LAST_SEEN_KEY):
        st.session_state.pop(key, None)


def touch_session() -> bool:
    """False (and signed out) when the user has been idle longer than the session time-out."""
    actor = current_actor()
    if actor is None:
        return False
    now = db.utcnow()
    last = st.session_state.get(LAST_SEEN_KEY) or now
    if now - last > timedelta(minutes=db.settings().session_timeout_minutes):
        sign_out()
        st.session_state["timed_out"] = True
        return False
    st.session_state[LAST_SEEN_KEY] = now
    return True


ICON = Path(__file__).resolve().parent / "static" / "icon.png"


def set_document_language(language: str) -> None:
    """`<html lang>` follows the UI language, so screen readers read bokmål as bokmål (WCAG 3.1.1).
    Streamlit serves its page with lang="en" and has no option for it; this one tiny script sets it."""
    code = "nb" if language == "nb" else "en"
    st.html(f"<script>document.documentElement.lang = '{code}';</script>", unsafe_allow_javascript=True)


def sidebar_navigation(sections: dict[str, list]) -> None:
    """The pages as plain links under section labels. Streamlit's own sidebar navigation puts `<div>`s
    straight inside its `<ul>` (axe: list, listitem, serious); page links are the documented way to draw
    one's own menu, and they carry no list markup."""
    for label, pages in sections.items():
        st.markdown(f"**{label}**")
        for page in pages:
            st.page_link(page)


def require_actor(roles: frozenset[str] | set[str] | None = None) -> Actor:
    """The signed-in actor, or stop the page with a plain message (also when the role may not see it)."""
    apply_language()
    actor = current_actor()
    if actor is None:
        st.warning(t("ui.sign_in_first"))
        st.stop()
    if roles is not None and not (actor.roles & set(roles)):
        st.error(t("ui.page_not_for_role"))
        st.stop()
    return actor


def header(title_key: str, intro_key: str) -> None:
    st.title(t(title_key))
    st.caption(t(intro_key))


@contextmanager
def session():
    """One transaction as the signed-in user (recorded in the audit log)."""
    with db.session_scope(actor=current_actor()) as s:
        yield s


def show_error(error: BaseException, where: str = "") -> None:
    """Any error in plain language, in the user's language (data/boundary.py): a BackofficeError's own
    message, anything else a message with an error id whose detail is logged. Never a traceback or SQL."""
    st.error(boundary.message(error, where=where or "page"))


@contextmanager
def guarded(stop: bool = False):
    """Page code that reads or writes: an error is shown in plain language (and the page stopped if
    `stop`), never as a traceback. Streamlit's own st.stop/st.rerun pass through."""
    try:
        yield
    except Exception as error:
        show_error(error)
        if stop:
            st.stop()


def write(fn: Callable, *args, success: str | None = None, **kwargs):
    """Call a capability `fn(session, actor, *args)`; show its error in plain language, or success."""
    actor = current_actor()
    try:
        with db.session_scope(actor=actor) as s:
            result = fn(s, actor, *args, **kwargs)
    except Exception as error:  # the error boundary: plain language, the detail logged under an error id
        show_error(error, where=f"page write {getattr(fn, '__qualname__', fn)}")
        return None
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result if result is not None else True


def confirmed_button(confirm_label: str, button_label: str, *, key: str, container=st, **button_kwargs) -> bool:
    """A box to tick and a button that stays disabled until it is ticked (for what cannot be undone).

    Draws both in `container` (a column, an expander, ...) under the keys f"{key}-ok" and f"{key}-go",
    passes `button_kwargs` (type, icon, help, ...) on to the button, and returns True in the run where
    the button was pressed with the box ticked. Put the chosen entity's id in `key`: a ticked box
    keeps its tick for as long as its key is drawn.
    """
    sure = container.checkbox(confirm_label, key=f"{key}-ok")
    pressed = container.button(button_label, key=f"{key}-go", disabled=not sure, **button_kwargs)
    return bool(pressed and sure)


def write_mark() -> int:
    """The audit log's last sequence number: it moves on every write, so caches keyed on it refresh."""
    with db.session_scope() as s:
        return s.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))


def cached(fn: Callable, *args):
    """Run a read `fn(session, *args)` through st.cache_data, keyed on the data and the language."""
    return _cached_call(fn.__module__, fn.__qualname__, args, write_mark(), get_language(), db.settings().database_url)


@st.cache_data(ttl=600, show_spinner=False, max_entries=500)
def _cached_call(module: str, qualname: str, args: tuple, mark: int, language: str, url: str):
    # No leading underscores: st.cache_data leaves `_name` parameters out of the cache key, and the
    # write mark, language and database must be part of it (a write shows at once).
    fn = importlib.import_module(module)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    set_language(language)
    with db.session_scope() as s:
        return fn(s, *args)


def empty_state(message_key: str, **values) -> None:
    st.info(t(message_key, **values))


def money_column(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="localized", help=t("ui.money_in_kroner"))


def date_column(label: str) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(label, format="DD.MM.YYYY")


def datetime_column(label: str) -> st.column_config.DatetimeColumn:
    return st.column_config.DatetimeColumn(label, format="DD.MM.YYYY HH:mm", timezone="Europe/Oslo")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that Excel in Norway opens right: semicolons, decimal comma, UTF-8 with BOM."""
    return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
