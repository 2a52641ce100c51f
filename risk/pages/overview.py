"""The security officer's risk picture: above acceptance, heatmaps before/after, overdue, due reviews."""
import pandas as pd
import streamlit as st

from data.formatting import number
from data.i18n import t
from data.pages import common
from risk import measures, ros
from risk.pages.widgets import heatmap_figure, level_text, service_filter, service_name

actor = common.require_actor()
common.header("ros.page.overview", "ros.page.overview_intro")

counts = common.cached(ros.kpi_counts)
k1, k2, k3, k4 = st.columns(4)
k1.metric(t("ros.kpi.above"), number(counts["above"]), help=t("ros.kpi.above_help"), border=True)
k2.metric(t("ros.kpi.overdue"), number(counts["overdue_measures"]), help=t("ros.kpi.overdue_help"), border=True)
k3.metric(t("ros.kpi.reviews"), number(counts["reviews_due"]), help=t("ros.kpi.reviews_help"), border=True)
k4.metric(t("ros.kpi.expired_acceptances"), number(counts["expired_acceptances"]),
          help=t("ros.kpi.expired_acceptances_help"), border=True)

service = service_filter(st, "ros-overview-service")

# An acceptance past its expiry puts its risk back in review, first on the security officer's list.
st.header(t("ros.overview.expired_title"))
expired = common.cached(ros.expired_acceptances, None if service == "-" else service)
if not expired:
    common.empty_state("ros.overview.expired_none")
else:
    st.caption(t("ros.overview.expired_intro"))
    frame = pd.DataFrame(expired)
    frame["service_code"] = frame["service_code"].map(service_name)
    frame["current_level"] = frame["current_level"].map(level_text)
    st.dataframe(
        frame[["service_code", "key", "title", "current_level", "owner", "expired_on", "days_expired", "approver",
               "assessment"]],
        hide_index=True, width="stretch",
        column_config={
            "service_code": t("ros.field.service"), "key": t("ros.field.key"), "title": t("ros.field.title"),
            "current_level": t("ros.field.current_level"), "owner": t("ros.field.owner"),
            "expired_on": common.date_column(t("ros.export.expires_on")),
            "days_expired": st.column_config.NumberColumn(t("ros.overview.days_expired"), format="%d"),
            "approver": t("ros.export.approver"), "assessment": t("ros.field.assessment"),
        })

left, right = st.columns(2)
before = common.cached(ros.heatmap, "inherent", service)
after = common.cached(ros.heatmap, "residual", service)
left.plotly_chart(heatmap_figure(before, t("ros.heatmap.before")), width="stretch")
right.plotly_chart(heatmap_figure(after, t("ros.heatmap.after")), width="stretch")
if before["skipped"]:
    st.caption(t("ros.heatmap.skipped", count=before["skipped"]))

st.header(t("ros.overview.above"))
above = common.cached(ros.risk_rows, service, (), None, (), True, None, True)
if not above:
    common.empty_state("ros.overview.none_above")
else:
    frame = pd.DataFrame(above)
    frame["service_code"] = frame["service_code"].map(service_name)
    frame["current_level"] = frame["current_level"].map(level_text)
    frame["residual_level"] = frame["residual_level"].map(level_text)
    frame["treatment"] = frame["treatment"].map(lambda v: t(f"ros.treatment.{v}"))
    st.dataframe(
        frame[["service_code", "key", "title", "current_level", "current_score", "residual_level", "owner",
               "treatment", "measures", "accepted_until", "next_review"]],
        hide_index=True, width="stretch",
        column_config={
            "service_code": t("ros.field.service"), "key": t("ros.field.key"), "title": t("ros.field.title"),
            "current_level": t("ros.field.current_level"),
            "current_score": st.column_config.NumberColumn(t("ros.field.current_score"), format="%d"),
            "residual_level": t("ros.field.residual_level"), "owner": t("ros.field.owner"),
            "treatment": t("ros.field.treatment"), "measures": t("ros.field.measures"),
            "accepted_until": common.date_column(t("ros.field.accepted_until")),
            "next_review": common.date_column(t("ros.field.next_review")),
        })

st.header(t("ros.overview.overdue"))
overdue = common.cached(measures.measure_rows, service, (), None, True)
if not overdue:
    common.empty_state("ros.measures.none_overdue")
else:
    frame = pd.DataFrame(overdue)
    frame["service_code"] = frame["service_code"].map(service_name)
    frame["status"] = frame["status"].map(lambda v: t(f"ros.measure.status.{v}"))
    st.dataframe(
        frame[["service_code", "key", "title", "owner", "due_date", "days_overdue", "status", "risks"]],
        hide_index=True, width="stretch",
        column_config={
            "service_code": t("ros.field.service"), "key": t("ros.field.key"), "title": t("ros.field.title"),
            "owner": t("ros.field.owner"), "due_date": common.date_column(t("ros.field.due_date")),
            "days_overdue": st.column_config.NumberColumn(t("ros.field.days_overdue"), format="%d"),
            "status": t("ros.field.status"), "risks": t("ros.field.risks"),
        })

st.header(t("ros.overview.reviews"))
st.caption(t("ros.overview.reviews_help"))
reviews = common.cached(ros.due_reviews, None if service == "-" else service, 30)
if not reviews:
    common.empty_state("ros.overview.no_reviews")
else:
    frame = pd.DataFrame(reviews)
    frame["kind"] = frame["kind"].map(lambda v: t(f"ros.due.kind.{v}"))
    frame["service_code"] = frame["service_code"].map(service_name)
    frame["overdue"] = frame["overdue"].map(lambda v: "⚠️" if v else "")
    st.dataframe(
        frame[["overdue", "due", "kind", "service_code", "what", "detail", "by"]], hide_index=True, width="stretch",
        column_config={
            "overdue": st.column_config.TextColumn(t("ros.field.overdue"), width="small"), "due": common.date_column(t("ros.export.due")),
            "kind": t("ros.export.kind"), "service_code": t("ros.field.service"), "what": t("ros.field.title"),
            "detail": t("ros.field.description"), "by": t("ros.overview.by"),
        })
    triggers = [r for r in reviews if r["kind"] == "trigger"]
    if triggers and actor.can("risk.write"):
        st.markdown(f"**{t('ros.overview.resolve')}**")
        by_id = {r["id"]: r for r in triggers}
        names = common.service_names()
        chosen = st.selectbox(t("ros.overview.request"), list(by_id), key="ros-resolve-choose",
                              format_func=lambda i: f"{names.get(by_id[i]['service_code'], by_id[i]['service_code'])}: "
                                                    f"{by_id[i]['detail'][:80]}")
        with st.form(f"ros-resolve-trigger-{chosen}"):       # one form per request; resolved, it leaves the list
            resolution = st.text_input(t("ros.overview.resolution"), help=t("ros.overview.resolution_help"))
            if st.form_submit_button(t("ros.overview.resolve_button")):
                if common.write(ros.resolve_trigger, chosen, resolution, success=t("ui.saved")):
                    st.rerun()
