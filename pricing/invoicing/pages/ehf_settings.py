"""EHF settings: the seller (us), each organisation as a recipient, and VAT per price list (issue 21).

Admin and finance edit the seller and the recipients (`invoicing.settings.write`); finance sets the VAT of a
price list (`pricing.write`); the leader reads. Every save goes through pricing/invoicing/settings.py.
Edit forms are keyed by the row's version: a save (or someone else's) draws them again from what is stored.
"""
from decimal import Decimal

import pandas as pd
import streamlit as st

from data.formatting import datetime_text
from data.i18n import t
from data.pages import common
from data.registers.registry import organisation_rows
from pricing.invoicing import settings

actor = common.require_actor(settings.PAGE_ROLES)
common.header("page.ehf_settings", "ehf.page_intro")
may_write = actor.can("invoicing.settings.write")
may_set_vat = actor.can("pricing.write")
if not may_write:
    st.info(t("ehf.read_only"))


def label(key: str) -> str:
    """A field's name (written lower case for use inside sentences) as a form label."""
    text = t(f"ehf.field.{key}")
    return text[:1].upper() + text[1:]


def account_text(value: str) -> str:
    """A Norwegian bank account as people write it: 9999.00.00006."""
    digits = (value or "").replace(".", "").replace(" ", "")
    return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}" if len(digits) == 11 else digits or "–"


def yes_no(value: bool) -> str:
    return t("ehf.yes") if value else t("ehf.no")


supplier_tab, recipients_tab, vat_tab = st.tabs([t("ehf.supplier_title"), t("ehf.recipients_title"),
                                                 t("ehf.vat_title")])

# --- the seller ------------------------------------------------------------------------------------------------

with supplier_tab:
    with common.guarded(stop=True), common.session() as session:
        supplier = settings.supplier_values(session)
    if supplier is None:
        common.empty_state("ehf.no_supplier")
    else:
        if supplier["missing"]:
            st.warning(t("ehf.supplier_missing", missing=", ".join(supplier["missing"])))
        st.caption(t("ehf.supplier_updated", when=datetime_text(supplier["updated_at"]),
                     who=common.people().get(supplier["updated_by"], supplier["updated_by"]) or "–"))
    if not may_write and supplier is not None:
        shown = [("org_number", supplier["org_number"]), ("name", supplier["name"]),
                 ("street", supplier["street"]), ("postal_code", supplier["postal_code"]),
                 ("city", supplier["city"]), ("vat_registered", yes_no(supplier["vat_registered"])),
                 ("foretaksregisteret", yes_no(supplier["foretaksregisteret"])),
                 ("bank_account", account_text(supplier["bank_account"])),
                 ("contact_name", supplier["contact_name"]), ("contact_email", supplier["contact_email"]),
                 ("contact_phone", supplier["contact_phone"]),
                 ("payment_terms_days", str(supplier["payment_terms_days"])),
                 ("kid_method", t(f"ehf.kid.{supplier['kid_method']}")), ("note", supplier["note"])]
        st.dataframe(pd.DataFrame([{"field": label(k), "value": v or "–"} for k, v in shown]), hide_index=True,
                     width="stretch", column_config={"field": t("ehf.col.field"),
                                                     "value": st.column_config.TextColumn(t("ehf.col.value"),
                                                                                          width="large")})
    elif may_write:
        current = supplier or {}
        version = current.get("version")
        with st.form(f"ehf-supplier-{version}"):
            c1, c2 = st.columns([1, 2])
            org_number = c1.text_input(label("org_number"), current.get("org_number", ""), key=f"ehf-sup-org-{version}")
            name = c2.text_input(label("name"), current.get("name", ""), key=f"ehf-sup-name-{version}")
            c1, c2, c3 = st.columns([2, 1, 1])
            street = c1.text_input(label("street"), current.get("street", ""), key=f"ehf-sup-street-{version}")
            postal_code = c2.text_input(label("postal_code"), current.get("postal_code", ""),
                                        key=f"ehf-sup-postal-{version}")
            city = c3.text_input(label("city"), current.get("city", ""), key=f"ehf-sup-city-{version}")
            c1, c2 = st.columns(2)
            vat_registered = c1.checkbox(label("vat_registered"), current.get("vat_registered", True),
                                         key=f"ehf-sup-vat-{version}")
            foretaksregisteret = c2.checkbox(label("foretaksregisteret"), current.get("foretaksregisteret", False),
                                             key=f"ehf-sup-fr-{version}")
            c1, c2, c3 = st.columns(3)
            bank_account = c1.text_input(label("bank_account"), account_text(current["bank_account"])
                                         if current.get("bank_account") else "", key=f"ehf-sup-account-{version}",
                                         placeholder="9999.00.00006")
            terms = c2.number_input(label("payment_terms_days"), min_value=0, max_value=120, step=1,
                                    value=int(current.get("payment_terms_days", 30)), key=f"ehf-sup-terms-{version}")
            methods = ["mod10", "mod11"]
            kid_method = c3.selectbox(label("kid_method"), methods,
                                      index=methods.index(current.get("kid_method", "mod10")),
                                      format_func=lambda m: t(f"ehf.kid.{m}"), key=f"ehf-sup-kid-{version}")
            c1, c2, c3 = st.columns(3)
            contact_name = c1.text_input(label("contact_name"), current.get("contact_name", ""),
                                         key=f"ehf-sup-contact-{version}")
            contact_email = c2.text_input(label("contact_email"), current.get("contact_email", ""),
                                          key=f"ehf-sup-email-{version}")
            contact_phone = c3.text_input(label("contact_phone"), current.get("contact_phone", ""),
                                          key=f"ehf-sup-phone-{version}")
            note = st.text_area(label("note"), current.get("note", ""), key=f"ehf-sup-note-{version}")
            saved = st.form_submit_button(t("ehf.save"), type="primary", key=f"ehf-sup-save-{version}")
        if saved and common.write(settings.save_supplier, {
                "org_number": org_number, "name": name, "street": street, "postal_code": postal_code, "city": city,
                "vat_registered": vat_registered, "foretaksregisteret": foretaksregisteret,
                "bank_account": bank_account, "payment_terms_days": int(terms), "kid_method": kid_method,
                "contact_name": contact_name, "contact_email": contact_email, "contact_phone": contact_phone,
                "note": note, "version": version}, success=t("ehf.saved")):
            st.rerun()

