from datetime import date

import pandas as pd
import streamlit as st

from agreements import change_requests, councils, meetings
from agreements.exports import contacts_workbook, notice_csv, notice_letters_html
from agreements.models import ChangeRequestStatus, MemberRole
from agreements.pages.widgets import call, org_label, pick_service, service_names, xlsx_button
from data.formatting import number
from data.i18n import t
from data.pages import common
from data.textsearch import plain, plain_contains

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


def cell(value) -> str:
    """A ballot cell as text: a row added with "+" has None or NaN in the cells left empty."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def ballot_members(rows: list[dict], organisations: dict[str, int], term_from, term_to) -> list[dict] | None:
    """The filled-in rows of a ballot as members; None, with a plain error, when a row names no organisation."""
    by_role = {role_label(r): r for r in ROLES}
    picked = [r for r in rows if cell(r.get("person_name"))]
    without = [cell(r["person_name"]) for r in picked if cell(r.get("organisation")) not in organisations]
    if without:
        st.error(t("agr.council.choose_organisation", names=", ".join(without)))
        return None
    return [{"person_name": cell(r["person_name"]), "email": cell(r.get("email")) or None,
             "organisation_id": organisations[cell(r["organisation"])],
             "role": by_role.get(cell(r.get("role")), "member"), "term_from": term_from, "term_to": term_to}
            for r in picked]


tab_meeting, tab_user_meetings, tab_council, tab_meetings = st.tabs([
    t("agr.tab.user_meeting"), t("agr.tab.user_meetings"), t("agr.tab.council"), t("agr.tab.meetings")])

# --- the user meeting (derived) --------------------------------------------------------------------
with tab_meeting:
    st.caption(t("agr.user_meeting.help", service=service_name))
    contacts = common.cached(councils.user_meeting, code)
    if not contacts:
        common.empty_state("agr.user_meeting.empty", service=service_name)
    else:
        st.caption(t("agr.user_meeting.count", count=number(len(contacts))))
        frame = pd.DataFrame([c.__dict__ for c in contacts])
        search = st.text_input(t("ui.search"), key="um-search", placeholder=t("agr.search_placeholder_short"))
        if plain(search).strip():   # case and diacritics folded, as every search: "alesund" finds "Ålesund"
            term = search.strip()
            frame = frame[[plain_contains(name, term) or (isinstance(number, str) and term.replace(" ", "") in number)
                           for name, number in zip(frame["name"], frame["org_number"], strict=True)]]
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

# --- the user meetings: one per service and year ---------------------------------------------------------
with tab_user_meetings:
    st.caption(t("agr.um.help"))
    held = common.cached(meetings.user_meeting_rows, code)
    if not held:
        common.empty_state("agr.um.empty", service=service_name)
    else:
        st.dataframe(pd.DataFrame(held)[["year", "meeting_date", "title", "location", "invited", "attended", "elected"]],
                     hide_index=True, width="stretch",
                     column_config={"year": st.column_config.NumberColumn(t("agr.um.year"), format="%d"),
                                    "meeting_date": common.date_column(t("agr.um.date")),
                                    "title": t("agr.um.title"), "location": t("agr.um.location"),
                                    "invited": st.column_config.NumberColumn(t("agr.um.invited"), format="%d"),
                                    "attended": st.column_config.NumberColumn(t("agr.um.attended"), format="%d"),
                                    "elected": st.column_config.NumberColumn(t("agr.um.elected"), format="%d")})
    if can_edit:
        with st.expander(t("agr.um.new"), icon=":material/event:", expanded=not held):
            # one meeting a year after the first (agreements/meetings.py); the first on meetings.first_meeting_date
            next_um = (common.next_in_series([m["meeting_date"] for m in held], date.today(), every_days=365)
                       if held else meetings.first_meeting_date(date.today()))
            with st.form(common.form_key(f"um-new-{code}")):
                n1, n2 = st.columns(2)
                um_date = n1.date_input(t("agr.um.date"), next_um, format="DD.MM.YYYY")
                um_location = n2.text_input(t("agr.um.location"))
                um_title = st.text_input(t("agr.um.title"), t("agr.um.letter_heading", title=service_name)
                                         .split(": ", 1)[-1] + f" {next_um.year}")
                um_notice = st.text_area(t("agr.um.notice"), help=t("agr.um.notice_help"))
                if st.form_submit_button(t("agr.um.create"), type="primary"):
                    um_payload = {"service_code": code, "meeting_date": um_date, "title": um_title,
                                  "location": um_location, "notice": um_notice}
                    if common.save_once(f"um-new-{code}", um_payload, meetings.create_user_meeting, um_payload,
                                        success=t("agr.um.created"), writer=call):
                        st.rerun()
    if held:
        by_meeting = {m["id"]: m for m in held}
        chosen_meeting = st.selectbox(t("agr.um.choose"), list(by_meeting), key="um-choose",
                                      format_func=lambda i: f"{by_meeting[i]['year']}: {by_meeting[i]['title']}")
        um = by_meeting[chosen_meeting]
        with common.session() as session:
            letters = notice_letters_html(session, chosen_meeting)
            merge = notice_csv(session, chosen_meeting)
        d1, d2 = st.columns(2)
        d1.download_button(t("agr.um.download_csv"), merge, f"brukermote-{code}-{um['year']}.csv", mime="text/csv",
                           icon=":material/download:", key="um-csv")
        d2.download_button(t("agr.um.download_letters"), letters.encode("utf-8"),
                           f"brukermote-{code}-{um['year']}-brev.html", mime="text/html", icon=":material/print:",
                           key="um-letters")
        st.markdown(f"**{t('agr.um.invitations')}**")
        invitees = pd.DataFrame(common.cached(meetings.invitee_rows, chosen_meeting))
        invitees["kind_label"] = invitees["kind"].map(lambda k: t(f"org.kind.{k}"))
        invitees["size_label"] = invitees["size_class"].map(lambda c: meetings.size_label(c) if c else "")
        columns = ["org_number", "name", "kind_label", "county", "size_label", "contact_email", "attended",
                   "representative"]
        config = {"org_number": t("agr.col.org_number"), "name": t("agr.col.organisation"),
                  "kind_label": t("agr.kind"), "county": t("agr.um.county"), "size_label": t("agr.um.size_class"),
                  "contact_email": t("agr.contact_email"),
                  "attended": st.column_config.CheckboxColumn(t("agr.um.attended")),
                  "representative": st.column_config.TextColumn(t("agr.um.representative"))}
        if can_edit:
            with st.form(f"um-record-{chosen_meeting}-{um['version']}"):
                edited = st.data_editor(invitees[columns], hide_index=True, width="stretch", column_config=config,
                                        disabled=columns[:6], key=f"um-editor-{chosen_meeting}")
                minutes_text = st.text_area(t("agr.um.minutes"), um["minutes"])
                if st.form_submit_button(t("agr.um.save_record"), type="primary"):
                    rows = [{"organisation_id": int(org_id), "attended": bool(came),
                             "representative": "" if not isinstance(who, str) else who}
                            for org_id, came, who in zip(invitees["organisation_id"], edited["attended"],
                                                         edited["representative"], strict=True)]
                    if call(meetings.record_meeting, chosen_meeting, {"minutes": minutes_text, "attendance": rows},
                            expected_version=um["version"], success=t("ui.saved")):
                        st.rerun()
        else:
            st.dataframe(invitees[columns], hide_index=True, width="stretch", column_config=config)
            st.markdown(f"**{t('agr.um.minutes')}**")
            st.text(um["minutes"] or "–")
        st.markdown(f"**{t('agr.um.elected_list')}**")
        elected = common.cached(meetings.elected_rows, chosen_meeting)
        if elected:
            frame = pd.DataFrame(elected)
            st.dataframe(frame.assign(role=frame["role"].map(role_label)), hide_index=True, width="stretch",
                         column_config={"person_name": t("agr.field.person_name"), "role": t("agr.field.role"),
                                        "organisation": t("agr.col.organisation"),
                                        "term_from": common.date_column(t("agr.field.term_from")),
                                        "term_to": common.date_column(t("agr.field.term_to"))})
        else:
            common.empty_state("agr.um.none_elected")
        if can_edit:
            with st.expander(t("agr.um.election"), icon=":material/how_to_vote:"):
                st.caption(t("agr.um.election_help"))
                invited_orgs = {org_label(r["name"], r["org_number"]): int(r["organisation_id"])
                                for r in invitees.to_dict("records")}
                ballot = pd.DataFrame({"person_name": [""] * 8, "email": [""] * 8, "organisation": [None] * 8,
                                       "role": [role_label("chair")] + [role_label("member")] * 5
                                       + [role_label("deputy")] * 2})
                election = f"um-elect-{chosen_meeting}"
                ballot_form = st.form(common.form_key(election))
                voted = ballot_form.data_editor(
                    ballot, num_rows="dynamic", hide_index=True, width="stretch",
                    key=f"{common.form_key(election)}-ballot",
                    column_config={
                        "person_name": st.column_config.TextColumn(t("agr.field.person_name")),
                        "email": st.column_config.TextColumn(t("agr.field.email")),
                        "organisation": st.column_config.SelectboxColumn(t("agr.col.organisation"),
                                                                         options=sorted(invited_orgs)),
                        "role": st.column_config.SelectboxColumn(t("agr.field.role"),
                                                                 options=[role_label(r) for r in ROLES])})
                v1, v2 = ballot_form.columns(2)
                vote_from = v1.date_input(t("agr.field.term_from"), um["meeting_date"], format="DD.MM.YYYY",
                                          key=f"{common.form_key(election)}-from")
                vote_to = v2.date_input(t("agr.field.term_to"), None, format="DD.MM.YYYY",
                                        key=f"{common.form_key(election)}-to")
                if ballot_form.form_submit_button(t("agr.council.elect"), type="primary"):
                    voters = ballot_members(voted.to_dict("records"), invited_orgs, vote_from, vote_to)
                    payload = {"term_from": vote_from, "term_to": vote_to, "members": voters}
                    if voters is not None and common.save_once(election, payload, meetings.hold_election,
                                                               chosen_meeting, payload,
                                                               success=t("agr.council.elected"), writer=call):
                        st.rerun()

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
    balance = common.cached(meetings.council_balance, code)
    if balance["members"] or balance["deputies"]:
        with st.expander(t("agr.balance.title"), icon=":material/balance:", expanded=bool(balance["warnings"])):
            st.caption(t("agr.balance.help"))
            for warning in balance["warnings"]:
                st.warning(warning, icon=":material/warning:")
            counts = {"members": st.column_config.NumberColumn(t("agr.balance.members"), format="%d"),
                      "deputies": st.column_config.NumberColumn(t("agr.balance.deputies"), format="%d")}
            b1, b2, b3 = st.columns(3)
            b1.markdown(f"**{t('agr.balance.by_county')}**")
            b1.dataframe(pd.DataFrame(balance["by_county"]), hide_index=True, width="stretch",
                         column_config={"county": t("agr.um.county"), **counts})
            b2.markdown(f"**{t('agr.balance.by_size')}**")
            b2.dataframe(pd.DataFrame(balance["by_size"])[["label", "members", "deputies"]], hide_index=True,
                         width="stretch", column_config={"label": t("agr.um.size_class"), **counts})
            b3.markdown(f"**{t('agr.balance.by_kind')}**")
            b3.dataframe(pd.DataFrame(balance["by_kind"])[["label", "members", "deputies"]], hide_index=True,
                         width="stretch", column_config={"label": t("agr.kind"), **counts})
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
        meeting_orgs = {c.organisation_id: org_label(c.name, c.org_number)
                        for c in common.cached(councils.user_meeting, code)}
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
                member_form = common.form_key(f"member-{code}")
                with st.form(member_form):
                    f1, f2 = st.columns(2)
                    person = f1.text_input(t("agr.field.person_name"))
                    email = f2.text_input(t("agr.field.email"))
                    # keyed: an organisation joining the user meeting meanwhile does not move the choice
                    org_id = f1.selectbox(t("agr.col.organisation"), list(meeting_orgs), format_func=meeting_orgs.get,
                                          key=f"{member_form}-org")
                    role = f2.selectbox(t("agr.field.role"), ROLES, index=1, format_func=role_label)
                    term_from = f1.date_input(t("agr.field.term_from"), date.today(), format="DD.MM.YYYY")
                    term_to = f2.date_input(t("agr.field.term_to"), None, format="DD.MM.YYYY")
                    if st.form_submit_button(t("agr.council.add_member"), type="primary"):
                        member = {"person_name": person, "email": email, "organisation_id": org_id, "role": role,
                                  "term_from": term_from, "term_to": term_to}
                        if common.save_once(f"member-{code}", member, councils.add_member, code, member,
                                            success=t("ui.saved"), writer=call):
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
                council_election = f"elect-{code}"
                election_form = st.form(common.form_key(council_election))
                edited = election_form.data_editor(
                    template, num_rows="dynamic", hide_index=True, width="stretch",
                    key=f"{common.form_key(council_election)}-ballot",
                    column_config={
                        "person_name": st.column_config.TextColumn(t("agr.field.person_name")),
                        "email": st.column_config.TextColumn(t("agr.field.email")),
                        "organisation": st.column_config.SelectboxColumn(t("agr.col.organisation"),
                                                                         options=sorted(org_labels)),
                        "role": st.column_config.SelectboxColumn(t("agr.field.role"),
                                                                 options=[role_label(r) for r in ROLES])})
                e1, e2 = election_form.columns(2)
                elect_from = e1.date_input(t("agr.field.term_from"), date.today(), format="DD.MM.YYYY",
                                           key=f"{common.form_key(council_election)}-from")
                elect_to = e2.date_input(t("agr.field.term_to"), None, format="DD.MM.YYYY",
                                         key=f"{common.form_key(council_election)}-to")
                if election_form.form_submit_button(t("agr.council.elect"), type="primary"):
                    new_members = ballot_members(edited.to_dict("records"), org_labels, elect_from, elect_to)
                    payload = {"term_from": elect_from, "term_to": elect_to, "members": new_members}
                    if new_members is not None and common.save_once(council_election, payload, councils.elect_council,
                                                                code, payload, success=t("agr.council.elected"),
                                                                writer=call):
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
        st.header(t("agr.meeting.edit"))
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
            # a new meeting's form is drawn empty again after it is saved (common.form_key / save_once)
            form_id = f"{choice}-{current['version']}" if current else common.form_key(f"meeting-new-{code}")
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
                next_date = common.next_in_series([m["meeting_date"] for m in meetings], today)
                meeting_date = f1.date_input(t("agr.meeting.date"), current["meeting_date"] if current else next_date,
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
                    if current is None and common.save_once(f"meeting-new-{code}", payload, councils.save_meeting,
                                                            code, payload, success=t("ui.saved"), writer=call):
                        st.rerun()
                    if current is not None and call(councils.save_meeting, code, payload, meeting_id=current["id"],
                                                    expected_version=current["version"], success=t("ui.saved")):
                        st.rerun()
