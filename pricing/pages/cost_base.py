import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from pricing import costbase, exports
from pricing.models import BASES, COST_TYPES, KEY_TYPES
from pricing.pages import shared

actor = common.require_actor(roles=shared.COST_ROLES)
common.header("page.price_cost_base", "price.cost_base_intro")
can_edit = actor.can("pricing.write")

with common.session() as session:
    codes = shared.service_choices(session)
    years = costbase.years_with_costs(session)
filters = st.columns([1, 1, 2])
year = filters[0].selectbox(t("price.col.year"), shared.year_choices(years), index=shared.default_year_index(years))
basis = filters[1].selectbox(t("price.col.basis"), BASES, format_func=lambda b: t(f"price.basis.{b}"))
service = filters[2].selectbox(t("price.col.service"), [None] + list(codes),
                               format_func=lambda c: t("ui.all") if c is None else codes[c])

summary, items_tab, pools_tab, import_tab = st.tabs(
    [t("price.tab.summary"), t("price.tab.items"), t("price.tab.pools"), t("price.tab.import")])

with summary:
    rows = common.cached(costbase.cost_summary, year)
    if service:
        rows = [r for r in rows if r["service"] == service]
    if not rows:
        common.empty_state("price.cost_empty", year=year)
    else:
        frame = pd.DataFrame(rows)
        frame["service"] = frame["service"].map(lambda c: codes.get(c, c) if c else None)
        frame["cost_type"] = frame["cost_type"].map(lambda c: t(f"price.type.{c}"))
        # actual − budget only where actuals exist; «–» where the row has none yet (never a deviation against 0)
        for column in ("budget_ore", "not_counted_ore", "actual_ore", "deviation_ore"):
            frame[column] = [None if v is None else v / 100 for v in frame[column]]
        st.dataframe(frame[["service", "pool", "cost_type", "budget_ore", "actual_ore", "deviation_ore",
                            "not_counted_ore"]], hide_index=True, width="stretch", column_config={
            "service": t("price.col.service"), "pool": t("price.col.pool"), "cost_type": t("price.col.cost_type"),
            "budget_ore": common.money_column(t("price.basis.budget")),
            "actual_ore": common.money_column(t("price.basis.actual")),
            "deviation_ore": common.money_column(t("price.col.deviation")),
            "not_counted_ore": common.money_column(t("price.col.not_counted")),
        })
        without = sum(1 for r in rows if r["actual_ore"] is None)
        if without == len(rows):
            st.caption(t("price.no_actuals_year", year=year))
        elif without:
            st.caption(t("price.no_actuals_rows", count=without))
    st.header(t("price.allocation_title"))
    st.caption(t("price.allocation_help"))
    matrix = common.cached(costbase.allocation_matrix, year, basis)
    if service:
        matrix = [m for m in matrix if m["service"] == service]
    if not matrix:
        common.empty_state("price.allocation_empty")
    else:
        frame = pd.DataFrame(matrix)
        frame["key_type"] = frame["key_type"].map(lambda k: t(f"price.key.{k}"))
        frame["pool_total_ore"] = frame["pool_total_ore"] / 100
        frame["allocated_ore"] = frame["allocated_ore"] / 100
        frame["service"] = frame["service"].map(lambda c: codes.get(c, c))
        frame = frame[["service", "pool_name", "allocated_ore", "share", "figure", "key_type", "pool_total_ore",
                       "pool"]]
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "pool": t("price.col.pool"), "pool_name": t("price.col.name"), "key_type": t("price.col.key_type"),
            "service": t("price.col.service"), "figure": st.column_config.NumberColumn(t("price.col.figure")),
            "share": st.column_config.NumberColumn(t("price.col.share"), format="percent"),
            "pool_total_ore": common.money_column(t("price.col.pool_total")),
            "allocated_ore": common.money_column(t("price.col.allocated")),
        })

