"""Suppliers and sub-processors: reminders, the register, certificates and assurance reports with their
findings, the sub-processor list per service for the municipalities, and the reminder settings."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import select

from data.crud import service_choices
from data.i18n import t
from data.pages import common
from data.registers.models import Component
from risk.pages.widgets import level_select
from risk.suppliers import assurance, exports, register
from risk.suppliers.schemas import FindingStatus, Opinion, ReportStandard, ReportType, Severity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

actor = common.require_actor()
common.header("supl.page.title", "supl.page.intro")
can_write = actor.can("risk.write")

with common.session() as session:
    service_names = dict(service_choices(session))
    component_names = dict(session.execute(select(Component.code, Component.name).order_by(Component.name)).all())

tabs = [t("supl.tab.reminders"), t("supl.tab.register"), t("supl.tab.assurance"), t("supl.tab.subprocessors")]
if can_write:
    tabs.append(t("supl.tab.settings"))
tab_reminders, tab_register, tab_assurance, tab_subprocessors, *rest = st.tabs(tabs)

# --- reminders --------------------------------------------------------------------------------------
with tab_reminders:
    rules = common.cached(assurance.settings_values)
    st.caption(t("supl.reminders.rules", certificate=rules["certificate_warning_days"],
                 grace=rules["report_grace_days"], warning=rules["report_warning_days"]))
    due = common.cached(assurance.reminders)
    if not due:
        st.success(t("supl.reminders.none"))
    else:
        frame = pd.DataFrame(due)
        st.dataframe(frame.assign(kind=frame["kind"].map(lambda k: t(f"supl.reminder.{k}")))[
            ["kind", "supplier", "what", "due", "days_left"]], hide_index=True, width="stretch",
            column_config={"kind": t("supl.col.reminder"), "supplier": t("supl.col.supplier"),
                           "what": st.column_config.TextColumn(t("supl.col.what"), width="large"),
                           "due": common.date_column(t("supl.col.due")),
                           "days_left": st.column_config.NumberColumn(t("supl.col.days_left"))})
    st.download_button(t("supl.download_register"), common.cached(exports.register_workbook), "leverandorer.xlsx",
                       mime=XLSX, icon=":material/download:", key="sup-register-xlsx")

# --- the register -----------------------------------------------------------------------------------
with tab_register:
    f1, f2, f3 = st.columns([3, 2, 2])
    search = f1.text_input(t("ui.search"), key="sup-search")
    service_filter = f2.selectbox(t("supl.col.service"), [None] + list(service_names), key="sup-service",
                                  format_func=lambda c: t("ui.all") if c is None else service_names[c])
    processors_only = f3.toggle(t("supl.filter.processors"), key="sup-processors")
    rows = common.cached(register.supplier_rows, search, service_filter, processors_only)
    if not rows:
        common.empty_state("supl.register.empty")
    else:
        frame = pd.DataFrame(rows)
        st.dataframe(frame[["name", "org_number", "country", "data_location", "delivers", "processes_personal_data",
                            "services", "components", "certificate_expires"]], hide_index=True, width="stretch",
                     column_config={
                         "name": t("supl.col.name"), "org_number": t("supl.col.org_number"),
                         "country": t("supl.col.country"), "data_location": t("supl.col.data_location"),
                         "delivers": st.column_config.TextColumn(t("supl.col.delivers"), width="large"),
                         "processes_personal_data": st.column_config.CheckboxColumn(t("supl.col.personal_data")),
                         "services": t("supl.col.services"), "components": t("supl.col.components"),
                         "certificate_expires": common.date_column(t("supl.col.certificate_expires"))})
    if can_write:
        st.header(t("supl.register.edit"))
        by_id = {r["id"]: r for r in common.cached(register.supplier_rows)}
        choice = st.selectbox(t("supl.register.choose"), ["new"] + list(by_id), key="sup-choose",
                              format_func=lambda i: t("supl.register.new") if i == "new" else by_id[i]["name"])
        existing = by_id.get(choice) if choice != "new" else None
        # a new supplier's form is drawn empty after it is saved; an edited one anew with its saved values
        with st.form(common.form_key("sup-new") if existing is None else f"sup-form-{choice}-{existing['version']}"):
            c1, c2 = st.columns(2)
            name = c1.text_input(t("supl.col.name"), existing["name"] if existing else "")
            org_number = c2.text_input(t("supl.col.org_number"), existing["org_number"] or "" if existing else "",
                                       help=t("supl.help.org_number"))
            country = c1.text_input(t("supl.col.country"), existing["country"] if existing else "NO", max_chars=2,
                                    help=t("supl.help.country"))
            location = c2.text_input(t("supl.col.data_location"), existing["data_location"] if existing else "")
            delivers = st.text_area(t("supl.col.delivers"), existing["delivers"] if existing else "")
            chosen_services = st.multiselect(t("supl.col.services"), list(service_names),
                                             existing["service_codes"] if existing else [],
                                             format_func=service_names.get)
            chosen_components = st.multiselect(
                t("supl.col.components"), list(component_names),
                [c for c, n in component_names.items() if existing and n in existing["components"].split(", ")],
                format_func=component_names.get)
            personal = st.checkbox(t("supl.col.personal_data"), existing["processes_personal_data"] if existing
                                   else False, help=t("supl.help.personal_data"))
            contact = c1.text_input(t("supl.col.contact"), existing["contact"] if existing else "")
            notes = st.text_area(t("supl.col.notes"), existing["notes"] if existing else "")
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = {"name": name, "org_number": org_number, "country": country, "data_location": location,
                       "delivers": delivers, "processes_personal_data": personal, "contact": contact, "notes": notes,
                       "services": chosen_services, "components": chosen_components}
            if existing is None:
                result = common.save_once("sup-new", payload, register.save_supplier, payload, success=t("ui.saved"))
            else:
                result = common.write(register.save_supplier, payload, supplier_id=existing["id"],
                                      expected_version=existing["version"], success=t("ui.saved"))
            if result:
                st.session_state["sup-notify"] = [
                    {"service": n.service, "organisations": [
                        {"org_number": o.org_number, "name": o.name, "contact_email": o.contact_email}
                        for o in n.organisations]} for n in result.notify]
                st.rerun()
        for item in st.session_state.get("sup-notify", []):
            st.warning(t("supl.notify.title", service=item["service"], count=len(item["organisations"])))
            if item["organisations"]:
                st.dataframe(pd.DataFrame(item["organisations"]), hide_index=True, width="stretch",
                             column_config={"org_number": t("supl.col.org_number"), "name": t("supl.col.organisation"),
                                            "contact_email": t("supl.col.contact_email")})
        if existing is not None and common.confirmed_button(t("supl.register.delete_confirm"), t("supl.register.delete"),
                                                            key=f"sup-del-{choice}"):
            if common.write(register.delete_supplier, existing["id"], expected_version=existing["version"],
                            success=t("supl.register.deleted")):
                st.rerun()

# --- certificates, reports and findings -------------------------------------------------------------
with tab_assurance:
    all_suppliers = {r["id"]: r for r in common.cached(register.supplier_rows)}
    if not all_suppliers:
        common.empty_state("supl.register.empty")
    else:
        supplier_id = st.selectbox(t("supl.col.supplier"), list(all_suppliers), key="sup-assurance-supplier",
                                   format_func=lambda i: all_suppliers[i]["name"])
        supplier = all_suppliers[supplier_id]
        st.header(t("supl.certificates"))
        certificates = common.cached(assurance.certificate_rows, supplier_id)
        if certificates:
            frame = pd.DataFrame(certificates)
            st.dataframe(frame.assign(state=frame["state"].map(lambda s: t(f"supl.state.{s}")))[
                ["standard", "scope", "issuer", "issued_on", "expires_on", "state", "days_left"]],
                hide_index=True, width="stretch", column_config={
                    "standard": t("supl.col.standard"), "scope": st.column_config.TextColumn(t("supl.col.scope"),
                                                                                            width="large"),
                    "issuer": t("supl.col.issuer"), "issued_on": common.date_column(t("supl.col.issued_on")),
                    "expires_on": common.date_column(t("supl.col.expires_on")), "state": t("supl.col.state"),
                    "days_left": st.column_config.NumberColumn(t("supl.col.days_left"))})
        else:
            common.empty_state("supl.certificates.empty")
        st.header(t("supl.reports"))
        reports = common.cached(assurance.report_rows, supplier_id)
        if reports:
            frame = pd.DataFrame(reports)
            st.dataframe(frame.assign(standard=frame["standard"].map(lambda s: t(f"supl.standard.{s}")),
                                      report_type=frame["report_type"].map(lambda s: t(f"supl.report_type.{s}")),
                                      opinion=frame["opinion"].map(lambda s: t(f"supl.opinion.{s}")))[
                ["standard", "report_type", "period_start", "period_end", "auditor", "opinion", "received_on",
                 "reviewed_on", "findings", "open_findings"]], hide_index=True, width="stretch", column_config={
                    "standard": t("supl.col.standard"), "report_type": t("supl.col.report_type"),
                    "period_start": common.date_column(t("supl.col.period_start")),
                    "period_end": common.date_column(t("supl.col.period_end")), "auditor": t("supl.col.auditor"),
                    "opinion": t("supl.col.opinion"), "received_on": common.date_column(t("supl.col.received_on")),
                    "reviewed_on": common.date_column(t("supl.col.reviewed_on")),
                    "findings": st.column_config.NumberColumn(t("supl.col.findings")),
                    "open_findings": st.column_config.NumberColumn(t("supl.col.open_findings"))})
        else:
            common.empty_state("supl.reports.empty")
        st.header(t("supl.findings"))
        findings = common.cached(assurance.finding_rows, supplier_id)
        if findings:
            frame = pd.DataFrame(findings)
            st.dataframe(frame.assign(severity=frame["severity"].map(lambda s: t(f"supl.severity.{s}")),
                                      status=frame["status"].map(lambda s: t(f"supl.finding_status.{s}")),
                                      in_ros=frame["ros_risk_id"].notna(),
                                      ros_service_code=frame["ros_service_code"].map(
                                          lambda c: common.service_names().get(c, c) if c else None))[
                ["title", "severity", "status", "supplier_response", "in_ros", "ros_service_code"]],
                hide_index=True, width="stretch", column_config={
                    "title": st.column_config.TextColumn(t("supl.col.finding"), width="large"),
                    "severity": t("supl.col.severity"), "status": t("supl.col.status"),
                    "supplier_response": t("supl.col.response"),
                    "in_ros": st.column_config.CheckboxColumn(t("supl.col.in_ros")),
                    "ros_service_code": t("supl.col.ros_service")})
        else:
            common.empty_state("supl.findings.empty")

        if can_write:
            c1, c2 = st.columns(2)
            with c1, st.form(common.form_key(f"sup-cert-{supplier_id}")):      # empty again once saved
                st.markdown(f"**{t('supl.certificate.add')}**")
                standard = st.text_input(t("supl.col.standard"), "ISO/IEC 27001")
                scope = st.text_area(t("supl.col.scope"))
                issuer = st.text_input(t("supl.col.issuer"))
                issued_on = st.date_input(t("supl.col.issued_on"), None, format="DD.MM.YYYY")
                expires_on = st.date_input(t("supl.col.expires_on"), date.today() + timedelta(days=365),
                                           format="DD.MM.YYYY")
                if st.form_submit_button(t("supl.certificate.add"), type="primary"):
                    certificate = {"standard": standard, "scope": scope, "issuer": issuer, "issued_on": issued_on,
                                   "expires_on": expires_on}
                    if common.save_once(f"sup-cert-{supplier_id}", certificate, assurance.save_certificate,
                                        supplier_id, certificate, success=t("ui.saved")):
                        st.rerun()
            with c2, st.form(common.form_key(f"sup-report-{supplier_id}")):    # empty again once saved
                st.markdown(f"**{t('supl.report.add')}**")
                r_standard = st.selectbox(t("supl.col.standard"), [s.value for s in ReportStandard],
                                          format_func=lambda s: t(f"supl.standard.{s}"))
                r_type = st.selectbox(t("supl.col.report_type"), [s.value for s in ReportType],
                                      index=1, format_func=lambda s: t(f"supl.report_type.{s}"))
                last_year = date.today().year - 1
                period_start = st.date_input(t("supl.col.period_start"), date(last_year, 1, 1), format="DD.MM.YYYY")
                period_end = st.date_input(t("supl.col.period_end"), date(last_year, 12, 31), format="DD.MM.YYYY")
                auditor = st.text_input(t("supl.col.auditor"))
                opinion = st.selectbox(t("supl.col.opinion"), [o.value for o in Opinion],
                                       format_func=lambda s: t(f"supl.opinion.{s}"))
                received_on = st.date_input(t("supl.col.received_on"), date.today(), format="DD.MM.YYYY")
                reviewed_on = st.date_input(t("supl.col.reviewed_on"), None, format="DD.MM.YYYY")
                if st.form_submit_button(t("supl.report.add"), type="primary"):
                    report = {"standard": r_standard, "report_type": r_type, "period_start": period_start,
                              "period_end": period_end, "auditor": auditor, "opinion": opinion,
                              "received_on": received_on, "reviewed_on": reviewed_on}
                    if common.save_once(f"sup-report-{supplier_id}", report, assurance.save_report, supplier_id,
                                        report, success=t("ui.saved")):
                        st.rerun()
            unreviewed = [r for r in reports if r["reviewed_on"] is None]
            if unreviewed:
                by_report = {r["id"]: r for r in unreviewed}
                st.markdown(f"**{t('supl.report.mark_reviewed')}**")
                which = st.selectbox(t("supl.reports"), list(by_report), key=f"sup-review-choose-{supplier_id}",
                                     format_func=lambda i: t(
                                         "supl.report.label", standard=t(f"supl.standard.{by_report[i]['standard']}"),
                                         start=by_report[i]["period_start"].strftime("%d.%m.%Y"),
                                         end=by_report[i]["period_end"].strftime("%d.%m.%Y")))
                with st.form(f"sup-review-{which}-{by_report[which]['version']}"):    # anew once saved
                    when = st.date_input(t("supl.col.reviewed_on"), date.today(), format="DD.MM.YYYY")
                    if st.form_submit_button(t("supl.report.mark_reviewed"), type="primary"):
                        if common.write(assurance.mark_reviewed, which, when,
                                        expected_version=by_report[which]["version"], success=t("ui.saved")):
                            st.rerun()
            if reports:
                by_report = {r["id"]: r for r in reports}
                with st.form(common.form_key(f"sup-finding-{supplier_id}")):     # empty again once saved
                    st.markdown(f"**{t('supl.finding.add')}**")
                    report_id = st.selectbox(t("supl.reports"), list(by_report), format_func=lambda i: t(
                        "supl.report.label", standard=t(f"supl.standard.{by_report[i]['standard']}"),
                        start=by_report[i]["period_start"].strftime("%d.%m.%Y"),
                        end=by_report[i]["period_end"].strftime("%d.%m.%Y")))
                    f_title = st.text_input(t("supl.col.finding"))
                    f_description = st.text_area(t("supl.col.description"))
                    f_severity = st.selectbox(t("supl.col.severity"), [s.value for s in Severity], index=1,
                                              format_func=lambda s: t(f"supl.severity.{s}"))
                    f_status = st.selectbox(t("supl.col.status"), [s.value for s in FindingStatus],
                                            format_func=lambda s: t(f"supl.finding_status.{s}"))
                    if st.form_submit_button(t("supl.finding.add"), type="primary"):
                        finding = {"title": f_title, "description": f_description, "severity": f_severity,
                                   "status": f_status}
                        if common.save_once(f"sup-finding-{supplier_id}", {"report": report_id, **finding},
                                            assurance.save_finding, report_id, finding, success=t("ui.saved")):
                            st.rerun()
            open_ones = {f["id"]: f for f in findings if f["ros_risk_id"] is None}
            if open_ones and supplier["service_codes"]:
                with st.form(common.form_key(f"sup-to-risk-{supplier_id}")):     # empty again once added
                    st.markdown(f"**{t('supl.finding.to_risk')}**")
                    st.caption(t("supl.finding.to_risk_help"))
                    finding_id = st.selectbox(t("supl.col.finding"), list(open_ones),
                                              format_func=lambda i: open_ones[i]["title"])
                    target = st.selectbox(t("supl.col.service"), supplier["service_codes"],
                                          format_func=service_names.get)
                    owner = st.text_input(t("supl.col.owner"), actor.label)
                    deadline = st.date_input(t("supl.col.deadline"), date.today() + timedelta(days=90),
                                             format="DD.MM.YYYY")
                    s1, s2 = st.columns(2)
                    likelihood = level_select(s1, t("supl.col.likelihood"), "likelihood", 3)
                    consequence = level_select(s2, t("supl.col.consequence"), "consequence", 3)
                    if st.form_submit_button(t("supl.finding.to_risk"), type="primary"):
                        to_risk = {"service_code": target, "owner": owner, "deadline": deadline,
                                   "likelihood": likelihood, "consequence": consequence}
                        if common.save_once(f"sup-to-risk-{supplier_id}", {"finding": finding_id, **to_risk},
                                            assurance.finding_to_risk, finding_id, to_risk,
                                            success=t("supl.finding.risk_added")):
                            st.rerun()

# --- the sub-processor list for the municipalities -------------------------------------------------
with tab_subprocessors:
    st.caption(t("supl.subprocessors.intro"))
    chosen = st.selectbox(t("supl.col.service"), [None] + list(service_names), key="sup-sub-service",
                          format_func=lambda c: t("ui.all") if c is None else service_names[c])
    listed = common.cached(register.subprocessors, chosen)
    if not listed:
        common.empty_state("supl.subprocessors.empty")
    else:
        st.dataframe(pd.DataFrame(listed)[["service", "name", "org_number", "country", "data_location", "delivers",
                                           "components", "added_on"]], hide_index=True, width="stretch",
                     column_config={"service": t("supl.col.service"), "name": t("supl.col.name"),
                                    "org_number": t("supl.col.org_number"), "country": t("supl.col.country"),
                                    "data_location": t("supl.col.data_location"),
                                    "delivers": st.column_config.TextColumn(t("supl.col.delivers"), width="large"),
                                    "components": t("supl.col.components"),
                                    "added_on": common.date_column(t("supl.col.added_on"))})
    stem = f"underleverandorer-{chosen or 'alle'}"
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("ui.download_excel"), common.cached(exports.subprocessors_workbook, chosen), f"{stem}.xlsx",
                       mime=XLSX, icon=":material/download:", key="sup-sub-xlsx")
    d2.download_button(t("supl.download_html"), common.cached(exports.subprocessors_html, chosen), f"{stem}.html",
                       mime="text/html", icon=":material/print:", key="sup-sub-html")
    d3.download_button(t("supl.download_markdown"), common.cached(exports.subprocessors_markdown, chosen),
                       f"{stem}.md", mime="text/markdown", icon=":material/download:", key="sup-sub-md")

# --- settings ---------------------------------------------------------------------------------------
if rest:
    with rest[0]:
        current = common.cached(assurance.settings_values)
        current_version = current["version"]
        values = (current["certificate_warning_days"], current["report_grace_days"], current["report_warning_days"])
        with st.form(f"sup-settings-{current_version}"):
            warn = st.number_input(t("supl.settings.certificate_warning_days"), 0, 730, values[0])
            grace = st.number_input(t("supl.settings.report_grace_days"), 0, 365, values[1])
            report_warn = st.number_input(t("supl.settings.report_warning_days"), 0, 365, values[2])
            if st.form_submit_button(t("ui.save"), type="primary"):
                if common.write(assurance.save_settings, {"certificate_warning_days": warn, "report_grace_days": grace,
                                                          "report_warning_days": report_warn},
                                expected_version=current_version, success=t("ui.saved")):
                    st.rerun()
