"""Render a page as a signed-in user with streamlit's AppTest."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data import db
from data.access import Actor

ROOT = Path(__file__).resolve().parents[1]


def render(path: str, actor: Actor | None, language: str = "nb", timeout: float = 30) -> AppTest:
    app = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
    if actor is not None:
        app.session_state["actor"] = actor
    app.session_state["language"] = language
    app.run()
    return app


def errors_of(app: AppTest) -> list[str]:
    return [e.value for e in app.exception] + [e.value for e in app.error]


def shown(element) -> pd.DataFrame:
    """What a st.dataframe element shows: the display texts (data/pages/common.norwegian_table) where the
    table was drawn with them, else its values."""
    display = element.proto.arrow_data.styler.display_values
    if display:
        return pa.ipc.open_stream(display).read_pandas()
    return element.value


def row_count(model, *where) -> int:
    """How many rows of `model` (matching `where`) the database holds now."""
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def in_form(elements, label: str, form: str):
    """The widget labelled `label` in the form whose key starts with `form`."""
    return next(e for e in elements if e.label == label and e.form_id.startswith(form))


def press_in_form(app, label: str, form: str) -> AppTest:
    in_form(app.button, label, form).click().run()
    return app
