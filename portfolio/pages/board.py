from datetime import date

import pandas as pd
import streamlit as st

from data.formatting import day, month_label
from data.i18n import t
from data.pages import common
from portfolio import projects
from portfolio.models import PHASES, DocumentKind, Financing, Phase, PrincipleVerdict

actor = common.require_actor()
common.header("pf.page.board", "pf.board.intro")
can_write = actor.can("portfolio.write")
can_approve = actor.can("gates.approve")
PERSONAL_DATA = [None, True, False]


def personal_data_label(value) -> str:
    return t("pf.personal_data.unknown") if value is None else t("pf.personal_data.yes" if value else "pf.personal_data.no")

rows = common.cached(projects.project_rows)
by_id = {r["id"]: r for r in rows}
service_labels = common.service_names()
linked = st.query_params.get("project", "")      # a link from the leader's approvals queue opens that project
linked_id = int(linked) if linked.isdigit() and int(linked) in by_id else None
if linked and linked_id is None:
    st.info(t("pf.board.linked_gone"), icon=":material/info:")
if linked_id is not None and st.session_state.get("pf-board-linked") != linked_id:
    st.session_state["pf-board-project"] = st.session_state["pf-board-linked"] = linked_id
if st.session_state.get("pf-board-project") not in by_id:
    st.session_state.pop("pf-board-project", None)       # a project chosen before that is gone now


def service_label(code: str, fallback: str | None = None) -> str:
    return service_labels.get(code) or fallback or code


if can_write:
    with common.session() as session:
        users = projects.user_choices(session)
        product_owners = projects.user_choices(session, "product_owner")
    with st.expander(t("pf.board.new"), icon=":material/add:", expanded=not rows):
        with st.form(common.form_key("pf-new-project")):
            c1, c2 = st.columns(2)
            name = c1.text_input(t("pf.col.project"))
            financing = c2.selectbox(t("pf.col.financing"), [f.value for f in Financing],
                                     format_func=lambda f: t(f"pf.financing.{f}"))
            service_code = c1.text_input(t("pf.col.service_code"), help=t("pf.board.service_help"))
            service_name = c2.text_input(t("pf.col.service_name"), help=t("pf.board.service_name_help"))
            start = c1.date_input(t("pf.col.start"), date.today(), format="DD.MM.YYYY")
            end = c2.date_input(t("pf.col.end"), date(date.today().year + 1, 12, 31), format="DD.MM.YYYY")
            owner = c1.selectbox(t("pf.col.owner"), [None, *users],
                                 format_func=lambda i: t("ui.none") if i is None else users[i])
            product_owner = c2.selectbox(t("pf.col.product_owner"), [None, *product_owners],
                                         format_func=lambda i: t("ui.none") if i is None else product_owners[i])
            personal_data = c1.selectbox(t("pf.col.personal_data"), PERSONAL_DATA, format_func=personal_data_label,
                                         help=t("pf.personal_data.help"))
            description = st.text_area(t("pf.col.description"))
            created = st.form_submit_button(t("pf.board.create"), type="primary")
        if created:
            payload = dict(name=name, financing=financing, service_code=service_code, service_name=service_name,
                           start_date=start, end_date=end, owner_id=owner, product_owner_id=product_owner,
                           description=description, handles_personal_data=personal_data)
            if common.save_once("pf-new-project", payload, projects.create_project, payload, success=t("ui.saved")):
                st.rerun()

if not rows:
    common.empty_state("pf.board.empty")
    st.stop()

frame = pd.DataFrame(rows)
# opened from the approvals queue: the project and its gate come first, the board folds away
overview = st.expander(t("pf.board.all_projects"), icon=":material/view_kanban:") if linked_id else st.container()
filters = overview.columns([3, 2, 2])
search = filters[0].text_input(t("ui.search"), placeholder=t("pf.board.search_placeholder"))
financing_filter = filters[1].multiselect(t("pf.col.financing"), [f.value for f in Financing],
                                          format_func=lambda f: t(f"pf.financing.{f}"))
services = sorted(frame["service_code"].unique())
service_filter = filters[2].multiselect(t("pf.col.service"), services, format_func=service_label)
shown = frame
if search:
    shown = shown[shown["name"].str.contains(search, case=False, regex=False)]
if financing_filter:
    shown = shown[shown["financing"].isin(financing_filter)]
if service_filter:
    shown = shown[shown["service_code"].isin(service_filter)]

