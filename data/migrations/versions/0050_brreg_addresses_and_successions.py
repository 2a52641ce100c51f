"""registers: Enhetsregisteret's registered name and postal address on organisations; successor links

Revision ID: 0050
Revises: 0001

`organisation` gets the legal entity's name and postal address as Enhetsregisteret gives them
(data/registers/brreg.py). `organisation_succession` links an organisation that ended to its successor
on a date, from SSB's classification changes (data/registers/changes.py): a merger has several
predecessors, a split several successors; a link records when its merger plan was applied and what moved.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0050"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("registered_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("postal_address", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("postal_code", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("postal_place", sa.String(length=100), nullable=True))
    op.create_table(
        "organisation_succession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("change_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("old_code", sa.String(length=4), nullable=True),
        sa.Column("new_code", sa.String(length=4), nullable=True),
        sa.Column("imported_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("applied_at", data.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("applied_by", sa.String(length=120), nullable=True),
        sa.Column("moved", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["predecessor_id"], ["organisation.id"],
                                name=op.f("fk_organisation_succession_predecessor_id_organisation")),
        sa.ForeignKeyConstraint(["successor_id"], ["organisation.id"],
                                name=op.f("fk_organisation_succession_successor_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_succession")),
        sa.UniqueConstraint("predecessor_id", "successor_id",
                            name=op.f("uq_organisation_succession_predecessor_id_successor_id")),
    )
    with op.batch_alter_table("organisation_succession") as batch:
        batch.create_index(batch.f("ix_organisation_succession_predecessor_id"), ["predecessor_id"], unique=False)
        batch.create_index(batch.f("ix_organisation_succession_successor_id"), ["successor_id"], unique=False)


def downgrade() -> None:
    op.drop_table("organisation_succession")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("postal_place")
        batch.drop_column("postal_code")
        batch.drop_column("postal_address")
        batch.drop_column("registered_name")
