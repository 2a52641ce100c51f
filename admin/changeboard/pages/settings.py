from datetime import date, timedelta

import pandas as pd
import streamlit as st

from admin.changeboard import agenda as agenda_mod
from admin.changeboard import changes as cb
from admin.changeboard.models import TopicArea
from data.crud import service_choices
from data.i18n import t
from data.pages import common

actor = common.require_actor()
common.header("cb.page.settings", "cb.settings.intro")
can_write = actor.can("changeboard.write")

with common.session() as session:
    services = dict(service_choices(session))

freeze_tab, override_tab, load_tab, template_tab, topic_tab = st.tabs(
    [t("cb.settings.freezes"), t("cb.settings.overrides"), t("cb.settings.load"), t("cb.settings.templates"),
     t("cb.settings.topics")])

with freeze_tab:
    st.caption(t("cb.settings.freezes_help"))
    freezes = common.cached(cb.freeze_rows)
    if freezes:
        frame = pd.DataFrame(freezes)
        frame["service"] = frame["service"].map(lambda c: services.get(c, c) if c else t("cb.freeze.global"))
        st.dataframe(frame.drop(columns=["id", "version"]), hide_index=True, width="stretch",
                     column_config={"name": t("cb.col.name"), "start_date": common.date_column(t("cb.col.start")),
                                    "end_date": common.date_column(t("cb.col.end")),
                                    "service": t("cb.col.services"), "reason": t("cb.col.reason")})
    else:
        common.empty_state("cb.settings.no_freezes")
    if can_write:
        freezes_by_id = {f["id"]: f for f in freezes}
        choice = st.selectbox(t("cb.settings.freeze_choose"), [None, *freezes_by_id],
                              format_func=lambda i: t("cb.settings.freeze_new") if i is None else freezes_by_id[i]["name"])
        current = freezes_by_id.get(choice, {})
        with st.form(common.form_key("freeze-new") if choice is None else f"freeze-{choice}-{current.get('version')}"):
            name = st.text_input(t("cb.col.name"), current.get("name", ""))
            c1, c2, c3 = st.columns(3)
            start = c1.date_input(t("cb.col.start"), current.get("start_date", date.today()), format="DD.MM.YYYY")
            end = c2.date_input(t("cb.col.end"), current.get("end_date", date.today() + timedelta(days=7)),
                                format="DD.MM.YYYY")
            codes = [None, *services]
            service = c3.selectbox(t("cb.col.services"), codes,
                                   index=codes.index(current.get("service")) if current.get("service") in codes else 0,
                                   format_func=lambda c: t("cb.freeze.global") if c is None else services[c])
            reason = st.text_area(t("cb.col.reason"), current.get("reason", ""))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = {"name": name, "start_date": start, "end_date": end, "service_code": service, "reason": reason}
            if choice is None and common.save_once("freeze-new", payload, cb.save_freeze, payload,
                                                   success=t("ui.saved")):
                st.rerun()
            if choice is not None and common.write(cb.save_freeze, payload, freeze_id=choice,
                                                   expected_version=current.get("version"), success=t("ui.saved")):
                st.rerun()
        if choice is not None:
            if common.confirmed_button(t("cb.settings.freeze_delete_confirm", name=current["name"]),
                                       t("cb.settings.freeze_delete"), key=f"freeze-del-{choice}") and common.write(
                    cb.delete_freeze, choice, success=t("cb.settings.deleted")):
                st.rerun()

with override_tab:
    st.caption(t("cb.settings.overrides_help"))
    overrides = common.cached(cb.override_rows)
    if overrides:
        st.dataframe(pd.DataFrame(overrides)[["reference", "title", "freeze", "decided_by_name", "decided_at",
                                              "reason"]],
                     hide_index=True, width="stretch",
                     column_config={"reference": t("cb.col.ref"), "title": t("cb.col.title"),
                                    "freeze": t("cb.settings.freezes"), "decided_by_name": t("cb.col.decided_by"),
                                    "decided_at": common.datetime_column(t("cb.col.day")),
                                    "reason": st.column_config.TextColumn(t("cb.col.reason"), width="large")})
    else:
        common.empty_state("cb.settings.no_overrides")

