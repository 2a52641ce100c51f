"""Showing a calculation: the trace from cost lines to the price, bills and sensitivity (pages only)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.formatting import number
from data.i18n import t
from data.pages import common
from pricing.exports import component_label
from pricing.pages.shared import kr
from pricing.tariffs import round_ore, tier_bounds


def trace_rows(inputs: dict, result: dict) -> list[dict]:
    rows = []

    def add(section, item, detail, amount):
        rows.append({"section": section, "item": item, "detail": detail,
                     "amount": float(Decimal(str(amount)) / 100) if amount is not None else None})

    for line in inputs["direct"]:
        cost_type = t(f"price.type.{line['cost_type']}")
        add(t("price.sum.direct"), f"{cost_type}: {line['description']}",
            "" if line["counts"] else t("price.not_counted"), line["amount_ore"] if line["counts"] else 0)
    for line in inputs["allocation"]:
        add(t("price.sum.allocated"), f"{line['pool']} – {line['pool_name']}",
            t("price.alloc_detail", key=t(f"price.key.{line['key_type']}"), figure=number(Decimal(line["figure"]), 2),
              total=number(Decimal(line["total_figure"]), 2), share=number(Decimal(line["share"]) * 100, 4),
              pool=kr(line["pool_total_ore"])), line["allocated"])
    for line in inputs["capital"]:
        add(t("price.sum.capital"), line["investment"],
            t("price.capital_detail", dep=kr(line["depreciation"]), average=kr(line["average"]),
              rate=number(Decimal(line["rate_percent"]), 2), interest=kr(line["interest"]))
            + ("" if line["counts"] else " – " + t("price.not_counted")), line["total"] if line["counts"] else 0)
    for line in inputs["digifin"]:
        add(t("price.sum.digifin"), line["loan"], t("price.digifin_detail"), line["payment"])
    if result["fund_use_ore"]:
        add(t("price.sum.fund_use"), t("price.fund_use_item"), "", -result["fund_use_ore"])
    add(t("price.sum.self_cost"), t("price.sum.self_cost"), t("price.self_cost_detail", exact=result["self_cost"]),
        result["self_cost_ore"])
    for index, comp in enumerate(result["components"]):
        name = component_label(index, comp)
        add(t("price.sum.prices"), name,
            t("price.component_detail", share=number(Decimal(comp["share"]), 2),
              volume=number(Decimal(comp["weighted_volume"]), 2), rate=number(Decimal(comp["rate"]) / 100, 6),
              minimum=kr(comp.get("minimum_fee_ore") or 0), at_min=len(comp.get("at_minimum", []))), comp["cost"])
    return rows


def show_trace(inputs: dict, result: dict) -> None:
    frame = pd.DataFrame(trace_rows(inputs, result), columns=["section", "item", "amount", "detail"])
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "section": t("price.col.section"), "item": t("price.col.item"), "detail": t("price.col.detail"),
        "amount": common.money_column(t("price.col.amount"))})


def price_rows(result: dict) -> list[dict]:
    rows = []
    for index, comp in enumerate(result["components"]):
        bounds = tier_bounds(comp["tiers"]) if comp["basis"] != "organisation" else [(0, None, 1)]
        for tier, (lower, upper, factor) in enumerate(bounds):
            mode = "–" if comp["basis"] == "organisation" else t(f"price.tier_mode.{comp['tier_mode']}")
            rows.append({"component": component_label(index, comp), "tier_mode": mode,
                         "tier": tier + 1, "from": float(lower), "to": float(upper) if upper is not None else None,
                         "factor": float(factor), "price": comp["tier_prices_ore"][tier] / 100,
                         "minimum": (comp.get("minimum_fee_ore") or 0) / 100})
    return rows


def show_prices(result: dict) -> None:
    frame = pd.DataFrame(price_rows(result), columns=["component", "tier", "price", "minimum", "tier_mode", "from",
                                                       "to", "factor"])
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "component": t("price.col.component"), "tier_mode": t("price.col.tier_mode"),
        "tier": st.column_config.NumberColumn(t("price.col.tier"), format="%d"),
        "from": st.column_config.NumberColumn(t("price.col.from"), format="localized"),
        "to": st.column_config.NumberColumn(t("price.col.to"), format="localized"),
        "factor": st.column_config.NumberColumn(t("price.col.factor")),
        "price": common.money_column(t("price.col.tier_price")),
        "minimum": common.money_column(t("price.col.minimum_fee"))})


def show_bills(result: dict) -> None:
    frame = pd.DataFrame([{"name": c["name"], "org_number": c.get("org_number"), "total": c["total_ore"] / 100,
                           "previous": None if c.get("previous_ore") is None else c["previous_ore"] / 100,
                           "population": c.get("population") or 0,
                           "units": float(Decimal(str(c.get("units") or 0)))}
                          for c in result["charges"]],
                         columns=["name", "org_number", "total", "previous", "population", "units"])
    frame["change"] = frame["total"] - frame["previous"]
    frame["change_pct"] = frame["change"] / frame["previous"]
    # the organisation and its number, then what it pays, before the figures the bill is worked out from
    frame = frame[["name", "org_number", "total", "previous", "change", "change_pct", "population", "units"]]
    search = st.text_input(t("ui.search"), key="bill-search", placeholder=t("price.bill_search"))
    if search:
        frame = frame[frame["name"].str.contains(search, case=False, regex=False)]
    st.dataframe(frame.sort_values("name"), hide_index=True, width="stretch", column_config={
        "name": t("price.col.organisation"), "org_number": t("price.col.org_number"),
        "population": st.column_config.NumberColumn(t("price.col.population"), format="localized"),
        "units": st.column_config.NumberColumn(t("price.col.units"), format="localized"),
        "total": common.money_column(t("price.col.total_bill")),
        "previous": common.money_column(t("price.col.previous_bill")),
        "change": common.money_column(t("price.col.change")),
        "change_pct": st.column_config.NumberColumn(t("price.col.change_pct"), format="percent")})


def show_sensitivity(result: dict) -> None:
    rows = result["sensitivity"]
    factors = [float(r["factor"]) * 100 for r in rows]
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=factors, y=[r["average_bill_ore"] / 100 for r in rows], mode="lines+markers",
                                name=t("price.sens_average_bill")))
    figure.update_layout(title=t("price.sens_adoption_title"), xaxis_title=t("price.sens_axis_adoption"),
                         yaxis_title=t("price.axis_kr"))
    st.plotly_chart(figure, width="stretch")
    for index, comp in enumerate(result["components"]):
        if comp["basis"] == "organisation":
            continue
        figure = go.Figure()
        figure.add_trace(go.Scatter(x=factors, y=[float(Decimal(r["rates"][index]) / 100) for r in rows],
                                    mode="lines+markers", name=t("price.sens_by_adoption")))
        if comp["basis"] == "unit":
            figure.add_trace(go.Scatter(x=factors, y=[float(Decimal(r["volume_rates"][index]) / 100)
                                                      if r["volume_rates"][index] else None for r in rows],
                                        mode="lines+markers", name=t("price.sens_by_volume")))
        figure.update_layout(title=t("price.sens_rate_title", component=component_label(index, comp)),
                             xaxis_title=t("price.sens_axis_factor"), yaxis_title=t("price.axis_kr_per_unit"))
        st.plotly_chart(figure, width="stretch")
    st.caption(t("price.sens_help"))


def show_summary(result: dict) -> None:
    c1, c2 = st.columns(2)   # two a row: an exact amount in kroner and øre is too wide for a quarter of the page
    c3, c4 = st.columns(2)
    c1.metric(t("price.sum.self_cost"), kr(result["self_cost_ore"]), border=True)
    c2.metric(t("price.sum.revenue"), kr(result["expected_revenue_ore"]), border=True)
    c3.metric(t("price.sum.rounding"), kr(result["rounding_difference_ore"]), border=True)
    c4.metric(t("price.doc.adopters"), number(len(result["charges"])), border=True)
    bills = [c["total_ore"] for c in result["charges"]]
    if bills:
        st.caption(t("price.bill_range", low=kr(min(bills)), high=kr(max(bills)),
                     average=kr(round_ore(Decimal(sum(bills)) / len(bills)))))
