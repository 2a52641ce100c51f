"""metering: a file's batch shows its progress (status, events handled, chunks) and can be taken over

Revision ID: 0220
Revises: 0210

A file is now written in committed chunks instead of one transaction (a long one held SQLite's
write lock for minutes): the batch row records how far it got, and a re-run of the same file (found
by its SHA-256) takes the unfinished batch over. Batches written before this were one transaction
each: they are complete, and what they handled is what they accepted plus their duplicates.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0220"
down_revision = "0210"
branch_labels = None
depends_on = None

_UNFINISHED = "status <> 'complete'"


def upgrade() -> None:
    with op.batch_alter_table("usage_batch") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), server_default="complete", nullable=False))
        batch.add_column(sa.Column("received", sa.BigInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("total_events", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("chunks_done", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("file_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("run_token", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("updated_at", data.db.UTCDateTime(timezone=True), nullable=True))
        batch.create_check_constraint(op.f("ck_usage_batch_status"), "status IN ('running', 'complete', 'failed')")
    op.execute("UPDATE usage_batch SET received = accepted + duplicates, total_events = accepted + duplicates, "
               "chunks_done = 1")
    op.create_index("ix_usage_batch_unfinished", "usage_batch", ["file_digest"], unique=False,
                    postgresql_where=sa.text(_UNFINISHED), sqlite_where=sa.text(_UNFINISHED))


def downgrade() -> None:
    op.drop_index("ix_usage_batch_unfinished", table_name="usage_batch", postgresql_where=sa.text(_UNFINISHED),
                  sqlite_where=sa.text(_UNFINISHED))
    with op.batch_alter_table("usage_batch") as batch:
        batch.drop_constraint("ck_usage_batch_status", type_="check")
        for column in ("updated_at", "run_token", "file_digest", "chunks_done", "total_events", "received", "status"):
            batch.drop_column(column)
