from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from agreements import change_requests, councils, exports, roadmap
from agreements.models import ChangeRequestStatus, RoadmapStatus
from agreements.pages.widgets import call, organisation_names, pick_service, service_names, xlsx_button
from data.formatting import number
from data.i18n import t
from data.pages import common

actor = common.require_actor()
common.header("agr.page.change_requests", "agr.cr.intro")

CR_STATUSES = [s.value for s in ChangeRequestStatus]
RM_STATUSES = [s.value for s in RoadmapStatus]


def cr_label(status: str) -> str:
    return t(f"agr.cr_status.{status}")


def rm_label(status: str) -> str:
    return t(f"agr.rm_status.{status}")


c1, c2, c3 = st.columns([2, 3, 3])
with c1:
    code = pick_service(actor, "cr-service", allow_all=True)
search = c2.text_input(t("ui.search"), placeholder=t("agr.cr.search_placeholder"), key="cr-search")
statuses = c3.multiselect(t("agr.cr.status"), CR_STATUSES, default=list(change_requests.OPEN_STATUSES),
                          format_func=cr_label, key="cr-status")
names = service_names()
tab_requests, tab_roadmap = st.tabs([t("agr.tab.requests"), t("agr.tab.roadmap")])

with tab_requests:
    rows = common.cached(change_requests.change_request_rows, code, tuple(statuses), search)
    if not rows:
        common.empty_state("agr.cr.empty")
    else:
        frame = pd.DataFrame(rows)
        decided_in = common.cached(councils.decision_references, tuple(int(i) for i in frame["id"]))
        st.caption(t("agr.cr.count", count=number(len(frame))))
        st.dataframe(
            frame.assign(status=frame["status"].map(cr_label), decided_in=frame["id"].map(decided_in))[
                ["id", "service", "title", "organisation", "submitted_by", "submitted_on", "status",
                 "council_priority", "decided_in", "roadmap", "description", "assessment"]],
            hide_index=True, width="stretch",
            column_config={
                "id": st.column_config.NumberColumn(t("agr.cr.id"), format="%d"), "service": t("agr.col.service"),
                "title": t("agr.cr.title"), "organisation": t("agr.col.organisation"),
                "submitted_by": t("agr.cr.submitted_by"),
                "submitted_on": common.date_column(t("agr.cr.submitted_on")), "status": t("agr.cr.status"),
                "council_priority": st.column_config.NumberColumn(t("agr.cr.priority"), format="%d",
                                                                  help=t("agr.cr.priority_help")),
                "decided_in": st.column_config.TextColumn(t("agr.cr.decided_in"), help=t("agr.cr.decided_in_help")),
                "roadmap": t("agr.cr.roadmap"),
                "description": st.column_config.TextColumn(t("agr.cr.description"), width="medium"),
                "assessment": st.column_config.TextColumn(t("agr.cr.assessment"), width="medium")})
        xlsx_button("ui.download_excel", exports.change_requests_workbook(rows), "endringsonsker.xlsx", key="cr-xlsx")

        # which council decisions dealt with a change request (read-only; decisions are recorded on the
        # council page)
        st.subheader(t("agr.cr.decisions_title"))
        st.caption(t("agr.cr.decisions_help"))
        listed = {r["id"]: r for r in rows}
        shown_id = st.selectbox(t("agr.cr.choose"), list(listed), key="cr-decisions-choose",
                                format_func=lambda i: f"#{i} {listed[i]['title']} ({listed[i]['service']})")
        decided = common.cached(councils.decisions_for_change_request, shown_id)
        if not decided:
            common.empty_state("agr.cr.decisions_empty")
        else:
            st.dataframe(
                pd.DataFrame(decided)[["meeting_date", "number", "text", "meeting_title"]], hide_index=True,
                width="stretch",
                column_config={"meeting_date": common.date_column(t("agr.meeting.date")),
                               "number": st.column_config.NumberColumn(t("agr.cr.decision_number"), format="%d"),
                               "text": st.column_config.TextColumn(t("agr.meeting.decision_text"), width="large"),
                               "meeting_title": t("agr.cr.decision_meeting")})

    writable = [c for c in names if actor.can("agreements.write", service=c)]
    if actor.can("agreements.write") and writable:
        st.subheader(t("agr.cr.edit"))
        editable = {r["id"]: r for r in rows if r["service_code"] in writable}
        choice = st.selectbox(t("agr.cr.choose"), ["new"] + list(editable), key="cr-choose",
                              format_func=lambda i: t("agr.cr.new") if i == "new" else
                              f"#{i} {editable[i]['title']} ({editable[i]['service']})")
        current = editable.get(choice)
        service_code = current["service_code"] if current else (code if code in writable else writable[0])
        if current is None:
            service_code = st.selectbox(t("agr.col.service"), writable, index=writable.index(service_code),
                                        format_func=names.get, key="cr-new-service")
        members = {c.organisation_id for c in common.cached(councils.user_meeting, service_code)}
        orgs = organisation_names(members | ({current["organisation_id"]} if current and current["organisation_id"]
                                             else set()))
        items = {r["id"]: r for r in common.cached(roadmap.roadmap_rows, service_code)}
        with st.form(f"cr-{choice}-{current['version'] if current else 0}-{service_code}"):
            f1, f2 = st.columns(2)
            title = st.text_input(t("agr.cr.title"), current["title"] if current else "")
            description = st.text_area(t("agr.cr.description"), current["description"] if current else "")
            org_options = [None] + list(orgs)
            org_id = f1.selectbox(t("agr.col.organisation"), org_options, help=t("agr.cr.organisation_help"),
                                  index=org_options.index(current["organisation_id"]) if current else 0,
                                  format_func=lambda i: "–" if i is None else orgs[i])
            submitted_by = f2.text_input(t("agr.cr.submitted_by"), current["submitted_by"] if current else "")
            submitted_on = f1.date_input(t("agr.cr.submitted_on"), current["submitted_on"] if current else date.today(),
                                         format="DD.MM.YYYY")
            status = f2.selectbox(t("agr.cr.status"), CR_STATUSES, format_func=cr_label,
                                  index=CR_STATUSES.index(current["status"]) if current else 0)
            priority = f1.number_input(t("agr.cr.priority"), min_value=0, max_value=99, step=1,
                                       value=current["council_priority"] or 0 if current else 0,
                                       help=t("agr.cr.priority_help"))
            item_options = [None] + list(items)
            item_id = f2.selectbox(t("agr.cr.roadmap"), item_options,
                                   index=item_options.index(current["roadmap_item_id"])
                                   if current and current["roadmap_item_id"] in items else 0,
                                   format_func=lambda i: "–" if i is None else
                                   f"{items[i]['quarter_label']}: {items[i]['title']}")
            assessment = st.text_area(t("agr.cr.assessment"), current["assessment"] if current else "",
                                      help=t("agr.cr.assessment_help"))
            if st.form_submit_button(t("ui.save"), type="primary"):
                payload = {"service_code": service_code, "organisation_id": org_id, "title": title,
                           "description": description, "submitted_by": submitted_by, "submitted_on": submitted_on,
                           "status": status, "council_priority": int(priority) or None, "assessment": assessment,
                           "roadmap_item_id": item_id}
                if call(change_requests.save_change_request, payload, request_id=current["id"] if current else None,
                        expected_version=current["version"] if current else None, success=t("ui.saved")):
                    st.rerun()

