"""Tables of the change board: change items, templates, freeze windows, load limits, meetings, minutes."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

import agreements.models  # noqa: F401  (agreement_change_request, which change items link to)
import portfolio.models  # noqa: F401  (pf_project, which change items link to)
from data.db import Base, UTCDateTime, Versioned, utcnow
from data.registers.models import Component, Service
from data.support.models import SupportTicket


class ChangeSource(StrEnum):
    OPERATIONS = "operations"
    MANAGEMENT = "management"
    SUPPORT = "support"
    PROJECT = "project"


class ChangeType(StrEnum):
    STANDARD = "standard"     # pre-approved from a template
    NORMAL = "normal"         # needs the board
    EMERGENCY = "emergency"   # decided between meetings, reviewed afterwards


class ChangeStatus(StrEnum):
    NEW = "new"
    ASSESSED = "assessed"
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    SCHEDULED = "scheduled"
    IMPLEMENTED = "implemented"
    REVIEWED = "reviewed"
    CLOSED = "closed"


class TopicArea(StrEnum):
    SECURITY = "security"
    ARCHITECTURE = "architecture"
    OTHER = "other"


class DecisionOutcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    REVIEWED = "reviewed"
    NOTED = "noted"
    ACTION = "action"


change_item_service = Table(
    "change_item_service",
    Base.metadata,
    Column("item_id", ForeignKey("change_item.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)

change_item_component = Table(
    "change_item_component",
    Base.metadata,
    Column("item_id", ForeignKey("change_item.id", ondelete="CASCADE"), primary_key=True),
    Column("component_id", ForeignKey("component.id", ondelete="CASCADE"), primary_key=True),
)

change_item_ticket = Table(
    "change_item_ticket",
    Base.metadata,
    Column("item_id", ForeignKey("change_item.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_id", ForeignKey("support_ticket.id", ondelete="CASCADE"), primary_key=True),
)


class ChangeTemplate(Versioned, Base):
    """A pre-approved standard change: items made from it skip assessment and decision."""

    __tablename__ = "change_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    rollback_plan: Mapped[str] = mapped_column(Text, default="")
    max_risk: Mapped[int] = mapped_column(Integer, default=2)
    max_impact: Mapped[int] = mapped_column(Integer, default=2)
    outage: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChangeItem(Versioned, Base):
    __tablename__ = "change_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20))
    change_type: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("change_template.id", ondelete="SET NULL"))
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    planned_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outage: Mapped[bool] = mapped_column(Boolean, default=False)
    user_impact: Mapped[bool] = mapped_column(Boolean, default=False)
    rollback_plan: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[int] = mapped_column(Integer, default=1)      # 1 (low) .. 5 (very high)
    impact: Mapped[int] = mapped_column(Integer, default=1)    # 1 (low) .. 5 (very high)
    requires_ros_update: Mapped[bool] = mapped_column(Boolean, default=False)
    security_relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    architecture_relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("pf_project.id", ondelete="SET NULL"), index=True)
    project_ref: Mapped[str] = mapped_column(String(200), default="")  # free text: a project outside the portfolio
    # the change request a user council approved and its product owner sent here (admin/planning.py)
    change_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_change_request.id", ondelete="SET NULL", name="fk_change_item_change_request"),
        unique=True)
    owner: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    implemented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ros_review_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    services: Mapped[list[Service]] = relationship(secondary=change_item_service, order_by=Service.code)
    components: Mapped[list[Component]] = relationship(secondary=change_item_component, order_by=Component.code)
    tickets: Mapped[list[SupportTicket]] = relationship(secondary=change_item_ticket)
    template: Mapped[ChangeTemplate | None] = relationship()

    @property
    def reference(self) -> str:
        return f"EB-{self.id}"

    @property
    def score(self) -> int:
        return (self.risk or 0) * (self.impact or 0)


class FreezeWindow(Versioned, Base):
    """A critical period: no changes (global, or for one service) unless a leader overrides."""

    __tablename__ = "freeze_window"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")

    service: Mapped[Service | None] = relationship()


class FreezeOverride(Base):
    """A leader's recorded decision to let one change go ahead inside one freeze window."""

    __tablename__ = "freeze_override"
    __table_args__ = (UniqueConstraint("item_id", "freeze_window_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("change_item.id", ondelete="CASCADE"), index=True)
    freeze_window_id: Mapped[int] = mapped_column(ForeignKey("freeze_window.id", ondelete="CASCADE"))
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)


class ChangeLoadLimit(Base):
    """The most changes a week may carry, from `valid_from` (a Monday) until the next row."""

    __tablename__ = "change_load_limit"
    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, unique=True)
    max_changes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class ChangeMeeting(Versioned, Base):
    __tablename__ = "change_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_date: Mapped[date] = mapped_column(Date, unique=True)
    chair: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decisions: Mapped[list[ChangeDecision]] = relationship(back_populates="meeting", order_by="ChangeDecision.id",
                                                           cascade="all, delete-orphan")


class ChangeDecision(Base):
    """One line of the minutes: a decision or note recorded against an agenda item."""

    __tablename__ = "change_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("change_meeting.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(30))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("change_item.id", ondelete="SET NULL"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("support_ticket.id", ondelete="SET NULL"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("change_topic.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    action_owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[ChangeMeeting] = relationship(back_populates="decisions")


class ChangeTopic(Versioned, Base):
    """A cross-cutting point for the board (security, architecture) that is not a change itself."""

    __tablename__ = "change_topic"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    area: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    raised_by: Mapped[str] = mapped_column(String(120), default="")
    raised_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
