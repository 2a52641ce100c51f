"""Roles, permissions and the Actor every capability function checks before it writes."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from data.errors import PermissionDenied
from data.i18n import t

ROLES = ("admin", "leader", "finance", "security", "product_owner", "portfolio", "support", "architect")

# DESIGN.md's role matrix as data: which role may change what.
PERMISSIONS: dict[str, frozenset[str]] = {
    "users.write": frozenset({"admin"}),
    "registers.write": frozenset({"admin"}),
    "contacts.write": frozenset({"admin", "support"}),
    "audit.read": frozenset({"admin", "leader", "security"}),
    "approvals.read": frozenset({"leader"}),                    # the approvals queue is the leader's
    "gates.approve": frozenset({"leader"}),
    "scenarios.approve": frozenset({"leader"}),
    "invoices.approve": frozenset({"leader"}),                  # finance prepares runs (pricing.write)
    "pricing.approve": frozenset({"leader"}),
    "pricing.write": frozenset({"finance"}),
    "risk.write": frozenset({"security"}),
    "risk.approve": frozenset({"leader"}),                      # ROS/DPIA versions, risk acceptances
    "dpia.submit": frozenset({"security", "product_owner"}),    # product owners: their own services' DPIAs
    "digiorden.sensitive.read": frozenset({"architect", "security", "leader"}),
    "agreements.write": frozenset({"product_owner"}),
    "agreements.import": frozenset({"product_owner", "finance"}),
    "portfolio.write": frozenset({"portfolio"}),
    "changeboard.write": frozenset({"portfolio"}),
    "changeboard.override": frozenset({"leader"}),
    "support.write": frozenset({"support"}),
    "architecture.write": frozenset({"architect"}),
    "metering.write": frozenset({"admin", "finance"}),
    "invoicing.settings.write": frozenset({"admin", "finance"}),   # EHF seller and buyers (issue 21)
}

# Roles whose rights are limited to the services they own when a service is named.
SERVICE_SCOPED_ROLES = frozenset({"product_owner"})


@dataclass(frozen=True)
class Actor:
    username: str
    roles: frozenset[str]
    full_name: str = ""
    user_id: int | None = None
    owned_services: frozenset[str] = field(default_factory=frozenset)
    owns_every_service: bool = False   # the local operator only: its product-owner rights reach every service

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def can(self, permission: str, service: str | None = None) -> bool:
        granting = PERMISSIONS.get(permission)
        if granting is None:
            raise KeyError(f"unknown permission: {permission}")
        for role in self.roles & granting:
            if (role not in SERVICE_SCOPED_ROLES or service is None or self.owns_every_service
                    or service in self.owned_services):
                return True
        return False

    def require(self, permission: str, service: str | None = None) -> None:
        """Refuse, in plain language, before anything is touched."""
        if self.can(permission, service):
            return
        what = t(f"permission.{permission}")
        if service is not None and self.roles & PERMISSIONS[permission]:
            raise PermissionDenied(t("error.permission_denied_service", what=what, service=service))
        raise PermissionDenied(t("error.permission_denied", what=what))

    def require_services(self, permission: str, services: Mapping[str, str] | Iterable[str]) -> None:
        """Refuse unless the actor holds `permission` for every service a change touches.

        `services` are service codes, or codes mapped to the names to show. A capability that changes rows
        of several services (terminating a main agreement ends the appendices of every service) calls this
        with each service it is about to change, before it changes anything; the refusal names the services
        the product owner does not own.
        """
        named = dict(services) if isinstance(services, Mapping) else {code: code for code in services}
        self.require(permission)
        refused = sorted({name for code, name in named.items() if not self.can(permission, code)})
        if refused:
            raise PermissionDenied(t("error.permission_denied_services", what=t(f"permission.{permission}"),
                                     services=", ".join(refused)))

    def require_approval(self, permission: str, prepared_by: str | None) -> None:
        """Two people sign what matters: refuse unless the actor holds `permission` and is not the one who
        prepared what they approve (`prepared_by`, a username). The local operator, who holds every role on
        purpose (the CLI without --as, the demo loader), is not held to it."""
        self.require(permission)
        if (prepared_by and not self.owns_every_service
                and prepared_by.strip().casefold() == self.username.strip().casefold()):
            raise PermissionDenied(t("error.own_approval", what=t(f"permission.{permission}")))

    @property
    def label(self) -> str:
        return self.full_name or self.username


def system_actor(name: str = "system") -> Actor:
    """The local operator (CLI, migrations, demo loader): every role, for every service, recorded under `name`."""
    return Actor(username=name, roles=frozenset(ROLES), full_name=name, owns_every_service=True)
