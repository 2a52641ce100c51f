"""Reads of support: the ticket list, SQL aggregates for the statistics page and pricing's allocation key,
and the KPIs and service facts for the overview and the service sheet."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Fact, Kpi
from data.db import utcnow
from data.formatting import OSLO, number, start_of_day
from data.i18n import t
from data.registers.models import Organisation, Service
from data.support.models import OPEN_STATUSES, PRIORITY_RANK, SupportTicket
from data.textsearch import contains_folded


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def month_of(session: Session, column):
    """'YYYY-MM' of a UTC timestamp column, on SQLite and PostgreSQL."""
    if _dialect(session) == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def hours_between(session: Session, start, end):
    if _dialect(session) == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def default_period(today: date) -> tuple[date, date]:
    """The statistics' default period: from 335 days before the first of this month (about a year), to today."""
    return today.replace(day=1) - timedelta(days=335), today


def ticket_rows(session: Session, service_codes: tuple[str, ...] = (), statuses: tuple[str, ...] = (),
                search: str = "", start: date | None = None, end: date | None = None,
                security_only: bool = False, limit: int | None = 2000) -> list[dict]:
    query = (
        select(SupportTicket.id, SupportTicket.ticket_number, SupportTicket.subject, SupportTicket.status,
               SupportTicket.priority, SupportTicket.source, SupportTicket.ticket_type, SupportTicket.group_name,
               SupportTicket.agent, SupportTicket.opened_at, SupportTicket.resolved_at, SupportTicket.closed_at,
               SupportTicket.requester_organisation, SupportTicket.tags, Service.code.label("service"),
               Organisation.name.label("organisation"), SupportTicket.organisation_id,
               SupportTicket.security_incident, SupportTicket.security_note, SupportTicket.security_marked_by,
               SupportTicket.security_marked_at, SupportTicket.security_closed_at, SupportTicket.security_outcome,
               SupportTicket.version)
        .outerjoin(Service, Service.id == SupportTicket.service_id)
        .outerjoin(Organisation, Organisation.id == SupportTicket.organisation_id)
        .order_by(SupportTicket.opened_at.desc())
        .limit(limit)
    )
    if service_codes:
        query = query.where(Service.code.in_(service_codes))
    if statuses:
        query = query.where(SupportTicket.status.in_(statuses))
    if start:
        query = query.where(SupportTicket.opened_at >= start_of_day(start))
    if end:
        query = query.where(SupportTicket.opened_at < start_of_day(end + timedelta(days=1)))
    if security_only:
        query = query.where(SupportTicket.security_incident.is_(True))
    if search.strip():
        term = search.strip()
        conditions = [contains_folded(SupportTicket.subject, term), contains_folded(SupportTicket.tags, term),
                      contains_folded(SupportTicket.requester_organisation, term)]
        if search.strip().lstrip("#").isdigit():
            conditions.append(SupportTicket.ticket_number == int(search.strip().lstrip("#")))
        query = query.where(or_(*conditions))
    return [dict(r._mapping) for r in session.execute(query)]


def monthly_volume(session: Session, start: date, end: date, service_codes: tuple[str, ...] = ()) -> list[dict]:
    """Tickets opened per service and month in [start, end]: [{month, service, tickets}]."""
    month = month_of(session, SupportTicket.opened_at).label("month")
    service = func.coalesce(Service.code, literal("-")).label("service")
    query = (select(month, service, func.count().label("tickets"))
             .select_from(SupportTicket)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.opened_at >= start_of_day(start), SupportTicket.opened_at < start_of_day(end + timedelta(days=1)))
             .group_by(month, service).order_by(month, service))
    if service_codes:
        query = query.where(Service.code.in_(service_codes))
    return [dict(r._mapping) for r in session.execute(query)]


def backlog(session: Session, today: date | None = None) -> list[dict]:
    """Open tickets per service and priority, with the age of the oldest in days."""
    now = start_of_day(today) if today else utcnow()
    service = func.coalesce(Service.code, literal("-")).label("service")
    query = (select(service, SupportTicket.priority, func.count().label("tickets"),
                    func.min(SupportTicket.opened_at).label("oldest"))
             .select_from(SupportTicket)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.status.in_(OPEN_STATUSES))
             .group_by(service, SupportTicket.priority))
    rows = [dict(r._mapping) for r in session.execute(query)]
    for row in rows:
        oldest = row["oldest"]
        if isinstance(oldest, str):  # in case min() over SQLite text loses the type
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        row["oldest"] = oldest
        row["oldest_days"] = max(0, (now - oldest).days) if oldest else 0
    rows.sort(key=lambda r: (-PRIORITY_RANK.get(r["priority"], 0), r["service"]))
    return rows


def resolution_times(session: Session, start: date, end: date) -> list[dict]:
    """Per service: tickets resolved in the period, average hours to resolve, share within 1 and 3 days."""
    hours = hours_between(session, SupportTicket.opened_at, SupportTicket.resolved_at)
    service = func.coalesce(Service.code, literal("-")).label("service")
    query = (select(service, func.count().label("resolved"), func.avg(hours).label("avg_hours"),
                    func.sum(case((hours <= 24, 1), else_=0)).label("within_1_day"),
                    func.sum(case((hours <= 72, 1), else_=0)).label("within_3_days"))
             .select_from(SupportTicket)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.resolved_at.is_not(None),
                    SupportTicket.resolved_at >= start_of_day(start),
                    SupportTicket.resolved_at < start_of_day(end + timedelta(days=1)))
             .group_by(service).order_by(service))
    rows = []
    for r in session.execute(query):
        resolved = int(r.resolved)
        rows.append({"service": r.service, "resolved": resolved,
                     "avg_hours": round(float(r.avg_hours or 0), 1),
                     "within_1_day": (int(r.within_1_day or 0) / resolved) if resolved else 0.0,
                     "within_3_days": (int(r.within_3_days or 0) / resolved) if resolved else 0.0})
    return rows


