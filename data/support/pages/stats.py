from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from data.crud import service_choices
from data.formatting import month_label
from data.i18n import t
from data.pages import common
from data.support import exports
from data.support import statistics as support

actor = common.require_actor()
common.header("sup.page.stats", "sup.stats.intro")

with common.session() as session:
    services = dict(service_choices(session))

filters = st.columns([2, 2, 4])
first_day, last_day = support.default_period(date.today())
start = filters[0].date_input(t("sup.tickets.from"), first_day, format="DD.MM.YYYY")
end = filters[1].date_input(t("sup.tickets.to"), last_day, format="DD.MM.YYYY")
chosen = filters[2].multiselect(t("sup.field.service"), list(services), format_func=services.get,
                                help=t("sup.stats.services_help"))

volume = common.cached(support.monthly_volume, start, end, tuple(chosen))
backlog = common.cached(support.backlog)
resolution = common.cached(support.resolution_times, start, end)
top = common.cached(support.top_organisations, start, end, 15, tuple(chosen))

if not volume and not backlog:
    common.empty_state("sup.stats.empty")
    st.stop()

st.header(t("sup.stats.volume"))
if volume:
    frame = pd.DataFrame(volume)
    frame["service_name"] = frame["service"].map(lambda c: services.get(c, t("sup.stats.no_service")))
    figure = px.bar(frame, x="month", y="tickets", color="service_name", title=t("sup.stats.volume_title"),
                    labels={"month": t("sup.stats.month"), "tickets": t("sup.stats.tickets"),
                            "service_name": t("sup.field.service")})
    figure.update_layout(xaxis_title=t("sup.stats.month"), yaxis_title=t("sup.stats.tickets_axis"))
    st.plotly_chart(figure, width="stretch")
    pivot = frame.pivot_table(index="service_name", columns="month", values="tickets", aggfunc="sum", fill_value=0)
    pivot.columns = [month_label(date.fromisoformat(f"{m}-01")) for m in pivot.columns]
    pivot.index.name = t("sup.field.service")
    st.dataframe(pivot, width="stretch")
else:
    common.empty_state("sup.stats.no_volume")

st.header(t("sup.stats.backlog"))
st.caption(t("sup.stats.backlog_help"))
if backlog:
    frame = pd.DataFrame(backlog)
    frame["service"] = frame["service"].map(lambda c: services.get(c, t("sup.stats.no_service")))
    frame["priority"] = frame["priority"].map(lambda p: t(f"sup.priority.{p}"))
    st.dataframe(frame[["service", "priority", "tickets", "oldest", "oldest_days"]], hide_index=True,
                 width="stretch",
                 column_config={"service": t("sup.field.service"), "priority": t("sup.field.priority"),
                                "tickets": st.column_config.NumberColumn(t("sup.stats.open_tickets")),
                                "oldest": common.datetime_column(t("sup.stats.oldest")),
                                "oldest_days": st.column_config.NumberColumn(t("sup.stats.oldest_days"))})
else:
    st.success(t("sup.stats.no_backlog"))

st.header(t("sup.stats.resolution"))
st.caption(t("sup.stats.resolution_help"))
if resolution:
    frame = pd.DataFrame(resolution)
    frame["service"] = frame["service"].map(lambda c: services.get(c, t("sup.stats.no_service")))
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"service": t("sup.field.service"),
                                "resolved": st.column_config.NumberColumn(t("sup.stats.resolved")),
                                "avg_hours": st.column_config.NumberColumn(t("sup.stats.avg_hours"), format="%.1f"),
                                "within_1_day": st.column_config.ProgressColumn(t("sup.stats.within_1_day"),
                                                                                min_value=0, max_value=1,
                                                                                format="percent"),
                                "within_3_days": st.column_config.ProgressColumn(t("sup.stats.within_3_days"),
                                                                                 min_value=0, max_value=1,
                                                                                 format="percent")})
else:
    common.empty_state("sup.stats.no_resolved")

st.header(t("sup.stats.top"))
if top:
    frame = pd.DataFrame(top)
    figure = px.bar(frame.sort_values("tickets"), x="tickets", y="organisation", orientation="h",
                    title=t("sup.stats.top_title"),
                    labels={"tickets": t("sup.stats.tickets_axis"), "organisation": t("sup.field.organisation")})
    figure.update_layout(height=max(320, 28 * len(frame) + 120))
    st.plotly_chart(figure, width="stretch")
else:
    common.empty_state("sup.stats.no_volume")

st.download_button(t("ui.download_excel"), exports.stats_workbook(volume, resolution, top, services),
                   "brukerstotte-i-tall.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/download:")
