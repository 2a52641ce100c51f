"""Adoption (utbredelse): who uses which service, share of municipalities and of the population,
by county and over time. Every figure is one SQL aggregate, not a loop over rows."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, and_, distinct, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from agreements.agreements import today
from agreements.appendices import in_force_on
from agreements.models import MainAgreement, ServiceAppendix
from data.registers.models import County, Organisation, OrganisationKind, Service, ServiceStatus
from data.registers.registry import get_service

MUNICIPALITY = OrganisationKind.MUNICIPALITY.value
COUNTY_MUNICIPALITY = OrganisationKind.COUNTY_MUNICIPALITY.value
KINDS = (MUNICIPALITY, COUNTY_MUNICIPALITY)
FAR_FUTURE = date(9999, 12, 31)


def valid_on(on_date: date):
    return and_(or_(Organisation.valid_from.is_(None), Organisation.valid_from <= on_date),
                or_(Organisation.valid_to.is_(None), Organisation.valid_to >= on_date))


def _share(part, whole) -> float:
    return float(part) / float(whole) if whole else 0.0


def totals(session: Session, on_date: date | None = None) -> dict[str, dict[str, int]]:
    """Organisations and population per kind that exist on the day (the denominators)."""
    on = on_date or today()
    query = (select(Organisation.kind, func.count(Organisation.id), func.coalesce(func.sum(Organisation.population), 0))
             .where(Organisation.kind.in_(KINDS), valid_on(on)).group_by(Organisation.kind))
    out = {kind: {"count": 0, "population": 0} for kind in KINDS}
    for kind, count, population in session.execute(query):
        out[kind] = {"count": count, "population": int(population)}
    return out


def adoption_by_service(session: Session, on_date: date | None = None, include_retired: bool = False) -> list[dict]:
    """Per service: municipalities and county municipalities with an appendix in force, their share,
    and the population of adopting municipalities."""
    on = on_date or today()
    base = totals(session, on)
    adopted = (
        select(ServiceAppendix.service_id, Organisation.kind,
               func.count(distinct(Organisation.id)).label("organisations"),
               func.coalesce(func.sum(Organisation.population), 0).label("population"))
        .join(Organisation, Organisation.id == ServiceAppendix.organisation_id)
        .where(in_force_on(on), Organisation.kind.in_(KINDS), valid_on(on))
        .group_by(ServiceAppendix.service_id, Organisation.kind)
    )
    figures: dict[int, dict] = {}
    for service_id, kind, organisations, population in session.execute(adopted):
        figures.setdefault(service_id, {})[kind] = (organisations, int(population))
    services = select(Service.id, Service.code, Service.name, Service.status).order_by(Service.name)
    if not include_retired:
        services = services.where(Service.status != ServiceStatus.RETIRED.value)
    rows = []
    for service_id, code, name, status in session.execute(services):
        per_kind = figures.get(service_id, {})
        municipalities, population = per_kind.get(MUNICIPALITY, (0, 0))
        counties, _ = per_kind.get(COUNTY_MUNICIPALITY, (0, 0))
        rows.append({
            "service_code": code, "service": name, "status": status,
            "municipalities": municipalities,
            "municipality_share": _share(municipalities, base[MUNICIPALITY]["count"]),
            "county_municipalities": counties,
            "county_municipality_share": _share(counties, base[COUNTY_MUNICIPALITY]["count"]),
            "population": population,
            "population_share": _share(population, base[MUNICIPALITY]["population"]),
            "municipalities_total": base[MUNICIPALITY]["count"],
            "county_municipalities_total": base[COUNTY_MUNICIPALITY]["count"],
        })
    return rows


def adoption_by_county(session: Session, service_code: str, on_date: date | None = None) -> list[dict]:
    """Per county: municipalities with the service, their share and the population covered, and
    whether the county municipality itself uses it."""
    on = on_date or today()
    service = get_service(session, service_code)
    adopters = (select(ServiceAppendix.organisation_id)
                .where(ServiceAppendix.service_id == service.id, in_force_on(on)).distinct().subquery())
    is_adopter = adopters.c.organisation_id.is_not(None)
    query = (
        select(County.number, County.name,
               func.count(Organisation.id).filter(Organisation.kind == MUNICIPALITY).label("municipalities_total"),
               func.count(Organisation.id).filter(Organisation.kind == MUNICIPALITY, is_adopter)
               .label("municipalities"),
               func.coalesce(func.sum(Organisation.population).filter(Organisation.kind == MUNICIPALITY), 0)
               .label("population_total"),
               func.coalesce(func.sum(Organisation.population).filter(Organisation.kind == MUNICIPALITY, is_adopter),
                             0).label("population"),
               func.count(Organisation.id).filter(Organisation.kind == COUNTY_MUNICIPALITY, is_adopter)
               .label("county_municipality"))
        .join(Organisation, Organisation.county_number == County.number)
        .outerjoin(adopters, adopters.c.organisation_id == Organisation.id)
        .where(Organisation.kind.in_(KINDS), valid_on(on))
        .group_by(County.number, County.name)
        .order_by(County.number)
    )
    rows = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row["population"] = int(row["population"])
        row["population_total"] = int(row["population_total"])
        row["municipality_share"] = _share(row["municipalities"], row["municipalities_total"])
        row["population_share"] = _share(row["population"], row["population_total"])
        row["county_municipality"] = bool(row["county_municipality"])
        rows.append(row)
    return rows


def quarter_ends(first: date, last: date) -> list[date]:
    """The last day of every quarter from `first`'s quarter up to `last` (and `last` itself)."""
    days = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while True:
        next_start = date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1)
        end = next_start - timedelta(days=1)
        if end >= last:
            break
        days.append(end)
        year, quarter = next_start.year, (next_start.month - 1) // 3 + 1
    days.append(last)
    return days


