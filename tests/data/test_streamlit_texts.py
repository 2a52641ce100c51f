"""Streamlit's own English is swapped for bokmål by data/pages/streamlit_texts.py: the texts it swaps must be the
ones this Streamlit version draws (an upgrade that renames one fails here, not silently in the browser)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import streamlit

from data.pages import streamlit_texts

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"


def _bundle_strings() -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="ignore") for path in BUNDLE.glob("*.js"))


def test_every_swapped_text_is_drawn_by_this_streamlit_version():
    bundle = _bundle_strings()
    missing = [text for text in {*streamlit_texts.TEXTS, *streamlit_texts.LABELS}
               if f"`{text}`" not in bundle and f'"{text}"' not in bundle]
    assert missing == []
    assert "} per file`" in bundle                     # the upload limit that PATTERNS rewrites
    assert "`Help for ${" in bundle and "`Remove ${" in bundle   # the labels that LABEL_PATTERNS rewrite
    plotly = [text for text in streamlit_texts.PLOTLY if f"(e,`{text}`)" not in bundle]
    assert plotly == []


def test_charts_get_the_bokmal_plotly_locale_and_keep_their_own_settings():
    config = streamlit_texts.plotly_config("nb", {"displaylogo": False})
    assert config["locale"] == "nb" and config["displaylogo"] is False
    assert config["locales"]["nb"]["dictionary"]["Reset axes"] == "Tilbakestill aksene"
    assert config["locales"]["nb"]["format"]["shortMonths"][4] == "mai"
    assert streamlit_texts.plotly_config("en", None) is None


def test_the_upload_limit_is_rewritten_in_bokmal():
    (pattern, replacement), = streamlit_texts.PATTERNS
    assert re.sub(pattern, replacement.replace("$", "\\"), "200MB per file • CSV") == "Inntil 200 MB per fil • CSV"


def test_the_script_carries_the_table_in_bokmal_and_nothing_in_english():
    norwegian, english = streamlit_texts.script("nb"), streamlit_texts.script("en")
    table = json.loads(norwegian.rsplit("window.backofficeTexts(", 1)[1].removesuffix(");</script>"))
    assert table["texts"]["Select all"] == "Velg alle" and table["labels"]["Choose date"] == "Velg dato"
    assert english.endswith("window.backofficeTexts(null);</script>")
