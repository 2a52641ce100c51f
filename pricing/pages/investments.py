from decimal import Decimal

import pandas as pd
import plotly.express as px
import streamlit as st

from data.i18n import t
from data.pages import common
from pricing import capital
from pricing.pages import shared

actor = common.require_actor(roles=shared.COST_ROLES)
common.header("page.price_investments", "price.investments_intro")
can_edit = actor.can("pricing.write")

with common.session() as session:
    codes = shared.service_choices(session)
service = st.selectbox(t("price.col.service"), [None] + list(codes),
                       format_func=lambda c: t("ui.all") if c is None else codes[c])

invest_tab, rate_tab, class_tab = st.tabs([t("price.tab.investments"), t("price.tab.rates"),
                                           t("price.tab.asset_classes")])

with invest_tab:
    rows = common.cached(capital.investment_rows, service)
    if not rows:
        common.empty_state("price.investments_empty")
    else:
        frame = pd.DataFrame(rows)
        frame["amount"] = frame["amount_ore"] / 100
        frame["service"] = frame["service"].map(lambda c: codes.get(c, c))
        frame["asset_class"] = frame["asset_class"].map(lambda c: t(f"price.asset_class.{c}"))
        st.dataframe(frame[["service", "name", "amount", "asset_class", "year_in_use", "years_of_use",
                            "class_max_years", "last_year", "life_reason", "counts_toward_self_cost", "note"]],
                     hide_index=True, width="stretch", column_config={
            "service": t("price.col.service"), "name": t("price.col.investment"),
            "amount": common.money_column(t("price.col.amount")), "asset_class": t("price.col.asset_class"),
            "year_in_use": st.column_config.NumberColumn(t("price.col.year_in_use"), format="%d"),
            "years_of_use": st.column_config.NumberColumn(t("price.col.years_of_use"), format="%d"),
            "class_max_years": st.column_config.NumberColumn(t("price.col.class_max_years"), format="%d"),
            "last_year": st.column_config.NumberColumn(t("price.col.last_year"), format="%d"),
            "life_reason": t("price.col.life_reason"),
            "counts_toward_self_cost": st.column_config.CheckboxColumn(t("price.col.counts")),
            "note": t("price.col.note")})
        longer = [r for r in rows if r["class_max_years"] is not None and r["years_of_use"] > r["class_max_years"]]
        if longer:
            st.info(t("price.over_max_warning", count=len(longer)))
        by_id = {r["id"]: r for r in rows}
        chosen = st.selectbox(t("price.choose_investment"), list(by_id), index=None,
                              format_func=lambda i: f"{codes.get(by_id[i]['service'], by_id[i]['service'])}: "
                                                    f"{by_id[i]['name']}")
        if chosen is not None:
            with common.session() as session:
                plan = capital.schedule(session, chosen)
            frame = pd.DataFrame(plan)
            for column in ("depreciation", "opening", "closing", "interest"):
                frame[column] = frame[column].map(lambda v: None if v is None else float(Decimal(v) / 100))
            frame["rate_percent"] = frame["rate_percent"].map(lambda v: None if v is None else float(v) / 100)
            frame = frame[["year", "depreciation", "interest", "opening", "closing", "rate_percent"]]
            st.dataframe(frame, hide_index=True, width="stretch", column_config={
                "year": st.column_config.NumberColumn(t("price.col.year"), format="%d"),
                "depreciation": common.money_column(t("price.col.depreciation")),
                "opening": common.money_column(t("price.col.opening")),
                "closing": common.money_column(t("price.col.closing")),
                "rate_percent": st.column_config.NumberColumn(t("price.col.imputed_rate"), format="percent"),
                "interest": common.money_column(t("price.col.interest"))})
            if frame["interest"].isna().any():
                st.warning(t("price.rates_missing_some"))
            chart = frame.melt(id_vars="year", value_vars=["depreciation", "interest"], var_name="kind",
                               value_name="kr")
            chart["kind"] = chart["kind"].map({"depreciation": t("price.col.depreciation"),
                                               "interest": t("price.col.interest")})
            figure = px.bar(chart, x="year", y="kr", color="kind", title=t("price.capital_chart_title"),
                            labels={"year": t("price.col.year"), "kr": t("price.axis_kr"), "kind": ""})
            st.plotly_chart(figure, width="stretch")

    if can_edit:
        by_id = {r["id"]: r for r in rows}
        edit_id = st.selectbox(t("price.edit_investment"), [None] + list(by_id), key="edit-investment",
                               format_func=lambda i: t("price.new_investment") if i is None else by_id[i]["name"])
        current = by_id.get(edit_id, {})
        # a new investment: drawn empty again after a save (and saved once); an edit: keyed by its version
        form = common.form_key("investment-new") if edit_id is None else f"investment-{edit_id}-{current.get('version')}"
        with st.form(form):
            c1, c2, c3 = st.columns(3)
            default_service = current.get("service") or service       # a new one: the service shown above
            inv_service = c1.selectbox(t("price.col.service"), list(codes), format_func=codes.get,
                                       index=list(codes).index(default_service) if default_service in codes else 0)
            name = c2.text_input(t("price.col.investment"), current.get("name", ""))
            amount = c3.number_input(t("price.col.amount"), min_value=0.0, step=10000.0, format="%.2f",
                                     value=current.get("amount_ore", 0) / 100)
            year_in_use = c1.number_input(t("price.col.year_in_use"), 2000, 2100,
                                          current.get("year_in_use", shared.date.today().year))
            classes = list(capital.ASSET_CLASSES)
            asset_class = c3.selectbox(t("price.col.asset_class"), classes,
                                       index=classes.index(current.get("asset_class", capital.DEFAULT_ASSET_CLASS)),
                                       format_func=lambda c: t(f"price.asset_class.{c}"))
            years_of_use = c2.number_input(t("price.col.years_of_use"), 1, 100, current.get("years_of_use"),
                                           help=t("price.life_default_help"))
            counts = c3.checkbox(t("price.col.counts"), current.get("counts_toward_self_cost", True))
            life_reason = st.text_area(t("price.col.life_reason"), current.get("life_reason", ""))
            note = st.text_input(t("price.col.note"), current.get("note", ""))
            st.caption(t("price.depreciation_rule"))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = {"service": inv_service, "name": name, "amount_ore": shared.to_ore(amount),
                       "year_in_use": year_in_use, "years_of_use": years_of_use, "asset_class": asset_class,
                       "life_reason": life_reason, "counts_toward_self_cost": counts, "note": note}
            if edit_id is None and common.save_once("investment-new", payload, capital.save_investment, payload,
                                                    success=t("ui.saved")):
                st.rerun()
            if edit_id is not None and common.write(capital.save_investment, payload, investment_id=edit_id,
                                                    expected_version=current.get("version"), success=t("ui.saved")):
                st.rerun()
        if edit_id is not None:
            if common.confirmed_button(t("price.confirm_delete_investment"), t("price.delete"), key=f"del-inv-{edit_id}",
                                       icon=":material/delete:"):
                if common.write(capital.delete_investment, edit_id, expected_version=current.get("version"),
                                success=t("price.deleted")):
                    st.rerun()

