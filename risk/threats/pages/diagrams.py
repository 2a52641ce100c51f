"""Threat model per service: data-flow diagram, elements and flows, STRIDE threats, Threat Dragon exchange."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from risk.pages.widgets import level_select
from risk.threats import diagram as threat_diagram
from risk.threats import modelling as threats
from risk.threats import threatdragon
from risk.threats.exports import threats_workbook
from risk.threats.models import NODE_KINDS, SEVERITIES, STRIDE, THREAT_STATUSES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_REPORT = "_td-report-{service}"     # the last Threat Dragon import's report, shown until closed

actor = common.require_actor()
common.header("page.threat_models", "threat.intro")
can_diagram = threats.can_edit_diagram(actor)
may_accept = actor.can("risk.approve")
can_decide = actor.can("risk.write")

overview = common.cached(threats.model_rows)
with st.expander(t("threat.all_services"), expanded=False):
    frame = pd.DataFrame(overview)
    if frame.empty:
        common.empty_state("threat.no_services")
    else:
        st.dataframe(
            frame[["service_name", "title", "elements", "threats", "open", "in_ros", "generated_at"]],
            hide_index=True, width="stretch",
            column_config={"service_name": t("threat.col.service"), "title": t("threat.col.model"),
                           "elements": st.column_config.NumberColumn(t("threat.col.elements")),
                           "threats": st.column_config.NumberColumn(t("threat.col.threats")),
                           "open": st.column_config.NumberColumn(t("threat.col.open")),
                           "in_ros": st.column_config.NumberColumn(t("threat.col.in_ros")),
                           "generated_at": common.datetime_column(t("threat.col.generated_at"))})
    st.download_button(t("threat.download_all_threats"), common.cached(threats_workbook, None),
                       "trusler.xlsx", mime=XLSX, icon=":material/download:")

services = {row["service"]: row for row in overview}
if not services:
    st.stop()
codes = sorted(services, key=lambda c: (services[c]["model_id"] is None, services[c]["service_name"]))
service = st.selectbox(t("threat.service"), codes, format_func=lambda c: services[c]["service_name"]
                       + ("" if services[c]["model_id"] else f" ({t('threat.no_model_short')})"))
detail = common.cached(threats.model_detail, service)

if detail is None:
    common.empty_state("threat.empty", service=services[service]["service_name"])
    if can_diagram:
        with st.form(common.form_key(f"new-model-{service}")):
            title = st.text_input(t("threat.field.title"),
                                  t("threat.default_title", service=services[service]["service_name"]))
            description = st.text_area(t("threat.field.description"))
            if st.form_submit_button(t("threat.create_model"), type="primary"):
                new_model = {"title": title, "description": description}
                if common.save_once(f"new-model-{service}", new_model, threats.save_model, service, new_model,
                                    success=t("ui.saved")):
                    st.rerun()
        upload = st.file_uploader(t("threat.td_upload"), type=["json"], key=f"td-new-{service}")
        if upload is not None and st.button(t("threat.td_import"), type="primary", key=f"td-new-btn-{service}"):
            report = common.write(threatdragon.import_model, service, upload.getvalue())
            if report:
                st.session_state[IMPORT_REPORT.format(service=service)] = report
                st.rerun()
    st.stop()

model = detail["model"]
elements = detail["elements"]
by_id = {e["id"]: e for e in elements}
nodes = [e for e in elements if e["kind"] in NODE_KINDS]
boundaries = [e for e in elements if e["kind"] == "trust_boundary"]
flows = [e for e in elements if e["kind"] == "data_flow"]
threat_list = detail["threats"]

st.header(model["title"])
if model["description"]:
    st.caption(model["description"])
import_report = st.session_state.get(IMPORT_REPORT.format(service=service))
if import_report:
    st.success(t("threat.td_imported", **import_report))
    awaiting = threatdragon.awaiting_leader_lines(import_report)
    if awaiting:
        st.warning(awaiting[0], icon=":material/gavel:")
        held = pd.DataFrame(import_report["awaiting_leader"], columns=["model", "element", "title"])
        st.dataframe(held.replace("", "–"), hide_index=True, width="stretch",
                     column_config={"model": t("threat.col.model"), "element": t("threat.col.element"),
                                    "title": t("threat.col.title")})
    if st.button(t("td.awaiting_leader.close"), key=f"td-report-close-{service}"):
        st.session_state.pop(IMPORT_REPORT.format(service=service), None)
        st.rerun()
cols = st.columns(4)
cols[0].metric(t("threat.metric.elements"), len(nodes))
cols[1].metric(t("threat.metric.flows"), len(flows),
               help=t("threat.metric.crossing", count=sum(1 for f in flows if f["crosses_boundary"])))
cols[2].metric(t("threat.metric.threats"), len(threat_list))
cols[3].metric(t("threat.metric.open"), sum(1 for th in threat_list if th["status"] == "open"))

tab_diagram, tab_elements, tab_flows, tab_threats, tab_exchange = st.tabs(
    [t("threat.tab.diagram"), t("threat.tab.elements"), t("threat.tab.flows"), t("threat.tab.threats"),
     t("threat.tab.exchange")])


def _name(element_id):
    return by_id[element_id]["name"] if element_id in by_id else t("ui.none")


_NAME_COUNTS = pd.Series([e["name"] for e in elements]).value_counts().to_dict() if elements else {}


def _label(element):
    """The element's name, with its number when another element has the same name."""
    return element["name"] if _NAME_COUNTS.get(element["name"], 0) < 2 else f"{element['name']} (#{element['id']})"


