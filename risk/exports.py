"""Excel exports of the registers and of NSM maturity assessments, and the municipality template (Excel
and a printable page)."""
from __future__ import annotations

import html
from datetime import date

from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.orm import Session

from data.access import Actor
from data.excel import Column, add_sheet, fill_cells, new_workbook, safe_text, workbook_bytes
from data.formatting import day, money
from data.i18n import t
from data.registers.registry import get_service
from risk import dpia as dpias
from risk import matrix as matrices
from risk import measures, nsm, ros

LEVEL_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _level(level: str | None) -> str:
    return t(f"ros.level.{level}") if level else ""


def _colour_levels(sheet, column_indexes: list[int], levels_by_row: list[list[str | None]]) -> None:
    fill_cells(sheet, ((row_number, index, LEVEL_FILLS[level])
                       for row_number, levels in enumerate(levels_by_row, start=2)
                       for index, level in zip(column_indexes, levels, strict=True) if level in LEVEL_FILLS))


def risk_sheet(workbook, rows: list[dict], title: str | None = None):
    columns = [Column(t("ros.field.service")), Column(t("ros.field.assessment")), Column(t("ros.field.key")),
               Column(t("ros.field.title")), Column(t("ros.field.threat")), Column(t("ros.field.vulnerability")),
               Column(t("ros.field.consequence")), Column(t("ros.field.inherent_level")),
               Column(t("ros.field.current_score"), "int"), Column(t("ros.field.current_level")),
               Column(t("ros.field.residual_level")), Column(t("ros.field.above_acceptance")),
               Column(t("ros.field.knowledge")), Column(t("ros.field.owner")), Column(t("ros.field.treatment")),
               Column(t("ros.field.measures")), Column(t("ros.field.next_review"), "date"),
               Column(t("ros.field.due_date"), "date"), Column(t("ros.field.accepted_until"), "date"),
               Column(t("ros.field.municipality_action"))]
    data = [[r["service_code"] or t("ros.department"), r["assessment"], r["key"], r["title"], r["threat"],
             r["vulnerability"], r["consequence"], _level(r["inherent_level"]), r["current_score"],
             _level(r["current_level"]), _level(r["residual_level"]),
             t("ros.yes") if r["above_acceptance"] else t("ros.no"), t(f"ros.knowledge.{r['knowledge']}"), r["owner"],
             t(f"ros.treatment.{r['treatment']}"), r["measures"], r["next_review"], r["due_date"],
             r["accepted_until"], r["municipality_action"]] for r in rows]
    sheet = add_sheet(workbook, title or t("ros.page.risks"), columns, data)
    _colour_levels(sheet, [8, 10, 11], [[r["inherent_level"], r["current_level"], r["residual_level"]] for r in rows])
    return sheet


def measure_sheet(workbook, rows: list[dict], title: str | None = None):
    columns = [Column(t("ros.field.service")), Column(t("ros.field.assessment")), Column(t("ros.field.key")),
               Column(t("ros.field.title")), Column(t("ros.field.description")), Column(t("ros.field.owner")),
               Column(t("ros.field.due_date"), "date"), Column(t("ros.field.status")),
               Column(t("ros.field.overdue")), Column(t("ros.field.days_overdue"), "int"),
               Column(t("ros.field.cost_ore"), "money"), Column(t("ros.field.effect")), Column(t("ros.field.risks")),
               Column(t("ros.field.completed_on"), "date")]
    data = [[r["service_code"] or t("ros.department"), r["assessment"], r["key"], r["title"], r["description"],
             r["owner"], r["due_date"], t(f"ros.measure.status.{r['status']}"),
             t("ros.yes") if r["overdue"] else t("ros.no"), r["days_overdue"], r["cost_ore"], r["effect"], r["risks"],
             r["completed_on"]] for r in rows]
    return add_sheet(workbook, title or t("ros.page.measures"), columns, data, total_columns=(11,))


def risks_workbook(session: Session, service_code: str | None = None, levels: tuple = (), owner: str | None = None,
                   statuses: tuple = (), above_only: bool = False, search: str = "") -> bytes:
    """The risk register as the register page filters it (risks of the ROS in force)."""
    rows = ros.risk_rows(session, service_code, tuple(levels), owner, tuple(statuses), True, None, above_only)
    workbook = new_workbook()
    risk_sheet(workbook, ros.search_risks(rows, search))
    return workbook_bytes(workbook)


