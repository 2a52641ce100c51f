from datetime import date

import pandas as pd
import streamlit as st

from agreements import change_requests, councils
from agreements.exports import contacts_workbook
from agreements.models import ChangeRequestStatus, MemberRole
from agreements.pages.widgets import call, pick_service, service_names, xlsx_button
from data.formatting import number
from data.i18n import t
from data.pages import common

actor = common.require_actor()
common.header("agr.page.councils", "agr.councils.intro")

code = pick_service(actor, "council-service")
if code is None:
    common.empty_state("agr.adoption.no_services")
    st.stop()
service_name = service_names()[code]
can_edit = actor.can("agreements.write", service=code)
ROLES = [r.value for r in MemberRole]


def role_label(role: str) -> str:
    return t(f"agr.role.{role}")


tab_meeting, tab_council, tab_meetings = st.tabs([t("agr.tab.user_meeting"), t("agr.tab.council"),
                                                  t("agr.tab.meetings")])

# --- the user meeting (derived) --------------------------------------------------------------------
with tab_meeting:
    st.caption(t("agr.user_meeting.help", service=service_name))
    contacts = common.cached(councils.user_meeting, code)
    if not contacts:
        common.empty_state("agr.user_meeting.empty", service=service_name)
    else:
        st.caption(t("agr.user_meeting.count", count=number(len(contacts))))
        frame = pd.DataFrame([c.__dict__ for c in contacts])
        search = st.text_input(t("ui.search"), key="um-search")
        if search.strip():
            frame = frame[frame["name"].str.contains(search.strip(), case=False, regex=False)]
        st.dataframe(frame.assign(kind=frame["kind"].map(lambda k: t(f"org.kind.{k}")))
                     [["org_number", "name", "kind", "population", "contact_email"]],
                     hide_index=True, width="stretch",
                     column_config={"org_number": t("agr.col.org_number"), "name": t("agr.col.organisation"),
                                    "kind": t("agr.kind"),
                                    "population": st.column_config.NumberColumn(t("agr.population"),
                                                                                format="localized"),
                                    "contact_email": t("agr.contact_email")})
        xlsx_button("ui.download_excel", contacts_workbook(t("agr.tab.user_meeting"), contacts),
                    f"brukermote-{code}.xlsx", key="um-download")
        emails = sorted({c.contact_email for c in contacts if c.contact_email})
        with st.expander(t("agr.user_meeting.emails", count=len(emails))):
            st.code("; ".join(emails), language=None)

