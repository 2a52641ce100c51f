"""User meetings (brukermøter): one per service and year, with everyone who has an agreement invited.

Section 8.2 of the department's description: everyone with an agreement to use a service meets in the
service's user meeting, which elects 5–8 representatives to the service's user council. Here a meeting is
held per service and year: its invitation list is every organisation with an appendix for the service in
force on the meeting day, with the contact the notice goes to (kept with the meeting, so the list shows
whom the notice went to even when appendices change later); attendance and minutes are recorded after the
meeting, and the election of the council (5–8 representatives and their deputies, who do not count toward
the 5–8) goes through `councils.elect_council`, the same rules as any election, with the members recorded
as elected at this meeting.

The council's balance: its representatives by county, by municipality size class and by kind of
organisation, with a warning when the council has no county municipality, or no municipality of a size
class, while the user meeting has some.

Size classes follow the population bands Statistics Norway uses for its municipality groups in KOSTRA
(the grouping per 2020, revised after the 2020 reform and still in force in 2024: "KOSTRA-gruppene",
ssb.no/offentlig-sektor/kostra); SSB's groups also use fixed costs and free income, which are not used
here, and its narrower bands are merged into five classes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from agreements.agreements import RuleError
from agreements.appendices import organisations_with_active_appendix
from agreements.councils import counts_toward_size, elect_council, member_rows, user_meeting
from agreements.models import CouncilMember, MemberRole, UserMeeting, UserMeetingInvitee
from agreements.schemas import ElectionIn, _to_date, check
from data.access import Actor
from data.crud import ensure_version, get_or_raise
from data.errors import RowError, ValidationFailed
from data.formatting import day
from data.i18n import t
from data.locking import lock_named, refusing_duplicates, unique_key
from data.registers.models import County, Organisation, OrganisationKind, Service
from data.registers.registry import get_service

ONE_PER_YEAR = unique_key(UserMeeting, "uq_agreement_user_meeting_service_id_year")


@dataclass(frozen=True)
class SizeClass:
    code: str
    low: int                 # inhabitants, inclusive
    high: int | None         # inclusive; None: no upper bound
    kostra_groups: str       # SSB's KOSTRA groups (per 2020) the class merges


# Municipality size classes from the population bands of SSB's KOSTRA grouping per 2020.
SIZE_CLASSES = (
    SizeClass("xs", 0, 1_999, "14–16"),
    SizeClass("s", 2_000, 9_999, "1–6"),
    SizeClass("m", 10_000, 29_999, "7–9"),
    SizeClass("l", 30_000, 74_999, "10–11"),
    SizeClass("xl", 75_000, None, "12–13"),
)
SIZE_SOURCE = "SSB, KOSTRA-gruppene (kommunegruppering per 2020), folkemengde-intervallene"


def size_class(population: int | None) -> str | None:
    """The size class of a municipality with `population` inhabitants (None when unknown)."""
    if population is None:
        return None
    for size in SIZE_CLASSES:
        if population >= size.low and (size.high is None or population <= size.high):
            return size.code
    return None


def size_label(code: str) -> str:
    return t(f"agr.size.{code}")


# How often a service's user meeting is held is not sourced: the department's description
# (../shared/department/000_bc5c35d95b8900cd.txt, section 8.2 "Brukermøter og brukerråd") says who meets in
# the user meeting and that it elects 5–8 representatives to the council, not how often it meets. So the first
# meeting of a service is not put a year off (there is no series to follow yet) but on the first weekday four
# weeks ahead: time to send the notice. Later meetings follow the series, one a year (ONE_PER_YEAR).
FIRST_MEETING_AHEAD = timedelta(weeks=4)


def first_meeting_date(today: date) -> date:
    """The default day of a service's first user meeting: the first weekday (Monday–Friday) four weeks ahead."""
    day_ = today + FIRST_MEETING_AHEAD
    while day_.weekday() >= 5:    # Saturday, Sunday
        day_ += timedelta(days=1)
    return day_


