from datetime import date

import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from pricing.invoicing import exports as invoicing_exports
from pricing.invoicing import runs as invoicing
from pricing.invoicing import settings as ehf_settings
from pricing.pages import shared

actor = common.require_actor(shared.COST_ROLES)
common.header("page.invoice_runs", "inv.page_intro")
may_approve = actor.can("invoices.approve")      # the leader approves what finance prepared
may_prepare = actor.can("pricing.write")         # finance prepares runs and credits


def _lines_frame(lines: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([invoicing.line_dict(x) for x in lines])
    frame["kind"] = frame["kind"].map(lambda k: t(f"inv.kind.{k}"))
    frame["quantity"] = frame["quantity"].astype(float)
    frame["unit_price"] = frame["unit_price"].astype(float) / 100
    frame["amount_ore"] = frame["amount_ore"] / 100
    names = common.service_names()
    frame["service_code"] = frame["service_code"].map(lambda code: names.get(code, code))   # names, not codes
    # who is billed (name, org number) and the amount first, so it shows without scrolling right
    columns = ["organisation_name", "org_number", "amount_ore", "service_code", "period", "kind", "description",
               "quantity", "unit", "unit_price", "billed_from", "billed_to", "appendix_reference"]
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


def _service_label(frame: pd.DataFrame) -> pd.DataFrame:
    """The service column by name; a run or request for every service says so."""
    names = common.service_names()
    frame["service"] = frame["service"].map(lambda code: names.get(code, code) if code else t("ui.all"))
    return frame


def _show_problems(problems: list[dict]) -> None:
    """Organisations that cannot be billed as registered: named, with the reason; approval is refused."""
    if not problems:
        return
    st.error(t("inv.problems_title") + f": {len(problems)}")
    st.caption(t("inv.problems_help"))
    st.dataframe(pd.DataFrame(problems)[["organisation_name", "org_number", "service_name", "reason"]],
                 hide_index=True, width="stretch", column_config={
                     "organisation_name": t("inv.col.organisation"), "org_number": t("inv.col.org_number"),
                     "service_name": t("inv.col.service"), "reason": t("inv.col.reason_problem")})


def _approve(session, actor, request: dict):
    if request["kind"] == "credit":
        return _credit(session, actor, {"run": request["credits_run"], "reason": request["reason"] or "-"})[0]
    return invoicing.approve_run(session, actor, {"period": request["period"], "service": request["service"] or None,
                                                  "expected_total_ore": request["total_ore"]}).number


def _ehf_section(number: int) -> None:
    """EHF: who lacks what (by name) before anything is made, then one zip of the documents and the summary."""
    st.subheader(t("ehf.section"))
    st.caption(t("ehf.section_help"))
    with common.session() as session:
        missing = ehf_settings.missing_for_run(session, invoicing.get_run(session, number))
    if missing:
        st.warning(t("ehf.missing_title") + f": {len(missing)}")
        st.dataframe(pd.DataFrame(missing)[["name", "org_number", "missing"]], hide_index=True, width="stretch",
                     column_config={"name": t("inv.col.organisation"), "org_number": t("inv.col.org_number"),
                                    "missing": t("ehf.field.missing")})
        return
    if st.button(t("ehf.make"), key="inv-ehf-make", icon=":material/description:",
                 disabled=not (may_approve or may_prepare)):
        made = common.write(lambda s, a, n: invoicing_exports.ehf_zip(s, a, n), number)
        if made not in (None, True):
            st.session_state["inv-ehf"] = (number, *made)
    made = st.session_state.get("inv-ehf")
    if made and made[0] == number:
        frame = pd.DataFrame(made[2])
        frame["kind"] = frame["kind"].map(lambda k: t(f"ehf.kind.{k}"))
        for column in ("excl_vat_ore", "vat_ore", "incl_vat_ore"):
            frame[column] = frame[column] / 100
        frame = frame[["organisation", "org_number", "incl_vat_ore", "excl_vat_ore", "vat_ore", "document", "kind",
                       "kid", "due_date", "credits", "file"]]
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "document": st.column_config.NumberColumn(t("ehf.col.document"), format="%d"),
            "kind": t("ehf.col.kind"), "org_number": t("inv.col.org_number"), "organisation": t("inv.col.organisation"),
            "excl_vat_ore": common.money_column(t("ehf.col.excl_vat")), "vat_ore": common.money_column(t("ehf.col.vat")),
            "incl_vat_ore": common.money_column(t("ehf.col.incl_vat")),
            "credits": st.column_config.NumberColumn(t("ehf.col.credits"), format="%d"), "kid": t("ehf.col.kid"),
            "due_date": common.date_column(t("ehf.col.due_date")), "file": t("ehf.col.file")})
        st.download_button(t("ehf.download_zip"), made[1], f"ehf-{number}.zip", mime="application/zip",
                           icon=":material/download:", key="inv-ehf-zip")


