"""Maturity against NSM's basic principles for ICT security: assess, compare, find the gaps."""
import hashlib
from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from data.i18n import t
from data.pages import common
from risk import exports, nsm
from risk.pages.widgets import level_select

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = [0, 1, 2, 3, 4, 5]

actor = common.require_actor()
common.header("page.nsm_maturity", "nsm.intro")
can_write = actor.can("risk.write")

assessments = common.cached(nsm.assessment_rows)
catalogue = common.cached(nsm.catalogue_summary)


def _catalogue_section() -> None:
    """The loaded catalogue, NSM's spreadsheet upload, the versions loaded, and scores outside the catalogue."""
    st.markdown(f"**{t('nsm.catalogue.loaded', label=catalogue['label'])}**")
    st.caption(t("nsm.catalogue.loaded_help", measures=catalogue["measures"], units=catalogue["units"],
                 direct=", ".join(catalogue["principles_scored_directly"]) or "–"))
    if catalogue["id"] is None:
        st.info(t("nsm.catalogue.reference_help"))
    if can_write:
        form = common.form_key("nsm-catalogue-import")      # empty again once a catalogue is loaded
        with st.form(form):
            st.caption(t("nsm.catalogue.upload_help"))
            upload = st.file_uploader(t("nsm.catalogue.upload"), type=["csv", "xlsx"], key=f"{form}-file")
            version = st.text_input(t("nsm.catalogue.version"), help=t("nsm.catalogue.version_help"))
            if st.form_submit_button(t("nsm.catalogue.import_button"), type="primary") and upload is not None:
                content = upload.getvalue()
                loaded = {"file": upload.name, "sha256": hashlib.sha256(content).hexdigest(), "version": version}
                result = common.save_once("nsm-catalogue-import", loaded, nsm.import_catalogue, content, upload.name,
                                          version)
                if result:
                    st.session_state["nsm-catalogue-loaded"] = result
                    st.rerun()
    loaded_now = st.session_state.pop("nsm-catalogue-loaded", None)
    if loaded_now:
        st.success(t("nsm.catalogue.imported", label=loaded_now["label"], measures=loaded_now["measures"],
                     orphans=loaded_now["orphans"]))
    versions = pd.DataFrame(common.cached(nsm.catalogue_rows))
    st.markdown(f"**{t('nsm.catalogue.history')}**")
    if versions.empty:
        st.caption(t("nsm.catalogue.none_imported"))
    else:
        st.dataframe(common.with_names(versions, persons=("imported_by",))[
                         ["version_label", "measures", "imported_at", "imported_by", "source"]],
                     hide_index=True, width="stretch",
                     column_config={"version_label": t("nsm.col.version"),
                                    "measures": st.column_config.NumberColumn(t("nsm.col.measures")),
                                    "imported_at": common.datetime_column(t("nsm.col.imported_at")),
                                    "imported_by": t("nsm.col.imported_by"), "source": t("nsm.col.source")})
    with st.expander(t("nsm.catalogue.measures")):
        measures = pd.DataFrame(common.cached(nsm.catalogue_measure_rows))
        if not measures.empty:
            st.dataframe(measures, hide_index=True, width="stretch",
                         column_config={"id": t("nsm.col.measure_id"), "title": t("nsm.col.measure"),
                                        "principle": t("nsm.col.principle"), "sources": t("nsm.col.sources")})
    _orphans_table(None)


def _orphans_table(assessment_id: int | None) -> None:
    orphans = pd.DataFrame(common.cached(nsm.orphan_rows, assessment_id))
    st.markdown(f"**{t('nsm.orphans.title')}**")
    if orphans.empty:
        st.caption(t("nsm.orphans.none"))
        return
    st.caption(t("nsm.orphans.help"))
    st.dataframe(orphans[["assessment", "measure_id", "title", "level", "target", "reason_text", "catalogue_title"]],
                 hide_index=True, width="stretch",
                 column_config={"assessment": t("nsm.col.assessment"), "measure_id": t("nsm.col.measure_id"),
                                "title": t("nsm.col.stored_title"),
                                "level": st.column_config.NumberColumn(t("nsm.col.level")),
                                "target": st.column_config.NumberColumn(t("nsm.col.target")),
                                "reason_text": t("nsm.col.reason"),
                                "catalogue_title": t("nsm.col.catalogue_title")})


