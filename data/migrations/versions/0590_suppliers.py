"""risk.suppliers: suppliers and sub-processors, the services and components they deliver to, ISO/IEC 27001
certificates, ISAE 3402/3000 reports and their findings, the reminder settings

Revision ID: 0590
Revises: 0500
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0590"
down_revision = "0500"
branch_labels = None
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "supplier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_number", sa.String(length=9), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("data_location", sa.String(length=200), nullable=False),
        sa.Column("delivers", sa.Text(), nullable=False),
        sa.Column("processes_personal_data", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier")),
        sa.UniqueConstraint("org_number", name=op.f("uq_supplier_org_number")),
    )
    op.create_table(
        "supplier_service",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"], ondelete="CASCADE",
                                name=op.f("fk_supplier_service_supplier_id_supplier")),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_supplier_service_service_id_service")),
        sa.PrimaryKeyConstraint("supplier_id", "service_id", name=op.f("pk_supplier_service")),
    )
    op.create_table(
        "supplier_component",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"], ondelete="CASCADE",
                                name=op.f("fk_supplier_component_supplier_id_supplier")),
        sa.ForeignKeyConstraint(["component_id"], ["component.id"],
                                name=op.f("fk_supplier_component_component_id_component")),
        sa.PrimaryKeyConstraint("supplier_id", "component_id", name=op.f("pk_supplier_component")),
    )
    op.create_table(
        "supplier_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("certificate_ref", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("issued_on IS NULL OR expires_on >= issued_on",
                           name=op.f("ck_supplier_certificate_expiry_after_issue")),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"], ondelete="CASCADE",
                                name=op.f("fk_supplier_certificate_supplier_id_supplier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_certificate")),
    )
    with op.batch_alter_table("supplier_certificate") as batch:
        batch.create_index(batch.f("ix_supplier_certificate_supplier_id"), ["supplier_id"], unique=False)
        batch.create_index(batch.f("ix_supplier_certificate_expires_on"), ["expires_on"], unique=False)
    op.create_table(
        "supplier_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=20), nullable=False),
        sa.Column("report_type", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("auditor", sa.String(length=200), nullable=False),
        sa.Column("opinion", sa.String(length=20), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=120), nullable=False),
        sa.Column("document_ref", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_supplier_report_period_order")),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"], ondelete="CASCADE",
                                name=op.f("fk_supplier_report_supplier_id_supplier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_report")),
    )
    with op.batch_alter_table("supplier_report") as batch:
        batch.create_index(batch.f("ix_supplier_report_supplier_id"), ["supplier_id"], unique=False)
        batch.create_index(batch.f("ix_supplier_report_period_end"), ["period_end"], unique=False)
    op.create_table(
        "supplier_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("supplier_response", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ros_risk_id", sa.Integer(), nullable=True),
        sa.Column("ros_service_code", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["supplier_report.id"], ondelete="CASCADE",
                                name=op.f("fk_supplier_finding_report_id_supplier_report")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_finding")),
    )
    with op.batch_alter_table("supplier_finding") as batch:
        batch.create_index(batch.f("ix_supplier_finding_report_id"), ["report_id"], unique=False)
    op.create_table(
        "supplier_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("certificate_warning_days", sa.Integer(), nullable=False),
        sa.Column("report_grace_days", sa.Integer(), nullable=False),
        sa.Column("report_warning_days", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_settings")),
        sa.UniqueConstraint("name", name=op.f("uq_supplier_settings_name")),
    )


def downgrade() -> None:
    op.drop_table("supplier_settings")
    op.drop_table("supplier_finding")
    op.drop_table("supplier_report")
    op.drop_table("supplier_certificate")
    op.drop_table("supplier_component")
    op.drop_table("supplier_service")
    op.drop_table("supplier")
