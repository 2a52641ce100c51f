"""invoicing: invoice runs and lines (invoice basis), the self-cost fund's planned use

Revision ID: 0350
Revises: 0300
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0350"
down_revision = "0300"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pricing_invoice_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=True),
    sa.Column('credits_run_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('total_ore', sa.BigInteger(), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=False),
    sa.Column('approved_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['credits_run_id'], ['pricing_invoice_run.id'], name=op.f('fk_pricing_invoice_run_credits_run_id_pricing_invoice_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_invoice_run')),
    sa.UniqueConstraint('number', name=op.f('uq_pricing_invoice_run_number'))
    )
    op.create_index(op.f('ix_pricing_invoice_run_period'), 'pricing_invoice_run', ['period'], unique=False)
    op.create_table('pricing_fund_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_ore', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_pricing_fund_plan_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_fund_plan')),
    sa.UniqueConstraint('service_id', 'year', name=op.f('uq_pricing_fund_plan_service_id_year'))
    )
    op.create_index(op.f('ix_pricing_fund_plan_service_id'), 'pricing_fund_plan', ['service_id'], unique=False)
    op.create_table('pricing_invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('org_number', sa.String(length=20), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('appendix_id', sa.Integer(), nullable=True),
    sa.Column('appendix_reference', sa.String(length=200), nullable=False),
    sa.Column('component', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('billed_from', sa.Date(), nullable=False),
    sa.Column('billed_to', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('meter_code', sa.String(length=60), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=24, scale=10), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=24, scale=6), nullable=False),
    sa.Column('amount_ore', sa.BigInteger(), nullable=False),
    sa.Column('price_list_number', sa.Integer(), nullable=True),
    sa.Column('pricing', sa.JSON(), nullable=False),
    sa.Column('credits_line_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['credits_line_id'], ['pricing_invoice_line.id'], name=op.f('fk_pricing_invoice_line_credits_line_id_pricing_invoice_line')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_pricing_invoice_line_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['run_id'], ['pricing_invoice_run.id'], name=op.f('fk_pricing_invoice_line_run_id_pricing_invoice_run')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_pricing_invoice_line_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_invoice_line')),
    sa.UniqueConstraint('credits_line_id', name=op.f('uq_pricing_invoice_line_credits_line_id'))
    )
    op.create_index(op.f('ix_pricing_invoice_line_appendix_id'), 'pricing_invoice_line', ['appendix_id'], unique=False)
    op.create_index('ix_pricing_invoice_line_billing', 'pricing_invoice_line', ['service_id', 'organisation_id', 'billed_from'], unique=False)
    op.create_index(op.f('ix_pricing_invoice_line_organisation_id'), 'pricing_invoice_line', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_pricing_invoice_line_run_id'), 'pricing_invoice_line', ['run_id'], unique=False)
    op.create_index(op.f('ix_pricing_invoice_line_year'), 'pricing_invoice_line', ['year'], unique=False)


def downgrade() -> None:
    op.drop_table('pricing_invoice_line')
    op.drop_table('pricing_fund_plan')
    op.drop_index(op.f('ix_pricing_invoice_run_period'), table_name='pricing_invoice_run')
    op.drop_table('pricing_invoice_run')
