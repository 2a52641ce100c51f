"""User meetings (brukermøte) and user councils (brukerråd).

The user meeting of a service is derived: every organisation with an appendix in force (the meetings held
each year, their invitations, attendance, minutes and elections are in agreements/meetings.py). The council
is 5–8 representatives from those organisations, elected for a term, with deputies besides (deputies do not
count toward the 5–8: section 8.2 of the department's description elects 5–8 representatives); it meets, and its meetings
have an agenda, minutes and numbered decisions. A decision may name the change request it decides and
move it along its status path; the change requests awaiting the council are offered for the agenda.

Simultaneous product owners: every write to a service's council (the council itself, members, elections,
meetings and their decisions) first takes the service's council lock (`_lock_council`: a PostgreSQL
advisory lock, SQLite's write lock) and only then reads what its rules check (eight members at most,
a person once per term, one election per start date, the meeting's version). The database's keys (one
council per service, decision numbers unique per meeting) and the meeting's version refuse a writer that
took no lock; every loser gets a plain message.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from agreements.agreements import RuleError, today
from agreements.appendices import in_force_on, organisations_with_active_appendix
from agreements.change_requests import change_request_rows, save_change_request
from agreements.models import (
    ChangeRequest,
    ChangeRequestStatus,
    Council,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    MemberRole,
    ServiceAppendix,
)
from agreements.schemas import CouncilIn, DecisionIn, ElectionIn, MeetingIn, MemberIn, check
from data.access import Actor
from data.audit import latest_change
from data.crud import ensure_version, get_or_raise, not_found, scalar_or_raise
from data.errors import BackofficeError, PermissionDenied, RowError, ValidationFailed
from data.formatting import day
from data.i18n import t
from data.locking import lock_named, refusing_duplicates, unique_key
from data.registers.models import Organisation, Service
from data.registers.registry import get_organisation, get_service

MIN_MEMBERS = 5
MAX_MEMBERS = 8       # representatives (chair and members); deputies come on top


def counts_toward_size(role: str) -> bool:
    """Chair and members count toward the council's 5–8 representatives; deputies do not."""
    return role != MemberRole.DEPUTY.value
ONE_COUNCIL = unique_key(Council, "uq_agreement_council_service_id")
DECISION_NUMBER = unique_key(CouncilDecision, "uq_agreement_council_decision_meeting_id_number")


def _lock_council(session: Session, service_code: str) -> None:
    """One writer at a time on the service's council, taken before its rules read anything."""
    lock_named(session, f"agreements.council.{service_code}")


def _council_just_created(session: Session, service: Service) -> BackofficeError:
    council = get_council(session, service.code)
    change = latest_change(council) if council is not None else None
    return BackofficeError(t("agr.council.just_created", service=service.name, who=change.actor if change else "-"))


def _meeting_just_changed(session: Session, meeting_id: int | None, title: str) -> BackofficeError:
    meeting = session.get(CouncilMeeting, meeting_id) if meeting_id is not None else None
    change = latest_change(meeting) if meeting is not None else None
    return BackofficeError(t("agr.meeting.just_changed", title=title, who=change.actor if change else "-"))


def user_meeting(session: Session, service_code: str, on_date: date | None = None):
    """The user meeting: every organisation with an appendix in force for the service."""
    return organisations_with_active_appendix(session, service_code, on_date)


def get_council(session: Session, service_code: str) -> Council | None:
    return session.scalar(select(Council).join(Service, Service.id == Council.service_id)
                          .where(Service.code == service_code))


def require_council(session: Session, service_code: str) -> Council:
    council = get_council(session, service_code)
    if council is None:
        service = get_service(session, service_code)
        raise not_found("agr.council.missing", service=service.name)
    return council


def save_council(session: Session, actor: Actor, payload, expected_version: int | None = None) -> Council:
    data = check(CouncilIn, payload)
    actor.require("agreements.write", service=data.service_code)
    service = get_service(session, data.service_code)
    _lock_council(session, service.code)
    council = get_council(session, service.code)
    with refusing_duplicates(session, (ONE_COUNCIL,), lambda: _council_just_created(session, service)):
        if council is None:
            council = Council(service_id=service.id)
            session.add(council)
        else:
            session.refresh(council)
            ensure_version(council, expected_version, council.name)
        if council.name != data.name:
            council.name = data.name
        if council.mandate != data.mandate:
            council.mandate = data.mandate
    return council


