"""The one place that knows every room: the list `data.bootstrap.install(ROOMS)` wires, and what the
app shell collects from the rooms' declarations (pages, overview KPIs, service facts, demo loaders)."""
from __future__ import annotations

from types import ModuleType

import admin
import agreements
import portfolio
import pricing
import risk
from admin import changeboard
from admin.changeboard import models as changeboard_models
from agreements import models as agreements_models
from data import audit, metering, support
from data.appspec import PageSpec
from data.db import Base
from data.metering import models as metering_models
from data.registers import models as registers_models
from data.support import models as support_models
from portfolio import digiorden
from portfolio import models as portfolio_models
from portfolio.digiorden import models as digiorden_models
from pricing import invoicing
from pricing import models as pricing_models
from pricing.invoicing import models as invoicing_models
from risk import models as risk_models
from risk import privacy, suppliers, threats
from risk.privacy import models as privacy_models
from risk.suppliers import models as suppliers_models
from risk.threats import models as threats_models

# Every room, in the order of the sections in the navigation (and of the commands in `backoffice --help`).
ROOMS: tuple[ModuleType, ...] = (admin, changeboard, support, metering, agreements, pricing, invoicing, portfolio,
                                 digiorden, risk, threats, privacy, suppliers)

# The overview's blocks and the service sheet's sections: support's before the change board's.
REPORT_ORDER: tuple[ModuleType, ...] = (admin, support, changeboard, metering, agreements, pricing, invoicing,
                                        portfolio, digiorden, risk, threats, privacy, suppliers)

# Demo data is loaded in dependency order: agreements before metering's usage, projects before change
# items that link to them, and pricing last, as it prices appendices and metered usage.
DEMO_ORDER: tuple[ModuleType, ...] = (agreements, portfolio, digiorden, risk, threats, suppliers, support, privacy,
                                      changeboard, metering, pricing, invoicing, admin)   # admin last: it links what the others made

# Every module that defines tables, so that Base.metadata knows them all (Alembic, the test databases).
MODELS: tuple[ModuleType, ...] = (audit, registers_models, support_models, metering_models, changeboard_models,
                                  agreements_models, pricing_models, invoicing_models, portfolio_models,
                                  digiorden_models, risk_models, threats_models, privacy_models, suppliers_models)


def load_models():
    """Base.metadata with every table of every room (the modules in MODELS are imported above)."""
    return Base.metadata


def pages() -> list[PageSpec]:
    return [page for room in ROOMS for page in room.PAGES]


def kpi_providers():
    return [(room.__name__, provider) for room in REPORT_ORDER for provider in room.KPIS]


def approval_providers():
    """Each room's APPROVALS (what waits for the leader's signature), in report order; a room without
    anything to sign declares none."""
    return [(room.__name__, provider) for room in REPORT_ORDER for provider in getattr(room, "APPROVALS", ())]


def fact_providers():
    return [(room.__name__, provider) for room in REPORT_ORDER for provider in room.SERVICE_FACTS]


def demo_loaders():
    return [loader for room in DEMO_ORDER for loader in room.DEMO]


def cli_registrations():
    """Each room's `register(subparsers)` for `backoffice`, in room order."""
    return [room.CLI for room in ROOMS if room.CLI is not None]


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
