"""changeboard: a change item made from a change request a user council approved

Revision ID: 0720
Revises: 0710
"""
import sqlalchemy as sa
from alembic import op

revision = "0720"
down_revision = "0710"
branch_labels = None
depends_on = "0100"   # agreement_change_request


def upgrade() -> None:
    with op.batch_alter_table("change_item") as batch:
        batch.add_column(sa.Column("change_request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_change_item_change_request", "agreement_change_request", ["change_request_id"],
                                 ["id"], ondelete="SET NULL")
        batch.create_unique_constraint(batch.f("uq_change_item_change_request_id"), ["change_request_id"])


def downgrade() -> None:
    with op.batch_alter_table("change_item") as batch:
        batch.drop_constraint(batch.f("uq_change_item_change_request_id"), type_="unique")
        batch.drop_constraint("fk_change_item_change_request", type_="foreignkey")
        batch.drop_column("change_request_id")
