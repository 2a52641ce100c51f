"""Export one organisation's map to Archi's CSV trio (elements.csv, relations.csv, properties.csv).

Archi (File > Import > CSV data into selected model) reads three comma-separated, quoted files:
elements ("ID","Type","Name","Documentation","Specialization") with the model itself as the first
row, relations (... "Source","Target" ...) and properties ("ID","Key","Value"). IDs are stable
(derived from the organisation and row ids), so re-importing updates the model instead of
duplicating it.

Mapping to ArchiMate: business system -> ApplicationComponent, platform service -> ApplicationComponent
(property "Plattformtjeneste"), vendor -> BusinessActor (association to its systems), service area ->
BusinessFunction (the system serves it), dataset -> DataObject (the system accesses it), integration ->
FlowRelationship named by the data it carries.
"""
from __future__ import annotations

import csv
import io
import uuid
import zipfile

from sqlalchemy.orm import Session

from data.access import Actor
from data.excel import safe_text
from data.i18n import t
from data.registers.registry import get_organisation
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.models import Hosting, Method, PersonalData, ServiceArea
from portfolio.digiorden.schemas import choice_label

ELEMENT_HEADERS = ["ID", "Type", "Name", "Documentation", "Specialization"]
RELATION_HEADERS = ["ID", "Type", "Name", "Documentation", "Source", "Target", "Specialization"]
PROPERTY_HEADERS = ["ID", "Key", "Value"]
NAMESPACE = uuid.UUID("6f1c2a4e-8d7b-4c1e-9a53-0d0e1f2a3b4c")


def _id(org_key: str, *parts) -> str:
    return "id-" + uuid.uuid5(NAMESPACE, "/".join([org_key, *map(str, parts)])).hex


def archi_rows(session: Session, organisation_id: int, actor: Actor | None) -> dict[str, list[list[str]]]:
    """The rows of the three files (without headers), with what `actor` may read (see systems.map_data)."""
    org = get_organisation(session, organisation_id)
    data = digiorden.map_data(session, organisation_id, actor)
    key = org.org_number or f"org{org.id}"
    elements: list[list[str]] = []
    relations: list[list[str]] = []
    properties: list[list[str]] = []

    def prop(owner: str, name_key: str, value) -> None:
        if value not in (None, ""):
            properties.append([owner, t(name_key), value.strftime("%d.%m.%Y") if hasattr(value, "strftime")
                               else str(value)])

    model_id = _id(key, "model")
    elements.append([model_id, "ArchimateModel", t("do.archi.model_name", name=org.name),
                     t("do.archi.model_doc", name=org.name), ""])
    prop(model_id, "do.about.org_number", org.org_number)
    prop(model_id, "do.about.municipality_number", org.municipality_number)

    vendor_ids = {}
    for vendor in data["vendors"]:
        element = _id(key, "vendor", vendor["id"])
        vendor_ids[vendor["name"]] = element
        elements.append([element, "BusinessActor", vendor["name"], t("do.archi.vendor_doc"), ""])
        prop(element, "do.col.org_number", vendor["org_number"])

    system_ids, area_ids, service_ids = {}, {}, {}
    for system in data["systems"]:
        element = _id(key, "system", system["id"])
        system_ids[system["id"]] = element
        elements.append([element, "ApplicationComponent", system["name"], system["description"] or "", ""])
        prop(element, "do.col.product", system["product"])
        prop(element, "do.col.product_version", system["product_version"])
        prop(element, "do.col.hosting", choice_label(Hosting, system["hosting"]))
        prop(element, "do.col.owner", system["owner"])
        prop(element, "do.col.in_use_from", system["in_use_from"])
        prop(element, "do.col.in_use_to", system["in_use_to"])
        prop(element, "do.col.security_measures", system["security_measures"])
        if system["vendor"]:
            relations.append([_id(key, "supplies", system["id"]), "AssociationRelationship", t("do.archi.supplies"),
                              "", vendor_ids[system["vendor"]], element, ""])
        for area in system["areas"]:
            if area not in area_ids:
                area_ids[area] = _id(key, "area", area)
                elements.append([area_ids[area], "BusinessFunction", choice_label(ServiceArea, area),
                                 t("do.archi.area_doc"), ""])
            relations.append([_id(key, "serves", system["id"], area), "ServingRelationship", "", "", element,
                              area_ids[area], ""])

    for dataset in data["datasets"]:
        element = _id(key, "dataset", dataset["id"])
        elements.append([element, "DataObject", dataset["name"], dataset["purpose"] or "", ""])
        prop(element, "do.col.personal_data", choice_label(PersonalData, dataset["personal_data"]))
        for name in ("data_categories", "data_subjects", "legal_basis", "recipients", "retention"):
            prop(element, f"do.col.{name}", dataset[name])
        relations.append([_id(key, "access", dataset["id"]), "AccessRelationship", "", "",
                          system_ids[dataset["system_id"]], element, ""])

    for integration in data["integrations"]:
        if integration["to_service"]:
            code = integration["to_service"]
            if code not in service_ids:
                service_ids[code] = _id(key, "service", code)
                elements.append([service_ids[code], "ApplicationComponent", integration["to_service_name"],
                                 t("do.archi.service_doc"), ""])
                prop(service_ids[code], "do.archi.platform_service", code)
            target = service_ids[code]
        else:
            target = system_ids[integration["to_system_id"]]
        relation = _id(key, "flow", integration["id"])
        relations.append([relation, "FlowRelationship", integration["data_carried"] or "", "",
                          system_ids[integration["from_system_id"]], target, ""])
        prop(relation, "do.col.method", choice_label(Method, integration["method"]))
    return {"elements": elements, "relations": relations, "properties": properties}


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def archi_files(session: Session, organisation_id: int, actor: Actor | None) -> dict[str, bytes]:
    rows = archi_rows(session, organisation_id, actor)
    return {
        "elements.csv": _csv(ELEMENT_HEADERS, rows["elements"]),
        "relations.csv": _csv(RELATION_HEADERS, rows["relations"]),
        "properties.csv": _csv(PROPERTY_HEADERS, rows["properties"]),
    }


def archi_zip(session: Session, organisation_id: int, actor: Actor | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in archi_files(session, organisation_id, actor).items():
            archive.writestr(name, content)
    return buffer.getvalue()
