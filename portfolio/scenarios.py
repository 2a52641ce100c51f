"""What-if scenarios, the scheduler, comparisons and immutable baselines.

A scenario is a named copy of the active projects' priorities and dates. Editing it never touches
the live plan; a leader applies it (priorities, dates and the project's demand and allocations move
with it) or it is discarded.

Scheduling: projects take free capacity (capacity less background load) in priority order, by role
and month. A project whose needs do not fit at its planned dates is delayed, as a whole, to the
first month from which all its needs fit; the result says which projects slipped, by how many
months, and which roles were short where they should have started. Needs in months before the
horizon are history and are not rescheduled. A project that does not fit within the horizon plus
`EXTRA_MONTHS` is reported as not placed and takes no capacity.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from data.access import Actor
from data.crud import for_edit, get_or_raise, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, ConflictError, NotFound, validate
from data.i18n import t
from data.locking import refusing_duplicates, unique_key
from data.textsearch import equals_folded
from portfolio.capacity import capacity_grid, project_needs, shifted
from portfolio.models import (
    Allocation,
    Baseline,
    BaselineCapacity,
    BaselineNeed,
    BaselineProject,
    Demand,
    Project,
    Scenario,
    ScenarioProject,
    ScenarioStatus,
)
from portfolio.projects import active_projects
from portfolio.schemas import (
    BaselineIn,
    ScenarioIn,
    ScenarioRowIn,
    add_months,
    fte_of,
    month_label,
    month_range,
    month_start,
    months_between,
)
from portfolio.staffing import role_choices

HORIZON_MONTHS = 36
EXTRA_MONTHS = 24


# --- plans and the scheduler ------------------------------------------------------------------------


@dataclass
class PlanProject:
    id: int
    name: str
    priority: int
    start: date
    end: date
    needs: dict[tuple[str, date], int]     # (role code, month) -> hundredths of an FTE
    shift: int = 0                          # months moved from the live plan (scenarios)


@dataclass
class Plan:
    label: str
    months: list[date]                      # the horizon that is reported
    roles: list[tuple[str, str]]            # (code, label)
    projects: list[PlanProject]
    free: dict[tuple[str, date], int]       # over the horizon plus EXTRA_MONTHS
    consultant: dict[tuple[str, date], int]

    @property
    def all_months(self) -> list[date]:
        return month_range(self.months[0], add_months(self.months[-1], EXTRA_MONTHS))


@dataclass
class Outcome:
    project_id: int
    name: str
    priority: int
    start: date
    end: date
    slip: int | None                        # months; None: does not fit within the horizon
    short: list[dict] = field(default_factory=list)   # roles short at the planned dates
    shift: int = 0

    @property
    def new_start(self) -> date | None:
        return None if self.slip is None else add_months(self.start, self.slip)

    @property
    def new_end(self) -> date | None:
        return None if self.slip is None else add_months(self.end, self.slip)


@dataclass
class ScheduleResult:
    label: str
    months: list[date]
    outcomes: list[Outcome]
    shortages: list[dict]                   # per role, at planned dates: what it takes to hold every date
    consultant_fte: Decimal                 # consultants in the capacity, average FTE over the horizon
    seconds: float = 0.0

    @property
    def slipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.slip]

    @property
    def not_placed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.slip is None]

    @property
    def needed_fte_peak(self) -> Decimal:
        return sum((s["peak"] for s in self.shortages), Decimal(0))

    @property
    def needed_fte_months(self) -> Decimal:
        return sum((s["fte_months"] for s in self.shortages), Decimal(0))


def schedule(plan: Plan) -> ScheduleResult:
    started = time.perf_counter()
    months = plan.all_months
    month_index = {m: i for i, m in enumerate(months)}
    role_index = {code: i for i, (code, _label) in enumerate(plan.roles)}
    labels = dict(plan.roles)
    remaining = np.zeros((len(role_index), len(months)), dtype=np.int64)
    for (code, month), pct in plan.free.items():
        if code in role_index and month in month_index:
            remaining[role_index[code], month_index[month]] = pct
    total_need = np.zeros_like(remaining)
    outcomes = []
    for project in sorted(plan.projects, key=lambda p: (p.priority, p.id)):
        cells = [(role_index[code], month_index[month], pct) for (code, month), pct in project.needs.items()
                 if pct and code in role_index and month in month_index]
        outcome = Outcome(project.id, project.name, project.priority, project.start, project.end, 0,
                          shift=project.shift)
        outcomes.append(outcome)
        if not cells:
            continue
        rows = sorted({c[0] for c in cells})
        row_of = {r: i for i, r in enumerate(rows)}
        base = min(c[1] for c in cells)
        length = max(c[1] for c in cells) - base + 1
        profile = np.zeros((len(rows), length), dtype=np.int64)
        for r, m, pct in cells:
            profile[row_of[r], m - base] += pct
            total_need[r, m] += pct
        # Roles short at the planned dates, given what higher priorities already took.
        here = remaining[rows, base:base + length]
        lacking = (profile > 0) & (profile > here)
        if lacking.any():
            short: dict[str, dict] = {}
            for i, j in zip(*np.nonzero(lacking), strict=True):
                code = plan.roles[rows[i]][0]
                entry = short.setdefault(code, dict(role=labels[code], months=[], peak=0))
                entry["months"].append(months[base + j])
                entry["peak"] = max(entry["peak"], int(profile[i, j] - max(here[i, j], 0)))
            outcome.short = [dict(role=e["role"], months=_spans(e["months"]), peak=fte_of(e["peak"]))
                             for e in short.values()]
        windows = sliding_window_view(remaining[rows], length, axis=1)[:, base:, :]
        needed = profile[:, None, :]
        fits = ((windows >= needed) | (needed == 0)).all(axis=(0, 2))
        found = np.flatnonzero(fits)
        if found.size == 0:
            outcome.slip = None
            continue
        slip = int(found[0])
        outcome.slip = slip
        remaining[rows, base + slip:base + slip + length] -= profile
    shortages = _shortages(plan, total_need, role_index, month_index)
    horizon = set(plan.months)
    hired = sum(v for (_code, month), v in plan.consultant.items() if month in horizon)
    consultant = fte_of(round(hired / len(plan.months))) if plan.months else Decimal(0)
    return ScheduleResult(plan.label, plan.months, outcomes, shortages, consultant,
                          time.perf_counter() - started)


def _shortages(plan: Plan, total_need, role_index, month_index) -> list[dict]:
    """Per role: what it would take (consultants) to hold every planned date in the horizon."""
    out = []
    for code, label in plan.roles:
        r = role_index[code]
        short_months, fte_months, peak = [], 0, 0
        for month in plan.months:
            gap = int(total_need[r, month_index[month]]) - plan.free.get((code, month), 0)
            if gap > 0 and total_need[r, month_index[month]] > 0:
                short_months.append(month)
                fte_months += gap
                peak = max(peak, gap)
        if short_months:
            out.append(dict(role=label, role_code=code, months=_spans(short_months), month_count=len(short_months),
                            fte_months=fte_of(fte_months), peak=fte_of(peak)))
    return out


def _spans(months: list[date]) -> str:
    months = sorted(set(months))
    parts, start, prev = [], None, None
    for m in months:
        if start is None:
            start = prev = m
        elif add_months(prev, 1) == m:
            prev = m
        else:
            parts.append(month_label(start) if start == prev else f"{month_label(start)}–{month_label(prev)}")
            start = prev = m
    if start is not None:
        parts.append(month_label(start) if start == prev else f"{month_label(start)}–{month_label(prev)}")
    return ", ".join(parts)


def _capacity_plan(session: Session, label: str, first: date, projects: list[PlanProject],
                   grids: dict | None = None) -> Plan:
    months = month_range(first, add_months(first, HORIZON_MONTHS - 1))
    grid = (grids or {}).get(("grid", first))
    if grid is None:
        grid = capacity_grid(session, month_range(first, add_months(months[-1], EXTRA_MONTHS)))
        if grids is not None:
            grids[("grid", first)] = grid
    free = {(code, m): grid.free(code, m) for code, _ in grid.roles for m in grid.months}
    return Plan(label, months, grid.roles, projects, free, grid.consultant)


def _needs(session: Session, memo: dict | None):
    if memo is None:
        return project_needs(session)
    if "needs" not in memo:
        memo["needs"] = project_needs(session)
    return memo["needs"]


def _totals(needs: dict[tuple[str, date], list[int]]) -> dict[tuple[str, date], int]:
    return {key: open_pct + allocated for key, (open_pct, allocated) in needs.items()}


def live_plan(session: Session, first: date | None = None, grids: dict | None = None) -> Plan:
    first = month_start(first or date.today())
    needs = _needs(session, grids)
    projects = [PlanProject(p.id, p.name, p.priority, p.start_date, p.end_date, _totals(needs.get(p.id, {})))
                for p in active_projects(session)]
    return _capacity_plan(session, t("pf.scenario.live"), first, projects, grids)


def scenario_plan(session: Session, scenario_id: int, first: date | None = None, grids: dict | None = None) -> Plan:
    scenario = get_scenario(session, scenario_id)
    first = month_start(first or date.today())
    needs = _needs(session, grids)
    live = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_([r.project_id
                                                                                    for r in scenario.rows])))}
    projects = []
    for row in scenario.rows:
        project = live.get(row.project_id)
        if project is None:
            continue
        shift = months_between(project.start_date, row.start_date)
        projects.append(PlanProject(project.id, project.name, row.priority, row.start_date, row.end_date,
                                    _totals(shifted(needs.get(project.id, {}), shift)), shift))
    return _capacity_plan(session, scenario.name, first, projects, grids)


def baseline_plan(session: Session, baseline_id: int) -> Plan:
    baseline = get_or_raise(session, Baseline, baseline_id, "pf.baseline.not_found", name=baseline_id)
    needs: dict[int, dict[tuple[str, date], int]] = defaultdict(dict)
    for row in session.scalars(select(BaselineNeed).where(BaselineNeed.baseline_id == baseline_id)):
        needs[row.project_id][(row.role_code, row.month)] = row.fte_pct
    projects = [PlanProject(p.project_id, p.name, p.priority, p.start_date, p.end_date, needs.get(p.project_id, {}))
                for p in session.scalars(select(BaselineProject).where(BaselineProject.baseline_id == baseline_id))]
    free, consultant, codes = {}, {}, set()
    for row in session.scalars(select(BaselineCapacity).where(BaselineCapacity.baseline_id == baseline_id)):
        free[(row.role_code, row.month)] = row.free_pct
        consultant[(row.role_code, row.month)] = row.consultant_pct
        codes.add(row.role_code)
    labels = role_choices(session)
    roles = [(c, labels[c]) for c in labels if c in codes] + [(c, c) for c in sorted(codes - set(labels))]
    months = month_range(baseline.first_month, baseline.last_month)
    return Plan(f"{t('pf.baseline.label')}: {baseline.name}", months, roles, projects, free, consultant)


def plan_for(session: Session, source: str, first: date | None = None, grids: dict | None = None) -> Plan:
    """`live`, `scenario:<id>` or `baseline:<id>`. `grids` shares one capacity grid between plans read in
    the same session (the live plan and its scenarios have the same people)."""
    kind, _, ident = source.partition(":")
    if kind == "scenario":
        return scenario_plan(session, int(ident), first, grids)
    if kind == "baseline":
        return baseline_plan(session, int(ident))
    return live_plan(session, first, grids)


def schedule_source(session: Session, source: str, first: date | None = None) -> ScheduleResult:
    return schedule(plan_for(session, source, first))


def compare_sources(session: Session, source_a: str, source_b: str,
                    first: date | None = None) -> tuple[ScheduleResult, ScheduleResult, dict]:
    """Schedule two plans (reading capacity once) and put them side by side: the scenario page's recompute."""
    grids: dict = {}
    a = schedule(plan_for(session, source_a, first, grids))
    b = schedule(plan_for(session, source_b, first, grids))
    return a, b, compare(a, b)


