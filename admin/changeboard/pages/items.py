from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from admin.changeboard import changes as cb
from admin.changeboard import exports, notify
from admin.changeboard.models import ChangeSource, ChangeStatus, ChangeType
from data.crud import service_choices
from data.i18n import t
from data.pages import common
from data.registers.registry import list_components

actor = common.require_actor()
common.header("cb.page.items", "cb.items.intro")
can_write = actor.can("changeboard.write")

with common.session() as session:
    services = service_choices(session)
    components = [(c.code, c.name) for c in list_components(session)]
    templates = [r for r in cb.template_rows(session) if r["active"]]
    projects = cb.project_choices(session)
service_names = dict(services)
project_names = dict(projects)

filters = st.columns([2, 2, 2, 3])
statuses = filters[0].multiselect(t("cb.col.status"), [s.value for s in ChangeStatus],
                                  format_func=lambda s: t(f"cb.status.{s}"))
types = filters[1].multiselect(t("cb.col.type"), [s.value for s in ChangeType],
                               format_func=lambda s: t(f"cb.type.{s}"))
chosen_services = filters[2].multiselect(t("cb.col.services"), list(service_names), format_func=service_names.get)
search = filters[3].text_input(t("ui.search"), placeholder=t("cb.items.search_placeholder"))

rows = common.cached(cb.item_rows, tuple(statuses), tuple(types), tuple(chosen_services), search)
if not rows:
    common.empty_state("cb.items.empty")
else:
    frame = pd.DataFrame(rows)
    shown = pd.DataFrame({
        "reference": frame["reference"], "title": frame["title"],
        "change_type": frame["change_type"].map(lambda v: t(f"cb.type.{v}")),
        "status": frame["status"].map(lambda v: t(f"cb.status.{v}")),
        "source": frame["source"].map(lambda v: t(f"cb.source.{v}")),
        "services": frame["services"].map(lambda codes: ", ".join(service_names.get(c, c) for c in codes)),
        "window": frame["window"],
        "score": frame["score"], "outage": frame["outage"],
        "project": [project_names.get(p) or r for p, r in zip(frame["project_id"], frame["project_ref"], strict=True)],
        "created_at": frame["created_at"],
    })
    st.caption(t("cb.items.count", count=len(shown)))
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "reference": st.column_config.TextColumn(t("cb.col.ref"), width="small"),
        "title": st.column_config.TextColumn(t("cb.col.title"), width="large"),
        "change_type": st.column_config.TextColumn(t("cb.col.type")),
        "status": st.column_config.TextColumn(t("cb.col.status")),
        "source": st.column_config.TextColumn(t("cb.col.source")),
        "services": st.column_config.TextColumn(t("cb.col.services")),
        "window": st.column_config.TextColumn(t("cb.col.window")),
        "score": st.column_config.ProgressColumn(t("cb.col.score"), min_value=0, max_value=25, format="%d"),
        "outage": st.column_config.CheckboxColumn(t("cb.flag.outage")),
        "project": st.column_config.TextColumn(t("cb.col.project")),
        "created_at": common.datetime_column(t("cb.col.created")),
    })
    st.download_button(t("ui.download_excel"), exports.items_workbook(rows, project_names), "endringer.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")


def _window_inputs(prefix: str, current: dict, container) -> tuple[datetime | None, datetime | None]:
    start, end = current.get("planned_start"), current.get("planned_end")
    start_local = start.astimezone(cb.OSLO) if start is not None else None
    end_local = end.astimezone(cb.OSLO) if end is not None else None
    c1, c2, c3, c4 = container.columns(4)
    start_day = c1.date_input(t("cb.items.start_day"), start_local.date() if start_local else None,
                              format="DD.MM.YYYY", key=f"{prefix}-sd")
    start_time = c2.time_input(t("cb.items.start_time"), start_local.time() if start_local else time(20, 0),
                               key=f"{prefix}-st")
    end_day = c3.date_input(t("cb.items.end_day"), end_local.date() if end_local else None, format="DD.MM.YYYY",
                            key=f"{prefix}-ed")
    end_time = c4.time_input(t("cb.items.end_time"), end_local.time() if end_local else time(22, 0),
                             key=f"{prefix}-et")
    planned_start = datetime.combine(start_day, start_time) if start_day else None
    planned_end = datetime.combine(end_day or start_day, end_time) if (end_day or start_day) else None
    return planned_start, planned_end


