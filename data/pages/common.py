"""What every page shares: the signed-in actor, sessions, error display, formats and caching.

Lives under data/pages/ so every package's pages may import it (pages -> data is an arrow) and
streamlit stays out of the logic.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import json
import math
import numbers
import re
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import select
from streamlit.delta_generator import DeltaGenerator

from data import boundary, db
from data.access import Actor
from data.audit import SIGN_IN_ACTIONS, AuditEntry
from data.crud import service_choices
from data.formatting import (
    EMPTY,
    date_text,
    datetime_text,
    day_month_label,
    decimal_text,
    integer,
    is_empty,
    kroner,
    millions,
    month_label,
    percent_text,
)
from data.i18n import get_language, set_language, t
from data.pages import streamlit_texts
from data.pages.svg_charts import nice_step
from data.registers.models import User

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


def _no_english_enter_hint(form):
    """Streamlit writes "Press Enter to submit form" in English under a form's text fields; without
    enter_to_submit the hint is gone (the button submits, as it says in the user's language)."""
    if getattr(form, "_backoffice_form", False):
        return form

    @functools.wraps(form)
    def norwegian_form(*args, **kwargs):
        kwargs.setdefault("enter_to_submit", False)
        return form(*args, **kwargs)

    norwegian_form._backoffice_form = True
    return norwegian_form


DeltaGenerator.form = _no_english_enter_hint(DeltaGenerator.form)
st.form = _no_english_enter_hint(st.form)
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
    """`<html lang>` follows the UI language, so screen readers read bokmål as bokmål (WCAG 3.1.1), and
    Streamlit's own English texts are shown in bokmål (data/pages/streamlit_texts.py). Streamlit serves its
    page with lang="en" and has no option for either; one small script does both."""
    code = "nb" if language == "nb" else "en"
    st.html(f"<script>document.documentElement.lang = '{code}';</script>{streamlit_texts.script(code)}"
            f"<style>{WRAP_METRICS}</style>", unsafe_allow_javascript=True)


# Streamlit cuts a figure card's label and value to one line with an ellipsis ("Integrasjoner mot platt…",
# "02.12.2026 kl. 1…"): they wrap instead, so nothing a user reads is cut off.
WRAP_METRICS = ("[data-testid=stMetricLabel] *, [data-testid=stMetricValue], [data-testid=stMetricValue] * "
                "{white-space: normal !important; text-overflow: clip !important; overflow: visible !important}")


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
    """The audit log's last sequence number of a data change: it moves on every write, so caches keyed on it
    refresh. A sign-in's bookkeeping (last sign-in, failed attempts) does not count: it changes nothing a
    cached read shows, and counting it made the first page after every sign-in start cold. Pages that show
    sign-in state (users, audit log) read it uncached."""
    with db.session_scope() as s:
        return s.scalar(select(AuditEntry.seq).where(AuditEntry.action.not_in(SIGN_IN_ACTIONS))
                        .order_by(AuditEntry.seq.desc()).limit(1)) or 0


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


def _service_names(session) -> dict[str, str]:
    return dict(service_choices(session))


def _people(session) -> dict[str, str]:
    return {name: full or name for name, full in session.execute(select(User.username, User.full_name))}


def service_names() -> dict[str, str]:
    """Service code -> name (for tables, titles and charts: names, not codes)."""
    return cached(_service_names)


def people() -> dict[str, str]:
    """User name -> the person's full name (where a person is meant, not an account)."""
    return cached(_people)


def with_names(frame: pd.DataFrame, services: tuple[str, ...] = (), persons: tuple[str, ...] = ()) -> pd.DataFrame:
    """`frame` with the service codes in the columns `services` and the user names in `persons` replaced by
    names (a code without a name is kept as it is; a missing value stays missing and is shown as "–")."""
    frame = frame.copy()
    for columns, names in ((services, service_names() if services else {}), (persons, people() if persons else {})):
        for column in columns:
            if column in frame.columns:
                frame[column] = frame[column].map(lambda code, names=names: names.get(code, code))
    return frame


def empty_state(message_key: str, **values) -> None:
    st.info(t(message_key, **values))


# --- Tables: one set of column helpers, and every st.dataframe drawn in Norwegian -------------------
#
# Streamlit formats numbers in the browser (printf or the browser's locale), so "81.0 %", "3116522.76"
# and "None" reach the user. Instead every st.dataframe gets a pandas Styler whose display texts come
# from data/formatting (decimal comma, space between thousands, "kr", dd.mm.yyyy, "–" when missing),
# while the numbers underneath stay numbers: a column still sorts by value. The column helpers below
# say what a column holds; columns without one are formatted by their type.

MONEY_FORMAT = "%.2f kr"   # the marker money_column leaves (and what Streamlit shows if drawn unwrapped)
STYLED_CELLS_MAX = 5_000   # bigger tables keep Streamlit's own formats: a Styler costs ~70 µs a cell
_PRINTF = re.compile(r"^(?P<pre>[^%]*)%(?P<flags>[,0 +-]*)(?:\.(?P<decimals>\d+))?(?P<kind>[dif])(?P<post>.*)$")


def money_column(label: str, **kwargs) -> dict:
    """Kroner with two decimals: `1 234,50 kr` (the values are kroner, not øre)."""
    return st.column_config.NumberColumn(label, format=MONEY_FORMAT, help=kwargs.pop("help", t("ui.money_in_kroner")),
                                         **kwargs)


def integer_column(label: str, **kwargs) -> dict:
    """A count with a space between thousands: `3 116 522`."""
    return st.column_config.NumberColumn(label, format="localized", step=1, **kwargs)


def number_column(label: str, decimals: int = 2, **kwargs) -> dict:
    """A number with a decimal comma and a fixed number of decimals: `4,12`."""
    return st.column_config.NumberColumn(label, format=f"%.{decimals}f", **kwargs)


def percent_column(label: str, decimals: int = 1, ratio: bool = True, **kwargs) -> dict:
    """A percentage with a comma: `81,0 %`. `ratio`: the values are shares (0.81); else points (81)."""
    return st.column_config.NumberColumn(label, format="percent" if ratio else f"%.{decimals}f %%", **kwargs)


def year_column(label: str, **kwargs) -> dict:
    """A year, written without a thousands separator: `2027`."""
    return st.column_config.NumberColumn(label, format="%d", **kwargs)


def date_column(label: str, **kwargs) -> dict:
    return st.column_config.DateColumn(label, format="DD.MM.YYYY", **kwargs)


def datetime_column(label: str, **kwargs) -> dict:
    return st.column_config.DatetimeColumn(label, format="DD.MM.YYYY HH:mm", timezone="Europe/Oslo", **kwargs)


def _plain(value) -> str:
    return EMPTY if is_empty(value) else str(value)


def _year(value) -> str:
    return EMPTY if is_empty(value) else str(int(value))


def _auto_number(series: pd.Series) -> Callable:
    values = series.dropna()
    if "year" in str(series.name).lower() or str(series.name).lower() in ("år", "aar"):
        return _year   # 2027, not 2 027
    whole = all(float(v) == int(v) for v in values if not isinstance(v, bool) and math.isfinite(float(v)))
    return integer if whole else functools.partial(decimal_text, decimals=2)


def _by_value(value) -> str:
    """A cell of a mixed (object) column: each value by its own type."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime | pd.Timestamp):
        return datetime_text(value) if (value.hour, value.minute) != (0, 0) else date_text(value)
    if isinstance(value, date):
        return date_text(value)
    if isinstance(value, int | Decimal | float):
        return integer(value) if float(value) == int(value) else decimal_text(value)
    return str(value)


def _number_formatter(number_format: str | None, series: pd.Series) -> Callable:
    """The display text for a NumberColumn's `format` (printf, "percent", "localized", None)."""
    if number_format == MONEY_FORMAT:
        return kroner
    if number_format == "percent":   # one decimal, two where the values have them (an interest rate: 4,12 %)
        finer = any(round(float(v) * 1000, 6) % 1 for v in series.dropna() if not isinstance(v, bool))
        return functools.partial(percent_text, decimals=2) if finer else percent_text
    match = _PRINTF.match(number_format or "")
    if match is None:
        return _auto_number(series)
    pre, post = match["pre"], match["post"].replace("%%", "%")
    post = " %" if post.strip() == "%" else post
    if match["kind"] in "di":
        inner = integer if "," in match["flags"] else _year
    else:
        inner = functools.partial(decimal_text, decimals=int(match["decimals"] or 2))

    def text(value):
        return EMPTY if is_empty(value) else f"{pre}{inner(value)}{post}"
    return text


def _dtype_formatter(series: pd.Series) -> Callable | None:
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_float_dtype(series):
        return _auto_number(series)
    if pd.api.types.is_datetime64_any_dtype(series):
        stamps = series.dropna()
        timed = bool(len(stamps)) and bool(((stamps.dt.hour != 0) | (stamps.dt.minute != 0)).any())
        return datetime_text if timed else date_text
    if pd.api.types.is_object_dtype(series) or isinstance(series.dtype, pd.StringDtype):
        return _by_value
    return None


def norwegian_table(frame: pd.DataFrame, column_config: dict | None = None):
    """(Styler, column_config) that draw `frame` with Norwegian display texts, or (frame, config) unchanged
    when a Styler cannot be used (duplicate or nested labels, a very big table)."""
    config = dict(column_config or {})
    if (not isinstance(frame, pd.DataFrame) or frame.empty or frame.size > STYLED_CELLS_MAX
            or not frame.columns.is_unique or not frame.index.is_unique or isinstance(frame.columns, pd.MultiIndex)):
        for name, setting in config.items():   # the browser's own grouping rather than "1234.50 kr"
            if isinstance(setting, dict) and setting.get("type_config", {}).get("format") == MONEY_FORMAT:
                config[name] = {**setting, "type_config": {**setting["type_config"], "format": "localized"}}
        return frame, config
    formatters: dict = {}
    for name in frame.columns:
        series = frame[name]
        setting = config.get(name)
        type_config = setting.get("type_config", {}) if isinstance(setting, dict) else {}
        kind = type_config.get("type")
        if kind == "number":
            formatters[name] = _number_formatter(type_config.get("format"), series)
        elif kind in ("date", "datetime"):
            timed = kind == "datetime" or "HH" in (type_config.get("format") or "")
            formatters[name] = datetime_text if timed else date_text
        elif kind in (None, "text"):
            formatter = _dtype_formatter(series)
            if formatter is not None:
                formatters[name] = formatter
        else:
            continue   # checkbox, progress, link, list, image ...: Streamlit draws them itself
        if kind in ("number", "date", "datetime"):   # the display text wins only where no format is set
            config[name] = {**setting, "type_config": {**type_config, "format": None}}
    if not formatters:
        return frame, config
    return frame.style.format(formatters, na_rep=EMPTY), config


def _norwegian_dataframe(draw):
    """st.dataframe with Norwegian display texts and "–" for a missing value (see norwegian_table)."""
    if getattr(draw, "_backoffice_norwegian", False):
        return draw

    @functools.wraps(draw)
    def dataframe(*args, **kwargs):
        args = list(args)
        owner = args.pop(0) if args and isinstance(args[0], DeltaGenerator) else None
        data = args.pop(0) if args else kwargs.pop("data", None)
        if isinstance(data, pd.DataFrame):
            data, kwargs["column_config"] = norwegian_table(data, kwargs.get("column_config"))
        kwargs.setdefault("placeholder", EMPTY)
        return draw(*([owner] if owner is not None else []), data, *args, **kwargs)

    dataframe._backoffice_norwegian = True
    return dataframe


DeltaGenerator.dataframe = _norwegian_dataframe(DeltaGenerator.dataframe)
st.dataframe = _norwegian_dataframe(st.dataframe)


# --- Charts: decimal comma, space between thousands, Norwegian months, "mill." for millions --------

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _as_dates(values) -> pd.Series | None:
    if values is None or isinstance(values, str | dict):
        return None
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    if series.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dropna()
    sample = series.dropna()
    if sample.empty:
        return None
    first = sample.iloc[0]
    if isinstance(first, date) or (isinstance(first, str) and _ISO_DAY.match(first)):
        try:
            return pd.to_datetime(sample.astype(str) if isinstance(first, str) else sample)
        except (ValueError, TypeError):
            return None
    if isinstance(first, str) and re.match(r"^\d{4}-\d{2}$", first):
        try:
            return pd.to_datetime(sample + "-01")
        except (ValueError, TypeError):
            return None
    return None


def _numbers(values) -> list[float]:
    out = []
    if values is None or isinstance(values, str | dict):
        return out
    for value in values:
        if isinstance(value, list | tuple):
            out.extend(_numbers(value))
        elif isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool) and not is_empty(value):
            out.append(float(value))
    return out