def adoption_trend(session: Session, service_code: str | None = None, days: list[date] | None = None,
                   ) -> list[dict]:
    """Adopting municipalities, county municipalities and covered population per service on each day
    (default: every quarter end since the first appendix). One query over a calendar of days."""
    if days is None:
        first = session.scalar(select(func.min(ServiceAppendix.start_date)))
        if first is None:
            return []
        days = quarter_ends(first, today())
    if not days:
        return []
    calendar = union_all(*[select(literal(d, Date).label("day")) for d in days]).subquery("calendar")
    query = (
        select(calendar.c.day, Service.code, Service.name, Organisation.kind,
               func.count(distinct(Organisation.id)).label("organisations"),
               func.coalesce(func.sum(Organisation.population), 0).label("population"))
        .select_from(calendar)
        .join(ServiceAppendix, and_(ServiceAppendix.start_date <= calendar.c.day,
                                    func.coalesce(ServiceAppendix.end_date, FAR_FUTURE) >= calendar.c.day,
                                    ServiceAppendix.status.in_(("signed", "terminated"))))
        .join(Organisation, Organisation.id == ServiceAppendix.organisation_id)
        .join(Service, Service.id == ServiceAppendix.service_id)
        .where(Organisation.kind.in_(KINDS))
        .group_by(calendar.c.day, Service.code, Service.name, Organisation.kind)
    )
    if service_code:
        query = query.where(Service.code == service_code)
    points: dict[tuple, dict] = {}
    for r in session.execute(query):
        on = r.day if isinstance(r.day, date) else date.fromisoformat(str(r.day))
        point = points.setdefault((on, r.code), {"day": on, "service_code": r.code, "service": r.name,
                                                 "municipalities": 0, "county_municipalities": 0,
                                                 "population": 0})
        if r.kind == MUNICIPALITY:
            point["municipalities"] = r.organisations
            point["population"] = int(r.population)
        else:
            point["county_municipalities"] = r.organisations
    if service_code:  # days without any adopter still belong on the chart
        name = get_service(session, service_code).name
        for on in days:
            points.setdefault((on, service_code), {"day": on, "service_code": service_code, "service": name,
                                                   "municipalities": 0, "county_municipalities": 0,
                                                   "population": 0})
    return sorted(points.values(), key=lambda p: (p["service_code"], p["day"]))


