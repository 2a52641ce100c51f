"""The department's own administration: sign-in and users, registers, audit log, the overview."""
from admin import messages as _messages
from admin.overview import register_kpis
from data.appspec import PageSpec
from data.i18n import register

register(_messages.MESSAGES)

PAGES = [
    PageSpec("admin/pages/overview.py", "page.overview", "section.overview", ":material/dashboard:",
             url_path="oversikt"),
    PageSpec("admin/pages/organisations.py", "page.organisations", "section.registers",
             ":material/location_city:", url_path="virksomheter"),
    PageSpec("admin/pages/services.py", "page.services", "section.registers", ":material/apps:",
             url_path="tjenester"),
    PageSpec("admin/pages/service_sheet.py", "page.service_sheet", "section.overview", ":material/description:",
             url_path="tjenesteark"),
    PageSpec("admin/pages/users.py", "page.users", "section.admin", ":material/group:",
             roles=frozenset({"admin"}), url_path="brukere"),
    PageSpec("admin/pages/audit_log.py", "page.audit", "section.admin", ":material/history:",
             roles=frozenset({"admin", "leader", "security"}), url_path="revisjonslogg"),
    PageSpec("admin/pages/account.py", "page.account", "section.account", ":material/person:",
             url_path="min-konto"),
]

KPIS = [register_kpis]
SERVICE_FACTS: list = []
DEMO: list = []

# --- change board and support pages (issue 10) ---
from admin.changeboard import demo as _changeboard_demo  # noqa: E402
from admin.changeboard import messages as _changeboard_messages  # noqa: E402
from admin.changeboard.agenda import changeboard_facts, changeboard_kpis  # noqa: E402
from admin.changeboard.cli import register_cli  # noqa: E402
from data.support import tickets as _support  # noqa: E402

register(_changeboard_messages.MESSAGES)
_BOARD_READERS = None  # every signed-in user may read the change board
_TICKET_READERS = frozenset({"support", "security", "leader", "portfolio", "product_owner", "admin"})
PAGES += [
    PageSpec("admin/changeboard/pages/agenda.py", "cb.page.agenda", "cb.nav", ":material/event_note:",
             roles=_BOARD_READERS, url_path="endringsrad"),
    PageSpec("admin/changeboard/pages/items.py", "cb.page.items", "cb.nav", ":material/published_with_changes:",
             roles=_BOARD_READERS, url_path="endringer"),
    PageSpec("admin/changeboard/pages/calendar.py", "cb.page.calendar", "cb.nav", ":material/calendar_month:",
             roles=_BOARD_READERS, url_path="endringskalender"),
    PageSpec("admin/changeboard/pages/settings.py", "cb.page.settings", "cb.nav", ":material/ac_unit:",
             roles=_BOARD_READERS, url_path="frys-og-kapasitet"),
    PageSpec("data/support/pages/tickets.py", "sup.page.tickets", "sup.nav", ":material/support_agent:",
             roles=_TICKET_READERS, url_path="henvendelser"),
    PageSpec("data/support/pages/stats.py", "sup.page.stats", "sup.nav", ":material/monitoring:",
             url_path="brukerstotte-tall"),
    PageSpec("data/support/pages/security.py", "sup.page.security", "sup.nav", ":material/shield:",
             roles=frozenset({"security", "support", "leader", "portfolio"}), url_path="sikkerhetshendelser"),
]
KPIS += [_support.support_kpis, changeboard_kpis]
SERVICE_FACTS += [_support.support_facts, changeboard_facts]
DEMO += [_support.load_demo, _changeboard_demo.load_demo]
CLI = register_cli

# --- metering (issue 4) ---
from data.metering import usage as _metering  # noqa: E402

PAGES += [PageSpec("data/metering/pages/usage.py", "meter.page_title", "meter.section", ":material/speed:",
                   url_path="forbruk")]
KPIS += [_metering.usage_kpis]
SERVICE_FACTS += [_metering.service_usage_facts]
DEMO += [_metering.load_demo]
