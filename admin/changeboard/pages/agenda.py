from datetime import date

import pandas as pd
import streamlit as st

from admin.changeboard import agenda as agenda_mod
from admin.changeboard import exports
from admin.changeboard.pages.widgets import conflict_table
from data.formatting import day
from data.i18n import t
from data.pages import common

actor = common.require_actor()
common.header("cb.page.agenda", "cb.agenda.intro")

top = st.columns([2, 1, 2])
meeting_date = top[0].date_input(t("cb.agenda.meeting_date"), agenda_mod.next_monday(date.today()),
                                 format="DD.MM.YYYY", help=t("cb.agenda.meeting_date_help"))
weeks = top[1].number_input(t("cb.agenda.weeks"), min_value=1, max_value=26, value=agenda_mod.DEFAULT_WEEKS_AHEAD)
printable = top[2].toggle(t("cb.agenda.printable"), help=t("cb.agenda.printable_help"))

agenda = common.cached(agenda_mod.build_agenda, meeting_date, int(weeks))
markdown = exports.agenda_markdown(agenda)
stem = f"endringsrad-{meeting_date.isoformat()}"
downloads = st.columns(4)
downloads[0].download_button(t("cb.agenda.download_md"), markdown.encode("utf-8"), f"agenda-{stem}.md",
                             mime="text/markdown", icon=":material/download:")
