"""ROS assessments: the list, and one assessment's details, risks, measures, acceptances and versions."""
from datetime import date

import pandas as pd
import streamlit as st

from data.crud import service_choices
from data.formatting import day, from_ore, money, to_ore
from data.i18n import t
from data.pages import common
from data.registers.registry import list_components
from risk import matrix as matrices
from risk import measures, ros
from risk.models import RosAssessment
from risk.pages.widgets import heatmap_figure, level_text, service_filter, service_name
from risk.schemas import DIMENSIONS, FROZEN, MeasureStatus, Scope

actor = common.require_actor()
common.header("ros.page.register", "ros.page.register_intro")
can_write = actor.can("risk.write")

# --- the list ---------------------------------------------------------------------------------------------
f1, f2, f3 = st.columns([2, 2, 1])
service = service_filter(f1, "ros-list-service")
statuses = f2.multiselect(t("ros.status"), ["draft", "in_review", "approved", "superseded"],
                          format_func=lambda s: t(f"ros.status.{s}"), key="ros-list-status")
history = f3.toggle(t("ros.list.history"), help=t("ros.list.history_help"), key="ros-list-history")
rows = common.cached(ros.assessment_rows, service, tuple(statuses), not history, True)   # open revisions too

if not rows:
    common.empty_state("ros.list.empty_write" if can_write else "ros.list.empty")
else:
    frame = pd.DataFrame(rows)
    frame["target"] = [service_name(r["service_code"]) if r["scope"] == "service"
                       else (r["component_code"] if r["scope"] == "component" else t("ros.department"))
                       for r in rows]
    frame["status"] = frame["status"].map(lambda s: t(f"ros.status.{s}"))
    frame["scope"] = frame["scope"].map(lambda s: t(f"ros.scope.{s}"))
    st.dataframe(
        frame[["title", "scope", "target", "revision", "status", "assessed_on", "approved_by", "approved_on",
               "next_review", "risks", "above"]],
        hide_index=True, width="stretch",
        column_config={
            "title": t("ros.field.title"), "scope": t("ros.field.scope"), "target": t("ros.list.target"),
            "revision": st.column_config.NumberColumn(t("ros.field.revision"), format="%d"),
            "status": t("ros.field.status"), "assessed_on": common.date_column(t("ros.field.assessed_on")),
            "approved_by": t("ros.field.approved_by"), "approved_on": common.date_column(t("ros.field.approved_on")),
            "next_review": common.date_column(t("ros.field.next_review")),
            "risks": st.column_config.NumberColumn(t("ros.field.risk_count"), format="%d"),
            "above": st.column_config.NumberColumn(t("ros.field.above_count"), format="%d"),
        })

if can_write:
    with st.expander(t("ros.new.title"), icon=":material/add:"):
        with common.session() as s:
            components = [(c.code, c.name) for c in list_components(s)]
            matrix_choices = [(m.id, f"{m.name} r{m.revision}", m.is_current) for m in matrices.list_matrices(s)]
        services = common.cached(service_choices)
        with st.form(common.form_key("ros-new")):
            c1, c2 = st.columns(2)
            scope = c1.selectbox(t("ros.field.scope"), [s.value for s in Scope], format_func=lambda s: t(f"ros.scope.{s}"))
            new_service = c2.selectbox(t("ros.field.service"), [None] + [c for c, _ in services],
                                       format_func=lambda c: "–" if c is None else dict(services)[c],
                                       help=t("ros.new.service_help"))
            component = c2.selectbox(t("ros.field.component"), [None] + [c for c, _ in components],
                                     format_func=lambda c: "–" if c is None else dict(components)[c])
            title = c1.text_input(t("ros.field.title"))
            assessed_on = c1.date_input(t("ros.field.assessed_on"), date.today(), format="DD.MM.YYYY")
            current_ids = [m for m, _, current in matrix_choices if current]
            matrix_id = c2.selectbox(t("ros.field.matrix"), [m for m, _, _ in matrix_choices] or [None],
                                     index=([m for m, _, _ in matrix_choices].index(current_ids[0]) if current_ids else 0),
                                     format_func=lambda m: dict((i, n) for i, n, _ in matrix_choices).get(m, t("ros.new.default_matrix")))
            context = st.text_area(t("ros.field.context"), help=t("ros.new.context_help"))
            participants = st.text_input(t("ros.field.participants"))
            if st.form_submit_button(t("ros.new.create"), type="primary"):
                new_ros = {"scope": scope, "service_code": new_service, "component_code": component, "title": title,
                           "assessed_on": assessed_on, "matrix_id": matrix_id, "context": context,
                           "participants": participants}
                # "the current matrix" is one choice whether it is offered by id or, before the first ROS
                # creates it, as None: a second press of the same form must not count as a new one
                same_form = {**new_ros, "matrix_id": None if matrix_id in (None, *current_ids) else matrix_id}
                created = common.save_once("ros-new", same_form, ros.create_assessment, new_ros,
                                           success=t("ros.new.created"))
                if created:
                    st.session_state["ros-selected"] = created.id
                    st.rerun()

