"""prices per organisation kind and population year; four eyes on price lists and invoice runs

Revision ID: 0380
Revises: 0370

- `pricing_calculation`: `submitted_by/at` (status "awaiting_approval": finance asked a leader to approve
  it) and `population_year`. Stored calculations get the price per organisation kind their figures were
  made with: the model's components are the "municipality" price, and every other kind among their
  adopters is recorded as paying by the same components (what happened before this revision), so a
  stored calculation recalculates to its stored result. A new calculation states each kind on its own.
- `pricing_price_list`: `prepared_by/at` (who submitted or wrote the calculation: before this revision
  its author) and `population_year`.
- `pricing_invoice_run`: `prepared_by/at` (before this revision the approver prepared it in the same
  step: the approver and approval time are copied).
- `pricing_invoice_run_request`: runs and credits finance has prepared, awaiting a leader's approval.
"""
import sqlalchemy as sa
from alembic import op

import data.db

revision = "0380"
down_revision = "0370"
branch_labels = None
depends_on = None

ORG_KINDS = ("municipality", "county_municipality", "state_agency", "other")


def _kinds_in_calculations() -> None:
    bind = op.get_bind()
    calc = sa.table("pricing_calculation", sa.column("id", sa.Integer), sa.column("inputs", sa.JSON),
                    sa.column("result", sa.JSON))
    org = sa.table("organisation", sa.column("id", sa.Integer), sa.column("kind", sa.String))
    kinds = dict(bind.execute(sa.select(org.c.id, org.c.kind)).all())
    for calc_id, inputs, result in bind.execute(sa.select(calc.c.id, calc.c.inputs, calc.c.result)).all():
        if not isinstance(inputs, dict) or not isinstance(result, dict) or "kinds" in (inputs.get("model") or {}):
            continue
        adopters = inputs.get("adopters") or []
        for adopter in adopters:
            adopter["kind"] = kinds.get(adopter.get("org_id"), "municipality")
        for charge in result.get("charges") or []:
            charge["kind"] = kinds.get(charge.get("org_id"), "municipality")
        present = sorted({"municipality", *(a["kind"] for a in adopters)})
        inputs.setdefault("model", {})["kinds"] = {kind: {"charge": "model"} for kind in present}
        inputs.setdefault("population_year", None)
        if isinstance(inputs.get("previous"), dict):   # last year's list: everyone paid by its components
            inputs["previous"]["kinds"] = {kind: {"charge": "model", "price": None} for kind in ORG_KINDS}
        result["kinds"] = {kind: {"charge": "model", "price": None} for kind in present}
        result["kind_charges"] = []
        result["kind_revenue_ore"] = 0
        bind.execute(calc.update().where(calc.c.id == calc_id).values(inputs=inputs, result=result))


def upgrade() -> None:
    with op.batch_alter_table('pricing_calculation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', data.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('population_year', sa.Integer(), nullable=True))
    with op.batch_alter_table('pricing_price_list', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prepared_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('prepared_at', data.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('population_year', sa.Integer(), nullable=True))
    with op.batch_alter_table('pricing_invoice_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prepared_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('prepared_at', data.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE pricing_price_list SET prepared_by = (SELECT c.created_by FROM pricing_calculation c "
               "WHERE c.id = pricing_price_list.calculation_id), prepared_at = (SELECT c.created_at FROM "
               "pricing_calculation c WHERE c.id = pricing_price_list.calculation_id)")
    op.execute("UPDATE pricing_invoice_run SET prepared_by = approved_by, prepared_at = approved_at")
    op.create_table('pricing_invoice_run_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=True),
    sa.Column('credits_run_number', sa.Integer(), nullable=True),
    sa.Column('organisations', sa.JSON(), nullable=True),
    sa.Column('rebill', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('expected_total_ore', sa.BigInteger(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('prepared_by', sa.String(length=120), nullable=False),
    sa.Column('prepared_at', data.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', data.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['pricing_invoice_run.id'],
                            name=op.f('fk_pricing_invoice_run_request_run_id_pricing_invoice_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_invoice_run_request'))
    )
    op.create_index('ix_pricing_invoice_run_request_status', 'pricing_invoice_run_request', ['status'],
                    unique=False)
    _kinds_in_calculations()


def downgrade() -> None:
    op.drop_index('ix_pricing_invoice_run_request_status', table_name='pricing_invoice_run_request')
    op.drop_table('pricing_invoice_run_request')
    with op.batch_alter_table('pricing_invoice_run', schema=None) as batch_op:
        batch_op.drop_column('prepared_at')
        batch_op.drop_column('prepared_by')
    with op.batch_alter_table('pricing_price_list', schema=None) as batch_op:
        batch_op.drop_column('population_year')
        batch_op.drop_column('prepared_at')
        batch_op.drop_column('prepared_by')
    with op.batch_alter_table('pricing_calculation', schema=None) as batch_op:
        batch_op.drop_column('population_year')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('submitted_by')
