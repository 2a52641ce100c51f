from datetime import date

import pandas as pd
import streamlit as st

from data.errors import ValidationFailed
from data.i18n import t
from data.pages import common
from portfolio import exports, projects, staffing
from portfolio.models import PersonKind, Phase
from portfolio.schemas import add_months, month_label, month_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNT_KEYS = ("rows", "added", "changed", "unchanged", "removed")

actor = common.require_actor(frozenset({"leader", "portfolio"}))
common.header("pf.page.staffing", "pf.staffing.intro")
can_write = actor.can("portfolio.write")

with common.session() as session:
    roles = staffing.role_choices(session)
    role_rows = [dict(code=r.code, name=staffing.role_label(r.code, r.name), competence=r.competence,
                      sort_order=r.sort_order, version=r.version) for r in staffing.roles(session)]

if not roles:
    common.empty_state("pf.staffing.no_roles")
    if can_write and st.button(t("pf.staffing.add_standard_roles"), type="primary"):
        if common.write(staffing.ensure_standard_roles, success=t("ui.saved")):
            st.rerun()
    st.stop()

people_tab, roles_tab, load_tab, needs_tab = st.tabs([t("pf.staffing.people"), t("pf.staffing.roles"),
                                                      t("pf.staffing.background"), t("pf.staffing.needs")])