# --- what may come in ------------------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class UserMeetingIn(_In):
    service_code: str = Field(min_length=1)
    meeting_date: date
    title: str = Field(min_length=1, max_length=200)
    location: str = Field(default="", max_length=200)
    notice: str = Field(default="", max_length=20000)

    _dates = field_validator("meeting_date", mode="before")(_to_date)


class AttendanceIn(_In):
    organisation_id: int
    attended: bool = False
    representative: str = Field(default="", max_length=200)


class MeetingRecordIn(_In):
    """After the meeting: who came (one row per invited organisation that changed) and the minutes."""

    minutes: str = Field(default="", max_length=100000)
    attendance: list[AttendanceIn] = Field(default_factory=list)


# --- writes -----------------------------------------------------------------------------------------


def _lock_meetings(session: Session, service_code: str) -> None:
    lock_named(session, f"agreements.user_meeting.{service_code}")


def get_user_meeting(session: Session, meeting_id: int) -> UserMeeting:
    return get_or_raise(session, UserMeeting, meeting_id, "agr.um.not_found")


def _year_taken(session: Session, service: Service, year: int) -> RuleError:
    return RuleError(t("agr.um.year_taken", service=service.name, year=year), "meeting_date")


def create_user_meeting(session: Session, actor: Actor, payload) -> UserMeeting:
    """Call the year's user meeting: the invitation list is every organisation with an appendix for the
    service in force on the meeting day, with its contact e-mail."""
    data = check(UserMeetingIn, payload)
    actor.require("agreements.write", service=data.service_code)
    service = get_service(session, data.service_code)
    _lock_meetings(session, service.code)
    year = data.meeting_date.year
    if session.scalar(select(UserMeeting.id).where(UserMeeting.service_id == service.id, UserMeeting.year == year)):
        raise _year_taken(session, service, year)
    invited = organisations_with_active_appendix(session, service.code, data.meeting_date)
    if not invited:
        raise RuleError(t("agr.um.nobody", service=service.name, date=day(data.meeting_date)), "meeting_date")
    meeting = UserMeeting(service_id=service.id, year=year, meeting_date=data.meeting_date, title=data.title,
                          location=data.location, notice=data.notice, minutes="", created_by=actor.username)
    meeting.invitees = [UserMeetingInvitee(organisation_id=o.organisation_id, contact_email=o.contact_email,
                                           attended=False, representative="") for o in invited]
    with refusing_duplicates(session, (ONE_PER_YEAR,), lambda: _year_taken(session, service, year)):
        session.add(meeting)
        session.flush()
    return meeting


def update_user_meeting(session: Session, actor: Actor, meeting_id: int, payload,
                        expected_version: int | None = None) -> UserMeeting:
    """Change the date (within the same year), title, place or the notice's text."""
    meeting = get_user_meeting(session, meeting_id)
    actor.require("agreements.write", service=meeting.service.code)
    data = check(UserMeetingIn, {**(payload or {}), "service_code": meeting.service.code})
    _lock_meetings(session, meeting.service.code)
    session.refresh(meeting)
    ensure_version(meeting, expected_version, meeting.title)
    if data.meeting_date.year != meeting.year:
        raise RuleError(t("agr.um.other_year", year=meeting.year), "meeting_date")
    for key in ("meeting_date", "title", "location", "notice"):
        if getattr(meeting, key) != getattr(data, key):
            setattr(meeting, key, getattr(data, key))
    session.flush()
    return meeting


