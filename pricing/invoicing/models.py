"""Tables of the invoice basis (fakturagrunnlag) and the self-cost fund's closed years.

(The fund's planned use for a year's price, `FundPlan`, is an input to the price calculation and lives
in `pricing.models`.)

An invoice run is stored only when finance approves it (a preview is never stored), gets the next
number and never changes again: a guard in `pricing.invoicing.runs` refuses any update or delete at flush.
A mistake is corrected by a credit run (the original lines negated, each pointing at the line it
credits) and a rebill run (the period billed again from today's data).

Double billing is impossible in the database itself: every live fixed or usage line holds the months it
bills in `BilledPeriod`, whose unique keys admit one holder per (service, organisation, appendix, month)
for fixed charges and per (service, organisation, month) for usage; crediting a line releases its months,
so a credited period can be billed again. Run numbers come from a locked counter row (`Counter`).

Appendices are referred to by id and reference text (no foreign key into agreements' tables), so this
migration depends only on pricing's.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.db import Base, UTCDateTime, Versioned, utcnow

RUN_KINDS = ("regular", "credit", "rebill")
LINE_KINDS = ("fixed", "usage", "correction", "credit")


class InvoiceRun(Base):
    """One approved invoice run for a period (`2025-03`, `2025-Q1` or `2025`)."""

    __tablename__ = "pricing_invoice_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default="regular")
    service_code: Mapped[str | None] = mapped_column(String(40))      # None: every service
    credits_run_id: Mapped[int | None] = mapped_column(ForeignKey("pricing_invoice_run.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    total_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    approved_by: Mapped[str] = mapped_column(String(120))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    prepared_by: Mapped[str | None] = mapped_column(String(120), nullable=True)   # finance, who asked for it
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    lines: Mapped[list[InvoiceLine]] = relationship(back_populates="run", order_by="InvoiceLine.id",
                                                    foreign_keys="InvoiceLine.run_id")


class InvoiceRunRequest(Versioned, Base):
    """A run finance has prepared and a leader is asked to approve (four eyes on money).

    `status`: "awaiting_approval" (in the leader's queue), "approved" (`run_id` is the stored run) or
    "withdrawn". `kind` "regular" bills `period` (all services, or `service_code`); "credit" credits run
    `credits_run_number` (the chosen `organisations`, or all) and, with `rebill`, bills it again. The
    figures the preparer saw (`expected_total_ore`, `line_count`) must still hold when it is approved."""

    __tablename__ = "pricing_invoice_run_request"
    __table_args__ = (Index("ix_pricing_invoice_run_request_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="awaiting_approval")
    kind: Mapped[str] = mapped_column(String(10), default="regular")
    period: Mapped[str] = mapped_column(String(10))
    service_code: Mapped[str | None] = mapped_column(String(40))
    credits_run_number: Mapped[int | None] = mapped_column(Integer)
    organisations: Mapped[list | None] = mapped_column(JSON, nullable=True)
    rebill: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    expected_total_ore: Mapped[int] = mapped_column(BigInteger, default=0)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    prepared_by: Mapped[str] = mapped_column(String(120))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("pricing_invoice_run.id"), nullable=True)


class InvoiceLine(Base):
    """One line of the invoice basis: an appendix's fixed charge or usage, a correction or a credit.

    `amount_ore` = round(unit_price × quantity) for usage; for fixed charges it is the year's charge
    (`unit_price`) allocated by days in force with the rounding carried over the year (`quantity` = the
    share of the year, see `pricing.invoicing.runs.fixed_amount`), so any split of a year sums to it.
    """

    __tablename__ = "pricing_invoice_line"
    __audit__ = "batch"
    __table_args__ = (
        Index("ix_pricing_invoice_line_billing", "service_id", "organisation_id", "billed_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pricing_invoice_run.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    org_number: Mapped[str | None] = mapped_column(String(20))
    organisation_name: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    service_code: Mapped[str] = mapped_column(String(40))
    appendix_id: Mapped[int | None] = mapped_column(Integer, index=True)
    appendix_reference: Mapped[str] = mapped_column(String(200), default="")
    component: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(10))           # the period this line bills (corrections: an earlier one)
    year: Mapped[int] = mapped_column(Integer, index=True)
    billed_from: Mapped[date] = mapped_column(Date)
    billed_to: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=0)
    period_days: Mapped[int] = mapped_column(Integer, default=0)
    meter_code: Mapped[str | None] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(Numeric(24, 10))
    unit: Mapped[str] = mapped_column(String(40), default="")
    unit_price: Mapped[Decimal] = mapped_column(Numeric(24, 6))   # øre
    amount_ore: Mapped[int] = mapped_column(BigInteger)
    price_list_number: Mapped[int | None] = mapped_column(Integer)
    pricing: Mapped[dict] = mapped_column(JSON, default=dict)
    credits_line_id: Mapped[int | None] = mapped_column(ForeignKey("pricing_invoice_line.id"), unique=True)

    run: Mapped[InvoiceRun] = relationship(back_populates="lines", foreign_keys=[run_id])


class BilledPeriod(Base):
    """One month of one charge that a live invoice line bills: what makes double billing impossible.

    A fixed line holds every month it touches for its appendix (kind "fixed"); a usage line holds every
    month of its period for its organisation (kind "usage", no appendix). The partial unique indexes admit
    one holder each, so a second run for the same period, or an overlapping one (March, then the first
    quarter), is refused by the database even if two users approve at the same moment. A credit deletes the
    rows of the lines it credits, which lets the rebill (or a later run) hold the months again. Written only
    by `pricing.invoicing.runs`, in bulk; derived from the invoice lines, so audited like them, as batches.
    """

    __tablename__ = "pricing_billed_period"
    __audit__ = "batch"
    __table_args__ = (
        Index("uq_pricing_billed_period_fixed", "service_id", "organisation_id", "appendix_id", "month",
              unique=True, sqlite_where=text("kind = 'fixed'"), postgresql_where=text("kind = 'fixed'")),
        Index("uq_pricing_billed_period_usage", "service_id", "organisation_id", "month",
              unique=True, sqlite_where=text("kind = 'usage'"), postgresql_where=text("kind = 'usage'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(String(12))                    # "fixed" or "usage"
    appendix_id: Mapped[int | None] = mapped_column(Integer)          # fixed: the appendix billed; usage: None
    month: Mapped[date] = mapped_column(Date)                        # the month's first day
    line_id: Mapped[int] = mapped_column(ForeignKey("pricing_invoice_line.id"), index=True)


class Counter(Base):
    """A named counter of the pricing package (`invoice_run`: the last run number handed out). Its row is
    locked while a number is taken, so two runs approved at the same moment get consecutive numbers."""

    __tablename__ = "pricing_counter"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class FundYearEnd(Base):
    """A closed year of a service's self-cost fund (årsavslutning): the year's figures as they were closed.

    The row is never changed except to reopen it (`reopened_at/by`, `reopen_reason`, all recorded in the
    audit log); a reopened row stays as history and the year may be closed again as a new row. `layers`
    is what the fund holds after the year, oldest first ([{"year", "original_ore", "remaining_ore"}]),
    so the open years after it continue from here.
    """

    __tablename__ = "pricing_fund_year_end"
    __table_args__ = (
        Index("ix_pricing_fund_year_end_service_id_year", "service_id", "year"),
        # a year is closed once: one row per service and year that is not reopened
        Index("uq_pricing_fund_year_end_closed", "service_id", "year", unique=True,
              sqlite_where=text("reopened_at IS NULL"), postgresql_where=text("reopened_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    year: Mapped[int] = mapped_column(Integer)
    opening_ore: Mapped[int] = mapped_column(BigInteger)
    result_ore: Mapped[int] = mapped_column(BigInteger)
    correction_ore: Mapped[int] = mapped_column(BigInteger, default=0)   # earlier closed years, corrected since
    rate_percent: Mapped[Decimal | None] = mapped_column(Numeric(8, 4), nullable=True)
    interest_ore: Mapped[int] = mapped_column(BigInteger)
    closing_ore: Mapped[int] = mapped_column(BigInteger)
    set_aside_ore: Mapped[int] = mapped_column(BigInteger)
    drawn_ore: Mapped[int] = mapped_column(BigInteger)
    recovered_ore: Mapped[int] = mapped_column(BigInteger)
    new_deficit_ore: Mapped[int] = mapped_column(BigInteger)
    layers: Mapped[list] = mapped_column(JSON)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(120))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reopened_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reopen_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


# --- EHF (Peppol BIS Billing 3.0): who sends, who receives, which documents were issued (issue 21) ---------


class SupplierSettings(Versioned, Base):
    """The department as the seller on its EHF invoices: one row (id 1), edited by admin and finance
    (`pricing.invoicing.settings`). `note` says where the figures come from (the demo marks its own)."""

    __tablename__ = "pricing_supplier_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_number: Mapped[str] = mapped_column(String(9), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="NO")
    vat_registered: Mapped[bool] = mapped_column(Boolean, default=True)       # NO…MVA on the invoice
    foretaksregisteret: Mapped[bool] = mapped_column(Boolean, default=False)  # "Foretaksregisteret" (NO-R-002)
    bank_account: Mapped[str] = mapped_column(String(34), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    kid_method: Mapped[str] = mapped_column(String(10), default="mod10")      # "mod10" (Luhn) or "mod11"
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EhfRecipient(Versioned, Base):
    """What an organisation's EHF needs beyond the register: its invoice address (None fields: the
    register's postal address), its Peppol participant id (scheme 0192 and the organisation number unless
    set) and its buyer's reference ("Deres ref"; a main agreement's own reference wins)."""

    __tablename__ = "pricing_ehf_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    street: Mapped[str | None] = mapped_column(String(200), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    endpoint_scheme: Mapped[str] = mapped_column(String(4), default="0192")
    endpoint_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    buyer_reference: Mapped[str] = mapped_column(String(200), default="")


class EhfDocument(Base):
    """One issued EHF document: an invoice (or credit note) to one organisation for one approved run.

    Issued once, numbered from the locked counter `ehf_document` (unique, never reused) and never changed:
    `snapshot` holds the seller, the buyer and each line's VAT as they were when it was issued, so the XML
    is a pure function of this row and the run's stored lines (the same bytes every time). A credit note
    of a credit run points at the invoice it credits (`credits_document_id`)."""

    __tablename__ = "pricing_ehf_document"
    __table_args__ = (Index("uq_pricing_ehf_document_run_org", "run_id", "organisation_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(12))                  # "invoice" or "credit_note"
    run_id: Mapped[int] = mapped_column(ForeignKey("pricing_invoice_run.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    credits_document_id: Mapped[int | None] = mapped_column(ForeignKey("pricing_ehf_document.id"), nullable=True)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    kid: Mapped[str] = mapped_column(String(30))
    total_excl_ore: Mapped[int] = mapped_column(BigInteger)       # as the stored lines sum (credit notes: < 0)
    total_vat_ore: Mapped[int] = mapped_column(BigInteger)
    total_incl_ore: Mapped[int] = mapped_column(BigInteger)
    snapshot: Mapped[dict] = mapped_column(JSON)
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
