"""Privacy and security management as a data processor (issue 23): personal-data breaches with the clock
and the notices to the controllers, risk notices to the municipalities, the management system's documents."""
from data.appspec import PageSpec
from data.cli import in_group
from data.support import tickets
from risk.privacy import breaches, demo, documents, messages, notices
from risk.privacy.cli import register_cli

_BREACH_READERS = frozenset({"security", "leader", "product_owner", "support"})

PAGES = [
    PageSpec("risk/privacy/pages/breaches.py", "priv.page.breaches", "section.risk", ":material/gpp_maybe:",
             roles=_BREACH_READERS, url_path="personvernbrudd"),
    PageSpec("risk/privacy/pages/risk_notices.py", "priv.page.notices", "section.risk", ":material/campaign:",
             url_path="risikovarsler"),
    PageSpec("risk/privacy/pages/documents.py", "priv.page.documents", "section.risk", ":material/library_books:",
             url_path="styringsdokumenter"),
]
KPIS = [breaches.kpis, documents.kpis]
SERVICE_FACTS = [notices.service_facts]
DEMO = [demo.load_demo]
CLI = in_group("risk", "ros.cli.help", register_cli)  # `backoffice risk breach|notice|documents ...`
MESSAGES = messages.MESSAGES
# The security-incident list links to the breach page, where an incident is marked as a personal-data breach.
CHECKS = [(tickets.offer_incident_page, ("priv.page.mark_from_incident", breaches.PAGE, "personvernbrudd"))]
