"""The department's own administration: sign-in and users, registers, audit log, the overview."""
from admin import messages, planning
from admin.overview import register_kpis
from data.appspec import PageSpec

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
DEMO = [planning.load_demo]   # requests sent on from council to plan, after every room's own data
CLI = None  # admin's own commands (db, users, audit, demo, backup, orgs) are built in admin/cli.py
MESSAGES = messages.MESSAGES
# From council to plan (change requests to a project or the change board) and the privacy part of the gates.
CHECKS = planning.CHECKS
