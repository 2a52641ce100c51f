"""Data-flow threat models per service and STRIDE per element (issue 8).

The architect (permission "architecture.write") and the security officer ("risk.write") may edit a
model's diagram: elements, data flows and trust boundaries. Only the security officer decides
threats and turns them into ROS risks.
"""
from __future__ import annotations

import uuid
from collections import Counter

from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data import crud, textguard
from data.access import Actor
from data.appspec import Fact, Kpi
from data.db import utcnow
from data.errors import BackofficeError, RowError, ValidationFailed, errors_from_pydantic, validate
from data.formatting import number
from data.i18n import t
from data.registers.models import Service
from data.registers.registry import get_service
from risk import ros
from risk.threats.models import NODE_KINDS, STRIDE, Threat, ThreatElement, ThreatModel
from risk.threats.schemas import ElementIn, ManualThreatIn, ThreatDecisionIn, ThreatModelIn, ThreatToRiskIn

# STRIDE per element (Microsoft's table): which categories each element type is open to.
STRIDE_BY_KIND = {
    "external_entity": ("S", "R"),
    "process": ("S", "T", "R", "I", "D", "E"),
    "data_store": ("T", "I", "D"),
    "data_flow": ("T", "I", "D"),
    "trust_boundary": (),
}
CATEGORY_WEIGHT = {"S": 3, "T": 3, "R": 2, "I": 3, "D": 2, "E": 4}
OTHER_WEIGHT = 2          # a threat of another model (CIA, LINDDUN, PLOT4ai, ...)
SEVERITY_ORDER = {"": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}    # "": unrated
DECIDED = ("mitigated", "accepted", "transferred", "avoided", "eliminated", "not_applicable")


def type_label(row: dict) -> str:
    """A threat's type for people: the STRIDE letter and its name, or the other model's own type as
    Threat Dragon wrote it, with its model ("Safety (PLOT4ai)")."""
    if row.get("category"):
        return f"{row['category']} – {t('threat.stride.' + row['category'])}"
    kind = row.get("threat_type") or t("threat.type.none")
    return f"{kind} ({row['model_type']})" if row.get("model_type") else kind


def severity_label(severity: str) -> str:
    return t(f"threat.severity.{severity or 'unrated'}")


def expected_categories(element: ThreatElement) -> tuple[str, ...]:
    """The STRIDE letters an element gets: stores holding logs are also open to repudiation."""
    letters = STRIDE_BY_KIND.get(element.kind, ())
    if element.kind == "data_store" and element.holds_logs:
        letters = ("T", "R", "I", "D")
    return letters


# --- permissions ------------------------------------------------------------------------------------


def require_diagram(actor: Actor) -> None:
    """Diagram edits: the architect or the security officer."""
    if actor.can("architecture.write") or actor.can("risk.write"):
        return
    actor.require("architecture.write")


def can_edit_diagram(actor: Actor) -> bool:
    return actor.can("architecture.write") or actor.can("risk.write")


# --- reading ------------------------------------------------------------------------------------------


def find_model(session: Session, service_code: str) -> ThreatModel | None:
    service = get_service(session, service_code)
    return session.scalar(select(ThreatModel).where(ThreatModel.service_id == service.id))


def get_model(session: Session, service_code: str) -> ThreatModel:
    model = find_model(session, service_code)
    if model is None:
        raise crud.not_found("threat.error.no_model", service=service_code)
    return model


def model_rows(session: Session) -> list[dict]:
    """One row per service with its threat model's counts (SQL aggregates)."""
    open_count = func.sum(case((Threat.status == "open", 1), else_=0))
    threat_counts = (select(Threat.model_id, func.count(Threat.id).label("threats"), open_count.label("open"),
                            func.sum(case((Threat.ros_risk_id.is_not(None), 1), else_=0)).label("in_ros"))
                     .group_by(Threat.model_id).subquery())
    element_counts = (select(ThreatElement.model_id, func.count(ThreatElement.id).label("elements"))
                      .where(ThreatElement.kind.in_(NODE_KINDS)).group_by(ThreatElement.model_id).subquery())
    query = (select(Service.code, Service.name, ThreatModel.id, ThreatModel.title, ThreatModel.source,
                    ThreatModel.generated_at, element_counts.c.elements, threat_counts.c.threats,
                    threat_counts.c.open, threat_counts.c.in_ros)
             .select_from(Service)
             .outerjoin(ThreatModel, ThreatModel.service_id == Service.id)
             .outerjoin(element_counts, element_counts.c.model_id == ThreatModel.id)
             .outerjoin(threat_counts, threat_counts.c.model_id == ThreatModel.id)
             .order_by(Service.name))
    return [{"service": r.code, "service_name": r.name, "model_id": r.id, "title": r.title or "",
             "source": r.source or "", "generated_at": r.generated_at, "elements": int(r.elements or 0),
             "threats": int(r.threats or 0), "open": int(r.open or 0), "in_ros": int(r.in_ros or 0)}
            for r in session.execute(query)]


