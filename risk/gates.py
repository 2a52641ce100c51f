"""What a project gate asks of the risk room: for a service that handles personal data, its approved ROS in
force, its approved DPIA and the municipality template. Registered with portfolio at bootstrap (`CHECKS` in
risk/__init__.py), as the room that knows answers the room that asks."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.i18n import t
from data.registers.models import Service
from portfolio.projects import GateItem
from risk import exports as risk_exports
from risk.dpia import latest_approved
from risk.models import RosAssessment
from risk.schemas import Scope, Status


def privacy_items(session: Session, service_code: str) -> list[GateItem]:
    """The service's approved ROS in force, its approved DPIA and the municipality template (built from
    both): each as a line of the gate's checklist."""
    ros_label, dpia_label, template_label = t("pf.gate.ros"), t("pf.gate.dpia"), t("pf.gate.template")
    service = session.scalar(select(Service).where(Service.code == service_code))
    if service is None:
        reason = t("pf.gate.service_not_registered", service=service_code)
        return [GateItem("privacy", label, False, f"{t('pf.gate.missing_document', document=label)} ({reason})")
                for label in (ros_label, dpia_label, template_label)]
    ros = session.scalar(select(RosAssessment.id).where(
        RosAssessment.scope == Scope.SERVICE.value, RosAssessment.service_code == service.code,
        RosAssessment.status == Status.APPROVED.value, RosAssessment.is_current.is_(True)).limit(1))
    dpias = latest_approved(session, service.code)
    template = risk_exports.template_data(session, service.code)
    template_ready = template["assessment"] is not None and bool(template["dpias"])
    return [GateItem("privacy", ros_label, ros is not None, t("pf.gate.missing_ros", service=service.name)),
            GateItem("privacy", dpia_label, bool(dpias), t("pf.gate.missing_dpia", service=service.name)),
            GateItem("privacy", template_label, template_ready, t("pf.gate.missing_template", service=service.name))]