if not rows:
    st.stop()

# --- one assessment ------------------------------------------------------------------------------------------
by_id = {r["id"]: r for r in rows}
linked = st.query_params.get("ros")          # a link from the leader's approvals queue opens that version
if linked and linked.isdigit() and int(linked) in by_id and st.session_state.get("ros-linked") != linked:
    st.session_state["ros-selected"] = st.session_state["ros-linked"] = int(linked)
# the latest draft the user may edit (their own services first), never a locked version; else the chooser
ids, opening = ros.opening_order(rows, actor, can_write)
selected = st.session_state.get("ros-selected")
if selected not in by_id:
    selected = opening
chosen = st.selectbox(t("ros.choose"), ids, index=ids.index(selected) if selected in by_id else None,
                      format_func=lambda i: f"{by_id[i]['title']} · v{by_id[i]['revision']} · "
                                            f"{t('ros.status.' + by_id[i]['status'])}")
if chosen is None:
    st.info(t("ros.choose_prompt"), icon=":material/arrow_upward:")
    st.stop()
st.session_state["ros-selected"] = chosen

try:
    with common.session() as s:
        assessment: RosAssessment = ros.get_assessment(s, chosen)
        matrix = assessment.matrix
        matrix_data = matrices.definition(matrix)
        names = ros.person_names(s, (assessment.submitted_by, assessment.returned_by))
        signoff = {"submitted_by": names.get(assessment.submitted_by, ""), "submitted_at": assessment.submitted_at,
                   "returned_by": names.get(assessment.returned_by, ""), "returned_at": assessment.returned_at,
                   "return_note": assessment.return_note}
        info = {"id": assessment.id, "version": assessment.version, "status": assessment.status,
                "series_id": assessment.series_id, "title": assessment.title, "scope": assessment.scope,
                "service_code": assessment.service_code, "component_code": assessment.component_code,
                "context": assessment.context, "participants": assessment.participants,
                "assessed_on": assessment.assessed_on, "matrix_id": assessment.matrix_id, "revision": assessment.revision}
        risk_payloads = {r.id: (ros.risk_payload(r), r.version) for r in assessment.risks}
        acceptance_states = {r.id: ros.acceptance_state(s, r) for r in assessment.risks}
except Exception as error:  # the error boundary: plain language, the detail logged under an error id
    common.show_error(error)
    st.stop()
frozen = info["status"] in FROZEN
in_review = info["status"] == "in_review"
editable = can_write and info["status"] == "draft"       # locked while the leader has it, frozen once approved
can_approve = actor.can("risk.approve")

st.header(t("ros.label", title=info["title"], revision=info["revision"]))
if frozen:
    st.info(t("ros.frozen_note", status=t(f"ros.status.{info['status']}")), icon=":material/lock:")
elif info["status"] == "in_review":
    who, when = signoff["submitted_by"], day(signoff["submitted_at"])
    if can_approve:
        st.warning(t("ros.signoff.waiting_you", name=who, date=when), icon=":material/approval:")
    else:
        st.info(t("ros.signoff.submitted", name=who, date=when) + " " + t("ros.signoff.locked"),
                icon=":material/hourglass_top:")
elif signoff["return_note"]:
    st.warning(t("ros.signoff.returned", name=signoff["returned_by"], date=day(signoff["returned_at"]),
                 note=signoff["return_note"]),
               icon=":material/undo:")

tab_over, tab_risks, tab_measures, tab_accept, tab_versions = st.tabs(
    [t("ros.tab.overview"), t("ros.tab.risks"), t("ros.tab.measures"), t("ros.tab.acceptance"), t("ros.tab.versions")])

