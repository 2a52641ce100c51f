from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.formatting import day, number
from data.i18n import t
from data.pages import common
from portfolio import scenarios
from portfolio.schemas import month_label, month_start

actor = common.require_actor(frozenset({"leader", "portfolio"}))
common.header("pf.page.scenarios", "pf.scenarios.intro")
can_edit = actor.can("portfolio.write") or actor.can("scenarios.approve")
can_apply = actor.can("scenarios.approve")
first = month_start(date.today())

listing = common.cached(scenarios.scenario_list)
by_id = {s["id"]: s for s in listing}
linked = st.query_params.get("scenario", "")     # a link from the leader's approvals queue opens that scenario
linked_id = int(linked) if linked.isdigit() and int(linked) in by_id else None
if linked and linked_id is None:
    st.info(t("pf.scenarios.linked_gone"), icon=":material/info:")
if linked_id is not None and st.session_state.get("pf-scenario-linked") != linked_id:
    st.session_state["pf-scenario"] = st.session_state["pf-scenario-linked"] = linked_id
if st.session_state.get("pf-scenario-open") in by_id:         # just made: it opens
    st.session_state["pf-scenario"] = st.session_state.pop("pf-scenario-open")
if "pf-scenario" in st.session_state and st.session_state["pf-scenario"] not in (None, *by_id):
    st.session_state.pop("pf-scenario")                # a scenario chosen before that is gone now
if "pf-scenario" not in st.session_state:
    st.session_state["pf-scenario"] = next(iter(by_id), None)   # the latest scenario first

top = st.columns([3, 2])
chosen = top[0].selectbox(t("pf.scenarios.choose"), [None, *by_id], key="pf-scenario",
                          format_func=lambda i: t("pf.scenarios.none_chosen") if i is None else
                          f"{by_id[i]['name']} ({t('pf.scenario.status.' + by_id[i]['status'])})")
if can_edit:
    with top[1].popover(t("pf.scenarios.new"), icon=":material/add:"):
        with st.form(common.form_key("pf-new-scenario")):
            name = st.text_input(t("pf.col.name"))
            description = st.text_area(t("pf.col.description"))
            created = st.form_submit_button(t("pf.scenarios.create"), type="primary")
        st.caption(t("pf.scenarios.new_help"))
    if created:
        new_scenario = dict(name=name, description=description)
        made = common.save_once("pf-new-scenario", new_scenario, lambda s, a, p: scenarios.create_scenario(s, a, p).id,
                                new_scenario, success=t("ui.saved"))
        if made:
            st.session_state["pf-scenario-open"] = made       # the new scenario opens on the next run
            st.rerun()


def decision(scenario: dict) -> None:
    """Apply (the leader) or discard a draft scenario."""
    st.header(t("pf.scenarios.decide"))
    decide = st.columns(2)
    with decide[0]:
        if can_apply:
            if common.confirmed_button(t("pf.scenarios.apply_confirm", name=scenario["name"]), t("pf.scenarios.apply"),
                                       key=f"scenario-apply-{scenario['id']}", type="primary",
                                       icon=":material/done_all:"):
                moved = common.write(scenarios.apply_scenario, scenario["id"], expected_version=scenario["version"],
                                     success=t("pf.scenarios.applied"))
                if moved is not None:
                    st.rerun()
        else:
            st.caption(t("pf.scenarios.leader_applies"))
    with decide[1]:
        if can_edit and st.button(t("pf.scenarios.discard"), icon=":material/delete:"):
            if common.write(scenarios.discard_scenario, scenario["id"], expected_version=scenario["version"],
                            success=t("pf.scenarios.discarded")):
                st.rerun()


# opened from the approvals queue: the leader's decision comes first, the comparison below it
decide_first = chosen is not None and chosen == linked_id and by_id[chosen]["status"] == "draft"

if chosen is None:
    common.empty_state("pf.scenarios.empty")
