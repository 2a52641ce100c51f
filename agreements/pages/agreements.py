from datetime import date

import pandas as pd
import streamlit as st

from agreements import agreements, appendices, exports, imports, processing
from agreements.models import AgreementStatus, PriceModel
from agreements.pages.widgets import (
    call,
    flash,
    org_label,
    organisation_names,
    pick_service,
    service_names,
    show_flash,
    status_label,
    xlsx_button,
)
from agreements.schemas import APPENDIX_STATUSES
from data.formatting import number
from data.i18n import t
from data.pages import common
from data.registers.models import OrganisationKind
from data.registers.registry import county_choices

actor = common.require_actor()
common.header("agr.page.agreements", "agr.agreements.intro")

MAIN_STATUSES = [s.value for s in AgreementStatus]
can_write = actor.can("agreements.write")
with common.session() as session:
    counties = county_choices(session)
county_names = dict(counties)

tab_main, tab_appendix, tab_versions, tab_dpa, tab_transfer = st.tabs([
    t("agr.tab.main"), t("agr.tab.appendices"), t("agr.tab.versions"), t("agr.tab.dpa"), t("agr.tab.transfer")])

# --- main agreements -----------------------------------------------------------------------------
with tab_main:
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    search = c1.text_input(t("ui.search"), placeholder=t("agr.search_placeholder"), key="main-search")
    statuses = c2.multiselect(t("agr.col.main_status"), MAIN_STATUSES + ["none"], format_func=status_label,
                              key="main-status")
    county = c3.selectbox(t("agr.county"), [None] + [c for c, _ in counties], key="main-county",
                          format_func=lambda c: t("ui.all") if c is None else county_names[c])
    kinds = c4.multiselect(t("agr.kind"), [k.value for k in OrganisationKind], key="main-kind",
                           format_func=lambda k: t(f"org.kind.{k}"))
    rows = common.cached(agreements.main_agreement_rows, search, tuple(statuses), county, tuple(kinds))
    frame = pd.DataFrame(rows)
    if frame.empty:
        common.empty_state("agr.main.empty")
    else:
        counts = frame["status"].value_counts().to_dict()
        st.caption(t("agr.main.count", count=number(len(frame)), signed=number(counts.get("signed", 0)),
                     missing=number(counts.get("none", 0))))
        shown = frame.assign(status=frame["status"].map(status_label),
                             kind=frame["kind"].map(lambda k: t(f"org.kind.{k}")))
        st.dataframe(
            shown[["org_number", "name", "kind", "county", "status", "signed_date", "signatory", "template_version",
                   "document_ref", "terminated_date", "appendices"]],
            hide_index=True, width="stretch",
            column_config={
                "org_number": t("agr.col.org_number"), "name": t("agr.col.organisation"), "kind": t("agr.kind"),
                "county": t("agr.county"), "status": t("agr.col.main_status"),
                "signed_date": common.date_column(t("agr.col.main_signed")),
                "signatory": t("agr.col.signatory"), "template_version": t("agr.col.template_version"),
                "document_ref": t("agr.col.document_ref"),
                "terminated_date": common.date_column(t("agr.col.main_terminated")),
                "appendices": st.column_config.NumberColumn(t("agr.main.appendices"), help=t("agr.main.appendices_help")),
            })

    if can_write and rows:
        st.header(t("agr.main.edit"))
        by_org = {r["organisation_id"]: r for r in rows}
        chosen = st.selectbox(t("agr.choose_org"), list(by_org), index=None, key="main-choose",
                              format_func=lambda i: f"{by_org[i]['name']} ({status_label(by_org[i]['status'])})")
        if chosen is not None:
            row = by_org[chosen]
            current = row["status"] if row["status"] != "none" else "draft"
            with st.form(f"main-{chosen}-{row['version']}"):
                f1, f2 = st.columns(2)
                status = f1.selectbox(t("agr.col.main_status"), MAIN_STATUSES, index=MAIN_STATUSES.index(current),
                                      format_func=status_label)
                signed_date = f2.date_input(t("agr.col.main_signed"), row["signed_date"], format="DD.MM.YYYY")
                signatory = f1.text_input(t("agr.col.signatory"), row["signatory"] or "")
                template_version = f2.text_input(t("agr.col.template_version"), row["template_version"] or "")
                document_ref = f1.text_input(t("agr.col.document_ref"), row["document_ref"] or "")
                terminated_date = f2.date_input(t("agr.col.main_terminated"), row["terminated_date"],
                                                format="DD.MM.YYYY", help=t("agr.main.terminated_help"))
                notes = st.text_area(t("agr.notes"), row["notes"] or "")
                saved = st.form_submit_button(t("ui.save"), type="primary")
            if saved:
                payload = {"organisation_id": chosen, "status": status, "signed_date": signed_date,
                           "signatory": signatory, "template_version": template_version,
                           "document_ref": document_ref, "terminated_date": terminated_date, "notes": notes}
                if call(agreements.save_main_agreement, payload, expected_version=row["version"],
                        success=t("ui.saved")):
                    st.rerun()
            if row["status"] == "signed":
                with st.expander(t("agr.main.terminate"), icon=":material/block:"):
                    st.caption(t("agr.main.terminate_help", count=row["appendices"]))
                    last_day = st.date_input(t("agr.col.main_terminated"), date.today(), format="DD.MM.YYYY",
                                             key=f"term-{chosen}")
                    if common.confirmed_button(t("agr.main.terminate_confirm", name=row["name"]),
                                               t("agr.main.terminate"), key=f"term-{chosen}"):
                        ended = call(agreements.terminate_main_agreement, chosen, {"terminated_date": last_day},
                                     expected_version=row["version"])
                        if ended is not None:
                            st.success(t("agr.main.terminated", count=len(ended) if isinstance(ended, list) else 0))

