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
from portfolio import messages as _pf_messages  # noqa: E402
from portfolio.capacity import portfolio_kpis as _pf_kpis  # noqa: E402
from portfolio.capacity import service_facts as _pf_facts  # noqa: E402
from portfolio.cli import register_cli  # noqa: E402
from portfolio.demo import load_demo as _pf_demo  # noqa: E402

register(_pf_messages.MESSAGES)
_PF_PLANNERS = frozenset({"leader", "portfolio"})
PAGES += [
    PageSpec("portfolio/pages/board.py", "pf.page.board", "pf.section", icon=":material/view_kanban:",
             url_path="prosjekttavle"),
    PageSpec("portfolio/pages/timeline.py", "pf.page.timeline", "pf.section", icon=":material/view_timeline:",
             url_path="tidslinje"),
    PageSpec("portfolio/pages/staffing.py", "pf.page.staffing", "pf.section", icon=":material/badge:",
             roles=_PF_PLANNERS, url_path="bemanning"),
    PageSpec("portfolio/pages/capacity.py", "pf.page.capacity", "pf.section", icon=":material/grid_on:",
             roles=_PF_PLANNERS, url_path="kapasitet"),
    PageSpec("portfolio/pages/scenarios.py", "pf.page.scenarios", "pf.section", icon=":material/alt_route:",
             roles=_PF_PLANNERS, url_path="scenarioer"),
]
KPIS += [_pf_kpis]
SERVICE_FACTS += [_pf_facts]
DEMO += [_pf_demo]
CLI_PARTS = [register_cli]


def CLI(subparsers):  # noqa: N802  (the name admin/cli.py looks for)
    for part in CLI_PARTS:
        part(subparsers)


# --- DigiOrden system map (issue 11) ---
from portfolio.digiorden import messages as _digiorden_messages  # noqa: E402
from portfolio.digiorden.analysis import kpis as _digiorden_kpis  # noqa: E402
from portfolio.digiorden.analysis import service_facts as _digiorden_facts  # noqa: E402
from portfolio.digiorden.cli import register_cli as _digiorden_cli  # noqa: E402
from portfolio.digiorden.demo import load_demo as _digiorden_demo  # noqa: E402

register(_digiorden_messages.MESSAGES)
PAGES += [
    PageSpec("portfolio/digiorden/pages/map.py", "do.page.map", "do.section",
             icon=":material/hub:", url_path="digiorden-kart"),
    PageSpec("portfolio/digiorden/pages/gaps.py", "do.page.gaps", "do.section",
             icon=":material/checklist:", url_path="digiorden-mangler"),
    PageSpec("portfolio/digiorden/pages/sector.py", "do.page.sector", "do.section",
             icon=":material/account_tree:", url_path="digiorden-sektor"),
    PageSpec("portfolio/digiorden/pages/exchange.py", "do.page.exchange", "do.section",
             icon=":material/swap_vert:", url_path="digiorden-import-eksport"),
]
KPIS += [_digiorden_kpis]
SERVICE_FACTS += [_digiorden_facts]
DEMO += [_digiorden_demo]
CLI_PARTS = globals().get("CLI_PARTS", [])
CLI_PARTS.append(_digiorden_cli)
if "CLI" not in globals():
    def CLI(subparsers):  # noqa: N802  (the name admin/cli.py looks for)
        for part in CLI_PARTS:
            part(subparsers)
