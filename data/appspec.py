"""What each room hands the app shell: pages, overview KPIs, service facts, demo data and approvals.

A room's `__init__.py` declares PAGES, KPIS, SERVICE_FACTS and DEMO built from these types (and its
CLI and MESSAGES; APPROVALS when something of the room waits for the leader); `admin/modules.py`
collects them. Nothing here imports streamlit.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from data.access import Actor


@dataclass(frozen=True)
class PageSpec:
    path: str                      # file path from the project root, e.g. "admin/pages/users.py"
    title_key: str                 # translation key of the page title
    section_key: str               # translation key of the navigation section
    icon: str = ":material/article:"
    roles: frozenset[str] | None = None   # None: every signed-in user
    url_path: str | None = None

    def visible_to(self, actor: Actor) -> bool:
        return self.roles is None or bool(actor.roles & self.roles)


@dataclass(frozen=True)
class Kpi:
    label: str        # already translated
    value: str        # already formatted (Norwegian numbers)
    help: str = ""
    delta: str | None = None


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Approval:
    """One thing waiting for the leader's signature, as its room reports it to the approvals queue
    (admin/approvals.py): a room declares APPROVALS = [provider], provider(session, actor) -> list[Approval]."""

    kind: str                  # price_list, invoice_run, gate, scenario, ros, dpia, risk_acceptance, freeze_override
    title: str                 # already translated, names not codes
    asked_by: str              # username of whoever prepared or asked for it ("" when unknown)
    asked_at: datetime | date | None
    page: str                  # the page where it is decided, e.g. "risk/pages/assessments.py"
    query: tuple[tuple[str, str], ...] = ()   # query parameters that open the item on that page
    detail: str = ""           # already translated


KpiProvider = Callable[..., list[Kpi]]          # (session, actor) -> list[Kpi]
ApprovalProvider = Callable[..., list[Approval]]  # (session, actor) -> list[Approval]
FactProvider = Callable[..., list[Fact]]        # (session, service_code) -> list[Fact]
DemoLoader = Callable[..., None]                # (session, actor, rng) -> None