def _ensure_council(session: Session, service: Service) -> Council:
    council = get_council(session, service.code)
    if council is None:
        with refusing_duplicates(session, (ONE_COUNCIL,), lambda: _council_just_created(session, service)):
            council = Council(service_id=service.id, name=t("agr.council.default_name", service=service.name),
                              mandate="")
            session.add(council)
    return council


def _is_member_organisation(session: Session, service: Service, organisation_id: int, on_date: date) -> bool:
    return session.scalar(select(func.count()).select_from(ServiceAppendix).where(
        ServiceAppendix.service_id == service.id, ServiceAppendix.organisation_id == organisation_id,
        in_force_on(on_date))) > 0


def _overlapping(session: Session, council: Council, start: date, end: date | None, exclude: int | None = None):
    query = select(CouncilMember).where(
        CouncilMember.council_id == council.id, CouncilMember.term_from <= (end or date.max),
        or_(CouncilMember.term_to.is_(None), CouncilMember.term_to >= start))
    if exclude is not None:
        query = query.where(CouncilMember.id != exclude)
    return list(session.scalars(query))


def _max_concurrent(members: list[CouncilMember], start: date, end: date | None) -> int:
    """The largest number of these members sitting on the same day within [start, end]."""
    points = {start} | {m.term_from for m in members if start <= m.term_from <= (end or date.max)}
    return max(sum(1 for m in members if m.term_from <= p and (m.term_to is None or m.term_to >= p))
               for p in points)


def add_member(session: Session, actor: Actor, service_code: str, payload) -> CouncilMember:
    """Add one representative; refused when the organisation is not in the user meeting or the
    council would have more than 8 members."""
    data = check(MemberIn, payload)
    actor.require("agreements.write", service=service_code)
    service = get_service(session, service_code)
    _lock_council(session, service.code)
    council = _ensure_council(session, service)
    org = get_organisation(session, data.organisation_id)
    if not _is_member_organisation(session, service, org.id, data.term_from):
        raise RuleError(t("agr.council.not_in_user_meeting", name=org.name, service=service.name,
                          date=day(data.term_from)), "organisation_id")
    others = _overlapping(session, council, data.term_from, data.term_to)
    if any(m.person_name.lower() == data.person_name.lower() for m in others):
        raise RuleError(t("agr.council.already_member", person=data.person_name), "person_name")
    voting = [m for m in others if counts_toward_size(m.role)]
    if (counts_toward_size(data.role.value) and voting
            and _max_concurrent(voting, data.term_from, data.term_to) >= MAX_MEMBERS):
        raise RuleError(t("agr.council.too_many", max=MAX_MEMBERS), "person_name")
    member = CouncilMember(council_id=council.id, person_name=data.person_name,
                           email=str(data.email) if data.email else None, organisation_id=org.id,
                           role=data.role.value, term_from=data.term_from, term_to=data.term_to)
    session.add(member)
    session.flush()
    return member


def end_membership(session: Session, actor: Actor, member_id: int, term_to: date,
                   expected_version: int | None = None) -> CouncilMember:
    member = get_or_raise(session, CouncilMember, member_id, "agr.council.member_not_found")
    council = session.get(Council, member.council_id)
    actor.require("agreements.write", service=council.service.code)
    _lock_council(session, council.service.code)
    session.refresh(member)
    ensure_version(member, expected_version, member.person_name)
    if term_to < member.term_from:
        raise RuleError(t("error.end_before_start"), "term_to")
    member.term_to = term_to
    session.flush()
    return member


