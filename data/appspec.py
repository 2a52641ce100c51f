"""What each room hands the app shell: pages, overview KPIs, service facts and demo data.

A room's `__init__.py` declares PAGES, KPIS, SERVICE_FACTS and DEMO built from these types (and its
CLI and MESSAGES); `admin/modules.py` collects them. Nothing here imports streamlit.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


KpiProvider = Callable[..., list[Kpi]]          # (session, actor) -> list[Kpi]
FactProvider = Callable[..., list[Fact]]        # (session, service_code) -> list[Fact]
DemoLoader = Callable[..., None]                # (session, actor, rng) -> None
