"""Tables of the pricing package: cost base, cost pools and key figures, investments and imputed
interest rates, Digifin loans, price calculations, approved price lists and the self-cost fund's
planned use in a year's price.

Services and organisations are referred to by id into the shared registers (data.registers.registry);
nothing here points into agreements' tables, so this package's migration only needs the foundation.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow

COST_TYPES = ("support", "operations", "management", "administration", "development", "other")
BASES = ("budget", "actual")
KEY_TYPES = ("usage", "fte", "tickets", "revenue", "fixed")


class CostPool(Versioned, Base):
    """Shared costs of one year, allocated to services by a key whose figures are stored."""

    __tablename__ = "pricing_cost_pool"
    __table_args__ = (UniqueConstraint("year", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    key_type: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    figures: Mapped[list[PoolKeyFigure]] = relationship(
        back_populates="pool", cascade="all, delete-orphan", order_by="PoolKeyFigure.service_id")


class PoolKeyFigure(Base):
    """The key's figure for one service (usage, FTE, tickets, revenue, or a fixed percentage)."""

    __tablename__ = "pricing_pool_key_figure"
    __table_args__ = (UniqueConstraint("pool_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pricing_cost_pool.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    figure: Mapped[Decimal] = mapped_column(Numeric(20, 6))

    pool: Mapped[CostPool] = relationship(back_populates="figures")


class CostItem(Versioned, Base):
    """One cost line: direct (a service) or shared (a pool), budget or actual, in øre."""

    __tablename__ = "pricing_cost_item"
    __table_args__ = (
        CheckConstraint("(service_id IS NULL) <> (pool_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    basis: Mapped[str] = mapped_column(String(10))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pricing_cost_pool.id", ondelete="CASCADE"), index=True)
    cost_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    counts_toward_self_cost: Mapped[bool] = mapped_column(Boolean, default=True)


class Investment(Versioned, Base):
    """An asset whose capital cost (depreciation and imputed interest) enters the self-cost."""

    __tablename__ = "pricing_investment"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    year_in_use: Mapped[int] = mapped_column(Integer)
    years_of_use: Mapped[int] = mapped_column(Integer)
    counts_toward_self_cost: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # the asset class of the accounting regulation's table (`capital.ASSET_CLASSES`) and, for a life
    # longer than the class's maximum, the written reason for it
    asset_class: Mapped[str] = mapped_column(String(20), default="software", server_default="software")
    life_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class AssetClassLife(Versioned, Base):
    """Finance's correction of one asset class's maximum life (the shipped table is `capital.ASSET_CLASSES`)."""

    __tablename__ = "pricing_asset_class_life"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    max_years: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text, default="")


class InterestRate(Versioned, Base):
    """The year's average 5-year swap rate, in percent; the imputed rate adds 0.5 points."""

    __tablename__ = "pricing_interest_rate"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    swap_rate: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    source: Mapped[str] = mapped_column(String(300), default="")


class DigifinLoan(Versioned, Base):
    """A development loan, repaid by the adopting organisations after launch."""

    __tablename__ = "pricing_digifin_loan"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    interest_rate: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    first_repayment_year: Mapped[int] = mapped_column(Integer)
    repayment_years: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    drawdowns: Mapped[list[DigifinDrawdown]] = relationship(
        back_populates="loan", cascade="all, delete-orphan", order_by="DigifinDrawdown.on_date")


class DigifinDrawdown(Base):
    __tablename__ = "pricing_digifin_drawdown"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("pricing_digifin_loan.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    amount_ore: Mapped[int] = mapped_column(BigInteger)

    loan: Mapped[DigifinLoan] = relationship(back_populates="drawdowns")


class PriceCalculation(Versioned, Base):
    """One stored price calculation (priskalkyle) with every input it used and its result.

    `number` counts the calculations of a service and year (1, 2, ...). A calculation a leader has
    approved is part of a price list and can never change again.
    """

    __tablename__ = "pricing_calculation"
    __table_args__ = (UniqueConstraint("service_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    basis: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    inputs: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    self_cost_ore: Mapped[int] = mapped_column(BigInteger)
    expected_revenue_ore: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # status "awaiting_approval": finance asked a leader to approve it (who and when)
    submitted_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    population_year: Mapped[int | None] = mapped_column(Integer, nullable=True)   # whose 1 January figures
    # a leader sent it back to finance as a draft: who, when and what must change (cleared when it is submitted
    # again; the audit log keeps every earlier return)
    sent_back_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    sent_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_back_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class PriceList(Base):
    """A leader's approval of one calculation as the year's price list. Never updated or deleted:
    a change is a new approval with a higher `number`, which supersedes this one."""

    __tablename__ = "pricing_price_list"
    __table_args__ = (UniqueConstraint("service_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    calculation_id: Mapped[int] = mapped_column(ForeignKey("pricing_calculation.id"), unique=True)
    approved_by: Mapped[str] = mapped_column(String(120))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")
    prepared_by: Mapped[str | None] = mapped_column(String(120), nullable=True)   # who submitted (or wrote) it
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    population_year: Mapped[int | None] = mapped_column(Integer, nullable=True)   # SSB's 1 January figures of

    calculation: Mapped[PriceCalculation] = relationship()


class FundPlan(Versioned, Base):
    """How much of a service's self-cost fund finance plans to use (+) or set aside (−) in a year's price."""

    __tablename__ = "pricing_fund_plan"
    __table_args__ = (UniqueConstraint("service_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")


class PriceListVat(Versioned, Base):
    """The VAT of an approved price list's prices on EHF invoices (issue 21); a list without a row is standard
    rated ("S", 25 %). `category`: "S" standard, "E" exempt or "O" outside the scope of VAT; "E" and "O" need
    the exemption reason text Peppol requires (BR-E-10, BR-O-10), "O" has no rate. Finance sets it; invoices
    already issued keep the VAT they were issued with."""

    __tablename__ = "pricing_price_list_vat"

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("pricing_price_list.id"), unique=True)
    category: Mapped[str] = mapped_column(String(2), default="S")
    rate_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("25"))
    exemption_reason: Mapped[str] = mapped_column(String(300), default="")