def _create_form(previous: list[dict]) -> None:
    with st.form(common.form_key("nsm-new")):
        c1, c2 = st.columns(2)
        title = c1.text_input(t("nsm.field.title"), t("nsm.default_title", year=date.today().year))
        assessed_on = c2.date_input(t("nsm.field.assessed_on"), date.today(), format="DD.MM.YYYY")
        scope = c1.text_input(t("nsm.field.scope"), t("nsm.default_scope"))
        target = c2.selectbox(t("nsm.field.default_target"), LEVELS, index=3,
                              format_func=lambda lv: f"{lv} – {t(nsm.MATURITY_KEYS[lv])}")
        copy_from = st.selectbox(t("nsm.field.copy_from"), [None] + [a["id"] for a in previous],
                                 format_func=lambda i: t("nsm.copy_none") if i is None else
                                 next(a["title"] for a in previous if a["id"] == i),
                                 help=t("nsm.field.copy_from_help"))
        notes = st.text_area(t("nsm.field.notes"))
        if st.form_submit_button(t("nsm.create"), type="primary"):
            payload = {"title": title, "assessed_on": assessed_on, "scope": scope, "default_target": target,
                       "notes": notes, "copy_from_id": copy_from}
            created = common.save_once("nsm-new", payload, nsm.create_assessment, payload, success=t("ui.saved"))
            if created:
                st.rerun()


if not assessments:
    common.empty_state("nsm.empty")
    if can_write:
        _create_form([])
    with st.expander(t("nsm.catalogue.tab")):
        _catalogue_section()
    st.stop()

by_id = {a["id"]: a for a in assessments}
chosen = st.selectbox(t("nsm.choose"), list(by_id),
                      format_func=lambda i: f"{by_id[i]['title']} ({by_id[i]['assessed_on']:%d.%m.%Y}, "
                      f"{t('nsm.status.' + by_id[i]['status'])})")
current = by_id[chosen]
previous_id = common.cached(nsm.previous_assessment_id, chosen)
result = common.cached(nsm.results, chosen)
before = common.cached(nsm.results, previous_id) if previous_id else None

cols = st.columns(4)
delta = None
if before and result["overall"] is not None and before["overall"] is not None:
    delta = round(result["overall"] - before["overall"], 2)
cols[0].metric(t("nsm.metric.overall"), "–" if result["overall"] is None else f"{result['overall']:.2f}".replace(".", ","),
               delta=None if delta is None else f"{delta:+.2f}".replace(".", ","), help=t("nsm.metric.overall_help"))
cols[1].metric(t("nsm.metric.scored"), f"{current['scored']} / {current['measures']}")
cols[2].metric(t("nsm.metric.below"), sum(p["below_target"] for p in result["principles"]))
cols[3].metric(t("nsm.metric.status"), t(f"nsm.status.{current['status']}"))
st.caption(f"{t('nsm.col.catalogue')}: {current['catalogue'] or catalogue['label']}")
if current["outside"]:
    st.warning(t("nsm.orphans.count", count=current["outside"]) + ". " + t("nsm.orphans.help"))
    with st.expander(t("nsm.orphans.title")):
        _orphans_table(chosen)

tab_results, tab_assess, tab_trend, tab_gaps, tab_new, tab_catalogue = st.tabs(
    [t("nsm.tab.results"), t("nsm.tab.assess"), t("nsm.tab.trend"), t("nsm.tab.gaps"), t("nsm.tab.new"),
     t("nsm.catalogue.tab")])

with tab_results:
    categories = pd.DataFrame(result["categories"])
    categories["label"] = categories["id"] + " " + categories["title"]
    fig = go.Figure()
    fig.add_bar(x=categories["label"], y=categories["average"], name=t("nsm.series.level"), marker_color="#1F4E79")
    if before:
        old = pd.DataFrame(before["categories"])
        fig.add_bar(x=categories["label"], y=old["average"], name=t("nsm.series.previous"), marker_color="#9DB9D5")
    fig.add_scatter(x=categories["label"], y=categories["target"], name=t("nsm.series.target"), mode="markers",
                    marker={"symbol": "line-ew-open", "size": 40, "color": "#C62828", "line": {"width": 3}})
    fig.update_layout(title=t("nsm.chart.categories"), yaxis={"title": t("nsm.axis.level"), "range": [0, 5]},
                      barmode="group", height=380, legend={"orientation": "h"})
    st.plotly_chart(fig, width="stretch")
    principles = pd.DataFrame(result["principles"])
    principles["label"] = principles["id"] + " " + principles["title"]
    fig = px.bar(principles.iloc[::-1], x="average", y="label", orientation="h",
                 title=t("nsm.chart.principles"), labels={"average": t("nsm.axis.level"), "label": ""},
                 color="gap", color_continuous_scale="RdYlGn_r", range_x=[0, 5])
    fig.add_scatter(x=principles.iloc[::-1]["target"], y=principles.iloc[::-1]["label"], mode="markers",
                    name=t("nsm.series.target"), marker={"symbol": "line-ns-open", "size": 16, "color": "#C62828"})
    fig.update_layout(height=720, coloraxis_colorbar={"title": t("nsm.col.gap")})
    st.plotly_chart(fig, width="stretch")
    st.dataframe(principles[["id", "title", "average", "target", "gap", "scored", "below_target"]],
                 hide_index=True, width="stretch",
                 column_config={"id": t("nsm.col.id"), "title": t("nsm.col.principle"),
                                "average": st.column_config.NumberColumn(t("nsm.col.average"), format="%.2f"),
                                "target": st.column_config.NumberColumn(t("nsm.col.target"), format="%.2f"),
                                "gap": st.column_config.NumberColumn(t("nsm.col.gap"), format="%.2f"),
                                "scored": st.column_config.NumberColumn(t("nsm.col.scored")),
                                "below_target": st.column_config.NumberColumn(t("nsm.col.below_target"))})
    st.download_button(t("ui.download_excel"), common.cached(exports.nsm_workbook, chosen),
                       f"nsm-modenhet-{current['assessed_on']:%Y-%m-%d}.xlsx", mime=XLSX,
                       icon=":material/download:")