with load_tab:
    st.caption(t("cb.settings.load_help", default=cb.DEFAULT_WEEKLY_LIMIT))
    limits = common.cached(cb.load_limit_rows)
    if limits:
        st.dataframe(pd.DataFrame(limits), hide_index=True, width="stretch",
                     column_config={"valid_from": common.date_column(t("cb.settings.valid_from")),
                                    "max_changes": st.column_config.NumberColumn(t("cb.col.limit")),
                                    "note": t("cb.col.note")})
    else:
        common.empty_state("cb.settings.no_limits", default=cb.DEFAULT_WEEKLY_LIMIT)
    if can_write:
        with st.form("load-limit"):
            c1, c2 = st.columns(2)
            valid_from = c1.date_input(t("cb.settings.valid_from"), cb.monday_of(date.today()), format="DD.MM.YYYY",
                                       help=t("cb.settings.valid_from_help"))
            max_changes = c2.number_input(t("cb.col.limit"), min_value=1, max_value=200, value=cb.DEFAULT_WEEKLY_LIMIT)
            note = st.text_input(t("cb.col.note"))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved and common.write(cb.set_load_limit, {"valid_from": valid_from, "max_changes": max_changes,
                                                      "note": note}, success=t("ui.saved")):
            st.rerun()

with template_tab:
    st.caption(t("cb.settings.templates_help"))
    templates = common.cached(cb.template_rows)
    if templates:
        st.dataframe(pd.DataFrame(templates).drop(columns=["id", "version"]), hide_index=True, width="stretch",
                     column_config={"name": t("cb.col.name"), "description": t("cb.col.description"),
                                    "rollback_plan": t("cb.items.rollback"), "max_risk": t("cb.settings.max_risk"),
                                    "max_impact": t("cb.settings.max_impact"), "outage": t("cb.flag.outage"),
                                    "active": t("cb.settings.active")})
    else:
        common.empty_state("cb.settings.no_templates")
    if can_write:
        templates_by_id = {tp["id"]: tp for tp in templates}
        choice = st.selectbox(t("cb.settings.template_choose"), [None, *templates_by_id],
                              format_func=lambda i: t("cb.settings.template_new") if i is None else templates_by_id[i]["name"])
        current = templates_by_id.get(choice, {})
        with st.form(common.form_key("template-new") if choice is None else f"template-{choice}-{current.get('version')}"):
            name = st.text_input(t("cb.col.name"), current.get("name", ""))
            description = st.text_area(t("cb.col.description"), current.get("description", ""))
            rollback = st.text_area(t("cb.items.rollback"), current.get("rollback_plan", ""))
            c1, c2, c3 = st.columns(3)
            max_risk = c1.slider(t("cb.settings.max_risk"), 1, 5, current.get("max_risk", 2))
            max_impact = c2.slider(t("cb.settings.max_impact"), 1, 5, current.get("max_impact", 2))
            outage = c3.checkbox(t("cb.flag.outage"), current.get("outage", False))
            active = c3.checkbox(t("cb.settings.active"), current.get("active", True))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        template = {"name": name, "description": description, "rollback_plan": rollback, "max_risk": max_risk,
                    "max_impact": max_impact, "outage": outage, "active": active}
        if saved and choice is None and common.save_once("template-new", template, cb.save_template, template,
                                                         success=t("ui.saved")):
            st.rerun()
        if saved and choice is not None and common.write(cb.save_template, template, template_id=choice,
                                                         expected_version=current.get("version"),
                                                         success=t("ui.saved")):
            st.rerun()

with topic_tab:
    st.caption(t("cb.settings.topics_help"))
    agenda = common.cached(agenda_mod.build_agenda, agenda_mod.next_monday(date.today()), 1)
    topics = agenda.sections["cross"]
    if topics:
        st.dataframe(pd.DataFrame([{"reference": e.reference, "title": e.title, "area": ", ".join(e.flags),
                                    "detail": e.detail} for e in topics]), hide_index=True, width="stretch",
                     column_config={"reference": t("cb.col.ref"), "title": t("cb.col.title"),
                                    "area": t("cb.col.area"), "detail": t("cb.col.description")})
    else:
        common.empty_state("cb.section.cross.empty")
    if actor.can("changeboard.write") or actor.can("risk.write") or actor.can("architecture.write"):
        with st.form(common.form_key("topic")):
            title = st.text_input(t("cb.col.title"))
            areas = [a.value for a in TopicArea]
            default_area = "security" if actor.can("risk.write") else "architecture" if actor.can(
                "architecture.write") else "other"
            area = st.selectbox(t("cb.col.area"), areas, index=areas.index(default_area),
                                format_func=lambda a: t(f"cb.area.{a}"))
            description = st.text_area(t("cb.col.description"))
            raised = st.form_submit_button(t("cb.settings.topic_add"), type="primary")
        topic = {"title": title, "area": area, "description": description, "raised_on": date.today()}
        if raised and common.save_once("topic", topic, agenda_mod.add_topic, topic, success=t("cb.settings.topic_added")):
            st.rerun()
