from datetime import date

import pandas as pd
import streamlit as st

from data.formatting import day, integer
from data.i18n import t
from data.pages import common
from pricing import exports, fundplan, pricelists, selfcost, sources
from pricing.pages import shared, view
from pricing.schemas import ORG_KINDS, parse_tiers

actor = common.require_actor(roles=shared.COST_ROLES)
common.header("page.price_calculations", "price.calculations_intro")
can_edit = actor.can("pricing.write")
can_approve = actor.can("pricing.approve")

with common.session() as session:
    codes = shared.service_choices(session)
top = st.columns([2, 1])
service = top[0].selectbox(t("price.col.service"), list(codes), format_func=codes.get,
                           index=list(codes).index("svarut") if "svarut" in codes else 0)
year = top[1].number_input(t("price.col.year"), 2000, 2100, date.today().year + 1, key="calc-year")

CHARGES = ["model", "fixed", "per_inhabitant", "per_unit", "free", "none"]
KIND_COLUMNS = {
    "kind": st.column_config.SelectboxColumn(t("price.col.kind"), options=list(ORG_KINDS), disabled=True,
                                             format_func=lambda k: t(f"price.kind.{k}")),
    "charge": st.column_config.SelectboxColumn(t("price.col.charge"), options=CHARGES, required=True,
                                               format_func=lambda c: t(f"price.charge.{c}")),
    "price": st.column_config.NumberColumn(t("price.col.kind_amount"), min_value=0, format="%.2f"),
    "minimum": st.column_config.NumberColumn(t("price.col.minimum_fee"), min_value=0, format="%.2f")}


def _kinds_frame(model: dict) -> pd.DataFrame:
    """One row per organisation kind: how it pays (a kind missing from the model has no price)."""
    rows = pricelists.kind_rows(model.get("kinds") or {"municipality": {"charge": "model"}}, model["components"])
    return pd.DataFrame([{"kind": r["kind"], "charge": r["charge"],
                          "price": (r["price_ore"] or 0) / 100, "minimum": (r["minimum_ore"] or 0) / 100}
                         for r in rows])


def _kinds_from(frame: pd.DataFrame) -> dict:
    kinds = {}
    for row in frame.to_dict("records"):
        charge = shared.text_or(row.get("charge"), "none")
        price = shared.to_ore(shared.number_or_zero(row.get("price")))
        if charge in ("model", "free"):
            kinds[row["kind"]] = {"charge": charge}
        elif charge == "fixed":
            kinds[row["kind"]] = {"charge": charge, "fee_ore": price}
        elif charge in ("per_inhabitant", "per_unit"):
            kinds[row["kind"]] = {"charge": charge, "tier_prices_ore": [price],
                                  "minimum_fee_ore": shared.to_ore(shared.number_or_zero(row.get("minimum")))}
    return kinds


def _show_kinds(result: dict, population_year: int | None) -> None:
    rows = pricelists.kind_rows(result.get("kinds") or {"municipality": {"charge": "model"}}, result["components"])
    st.markdown(t("price.kinds_title"))
    st.dataframe(pd.DataFrame([{
        "kind": t(f"price.kind.{r['kind']}"), "charge": t(f"price.charge.{r['charge']}"),
        "agreed_model": t(f"inv.model.{r['agreed_model']}") if r["agreed_model"] else "–",
        "price": None if r["price_ore"] is None else r["price_ore"] / 100,
        "minimum": None if r["minimum_ore"] is None else r["minimum_ore"] / 100} for r in rows],
        columns=["kind", "price", "minimum", "charge", "agreed_model"]),
        hide_index=True, width="stretch", column_config={
            "kind": t("price.col.kind"), "charge": t("price.col.charge"),
            "agreed_model": t("price.col.agreed_model"), "price": common.money_column(t("price.col.kind_amount")),
            "minimum": common.money_column(t("price.col.minimum_fee"))})
    st.caption(f"{t('price.col.population_year')}: {population_year or '–'}")


tabs = st.tabs([t("price.tab.saved"), t("price.tab.new")] if can_edit else [t("price.tab.saved")])

