"""Projects and their gates: phases, documents, a leader's approval, phase history, handover.

What a gate asks for (`gate_checklist`): the documents of the gate; at the planning gate an assessment
against the eight Fiks platform principles (the department's section 4.5, `portfolio/reference/
fiks_principles.csv`) and the answer whether the service handles personal data; at every gate the
plain-language deliverable of the phase that ends (the department's Tabell 1 in section 4.6,
`portfolio/reference/plain_language.csv`); and, where the service handles personal data, at the gate
into roll-out and at handover, the approved ROS, the approved DPIA and the municipality template. Those
three are the risk room's to judge: a room that may import the risk room hands the check to this one
at bootstrap (`register_privacy_check`); without it the gate refuses rather than passes.

Handing a project over to management registers (or updates) its service in the service catalogue
with the project's product owner. That is part of the leader's gate approval, so it is done here in
the same transaction as the phase change (the leader holds `gates.approve`, not `registers.write`);
the audit hook records the service row like any other write.

Simultaneous users: every change to the list of projects (a new project, a new name or priority, a gate)
first takes one lock (`_lock_list`: a PostgreSQL advisory lock, SQLite's write lock), then reads; a gate
also locks the project's row. The second of two leaders approving one gate therefore reads the first's
approval and is refused plainly, naming who. In the database, a project enters each phase once and a
name is taken once (unique keys); a writer that took no lock gets the same plain refusals.
"""
from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from data.access import Actor
from data.audit import latest_change
from data.crud import ensure_version, for_edit, get_or_raise, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.i18n import get_language, t
from data.locking import lock, lock_named, refusing_duplicates, unique_key
from data.registers.models import Service, ServiceStatus, User
from data.textsearch import equals_folded
from portfolio.models import (
    PHASES,
    Demand,
    DeptRole,
    DocumentKind,
    Phase,
    PhaseChange,
    PrincipleAssessment,
    Project,
    ProjectDocument,
    ProjectRequest,
)
from portfolio.schemas import (
    DocumentIn,
    GateIn,
    PrinciplesIn,
    ProjectIn,
    ProjectRequestIn,
    fte_of,
    month_range,
    to_pct,
)

REFERENCE = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class Gate:
    from_phase: str
    to_phase: str
    documents: tuple[str, ...]
    needs_product_owner: bool = False
    plain_language: tuple[str, ...] = ()     # Tabell 1: the deliverable of the phase that ends
    principles: bool = False                 # the assessment against the eight Fiks platform principles
    privacy: bool = False                    # ROS, DPIA and municipality template, where personal data


K = DocumentKind
GATES: dict[str, Gate] = {
    Phase.PLANNING: Gate(Phase.PLANNING, Phase.DEVELOPMENT, (K.GOVERNANCE, K.PRODUCT_DESCRIPTION),
                         plain_language=(K.PLAIN_LANGUAGE_PLAN, K.PLAIN_LANGUAGE_BUDGET), principles=True),
    Phase.DEVELOPMENT: Gate(Phase.DEVELOPMENT, Phase.ROLLOUT, (), plain_language=(K.TEXT_PLAN, K.CONTENT_USER_TEST),
                            privacy=True),
    Phase.ROLLOUT: Gate(Phase.ROLLOUT, Phase.CLOSING, (), plain_language=(K.USER_JOURNEY_TEXTS, K.MUNICIPALITY_TEXTS)),
    Phase.CLOSING: Gate(Phase.CLOSING, Phase.HANDED_OVER, (K.FINAL_REPORT,), needs_product_owner=True,
                        plain_language=(K.CONTENT_MAINTENANCE_PLAN,), privacy=True),
}
PRINCIPLE_COUNT = 8


@dataclass(frozen=True)
class GateItem:
    """One line of a gate's checklist: what the gate needs, whether it is there, and the refusal if not."""

    group: str        # documents | principles | plain_language | privacy | handover
    label: str
    done: bool
    missing: str = ""


PrivacyCheck = Callable[[Session, str], list[GateItem]]   # (session, service code) -> ROS, DPIA, template
_PRIVACY_CHECKS: list[PrivacyCheck] = []