def top_organisations(session: Session, start: date, end: date, limit: int = 15,
                      service_codes: tuple[str, ...] = ()) -> list[dict]:
    # Counted per organisation (by id: two municipalities are called Herøy), or per requester text when the
    # ticket names no registered organisation; the name is for display only.
    name = func.coalesce(Organisation.name, func.nullif(SupportTicket.requester_organisation, ""),
                         literal("-")).label("organisation")
    query = (select(SupportTicket.organisation_id, Organisation.org_number, name, func.count().label("tickets"),
                    func.sum(case((SupportTicket.status.in_(OPEN_STATUSES), 1), else_=0)).label("open"))
             .select_from(SupportTicket)
             .outerjoin(Organisation, Organisation.id == SupportTicket.organisation_id)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.opened_at >= start_of_day(start),
                    SupportTicket.opened_at < start_of_day(end + timedelta(days=1)))
             .group_by(SupportTicket.organisation_id, Organisation.org_number, name)
             .order_by(func.count().desc(), name, SupportTicket.organisation_id).limit(limit))
    if service_codes:
        query = query.where(Service.code.in_(service_codes))
    return [{"organisation_id": r.organisation_id, "org_number": r.org_number, "organisation": r.organisation,
             "tickets": int(r.tickets), "open": int(r.open or 0)}
            for r in session.execute(query)]


def ticket_share(session: Session, start: date, end: date) -> dict[str, int]:
    """Tickets opened per service code in [start, end] (pricing's allocation key)."""
    return {r["service"]: r["tickets"] for r in _volume_by_service(session, start, end)}


def _volume_by_service(session: Session, start: date, end: date) -> list[dict]:
    query = (select(Service.code.label("service"), func.count().label("tickets"))
             .select_from(SupportTicket).join(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.opened_at >= start_of_day(start),
                    SupportTicket.opened_at < start_of_day(end + timedelta(days=1)))
             .group_by(Service.code))
    return [{"service": r.service, "tickets": int(r.tickets)} for r in session.execute(query)]


# --- overview and service sheet -----------------------------------------------------------------


def support_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    today = datetime.now(OSLO).date()
    open_count = session.scalar(select(func.count()).select_from(SupportTicket)
                                .where(SupportTicket.status.in_(OPEN_STATUSES))) or 0
    last_30 = session.scalar(select(func.count()).select_from(SupportTicket)
                             .where(SupportTicket.opened_at >= start_of_day(today - timedelta(days=30)))) or 0
    previous_30 = session.scalar(select(func.count()).select_from(SupportTicket)
                                 .where(SupportTicket.opened_at >= start_of_day(today - timedelta(days=60)),
                                        SupportTicket.opened_at < start_of_day(today - timedelta(days=30)))) or 0
    hours = hours_between(session, SupportTicket.opened_at, SupportTicket.resolved_at)
    avg_hours = session.scalar(select(func.avg(hours)).where(
        SupportTicket.resolved_at.is_not(None), SupportTicket.resolved_at >= start_of_day(today - timedelta(days=90))))
    incidents = session.scalar(select(func.count()).select_from(SupportTicket).where(
        SupportTicket.security_incident.is_(True), SupportTicket.security_closed_at.is_(None))) or 0
    delta = None
    if previous_30:
        delta = number(last_30 - previous_30)
        delta = delta if last_30 < previous_30 else "+" + delta
    return [
        Kpi(t("sup.kpi.open"), number(open_count), t("sup.kpi.open_help")),
        Kpi(t("sup.kpi.last_30"), number(last_30), t("sup.kpi.last_30_help"), delta=delta),
        Kpi(t("sup.kpi.resolution"), t("sup.hours", hours=number(float(avg_hours or 0), 1)),
            t("sup.kpi.resolution_help")),
        Kpi(t("sup.kpi.incidents"), number(incidents), t("sup.kpi.incidents_help")),
    ]


def support_facts(session: Session, service_code: str) -> list[Fact]:
    today = datetime.now(OSLO).date()
    service_id = session.scalar(select(Service.id).where(Service.code == service_code))
    if service_id is None:
        return []
    base = select(func.count()).select_from(SupportTicket).where(SupportTicket.service_id == service_id)
    year = session.scalar(base.where(SupportTicket.opened_at >= start_of_day(today - timedelta(days=365)))) or 0
    open_now = session.scalar(base.where(SupportTicket.status.in_(OPEN_STATUSES))) or 0
    hours = hours_between(session, SupportTicket.opened_at, SupportTicket.resolved_at)
    avg_hours = session.scalar(select(func.avg(hours)).where(
        SupportTicket.service_id == service_id, SupportTicket.resolved_at.is_not(None),
        SupportTicket.resolved_at >= start_of_day(today - timedelta(days=365))))
    orgs = session.scalar(select(func.count(func.distinct(SupportTicket.organisation_id))).where(
        SupportTicket.service_id == service_id, SupportTicket.opened_at >= start_of_day(today - timedelta(days=365))))
    return [
        Fact(t("sup.fact.tickets_year"), number(year)),
        Fact(t("sup.fact.open"), number(open_now)),
        Fact(t("sup.fact.resolution"), t("sup.hours", hours=number(float(avg_hours or 0), 1))),
        Fact(t("sup.fact.organisations"), number(orgs or 0)),
    ]
