"""Small builders for the portfolio tests."""
from __future__ import annotations

from datetime import date

from data.registers.models import User, UserRole
from portfolio import projects, staffing
from tests.conftest import make_actor

LEAD = make_actor("portfolio", username="pia")
LEADER = make_actor("leader", username="lise")


def user(session, username: str, role: str = "product_owner") -> User:
    row = User(username=username, full_name=username.title(), role_rows=[UserRole(role=role)])
    session.add(row)
    session.flush()
    return row


def project(session, name: str, start: date, end: date, service: str = "svarut", **extra):
    payload = dict(name=name, service_code=service, financing="internal", start_date=start, end_date=end)
    payload.update(extra)
    return projects.create_project(session, LEAD, payload)


def person(session, name: str, roles, fte_pct=100, availability_pct=100, start=date(2020, 1, 1), end=None,
           kind="internal"):
    return staffing.save_person(session, LEAD, dict(
        name=name, kind=kind, fte_pct=fte_pct, availability_pct=availability_pct, start_date=start, end_date=end,
        roles=[dict(role_code=code, share_pct=share) for code, share in roles]))


def need(session, project_id, role, fte, first, last, person_id=None):
    return staffing.set_need(session, LEAD, dict(project_id=project_id, role_code=role, fte=fte, first_month=first,
                                                 last_month=last, person_id=person_id))