# --- overview tab
with tab_over:
    a, b = st.columns(2)
    a.markdown(f"**{t('ros.field.scope')}:** {t('ros.scope.' + info['scope'])} · "
               f"{service_name(info['service_code']) if info['scope'] == 'service' else (info['component_code'] or t('ros.department'))}")
    a.markdown(f"**{t('ros.field.matrix')}:** {matrix_data['name']} r{matrix_data['revision']}")
    b.markdown(f"**{t('ros.field.assessed_on')}:** {info['assessed_on'].strftime('%d.%m.%Y')}")
    b.markdown(f"**{t('ros.field.participants')}:** {info['participants'] or '–'}")
    st.markdown(f"**{t('ros.field.context')}:** {info['context'] or '–'}")
    h1, h2 = st.columns(2)
    h1.plotly_chart(heatmap_figure(common.cached(ros.heatmap, "inherent", None, chosen), t("ros.heatmap.before")),
                    width="stretch", key="ros-hm-before")
    h2.plotly_chart(heatmap_figure(common.cached(ros.heatmap, "residual", None, chosen), t("ros.heatmap.after")),
                    width="stretch", key="ros-hm-after")
    if editable:
        with st.form(f"ros-edit-{chosen}-{info['version']}"):
            st.markdown(f"**{t('ros.edit.title')}**")
            title = st.text_input(t("ros.field.title"), info["title"])
            context = st.text_area(t("ros.field.context"), info["context"])
            participants = st.text_input(t("ros.field.participants"), info["participants"])
            assessed_on = st.date_input(t("ros.field.assessed_on"), info["assessed_on"], format="DD.MM.YYYY")
            if st.form_submit_button(t("ui.save")):
                payload = {"scope": info["scope"], "service_code": info["service_code"],
                           "component_code": info["component_code"], "title": title, "context": context,
                           "participants": participants, "assessed_on": assessed_on, "matrix_id": info["matrix_id"]}
                if common.write(ros.update_assessment, chosen, payload, expected_version=info["version"],
                                success=t("ui.saved")):
                    st.rerun()
    if can_write and in_review and st.button(t("ros.action.to_draft"), key="ros-to-draft",
                                             help=t("ros.action.to_draft_help")):
        if common.write(ros.withdraw, chosen, expected_version=info["version"], success=t("ros.action.withdrawn")):
            st.rerun()
    if editable:
        s1, s3 = st.columns(2)
        if s1.button(t("ros.action.to_review"), key="ros-to-review", icon=":material/send:",
                     help=t("ros.signoff.leader_only")):
            if common.write(ros.submit, chosen, expected_version=info["version"], success=t("ros.action.submitted")):
                st.rerun()
        with s3.popover(t("ros.action.discard"), icon=":material/delete:"):
            st.warning(t("ros.action.discard_help"))
            if st.button(t("ros.action.discard_confirm"), key="ros-discard"):
                if common.write(ros.discard_draft, chosen, success=t("ros.action.discarded")):
                    st.session_state.pop("ros-selected", None)
                    st.rerun()
    if can_approve and info["status"] == "in_review":
        a1, a2 = st.columns(2)
        with a1.popover(t("ros.action.approve"), icon=":material/verified:"):
            st.caption(t("ros.action.approve_as", name=actor.label))
            if st.button(t("ros.action.approve_confirm"), type="primary", key="ros-approve"):
                if common.write(ros.approve, chosen, expected_version=info["version"], success=t("ros.action.approved")):
                    st.rerun()
        with a2.popover(t("ros.action.send_back"), icon=":material/undo:"):
            reason = st.text_area(t("ros.action.send_back_reason"), key=f"ros-send-back-{chosen}-{info['version']}")
            if st.button(t("ros.action.send_back_confirm"), key="ros-send-back"):
                if common.write(ros.send_back, chosen, reason, expected_version=info["version"],
                                success=t("ros.action.sent_back")):
                    st.rerun()