downloads[1].download_button(t("cb.agenda.download_xlsx"), exports.agenda_workbook(agenda), f"agenda-{stem}.xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             icon=":material/download:")
if agenda.meeting:
    record = {"meeting": agenda.meeting, "decisions": agenda.decisions}
    downloads[2].download_button(t("cb.minutes.download_md"), exports.minutes_markdown(record).encode("utf-8"),
                                 f"referat-{stem}.md", mime="text/markdown", icon=":material/download:")
    downloads[3].download_button(t("cb.minutes.download_xlsx"), exports.minutes_workbook(record),
                                 f"referat-{stem}.xlsx",
                                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 icon=":material/download:")

if printable:
    st.markdown(markdown)
    st.caption(t("cb.agenda.print_hint"))
    st.stop()

counts = st.columns(4)
counts[0].metric(t("cb.agenda.count_decision"), len(agenda.sections["decision"]), border=True)
counts[1].metric(t("cb.agenda.count_conflicts"), agenda.conflict_count, border=True)
counts[2].metric(t("cb.agenda.count_security"), len(agenda.sections["security"]), border=True)
counts[3].metric(t("cb.agenda.count_new"), len(agenda.sections["new"]), border=True)
st.caption(t("cb.agenda.since_meeting", day=day(agenda.since)) if agenda.previous_meeting
           else t("cb.agenda.since_week", day=day(agenda.since)))

COLUMNS = {
    "reference": st.column_config.TextColumn(t("cb.col.ref"), width="small"),
    "title": st.column_config.TextColumn(t("cb.col.title"), width="large"),
    "kind": st.column_config.TextColumn(t("cb.col.type_status")),
    "services": st.column_config.TextColumn(t("cb.col.services")),
    "window": st.column_config.TextColumn(t("cb.col.window")),
    "score": st.column_config.TextColumn(t("cb.col.risk_impact")),
    "flags": st.column_config.TextColumn(t("cb.col.flags")),
    "conflicts": st.column_config.TextColumn(t("cb.col.conflicts"), width="large"),
    "detail": st.column_config.TextColumn(t("cb.col.note"), width="large"),
}

service_names = common.service_names()
for number, key in enumerate(agenda_mod.SECTIONS, start=1):
    entries = agenda.sections[key]
    st.header(f"{number}. {t(f'cb.section.{key}')}")
    st.caption(t(f"cb.section.{key}.help"))
    if not entries:
        st.info(t(f"cb.section.{key}.empty"))
        continue
    rows = []
    for e in entries:
        rows.append({
            "reference": e.reference, "title": e.title,
            "kind": f"{t(f'cb.type.{e.change_type}')} / {t(f'cb.status.{e.status}')}" if e.item_id else "",
            "services": ", ".join(service_names.get(c, c) for c in e.services), "window": e.window,
            "score": f"{e.risk} × {e.impact} = {e.score}" if e.item_id else "",
            "flags": ", ".join(e.flags), "conflicts": "; ".join(e.conflicts), "detail": e.detail,
        })
    frame = pd.DataFrame(rows)
    if key in ("security", "cross"):
        frame = frame.drop(columns=["kind", "score", "conflicts"])
    st.dataframe(frame, hide_index=True, width="stretch", column_config=COLUMNS)
    if key in ("decision", "planned"):   # one expander with the count, not a yellow box per item
        common.grouped_warnings([f"{e.reference}: " + "; ".join(e.conflicts) for e in entries if e.conflicts])

st.header(t("cb.agenda.conflicts"))
conflict_table(agenda.conflicts)

st.header(t("cb.minutes.title", day=day(meeting_date)))
if agenda.decisions:
    frame = pd.DataFrame(agenda.decisions)
    frame["section"] = frame["section"].map(lambda s: t(f"cb.section.{s}"))
    frame["outcome"] = frame["outcome"].map(lambda o: t(f"cb.outcome.{o}"))
    frame = common.with_names(frame, persons=("recorded_by",))
    st.dataframe(frame[["reference", "title", "section", "outcome", "note", "action_owner", "due_date",
                        "recorded_by"]], hide_index=True, width="stretch",
                 column_config={"reference": st.column_config.TextColumn(t("cb.col.ref")),
                                "title": st.column_config.TextColumn(t("cb.col.title")),
                                "section": st.column_config.TextColumn(t("cb.col.section")),
                                "outcome": st.column_config.TextColumn(t("cb.col.outcome")),
                                "note": st.column_config.TextColumn(t("cb.col.note"), width="large"),
                                "action_owner": st.column_config.TextColumn(t("cb.col.action_owner")),
                                "due_date": common.date_column(t("cb.col.due")),
                                "recorded_by": st.column_config.TextColumn(t("cb.col.recorded_by"))})
else:
    common.empty_state("cb.minutes.empty")

if actor.can("changeboard.write"):
    entries = agenda.entries()
    if entries:
        st.subheader(t("cb.minutes.record"))
        st.caption(t("cb.minutes.record_help"))
        labels = {index: f"{e.reference} · {e.title} ({t(f'cb.section.{e.section}')})"
                  for index, e in enumerate(entries)}
        chosen = st.selectbox(t("cb.minutes.point"), list(labels), format_func=labels.get)
        entry = entries[chosen]
        if entry.item_id is not None:
            outcomes = {"decision": ["approved", "rejected", "deferred", "noted", "action"],
                        "emergency": ["reviewed", "noted", "action"],
                        "pir": ["reviewed", "noted", "action"],
                        "new": ["noted", "action", "rejected"]}.get(entry.section, ["noted", "action", "deferred"])
        elif entry.ticket_id is not None:
            outcomes = ["noted", "action"]
        else:
            outcomes = ["noted", "action", "reviewed"]
        decision_form = f"decision-{meeting_date}-{chosen}"   # one per point; drawn empty once its decision is saved
        with st.form(common.form_key(decision_form)):
            outcome = st.radio(t("cb.col.outcome"), outcomes, horizontal=True,
                               format_func=lambda o: t(f"cb.outcome.{o}"))
            note = st.text_area(t("cb.col.note"), help=t("cb.minutes.note_help"))
            c1, c2 = st.columns(2)
            owner = c1.text_input(t("cb.col.action_owner"))
            due = c2.date_input(t("cb.col.due"), value=None, format="DD.MM.YYYY")
            submitted = st.form_submit_button(t("cb.minutes.save"), type="primary")
        if submitted:
            payload = {"section": entry.section, "outcome": outcome, "item_id": entry.item_id,
                       "ticket_id": entry.ticket_id, "topic_id": entry.topic_id, "note": note,
                       "action_owner": owner, "due_date": due}
            if common.save_once(decision_form, payload, agenda_mod.record_decision, meeting_date,
                                payload, success=t("cb.minutes.saved")):
                st.rerun()

    with st.expander(t("cb.meeting.details")):
        meeting = agenda.meeting or {}
        with st.form(f"meeting-{meeting_date}-{meeting.get('version')}"):
            chair = st.text_input(t("cb.meeting.chair"), meeting.get("chair") or actor.label)
            attendees = st.text_input(t("cb.meeting.attendees"), meeting.get("attendees", ""))
            notes = st.text_area(t("cb.meeting.notes"), meeting.get("notes", ""))
            held = st.checkbox(t("cb.meeting.held"), meeting.get("held", False))
            saved = st.form_submit_button(t("ui.save"))
        if saved:
            payload = {"meeting_date": meeting_date, "chair": chair, "attendees": attendees, "notes": notes,
                       "held": held}
            if common.write(agenda_mod.save_meeting, payload, expected_version=meeting.get("version"),
                            success=t("ui.saved")):
                st.rerun()
