"""privacy: who prepared a management-system document's current version (two people sign: the one who
registered or prepared a document never approves it)

Revision ID: 0585
Revises: 0580
"""
import sqlalchemy as sa
from alembic import op

revision = "0585"
down_revision = "0580"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("privacy_document") as batch:
        batch.add_column(sa.Column("prepared_by", sa.String(length=120), nullable=False, server_default=""))
    op.execute("UPDATE privacy_document SET prepared_by = created_by")


def downgrade() -> None:
    with op.batch_alter_table("privacy_document") as batch:
        batch.drop_column("prepared_by")
