"""depreciation lives: an asset class and a reason for a longer life on each investment, and finance's
corrections of the classes' maximum lives

Revision ID: 0390
Revises: 0370

- `pricing_investment.asset_class`: the class of FOR-2019-06-07-714 § 3-4 (`pricing.capital.ASSET_CLASSES`);
  existing investments become software ("programvare"), whose maximum is 15 years.
- `pricing_investment.life_reason`: the written reason for a life longer than the class's maximum.
- `pricing_asset_class_life`: finance's corrections of a class's maximum life, with their source.
"""
import sqlalchemy as sa
from alembic import op

revision = "0390"
down_revision = "0370"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pricing_investment") as batch:
        batch.add_column(sa.Column("asset_class", sa.String(length=20), server_default="software", nullable=False))
        batch.add_column(sa.Column("life_reason", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "pricing_asset_class_life",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("max_years", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_pricing_asset_class_life")),
    )


def downgrade() -> None:
    op.drop_table("pricing_asset_class_life")
    with op.batch_alter_table("pricing_investment") as batch:
        batch.drop_column("life_reason")
        batch.drop_column("asset_class")
