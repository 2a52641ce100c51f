"""OWASP Threat Dragon v2 JSON: import a model into a service's threat model, and export it back.

Threat Dragon keeps a model as diagrams of cells (actor, process, store, flow, trust-boundary-box,
trust-boundary-curve, td-text-block), each with a `data` block that carries its threats. We keep
each cell's id as the element's external id, the original cell and each original threat as JSON, and
the top-level fields we do not model, so a model exported after an import is the file that came in,
changed only where something was changed here.

Threat Dragon's own vocabulary (OWASP/threat-dragon td.vue/src/i18n/en.json `threats.model.*`,
td.vue/src/service/threats/status.js, td.vue/src/components/ThreatEditDialog.vue at
6b72aad6d85073e5361d4444512033145399acdf): model types STRIDE, CIA, CIADIE (DIE in older files),
LINDDUN, PLOT4ai, EOP and Generic; the STRIDE types map to our STRIDE letter, every other type is kept
as Threat Dragon wrote it and shown as such. Statuses Open, NotApplicable (N/A) and the treatments
Mitigated, Accepted, Transferred, Avoided, Eliminated; the four last came after release 2.6.2, so a
decision made here is exported with the nearest status the file's Threat Dragon version knows
(Mitigated: Threat Dragon counts all treatments as resolved) plus `backofficeStatus` with the exact one,
which Threat Dragon keeps. Severities Low, Medium, High, Critical; TBD, TBA or empty stay unrated.
"""
from __future__ import annotations

import copy
import json
import math
import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import textguard
from data.access import Actor
from data.db import utcnow
from data.errors import BackofficeError, PermissionDenied, RowError, ValidationFailed
from data.i18n import t
from data.registers.models import Service
from data.registers.registry import get_service
from risk.threats.layout import auto_layout
from risk.threats.modelling import CATEGORY_WEIGHT, OTHER_WEIGHT, SEVERITY_ORDER, find_model, require_diagram
from risk.threats.models import THREAT_STATUSES, Threat, ThreatElement, ThreatModel

TD_VERSION = "2.3.0"
KIND_BY_TYPE = {"tm.Actor": "external_entity", "tm.Process": "process", "tm.Store": "data_store",
                "tm.Flow": "data_flow", "tm.Boundary": "trust_boundary", "tm.BoundaryBox": "trust_boundary"}
KIND_BY_SHAPE = {"actor": "external_entity", "process": "process", "store": "data_store", "flow": "data_flow",
                 "trust-boundary-curve": "trust_boundary", "trust-boundary-box": "trust_boundary",
                 "trust-broundary-curve": "trust_boundary"}  # (a misspelling some TD versions wrote)
SHAPE_BY_KIND = {"external_entity": ("actor", "tm.Actor"), "process": ("process", "tm.Process"),
                 "data_store": ("store", "tm.Store"), "data_flow": ("flow", "tm.Flow")}
CATEGORY_BY_TYPE = {"spoofing": "S", "tampering": "T", "repudiation": "R", "information disclosure": "I",
                    "denial of service": "D", "elevation of privilege": "E"}
TYPE_BY_CATEGORY = {"S": "Spoofing", "T": "Tampering", "R": "Repudiation", "I": "Information disclosure",
                    "D": "Denial of service", "E": "Elevation of privilege"}
# Every model type and threat type Threat Dragon offers (en.json); other types are kept as written too.
TD_TYPES = {
    "STRIDE": tuple(TYPE_BY_CATEGORY.values()),
    "CIA": ("Confidentiality", "Integrity", "Availability"),
    "CIADIE": ("Confidentiality", "Integrity", "Availability", "Distributed", "Immutable", "Ephemeral"),
    "LINDDUN": ("Linkability", "Identifiability", "Non-repudiation", "Detectability", "Disclosure of information",
                "Unawareness", "Non-compliance"),
    "PLOT4ai": ("Technique & Processes", "Accessibility", "Identifiability & Linkability", "Security", "Safety",
                "Unawareness", "Ethics & Human Rights", "Non-compliance"),
    "EOP": ("Data Validation & Encoding", "Authentication", "Session Management", "Authorization", "Cryptography",
            "Cornucopia", "Wild Card"),
    "Generic": ("Generic",),
}
STATUS_FROM_TD = {"open": "open", "mitigated": "mitigated", "notapplicable": "not_applicable",
                  "not applicable": "not_applicable", "n/a": "not_applicable", "na": "not_applicable",
                  "accepted": "accepted", "transferred": "transferred", "avoided": "avoided",
                  "eliminated": "eliminated"}
STATUS_TO_TD = {"open": "Open", "mitigated": "Mitigated", "not_applicable": "NotApplicable", "accepted": "Accepted",
                "transferred": "Transferred", "avoided": "Avoided", "eliminated": "Eliminated"}
