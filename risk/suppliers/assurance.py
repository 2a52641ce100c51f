"""Suppliers' assurance: ISO/IEC 27001 certificates, ISAE 3402 / ISAE 3000 reports and their findings, the
reminders the security officer gets, and a finding carried into a service's ROS in one action.

The department's description (section 4.7): the operations supplier is audited every year, with ISO 27001
certified data centres, and the audits are attested by an independent audit firm in ISAE 3402 and 3000 reports.

Deadline rules (on a day `today`, with the settings in `supplier_settings`, defaults in brackets):
- A certificate is *expired* when its expiry day is before today, *expiring* when it expires within
  `certificate_warning_days` [90] days (today + N included), else *valid*. Per supplier and standard only the
  certificate that expires last counts (a renewed certificate silences the old one).
- A yearly assurance report (per supplier and standard, ISAE 3402 and ISAE 3000 apart) is due
  `report_grace_days` [90] days after the end of the period that follows the latest report's period:
  period end + 12 months (the same day of the month, or the month's last day) + grace. It is *overdue*
  after that day, *due soon* within `report_warning_days` [30] days of it (the due day included), else *ok*.
- A report received and not yet reviewed is on the list until a review day is recorded.
- A supplier that processes personal data with neither certificate nor report is on the list as
  *without assurance*.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data import crud
from data.access import Actor
from data.appspec import Kpi
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.formatting import day, number
from data.i18n import t
from data.registers.models import Service
from risk import ros
from risk.models import RosAssessment
from risk.schemas import Scope, Status
from risk.suppliers.models import (
    AssuranceReport,
    Certificate,
    Finding,
    ReminderSettings,
    Supplier,
    SupplierService,
)
from risk.suppliers.register import get_supplier
from risk.suppliers.schemas import CertificateIn, FindingIn, FindingToRiskIn, ReportIn, SettingsIn

PAGE = "risk/suppliers/pages/suppliers.py"


def _today() -> date:
    return utcnow().date()


# --- the deadline rules (pure) ----------------------------------------------------------------------


def add_months(value: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31.01 + 1 = 28./29.02; 29.02.2024 + 12 = 28.02.2025)."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


def certificate_state(expires_on: date, today: date, warning_days: int) -> str:
    if expires_on < today:
        return "expired"
    if expires_on <= today + timedelta(days=warning_days):
        return "expiring"
    return "valid"


def report_due(period_end: date, grace_days: int) -> date:
    """When the next yearly report is due: the next period's end (12 months on) plus the grace days."""
    return add_months(period_end, 12) + timedelta(days=grace_days)


def report_state(due: date, today: date, warning_days: int) -> str:
    if today > due:
        return "overdue"
    if today >= due - timedelta(days=warning_days):
        return "due_soon"
    return "ok"


# --- settings ---------------------------------------------------------------------------------------


def settings(session: Session) -> ReminderSettings:
    """The stored settings, or the defaults (not stored) when none were saved."""
    found = session.scalar(select(ReminderSettings).where(ReminderSettings.name == "default"))
    return found or ReminderSettings(name="default", certificate_warning_days=90, report_grace_days=90,
                                     report_warning_days=30)


def settings_values(session: Session) -> dict:
    """The settings as plain values (for pages and caches), with the row's version (None: the defaults)."""
    row = settings(session)
    return {"certificate_warning_days": row.certificate_warning_days, "report_grace_days": row.report_grace_days,
            "report_warning_days": row.report_warning_days, "version": row.version}


def save_settings(session: Session, actor: Actor, payload, expected_version: int | None = None) -> ReminderSettings:
    actor.require("risk.write")
    data = validate(SettingsIn, payload)
    row = session.scalar(select(ReminderSettings).where(ReminderSettings.name == "default"))
    if row is None:
        row = ReminderSettings(name="default")
        session.add(row)
    else:
        crud.ensure_version(row, expected_version, t("supl.settings.title"))
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    session.flush()
    return row


# --- certificates and reports -----------------------------------------------------------------------


def save_certificate(session: Session, actor: Actor, supplier_id: int, payload, certificate_id: int | None = None,
                     expected_version: int | None = None) -> Certificate:
    actor.require("risk.write")
    data = validate(CertificateIn, payload)
    supplier = get_supplier(session, supplier_id)
    row = crud.new_or_for_edit(session, Certificate, certificate_id, expected_version, "supl.certificate.not_found",
                               create=lambda: Certificate(supplier_id=supplier.id, created_by=actor.username),
                               label=lambda c: f"{c.standard} ({supplier.name})")
    if row.supplier_id != supplier.id:
        raise crud.not_found("supl.certificate.not_found", certificate_id)
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    session.flush()
    return row