def record_meeting(session: Session, actor: Actor, meeting_id: int, payload,
                   expected_version: int | None = None) -> UserMeeting:
    """Record attendance and the minutes; all or nothing, every organisation not invited is named."""
    meeting = get_user_meeting(session, meeting_id)
    actor.require("agreements.write", service=meeting.service.code)
    data = check(MeetingRecordIn, payload)
    _lock_meetings(session, meeting.service.code)
    session.refresh(meeting)
    ensure_version(meeting, expected_version, meeting.title)
    invitees = {i.organisation_id: i for i in meeting.invitees}
    errors = []
    for number, row in enumerate(data.attendance, start=1):
        if row.organisation_id not in invitees:
            org = session.get(Organisation, row.organisation_id)
            errors.append(RowError(number, t("agr.col.organisation"), t(
                "agr.um.not_invited", name=org.name if org else f"#{row.organisation_id}", title=meeting.title)))
    if errors:
        raise ValidationFailed(errors)
    changed = False
    for row in data.attendance:
        invitee = invitees[row.organisation_id]
        representative = row.representative if row.attended else ""
        if (invitee.attended, invitee.representative) != (row.attended, representative):
            invitee.attended, invitee.representative = row.attended, representative
            changed = True
    if meeting.minutes != data.minutes:
        meeting.minutes = data.minutes
    elif changed:
        flag_modified(meeting, "minutes")   # attendance rows are children: move the meeting's version too
    session.flush()
    return meeting


def hold_election(session: Session, actor: Actor, meeting_id: int, payload) -> list[CouncilMember]:
    """The user meeting elects the service's council: 5–8 representatives and their deputies, each from
    an organisation on the meeting's invitation list. Goes through `councils.elect_council` (its rules,
    lock and all-or-nothing), recording the members as elected at this meeting."""
    meeting = get_user_meeting(session, meeting_id)
    actor.require("agreements.write", service=meeting.service.code)
    data = check(ElectionIn, payload)
    invited = {i.organisation_id for i in meeting.invitees}
    errors = []
    for number, member in enumerate(data.members, start=1):
        if member.organisation_id not in invited:
            org = session.get(Organisation, member.organisation_id)
            errors.append(RowError(number, t("agr.field.organisation_id"), t(
                "agr.um.not_invited", name=org.name if org else f"#{member.organisation_id}", title=meeting.title)))
    if data.term_from < meeting.meeting_date:
        errors.append(RowError(None, t("agr.field.term_from"), t("agr.um.term_before_meeting",
                                                                 date=day(meeting.meeting_date))))
    if errors:
        raise ValidationFailed(errors)
    return elect_council(session, actor, meeting.service.code, data, elected_at_id=meeting.id)


# --- reads ------------------------------------------------------------------------------------------


def user_meeting_rows(session: Session, service_code: str) -> list[dict]:
    """The service's user meetings, newest year first, with how many were invited, came and were elected."""
    service = get_service(session, service_code)
    invited = (select(UserMeetingInvitee.meeting_id, func.count().label("invited"),
                      func.sum(case((UserMeetingInvitee.attended.is_(True), 1), else_=0)).label("attended"))
               .group_by(UserMeetingInvitee.meeting_id).subquery())
    elected = (select(CouncilMember.elected_at_id, func.count().label("elected"))
               .where(CouncilMember.elected_at_id.is_not(None)).group_by(CouncilMember.elected_at_id).subquery())
    query = (select(UserMeeting.id, UserMeeting.year, UserMeeting.meeting_date, UserMeeting.title,
                    UserMeeting.location, UserMeeting.notice, UserMeeting.minutes, UserMeeting.version,
                    func.coalesce(invited.c.invited, 0).label("invited"),
                    func.coalesce(invited.c.attended, 0).label("attended"),
                    func.coalesce(elected.c.elected, 0).label("elected"))
             .outerjoin(invited, invited.c.meeting_id == UserMeeting.id)
             .outerjoin(elected, elected.c.elected_at_id == UserMeeting.id)
             .where(UserMeeting.service_id == service.id).order_by(UserMeeting.year.desc()))
    return [dict(r._mapping) for r in session.execute(query)]


def invitee_rows(session: Session, meeting_id: int) -> list[dict]:
    """The invitation list: organisation, kind, county, population, size class, contact, attendance."""
    query = (select(Organisation.id.label("organisation_id"), Organisation.org_number, Organisation.name,
                    Organisation.kind, Organisation.population, County.name.label("county"),
                    UserMeetingInvitee.contact_email, UserMeetingInvitee.attended, UserMeetingInvitee.representative)
             .join(Organisation, Organisation.id == UserMeetingInvitee.organisation_id)
             .outerjoin(County, County.number == Organisation.county_number)
             .where(UserMeetingInvitee.meeting_id == meeting_id).order_by(Organisation.name, Organisation.id))
    rows = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row["size_class"] = (size_class(row["population"]) if row["kind"] == OrganisationKind.MUNICIPALITY.value
                             else None)
        rows.append(row)
    return rows