def compare(a: ScheduleResult, b: ScheduleResult) -> dict:
    """Side by side: each project's priority and slip, each role's shortage, and the totals."""
    left = {o.project_id: o for o in a.outcomes}
    right = {o.project_id: o for o in b.outcomes}
    order = [o.project_id for o in b.outcomes] + [pid for pid in left if pid not in right]
    projects = []
    for pid in order:
        x, y = left.get(pid), right.get(pid)
        name = (y or x).name
        projects.append(dict(
            project=name, priority_a=x.priority if x else None, priority_b=y.priority if y else None,
            end_a=x.new_end if x else None, end_b=y.new_end if y else None,
            slip_a=x.slip if x else None, slip_b=y.slip if y else None,
            placed_a=bool(x and x.slip is not None), placed_b=bool(y and y.slip is not None),
            change=_change(x, y),
            short_b="; ".join(f"{s['role']} ({s['months']})" for s in y.short) if y and y.slip else "",
        ))
    roles_a = {s["role"]: s for s in a.shortages}
    roles_b = {s["role"]: s for s in b.shortages}
    roles = [dict(role=role,
                  fte_months_a=roles_a.get(role, {}).get("fte_months", Decimal(0)),
                  fte_months_b=roles_b.get(role, {}).get("fte_months", Decimal(0)),
                  peak_a=roles_a.get(role, {}).get("peak", Decimal(0)),
                  peak_b=roles_b.get(role, {}).get("peak", Decimal(0)),
                  months_b=roles_b.get(role, {}).get("months", ""))
             for role in list(roles_b) + [r for r in roles_a if r not in roles_b]]
    totals = dict(
        slipped_a=len(a.slipped), slipped_b=len(b.slipped),
        slip_months_a=sum(o.slip for o in a.slipped), slip_months_b=sum(o.slip for o in b.slipped),
        not_placed_a=len(a.not_placed), not_placed_b=len(b.not_placed),
        needed_peak_a=a.needed_fte_peak, needed_peak_b=b.needed_fte_peak,
        needed_months_a=a.needed_fte_months, needed_months_b=b.needed_fte_months,
        consultant_a=a.consultant_fte, consultant_b=b.consultant_fte,
    )
    return dict(label_a=a.label, label_b=b.label, projects=projects, roles=roles, totals=totals)


