"""Risk: ROS and DPIA registers, measures, acceptance; STRIDE threat models and NSM maturity.

Two parts share this package; each adds its pages, KPIs, service facts, demo loaders and
translations in its own section below.
"""
from data.appspec import PageSpec  # noqa: F401
from data.i18n import register  # noqa: F401

PAGES: list = []
KPIS: list = []
SERVICE_FACTS: list = []
DEMO: list = []

# --- ROS and DPIA registers, measures, acceptance (issue 7) ---

# --- threat models, STRIDE, Threat Dragon, NSM maturity (issue 8) ---
