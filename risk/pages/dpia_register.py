"""DPIAs per processing: screening, description, risks to the data subjects, DPO opinion, conclusion."""
from datetime import date

import pandas as pd
import streamlit as st

from data.crud import service_choices
from data.formatting import day
from data.i18n import t
from data.pages import common
from risk import dpia as dpias
from risk import ros
from risk.pages.widgets import service_filter, service_name
from risk.schemas import FROZEN

actor = common.require_actor()
common.header("ros.page.dpia", "ros.page.dpia_intro")
can_write = actor.can("risk.write")

f1, f2 = st.columns([2, 1])
service = service_filter(f1, "dpia-service", include_department=False)
history = f2.toggle(t("ros.list.history"), key="dpia-history")
with common.session() as s:
    rows = dpias.dpia_rows(s, actor, service, (), not history, True)      # open revisions too

if not rows:
    common.empty_state("dpia.empty_write" if can_write else "dpia.empty")
else:
    frame = pd.DataFrame(rows)
    frame["status"] = frame["status"].map(lambda v: t(f"ros.status.{v}"))
    frame["required"] = frame["required"].map(lambda v: t("ros.yes") if v else t("ros.no"))
    frame["residual_level"] = frame["residual_level"].map(lambda v: t(f"dpia.level.{v}"))
    frame["prior_consultation"] = frame["prior_consultation"].map(lambda v: "⚠️ " + t("ros.yes") if v else t("ros.no"))
    st.dataframe(frame[["service", "processing", "revision", "status", "required", "risks", "residual_level",
                        "prior_consultation", "assessed_on", "approved_on"]],
                 hide_index=True, width="stretch",
                 column_config={"service": t("ros.field.service"), "processing": t("dpia.field.processing"),
                                "revision": st.column_config.NumberColumn(t("ros.field.revision"), format="%d"),
                                "status": t("ros.field.status"), "required": t("dpia.field.required"),
                                "risks": st.column_config.NumberColumn(t("dpia.field.risks"), format="%d"),
                                "residual_level": t("dpia.field.residual_level"),
                                "prior_consultation": t("dpia.field.prior_consultation"),
                                "assessed_on": common.date_column(t("dpia.field.assessed_on")),
                                "approved_on": common.date_column(t("ros.field.approved_on"))})
if not actor.has_role("security"):
    st.caption(t("dpia.drafts_hidden"))


def dpia_form(key: str, values: dict, services: list[tuple[str, str]]):
    """The DPIA fields; returns the payload when submitted."""
    with st.form(key):
        c1, c2 = st.columns(2)
        codes = [c for c, _ in services]
        service_code = c1.selectbox(t("dpia.field.service_code"), codes,
                                    index=codes.index(values["service_code"]) if values.get("service_code") in codes else 0,
                                    format_func=lambda c: dict(services)[c])
        processing = c2.text_input(t("dpia.field.processing"), values.get("processing", ""))
        assessed_on = c1.date_input(t("dpia.field.assessed_on"), values.get("assessed_on") or date.today(),
                                    format="DD.MM.YYYY")
        st.markdown(f"**{t('dpia.section.screening')}**")
        st.caption(t("dpia.section.screening_help"))
        criteria = st.multiselect(t("dpia.field.screening_criteria"), list(dpias.EDPB_CRITERIA),
                                  default=values.get("screening_criteria") or [],
                                  format_func=lambda v: t(f"dpia.criterion.{v}"))
        listed = st.multiselect(t("dpia.field.screening_listed"), list(dpias.DATATILSYNET_LIST),
                                default=values.get("screening_listed") or [], format_func=lambda v: t(f"dpia.listed.{v}"))
        note = st.text_area(t("dpia.field.screening_note"), values.get("screening_note", ""), height=68)
        st.markdown(f"**{t('dpia.section.description')}**")
        d1, d2 = st.columns(2)
        texts = {}
        for index, field in enumerate(("purposes", "data_categories", "special_categories", "data_subjects",
                                       "recipients", "retention")):
            texts[field] = (d1 if index % 2 == 0 else d2).text_area(t(f"dpia.field.{field}"), values.get(field, ""),
                                                                     height=80)
        b1, b2 = st.columns(2)
        art6 = b1.multiselect(t("dpia.field.legal_basis_art6"), list(dpias.ART6), default=values.get("legal_basis_art6") or [],
                              format_func=lambda v: t(f"dpia.art6.{v}"))
        art9 = b2.multiselect(t("dpia.field.legal_basis_art9"), list(dpias.ART9), default=values.get("legal_basis_art9") or [],
                              format_func=lambda v: t(f"dpia.art9.{v}"))
        basis_note = st.text_input(t("dpia.field.legal_basis_note"), values.get("legal_basis_note", ""))
        st.markdown(f"**{t('dpia.section.assessment')}**")
        for field in ("necessity", "proportionality", "measures", "dpo_opinion"):
            texts[field] = st.text_area(t(f"dpia.field.{field}"), values.get(field, ""), height=80)
        texts["dpo_name"] = st.text_input(t("dpia.field.dpo_name"), values.get("dpo_name", ""))
        texts["conclusion"] = st.text_area(t("dpia.field.conclusion"), values.get("conclusion", ""), height=80)
        if st.form_submit_button(t("ui.save"), type="primary"):
            return {"service_code": service_code, "processing": processing, "assessed_on": assessed_on,
                    "screening_criteria": criteria, "screening_listed": listed, "screening_note": note,
                    "legal_basis_art6": art6, "legal_basis_art9": art9, "legal_basis_note": basis_note, **texts}
    return None