# --- risks tab
risk_rows = common.cached(ros.risk_rows, None, (), None, (), False, chosen)
with tab_risks:
    if not risk_rows:
        common.empty_state("ros.risks.empty")
    else:
        frame = pd.DataFrame(risk_rows)
        for column in ("inherent_level", "current_level", "residual_level"):
            frame[column] = frame[column].map(level_text)
        frame["treatment"] = frame["treatment"].map(lambda v: t(f"ros.treatment.{v}"))
        frame["knowledge"] = frame["knowledge"].map(lambda v: t(f"ros.knowledge.{v}"))
        frame["above_acceptance"] = frame["above_acceptance"].map(lambda v: "⚠️" if v else "")
        st.dataframe(
            frame[["key", "title", "inherent_level", "current_level", "current_score", "residual_level",
                   "above_acceptance", "owner", "treatment", "knowledge", "measures", "next_review", "due_date"]]
            .sort_values("key"),
            hide_index=True, width="stretch",
            column_config={
                "key": t("ros.field.key"), "title": t("ros.field.title"),
                "inherent_level": t("ros.stage.inherent"), "current_level": t("ros.stage.current"),
                "current_score": st.column_config.NumberColumn(t("ros.field.current_score"), format="%d"),
                "residual_level": t("ros.stage.residual"), "above_acceptance": t("ros.field.above_acceptance"),
                "owner": t("ros.field.owner"), "treatment": t("ros.field.treatment"),
                "knowledge": t("ros.field.knowledge"), "measures": t("ros.field.measures"),
                "next_review": common.date_column(t("ros.field.next_review")),
                "due_date": common.date_column(t("ros.field.due_date")),
            })
        with st.expander(t("ros.risks.details")):
            for row in sorted(risk_rows, key=lambda r: r["key"]):
                st.markdown(f"**{row['key']} {row['title']}** — {level_text(row['current_level'])}")
                st.markdown(f"{t('ros.field.threat')}: {row['threat'] or '–'}  \n"
                            f"{t('ros.field.vulnerability')}: {row['vulnerability'] or '–'}  \n"
                            f"{t('ros.field.consequence')}: {row['consequence'] or '–'}  \n"
                            f"{t('ros.field.municipality_action')}: {row['municipality_action'] or '–'}")
                state = acceptance_states.get(row["id"])
                if state and state.get("pending_id"):
                    st.caption(t("ros.acceptance.pending_state"))
                if state and state["decision"]:
                    st.caption(t("ros.acceptance.state", decision=t(f"ros.decision.{state['decision']}"),
                                 approver=state["approver"], date=state["decided_on"].strftime("%d.%m.%Y"),
                                 expires=state["expires_on"].strftime("%d.%m.%Y") if state["expires_on"] else "–")
                               + (" " + t("ros.acceptance.expired_back") if state["expired"] else "")
                               + (" " + t("ros.acceptance.changed_since") if state["changed_since"] else ""))

    if editable:
        st.markdown(f"**{t('ros.risks.form_title')}**")
        options = [None] + sorted(risk_payloads, key=lambda i: risk_payloads[i][0]["key"])
        edit_id = st.selectbox(t("ros.risks.choose"), options, key=f"ros-risk-choose-{chosen}",
                               format_func=lambda i: t("ros.risks.new") if i is None
                               else f"{risk_payloads[i][0]['key']} {risk_payloads[i][0]['title']}")
        current = risk_payloads[edit_id][0] if edit_id else {}
        dims = [d for d in DIMENSIONS if d in matrix_data["dimensions"]]
        n_l, n_c = len(matrix_data["likelihood_levels"]), len(matrix_data["consequence_levels"])
        # a new risk's form (and its keyed fields) is drawn empty again after it is saved
        form_id = (f"{chosen}-{edit_id}-{risk_payloads[edit_id][1]}" if edit_id
                   else common.form_key(f"ros-risk-new-{chosen}"))
        likelihood_labels = ["–"] + [f"{i} – {lv['label']}" for i, lv in
                                     enumerate(matrix_data["likelihood_levels"], start=1)]
        consequence_labels = ["–"] + [f"{i} – {lv['label']}" for i, lv in
                                      enumerate(matrix_data["consequence_levels"], start=1)]
        with st.form(f"ros-risk-form-{form_id}"):
            c1, c2 = st.columns(2)
            title = c1.text_input(t("ros.field.title"), current.get("title", ""))
            owner = c2.text_input(t("ros.field.owner"), current.get("owner", ""))
            threat = c1.text_area(t("ros.field.threat"), current.get("threat", ""), height=80)
            vulnerability = c2.text_area(t("ros.field.vulnerability"), current.get("vulnerability", ""), height=80)
            consequence = st.text_area(t("ros.field.consequence"), current.get("consequence", ""), height=68)
            st.caption(t("ros.risks.scores_help", top_l=n_l, top_c=n_c))
            stages = {}
            for stage in ros.STAGES:
                values = current.get(stage) or {}
                cols = st.columns(len(dims) + 1)
                # levels chosen by number and name ("3 – Moderat"), "–" for not assessed
                likelihood = cols[0].selectbox(
                    f"{t('ros.stage.' + stage)}: {t('ros.field.likelihood')}", range(n_l + 1),
                    index=min(int(values.get("likelihood") or 0), n_l), key=f"l-{form_id}-{stage}",
                    format_func=likelihood_labels.__getitem__)
                consequences = {}
                for col, dim in zip(cols[1:], dims, strict=True):
                    consequences[dim] = col.selectbox(
                        t(f"ros.dim.{dim}"), range(n_c + 1),
                        index=min(int((values.get("consequences") or {}).get(dim) or 0), n_c),
                        key=f"c-{form_id}-{stage}-{dim}", format_func=consequence_labels.__getitem__)
                stages[stage] = ({"likelihood": likelihood, "consequences": consequences}
                                 if likelihood and any(consequences.values()) else None)
            c3, c4, c5 = st.columns(3)
            treatments = ["reduce", "accept", "transfer", "avoid"]
            treatment = c3.selectbox(t("ros.field.treatment"), treatments,
                                     index=treatments.index(current.get("treatment", "reduce")),
                                     format_func=lambda v: t(f"ros.treatment.{v}"))
            knowledge_levels = ["weak", "medium", "strong"]
            knowledge = c4.selectbox(t("ros.field.knowledge"), knowledge_levels,
                                     index=knowledge_levels.index(current.get("knowledge", "medium")),
                                     format_func=lambda v: t(f"ros.knowledge.{v}"), help=t("ros.risks.knowledge_help"))
            next_review = c5.date_input(t("ros.field.next_review"), current.get("next_review"), format="DD.MM.YYYY",
                                        help=t("ros.risks.next_review_help"))
            due_date = c5.date_input(t("ros.field.due_date"), current.get("due_date"), format="DD.MM.YYYY")
            municipality_action = st.text_area(t("ros.field.municipality_action"), current.get("municipality_action", ""),
                                               help=t("ros.risks.municipality_help"), height=68)
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = {"title": title, "owner": owner, "threat": threat, "vulnerability": vulnerability,
                       "consequence": consequence, "inherent": stages["inherent"], "current": stages["current"],
                       "residual": stages["residual"], "treatment": treatment, "knowledge": knowledge,
                       "next_review": None if edit_id is None and next_review is None else next_review,
                       "due_date": due_date, "municipality_action": municipality_action,
                       "source": current.get("source", "")}
            if stages["inherent"] is None:
                st.error(t("ros.risks.needs_inherent"))
            elif edit_id is None:
                if common.save_once(f"ros-risk-new-{chosen}", payload, ros.add_risk, chosen, payload,
                                    success=t("ros.risks.added")):
                    st.rerun()
            elif common.write(ros.update_risk, edit_id, payload, expected_version=risk_payloads[edit_id][1],
                              success=t("ui.saved")):
                st.rerun()
        if edit_id is not None:
            with st.popover(t("ros.risks.delete"), icon=":material/delete:"):
                st.warning(t("ros.risks.delete_help"))
                if st.button(t("ros.risks.delete_confirm"), key="ros-risk-delete"):
                    if common.write(ros.delete_risk, edit_id, success=t("ros.risks.deleted")):
                        st.rerun()

