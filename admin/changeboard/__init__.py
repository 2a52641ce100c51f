"""The change board: change items, freezes, the weekly agenda, the forward schedule, notices."""
from admin.changeboard import approvals, demo, hooks, messages
from admin.changeboard.agenda import changeboard_facts, changeboard_kpis
from admin.changeboard.cli import register_cli
from data.appspec import PageSpec
from data.support import tickets

_BOARD_READERS = None  # every signed-in user may read the change board

PAGES = [
    PageSpec("admin/changeboard/pages/agenda.py", "cb.page.agenda", "cb.nav", ":material/event_note:",
             roles=_BOARD_READERS, url_path="endringsrad"),
    PageSpec("admin/changeboard/pages/items.py", "cb.page.items", "cb.nav", ":material/published_with_changes:",
             roles=_BOARD_READERS, url_path="endringer"),
    PageSpec("admin/changeboard/pages/calendar.py", "cb.page.calendar", "cb.nav", ":material/calendar_month:",
             roles=_BOARD_READERS, url_path="endringskalender"),
    PageSpec("admin/changeboard/pages/settings.py", "cb.page.settings", "cb.nav", ":material/ac_unit:",
             roles=_BOARD_READERS, url_path="frys-og-kapasitet"),
]
KPIS = [changeboard_kpis]
APPROVALS = [approvals.approvals]   # changes in a freeze nobody has overridden
SERVICE_FACTS = [changeboard_facts]
DEMO = [demo.load_demo]
CLI = register_cli
MESSAGES = messages.MESSAGES
# A ticket marked as a security incident marks its service's ROS as due for review.
CHECKS = [(tickets.on_security_incident, hooks.ros_review_for_incident)]
