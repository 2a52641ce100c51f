import pandas as pd
import streamlit as st

from data.crud import service_choices
from data.i18n import t
from data.pages import common
from portfolio.digiorden import analysis as digiorden_analysis
from portfolio.digiorden import graph as digiorden_graph
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.models import Hosting, Method, PersonalData, ServiceArea
from portfolio.digiorden.pages.widgets import choose_organisation, percent_text, restricted_note
from portfolio.digiorden.schemas import choice_label

actor = common.require_actor()
common.header("do.page.map", "do.map.intro")

org = choose_organisation()
if org is None:
    st.stop()
org_id = org["id"]
data = common.cached(digiorden.map_data, org_id, actor)
result = common.cached(digiorden_analysis.completeness, org_id, actor)
can_edit = actor.can(digiorden.PERMISSION)
restricted = restricted_note(actor)   # security measures, sensitive datasets, methods: not for every reader

metrics = st.columns(5)
metrics[0].metric(t("do.kind.systems"), len(data["systems"]))
metrics[1].metric(t("do.kind.vendors"), len(data["vendors"]))
metrics[2].metric(t("do.kind.datasets"), len(data["datasets"]))
metrics[3].metric(t("do.kind.integrations"), len(data["integrations"]))
metrics[4].metric(t("do.ui.completeness"), percent_text(result["score"]), help=t("do.ui.completeness_help"))

if not data["systems"]:
    common.empty_state("do.map.empty_edit" if can_edit else "do.map.empty", name=org["name"])

tabs = st.tabs([t("do.kind.systems"), t("do.kind.datasets"), t("do.kind.integrations"), t("do.kind.vendors"),
                t("do.map.graph")])
text = st.column_config.TextColumn


def hosting_options():
    return [h.value for h in Hosting]


def save(kind: str, fn, payload: dict, chosen: int | None, version: int | None, id_name: str) -> None:
    """A new row (at most once per filled-in form, the form then drawn empty) or an edit of the chosen one."""
    if chosen is None:
        done = common.save_once(f"do-{kind}-new-{org_id}", payload, fn, org_id, payload, success=t("ui.saved"))
    else:
        done = common.write(fn, org_id, payload, **{id_name: chosen}, expected_version=version, success=t("ui.saved"))
    if done:
        st.rerun()


def form_name(kind: str, chosen: int | None, version: int | None) -> str:
    return common.form_key(f"do-{kind}-new-{org_id}") if chosen is None else f"do-{kind}-{chosen}-{version}"


def delete_controls(confirm_label: str, delete, chosen: int, version: int, key_prefix: str) -> None:
    """A confirm box and a delete button for the chosen system, dataset, integration or vendor."""
    if common.confirmed_button(confirm_label, t("do.ui.delete"), key=f"{key_prefix}-del-{chosen}",
                               icon=":material/delete:"):
        if common.write(delete, chosen, expected_version=version, success=t("do.ui.deleted")):
            st.rerun()