def _change(x: Outcome | None, y: Outcome | None) -> str:
    if x is None or y is None:
        return t("pf.compare.only_one")
    if x.slip is None and y.slip is None:
        return t("pf.compare.not_placed_both")
    if y.slip is None:
        return t("pf.compare.now_not_placed")
    if x.slip is None:
        return t("pf.compare.now_placed")
    a_end, b_end = x.new_end, y.new_end
    diff = months_between(a_end, b_end)
    if diff > 0:
        return t("pf.compare.later", months=diff)
    if diff < 0:
        return t("pf.compare.earlier", months=-diff)
    return t("pf.compare.same")


# --- scenarios --------------------------------------------------------------------------------------


def _require_writer(actor: Actor) -> None:
    """The portfolio lead drafts scenarios; a leader (who decides on them) may edit them too."""
    if actor.can("portfolio.write") or actor.can("scenarios.approve"):
        return
    actor.require("portfolio.write")


def get_scenario(session: Session, scenario_id: int) -> Scenario:
    return get_or_raise(session, Scenario, scenario_id, "pf.scenario.not_found", name=scenario_id)


def _scenario_for_edit(session: Session, scenario_id: int, expected_version: int | None) -> Scenario:
    return for_edit(session, Scenario, scenario_id, expected_version, "pf.scenario.not_found", name=scenario_id)