# --- appendices ------------------------------------------------------------------------------
with tab_appendix:
    c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
    with c1:
        service = pick_service(actor, "app-service", allow_all=True)
    search_a = c2.text_input(t("ui.search"), placeholder=t("agr.search_placeholder_short"), key="app-search")
    statuses_a = c3.multiselect(t("agr.col.appendix_status"), list(APPENDIX_STATUSES), format_func=status_label,
                                key="app-status")
    in_force = c4.toggle(t("agr.in_force_only"), value=True, key="app-in-force", help=t("agr.in_force_help"))
    rows_a = common.cached(appendices.appendix_rows, service, search_a, tuple(statuses_a), None, in_force)
    frame_a = pd.DataFrame(rows_a)
    if frame_a.empty:
        common.empty_state("agr.appendix.empty")
    else:
        st.caption(t("agr.appendix.count", count=number(len(frame_a))))
        shown = frame_a.assign(status=frame_a["status"].map(status_label),
                               price_model=frame_a["price_model"].map(
                                   lambda p: t(f"agr.price_model.{p}") if isinstance(p, str) else ""))
        st.dataframe(
            shown[["organisation", "org_number", "county", "service", "appendix_version", "status", "signed_date",
                   "start_date", "end_date", "price_model", "in_force"]],
            hide_index=True, width="stretch",
            column_config={
                "organisation": t("agr.col.organisation"), "org_number": t("agr.col.org_number"),
                "county": t("agr.county"), "service": t("agr.col.service"),
                "appendix_version": t("agr.col.appendix_version"), "status": t("agr.col.appendix_status"),
                "signed_date": common.date_column(t("agr.col.appendix_signed")),
                "start_date": common.date_column(t("agr.col.start_date")),
                "end_date": common.date_column(t("agr.col.end_date")),
                "price_model": t("agr.col.price_model"),
                "in_force": st.column_config.CheckboxColumn(t("agr.in_force")),
            })

    writable = sorted((c for c in service_names() if actor.can("agreements.write", service=c)),
                      key=lambda c: c not in actor.owned_services)   # the user's own services first
    if can_write and writable:
        st.header(t("agr.appendix.edit"))
        by_id = {r["id"]: r for r in rows_a if r["service_code"] in writable}
        choice = st.selectbox(t("agr.appendix.choose"), ["new"] + list(by_id), key="app-choose",
                              format_func=lambda i: t("agr.appendix.new") if i == "new" else
                              f"{by_id[i]['organisation']} – {by_id[i]['service']} "
                              f"({status_label(by_id[i]['status'])}, {by_id[i]['start_date']:%d.%m.%Y})")
        existing = by_id.get(choice) if choice != "new" else None
        with common.session() as session:
            with_main = [r["organisation_id"] for r in agreements.main_agreement_rows(session, include_missing=False)]
        orgs = organisation_names(set(with_main))
        names = service_names()
        if not orgs:
            common.empty_state("agr.appendix.needs_main_first")
        else:
            # a new appendix's form is drawn empty again after it is saved; an edit's under the row's version
            key = common.form_key("app-new") if existing is None else f"app-{choice}-{existing['version']}"
            with st.form(key):
                f1, f2 = st.columns(2)
                org_ids = list(orgs)
                org_id = f1.selectbox(t("agr.col.organisation"), org_ids, format_func=orgs.get,
                                      index=org_ids.index(existing["organisation_id"]) if existing else None)
                code = f2.selectbox(t("agr.col.service"), writable, format_func=names.get,
                                    index=writable.index(existing["service_code"]) if existing else 0)
                version = f1.text_input(t("agr.col.appendix_version"), existing["appendix_version"] or ""
                                        if existing else "")
                status = f2.selectbox(t("agr.col.appendix_status"), list(APPENDIX_STATUSES), format_func=status_label,
                                      index=list(APPENDIX_STATUSES).index(existing["status"]) if existing else 0)
                signed_date = f1.date_input(t("agr.col.appendix_signed"), existing["signed_date"] if existing else None,
                                            format="DD.MM.YYYY")
                start_date = f2.date_input(t("agr.col.start_date"), existing["start_date"] if existing else None,
                                           format="DD.MM.YYYY")
                end_date = f1.date_input(t("agr.col.end_date"), existing["end_date"] if existing else None,
                                         format="DD.MM.YYYY")
                models = [None] + [p.value for p in PriceModel]
                price_model = f2.selectbox(t("agr.col.price_model"), models,
                                           index=models.index(existing["price_model"]) if existing else 0,
                                           format_func=lambda p: "–" if p is None else t(f"agr.price_model.{p}"))
                notes = st.text_area(t("agr.notes"), existing["notes"] if existing else "")
                saved = st.form_submit_button(t("ui.save"), type="primary")
            if saved:
                if org_id is None:
                    st.error(t("agr.appendix.choose_org_first"))
                else:
                    payload = {"organisation_id": org_id, "service_code": code, "appendix_version": version,
                               "status": status, "signed_date": signed_date, "start_date": start_date,
                               "end_date": end_date, "price_model": price_model, "notes": notes}
                    if existing is None:
                        done = common.save_once("app-new", payload, appendices.save_appendix, payload,
                                                success=t("ui.saved"), writer=call)
                    else:
                        done = call(appendices.save_appendix, payload, appendix_id=existing["id"],
                                    expected_version=existing["version"], success=t("ui.saved"))
                    if done:
                        st.rerun()
            if existing is not None and existing["status"] in ("signed", "terminated"):
                with st.expander(t("agr.appendix.terminate"), icon=":material/event_busy:"):
                    last_day = st.date_input(t("agr.col.end_date"), existing["end_date"] or date.today(),
                                             format="DD.MM.YYYY", key=f"app-end-{choice}")
                    if st.button(t("agr.appendix.terminate"), key=f"app-end-btn-{choice}"):
                        if call(appendices.terminate_appendix, existing["id"], last_day,
                                expected_version=existing["version"], success=t("ui.saved")):
                            st.rerun()
            elif existing is not None:
                if common.confirmed_button(t("agr.appendix.delete_confirm"), t("agr.appendix.delete"),
                                           key=f"app-del-{choice}"):
                    if call(appendices.delete_appendix, existing["id"], expected_version=existing["version"],
                            success=t("agr.appendix.deleted")):
                        st.rerun()

