"""Capacity arithmetic on a small hand-made case whose numbers are worked out by hand."""
from datetime import date
from decimal import Decimal as D

import pytest

from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from portfolio import capacity, staffing
from tests.portfolio.helpers import LEAD, LEADER, need, person, project

JAN, FEB, MAR = date(2030, 1, 1), date(2030, 2, 1), date(2030, 3, 1)


@pytest.fixture
def case(session):
    """Developer capacity: Jan 1.30, Feb 1.10, Mar 2.00 (free: 0.80, 0.60, 1.50 after 0.50 background).

    A: developer, 100 % x 80 % availability                         -> 0.80 every month
    B: consultant, 50 % developer / 50 % tester, 100 % x 100 %      -> 0.50 + 0.50;
       from Feb a schedule change to 60 %                            -> 0.30 + 0.30
    C: developer, starts 15 Feb (not employed on 1 Feb), 100 % x 90 % -> Mar 0.90
    D: tester, ends 31 Jan (employed on 1 Jan)                       -> Jan 1.00
    """
    staffing.ensure_standard_roles(session, LEAD)
    a = person(session, "A", [("developer", 100)], availability_pct=80)
    b = person(session, "B", [("developer", 50), ("tester", 50)], kind="consultant")
    staffing.add_schedule_change(session, LEAD, b.id, dict(effective_from="2030-02", fte_pct=60,
                                                           availability_pct=100))
    person(session, "C", [("developer", 100)], availability_pct=90, start=date(2030, 2, 15))
    person(session, "D", [("tester", 100)], end=date(2030, 1, 31))
    staffing.save_background_load(session, LEAD, dict(role_code="developer", description="Forvaltning",
                                                       fte="0,5", start_month="2030-01"))
    p = project(session, "P", JAN, date(2030, 3, 31))
    q = project(session, "Q", FEB, date(2030, 2, 28))
    need(session, p.id, "developer", "1.0", JAN, MAR)
    need(session, p.id, "developer", "0.5", JAN, MAR, person_id=a.id)
    need(session, q.id, "developer", "0.5", FEB, FEB, person_id=a.id)
    return dict(a=a, b=b, p=p, q=q)


def _by(rows, role):
    return {r["month"]: r for r in rows if r["role_code"] == role}


def test_capacity_with_availability_schedule_changes_and_background_load(session, case):
    rows = capacity.capacity_table(session, JAN, MAR)
    dev = _by(rows, "developer")
    assert [dev[m]["capacity"] for m in (JAN, FEB, MAR)] == [D("1.30"), D("1.10"), D("2.00")]
    assert [dev[m]["background"] for m in (JAN, FEB, MAR)] == [D("0.50")] * 3
    assert [dev[m]["free"] for m in (JAN, FEB, MAR)] == [D("0.80"), D("0.60"), D("1.50")]
    assert [dev[m]["consultant"] for m in (JAN, FEB, MAR)] == [D("0.50"), D("0.30"), D("0.30")]
    assert [dev[m]["demand"] for m in (JAN, FEB, MAR)] == [D("1.50"), D("2.00"), D("1.50")]
    assert [dev[m]["open"] for m in (JAN, FEB, MAR)] == [D("1.00")] * 3
    assert [dev[m]["shortage"] for m in (JAN, FEB, MAR)] == [D("0.70"), D("1.40"), D("0.00")]
    assert dev[MAR]["utilisation"] == D("1.000")
    assert dev[JAN]["utilisation"] == D("1.875")
    tester = _by(rows, "tester")
    assert [tester[m]["capacity"] for m in (JAN, FEB, MAR)] == [D("1.50"), D("0.30"), D("0.30")]


def test_over_allocation_names_who_which_months_and_how_much(session, case):
    flags = capacity.over_allocations(session, JAN, MAR)
    assert len(flags) == 1
    flag = flags[0]
    assert (flag["person"], flag["months"], flag["over"], flag["allocated"], flag["available"]) == (
        "A", "2030-02", D("0.20"), D("1.00"), D("0.80"))
    assert flag["reason"] == "A er satt opp med 1,00 årsverk i 2030-02, men har bare 0,80 tilgjengelig."


def test_unstaffed_demand_is_merged_into_runs_with_the_reason(session, case):
    rows = capacity.unstaffed_demand(session, JAN, MAR)
    assert [(r["project"], r["months"], r["fte"], r["fte_months"]) for r in rows] == [
        ("P", "2030-01–2030-02", D("1.00"), D("2.00")), ("P", "2030-03", D("1.00"), D("1.00"))]
    assert "mangler kapasitet" in rows[0]["reason"]
    assert "ledig kapasitet" in rows[1]["reason"]


def test_consultant_share_and_shortage_summary(session, case):
    share = capacity.consultant_share(session, JAN, MAR)
    # capacity: dev 1.30+1.10+2.00, tester 1.50+0.30+0.30 = 6.50; consultants 0.50+0.30+0.30 x2 = 2.20
    assert share["capacity"] == D("0.338")
    assert share["work"] == D("0.000")   # all named work is done by A, an employee
    summary = {s["role"]: s for s in capacity.shortage_summary(capacity.capacity_table(session, JAN, MAR))}
    assert summary["Utvikler"]["fte_months"] == D("2.10") and summary["Utvikler"]["peak"] == D("1.40")


def test_need_validation_refuses_and_writes_nothing(session, case):
    with pytest.raises(BackofficeError, match="behov kan ikke legges i 2030-03, 2030-04"):
        need(session, case["q"].id, "developer", "1", FEB, date(2030, 4, 1))
    with pytest.raises(BackofficeError, match="har ikke rollen Tester"):
        need(session, case["p"].id, "tester", "1", JAN, JAN, person_id=case["a"].id)
    with pytest.raises(ValidationFailed, match="fte"):
        need(session, case["p"].id, "developer", "mye", JAN, JAN)
    with pytest.raises(PermissionDenied):
        staffing.set_need(session, LEADER, dict(project_id=case["p"].id, role_code="developer", fte="1",
                                                first_month=JAN, last_month=JAN))
    assert _by(capacity.capacity_table(session, JAN, MAR), "developer")[JAN]["demand"] == D("1.50")
    need(session, case["p"].id, "developer", "0", JAN, JAN)   # 0 removes the open demand
    assert _by(capacity.capacity_table(session, JAN, MAR), "developer")[JAN]["demand"] == D("0.50")


def test_person_shares_must_add_up(session):
    staffing.ensure_standard_roles(session, LEAD)
    with pytest.raises(ValidationFailed, match="100 % til sammen"):
        person(session, "X", [("developer", 60), ("tester", 20)])


def test_a_new_role_with_a_code_that_exists_is_refused_not_quietly_changed(session):
    staffing.save_role(session, LEAD, {"code": "tester", "name": "Tester", "competence": "Testing"})
    with pytest.raises(BackofficeError, match="finnes allerede en rolle med koden «tester» \\(Tester\\)"):
        staffing.save_role(session, LEAD, {"code": "tester", "name": "Testleder", "competence": ""}, new=True)
    role = staffing.save_role(session, LEAD, {"code": "tester", "name": "Testansvarlig", "competence": ""})
    assert role.name == "Testansvarlig"                 # changing it by its code (the import's way) still works
