"""The scheduler on cases whose slips are known by hand; scenario isolation; baseline immutability."""
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from data.errors import BackofficeError, ConflictError, PermissionDenied
from portfolio import projects, scenarios, staffing
from portfolio.models import Baseline, BaselineProject, Demand, ScenarioStatus
from portfolio.scenarios import Plan, PlanProject, schedule
from portfolio.schemas import add_months, month_range
from tests.portfolio.helpers import LEAD, LEADER, need, person, project

JAN = date(2030, 1, 1)


def _m(i):
    return add_months(JAN, i)


def _plan(priorities):
    """One role (developer) with 1.00 FTE free every month.

    A: 1.00 in months 0-2; B: 0.50 in months 1-2; C: 0.50 in months 3-4; D: 2.00 in month 0 (never fits).
    """
    needs = {
        "A": {("developer", _m(i)): 100 for i in range(0, 3)},
        "B": {("developer", _m(i)): 50 for i in range(1, 3)},
        "C": {("developer", _m(i)): 50 for i in range(3, 5)},
        "D": {("developer", _m(0)): 200},
    }
    months = month_range(JAN, _m(11))
    free = {("developer", m): 100 for m in month_range(JAN, _m(11 + scenarios.EXTRA_MONTHS))}
    items = [PlanProject(i, name, priorities[name], JAN, _m(5), needs[name]) for i, name in enumerate("ABCD")]
    return Plan("test", months, [("developer", "Utvikler")], items, free, {})


def test_scheduler_slips_known_by_hand():
    result = schedule(_plan(dict(A=1, B=2, C=3, D=4)))
    slips = {o.name: o.slip for o in result.outcomes}
    assert slips == {"A": 0, "B": 2, "C": 0, "D": None}
    b = next(o for o in result.outcomes if o.name == "B")
    assert b.short == [dict(role="Utvikler", months="2030-02–2030-03", peak=D("0.50"))]
    assert b.new_start == _m(2)
    # What it takes to hold every date: Jan 3.00 needed vs 1.00, Feb and Mar 1.50 vs 1.00.
    assert result.shortages == [dict(role="Utvikler", role_code="developer", months="2030-01–2030-03",
                                     month_count=3, fte_months=D("3.00"), peak=D("2.00"))]
    assert [o.name for o in result.not_placed] == ["D"]


def test_moving_a_project_up_makes_others_slip():
    result = schedule(_plan(dict(B=1, A=2, C=3, D=4)))
    assert {o.name: o.slip for o in result.outcomes} == {"B": 0, "A": 3, "C": 3, "D": None}
    before = schedule(_plan(dict(A=1, B=2, C=3, D=4)))
    side = scenarios.compare(before, result)
    rows = {r["project"]: r for r in side["projects"]}
    assert rows["A"]["change"] == "3 mnd senere"
    assert rows["B"]["change"] == "2 mnd tidligere"
    assert rows["C"]["change"] == "3 mnd senere"
    assert side["totals"]["slip_months_a"] == 2 and side["totals"]["slip_months_b"] == 6


@pytest.fixture
def live(session):
    """One developer (1.00); A (priority 1) and B (priority 2) both need 1.00 in Jan-Feb 2030."""
    staffing.ensure_standard_roles(session, LEAD)
    dev = person(session, "Dev", [("developer", 100)])
    a = project(session, "A", JAN, date(2030, 2, 28))
    b = project(session, "B", JAN, date(2030, 2, 28))
    need(session, a.id, "developer", "1", JAN, _m(1))
    need(session, b.id, "developer", "0.5", JAN, _m(1))
    need(session, b.id, "developer", "0.5", JAN, _m(1), person_id=dev.id)
    return dict(a=a, b=b, dev=dev)


def _slips(session, source):
    return {o.name: o.slip for o in scenarios.schedule_source(session, source, JAN).outcomes}


def test_scenario_is_isolated_until_a_leader_applies_it(session, live):
    a, b = live["a"], live["b"]
    scenario = scenarios.create_scenario(session, LEAD, dict(name="B først"))
    scenarios.move_in_scenario(session, LEADER, scenario.id, b.id, 1)
    rows = {r["project"]: r for r in scenarios.scenario_rows(session, scenario.id)}
    scenarios.save_scenario_rows(session, LEAD, scenario.id, [
        dict(project_id=b.id, priority=1, shift_months=0), dict(project_id=a.id, priority=2, shift_months=1)])
    rows = {r["project"]: r for r in scenarios.scenario_rows(session, scenario.id)}
    assert (rows["B"]["priority"], rows["A"]["priority"], rows["A"]["start_date"]) == (1, 2, date(2030, 2, 1))
    # live plan untouched
    assert (a.priority, b.priority, a.start_date) == (1, 2, JAN)
    assert sorted(session.scalars(select(Demand.month).where(Demand.project_id == a.id))) == [JAN, _m(1)]
    assert _slips(session, "live") == {"A": 0, "B": 2}
    assert _slips(session, f"scenario:{scenario.id}") == {"B": 0, "A": 1}   # shifted 1, then 1 more
    with pytest.raises(PermissionDenied):
        scenarios.apply_scenario(session, LEAD, scenario.id)
    assert a.priority == 1
    scenarios.apply_scenario(session, LEADER, scenario.id)
    assert (a.priority, b.priority) == (2, 1)
    assert (a.start_date, a.end_date) == (date(2030, 2, 1), date(2030, 3, 28))
    assert sorted(session.scalars(select(Demand.month).where(Demand.project_id == a.id))) == [_m(1), _m(2)]
    assert scenario.status == ScenarioStatus.APPLIED and scenario.decided_by == "lise"
    with pytest.raises(BackofficeError, match="lagt inn i planen"):
        scenarios.move_in_scenario(session, LEADER, scenario.id, a.id, 1)


def test_a_scenario_made_before_the_plan_changed_cannot_be_applied(session, live):
    scenario = scenarios.create_scenario(session, LEAD, dict(name="Gammel"))
    projects.set_priority(session, LEAD, live["b"].id, 1)
    with pytest.raises(ConflictError, match="Planen er endret"):
        scenarios.apply_scenario(session, LEADER, scenario.id)
    scenarios.discard_scenario(session, LEADER, scenario.id)
    assert scenario.status == ScenarioStatus.DISCARDED


def test_baselines_are_immutable_and_keep_the_old_plan(session, live):
    baseline = scenarios.create_baseline(session, LEAD, dict(name="Vedtatt"), first=JAN)
    session.commit()
    before = {o.name: o.slip for o in scenarios.schedule_source(session, f"baseline:{baseline.id}").outcomes}
    assert before == {"A": 0, "B": 2}
    projects.set_priority(session, LEAD, live["b"].id, 1)
    after = {o.name: o.slip for o in scenarios.schedule_source(session, f"baseline:{baseline.id}").outcomes}
    assert after == before
    row = session.scalar(select(BaselineProject).where(BaselineProject.baseline_id == baseline.id))
    row.priority = 99
    with pytest.raises(BackofficeError, match="kan ikke endres eller slettes"):
        session.flush()
    session.rollback()
    stored = session.get(Baseline, baseline.id)
    session.delete(stored)
    with pytest.raises(BackofficeError, match="kan ikke endres eller slettes"):
        session.flush()