def save_element(current, payload, name: str) -> None:
    """Add an element or flow (once per filled form `name`), or update `current`, then redraw."""
    if current:
        done = common.write(threats.update_element, current["id"], payload,
                            expected_version=current["version"], success=t("ui.saved"))
    else:
        done = common.save_once(name, payload, threats.add_element, service, payload, success=t("ui.saved"))
    if done:
        st.rerun()


def delete_controls(current, label_key: str, key_prefix: str) -> None:
    """A confirm box and a delete button for an element or flow."""
    if common.confirmed_button(t("threat.confirm_delete", name=current["name"]), t(label_key),
                               key=f"{key_prefix}-{current['id']}"):
        result = common.write(threats.delete_element, current["id"])
        if result:
            st.success(t("threat.deleted", **result))
            st.rerun()


# --- diagram -------------------------------------------------------------------------------------------
with tab_diagram:
    if not nodes:
        common.empty_state("threat.no_elements")
    else:
        st.plotly_chart(threat_diagram.figure(detail), width="stretch")
        st.caption(t("threat.diagram_legend"))
    if can_diagram:
        with st.expander(t("threat.edit_model")):
            with st.form(f"model-{model['id']}-{model['version']}"):
                title = st.text_input(t("threat.field.title"), model["title"])
                description = st.text_area(t("threat.field.description"), model["description"])
                c1, c2 = st.columns(2)
                owner = c1.text_input(t("threat.field.owner"), model["owner"])
                reviewer = c2.text_input(t("threat.field.reviewer"), model["reviewer"])
                if st.form_submit_button(t("ui.save"), type="primary"):
                    if common.write(threats.save_model, service, {"title": title, "description": description,
                                                                  "owner": owner, "reviewer": reviewer},
                                    expected_version=model["version"], success=t("ui.saved")):
                        st.rerun()

