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
    # The official name as SSB writes it ("Troms - Romsa - Tromssa"), and its Norwegian part ("Troms").
    name: Mapped[str] = mapped_column(String(100))
    norwegian_name: Mapped[str | None] = mapped_column(String(100))


class Organisation(Versioned, Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)
    # The official name as SSB writes it ("Guovdageaidnu - Kautokeino"): what lists show. The Norwegian part
    # alone ("Kautokeino"); the same as `name` for a name in one language, None where nobody set it.
    name: Mapped[str] = mapped_column(String(200))
    norwegian_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    municipality_number: Mapped[str | None] = mapped_column(String(4), index=True)
    county_number: Mapped[str | None] = mapped_column(ForeignKey("county.number"))
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    contact_email: Mapped[str | None] = mapped_column(String(200))
    # From Enhetsregisteret (data/registers/brreg.py): the legal entity's registered name and postal address.
    registered_name: Mapped[str | None] = mapped_column(String(200))
    postal_address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    postal_place: Mapped[str | None] = mapped_column(String(100))

    county: Mapped[County | None] = relationship()

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class OrganisationPopulation(Base):
    """Statistics Norway's population of an organisation on 1 January of `year` (table 07459), one row per
    organisation and year (data/registers/population.py). `Organisation.population` stays the latest figure."""

    __tablename__ = "organisation_population"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(120), default="")


class SuccessionKind(StrEnum):
    MERGER = "merger"      # one or more predecessors become one successor
    SPLIT = "split"        # one predecessor becomes several successors


class OrganisationSuccession(Base):
    """A link from an organisation that ended to its successor on a date (data/registers/changes.py): a
    merger may have several predecessors, a split several successors. `applied_at` is set when the merger
    plan was applied; `moved` is what moved then (JSON list of {room, action, text})."""

    __tablename__ = "organisation_succession"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    change_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    old_code: Mapped[str | None] = mapped_column(String(4))
    new_code: Mapped[str | None] = mapped_column(String(4))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(120))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_by: Mapped[str | None] = mapped_column(String(120))
    moved: Mapped[str] = mapped_column(Text, default="")

    predecessor: Mapped[Organisation] = relationship(foreign_keys=[predecessor_id])
    successor: Mapped[Organisation] = relationship(foreign_keys=[successor_id])


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