def register_privacy_check(check: PrivacyCheck) -> None:
    """Called once at bootstrap by the room that judges the ROS, the DPIA and the municipality template."""
    if check not in _PRIVACY_CHECKS:
        _PRIVACY_CHECKS.append(check)


@dataclass(frozen=True)
class Principle:
    number: int
    title_nb: str
    title_en: str
    text_nb: str
    text_en: str
    source: str

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" else self.title_nb

    @property
    def text(self) -> str:
        return self.text_en if get_language() == "en" else self.text_nb


@lru_cache(maxsize=1)
def principles() -> tuple[Principle, ...]:
    """The eight principles for the Fiks platform (in our words; the file names the department's section)."""
    with (REFERENCE / "fiks_principles.csv").open(encoding="utf-8") as handle:
        return tuple(Principle(int(r["number"]), r["title_nb"], r["title_en"], r["text_nb"], r["text_en"],
                               r["source"]) for r in csv.DictReader(handle, delimiter=";"))


@lru_cache(maxsize=1)
def _plain_language_rows() -> dict[str, dict]:
    with (REFERENCE / "plain_language.csv").open(encoding="utf-8") as handle:
        return {r["phase"]: r for r in csv.DictReader(handle, delimiter=";")}


def plain_language_requirement(phase: str) -> str:
    """What Tabell 1 asks of the plain-language work in `phase` ("" for a phase it does not name)."""
    row = _plain_language_rows().get(str(phase))
    if row is None:
        return ""
    return row["requirement_en"] if get_language() == "en" else row["requirement_nb"]


PHASE_ONCE = unique_key(PhaseChange, "uq_pf_phase_change_project_id_to_phase")
NAME_ONCE = unique_key(Project, "uq_pf_project_name")
REQUEST_ONCE = unique_key(ProjectRequest, "uq_pf_project_request_change_request_id")


def _lock_list(session: Session) -> None:
    """One writer at a time on the list of projects (names, priorities, phases)."""
    lock_named(session, "portfolio.projects")


def _lock_project(session: Session, project_id: int) -> None:
    """The project's row, read again (PostgreSQL row lock; SQLite holds the write lock already)."""
    lock(session, select(Project).where(Project.id == project_id))


def _name_taken(name: str) -> BackofficeError:
    return BackofficeError(t("pf.project.name_taken", name=name))


def _gate_just_approved(session: Session, project_id: int, to_phase: str) -> BackofficeError:
    project = session.get(Project, project_id)
    who = session.scalar(select(PhaseChange.actor).where(PhaseChange.project_id == project_id,
                                                         PhaseChange.to_phase == to_phase))
    return BackofficeError(t("pf.gate.just_approved", phase=phase_label(to_phase), project=project.name,
                             who=who or "-"))


def phase_label(phase: str) -> str:
    return t(f"pf.phase.{phase}")


def get_project(session: Session, project_id: int) -> Project:
    return get_or_raise(session, Project, project_id, "pf.project.not_found")


def _project_for_edit(session: Session, project_id: int, expected_version: int | None) -> Project:
    return for_edit(session, Project, project_id, expected_version, "pf.project.not_found")


def _check_people(session: Session, data: ProjectIn) -> None:
    for user_id in (data.owner_id, data.product_owner_id):
        if user_id is not None:
            get_or_raise(session, User, user_id, "pf.error.user_not_found")


def _check_unique_name(session: Session, name: str, own_id: int | None = None) -> None:
    other = session.scalar(select(Project).where(equals_folded(Project.name, name)))
    if other is not None and other.id != own_id:
        raise BackofficeError(t("pf.project.name_taken", name=name))


def active_projects(session: Session) -> list[Project]:
    """Projects still in the plan (not handed over), highest priority first."""
    return list(session.scalars(select(Project).where(Project.phase != Phase.HANDED_OVER.value)
                                .order_by(Project.priority, Project.id)))


