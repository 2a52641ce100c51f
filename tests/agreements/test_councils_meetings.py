"""Issue 22, item 6: a user meeting per service and year (invitations, attendance, minutes), the election of
5–8 representatives and their deputies (deputies do not count), the council's balance, the notices."""
import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from agreements import councils, exports, meetings
from agreements.agreements import RuleError
from agreements.models import CouncilMember, UserMeeting
from data.audit import AuditEntry
from data.errors import PermissionDenied, ValidationFailed
from data.registers.models import County
from tests.agreements.helpers import OWNER, add_appendix, county_municipality, municipality, sign_main
from tests.conftest import make_actor

# Oslo and Bergen (75 000 or more), Ålesund and Bodø (30 000–74 999), Midt-Telemark (10 000–29 999),
# Herøy (Møre og Romsdal) and Alstahaug (2 000–9 999), and Vestland county municipality
NUMBERS = ("0301", "4601", "1508", "1804", "4020", "1515", "1820")


@pytest.fixture
def orgs(session):
    found = {n: municipality(session, n) for n in NUMBERS}
    found["vestland"] = county_municipality(session, "46")
    found["1151"] = municipality(session, "1151")          # Utsira (215): its appendix ended in 2019
    for key, org in found.items():
        sign_main(session, org)
        if key == "1151":
            add_appendix(session, org, "svarut", date(2017, 1, 1), date(2019, 12, 31))
        else:
            add_appendix(session, org, "svarut", date(2020, 1, 1))
    found["0301"].contact_email = "=HYPERLINK(\"http://x\")@oslo.kommune.no"
    session.flush()
    return found


def _meeting(session, **extra):
    return meetings.create_user_meeting(session, OWNER, {
        "service_code": "svarut", "meeting_date": date(2025, 4, 2), "title": "Brukermøte SvarUt 2025",
        "location": "Teams", "notice": "Saksliste:\n1. Status\n\n2. Valg", **extra})


def _member(org, name, role="member"):
    return {"person_name": name, "organisation_id": org.id, "role": role, "term_from": date(2025, 5, 1)}


def test_the_invitation_list_is_everyone_with_an_appendix_in_force_with_contact(session, orgs):
    meeting = _meeting(session)
    rows = meetings.invitee_rows(session, meeting.id)
    assert sorted(r["organisation_id"] for r in rows) == sorted(o.id for k, o in orgs.items() if k != "1151")
    oslo = next(r for r in rows if r["organisation_id"] == orgs["0301"].id)
    assert (oslo["contact_email"], oslo["size_class"], oslo["attended"]) == (
        "=HYPERLINK(\"http://x\")@oslo.kommune.no", "xl", False)
    vestland = next(r for r in rows if r["organisation_id"] == orgs["vestland"].id)
    assert (vestland["kind"], vestland["size_class"]) == ("county_municipality", None)
    with pytest.raises(RuleError, match="SvarUt har allerede et brukermøte i 2025."):
        _meeting(session, meeting_date=date(2025, 11, 5), title="Brukermøte nummer to")
    with pytest.raises(RuleError, match="Ingen virksomheter har tjenestevedlegg for Digisos i kraft 02.04.2025"):
        meetings.create_user_meeting(session, OWNER, {"service_code": "digisos", "meeting_date": date(2025, 4, 2),
                                                      "title": "Brukermøte Digisos"})
    with pytest.raises(PermissionDenied):
        meetings.create_user_meeting(session, make_actor("product_owner", owned=("digisos",)), {
            "service_code": "svarut", "meeting_date": date(2026, 4, 2), "title": "Brukermøte 2026"})
    with pytest.raises(RuleError, match="Brukermøtet for 2025 må holdes i 2025."):
        meetings.update_user_meeting(session, OWNER, meeting.id, {"meeting_date": date(2026, 1, 5),
                                                                 "title": "Brukermøte SvarUt 2025"})


