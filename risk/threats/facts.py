"""Overview KPIs and service-sheet facts for threat models and NSM maturity (issue 8)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Fact, Kpi
from data.formatting import number
from data.i18n import t
from data.registers.models import Service
from risk import nsm
from risk.threats.modelling import threat_counts
from risk.threats.models import Threat, ThreatModel


def _signed(value: float) -> str:
    text = number(abs(value), 1)
    return ("+" if value >= 0 else "−") + text


def nsm_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    """NSM maturity by category (latest assessment), with the change since the one before."""
    latest, previous = nsm.latest_two(session)
    if latest is None:
        return [Kpi(t("nsm.kpi.none"), "–", t("nsm.kpi.none_help"))]
    now = nsm.category_averages(session, latest)
    before = nsm.category_averages(session, previous) if previous else {}
    out = []
    for category in nsm.categories():
        value = now.get(category.id)
        old = before.get(category.id)
        delta = _signed(value - old) if value is not None and old is not None else None
        out.append(Kpi(t("nsm.kpi.category", id=category.id, title=category.title),
                       t("nsm.kpi.value", value=number(value, 1)) if value is not None else "–",
                       t("nsm.kpi.help"), delta))
    return out


def threat_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    counts = threat_counts(session)
    models = session.scalar(select(func.count(ThreatModel.id))) or 0
    linked = session.scalar(select(func.count(Threat.id)).where(Threat.ros_risk_id.is_not(None))) or 0
    return [Kpi(t("threat.kpi.models"), number(models), t("threat.kpi.models_help")),
            Kpi(t("threat.kpi.open"), number(counts.get("open", 0)), t("threat.kpi.open_help")),
            Kpi(t("threat.kpi.in_ros"), number(linked))]


def threat_facts(session: Session, service_code: str) -> list[Fact]:
    service = session.scalar(select(Service).where(Service.code == service_code))
    if service is None:
        return []
    model = session.scalar(select(ThreatModel).where(ThreatModel.service_id == service.id))
    if model is None:
        return [Fact(t("threat.fact.model"), t("threat.fact.no_model"))]
    counts = threat_counts(session, service_code)
    decided = counts["total"] - counts.get("open", 0)
    return [Fact(t("threat.fact.model"), model.title),
            Fact(t("threat.fact.threats"), t("threat.fact.threats_value", total=counts["total"],
                                              open=counts.get("open", 0), decided=decided))]