# --- systems ------------------------------------------------------------------------------------------------
with tabs[0]:
    systems = data["systems"]
    if systems:
        f1, f2, f3 = st.columns([3, 3, 2])
        search = f1.text_input(t("ui.search"), key="do_sys_search", placeholder=t("do.map.search_systems"))
        areas = f2.multiselect(t("do.col.area"), [a.value for a in ServiceArea],
                               format_func=lambda a: choice_label(ServiceArea, a), key="do_sys_areas")
        hosting = f3.multiselect(t("do.col.hosting"), hosting_options(),
                                 format_func=lambda h: choice_label(Hosting, h), key="do_sys_hosting")
        rows = [s for s in systems
                if (not search or search.lower() in " ".join(str(s[k] or "") for k in ("name", "vendor", "product",
                                                                                       "owner")).lower())
                and (not areas or set(areas) & set(s["areas"])) and (not hosting or s["hosting"] in hosting)]
        frame = pd.DataFrame([{
            "name": s["name"], "vendor": s["vendor"], "product": s["product"], "version": s["product_version"],
            "hosting": choice_label(Hosting, s["hosting"]), "owner": s["owner"],
            "areas": ", ".join(choice_label(ServiceArea, a) for a in s["areas"]),
            "from": s["in_use_from"], "to": s["in_use_to"], "security": s["security_measures"],
        } for s in rows])
        if restricted:
            frame = frame.drop(columns=["security"], errors="ignore")
        st.caption(t("do.ui.shown", shown=len(rows), total=len(systems)))
        if not frame.empty:
            st.dataframe(frame, hide_index=True, width="stretch", column_config={
                "name": text(t("do.col.name")), "vendor": text(t("do.col.vendor")),
                "product": text(t("do.col.product")), "version": text(t("do.col.product_version")),
                "hosting": text(t("do.col.hosting")), "owner": text(t("do.col.owner")),
                "areas": text(t("do.kind.areas")), "from": common.date_column(t("do.col.in_use_from")),
                "to": common.date_column(t("do.col.in_use_to")), "security": text(t("do.col.security_measures")),
            })
    if can_edit:
        with st.expander(t("do.map.edit_system"), icon=":material/edit:"):
            systems_by_id = {s["id"]: s for s in systems}
            chosen = st.selectbox(t("do.map.choose_system"), [None] + list(systems_by_id), key="do_sys_pick",
                                  format_func=lambda i: t("do.ui.new") if i is None else systems_by_id[i]["name"])
            current = systems_by_id.get(chosen, {})
            vendor_names = [v["name"] for v in data["vendors"]]
            with st.form(form_name("system", chosen, current.get("version"))):
                c1, c2 = st.columns(2)
                name = c1.text_input(t("do.col.name"), current.get("name", ""))
                vendor = c2.selectbox(t("do.col.vendor"), [None] + vendor_names,
                                      index=([None] + vendor_names).index(current.get("vendor")),
                                      format_func=lambda v: t("ui.none") if v is None else v,
                                      help=t("do.map.vendor_help"))
                product = c1.text_input(t("do.col.product"), current.get("product") or "")
                version = c2.text_input(t("do.col.product_version"), current.get("product_version") or "")
                hosting_value = c1.selectbox(t("do.col.hosting"), hosting_options(),
                                             index=hosting_options().index(current.get("hosting", "saas")),
                                             format_func=lambda h: choice_label(Hosting, h))
                owner = c2.text_input(t("do.col.owner"), current.get("owner") or "", help=t("do.map.owner_help"))
                in_use_from = c1.date_input(t("do.col.in_use_from"), current.get("in_use_from"), format="DD.MM.YYYY")
                in_use_to = c2.date_input(t("do.col.in_use_to"), current.get("in_use_to"), format="DD.MM.YYYY")
                area_values = st.multiselect(t("do.kind.areas"), [a.value for a in ServiceArea],
                                             default=current.get("areas", []),
                                             format_func=lambda a: choice_label(ServiceArea, a))
                security = st.text_area(t("do.col.security_measures"), current.get("security_measures") or "",
                                        help=t("do.map.security_help"))
                description = st.text_area(t("do.col.description"), current.get("description") or "")
                saved = st.form_submit_button(t("ui.save"), type="primary")
            if saved:
                payload = {"name": name, "vendor": vendor, "product": product, "product_version": version,
                           "hosting": hosting_value, "owner": owner, "in_use_from": in_use_from,
                           "in_use_to": in_use_to, "security_measures": security, "description": description,
                           "areas": area_values}
                save("system", digiorden.save_system, payload, chosen, current.get("version"), "system_id")
            if chosen is not None:
                delete_controls(t("do.map.confirm_delete_system", name=current["name"]), digiorden.delete_system, chosen,
                                current["version"], "do-sys")

