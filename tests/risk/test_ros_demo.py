"""The demo loader builds realistic registers: versions, every measure state, overdue items, a DPIA."""
from datetime import date

from sqlalchemy import func, select

from risk import measures, ros
from risk.models import Dpia, Measure, RiskAcceptance, RosAssessment


def test_demo_registers(demo_session):
    session = demo_session
    statuses = set(session.scalars(select(Measure.status)))
    assert statuses == {"planned", "in_progress", "done", "cancelled"}
    overdue = measures.measure_rows(session, overdue_only=True)
    assert len(overdue) >= 3 and all(r["due_date"] < date.today() for r in overdue)
    svarut = ros.assessment_rows(session, "svarut")
    by_revision = {r["revision"]: r["status"] for r in svarut}
    assert by_revision[1] == "superseded" and by_revision[2] == "approved"
    department = ros.assessment_rows(session, "-") or [r for r in ros.assessment_rows(session) if r["scope"] == "department"]
    assert department
    assert session.scalar(select(func.count()).select_from(Dpia).where(Dpia.service_code == "digisos",
                                                                       Dpia.status == "approved")) == 1
    decisions = dict(session.execute(select(RiskAcceptance.decision, func.count()).group_by(RiskAcceptance.decision)).all())
    assert decisions == {"accepted": 3, "pending": 1}
    # the leader signed every decision and approved version; the security officer asked and submitted
    assert set(session.scalars(select(RiskAcceptance.approver).where(RiskAcceptance.decision == "accepted"))) == {"Lise Leder"}
    assert set(session.scalars(select(RiskAcceptance.requested_by))) == {"sikkerhet"}
    awaiting = session.scalars(select(RosAssessment).where(RosAssessment.status == "in_review")).all()
    assert [(a.title, a.submitted_by) for a in awaiting] == [("ROS Fiks IO", "sikkerhet")]
    expired = ros.expired_acceptances(session)
    assert [(r["key"], r["title"], r["days_expired"]) for r in expired] == [("R-03", "Svikt i nasjonal ID-port", 15)]
    kinds = sorted(item.kind for item in ros.approvals(session, None))
    assert kinds == ["risk_acceptance", "ros"]
    counts = ros.kpi_counts(session)
    assert counts["above"] >= 2 and counts["overdue_measures"] >= 3 and counts["triggers"] == 1
    assert session.scalar(select(func.count()).select_from(RosAssessment).where(RosAssessment.is_current.is_(True))) == 5