# --- measures tab
measure_list = common.cached(measures.measure_rows, None, (), None, False, False, chosen)
with tab_measures:
    if not measure_list:
        common.empty_state("ros.measures.empty")
    else:
        frame = pd.DataFrame(measure_list)
        frame["status"] = frame["status"].map(lambda v: t(f"ros.measure.status.{v}"))
        frame["overdue"] = frame["overdue"].map(lambda v: "⚠️" if v else "")
        frame["cost"] = frame["cost_ore"].map(lambda v: float(from_ore(v)) if pd.notna(v) else None)
        st.dataframe(
            frame[["overdue", "key", "title", "owner", "due_date", "status", "cost", "effect", "risks", "completed_on"]],
            hide_index=True, width="stretch",
            column_config={
                "overdue": st.column_config.TextColumn(t("ros.field.overdue"), width="small"), "key": t("ros.field.key"),
                "title": t("ros.field.title"), "owner": t("ros.field.owner"),
                "due_date": common.date_column(t("ros.field.due_date")), "status": t("ros.field.status"),
                "cost": common.money_column(t("ros.field.cost_ore")), "effect": t("ros.field.effect"),
                "risks": t("ros.field.risks"), "completed_on": common.date_column(t("ros.field.completed_on")),
            })
        total = sum(m["cost_ore"] or 0 for m in measure_list)
        st.caption(t("ros.measures.total_cost", amount=money(total)))
    if can_write and measure_list and frozen and info["status"] == "approved":
        st.caption(t("ros.measures.followup_help"))
    if can_write and measure_list and info["status"] in ("draft", "approved"):   # not while the leader has it
        by_measure = {m["id"]: m for m in measure_list}
        st.markdown(f"**{t('ros.measures.progress')}**")
        m_id = st.selectbox(t("ros.measures.choose"), list(by_measure), key=f"ros-progress-choose-{chosen}",
                            format_func=lambda i: f"{by_measure[i]['key']} {by_measure[i]['title']}")
        picked = by_measure[m_id]
        with st.form(f"ros-progress-{m_id}-{picked['version']}"):      # drawn anew with the saved values
            p1, p2, p3 = st.columns(3)
            all_statuses = [s.value for s in MeasureStatus]
            status = p1.selectbox(t("ros.field.status"), all_statuses, index=all_statuses.index(picked["status"]),
                                  format_func=lambda v: t(f"ros.measure.status.{v}"))
            new_due = p2.date_input(t("ros.measures.new_due"), None, format="DD.MM.YYYY")
            completed = p3.date_input(t("ros.field.completed_on"), picked["completed_on"], format="DD.MM.YYYY")
            if st.form_submit_button(t("ui.save")):
                if common.write(measures.record_progress, m_id,
                                {"status": status, "due_date": new_due, "completed_on": completed},
                                expected_version=picked["version"], success=t("ui.saved")):
                    st.rerun()
    if editable:
        st.markdown(f"**{t('ros.measures.form_title')}**")
        by_measure = {m["id"]: m for m in measure_list}
        m_edit = st.selectbox(t("ros.measures.choose"), [None] + list(by_measure), key=f"ros-measure-edit-{chosen}",
                              format_func=lambda i: t("ros.measures.new") if i is None
                              else f"{by_measure[i]['key']} {by_measure[i]['title']}")
        m = by_measure.get(m_edit, {})
        risk_keys = sorted(p[0]["key"] for p in risk_payloads.values())
        # a new measure's form is drawn empty after it is saved; an edited one anew with its saved values
        measure_form = (common.form_key(f"ros-measure-new-{chosen}") if m_edit is None
                        else f"ros-measure-form-{chosen}-{m_edit}-{m['version']}")
        with st.form(measure_form):
            c1, c2 = st.columns(2)
            title = c1.text_input(t("ros.field.title"), m.get("title", ""))
            owner = c2.text_input(t("ros.field.owner"), m.get("owner", ""))
            description = st.text_area(t("ros.field.description"), m.get("description", ""), height=68)
            c3, c4, c5 = st.columns(3)
            statuses_all = [s.value for s in MeasureStatus]
            status = c3.selectbox(t("ros.field.status"), statuses_all,
                                  index=statuses_all.index(m.get("status", "planned")),
                                  format_func=lambda v: t(f"ros.measure.status.{v}"))
            due = c4.date_input(t("ros.field.due_date"), m.get("due_date"), format="DD.MM.YYYY")
            cost = c5.number_input(t("ros.measures.cost_kr"), min_value=0.0, step=1000.0,
                                   value=float(from_ore(m["cost_ore"])) if m.get("cost_ore") else 0.0)
            effect = st.text_input(t("ros.field.effect"), m.get("effect", ""), help=t("ros.measures.effect_help"))
            linked = st.multiselect(t("ros.field.risks"), risk_keys, default=[k for k in m.get("risk_keys", [])
                                                                              if k in risk_keys])
            if st.form_submit_button(t("ui.save"), type="primary"):
                payload = {"title": title, "owner": owner, "description": description, "status": status,
                           "due_date": due, "cost_ore": to_ore(cost) if cost else None, "effect": effect,
                           "risk_keys": linked, "completed_on": m.get("completed_on")}
                if m_edit is None:
                    done = common.save_once(f"ros-measure-new-{chosen}", payload, measures.add_measure, chosen,
                                            payload, success=t("ros.measures.added"))
                else:
                    done = common.write(measures.update_measure, m_edit, payload, expected_version=m["version"],
                                        success=t("ui.saved"))
                if done:
                    st.rerun()