# --- the council --------------------------------------------------------------------------------
with tab_council:
    with common.session() as session:
        council = councils.get_council(session, code)
        council_info = None if council is None else {"name": council.name, "mandate": council.mandate,
                                                     "version": council.version}
    for problem in common.cached(councils.council_problems, code):
        st.warning(problem, icon=":material/warning:")
    if council_info:
        st.markdown(f"**{council_info['name']}**")
        if council_info["mandate"]:
            st.write(council_info["mandate"])
    include_past = st.toggle(t("agr.council.include_past"), key="council-past")
    members = common.cached(councils.member_rows, code, None, include_past)
    if not members:
        common.empty_state("agr.council.no_members")
    else:
        frame = pd.DataFrame(members)
        st.dataframe(
            frame.assign(role=frame["role"].map(role_label))[
                ["person_name", "role", "organisation", "email", "term_from", "term_to", "sitting",
                 "in_user_meeting"]],
            hide_index=True, width="stretch",
            column_config={"person_name": t("agr.field.person_name"), "role": t("agr.field.role"),
                           "organisation": t("agr.col.organisation"), "email": t("agr.field.email"),
                           "term_from": common.date_column(t("agr.field.term_from")),
                           "term_to": common.date_column(t("agr.field.term_to")),
                           "sitting": st.column_config.CheckboxColumn(t("agr.council.sitting")),
                           "in_user_meeting": st.column_config.CheckboxColumn(t("agr.council.in_user_meeting"))})

    if can_edit:
        meeting_orgs = {c.organisation_id: c.name for c in common.cached(councils.user_meeting, code)}
        with st.expander(t("agr.council.settings"), icon=":material/settings:"):
            with st.form(f"council-{code}-{council_info['version'] if council_info else 0}"):
                name = st.text_input(t("agr.council.name"), council_info["name"] if council_info else
                                     t("agr.council.default_name", service=service_name))
                mandate = st.text_area(t("agr.council.mandate"), council_info["mandate"] if council_info else "")
                if st.form_submit_button(t("ui.save"), type="primary"):
                    if call(councils.save_council, {"service_code": code, "name": name, "mandate": mandate},
                            expected_version=council_info["version"] if council_info else None,
                            success=t("ui.saved")):
                        st.rerun()
        with st.expander(t("agr.council.add_member"), icon=":material/person_add:"):
            if not meeting_orgs:
                common.empty_state("agr.user_meeting.empty", service=service_name)
            else:
                with st.form(f"member-{code}", clear_on_submit=True):
                    f1, f2 = st.columns(2)
                    person = f1.text_input(t("agr.field.person_name"))
                    email = f2.text_input(t("agr.field.email"))
                    org_id = f1.selectbox(t("agr.col.organisation"), list(meeting_orgs), format_func=meeting_orgs.get)
                    role = f2.selectbox(t("agr.field.role"), ROLES, index=1, format_func=role_label)
                    term_from = f1.date_input(t("agr.field.term_from"), date.today(), format="DD.MM.YYYY")
                    term_to = f2.date_input(t("agr.field.term_to"), None, format="DD.MM.YYYY")
                    if st.form_submit_button(t("agr.council.add_member"), type="primary"):
                        if call(councils.add_member, code, {"person_name": person, "email": email,
                                                            "organisation_id": org_id, "role": role,
                                                            "term_from": term_from, "term_to": term_to},
                                success=t("ui.saved")):
                            st.rerun()
        sitting = [m for m in members if m["sitting"]]
        if sitting:
            with st.expander(t("agr.council.end_member"), icon=":material/person_remove:"):
                by_id = {m["id"]: m for m in sitting}
                member_id = st.selectbox(t("agr.field.person_name"), list(by_id), key="end-member",
                                         format_func=lambda i: f"{by_id[i]['person_name']} ({by_id[i]['organisation']})")
                last_day = st.date_input(t("agr.field.term_to"), date.today(), format="DD.MM.YYYY", key="end-date")
                if st.button(t("agr.council.end_member"), key="end-member-btn"):
                    if call(councils.end_membership, member_id, last_day, expected_version=by_id[member_id]["version"],
                            success=t("ui.saved")):
                        st.rerun()
        with st.expander(t("agr.council.elect"), icon=":material/how_to_vote:"):
            st.caption(t("agr.council.elect_help", min=councils.MIN_MEMBERS, max=councils.MAX_MEMBERS))
            if meeting_orgs:
                org_labels = {name: i for i, name in meeting_orgs.items()}
                template = pd.DataFrame({"person_name": [""] * 6, "email": [""] * 6, "organisation": [None] * 6,
                                         "role": [role_label("chair")] + [role_label("member")] * 5})
                edited = st.data_editor(
                    template, num_rows="dynamic", hide_index=True, width="stretch", key=f"elect-{code}",
                    column_config={
                        "person_name": st.column_config.TextColumn(t("agr.field.person_name")),
                        "email": st.column_config.TextColumn(t("agr.field.email")),
                        "organisation": st.column_config.SelectboxColumn(t("agr.col.organisation"),
                                                                         options=sorted(org_labels)),
                        "role": st.column_config.SelectboxColumn(t("agr.field.role"),
                                                                 options=[role_label(r) for r in ROLES])})
                e1, e2 = st.columns(2)
                elect_from = e1.date_input(t("agr.field.term_from"), date.today(), format="DD.MM.YYYY",
                                           key="elect-from")
                elect_to = e2.date_input(t("agr.field.term_to"), None, format="DD.MM.YYYY", key="elect-to")
                if st.button(t("agr.council.elect"), type="primary", key="elect-btn"):
                    by_label = {role_label(r): r for r in ROLES}
                    chosen = [r for r in edited.to_dict("records") if str(r.get("person_name") or "").strip()]
                    payload = {"term_from": elect_from, "term_to": elect_to, "members": [
                        {"person_name": r["person_name"], "email": r.get("email") or None,
                         "organisation_id": org_labels.get(r.get("organisation"), 0),
                         "role": by_label.get(r.get("role"), "member"), "term_from": elect_from,
                         "term_to": elect_to} for r in chosen]}
                    if call(councils.elect_council, code, payload, success=t("agr.council.elected")):
                        st.rerun()

# --- meetings -------------------------------------------------------------------------------------
CR_STATUSES = [s.value for s in ChangeRequestStatus]


def cr_status_label(status: str) -> str:
    return t(f"agr.cr_status.{status}")


def blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip()


def request_id_of(label: str) -> int | str:
    """The id from a "#12 Title" choice (the title may have changed since the page was drawn)."""
    head = str(label).split(" ", 1)[0].lstrip("#")
    return int(head) if head.isdigit() else label


