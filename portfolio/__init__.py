"""Project portfolio: projects and gates, staffing and capacity, scenarios."""
from data.appspec import PageSpec
from portfolio import approvals, messages, models
from portfolio.capacity import portfolio_kpis, service_facts
from portfolio.cli import register_cli
from portfolio.demo import load_demo

_PLANNERS = frozenset({"leader", "portfolio"})

PAGES = [
    PageSpec("portfolio/pages/board.py", "pf.page.board", "pf.section", icon=":material/view_kanban:",
             url_path="prosjekttavle"),
    PageSpec("portfolio/pages/timeline.py", "pf.page.timeline", "pf.section", icon=":material/view_timeline:",
             url_path="tidslinje"),
    PageSpec("portfolio/pages/staffing.py", "pf.page.staffing", "pf.section", icon=":material/badge:",
             roles=_PLANNERS, url_path="bemanning"),
    PageSpec("portfolio/pages/capacity.py", "pf.page.capacity", "pf.section", icon=":material/grid_on:",
             roles=_PLANNERS, url_path="kapasitet"),
    PageSpec("portfolio/pages/scenarios.py", "pf.page.scenarios", "pf.section", icon=":material/alt_route:",
             roles=_PLANNERS, url_path="scenarioer"),
]
KPIS = [portfolio_kpis]
APPROVALS = [approvals.approvals]   # gates ready for the leader, draft scenarios
SERVICE_FACTS = [service_facts]
DEMO = [load_demo]
CLI = register_cli
MESSAGES = messages.MESSAGES
FLUSH_GUARDS = [models.baselines_are_immutable]