# --- acceptance tab
with tab_accept:
    st.caption(t("ros.acceptance.help"))
    st.caption(t("ros.acceptance.request_help"))
    history_rows = common.cached(ros.acceptance_rows, info["series_id"])
    pending_rows = [r for r in history_rows if r["decision"] == "pending"]
    if not history_rows:
        common.empty_state("ros.acceptance.empty")
    else:
        frame = pd.DataFrame(history_rows)
        frame["state"] = [t("ros.acceptance.expired_back") if r["expired"] else t(f"ros.decision.{r['decision']}")
                          for r in history_rows]
        frame["level_then"] = frame["level_then"].map(level_text)
        st.dataframe(
            frame[["risk_key", "risk_title", "state", "requested_by_name", "request_note", "approver", "decided_on",
                   "expires_on", "level_then", "score_then", "assessment", "rationale"]],
            hide_index=True, width="stretch",
            column_config={
                "risk_key": t("ros.field.key"), "risk_title": t("ros.field.title"),
                "state": t("ros.export.decision"), "requested_by_name": t("ros.acceptance.requested_by"),
                "request_note": t("ros.acceptance.request_note"), "approver": t("ros.export.approver"),
                "decided_on": common.date_column(t("ros.export.decided_on")),
                "expires_on": common.date_column(t("ros.export.expires_on")),
                "level_then": t("ros.export.level_then"),
                "score_then": st.column_config.NumberColumn(t("ros.export.score_then"), format="%d"),
                "assessment": t("ros.field.assessment"), "rationale": t("ros.export.rationale"),
            })
        by_acc = {r["id"]: r for r in history_rows}
        shown = st.selectbox(t("ros.acceptance.show_snapshot"), list(by_acc),
                             format_func=lambda i: f"{by_acc[i]['risk_key']} · {t('ros.decision.' + by_acc[i]['decision'])}"
                                                   f" · {day(by_acc[i]['decided_on'] or by_acc[i]['requested_at'])}")
        snap = by_acc[shown]["snapshot"]
        st.markdown(t("ros.acceptance.snapshot_intro", key=snap.get("key", ""), title=snap.get("title", ""),
                      matrix=(snap.get("matrix") or {}).get("name", ""),
                      revision=(snap.get("assessment") or {}).get("revision", "")))
        snapshot_table = []
        for stage in ros.STAGES:
            stage_values = snap.get(stage) or {}
            snapshot_table.append({
                t("ros.compare.stage"): t(f"ros.stage.{stage}"),
                t("ros.field.likelihood"): stage_values.get("likelihood"),
                t("ros.field.consequence"): ", ".join(f"{t('ros.dim.' + k)} {v}"
                                                      for k, v in (stage_values.get("consequences") or {}).items()),
                t("ros.field.score"): snap.get(f"{stage}_score"),
                t("ros.level"): level_text(snap.get(f"{stage}_level")),
            })
        st.dataframe(pd.DataFrame(snapshot_table), hide_index=True, width="stretch")
        st.markdown(f"{t('ros.field.threat')}: {snap.get('threat') or '–'}  \n"
                    f"{t('ros.field.owner')}: {snap.get('owner') or '–'}  \n"
                    f"{t('ros.field.measures')}: " + (", ".join(f"{m['key']} {m['title']} ({t('ros.measure.status.' + m['status'])})"
                                                             for m in snap.get("measures") or []) or "–"))
    if can_approve and pending_rows:
        by_request = {r["id"]: r for r in pending_rows}
        wanted = st.query_params.get("acceptance")
        ids = list(by_request)
        first = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in by_request else 0
        st.markdown(f"**{t('ros.acceptance.decide')}**")
        request_id = st.selectbox(t("ros.acceptance.decide_choose"), ids, index=first,
                                  format_func=lambda i: f"{by_request[i]['risk_key']} {by_request[i]['risk_title']} · "
                                                        f"{by_request[i]['requested_by_name']}")
        with st.form(f"ros-decide-{request_id}"):           # one form per request; decided, it leaves the list
            c1, c2 = st.columns(2)
            decision = c1.selectbox(t("ros.export.decision"), ["accepted", "rejected"],
                                    format_func=lambda v: t(f"ros.decision.{v}"))
            expires_on = c2.date_input(t("ros.export.expires_on"), by_request[request_id]["expires_on"],
                                       format="DD.MM.YYYY")
            rationale = st.text_area(t("ros.acceptance.decision_reason"))
            if st.form_submit_button(t("ros.acceptance.decide_button"), type="primary"):
                if common.write(ros.decide_acceptance, request_id, {"decision": decision, "rationale": rationale,
                                                                    "expires_on": expires_on},
                                success=t("ros.acceptance.decided")):
                    st.rerun()
    if can_write and risk_payloads and info["status"] != "superseded":
        with st.form(common.form_key(f"ros-accept-{chosen}")):   # empty again after a request is sent
            st.markdown(f"**{t('ros.acceptance.request')}**")
            r_id = st.selectbox(t("ros.acceptance.risk"), sorted(risk_payloads, key=lambda i: risk_payloads[i][0]["key"]),
                                format_func=lambda i: f"{risk_payloads[i][0]['key']} {risk_payloads[i][0]['title']}")
            expires_on = st.date_input(t("ros.acceptance.proposed_expiry"), None, format="DD.MM.YYYY")
            rationale = st.text_area(t("ros.acceptance.request_rationale"))
            if st.form_submit_button(t("ros.acceptance.request_button"), type="primary"):
                request = {"expires_on": expires_on, "rationale": rationale}
                if common.save_once(f"ros-accept-{chosen}", {"risk": r_id, **request}, ros.request_acceptance, r_id,
                                    request, success=t("ros.acceptance.requested")):
                    st.rerun()

