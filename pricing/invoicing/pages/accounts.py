from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.formatting import month_label
from data.i18n import t
from data.pages import common
from pricing.invoicing import accounts
from pricing.invoicing import exports as invoicing_exports
from pricing.pages import shared

actor = common.require_actor(shared.COST_ROLES)
common.header("page.product_accounts", "acct.page_intro")


def _rows(year: int) -> list[dict]:
    return [a.as_row() for a in common.cached(accounts.accounts_for_year, year)]


def _history(code: str) -> list[dict]:
    return [a.as_row() for a in common.cached(accounts.history, code)]


known = common.cached(accounts.years_with_accounts)
choices = shared.year_choices(known)
this_year = date.today().year
year = st.selectbox(t("acct.col.year"), choices, index=choices.index(this_year - 1) if this_year - 1 in choices else 0,
                    key="acct-year")
rows = _rows(year)
if not rows:
    common.empty_state("acct.empty")
    st.stop()

frame = pd.DataFrame(rows)
common.grouped_warnings(sorted({w for r in rows for w in r["warnings"]}))
money_cols = ["revenue_ore", "direct_ore", "allocated_ore", "capital_ore", "digifin_ore", "cost_ore", "result_ore",
              "budget_revenue_ore", "budget_cost_ore", "budget_result_ore"]
key_cols = ["result_ore", "revenue_ore", "cost_ore"]   # the key figures first, not off-screen to the right
show = frame[["service_name", *key_cols, "coverage", *[c for c in money_cols if c not in key_cols], "lines"]].copy()
for column in money_cols:
    show[column] = show[column].astype(float) / 100
show["coverage"] = show["coverage"].astype(float)
st.dataframe(show, hide_index=True, width="stretch", column_config={
    "service_name": t("acct.col.service"), "revenue_ore": common.money_column(t("acct.item.revenue")),
    "direct_ore": common.money_column(t("acct.item.direct")),
    "allocated_ore": common.money_column(t("acct.item.allocated")),
    "capital_ore": common.money_column(t("acct.item.capital")), "digifin_ore": common.money_column(t("acct.item.digifin")),
    "cost_ore": common.money_column(t("acct.item.cost")), "result_ore": common.money_column(t("acct.item.result")),
    "budget_revenue_ore": common.money_column(t("acct.col.budget_revenue")),
    "budget_cost_ore": common.money_column(t("acct.col.budget_cost")),
    "budget_result_ore": common.money_column(t("acct.col.budget_result")),
    "coverage": st.column_config.NumberColumn(t("acct.item.coverage"), format="percent"),
    "lines": st.column_config.NumberColumn(t("inv.col.lines"), format="%d")})
st.caption(t("acct.table_help"))
with common.session() as session:
    workbook = invoicing_exports.product_accounts_workbook(session, year)
st.download_button(t("ui.download_excel"), workbook, f"produktregnskap-{year}.xlsx", mime=shared.XLSX,
                   icon=":material/download:", key="acct-xlsx")

names = {r["service"]: r["service_name"] for r in rows}
code = st.selectbox(t("acct.col.service"), list(names), format_func=names.get, key="acct-service")
history = _history(code)
if history:
    years = [h["year"] for h in history]
    chart = go.Figure()
    chart.add_bar(x=years, y=[h["revenue_ore"] / 100 for h in history], name=t("acct.item.revenue"))
    chart.add_bar(x=years, y=[h["cost_ore"] / 100 for h in history], name=t("acct.item.cost"))
    chart.add_scatter(x=years, y=[h["result_ore"] / 100 for h in history], name=t("acct.item.result"),
                      mode="lines+markers")
    chart.update_layout(title=t("acct.chart_title", service=names[code]), barmode="group",
                        xaxis_title=t("acct.col.year"), yaxis_title=t("acct.axis_kr"), xaxis={"type": "category"})
    st.plotly_chart(chart, width="stretch")

st.header(t("acct.by_month_title", service=names[code], year=year))
months = pd.DataFrame(common.cached(accounts.by_month, code, year))
for column in ("revenue_ore", "cost_ore", "result_ore", "cumulative_result_ore"):
    months[column] = months[column] / 100
months["month"] = months["month"].map(month_label)
months = months[["month", "result_ore", "revenue_ore", "cost_ore", "cumulative_result_ore"]]
st.dataframe(months, hide_index=True, width="stretch", column_config={
    "month": t("acct.col.month"), "revenue_ore": common.money_column(t("acct.item.revenue")),
    "cost_ore": common.money_column(t("acct.item.cost")), "result_ore": common.money_column(t("acct.item.result")),
    "cumulative_result_ore": common.money_column(t("acct.item.cumulative"))})
st.caption(t("acct.by_month_help"))
with st.expander(t("acct.revenue_lines_title")):
    lines = pd.DataFrame(common.cached(accounts.revenue_lines, code, year))
    if lines.empty:
        common.empty_state("inv.no_lines")
    else:
        lines["amount_ore"] = lines["amount_ore"] / 100
        st.dataframe(lines[["organisation", "org_number", "amount_ore", "lines"]], hide_index=True, width="stretch", column_config={
            "org_number": t("inv.col.org_number"), "organisation": t("inv.col.organisation"),
            "amount_ore": common.money_column(t("inv.col.amount")), "lines": t("inv.col.lines")})