def item_form(key: str, current: dict) -> dict | None:
    """The fields of a change item; returns the payload when the form is submitted."""
    with st.form(key):
        title = st.text_input(t("cb.col.title"), current.get("title", ""))
        c1, c2, c3 = st.columns(3)
        sources = [s.value for s in ChangeSource]
        source = c1.selectbox(t("cb.col.source"), sources, index=sources.index(current.get("source", "operations")),
                              format_func=lambda s: t(f"cb.source.{s}"))
        kinds = [s.value for s in ChangeType]
        change_type = c2.selectbox(t("cb.col.type"), kinds, index=kinds.index(current.get("change_type", "normal")),
                                   format_func=lambda s: t(f"cb.type.{s}"), help=t("cb.items.type_help"))
        template_ids = [None] + [tp["id"] for tp in templates]
        template_names = {tp["id"]: tp["name"] for tp in templates}
        template_id = c3.selectbox(t("cb.items.template"), template_ids,
                                   index=template_ids.index(current.get("template_id"))
                                   if current.get("template_id") in template_ids else 0,
                                   format_func=lambda i: t("ui.none") if i is None else template_names[i],
                                   help=t("cb.items.template_help"))
        description = st.text_area(t("cb.col.description"), current.get("description", ""))
        s1, s2 = st.columns(2)
        item_services = s1.multiselect(t("cb.col.services"), list(service_names), default=current.get("services", []),
                                       format_func=service_names.get)
        component_names = dict(components)
        item_components = s2.multiselect(t("cb.col.components"), list(component_names),
                                         default=current.get("components", []), format_func=component_names.get)
        st.markdown(f"**{t('cb.items.window')}**")
        planned_start, planned_end = _window_inputs(key, current, st)
        r1, r2, r3, r4 = st.columns(4)
        risk = r1.slider(t("cb.col.risk"), 1, 5, current.get("risk", 2), help=t("cb.items.scale_help"))
        impact = r2.slider(t("cb.col.impact"), 1, 5, current.get("impact", 2), help=t("cb.items.scale_help"))
        outage = r3.checkbox(t("cb.flag.outage"), current.get("outage", False))
        user_impact = r3.checkbox(t("cb.flag.user_impact"), current.get("user_impact", False))
        ros = r4.checkbox(t("cb.flag.ros"), current.get("requires_ros_update", False), help=t("cb.items.ros_help"))
        security = r4.checkbox(t("cb.flag.security"), current.get("security_relevant", False))
        architecture = r4.checkbox(t("cb.flag.architecture"), current.get("architecture_relevant", False))
        rollback = st.text_area(t("cb.items.rollback"), current.get("rollback_plan", ""),
                                help=t("cb.items.rollback_help"))
        p1, p2, p3, p4 = st.columns(4)
        project_ids = [None, *project_names]
        project_id = p1.selectbox(t("cb.col.project"), project_ids,
                                  index=project_ids.index(current.get("project_id"))
                                  if current.get("project_id") in project_ids else 0,
                                  format_func=lambda i: t("ui.none") if i is None else project_names[i])
        project_ref = p2.text_input(t("cb.items.project_ref"), current.get("project_ref", ""),
                                    help=t("cb.items.project_ref_help"))
        owner = p3.text_input(t("cb.col.owner"), current.get("owner", ""))
        tickets = p4.text_input(t("cb.col.tickets"), ", ".join(str(n) for n in current.get("tickets", [])),
                                help=t("cb.items.tickets_help"))
        submitted = st.form_submit_button(t("ui.save"), type="primary")
    if not submitted:
        return None
    return {"title": title, "description": description, "source": source, "change_type": change_type,
            "template_id": template_id, "planned_start": planned_start, "planned_end": planned_end,
            "outage": outage, "user_impact": user_impact, "rollback_plan": rollback, "risk": risk,
            "impact": impact, "requires_ros_update": ros, "security_relevant": security,
            "architecture_relevant": architecture, "project_id": project_id, "project_ref": project_ref,
            "owner": owner, "service_codes": item_services, "component_codes": item_components,
            "ticket_numbers": tickets}


if can_write:
    with st.expander(t("cb.items.new"), icon=":material/add:"):
        payload = item_form(common.form_key("new-item"), {})
        if payload is not None:
            created = common.save_once("new-item", payload, cb.create_item, payload, success=t("cb.items.created"))
            if created:
                st.rerun()

