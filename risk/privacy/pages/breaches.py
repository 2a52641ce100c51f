"""Personal-data breaches: the clock from awareness, the controllers to tell, their notices and the timeline."""
from datetime import datetime, time

import pandas as pd
import streamlit as st

from data import crud
from data.db import utcnow
from data.formatting import OSLO
from data.i18n import t
from data.pages import common
from risk.privacy import breaches, exports
from risk.privacy.schemas import DEFAULT_NOTIFY_HOURS

HTML, CSV = "text/html", "text/csv"
READERS = frozenset({"security", "leader", "product_owner", "support"})

actor = common.require_actor(READERS)
common.header("priv.page.breaches", "priv.breach.intro")
can_write = actor.can("risk.write")


def _moment(prefix: str, default: datetime, key: str) -> datetime:
    """A date and a time picked in Norwegian time, as an aware moment."""
    local = default.astimezone(OSLO)
    c1, c2 = st.columns(2)
    picked_day = c1.date_input(t(f"{prefix}_date"), value=local.date(), format="DD.MM.YYYY", key=f"{key}-d")
    picked_time = c2.time_input(t(f"{prefix}_time"), value=time(local.hour, local.minute), key=f"{key}-t")
    return datetime.combine(picked_day, picked_time, tzinfo=OSLO)


# --- warnings: late and due notices -----------------------------------------------------------------------
for row in common.cached(breaches.warnings):
    if row["state"] == "late":
        st.warning(t("priv.breach.warning_late", ref=row["reference"], title=row["title"], count=row["unsent"],
                     deadline=breaches.when(row["deadline"])), icon=":material/alarm:")
    else:
        st.warning(t("priv.breach.warning_due", ref=row["reference"], title=row["title"], count=row["unsent"],
                     deadline=breaches.when(row["deadline"]), hours=row["hours_left"]), icon=":material/timer:")

include_closed = st.toggle(t("priv.breach.include_closed"))
rows = common.cached(breaches.breach_rows, include_closed)
STATE = {key: t(f"priv.state.{key}") for key in ("late", "due", "sent_late", "sent_in_time", "closed")}
if rows:
    frame = pd.DataFrame(rows)
    frame["state_label"] = frame["state"].map(STATE)
    st.dataframe(
        frame[["reference", "title", "services", "ticket", "state_label", "aware_at", "deadline", "controllers",
               "sent", "unsent", "sent_late"]],
        hide_index=True, width="stretch",
        column_config={
            "reference": t("priv.col.reference"), "title": st.column_config.TextColumn(t("priv.col.title"), width="large"),
            "services": t("priv.col.services"), "ticket": t("priv.col.ticket"), "state_label": t("priv.col.state"),
            "aware_at": common.datetime_column(t("priv.col.aware_at")),
            "deadline": common.datetime_column(t("priv.col.deadline")),
            "controllers": st.column_config.NumberColumn(t("priv.col.controllers"), format="localized"),
            "sent": st.column_config.NumberColumn(t("priv.col.sent"), format="localized"),
            "unsent": st.column_config.NumberColumn(t("priv.col.unsent"), format="localized"),
            "sent_late": st.column_config.NumberColumn(t("priv.col.sent_late"), format="localized"),
        })
else:
    common.empty_state("priv.breach.empty")

# --- mark an incident as a breach ------------------------------------------------------------------------
if can_write:
    incidents = common.cached(breaches.incidents_to_mark)
    with st.expander(t("priv.breach.mark"), expanded=not rows and bool(incidents)):
        if not incidents:
            st.info(t("priv.breach.no_incidents"))
        else:
            incident_by_id = {r["id"]: r for r in incidents}
            wanted = st.query_params.get("ticket")
            incident_ids = list(incident_by_id)
            start = incident_ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in incident_by_id else 0
            chosen = st.selectbox(t("priv.breach.incident"), incident_ids, index=start,
                                  format_func=lambda i: f"#{incident_by_id[i]['ticket_number']} · {incident_by_id[i]['subject']}")
            services = dict(common.cached(crud.service_choices))
            incident = incident_by_id[chosen]
            form = common.form_key(f"mark-{chosen}")          # empty again once marked; a refusal keeps it
            with st.form(form):
                title = st.text_input(t("priv.field.title"), value=incident["subject"][:200])
                aware = _moment("priv.field.aware_at", incident["security_marked_at"] or utcnow(), f"{form}-aware")
                picked = st.multiselect(t("priv.field.services"), list(services), format_func=services.get,
                                        default=[incident["service"]] if incident["service"] in services else [])
                c1, c2 = st.columns(2)
                hours = c1.number_input(t("priv.field.notify_within_hours"), 1, 72, DEFAULT_NOTIFY_HOURS,
                                        help=t("priv.field.notify_within_hours_help"))
                narrow = c2.checkbox(t("priv.field.narrow_by_digiorden"), value=True,
                                     help=t("priv.field.narrow_by_digiorden_help"))
                what = st.text_area(t("priv.field.what_happened"))
                if st.form_submit_button(t("priv.breach.mark_button"), type="primary"):
                    payload = {"ticket_id": chosen, "title": title, "aware_at": aware, "service_codes": picked,
                               "notify_within_hours": int(hours), "narrow_by_digiorden": narrow,
                               "what_happened": what}
                    done = common.save_once(f"mark-{chosen}", payload, breaches.mark_breach, payload,
                                            success=t("priv.breach.marked"))
                    if done:
                        st.rerun()

