"""Tables of support: tickets imported from the support desk (Freshdesk) and the mappings that link a
ticket's tags, group or requester to a service or an organisation."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow
from data.registers.models import Organisation, Service


class TicketStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


OPEN_STATUSES = (TicketStatus.OPEN.value, TicketStatus.PENDING.value, TicketStatus.WAITING.value)
PRIORITY_RANK = {"urgent": 4, "high": 3, "medium": 2, "low": 1}


class MappingKind(StrEnum):
    """What a mapping row translates: a ticket tag or group to a service, a requester name to an organisation."""

    SERVICE_TAG = "service_tag"
    SERVICE_GROUP = "service_group"
    ORGANISATION = "organisation"


# --- tables ------------------------------------------------------------------------------------


class SupportTicket(Versioned, Base):
    __tablename__ = "support_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_number: Mapped[int] = mapped_column(BigInteger, unique=True)  # the support desk's ticket id
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), index=True)
    priority: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(60), default="")
    ticket_type: Mapped[str] = mapped_column(String(120), default="")
    group_name: Mapped[str] = mapped_column(String(120), default="")
    agent: Mapped[str] = mapped_column(String(200), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requester_organisation: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    security_incident: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    security_note: Mapped[str] = mapped_column(Text, default="")
    security_marked_by: Mapped[str | None] = mapped_column(String(120))
    security_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    security_closed_by: Mapped[str | None] = mapped_column(String(120))
    security_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    security_outcome: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reference(self) -> str:
        return f"#{self.ticket_number}"


class SupportMapping(Versioned, Base):
    """Translates a tag or group to a service, or a requester's organisation name to an organisation."""

    __tablename__ = "support_mapping"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200))  # lower-case tag, group or organisation name
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