with people_tab:
    people = common.cached(staffing.people_rows)
    if people:
        frame = pd.DataFrame(people)
        kind_filter = st.segmented_control(t("pf.col.kind"), [k.value for k in PersonKind], selection_mode="multi",
                                           format_func=lambda k: t(f"pf.kind.{k}"), key="pf-kind-filter")
        if kind_filter:
            frame = frame[frame["kind"].isin(kind_filter)]
        frame["kind"] = frame["kind"].map(lambda k: t(f"pf.kind.{k}"))
        frame["fte"] = frame["fte"].astype(float)
        frame["changes"] = frame["changes"].map(len)
        st.dataframe(frame[["name", "fte", "availability", "kind", "roles", "start_date", "end_date", "competence",
                            "changes"]], hide_index=True, width="stretch",
                     column_config={
                         "name": t("pf.col.person"), "kind": t("pf.col.kind"),
                         "fte": st.column_config.NumberColumn(t("pf.col.fte_person"), format="%.2f"),
                         "availability": st.column_config.NumberColumn(t("pf.col.availability"), format="percent",
                                                                       help=t("pf.staffing.availability_help")),
                         "roles": t("pf.col.roles"), "start_date": common.date_column(t("pf.col.start")),
                         "end_date": common.date_column(t("pf.col.end")), "competence": t("pf.col.competence"),
                         "changes": st.column_config.NumberColumn(t("pf.col.changes"), format="%d")})
    else:
        common.empty_state("pf.staffing.no_people")

    if can_write:
        st.header(t("pf.staffing.edit_person"))
        people_by_id = {p["id"]: p for p in people}
        choice = st.selectbox(t("pf.staffing.choose_person"), [None, *people_by_id],
                              format_func=lambda i: t("pf.staffing.new_person") if i is None
                              else people_by_id[i]["name"])
        current = people_by_id.get(choice, {})
        current_roles = current.get("role_codes", [])
        codes = list(roles)
        with st.form(common.form_key("pf-person-new") if choice is None
                     else f"pf-person-{choice}-{current.get('version')}"):
            c1, c2, c3 = st.columns(3)
            name = c1.text_input(t("pf.col.person"), current.get("name", ""))
            kinds = [k.value for k in PersonKind]
            kind = c2.selectbox(t("pf.col.kind"), kinds, index=kinds.index(current.get("kind", "internal")),
                                format_func=lambda k: t(f"pf.kind.{k}"))
            fte_pct = c3.number_input(t("pf.col.fte_pct"), 1, 100, int(float(current.get("fte", 1)) * 100),
                                      help=t("pf.staffing.fte_pct_help"))
            role1 = c1.selectbox(t("pf.col.role"), codes, format_func=roles.get,
                                 index=codes.index(current_roles[0][0]) if current_roles else 0)
            share1 = c2.number_input(t("pf.col.share"), 1, 100, current_roles[0][1] if current_roles else 100,
                                     help=t("pf.staffing.share_help"))
            availability = c3.number_input(t("pf.col.availability_pct"), 0, 100,
                                           int(round(current.get("availability", 0.85) * 100)),
                                           help=t("pf.staffing.availability_help"))
            role2 = c1.selectbox(t("pf.col.second_role"), [None, *codes],
                                 format_func=lambda c: t("ui.none") if c is None else roles[c],
                                 index=codes.index(current_roles[1][0]) + 1 if len(current_roles) > 1 else 0)
            share2 = c2.number_input(t("pf.col.second_share"), 0, 99,
                                     current_roles[1][1] if len(current_roles) > 1 else 0)
            start = c3.date_input(t("pf.col.start"), current.get("start_date", date.today()), format="DD.MM.YYYY")
            end = c3.date_input(t("pf.col.end"), current.get("end_date"), format="DD.MM.YYYY")
            competence = st.text_input(t("pf.col.competence"), current.get("competence", ""))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            person_roles = [dict(role_code=role1, share_pct=share1)]
            if role2:
                person_roles.append(dict(role_code=role2, share_pct=share2))
            payload = dict(name=name, kind=kind, fte_pct=fte_pct, availability_pct=availability, start_date=start,
                           end_date=end, competence=competence, roles=person_roles)
            if choice is None:
                saved_person = common.save_once("pf-person-new", payload, staffing.save_person, payload,
                                                success=t("ui.saved"))
            else:
                saved_person = common.write(staffing.save_person, payload, person_id=choice,
                                            expected_version=current.get("version"), success=t("ui.saved"))
            if saved_person:
                st.rerun()
        if choice is not None:
            st.markdown(f"**{t('pf.staffing.changes')}**")
            st.caption(t("pf.staffing.changes_help"))
            changes = pd.DataFrame(current["changes"])
            if not changes.empty:
                changes["fte"] = changes["fte"].astype(float)
                st.dataframe(changes.drop(columns=["id"]), hide_index=True, column_config={
                    "effective_from": common.date_column(t("pf.col.effective_from")),
                    "fte": st.column_config.NumberColumn(t("pf.col.fte_person"), format="%.2f"),
                    "availability": st.column_config.NumberColumn(t("pf.col.availability"), format="percent"),
                    "note": t("pf.col.note")})
            with st.form(common.form_key(f"pf-change-{choice}")):
                c1, c2, c3 = st.columns(3)
                effective = c1.date_input(t("pf.col.effective_from"), add_months(month_start(date.today()), 1),
                                          format="DD.MM.YYYY", help=t("pf.staffing.month_help"))
                new_fte = c2.number_input(t("pf.col.fte_pct"), 0, 100, int(float(current["fte"]) * 100))
                new_availability = c3.number_input(t("pf.col.availability_pct"), 0, 100,
                                                   int(round(current["availability"] * 100)))
                note = st.text_input(t("pf.col.note"), placeholder=t("pf.staffing.note_placeholder"))
                added = st.form_submit_button(t("pf.staffing.add_change"))
            change = dict(effective_from=effective, fte_pct=new_fte, availability_pct=new_availability, note=note)
            if added and common.save_once(f"pf-change-{choice}", change, staffing.add_schedule_change, choice, change,
                                          success=t("ui.saved")):
                st.rerun()
            if current["changes"]:
                by_change = {c["id"]: c for c in current["changes"]}
                drop = st.selectbox(t("pf.staffing.remove_change"), [None, *by_change],
                                    format_func=lambda i: "–" if i is None else
                                    f"{month_label(by_change[i]['effective_from'])} {by_change[i]['note']}")
                if drop is not None and st.button(t("pf.staffing.remove"), key="pf-remove-change",
                                                  icon=":material/delete:"):
                    if common.write(staffing.remove_schedule_change, drop, success=t("ui.saved")):
                        st.rerun()

