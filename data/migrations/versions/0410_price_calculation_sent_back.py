"""pricing: a price calculation a leader sends back keeps the reason in fields of its own

Revision ID: 0410
Revises: 0380

- `pricing_calculation.sent_back_by/at/reason`: who sent a calculation awaiting approval back to finance as a
  draft, when, and what must change (cleared when finance submits it again; the audit log keeps every return).
- Before this revision the return was written as the first line of the calculation's note
  ("Sendt tilbake av <user>: <reason>", or "Sent back by <user>: <reason>" in English). A draft whose note
  starts so has that line moved into the new fields, its time taken from the audit log's entry for that return
  (left empty where the log has none), and keeps the rest of its note as finance wrote it. Calculations
  submitted again or approved are left as they are. Downgrading writes the line back first in the note.

On the pricing branch after 0380 (which made the four-eyes steps, `submitted_by/at`), as each room's migrations
follow their own branch.
"""
import json
import re

import sqlalchemy as sa
from alembic import op

import data.db

revision = "0410"
down_revision = "0380"
branch_labels = None
depends_on = None

RETURN_LINE = re.compile(r"^(?:Sendt tilbake av|Sent back by) (?P<who>[^:\n]+): (?P<reason>[^\n]*)$")

calculation = sa.table("pricing_calculation", sa.column("id", sa.Integer), sa.column("status", sa.String),
                       sa.column("note", sa.Text), sa.column("sent_back_by", sa.String),
                       sa.column("sent_back_at", data.db.UTCDateTime()), sa.column("sent_back_reason", sa.Text))
audit_log = sa.table("audit_log", sa.column("seq", sa.BigInteger), sa.column("at", data.db.UTCDateTime()),
                     sa.column("actor", sa.String), sa.column("action", sa.String), sa.column("table_name", sa.String),
                     sa.column("row_id", sa.String), sa.column("changes", sa.Text))


def _returned_at(bind, calc_id: int, who: str):
    """When the audit log saw `who` send the calculation back (its latest return), or None."""
    entries = bind.execute(sa.select(audit_log.c.at, audit_log.c.actor, audit_log.c.changes)
                           .where(audit_log.c.table_name == "pricing_calculation", audit_log.c.action == "update",
                                  audit_log.c.row_id == str(calc_id))
                           .order_by(audit_log.c.seq.desc())).all()
    for at, actor, changes in entries:
        try:
            status = json.loads(changes or "{}").get("status") or {}
        except (ValueError, AttributeError):
            continue
        if (status.get("before"), status.get("after")) == ("awaiting_approval", "draft") and actor == who:
            return at
    return None


def _move_returns_out_of_notes() -> None:
    bind = op.get_bind()
    drafts = bind.execute(sa.select(calculation.c.id, calculation.c.note)
                          .where(calculation.c.status == "draft", calculation.c.note.is_not(None))).all()
    for calc_id, note in drafts:
        first, _newline, rest = note.partition("\n")
        found = RETURN_LINE.match(first)
        if not found or not found["reason"].strip():
            continue
        who = found["who"].strip()
        bind.execute(calculation.update().where(calculation.c.id == calc_id).values(
            sent_back_by=who, sent_back_reason=found["reason"].strip(), sent_back_at=_returned_at(bind, calc_id, who),
            note=rest))


def _write_returns_into_notes() -> None:
    bind = op.get_bind()
    returned = bind.execute(sa.select(calculation.c.id, calculation.c.note, calculation.c.sent_back_by,
                                      calculation.c.sent_back_reason)
                            .where(calculation.c.status == "draft", calculation.c.sent_back_reason.is_not(None))).all()
    for calc_id, note, who, reason in returned:
        line = f"Sendt tilbake av {who or '-'}: {reason}"
        bind.execute(calculation.update().where(calculation.c.id == calc_id).values(
            note=f"{line}\n{note}" if note else line))


def upgrade() -> None:
    with op.batch_alter_table("pricing_calculation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_back_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("sent_back_at", data.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sent_back_reason", sa.Text(), nullable=True))
    _move_returns_out_of_notes()


def downgrade() -> None:
    _write_returns_into_notes()
    with op.batch_alter_table("pricing_calculation", schema=None) as batch_op:
        batch_op.drop_column("sent_back_reason")
        batch_op.drop_column("sent_back_at")
        batch_op.drop_column("sent_back_by")