def delete_certificate(session: Session, actor: Actor, certificate_id: int, expected_version: int | None = None):
    actor.require("risk.write")
    crud.delete_row(session, Certificate, certificate_id, "supl.certificate.not_found", expected_version,
                    label=lambda c: c.standard)


def save_report(session: Session, actor: Actor, supplier_id: int, payload, report_id: int | None = None,
                expected_version: int | None = None) -> AssuranceReport:
    """Record a report received (or correct one); a review day given here also records who reviewed it."""
    actor.require("risk.write")
    data = validate(ReportIn, payload)
    supplier = get_supplier(session, supplier_id)
    row = crud.new_or_for_edit(session, AssuranceReport, report_id, expected_version, "supl.report.not_found",
                               create=lambda: AssuranceReport(supplier_id=supplier.id),
                               label=lambda r: report_label(r, supplier.name))
    if row.supplier_id != supplier.id:
        raise crud.not_found("supl.report.not_found", report_id)
    reviewed_before = row.reviewed_on
    values = data.model_dump()
    values["standard"], values["report_type"], values["opinion"] = (data.standard.value, data.report_type.value,
                                                                    data.opinion.value)
    for name, value in values.items():
        setattr(row, name, value)
    if data.reviewed_on is not None and data.reviewed_on != reviewed_before:
        row.reviewed_by = actor.username
    if data.reviewed_on is None:
        row.reviewed_by = ""
    session.flush()
    return row


def mark_reviewed(session: Session, actor: Actor, report_id: int, reviewed_on: date | None = None,
                  expected_version: int | None = None) -> AssuranceReport:
    actor.require("risk.write")
    row = crud.for_edit(session, AssuranceReport, report_id, expected_version, "supl.report.not_found",
                        label=lambda r: report_label(r))
    when = reviewed_on or _today()
    if when < row.received_on or when > _today():
        raise BackofficeError(t("supl.error.review_day", received=day(row.received_on)))
    row.reviewed_on, row.reviewed_by = when, actor.username
    session.flush()
    return row


def report_label(report: AssuranceReport, supplier: str | None = None) -> str:
    text = t("supl.report.label", standard=t(f"supl.standard.{report.standard}"), start=day(report.period_start),
             end=day(report.period_end))
    return f"{text} ({supplier})" if supplier else text


def save_finding(session: Session, actor: Actor, report_id: int, payload, finding_id: int | None = None,
                 expected_version: int | None = None) -> Finding:
    actor.require("risk.write")
    data = validate(FindingIn, payload)
    report = crud.get_or_raise(session, AssuranceReport, report_id, "supl.report.not_found")
    row = crud.new_or_for_edit(session, Finding, finding_id, expected_version, "supl.finding.not_found",
                               create=lambda: Finding(report_id=report.id))
    if row.report_id != report.id:
        raise crud.not_found("supl.finding.not_found", finding_id)
    row.title, row.description, row.supplier_response = data.title, data.description, data.supplier_response
    row.severity, row.status = data.severity.value, data.status.value
    session.flush()
    return row


# --- a finding becomes a ROS risk -------------------------------------------------------------------

_SCORES = {"low": 2, "medium": 3, "high": 4}