with roles_tab:
    frame = pd.DataFrame(role_rows)
    st.dataframe(frame[["name", "code", "competence"]], hide_index=True, width="stretch", column_config={
        "code": t("pf.col.code"), "name": t("pf.col.role"), "competence": t("pf.col.competence")})
    if can_write:
        roles_by_code = {r["code"]: r for r in role_rows}
        role_choice = st.selectbox(t("pf.staffing.choose_role"), [None, *roles_by_code],
                                   format_func=lambda c: t("pf.staffing.new_role") if c is None
                                   else roles_by_code[c]["name"])
        role_current = roles_by_code.get(role_choice, {})
        with st.form(common.form_key("pf-role-new") if role_choice is None
                     else f"pf-role-{role_choice}-{role_current.get('version')}"):
            c1, c2 = st.columns(2)
            code = c1.text_input(t("pf.col.code"), role_current.get("code", ""), disabled=role_choice is not None)
            name = c2.text_input(t("pf.col.role"), role_current.get("name", ""))
            competence = st.text_input(t("pf.col.competence"), role_current.get("competence", ""))
            saved = st.form_submit_button(t("ui.save"), type="primary")
        role_payload = dict(code=code or role_choice, name=name, competence=competence,
                            sort_order=role_current.get("sort_order", 500))
        if saved and role_choice is None:
            saved = common.save_once("pf-role-new", role_payload, staffing.save_role, role_payload, new=True,
                                     success=t("ui.saved"))
        elif saved:
            saved = common.write(staffing.save_role, role_payload, expected_version=role_current.get("version"),
                                 success=t("ui.saved"))
        if saved:
            st.rerun()

with load_tab:
    st.caption(t("pf.staffing.background_help"))
    service_labels = common.service_names()
    loads = common.cached(staffing.background_rows)
    if loads:
        frame = pd.DataFrame(loads)
        frame["fte"] = frame["fte"].astype(float)
        frame["service_code"] = frame["service_code"].map(lambda c: service_labels.get(c, c) if c else None)
        st.dataframe(frame[["description", "role", "fte", "service_code", "start_month", "end_month"]],
                     hide_index=True, width="stretch",
                     column_config={"role": t("pf.col.role"), "description": t("pf.col.description"),
                                    "service_code": t("pf.col.service"),
                                    "fte": st.column_config.NumberColumn(t("pf.col.fte"), format="%.2f"),
                                    "start_month": common.date_column(t("pf.col.start")),
                                    "end_month": common.date_column(t("pf.col.end"))})
    else:
        common.empty_state("pf.staffing.no_background")
    if can_write:
        with st.form(common.form_key("pf-load")):
            c1, c2, c3 = st.columns(3)
            load_role = c1.selectbox(t("pf.col.role"), list(roles), format_func=roles.get)
            description = c2.text_input(t("pf.col.description"))
            amount = c3.number_input(t("pf.col.fte"), 0.05, 50.0, 0.5, step=0.05, format="%.2f")
            start = c1.date_input(t("pf.col.start"), month_start(date.today()), format="DD.MM.YYYY")
            end = c2.date_input(t("pf.col.end"), None, format="DD.MM.YYYY")
            service = c3.selectbox(t("pf.col.service"), [None, *service_labels],
                                   format_func=lambda c: t("ui.none") if c is None else service_labels[c])
            added = st.form_submit_button(t("pf.staffing.add_background"))
        load = dict(role_code=load_role, description=description, fte=amount, start_month=start, end_month=end,
                    service_code=service or None)
        if added and common.save_once("pf-load", load, staffing.save_background_load, load, success=t("ui.saved")):
            st.rerun()
        if loads:
            loads_by_id = {r["id"]: r for r in loads}
            remove = st.selectbox(t("pf.staffing.remove_background"), [None, *loads_by_id],
                                  format_func=lambda i: "–" if i is None else f"{loads_by_id[i]['role']}: "
                                  f"{loads_by_id[i]['description']}")
            if remove is not None and st.button(t("pf.staffing.remove"), icon=":material/delete:"):
                if common.write(staffing.remove_background_load, remove, success=t("ui.saved")):
                    st.rerun()