if rows:
    st.header(t("cb.items.one"))
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(t("cb.items.choose"), list(by_id), index=None,
                          format_func=lambda i: f"{by_id[i]['reference']} · {by_id[i]['title']}")
    if chosen is not None:
        item = by_id[chosen]
        st.markdown(f"### {item['reference']} · {item['title']}")
        labels = [t("cb.type." + item["change_type"]), t("cb.status." + item["status"]),
                  t("cb.source." + item["source"]), item["window"]]
        st.caption(" · ".join(labels))
        if item["description"]:
            st.write(item["description"])
        facts = st.columns(4)
        facts[0].metric(t("cb.col.score"), f"{item['risk']} × {item['impact']} = {item['score']}")
        facts[1].metric(t("cb.col.services"), ", ".join(service_names.get(c, c) for c in item["services"]) or "–")
        facts[2].metric(t("cb.col.tickets"), ", ".join(f"#{n}" for n in item["tickets"]) or "–")
        facts[3].metric(t("cb.col.decided_by"), common.people().get(item["decided_by"], item["decided_by"]) or "–")
        if item["decision_note"]:
            st.info(t("cb.items.decision_note", note=item["decision_note"]))
        if item["ros_review_requested_at"]:
            st.caption(t("cb.items.ros_requested"))
        if item["planned_start"] is not None:
            first = item["planned_start"].astimezone(cb.OSLO).date()
            conflicts = [c for c in common.cached(cb.schedule, first - timedelta(days=7), first + timedelta(days=7))
                         ["conflicts"] if item["reference"] in c["items"]]
            for c in conflicts:
                (st.info if c["overridden"] else st.warning)(c["text"], icon=":material/warning:")

        if can_write and item["next"]:
            st.markdown(f"**{t('cb.items.next_step')}**")
            with st.form(f"transition-{chosen}-{item['version']}"):
                target = st.radio(t("cb.items.move_to"), item["next"], horizontal=True,
                                  format_func=lambda s: t(f"cb.status.{s}"))
                note = st.text_input(t("cb.col.note"), help=t("cb.items.note_help"))
                moved = st.form_submit_button(t("cb.items.move"), type="primary")
            if moved and common.write(cb.transition, chosen, target, note, expected_version=item["version"],
                                      success=t("ui.saved")):
                st.rerun()
        elif item["next"]:
            st.caption(t("cb.items.next_steps", steps=", ".join(t(f"cb.status.{s}") for s in item["next"])))

        if item["planned_start"] is not None and actor.can("changeboard.override"):
            with common.session() as session:
                hits = [(w.id, w.name) for w in cb.freeze_hits(session, cb.get_item(session, chosen))]
            if hits:
                st.markdown(f"**{t('cb.override.title')}**")
                st.caption(t("cb.override.help"))
                with st.form(common.form_key(f"override-{chosen}")):
                    window_id = st.selectbox(t("cb.override.window"), [h[0] for h in hits],
                                             format_func=dict(hits).get)
                    reason = st.text_area(t("cb.col.reason"))
                    decided = st.form_submit_button(t("cb.override.save"), type="primary")
                override = {"window_id": window_id, "reason": reason}
                if decided and common.save_once(f"override-{chosen}", override, cb.override_freeze, chosen,
                                                window_id, {"reason": reason}, success=t("cb.override.saved")):
                    st.rerun()

        if item["outage"] or item["user_impact"]:
            with st.expander(t("cb.notify.title"), icon=":material/mail:"):
                with common.session() as session:
                    notice = notify.who_to_tell(session, chosen)
                    csv_content = exports.recipients_csv(notice)
                    text = notify.message_text(notice)
                st.caption(t("cb.notify.from_appendices") if notice.from_appendices else t("cb.notify.from_all"))
                st.write(t("cb.notify.count", count=len(notice.recipients)))
                if notice.without_email:
                    st.warning(t("cb.notify.without_email", names=", ".join(notice.without_email[:20]),
                                 count=len(notice.without_email)))
                if notice.recipients:
                    st.dataframe(pd.DataFrame([{"organisation": r.organisation, "email": r.email,
                                                "services": ", ".join(r.services)} for r in notice.recipients]),
                                 hide_index=True, width="stretch",
                                 column_config={"organisation": t("cb.notify.organisation"),
                                                "email": t("cb.notify.email"), "services": t("cb.notify.services")})
                d1, d2 = st.columns(2)
                d1.download_button(t("ui.download_csv"), csv_content, f"varsling-{item['reference']}.csv",
                                   mime="text/csv", icon=":material/download:")
                d2.download_button(t("cb.notify.download_text"), text.encode("utf-8"),
                                   f"varsling-{item['reference']}.txt", mime="text/plain", icon=":material/download:")
                st.text_area(t("cb.notify.message"), text, height=320)

        if can_write and item["status"] not in ("closed", "rejected"):
            with st.expander(t("cb.items.edit"), icon=":material/edit:"):
                payload = item_form(f"edit-{chosen}-{item['version']}", item)
                if payload is not None and common.write(cb.update_item, chosen, payload,
                                                        expected_version=item["version"], success=t("ui.saved")):
                    st.rerun()

