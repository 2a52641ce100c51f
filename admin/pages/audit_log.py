from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from data import audit
from data.i18n import t
from data.pages import common

actor = common.require_actor(roles={"admin", "leader", "security"})
common.header("page.audit", "audit.intro")

with common.session() as session:
    choices = audit.filter_choices(session)

c1, c2, c3, c4 = st.columns(4)
who = c1.selectbox(t("audit.actor"), [None, *choices["actors"]], format_func=lambda v: v or t("ui.all"))
table = c2.selectbox(t("audit.table"), [None, *choices["tables"]], format_func=lambda v: v or t("ui.all"))
action = c3.selectbox(t("audit.action"), [None, *choices["actions"]],
                      format_func=lambda v: audit.action_label(v) if v else t("ui.all"))
period = c4.date_input(t("audit.period"), value=(), format="DD.MM.YYYY")

start = end = None
if isinstance(period, tuple) and len(period) == 2:
    start = datetime.combine(period[0], time.min, UTC)
    end = datetime.combine(period[1], time.min, UTC) + timedelta(days=1)

with common.session() as session:
    entries = audit.search(session, actor=who, table=table, action=action, start=start, end=end, limit=5000)
    rows = [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": audit.action_label(e.action), "table": e.table_name,
             "row_id": e.row_id, "changes": e.changes} for e in entries]

if not rows:
    common.empty_state("audit.empty")
else:
    frame = pd.DataFrame(rows)
    people = common.people()   # the person, with the account that acted
    frame["actor"] = frame["actor"].map(lambda u: f"{people[u]} ({u})" if people.get(u, u) != u else u)
    frame["at"] = frame["at"].dt.tz_convert("Europe/Oslo").dt.tz_localize(None)
    st.caption(t("audit.count", count=len(frame)))
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "seq": st.column_config.NumberColumn(t("audit.seq"), format="%d"),
        "at": common.datetime_column(t("audit.at")),
        "actor": t("audit.actor"), "action": t("audit.action"), "table": t("audit.table"),
        "row_id": t("audit.row_id"), "changes": st.column_config.TextColumn(t("audit.changes"), width="large"),
    })
    st.download_button(t("ui.download_csv"), common.csv_bytes(frame), "revisjonslogg.csv", mime="text/csv",
                       icon=":material/download:")

if st.button(t("audit.verify"), icon=":material/verified:"):
    with common.session() as session:
        result = audit.verify(session)
    if result.ok:
        st.success(t("cli.audit_ok", count=result.checked))
    else:
        st.error(t(f"cli.audit_bad_{result.reason}", seq=result.first_bad_seq, count=result.checked))