# --- elements -------------------------------------------------------------------------------------------
with tab_elements:
    shown = [e for e in elements if e["kind"] != "data_flow"]
    if not shown:
        common.empty_state("threat.no_elements")
    else:
        zone_label = {b["id"]: _label(b) for b in boundaries}
        frame = pd.DataFrame(shown)
        frame["kind_label"] = frame["kind"].map(lambda k: t(f"threat.kind.{k}"))
        frame["zone"] = frame["boundary_id"].map(lambda i: zone_label.get(i, ""))
        columns = ["name", "kind_label", "zone", "holds_logs", "stores_credentials", "out_of_scope", "description"]
        config = {"name": st.column_config.TextColumn(t("threat.field.name"), required=True),
                  "kind_label": st.column_config.TextColumn(t("threat.field.kind"), disabled=True),
                  "zone": st.column_config.SelectboxColumn(t("threat.field.boundary"),
                                                           options=[""] + list(zone_label.values()),
                                                           help=t("threat.field.boundary_help")),
                  "holds_logs": st.column_config.CheckboxColumn(t("threat.field.holds_logs"),
                                                                help=t("threat.field.holds_logs_help")),
                  "stores_credentials": st.column_config.CheckboxColumn(t("threat.field.stores_credentials")),
                  "out_of_scope": st.column_config.CheckboxColumn(t("threat.field.out_of_scope")),
                  "description": st.column_config.TextColumn(t("threat.field.description"))}
        if can_diagram:
            st.caption(t("threat.table_help"))
            edited = st.data_editor(frame[columns], hide_index=True, width="stretch", column_config=config,
                                    key=f"elements-{service}-{model['version']}-{len(shown)}")
            if st.button(t("threat.save_table"), key=f"save-elements-{service}"):
                by_label = {v: k for k, v in zone_label.items()}
                rows = []
                for original, row in zip(shown, edited.to_dict("records"), strict=True):
                    rows.append({**original, "name": row["name"] or "", "description": row["description"] or "",
                                 "boundary_id": by_label.get(row["zone"]) if original["kind"] != "trust_boundary"
                                 else None, "holds_logs": bool(row["holds_logs"]),
                                 "stores_credentials": bool(row["stores_credentials"]),
                                 "out_of_scope": bool(row["out_of_scope"])})
                changed = common.write(threats.update_elements, service, rows)
                if changed is not None:
                    st.success(t("threat.table_saved", count=0 if changed is True else changed))
                    st.rerun()
        else:
            st.dataframe(frame[columns], hide_index=True, width="stretch", column_config=config)
    if can_diagram:
        st.markdown(f"**{t('threat.element_form')}**")
        choice = st.selectbox(t("threat.choose_element"), [None] + [e["id"] for e in shown],
                              format_func=lambda i: t("threat.new_element") if i is None
                              else f"{by_id[i]['name']} ({t('threat.kind.' + by_id[i]['kind'])})",
                              key=f"el-choice-{service}")
        current = by_id.get(choice)
        kinds = list(NODE_KINDS) + ["trust_boundary"]
        # a new element's form is drawn empty after it is saved; an edited one anew with its saved values
        with st.form(common.form_key(f"element-{service}-new") if current is None
                     else f"element-{service}-{choice}-{current['version']}"):
            c1, c2 = st.columns(2)
            kind = c1.selectbox(t("threat.field.kind"), kinds, index=kinds.index(current["kind"]) if current else 1,
                                format_func=lambda k: t(f"threat.kind.{k}"), disabled=current is not None)
            name = c2.text_input(t("threat.field.name"), current["name"] if current else "")
            zone_ids = [None] + [b["id"] for b in boundaries if not current or b["id"] != current["id"]]
            zone = c1.selectbox(t("threat.field.boundary"), zone_ids, format_func=_name,
                                index=zone_ids.index(current["boundary_id"]) if current and current["boundary_id"]
                                in zone_ids else 0, help=t("threat.field.boundary_help"))
            description = c2.text_area(t("threat.field.description"), current["description"] if current else "",
                                       height=80)
            holds_logs = c1.checkbox(t("threat.field.holds_logs"), current["holds_logs"] if current else False,
                                     help=t("threat.field.holds_logs_help"))
            stores_credentials = c1.checkbox(t("threat.field.stores_credentials"),
                                             current["stores_credentials"] if current else False)
            out_of_scope = c2.checkbox(t("threat.field.out_of_scope"), current["out_of_scope"] if current else False)
            reason = c2.text_input(t("threat.field.out_of_scope_reason"),
                                   current["out_of_scope_reason"] if current else "")
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = {"kind": current["kind"] if current else kind, "name": name, "description": description,
                       "boundary_id": zone, "holds_logs": holds_logs and (current or {"kind": kind})["kind"]
                       == "data_store", "stores_credentials": stores_credentials, "out_of_scope": out_of_scope,
                       "out_of_scope_reason": reason}
            save_element(current, payload, f"element-{service}-new")
        if current:
            delete_controls(current, "threat.delete_element", "del")

