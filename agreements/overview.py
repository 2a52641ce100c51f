"""What agreements tells the leader's overview (KPIS) and the service sheet (SERVICE_FACTS)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agreements.adoption import adoption_by_service, adoption_summary, adoption_trend
from agreements.agreements import main_agreement_counts, today
from agreements.appendices import appendix_counts, latest_version, must_resign
from agreements.change_requests import OPEN_STATUSES, open_by_priority
from agreements.councils import get_council, meeting_rows, member_rows
from agreements.models import ChangeRequest
from agreements.roadmap import upcoming
from data.access import Actor
from data.appspec import Fact, Kpi
from data.formatting import day, number, percent
from data.i18n import t
from data.registers.registry import get_service


def kpis(session: Session, _actor: Actor) -> list[Kpi]:
    summary = adoption_summary(session)
    counts = main_agreement_counts(session)
    in_force = sum(appendix_counts(session).values())
    open_requests = session.scalar(select(func.count()).select_from(ChangeRequest)
                                   .where(ChangeRequest.status.in_(OPEN_STATUSES)))
    year_ago = today() - timedelta(days=365)
    before = adoption_summary(session, year_ago)
    growth = summary["municipalities"] - before["municipalities"]
    return [
        Kpi(t("agr.kpi.municipalities"), f"{number(summary['municipalities'])} / "
            f"{number(summary['municipalities_total'])}", t("agr.kpi.municipalities_help"),
            delta=t("agr.kpi.delta_year", count=f"{growth:+d}")),
        Kpi(t("agr.kpi.population"), percent(summary["population_share"]), t("agr.kpi.population_help",
                                                                            population=number(summary["population"]))),
        Kpi(t("agr.kpi.main_signed"), number(counts.get("signed", 0)), t("agr.kpi.main_signed_help",
                                                                         none=number(counts.get("none", 0)))),
        Kpi(t("agr.kpi.appendices"), number(in_force), t("agr.kpi.appendices_help",
                                                         average=number(summary["services_per_municipality"], 1))),
        Kpi(t("agr.kpi.open_requests"), number(open_requests or 0)),
    ]


def service_facts(session: Session, service_code: str) -> list[Fact]:
    service = get_service(session, service_code)
    facts = []
    current = next((r for r in adoption_by_service(session, include_retired=True)
                    if r["service_code"] == service.code), None)
    if current is not None:
        facts.append(Fact(t("agr.fact.municipalities"), t("agr.fact.of_total", count=number(current["municipalities"]),
                                                          total=number(current["municipalities_total"]),
                                                          share=percent(current["municipality_share"]))))
        facts.append(Fact(t("agr.fact.county_municipalities"),
                          t("agr.fact.of_total", count=number(current["county_municipalities"]),
                            total=number(current["county_municipalities_total"]),
                            share=percent(current["county_municipality_share"]))))
        facts.append(Fact(t("agr.fact.population"), f"{number(current['population'])} "
                                                    f"({percent(current['population_share'])})"))
    now = today()
    days = [date(now.year - n, 12, 31) for n in (3, 2, 1)] + [now]
    trend = adoption_trend(session, service.code, days)
    if trend:
        facts.append(Fact(t("agr.fact.trend"), " → ".join(
            f"{day(p['day'])}: {number(p['municipalities'])}" for p in trend)))
    latest = latest_version(session, service.code)
    if latest is not None:
        facts.append(Fact(t("agr.fact.appendix_version"), t("agr.fact.appendix_version_value",
                                                            version=latest.version, date=day(latest.issued_on),
                                                            count=number(len(must_resign(session, service.code))))))
    if get_council(session, service.code) is not None:
        members = member_rows(session, service.code)
        facts.append(Fact(t("agr.fact.members", count=len(members)), "; ".join(
            f"{m['person_name']} ({m['organisation']}{', ' + t('agr.role.' + m['role']).lower() if m['role'] != 'member' else ''})"
            for m in members) or t("agr.fact.none")))
        meetings = meeting_rows(session, service.code)
        next_meeting = min((m["meeting_date"] for m in meetings if m["meeting_date"] >= now), default=None)
        if next_meeting:
            facts.append(Fact(t("agr.fact.next_meeting"), day(next_meeting)))
    by_priority = open_by_priority(session, service.code)
    facts.append(Fact(t("agr.fact.open_requests"), ", ".join(
        f"{t('agr.fact.priority', priority=p) if p is not None else t('agr.fact.unprioritised')}: {n}"
        for p, n in by_priority) or t("agr.fact.none")))
    items = upcoming(session, service.code)
    facts.append(Fact(t("agr.fact.roadmap"), "; ".join(
        f"{r['quarter_label']}: {r['title']} ({t('agr.rm_status.' + r['status']).lower()})" for r in items)
        or t("agr.fact.none")))
    return facts