tab_new, tab_waiting, tab_runs = st.tabs([t("inv.tab_new"), t("inv.awaiting_title"), t("inv.tab_runs")])

with tab_new:
    with common.session() as session:
        codes = shared.service_choices(session)
        default = invoicing.next_unbilled_quarter(session, date.today())
    cols = st.columns([1, 2])
    period = cols[0].text_input(t("inv.col.period"), value=default, key="inv-period", help=t("inv.cli_help_period"))
    service = cols[1].selectbox(t("inv.col.service"), [None] + list(codes), key="inv-service",
                                format_func=lambda c: t("ui.all") if c is None else codes[c])
    if st.button(t("inv.preview"), key="inv-preview-button", icon=":material/visibility:",
                 disabled=not (may_approve or may_prepare)):
        st.session_state["inv-preview"] = {"period": period, "service": service}
    chosen = st.session_state.get("inv-preview")
    if chosen:
        preview = common.write(invoicing.preview_run, chosen)
        if preview not in (None, True):
            common.grouped_warnings(preview.warnings)
            _show_problems(preview.problems)
            if preview.already_billed:
                st.info(t("inv.cli_already_billed", count=preview.already_billed))
            st.header(t("inv.preview_title", period=preview.period.label))
            summary = preview.summary()
            if summary:
                frame = pd.DataFrame(summary)
                frame["service"] = frame["service"].map(lambda code: codes.get(code, code))   # names, not codes
                for column in ("fixed_ore", "usage_ore", "correction_ore", "total_ore"):
                    frame[column] = frame[column] / 100
                frame = frame[["service", "total_ore", "organisations", "lines", "fixed_ore", "usage_ore",
                               "correction_ore"]]
                st.dataframe(frame, hide_index=True, width="stretch", column_config={
                    "service": t("inv.col.service"), "organisations": t("inv.col.organisations"),
                    "lines": t("inv.col.lines"), "fixed_ore": common.money_column(t("inv.col.fixed")),
                    "usage_ore": common.money_column(t("inv.col.usage")),
                    "correction_ore": common.money_column(t("inv.col.correction")),
                    "total_ore": common.money_column(t("inv.col.total"))})
                st.metric(t("inv.col.total"), shared.kr(preview.total_ore))
            _show_lines(preview.lines, "preview")
            if preview.lines and not preview.problems and may_prepare:
                reason = st.text_input(t("inv.col.reason"), key="inv-reason")
                if common.confirmed_button(t("inv.confirm_prepare", period=preview.period.label,
                                             amount=shared.kr(preview.total_ore)), t("inv.prepare"),
                                           key="inv-prepare", type="primary", icon=":material/send:"):
                    number = common.write(lambda s, a, p: invoicing.prepare_run(s, a, p).id,
                                          {**chosen, "reason": reason}, success=t("inv.prepared_toast"))
                    if number not in (None, True):
                        st.session_state.pop("inv-preview", None)
                        st.success(t("inv.cli_prepared", number=number, period=preview.period.label))