def _renumber(session: Session, moving: Project | None = None, rank: int | None = None) -> None:
    """Keep the active projects' priorities 1..n; `moving` goes to `rank`, the others keep their order."""
    projects = [p for p in active_projects(session) if p is not moving]
    if moving is not None and moving.phase != Phase.HANDED_OVER.value:
        index = max(0, min(len(projects), (rank or len(projects) + 1) - 1))
        projects.insert(index, moving)
    for number, project in enumerate(projects, start=1):
        if project.priority != number:
            project.priority = number


def create_project(session: Session, actor: Actor, payload) -> Project:
    actor.require("portfolio.write")
    data = validate(ProjectIn, payload)
    _lock_list(session)
    _check_unique_name(session, data.name)
    _check_people(session, data)
    values = data.model_dump(exclude={"priority"})
    values["financing"] = data.financing.value
    top = session.scalar(select(func.max(Project.priority)).where(Project.phase != Phase.HANDED_OVER.value)) or 0
    with refusing_duplicates(session, (NAME_ONCE,), lambda: _name_taken(data.name)):
        project = Project(**values, priority=top + 1, phase=Phase.PLANNING.value)
        session.add(project)
        session.flush()
        project.history.append(PhaseChange(from_phase=None, to_phase=Phase.PLANNING.value, actor=actor.username,
                                           comment=t("pf.history.created")))
        if data.priority is not None:
            _renumber(session, project, data.priority)
    return project


def update_project(session: Session, actor: Actor, project_id: int, payload,
                   expected_version: int | None = None) -> Project:
    """Edit name, service, people, financing and dates. The phase only changes through a gate."""
    actor.require("portfolio.write")
    data = validate(ProjectIn, payload)
    _lock_list(session)
    _lock_project(session, project_id)
    project = _project_for_edit(session, project_id, expected_version)
    if project.phase == Phase.HANDED_OVER.value:
        raise BackofficeError(t("pf.project.closed", name=project.name))
    _check_unique_name(session, data.name, project.id)
    _check_people(session, data)
    keep = set() if "handles_personal_data" in data.model_fields_set else {"handles_personal_data"}
    with refusing_duplicates(session, (NAME_ONCE,), lambda: _name_taken(data.name)):
        for key, value in data.model_dump(exclude={"priority"} | keep).items():
            if getattr(project, key) != value:
                setattr(project, key, value)
        project.financing = data.financing.value
        if data.priority is not None and data.priority != project.priority:
            _renumber(session, project, data.priority)
    return project


def set_priority(session: Session, actor: Actor, project_id: int, rank: int) -> Project:
    """Move a project to `rank` in the live priority list; the others close up behind it."""
    actor.require("portfolio.write")
    _lock_list(session)
    _lock_project(session, project_id)
    project = get_project(session, project_id)
    if project.phase == Phase.HANDED_OVER.value:
        raise BackofficeError(t("pf.project.closed", name=project.name))
    if rank < 1:
        raise BackofficeError(t("pf.error.rank", rank=rank))
    _renumber(session, project, rank)
    session.flush()
    return project


def add_document(session: Session, actor: Actor, project_id: int, payload) -> ProjectDocument:
    actor.require("portfolio.write")
    data = validate(DocumentIn, payload)
    project = get_project(session, project_id)
    document = ProjectDocument(kind=data.kind.value, title=data.title, reference=data.reference,
                               added_by=actor.username)
    project.documents.append(document)
    session.flush()
    return document


def remove_document(session: Session, actor: Actor, document_id: int) -> None:
    """Documents a passed gate relied on stay: only documents of a gate still ahead can be removed."""
    actor.require("portfolio.write")
    document = get_or_raise(session, ProjectDocument, document_id, "pf.document.not_found")
    project = get_project(session, document.project_id)
    passed = {kind for gate in GATES.values() if PHASES.index(gate.to_phase) <= PHASES.index(project.phase)
              for kind in gate.documents + gate.plain_language}
    same_kind = [d for d in project.documents if d.kind == document.kind]
    if document.kind in passed and len(same_kind) == 1:
        raise BackofficeError(t("pf.document.needed", title=document.title))
    session.delete(document)
    session.flush()