# --- flows ------------------------------------------------------------------------------------------------
with tab_flows:
    if not flows:
        common.empty_state("threat.no_flows")
    else:
        node_label = {n["id"]: _label(n) for n in nodes}
        frame = pd.DataFrame(flows)
        frame["from"] = frame["source_id"].map(lambda i: node_label.get(i, ""))
        frame["to"] = frame["target_id"].map(lambda i: node_label.get(i, ""))
        columns = ["name", "from", "to", "data_carried", "protocol", "encrypted", "crosses_boundary_flag",
                   "crosses_boundary", "public_network", "bidirectional", "out_of_scope"]
        options = list(node_label.values())
        config = {"name": st.column_config.TextColumn(t("threat.field.name"), required=True),
                  "from": st.column_config.SelectboxColumn(t("threat.field.source"), options=options, required=True),
                  "to": st.column_config.SelectboxColumn(t("threat.field.target"), options=options, required=True),
                  "data_carried": st.column_config.TextColumn(t("threat.field.data_carried")),
                  "protocol": st.column_config.TextColumn(t("threat.field.protocol")),
                  "encrypted": st.column_config.CheckboxColumn(t("threat.field.encrypted")),
                  "crosses_boundary_flag": st.column_config.CheckboxColumn(
                      t("threat.field.crosses_boundary_manual"), help=t("threat.field.crosses_boundary_help")),
                  "crosses_boundary": st.column_config.CheckboxColumn(t("threat.field.crosses_boundary_result"),
                                                                      disabled=True),
                  "public_network": st.column_config.CheckboxColumn(t("threat.field.public_network")),
                  "bidirectional": st.column_config.CheckboxColumn(t("threat.field.bidirectional")),
                  "out_of_scope": st.column_config.CheckboxColumn(t("threat.field.out_of_scope"))}
        if can_diagram:
            st.caption(t("threat.table_help"))
            edited = st.data_editor(frame[columns], hide_index=True, width="stretch", column_config=config,
                                    key=f"flows-{service}-{model['version']}-{len(flows)}")
            if st.button(t("threat.save_table"), key=f"save-flows-{service}"):
                by_label = {v: k for k, v in node_label.items()}
                rows = []
                for original, row in zip(flows, edited.to_dict("records"), strict=True):
                    rows.append({**original, "name": row["name"] or "", "source_id": by_label.get(row["from"]),
                                 "target_id": by_label.get(row["to"]), "data_carried": row["data_carried"] or "",
                                 "protocol": row["protocol"] or "", "encrypted": bool(row["encrypted"]),
                                 "crosses_boundary": bool(row["crosses_boundary_flag"]),
                                 "public_network": bool(row["public_network"]),
                                 "bidirectional": bool(row["bidirectional"]),
                                 "out_of_scope": bool(row["out_of_scope"])})
                changed = common.write(threats.update_elements, service, rows)
                if changed is not None:
                    st.success(t("threat.table_saved", count=0 if changed is True else changed))
                    st.rerun()
        else:
            st.dataframe(frame[columns], hide_index=True, width="stretch", column_config=config)
    if can_diagram:
        if len(nodes) < 2:
            st.info(t("threat.flows_need_nodes"))
        else:
            st.markdown(f"**{t('threat.flow_form')}**")
            choice = st.selectbox(t("threat.choose_flow"), [None] + [f["id"] for f in flows],
                                  format_func=lambda i: t("threat.new_flow") if i is None else
                                  f"{by_id[i]['name']} ({by_id[i]['source']} → {by_id[i]['target']})",
                                  key=f"flow-choice-{service}")
            current = by_id.get(choice)
            node_ids = [n["id"] for n in nodes]
            with st.form(common.form_key(f"flow-{service}-new") if current is None
                         else f"flow-{service}-{choice}-{current['version']}"):
                c1, c2 = st.columns(2)
                name = c1.text_input(t("threat.field.name"), current["name"] if current else "")
                protocol = c2.text_input(t("threat.field.protocol"), current["protocol"] if current else "")
                source = c1.selectbox(t("threat.field.source"), node_ids, format_func=_name,
                                      index=node_ids.index(current["source_id"]) if current and current["source_id"]
                                      in node_ids else 0)
                target = c2.selectbox(t("threat.field.target"), node_ids, format_func=_name,
                                      index=node_ids.index(current["target_id"]) if current and current["target_id"]
                                      in node_ids else min(1, len(node_ids) - 1))
                data_carried = st.text_input(t("threat.field.data_carried"),
                                             current["data_carried"] if current else "")
                c3, c4, c5, c6 = st.columns(4)
                encrypted = c3.checkbox(t("threat.field.encrypted"), current["encrypted"] if current else False)
                crosses = c4.checkbox(t("threat.field.crosses_boundary_manual"),
                                      current["crosses_boundary_flag"] if current else False,
                                      help=t("threat.field.crosses_boundary_help"))
                public = c5.checkbox(t("threat.field.public_network"), current["public_network"] if current else False)
                both_ways = c6.checkbox(t("threat.field.bidirectional"), current["bidirectional"] if current else False)
                out_of_scope = st.checkbox(t("threat.field.out_of_scope"),
                                           current["out_of_scope"] if current else False)
                saved = st.form_submit_button(t("ui.save"), type="primary")
            if saved:
                payload = {"kind": "data_flow", "name": name, "source_id": source, "target_id": target,
                           "data_carried": data_carried, "protocol": protocol, "encrypted": encrypted,
                           "crosses_boundary": crosses, "public_network": public, "bidirectional": both_ways,
                           "out_of_scope": out_of_scope}
                save_element(current, payload, f"flow-{service}-new")
            if current:
                delete_controls(current, "threat.delete_flow", "fdel")