RELEASED_STATUSES = ("Open", "Mitigated", "NotApplicable")   # every Threat Dragon release up to 2.6.2
LAST_WITHOUT_TREATMENTS = (2, 6, 2)
SEVERITY_FROM_TD = {"low": "low", "medium": "medium", "high": "high", "critical": "critical"}
SEVERITY_TO_TD = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical", "": "TBD"}
TEXT_SHAPES = {"td-text-block"}
OWN_FIELDS = ("backofficeKey", "backofficeStatus", "backofficeOrigin")
THREAT_FIELDS = {"id", "title", "type", "status", "severity", "description", "mitigation", *OWN_FIELDS}
KNOWN_TOP = ("version", "summary", "detail")


def _version(text) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", str(text or ""))[:3]) or (0,)


def td_status(status: str, version: str) -> str:
    """The Threat Dragon status for one of ours: exact where the file's version knows it, else the nearest."""
    exact = STATUS_TO_TD[status]
    if exact in RELEASED_STATUSES or _version(version) > LAST_WITHOUT_TREATMENTS:
        return exact
    return "Mitigated"


# --- parsing -----------------------------------------------------------------------------------------


def parse(content: bytes | str) -> dict:
    """Read and check a Threat Dragon v2 file; returns a neutral structure, or raises naming each problem."""
    try:
        raw = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BackofficeError(t("td.error.not_json", detail=str(exc)[:120])) from exc
    _check_tree(raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("detail"), dict):
        raise BackofficeError(t("td.error.not_td"))
    diagrams = raw["detail"].get("diagrams")
    if not isinstance(diagrams, list):
        if raw["detail"].get("diagrams") is None and "version" not in raw:
            raise BackofficeError(t("td.error.v1"))
        raise BackofficeError(t("td.error.not_td"))
    errors: list[RowError] = []
    elements, texts = [], []
    seen: set[str] = set()
    version = str(raw.get("version") or "")
    for d_index, diagram in enumerate(diagrams):
        cells = diagram.get("cells") if isinstance(diagram, dict) else None
        if not isinstance(cells, list):
            errors.append(RowError(d_index + 1, "cells", t("td.error.no_cells")))
            continue
        for c_index, cell in enumerate(cells, start=1):
            where = f"{diagram.get('title') or d_index + 1} / {c_index}"
            if not isinstance(cell, dict):
                errors.append(RowError(c_index, None, t("td.error.cell_not_object", where=where)))
                continue
            problem = _cell_problem(cell)
            if problem:
                errors.append(RowError(c_index, problem[0], t("import.wrong_type", field=problem[0], where=where,
                                                                expected=t(f"import.type.{problem[1]}"))))
                continue
            data = cell.get("data") if isinstance(cell.get("data"), dict) else {}
            shape = cell.get("shape") or ""
            if shape in TEXT_SHAPES or data.get("type") == "tm.Text":
                texts.append({"diagram": d_index, "order": c_index, "cell": cell})
                continue
            kind = KIND_BY_TYPE.get(data.get("type")) or KIND_BY_SHAPE.get(shape)
            if kind is None:
                errors.append(RowError(c_index, "shape", t("td.error.unknown_shape", shape=shape or "-",
                                                             where=where)))
                continue
            cell_id = str(cell.get("id") or "")
            if not cell_id:
                errors.append(RowError(c_index, "id", t("td.error.no_id", where=where)))
                continue
            if len(cell_id) > MAX_ID_LENGTH:
                errors.append(RowError(c_index, "id", t("import.too_long", length=MAX_ID_LENGTH)))
                continue
            if cell_id in seen:
                errors.append(RowError(c_index, "id", t("td.error.duplicate_id", id=cell_id)))
                continue
            seen.add(cell_id)
            threats = []
            for th_index, threat in enumerate(data.get("threats") or [], start=1):
                parsed = _parse_threat(threat, cell_id, th_index, where, errors, version)
                if parsed:
                    threats.append(parsed)
            elements.append({"diagram": d_index, "order": c_index, "cell": cell, "id": cell_id, "kind": kind,
                             "data": data, "threats": threats})
    for element in elements:
        if element["kind"] != "data_flow":
            continue
        for end in ("source", "target"):
            ref = element["cell"].get(end) or {}
            if isinstance(ref, dict) and ref.get("cell") and ref["cell"] not in seen:
                errors.append(RowError(None, end, t("td.error.dangling", flow=_name(element) or element["id"],
                                                      ref=ref["cell"])))
    if errors:
        raise ValidationFailed(errors, t("td.error.invalid", count=len(errors)))
    summary = raw.get("summary") if isinstance(raw.get("summary"), dict) else {}
    return {"version": raw.get("version", ""), "summary": summary, "detail": raw["detail"], "diagrams": diagrams,
            "elements": elements, "texts": texts, "top": {k: v for k, v in raw.items() if k not in KNOWN_TOP},
            "has_version": "version" in raw, "has_summary": "summary" in raw}


MAX_ID_LENGTH = 64    # ThreatElement.external_id
MAX_DEPTH = 64        # Threat Dragon nests a handful of levels; a deeper file is not one
_GEOMETRY = {"position": ("x", "y"), "size": ("width", "height")}