def find_scenario(session: Session, name: str) -> Scenario:
    return scalar_or_raise(session, select(Scenario).where(equals_folded(Scenario.name, name.strip())),
                           "pf.scenario.not_found", name=name)


def _draft(scenario: Scenario) -> None:
    if scenario.status != ScenarioStatus.DRAFT.value:
        raise BackofficeError(t("pf.scenario.not_draft", name=scenario.name,
                                status=t(f"pf.scenario.status.{scenario.status}")))


SCENARIO_NAME_ONCE = unique_key(Scenario, "uq_pf_scenario_name")
BASELINE_NAME_ONCE = unique_key(Baseline, "uq_pf_baseline_name")


def _scenario_name_taken(name: str) -> BackofficeError:
    return BackofficeError(t("pf.scenario.name_taken", name=name))


def _check_scenario_name(session: Session, name: str) -> None:
    if session.scalar(select(Scenario).where(equals_folded(Scenario.name, name))):
        raise _scenario_name_taken(name)


def _baseline_name_taken(name: str) -> BackofficeError:
    return BackofficeError(t("pf.baseline.name_taken", name=name))


def _check_baseline_name(session: Session, name: str) -> None:
    if session.scalar(select(Baseline).where(equals_folded(Baseline.name, name))):
        raise _baseline_name_taken(name)


def create_scenario(session: Session, actor: Actor, payload) -> Scenario:
    """Copy the live priorities and dates of every active project into a new draft scenario."""
    _require_writer(actor)
    data = validate(ScenarioIn, payload)
    _check_scenario_name(session, data.name)
    projects = active_projects(session)
    if not projects:
        raise BackofficeError(t("pf.scenario.no_projects"))
    with refusing_duplicates(session, (SCENARIO_NAME_ONCE,), lambda: _scenario_name_taken(data.name)):
        scenario = Scenario(name=data.name, description=data.description, created_by=actor.username)
        scenario.rows = [ScenarioProject(project_id=p.id, priority=p.priority, start_date=p.start_date,
                                         end_date=p.end_date, base_version=p.version) for p in projects]
        session.add(scenario)
    return scenario


