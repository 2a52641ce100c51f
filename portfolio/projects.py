"""Projects and their gates: phases, documents, a leader's approval, phase history, handover.

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

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from data.access import Actor
from data.audit import latest_change
from data.crud import ensure_version, for_edit, get_or_raise
from data.errors import BackofficeError, validate
from data.i18n import t
from data.locking import lock, lock_named, refusing_duplicates, unique_key
from data.registers.models import Service, ServiceStatus, User
from data.textsearch import equals_folded
from portfolio.models import PHASES, DocumentKind, Phase, PhaseChange, Project, ProjectDocument
from portfolio.schemas import DocumentIn, GateIn, ProjectIn


@dataclass(frozen=True)
class Gate:
    from_phase: str
    to_phase: str
    documents: tuple[str, ...]
    needs_product_owner: bool = False


GATES: dict[str, Gate] = {
    Phase.PLANNING: Gate(Phase.PLANNING, Phase.DEVELOPMENT,
                         (DocumentKind.GOVERNANCE, DocumentKind.PRODUCT_DESCRIPTION)),
    Phase.DEVELOPMENT: Gate(Phase.DEVELOPMENT, Phase.ROLLOUT, ()),
    Phase.ROLLOUT: Gate(Phase.ROLLOUT, Phase.CLOSING, ()),
    Phase.CLOSING: Gate(Phase.CLOSING, Phase.HANDED_OVER, (DocumentKind.FINAL_REPORT,), needs_product_owner=True),
}


PHASE_ONCE = unique_key(PhaseChange, "uq_pf_phase_change_project_id_to_phase")
NAME_ONCE = unique_key(Project, "uq_pf_project_name")


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
    with refusing_duplicates(session, (NAME_ONCE,), lambda: _name_taken(data.name)):
        for key, value in data.model_dump(exclude={"priority"}).items():
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
              for kind in gate.documents}
    same_kind = [d for d in project.documents if d.kind == document.kind]
    if document.kind in passed and len(same_kind) == 1:
        raise BackofficeError(t("pf.document.needed", title=document.title))
    session.delete(document)
    session.flush()


def gate_missing(session: Session, project: Project) -> list[str]:
    """What stops `project` passing its next gate, in plain language (empty: ready for approval)."""
    gate = GATES.get(project.phase)
    if gate is None:
        return [t("pf.gate.no_next", phase=phase_label(project.phase))]
    have = {d.kind for d in project.documents}
    missing = [t("pf.gate.missing_document", document=t(f"pf.doc.{kind}")) for kind in gate.documents
               if kind not in have]
    if gate.needs_product_owner:
        if project.product_owner_id is None:
            missing.append(t("pf.gate.missing_product_owner"))
        elif session.get(User, project.product_owner_id) is None:
            missing.append(t("pf.gate.missing_product_owner"))
    return missing


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
        "next_phase": GATES[project.phase].to_phase if project.phase in GATES else None,
        "version": project.version,
    }


def phase_counts(session: Session) -> dict[str, int]:
    counts = dict(session.execute(select(Project.phase, func.count()).group_by(Project.phase)).all())
    return {phase: counts.get(phase, 0) for phase in PHASES}


def service_projects(session: Session, service_code: str) -> list[dict]:
    query = (select(Project.name, Project.phase, Project.end_date).where(Project.service_code == service_code)
             .order_by(Project.start_date))
    return [dict(r._mapping) for r in session.execute(query)]
