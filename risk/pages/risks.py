"""The risk register across every ROS in force: filter, read, download."""
import pandas as pd
import streamlit as st

from data.formatting import day
from data.i18n import t
from data.pages import common
from risk import exports, ros
from risk.pages.widgets import level_text, service_filter, service_name


def acceptance_text(row: dict) -> str:
    """Valid until a date, expired (back in review), refused, or a request waiting for the leader."""
    if row["acceptance_expired"]:
        text = t("ros.acceptance.expired_back")
    elif row["accepted_until"]:
        text = t("ros.acceptance.valid_until", date=day(row["accepted_until"]))
    elif row["acceptance"]:
        text = t(f"ros.decision.{row['acceptance']}")
    else:
        text = ""
    if row["acceptance_pending"]:
        text = f"{text} · {t('ros.decision.pending')}" if text else t("ros.decision.pending")
    return text


actor = common.require_actor()
common.header("ros.page.risks", "ros.page.risks_intro")

f1, f2, f3, f4 = st.columns([2, 2, 2, 2])
service = service_filter(f1, "ros-risks-service")
levels = f2.multiselect(t("ros.field.current_level"), ["red", "yellow", "green"], format_func=level_text)
owner = f3.selectbox(t("ros.field.owner"), [None] + common.cached(ros.owners),
                     format_func=lambda o: t("ui.all") if o is None else o)
statuses = f4.multiselect(t("ros.status"), ["draft", "in_review", "approved"], format_func=lambda s: t(f"ros.status.{s}"))
g1, g2 = st.columns(2)
above_only = g1.toggle(t("ros.risks.above_only"))
search = g2.text_input(t("ui.search"), placeholder=t("ros.risks.search_placeholder"))

rows = ros.search_risks(common.cached(ros.risk_rows, service, tuple(levels), owner, tuple(statuses), True, None,
                                      above_only), search)
if not rows:
    common.empty_state("ros.risks.none_match")
else:
    st.caption(t("ros.risks.count", count=len(rows), above=sum(1 for r in rows if r["above_acceptance"])))
    frame = pd.DataFrame(rows)
    frame["service_code"] = frame["service_code"].map(service_name)
    for column in ("inherent_level", "current_level", "residual_level"):
        frame[column] = frame[column].map(level_text)
    frame["treatment"] = frame["treatment"].map(lambda v: t(f"ros.treatment.{v}"))
    frame["status"] = frame["status"].map(lambda v: t(f"ros.status.{v}"))
    frame["review_overdue"] = frame["review_overdue"].map(lambda v: "⚠️" if v else "")
    frame["acceptance"] = [acceptance_text(r) for r in rows]
    st.dataframe(
        frame[["service_code", "key", "title", "inherent_level", "current_level", "current_score", "residual_level",
               "owner", "treatment", "measures", "open_measures", "acceptance", "next_review", "review_overdue",
               "status", "assessment"]],
        hide_index=True, width="stretch",
        column_config={
            "service_code": t("ros.field.service"), "key": t("ros.field.key"), "title": t("ros.field.title"),
            "inherent_level": t("ros.stage.inherent"), "current_level": t("ros.stage.current"),
            "current_score": st.column_config.NumberColumn(t("ros.field.current_score"), format="%d"),
            "residual_level": t("ros.stage.residual"), "owner": t("ros.field.owner"),
            "treatment": t("ros.field.treatment"), "measures": t("ros.field.measures"),
            "open_measures": st.column_config.NumberColumn(t("ros.risks.open_measures"), format="%d"),
            "acceptance": t("ros.field.acceptance"),
            "next_review": common.date_column(t("ros.field.next_review")), "review_overdue": t("ros.field.review_overdue"),
            "status": t("ros.field.status"), "assessment": t("ros.field.assessment"),
        })
    selection = common.cached(exports.risks_workbook, service, tuple(levels), owner, tuple(statuses), above_only,
                              search)
    d1, d2 = st.columns(2)
    d1.download_button(t("ros.risks.download_selection"), selection, "risikoregister.xlsx",
                       mime=exports.XLSX_MIME, icon=":material/download:")

with common.session() as s:
    full = exports.register_workbook(s, actor, service if service not in (None, "-") else None)
st.download_button(t("ros.risks.download_all"), full,
                   f"ros-{service}.xlsx" if service not in (None, "-") else "ros-registre.xlsx",
                   mime=exports.XLSX_MIME, icon=":material/download:", help=t("ros.risks.download_all_help"))