# --- datasets -----------------------------------------------------------------------------------------------
with tabs[1]:
    datasets = data["datasets"]
    if datasets:
        categories = st.multiselect(t("do.col.personal_data"), [p.value for p in PersonalData],
                                    format_func=lambda p: choice_label(PersonalData, p), key="do_ds_personal")
        rows = [d for d in datasets if not categories or d["personal_data"] in categories]
        frame = pd.DataFrame([{
            "name": d["name"], "system": d["system"], "personal": choice_label(PersonalData, d["personal_data"]),
            "categories": d["data_categories"], "subjects": d["data_subjects"], "purpose": d["purpose"],
            "basis": d["legal_basis"], "recipients": d["recipients"], "retention": d["retention"],
        } for d in rows])
        st.caption(t("do.ui.shown", shown=len(rows), total=len(datasets)))
        if not frame.empty:
            st.dataframe(frame, hide_index=True, width="stretch", column_config={
                "name": text(t("do.col.name")), "system": text(t("do.col.system")),
                "personal": text(t("do.col.personal_data")), "categories": text(t("do.col.data_categories")),
                "subjects": text(t("do.col.data_subjects")), "purpose": text(t("do.col.purpose")),
                "basis": text(t("do.col.legal_basis")), "recipients": text(t("do.col.recipients")),
                "retention": text(t("do.col.retention")),
            })
    elif data["systems"]:
        common.empty_state("do.map.no_datasets")
    if can_edit and data["systems"]:
        with st.expander(t("do.map.edit_dataset"), icon=":material/edit:"):
            datasets_by_id = {d["id"]: d for d in datasets}
            chosen = st.selectbox(t("do.map.choose_dataset"), [None] + list(datasets_by_id), key="do_ds_pick",
                                  format_func=lambda i: t("do.ui.new") if i is None
                                  else f"{datasets_by_id[i]['name']} ({datasets_by_id[i]['system']})")
            current = datasets_by_id.get(chosen, {})
            system_names = [s["name"] for s in data["systems"]]
            personal_options = [p.value for p in PersonalData]
            with st.form(form_name("dataset", chosen, current.get("version"))):
                c1, c2 = st.columns(2)
                name = c1.text_input(t("do.col.name"), current.get("name", ""))
                system = c2.selectbox(t("do.col.system"), system_names,
                                      index=system_names.index(current["system"]) if current else 0)
                personal = c1.selectbox(t("do.col.personal_data"), personal_options,
                                        index=personal_options.index(current.get("personal_data", "ordinary")),
                                        format_func=lambda p: choice_label(PersonalData, p),
                                        help=t("do.map.personal_help"))
                subjects = c2.text_input(t("do.col.data_subjects"), current.get("data_subjects") or "",
                                         help=t("do.map.subjects_help"))
                categories_text = st.text_input(t("do.col.data_categories"), current.get("data_categories") or "")
                purpose = st.text_area(t("do.col.purpose"), current.get("purpose") or "")
                c3, c4 = st.columns(2)
                basis = c3.text_input(t("do.col.legal_basis"), current.get("legal_basis") or "",
                                      help=t("do.map.basis_help"))
                retention = c4.text_input(t("do.col.retention"), current.get("retention") or "")
                recipients = st.text_input(t("do.col.recipients"), current.get("recipients") or "")
                saved = st.form_submit_button(t("ui.save"), type="primary")
            if saved:
                payload = {"name": name, "system": system, "personal_data": personal,
                           "data_categories": categories_text, "data_subjects": subjects, "purpose": purpose,
                           "legal_basis": basis, "recipients": recipients, "retention": retention}
                save("dataset", digiorden.save_dataset, payload, chosen, current.get("version"), "dataset_id")
            if chosen is not None:
                delete_controls(t("do.map.confirm_delete", name=current["name"]), digiorden.delete_dataset, chosen,
                                current["version"], "do-ds")