with tab_roadmap:
    items_rows = common.cached(roadmap.roadmap_rows, code)
    if not items_rows:
        common.empty_state("agr.rm.empty")
    else:
        frame = pd.DataFrame(items_rows)
        frame["period"] = frame["year"].astype(str) + "-K" + frame["quarter"].astype(str)
        frame["status_label"] = frame["status"].map(rm_label)
        chart = px.scatter(frame, x="period", y="service", color="status_label", text="title",
                           category_orders={"period": sorted(frame["period"].unique())},
                           labels={"period": t("agr.rm.quarter"), "service": t("agr.col.service"),
                                   "status_label": t("agr.rm.status")},
                           title=t("agr.rm.chart_title"))
        chart.update_traces(textposition="top center", marker={"size": 14})
        st.plotly_chart(chart, width="stretch")
        st.dataframe(
            frame.assign(status=frame["status_label"])[["service", "quarter_label", "title", "status", "requests",
                                                        "description"]],
            hide_index=True, width="stretch",
            column_config={"service": t("agr.col.service"), "quarter_label": t("agr.rm.quarter"),
                           "title": t("agr.rm.title"), "status": t("agr.rm.status"),
                           "requests": st.column_config.NumberColumn(t("agr.rm.requests")),
                           "description": st.column_config.TextColumn(t("agr.rm.description"), width="large")})
        xlsx_button("ui.download_excel", exports.roadmap_workbook(items_rows), "veikart.xlsx", key="rm-xlsx")

    writable = [c for c in names if actor.can("agreements.write", service=c)]
    if actor.can("agreements.write") and writable:
        st.subheader(t("agr.rm.edit"))
        editable = {r["id"]: r for r in items_rows if r["service_code"] in writable}
        choice = st.selectbox(t("agr.rm.choose"), ["new"] + list(editable), key="rm-choose",
                              format_func=lambda i: t("agr.rm.new") if i == "new" else
                              f"{editable[i]['quarter_label']}: {editable[i]['title']} ({editable[i]['service']})")
        current = editable.get(choice)
        this_year = date.today().year
        with st.form(f"rm-{choice}-{current['version'] if current else 0}"):
            f1, f2, f3 = st.columns(3)
            default_code = current["service_code"] if current else (code if code in writable else writable[0])
            item_service = f1.selectbox(t("agr.col.service"), writable, index=writable.index(default_code),
                                        format_func=names.get)
            year = f2.number_input(t("agr.rm.year"), min_value=2000, max_value=2100, step=1,
                                   value=current["year"] if current else this_year)
            quarter = f3.selectbox(t("agr.rm.quarter"), [1, 2, 3, 4], index=(current["quarter"] - 1) if current else 0,
                                   format_func=lambda q: f"K{q}")
            title = st.text_input(t("agr.rm.title"), current["title"] if current else "")
            description = st.text_area(t("agr.rm.description"), current["description"] if current else "")
            status = st.selectbox(t("agr.rm.status"), RM_STATUSES, format_func=rm_label,
                                  index=RM_STATUSES.index(current["status"]) if current else 0)
            if st.form_submit_button(t("ui.save"), type="primary"):
                payload = {"service_code": item_service, "title": title, "description": description,
                           "year": int(year), "quarter": quarter, "status": status}
                if call(roadmap.save_roadmap_item, payload, item_id=current["id"] if current else None,
                        expected_version=current["version"] if current else None, success=t("ui.saved")):
                    st.rerun()
        if current is not None:
            if common.confirmed_button(t("agr.rm.delete_confirm"), t("agr.rm.delete"), key=f"rm-del-{choice}"):
                if call(roadmap.delete_roadmap_item, current["id"], expected_version=current["version"],
                        success=t("agr.rm.deleted")):
                    st.rerun()
