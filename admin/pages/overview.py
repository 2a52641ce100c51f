import streamlit as st

from admin.overview import overview
from data.pages import common

actor = common.require_actor()
common.header("page.overview", "overview.intro")

with common.session() as session:
    blocks = overview(session, actor)

if not blocks:
    common.empty_state("overview.empty")
for area, kpis in blocks:
    st.subheader(area)
    for start in range(0, len(kpis), 4):
        columns = st.columns(4)
        for column, kpi in zip(columns, kpis[start:start + 4], strict=False):
            column.metric(kpi.label, kpi.value, delta=kpi.delta, help=kpi.help or None, border=True)