def model_detail(session: Session, service_code: str) -> dict | None:
    """Everything the threat model page shows, as plain data (cacheable)."""
    model = find_model(session, service_code)
    if model is None:
        return None
    elements = list(session.scalars(select(ThreatElement).where(ThreatElement.model_id == model.id)
                                    .order_by(ThreatElement.kind, ThreatElement.name, ThreatElement.id)))
    by_id = {e.id: e for e in elements}
    element_rows = []
    for e in elements:
        element_rows.append({
            "id": e.id, "version": e.version, "external_id": e.external_id, "kind": e.kind, "name": e.name,
            "description": e.description, "boundary_id": e.boundary_id,
            "boundary": by_id[e.boundary_id].name if e.boundary_id in by_id else "",
            "holds_logs": e.holds_logs, "stores_credentials": e.stores_credentials,
            "out_of_scope": e.out_of_scope, "out_of_scope_reason": e.out_of_scope_reason,
            "source_id": e.source_id, "target_id": e.target_id,
            "source": by_id[e.source_id].name if e.source_id in by_id else "",
            "target": by_id[e.target_id].name if e.target_id in by_id else "",
            "data_carried": e.data_carried, "protocol": e.protocol, "encrypted": e.encrypted,
            "crosses_boundary": flow_crosses(e, by_id) if e.kind == "data_flow" else False,
            "crosses_boundary_flag": e.crosses_boundary,
            "bidirectional": e.bidirectional, "public_network": e.public_network,
            "x": e.x, "y": e.y, "width": e.width, "height": e.height,
        })
    threats = list(session.scalars(select(Threat).where(Threat.model_id == model.id)
                                   .order_by(Threat.rank.desc(), Threat.id)))
    threat_rows = [threat_row(th) for th in threats]
    return {
        "model": {"id": model.id, "version": model.version, "title": model.title, "description": model.description,
                  "owner": model.owner, "reviewer": model.reviewer, "source": model.source,
                  "generated_at": model.generated_at, "service": service_code},
        "elements": element_rows, "threats": threat_rows,
    }


def threat_row(th: Threat) -> dict:
    return {"id": th.id, "version": th.version, "element_id": th.element_id, "element": th.element_name,
            "element_kind": th.element_kind, "category": th.category, "title": th.title,
            "description": th.description, "severity": th.severity, "rank": th.rank, "status": th.status,
            "threat_type": th.threat_type, "model_type": th.model_type,
            "mitigation": th.mitigation, "origin": th.origin, "stale": th.stale, "decided_by": th.decided_by,
            "decided_at": th.decided_at, "ros_risk_id": th.ros_risk_id, "risk_owner": th.risk_owner,
            "risk_deadline": th.risk_deadline}


def flow_crosses(flow: ThreatElement, by_id: dict[int, ThreatElement]) -> bool:
    """A flow crosses a trust boundary when marked so, or when its ends sit in different zones."""
    if flow.crosses_boundary:
        return True
    source, target = by_id.get(flow.source_id), by_id.get(flow.target_id)
    if source is None or target is None:
        return False
    return source.boundary_id != target.boundary_id


# --- editing the model ------------------------------------------------------------------------------


