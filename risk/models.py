"""Tables of the ROS and DPIA registers: risk matrices, assessments, risks, measures, acceptances,
review triggers and DPIAs; and maturity assessments against NSM's basic principles for ICT security.

Assessments (ROS and DPIA) are versioned as a *series*: each revision is its own row with the same
`series_id`, and an approved revision is frozen (the logic refuses edits). Exactly one row per series
has `is_current` set: the approved revision in force, or the draft while nothing is approved yet.
Scores are stored as levels (1..n) per stage and dimension; the derived score and level are kept in
plain columns so that dashboards can aggregate in SQL.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow


class RiskMatrix(Base):
    """One revision of a risk matrix with its acceptance criteria. Never changed once saved:
    editing the matrix saves a new revision, so each assessment keeps the matrix it used."""

    __tablename__ = "risk_matrix"
    __table_args__ = (UniqueConstraint("name", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    likelihood_levels: Mapped[list] = mapped_column(JSON)     # [{"label": .., "description": ..}, ...]
    consequence_levels: Mapped[list] = mapped_column(JSON)    # [{"label": .., "description": ..}, ...]
    dimensions: Mapped[list] = mapped_column(JSON)            # ["confidentiality", ...]
    combine_rule: Mapped[str] = mapped_column(String(20), default="max")
    yellow_from: Mapped[int] = mapped_column(Integer)         # score (likelihood x consequence) from which yellow
    red_from: Mapped[int] = mapped_column(Integer)            # ... and red
    accept_up_to: Mapped[str] = mapped_column(String(10), default="yellow")
    review_months: Mapped[dict] = mapped_column(JSON)         # {"green": 12, "yellow": 6, "red": 3}
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class RosAssessment(Versioned, Base):
    __tablename__ = "ros_assessment"
    __table_args__ = (UniqueConstraint("series_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("ros_assessment.id"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    scope: Mapped[str] = mapped_column(String(20))            # service / component / department
    service_code: Mapped[str | None] = mapped_column(ForeignKey("service.code"), index=True)
    component_code: Mapped[str | None] = mapped_column(ForeignKey("component.code"))
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    assessed_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    matrix_id: Mapped[int] = mapped_column(ForeignKey("risk_matrix.id"))
    next_review: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # sign-off: who submitted the version for the leader's approval (never its approver), and a send-back
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by: Mapped[str | None] = mapped_column(String(120))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")

    matrix: Mapped[RiskMatrix] = relationship(lazy="joined")
    risks: Mapped[list[Risk]] = relationship(back_populates="assessment", order_by="Risk.key",
                                             cascade="all, delete-orphan")
    measures: Mapped[list[Measure]] = relationship(back_populates="assessment", order_by="Measure.key",
                                                   cascade="all, delete-orphan")


measure_risk = Table(
    "ros_measure_risk",
    Base.metadata,
    Column("measure_id", ForeignKey("ros_measure.id", ondelete="CASCADE"), primary_key=True),
    Column("risk_id", ForeignKey("ros_risk.id", ondelete="CASCADE"), primary_key=True),
)


class Risk(Versioned, Base):
    __tablename__ = "ros_risk"
    __table_args__ = (UniqueConstraint("assessment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("ros_assessment.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))            # stable across revisions, ...
    title: Mapped[str] = mapped_column(String(200))
    threat: Mapped[str] = mapped_column(Text, default="")
    vulnerability: Mapped[str] = mapped_column(Text, default="")
    consequence: Mapped[str] = mapped_column(Text, default="")
    inherent_likelihood: Mapped[int] = mapped_column(Integer)
    inherent_consequences: Mapped[dict] = mapped_column(JSON)
    current_likelihood: Mapped[int | None] = mapped_column(Integer)
    current_consequences: Mapped[dict | None] = mapped_column(JSON)
    residual_likelihood: Mapped[int | None] = mapped_column(Integer)
    residual_consequences: Mapped[dict | None] = mapped_column(JSON)
    # derived on every save (SQL aggregates read these)
    inherent_score: Mapped[int] = mapped_column(Integer, default=0)
    inherent_level: Mapped[str] = mapped_column(String(10), default="green")
    current_score: Mapped[int] = mapped_column(Integer, default=0)
    current_level: Mapped[str] = mapped_column(String(10), default="green", index=True)
    residual_score: Mapped[int] = mapped_column(Integer, default=0)
    residual_level: Mapped[str] = mapped_column(String(10), default="green")
    above_acceptance: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    knowledge: Mapped[str] = mapped_column(String(10), default="medium")
    owner: Mapped[str] = mapped_column(String(200), default="")
    treatment: Mapped[str] = mapped_column(String(10), default="reduce")
    next_review: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    municipality_action: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessment: Mapped[RosAssessment] = relationship(back_populates="risks")
    measures: Mapped[list[Measure]] = relationship(secondary=measure_risk, back_populates="risks",
                                                   order_by="Measure.key")


class Measure(Versioned, Base):
    __tablename__ = "ros_measure"
    __table_args__ = (UniqueConstraint("assessment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("ros_assessment.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))            # T-01, T-02, ... stable across revisions
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    cost_ore: Mapped[int | None] = mapped_column(BigInteger)
    effect: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessment: Mapped[RosAssessment] = relationship(back_populates="measures")
    risks: Mapped[list[Risk]] = relationship(secondary=measure_risk, back_populates="measures",
                                             order_by="Risk.key")


class RiskAcceptance(Base):
    """A request to accept a risk and the leader's decision on it, with the risk frozen as it was when
    decided. The security officer requests (decision `pending`, a proposed expiry); the leader, who did not
    request it, grants (`accepted`, with a reason and an expiry date) or refuses (`rejected`). A decided row
    never changes again; a new request is a new row."""

    __tablename__ = "ros_acceptance"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("ros_risk.id", ondelete="RESTRICT"), index=True)
    series_id: Mapped[int] = mapped_column(Integer, index=True)
    risk_key: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10), index=True)   # pending / accepted / rejected
    approver: Mapped[str] = mapped_column(String(200), default="")  # the decider's name ("" while pending)
    rationale: Mapped[str] = mapped_column(Text, default="")        # the decider's reason
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(120))     # the decider's username
    expires_on: Mapped[date | None] = mapped_column(Date)           # proposed while pending, granted when accepted
    snapshot: Mapped[dict] = mapped_column(JSON)                    # the risk when requested, then when decided
    requested_by: Mapped[str] = mapped_column(String(120), default="")
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewTrigger(Base):
    """A service's ROS marked as due for review (a significant change, an incident, ...)."""

    __tablename__ = "ros_review_trigger"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("service.code"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="change")
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_role: Mapped[str] = mapped_column(String(120), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reference: Mapped[str] = mapped_column(String(200), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution: Mapped[str] = mapped_column(Text, default="")


class Dpia(Versioned, Base):
    __tablename__ = "dpia"
    __table_args__ = (UniqueConstraint("series_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("dpia.id"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("service.code"), index=True)
    processing: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    screening_criteria: Mapped[list] = mapped_column(JSON)      # EDPB criteria codes that apply
    screening_listed: Mapped[list] = mapped_column(JSON)        # Datatilsynet list items that apply
    screening_note: Mapped[str] = mapped_column(Text, default="")
    purposes: Mapped[str] = mapped_column(Text, default="")
    data_categories: Mapped[str] = mapped_column(Text, default="")
    special_categories: Mapped[str] = mapped_column(Text, default="")
    data_subjects: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    retention: Mapped[str] = mapped_column(Text, default="")
    legal_basis_art6: Mapped[list] = mapped_column(JSON)        # ["c", "e"]
    legal_basis_art9: Mapped[list] = mapped_column(JSON)        # ["b", "h"]
    legal_basis_note: Mapped[str] = mapped_column(Text, default="")
    necessity: Mapped[str] = mapped_column(Text, default="")
    proportionality: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    dpo_opinion: Mapped[str] = mapped_column(Text, default="")
    dpo_name: Mapped[str] = mapped_column(String(200), default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    residual_level: Mapped[str] = mapped_column(String(10), default="low")
    prior_consultation: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by: Mapped[str | None] = mapped_column(String(120))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")

    risks: Mapped[list[DpiaRisk]] = relationship(back_populates="dpia", order_by="DpiaRisk.key",
                                                 cascade="all, delete-orphan")


class DpiaRisk(Versioned, Base):
    """A risk to the data subjects: likelihood and severity (1-4) before and after measures."""

    __tablename__ = "dpia_risk"
    __table_args__ = (UniqueConstraint("dpia_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dpia_id: Mapped[int] = mapped_column(ForeignKey("dpia.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[int] = mapped_column(Integer)
    severity: Mapped[int] = mapped_column(Integer)
    measures: Mapped[str] = mapped_column(Text, default="")
    residual_likelihood: Mapped[int] = mapped_column(Integer)
    residual_severity: Mapped[int] = mapped_column(Integer)
    residual_level: Mapped[str] = mapped_column(String(10), default="low")

    dpia: Mapped[Dpia] = relationship(back_populates="risks")


# --- NSM maturity -------------------------------------------------------------------------------------
# The 4 categories and 21 principles, and only the measures with a source, are shipped reference data in
# risk/reference/nsm_grunnprinsipper.csv. NSM's full measure list is imported from NSM's spreadsheet into
# a catalogue version (the latest one is the loaded catalogue). A score row names what it scores by id: a
# measure ("2.3.1") where the catalogue has that principle's measures, else the principle itself ("2.4").


class NsmCatalogue(Base):
    """One imported version of NSM's measure list (never changed after the import)."""

    __tablename__ = "nsm_catalogue"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_label: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(300))          # the file imported, with its SHA-256
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(120))
    measure_count: Mapped[int] = mapped_column(Integer)

    measures: Mapped[list[NsmCatalogueMeasure]] = relationship(
        back_populates="catalogue", cascade="all, delete-orphan", passive_deletes=True,
        order_by="NsmCatalogueMeasure.position")


class NsmCatalogueMeasure(Base):
    __tablename__ = "nsm_catalogue_measure"
    __table_args__ = (UniqueConstraint("catalogue_id", "measure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("nsm_catalogue.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[str] = mapped_column(String(12))
    principle_id: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    catalogue: Mapped[NsmCatalogue] = relationship(back_populates="measures")


class NsmAssessment(Versioned, Base):
    __tablename__ = "nsm_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    assessed_on: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | final
    default_target: Mapped[int] = mapped_column(Integer, default=3)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the catalogue the assessment was made against (None: the shipped reference data), and its label;
    # no foreign key (catalogue versions are never deleted, and SQLite adds the column without a rebuild)
    catalogue_id: Mapped[int | None] = mapped_column(Integer)
    catalogue_label: Mapped[str] = mapped_column(String(120), default="", server_default="")

    scores: Mapped[list[NsmScore]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                                  passive_deletes=True)


class NsmScore(Versioned, Base):
    __tablename__ = "nsm_score"
    __table_args__ = (
        UniqueConstraint("assessment_id", "measure_id"),
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 5)", name="level_range"),
        CheckConstraint("target >= 0 AND target <= 5", name="target_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("nsm_assessment.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[str] = mapped_column(String(12))
    level: Mapped[int | None] = mapped_column(Integer)  # None: not assessed yet
    target: Mapped[int] = mapped_column(Integer, default=3)
    evidence: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    # the department-wide ROS risk this gap became (no foreign key)
    ros_risk_id: Mapped[int | None] = mapped_column(Integer)
    # the measure's (or principle's) title in the catalogue when it was scored: a score counts only while
    # the loaded catalogue has the same id with the same title; otherwise it is kept, marked and reported
    title: Mapped[str] = mapped_column(Text, default="", server_default="")
    outside_catalogue: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    assessment: Mapped[NsmAssessment] = relationship(back_populates="scores")
