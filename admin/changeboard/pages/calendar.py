from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from admin.changeboard import changes as cb
from admin.changeboard import exports
from admin.changeboard.pages.widgets import conflict_table
from data.i18n import t
from data.pages import common

actor = common.require_actor()
common.header("cb.page.calendar", "cb.calendar.intro")

top = st.columns([2, 1, 2, 2])
start = top[0].date_input(t("cb.calendar.from"), cb.monday_of(date.today()), format="DD.MM.YYYY")
weeks = top[1].number_input(t("cb.calendar.weeks"), min_value=1, max_value=52, value=12)
end = start + timedelta(days=7 * int(weeks) - 1)
plan = common.cached(cb.schedule, start, end)

# The workbook is built when the button is pressed (a callable), not on every visit: about 0,2 s saved.
top[2].download_button(t("cb.calendar.download"), lambda: exports.schedule_workbook(plan, start, end),
                       f"endringskalender-{start.isoformat()}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")
top[3].download_button(t("cb.calendar.download_ics"), exports.schedule_ics(plan), f"endringskalender-{start.isoformat()}.ics",
                       mime="text/calendar", icon=":material/event:")

if not plan["items"] and not plan["freezes"]:
    common.empty_state("cb.calendar.empty")
else:
    bars = []
    names = common.service_names()
    for item in plan["items"]:
        finish = item["planned_end"] or item["planned_start"] + timedelta(hours=1)
        for service in item["services"] or ["–"]:
            bars.append({"service": names.get(service, service), "start": item["planned_start"].astimezone(cb.OSLO).replace(tzinfo=None),
                         "end": finish.astimezone(cb.OSLO).replace(tzinfo=None),
                         "label": f"{item['reference']} {item['title']}",
                         "status": t(f"cb.status.{item['status']}"),
                         "conflict": t("cb.yes") if item["conflicts"] else t("cb.no")})
    figure = go.Figure()
    if bars:
        frame = pd.DataFrame(bars)
        figure = px.timeline(frame, x_start="start", x_end="end", y="service", color="status",
                             hover_name="label", hover_data={"conflict": True, "service": False},
                             labels={"service": t("cb.col.services"), "status": t("cb.col.status"),
                                     "conflict": t("cb.col.conflicts")})
        figure.update_yaxes(autorange="reversed")
    for freeze in plan["freezes"]:
        figure.add_vrect(x0=pd.Timestamp(freeze["start"]), x1=pd.Timestamp(freeze["end"] + timedelta(days=1)),
                         fillcolor="#4A90D9" if freeze["service"] is None else "#9B59B6", opacity=0.15,
                         line_width=0, annotation_text=freeze["name"] + (f" ({names.get(freeze['service'], freeze['service'])})"
                                                                         if freeze["service"] else ""),
                         annotation_position="top left")
    figure.update_layout(title=t("cb.calendar.chart_title"), xaxis_title=t("cb.calendar.axis_time"),
                         yaxis_title=t("cb.col.services"), height=max(320, 60 * len({b["service"] for b in bars}) + 160),
                         xaxis_range=[pd.Timestamp(start), pd.Timestamp(end + timedelta(days=1))])
    st.plotly_chart(figure, width="stretch")

    load = pd.DataFrame(plan["load"])
    load_figure = go.Figure()
    load_figure.add_bar(x=load["label"], y=load["changes"], name=t("cb.col.changes"),
                        marker_color=["#C0392B" if c > lim else "#2E86C1"
                                      for c, lim in zip(load["changes"], load["limit"], strict=True)])
    load_figure.add_scatter(x=load["label"], y=load["limit"], name=t("cb.col.limit"), mode="lines+markers",
                            line={"dash": "dash", "color": "#555"})
    load_figure.update_layout(title=t("cb.calendar.load_title"), xaxis_title=t("cb.col.week"),
                              yaxis_title=t("cb.calendar.axis_changes"), height=320)
    st.plotly_chart(load_figure, width="stretch")

    st.header(t("cb.agenda.conflicts"))
    conflict_table(plan["conflicts"])

    st.header(t("cb.calendar.list"))
    if plan["items"]:
        st.dataframe(pd.DataFrame([{"reference": r["reference"], "title": r["title"],
                                    "status": t(f"cb.status.{r['status']}"),
                                    "services": ", ".join(names.get(c, c) for c in r["services"]),
                                    "window": r["window"], "conflicts": "; ".join(r["conflicts"])}
                                   for r in plan["items"]]),
                     hide_index=True, width="stretch",
                     column_config={"reference": t("cb.col.ref"), "title": t("cb.col.title"),
                                    "status": t("cb.col.status"), "services": t("cb.col.services"),
                                    "window": t("cb.col.window"), "conflicts": t("cb.col.conflicts")})
    else:
        common.empty_state("cb.calendar.no_items")