with rate_tab:
    st.caption(t("price.rates_help"))
    rates = common.cached(capital.rate_rows)
    if not rates:
        common.empty_state("price.rates_empty")
    else:
        frame = pd.DataFrame(rates)
        frame["swap_rate"] = frame["swap_rate"].map(lambda v: float(v) / 100)
        frame["imputed_rate"] = frame["imputed_rate"].map(lambda v: float(v) / 100)
        st.dataframe(frame.drop(columns=["version"]), hide_index=True, width="stretch", column_config={
            "year": st.column_config.NumberColumn(t("price.col.year"), format="%d"),
            "swap_rate": st.column_config.NumberColumn(t("price.col.swap_rate"), format="percent"),
            "imputed_rate": st.column_config.NumberColumn(t("price.col.imputed_rate"), format="percent"),
            "source": t("price.col.source")})
    if can_edit:
        known = {r["year"]: r["version"] for r in rates}
        this_year = shared.date.today().year
        next_year = this_year if this_year not in known else max(known) + 1     # the first year still missing
        with st.form(common.form_key("rate")):
            c1, c2, c3 = st.columns([1, 1, 2])
            rate_year = c1.number_input(t("price.col.year"), 2000, 2100, min(next_year, 2100))
            swap = c2.number_input(t("price.col.swap_rate_percent"), -5.0, 30.0, 3.5, step=0.01, format="%.4f")
            source = c3.text_input(t("price.col.source"))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = {"year": int(rate_year), "swap_rate": str(round(swap, 4)), "source": source}
            if common.save_once("rate", payload, capital.set_rate, payload, expected_version=known.get(rate_year),
                                success=t("ui.saved")):
                st.rerun()

with class_tab:
    st.caption(t("price.asset_classes_help"))
    lives = common.cached(capital.class_life_rows)
    frame = pd.DataFrame(lives)
    frame["corrected"] = frame["version"].notna()
    frame["name"] = frame["code"].map(lambda c: t(f"price.asset_class.{c}"))
    st.dataframe(frame[["letter", "name", "max_years", "corrected", "source"]], hide_index=True, width="stretch",
                 column_config={"letter": t("price.col.letter"), "name": t("price.col.asset_class"),
                                "max_years": st.column_config.NumberColumn(t("price.col.max_years"), format="%d"),
                                "corrected": st.column_config.CheckboxColumn(t("price.col.corrected")),
                                "source": t("price.col.source")})
    if can_edit:
        by_code = {row["code"]: row for row in lives}
        code = st.selectbox(t("price.col.asset_class"), list(by_code), key="class-life-code",
                            format_func=lambda c: t(f"price.asset_class.{c}"))
        with st.form(f"class-life-{code}-{by_code[code]['version']}"):
            c1, c2 = st.columns([1, 3])
            max_years = c1.number_input(t("price.col.max_years"), 1, 100, by_code[code]["max_years"])
            source = c2.text_input(t("price.col.source"),
                                   by_code[code]["source"] if by_code[code]["version"] is not None else "")
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved and common.write(capital.set_class_life, {"code": code, "max_years": max_years, "source": source},
                                  expected_version=by_code[code]["version"], success=t("ui.saved")):
            st.rerun()
