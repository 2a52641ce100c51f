"""EHF invoices and credit notes (issue 21): supplier settings, recipients, VAT per price list, issued documents

Revision ID: 0400
Revises: 0390 (depends on 0110 of agreements)

- `pricing_supplier_settings`: the department as the seller (one row, edited by admin and finance).
- `pricing_ehf_recipient`: an organisation's invoice address, Peppol participant id and buyer's reference.
- `pricing_price_list_vat`: the VAT category and rate of an approved price list (none: standard 25 %).
- `pricing_ehf_document`: issued invoices and credit notes, numbered from the counter row `ehf_document`.
- `agreement_main.buyer_reference`: the buyer's reference per main agreement.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0400"
down_revision = "0390"
branch_labels = None
depends_on = "0110"


def upgrade() -> None:
    op.create_table(
        "pricing_supplier_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_number", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("vat_registered", sa.Boolean(), nullable=False),
        sa.Column("foretaksregisteret", sa.Boolean(), nullable=False),
        sa.Column("bank_account", sa.String(length=34), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=200), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("kid_method", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_supplier_settings")),
    )
    op.create_table(
        "pricing_ehf_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("endpoint_scheme", sa.String(length=4), nullable=False),
        sa.Column("endpoint_id", sa.String(length=50), nullable=True),
        sa.Column("buyer_reference", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_pricing_ehf_recipient_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_ehf_recipient")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_pricing_ehf_recipient_organisation_id")),
    )
    op.create_table(
        "pricing_price_list_vat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("price_list_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=2), nullable=False),
        sa.Column("rate_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("exemption_reason", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["price_list_id"], ["pricing_price_list.id"],
                                name=op.f("fk_pricing_price_list_vat_price_list_id_pricing_price_list")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_price_list_vat")),
        sa.UniqueConstraint("price_list_id", name=op.f("uq_pricing_price_list_vat_price_list_id")),
    )
    op.create_table(
        "pricing_ehf_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("credits_document_id", sa.Integer(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("kid", sa.String(length=30), nullable=False),
        sa.Column("total_excl_ore", sa.BigInteger(), nullable=False),
        sa.Column("total_vat_ore", sa.BigInteger(), nullable=False),
        sa.Column("total_incl_ore", sa.BigInteger(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("issued_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["credits_document_id"], ["pricing_ehf_document.id"],
                                name=op.f("fk_pricing_ehf_document_credits_document_id_pricing_ehf_document")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_pricing_ehf_document_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["run_id"], ["pricing_invoice_run.id"],
                                name=op.f("fk_pricing_ehf_document_run_id_pricing_invoice_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_ehf_document")),
        sa.UniqueConstraint("number", name=op.f("uq_pricing_ehf_document_number")),
    )
    op.create_index("ix_pricing_ehf_document_run_id", "pricing_ehf_document", ["run_id"])
    op.create_index("uq_pricing_ehf_document_run_org", "pricing_ehf_document", ["run_id", "organisation_id"],
                    unique=True)
    op.execute(sa.text("INSERT INTO pricing_counter (name, value) VALUES ('ehf_document', 0)"))
    with op.batch_alter_table("agreement_main") as batch:
        batch.add_column(sa.Column("buyer_reference", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreement_main") as batch:
        batch.drop_column("buyer_reference")
    op.execute(sa.text("DELETE FROM pricing_counter WHERE name = 'ehf_document'"))
    op.drop_index("uq_pricing_ehf_document_run_org", table_name="pricing_ehf_document")
    op.drop_index("ix_pricing_ehf_document_run_id", table_name="pricing_ehf_document")
    op.drop_table("pricing_ehf_document")
    op.drop_table("pricing_price_list_vat")
    op.drop_table("pricing_ehf_recipient")
    op.drop_table("pricing_supplier_settings")