# --- versions and re-signing ----------------------------------------------------------------------
with tab_versions:
    st.caption(t("agr.versions.intro"))
    code_v = pick_service(actor, "ver-service")
    if code_v is not None:
        versions = common.cached(appendices.appendix_versions, code_v)
        if versions:
            st.dataframe(pd.DataFrame(versions), hide_index=True, width="stretch", column_config={
                "version": t("agr.col.appendix_version"),
                "issued_on": common.date_column(t("agr.versions.issued_on")),
                "summary": st.column_config.TextColumn(t("agr.versions.summary"), width="large")})
        else:
            common.empty_state("agr.versions.empty")
        pending = common.cached(appendices.must_resign, code_v)
        st.header(t("agr.resign.title"))
        if not pending:
            common.empty_state("agr.resign.none")
        else:
            st.caption(t("agr.resign.count", count=number(len(pending)), version=pending[0]["new_version"]))
            st.dataframe(pd.DataFrame(pending).drop(columns=["appendix_id"]), hide_index=True, width="stretch",
                         column_config={
                             "org_number": t("agr.col.org_number"), "organisation": t("agr.col.organisation"),
                             "current_version": t("agr.resign.current"), "new_version": t("agr.resign.new"),
                             "start_date": common.date_column(t("agr.col.start_date")),
                             "contact_email": t("agr.contact_email")})
            xlsx_button("agr.resign.download", exports.must_resign_workbook(pending), f"re-signering-{code_v}.xlsx")
        if actor.can("agreements.write", service=code_v):
            show_flash(f"issue-{code_v}")
            c1, c2 = st.columns(2)
            with c1, st.form(common.form_key(f"issue-{code_v}")):
                st.markdown(f"**{t('agr.versions.issue')}**")
                new_version = st.text_input(t("agr.col.appendix_version"))
                issued_on = st.date_input(t("agr.versions.issued_on"), date.today(), format="DD.MM.YYYY")
                summary = st.text_area(t("agr.versions.summary"))
                if st.form_submit_button(t("agr.versions.issue"), type="primary"):
                    issued = {"service_code": code_v, "version": new_version, "issued_on": issued_on,
                              "summary": summary}
                    listed = common.save_once(f"issue-{code_v}", issued, appendices.issue_appendix_version, issued,
                                              writer=call)
                    if listed is not None:
                        flash(f"issue-{code_v}", t("agr.versions.issued", count=len(listed)))
                        st.rerun()
            if pending:
                resign_form = common.form_key(f"resign-{code_v}")
                with c2, st.form(resign_form):
                    st.markdown(f"**{t('agr.resign.record')}**")
                    by_app = {p["appendix_id"]: p for p in pending}
                    # chosen by the user, under a key and a label with the organisation number: a list changed by
                    # someone else since the page was drawn never moves the choice to another organisation
                    which = st.selectbox(t("agr.col.organisation"), list(by_app), index=None, key=f"{resign_form}-org",
                                         format_func=lambda i: org_label(by_app[i]["organisation"],
                                                                         by_app[i]["org_number"]))
                    signed_on = st.date_input(t("agr.col.appendix_signed"), date.today(), format="DD.MM.YYYY")
                    starts = st.date_input(t("agr.col.start_date"), date.today(), format="DD.MM.YYYY")
                    if st.form_submit_button(t("agr.resign.record"), type="primary"):
                        if which is None:
                            st.error(t("agr.appendix.choose_org_first"))
                        else:
                            resigned = {"appendix_version": by_app[which]["new_version"], "signed_date": signed_on,
                                        "start_date": starts}
                            if common.save_once(f"resign-{code_v}", {"appendix_id": which, **resigned},
                                                appendices.resign_appendix, which, resigned, success=t("ui.saved"),
                                                writer=call):
                                st.rerun()

