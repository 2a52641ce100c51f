"""metering: meters, usage events, batches, monthly roll-ups, closed months, API keys (issue 4)

Revision ID: 0200
Revises: 0001
Create Date: 2026-11-29 01:50:00

PostgreSQL at scale: usage_event can be turned into a table partitioned by RANGE (month) for a large
install (see the README section "Metering"); the idempotency key then moves to its own
unpartitioned table, since a unique constraint on a partitioned table must include the partition key.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0200"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('usage_batch',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('received_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=True),
    sa.Column('accepted', sa.BigInteger(), nullable=False),
    sa.Column('duplicates', sa.BigInteger(), nullable=False),
    sa.Column('late', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_batch'))
    )
    op.create_index(op.f('ix_usage_batch_received_at'), 'usage_batch', ['received_at'], unique=False)
    op.create_table('usage_closed_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('closed_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_usage_closed_month'))
    )
    op.create_table('meter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('aggregation', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("aggregation IN ('sum', 'count')", name=op.f('ck_meter_aggregation')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_meter_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meter')),
    sa.UniqueConstraint('code', name=op.f('uq_meter_code'))
    )
    op.create_index(op.f('ix_meter_service_id'), 'meter', ['service_id'], unique=False)
    op.create_table('metering_api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('revoked_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_metering_api_key_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metering_api_key')),
    sa.UniqueConstraint('prefix', name=op.f('uq_metering_api_key_prefix'))
    )
    op.create_index(op.f('ix_metering_api_key_source'), 'metering_api_key', ['source'], unique=False)
    op.create_table('usage_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('received_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['usage_batch.id'], name=op.f('fk_usage_event_batch_id_usage_batch')),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_usage_event_meter_id_meter')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_usage_event_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_event')),
    sa.UniqueConstraint('source', 'event_id', name=op.f('uq_usage_event_source_event_id'))
    )
    op.create_index('ix_usage_event_late', 'usage_event', ['batch_id'], unique=False, postgresql_where=sa.text('late'), sqlite_where=sa.text('late'))
    op.create_table('usage_monthly',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('events', sa.BigInteger(), nullable=False),
    sa.Column('late_quantity', sa.BigInteger(), nullable=False),
    sa.Column('late_events', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_usage_monthly_meter_id_meter')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_usage_monthly_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('month', 'meter_id', 'organisation_id', name=op.f('pk_usage_monthly')),
    sqlite_with_rowid=False
    )


def downgrade() -> None:
    op.drop_table('usage_monthly')
    op.drop_index('ix_usage_event_late', table_name='usage_event', postgresql_where=sa.text('late'), sqlite_where=sa.text('late'))
    op.drop_table('usage_event')
    op.drop_index(op.f('ix_metering_api_key_source'), table_name='metering_api_key')
    op.drop_table('metering_api_key')
    op.drop_index(op.f('ix_meter_service_id'), table_name='meter')
    op.drop_table('meter')
    op.drop_table('usage_closed_month')
    op.drop_index(op.f('ix_usage_batch_received_at'), table_name='usage_batch')
    op.drop_table('usage_batch')
