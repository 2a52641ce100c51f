"""DigiOrden tables: each organisation's business systems, vendors, service areas, datasets and integrations.

Everything hangs off an organisation (data.registers.registry.Organisation). Vendors are recorded per
organisation, as the municipality knows them; the cross-sector views match vendors across
organisations by organisation number, or by name when the number is missing.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, Versioned


class Hosting(StrEnum):
    ON_PREMISES = "on_premises"
    CLOUD = "cloud"
    SAAS = "saas"


class PersonalData(StrEnum):
    """How sensitive a dataset is, in rising order."""

    NONE = "none"
    ORDINARY = "ordinary"
    SPECIAL = "special"            # GDPR art. 9 special categories
    CONFIDENTIAL = "confidential"  # confidential by law (taushetsbelagt)


SENSITIVE = (PersonalData.SPECIAL.value, PersonalData.CONFIDENTIAL.value)


class Method(StrEnum):
    API = "api"
    MESSAGE = "message"
    FILE = "file"
    DATABASE = "database"
    MANUAL = "manual"


class ServiceArea(StrEnum):
    """The fixed list of municipal service areas (tjenesteområder)."""

    HEALTH = "health"
    CARE = "care"
    SCHOOLS = "schools"
    KINDERGARTENS = "kindergartens"
    CHILD_WELFARE = "child_welfare"
    SOCIAL_SERVICES = "social_services"
    PLANNING_BUILDING = "planning_building"
    TECHNICAL = "technical"
    FINANCE = "finance"
    ARCHIVE = "archive"
    HR = "hr"
    CULTURE = "culture"
    CITIZEN_SERVICES = "citizen_services"
    ADMINISTRATION = "administration"


class DoVendor(Versioned, Base):
    __tablename__ = "do_vendor"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(9))


class DoSystem(Versioned, Base):
    __tablename__ = "do_system"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        CheckConstraint("hosting IN ('on_premises', 'cloud', 'saas')", name="hosting"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("do_vendor.id", ondelete="SET NULL"), index=True)
    product: Mapped[str | None] = mapped_column(String(200))
    product_version: Mapped[str | None] = mapped_column(String(60))
    hosting: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(200))
    in_use_from: Mapped[date | None] = mapped_column(Date)
    in_use_to: Mapped[date | None] = mapped_column(Date)
    security_measures: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)

    vendor: Mapped[DoVendor | None] = relationship()


class DoSystemArea(Base):
    """Which service areas a system supports."""

    __tablename__ = "do_system_area"

    system_id: Mapped[int] = mapped_column(ForeignKey("do_system.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(40), primary_key=True)


class DoDataset(Versioned, Base):
    __tablename__ = "do_dataset"
    __table_args__ = (
        UniqueConstraint("system_id", "name"),
        CheckConstraint("personal_data IN ('none', 'ordinary', 'special', 'confidential')", name="personal_data"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("do_system.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    personal_data: Mapped[str] = mapped_column(String(20))
    data_categories: Mapped[str | None] = mapped_column(Text)
    data_subjects: Mapped[str | None] = mapped_column(String(300))
    purpose: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(String(300))
    recipients: Mapped[str | None] = mapped_column(Text)
    retention: Mapped[str | None] = mapped_column(String(300))

    system: Mapped[DoSystem] = relationship()


class DoIntegration(Versioned, Base):
    """Data flowing from one system to another system, or to a platform service (Fiks IO, SvarUt, ...)."""

    __tablename__ = "do_integration"
    __table_args__ = (
        CheckConstraint("(to_system_id IS NULL) <> (to_service_id IS NULL)", name="one_target"),
        CheckConstraint("method IN ('api', 'message', 'file', 'database', 'manual')", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    from_system_id: Mapped[int] = mapped_column(ForeignKey("do_system.id", ondelete="CASCADE"), index=True)
    to_system_id: Mapped[int | None] = mapped_column(ForeignKey("do_system.id", ondelete="CASCADE"), index=True)
    to_service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="RESTRICT"), index=True)
    data_carried: Mapped[str | None] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(20))