columns = overview.columns(len(PHASES))
for column, phase in zip(columns, PHASES, strict=True):
    in_phase = shown[shown["phase"] == phase].sort_values(["priority", "name"])
    column.markdown(f"**{projects.phase_label(phase)}** · {len(in_phase)}")
    for project in in_phase.to_dict("records"):
        with column.container(border=True):
            rank = "" if phase == Phase.HANDED_OVER else f"#{project['priority']} "
            st.markdown(f"**{rank}{project['name']}**")
            st.caption(f"{service_label(project['service_code'], project['service_name'])} · "
                       f"{t('pf.financing.' + project['financing'])}  \n"
                       f"{day(project['start_date'])}–{day(project['end_date'])}")

overview.download_button(t("ui.download_csv"),
                         common.csv_bytes(shown.drop(columns=["owner_id", "product_owner_id", "version", "id"])),
                         "prosjekter.csv", mime="text/csv", icon=":material/download:")

st.divider()
st.header(t("pf.board.detail"))
chosen = st.selectbox(t("pf.board.choose"), list(by_id), index=None, key="pf-board-project",
                      format_func=lambda i: f"#{by_id[i]['priority']} {by_id[i]['name']}"
                      if by_id[i]["phase"] != Phase.HANDED_OVER else by_id[i]["name"])
if chosen is None:
    st.stop()

project = by_id[chosen]
detail = common.cached(projects.project_detail, chosen)
metrics = st.columns(4)
metrics[0].metric(t("pf.col.phase"), projects.phase_label(project["phase"]))
metrics[1].metric(t("pf.col.priority"), "–" if project["phase"] == Phase.HANDED_OVER else project["priority"])
metrics[2].metric(t("pf.col.service"), service_label(project["service_code"], project["service_name"]))
metrics[3].metric(t("pf.col.financing"), t(f"pf.financing.{project['financing']}"))
st.caption(t("pf.board.people", owner=project["owner"] or "–", product_owner=project["product_owner"] or "–")
           + f" · {t('pf.col.personal_data')}: {personal_data_label(detail['handles_personal_data'])}")
if project["description"]:
    st.write(project["description"])
if detail["plain_language"]:
    st.caption(t("pf.board.plain_language_phase", text=detail["plain_language"]))

gate_col, doc_col = st.columns(2)
with gate_col:
    st.markdown(f"**{t('pf.board.gate')}**")
    if detail["next_phase"] is None:
        st.success(t("pf.board.done"))
    else:
        st.write(t("pf.board.next", phase=projects.phase_label(detail["next_phase"])))
        checklist = pd.DataFrame(detail["checklist"])
        st.caption(t("pf.board.checklist"))
        st.dataframe(checklist.assign(group=checklist["group"].map(lambda g: t(f"pf.group.{g}")))
                     [["group", "label", "done"]], hide_index=True, width="stretch",
                     column_config={"group": t("pf.board.checklist_group"), "label": t("pf.board.checklist_item"),
                                    "done": st.column_config.CheckboxColumn(t("pf.board.checklist_done"))})
        if can_approve and not detail["missing"]:
            st.warning(t("pf.board.waiting_you", phase=projects.phase_label(project["phase"]),
                         next=projects.phase_label(detail["next_phase"])), icon=":material/approval:")
        if detail["missing"]:
            for item in detail["missing"]:
                st.warning(item, icon=":material/block:")
        else:
            st.success(t("pf.board.ready"), icon=":material/check_circle:")
        if can_approve:
            with st.form(f"pf-gate-{chosen}-{detail['version']}"):
                comment = st.text_area(t("pf.board.comment"))
                if detail["next_phase"] == Phase.HANDED_OVER:
                    st.info(t("pf.board.handover_note", service=project["service_code"]))
                approved = st.form_submit_button(t("pf.board.approve"), type="primary",
                                                 disabled=bool(detail["missing"]))
            if approved and common.write(projects.approve_gate, chosen, {"comment": comment},
                                         expected_version=detail["version"], success=t("pf.board.approved")):
                st.rerun()
        elif detail["missing"] == []:
            st.caption(t("pf.board.leader_approves"))