def _document_item(have: set[str], kind: str, group: str) -> GateItem:
    label = t(f"pf.doc.{kind}")
    return GateItem(group, label, kind in have, t("pf.gate.missing_document", document=label))


def gate_checklist(session: Session, project: Project) -> list[GateItem]:
    """Everything the project's next gate needs, each with whether it is there (empty: no gate ahead)."""
    gate = GATES.get(project.phase)
    if gate is None:
        return []
    have = {d.kind for d in project.documents}
    items = [_document_item(have, kind, "documents") for kind in gate.documents]
    if gate.principles:
        assessed = {a.principle for a in project.principles}
        count = len(assessed & set(range(1, PRINCIPLE_COUNT + 1)))
        items.append(GateItem("principles", t("pf.gate.principles", count=count, total=PRINCIPLE_COUNT),
                              count == PRINCIPLE_COUNT,
                              t("pf.gate.missing_principles", count=PRINCIPLE_COUNT - count)))
        items.append(GateItem("principles", t("pf.gate.personal_data_question"),
                              project.handles_personal_data is not None, t("pf.gate.missing_personal_data_answer")))
    items.extend(_document_item(have, kind, "plain_language") for kind in gate.plain_language)
    if gate.privacy and project.handles_personal_data:
        if _PRIVACY_CHECKS:
            for check in _PRIVACY_CHECKS:
                items.extend(check(session, project.service_code))
        else:
            items.append(GateItem("privacy", t("pf.gate.privacy_unchecked"), False, t("pf.gate.privacy_unchecked")))
    if gate.needs_product_owner:
        has_owner = project.product_owner_id is not None and session.get(User, project.product_owner_id) is not None
        items.append(GateItem("handover", t("pf.gate.product_owner"), has_owner, t("pf.gate.missing_product_owner")))
    return items


def gate_missing(session: Session, project: Project) -> list[str]:
    """What stops `project` passing its next gate, in plain language (empty: ready for approval)."""
    if project.phase not in GATES:
        return [t("pf.gate.no_next", phase=phase_label(project.phase))]
    return [item.missing for item in gate_checklist(session, project) if not item.done]


def approve_gate(session: Session, actor: Actor, project_id: int, payload=None,
                 expected_version: int | None = None) -> Project:
    """A leader passes the project through its next gate; refused, naming what is missing."""
    actor.require("gates.approve")
    data = validate(GateIn, payload or {})
    _lock_list(session)
    _lock_project(session, project_id)
    project = get_project(session, project_id)
    if expected_version is not None and project.version != expected_version:
        change = latest_change(project)
        if change is not None and "phase" in change.changed_fields():   # the gate was approved meanwhile
            raise BackofficeError(t("pf.gate.just_approved", phase=phase_label(project.phase), project=project.name,
                                    who=change.actor))
        ensure_version(project, expected_version, project.name)
    gate = GATES.get(project.phase)
    missing = gate_missing(session, project)
    if gate is None or missing:
        target = phase_label(gate.to_phase) if gate else phase_label(project.phase)
        raise BackofficeError(t("pf.gate.blocked", project=project.name, phase=target,
                                missing="; ".join(missing)))
    with refusing_duplicates(session, (PHASE_ONCE,), lambda: _gate_just_approved(session, project_id, gate.to_phase),
                             stale=True):
        project.history.append(PhaseChange(from_phase=gate.from_phase, to_phase=gate.to_phase,
                                           actor=actor.username, comment=data.comment))
        project.phase = gate.to_phase          # after the history is loaded: one audit entry for both
        if gate.to_phase == Phase.HANDED_OVER:
            register_service(session, project)
            _renumber(session)
    return project


