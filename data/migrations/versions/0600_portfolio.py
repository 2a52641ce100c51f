"""portfolio: projects and gates, people and roles, demand and allocation, scenarios, baselines

Revision ID: 0600
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0600"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pf_baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('last_month', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_baseline')),
    sa.UniqueConstraint('name', name=op.f('uq_pf_baseline_name'))
    )
    op.create_table('pf_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('fte_pct', sa.Integer(), nullable=False),
    sa.Column('availability_pct', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('competence', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_person')),
    sa.UniqueConstraint('name', name=op.f('uq_pf_person_name'))
    )
    op.create_table('pf_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('competence', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_role')),
    sa.UniqueConstraint('code', name=op.f('uq_pf_role_code'))
    )
    op.create_table('pf_scenario',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_scenario')),
    sa.UniqueConstraint('name', name=op.f('uq_pf_scenario_name'))
    )
    op.create_table('pf_background_load',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=True),
    sa.Column('fte_pct', sa.Integer(), nullable=False),
    sa.Column('start_month', sa.Date(), nullable=False),
    sa.Column('end_month', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['pf_role.id'], name=op.f('fk_pf_background_load_role_id_pf_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_background_load'))
    )
    with op.batch_alter_table('pf_background_load', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pf_background_load_role_id'), ['role_id'], unique=False)
    op.create_table('pf_baseline_capacity',
    sa.Column('baseline_id', sa.Integer(), nullable=False),
    sa.Column('role_code', sa.String(length=40), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('free_pct', sa.Integer(), nullable=False),
    sa.Column('consultant_pct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['baseline_id'], ['pf_baseline.id'], name=op.f('fk_pf_baseline_capacity_baseline_id_pf_baseline')),
    sa.PrimaryKeyConstraint('baseline_id', 'role_code', 'month', name=op.f('pk_pf_baseline_capacity'))
    )
    op.create_table('pf_baseline_need',
    sa.Column('baseline_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('role_code', sa.String(length=40), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('fte_pct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['baseline_id'], ['pf_baseline.id'], name=op.f('fk_pf_baseline_need_baseline_id_pf_baseline')),
    sa.PrimaryKeyConstraint('baseline_id', 'project_id', 'role_code', 'month', name=op.f('pk_pf_baseline_need'))
    )
    op.create_table('pf_baseline_project',
    sa.Column('baseline_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['baseline_id'], ['pf_baseline.id'], name=op.f('fk_pf_baseline_project_baseline_id_pf_baseline')),
    sa.PrimaryKeyConstraint('baseline_id', 'project_id', name=op.f('pk_pf_baseline_project'))
    )
    op.create_table('pf_person_role',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('share_pct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['pf_person.id'], name=op.f('fk_pf_person_role_person_id_pf_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['pf_role.id'], name=op.f('fk_pf_person_role_role_id_pf_role')),
    sa.PrimaryKeyConstraint('person_id', 'role_id', name=op.f('pk_pf_person_role'))
    )
    op.create_table('pf_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('service_name', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('product_owner_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('financing', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], name=op.f('fk_pf_project_owner_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_owner_id'], ['app_user.id'], name=op.f('fk_pf_project_product_owner_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_project')),
    sa.UniqueConstraint('name', name=op.f('uq_pf_project_name'))
    )
    with op.batch_alter_table('pf_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pf_project_phase'), ['phase'], unique=False)
        batch_op.create_index(batch_op.f('ix_pf_project_service_code'), ['service_code'], unique=False)
    op.create_table('pf_schedule_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('fte_pct', sa.Integer(), nullable=False),
    sa.Column('availability_pct', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['pf_person.id'], name=op.f('fk_pf_schedule_change_person_id_pf_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_schedule_change')),
    sa.UniqueConstraint('person_id', 'effective_from', name=op.f('uq_pf_schedule_change_person_id_effective_from'))
    )
    with op.batch_alter_table('pf_schedule_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pf_schedule_change_person_id'), ['person_id'], unique=False)
    op.create_table('pf_allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('fte_pct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['pf_person.id'], name=op.f('fk_pf_allocation_person_id_pf_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['pf_project.id'], name=op.f('fk_pf_allocation_project_id_pf_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['pf_role.id'], name=op.f('fk_pf_allocation_role_id_pf_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_allocation')),
    sa.UniqueConstraint('project_id', 'person_id', 'role_id', 'month', name=op.f('uq_pf_allocation_project_id_person_id_role_id_month'))
    )
    with op.batch_alter_table('pf_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pf_allocation_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_pf_allocation_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pf_allocation_project_id'), ['project_id'], unique=False)
    op.create_table('pf_demand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('fte_pct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['pf_project.id'], name=op.f('fk_pf_demand_project_id_pf_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['pf_role.id'], name=op.f('fk_pf_demand_role_id_pf_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_demand')),
    sa.UniqueConstraint('project_id', 'role_id', 'month', name=op.f('uq_pf_demand_project_id_role_id_month'))
    )
    with op.batch_alter_table('pf_demand', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pf_demand_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_pf_demand_project_id'), ['project_id'], unique=False)
    op.create_table('pf_phase_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_phase', sa.String(length=20), nullable=True),
    sa.Column('to_phase', sa.String(length=20), nullable=False),
    sa.Column('at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['pf_project.id'], name=op.f('fk_pf_phase_change_project_id_pf_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_phase_change'))
    )
    with op.batch_alter_table('pf_phase_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pf_phase_change_project_id'), ['project_id'], unique=False)
    op.create_table('pf_project_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=500), nullable=False),
    sa.Column('added_by', sa.String(length=120), nullable=False),
    sa.Column('added_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['pf_project.id'], name=op.f('fk_pf_project_document_project_id_pf_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pf_project_document'))
    )
    with op.batch_alter_table('pf_project_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pf_project_document_project_id'), ['project_id'], unique=False)
    op.create_table('pf_scenario_project',
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['pf_project.id'], name=op.f('fk_pf_scenario_project_project_id_pf_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scenario_id'], ['pf_scenario.id'], name=op.f('fk_pf_scenario_project_scenario_id_pf_scenario'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scenario_id', 'project_id', name=op.f('pk_pf_scenario_project'))
    )


def downgrade() -> None:
    op.drop_table('pf_scenario_project')
    with op.batch_alter_table('pf_project_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pf_project_document_project_id'))
    op.drop_table('pf_project_document')
    with op.batch_alter_table('pf_phase_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pf_phase_change_project_id'))
    op.drop_table('pf_phase_change')
    with op.batch_alter_table('pf_demand', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pf_demand_project_id'))
        batch_op.drop_index(batch_op.f('ix_pf_demand_month'))
    op.drop_table('pf_demand')
    with op.batch_alter_table('pf_allocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pf_allocation_project_id'))
        batch_op.drop_index(batch_op.f('ix_pf_allocation_person_id'))
        batch_op.drop_index(batch_op.f('ix_pf_allocation_month'))
    op.drop_table('pf_allocation')
    with op.batch_alter_table('pf_schedule_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pf_schedule_change_person_id'))
    op.drop_table('pf_schedule_change')
    with op.batch_alter_table('pf_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pf_project_service_code'))
        batch_op.drop_index(batch_op.f('ix_pf_project_phase'))
    op.drop_table('pf_project')
    op.drop_table('pf_person_role')
    op.drop_table('pf_baseline_project')
    op.drop_table('pf_baseline_need')
    op.drop_table('pf_baseline_capacity')
    with op.batch_alter_table('pf_background_load', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pf_background_load_role_id'))
    op.drop_table('pf_background_load')
    op.drop_table('pf_scenario')
    op.drop_table('pf_role')
    op.drop_table('pf_person')
    op.drop_table('pf_baseline')
