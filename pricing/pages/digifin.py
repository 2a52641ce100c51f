from datetime import date
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.i18n import t
from data.pages import common
from pricing import digifin
from pricing.pages import shared

actor = common.require_actor(roles=shared.COST_ROLES)
common.header("page.price_digifin", "price.digifin_intro")
can_edit = actor.can("pricing.write")

with common.session() as session:
    codes = shared.service_choices(session)
loans = common.cached(digifin.loan_rows)
if not loans:
    common.empty_state("price.loans_empty")
else:
    frame = pd.DataFrame(loans)
    frame["service"] = frame["service"].map(lambda c: codes.get(c, c))
    frame["borrowed"] = frame["borrowed_ore"] / 100
    frame["to_repay"] = frame["to_repay"].map(lambda v: float(Decimal(v) / 100))
    frame["interest_rate"] = frame["interest_rate"].map(lambda v: float(v) / 100)
    st.dataframe(frame[["service", "name", "borrowed", "to_repay", "interest_rate", "first_repayment_year",
                        "repayment_years", "note"]], hide_index=True, width="stretch", column_config={
        "service": t("price.col.service"), "name": t("price.col.loan"),
        "interest_rate": st.column_config.NumberColumn(t("price.col.interest_rate"), format="percent"),
        "borrowed": common.money_column(t("price.col.borrowed")),
        "to_repay": common.money_column(t("price.col.to_repay")),
        "first_repayment_year": st.column_config.NumberColumn(t("price.col.first_repayment_year"), format="%d"),
        "repayment_years": st.column_config.NumberColumn(t("price.col.repayment_years"), format="%d"),
        "note": t("price.col.note")})
    by_id = {loan["id"]: loan for loan in loans}
    chosen = st.selectbox(t("price.choose_loan"), list(by_id),
                          format_func=lambda i: f"{codes.get(by_id[i]['service'], by_id[i]['service'])}: "
                                                f"{by_id[i]['name']}")
    with common.session() as session:
        schedule = [row.as_dict() for row in digifin.loan_schedule(digifin.get_loan(session, chosen))]
    frame = pd.DataFrame(schedule)
    for column in ("drawn", "opening", "interest", "principal", "payment", "closing"):
        frame[column] = frame[column].map(lambda v: float(Decimal(v) / 100))
    frame["phase"] = frame["phase"].map(lambda p: t(f"price.phase.{p}"))
    frame = frame[["year", "payment", "phase", "drawn", "opening", "interest", "principal", "closing"]]
    st.header(t("price.schedule_title"))
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "year": st.column_config.NumberColumn(t("price.col.year"), format="%d"), "phase": t("price.col.phase"),
        **{c: common.money_column(t(f"price.col.{c}")) for c in ("drawn", "opening", "interest", "principal",
                                                                  "payment", "closing")}})
    balance = go.Figure()
    balance.add_trace(go.Bar(x=frame["year"], y=frame["payment"], name=t("price.col.payment")))
    balance.add_trace(go.Scatter(x=frame["year"], y=frame["closing"], name=t("price.col.closing"),
                                 mode="lines+markers"))
    balance.update_layout(title=t("price.balance_chart_title"), xaxis_title=t("price.col.year"),
                          yaxis_title=t("price.axis_kr"))
    st.plotly_chart(balance, width="stretch")

    st.header(t("price.surcharge_title"))
    repayment = [r for r in schedule if r["phase"] == "repayment"]
    c1, c2 = st.columns(2)
    year = c1.selectbox(t("price.col.year"), [r["year"] for r in repayment])
    most = c2.number_input(t("price.max_adopters"), 10, 400, 357, step=10)
    payment = next(Decimal(r["payment"]) for r in repayment if r["year"] == year)
    counts = sorted({n for n in (10, 25, 50, 100, 150, 200, 250, 300, 357, int(most)) if n <= most})
    curve = pd.DataFrame([{"adopters": r["adopters"], "surcharge": float(r["surcharge"] / 100)}
                          for r in digifin.surcharge_per_adopter(payment, counts)])
    figure = go.Figure(go.Scatter(x=curve["adopters"], y=curve["surcharge"], mode="lines+markers",
                                  name=t("price.col.surcharge")))
    figure.update_layout(title=t("price.surcharge_chart_title", year=year), xaxis_title=t("price.axis_adopters"),
                         yaxis_title=t("price.axis_kr_per_adopter"))
    st.plotly_chart(figure, width="stretch")
    st.dataframe(curve, hide_index=True, column_config={
        "adopters": st.column_config.NumberColumn(t("price.axis_adopters"), format="%d"),
        "surcharge": common.money_column(t("price.col.surcharge"))})

if can_edit:
    st.header(t("price.loan_form_title"))
    by_id = {loan["id"]: loan for loan in loans}
    edit_id = st.selectbox(t("price.edit_loan"), [None] + list(by_id), key="edit-loan",
                           format_func=lambda i: t("price.new_loan") if i is None else by_id[i]["name"])
    current = by_id.get(edit_id, {})
    # a new loan: drawn empty again after a save (and saved once); an edit: keyed by its version
    form = common.form_key("loan-new") if edit_id is None else f"loan-{edit_id}-{current.get('version')}"
    with st.form(form):
        c1, c2, c3 = st.columns(3)
        loan_service = c1.selectbox(t("price.col.service"), list(codes), format_func=codes.get,
                                    index=list(codes).index(current["service"]) if current else 0)
        name = c2.text_input(t("price.col.loan"), current.get("name", ""))
        rate = c3.number_input(t("price.col.interest_rate_percent"), 0.0, 30.0,
                               float(current.get("interest_rate", 4)), step=0.05, format="%.4f")
        first = c1.number_input(t("price.col.first_repayment_year"), 2000, 2100,
                                current.get("first_repayment_year", date.today().year + 1))
        years = c2.number_input(t("price.col.repayment_years"), 1, 40, current.get("repayment_years", 5))
        note = c3.text_input(t("price.col.note"), current.get("note", ""))
        draws = pd.DataFrame([{"on_date": d["on_date"], "amount": d["amount_ore"] / 100}
                              for d in current.get("drawdowns", [])], columns=["on_date", "amount"])
        draws["on_date"] = pd.to_datetime(draws["on_date"])
        edited = st.data_editor(draws, num_rows="dynamic", hide_index=True, key=f"draws-{form}", column_config={
            "on_date": st.column_config.DateColumn(t("price.col.on_date"), format="DD.MM.YYYY", required=True),
            "amount": st.column_config.NumberColumn(t("price.col.amount"), min_value=0, required=True)})
        st.caption(t("price.loan_rule"))
        saved = st.form_submit_button(t("ui.save"), type="primary")
    if saved:
        drawdowns = [{"on_date": pd.Timestamp(r["on_date"]).date(), "amount_ore": shared.to_ore(r["amount"])}
                     for r in edited.to_dict("records") if pd.notna(r["on_date"]) and pd.notna(r["amount"])]
        payload = {"service": loan_service, "name": name, "interest_rate": str(round(rate, 4)),
                   "first_repayment_year": first, "repayment_years": years, "note": note, "drawdowns": drawdowns}
        if edit_id is None and common.save_once("loan-new", payload, digifin.save_loan, payload, success=t("ui.saved")):
            st.rerun()
        if edit_id is not None and common.write(digifin.save_loan, payload, loan_id=edit_id,
                                                expected_version=current.get("version"), success=t("ui.saved")):
            st.rerun()
