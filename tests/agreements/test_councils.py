"""User meeting derived from appendices; council size and membership; meetings and decisions."""
from datetime import date

import pytest

from agreements import councils
from agreements.agreements import RuleError
from agreements.models import CouncilMember
from data.errors import PermissionDenied, ValidationFailed
from tests.agreements.helpers import OWNER, add_appendix, count, municipality, sign_main
from tests.conftest import make_actor

NUMBERS = ("0301", "4601", "5001", "1103", "5501", "3301", "4204", "1508", "1804")


def _members_orgs(session):
    orgs = [municipality(session, n) for n in NUMBERS]
    for org in orgs:
        sign_main(session, org)
        add_appendix(session, org, "svarut", date(2020, 1, 1))
    return orgs


def _member(org, name, role="member"):
    return {"person_name": name, "email": f"{name.split()[0].lower()}@kommune.example", "organisation_id": org.id,
            "role": role, "term_from": date(2025, 1, 1)}


def test_user_meeting_is_everyone_with_an_appendix_in_force(session):
    orgs = _members_orgs(session)
    other = municipality(session, "1151")
    sign_main(session, other)
    add_appendix(session, other, "svarut", date(2019, 1, 1), date(2019, 12, 31))
    meeting = councils.user_meeting(session, "svarut", date(2024, 1, 1))
    assert sorted(c.name for c in meeting) == sorted(o.name for o in orgs)


def test_council_must_have_five_to_eight_members_from_member_organisations(session):
    orgs = _members_orgs(session)
    outsider = municipality(session, "1151")
    election = {"term_from": date(2025, 1, 1), "term_to": date(2026, 12, 31),
                "members": [_member(o, f"Person {i}") for i, o in enumerate(orgs[:4])]}
    with pytest.raises(ValidationFailed) as error:
        councils.elect_council(session, OWNER, "svarut", election)
    assert error.value.errors[0].message == "Brukerrådet må ha 5–8 medlemmer, men har 4 (krav: 5–8; varamedlemmer telles ikke)."
    election["members"] = [_member(o, f"Person {i}") for i, o in enumerate(orgs)]  # nine
    with pytest.raises(ValidationFailed, match="men har 9"):
        councils.elect_council(session, OWNER, "svarut", election)
    election["members"] = [_member(o, f"Person {i}") for i, o in enumerate(orgs[:5])] + [
        _member(outsider, "Ute Utenfor"), _member(orgs[0], "Person 0")]
    with pytest.raises(ValidationFailed) as error:
        councils.elect_council(session, OWNER, "svarut", election)
    problems = {(e.row, e.message) for e in error.value.errors}
    assert (6, "Utsira har ikke tjenestevedlegg for SvarUt i kraft 01.01.2025, og er derfor ikke med i "
               "brukermøtet.") in problems
    assert (7, "Person 0 står også som medlem nummer 1.") in problems
    assert count(session, CouncilMember) == 0


def test_election_replaces_sitting_members_and_adding_beyond_eight_is_refused(session):
    orgs = _members_orgs(session)
    first = [_member(o, f"Første {i}", "chair" if i == 0 else "member") for i, o in enumerate(orgs[:6])]
    councils.elect_council(session, OWNER, "svarut", {"term_from": date(2023, 1, 1), "members": first})
    second = [_member(o, f"Andre {i}", "chair" if i == 0 else "member") for i, o in enumerate(orgs[2:9])]
    councils.elect_council(session, OWNER, "svarut", {"term_from": date(2025, 1, 1), "members": second})
    sitting = councils.member_rows(session, "svarut", date(2025, 6, 1))
    assert sorted(m["person_name"] for m in sitting) == sorted(f"Andre {i}" for i in range(7))
    history = councils.member_rows(session, "svarut", date(2025, 6, 1), include_past=True)
    assert {m["term_to"] for m in history if m["person_name"].startswith("Første")} == {date(2024, 12, 31)}
    councils.add_member(session, OWNER, "svarut", {**_member(orgs[0], "Åtte Åttende"), "term_from": date(2025, 3, 1)})
    with pytest.raises(RuleError, match="allerede 8 medlemmer"):
        councils.add_member(session, OWNER, "svarut", {**_member(orgs[1], "Ni Niende"), "term_from": date(2025, 3, 1)})
    outsider = municipality(session, "1151")
    with pytest.raises(RuleError, match="Utsira har ikke tjenestevedlegg for SvarUt"):
        councils.add_member(session, OWNER, "svarut", _member(outsider, "Ute Utenfor"))
    assert councils.council_problems(session, "svarut", date(2025, 6, 1)) == []


def test_council_problems_are_reported_in_plain_language(session):
    orgs = _members_orgs(session)
    assert councils.council_problems(session, "svarut") == ["SvarUt har ikke noe brukerråd ennå."]
    members = [_member(o, f"Person {i}") for i, o in enumerate(orgs[:5])]
    councils.elect_council(session, OWNER, "svarut", {"term_from": date(2025, 1, 1), "members": members})
    member = councils.member_rows(session, "svarut", date(2025, 2, 1))[0]
    councils.end_membership(session, OWNER, member["id"], date(2025, 1, 31), expected_version=member["version"])
    problems = councils.council_problems(session, "svarut", date(2025, 2, 1))
    assert problems == ["Brukerrådet må ha 5–8 medlemmer, men har 4 (krav: 5–8; varamedlemmer telles ikke).", "Brukerrådet har ingen leder."]


def test_meetings_with_numbered_decisions_and_permissions(session):
    orgs = _members_orgs(session)
    councils.elect_council(session, OWNER, "svarut", {"term_from": date(2025, 1, 1), "members": [
        _member(o, f"Person {i}", "chair" if i == 0 else "member") for i, o in enumerate(orgs[:5])]})
    meeting = councils.save_meeting(session, OWNER, "svarut", {
        "meeting_date": "12.03.2025", "title": "Møte 1/2025", "agenda": "1. Status", "minutes": "Kort møte.",
        "decisions": ["Referat godkjent.", "", "Veikartet tas til orientering."]})
    rows = councils.meeting_rows(session, "svarut")
    assert rows[0]["meeting_date"] == date(2025, 3, 12)
    assert rows[0]["decisions"] == ["Referat godkjent.", "Veikartet tas til orientering."]
    councils.save_meeting(session, OWNER, "svarut", {
        "meeting_date": date(2025, 3, 12), "title": "Møte 1/2025", "decisions": ["Bare ett vedtak."]},
        meeting_id=meeting.id, expected_version=meeting.version)
    assert councils.meeting_rows(session, "svarut")[0]["decisions"] == ["Bare ett vedtak."]
    with pytest.raises(PermissionDenied):
        councils.save_meeting(session, make_actor("product_owner", owned=("digisos",)), "svarut",
                              {"meeting_date": date(2025, 4, 1), "title": "Ikke mitt"})
    with pytest.raises(PermissionDenied):
        councils.add_member(session, make_actor("finance"), "svarut", _member(orgs[5], "Penger"))