with tabs[0]:
    rows = common.cached(selfcost.calculation_rows, service, int(year))
    if not rows:
        common.empty_state("price.calculations_empty", service=codes.get(service, service), year=int(year))
    else:
        frame = pd.DataFrame(rows)
        frame["status"] = frame["status"].map(lambda s: t(f"price.status.{s}").capitalize())   # a table cell
        frame["basis"] = frame["basis"].map(lambda b: t(f"price.basis.{b}"))
        frame = common.with_names(frame, persons=("created_by", "submitted_by"))
        frame["self_cost_ore"] = frame["self_cost_ore"] / 100
        frame["expected_revenue_ore"] = frame["expected_revenue_ore"] / 100
        frame = frame[["number", "self_cost_ore", "expected_revenue_ore", "status", "basis", "adopters",
                       "price_list", "population_year", "created_by", "created_at", "submitted_by", "submitted_at",
                       "note"]]
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={
                         "number": st.column_config.NumberColumn(t("price.col.calculation"), format="%d"),
                         "status": t("price.col.status"), "basis": t("price.col.basis"),
                         "self_cost_ore": common.money_column(t("price.sum.self_cost")),
                         "expected_revenue_ore": common.money_column(t("price.sum.revenue")),
                         "adopters": st.column_config.NumberColumn(t("price.doc.adopters"), format="%d"),
                         "created_by": t("price.col.created_by"),
                         "created_at": common.datetime_column(t("price.col.created_at")),
                         "submitted_by": t("price.col.submitted_by"),
                         "submitted_at": common.datetime_column(t("price.col.submitted_at")),
                         "population_year": st.column_config.NumberColumn(t("price.col.population_year"),
                                                                          format="%d"),
                         "note": t("price.col.note"),
                         "price_list": st.column_config.NumberColumn(t("price.col.list_version"), format="%d")})
        by_id = {r["id"]: r for r in rows}
        chosen = st.selectbox(t("price.choose_calculation"), list(by_id),
                              format_func=lambda i: t("price.calc_label", number=by_id[i]["number"],
                                                      status=t(f"price.status.{by_id[i]['status']}")))
        with common.session() as session:
            calc = selfcost.get_calculation(session, chosen)
            inputs, result, status = calc.inputs, calc.result, calc.status
            sent_back = (calc.sent_back_by, calc.sent_back_at, calc.sent_back_reason)
            comparison = selfcost.side_by_side(session, calc)
            workbook = exports.calculation_workbook(session, calc)
            bills = exports.bills_workbook(calc)
        people = common.people()       # persons by name, not user names
        if status == "draft" and sent_back[2]:      # a leader sent it back: why, first of all
            returned = pricelists.sent_back_line(people.get(sent_back[0], sent_back[0]), sent_back[1], sent_back[2])
            st.warning(f"{returned}\n\n{t('price.sent_back_next')}", icon=":material/undo:")
        view.show_summary(result)
        if inputs["volume_source"] == "manual":
            st.caption(t("price.source.manual_note"))
        if inputs.get("population_fallback"):
            names = inputs["population_fallback"]
            st.warning(t("price.population_fallback", year=inputs.get("population_year") or "–", count=len(names),
                         names=", ".join(names[:8]) + (" …" if len(names) > 8 else "")))
        for warning in fundplan.due_warnings(inputs):    # the fund's surplus or deficit this year's price must settle
            st.warning(warning, icon=":material/savings:")
        _show_kinds(result, inputs.get("population_year"))
        trace, prices, compare, bill_tab, sens = st.tabs(
            [t("price.tab.trace"), t("price.tab.prices"), t("price.tab.compare"), t("price.tab.bills"),
             t("price.tab.sensitivity")])
        with trace:
            view.show_trace(inputs, result)
        with prices:
            view.show_prices(result)
        with compare:
            # kroner in one table (two decimals, "–" where last year has none); the count of payers beside it
            money_rows = [r for r in comparison if r["item"] != "adopters"]
            counts = next((r for r in comparison if r["item"] == "adopters"), None)
            frame = pd.DataFrame([{"item": t(f"price.cmp.{r['item']}"),
                                   **{c: None if r[c] is None else r[c] / 100
                                      for c in ("this_ore", "last_ore", "change_ore")}} for r in money_rows],
                                 columns=["item", "this_ore", "last_ore", "change_ore"])
            if comparison[0]["last_ore"] is None:
                st.info(t("price.no_last_year", year=int(year) - 1))
            st.dataframe(frame, hide_index=True, width="stretch", column_config={
                "item": t("price.col.item"), "this_ore": common.money_column(str(int(year))),
                "last_ore": common.money_column(str(int(year) - 1)),
                "change_ore": common.money_column(t("price.col.change"))})
            if counts is not None:
                st.caption(t("price.cmp.adopters_line", this=integer(counts["this_ore"]),
                             last=integer(counts["last_ore"]) if counts["last_ore"] is not None else "–"))
        with bill_tab:
            view.show_bills(result)
            st.download_button(t("price.download_bills"), bills, f"regninger-{service}-{int(year)}.xlsx",
                               mime=shared.XLSX, icon=":material/download:")
        with sens:
            view.show_sensitivity(result)
        st.download_button(t("price.download_sheet"), workbook,
                           f"priskalkyle-{service}-{int(year)}-{by_id[chosen]['number']}.xlsx", mime=shared.XLSX,
                           icon=":material/download:", type="primary")
        if status == "awaiting_approval":
            submitter = by_id[chosen]["submitted_by"]
            st.info(t("price.awaiting_info", who=people.get(submitter, submitter) or "–",
                      when=day(by_id[chosen]["submitted_at"])))
        if status == "draft" and can_edit:
            if common.confirmed_button(t("price.confirm_submit"), t("price.submit"), key=f"submit-{chosen}",
                                       icon=":material/send:"):
                if common.write(pricelists.submit, {"calculation_id": chosen}, success=t("price.submitted")):
                    st.rerun()
        if status in ("draft", "awaiting_approval"):
            if can_approve:
                st.header(t("price.approve_title"))
                comment = st.text_input(t("price.approval_comment"), key=f"comment-{chosen}")
                if common.confirmed_button(t("price.confirm_approve"), t("price.approve"), key=f"approve-{chosen}",
                                           type="primary"):
                    if common.write(pricelists.approve, {"calculation_id": chosen, "comment": comment},
                                    success=t("price.approved")):
                        st.rerun()
            if can_edit:
                if common.confirmed_button(t("price.confirm_delete_calc"), t("price.delete"), key=f"del-calc-{chosen}",
                                           icon=":material/delete:"):
                    if common.write(selfcost.delete_calculation, chosen, success=t("price.deleted")):
                        st.rerun()
        else:
            st.info(t("price.approved_info"))

