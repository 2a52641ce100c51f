"""Roles, permissions and the Actor every capability function checks before it writes."""
from __future__ import annotations

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
    "gates.approve": frozenset({"leader"}),
    "scenarios.approve": frozenset({"leader"}),
    "invoices.approve": frozenset({"leader", "finance"}),
    "pricing.approve": frozenset({"leader"}),
    "pricing.write": frozenset({"finance"}),
    "risk.write": frozenset({"security"}),
    "agreements.write": frozenset({"product_owner"}),
    "agreements.import": frozenset({"product_owner", "finance"}),
    "portfolio.write": frozenset({"portfolio"}),
    "changeboard.write": frozenset({"portfolio"}),
    "changeboard.override": frozenset({"leader"}),
    "support.write": frozenset({"support"}),
    "architecture.write": frozenset({"architect"}),
    "metering.write": frozenset({"admin", "finance"}),
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

    @property
    def label(self) -> str:
        return self.full_name or self.username


def system_actor(name: str = "system") -> Actor:
    """The local operator (CLI, migrations, demo loader): every role, for every service, recorded under `name`."""
    return Actor(username=name, roles=frozenset(ROLES), full_name=name, owns_every_service=True)