# --- the recipients --------------------------------------------------------------------------------------------

with recipients_tab:
    st.caption(t("ehf.recipients_help"))
    filters = st.columns([3, 1])
    search = filters[0].text_input(t("ui.search"), key="ehf-rec-search", placeholder=t("ehf.search_help"))
    only_missing = filters[1].toggle(t("ehf.only_missing"), key="ehf-rec-missing")
    with common.guarded(stop=True), common.session() as session:
        every = [r["id"] for r in organisation_rows(session)]
        matching = [r["id"] for r in organisation_rows(session, search)] if search.strip() else every
        recipients = settings.recipient_rows(session, matching)
    lacking = sum(1 for r in recipients if r["missing"])
    if only_missing:
        recipients = [r for r in recipients if r["missing"]]
    st.caption(t("ehf.recipients_count", shown=len(recipients), total=len(every), missing=lacking))
    if not recipients:
        common.empty_state("ehf.none_missing" if only_missing and matching else "ehf.no_recipients")
    else:
        frame = pd.DataFrame([{
            "name": r["display_name"], "org_number": r["org_number"], "municipality_number": r["municipality_number"],
            "address": ", ".join(p for p in (r["street"], " ".join(q for q in (r["postal_code"], r["city"]) if q))
                                 if p),
            "endpoint": f"{r['endpoint_scheme']}:{r['endpoint_id']}" if r["endpoint_id"] else "",
            "reference": r["buyer_reference"], "missing": ", ".join(r["missing"])} for r in recipients])
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "name": t("inv.col.organisation"), "org_number": t("inv.col.org_number"),
            "municipality_number": t("ehf.col.municipality_number"), "address": t("ehf.col.address"),
            "endpoint": t("ehf.col.endpoint"), "reference": t("ehf.col.reference"),
            "missing": t("ehf.field.missing")})
    if may_write and recipients:
        st.subheader(t("ehf.edit_recipient"))
        by_id = {r["organisation_id"]: r for r in recipients}
        org_id = st.selectbox(t("ehf.pick_organisation"), list(by_id), index=None, key="ehf-rec-org",
                              format_func=lambda i: f"{by_id[i]['display_name']} "
                                                    f"({by_id[i]['municipality_number'] or by_id[i]['org_number']})")
        if org_id is not None:
            row = by_id[org_id]
            st.caption(t("ehf.register_address", address=row["register_address"]) if row["register_address"]
                       else t("ehf.register_address_none"))
            key = f"ehf-rec-{org_id}-{row['version']}"
            with st.form(key):
                c1, c2, c3 = st.columns([2, 1, 1])
                street = c1.text_input(label("street"), row["own_street"], key=f"{key}-street")
                postal_code = c2.text_input(label("postal_code"), row["own_postal_code"], key=f"{key}-postal")
                city = c3.text_input(label("city"), row["own_city"], key=f"{key}-city")
                c1, c2 = st.columns([1, 3])
                scheme = c1.text_input(label("endpoint_scheme"), row["endpoint_scheme"], key=f"{key}-scheme")
                endpoint = c2.text_input(label("endpoint"), row["own_endpoint_id"], key=f"{key}-endpoint",
                                         help=t("ehf.endpoint_help", org_number=row["org_number"] or "–"))
                reference = st.text_input(label("buyer_reference"), row["own_reference"], key=f"{key}-reference",
                                          help=t("ehf.reference_help"))
                if row["has_agreement"]:
                    agreement_reference = st.text_input(label("agreement_reference"), row["agreement_reference"],
                                                        key=f"{key}-agreement", help=t("ehf.agreement_reference_help"))
                else:
                    agreement_reference = None
                    st.caption(t("ehf.no_agreement_note"))
                saved = st.form_submit_button(t("ehf.save"), type="primary", key=f"{key}-save")
            payload = {"organisation": row["org_number"] or row["municipality_number"] or row["display_name"],
                       "street": street, "postal_code": postal_code, "city": city, "endpoint_scheme": scheme,
                       "endpoint_id": endpoint, "buyer_reference": reference, "version": row["version"]}
            if agreement_reference is not None:
                payload["agreement_reference"] = agreement_reference
            if saved and common.write(settings.save_recipient, payload, success=t("ehf.saved")):
                st.rerun()

