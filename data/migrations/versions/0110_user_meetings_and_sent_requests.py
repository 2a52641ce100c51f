"""agreements: user meetings per service and year (invitations, attendance, minutes, the council they
elect); where an approved change request was sent

Revision ID: 0110
Revises: 0100
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0110"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreement_user_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("notice", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_agreement_user_meeting_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_user_meeting")),
        sa.UniqueConstraint("service_id", "year", name=op.f("uq_agreement_user_meeting_service_id_year")),
    )
    with op.batch_alter_table("agreement_user_meeting") as batch:
        batch.create_index(batch.f("ix_agreement_user_meeting_service_id"), ["service_id"], unique=False)
    op.create_table(
        "agreement_user_meeting_invitee",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("representative", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["agreement_user_meeting.id"], ondelete="CASCADE",
                                name=op.f("fk_agreement_user_meeting_invitee_meeting_id_agreement_user_meeting")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_user_meeting_invitee_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("meeting_id", "organisation_id", name=op.f("pk_agreement_user_meeting_invitee")),
    )
    with op.batch_alter_table("agreement_council_member") as batch:
        batch.add_column(sa.Column("elected_at_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_agreement_member_user_meeting", "agreement_user_meeting", ["elected_at_id"],
                                 ["id"], ondelete="SET NULL")
    with op.batch_alter_table("agreement_change_request") as batch:
        batch.add_column(sa.Column("sent_to", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("sent_ref", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sent_at", data.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sent_by", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreement_change_request") as batch:
        batch.drop_column("sent_by")
        batch.drop_column("sent_at")
        batch.drop_column("sent_ref")
        batch.drop_column("sent_to")
    with op.batch_alter_table("agreement_council_member") as batch:
        batch.drop_constraint("fk_agreement_member_user_meeting", type_="foreignkey")
        batch.drop_column("elected_at_id")
    op.drop_table("agreement_user_meeting_invitee")
    op.drop_table("agreement_user_meeting")
