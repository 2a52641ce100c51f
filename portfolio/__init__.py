"""Project portfolio and capacity, and DigiOrden, the map of municipalities' systems.

Two parts share this package; each adds its pages, KPIs, service facts, demo loaders and
translations in its own section below.
"""
from data.appspec import PageSpec  # noqa: F401
from data.i18n import register  # noqa: F401

PAGES: list = []
KPIS: list = []
SERVICE_FACTS: list = []
DEMO: list = []

# --- projects, staffing, capacity, scenarios (issue 9) ---

# --- DigiOrden system map (issue 11) ---
