"""users: must_change_password, for one-time passwords that are replaced at the first sign-in

Revision ID: 0010
Revises: 0001

Set when someone other than the user sets the password (the first admin from `db upgrade`, an
admin's new or reset password), cleared when the user sets their own. Users that exist before this
migration keep signing in as before (false).
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("must_change_password")