services = common.cached(service_choices)
if can_write:
    with st.expander(t("dpia.new"), icon=":material/add:"):
        st.caption(t("dpia.new_help"))
        payload = dpia_form(common.form_key("dpia-new"),        # drawn empty again once saved
                            {"service_code": service if service not in (None, "-") else None}, services)
        if payload:
            created = common.save_once("dpia-new", payload, dpias.create_dpia, payload, success=t("dpia.created"))
            if created:
                st.session_state["dpia-selected"] = created.id
                st.rerun()

if not rows:
    st.stop()

by_id = {r["id"]: r for r in rows}
linked = st.query_params.get("dpia")          # a link from the leader's approvals queue opens that DPIA
if linked and linked.isdigit() and int(linked) in by_id and st.session_state.get("dpia-linked") != linked:
    st.session_state["dpia-selected"] = int(linked)
    st.session_state["dpia-linked"] = linked
# the latest draft the user may edit (their own services first), never a locked version; else the chooser
ids, opening = ros.opening_order(rows, actor, can_write)
selected = st.session_state.get("dpia-selected")
if selected not in by_id:
    selected = opening
chosen = st.selectbox(t("dpia.choose"), ids, index=ids.index(selected) if selected in by_id else None,
                      format_func=lambda i: f"{by_id[i]['service']}: {by_id[i]['processing']} · v{by_id[i]['revision']} · "
                                            f"{t('ros.status.' + by_id[i]['status'])}")
if chosen is None:
    st.info(t("dpia.choose_prompt"), icon=":material/arrow_upward:")
    st.stop()
st.session_state["dpia-selected"] = chosen
try:
    with common.session() as s:
        item = dpias.get_dpia(s, actor, chosen)
        values = dpias.dpia_payload(item)
        info = {"version": item.version, "status": item.status, "series_id": item.series_id,
                "revision": item.revision, "residual_level": item.residual_level,
                "prior_consultation": item.prior_consultation, "approved_by": item.approved_by,
                "service_code": item.service_code}
        names = ros.person_names(s, (item.submitted_by, item.returned_by))
        signoff = {"submitted_by": names.get(item.submitted_by, ""), "submitted_at": item.submitted_at,
                   "returned_by": names.get(item.returned_by, ""), "returned_at": item.returned_at,
                   "return_note": item.return_note}
        risks = [{"id": r.id, "version": r.version, "key": r.key, "description": r.description,
                  "likelihood": r.likelihood, "severity": r.severity, "measures": r.measures,
                  "residual_likelihood": r.residual_likelihood, "residual_severity": r.residual_severity,
                  "residual_level": r.residual_level} for r in item.risks]
        revisions = [(d["id"], d["revision"], d["status"]) for d in dpias.dpia_rows(s, actor, item.service_code)
                     if d["series_id"] == item.series_id]
except Exception as error:  # the error boundary: plain language, the detail logged under an error id
    common.show_error(error)
    st.stop()
frozen = info["status"] in FROZEN
editable = can_write and info["status"] == "draft"       # locked while the leader has it, frozen once approved
can_submit = actor.can("dpia.submit", info["service_code"]) and not frozen
can_approve = actor.can("risk.approve")

