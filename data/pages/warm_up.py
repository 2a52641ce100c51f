"""What a Streamlit server otherwise does in its first user's first pages, done once in the background as the
server starts: loading Babel's locale data (0.2 s), importing plotly express and pandas' table styler (0.3 s,
for the pages with charts and styled tables) and building a first chart, and running the landing page's reads
once so that SQLAlchemy has compiled their queries. Without it the first sign-in after a restart took 0.6–0.8 s longer on the server than the next one.

It is a warm-up only: nothing it computes is kept or shown, and a failure is logged and ignored. It does not
run under pytest (the test process switches databases under it).
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from datetime import date

from data import db
from data.formatting import day, number
from data.i18n import LANGUAGES, set_language

log = logging.getLogger(__name__)
_lock = threading.Lock()
_started = False


def start(reads: Iterable[Callable] = ()) -> bool:
    """Start the warm-up once per process; `reads` are `fn(session)` reads of the landing page. Returns whether
    this call started it."""
    global _started
    if "PYTEST_CURRENT_TEST" in os.environ:
        return False
    with _lock:
        if _started:
            return False
        _started = True
    threading.Thread(target=_warm, args=(tuple(reads),), name="backoffice-warm-up", daemon=True).start()
    return True


def _warm(reads: tuple[Callable, ...]) -> None:
    try:
        import pandas as pd
        import pandas.io.formats.style  # noqa: F401  (tables with a Styler: jinja2)
        import plotly.express as px

        for language in LANGUAGES:   # Babel loads each locale's data the first time it formats in it
            set_language(language)
            number(1234.5, 2)
            day(date.today())
        frame = pd.DataFrame({"value": [1.0, 2.0], "name": ["a", "b"]})
        px.bar(frame, x="value", y="name", orientation="h", color="name")
        px.line(frame, x="name", y="value", markers=True)
        for read in reads:
            with db.session_scope() as session:
                read(session)
    except Exception:  # a warm-up only: the page does the same work itself when it is needed
        log.exception("warm-up failed")
