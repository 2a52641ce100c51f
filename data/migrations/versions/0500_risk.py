"""risk registers: ROS and DPIA, risk matrix, measures, acceptances, review triggers (issue 7)

Revision ID: 0500
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0500"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_matrix',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('likelihood_levels', sa.JSON(), nullable=False),
    sa.Column('consequence_levels', sa.JSON(), nullable=False),
    sa.Column('dimensions', sa.JSON(), nullable=False),
    sa.Column('combine_rule', sa.String(length=20), nullable=False),
    sa.Column('yellow_from', sa.Integer(), nullable=False),
    sa.Column('red_from', sa.Integer(), nullable=False),
    sa.Column('accept_up_to', sa.String(length=10), nullable=False),
    sa.Column('review_months', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_matrix')),
    sa.UniqueConstraint('name', 'revision', name=op.f('uq_risk_matrix_name_revision'))
    )
    op.create_table('dpia',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('processing', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('screening_criteria', sa.JSON(), nullable=False),
    sa.Column('screening_listed', sa.JSON(), nullable=False),
    sa.Column('screening_note', sa.Text(), nullable=False),
    sa.Column('purposes', sa.Text(), nullable=False),
    sa.Column('data_categories', sa.Text(), nullable=False),
    sa.Column('special_categories', sa.Text(), nullable=False),
    sa.Column('data_subjects', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('retention', sa.Text(), nullable=False),
    sa.Column('legal_basis_art6', sa.JSON(), nullable=False),
    sa.Column('legal_basis_art9', sa.JSON(), nullable=False),
    sa.Column('legal_basis_note', sa.Text(), nullable=False),
    sa.Column('necessity', sa.Text(), nullable=False),
    sa.Column('proportionality', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('dpo_opinion', sa.Text(), nullable=False),
    sa.Column('dpo_name', sa.String(length=200), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('residual_level', sa.String(length=10), nullable=False),
    sa.Column('prior_consultation', sa.Boolean(), nullable=False),
    sa.Column('approved_by', sa.String(length=200), nullable=True),
    sa.Column('approved_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['previous_id'], ['dpia.id'], name=op.f('fk_dpia_previous_id_dpia')),
    sa.ForeignKeyConstraint(['service_code'], ['service.code'], name=op.f('fk_dpia_service_code_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dpia')),
    sa.UniqueConstraint('series_id', 'revision', name=op.f('uq_dpia_series_id_revision'))
    )
    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dpia_is_current'), ['is_current'], unique=False)
        batch_op.create_index(batch_op.f('ix_dpia_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dpia_service_code'), ['service_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dpia_status'), ['status'], unique=False)

    op.create_table('ros_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=True),
    sa.Column('component_code', sa.String(length=40), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('matrix_id', sa.Integer(), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.String(length=200), nullable=True),
    sa.Column('approved_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_code'], ['component.code'], name=op.f('fk_ros_assessment_component_code_component')),
    sa.ForeignKeyConstraint(['matrix_id'], ['risk_matrix.id'], name=op.f('fk_ros_assessment_matrix_id_risk_matrix')),
    sa.ForeignKeyConstraint(['previous_id'], ['ros_assessment.id'], name=op.f('fk_ros_assessment_previous_id_ros_assessment')),
    sa.ForeignKeyConstraint(['service_code'], ['service.code'], name=op.f('fk_ros_assessment_service_code_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ros_assessment')),
    sa.UniqueConstraint('series_id', 'revision', name=op.f('uq_ros_assessment_series_id_revision'))
    )
    with op.batch_alter_table('ros_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ros_assessment_is_current'), ['is_current'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_assessment_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_assessment_service_code'), ['service_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_assessment_status'), ['status'], unique=False)

    op.create_table('ros_review_trigger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=120), nullable=False),
    sa.Column('requested_role', sa.String(length=120), nullable=False),
    sa.Column('requested_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('resolved_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=120), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['service_code'], ['service.code'], name=op.f('fk_ros_review_trigger_service_code_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ros_review_trigger'))
    )
    with op.batch_alter_table('ros_review_trigger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ros_review_trigger_service_code'), ['service_code'], unique=False)

    op.create_table('dpia_risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dpia_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('likelihood', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('residual_likelihood', sa.Integer(), nullable=False),
    sa.Column('residual_severity', sa.Integer(), nullable=False),
    sa.Column('residual_level', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dpia_id'], ['dpia.id'], name=op.f('fk_dpia_risk_dpia_id_dpia'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dpia_risk')),
    sa.UniqueConstraint('dpia_id', 'key', name=op.f('uq_dpia_risk_dpia_id_key'))
    )
    with op.batch_alter_table('dpia_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dpia_risk_dpia_id'), ['dpia_id'], unique=False)

    op.create_table('ros_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cost_ore', sa.BigInteger(), nullable=True),
    sa.Column('effect', sa.Text(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['ros_assessment.id'], name=op.f('fk_ros_measure_assessment_id_ros_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ros_measure')),
    sa.UniqueConstraint('assessment_id', 'key', name=op.f('uq_ros_measure_assessment_id_key'))
    )
    with op.batch_alter_table('ros_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ros_measure_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_measure_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_measure_status'), ['status'], unique=False)

    op.create_table('ros_risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('threat', sa.Text(), nullable=False),
    sa.Column('vulnerability', sa.Text(), nullable=False),
    sa.Column('consequence', sa.Text(), nullable=False),
    sa.Column('inherent_likelihood', sa.Integer(), nullable=False),
    sa.Column('inherent_consequences', sa.JSON(), nullable=False),
    sa.Column('current_likelihood', sa.Integer(), nullable=True),
    sa.Column('current_consequences', sa.JSON(), nullable=True),
    sa.Column('residual_likelihood', sa.Integer(), nullable=True),
    sa.Column('residual_consequences', sa.JSON(), nullable=True),
    sa.Column('inherent_score', sa.Integer(), nullable=False),
    sa.Column('inherent_level', sa.String(length=10), nullable=False),
    sa.Column('current_score', sa.Integer(), nullable=False),
    sa.Column('current_level', sa.String(length=10), nullable=False),
    sa.Column('residual_score', sa.Integer(), nullable=False),
    sa.Column('residual_level', sa.String(length=10), nullable=False),
    sa.Column('above_acceptance', sa.Boolean(), nullable=False),
    sa.Column('knowledge', sa.String(length=10), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('treatment', sa.String(length=10), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('municipality_action', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['ros_assessment.id'], name=op.f('fk_ros_risk_assessment_id_ros_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ros_risk')),
    sa.UniqueConstraint('assessment_id', 'key', name=op.f('uq_ros_risk_assessment_id_key'))
    )
    with op.batch_alter_table('ros_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ros_risk_above_acceptance'), ['above_acceptance'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_risk_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_risk_current_level'), ['current_level'], unique=False)

    op.create_table('ros_acceptance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('risk_key', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('approver', sa.String(length=200), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['risk_id'], ['ros_risk.id'], name=op.f('fk_ros_acceptance_risk_id_ros_risk'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ros_acceptance'))
    )
    with op.batch_alter_table('ros_acceptance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ros_acceptance_risk_id'), ['risk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ros_acceptance_series_id'), ['series_id'], unique=False)

    op.create_table('ros_measure_risk',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['ros_measure.id'], name=op.f('fk_ros_measure_risk_measure_id_ros_measure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_id'], ['ros_risk.id'], name=op.f('fk_ros_measure_risk_risk_id_ros_risk'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'risk_id', name=op.f('pk_ros_measure_risk'))
    )


def downgrade() -> None:
    op.drop_table('ros_measure_risk')
    with op.batch_alter_table('ros_acceptance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ros_acceptance_series_id'))
        batch_op.drop_index(batch_op.f('ix_ros_acceptance_risk_id'))

    op.drop_table('ros_acceptance')
    with op.batch_alter_table('ros_risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ros_risk_current_level'))
        batch_op.drop_index(batch_op.f('ix_ros_risk_assessment_id'))
        batch_op.drop_index(batch_op.f('ix_ros_risk_above_acceptance'))

    op.drop_table('ros_risk')
    with op.batch_alter_table('ros_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ros_measure_status'))
        batch_op.drop_index(batch_op.f('ix_ros_measure_due_date'))
        batch_op.drop_index(batch_op.f('ix_ros_measure_assessment_id'))

    op.drop_table('ros_measure')
    with op.batch_alter_table('dpia_risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dpia_risk_dpia_id'))

    op.drop_table('dpia_risk')
    with op.batch_alter_table('ros_review_trigger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ros_review_trigger_service_code'))

    op.drop_table('ros_review_trigger')
    with op.batch_alter_table('ros_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ros_assessment_status'))
        batch_op.drop_index(batch_op.f('ix_ros_assessment_service_code'))
        batch_op.drop_index(batch_op.f('ix_ros_assessment_series_id'))
        batch_op.drop_index(batch_op.f('ix_ros_assessment_is_current'))

    op.drop_table('ros_assessment')
    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dpia_status'))
        batch_op.drop_index(batch_op.f('ix_dpia_service_code'))
        batch_op.drop_index(batch_op.f('ix_dpia_series_id'))
        batch_op.drop_index(batch_op.f('ix_dpia_is_current'))

    op.drop_table('dpia')
    op.drop_table('risk_matrix')
