"""The leader's approvals queue: everything waiting for the leader's signature (price lists, invoice runs,
gates, scenarios, ROS and DPIA versions, risk acceptances, freeze overrides), collected from the rooms'
APPROVALS declarations (`admin.modules.approval_providers`), oldest first.

Each item says what it is, its title (names, not codes), how many days it has waited, who asked (the
person's name) and the page where it is decided. The queue is the leader's (`approvals.read`); the
overview page and `backoffice approvals list` show the same list.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import modules
from data.access import Actor
from data.appspec import Approval
from data.i18n import t
from data.registers.models import User

log = logging.getLogger(__name__)

KINDS = ("price_list", "invoice_run", "gate", "scenario", "ros", "dpia", "risk_acceptance", "freeze_override")


@dataclass
class Queue:
    items: list[dict] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)   # areas whose items could not be read (logged)


def can_see(actor: Actor) -> bool:
    return actor.can("approvals.read")


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _names(session: Session, usernames: set[str]) -> dict[str, str]:
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    found = dict(session.execute(select(User.username, User.full_name).where(User.username.in_(wanted))).all())
    return {u: found.get(u) or u for u in wanted}


def _pages() -> dict[str, tuple[str, str | None]]:
    """page path -> (translated title, url path)."""
    return {spec.path: (t(spec.title_key), spec.url_path) for spec in modules.pages()}


def pending(session: Session, actor: Actor, today: date | None = None) -> Queue:
    """Everything waiting for the leader, oldest first. A room whose provider fails is named in
    `unavailable` (and logged) rather than taking the queue down."""
    actor.require("approvals.read")
    today = today or date.today()
    collected: list[Approval] = []
    queue = Queue()
    for _room, provider in modules.approval_providers():
        try:
            with session.begin_nested():
                collected.extend(provider(session, actor))
        except Exception:  # one broken room must not hide the rest of the queue
            log.exception("approvals provider %s failed", provider)
            queue.unavailable.append(t(modules.area_key(provider)))
    names = _names(session, {item.asked_by for item in collected})
    pages = _pages()
    for item in collected:
        asked_on = _day(item.asked_at)
        page_title, url_path = pages.get(item.page, (item.page, None))
        queue.items.append({
            "kind": item.kind, "kind_label": t(f"approvals.kind.{item.kind}"), "title": item.title,
            "detail": item.detail, "asked_by": item.asked_by, "asked_by_name": names.get(item.asked_by, "") or "–",
            "asked_on": asked_on, "age_days": (today - asked_on).days if asked_on else None,
            "page": item.page, "page_title": page_title, "url_path": url_path, "query": dict(item.query),
        })
    queue.items.sort(key=lambda row: (-(row["age_days"] if row["age_days"] is not None else -1),
                                      KINDS.index(row["kind"]) if row["kind"] in KINDS else len(KINDS), row["title"]))
    return queue


def as_json(queue: Queue) -> list[dict]:
    """The queue as plain JSON values (dates as ISO strings), for `backoffice approvals list --json`."""
    return [{**{k: v for k, v in row.items() if k != "asked_on"},
             "asked_on": row["asked_on"].isoformat() if row["asked_on"] else None} for row in queue.items]