with tab_assess:
    st.caption(t("nsm.scale_help"))
    rows = common.cached(nsm.score_rows, chosen)
    frame = pd.DataFrame(rows)
    c1, c2 = st.columns(2)
    category_ids = [c.id for c in nsm.categories()]
    category = c1.selectbox(t("nsm.filter.category"), [None] + category_ids,
                            format_func=lambda c: t("ui.all") if c is None else f"{c} {nsm.title(c)}")
    principle_ids = [p.id for p in nsm.principles() if category is None or p.parent == category]
    principle = c2.selectbox(t("nsm.filter.principle"), [None] + principle_ids,
                             format_func=lambda p: t("ui.all") if p is None else f"{p} {nsm.title(p)}")
    if category:
        frame = frame[frame["category_id"] == category]
    if principle:
        frame = frame[frame["principle_id"] == principle]
    locked = current["status"] == "final" or not can_write
    if current["status"] == "final":
        st.info(t("nsm.locked"))
    editable = frame[["measure_id", "measure", "level", "target", "evidence", "comment"]].copy()
    editable["level"] = editable["level"].astype("Int64")
    edited = st.data_editor(
        editable, hide_index=True, width="stretch", disabled=locked or ["measure_id", "measure"],
        key=f"nsm-editor-{chosen}-{category}-{principle}",
        column_config={
            "measure_id": st.column_config.TextColumn(t("nsm.col.measure_id"), width="small"),
            "measure": st.column_config.TextColumn(t("nsm.col.measure"), width="large"),
            "level": st.column_config.SelectboxColumn(t("nsm.col.level"), options=LEVELS,
                                                      help=t("nsm.col.level_help")),
            "target": st.column_config.SelectboxColumn(t("nsm.col.target"), options=LEVELS, required=True),
            "evidence": st.column_config.TextColumn(t("nsm.col.evidence"), width="large"),
            "comment": st.column_config.TextColumn(t("nsm.col.comment"))})
    if not locked:
        if st.button(t("nsm.save_scores"), type="primary"):
            payload = []
            for record in edited.to_dict("records"):
                level = record["level"]
                payload.append({"measure_id": record["measure_id"],
                                "level": None if pd.isna(level) else int(level),
                                "target": int(record["target"]), "evidence": record["evidence"] or "",
                                "comment": record["comment"] or ""})
            changed = common.write(nsm.update_scores, chosen, payload, expected_version=current["version"])
            if changed is not None:
                st.success(t("nsm.saved", count=0 if changed is True else changed))
                st.rerun()
        with st.expander(t("nsm.import")):
            st.caption(t("nsm.import_help"))
            upload = st.file_uploader(t("nsm.import_file"), type=["xlsx"], key=f"nsm-upload-{chosen}")
            if upload is not None and st.button(t("nsm.import_button")):
                try:
                    parsed = nsm.read_assessment_sheet(upload.getvalue())
                except Exception as error:  # the error boundary: plain language, never a traceback
                    common.show_error(error)
                else:
                    changed = common.write(nsm.update_scores, chosen, parsed, expected_version=current["version"])
                    if changed is not None:
                        st.success(t("nsm.saved", count=0 if changed is True else changed))
                        st.rerun()
    if can_write:
        c1, c2 = st.columns(2)
        if current["status"] == "draft":
            if c1.button(t("nsm.finalise"), help=t("nsm.finalise_help")):
                if common.write(nsm.set_status, chosen, "final", expected_version=current["version"],
                                success=t("ui.saved")):
                    st.rerun()
            if common.confirmed_button(t("nsm.confirm_delete"), t("nsm.delete"), key=f"nsm-del-{chosen}",
                                       container=c2):
                if common.write(nsm.delete_assessment, chosen, success=t("ui.saved")):
                    st.rerun()
        elif c1.button(t("nsm.reopen")):
            if common.write(nsm.set_status, chosen, "draft", expected_version=current["version"],
                            success=t("ui.saved")):
                st.rerun()