def non_adopters(session: Session, service_code: str, on_date: date | None = None,
                 kinds: tuple[str, ...] = KINDS) -> list[dict]:
    """Current municipalities and county municipalities without an appendix in force for the service,
    largest first, with whether they have a signed main agreement."""
    on = on_date or today()
    service = get_service(session, service_code)
    users = select(ServiceAppendix.organisation_id).where(ServiceAppendix.service_id == service.id, in_force_on(on))
    query = (
        select(Organisation.id, Organisation.org_number, Organisation.name, Organisation.kind,
               County.name.label("county"), Organisation.population, Organisation.contact_email,
               func.coalesce(MainAgreement.status, "none").label("main_status"))
        .outerjoin(County, County.number == Organisation.county_number)
        .outerjoin(MainAgreement, MainAgreement.organisation_id == Organisation.id)
        .where(Organisation.kind.in_(kinds), valid_on(on), Organisation.id.not_in(users))
        .order_by(Organisation.population.desc().nulls_last(), Organisation.name)
    )
    return [dict(r._mapping) for r in session.execute(query)]


def adoption_summary(session: Session, on_date: date | None = None) -> dict:
    """For the leader's overview: municipalities using at least one service and the population covered."""
    on = on_date or today()
    base = totals(session, on)
    any_service = select(ServiceAppendix.organisation_id).where(in_force_on(on))
    row = session.execute(
        select(func.count(Organisation.id), func.coalesce(func.sum(Organisation.population), 0))
        .where(Organisation.kind == MUNICIPALITY, valid_on(on), Organisation.id.in_(any_service))
    ).one()
    per_org = (select(ServiceAppendix.organisation_id, func.count(distinct(ServiceAppendix.service_id)).label("n"))
               .join(Organisation, Organisation.id == ServiceAppendix.organisation_id)
               .where(in_force_on(on), Organisation.kind == MUNICIPALITY, valid_on(on))
               .group_by(ServiceAppendix.organisation_id).subquery())
    average = session.scalar(select(func.avg(per_org.c.n)))
    return {
        "municipalities": row[0], "municipalities_total": base[MUNICIPALITY]["count"],
        "municipality_share": _share(row[0], base[MUNICIPALITY]["count"]),
        "population": int(row[1]), "population_share": _share(row[1], base[MUNICIPALITY]["population"]),
        "services_per_municipality": float(average or 0),
    }


def own_assessments_by_service(session: Session, on_date: date | None = None) -> dict[str, dict[str, int]]:
    """Per service code: organisations with an appendix in force (`adopters`) and how many of them have
    reported their own ROS (`ros`) and DPIA (`dpia`) for the service completed, on any of their appendices
    for it (the day is kept on the appendix; agreements/processing.py records it). One aggregate query."""
    on = on_date or today()
    users = (select(ServiceAppendix.service_id, ServiceAppendix.organisation_id)
             .where(in_force_on(on)).distinct().subquery())
    own = (select(ServiceAppendix.service_id, ServiceAppendix.organisation_id,
                  func.max(ServiceAppendix.own_ros_on).label("ros"), func.max(ServiceAppendix.own_dpia_on).label("dpia"))
           .group_by(ServiceAppendix.service_id, ServiceAppendix.organisation_id).subquery())
    query = (
        select(Service.code, func.count(users.c.organisation_id),
               func.count(own.c.ros), func.count(own.c.dpia))
        .join(users, users.c.service_id == Service.id)
        .join(own, and_(own.c.service_id == users.c.service_id, own.c.organisation_id == users.c.organisation_id))
        .group_by(Service.code)
    )
    return {code: {"adopters": int(n), "ros": int(ros), "dpia": int(dpia)}
            for code, n, ros, dpia in session.execute(query)}