def finding_to_risk(session: Session, actor: Actor, finding_id: int, payload) -> int:
    """Add the finding as a risk to the draft ROS of one of the supplier's services (risk/ros.py's add_risk);
    returns the new risk's id. Refused, in plain words, when the service has no ROS draft (start a revision on
    the ROS page first), when the finding already became a risk, or when the supplier does not deliver to it."""
    actor.require("risk.write")
    data = validate(FindingToRiskIn, payload)
    finding = crud.get_or_raise(session, Finding, finding_id, "supl.finding.not_found")
    if finding.ros_risk_id is not None:
        service_name = session.scalar(select(Service.name).where(Service.code == finding.ros_service_code))
        raise BackofficeError(t("supl.error.already_risk", service=service_name or finding.ros_service_code or "–",
                                id=finding.ros_risk_id))
    report = finding.report
    supplier = session.get(Supplier, report.supplier_id)
    service = crud.scalar_or_raise(session, select(Service).where(Service.code == data.service_code),
                                   "service.not_found", code=data.service_code)
    delivers = session.scalar(select(SupplierService.service_id).where(
        SupplierService.supplier_id == supplier.id, SupplierService.service_id == service.id))
    if delivers is None:
        raise BackofficeError(t("supl.error.not_delivering", supplier=supplier.name, service=service.name))
    draft = session.scalar(
        select(RosAssessment).where(RosAssessment.scope == Scope.SERVICE.value,
                                    RosAssessment.service_code == service.code,
                                    RosAssessment.status == Status.DRAFT.value)
        .order_by(RosAssessment.is_current.desc(), RosAssessment.id.desc()).limit(1))
    if draft is None:
        in_review = session.scalar(select(RosAssessment.id).where(
            RosAssessment.scope == Scope.SERVICE.value, RosAssessment.service_code == service.code,
            RosAssessment.status == Status.IN_REVIEW.value).limit(1))
        raise BackofficeError(t("supl.error.no_draft_in_review" if in_review else "supl.error.no_draft",
                                service=service.name))
    dimensions = [d for d in ("confidentiality", "integrity", "availability") if d in draft.matrix.dimensions] \
        or list(draft.matrix.dimensions[:1])
    risk = ros.add_risk(session, actor, draft.id, {
        "title": t("supl.risk.title", supplier=supplier.name, title=finding.title)[:200],
        "threat": t("supl.risk.threat", supplier=supplier.name, report=report_label(report)),
        "vulnerability": finding.description or finding.title,
        "consequence": t("supl.risk.consequence", severity=t(f"supl.severity.{finding.severity}").lower()),
        "inherent": {"likelihood": data.likelihood, "consequences": {d: data.consequence for d in dimensions}},
        "owner": data.owner,
        "due_date": data.deadline,
        "treatment": "reduce",
        "source": t("supl.risk.source", supplier=supplier.name, report=report_label(report))[:200],
    })
    session.flush()
    finding.ros_risk_id, finding.ros_service_code = risk.id, service.code
    session.flush()
    return risk.id


def suggested_score(finding: Finding) -> int:
    """The likelihood and consequence a finding's severity suggests (1-5 matrix)."""
    return _SCORES.get(finding.severity, 3)


# --- reads ------------------------------------------------------------------------------------------


def certificate_rows(session: Session, supplier_id: int | None = None, on_date: date | None = None) -> list[dict]:
    today, rules = on_date or _today(), settings(session)
    query = (select(Certificate.id, Certificate.version, Certificate.supplier_id, Supplier.name.label("supplier"),
                    Certificate.standard, Certificate.scope, Certificate.issuer, Certificate.certificate_ref,
                    Certificate.issued_on, Certificate.expires_on)
             .join(Supplier, Supplier.id == Certificate.supplier_id)
             .order_by(Supplier.name, Certificate.standard, Certificate.expires_on.desc()))
    if supplier_id is not None:
        query = query.where(Certificate.supplier_id == supplier_id)
    rows = [dict(r._mapping) for r in session.execute(query)]
    for row in rows:
        row["state"] = certificate_state(row["expires_on"], today, rules.certificate_warning_days)
        row["days_left"] = (row["expires_on"] - today).days
    return rows


def report_rows(session: Session, supplier_id: int | None = None) -> list[dict]:
    findings = (select(Finding.report_id, func.count(Finding.id).label("findings"),
                       func.count(Finding.id).filter(Finding.status == "open").label("open_findings"))
                .group_by(Finding.report_id).subquery())
    query = (select(AssuranceReport.id, AssuranceReport.version, AssuranceReport.supplier_id,
                    Supplier.name.label("supplier"), AssuranceReport.standard, AssuranceReport.report_type,
                    AssuranceReport.period_start, AssuranceReport.period_end, AssuranceReport.auditor,
                    AssuranceReport.opinion, AssuranceReport.received_on, AssuranceReport.reviewed_on,
                    AssuranceReport.reviewed_by, AssuranceReport.document_ref, AssuranceReport.notes,
                    func.coalesce(findings.c.findings, 0).label("findings"),
                    func.coalesce(findings.c.open_findings, 0).label("open_findings"))
             .join(Supplier, Supplier.id == AssuranceReport.supplier_id)
             .outerjoin(findings, findings.c.report_id == AssuranceReport.id)
             .order_by(Supplier.name, AssuranceReport.period_end.desc()))
    if supplier_id is not None:
        query = query.where(AssuranceReport.supplier_id == supplier_id)
    return [dict(r._mapping) for r in session.execute(query)]


def finding_rows(session: Session, supplier_id: int | None = None, open_only: bool = False) -> list[dict]:
    query = (select(Finding.id, Finding.version, Finding.report_id, Finding.title, Finding.description,
                    Finding.severity, Finding.supplier_response, Finding.status, Finding.ros_risk_id,
                    Finding.ros_service_code, AssuranceReport.supplier_id, Supplier.name.label("supplier"),
                    AssuranceReport.standard, AssuranceReport.period_end)
             .join(AssuranceReport, AssuranceReport.id == Finding.report_id)
             .join(Supplier, Supplier.id == AssuranceReport.supplier_id)
             .order_by(Supplier.name, AssuranceReport.period_end.desc(), Finding.id))
    if supplier_id is not None:
        query = query.where(AssuranceReport.supplier_id == supplier_id)
    if open_only:
        query = query.where(Finding.status == "open")
    return [dict(r._mapping) for r in session.execute(query)]