def measures_workbook(session: Session, service_code: str | None = None, statuses: tuple = (),
                      owner: str | None = None, overdue_only: bool = False) -> bytes:
    """The measure register as the measures page filters it, overdue first."""
    rows = measures.measure_rows(session, service_code, tuple(statuses), owner, overdue_only)
    workbook = new_workbook()
    measure_sheet(workbook, measures.in_follow_up_order(rows))
    return workbook_bytes(workbook)


def register_workbook(session: Session, actor: Actor, service_code: str | None = None) -> bytes:
    """Every register for one service (or all): assessments, risks, measures, acceptances, reviews, DPIAs."""
    if service_code:
        get_service(session, service_code)
    workbook = new_workbook()
    assessments = ros.assessment_rows(session, service_code)
    add_sheet(workbook, t("ros.page.register"),
              [Column(t("ros.field.service")), Column(t("ros.field.scope")), Column(t("ros.field.title")),
               Column(t("ros.field.revision"), "int"), Column(t("ros.field.status")),
               Column(t("ros.field.assessed_on"), "date"), Column(t("ros.field.approved_by")),
               Column(t("ros.field.approved_on"), "date"), Column(t("ros.field.next_review"), "date"),
               Column(t("ros.field.risk_count"), "int"), Column(t("ros.field.above_count"), "int")],
              [[a["service_code"] or t("ros.department"), t(f"ros.scope.{a['scope']}"), a["title"], a["revision"],
                t(f"ros.status.{a['status']}"), a["assessed_on"], a["approved_by"], a["approved_on"],
                a["next_review"], a["risks"], a["above"]] for a in assessments], total_columns=(10, 11))
    risk_sheet(workbook, ros.risk_rows(session, service_code))
    measure_sheet(workbook, measures.measure_rows(session, service_code))
    acceptances = ros.acceptance_rows(session, service_code=service_code)
    add_sheet(workbook, t("ros.export.acceptances"),
              [Column(t("ros.field.service")), Column(t("ros.field.key")), Column(t("ros.field.title")),
               Column(t("ros.export.decision")), Column(t("ros.export.approver")), Column(t("ros.export.rationale")),
               Column(t("ros.export.decided_on"), "date"), Column(t("ros.export.expires_on"), "date"),
               Column(t("ros.export.level_then")), Column(t("ros.export.score_then"), "int"),
               Column(t("ros.field.assessment"))],
              [[a["service_code"] or t("ros.department"), a["risk_key"], a["risk_title"],
                t(f"ros.decision.{a['decision']}"), a["approver"], a["rationale"], a["decided_on"], a["expires_on"],
                _level(a["level_then"]), a["score_then"], a["assessment"]] for a in acceptances])
    reviews = ros.due_reviews(session, service_code, horizon_days=30)
    add_sheet(workbook, t("ros.export.reviews"),
              [Column(t("ros.field.service")), Column(t("ros.export.kind")), Column(t("ros.field.title")),
               Column(t("ros.field.description")), Column(t("ros.export.due")), Column(t("ros.field.overdue"))],
              [[r["service_code"] or t("ros.department"), t(f"ros.due.kind.{r['kind']}"), r["what"], r["detail"],
                day(r["due"]), t("ros.yes") if r["overdue"] else t("ros.no")] for r in reviews])
    dpia_list = dpias.dpia_rows(session, actor, service_code)
    add_sheet(workbook, "DPIA",
              [Column(t("ros.field.service")), Column(t("dpia.field.processing")), Column(t("ros.field.revision"), "int"),
               Column(t("ros.field.status")), Column(t("dpia.field.required")), Column(t("dpia.field.residual_level")),
               Column(t("dpia.field.prior_consultation")), Column(t("ros.field.approved_on"), "date")],
              [[d["service_code"], d["processing"], d["revision"], t(f"ros.status.{d['status']}"),
                t("ros.yes") if d["required"] else t("ros.no"), t(f"dpia.level.{d['residual_level']}"),
                t("ros.yes") if d["prior_consultation"] else t("ros.no"), d["approved_on"]] for d in dpia_list])
    return workbook_bytes(workbook)


