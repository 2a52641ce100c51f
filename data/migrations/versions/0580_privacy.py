"""risk (issue 23): personal-data breaches with their controllers and timeline, risk notices to the
municipalities, the management system's documents

Revision ID: 0580
Revises: 0500
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0580"
down_revision = "0500"
branch_labels = None
depends_on = ("0100", "0700")   # agreements, support_ticket (DigiOrden is only read: no FK, and 0650 is a head)


def upgrade() -> None:
    op.create_table('privacy_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('doc_version', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('approved_version', sa.String(length=20), nullable=True),
    sa.Column('approved_by', sa.String(length=120), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('review_months', sa.Integer(), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=True),
    sa.Column('nsm_principles', sa.JSON(), nullable=False),
    sa.Column('iso_controls', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('policy', 'procedure', 'routine')", name=op.f('ck_privacy_document_kind')),
    sa.CheckConstraint('review_months >= 1 AND review_months <= 60', name=op.f('ck_privacy_document_review_months')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_document')),
    sa.UniqueConstraint('title', name=op.f('uq_privacy_document_title'))
    )
    op.create_index(op.f('ix_privacy_document_next_review'), 'privacy_document', ['next_review'], unique=False)
    op.create_table('privacy_document_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('doc_version', sa.String(length=20), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('next_review', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['privacy_document.id'], name=op.f('fk_privacy_document_approval_document_id_privacy_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_document_approval'))
    )
    op.create_index(op.f('ix_privacy_document_approval_document_id'), 'privacy_document_approval', ['document_id'], unique=False)
    op.create_table('privacy_breach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('aware_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notify_within_hours', sa.Integer(), nullable=False),
    sa.Column('narrow_by_digiorden', sa.Boolean(), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('subject_categories', sa.Text(), nullable=False),
    sa.Column('subjects_approx', sa.Integer(), nullable=True),
    sa.Column('record_categories', sa.Text(), nullable=False),
    sa.Column('records_approx', sa.Integer(), nullable=True),
    sa.Column('likely_consequences', sa.Text(), nullable=False),
    sa.Column('measures_taken', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('marked_by', sa.String(length=120), nullable=False),
    sa.Column('marked_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=120), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('notify_within_hours >= 1 AND notify_within_hours <= 72', name=op.f('ck_privacy_breach_notify_hours')),
    sa.CheckConstraint('records_approx IS NULL OR records_approx >= 0', name=op.f('ck_privacy_breach_records')),
    sa.CheckConstraint('subjects_approx IS NULL OR subjects_approx >= 0', name=op.f('ck_privacy_breach_subjects')),
    sa.ForeignKeyConstraint(['ticket_id'], ['support_ticket.id'], name=op.f('fk_privacy_breach_ticket_id_support_ticket'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_breach')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_privacy_breach_ticket_id'))
    )
    op.create_index(op.f('ix_privacy_breach_aware_at'), 'privacy_breach', ['aware_at'], unique=False)
    op.create_table('privacy_risk_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sent_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['ros_assessment.id'], name=op.f('fk_privacy_risk_notice_assessment_id_ros_assessment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['previous_id'], ['ros_assessment.id'], name=op.f('fk_privacy_risk_notice_previous_id_ros_assessment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_privacy_risk_notice_service_id_service'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_risk_notice')),
    sa.UniqueConstraint('assessment_id', name=op.f('uq_privacy_risk_notice_assessment_id'))
    )
    op.create_index(op.f('ix_privacy_risk_notice_service_id'), 'privacy_risk_notice', ['service_id'], unique=False)
    op.create_table('privacy_breach_controller',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('appendices', sa.JSON(), nullable=False),
    sa.Column('digiorden', sa.String(length=20), nullable=False),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('sent_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_by', sa.String(length=120), nullable=True),
    sa.Column('sent_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['privacy_breach.id'], name=op.f('fk_privacy_breach_controller_breach_id_privacy_breach'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_privacy_breach_controller_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_breach_controller')),
    sa.UniqueConstraint('breach_id', 'organisation_id', name=op.f('uq_privacy_breach_controller_breach_id_organisation_id'))
    )
    op.create_index(op.f('ix_privacy_breach_controller_breach_id'), 'privacy_breach_controller', ['breach_id'], unique=False)
    op.create_index(op.f('ix_privacy_breach_controller_organisation_id'), 'privacy_breach_controller', ['organisation_id'], unique=False)
    op.create_table('privacy_breach_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['privacy_breach.id'], name=op.f('fk_privacy_breach_event_breach_id_privacy_breach'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_breach_event'))
    )
    op.create_index(op.f('ix_privacy_breach_event_breach_id'), 'privacy_breach_event', ['breach_id'], unique=False)
    op.create_table('privacy_breach_service',
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['privacy_breach.id'], name=op.f('fk_privacy_breach_service_breach_id_privacy_breach'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_privacy_breach_service_service_id_service'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('breach_id', 'service_id', name=op.f('pk_privacy_breach_service'))
    )
    op.create_table('privacy_risk_notice_recipient',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['privacy_risk_notice.id'], name=op.f('fk_privacy_risk_notice_recipient_notice_id_privacy_risk_notice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_privacy_risk_notice_recipient_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('notice_id', 'organisation_id', name=op.f('pk_privacy_risk_notice_recipient'))
    )


def downgrade() -> None:
    op.drop_table('privacy_risk_notice_recipient')
    op.drop_table('privacy_breach_service')
    op.drop_index(op.f('ix_privacy_breach_event_breach_id'), table_name='privacy_breach_event')
    op.drop_table('privacy_breach_event')
    op.drop_index(op.f('ix_privacy_breach_controller_organisation_id'), table_name='privacy_breach_controller')
    op.drop_index(op.f('ix_privacy_breach_controller_breach_id'), table_name='privacy_breach_controller')
    op.drop_table('privacy_breach_controller')
    op.drop_index(op.f('ix_privacy_risk_notice_service_id'), table_name='privacy_risk_notice')
    op.drop_table('privacy_risk_notice')
    op.drop_index(op.f('ix_privacy_breach_aware_at'), table_name='privacy_breach')
    op.drop_table('privacy_breach')
    op.drop_index(op.f('ix_privacy_document_approval_document_id'), table_name='privacy_document_approval')
    op.drop_table('privacy_document_approval')
    op.drop_index(op.f('ix_privacy_document_next_review'), table_name='privacy_document')
    op.drop_table('privacy_document')
