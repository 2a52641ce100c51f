"""portfolio: Fiks platform principles and plain language in the gates; change requests taken in as demand

Revision ID: 0610
Revises: 0600

`pf_project.handles_personal_data` (None until the planning gate asks) decides whether the ROS, the DPIA
and the municipality template count at a gate. `pf_principle_assessment` holds a project's judgement
against each of the eight Fiks platform principles. `pf_project_request` links a change request a user
council approved (agreements; no foreign key, the portfolio does not depend on it) to the project.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0610"
down_revision = "0600"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pf_project") as batch:
        batch.add_column(sa.Column("handles_personal_data", sa.Boolean(), nullable=True))
    op.create_table(
        "pf_principle_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("assessed_by", sa.String(length=120), nullable=False),
        sa.Column("assessed_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["pf_project.id"], ondelete="CASCADE",
                                name=op.f("fk_pf_principle_assessment_project_id_pf_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_principle_assessment")),
        sa.UniqueConstraint("project_id", "principle", name=op.f("uq_pf_principle_assessment_project_id_principle")),
    )
    with op.batch_alter_table("pf_principle_assessment") as batch:
        batch.create_index(batch.f("ix_pf_principle_assessment_project_id"), ["project_id"], unique=False)
    op.create_table(
        "pf_project_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("change_request_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("first_month", sa.Date(), nullable=True),
        sa.Column("last_month", sa.Date(), nullable=True),
        sa.Column("fte_pct", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["pf_project.id"], ondelete="CASCADE",
                                name=op.f("fk_pf_project_request_project_id_pf_project")),
        sa.ForeignKeyConstraint(["role_id"], ["pf_role.id"], name=op.f("fk_pf_project_request_role_id_pf_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_project_request")),
        sa.UniqueConstraint("change_request_id", name=op.f("uq_pf_project_request_change_request_id")),
    )
    with op.batch_alter_table("pf_project_request") as batch:
        batch.create_index(batch.f("ix_pf_project_request_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    op.drop_table("pf_project_request")
    op.drop_table("pf_principle_assessment")
    with op.batch_alter_table("pf_project") as batch:
        batch.drop_column("handles_personal_data")
