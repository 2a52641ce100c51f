"""Simultaneous product owners on a service's council: one council, at most eight members, one election
per term, numbered decisions kept whole, on both databases (each thread its own session and connection,
real commits, started together at a barrier)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from agreements import councils
from agreements.models import Council, CouncilDecision, CouncilMeeting, CouncilMember
from data import db
from tests.agreements.helpers import OWNER, add_appendix, municipality, sign_main
from tests.concurrency import in_own_session, refusals, simultaneously, unexpected
from tests.conftest import make_actor

pytestmark = pytest.mark.both_databases

NUMBERS = ("0301", "4601", "5001", "1103", "5501", "3301", "4204", "1508", "1804")
OWNERS = [make_actor("product_owner", username=f"po{i:02d}", owned=("svarut",)) for i in range(9)]


@pytest.fixture
def user_meeting(fresh_db_url) -> list[int]:
    """Nine municipalities with SvarUt appendices in force (the user meeting), no council yet."""
    with db.session_scope(actor=OWNER) as session:
        orgs = [municipality(session, n) for n in NUMBERS]
        for org in orgs:
            sign_main(session, org)
            add_appendix(session, org, "svarut", date(2020, 1, 1))
        return [org.id for org in orgs]


def _member(org_id: int, name: str, role: str = "member") -> dict:
    return {"person_name": name, "organisation_id": org_id, "role": role, "term_from": date(2025, 1, 1)}


def _count(model) -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_nine_members_added_at_once_to_a_new_council_stop_at_eight(user_meeting):
    results = simultaneously(9, lambda i: in_own_session(OWNERS[i], councils.add_member, "svarut",
                                                         _member(user_meeting[i], f"Person {i}")).id)
    assert unexpected(results) == []
    assert len([r for r in results if isinstance(r, int)]) == 8
    assert refusals(results) == ["Brukerrådet har allerede 8 medlemmer i denne perioden (varamedlemmer ikke medregnet). Avslutt et medlemskap først."]
    assert (_count(Council), _count(CouncilMember)) == (1, 8)


def test_one_person_added_twice_at_once_sits_once(user_meeting):
    results = simultaneously(3, lambda i: in_own_session(OWNERS[i], councils.add_member, "svarut",
                                                         _member(user_meeting[0], "Kari Nordmann")).id)
    assert unexpected(results) == []
    assert len([r for r in results if isinstance(r, int)]) == 1
    assert refusals(results) == ["Kari Nordmann er allerede medlem i denne perioden."] * 2
    assert _count(CouncilMember) == 1


def test_two_elections_for_one_term_at_once_elect_one_council(user_meeting):
    def elect(i: int):
        members = [_member(org_id, f"Valg{i} {n}", "chair" if n == 0 else "member")
                   for n, org_id in enumerate(user_meeting[:5])]
        return len(in_own_session(OWNERS[i], councils.elect_council, "svarut",
                                  {"term_from": date(2025, 1, 1), "members": members}))

    results = simultaneously(2, elect)
    assert unexpected(results) == []
    assert results.count(5) == 1
    (message,) = refusals(results)
    assert message.startswith("Valg") and message.endswith("har allerede en periode som starter 01.01.2025. "
                                                           "Velg en senere startdato.")
    assert (_count(Council), _count(CouncilMember)) == (1, 5)


@pytest.fixture
def meeting(user_meeting) -> tuple[int, int]:
    """An elected council and a meeting with two numbered decisions: (meeting id, version)."""
    with db.session_scope(actor=OWNER) as session:
        councils.elect_council(session, OWNER, "svarut", {"term_from": date(2025, 1, 1), "members": [
            _member(org_id, f"Person {n}", "chair" if n == 0 else "member") for n, org_id in enumerate(user_meeting[:5])]})
        row = councils.save_meeting(session, OWNER, "svarut", {
            "meeting_date": date(2025, 3, 12), "title": "Brukerrådsmøte 1/2025",
            "decisions": ["Referat godkjent.", "Neste møte i juni."]})
        return row.id, row.version


def _edit(i: int, meeting_id: int, version: int | None):
    payload = {"meeting_date": date(2025, 3, 12), "title": "Brukerrådsmøte 1/2025",
               "decisions": ["Referat godkjent.", "Neste møte i juni.", f"Vedtak fra po{i:02d}."]}
    return in_own_session(OWNERS[i], councils.save_meeting, "svarut", payload, meeting_id=meeting_id,
                          expected_version=version).version


def _decisions(meeting_id: int) -> list[tuple]:
    with db.session_scope() as session:
        return [(d.number, d.text) for d in session.scalars(
            select(CouncilDecision).where(CouncilDecision.meeting_id == meeting_id).order_by(CouncilDecision.number))]


def test_two_edits_of_one_meeting_at_once_keep_its_decisions_numbered(meeting):
    meeting_id, version = meeting
    results = simultaneously(4, lambda i: _edit(i, meeting_id, version))
    assert unexpected(results) == []
    assert results.count(version + 1) == 1
    winner = OWNERS[results.index(version + 1)].username
    assert _decisions(meeting_id) == [(1, "Referat godkjent."), (2, "Neste møte i juni."), (3, f"Vedtak fra {winner}.")]
    for message in refusals(results):
        assert message.startswith(f"«Brukerrådsmøte 1/2025» ble endret av {winner} etter at du åpnet den"), message
    assert len(refusals(results)) == 3


def test_without_the_lock_the_decision_numbers_still_refuse_plainly(meeting, monkeypatch):
    meeting_id, version = meeting
    monkeypatch.setattr(councils, "_lock_council", lambda session, service_code: None)
    results = simultaneously(4, lambda i: _edit(i, meeting_id, version))
    assert unexpected(results) == []
    assert results.count(version + 1) == 1
    winner = OWNERS[results.index(version + 1)].username
    assert [n for n, _text in _decisions(meeting_id)] == [1, 2, 3]
    for message in refusals(results):
        assert (message.startswith(f"«Brukerrådsmøte 1/2025» ble endret av {winner}")
                or message == f"Møtet «Brukerrådsmøte 1/2025» ble nettopp endret av {winner}. Last siden på nytt og "
                              "gjør endringen igjen."), message


def test_meetings_recorded_at_once_are_each_whole(meeting):
    """New meetings in parallel (the CLI's record-meeting twice): each with its own decisions 1..n."""
    def record(i: int) -> int:
        return in_own_session(OWNERS[i], councils.save_meeting, "svarut", {
            "meeting_date": date(2025, 6, 1 + i), "title": f"Møte {i}", "decisions": ["Ett.", "To."]}).id

    results = simultaneously(3, record)
    assert unexpected(results) == [] and refusals(results) == []
    for meeting_id in results:
        assert _decisions(meeting_id) == [(1, "Ett."), (2, "To.")]
    assert _count(CouncilMeeting) == 4
