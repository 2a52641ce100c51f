from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.formatting import number, percent
from data.i18n import t
from data.pages import common
from portfolio import capacity, exports, scenarios
from portfolio.schemas import add_months, month_label, month_start

common.require_actor(frozenset({"leader", "portfolio"}))
common.header("pf.page.capacity", "pf.capacity.intro")

this_month = month_start(date.today())
with common.session() as session:
    plans = {s["id"]: s["name"] for s in scenarios.scenario_list(session) if s["status"] == "draft"}
filters = st.columns([2, 2, 3])
first = month_start(filters[0].date_input(t("pf.capacity.from"), this_month, format="DD.MM.YYYY"))
length = filters[1].slider(t("pf.capacity.months"), 3, 36, 12)
last = add_months(first, length - 1)
scenario_id = filters[2].selectbox(t("pf.capacity.plan"), [None, *plans],
                                   format_func=lambda i: t("pf.scenario.live") if i is None else plans[i],
                                   help=t("pf.capacity.plan_help"))

rows = common.cached(capacity.capacity_table, first, last, scenario_id)
if not rows:
    common.empty_state("pf.capacity.empty")
    st.stop()

frame = pd.DataFrame(rows)
for column in ("capacity", "background", "free", "allocated", "open", "demand", "balance", "shortage", "consultant"):
    frame[column] = frame[column].astype(float)
frame["utilisation"] = frame["utilisation"].map(lambda v: None if v is None else float(v))
frame["month_label"] = frame["month"].map(month_label)

share = common.cached(capacity.consultant_share, first, last)
summary = capacity.shortage_summary(rows)
metrics = st.columns(4)
metrics[0].metric(t("pf.capacity.shortage_total"), f"{number(frame['shortage'].sum(), 1)} {t('pf.unit.fte_months')}",
                  help=t("pf.capacity.shortage_total_help"))
metrics[1].metric(t("pf.capacity.roles_short"), len(summary))
metrics[2].metric(t("pf.capacity.consultant_capacity"),
                  percent(share["capacity"]) if share["capacity"] is not None else "–",
                  help=t("pf.capacity.consultant_capacity_help", fte=number(share["consultant_fte"], 1)))
metrics[3].metric(t("pf.capacity.consultant_work"), percent(share["work"]) if share["work"] is not None else "–",
                  help=t("pf.capacity.consultant_work_help"))

role_order = list(dict.fromkeys(frame["role"]))
months = [month_label(m) for m in sorted(frame["month"].unique())]
util = frame.pivot_table(index="role", columns="month_label", values="utilisation", aggfunc="first")
util = util.reindex(index=role_order, columns=months) * 100
balance = frame.pivot_table(index="role", columns="month_label", values="balance", aggfunc="first")
balance = balance.reindex(index=role_order, columns=months).fillna(0)
# colour and number show the same quantity: the balance in FTE, on a scale diverging around zero
# (red: a shortage, white: even, green: spare capacity), symmetric so that the worst shortage is the reddest
reach = max(float(abs(balance.values).max()), 0.5)
heat = go.Figure(go.Heatmap(
    z=balance.values, x=months, y=role_order, zmin=-reach, zmid=0, zmax=reach,
    colorscale=[[0, "#b2182b"], [0.25, "#ef8a62"], [0.5, "#f7f7f7"], [0.75, "#91cf60"], [1, "#1a9850"]],
    text=[[number(v, 1) for v in row] for row in balance.values], texttemplate="%{text}",
    customdata=util.values,
    hovertemplate=t("pf.capacity.hover") + "<extra></extra>",
    colorbar=dict(title=t("pf.capacity.colorbar"))))
heat.update_layout(title=t("pf.capacity.heatmap_title"), height=max(320, 38 * len(role_order) + 160),
                   xaxis_title=t("pf.capacity.axis_month"), yaxis_title=t("pf.capacity.axis_role"))
heat.update_yaxes(autorange="reversed")
st.plotly_chart(heat, width="stretch")
st.caption(t("pf.capacity.heatmap_note"))