with needs_tab:
    st.caption(t("pf.staffing.needs_help"))
    active = [r for r in common.cached(projects.project_rows) if r["phase"] != Phase.HANDED_OVER]
    if not active:
        common.empty_state("pf.board.empty")
    else:
        projects_by_id = {r["id"]: r for r in active}
        chosen = st.selectbox(t("pf.col.project"), list(projects_by_id),
                              format_func=lambda i: f"#{projects_by_id[i]['priority']} {projects_by_id[i]['name']}")
        project = projects_by_id[chosen]
        st.caption(t("pf.staffing.project_period", first=month_label(project["start_date"]),
                     last=month_label(project["end_date"])))
        needs = common.cached(staffing.need_rows, chosen)
        if needs:
            frame = pd.DataFrame(needs)
            frame["fte"] = frame["fte"].astype(float)
            frame["month"] = frame["month"].map(month_label)
            frame["who"] = [p if p else t("pf.col.open") for p in frame["person"]]
            pivot = frame.pivot_table(index=["role", "who"], columns="month", values="fte", aggfunc="sum",
                                      fill_value=0.0)
            st.dataframe(pivot, width="stretch")
        else:
            common.empty_state("pf.staffing.no_needs")
        if can_write:
            with common.session() as session:
                people_choice = staffing.person_choices(session)
            with st.form(common.form_key(f"pf-need-{chosen}")):
                c1, c2, c3 = st.columns(3)
                role = c1.selectbox(t("pf.col.role"), list(roles), format_func=roles.get)
                who = c2.selectbox(t("pf.col.person"), [None, *people_choice],
                                   format_func=lambda i: t("pf.staffing.open_request") if i is None
                                   else people_choice[i])
                amount = c3.number_input(t("pf.col.fte"), 0.0, 50.0, 0.5, step=0.05, format="%.2f",
                                         help=t("pf.staffing.zero_removes"))
                first = c1.date_input(t("pf.col.first_month"), max(month_start(project["start_date"]),
                                                                    month_start(date.today())),
                                      format="DD.MM.YYYY")
                last = c2.date_input(t("pf.col.last_month"), month_start(project["end_date"]), format="DD.MM.YYYY")
                saved = st.form_submit_button(t("pf.staffing.set_need"), type="primary")
            need = dict(project_id=chosen, role_code=role, person_id=who, fte=amount, first_month=first,
                        last_month=last)
            if saved and common.save_once(f"pf-need-{chosen}", need, staffing.set_need, need, success=t("ui.saved")):
                st.rerun()


def show_demand_counts(counts: dict) -> None:
    st.dataframe(pd.DataFrame([{key: counts[key] for key in COUNT_KEYS}]), hide_index=True, width="stretch",
                 column_config={key: st.column_config.NumberColumn(t(f"pf.demand.{key}"), format="%d")
                                for key in COUNT_KEYS})


def demand_preview(content: bytes) -> dict | None:
    """Check the file and count what it would change (a dry run: nothing is written)."""
    try:
        with common.session() as session:
            return staffing.import_demand(session, actor, content, dry_run=True)
    except ValidationFailed as error:
        st.error(t("error.validation_failed", count=len(error.errors)))
        st.dataframe(pd.DataFrame([{"row": e.row, "where": e.field or "", "problem": e.message}
                                   for e in error.errors]), hide_index=True, width="stretch", column_config={
            "row": st.column_config.NumberColumn(t("pf.demand.row"), format="%d"),
            "where": st.column_config.TextColumn(t("pf.demand.where")),
            "problem": st.column_config.TextColumn(t("pf.demand.problem"))})
    except Exception as error:  # the error boundary: plain language, the detail logged under an error id
        common.show_error(error)
    return None


with needs_tab:
    st.header(t("pf.demand.excel"))
    st.caption(t("pf.demand.excel_help"))
    st.download_button(t("pf.demand.download"), common.cached(exports.demand_workbook), "behov.xlsx", mime=XLSX,
                       icon=":material/download:", key="pf-demand-download")
    if can_write:
        upload = st.file_uploader(t("pf.demand.file"), type=["xlsx"], key="pf-demand-upload")
        if upload is not None:
            content = upload.getvalue()
            preview = demand_preview(content)
            if preview is not None:
                st.success(t("pf.demand.checked"))
                show_demand_counts(preview)
                if preview["added"] + preview["changed"] + preview["removed"] == 0:
                    st.info(t("pf.demand.nothing_to_do"))
                else:
                    if preview["removed"]:
                        st.warning(t("pf.demand.will_remove", count=preview["removed"]))
                    if common.confirmed_button(t("pf.demand.confirm"), t("pf.demand.import_button"),
                                               key=f"pf-demand-confirm-{upload.file_id}", type="primary",
                                               icon=":material/upload:"):
                        result = common.write(staffing.import_demand, content, success=t("pf.demand.imported"))
                        if result is not None:
                            st.success(t("pf.demand.imported"))
                            show_demand_counts(result)
