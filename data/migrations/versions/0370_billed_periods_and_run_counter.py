"""billed periods (no double billing), the run counter, one closing per fund year

Revision ID: 0370
Revises: 0360

- `pricing_billed_period`: the months each live fixed or usage line bills, unique per (service,
  organisation, appendix, month) for fixed charges and (service, organisation, month) for usage; filled
  from the live lines already stored. Should an earlier race have billed a month twice, the first line
  keeps it and the others are named in a warning, to be credited.
- `pricing_counter`: the last invoice run number, so runs are numbered under a row lock.
- `pricing_fund_year_end`: one row per service and year that is not reopened (partial unique index).
  A year an earlier race closed twice keeps its first closing; the later ones are marked reopened by
  "migration 0370", with the reason, so they stay as history.
"""
import logging
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0370"
down_revision = "0360"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

FIXED = sa.text("kind = 'fixed'")
USAGE = sa.text("kind = 'usage'")
OPEN = sa.text("reopened_at IS NULL")


def _months(first: date, last: date) -> list[date]:
    out, month = [], date(first.year, first.month, 1)
    while month <= last:
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def _fill_billed_periods() -> None:
    line = sa.table("pricing_invoice_line", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                    sa.column("service_id", sa.Integer), sa.column("organisation_id", sa.Integer),
                    sa.column("appendix_id", sa.Integer), sa.column("billed_from", sa.Date),
                    sa.column("billed_to", sa.Date), sa.column("credits_line_id", sa.Integer),
                    sa.column("run_id", sa.Integer))
    held_table = sa.table("pricing_billed_period", sa.column("service_id", sa.Integer),
                          sa.column("organisation_id", sa.Integer), sa.column("kind", sa.String),
                          sa.column("appendix_id", sa.Integer), sa.column("month", sa.Date),
                          sa.column("line_id", sa.Integer))
    credited = sa.select(line.c.credits_line_id).where(line.c.credits_line_id.is_not(None))
    live = op.get_bind().execute(
        sa.select(line.c.id, line.c.kind, line.c.service_id, line.c.organisation_id, line.c.appendix_id,
                  line.c.billed_from, line.c.billed_to)
        .where(line.c.kind.in_(("fixed", "usage")), line.c.id.not_in(credited)).order_by(line.c.id))
    held: dict[tuple, int] = {}
    twice: list[str] = []
    for line_id, kind, service_id, org_id, appendix_id, first, last in live:
        for month in _months(first, last):
            key = (service_id, org_id, kind, appendix_id if kind == "fixed" else None, month)
            if key in held and held[key] != line_id:
                twice.append(f"line {line_id} (month {month:%Y-%m}, first billed by line {held[key]})")
            held.setdefault(key, line_id)
    rows = [{"service_id": s, "organisation_id": o, "kind": k, "appendix_id": a, "month": m, "line_id": i}
            for (s, o, k, a, m), i in held.items()]
    for start in range(0, len(rows), 2000):
        op.bulk_insert(held_table, rows[start:start + 2000])
    if twice:
        log.warning("Invoice lines billing a month already billed (credit them): %s", "; ".join(twice[:200]))


def _reopen_double_closings() -> None:
    year_end = sa.table("pricing_fund_year_end", sa.column("id", sa.Integer), sa.column("service_id", sa.Integer),
                        sa.column("year", sa.Integer), sa.column("reopened_at", sa.DateTime),
                        sa.column("reopened_by", sa.String), sa.column("reopen_reason", sa.Text))
    bind = op.get_bind()
    first: dict[tuple[int, int], int] = {}
    later = []
    for row_id, service_id, year in bind.execute(sa.select(year_end.c.id, year_end.c.service_id, year_end.c.year)
                                                 .where(year_end.c.reopened_at.is_(None)).order_by(year_end.c.id)):
        if (service_id, year) in first:
            later.append(row_id)
        first.setdefault((service_id, year), row_id)
    if later:
        bind.execute(year_end.update().where(year_end.c.id.in_(later)).values(
            reopened_at=sa.func.current_timestamp(), reopened_by="migration 0370",
            reopen_reason="Closed twice at the same moment; the first closing is kept."))
        log.warning("Fund years closed twice: kept the first closing, marked rows %s as reopened", later)


def upgrade() -> None:
    op.create_table('pricing_counter',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_pricing_counter'))
    )
    op.execute("INSERT INTO pricing_counter (name, value) "
               "SELECT 'invoice_run', COALESCE(MAX(number), 0) FROM pricing_invoice_run")
    op.create_table('pricing_billed_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('appendix_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['pricing_invoice_line.id'],
                            name=op.f('fk_pricing_billed_period_line_id_pricing_invoice_line')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_pricing_billed_period_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_pricing_billed_period_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_billed_period'))
    )
    op.create_index(op.f('ix_pricing_billed_period_line_id'), 'pricing_billed_period', ['line_id'], unique=False)
    _fill_billed_periods()
    op.create_index('uq_pricing_billed_period_fixed', 'pricing_billed_period',
                    ['service_id', 'organisation_id', 'appendix_id', 'month'], unique=True,
                    sqlite_where=FIXED, postgresql_where=FIXED)
    op.create_index('uq_pricing_billed_period_usage', 'pricing_billed_period',
                    ['service_id', 'organisation_id', 'month'], unique=True,
                    sqlite_where=USAGE, postgresql_where=USAGE)
    _reopen_double_closings()
    op.create_index('uq_pricing_fund_year_end_closed', 'pricing_fund_year_end', ['service_id', 'year'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index('uq_pricing_fund_year_end_closed', table_name='pricing_fund_year_end')
    op.drop_index('uq_pricing_billed_period_usage', table_name='pricing_billed_period')
    op.drop_index('uq_pricing_billed_period_fixed', table_name='pricing_billed_period')
    op.drop_index(op.f('ix_pricing_billed_period_line_id'), table_name='pricing_billed_period')
    op.drop_table('pricing_billed_period')
    op.drop_table('pricing_counter')
