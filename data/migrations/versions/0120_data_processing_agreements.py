"""agreements: versions of each service's data processing agreement (databehandleravtale), who signed which,
and the day each organisation reported its own ROS and DPIA for the service (on the appendix)

Revision ID: 0120
Revises: 0110
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0120"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreement_dpa_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("document_ref", sa.String(length=300), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_agreement_dpa_version_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_dpa_version")),
        sa.UniqueConstraint("service_id", "label", name=op.f("uq_agreement_dpa_version_service_id_label")),
    )
    with op.batch_alter_table("agreement_dpa_version") as batch:
        batch.create_index(batch.f("ix_agreement_dpa_version_service_id"), ["service_id"], unique=False)
    op.create_table(
        "agreement_dpa_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dpa_version_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dpa_version_id"], ["agreement_dpa_version.id"], ondelete="CASCADE",
                                name=op.f("fk_agreement_dpa_signature_dpa_version_id_agreement_dpa_version")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_dpa_signature_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_dpa_signature")),
        sa.UniqueConstraint("dpa_version_id", "organisation_id",
                            name=op.f("uq_agreement_dpa_signature_dpa_version_id_organisation_id")),
    )
    with op.batch_alter_table("agreement_dpa_signature") as batch:
        batch.create_index(batch.f("ix_agreement_dpa_signature_organisation_id"), ["organisation_id"], unique=False)
    with op.batch_alter_table("agreement_appendix") as batch:
        batch.add_column(sa.Column("own_ros_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("own_dpia_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreement_appendix") as batch:
        batch.drop_column("own_dpia_on")
        batch.drop_column("own_ros_on")
    op.drop_table("agreement_dpa_signature")
    op.drop_table("agreement_dpa_version")