def elect_council(session: Session, actor: Actor, service_code: str, payload,
                  elected_at_id: int | None = None) -> list[CouncilMember]:
    """The user meeting elects a whole council (5–8 representatives from member organisations, and their
    deputies, who do not count toward the 5–8) for a term; the sitting members' terms end the day before.
    All or nothing: every problem is listed. `elected_at_id` names the user meeting that held the election
    (agreements/meetings.py)."""
    actor.require("agreements.write", service=service_code)
    data = check(ElectionIn, payload)
    service = get_service(session, service_code)
    errors: list[RowError] = []
    voting = sum(1 for m in data.members if counts_toward_size(m.role.value))
    if not MIN_MEMBERS <= voting <= MAX_MEMBERS:
        errors.append(RowError(None, None, t("agr.council.size", count=voting, min=MIN_MEMBERS,
                                             max=MAX_MEMBERS)))
    seen: dict[str, int] = {}
    for number, member in enumerate(data.members, start=1):
        org = session.get(Organisation, member.organisation_id)
        if org is None:
            errors.append(RowError(number, t("agr.field.organisation_id"), t("org.not_found",
                                                                            id=member.organisation_id)))
        elif not _is_member_organisation(session, service, org.id, data.term_from):
            errors.append(RowError(number, t("agr.field.organisation_id"), t(
                "agr.council.not_in_user_meeting", name=org.name, service=service.name, date=day(data.term_from))))
        key = member.person_name.lower()
        if key in seen:
            errors.append(RowError(number, t("agr.field.person_name"),
                                   t("agr.council.duplicate_person", person=member.person_name, other=seen[key])))
        seen.setdefault(key, number)
    chairs = sum(1 for m in data.members if m.role == MemberRole.CHAIR)
    if chairs > 1:
        errors.append(RowError(None, t("agr.field.role"), t("agr.council.one_chair")))
    if errors:
        raise ValidationFailed(errors)
    _lock_council(session, service.code)
    council = _ensure_council(session, service)
    for sitting in _overlapping(session, council, data.term_from, None):
        if sitting.term_from >= data.term_from:
            raise RuleError(t("agr.council.term_taken", person=sitting.person_name, date=day(sitting.term_from)),
                            "term_from")
        sitting.term_to = data.term_from - timedelta(days=1)
    elected = []
    for member in data.members:
        row = CouncilMember(council_id=council.id, person_name=member.person_name,
                            email=str(member.email) if member.email else None,
                            organisation_id=member.organisation_id, role=member.role.value,
                            term_from=data.term_from, term_to=data.term_to, elected_at_id=elected_at_id)
        session.add(row)
        elected.append(row)
    session.flush()
    return elected


def member_rows(session: Session, service_code: str, on_date: date | None = None,
                include_past: bool = False) -> list[dict]:
    council = get_council(session, service_code)
    if council is None:
        return []
    on = on_date or today()
    service = get_service(session, service_code)
    in_meeting = select(ServiceAppendix.organisation_id).where(ServiceAppendix.service_id == service.id,
                                                               in_force_on(on))
    query = (
        select(CouncilMember.id, CouncilMember.person_name, CouncilMember.email, CouncilMember.role,
               Organisation.name.label("organisation"), CouncilMember.organisation_id, CouncilMember.term_from,
               CouncilMember.term_to, CouncilMember.version,
               CouncilMember.organisation_id.in_(in_meeting).label("in_user_meeting"))
        .join(Organisation, Organisation.id == CouncilMember.organisation_id)
        .where(CouncilMember.council_id == council.id)
        .order_by(CouncilMember.term_from.desc(), CouncilMember.role, CouncilMember.person_name)
    )
    if not include_past:
        query = query.where(CouncilMember.term_from <= on,
                            or_(CouncilMember.term_to.is_(None), CouncilMember.term_to >= on))
    rows = []
    for r in session.execute(query):
        row = dict(r._mapping)
        row["in_user_meeting"] = bool(row["in_user_meeting"])
        row["sitting"] = row["term_from"] <= on and (row["term_to"] is None or row["term_to"] >= on)
        rows.append(row)
    return rows


