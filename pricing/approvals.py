"""Price lists waiting for the leader (the approvals queue, admin/approvals.py): calculations finance has
submitted for approval (`pricelists.drafts_awaiting(only_submitted=True)`)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Approval
from data.crud import service_choices
from data.formatting import money
from data.i18n import t
from pricing import pricelists


def approvals(session: Session, _actor: Actor) -> list[Approval]:
    names = dict(service_choices(session))
    return [Approval("price_list", f"{names.get(row['service'], row['service'])} {row['year']} – "
                                   f"{t('price.calc_label', number=row['number'], status=t('price.status.' + row['status']))}",
                     row["submitted_by"] or row["created_by"], row["submitted_at"] or row["created_at"],
                     "pricing/pages/price_lists.py", (("calculation", str(row["id"])),),
                     money(row["self_cost_ore"]))
            for row in pricelists.drafts_awaiting(session, only_submitted=True)]
