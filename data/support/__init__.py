"""Support tickets: the Freshdesk import, links to service and organisation, security incidents and the
statistics the support pages, pricing's allocation keys and risk read."""
from data.appspec import PageSpec
from data.support import demo, messages, statistics
from data.support.cli import register_cli

_TICKET_READERS = frozenset({"support", "security", "leader", "portfolio", "product_owner", "admin"})

PAGES = [
    PageSpec("data/support/pages/tickets.py", "sup.page.tickets", "sup.nav", ":material/support_agent:",
             roles=_TICKET_READERS, url_path="henvendelser"),
    PageSpec("data/support/pages/stats.py", "sup.page.stats", "sup.nav", ":material/monitoring:",
             url_path="brukerstotte-tall"),
    PageSpec("data/support/pages/security.py", "sup.page.security", "sup.nav", ":material/shield:",
             roles=frozenset({"security", "support", "leader", "portfolio"}), url_path="sikkerhetshendelser"),
]
KPIS = [statistics.support_kpis]
SERVICE_FACTS = [statistics.support_facts]
DEMO = [demo.load_demo]
CLI = register_cli
MESSAGES = messages.MESSAGES
