"""Tables of the shared registers: counties, organisations, services, components, users and their roles."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from data.db import Base, UTCDateTime, Versioned, utcnow


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    COUNTY_MUNICIPALITY = "county_municipality"
    STATE_AGENCY = "state_agency"
    OTHER = "other"


class ServiceStatus(StrEnum):
    DEVELOPMENT = "development"
    ACTIVE = "active"
    PHASING_OUT = "phasing_out"
    RETIRED = "retired"



# --- tables ------------------------------------------------------------------------------------


class County(Base):
    __tablename__ = "county"
    number: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Organisation(Versioned, Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    municipality_number: Mapped[str | None] = mapped_column(String(4), index=True)
    county_number: Mapped[str | None] = mapped_column(ForeignKey("county.number"))
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    contact_email: Mapped[str | None] = mapped_column(String(200))

    county: Mapped[County | None] = relationship()

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


service_component = Table(
    "service_component",
    Base.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("component_id", ForeignKey("component.id", ondelete="CASCADE"), primary_key=True),
)


class Service(Versioned, Base):
    __tablename__ = "service"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    established_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=ServiceStatus.ACTIVE.value)
    product_owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    components: Mapped[list[Component]] = relationship(secondary=service_component, back_populates="services")


class Component(Versioned, Base):
    __tablename__ = "component"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    services: Mapped[list[Service]] = relationship(secondary=service_component, back_populates="components")


# --- payloads ------------------------------------------------------------------------------------


class User(Versioned, Base):
    __tablename__ = "app_user"
    __audit_redact__ = {"password_hash"}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A password someone else set (the first admin's, an admin's new or reset one): replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> list[str]:
        return sorted(r.role for r in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)

