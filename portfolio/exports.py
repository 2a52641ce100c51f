"""Excel exports of the plan and of the capacity table (styled, filters, live formulas for balances)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import utcnow
from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.i18n import t
from portfolio import capacity, projects, staffing
from portfolio.models import Allocation, Demand, DeptRole, Person, Phase, Project
from portfolio.schemas import fte_of, month_label

CAPACITY_COLUMNS = ("role", "month", "capacity", "background", "free", "allocated", "open", "demand", "balance",
                    "shortage", "utilisation", "consultant")


def _capacity_sheet(workbook, session: Session, first: date, last: date, scenario_id: int | None = None):
    rows = capacity.capacity_table(session, first, last, scenario_id)
    columns = [Column(t("pf.col.role")), Column(t("pf.col.month"), width=10),
               Column(t("pf.col.capacity"), "decimal"), Column(t("pf.col.background"), "decimal"),
               Column(t("pf.col.free"), "decimal"), Column(t("pf.col.allocated"), "decimal"),
               Column(t("pf.col.open"), "decimal"), Column(t("pf.col.demand"), "decimal"),
               Column(t("pf.col.balance"), "decimal"), Column(t("pf.col.shortage"), "decimal"),
               Column(t("pf.col.utilisation"), "percent"), Column(t("pf.col.consultant"), "decimal")]
    body = []
    for index, r in enumerate(rows, start=2):
        body.append([r["role"], month_label(r["month"]), r["capacity"], r["background"], f"=C{index}-D{index}",
                     r["allocated"], r["open"], f"=F{index}+G{index}", f"=E{index}-H{index}",
                     f"=MAX(0,H{index}-E{index})", f'=IF(E{index}>0,H{index}/E{index},"")', r["consultant"]])
    add_sheet(workbook, t("pf.sheet.capacity"), columns, body, total_columns=(10,))
    return rows


def capacity_workbook(session: Session, first: date, last: date, scenario_id: int | None = None) -> bytes:
    workbook = new_workbook()
    _capacity_sheet(workbook, session, first, last, scenario_id)
    _flag_sheets(workbook, session, first, last)
    return workbook_bytes(workbook)


def _flag_sheets(workbook, session: Session, first: date, last: date) -> None:
    over = capacity.over_allocations(session, first, last)
    add_sheet(workbook, t("pf.sheet.over"), [
        Column(t("pf.col.person")), Column(t("pf.col.kind")), Column(t("pf.col.months")),
        Column(t("pf.col.allocated"), "decimal"), Column(t("pf.col.available"), "decimal"),
        Column(t("pf.col.over"), "decimal"), Column(t("pf.col.reason"), width=60)],
        [[r["person"], t(f"pf.kind.{r['kind']}"), r["months"], r["allocated"], r["available"], r["over"],
          r["reason"]] for r in over])
    unstaffed = capacity.unstaffed_demand(session, first, last)
    add_sheet(workbook, t("pf.sheet.unstaffed"), [
        Column(t("pf.col.project")), Column(t("pf.col.role")), Column(t("pf.col.months")),
        Column(t("pf.col.fte"), "decimal"), Column(t("pf.col.fte_months"), "decimal"),
        Column(t("pf.col.reason"), width=60)],
        [[r["project"], r["role"], r["months"], r["fte"], r["fte_months"], r["reason"]] for r in unstaffed],
        total_columns=(5,))


def plan_workbook(session: Session, first: date, last: date) -> bytes:
    """The whole plan: projects, their needs month by month, capacity and flags."""
    workbook = new_workbook()
    rows = projects.project_rows(session)
    add_sheet(workbook, t("pf.sheet.projects"), [
        Column(t("pf.col.priority"), "int"), Column(t("pf.col.project")), Column(t("pf.col.service")),
        Column(t("pf.col.phase")), Column(t("pf.col.financing")), Column(t("pf.col.owner")),
        Column(t("pf.col.product_owner")), Column(t("pf.col.start"), "date"), Column(t("pf.col.end"), "date"),
        Column(t("pf.col.documents"), "int")],
        [[r["priority"] if r["phase"] != Phase.HANDED_OVER else None, r["name"], r["service_code"],
          projects.phase_label(r["phase"]), t(f"pf.financing.{r['financing']}"), r["owner"] or "",
          r["product_owner"] or "", r["start_date"], r["end_date"], r["documents"]] for r in rows])
    needs = []
    for model in (Demand, Allocation):
        query = (select(Project.priority, Project.name, DeptRole.code, DeptRole.name, model.month, model.fte_pct)
                 .join(Project, Project.id == model.project_id).join(DeptRole, DeptRole.id == model.role_id)
                 .where(Project.phase != Phase.HANDED_OVER.value))
        if model is Allocation:
            query = query.add_columns(Person.name, Person.kind).join(Person, Person.id == Allocation.person_id)
        for row in session.execute(query):
            person, kind = (row[6], t(f"pf.kind.{row[7]}")) if model is Allocation else ("", t("pf.col.open"))
            needs.append([row[0], row[1], staffing.role_label(row[2], row[3]), person, kind, month_label(row[4]),
                          fte_of(row[5])])
    needs.sort(key=lambda r: (r[0], r[2], r[3], r[5]))
    add_sheet(workbook, t("pf.sheet.needs"), [
        Column(t("pf.col.priority"), "int"), Column(t("pf.col.project")), Column(t("pf.col.role")),
        Column(t("pf.col.person")), Column(t("pf.col.kind")), Column(t("pf.col.month"), width=10),
        Column(t("pf.col.fte"), "decimal")], needs, total_columns=(7,))
    _capacity_sheet(workbook, session, first, last)
    _flag_sheets(workbook, session, first, last)
    return workbook_bytes(workbook)


def demand_workbook(session: Session, first: date | None = None, last: date | None = None) -> bytes:
    """Open demand in the import layout (the sheet «Behov»: project, role, one FTE column per month),
    with a guide sheet listing the roles and each active project's period. Import it back unchanged and
    nothing changes."""
    months, rows = staffing.demand_grid(session, first, last)
    workbook = new_workbook()
    columns = ([Column(t("pf.col.project"), width=40), Column(t("pf.col.role"), width=26)]
               + [Column(month_label(m), "decimal", width=9) for m in months])
    add_sheet(workbook, t(staffing.DEMAND_SHEET), columns, rows)
    workbook[t(staffing.DEMAND_SHEET)].freeze_panes = "C2"
    guide = [[t("pf.demand.guide_how"), t("pf.demand.guide_how_text")],
             [t("pf.demand.guide_exported"), utcnow().strftime("%d.%m.%Y %H:%M UTC")],
             [t("pf.demand.guide_roles"), ", ".join(staffing.role_label(r.code, r.name)
                                                    for r in staffing.roles(session))]]
    guide += [[t("pf.demand.guide_project", name=p.name),
               t("pf.demand.guide_period", first=month_label(p.start_date), last=month_label(p.end_date))]
              for p in staffing.active_projects(session)]
    add_sheet(workbook, t("pf.sheet.demand_guide"), [Column(t("pf.demand.guide_what"), width=40),
                                                    Column(t("pf.demand.guide_value"), width=100)], guide)
    return workbook_bytes(workbook)