def council_problems(session: Session, service_code: str, on_date: date | None = None) -> list[str]:
    """What is wrong with the sitting council today, in plain language (empty when all is well)."""
    council = get_council(session, service_code)
    if council is None:
        return [t("agr.council.missing", service=get_service(session, service_code).name)]
    sitting = member_rows(session, service_code, on_date)
    problems = []
    voting = sum(1 for m in sitting if counts_toward_size(m["role"]))
    if not MIN_MEMBERS <= voting <= MAX_MEMBERS:
        problems.append(t("agr.council.size", count=voting, min=MIN_MEMBERS, max=MAX_MEMBERS))
    for member in sitting:
        if not member["in_user_meeting"]:
            problems.append(t("agr.council.left_user_meeting", person=member["person_name"],
                              name=member["organisation"]))
    if sitting and not any(m["role"] == MemberRole.CHAIR.value for m in sitting):
        problems.append(t("agr.council.no_chair"))
    return problems


# --- meetings -----------------------------------------------------------------------------------


def _council_meeting(session: Session, council: Council, meeting_id: int) -> CouncilMeeting:
    """One of this council's meetings (another council's meeting is not found either)."""
    return scalar_or_raise(session, select(CouncilMeeting).where(CouncilMeeting.id == meeting_id,
                                                                 CouncilMeeting.council_id == council.id),
                           "agr.meeting.not_found", id=meeting_id)


def save_meeting(session: Session, actor: Actor, service_code: str, payload, meeting_id: int | None = None,
                 expected_version: int | None = None) -> CouncilMeeting:
    """Create or update a council meeting; `decisions` replaces the meeting's numbered decisions.

    A decision may name the change request it decides (one of the council's own service) and a status to
    move that request to. The move goes through `change_requests.save_change_request`, so the status
    path, its rules and the permission check apply and the audit log records it. All or nothing: a
    refused link or move leaves the meeting, its decisions and every change request as they were.
    """
    actor.require("agreements.write", service=service_code)
    data = check(MeetingIn, payload)
    _lock_council(session, service_code)
    council = require_council(session, service_code)
    requests = _linked_requests(session, council, data.decisions)
    if meeting_id is not None:
        meeting = _council_meeting(session, council, meeting_id)
        ensure_version(meeting, expected_version, meeting.title)
    # a savepoint: a refused status move undoes the meeting's changes too; a decision number or meeting
    # version taken meanwhile by a writer without the lock is refused plainly
    with refusing_duplicates(session, (DECISION_NUMBER,), lambda: _meeting_just_changed(session, meeting_id, data.title),
                             stale=True):
        if meeting_id is None:
            meeting = CouncilMeeting(council_id=council.id)
            session.add(meeting)
        for key in ("meeting_date", "title", "location", "agenda", "minutes"):
            if getattr(meeting, key) != getattr(data, key):
                setattr(meeting, key, getattr(data, key))
        if _replace_decisions(meeting, data.decisions) and meeting_id is not None:
            flag_modified(meeting, "title")  # decisions are child rows: move the meeting's version too
        session.flush()
        for number, decision in enumerate(data.decisions, start=1):
            if decision.new_status is not None:
                _move_request(session, actor, meeting, number, decision, requests[number])
    return meeting


def _linked_requests(session: Session, council: Council, decisions: list[DecisionIn]) -> dict[int, ChangeRequest]:
    """The change request each decision names, by decision number; every problem listed, nothing written."""
    errors: list[RowError] = []
    found: dict[int, ChangeRequest] = {}
    request_field = t("agr.field.change_request_id")
    for number, decision in enumerate(decisions, start=1):
        if not decision.text:
            errors.append(RowError(None, t("agr.field.decisions"), t("agr.decision.text_missing", number=number)))
        if decision.change_request_id is None:
            if decision.new_status is not None:
                errors.append(RowError(None, request_field, t("agr.decision.status_needs_request", number=number)))
            continue
        request = session.get(ChangeRequest, decision.change_request_id)
        if request is None:
            errors.append(RowError(None, request_field, t("agr.decision.request_not_found", number=number,
                                                          id=decision.change_request_id)))
        elif request.service_id != council.service_id:
            errors.append(RowError(None, request_field, t(
                "agr.decision.request_other_service", number=number, id=request.id, title=request.title,
                other=request.service.name, service=council.service.name)))
        else:
            found[number] = request
    if errors:
        raise ValidationFailed(errors)
    return found


