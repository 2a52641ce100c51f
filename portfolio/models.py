"""Tables of the project portfolio: projects and gates, people and roles, demand, scenarios, baselines.

FTE figures are stored as integer hundredths of one full-time equivalent (`*_pct`: 100 = 1,00 FTE,
50 = 0,50 FTE), so sums in SQL are exact; availability is a whole percentage.
Months are stored as the `date` of their first day.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow
from data.errors import BackofficeError
from data.i18n import t


class Phase(StrEnum):
    PLANNING = "planning"
    DEVELOPMENT = "development"
    ROLLOUT = "rollout"
    CLOSING = "closing"
    HANDED_OVER = "handed_over"


PHASES = tuple(p.value for p in Phase)


class Financing(StrEnum):
    DIGIFIN = "digifin"
    INTERNAL = "internal"
    EXTERNAL = "external"


class DocumentKind(StrEnum):
    GOVERNANCE = "governance"
    PRODUCT_DESCRIPTION = "product_description"
    # plain language per phase (the department's Tabell 1, portfolio/reference/plain_language.csv)
    PLAIN_LANGUAGE_PLAN = "plain_language_plan"
    PLAIN_LANGUAGE_BUDGET = "plain_language_budget"
    TEXT_PLAN = "text_plan"
    CONTENT_USER_TEST = "content_user_test"
    USER_JOURNEY_TEXTS = "user_journey_texts"
    MUNICIPALITY_TEXTS = "municipality_texts"
    CONTENT_MAINTENANCE_PLAN = "content_maintenance_plan"
    FINAL_REPORT = "final_report"
    OTHER = "other"


class PrincipleVerdict(StrEnum):
    """How well the Fiks platform fits a project, judged against one of the platform principles."""

    FITS = "fits"
    PARTLY = "partly"
    NOT = "not"


class PersonKind(StrEnum):
    INTERNAL = "internal"
    CONSULTANT = "consultant"


class ScenarioStatus(StrEnum):
    DRAFT = "draft"
    APPLIED = "applied"
    DISCARDED = "discarded"


class DeptRole(Versioned, Base):
    """One of the department's roles (developer, product owner, ...) with its competence areas."""

    __tablename__ = "pf_role"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    competence: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=100)


class Person(Versioned, Base):
    __tablename__ = "pf_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=PersonKind.INTERNAL.value)
    fte_pct: Mapped[int] = mapped_column(Integer, default=100)
    availability_pct: Mapped[int] = mapped_column(Integer, default=100)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    competence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    role_rows: Mapped[list[PersonRole]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                       order_by="PersonRole.share_pct.desc()")
    changes: Mapped[list[ScheduleChange]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                         order_by="ScheduleChange.effective_from")