# --- VAT per price list ------------------------------------------------------------------------------------------

with vat_tab:
    st.caption(t("ehf.vat_help"))
    with common.guarded(stop=True), common.session() as session:
        lists = settings.vat_rows(session)
    if not lists:
        common.empty_state("ehf.no_price_lists")
    else:
        years = sorted({r["year"] for r in lists}, reverse=True)
        year = st.selectbox(t("price.col.year"), [None, *years], key="ehf-vat-year",
                            format_func=lambda y: t("ui.all") if y is None else str(y))
        shown_lists = [r for r in lists if year is None or r["year"] == year]
        frame = pd.DataFrame([{"service": r["service_name"], "year": r["year"], "number": r["number"],
                               "in_force": yes_no(r["in_force"]), "vat": r["label"],
                               "rate": float(r["rate_percent"]) if r["category"] != "O" else None,
                               "reason": r["exemption_reason"]} for r in shown_lists])
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "service": t("inv.col.service"), "year": common.year_column(t("price.col.year")),
            "number": st.column_config.NumberColumn(t("ehf.col.price_list"), format="%d"),
            "in_force": t("price.col.in_force"), "vat": t("ehf.col.vat_on_ehf"),
            "rate": common.number_column(label("rate"), decimals=2), "reason": t("ehf.col.reason")})
        if not may_set_vat:
            st.caption(t("ehf.vat_read_only"))
        else:
            st.subheader(t("ehf.edit_vat"))
            by_list = {r["price_list_id"]: r for r in shown_lists}
            list_id = st.selectbox(t("ehf.pick_price_list"), list(by_list), index=None, key="ehf-vat-list",
                                   format_func=lambda i: f"{by_list[i]['service_name']} {by_list[i]['year']}, "
                                                         f"{t('ehf.col.price_list').lower()} {by_list[i]['number']}")
            if list_id is not None:
                row = by_list[list_id]
                key = f"ehf-vat-{list_id}-{row['version']}"
                categories = list(settings.VAT_CATEGORIES)
                with st.form(key):
                    c1, c2 = st.columns([2, 1])
                    category = c1.selectbox(label("category"), categories, index=categories.index(row["category"]),
                                            format_func=lambda c: f"{t(f'ehf.vat.{c}')} ({c})", key=f"{key}-category")
                    rate = c2.number_input(label("rate"), min_value=0.0, max_value=100.0, step=0.5, format="%.2f",
                                           value=float(row["rate_percent"]) if row["category"] == "S" else 25.0,
                                           key=f"{key}-rate", help=t("ehf.rate_help"))
                    reason = st.text_input(label("reason"), row["exemption_reason"], key=f"{key}-reason")
                    saved = st.form_submit_button(t("ehf.save"), type="primary", key=f"{key}-save")
                if saved and common.write(settings.set_price_list_vat, {
                        "service": row["service"], "year": row["year"], "number": row["number"], "category": category,
                        "rate_percent": str(Decimal(str(rate)).quantize(Decimal("0.01"))),
                        "exemption_reason": reason, "version": row["version"]}, success=t("ehf.saved")):
                    st.rerun()
