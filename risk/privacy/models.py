"""Tables of privacy and security management as a data processor (issue 23, items 1, 4 and 5):
personal-data breaches with the services they touch, the controllers to notify and the timeline of actions;
risk notices sent to the municipalities when a service's ROS is re-approved; and the management system's
documents (policies, procedures, routines) with their approvals.

Times are timezone-aware UTC; business dates (a document's next review) are dates.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow
from data.registers.models import Organisation, Service
from data.support.models import SupportTicket


class Breach(Versioned, Base):
    """A personal-data breach (brudd på personopplysningssikkerheten), marked on a security incident.

    `aware_at` is the moment the department became aware of it: the clock for the notices to the controllers
    (GDPR art. 33(2)) runs from it, with the internal deadline `notify_within_hours`."""

    __tablename__ = "privacy_breach"
    __table_args__ = (
        CheckConstraint("notify_within_hours >= 1 AND notify_within_hours <= 72", name="notify_hours"),
        CheckConstraint("subjects_approx IS NULL OR subjects_approx >= 0", name="subjects"),
        CheckConstraint("records_approx IS NULL OR records_approx >= 0", name="records"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("support_ticket.id", ondelete="RESTRICT"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    aware_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    notify_within_hours: Mapped[int] = mapped_column(Integer, default=24)
    narrow_by_digiorden: Mapped[bool] = mapped_column(Boolean, default=True)
    what_happened: Mapped[str] = mapped_column(Text, default="")
    subject_categories: Mapped[str] = mapped_column(Text, default="")
    subjects_approx: Mapped[int | None] = mapped_column(Integer)
    record_categories: Mapped[str] = mapped_column(Text, default="")
    records_approx: Mapped[int | None] = mapped_column(Integer)
    likely_consequences: Mapped[str] = mapped_column(Text, default="")
    measures_taken: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    marked_by: Mapped[str] = mapped_column(String(120))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(120))
    closing_note: Mapped[str] = mapped_column(Text, default="")

    ticket: Mapped[SupportTicket] = relationship()
    services: Mapped[list[BreachService]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    controllers: Mapped[list[BreachController]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                               order_by="BreachController.organisation_id")
    events: Mapped[list[BreachEvent]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                     order_by="BreachEvent.at")

    @property
    def reference(self) -> str:
        return f"PB-{self.id}"


class BreachService(Base):
    """A service the breach touches."""

    __tablename__ = "privacy_breach_service"

    breach_id: Mapped[int] = mapped_column(ForeignKey("privacy_breach.id", ondelete="CASCADE"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="RESTRICT"), primary_key=True)

    service: Mapped[Service] = relationship()


class BreachController(Base):
    """A controller (an organisation with an appendix for an affected service on the awareness date) to be
    notified, the services and appendices that make it one, and when its notice was sent."""

    __tablename__ = "privacy_breach_controller"
    __table_args__ = (UniqueConstraint("breach_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("privacy_breach.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    services: Mapped[list] = mapped_column(JSON)            # service codes it has an appendix for
    appendices: Mapped[list] = mapped_column(JSON)          # the appendices' references, as the basis
    digiorden: Mapped[str] = mapped_column(String(20))      # integrates / not_mapped / off
    contact_email: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by: Mapped[str | None] = mapped_column(String(120))
    sent_note: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()


class BreachEvent(Base):
    """One line of the breach's timeline: what was done, when and by whom (never changed)."""

    __tablename__ = "privacy_breach_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("privacy_breach.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))            # marked / aware_changed / action / sent / closed ...
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskNotice(Base):
    """A risk notice to the municipalities: what changed in an approved ROS revision of a service, as sent."""

    __tablename__ = "privacy_risk_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="RESTRICT"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("ros_assessment.id", ondelete="RESTRICT"), unique=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("ros_assessment.id", ondelete="RESTRICT"))
    revision: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict] = mapped_column(JSON)              # the changes as sent (see notices.risk_changes)
    note: Mapped[str] = mapped_column(Text, default="")       # the product owner's own words
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by: Mapped[str] = mapped_column(String(120))

    service: Mapped[Service] = relationship()
    recipients: Mapped[list[RiskNoticeRecipient]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="RiskNoticeRecipient.organisation_id")


class RiskNoticeRecipient(Base):
    __tablename__ = "privacy_risk_notice_recipient"

    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_risk_notice.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True)
    contact_email: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship()


class MsDocument(Versioned, Base):
    """A document of the management system for privacy and information security (section 8.4): a policy,
    procedure or routine with its owner, version, approval and next review, and the NSM principles and
    ISO/IEC 27001 controls it serves (control ids as text: no control catalogue is shipped)."""

    __tablename__ = "privacy_document"
    __table_args__ = (
        UniqueConstraint("title"),
        CheckConstraint("kind IN ('policy', 'procedure', 'routine')", name="kind"),
        CheckConstraint("review_months >= 1 AND review_months <= 60", name="review_months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(500), default="")     # where the document itself is kept
    owner: Mapped[str] = mapped_column(String(120))                     # username
    doc_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")   # draft / approved
    approved_version: Mapped[str | None] = mapped_column(String(20))
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_on: Mapped[date | None] = mapped_column(Date)
    review_months: Mapped[int] = mapped_column(Integer, default=12)
    next_review: Mapped[date | None] = mapped_column(Date, index=True)
    nsm_principles: Mapped[list] = mapped_column(JSON, default=list)   # NSM principle ids, e.g. ["1.1", "2.3"]
    iso_controls: Mapped[list] = mapped_column(JSON, default=list)     # ISO/IEC 27001 Annex A ids, e.g. ["A.5.24"]
    created_by: Mapped[str] = mapped_column(String(120), default="")                 # who registered it
    prepared_by: Mapped[str] = mapped_column(String(120), default="")   # who saved the version to approve last
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    approvals: Mapped[list[MsDocumentApproval]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MsDocumentApproval.id")


class MsDocumentApproval(Base):
    """Each approval (or review without change) of a document version (never changed)."""

    __tablename__ = "privacy_document_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("privacy_document.id", ondelete="CASCADE"), index=True)
    doc_version: Mapped[str] = mapped_column(String(20))
    approved_by: Mapped[str] = mapped_column(String(120))
    approved_on: Mapped[date] = mapped_column(Date)
    next_review: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
