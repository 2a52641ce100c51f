"""Excel exports of threats (one service or all) and of an NSM maturity assessment (issue 8)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.i18n import t
from data.registers.models import Service
from risk import nsm
from risk.threats.modelling import threat_row
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
               f"{r['category']} – {t('threat.stride.' + r['category'])}", r["title"],
               t(f"threat.severity.{r['severity']}"), r["rank"], t(f"threat.status.{r['status']}"), r["mitigation"],
               t(f"threat.origin.{r['origin']}"), t(f"threat.stale.{r['stale']}") if r["stale"] else "",
               r["ros_risk_id"], r["risk_owner"], r["risk_deadline"], r["decided_by"], r["decided_at"]]
              for r in rows]
    workbook = new_workbook()
    add_sheet(workbook, t("threat.sheet.threats"), columns, values)
    return workbook_bytes(workbook)


def assessment_workbook(session: Session, assessment_id: int) -> bytes:
    """Four sheets: every measure, by principle, by category, and the gaps (furthest below target)."""
    rows = nsm.score_rows(session, assessment_id)
    workbook = new_workbook()
    measure_columns = [Column(t("nsm.col.measure_id")), Column(t("nsm.col.measure"), width=55),
                       Column(t("nsm.col.principle"), width=40), Column(t("nsm.col.category")),
                       Column(t("nsm.col.level"), "int"), Column(t("nsm.col.target"), "int"),
                       Column(t("nsm.col.gap"), "int"), Column(t("nsm.col.evidence"), width=50),
                       Column(t("nsm.col.comment"), width=40)]
    gap_formula_rows = []
    for index, r in enumerate(rows, start=2):
        gap = f'=IF(E{index}="","",F{index}-E{index})'
        gap_formula_rows.append([r["measure_id"], r["measure"], f"{r['principle_id']} {r['principle']}",
                                 f"{r['category_id']} {r['category']}", r["level"], r["target"], gap,
                                 r["evidence"], r["comment"]])
    add_sheet(workbook, t("nsm.sheet.measures"), measure_columns, gap_formula_rows)
    result = nsm.results(session, assessment_id)
    rollup_columns = [Column(t("nsm.col.id")), Column(t("nsm.col.title"), width=50),
                      Column(t("nsm.col.average"), "decimal"), Column(t("nsm.col.target"), "decimal"),
                      Column(t("nsm.col.gap"), "decimal"), Column(t("nsm.col.scored"), "int"),
                      Column(t("nsm.col.below_target"), "int")]
    for sheet, key in ((t("nsm.sheet.principles"), "principles"), (t("nsm.sheet.categories"), "categories")):
        add_sheet(workbook, sheet, rollup_columns,
                  [[r["id"], r["title"], r["average"], r["target"], r["gap"], r["scored"], r["below_target"]]
                   for r in result[key]])
    gap_rows = nsm.gaps(session, assessment_id, limit=None)
    add_sheet(workbook, t("nsm.sheet.gaps"), measure_columns,
              [[r["measure_id"], r["measure"], f"{r['principle_id']} {r['principle']}",
                f"{r['category_id']} {r['category']}", r["level"], r["target"], r["gap"], r["evidence"],
                r["comment"]] for r in gap_rows])
    return workbook_bytes(workbook)


def read_assessment_sheet(content: bytes) -> list[dict]:
    """Rows of the measures sheet of an exported assessment, for `nsm.update_scores` (import back)."""
    from data.excel import read_sheet

    _headers, rows = read_sheet(content, t("nsm.sheet.measures"))

    def number(value):
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return value

    out = []
    for row_number, r in rows:
        item = {"row": row_number, "measure_id": str(r.get(t("nsm.col.measure_id")) or "").strip(),
                "level": number(r.get(t("nsm.col.level"))), "evidence": str(r.get(t("nsm.col.evidence")) or ""),
                "comment": str(r.get(t("nsm.col.comment")) or "")}
        target = number(r.get(t("nsm.col.target")))
        if target is not None:
            item["target"] = target
        out.append(item)
    return out