# --- NSM maturity -------------------------------------------------------------------------------------


def nsm_workbook(session: Session, assessment_id: int) -> bytes:
    """An NSM maturity assessment in four sheets: every measure, by principle, by category, and the gaps
    (furthest below target). The measures sheet reads back in with `nsm.read_assessment_sheet`."""
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


# --- municipality template ---------------------------------------------------------------------------


def template_data(session: Session, service_code: str) -> dict:
    """What the department knows about a service, for a municipality's own ROS and DPIA.

    Only approved material is shared: the service's ROS in force and its approved DPIAs.
    """
    service = get_service(session, service_code)
    assessment = ros.service_summary(session, service.code)["assessment"]
    approved = assessment if assessment is not None and assessment.status == "approved" else None
    risks = ros.risk_rows(session, assessment_id=approved.id) if approved else []
    risks.sort(key=lambda r: r["key"])
    measure_list = measures.measure_rows(session, assessment_id=approved.id) if approved else []
    by_risk: dict[str, list[dict]] = {}
    for measure in measure_list:
        for key in measure["risk_keys"]:
            by_risk.setdefault(key, []).append(measure)
    for risk in risks:
        risk["department_measures"] = "; ".join(
            f"{m['key']} {m['title']} ({t('ros.measure.status.' + m['status'])})" for m in by_risk.get(risk["key"], []))
    matrix = approved.matrix if approved else matrices.current_matrix(session)
    return {"service": service, "assessment": approved, "risks": risks, "measures": measure_list,
            "dpias": dpias.latest_approved(session, service.code), "matrix": matrix, "made_on": date.today()}


def _dpia_field_rows(dpia) -> list[tuple[str, str]]:
    def codes(values, prefix):
        return "; ".join(t(f"dpia.{prefix}.{v}") for v in values)

    result = dpias.screening(dpia.screening_criteria or [], dpia.screening_listed or [])
    return [
        (t("dpia.field.processing"), dpia.processing),
        (t("dpia.field.screening_criteria"), codes(dpia.screening_criteria or [], "criterion")),
        (t("dpia.field.screening_listed"), codes(dpia.screening_listed or [], "listed")),
        (t("dpia.field.required"), result["reason"]),
        (t("dpia.field.purposes"), dpia.purposes),
        (t("dpia.field.data_categories"), dpia.data_categories),
        (t("dpia.field.special_categories"), dpia.special_categories),
        (t("dpia.field.data_subjects"), dpia.data_subjects),
        (t("dpia.field.recipients"), dpia.recipients),
        (t("dpia.field.retention"), dpia.retention),
        (t("dpia.field.legal_basis_art6"), codes(dpia.legal_basis_art6 or [], "art6")),
        (t("dpia.field.legal_basis_art9"), codes(dpia.legal_basis_art9 or [], "art9")),
        (t("dpia.field.legal_basis_note"), dpia.legal_basis_note),
        (t("dpia.field.necessity"), dpia.necessity),
        (t("dpia.field.proportionality"), dpia.proportionality),
        (t("dpia.field.measures"), dpia.measures),
        (t("dpia.field.residual_level"), t(f"dpia.level.{dpia.residual_level}")),
    ]


