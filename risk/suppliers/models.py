"""Tables of the supplier register (issue 23, item 2): suppliers and sub-processors, the services and
components they deliver to, their assurance (ISO/IEC 27001 certificates, ISAE 3402 / ISAE 3000 reports and
the findings in them) and the reminder settings.

A supplier that processes personal data for a service is a sub-processor (underdatabehandler) of that
service: the municipalities are the controllers and the department the processor (GDPR art. 28(2) and (4)).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow
from data.registers.models import Component, Service


class Supplier(Versioned, Base):
    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)   # Norwegian; foreign ones may lack it
    country: Mapped[str] = mapped_column(String(2), default="NO")           # ISO 3166-1 alpha-2
    data_location: Mapped[str] = mapped_column(String(200), default="")     # where the data is kept
    delivers: Mapped[str] = mapped_column(Text, default="")                 # what they deliver
    processes_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    services: Mapped[list[SupplierService]] = relationship(cascade="all, delete-orphan",
                                                           order_by="SupplierService.service_id")
    components: Mapped[list[SupplierComponent]] = relationship(cascade="all, delete-orphan",
                                                               order_by="SupplierComponent.component_id")


class SupplierService(Base):
    """The supplier delivers to the service (as a sub-processor when it processes personal data), since a day."""

    __tablename__ = "supplier_service"

    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)
    added_on: Mapped[date] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(120), default="")

    service: Mapped[Service] = relationship()


class SupplierComponent(Base):
    __tablename__ = "supplier_component"

    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id"), primary_key=True)

    component: Mapped[Component] = relationship()


class Certificate(Versioned, Base):
    """A certificate the supplier holds (ISO/IEC 27001 by default): its scope, issuer and expiry."""

    __tablename__ = "supplier_certificate"
    __table_args__ = (CheckConstraint("issued_on IS NULL OR expires_on >= issued_on", name="expiry_after_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), index=True)
    standard: Mapped[str] = mapped_column(String(40), default="ISO/IEC 27001")
    scope: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(200), default="")
    certificate_ref: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class AssuranceReport(Versioned, Base):
    """An independent auditor's assurance report received from the supplier (ISAE 3402 or ISAE 3000): the
    period it covers, the opinion, when it came and when the security officer reviewed it."""

    __tablename__ = "supplier_report"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), index=True)
    standard: Mapped[str] = mapped_column(String(20))              # isae3402 / isae3000
    report_type: Mapped[str] = mapped_column(String(10), default="type2")   # type1 / type2
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date, index=True)
    auditor: Mapped[str] = mapped_column(String(200), default="")
    opinion: Mapped[str] = mapped_column(String(20), default="unqualified")   # unqualified/qualified/adverse/disclaimer
    received_on: Mapped[date] = mapped_column(Date)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by: Mapped[str] = mapped_column(String(120), default="")
    document_ref: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    findings: Mapped[list[Finding]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                   order_by="Finding.id")


class Finding(Versioned, Base):
    """A deviation or weakness the auditor reported; it can become a risk in a service's ROS (once)."""

    __tablename__ = "supplier_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("supplier_report.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(10), default="medium")   # low / medium / high
    supplier_response: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")       # open / closed
    # the ROS risk it became, and the service whose ROS holds it (no foreign key, like NSM gaps)
    ros_risk_id: Mapped[int | None] = mapped_column(Integer)
    ros_service_code: Mapped[str | None] = mapped_column(String(40))

    report: Mapped[AssuranceReport] = relationship(back_populates="findings")


class ReminderSettings(Versioned, Base):
    """One row: how early the security officer is reminded (the demo and an empty database use the defaults)."""

    __tablename__ = "supplier_settings"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), default="default")
    certificate_warning_days: Mapped[int] = mapped_column(Integer, default=90)
    report_grace_days: Mapped[int] = mapped_column(Integer, default=90)
    report_warning_days: Mapped[int] = mapped_column(Integer, default=30)