else:
    scenario = by_id[chosen]
    draft = scenario["status"] == "draft"
    if scenario["description"]:
        st.caption(scenario["description"])
    if decide_first:
        who = common.people().get(scenario["created_by"], scenario["created_by"]) or "–"
        st.warning(t("pf.scenarios.waiting_you" if can_apply else "pf.scenarios.waiting_leader", who=who,
                     date=day(scenario["created_at"])), icon=":material/approval:")
        with st.container(border=True):
            decision(scenario)
    if not draft:
        st.info(t("pf.scenarios.decided", status=t("pf.scenario.status." + scenario["status"]),
                  who=common.people().get(scenario["decided_by"], scenario["decided_by"]) or "–"))
    rows = common.cached(scenarios.scenario_rows, chosen)
    stale = [r["project"] for r in rows if r["stale"]]
    if draft and stale:
        st.warning(t("pf.scenarios.stale_warning", projects=", ".join(stale)))

    st.header(t("pf.scenarios.plan"))
    st.caption(t("pf.scenarios.plan_help"))
    frame = pd.DataFrame(rows)
    editable = draft and can_edit
    if editable:
        quick = st.columns([3, 1, 1])
        project_names = {r["project_id"]: r["project"] for r in rows}
        mover = quick[0].selectbox(t("pf.scenarios.move_project"), list(project_names), format_func=project_names.get)
        rank = quick[1].number_input(t("pf.scenarios.to_rank"), 1, max(1, len(rows)), 1)
        quick[2].write("")
        if quick[2].button(t("pf.scenarios.move"), icon=":material/swap_vert:"):
            if common.write(scenarios.move_in_scenario, chosen, mover, int(rank),
                            expected_version=scenario["version"], success=t("ui.saved")):
                st.rerun()
    edited = st.data_editor(
        frame[["project_id", "project", "live_priority", "priority", "shift_months", "start_date", "end_date"]],
        hide_index=True, width="stretch", disabled=not editable or ["project_id", "project", "live_priority",
                                                                     "start_date", "end_date"],
        key=f"pf-scenario-editor-{chosen}-{scenario['version']}",
        column_config={
            "project_id": None, "project": t("pf.col.project"),
            "live_priority": st.column_config.NumberColumn(t("pf.col.live_priority"), format="%d"),
            "priority": st.column_config.NumberColumn(t("pf.col.scenario_priority"), min_value=1, step=1,
                                                      format="%d", help=t("pf.scenarios.priority_help")),
            "shift_months": st.column_config.NumberColumn(t("pf.col.shift_months"), min_value=-60, max_value=60,
                                                          step=1, format="%d", help=t("pf.scenarios.shift_help")),
            "start_date": common.date_column(t("pf.col.start")), "end_date": common.date_column(t("pf.col.end"))})
    if editable and st.button(t("pf.scenarios.save"), type="primary", icon=":material/save:"):
        payload = [dict(project_id=int(r["project_id"]), priority=int(r["priority"]),
                        shift_months=int(r["shift_months"])) for r in edited.to_dict("records")]
        if common.write(scenarios.save_scenario_rows, chosen, payload, expected_version=scenario["version"],
                        success=t("ui.saved")):
            st.rerun()

st.divider()
st.header(t("pf.scenarios.compare"))
with common.session() as session:
    sources = scenarios.source_choices(session)
default_b = f"scenario:{chosen}" if chosen is not None else "live"
pick = st.columns(2)
source_a = pick[0].selectbox(t("pf.scenarios.left"), list(sources), format_func=sources.get, index=0)
source_b = pick[1].selectbox(t("pf.scenarios.right"), list(sources), format_func=sources.get,
                             index=list(sources).index(default_b) if default_b in sources else 0)
with st.spinner(t("pf.scenarios.computing")):
    result_a, result_b, side = common.cached(scenarios.compare_sources, source_a, source_b, first)
totals = side["totals"]

left, right = st.columns(2)
for column, label, suffix in ((left, side["label_a"], "a"), (right, side["label_b"], "b")):
    with column:
        st.markdown(f"**{label}**")
        m = st.columns(3)
        m[0].metric(t("pf.scenarios.slipped"), totals[f"slipped_{suffix}"],
                    help=t("pf.scenarios.slipped_help", months=totals[f"slip_months_{suffix}"]))
        m[1].metric(t("pf.scenarios.needed"), f"{number(totals[f'needed_peak_{suffix}'], 1)} {t('pf.unit.fte')}",
                    help=t("pf.scenarios.needed_help", months=number(totals[f"needed_months_{suffix}"], 1)))
        m[2].metric(t("pf.scenarios.consultants"), f"{number(totals[f'consultant_{suffix}'], 1)} {t('pf.unit.fte')}",
                    help=t("pf.scenarios.consultants_help"))
        if totals[f"not_placed_{suffix}"]:
            st.warning(t("pf.scenarios.not_placed", count=totals[f"not_placed_{suffix}"]))

