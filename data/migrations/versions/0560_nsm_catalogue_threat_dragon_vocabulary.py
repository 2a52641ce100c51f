"""NSM's own catalogue (imported versions), scores tied to a catalogue title; Threat Dragon's own
threat types, model types and the threat as Threat Dragon wrote it

Revision ID: 0560
Revises: 0550

- `nsm_catalogue`, `nsm_catalogue_measure`: imported versions of NSM's measure list.
- `nsm_assessment.catalogue_id`, `catalogue_label`: the catalogue an assessment was made against.
- `nsm_score.title`, `outside_catalogue`: the title scored. Every score stored before this revision was
  made against 118 measures written from memory (their ids do not mean NSM's measures), so those scores
  are kept and marked `outside_catalogue`; they are reported, never re-mapped. Rows that hold nothing (no
  level, evidence, comment or ROS risk) are removed.
- `threat.threat_type`, `model_type`, `td_threat`: Threat Dragon's own vocabulary, kept unchanged.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0560"
down_revision = "0550"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nsm_catalogue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_label', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('imported_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('measure_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nsm_catalogue'))
    )
    op.create_table('nsm_catalogue_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalogue_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.String(length=12), nullable=False),
    sa.Column('principle_id', sa.String(length=12), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['catalogue_id'], ['nsm_catalogue.id'],
                            name=op.f('fk_nsm_catalogue_measure_catalogue_id_nsm_catalogue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nsm_catalogue_measure')),
    sa.UniqueConstraint('catalogue_id', 'measure_id', name=op.f('uq_nsm_catalogue_measure_catalogue_id_measure_id'))
    )
    op.create_index(op.f('ix_nsm_catalogue_measure_catalogue_id'), 'nsm_catalogue_measure', ['catalogue_id'],
                    unique=False)
    # plain ADD COLUMN: a batch rebuild on SQLite would drop nsm_assessment and cascade to its scores
    op.add_column('nsm_assessment', sa.Column('catalogue_id', sa.Integer(), nullable=True))
    op.add_column('nsm_assessment', sa.Column('catalogue_label', sa.String(length=120), server_default='',
                                              nullable=False))
    op.add_column('nsm_score', sa.Column('title', sa.Text(), server_default='', nullable=False))
    op.add_column('nsm_score', sa.Column('outside_catalogue', sa.Boolean(), server_default=sa.false(), nullable=False))
    # rows that hold nothing (no level, evidence, comment or ROS risk) are dropped; the rest are kept, marked
    op.execute("DELETE FROM nsm_score WHERE level IS NULL AND evidence = '' AND comment = '' AND ros_risk_id IS NULL")
    op.execute("UPDATE nsm_score SET outside_catalogue = " + ("true" if op.get_bind().dialect.name == "postgresql"
                                                              else "1"))
    op.execute("UPDATE nsm_assessment SET catalogue_label = '118 tiltak skrevet etter hukommelsen'")
    op.add_column('threat', sa.Column('threat_type', sa.String(length=120), server_default='', nullable=False))
    op.add_column('threat', sa.Column('model_type', sa.String(length=40), server_default='', nullable=False))
    op.add_column('threat', sa.Column('td_threat', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+): a batch rebuild of nsm_assessment would cascade to its scores
    for table, column in (('threat', 'td_threat'), ('threat', 'model_type'), ('threat', 'threat_type'),
                          ('nsm_score', 'outside_catalogue'), ('nsm_score', 'title'),
                          ('nsm_assessment', 'catalogue_label'), ('nsm_assessment', 'catalogue_id')):
        op.drop_column(table, column)
    op.drop_index(op.f('ix_nsm_catalogue_measure_catalogue_id'), table_name='nsm_catalogue_measure')
    op.drop_table('nsm_catalogue_measure')
    op.drop_table('nsm_catalogue')