with tab_waiting:
    st.caption(t("inv.awaiting_help"))
    waiting = common.cached(invoicing.requests_awaiting)
    if not waiting:
        common.empty_state("inv.awaiting_empty")
    else:
        frame = _service_label(common.with_names(pd.DataFrame(waiting), persons=("prepared_by",)))
        frame["kind"] = frame["kind"].map(lambda k: t(f"inv.request_kind.{k}"))
        frame["period"] = frame["period"].map(invoicing.period_label)
        frame["total_ore"] = frame["total_ore"] / 100
        frame = frame[["period", "service", "total_ore", "kind", "id", "lines", "credits_run", "reason", "prepared_by",
                       "prepared_at"]]
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "id": st.column_config.NumberColumn(t("inv.col.request"), format="%d"), "kind": t("inv.col.run_kind"),
            "period": t("inv.col.period"), "service": t("inv.col.service"),
            "credits_run": st.column_config.NumberColumn(t("inv.col.credits"), format="%d"),
            "lines": t("inv.col.lines"), "total_ore": common.money_column(t("inv.col.amount")),
            "reason": t("inv.col.reason"), "prepared_by": t("inv.col.prepared_by"),
            "prepared_at": common.datetime_column(t("inv.col.prepared_at"))})
        by_id = {r["id"]: r for r in waiting}
        wanted = st.query_params.get("request", "")       # a link from the leader's approvals queue
        picked = st.selectbox(t("inv.choose_request"), list(by_id), key="inv-request",
                              index=list(by_id).index(int(wanted)) if wanted.isdigit() and int(wanted) in by_id
                              else None,
                              format_func=lambda i: f"{i}: {t('inv.request_kind.' + by_id[i]['kind'])} "
                                                    f"{invoicing.period_label(by_id[i]['period'])} "
                                                    f"({common.people().get(by_id[i]['prepared_by'], by_id[i]['prepared_by'])})")
        if picked is not None:
            cols = st.columns(2)
            with cols[0]:
                if may_approve and common.confirmed_button(
                        t("inv.confirm_approve", period=invoicing.period_label(by_id[picked]["period"]),
                          amount=shared.kr(by_id[picked]["total_ore"])), t("inv.approve"),
                        key=f"inv-approve-{picked}", type="primary", icon=":material/verified:"):
                    number = common.write(_approve, by_id[picked], success=t("inv.approved_toast"))
                    if number not in (None, True):
                        st.success(t("inv.cli_approved", number=number, period=invoicing.period_label(by_id[picked]["period"])))
            with cols[1]:
                if (may_approve or may_prepare) and common.confirmed_button(
                        t("inv.confirm_withdraw"), t("inv.withdraw"), key=f"inv-withdraw-{picked}",
                        icon=":material/undo:"):
                    common.write(invoicing.withdraw_request, picked, success=t("inv.withdrawn_toast"))

with tab_runs:
    years = sorted({int(p[:4]) for p in common.cached(invoicing.billed_periods)}, reverse=True)
    year = st.selectbox(t("acct.col.year"), [None] + years, key="inv-runs-year",
                        format_func=lambda y: t("ui.all") if y is None else str(y))
    rows = common.cached(invoicing.run_rows, year)
    if not rows:
        common.empty_state("inv.runs_empty")
    else:
        frame = _service_label(common.with_names(pd.DataFrame(rows), persons=("prepared_by", "approved_by")))
        frame["kind"] = frame["kind"].map(lambda k: t(f"inv.run_kind.{k}"))
        frame["period"] = frame["period"].map(invoicing.period_label)
        frame["total_ore"] = frame["total_ore"] / 100
        frame = frame[["period", "service", "total_ore", "number", "kind", "lines", "prepared_by", "prepared_at",
                       "approved_by", "approved_at", "reason", "credits_run", "credited_by"]]
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "number": st.column_config.NumberColumn(t("inv.col.run"), format="%d"), "period": t("inv.col.period"),
            "kind": t("inv.col.run_kind"), "service": t("inv.col.service"), "lines": t("inv.col.lines"),
            "total_ore": common.money_column(t("inv.col.amount")), "prepared_by": t("inv.col.prepared_by"),
            "prepared_at": common.datetime_column(t("inv.col.prepared_at")), "approved_by": t("inv.col.approved_by"),
            "approved_at": common.datetime_column(t("inv.col.approved_at")), "reason": t("inv.col.reason"),
            "credits_run": st.column_config.NumberColumn(t("inv.col.credits"), format="%d"),
            "credited_by": st.column_config.NumberColumn(t("inv.col.credited_by"), format="%d")})
        by_number = {r["number"]: r for r in rows}
        number = st.selectbox(t("inv.choose_run"), list(by_number), index=None, key="inv-run",
                              format_func=lambda n: f"{n}: {invoicing.period_label(by_number[n]['period'])} "
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
            _ehf_section(number)
            if may_prepare and by_number[number]["kind"] != "credit":
                st.header(t("inv.credit_title"))
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
                if common.confirmed_button(t("inv.confirm_prepare_credit"), t("inv.prepare_credit"),
                                           key="inv-credit", type="primary"):
                    common.write(invoicing.prepare_credit, payload, success=t("inv.prepared_toast"))