def test_attendance_and_minutes_are_recorded_all_or_nothing_and_audited(session, orgs):
    meeting = _meeting(session)
    version = meeting.version
    with pytest.raises(ValidationFailed) as error:
        meetings.record_meeting(session, OWNER, meeting.id, {"minutes": "Kort møte.", "attendance": [
            {"organisation_id": orgs["4601"].id, "attended": True, "representative": "Kari Nordmann"},
            {"organisation_id": orgs["1151"].id, "attended": True, "representative": "Ola Utsira"}]})
    assert [(e.row, e.message) for e in error.value.errors] == [
        (2, "Utsira er ikke invitert til «Brukermøte SvarUt 2025»."), ]
    assert meetings.user_meeting_rows(session, "svarut")[0]["attended"] == 0
    session.info["actor"] = OWNER
    meetings.record_meeting(session, OWNER, meeting.id, {"minutes": "Valg av nytt brukerråd.", "attendance": [
        {"organisation_id": orgs["4601"].id, "attended": True, "representative": "Kari Nordmann"},
        {"organisation_id": orgs["1508"].id, "attended": False, "representative": "Skal ikke lagres"}]},
        expected_version=version)
    session.flush()
    row = meetings.user_meeting_rows(session, "svarut")[0]
    assert (row["invited"], row["attended"], row["minutes"]) == (8, 1, "Valg av nytt brukerråd.")
    assert {r["organisation_id"]: r["representative"] for r in meetings.invitee_rows(session, meeting.id)
            if r["attended"] or r["representative"]} == {orgs["4601"].id: "Kari Nordmann"}
    entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "agreement_user_meeting_invitee",
                                                       AuditEntry.action == "update")).all()
    assert [e.actor for e in entries] == ["po"]
    assert json.loads(entries[0].changes)["representative"] == {"before": "", "after": "Kari Nordmann"}


def test_the_meeting_elects_five_to_eight_and_deputies_do_not_count(session, orgs):
    meeting = _meeting(session)
    four_and_three = [_member(orgs["0301"], "Anne Leder", "chair")] + [
        _member(orgs[n], f"Medlem {n}") for n in ("4601", "1508", "1804")] + [
        _member(orgs[n], f"Vara {n}", "deputy") for n in ("4020", "1515", "1820")]
    with pytest.raises(ValidationFailed) as error:
        meetings.hold_election(session, OWNER, meeting.id, {"term_from": date(2025, 5, 1), "members": four_and_three})
    assert error.value.errors[0].message == ("Brukerrådet må ha 5–8 medlemmer, men har 4 (krav: 5–8; "
                                             "varamedlemmer telles ikke).")
    outsider = [*four_and_three, _member(orgs["1151"], "Ute Utenfor")]
    with pytest.raises(ValidationFailed) as error:
        meetings.hold_election(session, OWNER, meeting.id, {"term_from": date(2025, 5, 1), "members": outsider})
    assert [(e.row, e.message) for e in error.value.errors] == [
        (8, "Utsira er ikke invitert til «Brukermøte SvarUt 2025».")]
    elected = meetings.hold_election(session, OWNER, meeting.id, {"term_from": date(2025, 5, 1), "members": [
        *four_and_three[:4], _member(orgs["1515"], "Medlem Herøy"),
        _member(orgs["1820"], "Vara Alstahaug", "deputy"), _member(orgs["4020"], "Vara Midt-Telemark", "deputy")]})
    assert len(elected) == 7 and {m.elected_at_id for m in elected} == {meeting.id}
    assert councils.council_problems(session, "svarut", date(2025, 6, 1)) == []
    assert [(r["person_name"], r["role"]) for r in meetings.elected_rows(session, meeting.id)][:2] == [
        ("Anne Leder", "chair"), ("Medlem 1508", "member")]
    assert meetings.user_meeting_rows(session, "svarut")[0]["elected"] == 7
    # three more members make eight representatives; a deputy on top is still allowed, a ninth member is not
    for key, name in (("vestland", "Medlem Vestland"), ("4020", "Medlem Telemark"), ("1820", "Medlem Alstahaug")):
        councils.add_member(session, OWNER, "svarut", {**_member(orgs[key], name), "term_from": date(2025, 6, 1)})
    councils.add_member(session, OWNER, "svarut", {**_member(orgs["4601"], "Vara Bergen", "deputy"),
                                                   "term_from": date(2025, 6, 1)})
    with pytest.raises(RuleError, match="allerede 8 medlemmer i denne perioden \\(varamedlemmer ikke medregnet\\)"):
        councils.add_member(session, OWNER, "svarut", {**_member(orgs["1804"], "Medlem ni"),
                                                       "term_from": date(2025, 6, 1)})
    assert session.scalar(select(CouncilMember).where(CouncilMember.person_name == "Medlem ni")) is None


