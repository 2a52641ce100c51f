"""The service sheet: what every module knows about one service, for a product owner's council meeting."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from admin import modules
from data.appspec import Fact
from data.i18n import t
from data.registers.models import User
from data.registers.registry import get_service

log = logging.getLogger(__name__)


@dataclass
class ServiceSheet:
    code: str
    name: str
    description: str
    sections: list[tuple[str, list[Fact]]]


def build_sheet(session: Session, service_code: str) -> ServiceSheet:
    service = get_service(session, service_code)
    owner = session.get(User, service.product_owner_id) if service.product_owner_id else None
    basics = [
        Fact(t("sheet.status"), t(f"service.status.{service.status}")),
        Fact(t("sheet.established"), str(service.established_year or "–")),
        Fact(t("sheet.product_owner"), (owner.full_name or owner.username) if owner else "–"),
        Fact(t("sheet.components"), ", ".join(sorted(c.name for c in service.components)) or "–"),
    ]
    sections = [(t("module.registers"), basics)]
    by_area: dict[str, list[Fact]] = {}
    for module_name, provider in modules.fact_providers():
        try:
            with session.begin_nested():
                facts = provider(session, service_code)
        except Exception:  # one broken module must not take the sheet down
            log.exception("service facts from %s failed", module_name)
            facts = [Fact(t("sheet.unavailable"), "–")]
        if facts:
            by_area.setdefault(t(modules.area_key(provider)), []).extend(facts)
    sections += list(by_area.items())
    return ServiceSheet(service.code, service.name, service.description, sections)
