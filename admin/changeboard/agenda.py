"""The weekly agenda, built from four sources (operations, management, support, projects), and the minutes.

Sections, in this order (each item appears once; where two sections would list it, the one that
asks the board to act wins: decision, emergency review, post-implementation review, planned, new):

1. new        items registered since the last meeting (from its day up to the day before this one)
2. decision   normal changes assessed and waiting for a decision, ranked by risk × impact, then risk
3. planned    approved and scheduled changes starting in the next weeks, with their conflicts
4. emergency  emergency changes decided between meetings, to be reviewed by the board
5. pir        implemented normal changes due a post-implementation review
6. security   open security incidents from support (a fixed point, also when there are none)
7. cross      cross-cutting topics (security, architecture) that are open
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from admin.changeboard import changes as cb
from admin.changeboard.models import (
    ChangeDecision,
    ChangeItem,
    ChangeMeeting,
    ChangeStatus,
    ChangeTopic,
    ChangeType,
    DecisionOutcome,
)
from admin.changeboard.schemas import DecisionIn, MeetingIn, TopicIn
from data.access import Actor
from data.appspec import Fact, Kpi
from data.crud import ensure_version, get_or_raise, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.formatting import OSLO, day, number
from data.i18n import t
from data.support.models import SupportTicket
from data.support.tickets import get_ticket, open_security_incidents

SECTIONS = ("new", "decision", "planned", "emergency", "pir", "security", "cross")
DEFAULT_WEEKS_AHEAD = 4
S = ChangeStatus
# Outcome recorded in the minutes -> status the item moves to.
OUTCOME_STATUS = {DecisionOutcome.APPROVED: S.APPROVED, DecisionOutcome.REJECTED: S.REJECTED,
                  DecisionOutcome.DEFERRED: S.DEFERRED, DecisionOutcome.REVIEWED: S.REVIEWED}


def next_monday(today: date) -> date:
    """The board meets on Mondays: today when it is Monday, else the coming Monday."""
    return today + timedelta(days=(7 - today.weekday()) % 7)


@dataclass
class AgendaEntry:
    section: str
    reference: str
    title: str
    item_id: int | None = None
    ticket_id: int | None = None
    topic_id: int | None = None
    change_type: str = ""
    status: str = ""
    source: str = ""
    services: list[str] = field(default_factory=list)
    window: str = ""
    risk: int | None = None
    impact: int | None = None
    score: int | None = None
    flags: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass
class Agenda:
    meeting_date: date
    since: date
    previous_meeting: date | None
    weeks_ahead: int
    sections: dict[str, list[AgendaEntry]]
    conflicts: list[dict]
    meeting: dict | None
    decisions: list[dict]

    def entries(self) -> list[AgendaEntry]:
        return [e for key in SECTIONS for e in self.sections[key]]

    @property
    def conflict_count(self) -> int:
        return len([c for c in self.conflicts if not c["overridden"]])


def _flags(item: ChangeItem) -> list[str]:
    flags = []
    if item.outage:
        flags.append(t("cb.flag.outage"))
    if item.user_impact:
        flags.append(t("cb.flag.user_impact"))
    if item.requires_ros_update:
        flags.append(t("cb.flag.ros"))
    if item.security_relevant:
        flags.append(t("cb.flag.security"))
    if item.architecture_relevant:
        flags.append(t("cb.flag.architecture"))
    return flags


def _entry(section: str, item: ChangeItem, conflicts: dict[int, list[cb.Conflict]], detail: str = "") -> AgendaEntry:
    return AgendaEntry(section=section, reference=item.reference, title=item.title, item_id=item.id,
                       change_type=item.change_type, status=item.status, source=item.source,
                       services=[s.code for s in item.services], window=cb.window_text(item.planned_start,
                                                                                        item.planned_end),
                       risk=item.risk, impact=item.impact, score=item.score, flags=_flags(item),
                       conflicts=[c.text() for c in conflicts.get(item.id, [])], detail=detail)


def _meeting_query(meeting_date: date):
    return select(ChangeMeeting).where(ChangeMeeting.meeting_date == meeting_date)


def previous_meeting(session: Session, meeting_date: date) -> date | None:
    return session.scalar(select(ChangeMeeting.meeting_date).where(ChangeMeeting.meeting_date < meeting_date)
                          .order_by(ChangeMeeting.meeting_date.desc()).limit(1))


def build_agenda(session: Session, meeting_date: date, weeks_ahead: int = DEFAULT_WEEKS_AHEAD) -> Agenda:
    """The agenda for `meeting_date`, from the data as it is now (nothing is written)."""
    previous = previous_meeting(session, meeting_date)
    since = previous or meeting_date - timedelta(days=7)
    horizon_end = meeting_date + timedelta(days=7 * weeks_ahead - 1)
    items = list(session.scalars(
        select(ChangeItem).options(selectinload(ChangeItem.services))
        .where(or_(ChangeItem.status.not_in([S.CLOSED.value, S.REJECTED.value]),
                   ChangeItem.created_at >= cb.local_start(since)))
        .order_by(ChangeItem.id)))
    # conflicts over the horizon and over any planned window of an item waiting for a decision
    planned_days = [d for i in items if i.planned_start is not None
                    for d in cb.local_days(i.planned_start, i.planned_end)]
    window_start = min([meeting_date, *planned_days]) if planned_days else meeting_date
    window_end = max([horizon_end, *planned_days]) if planned_days else horizon_end
    window_start = max(window_start, meeting_date - timedelta(days=7))
    conflicts = cb.conflicts_between(session, window_start, window_end)
    by_item = cb.conflicts_by_item(conflicts)
    claimed: set[int] = set()

    def take(condition, key, order):
        chosen = [i for i in items if i.id not in claimed and condition(i)]
        chosen.sort(key=order)
        claimed.update(i.id for i in chosen)
        return chosen

    far = cb.local_start(date(9999, 1, 1))
    decision = take(lambda i: i.change_type == ChangeType.NORMAL and i.status == S.ASSESSED, "decision",
                    lambda i: (-i.score, -i.risk, i.planned_start or far, i.id))
    emergency = take(lambda i: i.change_type == ChangeType.EMERGENCY and i.status in (S.APPROVED, S.IMPLEMENTED),
                     "emergency", lambda i: (i.decided_at or i.created_at, i.id))
    pir = take(lambda i: i.change_type == ChangeType.NORMAL and i.status == S.IMPLEMENTED
               and i.implemented_at is not None and i.implemented_at < cb.local_start(meeting_date),
               "pir", lambda i: (i.implemented_at, i.id))
    horizon = (cb.local_start(meeting_date), cb.local_start(horizon_end + timedelta(days=1)))
    planned = take(lambda i: i.status in (S.APPROVED, S.SCHEDULED) and i.planned_start is not None
                   and horizon[0] <= i.planned_start < horizon[1], "planned", lambda i: (i.planned_start, i.id))
    new = take(lambda i: cb.local_start(since) <= i.created_at < cb.local_start(meeting_date), "new",
               lambda i: (i.created_at, i.id))

    sections: dict[str, list[AgendaEntry]] = {key: [] for key in SECTIONS}
    sections["new"] = [_entry("new", i, by_item, t(f"cb.source.{i.source}")) for i in new]
    sections["decision"] = [_entry("decision", i, by_item) for i in decision]
    sections["planned"] = [_entry("planned", i, by_item) for i in planned]
    sections["emergency"] = [_entry("emergency", i, by_item, i.decision_note) for i in emergency]
    sections["pir"] = [_entry("pir", i, by_item, t("cb.implemented_on", day=day(i.implemented_at))) for i in pir]
    for row in open_security_incidents(session):
        sections["security"].append(AgendaEntry(
            section="security", reference=f"#{row['ticket_number']}", title=row["subject"], ticket_id=row["id"],
            status=row["status"], services=[row["service"]] if row["service"] else [],
            window=day(row["opened_at"]), detail=row["security_note"] or ""))
    topics = session.scalars(select(ChangeTopic).where(ChangeTopic.raised_on <= meeting_date,
                                                       or_(ChangeTopic.closed_on.is_(None),
                                                           ChangeTopic.closed_on >= meeting_date))
                             .order_by(ChangeTopic.raised_on, ChangeTopic.id))
    for topic in topics:
        sections["cross"].append(AgendaEntry(section="cross", reference=f"T-{topic.id}", title=topic.title,
                                             topic_id=topic.id, status=topic.area,
                                             flags=[t(f"cb.area.{topic.area}")], detail=topic.description))
    meeting = session.scalar(_meeting_query(meeting_date))
    return Agenda(
        meeting_date=meeting_date, since=since, previous_meeting=previous, weeks_ahead=weeks_ahead,
        sections=sections,
        conflicts=[{"kind": c.kind, "day": c.day, "items": [f"EB-{i}" for i in c.item_ids], "text": c.text(),
                    "overridden": c.overridden} for c in conflicts
                   if c.day <= horizon_end or any(i in claimed for i in c.item_ids)],
        meeting=_meeting_dict(meeting) if meeting else None,
        decisions=decision_rows(session, meeting.id) if meeting else [])


def _meeting_dict(meeting: ChangeMeeting) -> dict:
    return {"id": meeting.id, "meeting_date": meeting.meeting_date, "chair": meeting.chair,
            "attendees": meeting.attendees, "notes": meeting.notes, "held": meeting.held,
            "version": meeting.version}


# --- meetings and minutes --------------------------------------------------------------------------


def _require_minutes(actor: Actor) -> None:
    actor.require("changeboard.write")


def save_meeting(session: Session, actor: Actor, payload, expected_version: int | None = None) -> ChangeMeeting:
    _require_minutes(actor)
    data = validate(MeetingIn, payload)
    meeting = session.scalar(_meeting_query(data.meeting_date))
    if meeting is None:
        meeting = ChangeMeeting(meeting_date=data.meeting_date, created_at=utcnow())
        session.add(meeting)
    else:
        ensure_version(meeting, expected_version, t("cb.meeting_of", day=day(meeting.meeting_date)))
    meeting.chair, meeting.attendees, meeting.notes, meeting.held = (data.chair, data.attendees, data.notes,
                                                                     data.held)
    session.flush()
    return meeting


def _meeting_for(session: Session, actor: Actor, meeting_date: date) -> ChangeMeeting:
    meeting = session.scalar(_meeting_query(meeting_date))
    if meeting is None:
        meeting = ChangeMeeting(meeting_date=meeting_date, chair=actor.label, created_at=utcnow())
        session.add(meeting)
        session.flush()
    return meeting


def record_decision(session: Session, actor: Actor, meeting_date: date, payload) -> ChangeDecision:
    """One line in the minutes. Approve, reject, defer and review also move the item along its path."""
    _require_minutes(actor)
    data = validate(DecisionIn, payload)
    if data.section not in SECTIONS:
        raise BackofficeError(t("cb.error.unknown_section", section=data.section))
    targets = [x for x in (data.item_id, data.ticket_id, data.topic_id) if x is not None]
    if len(targets) != 1:
        raise BackofficeError(t("cb.error.decision_target"))
    if data.outcome in (DecisionOutcome.REJECTED, DecisionOutcome.DEFERRED, DecisionOutcome.ACTION) and not data.note:
        raise BackofficeError(t("cb.error.note_required", target=t(f"cb.outcome.{data.outcome.value}")))
    if data.outcome == DecisionOutcome.ACTION and not data.action_owner:
        raise BackofficeError(t("cb.error.action_owner"))
    meeting = _meeting_for(session, actor, meeting_date)
    if data.item_id is not None:
        item = cb.get_item(session, data.item_id)
        target = OUTCOME_STATUS.get(data.outcome)
        if target is not None:
            cb.transition(session, actor, item.id, target.value, note=data.note or t("cb.decided_in_meeting",
                                                                                     day=day(meeting_date)))
    elif data.ticket_id is not None:
        get_ticket(session, data.ticket_id)
        if data.outcome not in (DecisionOutcome.NOTED, DecisionOutcome.ACTION):
            raise BackofficeError(t("cb.error.ticket_outcome"))
    else:
        topic = get_or_raise(session, ChangeTopic, data.topic_id, "cb.error.topic_not_found")
        if data.outcome not in (DecisionOutcome.NOTED, DecisionOutcome.ACTION, DecisionOutcome.REVIEWED):
            raise BackofficeError(t("cb.error.topic_outcome"))
        if data.outcome == DecisionOutcome.REVIEWED:
            topic.closed_on = meeting_date
    decision = ChangeDecision(meeting_id=meeting.id, section=data.section, item_id=data.item_id,
                              ticket_id=data.ticket_id, topic_id=data.topic_id, outcome=data.outcome.value,
                              note=data.note, action_owner=data.action_owner, due_date=data.due_date,
                              recorded_by=actor.username, recorded_at=utcnow())
    session.add(decision)
    meeting.held = True
    session.flush()
    return decision


def decision_rows(session: Session, meeting_id: int) -> list[dict]:
    query = (select(ChangeDecision, ChangeItem.title.label("item_title"),
                    SupportTicket.ticket_number, SupportTicket.subject,
                    ChangeTopic.title.label("topic_title"))
             .outerjoin(ChangeItem, ChangeItem.id == ChangeDecision.item_id)
             .outerjoin(SupportTicket, SupportTicket.id == ChangeDecision.ticket_id)
             .outerjoin(ChangeTopic, ChangeTopic.id == ChangeDecision.topic_id)
             .where(ChangeDecision.meeting_id == meeting_id)
             .order_by(ChangeDecision.id))
    rows = []
    for decision, item_title, ticket_number, subject, topic_title in session.execute(query):
        if decision.item_id is not None:
            reference, title = f"EB-{decision.item_id}", item_title
        elif decision.ticket_id is not None:
            reference, title = f"#{ticket_number}", subject
        else:
            reference, title = f"T-{decision.topic_id}", topic_title
        rows.append({"id": decision.id, "section": decision.section, "reference": reference, "title": title or "",
                     "outcome": decision.outcome, "note": decision.note, "action_owner": decision.action_owner,
                     "due_date": decision.due_date, "recorded_by": decision.recorded_by,
                     "recorded_at": decision.recorded_at})
    return rows


def minutes(session: Session, meeting_date: date) -> dict:
    meeting = scalar_or_raise(session, _meeting_query(meeting_date), "cb.error.no_meeting", day=day(meeting_date))
    return {"meeting": _meeting_dict(meeting), "decisions": decision_rows(session, meeting.id)}


def meeting_dates(session: Session) -> list[date]:
    return list(session.scalars(select(ChangeMeeting.meeting_date).order_by(ChangeMeeting.meeting_date.desc())))


def add_topic(session: Session, actor: Actor, payload) -> ChangeTopic:
    """Cross-cutting points may be raised by the portfolio lead, the security officer and the architect."""
    if not (actor.can("changeboard.write") or actor.can("risk.write") or actor.can("architecture.write")):
        actor.require("changeboard.write")
    data = validate(TopicIn, payload)
    topic = ChangeTopic(title=data.title, area=data.area.value, description=data.description,
                        raised_by=actor.username, raised_on=data.raised_on)
    session.add(topic)
    session.flush()
    return topic


# --- overview and service sheet --------------------------------------------------------------------


def changeboard_kpis(session: Session, _actor: Actor) -> list:
    today = datetime_today()
    meeting_date = next_monday(today)
    waiting = session.scalar(select(func.count()).select_from(ChangeItem).where(
        ChangeItem.change_type == ChangeType.NORMAL.value, ChangeItem.status == S.ASSESSED.value)) or 0
    to_review = session.scalar(select(func.count()).select_from(ChangeItem).where(
        or_(ChangeItem.status == S.IMPLEMENTED.value,
            (ChangeItem.change_type == ChangeType.EMERGENCY.value) & (ChangeItem.status == S.APPROVED.value)))) or 0
    end = today + timedelta(days=27)
    planned = cb.planned_changes(session, today, end)
    conflicts = [c for c in cb.conflicts_between(session, today, end) if not c.overridden]
    return [
        Kpi(t("cb.kpi.waiting"), number(waiting), t("cb.kpi.waiting_help")),
        Kpi(t("cb.kpi.planned"), number(len(planned)), t("cb.kpi.planned_help")),
        Kpi(t("cb.kpi.conflicts"), number(len(conflicts)), t("cb.kpi.conflicts_help")),
        Kpi(t("cb.kpi.to_review"), number(to_review), t("cb.kpi.to_review_help")),
        Kpi(t("cb.kpi.next_meeting"), day(meeting_date)),
    ]


def changeboard_facts(session: Session, service_code: str) -> list:
    today = datetime_today()
    planned = [c for c in cb.planned_changes(session, today, today + timedelta(days=89))
               if service_code in c.services and c.status in (S.NEW, S.ASSESSED, S.APPROVED, S.SCHEDULED)]
    facts = [Fact(t("cb.fact.planned"), number(len(planned)))]
    if planned:
        first = planned[0]
        facts.append(Fact(t("cb.fact.next_change"), f"{cb.window_text(first.start, first.end)}: {first.title}"))
    return facts


def datetime_today() -> date:
    return datetime.now(OSLO).date()