def save_scenario_rows(session: Session, actor: Actor, scenario_id: int, rows: list,
                       expected_version: int | None = None) -> Scenario:
    """Set priorities and date shifts (months from the live dates) for the listed projects.

    Priorities are renumbered 1..n in the order given (ties keep the previous order)."""
    _require_writer(actor)
    scenario = _scenario_for_edit(session, scenario_id, expected_version)
    _draft(scenario)
    items = [validate(ScenarioRowIn, row, row=i) for i, row in enumerate(rows, start=1)]
    by_project = {r.project_id: r for r in scenario.rows}
    unknown = [str(i.project_id) for i in items if i.project_id not in by_project]
    if unknown:
        raise NotFound(t("pf.scenario.unknown_projects", ids=", ".join(unknown)))
    live = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(list(by_project))))}
    wanted = {i.project_id: i for i in items}
    ordered = sorted(scenario.rows, key=lambda r: (wanted[r.project_id].priority if r.project_id in wanted
                                                   else r.priority,
                                                   0 if r.project_id in wanted else 1, r.priority))
    for rank, row in enumerate(ordered, start=1):
        row.priority = rank
        item = wanted.get(row.project_id)
        project = live.get(row.project_id)
        if item is not None and project is not None:
            row.start_date = add_months(project.start_date, item.shift_months)
            row.end_date = add_months(project.end_date, item.shift_months)
    flag_modified(scenario, "description")
    session.flush()
    return scenario


def move_in_scenario(session: Session, actor: Actor, scenario_id: int, project_id: int, rank: int,
                     expected_version: int | None = None) -> Scenario:
    """Move one project to `rank` in the scenario; the others close up behind it."""
    _require_writer(actor)
    scenario = get_scenario(session, scenario_id)
    rows = sorted(scenario.rows, key=lambda r: r.priority)
    moving = next((r for r in rows if r.project_id == project_id), None)
    if moving is None:
        raise NotFound(t("pf.scenario.unknown_projects", ids=str(project_id)))
    rows.remove(moving)
    rows.insert(max(0, min(len(rows), rank - 1)), moving)
    payload = [dict(project_id=r.project_id, priority=i, shift_months=_shift_of(session, r))
               for i, r in enumerate(rows, start=1)]
    return save_scenario_rows(session, actor, scenario_id, payload, expected_version)


def _shift_of(session: Session, row: ScenarioProject) -> int:
    project = session.get(Project, row.project_id)
    return months_between(project.start_date, row.start_date) if project else 0


def scenario_rows(session: Session, scenario_id: int) -> list[dict]:
    scenario = get_scenario(session, scenario_id)
    live = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_([r.project_id
                                                                                    for r in scenario.rows])))}
    out = []
    for row in sorted(scenario.rows, key=lambda r: r.priority):
        project = live.get(row.project_id)
        if project is None:
            continue
        out.append(dict(project_id=row.project_id, project=project.name, phase=project.phase,
                        priority=row.priority, live_priority=project.priority,
                        shift_months=months_between(project.start_date, row.start_date),
                        start_date=row.start_date, end_date=row.end_date,
                        live_start=project.start_date, live_end=project.end_date,
                        stale=project.version != row.base_version))
    return out


def scenario_list(session: Session) -> list[dict]:
    return [dict(id=s.id, name=s.name, description=s.description, status=s.status, created_by=s.created_by,
                 created_at=s.created_at, decided_by=s.decided_by, decided_at=s.decided_at, version=s.version)
            for s in session.scalars(select(Scenario).order_by(Scenario.created_at.desc(), Scenario.id.desc()))]


def apply_scenario(session: Session, actor: Actor, scenario_id: int, expected_version: int | None = None) -> int:
    """A leader makes the scenario the live plan: priorities, dates, and demand and allocations moved
    by the same number of months. Refused if the live plan changed since the scenario was copied."""
    actor.require("scenarios.approve")
    scenario = _scenario_for_edit(session, scenario_id, expected_version)
    _draft(scenario)
    live = {p.id: p for p in active_projects(session)}
    rows = {r.project_id: r for r in scenario.rows}
    changed = [live[pid].name for pid, r in rows.items() if pid in live and live[pid].version != r.base_version]
    gone = [str(pid) for pid in rows if pid not in live]
    added = [p.name for pid, p in live.items() if pid not in rows]
    if changed or gone or added:
        names = ", ".join(changed + added + gone)
        raise ConflictError(t("pf.scenario.stale", name=scenario.name, projects=names))
    moved = 0
    for pid, row in rows.items():
        project = live[pid]
        shift = months_between(project.start_date, row.start_date)
        project.priority = row.priority
        if shift:
            project.start_date, project.end_date = row.start_date, row.end_date
            _shift_needs(session, pid, shift)
            moved += 1
    scenario.status = ScenarioStatus.APPLIED.value
    scenario.decided_by, scenario.decided_at = actor.username, utcnow()
    session.flush()
    return moved


