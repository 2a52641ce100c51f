"""Threat models: data-flow diagrams, STRIDE, Threat Dragon exchange."""
from data.appspec import PageSpec
from data.cli import in_group
from risk.threats import demo, messages, modelling
from risk.threats.cli import register_cli

PAGES = [
    PageSpec("risk/threats/pages/diagrams.py", "page.threat_models", "section.risk", ":material/account_tree:",
             url_path="trusselmodeller"),
]
KPIS = [modelling.kpis]
SERVICE_FACTS = [modelling.service_facts]
DEMO = [demo.load_threat_models]
CLI = in_group("risk", "ros.cli.help", register_cli)  # `backoffice risk threats ...`
MESSAGES = messages.MESSAGES
