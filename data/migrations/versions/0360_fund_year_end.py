"""fund year-end: closed years of the self-cost fund (årsavslutning)

Revision ID: 0360
Revises: 0350
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0360"
down_revision = "0350"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pricing_fund_year_end',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('opening_ore', sa.BigInteger(), nullable=False),
    sa.Column('result_ore', sa.BigInteger(), nullable=False),
    sa.Column('correction_ore', sa.BigInteger(), nullable=False),
    sa.Column('rate_percent', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.Column('interest_ore', sa.BigInteger(), nullable=False),
    sa.Column('closing_ore', sa.BigInteger(), nullable=False),
    sa.Column('set_aside_ore', sa.BigInteger(), nullable=False),
    sa.Column('drawn_ore', sa.BigInteger(), nullable=False),
    sa.Column('recovered_ore', sa.BigInteger(), nullable=False),
    sa.Column('new_deficit_ore', sa.BigInteger(), nullable=False),
    sa.Column('layers', sa.JSON(), nullable=False),
    sa.Column('closed_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=120), nullable=False),
    sa.Column('reopened_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopened_by', sa.String(length=120), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_pricing_fund_year_end_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_fund_year_end'))
    )
    op.create_index('ix_pricing_fund_year_end_service_id_year', 'pricing_fund_year_end', ['service_id', 'year'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_pricing_fund_year_end_service_id_year', table_name='pricing_fund_year_end')
    op.drop_table('pricing_fund_year_end')
