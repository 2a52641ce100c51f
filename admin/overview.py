"""The leader's overview: every module's KPIs in one place."""
from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin import modules
from data.access import Actor
from data.appspec import Kpi
from data.formatting import number
from data.i18n import t
from data.registers.models import User
from data.registers.registry import register_counts

log = logging.getLogger(__name__)


def register_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    counts = register_counts(session)
    users = session.scalar(select(func.count()).select_from(User).where(User.active.is_(True)))
    return [
        Kpi(t("kpi.municipalities"), number(counts["municipalities"]), t("kpi.municipalities_help")),
        Kpi(t("kpi.county_municipalities"), number(counts["county_municipalities"])),
        Kpi(t("kpi.services"), number(counts["services"]), t("kpi.services_help")),
        Kpi(t("kpi.components"), number(counts["components"])),
        Kpi(t("kpi.active_users"), number(users)),
    ]


def overview(session: Session, actor: Actor) -> list[tuple[str, list[Kpi]]]:
    """(area heading, KPIs) for every module; a module whose KPIs fail is shown as unavailable."""
    blocks: dict[str, list[Kpi]] = {}
    for _module_name, provider in modules.kpi_providers():
        area = t(modules.area_key(provider))
        try:
            with session.begin_nested():
                blocks.setdefault(area, []).extend(provider(session, actor))
        except Exception:  # one broken module must not take the leader's overview down
            log.exception("KPI provider %s failed", provider)
            blocks.setdefault(area, []).append(Kpi(t("kpi.unavailable"), "–"))
    return list(blocks.items())