with tab_trend:
    trend = pd.DataFrame(common.cached(nsm.trend))
    if trend.empty or trend["assessment_id"].nunique() < 2:
        common.empty_state("nsm.trend_empty")
    if not trend.empty:
        fig = px.line(trend, x="assessed_on", y="average", color="category", markers=True,
                      title=t("nsm.chart.trend"),
                      labels={"assessed_on": t("nsm.axis.date"), "average": t("nsm.axis.level"),
                              "category": t("nsm.col.category")})
        fig.update_yaxes(range=[0, 5])
        st.plotly_chart(fig, width="stretch")
    if previous_id:
        st.markdown(f"**{t('nsm.compare_with', title=by_id[previous_id]['title'])}**")
        comparison = pd.DataFrame(common.cached(nsm.comparison, chosen, previous_id))
        comparison["level"] = comparison["level"].map(lambda lv: t(f"nsm.kind.{lv}"))
        st.dataframe(comparison[["id", "title", "level", "previous", "average", "change"]], hide_index=True,
                     width="stretch",
                     column_config={"id": t("nsm.col.id"), "title": t("nsm.col.title"),
                                    "level": t("nsm.col.kind"),
                                    "previous": st.column_config.NumberColumn(t("nsm.col.previous"), format="%.2f"),
                                    "average": st.column_config.NumberColumn(t("nsm.col.average"), format="%.2f"),
                                    "change": st.column_config.NumberColumn(t("nsm.col.change"), format="%+.2f")})

with tab_gaps:
    created_risk = st.session_state.pop("nsm-risk-created", None)
    if created_risk:
        st.success(t("nsm.risk_created", id=created_risk))
    st.caption(t("nsm.gaps_help"))
    limit = st.slider(t("nsm.gaps_limit"), 1, max(2, catalogue["units"]), min(20, max(2, catalogue["units"])))
    gap_rows = pd.DataFrame(common.cached(nsm.gaps, chosen, limit))
    if gap_rows.empty:
        common.empty_state("nsm.no_gaps")
    else:
        st.dataframe(gap_rows[["measure_id", "measure", "principle", "level", "target", "gap", "evidence",
                               "ros_risk_id"]],
                     hide_index=True, width="stretch",
                     column_config={"measure_id": t("nsm.col.measure_id"), "measure": t("nsm.col.measure"),
                                    "principle": t("nsm.col.principle"),
                                    "level": st.column_config.NumberColumn(t("nsm.col.level")),
                                    "target": st.column_config.NumberColumn(t("nsm.col.target")),
                                    "gap": st.column_config.NumberColumn(t("nsm.col.gap")),
                                    "evidence": t("nsm.col.evidence"),
                                    "ros_risk_id": st.column_config.NumberColumn(t("nsm.col.ros_risk"),
                                                                                 format="%d")})
        st.download_button(t("nsm.gaps_download"), common.csv_bytes(gap_rows), "nsm-gap.csv", mime="text/csv",
                           icon=":material/download:")
        open_gaps = [r for r in gap_rows.to_dict("records") if pd.isna(r["ros_risk_id"])]
        if can_write and open_gaps:
            st.markdown(f"**{t('nsm.to_risk')}**")
            st.caption(t("nsm.to_risk_help"))
            labels = {r["measure_id"]: f"{r['measure_id']} {r['measure']} ({r['level']} → {r['target']})"
                      for r in open_gaps}
            with st.form(common.form_key(f"gap-to-risk-{chosen}")):     # empty again once the risk is made
                measure_id = st.selectbox(t("nsm.choose_gap"), list(labels), format_func=labels.get)
                c1, c2 = st.columns(2)
                owner = c1.text_input(t("nsm.field.risk_owner"))
                deadline = c2.date_input(t("nsm.field.risk_deadline"), date.today() + timedelta(days=180),
                                         format="DD.MM.YYYY")
                likelihood = level_select(c1, t("nsm.field.likelihood"), "likelihood", 3)
                consequence = level_select(c2, t("nsm.field.consequence"), "consequence", 3)
                if st.form_submit_button(t("nsm.to_risk_button"), type="primary"):
                    gap = {"owner": owner, "deadline": deadline, "likelihood": likelihood, "consequence": consequence}
                    risk_id = common.save_once(f"gap-to-risk-{chosen}", {"measure_id": measure_id, **gap},
                                               nsm.gap_to_department_risk, chosen, measure_id, gap)
                    if risk_id:
                        st.session_state["nsm-risk-created"] = risk_id
                        st.rerun()

with tab_new:
    if can_write:
        _create_form(assessments)
    else:
        st.info(t("nsm.read_only"))

with tab_catalogue:
    _catalogue_section()
