"""foundation: audit_log.keyed (entries whose hash is an HMAC under BACKOFFICE_AUDIT_KEY)

Revision ID: 0020
Revises: 0001

Entries written before this column existed are plain SHA-256 (keyed = false). See data/audit.py for
how a chain with plain entries before keyed ones is verified.
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("keyed", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("keyed")
