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
        sent = common.cached(change_requests.sent_rows, tuple(int(i) for i in frame["id"]))

        def sent_text(request_id) -> str:
            there = sent.get(int(request_id))
            if there is None:
                return ""
            return f"{there['destination']}: {there['name'] or '–'} ({there['status'] or '–'})"

        st.caption(t("agr.cr.count", count=number(len(frame))))
        st.dataframe(
            frame.assign(status=frame["status"].map(cr_label), decided_in=frame["id"].map(decided_in),
                         sent_on=frame["id"].map(sent_text))[
                ["id", "service", "title", "organisation", "submitted_by", "submitted_on", "status",
                 "council_priority", "decided_in", "roadmap", "sent_on", "description", "assessment"]],
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
                "sent_on": st.column_config.TextColumn(t("agr.cr.sent_to"), width="medium"),
                "description": st.column_config.TextColumn(t("agr.cr.description"), width="medium"),
                "assessment": st.column_config.TextColumn(t("agr.cr.assessment"), width="medium")})
        xlsx_button("ui.download_excel", exports.change_requests_workbook(rows), "endringsonsker.xlsx", key="cr-xlsx")

        # which council decisions dealt with a change request (read-only; decisions are recorded on the
        # council page)
        st.header(t("agr.cr.decisions_title"))
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

        # where the requests shown were sent on, and what became of them there
        st.header(t("agr.cr.sent_title"))
        if not sent:
            common.empty_state("agr.cr.sent_empty")
        else:
            sent_frame = pd.DataFrame([{"id": i, "title": listed[i]["title"], **there} for i, there in sent.items()
                                       if i in listed])
            sent_frame = common.with_names(sent_frame, persons=("sent_by",))
            st.dataframe(sent_frame[["id", "title", "destination", "name", "status", "sent_by", "sent_at"]],
                         hide_index=True, width="stretch",
                         column_config={"id": st.column_config.NumberColumn(t("agr.cr.id"), format="%d"),
                                        "title": t("agr.cr.title"), "destination": t("agr.cr.sent_to"),
                                        "name": t("agr.cr.sent_item"), "status": t("agr.cr.sent_status"),
                                        "sent_by": t("agr.send.by"),
                                        "sent_at": common.datetime_column(t("agr.send.at"))})

    writable = sorted((c for c in names if actor.can("agreements.write", service=c)),
                      key=lambda c: c not in actor.owned_services)   # the user's own services first
    targets = change_requests.destinations()
    planned = [r for r in common.cached(change_requests.change_request_rows, None, change_requests.APPROVED_STATUSES, "")
               if r["service_code"] in writable and r["sent_to"] is None]
    by_council = common.cached(councils.decision_references, tuple(r["id"] for r in planned))
    sendable = [r for r in planned if r["id"] in by_council]   # approved by the council: planned, with a decision
    if actor.can("agreements.write") and writable and targets:
        st.header(t("agr.send.title"))
        st.caption(t("agr.send.help"))
        if not sendable:
            common.empty_state("agr.send.none")
        else:
            by_request = {r["id"]: r for r in sendable}
            send_id = st.selectbox(t("agr.send.choose"), list(by_request), key="send-choose",
                                   format_func=lambda i: f"#{i} {by_request[i]['title']} ({by_request[i]['service']})")
            kind = st.radio(t("agr.send.destination"), list(targets), horizontal=True, key="send-kind",
                            format_func=lambda k: t(targets[k].label_key))
            destination = targets[kind]
            with st.form(common.form_key(f"send-{send_id}-{kind}")):
                if destination.targets is not None:
                    with common.session() as session:
                        options = destination.targets(session)
                    target = st.selectbox(t("agr.send.project"), list(options), format_func=options.get)
                    st.caption(t("agr.send.estimate"))
                    e1, e2, e3, e4 = st.columns(4)
                    with common.session() as session:
                        roles = destination.roles(session) if destination.roles else {}
                    role = e1.selectbox(t("agr.send.role"), [None, *roles],
                                        format_func=lambda c: "–" if c is None else roles[c])
                    first = e2.text_input(t("agr.send.first_month"))
                    last = e3.text_input(t("agr.send.last_month"))
                    fte = e4.text_input(t("agr.send.fte"))
                    payload = {"project_id": target, "role_code": role or None, "first_month": first or None,
                               "last_month": last or None, "fte": fte or None}
                else:
                    r1, r2 = st.columns(2)
                    risk = r1.number_input(t("agr.send.risk"), 1, 5, 2)
                    impact = r2.number_input(t("agr.send.impact"), 1, 5, 2)
                    note = st.text_area(t("agr.send.note"))
                    payload = {"risk": int(risk), "impact": int(impact), "note": note}
                if st.form_submit_button(t("agr.send.button"), type="primary"):
                    if common.save_once(f"send-{send_id}-{kind}", payload, destination.send, send_id, payload,
                                        success=t("agr.send.done"), writer=call):
                        st.rerun()

    if actor.can("agreements.write") and writable:
        st.header(t("agr.cr.edit"))
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
        # a new request's form is drawn empty again after it is saved; an edit's under the row's version
        with st.form(common.form_key(f"cr-new-{service_code}") if current is None
                     else f"cr-{choice}-{current['version']}-{service_code}"):
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
                if current is None and common.save_once(f"cr-new-{service_code}", payload,
                                                        change_requests.save_change_request, payload,
                                                        success=t("ui.saved"), writer=call):
                    st.rerun()
                if current is not None and call(change_requests.save_change_request, payload, request_id=current["id"],
                                                expected_version=current["version"], success=t("ui.saved")):
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

    writable = sorted((c for c in names if actor.can("agreements.write", service=c)),
                      key=lambda c: c not in actor.owned_services)   # the user's own services first
    if actor.can("agreements.write") and writable:
        st.header(t("agr.rm.edit"))
        editable = {r["id"]: r for r in items_rows if r["service_code"] in writable}
        choice = st.selectbox(t("agr.rm.choose"), ["new"] + list(editable), key="rm-choose",
                              format_func=lambda i: t("agr.rm.new") if i == "new" else
                              f"{editable[i]['quarter_label']}: {editable[i]['title']} ({editable[i]['service']})")
        current = editable.get(choice)
        today = date.today()
        next_year, next_quarter = (today.year + 1, 1) if today.month > 9 else (today.year, (today.month - 1) // 3 + 2)
        with st.form(common.form_key("rm-new") if current is None else f"rm-{choice}-{current['version']}"):
            f1, f2, f3 = st.columns(3)
            default_code = current["service_code"] if current else (code if code in writable else writable[0])
            item_service = f1.selectbox(t("agr.col.service"), writable, index=writable.index(default_code),
                                        format_func=names.get)
            year = f2.number_input(t("agr.rm.year"), min_value=2000, max_value=2100, step=1,
                                   value=current["year"] if current else next_year)
            quarter = f3.selectbox(t("agr.rm.quarter"), [1, 2, 3, 4],
                                   index=(current["quarter"] if current else next_quarter) - 1,
                                   format_func=lambda q: f"K{q}")
            title = st.text_input(t("agr.rm.title"), current["title"] if current else "")
            description = st.text_area(t("agr.rm.description"), current["description"] if current else "")
            status = st.selectbox(t("agr.rm.status"), RM_STATUSES, format_func=rm_label,
                                  index=RM_STATUSES.index(current["status"]) if current else 0)
            if st.form_submit_button(t("ui.save"), type="primary"):
                payload = {"service_code": item_service, "title": title, "description": description,
                           "year": int(year), "quarter": quarter, "status": status}
                if current is None and common.save_once("rm-new", payload, roadmap.save_roadmap_item, payload,
                                                        success=t("ui.saved"), writer=call):
                    st.rerun()
                if current is not None and call(roadmap.save_roadmap_item, payload, item_id=current["id"],
                                                expected_version=current["version"], success=t("ui.saved")):
                    st.rerun()
        if current is not None:
            if common.confirmed_button(t("agr.rm.delete_confirm"), t("agr.rm.delete"), key=f"rm-del-{choice}"):
                if call(roadmap.delete_roadmap_item, current["id"], expected_version=current["version"],
                        success=t("agr.rm.deleted")):
                    st.rerun()
