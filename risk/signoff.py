"""Two people sign what matters (DESIGN: four eyes), as the risk room applies it.

Whoever registered, prepared, submitted or asked for something cannot also approve it, whoever owns it: a
ROS or DPIA version (registered by whoever started it, submitted by whoever sent it to the leader), a risk
acceptance (asked for by one person, about a ROS another prepared), a management-system document (registered
by one person, its current version prepared by whoever saved it last). The refusal says which of these the
approver did. The local operator, who holds every role on purpose (the CLI without --as, the demo loader), is
not held to it, as in `Actor.require_approval`.
"""
from __future__ import annotations

from data.access import Actor
from data.errors import PermissionDenied
from data.i18n import t

# the order the reasons are checked in: the nearest part in the approval first
PARTS = ("submitted", "requested", "registered", "prepared")


def _same(username: str | None, other: str) -> bool:
    return bool(username) and username.strip().casefold() == other.strip().casefold()


def require_other_person(actor: Actor, permission: str, what: str, **parts: str | None) -> None:
    """Refuse unless `actor` holds `permission` and took no part in `what`: `parts` name who `submitted`,
    `requested`, `prepared` or `registered` it (usernames; None or "" for nobody)."""
    actor.require(permission)
    if actor.owns_every_service:
        return
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise KeyError(f"unknown part in an approval: {sorted(unknown)}")
    for part in PARTS:
        if _same(parts.get(part), actor.username):
            raise PermissionDenied(t(f"ros.four_eyes.{part}", what=what))


def may_approve(actor: Actor, permission: str, **parts: str | None) -> bool:
    """Whether `require_other_person` would let `actor` approve (for pages that offer only what one may sign)."""
    if not actor.can(permission):
        return False
    return actor.owns_every_service or not any(_same(parts.get(part), actor.username) for part in PARTS)
