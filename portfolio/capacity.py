"""Capacity against demand by role and month, as SQL aggregates.

Rules (the README repeats them):
- A person counts for a month when employed on its first day (start date on or before the 1st, end
  date none or on/after the 1st).
- A person's capacity in a month is FTE x availability x the share of their time in each role, with
  the latest schedule change on or before the month replacing FTE and availability.
- Free capacity = capacity - background load (support, management of live services).
- Demand = open requests (no name yet) + allocations of named people, for projects not handed over.
- Shortage = demand above free capacity; utilisation = demand / free capacity.
All FTE arithmetic is in integer hundredths; the SQL sums are exact and rounded half-up once.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Fact, Kpi
from data.crud import get_or_raise
from data.formatting import day, number, percent
from data.i18n import t
from portfolio.models import (
    Allocation,
    BackgroundLoad,
    Demand,
    DeptRole,
    Person,
    PersonKind,
    PersonRole,
    Phase,
    Project,
    Scenario,
    ScheduleChange,
)
from portfolio.projects import phase_counts, phase_label, service_projects
from portfolio.schemas import add_months, fte_of, month_label, month_range, month_start, months_between
from portfolio.staffing import role_label


def months_subquery(months: list[date]):
    """The months as a derived table (a UNION of literals works on SQLite and PostgreSQL alike)."""
    return union_all(*[select(literal(m, Date).label("month")) for m in months]).subquery("months")


def _employed(months_col):
    return and_(Person.start_date <= months_col, or_(Person.end_date.is_(None), Person.end_date >= months_col))


def _hundredths(micro) -> int:
    """fte_pct x availability_pct x share_pct (millionths of an FTE) -> hundredths, half-up."""
    return (int(micro or 0) + 5000) // 10000


@dataclass
class CapacityGrid:
    """Everything per (role code, month) in hundredths of an FTE."""

    months: list[date]
    roles: list[tuple[str, str]]                 # (code, label) in the department's order
    capacity: dict[tuple[str, date], int]
    consultant: dict[tuple[str, date], int]
    background: dict[tuple[str, date], int]

    def free(self, role: str, month: date) -> int:
        return self.capacity.get((role, month), 0) - self.background.get((role, month), 0)


def schedule_periods():
    """Each person's working periods: the base FTE and availability until the first schedule change, then
    each change until the next one (`until` is exclusive, NULL = open). A join on this replaces a
    correlated look-up per person and month."""
    first_change = (select(func.min(ScheduleChange.effective_from)).where(ScheduleChange.person_id == Person.id)
                    .correlate(Person).scalar_subquery())
    base = select(Person.id.label("person_id"), literal(date(1900, 1, 1), Date).label("valid_from"),
                  first_change.label("until"), Person.fte_pct.label("fte_pct"),
                  Person.availability_pct.label("availability_pct"))
    changes = select(ScheduleChange.person_id, ScheduleChange.effective_from,
                     func.lead(ScheduleChange.effective_from).over(partition_by=ScheduleChange.person_id,
                                                                   order_by=ScheduleChange.effective_from),
                     ScheduleChange.fte_pct, ScheduleChange.availability_pct)
    return union_all(base, changes).subquery("periods")


def _in_period(periods, months_col):
    return and_(periods.c.person_id == Person.id, periods.c.valid_from <= months_col,
                or_(periods.c.until.is_(None), periods.c.until > months_col))


def capacity_grid(session: Session, months: list[date]) -> CapacityGrid:
    m = months_subquery(months)
    periods = schedule_periods()
    product = periods.c.fte_pct * periods.c.availability_pct * PersonRole.share_pct
    query = (
        select(DeptRole.code, m.c.month, func.sum(product),
               func.sum(case((Person.kind == PersonKind.CONSULTANT.value, product), else_=0)))
        .select_from(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .join(DeptRole, DeptRole.id == PersonRole.role_id).join(m, _employed(m.c.month))
        .join(periods, _in_period(periods, m.c.month))
        .group_by(DeptRole.code, m.c.month)
    )
    capacity, consultant = {}, {}
    for code, month, total, hired in session.execute(query):
        capacity[(code, month)] = _hundredths(total)
        consultant[(code, month)] = _hundredths(hired)
    load = (
        select(DeptRole.code, m.c.month, func.sum(BackgroundLoad.fte_pct))
        .select_from(BackgroundLoad).join(DeptRole, DeptRole.id == BackgroundLoad.role_id)
        .join(m, and_(BackgroundLoad.start_month <= m.c.month,
                      or_(BackgroundLoad.end_month.is_(None), BackgroundLoad.end_month >= m.c.month)))
        .group_by(DeptRole.code, m.c.month)
    )
    background = {(code, month): int(pct) for code, month, pct in session.execute(load)}
    roles = [(r.code, role_label(r.code, r.name))
             for r in session.scalars(select(DeptRole).order_by(DeptRole.sort_order, DeptRole.name))]
    return CapacityGrid(months, roles, capacity, consultant, background)


def project_needs(session: Session) -> dict[int, dict[tuple[str, date], list[int]]]:
    """Per active project: (role, month) -> [open demand, allocated] in hundredths (two GROUP BYs)."""
    needs: dict[int, dict[tuple[str, date], list[int]]] = {}
    active = Project.phase != Phase.HANDED_OVER.value
    for model, slot in ((Demand, 0), (Allocation, 1)):
        query = (select(model.project_id, DeptRole.code, model.month, func.sum(model.fte_pct))
                 .join(DeptRole, DeptRole.id == model.role_id).join(Project, Project.id == model.project_id)
                 .where(active).group_by(model.project_id, DeptRole.code, model.month))
        for project_id, code, month, pct in session.execute(query):
            cell = needs.setdefault(project_id, {}).setdefault((code, month), [0, 0])
            cell[slot] += int(pct)
    return needs


def shifted(needs: dict[tuple[str, date], list[int]], shift: int) -> dict[tuple[str, date], list[int]]:
    if not shift:
        return needs
    return {(role, add_months(month, shift)): value for (role, month), value in needs.items()}


def scenario_shifts(session: Session, scenario_id: int) -> tuple[dict[int, int], str]:
    scenario = get_or_raise(session, Scenario, scenario_id, "pf.scenario.not_found", name=scenario_id)
    starts = dict(session.execute(select(Project.id, Project.start_date)).all())
    return ({row.project_id: months_between(starts[row.project_id], row.start_date)
             for row in scenario.rows if row.project_id in starts}, scenario.name)


def capacity_table(session: Session, first: date, last: date, scenario_id: int | None = None) -> list[dict]:
    """One row per role and month: capacity, background load, free, demand (open + allocated),
    balance, shortage, utilisation and consultants. With a scenario, demand follows its dates."""
    months = month_range(first, last)
    grid = capacity_grid(session, months)
    shifts = scenario_shifts(session, scenario_id)[0] if scenario_id else {}
    demand: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for project_id, needs in project_needs(session).items():
        for key, (open_pct, allocated_pct) in shifted(needs, shifts.get(project_id, 0)).items():
            demand[key][0] += open_pct
            demand[key][1] += allocated_pct
    rows = []
    for code, label in grid.roles:
        for month in months:
            key = (code, month)
            capacity, background = grid.capacity.get(key, 0), grid.background.get(key, 0)
            free = capacity - background
            open_pct, allocated_pct = demand.get(key, (0, 0))
            total = open_pct + allocated_pct
            if not (capacity or background or total):
                continue
            rows.append(dict(
                role_code=code, role=label, month=month, capacity=fte_of(capacity), background=fte_of(background),
                free=fte_of(free), allocated=fte_of(allocated_pct), open=fte_of(open_pct), demand=fte_of(total),
                balance=fte_of(free - total), shortage=fte_of(max(0, total - free)),
                utilisation=(Decimal(total) / Decimal(free)).quantize(Decimal("0.001")) if free > 0 else None,
                consultant=fte_of(grid.consultant.get(key, 0)),
            ))
    return rows


def over_allocations(session: Session, first: date, last: date) -> list[dict]:
    """People allocated above their available time: who, which months, how much over."""
    m = months_subquery(month_range(first, last))
    allocated = (select(Allocation.person_id.label("person_id"), Allocation.month.label("month"),
                        func.sum(Allocation.fte_pct).label("pct"))
                 .join(Project, Project.id == Allocation.project_id)
                 .where(Project.phase != Phase.HANDED_OVER.value, Allocation.month >= month_start(first),
                        Allocation.month <= month_start(last))
                 .group_by(Allocation.person_id, Allocation.month).subquery())
    periods = schedule_periods()
    query = (
        select(Person.id, Person.name, Person.kind, m.c.month, allocated.c.pct,
               periods.c.fte_pct * periods.c.availability_pct, case((_employed(m.c.month), 1), else_=0))
        .select_from(allocated).join(Person, Person.id == allocated.c.person_id)
        .join(m, m.c.month == allocated.c.month).join(periods, _in_period(periods, m.c.month))
        .order_by(Person.name, m.c.month)
    )
    flagged = []
    for person_id, name, kind, month, pct, product, employed in session.execute(query):
        available = (int(product or 0) + 50) // 100 if employed else 0
        if int(pct) > available:
            flagged.append(dict(person_id=person_id, name=name, kind=kind, month=month, allocated=int(pct),
                                available=available, over=int(pct) - available))
    return _ranges(flagged, key=lambda r: r["person_id"], value="over",
                   build=lambda first_row, last_row, peak, rows: dict(
                       person=first_row["name"], kind=first_row["kind"],
                       months=_span(first_row["month"], last_row["month"]), month_count=len(rows),
                       over=fte_of(peak), allocated=fte_of(max(r["allocated"] for r in rows)),
                       available=fte_of(min(r["available"] for r in rows)),
                       reason=t("pf.flag.over_reason", name=first_row["name"],
                                months=_span(first_row["month"], last_row["month"]),
                                allocated=number(fte_of(max(r["allocated"] for r in rows)), 2),
                                available=number(fte_of(min(r["available"] for r in rows)), 2))))


def unstaffed_demand(session: Session, first: date, last: date) -> list[dict]:
    """Open demand nobody is named for, per project and role, merged into runs of months, with the
    reason: the role has free capacity (name someone) or the role is short in those months."""
    months = month_range(first, last)
    table = {(r["role_code"], r["month"]): r for r in capacity_table(session, first, last)}
    query = (select(Project.id, Project.name, DeptRole.code, DeptRole.name, Demand.month, Demand.fte_pct)
             .join(Project, Project.id == Demand.project_id).join(DeptRole, DeptRole.id == Demand.role_id)
             .where(Project.phase != Phase.HANDED_OVER.value, Demand.month >= months[0], Demand.month <= months[-1])
             .order_by(Project.priority, DeptRole.sort_order, Demand.month))
    rows = []
    for project_id, project, code, role_name, month, pct in session.execute(query):
        cell = table.get((code, month))
        short = cell is not None and cell["shortage"] > 0
        rows.append(dict(project_id=project_id, project=project, role_code=code, role=role_label(code, role_name),
                         month=month, pct=pct, short=short))
    return _ranges(rows, key=lambda r: (r["project_id"], r["role_code"], r["short"]), value="pct",
                   build=lambda first_row, last_row, peak, group: dict(
                       project=first_row["project"], role=first_row["role"],
                       months=_span(first_row["month"], last_row["month"]), month_count=len(group),
                       fte=fte_of(peak), fte_months=fte_of(sum(r["pct"] for r in group)),
                       reason=t("pf.flag.unstaffed_short" if first_row["short"] else "pf.flag.unstaffed_free",
                                role=first_row["role"])))


def _span(first: date, last: date) -> str:
    return month_label(first) if first == last else f"{month_label(first)}–{month_label(last)}"


def _ranges(rows: list[dict], key, value: str, build) -> list[dict]:
    """Merge rows with the same key in consecutive months into one row per run."""
    out, run = [], []
    for row in rows:
        if run and key(run[-1]) == key(row) and add_months(run[-1]["month"], 1) == row["month"]:
            run.append(row)
            continue
        if run:
            out.append(build(run[0], run[-1], max(r[value] for r in run), run))
        run = [row]
    if run:
        out.append(build(run[0], run[-1], max(r[value] for r in run), run))
    return out


def consultant_share(session: Session, first: date, last: date) -> dict[str, Decimal | None]:
    """Share of capacity, and of named project work, that is hired consultants."""
    grid = capacity_grid(session, month_range(first, last))
    total, hired = sum(grid.capacity.values()), sum(grid.consultant.values())
    allocated = session.execute(
        select(func.sum(Allocation.fte_pct),
               func.sum(case((Person.kind == PersonKind.CONSULTANT.value, Allocation.fte_pct), else_=0)))
        .join(Person, Person.id == Allocation.person_id).join(Project, Project.id == Allocation.project_id)
        .where(Project.phase != Phase.HANDED_OVER.value, Allocation.month >= month_start(first),
               Allocation.month <= month_start(last))).one()
    work, work_hired = int(allocated[0] or 0), int(allocated[1] or 0)
    return {
        "capacity": (Decimal(hired) / total).quantize(Decimal("0.001")) if total else None,
        "work": (Decimal(work_hired) / work).quantize(Decimal("0.001")) if work else None,
        "consultant_fte": fte_of(round(hired / len(grid.months))) if grid.months else Decimal(0),
    }


def shortage_summary(rows: list[dict]) -> list[dict]:
    """Per role: FTE-months short, peak month short, months short (from `capacity_table` rows)."""
    by_role: dict[str, dict] = {}
    for row in rows:
        entry = by_role.setdefault(row["role"], dict(role=row["role"], fte_months=Decimal(0), peak=Decimal(0),
                                                      months=0))
        if row["shortage"] > 0:
            entry["fte_months"] += row["shortage"]
            entry["peak"] = max(entry["peak"], row["shortage"])
            entry["months"] += 1
    return [e for e in by_role.values() if e["months"]]


def portfolio_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    counts = phase_counts(session)
    first = month_start(date.today())
    last = add_months(first, 5)
    rows = capacity_table(session, first, last)
    short = sum((r["shortage"] for r in rows), Decimal(0)) / 6
    share = consultant_share(session, first, last)
    per_phase = ", ".join(f"{phase_label(p)} {n}" for p, n in counts.items() if n)
    return [
        Kpi(t("pf.kpi.active_projects"), number(sum(n for p, n in counts.items() if p != Phase.HANDED_OVER)),
            per_phase or t("pf.kpi.no_projects")),
        Kpi(t("pf.kpi.shortage"), f"{number(short, 1)} {t('pf.unit.fte')}", t("pf.kpi.shortage_help")),
        Kpi(t("pf.kpi.consultant_share"), percent(share["capacity"]) if share["capacity"] is not None else "–",
            t("pf.kpi.consultant_share_help")),
    ]


def service_facts(session: Session, service_code: str):
    return [Fact(t("pf.fact.project", name=p["name"]),
                 t("pf.fact.project_value", phase=phase_label(p["phase"]), end=day(p["end_date"])))
            for p in service_projects(session, service_code)]
