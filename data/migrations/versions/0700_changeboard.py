"""change board and support: support tickets and mappings, change items, templates, freeze windows,
overrides, load limits, meetings, minutes and topics

Revision ID: 0700
Revises: 0600 (change items have a foreign key to portfolio projects, pf_project)
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0700"
down_revision = "0600"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_load_limit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('max_changes', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_load_limit')),
    sa.UniqueConstraint('valid_from', name=op.f('uq_change_load_limit_valid_from'))
    )
    op.create_table('change_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('chair', sa.String(length=200), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_meeting')),
    sa.UniqueConstraint('meeting_date', name=op.f('uq_change_meeting_meeting_date'))
    )
    op.create_table('change_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('rollback_plan', sa.Text(), nullable=False),
    sa.Column('max_risk', sa.Integer(), nullable=False),
    sa.Column('max_impact', sa.Integer(), nullable=False),
    sa.Column('outage', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_template')),
    sa.UniqueConstraint('name', name=op.f('uq_change_template_name'))
    )
    op.create_table('change_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('raised_by', sa.String(length=120), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_topic'))
    )
    op.create_table('change_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('change_type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('planned_start', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('planned_end', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outage', sa.Boolean(), nullable=False),
    sa.Column('user_impact', sa.Boolean(), nullable=False),
    sa.Column('rollback_plan', sa.Text(), nullable=False),
    sa.Column('risk', sa.Integer(), nullable=False),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('requires_ros_update', sa.Boolean(), nullable=False),
    sa.Column('security_relevant', sa.Boolean(), nullable=False),
    sa.Column('architecture_relevant', sa.Boolean(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('project_ref', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('assessed_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('implemented_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('closed_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ros_review_requested_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['pf_project.id'], name=op.f('fk_change_item_project_id_pf_project'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['change_template.id'], name=op.f('fk_change_item_template_id_change_template'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_item'))
    )
    with op.batch_alter_table('change_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_item_change_type'), ['change_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_item_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_item_planned_start'), ['planned_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_item_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_item_status'), ['status'], unique=False)

    op.create_table('freeze_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_freeze_window_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_freeze_window'))
    )
    with op.batch_alter_table('freeze_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_freeze_window_start_date'), ['start_date'], unique=False)

    op.create_table('support_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_support_mapping_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_support_mapping_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_mapping')),
    sa.UniqueConstraint('kind', 'value', name=op.f('uq_support_mapping_kind_value'))
    )
    op.create_table('support_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_number', sa.BigInteger(), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('ticket_type', sa.String(length=120), nullable=False),
    sa.Column('group_name', sa.String(length=120), nullable=False),
    sa.Column('agent', sa.String(length=200), nullable=False),
    sa.Column('opened_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requester_organisation', sa.String(length=200), nullable=False),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('security_incident', sa.Boolean(), nullable=False),
    sa.Column('security_note', sa.Text(), nullable=False),
    sa.Column('security_marked_by', sa.String(length=120), nullable=True),
    sa.Column('security_marked_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('security_closed_by', sa.String(length=120), nullable=True),
    sa.Column('security_closed_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('security_outcome', sa.Text(), nullable=False),
    sa.Column('imported_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_support_ticket_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_support_ticket_service_id_service'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_ticket')),
    sa.UniqueConstraint('ticket_number', name=op.f('uq_support_ticket_ticket_number'))
    )
    with op.batch_alter_table('support_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_ticket_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_security_incident'), ['security_incident'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_status'), ['status'], unique=False)

    op.create_table('change_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=30), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('action_owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['change_item.id'], name=op.f('fk_change_decision_item_id_change_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['change_meeting.id'], name=op.f('fk_change_decision_meeting_id_change_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['support_ticket.id'], name=op.f('fk_change_decision_ticket_id_support_ticket'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['change_topic.id'], name=op.f('fk_change_decision_topic_id_change_topic'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_decision'))
    )
    with op.batch_alter_table('change_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_decision_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_decision_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('change_item_component',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['component.id'], name=op.f('fk_change_item_component_component_id_component'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['change_item.id'], name=op.f('fk_change_item_component_item_id_change_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'component_id', name=op.f('pk_change_item_component'))
    )
    op.create_table('change_item_service',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['change_item.id'], name=op.f('fk_change_item_service_item_id_change_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_change_item_service_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'service_id', name=op.f('pk_change_item_service'))
    )
    op.create_table('change_item_ticket',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['change_item.id'], name=op.f('fk_change_item_ticket_item_id_change_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['support_ticket.id'], name=op.f('fk_change_item_ticket_ticket_id_support_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'ticket_id', name=op.f('pk_change_item_ticket'))
    )
    op.create_table('freeze_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('freeze_window_id', sa.Integer(), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=False),
    sa.Column('decided_by_name', sa.String(length=200), nullable=False),
    sa.Column('decided_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['freeze_window_id'], ['freeze_window.id'], name=op.f('fk_freeze_override_freeze_window_id_freeze_window'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['change_item.id'], name=op.f('fk_freeze_override_item_id_change_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_freeze_override')),
    sa.UniqueConstraint('item_id', 'freeze_window_id', name=op.f('uq_freeze_override_item_id_freeze_window_id'))
    )
    with op.batch_alter_table('freeze_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_freeze_override_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('freeze_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_freeze_override_item_id'))

    op.drop_table('freeze_override')
    op.drop_table('change_item_ticket')
    op.drop_table('change_item_service')
    op.drop_table('change_item_component')
    with op.batch_alter_table('change_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_decision_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_change_decision_item_id'))

    op.drop_table('change_decision')
    with op.batch_alter_table('support_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_ticket_status'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_service_id'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_security_incident'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_opened_at'))

    op.drop_table('support_ticket')
    op.drop_table('support_mapping')
    with op.batch_alter_table('freeze_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_freeze_window_start_date'))

    op.drop_table('freeze_window')
    with op.batch_alter_table('change_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_item_status'))
        batch_op.drop_index(batch_op.f('ix_change_item_project_id'))
        batch_op.drop_index(batch_op.f('ix_change_item_planned_start'))
        batch_op.drop_index(batch_op.f('ix_change_item_created_at'))
        batch_op.drop_index(batch_op.f('ix_change_item_change_type'))

    op.drop_table('change_item')
    op.drop_table('change_topic')
    op.drop_table('change_template')
    op.drop_table('change_meeting')
    op.drop_table('change_load_limit')