with tab_meetings:
    meetings = common.cached(councils.meeting_rows, code)
    if not meetings:
        common.empty_state("agr.meeting.empty")
    today = date.today()
    for meeting in meetings:
        marker = t("agr.meeting.upcoming") if meeting["meeting_date"] >= today else ""
        with st.expander(f"{meeting['meeting_date']:%d.%m.%Y} – {meeting['title']} {marker}"):
            if meeting["location"]:
                st.caption(meeting["location"])
            st.markdown(f"**{t('agr.meeting.agenda')}**")
            st.text(meeting["agenda"] or "–")
            st.markdown(f"**{t('agr.meeting.minutes')}**")
            st.text(meeting["minutes"] or "–")
            st.markdown(f"**{t('agr.meeting.decisions')}**")
            if meeting["decision_rows"]:
                lines = []
                for d in meeting["decision_rows"]:
                    line = f"{d['number']}. {d['text']}"
                    if d["change_request_id"] is not None:
                        link = t("agr.decision.linked", id=d["change_request_id"], title=d["change_request_title"],
                                 status=cr_status_label(d["change_request_status"]).lower())
                        line += f" → *{link}*"
                    lines.append(line)
                st.markdown("\n".join(lines))
            else:
                st.caption(t("agr.meeting.no_decisions"))
    if can_edit:
        st.subheader(t("agr.meeting.edit"))
        with common.session() as session:
            has_council = councils.get_council(session, code) is not None
        if not has_council:
            common.empty_state("agr.meeting.needs_council")
        else:
            meetings_by_id = {m["id"]: m for m in meetings}  # own name: format_func closures bind late
            choice = st.selectbox(t("agr.meeting.choose"), ["new"] + list(meetings_by_id), key="meeting-choose",
                                  format_func=lambda i: t("agr.meeting.new") if i == "new" else
                                  f"{meetings_by_id[i]['meeting_date']:%d.%m.%Y} – {meetings_by_id[i]['title']}")
            current = meetings_by_id.get(choice)
            form_id = f"{choice}-{current['version'] if current else 0}"
            agenda_key = f"meeting-agenda-{form_id}"
            if agenda_key not in st.session_state:
                st.session_state[agenda_key] = current["agenda"] if current else ""

            # the change requests awaiting the council, offered for the agenda
            suggestion = common.cached(councils.agenda_suggestion, code)
            with st.expander(t("agr.agenda.title"), icon=":material/playlist_add:", expanded=bool(suggestion)):
                st.caption(t("agr.agenda.help"))
                if not suggestion:
                    common.empty_state("agr.agenda.empty", service=service_name)
                else:
                    st.code(suggestion, language=None)

                    def add_suggestion(key: str = agenda_key, text: str = suggestion) -> None:
                        agenda_text = (st.session_state.get(key) or "").rstrip()
                        st.session_state[key] = f"{agenda_text}\n{text}" if agenda_text else text

                    st.button(t("agr.agenda.add"), key=f"agenda-add-{form_id}", on_click=add_suggestion,
                              help=t("agr.agenda.add_help"), icon=":material/add:")

            requests = {r["id"]: r for r in common.cached(change_requests.change_request_rows, code, (), "")}
            request_labels = {i: f"#{i} {r['title']}" for i, r in requests.items()}
            status_ids = {cr_status_label(s): s for s in CR_STATUSES}
            decision_rows = current["decision_rows"] if current else []
            decisions_frame = pd.DataFrame({
                "text": pd.Series([d["text"] for d in decision_rows], dtype="object"),
                "change_request": pd.Series([request_labels.get(d["change_request_id"]) for d in decision_rows],
                                            dtype="object"),
                "new_status": pd.Series([None] * len(decision_rows), dtype="object")})
            with st.form(f"meeting-{form_id}"):
                f1, f2 = st.columns(2)
                meeting_date = f1.date_input(t("agr.meeting.date"), current["meeting_date"] if current else today,
                                             format="DD.MM.YYYY")
                location = f2.text_input(t("agr.meeting.location"), current["location"] if current else "")
                title = st.text_input(t("agr.meeting.title"), current["title"] if current else "")
                agenda = st.text_area(t("agr.meeting.agenda"), key=agenda_key)
                minutes = st.text_area(t("agr.meeting.minutes"), current["minutes"] if current else "")
                st.markdown(f"**{t('agr.meeting.decisions')}**")
                st.caption(t("agr.meeting.decisions_table_help"))
                if not requests:
                    st.caption(t("agr.meeting.no_requests", service=service_name))
                decisions = st.data_editor(
                    decisions_frame, num_rows="dynamic", hide_index=True, width="stretch",
                    key=f"meeting-decisions-{form_id}",
                    column_config={
                        "text": st.column_config.TextColumn(t("agr.meeting.decision_text"), width="large"),
                        "change_request": st.column_config.SelectboxColumn(
                            t("agr.meeting.decision_request"), options=list(request_labels.values()), width="medium",
                            help=t("agr.meeting.decision_request_help")),
                        "new_status": st.column_config.SelectboxColumn(
                            t("agr.meeting.decision_status"), options=list(status_ids),
                            help=t("agr.meeting.decision_status_help"))})
                if st.form_submit_button(t("ui.save"), type="primary"):
                    rows = [{"text": "" if blank(r.get("text")) else str(r["text"]),
                             "change_request_id": None if blank(r.get("change_request")) else
                             request_id_of(r["change_request"]),
                             "new_status": None if blank(r.get("new_status")) else status_ids.get(r["new_status"])}
                            for r in decisions.to_dict("records")]
                    payload = {"meeting_date": meeting_date, "title": title, "location": location, "agenda": agenda,
                               "minutes": minutes, "decisions": rows}
                    if call(councils.save_meeting, code, payload, meeting_id=current["id"] if current else None,
                            expected_version=current["version"] if current else None, success=t("ui.saved")):
                        st.rerun()