if not rows:
    st.stop()

# --- one breach ---------------------------------------------------------------------------------------------
by_id = {r["id"]: r for r in rows}
linked = st.query_params.get("breach")
ids = list(by_id)
start = ids.index(int(linked)) if linked and linked.isdigit() and int(linked) in by_id else 0
chosen = st.selectbox(t("priv.breach.choose"), ids, index=start,
                      format_func=lambda i: f"{by_id[i]['reference']} · {by_id[i]['title']}")
row = by_id[chosen]
with common.session() as session:
    breach = breaches.get_breach(session, chosen)
    details = {f: getattr(breach, f) for f in ("title", "what_happened", "subject_categories", "subjects_approx",
                                               "record_categories", "records_approx", "likely_consequences",
                                               "measures_taken", "contact", "notify_within_hours",
                                               "narrow_by_digiorden", "aware_at", "version", "closed_at")}

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("priv.col.aware_at"), breaches.when(row["aware_at"]), border=True)
c2.metric(t("priv.col.deadline"), breaches.when(row["deadline"]),
          help=t("priv.breach.deadline_help", hours=row["hours"]), border=True)
c3.metric(t("priv.col.sent"), f"{row['sent']} / {row['controllers']}", border=True)
c4.metric(t("priv.col.state"), STATE[row["state"]], border=True)

tab_controllers, tab_details, tab_timeline, tab_clock = st.tabs(
    [t("priv.breach.tab.controllers"), t("priv.breach.tab.details"), t("priv.breach.tab.timeline"),
     t("priv.breach.tab.clock")])

with tab_controllers:
    st.caption(t("priv.breach.controllers_help"))
    controllers = common.cached(breaches.controller_rows, chosen)
    if controllers:
        cf = pd.DataFrame(controllers)
        cf["state_label"] = cf["state"].map(STATE | {"due": t("priv.state.due")})
        cf["digiorden_label"] = cf["digiorden"].map(lambda v: t(f"priv.digiorden.{v}"))
        st.dataframe(cf[["org_number", "name", "contact_email", "services", "digiorden_label", "state_label",
                         "sent_at", "their_deadline"]], hide_index=True, width="stretch",
                     column_config={"org_number": t("priv.col.org_number"), "name": t("priv.col.organisation"),
                                    "contact_email": t("priv.col.contact_email"), "services": t("priv.col.services"),
                                    "digiorden_label": t("priv.col.digiorden"), "state_label": t("priv.col.state"),
                                    "sent_at": common.datetime_column(t("priv.col.sent_at")),
                                    "their_deadline": common.datetime_column(t("priv.col.their_deadline"))})
        with common.session() as session:
            html_file = exports.breach_notices_html(session, chosen)
            mail_merge = exports.breach_mailmerge_csv(session, chosen)
        d1, d2 = st.columns(2)
        d1.download_button(t("priv.breach.download_html"), html_file, f"{row['reference']}-varsler.html", HTML)
        d2.download_button(t("priv.breach.download_csv"), mail_merge, f"{row['reference']}-flettefil.csv", CSV)
    else:
        common.empty_state("priv.breach.no_controllers")
    excluded = common.cached(breaches.left_out, chosen)
    if excluded:
        with st.expander(t("priv.breach.left_out", count=len(excluded))):
            st.dataframe(pd.DataFrame(excluded)[["org_number", "name", "services"]], hide_index=True, width="stretch",
                         column_config={"org_number": t("priv.col.org_number"), "name": t("priv.col.organisation"),
                                        "services": t("priv.col.services")})
    unsent = [c for c in controllers if c["sent_at"] is None]
    if can_write and unsent and details["closed_at"] is None:
        names = {c["organisation_id"]: c["name"] for c in unsent}
        form = common.form_key(f"sent-{chosen}")       # a notice is recorded once; then the form starts anew
        with st.form(form):
            st.markdown(f"**{t('priv.breach.record_sent')}**")
            picked = st.multiselect(t("priv.field.recipients"), list(names), default=list(names),
                                    format_func=names.get)
            sent_at = _moment("priv.field.sent_at", utcnow(), f"{form}-at")
            note = st.text_input(t("priv.field.note"))
            if st.form_submit_button(t("priv.breach.record_sent_button"), type="primary"):
                sent = {"organisation_ids": picked, "sent_at": sent_at, "note": note}
                if common.save_once(f"sent-{chosen}", sent, breaches.record_sent, chosen, sent, success=t("ui.saved")):
                    st.rerun()