role = st.selectbox(t("pf.capacity.role_detail"), role_order)
one = frame[frame["role"] == role]
bars = go.Figure()
bars.add_bar(x=one["month_label"], y=one["allocated"], name=t("pf.col.allocated"), marker_color="#3182bd")
bars.add_bar(x=one["month_label"], y=one["open"], name=t("pf.col.open"), marker_color="#9ecae1")
bars.add_scatter(x=one["month_label"], y=one["free"], name=t("pf.col.free"), mode="lines+markers",
                 line=dict(color="#d62728", width=3))
bars.add_scatter(x=one["month_label"], y=one["capacity"], name=t("pf.col.capacity"), mode="lines",
                 line=dict(color="#636363", dash="dot"))
bars.update_layout(barmode="stack", title=t("pf.capacity.role_title", role=role),
                   xaxis_title=t("pf.capacity.axis_month"), yaxis_title=t("pf.capacity.axis_fte"))
st.plotly_chart(bars, width="stretch")

st.header(t("pf.capacity.table"))
fte_columns = {c: st.column_config.NumberColumn(t(f"pf.col.{c}"), format="%.2f")
               for c in ("capacity", "background", "free", "allocated", "open", "demand", "balance", "shortage",
                         "consultant")}
role_filter = st.multiselect(t("pf.col.role"), role_order, key="pf-capacity-roles")
only_short = st.toggle(t("pf.capacity.only_short"))
table = frame[frame["role"].isin(role_filter)] if role_filter else frame
if only_short:
    table = table[table["shortage"] > 0]
shown = table[["role", "month_label", "balance", "shortage", "capacity", "background", "free", "allocated", "open",
               "demand", "utilisation", "consultant"]]
st.dataframe(shown, hide_index=True, width="stretch", column_config={
    "role": t("pf.col.role"), "month_label": t("pf.col.month"),
    "utilisation": st.column_config.NumberColumn(t("pf.col.utilisation"), format="percent"), **fte_columns})

if summary:
    st.header(t("pf.capacity.short_roles"))
    st.dataframe(pd.DataFrame([dict(role=s["role"], months=s["months"], peak=float(s["peak"]),
                                    fte_months=float(s["fte_months"])) for s in summary]),
                 hide_index=True, column_config={
                     "role": t("pf.col.role"), "months": t("pf.col.months_short"),
                     "peak": st.column_config.NumberColumn(t("pf.col.peak"), format="%.2f"),
                     "fte_months": st.column_config.NumberColumn(t("pf.col.fte_months"), format="%.2f")})

left, right = st.columns(2)
with left:
    st.header(t("pf.capacity.over"))
    over = common.cached(capacity.over_allocations, first, last)
    if over:
        st.dataframe(pd.DataFrame([dict(person=o["person"], months=o["months"], over=float(o["over"]),
                                        reason=o["reason"]) for o in over]), hide_index=True, width="stretch",
                     column_config={"person": t("pf.col.person"), "months": t("pf.col.months"),
                                    "over": st.column_config.NumberColumn(t("pf.col.over"), format="%.2f"),
                                    "reason": t("pf.col.reason")})
    else:
        st.success(t("pf.capacity.no_over"))
with right:
    st.header(t("pf.capacity.unstaffed"))
    unstaffed = common.cached(capacity.unstaffed_demand, first, last)
    if unstaffed:
        st.dataframe(pd.DataFrame([dict(project=u["project"], role=u["role"], months=u["months"], fte=float(u["fte"]),
                                        reason=u["reason"]) for u in unstaffed]), hide_index=True, width="stretch",
                     column_config={"project": t("pf.col.project"), "role": t("pf.col.role"),
                                    "months": t("pf.col.months"),
                                    "fte": st.column_config.NumberColumn(t("pf.col.fte"), format="%.2f"),
                                    "reason": t("pf.col.reason")})
    else:
        st.success(t("pf.capacity.no_unstaffed"))

downloads = st.columns(2)
downloads[0].download_button(
    t("pf.capacity.download_capacity"), common.cached(exports.capacity_workbook, first, last, scenario_id),
    f"kapasitet-{month_label(first)}-{month_label(last)}.xlsx", icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
downloads[1].download_button(
    t("pf.capacity.download_plan"), common.cached(exports.plan_workbook, first, last),
    f"portefoljeplan-{month_label(first)}.xlsx", icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
