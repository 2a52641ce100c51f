import pandas as pd
import streamlit as st

from data.formatting import day
from data.i18n import t
from data.pages import common
from pricing import exports, pricelists, selfcost
from pricing.invoicing import settings as ehf_settings
from pricing.pages import shared, view

actor = common.require_actor()
common.header("page.price_lists", "price.price_lists_intro")

with common.session() as session:
    codes = shared.service_choices(session)
filters = st.columns([1, 2, 1])
year = filters[0].selectbox(t("price.col.year"), [None] + shared.year_choices([]),
                            format_func=lambda y: t("ui.all") if y is None else str(y))
service = filters[1].selectbox(t("price.col.service"), [None] + list(codes),
                               format_func=lambda c: t("ui.all") if c is None else codes[c])
only_in_force = filters[2].toggle(t("price.only_in_force"), value=True)
wanted = st.query_params.get("calculation", "")        # a link from the leader's approvals queue
queue_box = st.container()      # the calculation the queue links to opens here, at the top

rows = common.cached(pricelists.price_list_rows, year, service)
if only_in_force:
    rows = [r for r in rows if r["in_force"]]
if not rows:
    common.empty_state("price.lists_empty")
else:
    table = []
    people = common.people()   # persons, not user names
    vat = common.cached(ehf_settings.vat_by_list)     # VAT on EHF invoices (issue 21): none set = 25 % standard
    for row in rows:
        by_model = [t(f"price.kind.{k['kind']}") for k in pricelists.kind_rows(row["kinds"], row["components"])
                    if k["charge"] == "model"]
        common_cells = {"service": row["service_name"], "year": row["year"], "number": row["number"],
                        "in_force": row["in_force"], "population_year": row["population_year"],
                        "prepared_by": people.get(row["prepared_by"], row["prepared_by"]),
                        "prepared_at": row["prepared_at"],
                        "approved_by": people.get(row["approved_by"], row["approved_by"]),
                        "approved_at": row["approved_at"],
                        "vat": ehf_settings.vat_label(*vat.get(row["id"], ehf_settings.STANDARD_VAT))}
        for index, comp in enumerate(row["components"]):
            prices = ", ".join(shared.kr(p) for p in comp["tier_prices_ore"])
            table.append({**common_cells, "kind": ", ".join(by_model) or "–",
                          "component": exports.component_label(index, comp),
                          "prices": prices, "minimum": (comp.get("minimum_fee_ore") or 0) / 100})
        for kind in pricelists.kind_rows(row["kinds"], row["components"]):     # kinds with a price of their own
            if kind["charge"] in ("model", "none"):
                continue
            table.append({**common_cells, "kind": t(f"price.kind.{kind['kind']}"),
                          "component": t(f"price.charge.{kind['charge']}"),
                          "prices": shared.kr(kind["price_ore"]) if kind["price_ore"] is not None else "–",
                          "minimum": (kind["minimum_ore"] or 0) / 100})
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", column_config={
        "service": t("price.col.service"), "year": st.column_config.NumberColumn(t("price.col.year"), format="%d"),
        "number": st.column_config.NumberColumn(t("price.col.list_version"), format="%d"),
        "in_force": st.column_config.CheckboxColumn(t("price.col.in_force")),
        "population_year": st.column_config.NumberColumn(t("price.col.population_year"), format="%d"),
        "kind": t("price.col.kind"), "component": t("price.col.component"), "prices": t("price.col.tier_prices"),
        "minimum": common.money_column(t("price.col.minimum_fee")), "vat": t("ehf.vat_title"),
        "prepared_by": t("price.col.prepared_by"), "prepared_at": common.datetime_column(t("price.col.prepared_at")),
        "approved_by": t("price.col.approved_by"), "approved_at": common.datetime_column(t("price.col.approved_at"))},
        column_order=["service", "year", "kind", "component", "prices", "minimum", "number", "in_force",
                      "population_year", "vat", "prepared_by", "prepared_at", "approved_by", "approved_at"])
    st.caption(t("price.lists_help"))
    st.download_button(t("ui.download_excel"), exports.price_list_workbook(rows, people), "prislister.xlsx",
                       mime=shared.XLSX, icon=":material/download:")
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(t("price.choose_list"), list(by_id), index=None,
                          format_func=lambda i: f"{by_id[i]['service_name']} {by_id[i]['year']} "
                                                f"({t('price.list_version', number=by_id[i]['number'])})")
    if chosen is not None:
        with common.session() as session:
            result = selfcost.get_calculation(session, by_id[chosen]["calculation_id"]).result
        view.show_summary(result)
        view.show_prices(result)
        if actor.has_role("finance", "leader"):
            view.show_bills(result)

