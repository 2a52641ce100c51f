import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from data.i18n import t
from data.pages import common
from data.support import statistics
from data.support import tickets as support

actor = common.require_actor(frozenset({"security", "support", "leader", "portfolio"}))
common.header("sup.page.security", "sup.security.intro")

open_incidents = common.cached(support.open_security_incidents)
st.header(t("sup.security.open", count=len(open_incidents)))
COLUMNS = {
    "ticket_number": st.column_config.NumberColumn(t("sup.field.ticket_number"), format="%d"),
    "subject": st.column_config.TextColumn(t("sup.field.subject"), width="large"),
    "service": t("sup.field.service"), "organisation": t("sup.field.organisation"),
    "opened_at": common.datetime_column(t("sup.field.opened_at")),
    "security_marked_by": t("sup.field.security_marked_by"),
    "security_marked_at": common.datetime_column(t("sup.field.security_marked_at")),
    "security_note": st.column_config.TextColumn(t("sup.field.security_note"), width="large"),
    "security_outcome": st.column_config.TextColumn(t("sup.field.security_outcome"), width="large"),
    "security_closed_at": common.datetime_column(t("sup.security.closed_at")),
}
if open_incidents:
    st.dataframe(common.with_names(pd.DataFrame(open_incidents), ("service",), ("security_marked_by",))[
                     ["ticket_number", "subject", "organisation", "service", "opened_at", "security_marked_by",
                      "security_marked_at", "security_note"]],
                 hide_index=True, width="stretch", column_config=COLUMNS)
else:
    st.success(t("sup.security.none"))

if actor.can("risk.write"):   # pages other rooms offer for an incident (risk: mark it as a personal-data breach)
    for title_key, path, url_path in support.incident_pages():
        try:
            st.page_link(path, label=t(title_key), icon=":material/arrow_forward:")
        except StreamlitAPIException:  # the page is not in this app's navigation (rendered alone): a plain link
            st.markdown(f"[{t(title_key)}](/{url_path})")

if open_incidents and actor.can("risk.write"):
    st.header(t("sup.security.follow_up"))
    st.caption(t("sup.security.follow_up_help"))
    by_id = {r["id"]: r for r in open_incidents}
    chosen = st.selectbox(t("sup.tickets.choose"), list(by_id),
                          format_func=lambda i: f"#{by_id[i]['ticket_number']} · {by_id[i]['subject']}")
    with st.form(f"follow-up-{chosen}-{by_id[chosen]['version']}"):
        outcome = st.text_area(t("sup.field.security_outcome"), help=t("sup.security.outcome_help"))
        closed = st.form_submit_button(t("sup.security.close"), type="primary")
    if closed and common.write(support.close_security_followup, chosen, {"note": outcome},
                               expected_version=by_id[chosen]["version"], success=t("ui.saved")):
        st.rerun()

st.header(t("sup.security.history"))
history = [r for r in common.cached(statistics.ticket_rows, (), (), "", None, None, True)
           if r["security_closed_at"] is not None]
if history:
    st.dataframe(common.with_names(pd.DataFrame(history), ("service",))[
                     ["ticket_number", "subject", "organisation", "service", "security_note", "security_outcome",
                      "security_closed_at"]],
                 hide_index=True, width="stretch", column_config=COLUMNS)
else:
    common.empty_state("sup.security.no_history")