def assess_principles(session: Session, actor: Actor, project_id: int, payload) -> Project:
    """Record the project's assessment against the eight Fiks platform principles (all eight at once;
    partly or not needs a reason). A principle whose verdict and reason stay the same is left as it was."""
    actor.require("portfolio.write")
    data = validate(PrinciplesIn, payload)
    _lock_project(session, project_id)
    project = get_project(session, project_id)
    if project.phase == Phase.HANDED_OVER.value:
        raise BackofficeError(t("pf.project.closed", name=project.name))
    existing = {a.principle: a for a in project.principles}
    for item in sorted(data.principles, key=lambda p: p.principle):
        row = existing.get(item.principle)
        if row is None:
            project.principles.append(PrincipleAssessment(principle=item.principle, verdict=item.verdict.value,
                                                          reason=item.reason, assessed_by=actor.username))
        elif (row.verdict, row.reason) != (item.verdict.value, item.reason):
            row.verdict, row.reason, row.assessed_by = item.verdict.value, item.reason, actor.username
            row.assessed_at = utcnow()
    if data.handles_personal_data is not None and project.handles_personal_data != data.handles_personal_data:
        project.handles_personal_data = data.handles_personal_data
    session.flush()
    return project


def principle_rows(session: Session, project_id: int) -> list[dict]:
    """The eight principles with the project's verdict and reason (None where not assessed yet)."""
    project = get_project(session, project_id)
    given = {a.principle: a for a in project.principles}
    return [{"principle": p.number, "title": p.title, "text": p.text,
             "verdict": given[p.number].verdict if p.number in given else None,
             "reason": given[p.number].reason if p.number in given else "",
             "assessed_by": given[p.number].assessed_by if p.number in given else None,
             "assessed_at": given[p.number].assessed_at if p.number in given else None} for p in principles()]


def _request_taken(change_request_id: int) -> BackofficeError:
    return BackofficeError(t("pf.request.already_taken", id=change_request_id))


def add_request(session: Session, actor: Actor, project_id: int, payload) -> ProjectRequest:
    """Take a change request a user council approved into a project, as demand.

    The product owner of the request's service does this (from the agreements room, through the admin room's
    planning door); the portfolio lead may too. With an estimate, the FTE of the role is added to the
    project's open demand in each month of the range. A request goes to one project only."""
    data = validate(ProjectRequestIn, payload)
    if not actor.can("portfolio.write"):
        actor.require("agreements.write", service=data.service_code)
    _lock_project(session, project_id)
    project = get_project(session, project_id)
    if project.phase == Phase.HANDED_OVER.value:
        raise BackofficeError(t("pf.project.closed", name=project.name))
    if session.scalar(select(ProjectRequest.id).where(ProjectRequest.change_request_id == data.change_request_id)):
        raise _request_taken(data.change_request_id)
    role = None
    if data.role_code is not None:
        role = scalar_or_raise(session, select(DeptRole).where(DeptRole.code == data.role_code), "pf.role.not_found",
                               code=data.role_code)
    link = ProjectRequest(project_id=project.id, change_request_id=data.change_request_id,
                          service_code=data.service_code, title=data.title, role_id=role.id if role else None,
                          first_month=data.first_month, last_month=data.last_month,
                          fte_pct=to_pct(data.fte) if data.fte is not None else None, added_by=actor.username)
    with refusing_duplicates(session, (REQUEST_ONCE,), lambda: _request_taken(data.change_request_id)):
        session.add(link)
        session.flush()
    if role is not None:
        months = month_range(data.first_month, data.last_month)
        rows = {d.month: d for d in session.scalars(select(Demand).where(
            Demand.project_id == project.id, Demand.role_id == role.id, Demand.month.in_(months)))}
        for month in months:
            if month in rows:
                rows[month].fte_pct += link.fte_pct
            else:
                session.add(Demand(project_id=project.id, role_id=role.id, month=month, fte_pct=link.fte_pct))
        session.flush()
    return link


def request_rows(session: Session, project_id: int) -> list[dict]:
    """The change requests taken into a project, with the demand each added."""
    query = (select(ProjectRequest).where(ProjectRequest.project_id == project_id).order_by(ProjectRequest.id))
    return [{"change_request_id": r.change_request_id, "title": r.title, "service_code": r.service_code,
             "role": r.role.name if r.role else None, "first_month": r.first_month, "last_month": r.last_month,
             "fte": fte_of(r.fte_pct) if r.fte_pct is not None else None, "added_by": r.added_by,
             "added_at": r.added_at} for r in session.scalars(query)]


