"""What in the portfolio waits for the leader (the approvals queue, admin/approvals.py): project gates whose
checklist is complete, and draft scenarios waiting to be applied or discarded."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Approval
from data.registers.models import User
from portfolio.models import PhaseChange, Project, ProjectDocument, Scenario, ScenarioStatus
from portfolio.projects import GATES, active_projects, gate_missing, phase_label


def approvals(session: Session, _actor: Actor) -> list[Approval]:
    """A gate is ready for the leader when nothing on its checklist is missing: who asked is the project
    owner (else whoever added its latest document), since when is its latest document or phase change."""
    items = []
    ready = [p for p in active_projects(session) if p.phase in GATES and not gate_missing(session, p)]
    if ready:
        ids = [p.id for p in ready]
        last_document = dict(session.execute(select(ProjectDocument.project_id, func.max(ProjectDocument.added_at))
                                              .where(ProjectDocument.project_id.in_(ids))
                                              .group_by(ProjectDocument.project_id)).all())
        last_phase = dict(session.execute(select(PhaseChange.project_id, func.max(PhaseChange.at))
                                          .where(PhaseChange.project_id.in_(ids)).group_by(PhaseChange.project_id)).all())
        adders = dict(session.execute(select(ProjectDocument.project_id, ProjectDocument.added_by)
                                      .where(ProjectDocument.project_id.in_(ids))
                                      .order_by(ProjectDocument.added_at, ProjectDocument.id)).all())
        owners = dict(session.execute(select(Project.id, User.username).join(User, User.id == Project.owner_id)
                                      .where(Project.id.in_(ids))).all())
        for project in ready:
            since = [d for d in (last_document.get(project.id), last_phase.get(project.id)) if d is not None]
            items.append(Approval(
                "gate", f"{project.name}: {phase_label(project.phase)} → {phase_label(GATES[project.phase].to_phase)}",
                owners.get(project.id) or adders.get(project.id, ""), max(since) if since else project.created_at,
                "portfolio/pages/board.py", (("project", str(project.id)),), project.service_name))
    for scenario in session.scalars(select(Scenario).where(Scenario.status == ScenarioStatus.DRAFT.value)
                                    .order_by(Scenario.created_at)):
        items.append(Approval("scenario", scenario.name, scenario.created_by, scenario.created_at,
                              "portfolio/pages/scenarios.py", (("scenario", str(scenario.id)),), scenario.description))
    return items