# --- versions tab
with tab_versions:
    revisions = common.cached(ros.series_revisions, info["series_id"])
    frame = pd.DataFrame(revisions)
    frame["status"] = frame["status"].map(lambda v: t(f"ros.status.{v}"))
    frame["is_current"] = frame["is_current"].map(lambda v: "✓" if v else "")
    st.dataframe(frame[["revision", "status", "is_current", "assessed_on", "approved_by", "approved_at"]],
                 hide_index=True, width="stretch",
                 column_config={"revision": st.column_config.NumberColumn(t("ros.field.revision"), format="%d"),
                                "status": t("ros.field.status"), "is_current": t("ros.versions.current"),
                                "assessed_on": common.date_column(t("ros.field.assessed_on")),
                                "approved_by": t("ros.field.approved_by"),
                                "approved_at": common.datetime_column(t("ros.field.approved_on"))})
    if can_write and info["status"] == "approved" and not any(r["status"] in ("draft", "in_review") for r in revisions):
        if st.button(t("ros.versions.start"), icon=":material/content_copy:", help=t("ros.versions.start_help")):
            copy = common.write(ros.start_revision, chosen, success=t("ros.versions.started"))
            if copy:
                st.session_state["ros-selected"] = copy.id
                st.session_state["ros-list-history"] = True
                st.rerun()
    if len(revisions) >= 2:
        st.markdown(f"**{t('ros.versions.compare')}**")
        rev_ids = [r["id"] for r in revisions]
        rev_label = {r["id"]: f"v{r['revision']} ({t('ros.status.' + r['status'])})" for r in revisions}
        c1, c2 = st.columns(2)
        older = c1.selectbox(t("ros.versions.from"), rev_ids, index=len(rev_ids) - 2, format_func=rev_label.get)
        newer = c2.selectbox(t("ros.versions.to"), rev_ids, index=len(rev_ids) - 1, format_func=rev_label.get)
        if older == newer:
            st.info(t("ros.versions.same"))
        else:
            changes = common.cached(ros.compare, older, newer)
            if not changes:
                common.empty_state("ros.versions.no_changes")
            else:
                st.dataframe(pd.DataFrame(changes), hide_index=True, width="stretch",
                             column_config={"kind": t("ros.export.kind"), "key": t("ros.field.key"),
                                            "title": t("ros.field.title"), "change": t("ros.versions.change"),
                                            "field": t("ros.versions.field"), "before": t("ros.versions.before"),
                                            "after": t("ros.versions.after")})
    else:
        st.caption(t("ros.versions.only_one"))