def _axis_names(fig: go.Figure, letter: str) -> set[str]:
    names = set()
    for trace in fig.data:
        ref = getattr(trace, f"{letter}axis", None) or letter
        names.add(f"{letter}axis{ref[1:]}")
    return names or {f"{letter}axis"}


def norwegian_chart(fig: go.Figure) -> go.Figure:
    """Norwegian numbers in a plotly figure: separators ", " (decimal comma, space between thousands),
    month ticks like "jan. 2027" on date axes, and "14 mill." instead of "14M" on axes in the millions."""
    nb = get_language() == "nb"
    fig.update_layout(separators=", " if nb else ".,")
    for letter in ("x", "y"):
        for name in _axis_names(fig, letter):
            axis = fig.layout[name] if name in fig.layout else None
            if axis is None or axis.type in ("category", "multicategory", "log") or axis.tickvals is not None:
                continue
            if axis.type == "date" and axis.range is not None:   # a set window (a timeline): ticks inside it
                _month_ticks(fig, name, pd.to_datetime(pd.Series(list(axis.range))))
                continue
            traces = [tr for tr in fig.data if f"{letter}axis{(getattr(tr, f'{letter}axis', None) or letter)[1:]}" == name]
            if any(tr.type in ("pie", "sunburst", "treemap", "indicator") for tr in traces):
                continue
            dates = [d for tr in traces for values in (getattr(tr, letter, None), getattr(tr, "base", None))
                     if (d := _as_dates(values)) is not None and len(d)]
            if dates:
                _month_ticks(fig, name, pd.concat(dates))
                continue
            if axis.type == "date":
                continue
            numbers = [n for tr in traces for n in _numbers(getattr(tr, letter, None))]
            if numbers and fig.layout.barmode in ("stack", "relative") and any(tr.type == "bar" for tr in traces):
                numbers.append(_stacked_top(traces, letter))
            if numbers and max(abs(n) for n in numbers) >= 1_000_000:
                _million_ticks(fig, name, min(0.0, min(numbers)), max(0.0, max(numbers)))
    return fig


