import pandas as pd
import streamlit as st
from sqlalchemy import select

from data.errors import BackofficeError
from data.i18n import t
from data.pages import common
from data.registers import registry as registers
from data.registers.models import Service, ServiceStatus
from data.registers.users import list_users

actor = common.require_actor()
common.header("page.services", "services.intro")

rows = common.cached(registers.service_rows)
frame = pd.DataFrame(rows)
status_filter = st.multiselect(t("services.status"), [s.value for s in ServiceStatus],
                               default=[ServiceStatus.ACTIVE.value, ServiceStatus.DEVELOPMENT.value,
                                        ServiceStatus.PHASING_OUT.value],
                               format_func=lambda s: t(f"service.status.{s}"))
if frame.empty:
    common.empty_state("services.empty")
else:
    shown = frame[frame["status"].isin(status_filter)].copy()
    shown["status"] = shown["status"].map(lambda s: t(f"service.status.{s}"))
    st.dataframe(
        shown.drop(columns=["id", "version"]), hide_index=True, width="stretch",
        column_config={
            "code": st.column_config.TextColumn(t("services.code")),
            "name": st.column_config.TextColumn(t("services.name")),
            "status": st.column_config.TextColumn(t("services.status")),
            "established_year": st.column_config.NumberColumn(t("services.established"), format="%d"),
            "description": st.column_config.TextColumn(t("services.description"), width="large"),
            "product_owner": st.column_config.TextColumn(t("services.product_owner")),
            "components": st.column_config.TextColumn(t("services.components")),
        },
    )

if actor.can("registers.write"):
    st.header(t("services.edit"))
    with common.session() as session:
        owners = {u.id: u.full_name or u.username for u in list_users(session)
                  if "product_owner" in u.roles and u.active}
        components = {c.code: c.name for c in registers.list_components(session)}
        linked = {s.code: [c.code for c in s.components] for s in registers.list_services(session)}
    by_code = {r["code"]: r for r in rows}
    choice = st.selectbox(t("services.choose"), [None, *by_code],
                          format_func=lambda c: t("services.new") if c is None else by_code[c]["name"])
    current = by_code.get(choice, {})
    owner_ids = [None, *owners]
    owner_index = 0
    for index, owner_id in enumerate(owner_ids):
        if owner_id is not None and owners[owner_id] == current.get("product_owner"):
            owner_index = index
    # a new service's form is drawn empty again after it is saved; an edit's under the row's version
    with st.form(common.form_key("service-new") if choice is None else f"service-{choice}-{current.get('version')}"):
        c1, c2 = st.columns(2)
        code = c1.text_input(t("services.code"), current.get("code", ""), disabled=choice is not None,
                             help=t("services.code_help"))
        name = c2.text_input(t("services.name"), current.get("name", ""))
        statuses = [s.value for s in ServiceStatus]
        status = c1.selectbox(t("services.status"), statuses,
                              index=statuses.index(current.get("status", ServiceStatus.ACTIVE.value)),
                              format_func=lambda s: t(f"service.status.{s}"))
        year = c2.number_input(t("services.established"), min_value=1990, max_value=2100,
                               value=int(current.get("established_year") or 2025))
        owner = c1.selectbox(t("services.product_owner"), owner_ids, index=owner_index,
                             format_func=lambda i: t("ui.none") if i is None else owners[i])
        chosen_components = c2.multiselect(t("services.components"), list(components),
                                           default=linked.get(choice, []), format_func=components.get)
        description = st.text_area(t("services.description"), current.get("description", ""))
        saved = st.form_submit_button(t("ui.save"), type="primary")
    if saved:
        payload = {"code": code, "name": name, "status": status, "established_year": year,
                   "product_owner_id": owner, "description": description}

        def save(session, actor):
            if choice is None and (taken := session.scalar(select(Service).where(Service.code == code.strip()))):
                raise BackofficeError(t("services.code_taken", code=taken.code, name=taken.name))  # never overwrite
            service = registers.save_service(session, actor, payload, expected_version=current.get("version"))
            registers.set_service_components(session, actor, service.code, chosen_components)
            return service

        filled = {**payload, "components": chosen_components}
        if choice is None and common.save_once("service-new", filled, save, success=t("ui.saved")):
            st.rerun()
        if choice is not None and common.write(save, success=t("ui.saved")):
            st.rerun()