# --- integrations -------------------------------------------------------------------------------------------
with tabs[2]:
    integrations = data["integrations"]
    if integrations:
        frame = pd.DataFrame([{
            "from": i["from_system"], "to": i["to_system"] or i["to_service_name"],
            "kind": t("do.map.to_platform") if i["to_service"] else t("do.map.to_system"),
            "data": i["data_carried"], "method": choice_label(Method, i["method"]),
        } for i in integrations])
        if restricted:
            frame = frame.drop(columns=["method"])
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "from": text(t("do.col.from_system")), "to": text(t("do.map.to")), "kind": text(t("do.map.target_kind")),
            "data": text(t("do.col.data_carried")), "method": text(t("do.col.method")),
        })
    elif data["systems"]:
        common.empty_state("do.map.no_integrations")
    if can_edit and data["systems"]:
        with st.expander(t("do.map.edit_integration"), icon=":material/edit:"):
            integrations_by_id = {i["id"]: i for i in integrations}
            chosen = st.selectbox(t("do.map.choose_integration"), [None] + list(integrations_by_id), key="do_int_pick",
                                  format_func=lambda i: t("do.ui.new") if i is None else
                                  f"{integrations_by_id[i]['from_system']} → {integrations_by_id[i]['to_system'] or integrations_by_id[i]['to_service_name']}"
                                  f" ({integrations_by_id[i]['data_carried'] or '-'})")
            current = integrations_by_id.get(chosen, {})
            system_names = [s["name"] for s in data["systems"]]
            services = common.cached(service_choices)
            service_names = dict(services)
            targets = [("system", n) for n in system_names] + [("service", c) for c, _ in services]
            current_target = (("service", current["to_service"]) if current.get("to_service")
                              else ("system", current["to_system"]) if current else targets[0])
            methods = [m.value for m in Method]
            with st.form(form_name("integration", chosen, current.get("version"))):
                c1, c2 = st.columns(2)
                source = c1.selectbox(t("do.col.from_system"), system_names,
                                      index=system_names.index(current["from_system"]) if current else 0)
                target = c2.selectbox(t("do.map.to"), targets, index=targets.index(current_target),
                                      format_func=lambda x: x[1] if x[0] == "system"
                                      else f"{service_names[x[1]]} ({t('do.map.to_platform').lower()})")
                data_carried = c1.text_input(t("do.col.data_carried"), current.get("data_carried") or "")
                method = c2.selectbox(t("do.col.method"), methods, index=methods.index(current.get("method", "api")),
                                      format_func=lambda m: choice_label(Method, m))
                saved = st.form_submit_button(t("ui.save"), type="primary")
            if saved:
                payload = {"from_system": source, "data_carried": data_carried, "method": method,
                           "to_system": target[1] if target[0] == "system" else None,
                           "to_service": target[1] if target[0] == "service" else None}
                save("integration", digiorden.save_integration, payload, chosen, current.get("version"),
                     "integration_id")
            if chosen is not None:
                delete_controls(t("do.map.confirm_delete_integration"), digiorden.delete_integration, chosen,
                                current["version"], "do-int")

# --- vendors ------------------------------------------------------------------------------------------------
with tabs[3]:
    vendors = data["vendors"]
    if vendors:
        used = {}
        for s in data["systems"]:
            if s["vendor"]:
                used.setdefault(s["vendor"], []).append(s["name"])
        frame = pd.DataFrame([{"name": v["name"], "org_number": v["org_number"],
                               "count": len(used.get(v["name"], [])),
                               "systems": ", ".join(used.get(v["name"], []))} for v in vendors])
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "name": text(t("do.col.name")), "org_number": text(t("do.col.org_number")),
            "count": st.column_config.NumberColumn(t("do.map.vendor_systems_count"), format="%d"),
            "systems": text(t("do.kind.systems")),
        })
    else:
        common.empty_state("do.map.no_vendors")
    if can_edit:
        with st.expander(t("do.map.edit_vendor"), icon=":material/edit:"):
            vendors_by_id = {v["id"]: v for v in vendors}
            chosen = st.selectbox(t("do.map.choose_vendor"), [None] + list(vendors_by_id), key="do_vendor_pick",
                                  format_func=lambda i: t("do.ui.new") if i is None else vendors_by_id[i]["name"])
            current = vendors_by_id.get(chosen, {})
            with st.form(form_name("vendor", chosen, current.get("version"))):
                c1, c2 = st.columns(2)
                name = c1.text_input(t("do.col.name"), current.get("name", ""))
                org_number = c2.text_input(t("do.col.org_number"), current.get("org_number") or "",
                                           help=t("do.map.org_number_help"))
                saved = st.form_submit_button(t("ui.save"), type="primary")
            if saved:
                save("vendor", digiorden.save_vendor, {"name": name, "org_number": org_number}, chosen,
                     current.get("version"), "vendor_id")
            if chosen is not None:
                delete_controls(t("do.map.confirm_delete_vendor", name=current["name"]), digiorden.delete_vendor, chosen,
                                current["version"], "do-v")

# --- integration graph --------------------------------------------------------------------------------------
with tabs[4]:
    if not data["integrations"]:
        common.empty_state("do.map.no_graph")
    else:
        st.caption(t("do.map.graph_help"))
        with common.session() as session:
            fig = digiorden_graph.figure(session, org_id, actor)
        st.plotly_chart(fig, width="stretch")