st.header(t("dpia.label", processing=values["processing"], revision=info["revision"]))
st.caption(f"{service_name(values['service_code'])} · {t('ros.status.' + info['status'])}")
if frozen:
    st.info(t("dpia.frozen_note"), icon=":material/lock:")
elif info["status"] == "in_review":
    who, when = signoff["submitted_by"], day(signoff["submitted_at"])
    if can_approve:
        st.warning(t("ros.signoff.waiting_you", name=who, date=when), icon=":material/approval:")
    else:
        st.info(t("ros.signoff.submitted", name=who, date=when) + " " + t("ros.signoff.locked"),
                icon=":material/hourglass_top:")
elif signoff["return_note"]:
    st.warning(t("ros.signoff.returned", name=signoff["returned_by"], date=day(signoff["returned_at"]),
                 note=signoff["return_note"]), icon=":material/undo:")
result = dpias.screening(values["screening_criteria"], values["screening_listed"])
(st.warning if result["required"] else st.success)(result["reason"])
if info["prior_consultation"]:
    st.error(t("dpia.prior_consultation_yes"))
elif risks:
    st.caption(t("dpia.prior_consultation_no"))

tab_view, tab_risks, tab_versions = st.tabs([t("dpia.tab.description"), t("dpia.tab.risks"), t("dpia.tab.versions")])
with tab_view:
    if editable:
        payload = dpia_form(f"dpia-edit-{chosen}-{info['version']}", values, services)
        if payload and common.write(dpias.update_dpia, chosen, payload, expected_version=info["version"],
                                    success=t("ui.saved")):
            st.rerun()
    else:
        def codes(values_list, prefix):
            return ", ".join(t(f"dpia.{prefix}.{v}") for v in values_list) or "–"

        st.markdown(f"**{t('dpia.field.screening_criteria')}:** {codes(values['screening_criteria'], 'criterion')}  \n"
                    f"**{t('dpia.field.screening_listed')}:** {codes(values['screening_listed'], 'listed')}")
        for field in ("screening_note", "purposes", "data_categories", "special_categories", "data_subjects",
                      "recipients", "retention"):
            st.markdown(f"**{t('dpia.field.' + field)}:** {values[field] or '–'}")
        st.markdown(f"**{t('dpia.field.legal_basis_art6')}:** {codes(values['legal_basis_art6'], 'art6')}  \n"
                    f"**{t('dpia.field.legal_basis_art9')}:** {codes(values['legal_basis_art9'], 'art9')}  \n"
                    f"**{t('dpia.field.legal_basis_note')}:** {values['legal_basis_note'] or '–'}")
        for field in ("necessity", "proportionality", "measures", "dpo_opinion", "dpo_name", "conclusion"):
            st.markdown(f"**{t('dpia.field.' + field)}:** {values[field] or '–'}")
        if info["approved_by"]:
            st.caption(t("dpia.approved_by", name=info["approved_by"]))
    # sign-off: the security officer or the service's product owner submits, the leader approves or sends back
    if can_submit:
        s1, _s2 = st.columns(2)
        if info["status"] == "draft" and s1.button(t("ros.action.to_review"), key="dpia-review",
                                                   icon=":material/send:", help=t("ros.signoff.leader_only")):
            if common.write(dpias.submit, chosen, expected_version=info["version"], success=t("ros.action.submitted")):
                st.rerun()
        if info["status"] == "in_review" and s1.button(t("ros.action.to_draft"), key="dpia-draft",
                                                       help=t("ros.action.to_draft_help")):
            if common.write(dpias.withdraw, chosen, expected_version=info["version"],
                            success=t("ros.action.withdrawn")):
                st.rerun()
    if can_approve and info["status"] == "in_review":
        a1, a2 = st.columns(2)
        with a1.popover(t("ros.action.approve"), icon=":material/verified:"):
            st.caption(t("dpia.approve_help"))
            st.caption(t("ros.action.approve_as", name=actor.label))
            if st.button(t("ros.action.approve_confirm"), type="primary", key="dpia-approve"):
                if common.write(dpias.approve, chosen, expected_version=info["version"], success=t("dpia.approved")):
                    st.rerun()
        with a2.popover(t("ros.action.send_back"), icon=":material/undo:"):
            reason = st.text_area(t("ros.action.send_back_reason"), key=f"dpia-send-back-{chosen}-{info['version']}")
            if st.button(t("ros.action.send_back_confirm"), key="dpia-send-back"):
                if common.write(dpias.send_back, chosen, reason, expected_version=info["version"],
                                success=t("ros.action.sent_back")):
                    st.rerun()