if actor.has_role("finance", "leader"):
    bills_year = st.selectbox(t("price.bills_year"), shared.year_choices([]), key="bills-year",
                              index=shared.year_choices([]).index(shared.date.today().year))
    st.header(t("price.org_bills_title", year=bills_year))
    codes_in_force, bills = common.cached(pricelists.bills_by_organisation, bills_year)
    if not bills:
        common.empty_state("price.org_bills_empty", year=bills_year)
    else:
        frame = pd.DataFrame(bills)
        for column in [*codes_in_force, "total_ore", "previous_ore", "change_ore"]:
            frame[column] = frame[column] / 100
        frame["change_pct"] = frame["change_ore"] / frame["previous_ore"].where(frame["previous_ore"] != 0)
        search = st.text_input(t("ui.search"), key="org-bill-search", placeholder=t("price.bill_search"))
        if search:
            frame = frame[frame["name"].str.contains(search, case=False, regex=False)]
        frame = frame[["name", "org_number", "total_ore", "previous_ore", "change_ore", "change_pct", "population",
                       *codes_in_force]]
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={
                         "name": t("price.col.organisation"), "org_number": t("price.col.org_number"),
                         "population": st.column_config.NumberColumn(t("price.col.population"), format="localized"),
                         **{code: common.money_column(codes.get(code, code)) for code in codes_in_force},
                         "total_ore": common.money_column(t("price.col.total_bill")),
                         "previous_ore": common.money_column(t("price.col.previous_bill")),
                         "change_ore": common.money_column(t("price.col.change")),
                         "change_pct": st.column_config.NumberColumn(t("price.col.change_pct"), format="percent")})
        st.caption(t("price.org_bills_help", new=sum(1 for b in bills if b["new_services"])))
        st.download_button(t("ui.download_excel"),
                           exports.organisation_bills_workbook(bills_year, codes_in_force, bills),
                           f"regninger-{bills_year}.xlsx", mime=shared.XLSX, icon=":material/download:",
                           key="org-bills-download")



def _decide(draft: dict) -> None:
    """The chosen calculation at a glance, and the leader's two actions: approve it, or send it back."""
    with common.session() as session:
        result = selfcost.get_calculation(session, draft["id"]).result
    view.show_summary(result)
    view.show_prices(result)
    if draft["status"] == "awaiting_approval":
        who = common.people().get(draft["submitted_by"], draft["submitted_by"]) or "–"
        st.info(t("price.awaiting_info", who=who, when=day(draft["submitted_at"])))
    else:
        if draft["sent_back_reason"]:       # a leader sent it back: why, before anyone approves it as it is
            who = common.people().get(draft["sent_back_by"], draft["sent_back_by"])
            st.warning(pricelists.sent_back_line(who, draft["sent_back_at"], draft["sent_back_reason"]),
                       icon=":material/undo:")
        st.info(t("price.queue_draft_info"))
    approve_col, back_col = st.columns(2)
    with approve_col:
        st.subheader(t("price.approve_title"))
        comment = st.text_input(t("price.approval_comment"), key=f"queue-comment-{draft['id']}")
        if common.confirmed_button(t("price.confirm_approve"), t("price.approve"), key=f"queue-approve-{draft['id']}",
                                   type="primary", icon=":material/verified:"):
            if common.write(pricelists.approve, {"calculation_id": draft["id"], "comment": comment},
                            success=t("price.approved")):
                st.rerun()
    if draft["status"] == "awaiting_approval":
        with back_col:
            st.subheader(t("price.send_back_title"))
            reason = st.text_input(t("price.send_back_reason"), key=f"queue-reason-{draft['id']}")
            if common.confirmed_button(t("price.confirm_send_back"), t("price.send_back"),
                                       key=f"queue-back-{draft['id']}", icon=":material/undo:"):
                if common.write(pricelists.send_back, {"calculation_id": draft["id"], "comment": reason},
                                success=t("price.sent_back")):
                    st.rerun()


if actor.can("pricing.approve"):
    with queue_box if wanted else st.container():
        st.header(t("price.drafts_title"))
        every_draft = common.cached(pricelists.drafts_awaiting)
        drafts = [r for r in every_draft if not service or r["service"] == service
                  or str(r["id"]) == wanted]
        if wanted and not any(str(r["id"]) == wanted for r in every_draft):
            st.info(t("price.queue_gone"))
        if not drafts:
            common.empty_state("price.drafts_empty")
        else:
            frame = common.with_names(pd.DataFrame(drafts), ("service",), ("created_by", "submitted_by"))
            frame["self_cost_ore"] = frame["self_cost_ore"] / 100
            frame["status"] = frame["status"].map(lambda s: t(f"price.status.{s}").capitalize())   # a table cell
            frame = frame[["service", "year", "self_cost_ore", "number", "status", "submitted_by", "submitted_at",
                           "created_by", "created_at", "note"]]
            st.dataframe(frame, hide_index=True, width="stretch", column_config={
                "service": t("price.col.service"),
                "year": st.column_config.NumberColumn(t("price.col.year"), format="%d"),
                "number": st.column_config.NumberColumn(t("price.col.calculation"), format="%d"),
                "self_cost_ore": common.money_column(t("price.sum.self_cost")),
                "status": t("price.col.status"),
                "created_by": t("price.col.created_by"), "created_at": common.datetime_column(t("price.col.created_at")),
                "submitted_by": t("price.col.submitted_by"),
                "submitted_at": common.datetime_column(t("price.col.submitted_at")), "note": t("price.col.note")})
            st.caption(t("price.drafts_help"))
            by_id = {r["id"]: r for r in drafts}
            names = common.service_names()
            chosen = st.selectbox(
                t("price.queue_choose"), list(by_id), key="price-queue",
                index=list(by_id).index(int(wanted)) if wanted.isdigit() and int(wanted) in by_id else None,
                format_func=lambda i: f"{names.get(by_id[i]['service'], by_id[i]['service'])} {by_id[i]['year']} – "
                                      + t("price.calc_label", number=by_id[i]["number"],
                                          status=t(f"price.status.{by_id[i]['status']}")))
            if chosen is not None:
                _decide(by_id[chosen])
