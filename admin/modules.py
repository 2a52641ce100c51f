"""The one place that knows every package: collects PAGES, KPIS, SERVICE_FACTS and DEMO."""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

from data.appspec import PageSpec

# Order of sections in the navigation and of blocks on the overview.
MODULE_NAMES = ("admin", "agreements", "pricing", "portfolio", "risk")


def modules() -> list[ModuleType]:
    found = []
    for name in MODULE_NAMES:
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def load_models() -> None:
    """Import every `models` module (and data's table modules) so Base.metadata knows all tables."""
    import data.audit  # noqa: F401
    import data.registers.registry  # noqa: F401
    import data.registers.users  # noqa: F401

    for name in ("data.metering.models", "data.support.tickets"):
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    for package_name in MODULE_NAMES:
        if importlib.util.find_spec(package_name) is None:
            continue
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if info.name.rsplit(".", 1)[-1].endswith("models") and ".pages" not in info.name:
                importlib.import_module(info.name)


def pages() -> list[PageSpec]:
    return [page for module in modules() for page in getattr(module, "PAGES", [])]


def kpi_providers():
    return [(module.__name__, provider) for module in modules() for provider in getattr(module, "KPIS", [])]


def fact_providers():
    return [(module.__name__, provider) for module in modules() for provider in getattr(module, "SERVICE_FACTS", [])]


# Demo data is loaded in dependency order: agreements before metering's usage (admin section), projects
# before change items that link to them, and pricing last, as it prices appendices and metered usage.
DEMO_ORDER = ("agreements", "portfolio", "risk", "admin", "pricing")


def demo_loaders():
    by_name = {module.__name__: module for module in modules()}
    return [loader for name in DEMO_ORDER if name in by_name for loader in getattr(by_name[name], "DEMO", [])]


# Headings on the overview and the service sheet: by the module a provider lives in (first match).
AREAS = (
    ("admin.overview", "module.admin"),
    ("data.support", "area.support"),
    ("admin.changeboard", "area.changeboard"),
    ("data.metering", "area.metering"),
    ("portfolio.digiorden", "area.digiorden"),
    ("agreements", "module.agreements"),
    ("pricing", "module.pricing"),
    ("portfolio", "area.portfolio"),
    ("risk", "module.risk"),
)


def area_key(provider) -> str:
    name = getattr(provider, "__module__", "") or ""
    for prefix, key in AREAS:
        if name == prefix or name.startswith(prefix):
            return key
    return f"module.{name.split('.')[0]}"