if can_edit:
    with tabs[1]:
        with common.session() as session:
            start = selfcost.starting_point(session, service, int(year))
        st.caption(t("price.new_help"))
        model = (start or {}).get("model") or selfcost.default_model().model_dump(mode="json")
        components = pd.DataFrame([{
            "basis": c["basis"], "share": float(c["share"]), "tier_mode": c.get("tier_mode", "graduated"),
            "tiers": shared.tiers_text(c.get("tiers", [])), "minimum_fee": (c.get("minimum_fee_ore") or 0) / 100,
            "unit_label": c.get("unit_label", "")} for c in model["components"]])
        st.markdown(t("price.model_title"))
        edited = st.data_editor(components, num_rows="dynamic", hide_index=True, width="stretch",
                                key=f"model-{service}-{int(year)}", column_config={
            "basis": st.column_config.SelectboxColumn(t("price.col.model_basis"), required=True,
                                                      options=["organisation", "inhabitant", "unit"],
                                                      format_func=lambda b: t(f"price.per.{b}")),
            "share": st.column_config.NumberColumn(t("price.col.share_percent"), min_value=0, max_value=100),
            "tier_mode": st.column_config.SelectboxColumn(t("price.col.tier_mode"), options=["graduated", "volume"],
                                                          format_func=lambda m: t(f"price.tier_mode.{m}")),
            "tiers": st.column_config.TextColumn(t("price.col.tiers"), help=t("price.tiers_help")),
            "minimum_fee": st.column_config.NumberColumn(t("price.col.minimum_fee"), min_value=0),
            "unit_label": st.column_config.TextColumn(t("price.col.unit_label"))})
        st.caption(t("price.model_help"))
        st.markdown(t("price.kinds_title"))
        kinds_edited = st.data_editor(_kinds_frame(model), hide_index=True, width="stretch",
                                      key=f"kinds-{service}-{int(year)}", column_config=KIND_COLUMNS)
        st.caption(t("price.kinds_help"))
        population_year = st.number_input(t("price.col.population_year"), 1900, 2100, value=None, step=1,
                                          help=t("price.population_year_help"), key="calc-population-year")
        c1, c2, c3 = st.columns(3)
        basis = c1.selectbox(t("price.col.basis"), ["budget", "actual"], format_func=lambda b: t(f"price.basis.{b}"))
        fund_use = c2.number_input(t("price.col.fund_use"), value=((start or {}).get("fund_use_ore") or 0) / 100,
                                   step=10000.0, format="%.2f", help=t("price.fund_use_help"))
        note = c3.text_input(t("price.col.note"), key="calc-note")
        source_options = ["agreements", "previous", "municipalities", "empty"]
        source = st.radio(t("price.adopter_source"), source_options, horizontal=True,
                          format_func=lambda s: t(f"price.adopter_source.{s}"),
                          index=source_options.index("previous") if start else 0)
        growth = 0.0
        adopters = None
        meter = None
        if source == "agreements":
            with common.session() as session:
                meter_choices = dict(sources.meters(session, service))
            m1, m2 = st.columns(2)
            meter = m1.selectbox(t("price.col.meter"), list(meter_choices) or [None],
                                 format_func=lambda m: meter_choices.get(m, "–"))
            growth = m2.number_input(t("price.col.growth"), -90.0, 500.0, 0.0, step=1.0,
                                     help=t("price.growth_help"))
        else:
            with common.session() as session:
                if source == "previous":
                    initial = (start or {}).get("adopters", [])
                elif source == "municipalities":
                    initial = selfcost.municipality_adopters(session)
                else:
                    initial = []
            frame = pd.DataFrame(initial or [], columns=["org_id", "organisation", "name", "units"])
            adopters_edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch",
                                             key=f"adopters-{service}-{int(year)}-{source}",
                                             column_order=["organisation", "name", "units"], column_config={
                "organisation": st.column_config.TextColumn(t("price.col.organisation_key"), required=True,
                                                            help=t("price.organisation_key_help")),
                "name": st.column_config.TextColumn(t("price.col.organisation"), disabled=True),
                "units": st.column_config.NumberColumn(t("price.col.units"), min_value=0)})
            by_key = {str(r["organisation"]): r["org_id"] for r in initial or []}
            adopters = [{"organisation": shared.text_or(r.get("organisation"), ""),
                         # unchanged rows keep their register id
                         "org_id": by_key.get(shared.text_or(r.get("organisation"), "")),
                         "units": shared.number_or_zero(r["units"])}
                        for r in adopters_edited.to_dict("records") if shared.text_or(r.get("organisation"), "")]

        def request():
            model_rows = edited.to_dict("records")
            comps = []
            for row in model_rows:
                if not isinstance(row.get("basis"), str):
                    continue
                comps.append({"basis": row["basis"], "share": str(shared.number_or_zero(row.get("share"))),
                              "tier_mode": shared.text_or(row.get("tier_mode"), "graduated"),
                              "tiers": parse_tiers(shared.text_or(row.get("tiers"), "")),
                              "minimum_fee_ore": shared.to_ore(shared.number_or_zero(row.get("minimum_fee"))),
                              "unit_label": shared.text_or(row.get("unit_label"), "")})
            return {"service": service, "year": int(year), "basis": basis, "fund_use_ore": shared.to_ore(fund_use),
                    "model": {"components": comps, "kinds": _kinds_from(kinds_edited)},
                    "adopters": adopters, "volume_growth_percent": str(growth), "meter": meter, "note": note,
                    "population_year": int(population_year) if population_year else None}

        b1, b2 = st.columns(2)
        preview = b1.button(t("price.preview"), icon=":material/calculate:")
        save = b2.button(t("price.save_calculation"), type="primary", icon=":material/save:")
        try:
            payload = request() if (preview or save) else None
        except ValueError as error:
            st.error(str(error))
            payload = None
        if payload and preview:
            shown = common.write(selfcost.preview_price, payload)
            if shown:
                inputs, result = shown
                view.show_summary(result)
                view.show_prices(result)
                view.show_trace(inputs, result)
        if payload and save:       # saved once: pressing again with the same inputs makes no second calculation
            calc = common.save_once(f"calculation-{service}-{int(year)}", payload, selfcost.calculate_price, payload)
            if calc:
                st.success(t("price.calculation_saved", number=calc.number))

if not can_edit and not can_approve:
    st.info(t("price.read_only"))
