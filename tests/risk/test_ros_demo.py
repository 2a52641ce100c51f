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
    assert session.scalar(select(func.count()).select_from(RiskAcceptance)) == 3
    counts = ros.kpi_counts(session)
    assert counts["above"] >= 2 and counts["overdue_measures"] >= 3 and counts["triggers"] == 1
    assert session.scalar(select(func.count()).select_from(RosAssessment).where(RosAssessment.is_current.is_(True))) == 5