def reminders(session: Session, on_date: date | None = None) -> list[dict]:
    """Everything about suppliers' assurance the security officer must act on, most urgent first:
    {kind, supplier_id, supplier, what, due (date or None), days_left}. Kinds: certificate_expired,
    certificate_expiring, report_overdue, report_due_soon, report_not_reviewed, no_assurance."""
    today, rules = on_date or _today(), settings(session)
    out = []
    latest_certificates = (select(Certificate.supplier_id, Certificate.standard,
                                  func.max(Certificate.expires_on).label("expires_on"))
                           .group_by(Certificate.supplier_id, Certificate.standard).subquery())
    for supplier_id, name, standard, expires_on in session.execute(
            select(Supplier.id, Supplier.name, latest_certificates.c.standard, latest_certificates.c.expires_on)
            .join(latest_certificates, latest_certificates.c.supplier_id == Supplier.id)):
        state = certificate_state(expires_on, today, rules.certificate_warning_days)
        if state != "valid":
            out.append({"kind": f"certificate_{state}", "supplier_id": supplier_id, "supplier": name,
                        "what": standard, "due": expires_on, "days_left": (expires_on - today).days})
    latest_reports = (select(AssuranceReport.supplier_id, AssuranceReport.standard,
                             func.max(AssuranceReport.period_end).label("period_end"))
                      .group_by(AssuranceReport.supplier_id, AssuranceReport.standard).subquery())
    for supplier_id, name, standard, period_end in session.execute(
            select(Supplier.id, Supplier.name, latest_reports.c.standard, latest_reports.c.period_end)
            .join(latest_reports, latest_reports.c.supplier_id == Supplier.id)):
        due = report_due(period_end, rules.report_grace_days)
        state = report_state(due, today, rules.report_warning_days)
        if state != "ok":
            out.append({"kind": f"report_{state}", "supplier_id": supplier_id, "supplier": name,
                        "what": t("supl.reminder.next_report", standard=t(f"supl.standard.{standard}"),
                                  end=day(add_months(period_end, 12))),
                        "due": due, "days_left": (due - today).days})
    for report_id, supplier_id, name, standard, received_on, period_end in session.execute(
            select(AssuranceReport.id, Supplier.id, Supplier.name, AssuranceReport.standard,
                   AssuranceReport.received_on, AssuranceReport.period_end)
            .join(Supplier, Supplier.id == AssuranceReport.supplier_id)
            .where(AssuranceReport.reviewed_on.is_(None))):
        out.append({"kind": "report_not_reviewed", "supplier_id": supplier_id, "supplier": name,
                    "what": t("supl.reminder.review", standard=t(f"supl.standard.{standard}"), end=day(period_end),
                              received=day(received_on)),
                    "due": None, "days_left": None, "report_id": report_id})
    without = (select(Supplier.id, Supplier.name)
               .where(Supplier.processes_personal_data.is_(True),
                      Supplier.id.not_in(select(Certificate.supplier_id)),
                      Supplier.id.not_in(select(AssuranceReport.supplier_id)))
               .order_by(Supplier.name))
    for supplier_id, name in session.execute(without):
        out.append({"kind": "no_assurance", "supplier_id": supplier_id, "supplier": name,
                    "what": t("supl.reminder.no_assurance_what"), "due": None, "days_left": None})
    order = {"certificate_expired": 0, "report_overdue": 1, "certificate_expiring": 2, "report_due_soon": 3,
             "report_not_reviewed": 4, "no_assurance": 5}
    out.sort(key=lambda r: (r["due"] or date.max, order[r["kind"]], r["supplier"]))
    return out


def reminder_counts(session: Session, on_date: date | None = None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in reminders(session, on_date):
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return counts


def kpis(session: Session, _actor: Actor) -> list[Kpi]:
    counts = reminder_counts(session)
    rules = settings(session)
    return [
        Kpi(t("supl.kpi.certificates"), number(counts.get("certificate_expired", 0)
                                               + counts.get("certificate_expiring", 0)),
            t("supl.kpi.certificates_help", days=rules.certificate_warning_days,
              expired=number(counts.get("certificate_expired", 0)))),
        Kpi(t("supl.kpi.reports"), number(counts.get("report_overdue", 0)),
            t("supl.kpi.reports_help", due_soon=number(counts.get("report_due_soon", 0)))),
    ]
