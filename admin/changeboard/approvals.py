"""Freeze overrides waiting for the leader (the approvals queue, admin/approvals.py): changes not yet carried
out whose planned window falls in a freeze nobody has overridden for them. Only a leader may override."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.changeboard.changes import conflicts_between
from admin.changeboard.models import ChangeItem, ChangeStatus
from data.access import Actor
from data.appspec import Approval
from data.formatting import day

# Changes still to be carried out; a freeze hit on an implemented change is history, not a decision.
UNDECIDED = (ChangeStatus.NEW.value, ChangeStatus.ASSESSED.value, ChangeStatus.APPROVED.value,
             ChangeStatus.SCHEDULED.value)
HORIZON_DAYS = 366


def approvals(session: Session, _actor: Actor, today: date | None = None) -> list[Approval]:
    today = today or date.today()
    hits = [c for c in conflicts_between(session, today, today + timedelta(days=HORIZON_DAYS))
            if c.kind == "freeze" and not c.overridden]
    if not hits:
        return []
    items = {i.id: i for i in session.scalars(select(ChangeItem).where(
        ChangeItem.id.in_({c.item_ids[0] for c in hits}), ChangeItem.status.in_(UNDECIDED)))}
    out = []
    for conflict in hits:
        item = items.get(conflict.item_ids[0])
        if item is None:
            continue
        out.append(Approval("freeze_override", f"{item.reference} {item.title} – {conflict.detail['name']}",
                            item.created_by, item.created_at, "admin/changeboard/pages/items.py",
                            (("item", str(item.id)),), f"{conflict.text()} ({day(conflict.day)})"))
    return out