with tab_risks:
    st.caption(t("dpia.risks_help"))
    if not risks:
        common.empty_state("dpia.risks_empty")
    else:
        frame = pd.DataFrame(risks)
        frame["residual_level"] = frame["residual_level"].map(lambda v: t(f"dpia.level.{v}"))
        st.dataframe(frame.drop(columns=["id", "version"]), hide_index=True, width="stretch",
                     column_config={f: t(f"dpia.risk.{f}") for f in ("key", "description", "likelihood", "severity",
                                                                       "measures", "residual_likelihood",
                                                                       "residual_severity", "residual_level")})
    if editable:
        by_risk = {r["id"]: r for r in risks}
        edit = st.selectbox(t("ros.risks.choose"), [None] + list(by_risk), key=f"dpia-risk-{chosen}",
                            format_func=lambda i: t("ros.risks.new") if i is None
                            else f"{by_risk[i]['key']} {by_risk[i]['description'][:60]}")
        r = by_risk.get(edit, {})
        # a new risk's form is drawn empty after it is saved; an edited one anew with its saved values
        with st.form(common.form_key(f"dpia-risk-new-{chosen}") if edit is None
                     else f"dpia-risk-form-{chosen}-{edit}-{r['version']}"):
            description = st.text_area(t("dpia.risk.description"), r.get("description", ""), height=68)
            c1, c2, c3, c4 = st.columns(4)
            scale = [1, 2, 3, 4]
            likelihood = c1.selectbox(t("dpia.risk.likelihood"), scale, index=r.get("likelihood", 2) - 1,
                                      format_func=lambda v: t(f"dpia.likelihood.{v}"))
            severity = c2.selectbox(t("dpia.risk.severity"), scale, index=r.get("severity", 2) - 1,
                                    format_func=lambda v: t(f"dpia.severity.{v}"))
            res_l = c3.selectbox(t("dpia.risk.residual_likelihood"), scale, index=r.get("residual_likelihood", 2) - 1,
                                 format_func=lambda v: t(f"dpia.likelihood.{v}"))
            res_s = c4.selectbox(t("dpia.risk.residual_severity"), scale, index=r.get("residual_severity", 2) - 1,
                                 format_func=lambda v: t(f"dpia.severity.{v}"))
            measures_text = st.text_area(t("dpia.risk.measures"), r.get("measures", ""), height=68)
            if st.form_submit_button(t("ui.save"), type="primary"):
                payload = {"description": description, "likelihood": likelihood, "severity": severity,
                           "residual_likelihood": res_l, "residual_severity": res_s, "measures": measures_text}
                if edit is None:
                    done = common.save_once(f"dpia-risk-new-{chosen}", payload, dpias.add_risk, chosen, payload,
                                            success=t("ros.risks.added"))
                else:
                    done = common.write(dpias.update_risk, edit, payload, expected_version=r["version"],
                                        success=t("ui.saved"))
                if done:
                    st.rerun()

with tab_versions:
    if can_write and info["status"] == "approved" and not any(status in ("draft", "in_review")
                                                               for _, _, status in revisions):
        if st.button(t("ros.versions.start"), icon=":material/content_copy:", key="dpia-revision"):
            copy = common.write(dpias.start_revision, chosen, success=t("ros.versions.started"))
            if copy:
                st.session_state["dpia-selected"] = copy.id
                st.session_state["dpia-history"] = True
                st.rerun()
    if len(revisions) >= 2:
        labels = {i: f"v{rev} ({t('ros.status.' + status)})" for i, rev, status in revisions}
        ordered = [i for i, _, _ in sorted(revisions, key=lambda x: x[1])]
        c1, c2 = st.columns(2)
        first = c1.selectbox(t("ros.versions.from"), ordered, index=len(ordered) - 2, format_func=labels.get)
        second = c2.selectbox(t("ros.versions.to"), ordered, index=len(ordered) - 1, format_func=labels.get)
        if first != second:
            with common.session() as s:
                changes = dpias.compare(s, actor, first, second)
            if changes:
                st.dataframe(pd.DataFrame(changes), hide_index=True, width="stretch",
                             column_config={"key": t("dpia.risk.key"), "change": t("ros.versions.change"),
                                            "field": t("ros.versions.field"), "before": t("ros.versions.before"),
                                            "after": t("ros.versions.after")})
            else:
                common.empty_state("ros.versions.no_changes")
    else:
        st.caption(t("ros.versions.only_one"))