with items_tab:
    items = common.cached(costbase.cost_item_rows, year, basis, service)
    if not items:
        common.empty_state("price.items_empty", year=year)
    else:
        frame = pd.DataFrame(items)
        frame["cost_type"] = frame["cost_type"].map(lambda c: t(f"price.type.{c}"))
        frame["amount"] = frame["amount_ore"] / 100
        frame["service"] = frame["service"].map(lambda c: codes.get(c, c) if c else None)
        st.dataframe(frame[["service", "pool", "description", "amount", "cost_type", "counts_toward_self_cost"]],
                     hide_index=True, width="stretch", column_config={
                         "service": t("price.col.service"), "pool": t("price.col.pool"),
                         "cost_type": t("price.col.cost_type"), "description": t("price.col.description"),
                         "amount": common.money_column(t("price.col.amount")),
                         "counts_toward_self_cost": st.column_config.CheckboxColumn(t("price.col.counts"))})
        st.caption(t("price.items_total", total=shared.kr(sum(i["amount_ore"] for i in items))))
    if can_edit:
        with common.session() as session:
            pool_codes = [p.code for p in costbase.pools_of_year(session, year)]
        by_id = {i["id"]: i for i in items}
        chosen = st.selectbox(t("price.choose_item"), [None] + list(by_id), key="item-choice",
                              format_func=lambda i: t("price.new_item") if i is None else
                              f"{by_id[i]['description']} ({shared.kr(by_id[i]['amount_ore'])})")
        current = by_id.get(chosen, {})
        # a new line: drawn empty again after a save (and saved once); an edit: keyed by its version
        with st.form(common.form_key("item-new") if chosen is None else f"item-{chosen}-{current.get('version')}"):
            c1, c2, c3 = st.columns(3)
            target = c1.radio(t("price.target"), ["service", "pool"], horizontal=True,
                              index=1 if current.get("pool") else 0, format_func=lambda x: t(f"price.target.{x}"))
            default_service = current.get("service") or (None if current else service)   # new: the one shown
            item_service = c2.selectbox(t("price.col.service"), list(codes), format_func=codes.get,
                                        index=list(codes).index(default_service) if default_service in codes else 0)
            item_pool = c3.selectbox(t("price.col.pool"), pool_codes or [None],
                                     index=pool_codes.index(current["pool"]) if current.get("pool") in pool_codes
                                     else 0)
            cost_type = c1.selectbox(t("price.col.cost_type"), COST_TYPES, format_func=lambda c: t(f"price.type.{c}"),
                                     index=COST_TYPES.index(current.get("cost_type", "operations")))
            description = c2.text_input(t("price.col.description"), current.get("description", ""))
            amount = c3.number_input(t("price.col.amount"), value=current.get("amount_ore", 0) / 100, step=1000.0,
                                     format="%.2f")
            counts = st.checkbox(t("price.col.counts"), value=current.get("counts_toward_self_cost", True),
                                 help=t("price.counts_help"))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = {"year": year, "basis": basis, "cost_type": cost_type, "description": description,
                       "amount_ore": shared.to_ore(amount), "counts_toward_self_cost": counts,
                       "service": item_service if target == "service" else None,
                       "pool": item_pool if target == "pool" else None}
            if chosen is None and common.save_once("item-new", payload, costbase.save_cost_item, payload,
                                                   success=t("ui.saved")):
                st.rerun()
            if chosen is not None and common.write(costbase.save_cost_item, payload, item_id=chosen,
                                                   expected_version=current.get("version"), success=t("ui.saved")):
                st.rerun()
        if chosen is not None:
            if common.confirmed_button(t("price.confirm_delete_item"), t("price.delete"), key=f"del-{chosen}",
                                       icon=":material/delete:"):
                if common.write(costbase.delete_cost_item, chosen, expected_version=current.get("version"),
                                success=t("price.deleted")):
                    st.rerun()

with pools_tab:
    st.caption(t("price.pools_help"))
    with common.session() as session:
        pools = [{"code": p.code, "name": p.name, "key_type": p.key_type, "version": p.version,
                  "figures": {codes_by_id: float(f.figure) for codes_by_id, f in
                              ((shared.code_of(session, f.service_id), f) for f in p.figures)}}
                 for p in costbase.pools_of_year(session, year)]
    if not pools:
        common.empty_state("price.pools_empty", year=year)
    for pool in pools:
        key_label = t(f"price.key.{pool['key_type']}")
        with st.expander(f"{pool['code']} – {pool['name']} ({key_label})"):
            frame = pd.DataFrame([{"service": code, "name": codes[code], "figure": pool["figures"].get(code, 0.0)}
                                  for code in codes])
            edited = st.data_editor(frame, hide_index=True, disabled=["service", "name"] if can_edit else True,
                                    key=f"figures-{pool['code']}-{year}-{pool['version']}",
                                    column_order=["name", "figure"], column_config={
                                        "name": t("price.col.service"),
                                        "figure": st.column_config.NumberColumn(t("price.col.figure"), min_value=0)})
            if pool["key_type"] in ("usage", "tickets") and can_edit:
                st.caption(t("price.usage_key_help"))
                if st.button(t("price.fill_figures"), key=f"fill-figures-{pool['code']}"):
                    if common.write(costbase.fill_key_figures, year, pool["code"], success=t("ui.saved")):
                        st.rerun()
            if can_edit and st.button(t("price.save_figures"), key=f"save-figures-{pool['code']}"):
                figures = {r["service"]: str(r["figure"]) for r in edited.to_dict("records") if r["figure"]}
                if common.write(costbase.set_key_figures, year, pool["code"], {"figures": figures},
                                success=t("ui.saved")):
                    st.rerun()
    if can_edit:
        with st.form(common.form_key("pool-new")):
            st.markdown(t("price.new_pool"))
            c1, c2, c3 = st.columns(3)
            code = c1.text_input(t("price.col.code"))
            name = c2.text_input(t("price.col.name"))
            key_type = c3.selectbox(t("price.col.key_type"), KEY_TYPES, format_func=lambda k: t(f"price.key.{k}"))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        pool_payload = {"year": year, "code": code, "name": name, "key_type": key_type}
        if saved and common.save_once("pool-new", pool_payload, costbase.save_pool, pool_payload, success=t("ui.saved")):
            st.rerun()

with import_tab:
    with common.session() as session:
        content = exports.cost_base_workbook(session, year)
    st.download_button(t("price.download_cost_base"), content, f"kostnadsgrunnlag-{year}.xlsx",
                       mime=shared.XLSX, icon=":material/download:")
    if can_edit:
        st.caption(t("price.import_help", year=year))
        upload = st.file_uploader(t("price.import_file"), type=["xlsx"], key="cost-import")
        confirm = st.checkbox(t("price.confirm_import", year=year))
        if upload is not None and st.button(t("price.import_button"), type="primary", disabled=not confirm):
            counts = common.write(costbase.import_cost_base, year, upload.getvalue())
            if counts:
                st.success(t("price.imported", **counts))