def test_an_election_cannot_start_before_its_meeting_and_other_owners_are_refused(session, orgs):
    meeting = _meeting(session)
    members = [_member(orgs[n], f"Person {n}") for n in NUMBERS[:5]]
    with pytest.raises(ValidationFailed, match=r"Valgperioden kan ikke starte før brukermøtet \(02.04.2025\)"):
        meetings.hold_election(session, OWNER, meeting.id, {"term_from": date(2025, 1, 1), "members": [
            {**m, "term_from": date(2025, 1, 1)} for m in members]})
    with pytest.raises(PermissionDenied):
        meetings.hold_election(session, make_actor("product_owner", owned=("digisos",)), meeting.id,
                               {"term_from": date(2025, 5, 1), "members": members})
    assert session.scalar(select(CouncilMember.id)) is None


def test_council_balance_by_county_size_and_kind_warns_about_what_is_missing(session, orgs):
    meeting = _meeting(session)
    meetings.hold_election(session, OWNER, meeting.id, {"term_from": date(2025, 5, 1), "members": [
        _member(orgs["0301"], "Anne Leder", "chair"), _member(orgs["4601"], "Bo Bergen"),
        _member(orgs["1508"], "Åse Ålesund"), _member(orgs["1804"], "Bjørn Bodø"), _member(orgs["1515"], "Hege Herøy"),
        _member(orgs["1820"], "Vara Alstahaug", "deputy"), _member(orgs["4020"], "Vara Telemark", "deputy")]})
    balance = meetings.council_balance(session, "svarut", date(2025, 6, 1))
    assert (balance["members"], balance["deputies"]) == (5, 2)
    assert {r["size_class"]: (r["members"], r["deputies"]) for r in balance["by_size"]} == {
        "xs": (0, 0), "s": (1, 1), "m": (0, 1), "l": (2, 0), "xl": (2, 0)}
    assert [(r["kind"], r["members"], r["deputies"]) for r in balance["by_kind"]] == [("municipality", 5, 2)]
    names = dict(session.execute(select(County.number, County.name)).all())
    assert {r["county"]: (r["members"], r["deputies"]) for r in balance["by_county"]} == {
        names["03"]: (1, 0), names["46"]: (1, 0), names["15"]: (2, 0), names["18"]: (1, 1), names["40"]: (0, 1)}
    # Utsira (under 2 000) is not in the user meeting: no warning for that class
    assert balance["warnings"] == [
        "Ingen fylkeskommune er representert i brukerrådet, men brukermøtet har 1.",
        "Ingen kommune med 10 000–29 999 innbyggere er representert i brukerrådet, men brukermøtet har 1."]
    empty = meetings.council_balance(session, "digisos")
    assert (empty["members"], empty["by_county"], empty["by_kind"], empty["warnings"]) == (0, [], [], [])


def test_size_classes_follow_ssbs_population_bands():
    assert [meetings.size_class(n) for n in (None, 0, 1_999, 2_000, 9_999, 10_000, 29_999, 30_000, 74_999,
                                             75_000, 717_710)] == [
        None, "xs", "xs", "s", "s", "m", "m", "l", "l", "xl", "xl"]
    assert "KOSTRA" in meetings.SIZE_SOURCE


def test_notices_as_formula_safe_csv_and_one_printable_letter_per_organisation(session, orgs):
    meeting = _meeting(session)
    text = exports.notice_csv(session, meeting.id).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["Organisasjonsnummer", "Virksomhet", "Type", "Fylke", "Kontakt-e-post"]
    assert len(rows) == 1 + 8
    oslo = next(r for r in rows if r[1] == "Oslo")
    assert oslo[0] == "958935420" and oslo[4] == "'=HYPERLINK(\"http://x\")@oslo.kommune.no"
    assert oslo[7] == "02.04.2025" and oslo[8] == "Teams"
    letters = exports.notice_letters_html(session, meeting.id)
    assert letters.count("<section class='letter'>") == 8
    assert "page-break-after:always" in letters
    assert "=HYPERLINK(&quot;http://x&quot;)@oslo.kommune.no" in letters
    assert "<p>2. Valg</p>" in letters and "inviteres til brukermøtet 02.04.2025, Teams" in letters
    assert session.scalar(select(UserMeeting.notice)) == "Saksliste:\n1. Status\n\n2. Valg"
