"""Risk notices: what changed in a service's approved ROS, sent to every organisation with an appendix."""
import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from risk.privacy import breaches, exports, notices

HTML, CSV, MARKDOWN = "text/html", "text/csv", "text/markdown"

actor = common.require_actor()
common.header("priv.page.notices", "priv.notice.intro")

services = dict(common.cached(notices.services_with_approved_ros))
if not services:
    common.empty_state("priv.notice.empty")
    st.stop()

linked = st.query_params.get("service")
codes = list(services)
code = st.selectbox(t("priv.field.service"), codes, index=codes.index(linked) if linked in codes else 0,
                    format_func=services.get)
with common.guarded(stop=True):
    found = common.cached(notices.draft, code)
changes = found["changes"]

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("priv.notice.revision"), changes["revision"], border=True)
c2.metric(t("priv.notice.new"), len(changes["new"]), border=True)
c3.metric(t("priv.notice.changed"), len(changes["changed"]), border=True)
c4.metric(t("priv.notice.recipients"), len(found["recipients"]), border=True)

if found["sent_id"]:
    st.success(t("priv.notice.already", revision=changes["revision"], when=breaches.when(found["sent_at"])),
               icon=":material/mark_email_read:")
else:
    st.warning(t("priv.notice.not_sent", revision=changes["revision"]), icon=":material/outgoing_mail:")

st.header(t("priv.notice.preview"))
note = ""
if not found["sent_id"] and notices.can_send(actor, code):
    note = st.text_area(t("priv.field.owner_note"), help=t("priv.field.owner_note_help"))
with st.container(border=True):
    st.markdown(exports.risk_notice_markdown(changes, note))

if not found["sent_id"] and notices.can_send(actor, code):
    if common.confirmed_button(t("priv.notice.confirm", count=len(found["recipients"])), t("priv.notice.send"),
                               key=f"send-{code}-{changes['revision']}", type="primary"):
        if common.write(notices.send_risk_notice, {"service_code": code, "note": note},
                        success=t("priv.notice.sent")):
            st.rerun()

with common.session() as session:
    files = exports.risk_notice_files(session, code, found["sent_id"])
columns = st.columns(3)
for column, (name, content) in zip(columns, files.items(), strict=True):
    kind = HTML if name.endswith(".html") else CSV if name.endswith(".csv") else MARKDOWN
    column.download_button(name, content, name, kind)

st.header(t("priv.notice.history"))
history = common.cached(notices.notice_rows, code)
if history:
    st.dataframe(common.with_names(pd.DataFrame(history), persons=("sent_by",))[
                     ["revision", "sent_at", "sent_by", "recipients", "note"]], hide_index=True,
                 width="stretch",
                 column_config={"revision": st.column_config.NumberColumn(t("priv.notice.revision"), format="%d"),
                                "sent_at": common.datetime_column(t("priv.col.sent_at")),
                                "sent_by": t("priv.col.sent_by"),
                                "recipients": st.column_config.NumberColumn(t("priv.notice.recipients"),
                                                                            format="localized"),
                                "note": st.column_config.TextColumn(t("priv.field.owner_note"), width="large")})
else:
    common.empty_state("priv.notice.no_history")
