"""Tables for maturity assessments against NSM's basic principles for ICT security (issue 8).

The principles themselves (4 categories, 21 principles, 118 measures) are shipped reference data in
risk/reference/nsm_principles.csv; a score row names its measure by id ("2.6.3").
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow

MATURITY_LEVELS = (0, 1, 2, 3, 4, 5)


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
    # the department-wide ROS risk this gap became (issue 7's register; no foreign key)
    ros_risk_id: Mapped[int | None] = mapped_column(Integer)

    assessment: Mapped[NsmAssessment] = relationship(back_populates="scores")
