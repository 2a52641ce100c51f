"""Certificates, assurance reports, every deadline rule of the reminders, and a finding carried into a ROS
(issue 23, item 2)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from data.access import ROLES
from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from risk import ros
from risk.models import Risk
from risk.suppliers import assurance, register
from risk.suppliers.models import Finding
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")
TODAY = date.today()


def _supplier(session, name="Drift AS", number="974760673", services=("svarut", "minside"), personal=True):
    return register.save_supplier(session, SECURITY, {
        "name": name, "org_number": number, "country": "NO", "processes_personal_data": personal,
        "services": list(services)}).supplier


# --- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2025, 12, 31), 12, date(2026, 12, 31)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2023, 11, 30), 3, date(2024, 2, 29)),
    (date(2025, 6, 30), 18, date(2026, 12, 30)),
])
def test_months_are_added_to_the_same_day_or_the_months_last(start, months, expected):
    assert assurance.add_months(start, months) == expected


def test_certificate_state_boundaries():
    today = date(2026, 5, 10)
    assert assurance.certificate_state(date(2026, 5, 9), today, 90) == "expired"
    assert assurance.certificate_state(today, today, 90) == "expiring"           # expires today: still valid today
    assert assurance.certificate_state(today + timedelta(days=90), today, 90) == "expiring"
    assert assurance.certificate_state(today + timedelta(days=91), today, 90) == "valid"
    assert assurance.certificate_state(today + timedelta(days=1), today, 0) == "valid"


def test_report_due_is_period_end_plus_twelve_months_plus_grace():
    assert assurance.report_due(date(2025, 12, 31), 90) == date(2027, 3, 31)
    assert assurance.report_due(date(2024, 2, 29), 0) == date(2025, 2, 28)
    due = date(2027, 3, 31)
    assert assurance.report_state(due, due + timedelta(days=1), 30) == "overdue"
    assert assurance.report_state(due, due, 30) == "due_soon"
    assert assurance.report_state(due, due - timedelta(days=30), 30) == "due_soon"
    assert assurance.report_state(due, due - timedelta(days=31), 30) == "ok"


# --- reminders from the register ------------------------------------------------------------------


def test_reminders_follow_the_rules_and_the_settings(session):
    drift = _supplier(session)
    assurance.save_certificate(session, SECURITY, drift.id, {"expires_on": TODAY + timedelta(days=60),
                                                             "scope": "Datasentre", "issuer": "Sertifisering AS"})
    report = assurance.save_report(session, SECURITY, drift.id, {
        "standard": "isae3402", "period_start": TODAY - timedelta(days=365 + 500), "period_end": TODAY - timedelta(days=500),
        "received_on": TODAY - timedelta(days=300)})
    print_supplier = _supplier(session, "Print AS", "971250909", services=("svarut",))
    quiet = _supplier(session, "Konsulent AS", "923609016", services=(), personal=False)
    rows = assurance.reminders(session, TODAY)
    by_kind = {(r["kind"], r["supplier"]): r for r in rows}
    due = assurance.add_months(TODAY - timedelta(days=500), 12) + timedelta(days=90)   # 45 days ago or so
    assert by_kind[("report_overdue", "Drift AS")]["due"] == due
    assert by_kind[("report_overdue", "Drift AS")]["days_left"] == (due - TODAY).days < 0
    assert by_kind[("certificate_expiring", "Drift AS")]["days_left"] == 60
    assert ("report_not_reviewed", "Drift AS") in by_kind
    assert ("no_assurance", "Print AS") in by_kind
    assert all(r["supplier"] != quiet.name for r in rows)               # no personal data: no reminder
    assert rows[0]["kind"] == "report_overdue"                           # the earliest deadline first
    # a renewed certificate silences the old one; a reviewed report leaves the list
    assurance.save_certificate(session, SECURITY, drift.id, {"expires_on": TODAY + timedelta(days=3 * 365)})
    assurance.mark_reviewed(session, SECURITY, report.id, TODAY - timedelta(days=290))
    kinds = {(r["kind"], r["supplier"]) for r in assurance.reminders(session, TODAY)}
    assert ("certificate_expiring", "Drift AS") not in kinds and ("report_not_reviewed", "Drift AS") not in kinds
    # a shorter warning period, and a longer grace, change the answers
    assurance.save_settings(session, SECURITY, {"certificate_warning_days": 30, "report_grace_days": 200,
                                                "report_warning_days": 30})
    assurance.save_certificate(session, SECURITY, print_supplier.id, {"expires_on": TODAY + timedelta(days=45)})
    kinds = {(r["kind"], r["supplier"]) for r in assurance.reminders(session, TODAY)}
    assert ("certificate_expiring", "Print AS") not in kinds
    assert ("report_overdue", "Drift AS") not in kinds                  # due 200 days after the next period ends, 65 days from now
    later_due = assurance.report_due(TODAY - timedelta(days=500), 200)
    assert assurance.reminder_counts(session, later_due - timedelta(days=10)) == {
        "certificate_expired": 1, "report_due_soon": 1}
    kpis = {k.label: k.value for k in assurance.kpis(session, SECURITY)}
    assert kpis == {"Leverandørsertifikater som utløper": "0", "Revisjonsrapporter på etterskudd": "0"}


def test_report_and_certificate_input_is_checked(session):
    drift = _supplier(session)
    with pytest.raises(ValidationFailed, match="En rapport kan ikke være mottatt før perioden den dekker, er slutt"):
        assurance.save_report(session, SECURITY, drift.id, {"standard": "isae3000", "period_start": date(2025, 1, 1),
                                                            "period_end": date(2025, 12, 31),
                                                            "received_on": date(2025, 12, 1)})
    with pytest.raises(ValidationFailed) as bad:
        assurance.save_report(session, SECURITY, drift.id, {"standard": "soc2", "period_start": date(2025, 1, 1),
                                                            "period_end": date(2025, 12, 31),
                                                            "received_on": date(2026, 2, 1)})
    assert bad.value.errors[0].field == "standard"
    with pytest.raises(ValidationFailed, match="Utløpsdatoen kan ikke være før utstedelsesdatoen"):
        assurance.save_certificate(session, SECURITY, drift.id, {"issued_on": date(2025, 1, 1),
                                                                 "expires_on": date(2024, 1, 1)})
    report = assurance.save_report(session, SECURITY, drift.id, {
        "standard": "isae3000", "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31),
        "received_on": date(2026, 2, 1)})
    with pytest.raises(BackofficeError, match="Gjennomgått-datoen må være fra 01.02.2026"):
        assurance.mark_reviewed(session, SECURITY, report.id, date(2026, 1, 1))


# --- a finding becomes a ROS risk -------------------------------------------------------------------


def _finding(session):
    drift = _supplier(session)
    report = assurance.save_report(session, SECURITY, drift.id, {
        "standard": "isae3402", "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31),
        "received_on": min(TODAY, date(2026, 3, 1)), "opinion": "qualified"})
    return assurance.save_finding(session, SECURITY, report.id, {
        "title": "Tilgangsgjennomgang mangler", "description": "Ikke dokumentert for to kvartaler",
        "severity": "high"})


def _draft(session, service="minside"):
    return ros.create_assessment(session, SECURITY, {"scope": "service", "service_code": service,
                                                     "title": f"ROS {service}"})


def test_a_finding_becomes_a_risk_in_the_services_draft_ros_once(session):
    finding = _finding(session)
    draft = _draft(session)
    payload = {"service_code": "minside", "owner": "Siri Sikkerhet", "deadline": TODAY + timedelta(days=30),
               "likelihood": 3, "consequence": 4}
    session.info["actor"] = SECURITY
    risk_id = assurance.finding_to_risk(session, SECURITY, finding.id, payload)
    risk = session.get(Risk, risk_id)
    assert risk.assessment_id == draft.id
    assert (risk.key, risk.title, risk.owner, risk.due_date) == ("R-01", "Drift AS: Tilgangsgjennomgang mangler",
                                                                 "Siri Sikkerhet", TODAY + timedelta(days=30))
    assert risk.vulnerability == "Ikke dokumentert for to kvartaler"
    assert risk.inherent_likelihood == 3
    assert risk.inherent_consequences == {"confidentiality": 4, "integrity": 4, "availability": 4}
    assert risk.source.startswith("Revisjonsrapport fra Drift AS: ISAE 3402 01.01.2025–31.12.2025")
    assert (finding.ros_risk_id, finding.ros_service_code) == (risk_id, "minside")
    with pytest.raises(BackofficeError, match=f"allerede lagt inn som risiko \\(nr. {risk_id}\\) i ROS for MinSide"):
        assurance.finding_to_risk(session, SECURITY, finding.id, payload)
    session.flush()
    tables = [e.table_name for e in session.scalars(select(AuditEntry).where(AuditEntry.actor == "siri")
                                                    .order_by(AuditEntry.seq))]
    assert "ros_risk" in tables and tables[-1] == "supplier_finding"


def test_without_a_draft_the_finding_is_refused_plainly_and_nothing_changes(session):
    finding = _finding(session)
    payload = {"service_code": "svarut", "owner": "Siri", "deadline": TODAY + timedelta(days=30)}
    with pytest.raises(BackofficeError) as none:
        assurance.finding_to_risk(session, SECURITY, finding.id, payload)
    assert none.value.message == ("SvarUt har ikke noe ROS-utkast å legge risikoen i. Start en ny revisjon av "
                                  "ROS-en på siden «ROS-analyser», og prøv igjen. Ingenting er endret.")
    draft = _draft(session, "svarut")
    ros.add_risk(session, SECURITY, draft.id, {"title": "Noe", "inherent": {"likelihood": 2,
                                                                            "consequences": {"integrity": 2}}})
    ros.submit(session, SECURITY, draft.id)
    with pytest.raises(BackofficeError, match="ROS-en for SvarUt venter på godkjenning"):
        assurance.finding_to_risk(session, SECURITY, finding.id, payload)
    with pytest.raises(BackofficeError, match="Drift AS leverer ikke til Digisos"):
        assurance.finding_to_risk(session, SECURITY, finding.id, {**payload, "service_code": "digisos"})
    assert session.get(Finding, finding.id).ros_risk_id is None
    assert session.scalar(select(Risk.id).where(Risk.title.like("Drift AS:%"))) is None


def test_only_security_writes_assurance(session):
    finding = _finding(session)
    drift_id = finding.report.supplier_id
    _draft(session)
    for role in ROLES:
        if role == "security":
            continue
        actor = make_actor(role, owned=("minside",))
        with pytest.raises(PermissionDenied):
            assurance.save_certificate(session, actor, drift_id, {"expires_on": TODAY})
        with pytest.raises(PermissionDenied):
            assurance.save_settings(session, actor, {"certificate_warning_days": 10})
        with pytest.raises(PermissionDenied):
            assurance.finding_to_risk(session, actor, finding.id, {"service_code": "minside", "owner": "x",
                                                                   "deadline": TODAY + timedelta(days=1)})
    assert session.get(Finding, finding.id).ros_risk_id is None