def elected_rows(session: Session, meeting_id: int) -> list[dict]:
    query = (select(CouncilMember.person_name, CouncilMember.role, Organisation.name.label("organisation"),
                    CouncilMember.term_from, CouncilMember.term_to)
             .join(Organisation, Organisation.id == CouncilMember.organisation_id)
             .where(CouncilMember.elected_at_id == meeting_id)
             .order_by(CouncilMember.role == MemberRole.DEPUTY.value, CouncilMember.role != MemberRole.CHAIR.value,
                       CouncilMember.person_name))
    return [dict(r._mapping) for r in session.execute(query)]


def notice_rows(session: Session, meeting_id: int) -> tuple[UserMeeting, list[dict]]:
    """The meeting and one row per invited organisation, for the mail merge."""
    meeting = get_user_meeting(session, meeting_id)
    return meeting, invitee_rows(session, meeting_id)


def council_balance(session: Session, service_code: str, on_date: date | None = None) -> dict:
    """The sitting council's representatives (deputies shown beside them) by county, size class and kind,
    and warnings where the council lacks county municipalities or a size class the user meeting has."""
    members = member_rows(session, service_code, on_date)
    org_ids = {m["organisation_id"] for m in members}
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))} if org_ids \
        else {}
    counties = dict(session.execute(select(County.number, County.name)).all())
    by_county: dict[str, dict] = {}
    by_size = {s.code: {"size_class": s.code, "label": size_label(s.code), "members": 0, "deputies": 0}
               for s in SIZE_CLASSES}
    by_kind: dict[str, dict] = {}
    for member in members:
        org = orgs[member["organisation_id"]]
        which = "members" if counts_toward_size(member["role"]) else "deputies"
        county = counties.get(org.county_number, "–") if org.county_number else "–"
        by_county.setdefault(county, {"county": county, "members": 0, "deputies": 0})[which] += 1
        by_kind.setdefault(org.kind, {"kind": org.kind, "label": t(f"org.kind.{org.kind}"), "members": 0,
                                      "deputies": 0})[which] += 1
        if org.kind == OrganisationKind.MUNICIPALITY.value and size_class(org.population):
            by_size[size_class(org.population)][which] += 1
    warnings = []
    if members:
        meeting = user_meeting(session, service_code, on_date)
        meeting_kinds = {c.kind for c in meeting}
        has_county = by_kind.get(OrganisationKind.COUNTY_MUNICIPALITY.value, {}).get("members", 0)
        if not has_county and OrganisationKind.COUNTY_MUNICIPALITY.value in meeting_kinds:
            count = sum(1 for c in meeting if c.kind == OrganisationKind.COUNTY_MUNICIPALITY.value)
            warnings.append(t("agr.balance.no_county_municipality", count=count))
        meeting_sizes: dict[str, int] = {}
        for c in meeting:
            if c.kind == OrganisationKind.MUNICIPALITY.value and size_class(c.population):
                meeting_sizes[size_class(c.population)] = meeting_sizes.get(size_class(c.population), 0) + 1
        for size in SIZE_CLASSES:
            if not by_size[size.code]["members"] and meeting_sizes.get(size.code):
                warnings.append(t("agr.balance.no_size_class", size=size_label(size.code),
                                  count=meeting_sizes[size.code]))
    return {"members": sum(1 for m in members if counts_toward_size(m["role"])),
            "deputies": sum(1 for m in members if not counts_toward_size(m["role"])),
            "by_county": sorted(by_county.values(), key=lambda r: r["county"]),
            "by_size": list(by_size.values()),
            "by_kind": sorted(by_kind.values(), key=lambda r: r["label"]),
            "warnings": warnings}