with tab_details:
    if can_write and details["closed_at"] is None:
        with st.form(f"details-{chosen}-{details['version']}"):
            title = st.text_input(t("priv.field.title"), value=details["title"])
            what = st.text_area(t("priv.field.what_happened"), value=details["what_happened"])
            c1, c2 = st.columns(2)
            subject_categories = c1.text_area(t("priv.field.subject_categories"), value=details["subject_categories"])
            subjects = c2.number_input(t("priv.field.subjects_approx"), min_value=0, step=1,
                                       value=details["subjects_approx"])
            record_categories = c1.text_area(t("priv.field.record_categories"), value=details["record_categories"])
            records = c2.number_input(t("priv.field.records_approx"), min_value=0, step=1,
                                      value=details["records_approx"])
            consequences = st.text_area(t("priv.field.likely_consequences"), value=details["likely_consequences"])
            measures = st.text_area(t("priv.field.measures_taken"), value=details["measures_taken"])
            contact = st.text_input(t("priv.field.contact"), value=details["contact"])
            c1, c2 = st.columns(2)
            hours = c1.number_input(t("priv.field.notify_within_hours"), 1, 72, details["notify_within_hours"],
                                    help=t("priv.field.notify_within_hours_help"))
            narrow = c2.checkbox(t("priv.field.narrow_by_digiorden"), value=details["narrow_by_digiorden"],
                                 help=t("priv.field.narrow_by_digiorden_help"))
            if st.form_submit_button(t("ui.save"), type="primary"):
                if common.write(breaches.update_details, chosen, {
                        "title": title, "what_happened": what, "subject_categories": subject_categories,
                        "subjects_approx": subjects, "record_categories": record_categories,
                        "records_approx": records, "likely_consequences": consequences, "measures_taken": measures,
                        "contact": contact, "notify_within_hours": int(hours), "narrow_by_digiorden": narrow},
                        expected_version=details["version"], success=t("ui.saved")):
                    st.rerun()
    else:
        for field in ("what_happened", "subject_categories", "subjects_approx", "record_categories",
                      "records_approx", "likely_consequences", "measures_taken", "contact"):
            value = details[field]
            st.markdown(f"**{t(f'priv.field.{field}')}:** {value if value not in (None, '') else '–'}")

with tab_timeline:
    events = common.cached(breaches.event_rows, chosen)
    if events:
        ef = common.with_names(pd.DataFrame(events), persons=("recorded_by",))
        st.dataframe(ef[["at", "text", "recorded_by"]], hide_index=True, width="stretch",
                     column_config={"at": common.datetime_column(t("priv.col.at")),
                                    "text": st.column_config.TextColumn(t("priv.col.text"), width="large"),
                                    "recorded_by": t("priv.col.recorded_by")})
    if can_write:
        form = common.form_key(f"event-{chosen}")      # empty again once saved; a refusal keeps the text
        with st.form(form):
            st.markdown(f"**{t('priv.breach.add_event')}**")
            at = _moment("priv.field.at", utcnow(), f"{form}-at")
            text = st.text_area(t("priv.field.event_text"))
            if st.form_submit_button(t("ui.save"), type="primary"):
                event = {"at": at, "text": text}
                if common.save_once(f"event-{chosen}", event, breaches.add_event, chosen, event,
                                    success=t("ui.saved")):
                    st.rerun()

with tab_clock:
    st.caption(t("priv.breach.clock_help", hours=row["hours"]))
    if can_write and details["closed_at"] is None:
        with st.form(f"aware-{chosen}-{details['version']}"):
            aware = _moment("priv.field.aware_at", details["aware_at"], f"aware-change-{chosen}-{details['version']}")
            reason = st.text_input(t("priv.field.reason"))
            if st.form_submit_button(t("priv.breach.change_aware"), type="primary"):
                if common.write(breaches.change_aware_time, chosen, {"aware_at": aware, "reason": reason},
                                expected_version=details["version"], success=t("ui.saved")):
                    st.rerun()
        with st.form(f"close-{chosen}-{details['version']}"):
            st.markdown(f"**{t('priv.breach.close')}**")
            note = st.text_area(t("priv.field.closing_note"))
            if st.form_submit_button(t("priv.breach.close_button")):
                if common.write(breaches.close_breach, chosen, {"note": note}, expected_version=details["version"],
                                success=t("ui.saved")):
                    st.rerun()
    elif details["closed_at"] is not None:
        st.success(t("priv.breach.closed_on", when=breaches.when(details["closed_at"])))