def save_model(session: Session, actor: Actor, service_code: str, payload,
               expected_version: int | None = None) -> ThreatModel:
    """Create the service's threat model or change its title and description."""
    require_diagram(actor)
    data = validate(ThreatModelIn, payload)
    service = get_service(session, service_code)
    model = session.scalar(select(ThreatModel).where(ThreatModel.service_id == service.id))
    if model is None:
        model = ThreatModel(service_id=service.id, source="manual")
        session.add(model)
    else:
        crud.ensure_version(model, expected_version, model.title)
    model.title, model.description = data.title, data.description
    model.owner, model.reviewer = data.owner, data.reviewer
    session.flush()
    return model


def _element(session: Session, element_id: int) -> ThreatElement:
    return crud.get_or_raise(session, ThreatElement, element_id, "threat.error.no_element")


def _check_references(session: Session, model: ThreatModel, data: ElementIn, own_id: int | None) -> None:
    def same_model(element_id: int | None, kinds: tuple[str, ...], field: str):
        if element_id is None:
            return
        other = session.get(ThreatElement, element_id)
        if other is None or other.model_id != model.id or other.kind not in kinds or other.id == own_id:
            raise BackofficeError(t("threat.error.bad_reference", field=t(f"threat.field.{field}")))

    same_model(data.boundary_id, ("trust_boundary",), "boundary")
    if data.kind == "data_flow":
        same_model(data.source_id, NODE_KINDS, "source")
        same_model(data.target_id, NODE_KINDS, "target")


def add_element(session: Session, actor: Actor, service_code: str, payload) -> ThreatElement:
    require_diagram(actor)
    data = validate(ElementIn, payload)
    model = find_model(session, service_code)
    if model is None:
        model = save_model(session, actor, service_code,
                           {"title": t("threat.default_title", service=get_service(session, service_code).name)})
    _check_references(session, model, data, None)
    element = ThreatElement(model_id=model.id, external_id=str(uuid.uuid4()))
    _apply(element, data)
    session.add(element)
    session.flush()
    return element


def _apply(element: ThreatElement, data: ElementIn) -> None:
    element.kind, element.name, element.description = data.kind, data.name, data.description
    is_node = data.kind in NODE_KINDS
    element.boundary_id = data.boundary_id if is_node else None
    element.holds_logs = data.holds_logs if data.kind == "data_store" else False
    element.stores_credentials = data.stores_credentials if data.kind == "data_store" else False
    element.out_of_scope, element.out_of_scope_reason = data.out_of_scope, data.out_of_scope_reason
    is_flow = data.kind == "data_flow"
    element.source_id = data.source_id if is_flow else None
    element.target_id = data.target_id if is_flow else None
    element.data_carried = data.data_carried if is_flow else ""
    element.protocol = data.protocol if is_flow else ""
    element.encrypted = data.encrypted if is_flow else False
    element.crosses_boundary = data.crosses_boundary if is_flow else False
    element.bidirectional = data.bidirectional if is_flow else False
    element.public_network = data.public_network if is_flow else False
    if data.x is not None:
        element.x = data.x
    if data.y is not None:
        element.y = data.y


def update_element(session: Session, actor: Actor, element_id: int, payload,
                   expected_version: int | None = None) -> ThreatElement:
    require_diagram(actor)
    element = _element(session, element_id)
    data = validate(ElementIn, payload)
    crud.ensure_version(element, expected_version, element.name)
    if data.kind != element.kind:
        raise BackofficeError(t("threat.error.kind_change"))
    _check_references(session, element.model, data, element.id)
    _apply(element, data)
    for threat in session.scalars(select(Threat).where(Threat.element_id == element.id)):
        if threat.element_name != element.name:
            threat.element_name = element.name
    session.flush()
    return element


