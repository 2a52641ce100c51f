"""risk (issue 8): threat models, STRIDE threats, NSM maturity assessments

Revision ID: 0550
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0550"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nsm_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('default_target', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nsm_assessment'))
    )
    op.create_table('nsm_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.String(length=12), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('ros_risk_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('level IS NULL OR (level >= 0 AND level <= 5)', name=op.f('ck_nsm_score_level_range')),
    sa.CheckConstraint('target >= 0 AND target <= 5', name=op.f('ck_nsm_score_target_range')),
    sa.ForeignKeyConstraint(['assessment_id'], ['nsm_assessment.id'], name=op.f('fk_nsm_score_assessment_id_nsm_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nsm_score')),
    sa.UniqueConstraint('assessment_id', 'measure_id', name=op.f('uq_nsm_score_assessment_id_measure_id'))
    )
    with op.batch_alter_table('nsm_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nsm_score_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('threat_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('reviewer', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('td_meta', sa.Text(), nullable=False),
    sa.Column('generated_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_threat_model_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threat_model')),
    sa.UniqueConstraint('service_id', name=op.f('uq_threat_model_service_id'))
    )
    op.create_table('threat_element',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('boundary_id', sa.Integer(), nullable=True),
    sa.Column('holds_logs', sa.Boolean(), nullable=False),
    sa.Column('stores_credentials', sa.Boolean(), nullable=False),
    sa.Column('out_of_scope', sa.Boolean(), nullable=False),
    sa.Column('out_of_scope_reason', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('data_carried', sa.Text(), nullable=False),
    sa.Column('protocol', sa.String(length=80), nullable=False),
    sa.Column('encrypted', sa.Boolean(), nullable=False),
    sa.Column('crosses_boundary', sa.Boolean(), nullable=False),
    sa.Column('bidirectional', sa.Boolean(), nullable=False),
    sa.Column('public_network', sa.Boolean(), nullable=False),
    sa.Column('x', sa.Float(), nullable=True),
    sa.Column('y', sa.Float(), nullable=True),
    sa.Column('width', sa.Float(), nullable=True),
    sa.Column('height', sa.Float(), nullable=True),
    sa.Column('td_cell', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['boundary_id'], ['threat_element.id'], name=op.f('fk_threat_element_boundary_id_threat_element'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['model_id'], ['threat_model.id'], name=op.f('fk_threat_element_model_id_threat_model'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['threat_element.id'], name=op.f('fk_threat_element_source_id_threat_element'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_id'], ['threat_element.id'], name=op.f('fk_threat_element_target_id_threat_element'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threat_element')),
    sa.UniqueConstraint('model_id', 'external_id', name=op.f('uq_threat_element_model_id_external_id'))
    )
    with op.batch_alter_table('threat_element', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threat_element_model_id'), ['model_id'], unique=False)

    op.create_table('threat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('element_name', sa.String(length=200), nullable=False),
    sa.Column('element_kind', sa.String(length=20), nullable=False),
    sa.Column('stale', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=1), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('mitigation', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=False),
    sa.Column('decided_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ros_risk_id', sa.Integer(), nullable=True),
    sa.Column('risk_owner', sa.String(length=200), nullable=False),
    sa.Column('risk_deadline', sa.Date(), nullable=True),
    sa.Column('td_extra', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['threat_element.id'], name=op.f('fk_threat_element_id_threat_element'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['model_id'], ['threat_model.id'], name=op.f('fk_threat_model_id_threat_model'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threat')),
    sa.UniqueConstraint('model_id', 'key', name=op.f('uq_threat_model_id_key'))
    )
    with op.batch_alter_table('threat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threat_element_id'), ['element_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threat_model_id'), ['model_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('threat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threat_model_id'))
        batch_op.drop_index(batch_op.f('ix_threat_element_id'))

    op.drop_table('threat')
    with op.batch_alter_table('threat_element', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threat_element_model_id'))

    op.drop_table('threat_element')
    op.drop_table('threat_model')
    with op.batch_alter_table('nsm_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nsm_score_assessment_id'))

    op.drop_table('nsm_score')
    op.drop_table('nsm_assessment')
