"""Suppliers and sub-processors (issue 23, item 2): the register, ISO/IEC 27001 certificates, ISAE 3402/3000
reports and their findings (each can become a ROS risk), reminders, and the sub-processor list per service."""
from data.appspec import PageSpec
from data.cli import in_group
from risk.suppliers import assurance, demo, messages, register
from risk.suppliers.cli import register_cli

PAGES = [
    PageSpec("risk/suppliers/pages/suppliers.py", "supl.page.title", "section.risk", ":material/local_shipping:",
             url_path="leverandorer"),
]
KPIS = [assurance.kpis]
SERVICE_FACTS = [register.service_facts]
DEMO = [demo.load_demo]
CLI = in_group("risk", "ros.cli.help", register_cli)  # `backoffice risk suppliers ...`
MESSAGES = messages.MESSAGES
