"""Invoice runs and credits waiting for the leader (the approvals queue, admin/approvals.py): what finance
has prepared (`runs.requests_awaiting`)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Approval
from data.crud import service_choices
from data.formatting import money
from data.i18n import t
from pricing.invoicing import runs


def approvals(session: Session, _actor: Actor) -> list[Approval]:
    names = dict(service_choices(session))
    items = []
    for row in runs.requests_awaiting(session):
        title = f"{t('inv.request_kind.' + row['kind'])} {runs.period_label(row['period'])}"
        if row["credits_run"]:
            title += f" (#{row['credits_run']})"
        if row["service"]:
            title += f" – {names.get(row['service'], row['service'])}"
        items.append(Approval("invoice_run", title, row["prepared_by"], row["prepared_at"],
                              "pricing/invoicing/pages/runs.py", (("request", str(row["id"])),),
                              f"{money(row['total_ore'])} · {t('inv.col.lines')}: {row['lines']}"))
    return items
