"""What must not show in the Norwegian UI: Python's and pandas' empty values, internal codes (snake_case names,
status and kind codes, service codes) and numbers or dates in a machine format. Used on every page as every
role (tests/admin/test_pages.py) over what AppTest sees: titles, texts, alerts, metrics, choices and every
table's display texts."""
from __future__ import annotations

import json
import re
from functools import cache

import pandas as pd

from data.i18n import catalog
from tests.pages import shown

EMPTY_WORDS = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|null|undefined)(?![\w-])")
SNAKE = re.compile(r"(?<![\w./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./-])")
MACHINE_NUMBER = re.compile(r"^-?\d{4,}\.\d+$|^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")   # 3116522.76, 1,234.5
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}.*)?$")
CODE_GROUPS = {"status", "state", "kind", "type", "phase", "treatment", "category", "outcome", "priority",
               "severity", "channel", "model", "frequency", "basis", "strategy", "level", "decision"}
SNAKE_ALLOWED = set()   # a real word of the UI that has an underscore (none so far)


@cache
def status_codes() -> frozenset[str]:
    """Codes that have a label in a status/kind/... group of the catalogue, where the code is not itself the
    label ("utkast" has the label "Utkast")."""
    codes = set()
    for key, pair in catalog().items():
        parts = key.split(".")
        if len(parts) >= 3 and parts[-2] in CODE_GROUPS and re.fullmatch(r"[a-z][a-z0-9_]*", parts[-1]):
            if parts[-1] not in pair:
                codes.add(parts[-1])
    return frozenset(codes)


def _text_leaks(text: str, service_codes: frozenset[str]) -> list[str]:
    found = [f"empty value {m!r}" for m in EMPTY_WORDS.findall(text)]
    found += [f"code {m!r}" for m in SNAKE.findall(text) if m not in SNAKE_ALLOWED]
    found += [f"service code {w!r}" for w in re.findall(r"(?<![\w./-])([a-z][a-z0-9_]+)(?![\w./-])", text)
              if w in service_codes]
    return found


def _cell_leaks(value: str, service_codes: frozenset[str]) -> list[str]:
    value = value.strip()
    found = _text_leaks(value, service_codes)
    if value in status_codes():
        found.append(f"status code {value!r}")
    if MACHINE_NUMBER.match(value):
        found.append(f"machine number {value!r}")
    if ISO_DATE.match(value):
        found.append(f"machine date {value!r}")
    return found


def _texts(app, skip: tuple[str, ...]) -> list[tuple[str, str]]:
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        if kind not in skip:
            texts += [(kind, str(e.value)) for e in getattr(app, kind)]
    for metric in app.metric:
        texts += [("metric", metric.label), ("metric", str(metric.value))]
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in getattr(app, kind):
            if widget.label not in skip:
                texts += [(f"{kind} {widget.label!r}", str(option)) for option in widget.options]
    return texts


def _column_settings(table) -> tuple[dict, list[str]]:
    """The table's column configuration (label, hidden, type) and column order, as Streamlit sends them."""
    proto = table.proto
    settings = json.loads(proto.columns) if proto.columns else {}
    return settings, list(proto.column_order)


def leaks(app, service_codes: frozenset[str] = frozenset(), skip: tuple[str, ...] = ()) -> list[str]:
    """Every leak on the page AppTest drew, as 'where: what'. `skip`: what shows codes by design, as kinds of
    element ("caption") or labels of choices and table columns (the audit log's recorded changes)."""
    found = []
    for where, text in _texts(app, skip):
        found += [f"{where}: {leak} in {text[:80]!r}" for leak in _text_leaks(text, service_codes)]
    for table in app.dataframe:
        frame = shown(table)
        if not isinstance(frame, pd.DataFrame):
            continue
        styled = bool(table.proto.arrow_data.styler.display_values)
        settings, order = _column_settings(table)
        for column in frame.columns:
            setting = settings.get(str(column)) or settings.get(f"_pos:{list(frame.columns).index(column)}") or {}
            if setting.get("hidden") or (order and str(column) not in order):
                continue
            label = setting["label"] if setting.get("label") is not None else str(column)
            found += [f"table heading: {leak}" for leak in _text_leaks(label, service_codes)]
            if label in skip:
                continue
            kind = (setting.get("type_config") or {}).get("type")
            options = (setting.get("type_config") or {}).get("options") or []
            if kind == "selectbox" and all(isinstance(o, dict) and o.get("label") for o in options):
                continue   # an editor's choice column: the browser shows each code's label
            formatted_by_browser = not styled and kind in ("number", "date", "datetime", "checkbox", "progress")
            for value in frame[column].dropna().astype(str).unique()[:200]:
                found += [f"table column {label!r}: {leak}" for leak in _cell_leaks(value, service_codes)
                          if not (formatted_by_browser and leak.startswith(("machine", "empty")))]
    return found
