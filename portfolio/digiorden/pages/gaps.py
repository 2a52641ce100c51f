import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from portfolio.digiorden import analysis as digiorden_analysis
from portfolio.digiorden import exports as digiorden_exports
from portfolio.digiorden.pages.widgets import choose_organisation, percent_text, restricted_note

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

actor = common.require_actor()
common.header("do.page.gaps", "do.gaps.intro")

org = choose_organisation()
if org is None:
    st.stop()
org_id = org["id"]
result = common.cached(digiorden_analysis.completeness, org_id, actor)
restricted_note(actor)

if result["checks"] == 0:
    common.empty_state("do.gaps.empty", name=org["name"])
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric(t("do.ui.completeness"), percent_text(result["score"]), help=t("do.ui.completeness_help"))
c2.metric(t("do.gaps.checks_passed"), f"{result['passed']} / {result['checks']}")
c3.metric(t("do.gaps.serious"), sum(1 for g in result["gaps"] if g["severity"] == 3),
          help=t("do.gaps.serious_help"))
st.progress(result["score"] or 0.0)

st.header(t("do.gaps.list"))
if not result["gaps"]:
    st.success(t("do.gaps.none"))
else:
    f1, f2 = st.columns(2)
    severities = f1.multiselect(t("do.gaps.severity"), [3, 2, 1], format_func=lambda s: t(f"do.severity.{s}"))
    kinds = f2.multiselect(t("do.gaps.kind"), ["systems", "datasets", "integrations", "vendors"],
                           format_func=lambda k: t(f"do.kind.{k}"))
    gaps = digiorden_analysis.filter_gaps(result["gaps"], severities, kinds)
    frame = pd.DataFrame(digiorden_exports.gap_rows(gaps), columns=["severity", "kind", "item", "gap", "fix"])
    st.caption(t("do.ui.shown", shown=len(gaps), total=len(result["gaps"])))
    if not frame.empty:
        text = st.column_config.TextColumn
        st.dataframe(frame[["item", "gap", "severity", "kind", "fix"]], hide_index=True, width="stretch",
                     column_config={
            "severity": text(t("do.gaps.severity")), "kind": text(t("do.gaps.kind")),
            "item": text(t("do.gaps.item")), "gap": text(t("do.gaps.gap")), "fix": text(t("do.gaps.fix")),
        })
        content = common.cached(digiorden_exports.gaps_workbook, org_id, actor, tuple(severities), tuple(kinds))
        st.download_button(t("ui.download_excel"), content, "digiorden-mangler.xlsx", mime=XLSX,
                           icon=":material/download:", key="do_gaps_download")

st.header(t("do.records.title"))
st.caption(t("do.records.intro"))
records = common.cached(digiorden_analysis.records_of_processing, org_id, actor)
if not records:
    common.empty_state("do.records.empty")
else:
    incomplete = sum(1 for r in records if not r["complete"])
    if incomplete:
        st.warning(t("do.records.incomplete_warning", count=incomplete, total=len(records)))
    frame = pd.DataFrame(records)
    first = ["processing", "complete"]
    st.dataframe(frame[first + [c for c in frame.columns if c not in first]], hide_index=True, width="stretch",
                 column_config={c: st.column_config.TextColumn(t(f"do.records.col.{c}"))
                                for c in digiorden_analysis.RECORD_COLUMNS}
                 | {"complete": st.column_config.CheckboxColumn(t("do.records.col.complete"))})
    content = common.cached(digiorden_exports.records_workbook, org_id, actor)
    st.download_button(t("do.records.download"), content, f"behandlingsprotokoll-{org['name'].lower()}.xlsx",
                       mime=XLSX, icon=":material/download:", type="primary", key="do_records_download")
