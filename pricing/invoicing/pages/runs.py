from datetime import date

import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from pricing.invoicing import exports as invoicing_exports
from pricing.invoicing import runs as invoicing
from pricing.pages import shared

actor = common.require_actor(shared.COST_ROLES)
common.header("page.invoice_runs", "inv.page_intro")
may_approve = actor.can("invoices.approve")


def _lines_frame(lines: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([invoicing.line_dict(x) for x in lines])
    frame["kind"] = frame["kind"].map(lambda k: t(f"inv.kind.{k}"))
    frame["quantity"] = frame["quantity"].astype(float)
    frame["unit_price"] = frame["unit_price"].astype(float) / 100
    frame["amount_ore"] = frame["amount_ore"] / 100
    columns = ["org_number", "organisation_name", "service_code", "appendix_reference", "period", "billed_from",
               "billed_to", "kind", "description", "quantity", "unit", "unit_price", "amount_ore"]
    return frame[columns]


LINE_COLUMNS = {
    "org_number": t("inv.col.org_number"), "organisation_name": t("inv.col.organisation"),
    "service_code": t("inv.col.service"), "appendix_reference": t("inv.col.appendix"),
    "period": t("inv.col.period"), "billed_from": common.date_column(t("inv.col.from")),
    "billed_to": common.date_column(t("inv.col.to")), "kind": t("inv.col.kind"),
    "description": t("inv.col.description"),
    "quantity": st.column_config.NumberColumn(t("inv.col.quantity"), format="localized"),
    "unit": t("inv.col.unit"), "unit_price": common.money_column(t("inv.col.unit_price")),
    "amount_ore": common.money_column(t("inv.col.amount")),
}


def _show_lines(lines: list[dict], key: str) -> None:
    if not lines:
        common.empty_state("inv.no_lines")
        return
    frame = _lines_frame(lines)
    search = st.text_input(t("ui.search"), key=f"{key}-search", placeholder=t("inv.search_help"))
    if search:
        mask = frame["organisation_name"].str.contains(search, case=False, regex=False) | \
            frame["org_number"].fillna("").str.contains(search, regex=False)
        frame = frame[mask]
    st.dataframe(frame, hide_index=True, width="stretch", column_config=LINE_COLUMNS)


def _credit(session, actor, payload) -> tuple[int, int | None]:
    credit, again = invoicing.credit_and_rebill(session, actor, payload)
    return credit.number, again.number if again else None


tab_new, tab_runs = st.tabs([t("inv.tab_new"), t("inv.tab_runs")])

with tab_new:
    with common.session() as session:
        codes = shared.service_choices(session)
    today = date.today()
    quarter = (today.month - 1) // 3          # the last complete quarter
    default = f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"
    cols = st.columns([1, 2])
    period = cols[0].text_input(t("inv.col.period"), value=default, key="inv-period", help=t("inv.cli_help_period"))
    service = cols[1].selectbox(t("inv.col.service"), [None] + list(codes), key="inv-service",
                                format_func=lambda c: t("ui.all") if c is None else codes[c])
    if st.button(t("inv.preview"), key="inv-preview-button", icon=":material/visibility:", disabled=not may_approve):
        st.session_state["inv-preview"] = {"period": period, "service": service}
    chosen = st.session_state.get("inv-preview")
    if chosen:
        preview = common.write(invoicing.preview_run, chosen)
        if preview not in (None, True):
            for warning in preview.warnings:
                st.warning(warning)
            if preview.already_billed:
                st.info(t("inv.cli_already_billed", count=preview.already_billed))
            st.subheader(t("inv.preview_title", period=preview.period.label))
            summary = preview.summary()
            if summary:
                frame = pd.DataFrame(summary)
                for column in ("fixed_ore", "usage_ore", "correction_ore", "total_ore"):
                    frame[column] = frame[column] / 100
                st.dataframe(frame, hide_index=True, width="stretch", column_config={
                    "service": t("inv.col.service"), "organisations": t("inv.col.organisations"),
                    "lines": t("inv.col.lines"), "fixed_ore": common.money_column(t("inv.col.fixed")),
                    "usage_ore": common.money_column(t("inv.col.usage")),
                    "correction_ore": common.money_column(t("inv.col.correction")),
                    "total_ore": common.money_column(t("inv.col.total"))})
                st.metric(t("inv.col.total"), shared.kr(preview.total_ore))
            _show_lines(preview.lines, "preview")
            if preview.lines:
                reason = st.text_input(t("inv.col.reason"), key="inv-reason")
                if common.confirmed_button(t("inv.confirm_approve", period=preview.period.label,
                                             amount=shared.kr(preview.total_ore)), t("inv.approve"),
                                           key="inv-approve", type="primary", icon=":material/verified:"):
                    number = common.write(lambda s, a, p: invoicing.approve_run(s, a, p).number,
                                          {**chosen, "expected_total_ore": preview.total_ore, "reason": reason},
                                          success=t("inv.approved_toast"))
                    if number not in (None, True):
                        st.session_state.pop("inv-preview", None)
                        st.success(t("inv.cli_approved", number=number, period=preview.period.label))

with tab_runs:
    years = sorted({int(p[:4]) for p in common.cached(invoicing.billed_periods)}, reverse=True)
    year = st.selectbox(t("acct.col.year"), [None] + years, key="inv-runs-year",
                        format_func=lambda y: t("ui.all") if y is None else str(y))
    rows = common.cached(invoicing.run_rows, year)
    if not rows:
        common.empty_state("inv.runs_empty")
    else:
        frame = pd.DataFrame(rows)
        frame["kind"] = frame["kind"].map(lambda k: t(f"inv.run_kind.{k}"))
        frame["total_ore"] = frame["total_ore"] / 100
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "number": st.column_config.NumberColumn(t("inv.col.run"), format="%d"), "period": t("inv.col.period"),
            "kind": t("inv.col.run_kind"), "service": t("inv.col.service"), "lines": t("inv.col.lines"),
            "total_ore": common.money_column(t("inv.col.amount")), "approved_by": t("inv.col.approved_by"),
            "approved_at": common.datetime_column(t("inv.col.approved_at")), "reason": t("inv.col.reason"),
            "credits_run": st.column_config.NumberColumn(t("inv.col.credits"), format="%d"),
            "credited_by": st.column_config.NumberColumn(t("inv.col.credited_by"), format="%d")})
        by_number = {r["number"]: r for r in rows}
        number = st.selectbox(t("inv.choose_run"), list(by_number), index=None, key="inv-run",
                              format_func=lambda n: f"{n}: {by_number[n]['period']} "
                                                    f"({t('inv.run_kind.' + by_number[n]['kind'])})")
        if number is not None:
            lines = common.cached(invoicing.line_rows, number)
            _show_lines(lines, "run")
            with common.session() as session:
                workbook = invoicing_exports.invoice_basis_workbook(session, number)
                csv = invoicing_exports.invoice_basis_csv(session, number)
            cols = st.columns(2)
            cols[0].download_button(t("ui.download_excel"), workbook, f"fakturagrunnlag-{number}.xlsx",
                                    mime=shared.XLSX, icon=":material/download:", key="inv-xlsx")
            cols[1].download_button(t("inv.download_csv"), csv, f"fakturagrunnlag-{number}.csv", mime="text/csv",
                                    icon=":material/download:", key="inv-csv")
            if may_approve and by_number[number]["kind"] != "credit":
                st.subheader(t("inv.credit_title"))
                st.caption(t("inv.credit_help"))
                names = sorted({(x["organisation_name"], x["org_number"] or x["organisation_name"]) for x in lines})
                orgs = st.multiselect(t("inv.col.organisations"), [key for _n, key in names],
                                      format_func=dict((k, n) for n, k in names).get,
                                      help=t("inv.credit_orgs_help"), key="inv-credit-orgs")
                reason = st.text_input(t("inv.col.reason"), key="inv-credit-reason")
                rebill = st.checkbox(t("inv.rebill"), value=True, key="inv-rebill")
                payload = {"run": number, "reason": reason, "organisations": orgs or None, "rebill": rebill}
                if st.button(t("inv.preview"), key="inv-credit-preview"):
                    result = common.write(invoicing.preview_credit, payload)
                    if result not in (None, True):
                        st.info(t("inv.cli_credit_preview", credit=shared.kr(result.credit_total_ore),
                                  rebill=shared.kr(result.rebill_total_ore), difference=shared.kr(result.difference_ore)))
                if common.confirmed_button(t("inv.confirm_credit"), t("inv.credit"), key="inv-credit",
                                           type="primary"):
                    result = common.write(_credit, payload, success=t("inv.credited_toast"))
                    if result not in (None, True):
                        st.success(t("inv.cli_credited", credit=result[0], rebill=result[1] or "-"))