# --- import and export ---------------------------------------------------------------------------
with tab_transfer:
    st.header(t("agr.export.title"))
    st.caption(t("agr.export.help"))
    if st.button(t("agr.export.prepare"), icon=":material/table_view:", key="register-prepare"):
        st.session_state["agr-register-ready"] = True
    if st.session_state.get("agr-register-ready"):
        content = common.cached(exports.register_workbook)
        xlsx_button("ui.download_excel", content, "avtaleregister.xlsx", key="register-download")
    if actor.can("agreements.import"):
        st.header(t("agr.import.title"))
        st.caption(t("agr.import.help", columns=", ".join(imports.template_columns())))
        upload = st.file_uploader(t("agr.import.file"), type=["xlsx"], key="register-upload")
        dry_run = st.checkbox(t("agr.import.dry_run"), help=t("agr.import.dry_run_help"))
        if upload is not None and st.button(t("agr.import.button"), type="primary"):
            counts = call(imports.import_register, upload.getvalue(), dry_run=dry_run)
            if counts:
                st.success(t("agr.import.checked" if dry_run else "agr.import.done", **counts))

# --- data processing agreements and the municipalities' own ROS and DPIA (agreements/processing.py) -------
with tab_dpa:
    st.caption(t("agr.dpa.intro"))
    code_d = pick_service(actor, "dpa-service")
    if code_d is not None:
        st.header(t("agr.dpa.versions"))
        dpa_versions = common.cached(processing.version_rows, code_d)
        if dpa_versions:
            st.dataframe(pd.DataFrame(dpa_versions).drop(columns=["id"]), hide_index=True, width="stretch",
                         column_config={
                             "label": t("agr.dpa.col.label"),
                             "valid_from": common.date_column(t("agr.dpa.col.valid_from")),
                             "document_ref": t("agr.dpa.col.document_ref"),
                             "changes": st.column_config.TextColumn(t("agr.dpa.col.changes"), width="large"),
                             "signed": st.column_config.NumberColumn(t("agr.dpa.col.signed_count"))})
        else:
            common.empty_state("agr.dpa.versions_empty")
        dpa_rows = common.cached(processing.appendix_rows, code_d)
        to_sign = common.cached(processing.must_sign, code_d)
        if dpa_versions:
            st.header(t("agr.dpa.must_sign_title"))
            if not to_sign:
                st.success(t("agr.dpa.must_sign_none"))
            else:
                st.caption(t("agr.dpa.must_sign_count", count=number(len(to_sign)), label=to_sign[0]["new_version"]))
                st.dataframe(pd.DataFrame(to_sign).drop(columns=["organisation_id"]), hide_index=True, width="stretch",
                             column_config={
                                 "org_number": t("agr.col.org_number"), "organisation": t("agr.col.organisation"),
                                 "signed_version": t("agr.dpa.col.signed_version"),
                                 "signed_date": common.date_column(t("agr.dpa.col.signed_date")),
                                 "new_version": t("agr.dpa.col.new_version"), "contact_email": t("agr.contact_email")})
                st.download_button(t("agr.dpa.download_csv"), processing.must_sign_csv(to_sign),
                                   f"databehandleravtale-signering-{code_d}.csv", mime="text/csv",
                                   icon=":material/download:", key="dpa-csv")
        st.header(t("agr.dpa.appendices"))
        if not dpa_rows:
            common.empty_state("agr.dpa.appendices_empty")
        else:
            st.dataframe(
                pd.DataFrame(dpa_rows)[["organisation", "org_number", "appendix_version", "dpa_version", "dpa_signed",
                                        "must_sign", "own_ros_on", "own_dpia_on"]],
                hide_index=True, width="stretch", column_config={
                    "organisation": t("agr.col.organisation"), "org_number": t("agr.col.org_number"),
                    "appendix_version": t("agr.col.appendix_version"), "dpa_version": t("agr.dpa.col.dpa_version"),
                    "dpa_signed": common.date_column(t("agr.dpa.col.signed_date")),
                    "must_sign": st.column_config.CheckboxColumn(t("agr.dpa.col.must_sign")),
                    "own_ros_on": common.date_column(t("agr.dpa.col.own_ros")),
                    "own_dpia_on": common.date_column(t("agr.dpa.col.own_dpia"))})
        if actor.can("agreements.write", service=code_d):
            show_flash(f"dpa-version-{code_d}")
            c1, c2 = st.columns(2)
            with c1, st.form(common.form_key(f"dpa-version-{code_d}")):
                st.markdown(f"**{t('agr.dpa.add_version')}**")
                dpa_label = st.text_input(t("agr.dpa.col.label"))
                dpa_from = st.date_input(t("agr.dpa.col.valid_from"), date.today(), format="DD.MM.YYYY")
                dpa_doc = st.text_input(t("agr.dpa.col.document_ref"))
                dpa_changes = st.text_area(t("agr.dpa.col.changes"))
                if st.form_submit_button(t("agr.dpa.add_version"), type="primary"):
                    dpa_version = {"service_code": code_d, "label": dpa_label, "valid_from": dpa_from,
                                   "document_ref": dpa_doc, "changes": dpa_changes}
                    added = common.save_once(f"dpa-version-{code_d}", dpa_version, processing.add_version,
                                             dpa_version, writer=call)
                    if added is not None:
                        flash(f"dpa-version-{code_d}", t("agr.dpa.version_added", label=dpa_label.strip(), count=number(
                            len(common.cached(processing.must_sign, code_d)))))
                        st.rerun()
            if dpa_versions and dpa_rows:
                orgs_d = {r["organisation_id"]: org_label(r["organisation"], r["org_number"]) for r in dpa_rows}
                sign_form = common.form_key(f"dpa-sign-{code_d}")
                with c2, st.form(sign_form):
                    st.markdown(f"**{t('agr.dpa.record_signature')}**")
                    first = [r["organisation_id"] for r in to_sign] + list(orgs_d)   # those who must sign first
                    # chosen by the user, under a key and a label with the organisation number: a list changed by
                    # someone else since the page was drawn never moves the choice to another organisation
                    signer = st.selectbox(t("agr.col.organisation"), list(dict.fromkeys(first)), index=None,
                                          key=f"{sign_form}-org", format_func=orgs_d.get)
                    sign_label = st.selectbox(t("agr.dpa.col.label"), [v["label"] for v in dpa_versions],
                                              key=f"{sign_form}-label")
                    sign_on = st.date_input(t("agr.dpa.col.signed_date"), date.today(), format="DD.MM.YYYY")
                    if st.form_submit_button(t("agr.dpa.record_signature"), type="primary"):
                        if signer is None:
                            st.error(t("agr.appendix.choose_org_first"))
                        else:
                            signature = {"service_code": code_d, "organisation_id": signer, "label": sign_label,
                                         "signed_date": sign_on}
                            if common.save_once(f"dpa-sign-{code_d}", signature, processing.record_signature,
                                                signature, success=t("ui.saved"), writer=call):
                                st.rerun()
            if dpa_rows:
                by_appendix = {r["appendix_id"]: r for r in dpa_rows}
                st.markdown(f"**{t('agr.dpa.record_own')}**")
                st.caption(t("agr.dpa.own_help"))
                chosen = st.selectbox(t("agr.col.organisation"), list(by_appendix), key=f"dpa-own-org-{code_d}",
                                      format_func=lambda i: by_appendix[i]["organisation"])
                picked = by_appendix[chosen]
                with st.form(f"dpa-own-{code_d}-{chosen}-{picked['appendix_row_version']}"):
                    o1, o2 = st.columns(2)
                    ros_on = o1.date_input(t("agr.dpa.col.own_ros"), picked["appendix_own_ros_on"],
                                           format="DD.MM.YYYY")
                    dpia_on = o2.date_input(t("agr.dpa.col.own_dpia"), picked["appendix_own_dpia_on"],
                                            format="DD.MM.YYYY")
                    if st.form_submit_button(t("ui.save"), type="primary"):
                        if call(processing.record_own_assessments, chosen,
                                {"own_ros_on": ros_on, "own_dpia_on": dpia_on},
                                expected_version=by_appendix[chosen]["appendix_row_version"], success=t("ui.saved")):
                            st.rerun()
