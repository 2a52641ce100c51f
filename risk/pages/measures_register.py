"""The measure register: owner, deadline and status; overdue first; follow-up for the security officer."""
import pandas as pd
import streamlit as st

from data.formatting import from_ore, money
from data.i18n import t
from data.pages import common
from risk import exports, measures
from risk.pages.widgets import service_filter, service_name
from risk.schemas import MeasureStatus

actor = common.require_actor()
common.header("ros.page.measures", "ros.page.measures_intro")

f1, f2, f3, f4 = st.columns([2, 2, 2, 1])
service = service_filter(f1, "ros-measures-service")
statuses = f2.multiselect(t("ros.field.status"), [s.value for s in MeasureStatus],
                          default=["planned", "in_progress"], format_func=lambda v: t(f"ros.measure.status.{v}"))
owner = f3.text_input(t("ros.field.owner"), placeholder=t("ros.measures.owner_placeholder"))
overdue_only = f4.toggle(t("ros.measures.overdue_only"))

rows = common.cached(measures.measure_rows, service, tuple(statuses), owner.strip() or None, overdue_only)
if not rows:
    common.empty_state("ros.measures.none_match")
else:
    rows = measures.in_follow_up_order(rows)
    overdue = sum(1 for r in rows if r["overdue"])
    total = sum(r["cost_ore"] or 0 for r in rows)
    st.caption(t("ros.measures.count", count=len(rows), overdue=overdue, amount=money(total)))
    frame = pd.DataFrame(rows)
    frame["service_code"] = frame["service_code"].map(service_name)
    frame["status"] = frame["status"].map(lambda v: t(f"ros.measure.status.{v}"))
    frame["overdue"] = frame["overdue"].map(lambda v: "⚠️" if v else "")
    frame["cost"] = frame["cost_ore"].map(lambda v: float(from_ore(v)) if pd.notna(v) else None)
    st.dataframe(
        frame[["overdue", "service_code", "key", "title", "owner", "due_date", "days_overdue", "status", "cost",
               "effect", "risks", "assessment"]],
        hide_index=True, width="stretch",
        column_config={
            "overdue": st.column_config.TextColumn(t("ros.field.overdue"), width="small"), "service_code": t("ros.field.service"),
            "key": t("ros.field.key"), "title": t("ros.field.title"), "owner": t("ros.field.owner"),
            "due_date": common.date_column(t("ros.field.due_date")),
            "days_overdue": st.column_config.NumberColumn(t("ros.field.days_overdue"), format="%d"),
            "status": t("ros.field.status"), "cost": common.money_column(t("ros.field.cost_ore")),
            "effect": t("ros.field.effect"), "risks": t("ros.field.risks"), "assessment": t("ros.field.assessment"),
        })
    content = common.cached(exports.measures_workbook, service, tuple(statuses), owner.strip() or None, overdue_only)
    st.download_button(t("ui.download_excel"), content, "tiltak.xlsx", mime=exports.XLSX_MIME,
                       icon=":material/download:")

    # follow-up on drafts and approved versions; not on one waiting for the leader, nor a superseded one
    followable = [r for r in rows if r["assessment_status"] in ("draft", "approved")]
    if actor.can("risk.write") and followable:
        by_id = {r["id"]: r for r in followable}
        st.markdown(f"**{t('ros.measures.progress')}**")
        chosen = st.selectbox(t("ros.measures.choose"), list(by_id), key="ros-measures-progress-choose",
                              format_func=lambda i: f"{service_name(by_id[i]['service_code'])} "
                                                    f"{by_id[i]['key']} {by_id[i]['title']}")
        picked = by_id[chosen]
        with st.form(f"ros-measures-progress-{chosen}-{picked['version']}"):   # drawn anew with the saved values
            c1, c2, c3, c4 = st.columns(4)
            all_statuses = [s.value for s in MeasureStatus]
            status = c1.selectbox(t("ros.field.status"), all_statuses, index=all_statuses.index(picked["status"]),
                                  format_func=lambda v: t(f"ros.measure.status.{v}"))
            due = c2.date_input(t("ros.measures.new_due"), None, format="DD.MM.YYYY")
            new_owner = c3.text_input(t("ros.measures.new_owner"))
            completed = c4.date_input(t("ros.field.completed_on"), picked["completed_on"], format="DD.MM.YYYY")
            if st.form_submit_button(t("ui.save"), type="primary"):
                payload = {"status": status, "due_date": due, "owner": new_owner or None, "completed_on": completed}
                if common.write(measures.record_progress, chosen, payload, expected_version=picked["version"],
                                success=t("ui.saved")):
                    st.rerun()