def _shift_needs(session: Session, project_id: int, shift: int) -> None:
    """Move a project's demand and allocations by `shift` months (delete and re-add: no clash with
    the unique month keys while moving; every row is audited)."""
    for model in (Demand, Allocation):
        rows = list(session.scalars(select(model).where(model.project_id == project_id)))
        copies = []
        for row in rows:
            values = {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key != "id"}
            values["month"] = add_months(row.month, shift)
            copies.append(model(**values))
            session.delete(row)
        session.flush()
        session.add_all(copies)
    session.flush()


def discard_scenario(session: Session, actor: Actor, scenario_id: int, expected_version: int | None = None):
    _require_writer(actor)
    scenario = _scenario_for_edit(session, scenario_id, expected_version)
    _draft(scenario)
    scenario.status = ScenarioStatus.DISCARDED.value
    scenario.decided_by, scenario.decided_at = actor.username, utcnow()
    session.flush()
    return scenario


# --- baselines ----------------------------------------------------------------------------------------


def create_baseline(session: Session, actor: Actor, payload, first: date | None = None) -> Baseline:
    """Freeze the live plan (projects, needs, free capacity) under a name; it never changes."""
    _require_writer(actor)
    data = validate(BaselineIn, payload)
    _check_baseline_name(session, data.name)
    plan = live_plan(session, first)
    baseline = Baseline(name=data.name, note=data.note, created_by=actor.username,
                        first_month=plan.months[0], last_month=plan.months[-1])
    with refusing_duplicates(session, (BASELINE_NAME_ONCE,), lambda: _baseline_name_taken(data.name)):
        session.add(baseline)
    session.add_all([BaselineProject(baseline_id=baseline.id, project_id=p.id, name=p.name,
                                     phase=session.get(Project, p.id).phase, priority=p.priority,
                                     start_date=p.start, end_date=p.end) for p in plan.projects])
    session.add_all([BaselineNeed(baseline_id=baseline.id, project_id=p.id, role_code=code, month=month,
                                  fte_pct=pct) for p in plan.projects for (code, month), pct in p.needs.items()
                     if pct])
    session.add_all([BaselineCapacity(baseline_id=baseline.id, role_code=code, month=month, free_pct=pct,
                                      consultant_pct=plan.consultant.get((code, month), 0))
                     for (code, month), pct in plan.free.items()])
    session.flush()
    return baseline


def baseline_list(session: Session) -> list[dict]:
    counts = dict(session.execute(select(BaselineProject.baseline_id, func.count())
                                  .group_by(BaselineProject.baseline_id)).all())
    return [dict(id=b.id, name=b.name, note=b.note, created_by=b.created_by, created_at=b.created_at,
                 first_month=b.first_month, last_month=b.last_month, projects=counts.get(b.id, 0))
            for b in session.scalars(select(Baseline).order_by(Baseline.created_at.desc(), Baseline.id.desc()))]


def source_choices(session: Session) -> dict[str, str]:
    """Everything that can be scheduled and compared: the live plan, scenarios, baselines."""
    choices = {"live": t("pf.scenario.live")}
    for s in scenario_list(session):
        choices[f"scenario:{s['id']}"] = f"{s['name']} ({t('pf.scenario.status.' + s['status'])})"
    for b in baseline_list(session):
        choices[f"baseline:{b['id']}"] = f"{t('pf.baseline.label')}: {b['name']}"
    return choices


def result_rows(result: ScheduleResult) -> list[dict]:
    return [dict(priority=o.priority, project=o.name, start=o.start, end=o.end, slip=o.slip,
                 new_start=o.new_start, new_end=o.new_end, shift=o.shift,
                 short="; ".join(f"{s['role']} ({s['months']}, {s['peak']})" for s in o.short) if o.slip else "")
            for o in result.outcomes]