with doc_col:
    st.markdown(f"**{t('pf.board.documents')}**")
    if detail["documents"]:
        docs = pd.DataFrame(detail["documents"])
        docs["kind"] = docs["kind"].map(lambda k: t(f"pf.doc.{k}"))
        st.dataframe(common.with_names(docs, persons=("added_by",))[["title", "kind", "reference", "added_by",
                                                                     "added_at"]], hide_index=True,
                     width="stretch", column_config={
            "kind": t("pf.col.document_kind"), "title": t("pf.col.title"), "reference": t("pf.col.reference"),
            "added_by": t("pf.col.added_by"), "added_at": common.datetime_column(t("pf.col.added_at"))})
    else:
        common.empty_state("pf.board.no_documents")
    if can_write and project["phase"] != Phase.HANDED_OVER:
        with st.form(common.form_key(f"pf-doc-{chosen}")):
            kind = st.selectbox(t("pf.col.document_kind"), [k.value for k in DocumentKind],
                                format_func=lambda k: t(f"pf.doc.{k}"))
            title = st.text_input(t("pf.col.title"))
            reference = st.text_input(t("pf.col.reference"), help=t("pf.board.reference_help"))
            added = st.form_submit_button(t("pf.board.add_document"))
        document = dict(kind=kind, title=title, reference=reference)
        if added and common.save_once(f"pf-doc-{chosen}", document, projects.add_document, chosen, document,
                                      success=t("ui.saved")):
            st.rerun()
        if detail["documents"]:
            documents = {d["id"]: d for d in detail["documents"]}
            remove = st.selectbox(t("pf.board.remove_document"), [None, *documents],
                                  format_func=lambda i: "–" if i is None else documents[i]["title"])
            if remove is not None and st.button(t("pf.board.remove"), icon=":material/delete:"):
                if common.write(projects.remove_document, remove, success=t("ui.saved")):
                    st.rerun()

# --- the assessment against the Fiks platform principles (asked at the planning gate) ---------------------
VERDICTS = [v.value for v in PrincipleVerdict]
with st.expander(t("pf.board.principles"), icon=":material/rule:", expanded=project["phase"] == Phase.PLANNING):
    st.caption(t("pf.board.principles_help"))
    principle_rows = pd.DataFrame(common.cached(projects.principle_rows, chosen))
    shown_principles = principle_rows.assign(
        principle=principle_rows["principle"].astype(str) + ". " + principle_rows["title"],
        verdict=principle_rows["verdict"].map(lambda v: t(f"pf.verdict.{v}") if isinstance(v, str) else None))
    if can_write and project["phase"] != Phase.HANDED_OVER:
        by_label = {t(f"pf.verdict.{v}"): v for v in VERDICTS}
        with st.form(f"pf-principles-{chosen}-{detail['version']}"):
            edited = st.data_editor(
                shown_principles[["principle", "text", "verdict", "reason"]], hide_index=True, width="stretch",
                disabled=["principle", "text"], key=f"pf-principles-editor-{chosen}-{detail['version']}",
                column_config={"principle": st.column_config.TextColumn(t("pf.col.principle"), width="medium"),
                               "text": st.column_config.TextColumn(t("pf.col.description"), width="large"),
                               "verdict": st.column_config.SelectboxColumn(t("pf.col.verdict"), options=list(by_label)),
                               "reason": st.column_config.TextColumn(t("pf.col.principle_reason"), width="large")})
            answer = st.radio(t("pf.col.personal_data"), PERSONAL_DATA, format_func=personal_data_label,
                              index=PERSONAL_DATA.index(detail["handles_personal_data"]), horizontal=True,
                              help=t("pf.personal_data.help"))
            saved_principles = st.form_submit_button(t("pf.board.save_principles"), type="primary")
        if saved_principles:
            rows_in = [{"principle": number, "verdict": by_label.get(verdict),
                        "reason": "" if not isinstance(reason, str) else reason}
                       for number, verdict, reason in zip(principle_rows["principle"], edited["verdict"],
                                                          edited["reason"], strict=True)]
            if common.write(projects.assess_principles, chosen, {"principles": rows_in, "handles_personal_data": answer},
                            success=t("ui.saved")):
                st.rerun()
    else:
        st.dataframe(common.with_names(shown_principles, persons=("assessed_by",))[
                         ["principle", "verdict", "reason", "assessed_by"]], hide_index=True,
                     width="stretch",
                     column_config={"principle": t("pf.col.principle"), "verdict": t("pf.col.verdict"),
                                    "reason": t("pf.col.principle_reason"), "assessed_by": t("pf.col.added_by")})