class PersonRole(Base):
    """A person's share of their time in a role (the shares of one person add up to 100)."""

    __tablename__ = "pf_person_role"
    person_id: Mapped[int] = mapped_column(ForeignKey("pf_person.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("pf_role.id"), primary_key=True)
    share_pct: Mapped[int] = mapped_column(Integer, default=100)

    role: Mapped[DeptRole] = relationship(lazy="joined")


class ScheduleChange(Base):
    """From a month on, a person works another FTE or availability (leave, part time, new contract)."""

    __tablename__ = "pf_schedule_change"
    __table_args__ = (UniqueConstraint("person_id", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("pf_person.id", ondelete="CASCADE"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    fte_pct: Mapped[int] = mapped_column(Integer)
    availability_pct: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")


class BackgroundLoad(Versioned, Base):
    """Recurring work (support, management of live services) that takes a role's capacity every month."""

    __tablename__ = "pf_background_load"
    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("pf_role.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    service_code: Mapped[str | None] = mapped_column(String(40))
    fte_pct: Mapped[int] = mapped_column(Integer)
    start_month: Mapped[date] = mapped_column(Date)
    end_month: Mapped[date | None] = mapped_column(Date)

    role: Mapped[DeptRole] = relationship(lazy="joined")


class Project(Versioned, Base):
    __tablename__ = "pf_project"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    service_code: Mapped[str] = mapped_column(String(40), index=True)
    service_name: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    product_owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    priority: Mapped[int] = mapped_column(Integer)
    financing: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(20), default=Phase.PLANNING.value, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None: not answered yet (the planning gate asks); True: the ROS, DPIA and municipality template count
    handles_personal_data: Mapped[bool | None] = mapped_column(Boolean)

    documents: Mapped[list[ProjectDocument]] = relationship(cascade="all, delete-orphan",
                                                            order_by="ProjectDocument.id")
    history: Mapped[list[PhaseChange]] = relationship(cascade="all, delete-orphan", order_by="PhaseChange.id")
    principles: Mapped[list[PrincipleAssessment]] = relationship(cascade="all, delete-orphan",
                                                                 order_by="PrincipleAssessment.principle")


class ProjectDocument(Base):
    __tablename__ = "pf_project_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pf_project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(500), default="")
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PrincipleAssessment(Base):
    """The project judged against one of the eight Fiks platform principles (fits / partly / not, with a reason)."""

    __tablename__ = "pf_principle_assessment"
    __table_args__ = (UniqueConstraint("project_id", "principle"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pf_project.id", ondelete="CASCADE"), index=True)
    principle: Mapped[int] = mapped_column(Integer)         # 1..8, portfolio/reference/fiks_principles.csv
    verdict: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[str] = mapped_column(String(120))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectRequest(Base):
    """A change request a user council approved, taken into the project as demand by its product owner.

    `change_request_id` names the request in the agreements room, which the portfolio does not depend on
    (no foreign key); a request goes to one place only. When the product owner estimated it, the FTE per
    month for the role was added to the project's open demand."""

    __tablename__ = "pf_project_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pf_project.id", ondelete="CASCADE"), index=True)
    change_request_id: Mapped[int] = mapped_column(Integer, unique=True)
    service_code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("pf_role.id"))
    first_month: Mapped[date | None] = mapped_column(Date)
    last_month: Mapped[date | None] = mapped_column(Date)
    fte_pct: Mapped[int | None] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    role: Mapped[DeptRole | None] = relationship(lazy="joined")


class PhaseChange(Base):
    """Phase history: every gate passed, by whom, when, with the approver's comment.

    Phases only move forward, so a project enters each phase once: the unique index is what makes a gate
    passed twice (two leaders approving at the same moment) impossible in the database itself."""

    __tablename__ = "pf_phase_change"
    __table_args__ = (Index("uq_pf_phase_change_project_id_to_phase", "project_id", "to_phase", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pf_project.id", ondelete="CASCADE"), index=True)
    from_phase: Mapped[str | None] = mapped_column(String(20))
    to_phase: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text, default="")


class Demand(Base):
    """An open request: a project needs this much of a role in a month, nobody named yet."""

    __tablename__ = "pf_demand"
    __table_args__ = (UniqueConstraint("project_id", "role_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pf_project.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("pf_role.id"))
    month: Mapped[date] = mapped_column(Date, index=True)
    fte_pct: Mapped[int] = mapped_column(Integer)


class Allocation(Base):
    """A named person working on a project in a role in a month."""

    __tablename__ = "pf_allocation"
    __table_args__ = (UniqueConstraint("project_id", "person_id", "role_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pf_project.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("pf_person.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("pf_role.id"))
    month: Mapped[date] = mapped_column(Date, index=True)
    fte_pct: Mapped[int] = mapped_column(Integer)


class Scenario(Versioned, Base):
    """A named copy of priorities and dates; live data changes only when a leader applies it."""

    __tablename__ = "pf_scenario"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ScenarioStatus.DRAFT.value)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rows: Mapped[list[ScenarioProject]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                       order_by="ScenarioProject.priority")


class ScenarioProject(Base):
    __tablename__ = "pf_scenario_project"
    scenario_id: Mapped[int] = mapped_column(ForeignKey("pf_scenario.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pf_project.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    base_version: Mapped[int] = mapped_column(Integer)   # the live project's version when copied


class Baseline(Base):
    """A named, immutable snapshot of the plan (projects, needs and capacity) to compare with later."""

    __tablename__ = "pf_baseline"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_month: Mapped[date] = mapped_column(Date)
    last_month: Mapped[date] = mapped_column(Date)


class BaselineProject(Base):
    __tablename__ = "pf_baseline_project"
    baseline_id: Mapped[int] = mapped_column(ForeignKey("pf_baseline.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)   # no FK: the snapshot outlives edits
    name: Mapped[str] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class BaselineNeed(Base):
    __tablename__ = "pf_baseline_need"
    __audit__ = "batch"
    baseline_id: Mapped[int] = mapped_column(ForeignKey("pf_baseline.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    fte_pct: Mapped[int] = mapped_column(Integer)


class BaselineCapacity(Base):
    __tablename__ = "pf_baseline_capacity"
    __audit__ = "batch"
    baseline_id: Mapped[int] = mapped_column(ForeignKey("pf_baseline.id"), primary_key=True)
    role_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    free_pct: Mapped[int] = mapped_column(Integer)          # capacity less background load
    consultant_pct: Mapped[int] = mapped_column(Integer)    # of which consultants


IMMUTABLE = (Baseline, BaselineProject, BaselineNeed, BaselineCapacity)


def baselines_are_immutable(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, IMMUTABLE) and (obj in session.deleted or session.is_modified(obj)):
            raise BackofficeError(t("pf.baseline.immutable"))

