"""DigiOrden capabilities: read and change one organisation's system map.

Every write checks `architecture.write` first (the enterprise architect); everyone signed in reads the map,
but a map that lists the sector's weak points is a risk in itself: municipalities' security measures,
datasets with sensitive personal data (special categories, confidential by law) and integrations' technical
details (the method) are read only with `digiorden.sensitive.read` (architect, security officer, leader).
`map_data` leaves them out for anyone else, so every page, export and command built on it does too.
Payloads refer to vendors, systems and platform services by name (see digiorden_schemas).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import delete_row, for_edit, new_or_for_edit, not_found
from data.errors import BackofficeError, RowError, ValidationFailed, validate
from data.i18n import t
from data.locking import refusing_duplicates, unique_key
from data.registers.models import Organisation, Service
from data.registers.registry import find_organisation, get_organisation
from portfolio.digiorden.models import SENSITIVE, DoDataset, DoIntegration, DoSystem, DoSystemArea, DoVendor
from portfolio.digiorden.schemas import DatasetIn, IntegrationIn, SystemIn, VendorIn

PERMISSION = "architecture.write"
SENSITIVE_READ = "digiorden.sensitive.read"

# --- organisations ---------------------------------------------------------------------------------


def organisation_for(session: Session, key: str) -> Organisation:
    """An organisation by organisation number, municipality number or name, or a plain NotFound."""
    org = find_organisation(session, str(key)) if str(key).strip() else None
    if org is None:
        raise not_found("do.org_not_found", key=key)
    return org


def organisation_choices(session: Session) -> list[dict]:
    """Every current organisation, mapped ones first (with their number of systems), then by name."""
    counts = (
        select(DoSystem.organisation_id, func.count().label("systems"))
        .group_by(DoSystem.organisation_id)
        .subquery()
    )
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.org_number, Organisation.municipality_number,
               func.coalesce(counts.c.systems, 0).label("systems"))
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .where(Organisation.valid_to.is_(None))
    )
    out = [dict(r._mapping) for r in rows]
    out.sort(key=lambda r: (r["systems"] == 0, r["name"]))
    return out


def mapped_organisations(session: Session) -> list[dict]:
    """Organisations with at least one system, with counts per kind (SQL aggregates)."""
    def count_by_org(model):
        return dict(session.execute(select(model.organisation_id, func.count()).group_by(model.organisation_id)).all())

    systems = count_by_org(DoSystem)
    datasets, integrations, vendors = count_by_org(DoDataset), count_by_org(DoIntegration), count_by_org(DoVendor)
    if not systems:
        return []
    orgs = session.execute(
        select(Organisation.id, Organisation.name, Organisation.org_number, Organisation.municipality_number,
               Organisation.population)
        .where(Organisation.id.in_(list(systems)))
        .order_by(Organisation.name)
    )
    return [
        dict(r._mapping, systems=systems.get(r.id, 0), datasets=datasets.get(r.id, 0),
             integrations=integrations.get(r.id, 0), vendors=vendors.get(r.id, 0))
        for r in orgs
    ]


# --- reading a map -----------------------------------------------------------------------------------


KINDS = ("vendors", "systems", "datasets", "integrations")


def can_read_sensitive(actor: Actor | None) -> bool:
    return actor is not None and actor.can(SENSITIVE_READ)


def map_data(session: Session, organisation_id: int, actor: Actor | None) -> dict[str, list[dict]]:
    """The map of one organisation as `actor` may read it, names resolved, each kind sorted by name."""
    return redact(full_map(session, organisation_id), actor)


def full_map(session: Session, organisation_id: int) -> dict[str, list[dict]]:
    """The whole map, sensitive parts included: for the import's comparison and other logic that shows
    nothing itself. What is shown to a user comes from `map_data`."""
    return _maps(session, organisation_id).get(organisation_id) or {kind: [] for kind in KINDS}


def redact(data: dict[str, list[dict]], actor: Actor | None) -> dict[str, list[dict]]:
    """Without `digiorden.sensitive.read`: systems without their security measures (`security_hidden`
    says so), no datasets with sensitive personal data, and integrations without their method."""
    if can_read_sensitive(actor):
        return data
    return {
        "vendors": data["vendors"],
        "systems": [{**row, "security_measures": None, "security_hidden": True} for row in data["systems"]],
        "datasets": [row for row in data["datasets"] if row["personal_data"] not in SENSITIVE],
        "integrations": [{**row, "method": None} for row in data["integrations"]],
    }


def all_maps(session: Session) -> dict[int, dict[str, list[dict]]]:
    """Every organisation's map in five queries, keyed by organisation id: for sector aggregates only
    (scores, counts), never shown row by row."""
    return _maps(session, None)


def _maps(session: Session, organisation_id: int | None) -> dict[int, dict[str, list[dict]]]:
    def only(query, column):
        return query if organisation_id is None else query.where(column == organisation_id)

    vendors = [
        dict(r._mapping)
        for r in session.execute(
            only(select(DoVendor.organisation_id, DoVendor.id, DoVendor.name, DoVendor.org_number, DoVendor.version),
                 DoVendor.organisation_id)
            .order_by(DoVendor.name)
        )
    ]
    areas: dict[int, list[str]] = {}
    for system_id, area in session.execute(
        only(select(DoSystemArea.system_id, DoSystemArea.area).join(DoSystem, DoSystem.id == DoSystemArea.system_id),
             DoSystem.organisation_id)
        .order_by(DoSystemArea.area)
    ):
        areas.setdefault(system_id, []).append(area)
    systems = []
    for r in session.execute(
        only(select(DoSystem.organisation_id, DoSystem.id, DoSystem.name, DoVendor.name.label("vendor"),
                    DoSystem.product, DoSystem.product_version, DoSystem.hosting, DoSystem.owner,
                    DoSystem.in_use_from, DoSystem.in_use_to, DoSystem.security_measures, DoSystem.description,
                    DoSystem.version, DoSystem.vendor_id)
             .outerjoin(DoVendor, DoVendor.id == DoSystem.vendor_id), DoSystem.organisation_id)
        .order_by(DoSystem.name)
    ):
        row = dict(r._mapping)
        row["areas"] = areas.get(r.id, [])
        systems.append(row)
    datasets = [
        dict(r._mapping)
        for r in session.execute(
            only(select(DoDataset.organisation_id, DoDataset.id, DoDataset.name, DoSystem.name.label("system"),
                        DoDataset.system_id, DoDataset.personal_data, DoDataset.data_categories,
                        DoDataset.data_subjects, DoDataset.purpose, DoDataset.legal_basis, DoDataset.recipients,
                        DoDataset.retention, DoDataset.version)
                 .join(DoSystem, DoSystem.id == DoDataset.system_id), DoDataset.organisation_id)
            .order_by(DoSystem.name, DoDataset.name)
        )
    ]
    source = select(DoSystem.id, DoSystem.name).subquery()
    target = select(DoSystem.id, DoSystem.name).subquery()
    integrations = [
        dict(r._mapping)
        for r in session.execute(
            only(select(DoIntegration.organisation_id, DoIntegration.id, source.c.name.label("from_system"),
                        DoIntegration.from_system_id, target.c.name.label("to_system"), DoIntegration.to_system_id,
                        Service.code.label("to_service"), Service.name.label("to_service_name"),
                        DoIntegration.to_service_id, DoIntegration.data_carried, DoIntegration.method,
                        DoIntegration.version)
                 .join(source, source.c.id == DoIntegration.from_system_id)
                 .outerjoin(target, target.c.id == DoIntegration.to_system_id)
                 .outerjoin(Service, Service.id == DoIntegration.to_service_id), DoIntegration.organisation_id)
            .order_by(source.c.name, target.c.name, Service.code, DoIntegration.data_carried)
        )
    ]
    out: dict[int, dict[str, list[dict]]] = {}
    for kind, rows in (("vendors", vendors), ("systems", systems), ("datasets", datasets),
                       ("integrations", integrations)):
        for row in rows:
            org = row.pop("organisation_id")
            out.setdefault(org, {k: [] for k in KINDS})[kind].append(row)
    return out


# --- lookups by name -----------------------------------------------------------------------------------


def _named(session: Session, model, organisation_id: int, name: str, extra=None) -> int | None:
    """The id of the row called `name` (case-insensitive, also for æ, ø and å, which SQLite's lower() skips)."""
    query = select(model.id, model.name).where(model.organisation_id == organisation_id)
    if extra is not None:
        query = query.where(extra)
    wanted = name.strip().casefold()
    return next((row_id for row_id, row_name in session.execute(query) if row_name.casefold() == wanted), None)


def _vendor_named(session: Session, organisation_id: int, name: str | None, field: str = "vendor") -> int | None:
    if name is None:
        return None
    found = _named(session, DoVendor, organisation_id, name)
    if found is None:
        raise ValidationFailed([RowError(None, field, t("do.unknown_vendor", name=name))])
    return found


def _system_named(session: Session, organisation_id: int, name: str, field: str = "system") -> int:
    found = _named(session, DoSystem, organisation_id, name)
    if found is None:
        raise ValidationFailed([RowError(None, field, t("do.unknown_system", name=name))])
    return found


def service_by_key(session: Session, key: str) -> Service | None:
    """A platform service by code or name (case-insensitive)."""
    key = key.strip().casefold()
    return next((s for s in session.scalars(select(Service).order_by(Service.id))
                 if key in (s.code.casefold(), s.name.casefold())), None)


def _service_id(session: Session, key: str, field: str = "to_service") -> int:
    service = service_by_key(session, key)
    if service is None:
        raise ValidationFailed([RowError(None, field, t("do.unknown_service", name=key))])
    return service.id


NAME_ONCE = {
    DoVendor: unique_key(DoVendor, "uq_do_vendor_organisation_id_name"),
    DoSystem: unique_key(DoSystem, "uq_do_system_organisation_id_name"),
    DoDataset: unique_key(DoDataset, "uq_do_dataset_system_id_name"),
}


def _name_taken(name: str) -> BackofficeError:
    return BackofficeError(t("do.name_taken", name=name))


def _refuse_duplicate_name(session: Session, model, organisation_id: int, name: str, own_id: int | None,
                           extra=None) -> None:
    other = _named(session, model, organisation_id, name, extra)
    if other is not None and other != own_id:
        raise _name_taken(name)


def _name_once(session: Session, model, name: str):
    """Around the write of a named row: a name taken meanwhile by another user is refused as the check does."""
    return refusing_duplicates(session, (NAME_ONCE[model],), lambda: _name_taken(name))


def _label_by(attribute: str):
    return lambda row: getattr(row, attribute) or str(row.id)


def _load(session: Session, model, row_id: int, expected_version: int | None, label_attr: str = "name"):
    return for_edit(session, model, row_id, expected_version, "do.not_found", label=_label_by(label_attr))


def _new_or_load(session: Session, model, organisation_id: int, row_id: int | None, expected_version: int | None,
                 label_attr: str = "name"):
    """A new row of the organisation's map when `row_id` is None, else the row to change."""
    return new_or_for_edit(session, model, row_id, expected_version, "do.not_found",
                           create=lambda: model(organisation_id=organisation_id), label=_label_by(label_attr))


# --- vendors ---------------------------------------------------------------------------------------------


def save_vendor(session: Session, actor: Actor, organisation_id: int, payload, vendor_id: int | None = None,
                expected_version: int | None = None) -> DoVendor:
    actor.require(PERMISSION)
    data = validate(VendorIn, payload)
    get_organisation(session, organisation_id)
    _refuse_duplicate_name(session, DoVendor, organisation_id, data.name, vendor_id)
    with _name_once(session, DoVendor, data.name):
        vendor = _new_or_load(session, DoVendor, organisation_id, vendor_id, expected_version)
        vendor.name, vendor.org_number = data.name, data.org_number
    return vendor


def delete_vendor(session: Session, actor: Actor, vendor_id: int, expected_version: int | None = None) -> None:
    """Remove a vendor; its systems keep running without a recorded vendor (a gap the analysis shows)."""
    actor.require(PERMISSION)
    vendor = _load(session, DoVendor, vendor_id, expected_version)
    for system in session.scalars(select(DoSystem).where(DoSystem.vendor_id == vendor.id)):
        system.vendor_id = None
    session.flush()
    session.delete(vendor)
    session.flush()


# --- systems ---------------------------------------------------------------------------------------------


def save_system(session: Session, actor: Actor, organisation_id: int, payload, system_id: int | None = None,
                expected_version: int | None = None) -> DoSystem:
    actor.require(PERMISSION)
    data = validate(SystemIn, payload)
    get_organisation(session, organisation_id)
    _refuse_duplicate_name(session, DoSystem, organisation_id, data.name, system_id)
    vendor_id = _vendor_named(session, organisation_id, data.vendor)
    values = data.model_dump(exclude={"vendor", "areas"}, mode="python")
    values["hosting"] = data.hosting.value
    with _name_once(session, DoSystem, data.name):
        system = _new_or_load(session, DoSystem, organisation_id, system_id, expected_version)
        for key, value in values.items():
            setattr(system, key, value)
        system.vendor_id = vendor_id
    _set_areas(session, system.id, [a.value for a in data.areas])
    return system


def _set_areas(session: Session, system_id: int, areas: list[str]) -> None:
    current = {a.area: a for a in session.scalars(select(DoSystemArea).where(DoSystemArea.system_id == system_id))}
    for area, row in current.items():
        if area not in areas:
            session.delete(row)
    for area in areas:
        if area not in current:
            session.add(DoSystemArea(system_id=system_id, area=area))
    session.flush()


def delete_system(session: Session, actor: Actor, system_id: int, expected_version: int | None = None) -> None:
    """Remove a system with its datasets, service areas and every integration to or from it."""
    actor.require(PERMISSION)
    system = _load(session, DoSystem, system_id, expected_version)
    for model, condition in (
        (DoIntegration, (DoIntegration.from_system_id == system.id) | (DoIntegration.to_system_id == system.id)),
        (DoDataset, DoDataset.system_id == system.id),
        (DoSystemArea, DoSystemArea.system_id == system.id),
    ):
        for row in session.scalars(select(model).where(condition)):
            session.delete(row)
    session.flush()
    session.delete(system)
    session.flush()


# --- datasets --------------------------------------------------------------------------------------------


def save_dataset(session: Session, actor: Actor, organisation_id: int, payload, dataset_id: int | None = None,
                 expected_version: int | None = None) -> DoDataset:
    actor.require(PERMISSION)
    data = validate(DatasetIn, payload)
    get_organisation(session, organisation_id)
    system_id = _system_named(session, organisation_id, data.system)
    _refuse_duplicate_name(session, DoDataset, organisation_id, data.name, dataset_id,
                           extra=DoDataset.system_id == system_id)
    values = data.model_dump(exclude={"system"}, mode="python")
    values["personal_data"] = data.personal_data.value
    with _name_once(session, DoDataset, data.name):
        dataset = _new_or_load(session, DoDataset, organisation_id, dataset_id, expected_version)
        for key, value in values.items():
            setattr(dataset, key, value)
        dataset.system_id = system_id
    return dataset


def delete_dataset(session: Session, actor: Actor, dataset_id: int, expected_version: int | None = None) -> None:
    actor.require(PERMISSION)
    delete_row(session, DoDataset, dataset_id, "do.not_found", expected_version, label=_label_by("name"))


# --- integrations ------------------------------------------------------------------------------------------


def save_integration(session: Session, actor: Actor, organisation_id: int, payload,
                     integration_id: int | None = None, expected_version: int | None = None) -> DoIntegration:
    actor.require(PERMISSION)
    data = validate(IntegrationIn, payload)
    get_organisation(session, organisation_id)
    from_id = _system_named(session, organisation_id, data.from_system, "from_system")
    to_system_id = _system_named(session, organisation_id, data.to_system, "to_system") if data.to_system else None
    to_service_id = _service_id(session, data.to_service) if data.to_service else None
    duplicate = session.scalar(
        select(DoIntegration.id).where(
            DoIntegration.organisation_id == organisation_id,
            DoIntegration.from_system_id == from_id,
            DoIntegration.to_system_id.is_(None) if to_system_id is None else DoIntegration.to_system_id == to_system_id,
            DoIntegration.to_service_id.is_(None) if to_service_id is None
            else DoIntegration.to_service_id == to_service_id,
            func.coalesce(DoIntegration.data_carried, "") == (data.data_carried or ""),
        )
    )
    if duplicate is not None and duplicate != integration_id:
        raise BackofficeError(t("do.integration_exists", source=data.from_system,
                                target=data.to_system or data.to_service))
    integration = _new_or_load(session, DoIntegration, organisation_id, integration_id, expected_version,
                               "data_carried")
    integration.from_system_id, integration.to_system_id, integration.to_service_id = from_id, to_system_id, to_service_id
    integration.data_carried, integration.method = data.data_carried, data.method.value
    session.flush()
    return integration


def delete_integration(session: Session, actor: Actor, integration_id: int,
                       expected_version: int | None = None) -> None:
    actor.require(PERMISSION)
    delete_row(session, DoIntegration, integration_id, "do.not_found", expected_version,
               label=_label_by("data_carried"))


def clear_map(session: Session, actor: Actor, organisation_id: int) -> dict[str, int]:
    """Remove an organisation's whole map (used before re-mapping from scratch); audited row by row."""
    actor.require(PERMISSION)
    counts = {}
    system_ids = select(DoSystem.id).where(DoSystem.organisation_id == organisation_id)
    for key, model, condition in (
        ("integrations", DoIntegration, DoIntegration.organisation_id == organisation_id),
        ("datasets", DoDataset, DoDataset.organisation_id == organisation_id),
        ("areas", DoSystemArea, DoSystemArea.system_id.in_(system_ids)),
        ("systems", DoSystem, DoSystem.organisation_id == organisation_id),
        ("vendors", DoVendor, DoVendor.organisation_id == organisation_id),
    ):
        rows = list(session.scalars(select(model).where(condition)))
        for row in rows:
            session.delete(row)
        session.flush()
        counts[key] = len(rows)
    return counts

