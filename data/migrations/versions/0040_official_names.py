"""registers: the Norwegian name beside the official name of organisations and counties

Revision ID: 0040
Revises: 0010

`organisation.name` and `county.name` hold the official name as Statistics Norway writes it, in all
its languages ("Guovdageaidnu - Kautokeino"); `norwegian_name` holds the Norwegian part alone
("Kautokeino"). Existing rows are filled by the reference refresh that `backoffice db upgrade` runs
after the migrations (data/registers/registry.py, `load_reference_data`), together with the official
names and the organisation numbers of municipalities and county municipalities.
"""
import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("county") as batch:
        batch.add_column(sa.Column("norwegian_name", sa.String(length=100), nullable=True))
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("norwegian_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("norwegian_name")
    with op.batch_alter_table("county") as batch:
        batch.drop_column("norwegian_name")