def _replace_decisions(meeting: CouncilMeeting, decisions: list[DecisionIn]) -> bool:
    """Number the decisions 1, 2, ...; rows whose number stays are updated in place, extra rows removed.
    True when anything changed."""
    existing = {d.number: d for d in meeting.decisions}
    changed = False
    for number, decision in enumerate(decisions, start=1):
        row = existing.pop(number, None)
        if row is None:
            meeting.decisions.append(CouncilDecision(number=number, text=decision.text,
                                                     change_request_id=decision.change_request_id))
            changed = True
            continue
        if row.text != decision.text:
            row.text, changed = decision.text, True
        if row.change_request_id != decision.change_request_id:
            row.change_request_id, changed = decision.change_request_id, True
    for row in existing.values():
        meeting.decisions.remove(row)
        changed = True
    return changed


def _move_request(session: Session, actor: Actor, meeting: CouncilMeeting, number: int, decision: DecisionIn,
                  request: ChangeRequest) -> None:
    """Move the change request to the decided status through the change requests' own door.

    A rejection needs a reason; when the request has no assessment yet, the decision is the reason."""
    status = decision.new_status.value
    if request.status == status:
        return
    assessment = request.assessment
    if status == ChangeRequestStatus.REJECTED.value and not (assessment or "").strip():
        assessment = t("agr.decision.rejection_reason", date=day(meeting.meeting_date), number=number,
                       text=decision.text)
    payload = {"service_code": request.service.code, "organisation_id": request.organisation_id,
               "title": request.title, "description": request.description, "submitted_by": request.submitted_by,
               "submitted_on": request.submitted_on, "status": status, "council_priority": request.council_priority,
               "assessment": assessment, "roadmap_item_id": request.roadmap_item_id}
    try:
        save_change_request(session, actor, payload, request_id=request.id, expected_version=request.version)
    except PermissionDenied:
        raise
    except BackofficeError as error:
        reason = ("; ".join(e.message for e in error.errors) if isinstance(error, ValidationFailed)
                  else error.message)
        raise RuleError(t("agr.decision.move_refused", number=number, id=request.id, title=request.title,
                          reason=reason), "decisions") from error


def delete_meeting(session: Session, actor: Actor, service_code: str, meeting_id: int,
                   expected_version: int | None = None) -> None:
    actor.require("agreements.write", service=service_code)
    _lock_council(session, service_code)
    council = require_council(session, service_code)
    meeting = _council_meeting(session, council, meeting_id)
    ensure_version(meeting, expected_version, meeting.title)
    session.delete(meeting)
    session.flush()


def meeting_rows(session: Session, service_code: str) -> list[dict]:
    """The council's meetings, newest first; `decisions` are the texts, `decision_rows` carry the linked
    change request (id, title, status) as well."""
    council = get_council(session, service_code)
    if council is None:
        return []
    meetings = session.scalars(select(CouncilMeeting).where(CouncilMeeting.council_id == council.id)
                               .order_by(CouncilMeeting.meeting_date.desc()))
    rows = {m.id: {"id": m.id, "meeting_date": m.meeting_date, "title": m.title, "location": m.location,
                   "agenda": m.agenda, "minutes": m.minutes, "version": m.version, "decisions": [],
                   "decision_rows": []} for m in meetings}
    decisions = session.execute(
        select(CouncilDecision.meeting_id, CouncilDecision.number, CouncilDecision.text,
               CouncilDecision.change_request_id, ChangeRequest.title.label("change_request_title"),
               ChangeRequest.status.label("change_request_status"))
        .join(CouncilMeeting, CouncilMeeting.id == CouncilDecision.meeting_id)
        .outerjoin(ChangeRequest, ChangeRequest.id == CouncilDecision.change_request_id)
        .where(CouncilMeeting.council_id == council.id)
        .order_by(CouncilDecision.meeting_id, CouncilDecision.number))
    for d in decisions:
        row = dict(d._mapping)
        rows[row.pop("meeting_id")]["decision_rows"].append(row)
    for row in rows.values():
        row["decisions"] = [d["text"] for d in row["decision_rows"]]
    return list(rows.values())


