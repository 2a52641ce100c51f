"""Tables for data-flow threat models and their STRIDE threats (issue 8).

One threat model per service. Its elements (external entities, processes, data stores, data flows
and trust boundaries) live in one table, like Threat Dragon's cells, so an imported model keeps its
element ids and layout. Threats point at their element; when the element is removed the threat is
kept and marked stale, so decisions already made are never lost silently.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow

ELEMENT_KINDS = ("external_entity", "process", "data_store", "data_flow", "trust_boundary")
NODE_KINDS = ("external_entity", "process", "data_store")
STRIDE = ("S", "T", "R", "I", "D", "E")
# Threat Dragon 2.x's statuses (td.vue/src/service/threats/status.js): Open, NotApplicable, and the
# treatments Mitigated, Accepted, Transferred, Avoided, Eliminated.
THREAT_STATUSES = ("open", "mitigated", "accepted", "transferred", "avoided", "eliminated", "not_applicable")
SEVERITIES = ("low", "medium", "high", "critical")   # "" is unrated (Threat Dragon's TBD, TBA or empty)


class ThreatModel(Versioned, Base):
    __tablename__ = "threat_model"
    __table_args__ = (UniqueConstraint("service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | threat-dragon
    td_meta: Mapped[str] = mapped_column(Text, default="")  # Threat Dragon summary/detail extras (JSON)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    elements: Mapped[list[ThreatElement]] = relationship(
        back_populates="model", cascade="all, delete-orphan", passive_deletes=True,
        foreign_keys="ThreatElement.model_id")
    threats: Mapped[list[Threat]] = relationship(
        back_populates="model", cascade="all, delete-orphan", passive_deletes=True)


class ThreatElement(Versioned, Base):
    __tablename__ = "threat_element"
    __table_args__ = (UniqueConstraint("model_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("threat_model.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))  # stable id (Threat Dragon cell id)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # nodes: the trust boundary (zone) the element sits in
    boundary_id: Mapped[int | None] = mapped_column(ForeignKey("threat_element.id", ondelete="SET NULL"))
    holds_logs: Mapped[bool] = mapped_column(Boolean, default=False)
    stores_credentials: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_scope: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_scope_reason: Mapped[str] = mapped_column(Text, default="")
    # data flows
    source_id: Mapped[int | None] = mapped_column(ForeignKey("threat_element.id", ondelete="SET NULL"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("threat_element.id", ondelete="SET NULL"))
    data_carried: Mapped[str] = mapped_column(Text, default="")
    protocol: Mapped[str] = mapped_column(String(80), default="")
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    crosses_boundary: Mapped[bool] = mapped_column(Boolean, default=False)
    bidirectional: Mapped[bool] = mapped_column(Boolean, default=False)
    public_network: Mapped[bool] = mapped_column(Boolean, default=False)
    # layout (diagram coordinates; Threat Dragon's when imported)
    x: Mapped[float | None] = mapped_column(Float)
    y: Mapped[float | None] = mapped_column(Float)
    width: Mapped[float | None] = mapped_column(Float)
    height: Mapped[float | None] = mapped_column(Float)
    td_cell: Mapped[str] = mapped_column(Text, default="")  # the original Threat Dragon cell (JSON)

    model: Mapped[ThreatModel] = relationship(back_populates="elements", foreign_keys=[model_id])


class Threat(Versioned, Base):
    __tablename__ = "threat"
    __table_args__ = (UniqueConstraint("model_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("threat_model.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[int | None] = mapped_column(ForeignKey("threat_element.id", ondelete="SET NULL"),
                                                   index=True)
    # generated threats: "<element external id>:<STRIDE letter>"; others: "td:<id>" or "manual:<uuid>"
    key: Mapped[str] = mapped_column(String(120))
    origin: Mapped[str] = mapped_column(String(20), default="generated")  # generated | imported | manual
    element_name: Mapped[str] = mapped_column(String(200), default="")   # kept when the element is gone
    element_kind: Mapped[str] = mapped_column(String(20), default="")
    # "" while current; "element_gone" when its element was removed; "no_longer_applies" when the
    # element changed so STRIDE no longer suggests it (e.g. a store that stopped holding logs)
    stale: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(1))   # STRIDE letter; "" for a threat of another model
    # the threat's type and model as Threat Dragon wrote them ("Safety", "PLOT4ai"); "" when made here
    threat_type: Mapped[str] = mapped_column(String(120), default="", server_default="")
    model_type: Mapped[str] = mapped_column(String(40), default="", server_default="")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(10), default="medium")
    rank: Mapped[int] = mapped_column(Integer, default=0)  # higher first; boundary-crossing flows rank higher
    status: Mapped[str] = mapped_column(String(20), default="open")
    mitigation: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the ROS risk this threat became (issue 7's register; no foreign key so the modules stay apart)
    ros_risk_id: Mapped[int | None] = mapped_column(Integer)
    risk_owner: Mapped[str] = mapped_column(String(200), default="")
    risk_deadline: Mapped[date | None] = mapped_column(Date)
    td_extra: Mapped[str] = mapped_column(Text, default="")  # Threat Dragon fields we do not model (JSON)
    # the threat exactly as Threat Dragon wrote it (JSON): exported unchanged unless changed here
    td_threat: Mapped[str] = mapped_column(Text, default="", server_default="")

    model: Mapped[ThreatModel] = relationship(back_populates="threats")