# --- change requests from the user councils, taken in as demand ----------------------------------------
st.markdown(f"**{t('pf.board.requests')}**")
if detail["requests"]:
    requests_frame = pd.DataFrame(detail["requests"])
    requests_frame["change_request"] = ("#" + requests_frame["change_request_id"].astype(str) + " "
                                        + requests_frame["title"])
    requests_frame["first_month"] = requests_frame["first_month"].map(lambda m: month_label(m) if m else None)
    requests_frame["last_month"] = requests_frame["last_month"].map(lambda m: month_label(m) if m else None)
    requests_frame["fte"] = requests_frame["fte"].map(lambda v: float(v) if v is not None else None)
    requests_frame = common.with_names(requests_frame, ("service_code",), ("added_by",))
    st.dataframe(requests_frame[["change_request", "service_code", "role", "first_month", "last_month", "fte",
                                 "added_by", "added_at"]], hide_index=True, width="stretch",
                 column_config={"change_request": t("pf.col.change_request"), "service_code": t("pf.col.service"),
                                "role": t("pf.col.role"), "first_month": t("pf.col.first_month"),
                                "last_month": t("pf.col.last_month"), "fte": t("pf.col.fte"),
                                "added_by": t("pf.col.added_by"), "added_at": common.datetime_column(t("pf.col.added_at"))})
else:
    common.empty_state("pf.board.no_requests")

st.markdown(f"**{t('pf.board.history')}**")
history = pd.DataFrame(detail["history"])
if not history.empty:
    history["from_phase"] = history["from_phase"].map(lambda p: projects.phase_label(p) if p else "–")
    history["to_phase"] = history["to_phase"].map(projects.phase_label)
    st.dataframe(history, hide_index=True, width="stretch", column_config={
        "from_phase": t("pf.col.from_phase"), "to_phase": t("pf.col.to_phase"),
        "at": common.datetime_column(t("pf.col.at")), "actor": t("pf.col.actor"), "comment": t("pf.col.comment")})

if can_write and project["phase"] != Phase.HANDED_OVER:
    with st.expander(t("pf.board.edit"), icon=":material/edit:"):
        with st.form(f"pf-edit-{chosen}-{project['version']}"):
            c1, c2 = st.columns(2)
            name = c1.text_input(t("pf.col.project"), project["name"])
            priority = c2.number_input(t("pf.col.priority"), min_value=1, value=int(project["priority"]))
            service_code = c1.text_input(t("pf.col.service_code"), project["service_code"])
            service_name = c2.text_input(t("pf.col.service_name"), project["service_name"])
            financing_values = [f.value for f in Financing]
            financing = c1.selectbox(t("pf.col.financing"), financing_values,
                                     index=financing_values.index(project["financing"]),
                                     format_func=lambda f: t(f"pf.financing.{f}"))
            owner_ids = [None, *users]
            owner = c2.selectbox(t("pf.col.owner"), owner_ids,
                                 index=owner_ids.index(project["owner_id"]) if project["owner_id"] in owner_ids else 0,
                                 format_func=lambda i: t("ui.none") if i is None else users[i])
            start = c1.date_input(t("pf.col.start"), project["start_date"], format="DD.MM.YYYY")
            end = c2.date_input(t("pf.col.end"), project["end_date"], format="DD.MM.YYYY")
            po_ids = [None, *product_owners]
            product_owner = c1.selectbox(
                t("pf.col.product_owner"), po_ids,
                index=po_ids.index(project["product_owner_id"]) if project["product_owner_id"] in po_ids else 0,
                format_func=lambda i: t("ui.none") if i is None else product_owners[i])
            personal_data = c2.selectbox(t("pf.col.personal_data"), PERSONAL_DATA, format_func=personal_data_label,
                                         index=PERSONAL_DATA.index(detail["handles_personal_data"]),
                                         help=t("pf.personal_data.help"))
            description = st.text_area(t("pf.col.description"), project["description"])
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            payload = dict(name=name, priority=priority, service_code=service_code, service_name=service_name,
                           financing=financing, owner_id=owner, product_owner_id=product_owner, start_date=start,
                           end_date=end, description=description, handles_personal_data=personal_data)
            if common.write(projects.update_project, chosen, payload, expected_version=project["version"],
                            success=t("ui.saved")):
                st.rerun()
        st.caption(t("pf.board.dates_note"))
