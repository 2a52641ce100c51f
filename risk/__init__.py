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
from data.i18n import t as _t  # noqa: E402
from risk import ros as _ros  # noqa: E402
from risk.cli import register_cli as _register_ros_cli  # noqa: E402
from risk.messages import MESSAGES as _ROS_MESSAGES  # noqa: E402
from risk.ros_demo import load_registers as _load_ros_demo  # noqa: E402

register(_ROS_MESSAGES)  # also registers "section.risk", the navigation section both parts use
_RISK_READERS = None     # every signed-in user reads ROS; DPIA drafts are filtered by the logic
PAGES += [
    PageSpec("risk/pages/ros_overview.py", "ros.page.overview", "section.risk", ":material/crisis_alert:",
             roles=_RISK_READERS, url_path="risikobildet"),
    PageSpec("risk/pages/ros_assessments.py", "ros.page.register", "section.risk", ":material/fact_check:",
             roles=_RISK_READERS, url_path="ros"),
    PageSpec("risk/pages/ros_risks.py", "ros.page.risks", "section.risk", ":material/list_alt:",
             roles=_RISK_READERS, url_path="risikoregister"),
    PageSpec("risk/pages/measures_register.py", "ros.page.measures", "section.risk", ":material/task_alt:",
             roles=_RISK_READERS, url_path="tiltak"),
    PageSpec("risk/pages/dpia_register.py", "ros.page.dpia", "section.risk", ":material/privacy_tip:",
             roles=_RISK_READERS, url_path="dpia"),
    PageSpec("risk/pages/ros_template.py", "ros.page.template", "section.risk", ":material/description:",
             roles=_RISK_READERS, url_path="kommunemal"),
    PageSpec("risk/pages/matrix_settings.py", "ros.page.matrix", "section.risk", ":material/grid_on:",
             roles=_RISK_READERS, url_path="risikomatrise"),
]
KPIS += [_ros.kpis]
SERVICE_FACTS += [_ros.service_facts]
DEMO += [_load_ros_demo]

# `backoffice risk ...`: each part appends its `register_cli(risk_subparsers)` to CLI_PARTS.
CLI_PARTS: list = [_register_ros_cli]


def CLI(sub):  # noqa: N802  (the name admin/cli.py looks for)
    risk_parser = sub.add_parser("risk", help=_t("ros.cli.help"))
    risk_sub = risk_parser.add_subparsers(dest="risk_command", required=True)
    for part in CLI_PARTS:
        part(risk_sub)


# --- threat models, STRIDE, Threat Dragon, NSM maturity (issue 8) ---
from risk.threats import demo as _threat_demo  # noqa: E402
from risk.threats import facts as _threat_facts  # noqa: E402
from risk.threats.cli import register_cli as _register_threat_cli  # noqa: E402
from risk.threats.messages import MESSAGES as _THREAT_MESSAGES  # noqa: E402

register(_THREAT_MESSAGES)
PAGES += [
    PageSpec("risk/threats/pages/diagrams.py", "page.threat_models", "section.risk", ":material/account_tree:",
             url_path="trusselmodeller"),
    PageSpec("risk/pages/nsm_maturity.py", "page.nsm_maturity", "section.risk", ":material/verified_user:",
             url_path="nsm-modenhet"),
]
KPIS += [_threat_facts.nsm_kpis, _threat_facts.threat_kpis]
SERVICE_FACTS += [_threat_facts.threat_facts]
DEMO += [_threat_demo.load_threat_models, _threat_demo.load_nsm]
CLI_PARTS.append(_register_threat_cli)
