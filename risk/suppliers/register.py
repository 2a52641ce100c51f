"""The supplier register: suppliers, what they deliver to which services and components, and the
sub-processor list per service (issue 23, item 2).

A supplier that processes personal data is a sub-processor of each service it delivers to. Adding a
sub-processor to a service (a new supplier, a new service for a supplier, or a supplier that starts processing
personal data) returns the organisations to notify: every organisation with an appendix in force for the
service (the controllers; GDPR art. 28(2): the processor informs the controller of any intended addition of a
sub-processor). The security officer writes (`risk.write`); everyone signed in reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from agreements.appendices import OrganisationContact, organisations_with_active_appendix
from data import crud
from data.access import Actor
from data.appspec import Fact
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.i18n import t
from data.locking import refusing_duplicates, unique_key
from data.registers.models import Component, Service
from data.textsearch import contains_folded
from risk.suppliers.models import Certificate, Supplier, SupplierComponent, SupplierService
from risk.suppliers.schemas import SupplierIn


@dataclass(frozen=True)
class ToNotify:
    """A service that got a new sub-processor, and the organisations with an appendix in force for it."""

    service_code: str
    service: str
    organisations: list[OrganisationContact] = field(default_factory=list)


@dataclass(frozen=True)
class Saved:
    supplier: Supplier
    notify: list[ToNotify]


def get_supplier(session: Session, supplier_id: int) -> Supplier:
    return crud.get_or_raise(session, Supplier, supplier_id, "supl.not_found")


def _services(session: Session, codes: list[str]) -> dict[str, Service]:
    found = {s.code: s for s in session.scalars(select(Service).where(Service.code.in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise BackofficeError(t("supl.error.unknown_services", codes=", ".join(missing)))
    return found


def _components(session: Session, codes: list[str]) -> dict[str, Component]:
    found = {c.code: c for c in session.scalars(select(Component).where(Component.code.in_(codes)))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise BackofficeError(t("supl.error.unknown_components", codes=", ".join(missing)))
    return found


ORG_NUMBER_ONCE = unique_key(Supplier, "uq_supplier_org_number")


def _number_taken(number: str) -> BackofficeError:
    return BackofficeError(t("supl.error.org_number_taken", number=number))


def save_supplier(session: Session, actor: Actor, payload, supplier_id: int | None = None,
                  expected_version: int | None = None, on_date: date | None = None) -> Saved:
    """Create or change a supplier with its services and components. Returns the supplier and, for every
    service that got it as a new sub-processor, the organisations to notify."""
    actor.require("risk.write")
    data = validate(SupplierIn, payload)
    services = _services(session, data.services)
    components = _components(session, data.components)
    if data.org_number:
        query = select(Supplier.id).where(Supplier.org_number == data.org_number)
        if supplier_id is not None:
            query = query.where(Supplier.id != supplier_id)
        if session.scalar(query) is not None:
            raise _number_taken(data.org_number)
    if supplier_id is None:
        supplier = Supplier(created_by=actor.username, services=[], components=[])
        was_processor, before = False, set()
    else:
        supplier = crud.for_edit(session, Supplier, supplier_id, expected_version, "supl.not_found")
        was_processor = bool(supplier.processes_personal_data)
        before = {link.service_id for link in supplier.services}
    with (refusing_duplicates(session, (ORG_NUMBER_ONCE,), lambda: _number_taken(data.org_number or "")),
          session.no_autoflush):
        for name in ("name", "org_number", "country", "data_location", "delivers", "processes_personal_data",
                     "contact", "notes"):
            if getattr(supplier, name) != getattr(data, name):
                setattr(supplier, name, getattr(data, name))
        wanted = {s.id for s in services.values()}
        for link in list(supplier.services):
            if link.service_id not in wanted:
                supplier.services.remove(link)
        today = on_date or utcnow().date()
        for service in services.values():
            if service.id not in before:
                supplier.services.append(SupplierService(service_id=service.id, added_on=today,
                                                         added_by=actor.username))
        wanted_components = {c.id for c in components.values()}
        for link in list(supplier.components):
            if link.component_id not in wanted_components:
                supplier.components.remove(link)
        have = {link.component_id for link in supplier.components}
        for component in components.values():
            if component.id not in have:
                supplier.components.append(SupplierComponent(component_id=component.id))
        if supplier_id is None:
            session.add(supplier)
        session.flush()
    notify = []
    if data.processes_personal_data:
        new_for = [s for s in services.values() if not was_processor or s.id not in before]
        for service in sorted(new_for, key=lambda s: s.name):
            notify.append(ToNotify(service.code, service.name,
                                   organisations_with_active_appendix(session, service.code, on_date)))
    return Saved(supplier, notify)


def delete_supplier(session: Session, actor: Actor, supplier_id: int, expected_version: int | None = None) -> None:
    actor.require("risk.write")
    crud.delete_row(session, Supplier, supplier_id, "supl.not_found", expected_version)


def municipalities_to_notify(session: Session, service_code: str, on_date: date | None = None,
                             ) -> list[OrganisationContact]:
    """Who to tell when the service gets a new sub-processor: every organisation with an appendix in force."""
    return organisations_with_active_appendix(session, service_code, on_date)


# --- reads ------------------------------------------------------------------------------------------


def _links(session: Session, supplier_ids) -> tuple[dict[int, list[tuple[str, str]]], dict[int, list[str]]]:
    ids = list(supplier_ids)
    services: dict[int, list[tuple[str, str]]] = {}
    for sid, code, name in session.execute(
            select(SupplierService.supplier_id, Service.code, Service.name)
            .join(Service, Service.id == SupplierService.service_id)
            .where(SupplierService.supplier_id.in_(ids)).order_by(Service.name)):
        services.setdefault(sid, []).append((code, name))
    components: dict[int, list[str]] = {}
    for sid, name in session.execute(
            select(SupplierComponent.supplier_id, Component.name)
            .join(Component, Component.id == SupplierComponent.component_id)
            .where(SupplierComponent.supplier_id.in_(ids)).order_by(Component.name)):
        components.setdefault(sid, []).append(name)
    return services, components


def supplier_rows(session: Session, search: str = "", service_code: str | None = None,
                  personal_data_only: bool = False) -> list[dict]:
    """The register, by name: each supplier with its services (names), components and latest certificate expiry."""
    expiry = (select(Certificate.supplier_id, func.max(Certificate.expires_on).label("expires_on"))
              .group_by(Certificate.supplier_id).subquery())
    query = (select(Supplier.id, Supplier.version, Supplier.name, Supplier.org_number, Supplier.country,
                    Supplier.data_location, Supplier.delivers, Supplier.processes_personal_data, Supplier.contact,
                    Supplier.notes, expiry.c.expires_on.label("certificate_expires"))
             .outerjoin(expiry, expiry.c.supplier_id == Supplier.id)
             .order_by(Supplier.name, Supplier.id))
    if search.strip():
        query = query.where(or_(contains_folded(Supplier.name, search.strip()),
                                contains_folded(Supplier.org_number, search.strip())))
    if personal_data_only:
        query = query.where(Supplier.processes_personal_data.is_(True))
    if service_code:
        query = query.where(Supplier.id.in_(select(SupplierService.supplier_id)
                                            .join(Service, Service.id == SupplierService.service_id)
                                            .where(Service.code == service_code)))
    rows = [dict(r._mapping) for r in session.execute(query)]
    services, components = _links(session, (r["id"] for r in rows))
    for row in rows:
        row["service_codes"] = [code for code, _ in services.get(row["id"], [])]
        row["services"] = ", ".join(name for _, name in services.get(row["id"], []))
        row["components"] = ", ".join(components.get(row["id"], []))
    return rows


def subprocessors(session: Session, service_code: str | None = None) -> list[dict]:
    """The sub-processor list: per service (by name), every supplier that processes personal data for it,
    with organisation number, country, where the data is kept, what it does and since when."""
    query = (select(Service.code.label("service_code"), Service.name.label("service"), Supplier.id.label("supplier_id"),
                    Supplier.name, Supplier.org_number, Supplier.country, Supplier.data_location, Supplier.delivers,
                    SupplierService.added_on)
             .join(SupplierService, SupplierService.supplier_id == Supplier.id)
             .join(Service, Service.id == SupplierService.service_id)
             .where(Supplier.processes_personal_data.is_(True))
             .order_by(Service.name, Supplier.name, Supplier.id))
    if service_code:
        query = query.where(Service.code == service_code)
    rows = [dict(r._mapping) for r in session.execute(query)]
    _, components = _links(session, {r["supplier_id"] for r in rows})
    for row in rows:
        row["components"] = ", ".join(components.get(row["supplier_id"], []))
    return rows


def service_facts(session: Session, service_code: str) -> list[Fact]:
    rows = subprocessors(session, service_code)
    value = "; ".join(f"{r['name']} ({r['country']}, {r['data_location'] or '–'})" for r in rows)
    return [Fact(t("supl.fact.subprocessors", count=len(rows)), value or t("supl.fact.none"))]
