"""registers: population per organisation and year (Statistics Norway's figure on 1 January)

Revision ID: 0030
Revises: 0020

`organisation_population` holds one figure per organisation and year, imported from SSB's table CSV
export (data/registers/population.py). `organisation.population` and `population_year` stay as the latest
figure (the import keeps them current); a figure for a year without a row falls back to them when their
year matches, so nothing needs to be copied over.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0030"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_population",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_at", data.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE",
                                name=op.f("fk_organisation_population_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_population")),
        sa.UniqueConstraint("organisation_id", "year", name=op.f("uq_organisation_population_organisation_id_year")),
    )
    with op.batch_alter_table("organisation_population") as batch:
        batch.create_index(batch.f("ix_organisation_population_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    op.drop_table("organisation_population")