def decisions_for_change_request(session: Session, request_id: int) -> list[dict]:
    """The council decisions that dealt with one change request, oldest first."""
    query = (
        select(CouncilMeeting.meeting_date, CouncilMeeting.title.label("meeting_title"), CouncilDecision.number,
               CouncilDecision.text)
        .join(CouncilMeeting, CouncilMeeting.id == CouncilDecision.meeting_id)
        .where(CouncilDecision.change_request_id == request_id)
        .order_by(CouncilMeeting.meeting_date, CouncilDecision.number)
    )
    return [dict(r._mapping) for r in session.execute(query)]


def decision_references(session: Session, request_ids: tuple[int, ...]) -> dict[int, str]:
    """For each change request with council decisions: "12.03.2025 (2); 17.09.2025 (1)" (date, decision number)."""
    if not request_ids:
        return {}
    query = (
        select(CouncilDecision.change_request_id, CouncilMeeting.meeting_date, CouncilDecision.number)
        .join(CouncilMeeting, CouncilMeeting.id == CouncilDecision.meeting_id)
        .where(CouncilDecision.change_request_id.in_(request_ids))
        .order_by(CouncilMeeting.meeting_date, CouncilDecision.number)
    )
    references: dict[int, list[str]] = {}
    for request_id, meeting_date, number in session.execute(query):
        references.setdefault(request_id, []).append(t("agr.decision.reference", date=day(meeting_date),
                                                       number=number))
    return {request_id: "; ".join(refs) for request_id, refs in references.items()}


# Change requests wait for the council once the product team has assessed them: the council then
# prioritises them and decides whether they are planned on the roadmap or rejected.
AWAITING_COUNCIL = (ChangeRequestStatus.ASSESSED.value,)


def awaiting_council(session: Session, service_code: str) -> list[dict]:
    """The service's open change requests awaiting the council, most important first."""
    return change_request_rows(session, service_code, AWAITING_COUNCIL)


def agenda_suggestion(session: Session, service_code: str) -> str:
    """An agenda item listing the change requests awaiting the council ("" when there are none)."""
    rows = awaiting_council(session, service_code)
    if not rows:
        return ""
    lines = [t("agr.agenda.heading")]
    for row in rows:
        details = [row["organisation"]] if row["organisation"] else []
        if row["council_priority"]:
            details.append(t("agr.agenda.priority", priority=row["council_priority"]))
        line = t("agr.agenda.item", id=row["id"], title=row["title"])
        lines.append(f"- {line} ({', '.join(details)})" if details else f"- {line}")
    return "\n".join(lines)


def council_overview(session: Session) -> list[dict]:
    """Per service with a council: sitting members today and the next/last meeting."""
    on = today()
    sitting = (select(CouncilMember.council_id, func.count().label("members"))
               .where(CouncilMember.term_from <= on, or_(CouncilMember.term_to.is_(None), CouncilMember.term_to >= on),
                      CouncilMember.role != MemberRole.DEPUTY.value)
               .group_by(CouncilMember.council_id).subquery())
    last = (select(CouncilMeeting.council_id, func.max(CouncilMeeting.meeting_date).label("last_meeting"))
            .where(CouncilMeeting.meeting_date <= on).group_by(CouncilMeeting.council_id).subquery())
    upcoming = (select(CouncilMeeting.council_id, func.min(CouncilMeeting.meeting_date).label("next_meeting"))
                .where(CouncilMeeting.meeting_date > on).group_by(CouncilMeeting.council_id).subquery())
    query = (
        select(Service.code, Service.name.label("service"), Council.name,
               func.coalesce(sitting.c.members, 0).label("members"), last.c.last_meeting, upcoming.c.next_meeting)
        .join(Service, Service.id == Council.service_id)
        .outerjoin(sitting, sitting.c.council_id == Council.id)
        .outerjoin(last, last.c.council_id == Council.id)
        .outerjoin(upcoming, upcoming.c.council_id == Council.id)
        .order_by(Service.name)
    )
    return [dict(r._mapping) for r in session.execute(query)]
