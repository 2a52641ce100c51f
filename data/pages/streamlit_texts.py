"""Streamlit's own English in bokmål: the texts its frontend draws itself (file uploads, multiselects, number
and date fields, table toolbars), which the app cannot pass as parameters.

A small script (streamlit_texts.js) watches the page and swaps these texts and labels as Streamlit draws them.
The English keys are the exact strings of the Streamlit version in pyproject.toml; a test checks that each is
still in Streamlit's bundle, so an upgrade that renames one is noticed.
"""
from __future__ import annotations

import json
from pathlib import Path

# Visible text (whole text of an element).
TEXTS = {
    "Drag and drop a file here": "Dra og slipp en fil hit",
    "Drag and drop files here": "Dra og slipp filer hit",
    "Upload": "Last opp",
    "Add files": "Legg til filer",
    "Select all": "Velg alle",
    "Clear all": "Fjern alle",
    "No results": "Ingen treff",
    "Number is above the allowed range.": "Tallet er høyere enn det som er tillatt.",
    "Number is below the allowed range.": "Tallet er lavere enn det som er tillatt.",
    "Invalid input.": "Ugyldig verdi.",
    "Skip to main content": "Gå til hovedinnholdet",
}

# Labels read by screen readers and shown as tooltips (aria-label, title).
LABELS = {
    "Choose date": "Velg dato",
    "Choose date range": "Velg periode",
    "Clear date": "Tøm dato",
    "Clear dates": "Tøm datoer",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
        "Bruk piltastene for å flytte mellom datoene, Enter for å velge og Escape for å lukke.",
    "Clear value": "Tøm feltet",
    "Clear entry": "Tøm feltet",
    "Clear all": "Fjern alle",
    "Select all": "Velg alle",
    "Selected values": "Valgte verdier",
    "Multiselect options": "Valg",
    "Selectbox options": "Valg",
    "Open": "Åpne",
    "Increment": "Øk",
    "Decrement": "Reduser",
    "Show password": "Vis passord",
    "Hide password": "Skjul passord",
    "Fullscreen": "Fullskjerm",
    "Close fullscreen": "Lukk fullskjerm",
    "Download as CSV": "Last ned som CSV",
    "Search": "Søk",
    "Close Search": "Lukk søket",
    "Copy to clipboard": "Kopier",
    "Link to heading": "Lenke til overskriften",
    "Show/hide columns": "Vis eller skjul kolonner",
    "Help": "Hjelp",
    "Sidebar": "Sidemeny",
    "Collapse sidebar": "Skjul sidemenyen",
    "Expand sidebar": "Vis sidemenyen",
    "Main menu": "Hovedmeny",
}

# "200MB per file • CSV" and the like: (regular expression, replacement) on the whole text.
PATTERNS = [
    (r"^(\d+(?:\.\d+)?)\s*([KMG]B) per file", r"Inntil $1 $2 per fil"),
]

# Labels made from a template: "Help for Innbyggere dekket", "Remove I drift".
LABEL_PATTERNS = [
    (r"^Help for (.+)$", r"Hjelp: $1"),
    (r"^Remove (.+)$", r"Fjern $1"),
]

# Plotly's own texts (chart toolbar and hover), given to Plotly as its locale (config "locales").
PLOTLY = {
    "Autoscale": "Tilpass automatisk",
    "Box Select": "Velg område",
    "Lasso Select": "Velg fritt",
    "Compare data on hover": "Sammenlign verdiene ved pekeren",
    "Show closest data on hover": "Vis nærmeste verdi ved pekeren",
    "Toggle show closest data on hover": "Vis eller skjul nærmeste verdi ved pekeren",
    "Toggle Spike Lines": "Vis eller skjul hjelpelinjer",
    "Download plot as a PNG": "Last ned som bilde (PNG)",
    "Download plot": "Last ned diagrammet",
    "Image download succeeded": "Bildet er lastet ned",
    "Preparing image - this may take a few seconds": "Lager bildet, det kan ta noen sekunder",
    "Sorry, there was a problem downloading your image!": "Bildet kunne ikke lastes ned.",
    "Pan": "Flytt",
    "Zoom": "Forstørr område",
    "Zoom in": "Zoom inn",
    "Zoom out": "Zoom ut",
    "Reset axes": "Tilbakestill aksene",
    "Reset": "Tilbakestill",
    "Reset view": "Tilbakestill visningen",
    "Reset views": "Tilbakestill visningene",
    "Double-click to zoom back out": "Dobbeltklikk for å zoome ut igjen",
}
PLOTLY_FORMAT = {
    "decimal": ",", "thousands": "\u00a0",
    "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    "shortDays": ["søn.", "man.", "tir.", "ons.", "tor.", "fre.", "lør."],
    "months": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
               "november", "desember"],
    "shortMonths": ["jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."],
    "date": "%d.%m.%Y",
}


def plotly_config(language: str, config: dict | None = None) -> dict | None:
    """A chart's Plotly config with the bokmål locale (toolbar, hover texts, month and day names)."""
    if language != "nb":
        return config
    return {"locale": "nb", "locales": {"nb": {"dictionary": PLOTLY, "format": PLOTLY_FORMAT}}, **(config or {})}

_SCRIPT = (Path(__file__).resolve().parent / "static" / "streamlit_texts.js").read_text(encoding="utf-8")


def script(language: str) -> str:
    """The `<script>` for a page in `language`: it installs the watcher once per browser tab and tells it the
    language on every run (in English it leaves Streamlit's texts alone)."""
    table = ({"texts": TEXTS, "labels": LABELS, "patterns": PATTERNS, "label_patterns": LABEL_PATTERNS}
             if language == "nb" else None)
    return f"<script>{_SCRIPT}\nwindow.backofficeTexts({json.dumps(table, ensure_ascii=False)});</script>"