def _check_tree(raw) -> None:
    """Refuse a file nested deeper than any Threat Dragon model (copying and checking it would overflow
    the stack) or holding text that cannot be stored (an unpaired surrogate escape such as "\\ud800")."""
    stack = [(raw, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BackofficeError(t("td.error.not_json", detail=t("import.too_deep")))
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
            stack.extend((key, depth + 1) for key in value)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise BackofficeError(t("td.error.not_json", detail=t("import.bad_text"))) from exc


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _cell_problem(cell: dict) -> tuple[str, str] | None:
    """(field, expected type) of the first field of a cell with a type the import cannot use, or None."""
    if cell.get("shape") is not None and not isinstance(cell["shape"], str):
        return "shape", "text"
    if cell.get("id") is not None and not isinstance(cell["id"], str | int) or isinstance(cell.get("id"), bool):
        return "id", "text"
    data = cell.get("data")
    if data is not None and not isinstance(data, dict):
        return "data", "object"
    data = data or {}
    if data.get("type") is not None and not isinstance(data["type"], str):
        return "data.type", "text"
    if data.get("threats") and not isinstance(data["threats"], list):
        return "data.threats", "list"
    if data.get("trustZone") is not None and not isinstance(data["trustZone"], str):
        return "data.trustZone", "text"
    for name, keys in _GEOMETRY.items():
        value = cell.get(name)
        if value is None:
            continue
        if not isinstance(value, dict):
            return name, "object"
        for key in keys:
            if key in value and not _number(value[key]):
                return f"{name}.{key}", "number"
    for end in ("source", "target"):
        ref = cell.get(end)
        if isinstance(ref, dict):
            if ref.get("cell") is not None and not isinstance(ref["cell"], str):
                return f"{end}.cell", "text"
            for key in ("x", "y"):
                if key in ref and not _number(ref[key]):
                    return f"{end}.{key}", "number"
    vertices = cell.get("vertices")
    if vertices is not None and not isinstance(vertices, list):
        return "vertices", "list"
    for vertex in vertices or []:
        if isinstance(vertex, dict) and not (_number(vertex.get("x")) and _number(vertex.get("y"))):
            return "vertices", "number"
    return None


def _text_or_none(value) -> str | None:
    """A threat field as text: None when it is there but not text (a number, a list...)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else None


def threat_values(threat: dict, version: str) -> dict | None:
    """What we read from a Threat Dragon threat (a pure function of the threat and the file's version):
    None when a field cannot be read (see `_parse_threat` for the error)."""
    texts = {key: _text_or_none(threat.get(key)) for key in ("type", "modelType", "title", "description",
                                                             "mitigation")}
    if any(value is None for value in texts.values()):
        return None
    raw_status = threat.get("status")
    status = STATUS_FROM_TD.get(str(raw_status if raw_status not in (None, "") else "open").strip().lower())
    if status is None:
        return None
    ours = threat.get("backofficeStatus")
    # our exact decision, unless the status was changed in Threat Dragon after our export
    if ours in THREAT_STATUSES and str(raw_status or "").strip().lower() == td_status(ours, version).lower():
        status = ours
    severity = SEVERITY_FROM_TD.get(str(threat.get("severity") or "").strip().lower(), "")
    return {"category": CATEGORY_BY_TYPE.get(texts["type"].strip().lower(), ""), "threat_type": texts["type"][:120],
            "model_type": texts["modelType"][:40], "title": texts["title"][:300], "description": texts["description"],
            "mitigation": texts["mitigation"], "status": status, "severity": severity}


def _parse_threat(threat, cell_id: str, index: int, where: str, errors: list[RowError], version: str) -> dict | None:
    if not isinstance(threat, dict):
        errors.append(RowError(index, "threats", t("td.error.threat_not_object", where=where)))
        return None
    values = threat_values(threat, version)
    if values is None:
        for key in ("type", "modelType", "title", "description", "mitigation"):
            if _text_or_none(threat.get(key)) is None:
                errors.append(RowError(index, key, t("import.wrong_type", field=key, where=where,
                                                     expected=t("import.type.text"))))
                return None
        errors.append(RowError(index, "status", t("td.error.threat_status", status=threat.get("status"),
                                                   where=where)))
        return None
    key = threat.get("backofficeKey") or f"td:{threat.get('id') or f'{cell_id}:{index}'}"
    return {**values, "key": str(key)[:120], "origin": threat.get("backofficeOrigin") or "imported",
            "raw": copy.deepcopy(threat)}


def _dig(value, *keys):
    """value[k1][k2]... where each step is a dict; None as soon as one is not."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _name(element: dict) -> str:
    data, cell = element["data"], element["cell"]
    name = data.get("name")
    if not name:
        name = _dig(cell, "attrs", "text", "text") or _dig(cell, "attrs", "label", "text")
    if not name and isinstance(cell.get("labels"), list):
        for label in cell["labels"]:
            name = _dig(label, "attrs", "labelText", "text")
            if name:
                break
    return " ".join(str(name or "").split())


# --- geometry: which zone a node sits in, which flows cross a boundary --------------------------------


def _centre(cell: dict) -> tuple[float, float] | None:
    pos, size = cell.get("position"), cell.get("size") or {}
    if not isinstance(pos, dict):
        return None
    return (float(pos.get("x", 0)) + float(size.get("width", 0)) / 2,
            float(pos.get("y", 0)) + float(size.get("height", 0)) / 2)


def _box(cell: dict) -> tuple[float, float, float, float] | None:
    pos, size = cell.get("position"), cell.get("size")
    if not isinstance(pos, dict) or not isinstance(size, dict):
        return None
    x, y = float(pos.get("x", 0)), float(pos.get("y", 0))
    return x, y, x + float(size.get("width", 0)), y + float(size.get("height", 0))


def _point(ref, centres: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    if not isinstance(ref, dict):
        return None
    if ref.get("cell"):
        return centres.get(ref["cell"])
    if "x" in ref and "y" in ref:
        return float(ref["x"]), float(ref["y"])
    return None


def _polyline(cell: dict, centres) -> list[tuple[float, float]]:
    points = [_point(cell.get("source"), centres)]
    points += [(float(v["x"]), float(v["y"])) for v in cell.get("vertices") or [] if isinstance(v, dict)]
    points.append(_point(cell.get("target"), centres))
    return [p for p in points if p is not None]


def _segments_cross(a, b, c, d) -> bool:
    def orient(p, q, r):
        value = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return 0 if abs(value) < 1e-9 else (1 if value > 0 else -1)

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 != o2 and o3 != o4 and 0 not in (o1, o2, o3, o4)


def polylines_cross(first: list, second: list) -> bool:
    return any(_segments_cross(first[i], first[i + 1], second[j], second[j + 1])
               for i in range(len(first) - 1) for j in range(len(second) - 1))


def _zones(parsed: dict) -> tuple[dict[str, str | None], set[str]]:
    """(node id -> id of the smallest boundary box holding it, ids of flows crossing a boundary curve)."""
    centres = {e["id"]: c for e in parsed["elements"] if (c := _centre(e["cell"])) is not None}
    boxes = [(e["id"], b) for e in parsed["elements"]
             if e["kind"] == "trust_boundary" and (b := _box(e["cell"])) is not None]
    zone: dict[str, str | None] = {}
    for e in parsed["elements"]:
        if e["kind"] in ("external_entity", "process", "data_store") and e["id"] in centres:
            x, y = centres[e["id"]]
            holding = [(bx2 - bx1) * (by2 - by1) for _, (bx1, by1, bx2, by2) in boxes]
            inside = [(area, box_id) for (box_id, (bx1, by1, bx2, by2)), area in zip(boxes, holding, strict=True)
                      if bx1 <= x <= bx2 and by1 <= y <= by2]
            zone[e["id"]] = min(inside)[1] if inside else None
    curves = [_polyline(e["cell"], centres) for e in parsed["elements"]
              if e["kind"] == "trust_boundary" and e["cell"].get("source") is not None]
    crossing = set()
    for e in parsed["elements"]:
        if e["kind"] == "data_flow":
            line = _polyline(e["cell"], centres)
            if len(line) >= 2 and any(len(c) >= 2 and polylines_cross(line, c) for c in curves):
                crossing.add(e["id"])
    return zone, crossing


# --- import ------------------------------------------------------------------------------------------


ELEMENT_FIELDS = ("name", "description", "out_of_scope", "out_of_scope_reason", "holds_logs", "stores_credentials",
                  "protocol", "encrypted", "public_network", "bidirectional", "data_carried")


def element_values(item: dict) -> dict:
    """The element fields we read from a Threat Dragon cell (what `import_model` stores, before any edit)."""
    data, kind = item["data"], item["kind"]
    is_flow, is_store = kind == "data_flow", kind == "data_store"
    return {
        "name": (_name(item) or t(f"threat.kind.{kind}"))[:200],
        "description": str(data.get("description") or ""),
        "out_of_scope": bool(data.get("outOfScope")),
        "out_of_scope_reason": str(data.get("reasonOutOfScope") or ""),
        "holds_logs": bool(data.get("isALog")) if is_store else False,
        "stores_credentials": bool(data.get("storesCredentials")) if is_store else False,
        "protocol": str(data.get("protocol") or "").strip()[:80] if is_flow else "",
        "encrypted": bool(data.get("isEncrypted")) if is_flow else False,
        "public_network": bool(data.get("isPublicNetwork")) if is_flow else False,
        "bidirectional": bool(data.get("isBidirectional")) if is_flow else False,
        "data_carried": str(data.get("dataCarried") or data.get("description") or "") if is_flow else "",
    }


def _zone_of(item: dict, zone: dict[str, str | None], ids: set[str]) -> str | None:
    """The boundary (cell id) a node sits in: as our own export declared it, else by geometry."""
    declared = item["data"].get("trustZone")
    if declared is not None and (declared == "" or declared in ids):
        return declared or None
    return zone.get(item["id"])


def import_model(session: Session, actor: Actor, service_code: str, content: bytes | str) -> dict:
    """Import a Threat Dragon v2 file into the service's threat model (all or nothing).

    Elements are matched on Threat Dragon's cell ids: matched ones are updated, new ones added and
    those no longer in the file removed (their threats are kept, marked as element gone). Threats
    are matched on their ids, so importing the same file twice changes nothing. The file's own cells,
    threats and top-level fields are kept as they came, to be exported unchanged.

    Accepting a threat is the leader's call (`modelling.decide_threat`), and a file is no way around it:
    a threat the file records as accepted that is not already accepted here is stored as open unless the
    importing actor may accept ("risk.approve"). Returns the counts (elements, flows, boundaries, threats,
    removed) and `awaiting_leader`: each such threat as {"model", "element", "title"}, for the report.
    """
    require_diagram(actor)
    parsed = parse(content)
    textguard.refuse(parsed)
    if any(e["threats"] for e in parsed["elements"]) and not actor.can("risk.write"):
        raise PermissionDenied(t("td.error.threats_need_security"))
    service = get_service(session, service_code)
    model = find_model(session, service_code)
    summary = parsed["summary"]
    if model is None:
        model = ThreatModel(service_id=service.id)
        session.add(model)
    model.title = (str(summary.get("title") or "") or t("threat.default_title", service=service.name))[:200]
    model.description = str(summary.get("description") or "")
    model.owner = str(summary.get("owner") or "")[:200]
    model.reviewer = str(parsed["detail"].get("reviewer") or "")[:200]
    model.source = "threat-dragon"
    meta = {"version": parsed["version"], "summary": summary,
            "detail": {k: v for k, v in parsed["detail"].items() if k != "diagrams"},
            "diagrams": [{k: v for k, v in d.items() if k != "cells"} for d in parsed["diagrams"]],
            "texts": parsed["texts"], "top": parsed["top"], "has_version": parsed["has_version"],
            "has_summary": parsed["has_summary"],
            "imported": {"title": model.title, "description": model.description, "owner": model.owner,
                         "reviewer": model.reviewer}}
    model.td_meta = json.dumps(meta, ensure_ascii=False)
    session.flush()

    existing = {e.external_id: e for e in session.scalars(select(ThreatElement)
                                                          .where(ThreatElement.model_id == model.id))}
    zone, crossing = _zones(parsed)
    ids = {e["id"] for e in parsed["elements"]}
    by_external: dict[str, ThreatElement] = {}
    counts = {"elements": 0, "flows": 0, "boundaries": 0, "threats": 0, "removed": 0}
    for item in parsed["elements"]:
        element = existing.get(item["id"])
        if element is None:
            element = ThreatElement(model_id=model.id, external_id=item["id"], kind=item["kind"])
            session.add(element)
        elif element.kind != item["kind"]:
            element.kind = item["kind"]
        data, cell = item["data"], item["cell"]
        values = element_values(item)
        for field, value in values.items():
            setattr(element, field, value)
        is_flow = item["kind"] == "data_flow"
        element.crosses_boundary = (item["id"] in crossing or bool(data.get("crossesBoundary"))) if is_flow else False
        box = _box(cell)
        if box:
            element.x, element.y = box[0], box[1]
            element.width, element.height = box[2] - box[0], box[3] - box[1]
        else:
            element.x = element.y = element.width = element.height = None
        stored = copy.deepcopy(cell)
        stored["data"] = {k: v for k, v in stored["data"].items() if k != "threats"} \
            if isinstance(stored.get("data"), dict) else {}
        stored["_diagram"] = item["diagram"]
        stored["_import"] = {
            "order": item["order"], "fields": values, "crosses": element.crosses_boundary,
            "zone": _zone_of(item, zone, ids) if item["kind"] in ("external_entity", "process", "data_store")
            else None,
            "data": isinstance(cell.get("data"), dict),
            "threats": [th["key"] for th in item["threats"]] if isinstance(data.get("threats"), list) else None}
        element.td_cell = json.dumps(stored, ensure_ascii=False)
        by_external[item["id"]] = element
        counts["flows" if is_flow else "boundaries" if item["kind"] == "trust_boundary" else "elements"] += 1
    session.flush()
    for item in parsed["elements"]:
        element = by_external[item["id"]]
        if item["kind"] == "data_flow":
            for end in ("source", "target"):
                ref = item["cell"].get(end) or {}
                other = by_external.get(ref.get("cell")) if isinstance(ref, dict) else None
                setattr(element, f"{end}_id", other.id if other else None)
            element.boundary_id = None
        elif item["kind"] == "trust_boundary":
            element.boundary_id = None
        else:
            box_id = _zone_of(item, zone, ids)
            element.boundary_id = by_external[box_id].id if box_id else None
    threats = {th.key: th for th in session.scalars(select(Threat).where(Threat.model_id == model.id))}
    may_accept = actor.can("risk.approve")
    awaiting_leader: list[dict[str, str]] = []
    for item in parsed["elements"]:
        element = by_external[item["id"]]
        for parsed_threat in item["threats"]:
            threat = threats.get(parsed_threat["key"])
            if threat is None:
                threat = Threat(model_id=model.id, key=parsed_threat["key"])
                session.add(threat)
                threats[parsed_threat["key"]] = threat
            status = parsed_threat["status"]
            newly_accepted = status == "accepted" and threat.status != "accepted"
            if newly_accepted and not may_accept:     # the leader decides acceptance, in the app
                status = "open"
                awaiting_leader.append({"model": model.title, "element": element.name,
                                        "title": parsed_threat["title"] or parsed_threat["threat_type"]})
            elif newly_accepted:                      # the leader's import is the leader's decision
                threat.decided_by, threat.decided_at = actor.username, utcnow()
            threat.origin = parsed_threat["origin"] if parsed_threat["origin"] in ("generated", "manual") \
                else "imported"
            threat.element_id, threat.element_name, threat.element_kind = element.id, element.name, element.kind
            threat.stale = ""
            threat.category, threat.title = parsed_threat["category"], parsed_threat["title"]
            threat.threat_type, threat.model_type = parsed_threat["threat_type"], parsed_threat["model_type"]
            threat.description, threat.mitigation = parsed_threat["description"], parsed_threat["mitigation"]
            threat.status, threat.severity = status, parsed_threat["severity"]
            threat.rank = CATEGORY_WEIGHT.get(threat.category, OTHER_WEIGHT) + SEVERITY_ORDER[threat.severity] + \
                (3 if element.crosses_boundary else 0)
            threat.td_extra = ""
            threat.td_threat = json.dumps(parsed_threat["raw"], ensure_ascii=False)
            counts["threats"] += 1
    for external_id, element in existing.items():
        if external_id in by_external:
            continue
        for threat in session.scalars(select(Threat).where(Threat.element_id == element.id)):
            threat.element_id, threat.stale = None, "element_gone"
        for other in by_external.values():
            for attr in ("source_id", "target_id", "boundary_id"):
                if getattr(other, attr) == element.id:
                    setattr(other, attr, None)
        session.flush()
        session.delete(element)
        counts["removed"] += 1
    session.flush()
    return {**counts, "awaiting_leader": awaiting_leader}


def awaiting_leader_lines(result: dict) -> list[str]:
    """The import report's part on acceptance: one line saying why, then each threat the file recorded as
    accepted that was stored as open for the leader to decide (model, element, title); [] when none."""
    held = result.get("awaiting_leader") or []
    if not held:
        return []
    lines = [t("td.awaiting_leader.one") if len(held) == 1 else t("td.awaiting_leader.many", count=len(held))]
    lines += [t("td.awaiting_leader.item", model=h["model"], element=h["element"], title=h["title"] or "–")
              for h in held]
    return lines


# --- export ------------------------------------------------------------------------------------------


def _node_cell(element: ThreatElement, box) -> dict:
    shape, td_type = SHAPE_BY_KIND[element.kind]
    x, y, w, h = box
    return {"position": {"x": x, "y": y}, "size": {"width": w, "height": h},
            "attrs": {"text": {"text": element.name}}, "visible": True, "shape": shape, "zIndex": 1,
            "id": element.external_id, "data": {"type": td_type}}


# Element field -> the Threat Dragon data key written when the field was changed here.
DATA_KEY = {"description": "description", "out_of_scope": "outOfScope", "out_of_scope_reason": "reasonOutOfScope",
            "holds_logs": "isALog", "stores_credentials": "storesCredentials", "protocol": "protocol",
            "encrypted": "isEncrypted", "public_network": "isPublicNetwork", "bidirectional": "isBidirectional",
            "data_carried": "dataCarried"}


def export_model(session: Session, service_code: str) -> dict:
    """The service's threat model as a Threat Dragon v2 document (a dict ready for json.dumps).

    An imported model comes back as the file that came in: its cells, threats and top-level fields as
    Threat Dragon wrote them, with only what was changed here written over them."""
    model = find_model(session, service_code)
    if model is None:
        raise BackofficeError(t("threat.error.no_model", service=service_code))
    service = session.get(Service, model.service_id)
    meta = json.loads(model.td_meta) if model.td_meta else {}
    version = str(meta.get("version") or TD_VERSION)
    elements = list(session.scalars(select(ThreatElement).where(ThreatElement.model_id == model.id)
                                    .order_by(ThreatElement.id)))
    by_id = {e.id: e for e in elements}
    layout = auto_layout([e for e in elements if not e.td_cell])   # made here: no Threat Dragon layout yet
    threats = list(session.scalars(select(Threat).where(Threat.model_id == model.id, Threat.element_id.is_not(None))
                                   .order_by(Threat.rank.desc(), Threat.id)))
    by_element: dict[int, list[Threat]] = {}
    for threat in threats:
        by_element.setdefault(threat.element_id, []).append(threat)
    diagrams_meta = meta.get("diagrams") or [{"id": 0, "title": model.title, "diagramType": "STRIDE",
                                              "placeholder": "", "thumbnail": "./public/content/images/thumbnail.stride.jpg",
                                              "version": TD_VERSION}]
    detail = dict(meta.get("detail") or {"contributors": [], "diagramTop": len(diagrams_meta), "threatTop": 0})
    numbers = [n for th in threats if th.td_threat and isinstance(n := json.loads(th.td_threat).get("number"), int)]
    top = base = max([_whole(detail.get("threatTop")), *numbers])
    cells_by_diagram: dict[int, list] = {i: [] for i in range(len(diagrams_meta))}
    for element in elements:
        cell = json.loads(element.td_cell) if element.td_cell else None
        diagram = cell.pop("_diagram", 0) if cell else 0
        if diagram not in cells_by_diagram:
            diagram = 0
        imported = cell.pop("_import", None) if cell else None
        if cell is None:
            cell = _new_cell(element, by_id, layout)
        if imported is None:
            _write_all(cell, element, by_id)
        else:
            _write_changes(cell, element, by_id, imported)
        own = by_element.get(element.id, [])
        had = imported.get("threats") if imported else None
        if own or had is not None or (imported is None and element.kind != "trust_boundary"):
            order = {key: index for index, key in enumerate(had or [])}
            own.sort(key=lambda th: (order.get(th.key, len(order)), -th.rank, th.id))
            written = []
            for threat in own:
                out, top = _threat_json(threat, top, version)
                written.append(out)
            data = cell.setdefault("data", {})
            changed = imported is None or [th.key for th in own] != had or \
                any(out != json.loads(th.td_threat) for out, th in zip(written, own, strict=True) if th.td_threat) or \
                any(not th.td_threat for th in own)
            data["threats"] = written
            if changed:
                data["hasOpenThreats"] = any(th.status == "open" for th in own)
        order = imported.get("order", 10 ** 6) if imported else 10 ** 6
        cells_by_diagram[diagram].append((order, element.id, cell))
    for text in meta.get("texts") or []:
        cells_by_diagram.setdefault(text.get("diagram", 0), []).append((text.get("order", 10 ** 6), 0, text["cell"]))
    diagrams = []
    for index, diagram_meta in enumerate(diagrams_meta):
        diagram = dict(diagram_meta)
        if not meta:
            diagram.setdefault("id", index)
            diagram.setdefault("diagramType", "STRIDE")
        diagram["cells"] = [cell for _order, _id, cell in sorted(cells_by_diagram.get(index, []),
                                                                 key=lambda c: (c[0], c[1]))]
        diagrams.append(diagram)
    imported = meta.get("imported") or {}
    if not meta or model.reviewer != imported.get("reviewer"):
        detail["reviewer"] = model.reviewer
    detail["diagrams"] = diagrams
    if not meta or top != base:          # numbers given to threats made here
        detail["threatTop"] = top
    summary = dict(meta.get("summary") or {"id": 0})
    for field in ("title", "owner", "description"):
        value = getattr(model, field)
        if not meta:
            summary[field] = value or (service.name if field == "description" else value)
        elif value != imported.get(field):
            summary[field] = value
    document = {}
    if not meta or meta.get("has_version", True):
        document["version"] = version
    if not meta or meta.get("has_summary", True) or summary:
        document["summary"] = summary
    document["detail"] = detail
    document.update(meta.get("top") or {})
    return document


def _whole(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _write_all(cell: dict, element: ThreatElement, by_id: dict[int, ThreatElement]) -> None:
    """Every field of an element made here (or imported before cells were kept with their import values)."""
    data = cell.setdefault("data", {})
    data["name"] = element.name
    data["description"] = element.description
    data["type"] = _td_type(element, cell)
    if element.kind == "trust_boundary":
        data["isTrustBoundary"] = True
    else:
        data["outOfScope"], data["reasonOutOfScope"] = element.out_of_scope, element.out_of_scope_reason
        data["isTrustBoundary"] = False
    if element.kind == "data_store":
        data["isALog"], data["storesCredentials"] = element.holds_logs, element.stores_credentials
    if element.kind in ("external_entity", "process", "data_store"):
        zone = by_id.get(element.boundary_id)
        data["trustZone"] = zone.external_id if zone is not None else ""
    if element.kind == "data_flow":
        data.update({"protocol": element.protocol, "isEncrypted": element.encrypted,
                     "isPublicNetwork": element.public_network, "isBidirectional": element.bidirectional,
                     "dataCarried": element.data_carried, "crossesBoundary": element.crosses_boundary})
    _write_ends(cell, element, by_id)
    _set_label(cell, element)


def _write_changes(cell: dict, element: ThreatElement, by_id: dict[int, ThreatElement], imported: dict) -> None:
    """Only what was changed here since the import is written over Threat Dragon's own cell."""
    was = imported.get("fields") or {}
    changed = [f for f in ELEMENT_FIELDS if f in was and getattr(element, f) != was[f]]
    if changed:
        data = cell.setdefault("data", {})
        for field in changed:
            if field == "name":
                data["name"] = element.name
                _set_label(cell, element)
            else:
                data[DATA_KEY[field]] = getattr(element, field)
    if element.kind in ("external_entity", "process", "data_store"):
        zone = by_id.get(element.boundary_id)
        zone_id = zone.external_id if zone is not None else None
        if zone_id != imported.get("zone"):
            cell.setdefault("data", {})["trustZone"] = zone_id or ""
    if element.kind == "data_flow":
        if element.crosses_boundary != imported.get("crosses", element.crosses_boundary):
            cell.setdefault("data", {})["crossesBoundary"] = element.crosses_boundary
        _write_ends(cell, element, by_id)


def _write_ends(cell: dict, element: ThreatElement, by_id: dict[int, ThreatElement]) -> None:
    if element.kind != "data_flow":
        return
    for end in ("source", "target"):
        other = by_id.get(getattr(element, f"{end}_id"))
        ref = cell.get(end) if isinstance(cell.get(end), dict) else {}
        if other is not None:
            if ref.get("cell") != other.external_id:
                ref = {"cell": other.external_id}
            cell[end] = ref
        elif ref.get("cell"):
            cell[end] = {"x": 0, "y": 0}


def export_json(session: Session, service_code: str) -> bytes:
    return json.dumps(export_model(session, service_code), ensure_ascii=False, indent=2).encode("utf-8")


def _td_type(element: ThreatElement, cell: dict) -> str:
    if element.kind == "trust_boundary":
        return "tm.BoundaryBox" if cell.get("shape") == "trust-boundary-box" else "tm.Boundary"
    return SHAPE_BY_KIND[element.kind][1]


def _new_cell(element: ThreatElement, by_id: dict[int, ThreatElement], layout) -> dict:
    if element.kind == "data_flow":
        cell = {"shape": "flow", "attrs": {"line": {"stroke": "#333333", "targetMarker": {"name": "block"}}},
                "width": 200, "height": 100, "zIndex": 10, "connector": "smooth", "id": element.external_id,
                "labels": [{"attrs": {"labelText": {"text": element.name}}, "position": 0.5}],
                "data": {"type": "tm.Flow"}, "vertices": []}
        for end in ("source", "target"):
            other = by_id.get(getattr(element, f"{end}_id"))
            cell[end] = {"cell": other.external_id} if other else {"x": 0, "y": 0}
        return cell
    box = layout.get(element.id) or (element.x or 0, element.y or 0, element.width or 160, element.height or 80)
    if element.kind == "trust_boundary":
        x, y, w, h = box
        return {"position": {"x": x, "y": y}, "size": {"width": w, "height": h},
                "attrs": {"label": {"text": element.name}}, "visible": True, "shape": "trust-boundary-box",
                "zIndex": -1, "id": element.external_id, "data": {"type": "tm.BoundaryBox"}}
    return _node_cell(element, box)


def _set_label(cell: dict, element: ThreatElement) -> None:
    if cell.get("shape") == "flow":
        labels = cell.get("labels") or []
        if labels and isinstance(labels[0], dict):
            labels[0].setdefault("attrs", {}).setdefault("labelText", {})["text"] = element.name
    elif cell.get("shape") == "trust-boundary-box":
        cell.setdefault("attrs", {}).setdefault("label", {})["text"] = element.name
    elif cell.get("shape") != "trust-boundary-curve":
        cell.setdefault("attrs", {}).setdefault("text", {})["text"] = element.name


def _threat_json(threat: Threat, top: int, version: str) -> tuple[dict, int]:
    """A threat as Threat Dragon writes it, and the highest threat number used so far.

    An imported threat is its original JSON with only what was changed here written over it; a threat
    made here gets every field, our key and origin (so a re-import finds it again) and a new number."""
    status = td_status(threat.status, version)
    if threat.td_threat:
        out = json.loads(threat.td_threat)
        was = threat_values(out, version) or {}
        now = {"title": threat.title, "description": threat.description, "mitigation": threat.mitigation}
        for field, value in now.items():
            if value != was.get(field):
                out[field] = value
        if threat.severity != was.get("severity"):
            out["severity"] = SEVERITY_TO_TD[threat.severity]
        if threat.status != was.get("status"):
            out["status"] = status
            if status != STATUS_TO_TD[threat.status]:
                out["backofficeStatus"] = threat.status
            else:
                out.pop("backofficeStatus", None)
        return out, top
    extra = json.loads(threat.td_extra) if threat.td_extra else {}
    out = dict(extra)
    number = extra.get("number") if isinstance(extra.get("number"), int) else top + 1
    threat_id = threat.key[3:] if threat.key.startswith("td:") else str(uuid.uuid5(uuid.NAMESPACE_URL, threat.key))
    out.update({"id": threat_id, "title": threat.title,
                "type": threat.threat_type or TYPE_BY_CATEGORY.get(threat.category, ""),
                "status": status, "severity": SEVERITY_TO_TD[threat.severity],
                "description": threat.description, "mitigation": threat.mitigation,
                "modelType": threat.model_type or "STRIDE", "number": number, "backofficeKey": threat.key,
                "backofficeOrigin": threat.origin})
    if status != STATUS_TO_TD[threat.status]:
        out["backofficeStatus"] = threat.status
    return out, max(top, number)
