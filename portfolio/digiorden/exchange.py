"""Excel import and export of one organisation's map: one sheet per kind, the same layout both ways.

The import is all-or-nothing and replaces the organisation's map with the workbook: every row of
every sheet is checked first (values, references between sheets, duplicates), every problem is
reported by sheet, row and column, and nothing is written unless all rows pass. Rows are matched
to what is already recorded by name, so an unchanged row stays untouched (and unaudited), a changed
one is updated and a row no longer in the workbook is removed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from data import textguard
from data.access import Actor
from data.crud import service_choices
from data.db import utcnow
from data.errors import RowError, ValidationFailed, errors_from_pydantic
from data.excel import Column, add_sheet, new_workbook, open_workbook, sheet_rows, workbook_bytes
from data.i18n import folded_labels, t
from data.registers.models import Service
from data.registers.registry import get_organisation
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.models import (
    DoDataset,
    DoIntegration,
    DoSystem,
    DoSystemArea,
    DoVendor,
    Hosting,
    Method,
    PersonalData,
    ServiceArea,
)
from portfolio.digiorden.schemas import (
    DatasetIn,
    IntegrationIn,
    SystemIn,
    VendorIn,
    choice_label,
    parse_choice,
)

KINDS = ("vendors", "systems", "areas", "datasets", "integrations")

# (field, kind of Excel column); the header is t("do.col.<field>")
SHEET_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "vendors": [("name", "text"), ("org_number", "text")],
    "systems": [("name", "text"), ("vendor", "text"), ("product", "text"), ("product_version", "text"),
                ("hosting", "text"), ("owner", "text"), ("in_use_from", "date"), ("in_use_to", "date"),
                ("security_measures", "text"), ("description", "text")],
    "areas": [("system", "text"), ("area", "text")],
    "datasets": [("name", "text"), ("system", "text"), ("personal_data", "text"), ("data_categories", "text"),
                 ("data_subjects", "text"), ("purpose", "text"), ("legal_basis", "text"),
                 ("recipients", "text"), ("retention", "text")],
    "integrations": [("from_system", "text"), ("to_system", "text"), ("to_service", "text"),
                     ("data_carried", "text"), ("method", "text")],
}
REQUIRED_COLUMNS = {
    "vendors": ("name",), "systems": ("name", "hosting"), "areas": ("system", "area"),
    "datasets": ("name", "system", "personal_data"), "integrations": ("from_system", "method"),
}
COMPARED = {
    "vendors": ("name", "org_number"),
    "systems": ("name", "vendor", "product", "product_version", "hosting", "owner", "in_use_from", "in_use_to",
                "security_measures", "description", "areas"),
    "datasets": ("name", "system", "personal_data", "data_categories", "data_subjects", "purpose", "legal_basis",
                 "recipients", "retention"),
    "integrations": ("from_system", "to_system", "to_service", "data_carried", "method"),
}


def sheet_title(kind: str) -> str:
    return t(f"do.sheet.{kind}")


def column_header(name: str) -> str:
    return t(f"do.col.{name}")


# --- export --------------------------------------------------------------------------------------------


def _fmt(value):
    return None if value in (None, "") else value


def map_sheet_rows(data: dict[str, list[dict]]) -> dict[str, list[list]]:
    """The rows of each sheet, as the export writes them (choices as labels in the current language)."""
    return {
        "vendors": [[v["name"], v["org_number"]] for v in data["vendors"]],
        "systems": [[s["name"], s["vendor"], s["product"], s["product_version"], choice_label(Hosting, s["hosting"]),
                     s["owner"], s["in_use_from"], s["in_use_to"], s["security_measures"], s["description"]]
                    for s in data["systems"]],
        "areas": [[s["name"], choice_label(ServiceArea, a)] for s in data["systems"] for a in s["areas"]],
        "datasets": [[d["name"], d["system"], choice_label(PersonalData, d["personal_data"]), d["data_categories"],
                      d["data_subjects"], d["purpose"], d["legal_basis"], d["recipients"], d["retention"]]
                     for d in data["datasets"]],
        "integrations": [[i["from_system"], i["to_system"], i["to_service_name"], i["data_carried"],
                          choice_label(Method, i["method"])] for i in data["integrations"]],
    }


def export_map(session: Session, organisation_id: int, actor: Actor | None) -> bytes:
    """The organisation's map as a workbook: an about sheet, then one sheet per kind (the import layout),
    with what `actor` may read (see systems.map_data)."""
    org = get_organisation(session, organisation_id)
    data = digiorden.map_data(session, organisation_id, actor)
    return workbook_bytes(_workbook(session, org, map_sheet_rows(data)))


def template(session: Session) -> bytes:
    """An empty workbook in the import layout, with the valid choices on the about sheet."""
    return workbook_bytes(_workbook(session, None, {kind: [] for kind in KINDS}))


def _workbook(session: Session, org, rows: dict[str, list[list]]):
    workbook = new_workbook()
    about = [[t("do.about.organisation"), org.name if org else ""],
             [t("do.about.org_number"), (org.org_number or "") if org else ""],
             [t("do.about.municipality_number"), (org.municipality_number or "") if org else ""],
             [t("do.about.exported"), utcnow().strftime("%d.%m.%Y %H:%M UTC")],
             [t("do.about.how"), t("do.about.how_text")]]
    about += [[t("do.col.hosting"), ", ".join(choice_label(Hosting, h.value) for h in Hosting)],
              [t("do.col.personal_data"), ", ".join(choice_label(PersonalData, p.value) for p in PersonalData)],
              [t("do.col.method"), ", ".join(choice_label(Method, m.value) for m in Method)],
              [t("do.col.area"), ", ".join(choice_label(ServiceArea, a.value) for a in ServiceArea)],
              [t("do.col.to_service"), ", ".join(name for _, name in service_choices(session))]]
    add_sheet(workbook, t("do.sheet.about"), [Column(t("do.about.what"), width=28), Column(t("do.about.value"),
                                                                                           width=90)], about)
    for kind in KINDS:
        columns = [Column(column_header(name), kind) for name, kind in SHEET_COLUMNS[kind]]
        add_sheet(workbook, sheet_title(kind), columns, [[_fmt(v) for v in row] for row in rows[kind]])
    return workbook


# --- import: reading and checking ------------------------------------------------------------------------


@dataclass
class ImportResult:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)   # kind -> created/updated/deleted/unchanged
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(c["create"] + c["update"] + c["delete"] for c in self.counts.values())

    def summary(self) -> str:
        parts = [t("do.import.kind_counts", kind=t(f"do.kind.{kind}"), **c) for kind, c in self.counts.items()]
        return "; ".join(parts)


def _find_sheet(names: list[str], kind: str) -> str | None:
    wanted = folded_labels(f"do.sheet.{kind}")
    return next((n for n in names if n.strip().casefold() in wanted), None)


def read_workbook(content: bytes) -> tuple[dict[str, list[tuple[int, dict]]], list[RowError]]:
    """Each kind's rows as (row number, {field: value}), plus errors for missing sheets and columns.

    Sheets and headers are found in either language, so a file exported in English imports in Norwegian."""
    workbook = open_workbook(content)
    out: dict[str, list[tuple[int, dict]]] = {}
    errors: list[RowError] = []
    try:
        for kind in KINDS:
            sheet = _find_sheet(list(workbook.sheetnames), kind)
            if sheet is None:
                errors.append(RowError(None, None, t("import.missing_sheet", sheet=sheet_title(kind))))
                continue
            headers, rows = sheet_rows(workbook[sheet])
            by_header = {}
            for name, _ in SHEET_COLUMNS[kind]:
                match = next((h for h in headers if h.strip().casefold() in folded_labels(f"do.col.{name}")), None)
                if match is not None:
                    by_header[name] = match
            missing = [n for n in REQUIRED_COLUMNS[kind] if n not in by_header]
            for name in missing:
                errors.append(RowError(1, f"{sheet_title(kind)} / {column_header(name)}",
                                       t("import.missing_column", column=column_header(name))))
            if missing:
                continue
            out[kind] = [(number, {name: record.get(header) for name, header in by_header.items()})
                         for number, record in rows]
    finally:
        workbook.close()
    return out, errors


def _where(kind: str, name: str | None) -> str:
    return f"{sheet_title(kind)} / {column_header(name)}" if name else sheet_title(kind)


def _validated(kind: str, model, number: int, payload: dict, errors: list[RowError]):
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        for error in errors_from_pydantic(exc, number):
            column = error.field if error.field in dict(SHEET_COLUMNS[kind]) else None
            errors.append(RowError(number, _where(kind, column), error.message))
        return None


def _key(text: str | None) -> str:
    return (text or "").strip().casefold()


def parse_map(session: Session, content: bytes) -> dict[str, list[dict]]:
    """Validate a workbook completely; raise ValidationFailed with every problem, or return the wanted map."""
    sheets, errors = read_workbook(content)
    if errors:
        raise ValidationFailed(errors)
    refused = []   # control characters: refused before anything is looked up
    for kind, rows in sheets.items():
        refused += textguard.find_cells(rows, label=lambda name, kind=kind: _where(kind, name))
    if refused:
        raise textguard.refusal(refused)
    wanted: dict[str, list[dict]] = {kind: [] for kind in KINDS}

    vendors: dict[str, int] = {}
    for number, raw in sheets["vendors"]:
        item = _validated("vendors", VendorIn, number, raw, errors)
        if item is None:
            vendors.setdefault(_key(str(raw.get("name") or "")), number)  # no follow-on errors for its systems
            continue
        if _key(item.name) in vendors:
            errors.append(RowError(number, _where("vendors", "name"),
                                   t("import.duplicate_row", other=vendors[_key(item.name)])))
            continue
        vendors[_key(item.name)] = number
        wanted["vendors"].append(item.model_dump())

    systems: dict[str, dict] = {}
    for number, raw in sheets["systems"]:
        item = _validated("systems", SystemIn, number, raw, errors)
        if item is None:
            name = str(raw.get("name") or "")
            systems.setdefault(_key(name), {"name": name, "areas": [], "row": number})  # no follow-on errors
            continue
        if _key(item.name) in systems:
            errors.append(RowError(number, _where("systems", "name"),
                                   t("import.duplicate_row", other=systems[_key(item.name)]["row"])))
            continue
        if item.vendor is not None and _key(item.vendor) not in vendors:
            errors.append(RowError(number, _where("systems", "vendor"), t("do.import.unknown_vendor",
                                                                          name=item.vendor)))
            continue
        row = item.model_dump(mode="python")
        row["hosting"] = item.hosting.value
        row["areas"] = []
        row["row"] = number
        systems[_key(item.name)] = row
        wanted["systems"].append(row)

    seen_areas: dict[tuple[str, str], int] = {}
    for number, raw in sheets["areas"]:
        system_name = raw.get("system")
        if not _key(str(system_name or "")):
            errors.append(RowError(number, _where("areas", "system"), t("import.required")))
            continue
        try:
            area = parse_choice(ServiceArea, raw.get("area"))
        except ValueError as exc:
            errors.append(RowError(number, _where("areas", "area"), str(exc)))
            continue
        system = systems.get(_key(str(system_name)))
        if system is None:
            errors.append(RowError(number, _where("areas", "system"), t("do.import.unknown_system",
                                                                        name=system_name)))
            continue
        key = (_key(system["name"]), area)
        if key in seen_areas:
            errors.append(RowError(number, _where("areas", "area"), t("import.duplicate_row", other=seen_areas[key])))
            continue
        seen_areas[key] = number
        system["areas"] = sorted(system["areas"] + [area])

    datasets: dict[tuple[str, str], int] = {}
    for number, raw in sheets["datasets"]:
        item = _validated("datasets", DatasetIn, number, raw, errors)
        if item is None:
            continue
        system = systems.get(_key(item.system))
        if system is None:
            errors.append(RowError(number, _where("datasets", "system"), t("do.import.unknown_system",
                                                                           name=item.system)))
            continue
        key = (_key(item.system), _key(item.name))
        if key in datasets:
            errors.append(RowError(number, _where("datasets", "name"), t("import.duplicate_row", other=datasets[key])))
            continue
        datasets[key] = number
        row = item.model_dump(mode="python")
        row["personal_data"] = item.personal_data.value
        row["system"] = system["name"]
        wanted["datasets"].append(row)

    services = {s.code: s for s in session.scalars(select(Service))}
    integrations: dict[tuple, int] = {}
    for number, raw in sheets["integrations"]:
        item = _validated("integrations", IntegrationIn, number, raw, errors)
        if item is None:
            continue
        row = item.model_dump(mode="python")
        row["method"] = item.method.value
        problem = False
        for name in ("from_system", "to_system"):
            if row[name] is None:
                continue
            system = systems.get(_key(row[name]))
            if system is None:
                errors.append(RowError(number, _where("integrations", name), t("do.import.unknown_system",
                                                                               name=row[name])))
                problem = True
            else:
                row[name] = system["name"]
        if row["to_service"] is not None:
            service = next((s for s in services.values() if _key(row["to_service"]) in (s.code, _key(s.name))), None)
            if service is None:
                errors.append(RowError(number, _where("integrations", "to_service"),
                                       t("do.unknown_service", name=row["to_service"])))
                problem = True
            else:
                row["to_service"] = service.code
        if problem:
            continue
        key = integration_key(row)
        if key in integrations:
            errors.append(RowError(number, _where("integrations", "data_carried"),
                                   t("import.duplicate_row", other=integrations[key])))
            continue
        integrations[key] = number
        wanted["integrations"].append(row)

    if errors:
        raise ValidationFailed(errors)
    for row in wanted["systems"]:
        row.pop("row", None)
    return wanted


def integration_key(row: dict) -> tuple:
    return (_key(row["from_system"]), _key(row.get("to_system")), row.get("to_service") or "",
            _key(row.get("data_carried")))


# --- import: comparing and writing -----------------------------------------------------------------------


def _keyed(kind: str, rows: list[dict]) -> dict:
    if kind == "datasets":
        return {(_key(r["system"]), _key(r["name"])): r for r in rows}
    if kind == "integrations":
        return {integration_key(r): r for r in rows}
    return {_key(r["name"]): r for r in rows}


def _same(kind: str, old: dict, new: dict) -> bool:
    return all(_norm(old.get(f)) == _norm(new.get(f)) for f in COMPARED[kind])


def _norm(value):
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, date):
        return value
    return value


def plan_import(existing: dict[str, list[dict]], wanted: dict[str, list[dict]]) -> dict[str, dict[str, list]]:
    """What the import would do, per kind: rows to create, update ((old, new) pairs) and delete."""
    plan = {}
    for kind in ("vendors", "systems", "datasets", "integrations"):
        old, new = _keyed(kind, existing[kind]), _keyed(kind, wanted[kind])
        plan[kind] = {
            "create": [row for key, row in new.items() if key not in old],
            "update": [(old[key], row) for key, row in new.items() if key in old and not _same(kind, old[key], row)],
            "delete": [row for key, row in old.items() if key not in new],
            "unchanged": [row for key, row in new.items() if key in old and _same(kind, old[key], row)],
        }
    return plan


def import_map(session: Session, actor: Actor, organisation_id: int, content: bytes,
               dry_run: bool = False) -> ImportResult:
    """Replace the organisation's map with the workbook's, all or nothing. `dry_run` only reports."""
    actor.require(digiorden.PERMISSION)
    get_organisation(session, organisation_id)
    wanted = parse_map(session, content)
    existing = digiorden.full_map(session, organisation_id)
    plan = plan_import(existing, wanted)
    result = ImportResult(dry_run=dry_run, counts={
        kind: {action: len(rows) for action, rows in actions.items()} for kind, actions in plan.items()
    })
    if not dry_run:
        _apply(session, organisation_id, plan)
    return result


def _apply(session: Session, organisation_id: int, plan: dict[str, dict[str, list]]) -> None:
    for row in plan["integrations"]["delete"]:
        session.delete(session.get(DoIntegration, row["id"]))
    for row in plan["datasets"]["delete"]:
        session.delete(session.get(DoDataset, row["id"]))
    session.flush()
    for row in plan["systems"]["delete"]:
        for area in session.scalars(select(DoSystemArea).where(DoSystemArea.system_id == row["id"])):
            session.delete(area)
        for dataset in session.scalars(select(DoDataset).where(DoDataset.system_id == row["id"])):
            session.delete(dataset)
        session.flush()
        session.delete(session.get(DoSystem, row["id"]))
    session.flush()

    for row in plan["vendors"]["create"]:
        session.add(DoVendor(organisation_id=organisation_id, name=row["name"], org_number=row["org_number"]))
    for old, new in plan["vendors"]["update"]:
        vendor = session.get(DoVendor, old["id"])
        vendor.name, vendor.org_number = new["name"], new["org_number"]
    session.flush()
    vendor_ids = {_key(v.name): v.id for v in session.scalars(
        select(DoVendor).where(DoVendor.organisation_id == organisation_id))}

    system_fields = [f for f in COMPARED["systems"] if f not in ("vendor", "areas")]
    touched: list[tuple[DoSystem, list[str]]] = []
    for row in plan["systems"]["create"]:
        system = DoSystem(organisation_id=organisation_id, vendor_id=vendor_ids.get(_key(row["vendor"])),
                          **{f: row[f] for f in system_fields})
        session.add(system)
        touched.append((system, row["areas"]))
    for old, new in plan["systems"]["update"]:
        system = session.get(DoSystem, old["id"])
        for f in system_fields:
            if _norm(getattr(system, f)) != _norm(new[f]):
                setattr(system, f, new[f])
        vendor_id = vendor_ids.get(_key(new["vendor"])) if new["vendor"] else None
        if system.vendor_id != vendor_id:
            system.vendor_id = vendor_id
        touched.append((system, new["areas"]))
    session.flush()
    for system, areas in touched:
        digiorden._set_areas(session, system.id, areas)

    for row in plan["vendors"]["delete"]:
        session.delete(session.get(DoVendor, row["id"]))
    session.flush()

    system_ids = {_key(s.name): s.id for s in session.scalars(
        select(DoSystem).where(DoSystem.organisation_id == organisation_id))}
    dataset_fields = [f for f in COMPARED["datasets"] if f != "system"]
    for row in plan["datasets"]["create"]:
        session.add(DoDataset(organisation_id=organisation_id, system_id=system_ids[_key(row["system"])],
                              **{f: row[f] for f in dataset_fields}))
    for old, new in plan["datasets"]["update"]:
        dataset = session.get(DoDataset, old["id"])
        for f in dataset_fields:
            if _norm(getattr(dataset, f)) != _norm(new[f]):
                setattr(dataset, f, new[f])
    session.flush()

    service_ids = dict(session.execute(select(Service.code, Service.id)).all())
    for row in plan["integrations"]["create"]:
        session.add(DoIntegration(
            organisation_id=organisation_id, from_system_id=system_ids[_key(row["from_system"])],
            to_system_id=system_ids[_key(row["to_system"])] if row["to_system"] else None,
            to_service_id=service_ids[row["to_service"]] if row["to_service"] else None,
            data_carried=row["data_carried"], method=row["method"]))
    for old, new in plan["integrations"]["update"]:
        integration = session.get(DoIntegration, old["id"])
        if integration.method != new["method"]:
            integration.method = new["method"]
        if integration.data_carried != new["data_carried"]:
            integration.data_carried = new["data_carried"]
    session.flush()
