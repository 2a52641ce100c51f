import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from data.registers import changes

actor = common.require_actor()
common.header("chg.page.title", "chg.page.intro")

with common.guarded(stop=True), common.session() as session:
    plan = changes.merger_plan(session)
    rows = changes.plan_rows(plan)
    dates = sorted({group["change_date"] for group in plan})
    done = [link for link in changes.successions(session, pending_only=False) if link.links[0].applied_at]
    applied = [{"change_date": s.change_date, "predecessor": s.predecessor.name,
                "successors": ", ".join(o.name for o in s.successors), "kind": t(f"chg.kind.{s.kind}"),
                "applied_by": common.people().get(s.links[0].applied_by, s.links[0].applied_by), "moved": "\n".join(
                    item["text"] for item in changes.moved_items(s.links[0]))} for s in done]

st.header(t("chg.page.pending"))
if not rows:
    common.empty_state("chg.page.empty")
else:
    services = sorted({r["service"] for r in rows if r["service"]})
    chosen = st.multiselect(t("chg.page.filter_service"), services)
    frame = pd.DataFrame([r for r in rows if not chosen or r["service"] in chosen])
    st.caption(t("chg.page.count", groups=len(plan), items=len(rows)))
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "change_date": common.date_column(t("chg.col.date")),
        "predecessor": st.column_config.TextColumn(t("chg.col.predecessor")),
        "successors": st.column_config.TextColumn(t("chg.col.successors")),
        "kind": st.column_config.TextColumn(t("chg.col.kind")),
        "room": st.column_config.TextColumn(t("chg.col.room")),
        "action": st.column_config.TextColumn(t("chg.col.action")),
        "service": st.column_config.TextColumn(t("chg.col.service")),
        "text": st.column_config.TextColumn(t("chg.col.text"), width="large"),
    })
    if actor.can("agreements.write"):
        st.caption(t("chg.page.apply_help"))
        when = st.selectbox(t("chg.col.date"), dates, format_func=lambda d: d.strftime("%d.%m.%Y"))
        if common.confirmed_button(t("chg.page.confirm"), t("chg.page.apply"), key=f"apply-{when}",
                                   type="primary"):
            result = common.write(changes.apply_plan, when, success=t("chg.applied", count=len(
                [g for g in plan if g["change_date"] == when])))
            if result:
                st.rerun()
    else:
        st.info(t("chg.page.who_applies"))

st.header(t("chg.page.applied"))
if not applied:
    common.empty_state("chg.page.none_applied")
else:
    st.dataframe(pd.DataFrame(applied), hide_index=True, width="stretch", column_config={
        "change_date": common.date_column(t("chg.col.date")),
        "predecessor": st.column_config.TextColumn(t("chg.col.predecessor")),
        "successors": st.column_config.TextColumn(t("chg.col.successors")),
        "kind": st.column_config.TextColumn(t("chg.col.kind")),
        "applied_by": st.column_config.TextColumn(t("chg.col.applied_by")),
        "moved": st.column_config.TextColumn(t("chg.col.moved"), width="large"),
    })