def template_workbook(session: Session, service_code: str) -> bytes:
    data = template_data(session, service_code)
    service, assessment = data["service"], data["assessment"]
    workbook = new_workbook()
    about = workbook.create_sheet(t("ros.template.sheet_about"))
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 90
    about["A1"] = t("ros.template.heading", service=service.name)
    about["A1"].font = Font(bold=True, size=14)
    lines = [
        (t("ros.field.service"), f"{service.name} ({service.code})"),
        (t("ros.template.made_on"), day(data["made_on"])),
        (t("ros.template.based_on"), ros.label(assessment) if assessment else t("ros.template.no_approved_ros")),
        (t("ros.field.approved_on"), day(assessment.approved_at) if assessment else ""),
        (t("ros.template.how_label"), t("ros.template.how")),
        (t("ros.template.columns_label"), t("ros.template.columns")),
        (t("ros.template.municipality"), ""),
        (t("ros.template.responsible"), ""),
    ]
    for index, (key, value) in enumerate(lines, start=3):
        about.cell(row=index, column=1, value=key).font = Font(bold=True)
        cell = about.cell(row=index, column=2, value=safe_text(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    risk_columns = [Column(t("ros.field.key")), Column(t("ros.field.title")), Column(t("ros.field.threat")),
                    Column(t("ros.field.consequence")), Column(t("ros.template.department_level")),
                    Column(t("ros.template.department_residual")), Column(t("ros.template.department_measures")),
                    Column(t("ros.field.municipality_action")), Column(t("ros.template.m_likelihood"), "int"),
                    Column(t("ros.template.m_consequence"), "int"), Column(t("ros.template.m_score"), "int"),
                    Column(t("ros.template.m_measures")), Column(t("ros.template.m_owner")),
                    Column(t("ros.template.m_deadline"), "date")]
    rows = []
    for number, r in enumerate(data["risks"], start=2):
        rows.append([r["key"], r["title"], r["threat"], r["consequence"], _level(r["current_level"]),
                     _level(r["residual_level"]), r["department_measures"], r["municipality_action"], None, None,
                     f'=IF(AND(ISNUMBER(I{number}),ISNUMBER(J{number})),I{number}*J{number},"")', None, None, None])
    sheet = add_sheet(workbook, t("ros.template.sheet_ros"), risk_columns, rows)
    _colour_levels(sheet, [5, 6], [[r["current_level"], r["residual_level"]] for r in data["risks"]])
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row in range(2, len(rows) + 2):
        for column in (9, 10, 12, 13, 14):
            sheet.cell(row=row, column=column).fill = fill

    measure_sheet(workbook, data["measures"], t("ros.template.sheet_measures"))

    dpia_sheet = workbook.create_sheet(t("ros.template.sheet_dpia"))
    dpia_sheet.append([t("ros.template.dpia_question"), t("ros.template.dpia_department"),
                       t("ros.template.dpia_municipality")])
    for cell in dpia_sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    if data["dpias"]:
        for dpia in data["dpias"]:
            for question, answer in _dpia_field_rows(dpia):
                dpia_sheet.append([question, safe_text(answer or ""), None])
            for risk in dpia.risks:
                dpia_sheet.append([f"{t('dpia.risk.description')} {risk.key}",
                                   safe_text(f"{risk.description} — {t('dpia.risk.measures')}: {risk.measures} — "
                                             f"{t('dpia.risk.residual_level')}: {t('dpia.level.' + risk.residual_level)}"),
                                   None])
            dpia_sheet.append([])
    else:
        dpia_sheet.append([t("dpia.field.processing"), safe_text(service.description or service.name), None])
        dpia_sheet.append([t("ros.template.no_dpia"), "", None])
    for question in ("ros.template.q_own_purpose", "ros.template.q_own_basis", "ros.template.q_own_retention",
                     "ros.template.q_own_access", "ros.template.q_own_dpo", "ros.template.q_own_conclusion"):
        dpia_sheet.append([t(question), "", None])
    dpia_sheet.column_dimensions["A"].width = 40
    dpia_sheet.column_dimensions["B"].width = 80
    dpia_sheet.column_dimensions["C"].width = 60
    for row in dpia_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[2].fill = fill
    dpia_sheet.freeze_panes = "A2"

    matrix = data["matrix"]
    add_sheet(workbook, t("ros.page.matrix"),
              [Column(t("ros.template.scale")), Column(t("ros.level")), Column(t("ros.template.label")),
               Column(t("ros.field.description"))],
              [[t("ros.field.likelihood"), i, lv["label"], lv["description"]]
               for i, lv in enumerate(matrix.likelihood_levels, start=1)]
              + [[t("ros.field.consequence"), i, lv["label"], lv["description"]]
                 for i, lv in enumerate(matrix.consequence_levels, start=1)]
              + [[t("ros.template.thresholds"), None,
                  t("ros.template.threshold_text", yellow=matrix.yellow_from, red=matrix.red_from),
                  t("ros.template.accept_text", level=_level(matrix.accept_up_to))]])
    return workbook_bytes(workbook)


def template_html(session: Session, service_code: str) -> str:
    """The same template as a printable page (self-contained HTML)."""
    data = template_data(session, service_code)
    service, assessment = data["service"], data["assessment"]
    e = html.escape
    colours = {"green": "#C6EFCE", "yellow": "#FFEB9C", "red": "#FFC7CE"}
    parts = [
        "<!doctype html><html lang='no'><head><meta charset='utf-8'>",
        f"<title>{e(t('ros.template.heading', service=service.name))}</title>",
        "<style>body{font-family:sans-serif;font-size:11pt;margin:2em}table{border-collapse:collapse;width:100%;"
        "margin-bottom:1.5em}th,td{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}"
        "th{background:#1F4E79;color:#fff}.fill{background:#FFF2CC;min-width:8em}"
        "@media print{h2{page-break-before:always}}</style></head><body>",
        f"<h1>{e(t('ros.template.heading', service=service.name))}</h1>",
        f"<p>{e(t('ros.template.made_on'))}: {e(day(data['made_on']))}. {e(t('ros.template.based_on'))}: "
        f"{e(ros.label(assessment) if assessment else t('ros.template.no_approved_ros'))}.</p>",
        f"<p>{e(t('ros.template.how'))}</p>",
        f"<h2>{e(t('ros.template.sheet_ros'))}</h2><table><tr>",
    ]
    headers = ["ros.field.key", "ros.field.title", "ros.field.threat", "ros.template.department_level",
               "ros.template.department_residual", "ros.template.department_measures", "ros.field.municipality_action",
               "ros.template.m_likelihood", "ros.template.m_consequence", "ros.template.m_measures"]
    parts.append("".join(f"<th>{e(t(h))}</th>" for h in headers) + "</tr>")
    for r in data["risks"]:
        parts.append(
            f"<tr><td>{e(r['key'])}</td><td>{e(r['title'])}</td><td>{e(r['threat'])}</td>"
            f"<td style='background:{colours[r['current_level']]}'>{e(_level(r['current_level']))}</td>"
            f"<td style='background:{colours[r['residual_level']]}'>{e(_level(r['residual_level']))}</td>"
            f"<td>{e(r['department_measures'])}</td><td>{e(r['municipality_action'])}</td>"
            "<td class='fill'></td><td class='fill'></td><td class='fill'></td></tr>")
    if not data["risks"]:
        parts.append(f"<tr><td colspan='{len(headers)}'>{e(t('ros.template.no_approved_ros'))}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h2>{e(t('ros.template.sheet_dpia'))}</h2>")
    for dpia in data["dpias"]:
        parts.append(f"<h3>{e(dpia.processing)}</h3><table><tr><th>{e(t('ros.template.dpia_question'))}</th>"
                     f"<th>{e(t('ros.template.dpia_department'))}</th><th>{e(t('ros.template.dpia_municipality'))}</th></tr>")
        for question, answer in _dpia_field_rows(dpia):
            parts.append(f"<tr><td>{e(question)}</td><td>{e(answer or '')}</td><td class='fill'></td></tr>")
        parts.append("</table>")
    if not data["dpias"]:
        parts.append(f"<p>{e(t('ros.template.no_dpia'))}</p>")
    parts.append("<table>")
    for question in ("ros.template.q_own_purpose", "ros.template.q_own_basis", "ros.template.q_own_retention",
                     "ros.template.q_own_access", "ros.template.q_own_dpo", "ros.template.q_own_conclusion"):
        parts.append(f"<tr><td>{e(t(question))}</td><td class='fill' style='height:3em;width:60%'></td></tr>")
    parts.append("</table>")
    if data["measures"]:
        parts.append(f"<h2>{e(t('ros.template.sheet_measures'))}</h2><table><tr>"
                     + "".join(f"<th>{e(t(h))}</th>" for h in ("ros.field.key", "ros.field.title", "ros.field.status",
                                                                "ros.field.due_date", "ros.field.cost_ore"))
                     + "</tr>")
        for m in data["measures"]:
            parts.append(f"<tr><td>{e(m['key'])}</td><td>{e(m['title'])}</td>"
                         f"<td>{e(t('ros.measure.status.' + m['status']))}</td><td>{e(day(m['due_date']))}</td>"
                         f"<td>{e(money(m['cost_ore']))}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