# --- threats ----------------------------------------------------------------------------------------------
with tab_threats:
    if can_decide:
        c1, c2 = st.columns([1, 3])
        if c1.button(t("threat.generate"), type="primary", disabled=not elements, help=t("threat.generate_help")):
            result = common.write(threats.generate_threats, service)
            if result:
                st.success(t("threat.generated", **result))
                st.rerun()
        if model["generated_at"]:
            c2.caption(t("threat.generated_at", when=model["generated_at"].strftime("%d.%m.%Y %H:%M")))
    if not threat_list:
        common.empty_state("threat.no_threats")
    else:
        f1, f2, f3 = st.columns([2, 2, 1])
        statuses = f1.multiselect(t("threat.filter.status"), list(THREAT_STATUSES),
                                  format_func=lambda s: t(f"threat.status.{s}"))
        letters = f2.multiselect(t("threat.filter.category"), [*STRIDE, ""],
                                 format_func=lambda c: f"{c} – {t('threat.stride.' + c)}" if c
                                 else t("threat.filter.other_types"))
        stale_only = f3.toggle(t("threat.filter.stale"))
        rows = [th for th in threat_list if (not statuses or th["status"] in statuses)
                and (not letters or th["category"] in letters) and (not stale_only or th["stale"])]
        st.caption(t("threat.count", shown=len(rows), total=len(threat_list)))
        frame = pd.DataFrame(rows)
        if not frame.empty:
            frame["category"] = [threats.type_label(r) for r in rows]
            frame["status"] = frame["status"].map(lambda s: t(f"threat.status.{s}"))
            frame["severity"] = frame["severity"].map(threats.severity_label)
            frame["stale"] = frame["stale"].map(lambda s: t(f"threat.stale.{s}") if s else "")
            st.dataframe(frame[["id", "rank", "category", "element", "title", "severity", "status", "mitigation",
                                "ros_risk_id", "risk_owner", "risk_deadline", "stale"]],
                         hide_index=True, width="stretch",
                         column_config={"id": st.column_config.NumberColumn("#", format="%d"),
                                        "rank": st.column_config.NumberColumn(t("threat.col.rank"),
                                                                              help=t("threat.col.rank_help")),
                                        "category": t("threat.col.category"), "element": t("threat.col.element"),
                                        "title": t("threat.col.title"), "severity": t("threat.col.severity"),
                                        "status": t("threat.col.status"), "mitigation": t("threat.col.mitigation"),
                                        "ros_risk_id": st.column_config.NumberColumn(t("threat.col.ros_risk"),
                                                                                     format="%d"),
                                        "risk_owner": t("threat.col.risk_owner"),
                                        "risk_deadline": common.date_column(t("threat.col.risk_deadline")),
                                        "stale": t("threat.col.stale")})
        st.download_button(t("ui.download_excel"), common.cached(threats_workbook, service),
                           f"trusler-{service}.xlsx", mime=XLSX, icon=":material/download:")

        if (can_decide or may_accept) and rows:
            st.markdown(f"**{t('threat.decide')}**")
            threat_by_id = {th["id"]: th for th in threat_list}
            chosen = st.selectbox(t("threat.choose_threat"), [th["id"] for th in rows], index=None,
                                  format_func=lambda i: f"#{i} {threats.type_label(threat_by_id[i])} "
                                  f"{threat_by_id[i]['title']}", key=f"threat-choice-{service}")
            if chosen is not None:
                current = threat_by_id[chosen]
                if current["description"]:
                    st.caption(current["description"])
                with st.form(f"decide-{chosen}-{current['version']}"):
                    c1, c2 = st.columns(2)
                    # accepting is the leader's (a risk acceptance); the leader's one decision here is to accept
                    statuses = [s for s in THREAT_STATUSES if s == current["status"]
                                or (s == "accepted" and may_accept) or (s != "accepted" and can_decide)]
                    status = c1.selectbox(t("threat.col.status"), statuses, index=statuses.index(current["status"]),
                                          format_func=lambda s: t(f"threat.status.{s}"),
                                          help=None if may_accept else t("threat.accept_is_leaders"))
                    choices = list(SEVERITIES) if current["severity"] else ["", *SEVERITIES]
                    severity = c2.selectbox(t("threat.col.severity"), choices,
                                            index=choices.index(current["severity"]),
                                            format_func=threats.severity_label)
                    mitigation = st.text_area(t("threat.col.mitigation"), current["mitigation"],
                                              help=t("threat.mitigation_help"))
                    if st.form_submit_button(t("ui.save"), type="primary"):
                        if common.write(threats.decide_threat, chosen, {"status": status, "mitigation": mitigation,
                                                                        "severity": severity or None},
                                        expected_version=current["version"], success=t("ui.saved")):
                            st.rerun()
                if current["ros_risk_id"]:
                    st.info(t("threat.in_ros", id=current["ros_risk_id"], owner=current["risk_owner"],
                              deadline=current["risk_deadline"].strftime("%d.%m.%Y")
                              if current["risk_deadline"] else "-"))
                elif can_decide:
                    st.markdown(f"**{t('threat.to_risk')}**")
                    st.caption(t("threat.to_risk_help"))
                    defaults = threats.DEFAULT_SCORES.get(current["severity"], (3, 3))
                    with st.form(common.form_key(f"to-risk-{chosen}")):
                        c1, c2 = st.columns(2)
                        owner = c1.text_input(t("threat.field.risk_owner"))
                        deadline = c2.date_input(t("threat.field.risk_deadline"), date.today() + timedelta(days=90),
                                                 format="DD.MM.YYYY")
                        likelihood = level_select(c1, t("threat.field.likelihood"), "likelihood", defaults[0])
                        consequence = level_select(c2, t("threat.field.consequence"), "consequence", defaults[1])
                        if st.form_submit_button(t("threat.to_risk_button"), type="primary"):
                            to_risk = {"owner": owner, "deadline": deadline, "likelihood": likelihood,
                                       "consequence": consequence}
                            risk_id = common.save_once(f"to-risk-{chosen}", to_risk, threats.threat_to_risk, chosen,
                                                       to_risk)
                            if risk_id:
                                st.toast(t("threat.risk_created", id=risk_id), icon=":material/check_circle:")
                                st.rerun()
    if can_decide:
        with st.expander(t("threat.add_manual")):
            with st.form(common.form_key(f"manual-{service}")):      # empty again once added
                c1, c2 = st.columns(2)
                element = c1.selectbox(t("threat.col.element"), [None] + [e["id"] for e in elements
                                                                         if e["kind"] != "trust_boundary"],
                                       format_func=_name)
                category = c2.selectbox(t("threat.col.category"), list(STRIDE),
                                        format_func=lambda c: f"{c} – {t('threat.stride.' + c)}")
                title = st.text_input(t("threat.col.title"))
                description = st.text_area(t("threat.field.description"))
                severity = st.selectbox(t("threat.col.severity"), list(SEVERITIES), index=1,
                                        format_func=lambda s: t(f"threat.severity.{s}"))
                if st.form_submit_button(t("threat.add_manual_button")):
                    manual = {"element_id": element, "category": category, "title": title,
                              "description": description, "severity": severity}
                    if common.save_once(f"manual-{service}", manual, threats.add_manual_threat, service, manual,
                                        success=t("ui.saved")):
                        st.rerun()

# --- Threat Dragon --------------------------------------------------------------------------------------
with tab_exchange:
    st.caption(t("threat.td_help"))
    st.download_button(t("threat.td_download"), common.cached(threatdragon.export_json, service),
                       f"{service}-threat-dragon.json", mime="application/json", icon=":material/download:")
    if can_diagram:
        upload = st.file_uploader(t("threat.td_upload"), type=["json"], key=f"td-{service}")
        st.caption(t("threat.td_replace_warning"))
        confirm = st.checkbox(t("threat.td_confirm"), key=f"td-confirm-{service}")
        if upload is not None and st.button(t("threat.td_import"), type="primary", disabled=not confirm,
                                            key=f"td-btn-{service}"):
            report = common.write(threatdragon.import_model, service, upload.getvalue())
            if report:
                st.session_state[IMPORT_REPORT.format(service=service)] = report
                st.rerun()
