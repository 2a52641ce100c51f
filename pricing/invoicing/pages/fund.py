from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.i18n import t
from data.pages import common
from pricing import fundplan
from pricing.invoicing import accounts, fund
from pricing.pages import shared

actor = common.require_actor(shared.COST_ROLES)
common.header("page.selfcost_fund", "fund.page_intro")
today = date.today()

overview = common.cached(fund.overview, today)
if not overview:
    common.empty_state("fund.empty")
else:
    frame = common.with_names(pd.DataFrame(overview).drop(columns=["warnings"]), ("service",))
    for column in ("balance_ore", "must_use_ore", "must_recover_ore", "planned_next_ore"):
        frame[column] = frame[column].astype(float) / 100
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "service": t("acct.col.service"), "balance_ore": common.money_column(t("fund.col.closing")),
        "must_use_ore": common.money_column(t("fund.col.must_use", year=today.year + 1)),
        "must_recover_ore": common.money_column(t("fund.col.must_recover", year=today.year + 1)),
        "planned_next_ore": common.money_column(t("fund.col.planned", year=today.year + 1)),
        "expiring": st.column_config.NumberColumn(t("fund.col.expiring"), format="%d")})
    common.grouped_warnings([warning for row in overview for warning in row["warnings"]])

codes = common.cached(accounts.services_with_accounts)
names = common.service_names()
if codes:
    code = st.selectbox(t("acct.col.service"), codes, key="fund-service", format_func=lambda c: names.get(c, c))
    name = names.get(code, code)
    statement = common.cached(fund.statement, code, today)
    if statement.years:
        years = pd.DataFrame([{**vars(y), "year_end": y.year_end_text()}
                              for y in statement.years]).drop(columns=["closed_at", "closed_by"])
        for column in years.columns:
            if column.endswith("_ore"):
                years[column] = years[column] / 100
        years["rate_percent"] = years["rate_percent"].astype(float)
        years = years[["year", "closing_ore", "result_ore", "opening_ore", "interest_ore", "rate_percent",
                       "set_aside_ore", "drawn_ore", "recovered_ore", "new_deficit_ore", "correction_ore", "year_end"]]
        st.header(t("fund.years_title", service=name))
        st.dataframe(years, hide_index=True, width="stretch", column_config={
            "year": st.column_config.NumberColumn(t("fund.col.year"), format="%d"),
            "opening_ore": common.money_column(t("fund.col.opening")),
            "result_ore": common.money_column(t("acct.item.result")),
            "rate_percent": common.percent_column(t("fund.col.rate"), decimals=2, ratio=False),
            "interest_ore": common.money_column(t("fund.col.interest")),
            "closing_ore": common.money_column(t("fund.col.closing")),
            "set_aside_ore": common.money_column(t("fund.col.set_aside")),
            "drawn_ore": common.money_column(t("fund.col.drawn")),
            "recovered_ore": common.money_column(t("fund.col.recovered")),
            "new_deficit_ore": common.money_column(t("fund.col.new_deficit")),
            "correction_ore": common.money_column(t("fund.col.correction")), "year_end": t("fund.col.closed")})
        chart = go.Figure()
        chart.add_bar(x=[y.year for y in statement.years], y=[y.closing_ore / 100 for y in statement.years],
                      name=t("fund.col.closing"))
        chart.update_layout(title=t("fund.chart_title", service=name), xaxis_title=t("fund.col.year"),
                            yaxis_title=t("acct.axis_kr"), xaxis={"type": "category"})
        st.plotly_chart(chart, width="stretch")
        st.header(t("fund.layers_title"))
        layers = pd.DataFrame([{"year": x.year, "original": x.original_ore / 100, "used": x.used_ore / 100,
                                "remaining": x.remaining_ore / 100, "deadline": x.deadline,
                                "status": t(f"fund.status.{x.status(today)}")} for x in statement.layers],
                              columns=["year", "remaining", "original", "used", "deadline", "status"])
        st.dataframe(layers, hide_index=True, width="stretch", column_config={
            "year": st.column_config.NumberColumn(t("fund.col.year"), format="%d"),
            "original": common.money_column(t("fund.col.original")), "used": common.money_column(t("fund.col.used")),
            "remaining": common.money_column(t("fund.col.remaining")),
            "deadline": common.date_column(t("fund.col.deadline")), "status": t("fund.col.status")})
        st.caption(t("fund.layers_help"))
    else:
        common.empty_state("fund.empty")

    st.header(t("fund.year_end_title"))
    st.caption(t("fund.year_end_help"))
    closings = common.cached(fund.year_end_rows, code)
    if closings:
        st.dataframe(common.with_names(pd.DataFrame(closings), persons=("closed_by", "reopened_by"))
                     .assign(closing_ore=lambda f: f["closing_ore"] / 100)
                     [["year", "closing_ore", "closed_at", "closed_by", "reopened_at", "reopened_by", "reopen_reason"]],
                     hide_index=True, width="stretch", column_config={
                         "year": st.column_config.NumberColumn(t("fund.col.year"), format="%d"),
                         "closing_ore": common.money_column(t("fund.col.closing")),
                         "closed_at": common.datetime_column(t("fund.col.closed_at")),
                         "closed_by": t("fund.col.closed_by"),
                         "reopened_at": common.datetime_column(t("fund.col.reopened_at")),
                         "reopened_by": t("fund.col.reopened_by"), "reopen_reason": t("fund.col.reopen_reason")})
    else:
        common.empty_state("fund.year_end_empty", service=name)
    if actor.can("pricing.write"):
        to_close = common.cached(fund.next_year_to_close, code, today)
        latest = next((c["year"] for c in closings if c["reopened_at"] is None), None)
        close_col, reopen_col = st.columns(2)
        if to_close is None:
            close_col.info(t("fund.nothing_to_close"))
        elif common.confirmed_button(t("fund.close_confirm", year=to_close), t("fund.close_button", year=to_close),
                                     key=f"fund-close-{code}-{to_close}", container=close_col, type="primary"):
            if common.write(fund.close_fund_year, code, to_close, success=t("fund.closed_done", year=to_close)):
                st.rerun()
        if latest is not None:
            reason = reopen_col.text_input(t("fund.reopen_reason", year=latest), key=f"fund-reopen-reason-{code}")
            if common.confirmed_button(t("fund.reopen_confirm", year=latest), t("fund.reopen_button", year=latest),
                                       key=f"fund-reopen-{code}-{latest}", container=reopen_col):
                if common.write(fund.reopen_fund_year, code, latest, reason,
                                success=t("fund.reopened_done", year=latest)):
                    st.rerun()

    if actor.can("pricing.write"):
        st.header(t("fund.plan_title"))
        plans = common.cached(fundplan.plan_rows)
        plan_year = int(st.number_input(t("fund.col.year"), min_value=2000, max_value=2100, value=today.year + 1,
                                        step=1, key=f"fund-plan-year-{code}"))
        must = statement.must_use_by(plan_year) if statement.years else 0
        plan = next((p for p in plans if p["service"] == code and p["year"] == plan_year), None)
        # no plan yet for the service and year: a new one, saved once; a plan: edited under its version
        form = common.form_key(f"fund-plan-{code}-{plan_year}") if plan is None else \
            f"fund-plan-{code}-{plan_year}-{plan['version']}"
        with st.form(form):
            amount = st.number_input(t("fund.plan_amount"),
                                     value=float((plan["amount_ore"] if plan else must) / 100),
                                     step=10000.0, format="%.2f", help=t("fund.plan_help", amount=shared.kr(must)))
            note = st.text_input(t("fund.plan_note"), plan["note"] if plan else "")
            saved = st.form_submit_button(t("fund.plan_save"), type="primary")
        payload = {"service": code, "year": plan_year, "amount_ore": shared.to_ore(amount), "note": note}
        if saved and plan is None and common.save_once(f"fund-plan-{code}-{plan_year}", payload, fundplan.set_plan,
                                                       payload, success=t("fund.plan_saved")):
            st.rerun()
        if saved and plan is not None and common.write(fundplan.set_plan, payload, expected_version=plan["version"],
                                                       success=t("fund.plan_saved")):
            st.rerun()
    plans = common.cached(fundplan.plan_rows)
    if plans:
        st.header(t("fund.plans_title"))
        plan_frame = common.with_names(pd.DataFrame(plans), ("service",))
        plan_frame["amount_ore"] = plan_frame["amount_ore"] / 100
        plan_frame = plan_frame[["service", "year", "amount_ore", "note"]]
        st.dataframe(plan_frame, hide_index=True, width="stretch", column_config={
            "service": t("acct.col.service"), "year": st.column_config.NumberColumn(t("fund.col.year"), format="%d"),
            "amount_ore": common.money_column(t("fund.plan_amount")), "note": t("fund.plan_note")})
