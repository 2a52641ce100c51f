"""Excel export of threats (one service or all) (issue 8)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.i18n import t
from data.registers.models import Service
from risk.threats.modelling import severity_label, threat_row, type_label
from risk.threats.models import Threat, ThreatModel


def threat_rows(session: Session, service_code: str | None = None) -> list[dict]:
    query = (select(Service.code, Service.name, Threat).join(ThreatModel, ThreatModel.id == Threat.model_id)
             .join(Service, Service.id == ThreatModel.service_id)
             .order_by(Service.name, Threat.rank.desc(), Threat.id))
    if service_code:
        query = query.where(Service.code == service_code)
    out = []
    for code, name, threat in session.execute(query):
        row = threat_row(threat)
        row.update({"service": code, "service_name": name})
        out.append(row)
    return out


def threats_workbook(session: Session, service_code: str | None = None) -> bytes:
    rows = threat_rows(session, service_code)
    columns = [Column(t("threat.col.service")), Column(t("threat.col.element")), Column(t("threat.col.kind")),
               Column(t("threat.col.category")), Column(t("threat.col.title"), width=50),
               Column(t("threat.col.severity")), Column(t("threat.col.rank"), "int"),
               Column(t("threat.col.status")), Column(t("threat.col.mitigation"), width=50),
               Column(t("threat.col.origin")), Column(t("threat.col.stale")),
               Column(t("threat.col.ros_risk"), "int"), Column(t("threat.col.risk_owner")),
               Column(t("threat.col.risk_deadline"), "date"), Column(t("threat.col.decided_by")),
               Column(t("threat.col.decided_at"), "datetime")]
    values = [[r["service_name"], r["element"], t(f"threat.kind.{r['element_kind']}") if r["element_kind"] else "",
               type_label(r), r["title"], severity_label(r["severity"]), r["rank"], t(f"threat.status.{r['status']}"), r["mitigation"],
               t(f"threat.origin.{r['origin']}"), t(f"threat.stale.{r['stale']}") if r["stale"] else "",
               r["ros_risk_id"], r["risk_owner"], r["risk_deadline"], r["decided_by"], r["decided_at"]]
              for r in rows]
    workbook = new_workbook()
    add_sheet(workbook, t("threat.sheet.threats"), columns, values)
    return workbook_bytes(workbook)