def update_elements(session: Session, actor: Actor, service_code: str, rows: list[dict]) -> int:
    """Save many edited elements at once (the page's table editor): every row is checked first and
    nothing is saved if any row is wrong. Each row is an element payload plus its `id` and `version`.

    Returns the number of elements changed.
    """
    require_diagram(actor)
    model = get_model(session, service_code)
    errors: list[RowError] = []
    checked: list[tuple[ThreatElement, ElementIn, int | None]] = []
    for row_number, row in enumerate(rows, start=1):
        element = session.get(ThreatElement, row.get("id") or 0)
        if element is None or element.model_id != model.id:
            errors.append(RowError(row_number, "id", t("threat.error.no_element", id=row.get("id"))))
            continue
        try:
            data = ElementIn.model_validate({**row, "kind": element.kind})
            if refused := textguard.field_errors(data, row_number):
                errors.extend(refused)
                continue
            _check_references(session, model, data, element.id)
        except ValidationError as exc:
            errors.extend(errors_from_pydantic(exc, row_number))
            continue
        except BackofficeError as exc:
            errors.append(RowError(row_number, None, exc.message))
            continue
        checked.append((element, data, row.get("version")))
    if errors:
        raise ValidationFailed(errors)
    changed = 0
    for element, data, version in checked:
        before = {c: getattr(element, c) for c in ElementIn.model_fields if c not in ("x", "y")}
        _apply(element, data)
        if before != {c: getattr(element, c) for c in before}:
            crud.ensure_version(element, version, element.name)
            changed += 1
            for threat in session.scalars(select(Threat).where(Threat.element_id == element.id)):
                if threat.element_name != element.name:
                    threat.element_name = element.name
    session.flush()
    return changed


def delete_element(session: Session, actor: Actor, element_id: int) -> dict[str, int]:
    """Remove an element; its threats stay (marked: element gone), flows lose that end."""
    require_diagram(actor)
    element = _element(session, element_id)
    marked = 0
    for threat in session.scalars(select(Threat).where(Threat.element_id == element.id)):
        threat.element_id, threat.stale = None, "element_gone"
        marked += 1
    for other in session.scalars(select(ThreatElement).where(ThreatElement.model_id == element.model_id)):
        if other.source_id == element.id:
            other.source_id = None
        if other.target_id == element.id:
            other.target_id = None
        if other.boundary_id == element.id:
            other.boundary_id = None
    session.flush()
    session.delete(element)
    session.flush()
    return {"threats_marked": marked}


# --- STRIDE ---------------------------------------------------------------------------------------------


def _rank_and_severity(element: ThreatElement, letter: str, crosses: bool) -> tuple[int, str]:
    rank = CATEGORY_WEIGHT[letter]
    if element.kind == "data_flow":
        if crosses:
            rank += 3
        if not element.encrypted and letter in ("T", "I"):
            rank += 1
        if element.public_network:
            rank += 1
    elif element.kind == "data_store" and element.stores_credentials and letter in ("I", "T"):
        rank += 2
    severity = "high" if rank >= 6 else "medium" if rank >= 4 else "low"
    return rank, severity


def _element_crossing(elements: list[ThreatElement], by_id: dict[int, ThreatElement]) -> set[int]:
    """Nodes at either end of a flow that crosses a trust boundary rank higher too."""
    touched: set[int] = set()
    for e in elements:
        if e.kind == "data_flow" and flow_crosses(e, by_id):
            touched.update(i for i in (e.source_id, e.target_id) if i is not None)
    return touched


def expected_threats(elements: list[ThreatElement]) -> list[dict]:
    """The candidate threats for a set of elements (pure: no session), in rank order."""
    by_id = {e.id: e for e in elements}
    exposed = _element_crossing(elements, by_id)
    out = []
    for element in elements:
        if element.out_of_scope:
            continue
        crosses = flow_crosses(element, by_id) if element.kind == "data_flow" else element.id in exposed
        for letter in expected_categories(element):
            rank, severity = _rank_and_severity(element, letter, crosses)
            if element.kind != "data_flow" and crosses:
                rank += 1
            out.append({"key": f"{element.external_id}:{letter}", "element": element, "category": letter,
                        "rank": rank, "severity": severity,
                        "title": t(f"threat.stride_title.{letter}.{element.kind}", element=element.name),
                        "description": t(f"threat.stride_help.{letter}")})
    out.sort(key=lambda row: (-row["rank"], row["element"].name, STRIDE.index(row["category"])))
    return out


