"""risk: the leader signs ROS and DPIA versions and risk acceptances (submitted by / sent back, requests)

Revision ID: 0510
Revises: 0500
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0510"
down_revision = "0500"
branch_labels = None
depends_on = None

_SIGN_OFF = ("ros_assessment", "dpia")


def upgrade() -> None:
    for table in _SIGN_OFF:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('submitted_by', sa.String(length=120), nullable=True))
            batch_op.add_column(sa.Column('submitted_at', data.db.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('returned_by', sa.String(length=120), nullable=True))
            batch_op.add_column(sa.Column('returned_at', data.db.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('return_note', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('ros_acceptance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('requested_by', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('requested_at', data.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('request_note', sa.Text(), nullable=False, server_default=''))
        batch_op.alter_column('decided_on', existing_type=sa.Date(), nullable=True)
        batch_op.create_index(batch_op.f('ix_ros_acceptance_decision'), ['decision'], unique=False)
    # Decisions recorded before sign-off: whoever recorded one asked for it.
    op.execute("UPDATE ros_acceptance SET requested_by = recorded_by, requested_at = recorded_at")


def downgrade() -> None:
    op.execute("DELETE FROM ros_acceptance WHERE decided_on IS NULL")
    with op.batch_alter_table('ros_acceptance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ros_acceptance_decision'))
        batch_op.alter_column('decided_on', existing_type=sa.Date(), nullable=False)
        for column in ('request_note', 'requested_at', 'requested_by', 'decided_by'):
            batch_op.drop_column(column)
    for table in _SIGN_OFF:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ('return_note', 'returned_at', 'returned_by', 'submitted_at', 'submitted_by'):
                batch_op.drop_column(column)
