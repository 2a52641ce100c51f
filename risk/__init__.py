"""Risk: ROS and DPIA registers, measures, acceptance, the municipalities' template, the risk matrix and
NSM maturity assessments."""
from data.appspec import PageSpec
from data.cli import in_group
from portfolio import projects
from risk import dpia, gates, messages, nsm, ros
from risk.cli import register_cli
from risk.demo import load_nsm, load_registers

_RISK_READERS = None  # every signed-in user reads ROS; DPIA drafts are filtered by the logic

PAGES = [
    PageSpec("risk/pages/overview.py", "ros.page.overview", "section.risk", ":material/crisis_alert:",
             roles=_RISK_READERS, url_path="risikobildet"),
    PageSpec("risk/pages/assessments.py", "ros.page.register", "section.risk", ":material/fact_check:",
             roles=_RISK_READERS, url_path="ros"),
    PageSpec("risk/pages/risks.py", "ros.page.risks", "section.risk", ":material/list_alt:",
             roles=_RISK_READERS, url_path="risikoregister"),
    PageSpec("risk/pages/measures_register.py", "ros.page.measures", "section.risk", ":material/task_alt:",
             roles=_RISK_READERS, url_path="tiltak"),
    PageSpec("risk/pages/dpia_register.py", "ros.page.dpia", "section.risk", ":material/privacy_tip:",
             roles=_RISK_READERS, url_path="dpia"),
    PageSpec("risk/pages/template.py", "ros.page.template", "section.risk", ":material/description:",
             roles=_RISK_READERS, url_path="kommunemal"),
    PageSpec("risk/pages/matrix_settings.py", "ros.page.matrix", "section.risk", ":material/grid_on:",
             roles=_RISK_READERS, url_path="risikomatrise"),
    PageSpec("risk/pages/nsm_maturity.py", "page.nsm_maturity", "section.risk", ":material/verified_user:",
             url_path="nsm-modenhet"),
]
KPIS = [ros.kpis, nsm.kpis]
APPROVALS = [ros.approvals, dpia.approvals]   # ROS versions and risk acceptances; DPIA versions (the leader signs)
SERVICE_FACTS = [ros.service_facts]
DEMO = [load_registers, load_nsm]
CHECKS = [(projects.register_privacy_check, gates.privacy_items)]  # a gate's ROS/DPIA/template items
CLI = in_group("risk", "ros.cli.help", register_cli)  # `backoffice risk ...`, shared with risk.threats
MESSAGES = messages.MESSAGES  # also "section.risk", the navigation section risk.threats uses too