projects_frame = pd.DataFrame(side["projects"])
if projects_frame.empty:
    common.empty_state("pf.board.empty")
else:
    for column in ("end_a", "end_b"):
        projects_frame[column] = projects_frame[column].map(lambda d: month_label(d) if d else "–")
    for column in ("slip_a", "slip_b"):
        projects_frame[column] = projects_frame[column].map(lambda s: t("pf.scenarios.no_fit") if pd.isna(s)
                                                            else int(s))
    st.dataframe(projects_frame[["project", "change", "end_a", "end_b", "slip_a", "slip_b", "priority_a",
                                 "priority_b", "short_b"]], hide_index=True, width="stretch",
                 column_config={
                     "project": t("pf.col.project"),
                     "priority_a": st.column_config.NumberColumn(t("pf.col.priority_a"), format="%d"),
                     "priority_b": st.column_config.NumberColumn(t("pf.col.priority_b"), format="%d"),
                     "end_a": t("pf.col.end_a"), "end_b": t("pf.col.end_b"),
                     "slip_a": t("pf.col.slip_a"), "slip_b": t("pf.col.slip_b"),
                     "change": t("pf.col.change"), "short_b": t("pf.col.short_b")})
    chart = go.Figure()
    names = [p["project"] for p in side["projects"]]
    chart.add_bar(y=names, x=[p["slip_a"] or 0 for p in side["projects"]], name=side["label_a"], orientation="h")
    chart.add_bar(y=names, x=[p["slip_b"] or 0 for p in side["projects"]], name=side["label_b"], orientation="h")
    chart.update_layout(barmode="group", title=t("pf.scenarios.chart_title"), height=max(300, 40 * len(names) + 120),
                        xaxis_title=t("pf.scenarios.axis_slip"), yaxis_title=t("pf.col.project"))
    chart.update_yaxes(autorange="reversed")
    st.plotly_chart(chart, width="stretch")

if side["roles"]:
    st.markdown(f"**{t('pf.scenarios.short_roles')}**")
    st.caption(t("pf.scenarios.short_roles_help"))
    st.dataframe(pd.DataFrame([{k: float(v) if k not in ("role", "months_b") else v for k, v in r.items()}
                               for r in side["roles"]]), hide_index=True, width="stretch", column_config={
        "role": t("pf.col.role"),
        "fte_months_a": st.column_config.NumberColumn(t("pf.col.fte_months_a"), format="%.2f"),
        "fte_months_b": st.column_config.NumberColumn(t("pf.col.fte_months_b"), format="%.2f"),
        "peak_a": st.column_config.NumberColumn(t("pf.col.peak_a"), format="%.2f"),
        "peak_b": st.column_config.NumberColumn(t("pf.col.peak_b"), format="%.2f"),
        "months_b": t("pf.col.months_b")})
else:
    st.success(t("pf.scenarios.no_shortage"))
st.caption(t("pf.scenarios.timing", seconds=number(result_a.seconds + result_b.seconds, 3)))

if chosen is not None and by_id[chosen]["status"] == "draft" and not decide_first:
    st.divider()
    decision(by_id[chosen])

st.divider()
st.header(t("pf.scenarios.baselines"))
st.caption(t("pf.scenarios.baselines_help"))
baselines = common.cached(scenarios.baseline_list)
if baselines:
    st.dataframe(common.with_names(pd.DataFrame(baselines), persons=("created_by",))[
                     ["name", "projects", "first_month", "last_month", "note", "created_by", "created_at"]],
                 hide_index=True, width="stretch", column_config={
        "name": t("pf.col.name"), "note": t("pf.col.note"), "created_by": t("pf.col.actor"),
        "created_at": common.datetime_column(t("pf.col.at")), "first_month": common.date_column(t("pf.col.start")),
        "last_month": common.date_column(t("pf.col.end")),
        "projects": st.column_config.NumberColumn(t("pf.col.projects"), format="%d")})
else:
    common.empty_state("pf.scenarios.no_baselines")
if can_edit:
    with st.form(common.form_key("pf-baseline")):
        c1, c2 = st.columns([1, 2])
        name = c1.text_input(t("pf.col.name"))
        note = c2.text_input(t("pf.col.note"))
        made = st.form_submit_button(t("pf.scenarios.make_baseline"))
    baseline = dict(name=name, note=note)
    if made and common.save_once("pf-baseline", baseline, scenarios.create_baseline, baseline, success=t("ui.saved")):
        st.rerun()