def generate_threats(session: Session, actor: Actor, service_code: str) -> dict[str, int]:
    """Generate STRIDE threats per element. Re-running keeps every decision already made,
    adds threats for new elements and marks threats whose element is gone."""
    actor.require("risk.write")
    model = get_model(session, service_code)
    elements = list(session.scalars(select(ThreatElement).where(ThreatElement.model_id == model.id)))
    existing = {th.key: th for th in session.scalars(select(Threat).where(Threat.model_id == model.id))}
    element_ids = {e.id for e in elements}
    counts = Counter(added=0, kept=0, stale=0, revived=0)
    wanted = set()
    for row in expected_threats(elements):
        element = row["element"]
        wanted.add(row["key"])
        threat = existing.get(row["key"])
        if threat is None:
            session.add(Threat(model_id=model.id, element_id=element.id, key=row["key"], origin="generated",
                               element_name=element.name, element_kind=element.kind, category=row["category"],
                               title=row["title"], description=row["description"], severity=row["severity"],
                               rank=row["rank"], status="open"))
            counts["added"] += 1
            continue
        if threat.stale:
            counts["revived"] += 1
        else:
            counts["kept"] += 1
        threat.element_id, threat.element_name, threat.element_kind = element.id, element.name, element.kind
        threat.rank, threat.stale = row["rank"], ""
        if threat.status == "open" and threat.origin == "generated":
            threat.title = row["title"]
    for key, threat in existing.items():
        if threat.origin != "generated" or key in wanted:
            if threat.origin != "generated" and threat.element_id is None and not threat.stale:
                threat.stale = "element_gone"
            continue
        reason = "element_gone" if threat.element_id not in element_ids else "no_longer_applies"
        if threat.stale != reason:
            threat.stale = reason
            counts["stale"] += 1
        if reason == "element_gone":
            threat.element_id = None
    model.generated_at = utcnow()
    session.flush()
    return dict(counts)


def _threat(session: Session, threat_id: int) -> Threat:
    return crud.get_or_raise(session, Threat, threat_id, "threat.error.no_threat")


def decide_threat(session: Session, actor: Actor, threat_id: int, payload,
                  expected_version: int | None = None) -> Threat:
    """Set a threat's status (open, mitigated, accepted, transferred, not applicable) and mitigation.
    Accepting a threat is accepting a risk, which the leader does (DESIGN: two people sign): security may set
    every other status, and asks for acceptance through the ROS ("Til risiko", then an acceptance request)."""
    data = validate(ThreatDecisionIn, payload)
    accepting = data.status == "accepted"
    if not (accepting and actor.can("risk.approve")):
        actor.require("risk.write")
    threat = _threat(session, threat_id)
    crud.ensure_version(threat, expected_version, threat.title)
    if accepting and threat.status != "accepted" and not actor.can("risk.approve"):
        raise BackofficeError(t("threat.error.accept_is_leaders", title=threat.title))
    threat.status, threat.mitigation = data.status, data.mitigation
    if data.severity:
        threat.severity = data.severity
    threat.decided_by, threat.decided_at = actor.username, utcnow()
    session.flush()
    return threat


def add_manual_threat(session: Session, actor: Actor, service_code: str, payload) -> Threat:
    actor.require("risk.write")
    model = get_model(session, service_code)
    data = validate(ManualThreatIn, payload)
    element = None
    if data.element_id is not None:
        element = session.get(ThreatElement, data.element_id)
        if element is None or element.model_id != model.id:
            raise BackofficeError(t("threat.error.bad_reference", field=t("threat.field.element")))
    threat = Threat(model_id=model.id, element_id=element.id if element else None,
                    key=f"manual:{uuid.uuid4()}", origin="manual",
                    element_name=element.name if element else "", element_kind=element.kind if element else "",
                    category=data.category, title=data.title, description=data.description,
                    severity=data.severity, rank=CATEGORY_WEIGHT[data.category] + SEVERITY_ORDER[data.severity],
                    status="open")
    session.add(threat)
    session.flush()
    return threat


def threat_to_risk(session: Session, actor: Actor, threat_id: int, payload) -> int:
    """Turn a threat into a risk in the service's current ROS, with an owner and a deadline.

    Returns the new risk's id; the threat keeps the link so it is never turned into a risk twice.
    """
    actor.require("risk.write")
    threat = _threat(session, threat_id)
    data = validate(ThreatToRiskIn, payload)
    if threat.ros_risk_id is not None:
        raise BackofficeError(t("threat.error.already_risk", id=threat.ros_risk_id))
    service = session.get(Service, threat.model.service_id)
    assessment = ros.current_assessment_for_service(session, service.code, actor, for_edit=True)
    risk = ros.add_risk(session, actor, assessment.id, ros_payload(threat, data))
    threat.ros_risk_id, threat.risk_owner, threat.risk_deadline = risk.id, data.owner, data.deadline
    threat.decided_by, threat.decided_at = actor.username, utcnow()
    session.flush()
    return risk.id