def request_destinations(session: Session, change_request_ids: tuple[int, ...]) -> dict[int, dict]:
    """Where each change request went in the portfolio: {request id: {project_id, project, phase}}."""
    if not change_request_ids:
        return {}
    query = (select(ProjectRequest.change_request_id, Project.id, Project.name, Project.phase)
             .join(Project, Project.id == ProjectRequest.project_id)
             .where(ProjectRequest.change_request_id.in_(change_request_ids)))
    return {r[0]: {"project_id": r[1], "project": r[2], "phase": r[3], "phase_label": phase_label(r[3])}
            for r in session.execute(query)}


def open_project_choices(session: Session) -> dict[int, str]:
    """Projects a change request may go to (not handed over), by priority."""
    return {p.id: p.name for p in active_projects(session)}


def register_service(session: Session, project: Project) -> Service:
    """Create or update the project's service in the catalogue with its product owner (no own check:
    only called from `approve_gate`, which the leader's `gates.approve` guards)."""
    service = session.scalar(select(Service).where(Service.code == project.service_code))
    if service is None:
        service = Service(code=project.service_code, name=project.service_name or project.name,
                          description=project.description, established_year=date.today().year,
                          status=ServiceStatus.ACTIVE.value, product_owner_id=project.product_owner_id)
        session.add(service)
    else:
        service.product_owner_id = project.product_owner_id
        if service.status == ServiceStatus.DEVELOPMENT.value:
            service.status = ServiceStatus.ACTIVE.value
    session.flush()
    return service


# --- reads ---------------------------------------------------------------------------------------


def user_choices(session: Session, role: str | None = None) -> dict[int, str]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name))
    return {u.id: u.full_name or u.username for u in users if role is None or role in u.roles}


def project_rows(session: Session, include_closed: bool = True) -> list[dict]:
    """One row per project with owner names and document count (an aggregate query)."""
    owner, product_owner = aliased(User), aliased(User)
    docs = (select(ProjectDocument.project_id, func.count().label("documents"))
            .group_by(ProjectDocument.project_id).subquery())
    query = (
        select(Project.id, Project.name, Project.service_code, Project.service_name, Project.phase,
               Project.priority, Project.financing, Project.start_date, Project.end_date, Project.description,
               Project.owner_id, Project.product_owner_id, Project.version,
               owner.full_name.label("owner"), product_owner.full_name.label("product_owner"),
               func.coalesce(docs.c.documents, 0).label("documents"))
        .outerjoin(owner, owner.id == Project.owner_id)
        .outerjoin(product_owner, product_owner.id == Project.product_owner_id)
        .outerjoin(docs, docs.c.project_id == Project.id)
        .order_by(Project.priority, Project.name)
    )
    if not include_closed:
        query = query.where(Project.phase != Phase.HANDED_OVER.value)
    return [dict(r._mapping) for r in session.execute(query)]


def project_detail(session: Session, project_id: int) -> dict:
    project = get_project(session, project_id)
    return {
        "documents": [dict(id=d.id, kind=d.kind, title=d.title, reference=d.reference, added_by=d.added_by,
                           added_at=d.added_at) for d in project.documents],
        "history": [dict(from_phase=h.from_phase, to_phase=h.to_phase, at=h.at, actor=h.actor, comment=h.comment)
                    for h in project.history],
        "missing": gate_missing(session, project),
        "checklist": [item.__dict__ for item in gate_checklist(session, project)],
        "next_phase": GATES[project.phase].to_phase if project.phase in GATES else None,
        "plain_language": plain_language_requirement(project.phase),
        "handles_personal_data": project.handles_personal_data,
        "requests": request_rows(session, project.id),
        "version": project.version,
    }


def phase_counts(session: Session) -> dict[str, int]:
    counts = dict(session.execute(select(Project.phase, func.count()).group_by(Project.phase)).all())
    return {phase: counts.get(phase, 0) for phase in PHASES}


def service_projects(session: Session, service_code: str) -> list[dict]:
    query = (select(Project.name, Project.phase, Project.end_date).where(Project.service_code == service_code)
             .order_by(Project.start_date))
    return [dict(r._mapping) for r in session.execute(query)]
