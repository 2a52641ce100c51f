"""portfolio: a project enters each phase once (no gate passed twice)

Revision ID: 0710
Revises: 0700
"""
from alembic import op

revision = "0710"
down_revision = "0700"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('uq_pf_phase_change_project_id_to_phase', 'pf_phase_change', ['project_id', 'to_phase'],
                    unique=True)


def downgrade() -> None:
    op.drop_index('uq_pf_phase_change_project_id_to_phase', table_name='pf_phase_change')