# Which consequence dimension of the ROS matrix each STRIDE category hits.
DIMENSION_BY_CATEGORY = {"S": ("integrity",), "T": ("integrity",), "R": ("integrity",),
                         "I": ("confidentiality",), "D": ("availability",),
                         "E": ("confidentiality", "integrity")}
# Threats of other models: CIA's own letters hit their own dimension, privacy models hit privacy.
DIMENSION_BY_TYPE = {"confidentiality": ("confidentiality",), "integrity": ("integrity",),
                     "availability": ("availability",)}
DIMENSION_BY_MODEL = {"linddun": ("privacy",), "plot4ai": ("privacy",)}
DEFAULT_SCORES = {"": (3, 3), "low": (2, 2), "medium": (3, 3), "high": (4, 3), "critical": (4, 4)}


def _dimensions(threat: Threat) -> tuple[str, ...]:
    if threat.category:
        return DIMENSION_BY_CATEGORY[threat.category]
    return (DIMENSION_BY_TYPE.get((threat.threat_type or "").strip().lower())
            or DIMENSION_BY_MODEL.get((threat.model_type or "").strip().lower())
            or ("confidentiality", "integrity", "availability"))


def ros_payload(threat: Threat, data: ThreatToRiskIn) -> dict:
    """What the ROS register's `add_risk` is given for a threat."""
    category = type_label({"category": threat.category, "threat_type": threat.threat_type,
                           "model_type": threat.model_type})
    where = threat.element_name or "-"
    consequence = t(f"threat.risk_consequence.{threat.category}") if threat.category else \
        t("threat.risk_consequence.other", type=category)
    return {
        "title": (data.title or threat.title or category)[:200],
        "threat": data.description or f"{category}: {threat.description or threat.title}",
        "vulnerability": t("threat.risk_vulnerability", element=where,
                           kind=t(f"threat.kind.{threat.element_kind}") if threat.element_kind else "-",
                           mitigation=threat.mitigation or "-"),
        "consequence": consequence,
        "inherent": {"likelihood": data.likelihood,
                     "consequences": {d: data.consequence for d in _dimensions(threat)}},
        "owner": data.owner,
        "due_date": data.deadline,
        "treatment": "reduce",
        "source": t("threat.risk_source", model=threat.model.title, element=where)[:200],
    }


# --- facts and KPIs ---------------------------------------------------------------------------------


def threat_counts(session: Session, service_code: str | None = None) -> dict[str, int]:
    query = (select(Threat.status, func.count(Threat.id)).join(ThreatModel, ThreatModel.id == Threat.model_id)
             .group_by(Threat.status))
    if service_code is not None:
        query = query.join(Service, Service.id == ThreatModel.service_id).where(Service.code == service_code)
    counts = {status: int(n) for status, n in session.execute(query)}
    counts["total"] = sum(counts.values())
    return counts


def kpis(session: Session, _actor: Actor) -> list[Kpi]:
    counts = threat_counts(session)
    models = session.scalar(select(func.count(ThreatModel.id))) or 0
    linked = session.scalar(select(func.count(Threat.id)).where(Threat.ros_risk_id.is_not(None))) or 0
    return [Kpi(t("threat.kpi.models"), number(models), t("threat.kpi.models_help")),
            Kpi(t("threat.kpi.open"), number(counts.get("open", 0)), t("threat.kpi.open_help")),
            Kpi(t("threat.kpi.in_ros"), number(linked))]


def service_facts(session: Session, service_code: str) -> list[Fact]:
    service = session.scalar(select(Service).where(Service.code == service_code))
    if service is None:
        return []
    model = session.scalar(select(ThreatModel).where(ThreatModel.service_id == service.id))
    if model is None:
        return [Fact(t("threat.fact.model"), t("threat.fact.no_model"))]
    counts = threat_counts(session, service_code)
    decided = counts["total"] - counts.get("open", 0)
    return [Fact(t("threat.fact.model"), model.title),
            Fact(t("threat.fact.threats"), t("threat.fact.threats_value", total=counts["total"],
                                              open=counts.get("open", 0), decided=decided))]
