from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from data.i18n import t
from data.pages import common
from portfolio import projects, scenarios
from portfolio.models import PHASES, Phase
from portfolio.schemas import month_start

common.require_actor()
common.header("pf.page.timeline", "pf.timeline.intro")

rows = common.cached(projects.project_rows)
if not rows:
    common.empty_state("pf.board.empty")
    st.stop()

controls = st.columns([3, 2])
with common.session() as session:
    sources = scenarios.source_choices(session)
source = controls[0].selectbox(t("pf.timeline.schedule"), [None, *sources],
                               format_func=lambda s: t("pf.timeline.planned_only") if s is None else sources[s],
                               help=t("pf.timeline.schedule_help"))
include_closed = controls[1].toggle(t("pf.timeline.include_closed"), value=False)
frame = pd.DataFrame(rows)
if not include_closed:
    frame = frame[frame["phase"] != Phase.HANDED_OVER]
if frame.empty:
    common.empty_state("pf.timeline.none_active")
    st.stop()

frame = frame.sort_values(["priority", "name"])
frame["label"] = [f"#{p} {n}" if ph != Phase.HANDED_OVER else n
                  for p, n, ph in zip(frame["priority"], frame["name"], frame["phase"], strict=True)]
frame["phase_label"] = frame["phase"].map(projects.phase_label)
frame["start"] = pd.to_datetime(frame["start_date"])
frame["finish"] = pd.to_datetime(frame["end_date"]) + timedelta(days=1)
colours = dict(zip([projects.phase_label(p) for p in PHASES],
                   ["#9ecae1", "#3182bd", "#31a354", "#fdae6b", "#969696"], strict=True))
figure = px.timeline(frame, x_start="start", x_end="finish", y="label", color="phase_label",
                     color_discrete_map=colours, hover_data={"service_code": True, "start": False, "finish": False},
                     labels={"label": t("pf.timeline.axis_project"), "phase_label": t("pf.col.phase"),
                             "service_code": t("pf.col.service")},
                     title=t("pf.timeline.title"))
if source is not None:
    result = common.cached(scenarios.schedule_source, source, month_start(date.today()))
    label_of = dict(zip(frame["id"], frame["label"], strict=True))
    moved = [dict(label=label_of[o.project_id], start=pd.Timestamp(o.new_start),
                  finish=pd.Timestamp(o.new_end) + timedelta(days=1), slip=o.slip)
             for o in result.outcomes if o.slip and o.project_id in label_of]
    for item in moved:
        figure.add_trace(go.Bar(
            base=[item["start"]], x=[(item["finish"] - item["start"]).total_seconds() * 1000], y=[item["label"]],
            orientation="h", marker=dict(color="rgba(214,39,40,0.25)", line=dict(color="#d62728", width=1)),
            name=t("pf.timeline.scheduled"), legendgroup="scheduled", showlegend=item is moved[0],
            hovertemplate=t("pf.timeline.slip_hover", months=item["slip"]) + "<extra></extra>"))
    figure.update_layout(barmode="overlay")
    if moved:
        st.caption(t("pf.timeline.slipped", count=len(moved), plan=result.label))
    else:
        st.caption(t("pf.timeline.none_slipped", plan=result.label))
figure.update_yaxes(autorange="reversed", title=t("pf.timeline.axis_project"))
figure.update_xaxes(title=t("pf.timeline.axis_date"), dtick="M3", tickformat="%m.%Y")
figure.add_vline(x=pd.Timestamp(date.today()).timestamp() * 1000, line_dash="dot", line_color="#d62728")
figure.update_layout(height=max(320, 34 * len(frame) + 140), legend_title_text=t("pf.col.phase"))
st.plotly_chart(figure, width="stretch")
st.caption(t("pf.timeline.today_line"))