def _stacked_top(traces, letter: str) -> float:
    totals: dict = {}
    other = "x" if letter == "y" else "y"
    for trace in traces:
        keys = getattr(trace, other, None)
        keys = [] if keys is None or isinstance(keys, str) else list(keys)
        for key, value in zip(keys, _numbers(getattr(trace, letter, None)), strict=False):
            totals[str(key)] = totals.get(str(key), 0.0) + max(value, 0.0)
    return max(totals.values(), default=0.0)


def _month_ticks(fig: go.Figure, name: str, dates: pd.Series) -> None:
    first, last = dates.min(), dates.max()
    if (last - first).days <= 100 and not (dates.dt.day == 1).all():   # weeks: a tick each Monday, "5. jan."
        mondays = pd.date_range(first.normalize() - pd.Timedelta(days=first.weekday()), last, freq="7D")
        mondays = mondays[:: max(1, math.ceil(len(mondays) / 12))]
        fig.layout[name].update(tickvals=list(mondays), ticktext=[day_month_label(m.date()) for m in mondays],
                                hoverformat="%d.%m.%Y")
        return
    months = pd.date_range(first.to_period("M").to_timestamp(), last, freq="MS")
    if len(months) == 0:
        months = pd.DatetimeIndex([first.to_period("M").to_timestamp()])
    step = max(1, math.ceil(len(months) / 12))
    if step > 1:   # long ranges: whole quarters, half-years or years
        step = next(s for s in (3, 6, 12, 24, 60) if s >= step)
        months = [m for m in months if (m.month - 1) % min(step, 12) == 0][:: max(1, step // 12)] or list(months[:1])
    fig.layout[name].update(tickvals=list(months), ticktext=[month_label(m.date()) for m in months],
                            hoverformat="%d.%m.%Y")


def _million_ticks(fig: go.Figure, name: str, low: float, high: float) -> None:
    step = nice_step(high - low or abs(high) or 1.0, ticks=5)
    start = math.floor(low / step) * step
    values = [start + i * step for i in range(int(math.ceil((high - start) / step)) + 1)]
    decimals = 0 if step >= 1_000_000 and step % 1_000_000 == 0 else 1
    fig.layout[name].update(tickvals=values, ticktext=[millions(v, decimals) for v in values])


def _norwegian_plotly(draw):
    if getattr(draw, "_backoffice_norwegian", False):
        return draw

    @functools.wraps(draw)
    def plotly_chart(*args, **kwargs):
        figure = next((a for a in args if isinstance(a, go.Figure)), kwargs.get("figure_or_data"))
        if isinstance(figure, go.Figure):
            norwegian_chart(figure)
        config = streamlit_texts.plotly_config(get_language(), kwargs.get("config"))
        if config is not None:
            kwargs["config"] = config
        return draw(*args, **kwargs)

    plotly_chart._backoffice_norwegian = True
    return plotly_chart


DeltaGenerator.plotly_chart = _norwegian_plotly(DeltaGenerator.plotly_chart)
st.plotly_chart = _norwegian_plotly(st.plotly_chart)


# --- Forms: one save per filled form, warnings in one place ------------------------------------------

def _fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def form_key(name: str) -> str:
    """The key to draw the create form `name` under: it changes after each successful save_once(name, ...),
    so the next run draws an empty form (unlike clear_on_submit, a refused save keeps what was typed)."""
    return f"{name}-{st.session_state.get(f'_form-round-{name}', 0)}"


def save_once(name: str, payload, fn: Callable, *args, success: str | None = None, writer: Callable | None = None,
              **kwargs):
    """`write(fn, *args)` for a create form, at most once per filled-in form: the form's name and what was
    filled in make an idempotency key kept in the session, checked before the write, so pressing "Lagre"
    twice (or a re-run) never creates a second row; the user is told it is already saved. After a save the
    form drawn under form_key(name) starts empty. `writer`: a room's own variant of write. Returns its result,
    or None."""
    key = f"_saved-{name}"
    fingerprint = _fingerprint(payload)
    if st.session_state.get(key) == fingerprint:
        st.info(t("ui.already_saved"))
        return None
    result = (writer or write)(fn, *args, success=success, **kwargs)
    if result is not None:
        st.session_state[key] = fingerprint
        st.session_state[f"_form-round-{name}"] = st.session_state.get(f"_form-round-{name}", 0) + 1
    return result


def next_in_series(dates: list[date], today: date, every_days: int = 91) -> date:
    """The next date after `today` of a series of meetings: the last one plus the usual gap between them (the
    median; `every_days` with fewer than two), stepped on past today. A new meeting's default, not today."""
    past = sorted(set(dates))
    gaps = sorted((b - a).days for a, b in zip(past, past[1:], strict=False) if (b - a).days > 0)
    step = timedelta(days=gaps[len(gaps) // 2] if gaps else every_days)
    following = past[-1] + step if past else today + step
    while following <= today:
        following += step
    return following


def grouped_warnings(messages: list[str], container=st) -> None:
    """Many warnings as one expander with their count instead of a stack of yellow boxes."""
    messages = [m for m in messages if m]
    if not messages:
        return
    if len(messages) == 1:
        container.warning(messages[0])
        return
    with container.expander(f":material/warning: {t('ui.warnings', count=len(messages))}"):
        for message in messages:
            st.markdown(f"- {message}")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that Excel in Norway opens right: semicolons, decimal comma, UTF-8 with BOM."""
    return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
