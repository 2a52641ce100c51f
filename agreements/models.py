"""Tables of the agreements package: main agreements, service appendices and their versions,
user councils with members, meetings and decisions, change requests and roadmap items."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow
from data.registers.models import Organisation, Service


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    SIGNED = "signed"
    TERMINATED = "terminated"


class PriceModel(StrEnum):
    """Which kind of price the appendix refers to; the pricing module holds the figures."""

    FIXED = "fixed"                    # fixed annual fee per organisation
    PER_INHABITANT = "per_inhabitant"  # by population (bands, minimum fee)
    PER_UNIT = "per_unit"              # per unit of a meter (usage)
    COMBINED = "combined"              # a fixed part plus usage
    FREE = "free"                      # no charge


class ChangeRequestStatus(StrEnum):
    NEW = "new"
    ASSESSED = "assessed"
    PLANNED = "planned"
    DONE = "done"
    REJECTED = "rejected"


class RoadmapStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class MemberRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    DEPUTY = "deputy"


class MainAgreement(Versioned, Base):
    """Hovedavtale: one per organisation."""

    __tablename__ = "agreement_main"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=AgreementStatus.DRAFT.value)
    signed_date: Mapped[date | None] = mapped_column(Date)
    signatory: Mapped[str | None] = mapped_column(String(200))
    template_version: Mapped[str | None] = mapped_column(String(40))
    document_ref: Mapped[str | None] = mapped_column(String(200))
    # the organisation's reference for invoices under this agreement ("Deres ref"/order number): the
    # BuyerReference of its EHF invoices (pricing.invoicing.ehf), ahead of the organisation's own
    buyer_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    terminated_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()


class AppendixVersion(Base):
    """A version of a service's appendix text, issued on a date; the newest must be signed by all."""

    __tablename__ = "agreement_appendix_version"
    __table_args__ = (UniqueConstraint("service_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship()


class ServiceAppendix(Versioned, Base):
    """Tjenestevedlegg: one organisation's appendix for one service, for one period."""

    __tablename__ = "agreement_appendix"
    __table_args__ = (
        Index("ix_agreement_appendix_service_period", "service_id", "start_date", "end_date"),
        Index("ix_agreement_appendix_org_service", "organisation_id", "service_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    appendix_version: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=AgreementStatus.DRAFT.value)
    signed_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    price_model: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    # The organisation's own ROS and DPIA for the service, made from the department's template (section 6.4
    # of the department's description): the day each was reported completed (None: not reported).
    own_ros_on: Mapped[date | None] = mapped_column(Date)
    own_dpia_on: Mapped[date | None] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service] = relationship()


class Council(Versioned, Base):
    """Brukerråd: one per service."""

    __tablename__ = "agreement_council"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    mandate: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship()


class CouncilMember(Versioned, Base):
    __tablename__ = "agreement_council_member"
    __table_args__ = (CheckConstraint("term_to IS NULL OR term_to >= term_from", name="term_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("agreement_council.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.MEMBER.value)
    term_from: Mapped[date] = mapped_column(Date)
    term_to: Mapped[date | None] = mapped_column(Date)
    # the user meeting that elected the member (None: added by hand)
    elected_at_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_user_meeting.id", ondelete="SET NULL", name="fk_agreement_member_user_meeting"))

    organisation: Mapped[Organisation] = relationship()


class UserMeeting(Versioned, Base):
    """Brukermøte: one per service and year. Everyone with an agreement for the service is invited; the
    meeting elects the user council (section 8.2 of the department's description)."""

    __tablename__ = "agreement_user_meeting"
    __table_args__ = (UniqueConstraint("service_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    meeting_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    notice: Mapped[str] = mapped_column(Text, default="")       # the letter's own words (agenda, practical)
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")

    service: Mapped[Service] = relationship()
    invitees: Mapped[list[UserMeetingInvitee]] = relationship(cascade="all, delete-orphan",
                                                              order_by="UserMeetingInvitee.organisation_id")


class UserMeetingInvitee(Base):
    """An organisation invited to a user meeting (it had an appendix in force when the list was made), the
    contact the notice goes to, and whether it came."""

    __tablename__ = "agreement_user_meeting_invitee"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("agreement_user_meeting.id", ondelete="CASCADE"),
                                            primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    contact_email: Mapped[str | None] = mapped_column(String(200))
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    representative: Mapped[str] = mapped_column(String(200), default="")

    organisation: Mapped[Organisation] = relationship()


class CouncilMeeting(Versioned, Base):
    __tablename__ = "agreement_council_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("agreement_council.id", ondelete="CASCADE"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")

    decisions: Mapped[list[CouncilDecision]] = relationship(
        cascade="all, delete-orphan", order_by="CouncilDecision.number")


class CouncilDecision(Base):
    __tablename__ = "agreement_council_decision"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("agreement_council_meeting.id", ondelete="CASCADE",
                                                       name="fk_agreement_decision_meeting"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    change_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_change_request.id", ondelete="SET NULL", name="fk_agreement_decision_change_request"))


class RoadmapItem(Versioned, Base):
    """Veikart: what is planned for a service, by quarter."""

    __tablename__ = "agreement_roadmap_item"
    __table_args__ = (CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=RoadmapStatus.PLANNED.value)

    service: Mapped[Service] = relationship()


class ChangeRequest(Versioned, Base):
    """Endringsønske from an organisation for a service."""

    __tablename__ = "agreement_change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ChangeRequestStatus.NEW.value)
    council_priority: Mapped[int | None] = mapped_column(Integer)
    assessment: Mapped[str] = mapped_column(Text, default="")
    roadmap_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_roadmap_item.id", ondelete="SET NULL", name="fk_agreement_change_request_roadmap_item"))
    # Where the product owner sent an approved request: "project" (portfolio) or "change_board", and the id
    # there. No foreign key: those rooms point back at the request, this room does not depend on them.
    sent_to: Mapped[str | None] = mapped_column(String(20))
    sent_ref: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by: Mapped[str | None] = mapped_column(String(120))

    service: Mapped[Service] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    roadmap_item: Mapped[RoadmapItem | None] = relationship()


class DpaVersion(Base):
    """A version of a service's data processing agreement (databehandleravtale), valid from a day; every
    organisation with an appendix in force must sign the newest (agreements/processing.py)."""

    __tablename__ = "agreement_dpa_version"
    __table_args__ = (UniqueConstraint("service_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    document_ref: Mapped[str] = mapped_column(String(300), default="")
    changes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship()


class DpaSignature(Base):
    """An organisation signed a version of a service's data processing agreement on a day. Kept per
    organisation (not per appendix row), so a re-signed appendix keeps its processing agreement."""

    __tablename__ = "agreement_dpa_signature"
    __table_args__ = (UniqueConstraint("dpa_version_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dpa_version_id: Mapped[int] = mapped_column(ForeignKey("agreement_dpa_version.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    signed_date: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[DpaVersion] = relationship()
    organisation: Mapped[Organisation] = relationship()
