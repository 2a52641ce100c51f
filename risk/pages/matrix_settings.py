"""The risk matrix and acceptance criteria: read by everyone, edited (as a new revision) by security."""
from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.i18n import t
from data.pages import common
from risk import matrix as matrices
from risk.pages.widgets import LEVEL_COLOURS, LEVEL_INDEX, level_text
from risk.schemas import DIMENSIONS, LEVELS

actor = common.require_actor()
common.header("ros.page.matrix", "ros.page.matrix_intro")

with common.session() as s:
    current = matrices.definition(matrices.current_matrix(s))
    history = [(m.id, m.name, m.revision, m.is_current, m.created_at, m.created_by) for m in matrices.list_matrices(s)]

st.header(t("ros.matrix.current", name=current["name"], revision=current["revision"]))
c1, c2 = st.columns([3, 2])
grid = matrices.cell_levels(SimpleNamespace(**current))
x = [f"{i}. {lv['label']}" for i, lv in enumerate(current["consequence_levels"], start=1)]
y = [f"{i}. {lv['label']}" for i, lv in enumerate(current["likelihood_levels"], start=1)]
scores = [[(li + 1) * (ci + 1) for ci in range(len(x))] for li in range(len(y))]
figure = go.Figure(go.Heatmap(
    z=[[LEVEL_INDEX[v] for v in row] for row in grid], x=x, y=y, text=scores, texttemplate="%{text}", showscale=False,
    zmin=0, zmax=2, colorscale=[[0, LEVEL_COLOURS["green"]], [0.5, LEVEL_COLOURS["yellow"]], [1, LEVEL_COLOURS["red"]]],
    xgap=2, ygap=2, hovertemplate="%{y} / %{x}: %{text}<extra></extra>"))
figure.update_layout(title=t("ros.matrix.grid_title"), height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                     xaxis_title=t("ros.heatmap.x", top=len(x)), yaxis_title=t("ros.heatmap.y", top=len(y)))
c1.plotly_chart(figure, width="stretch")
c2.markdown(t("ros.matrix.criteria", yellow=current["yellow_from"], red=current["red_from"],
              accept=level_text(current["accept_up_to"]),
              rule=t(f"ros.matrix.rule.{current['combine_rule']}")))
c2.markdown(t("ros.matrix.review_rule", green=current["review_months"]["green"],
              yellow=current["review_months"]["yellow"], red=current["review_months"]["red"]))
c2.markdown(f"**{t('ros.matrix.dimensions')}:** " + ", ".join(t(f"ros.dim.{d}") for d in current["dimensions"]))

l1, l2 = st.columns(2)
l1.markdown(f"**{t('ros.field.likelihood')}**")
l1.dataframe(pd.DataFrame(current["likelihood_levels"]).rename(columns={"label": t("ros.template.label"),
                                                                      "description": t("ros.field.description")})
             .set_index(pd.Index(range(1, len(y) + 1), name=t("ros.level"))), width="stretch")
l2.markdown(f"**{t('ros.field.consequence')}**")
l2.dataframe(pd.DataFrame(current["consequence_levels"]).rename(columns={"label": t("ros.template.label"),
                                                                       "description": t("ros.field.description")})
             .set_index(pd.Index(range(1, len(x) + 1), name=t("ros.level"))), width="stretch")

with st.expander(t("ros.matrix.history")):
    st.dataframe(common.with_names(pd.DataFrame(history, columns=["id", "name", "revision", "current", "created_at",
                                                                   "created_by"]), persons=("created_by",))
                 .drop(columns=["id"]), hide_index=True, width="stretch",
                 column_config={"name": t("ros.matrix.name"), "revision": t("ros.field.revision"),
                                "current": st.column_config.CheckboxColumn(t("ros.versions.current")),
                                "created_at": common.datetime_column(t("ros.matrix.created_at")),
                                "created_by": t("ros.matrix.created_by")})

if actor.can("risk.write"):
    st.header(t("ros.matrix.edit"))
    st.caption(t("ros.matrix.edit_help"))
    # a new revision is saved once per filled form; saved, the form is drawn anew from the revision in force
    form = f"ros-matrix-{current['id']}"
    with st.form(form):
        name = st.text_input(t("ros.matrix.name"), current["name"])
        e1, e2 = st.columns(2)
        likelihood = e1.data_editor(pd.DataFrame(current["likelihood_levels"]), num_rows="dynamic", hide_index=True,
                                    key=f"{form}-l", width="stretch",
                                    column_config={"label": t("ros.template.label"),
                                                   "description": t("ros.field.description")})
        consequence = e2.data_editor(pd.DataFrame(current["consequence_levels"]), num_rows="dynamic", hide_index=True,
                                     key=f"{form}-c", width="stretch",
                                     column_config={"label": t("ros.template.label"),
                                                    "description": t("ros.field.description")})
        dims = st.multiselect(t("ros.matrix.dimensions"), list(DIMENSIONS), default=current["dimensions"],
                              format_func=lambda d: t(f"ros.dim.{d}"))
        r1, r2, r3, r4 = st.columns(4)
        rule = r1.selectbox(t("ros.matrix.rule"), ["max", "mean"], index=["max", "mean"].index(current["combine_rule"]),
                            format_func=lambda v: t(f"ros.matrix.rule.{v}"))
        yellow = r2.number_input(t("ros.matrix.yellow_from"), 1, 100, current["yellow_from"])
        red = r3.number_input(t("ros.matrix.red_from"), 1, 100, current["red_from"])
        accept = r4.selectbox(t("ros.matrix.accept_up_to"), list(LEVELS), index=LEVELS.index(current["accept_up_to"]),
                              format_func=level_text)
        m1, m2, m3 = st.columns(3)
        months = {level: col.number_input(t("ros.matrix.months", level=t(f"ros.level.{level}")), 1, 60,
                                          current["review_months"][level])
                  for col, level in zip((m1, m2, m3), LEVELS, strict=True)}
        note = st.text_input(t("ros.matrix.note"))
        if st.form_submit_button(t("ros.matrix.save"), type="primary"):
            def levels_of(frame):
                return [{"label": str(r.get("label") or "").strip(), "description": str(r.get("description") or "").strip()}
                        for r in frame.to_dict("records") if str(r.get("label") or "").strip()]

            payload = {"name": name, "likelihood_levels": levels_of(likelihood),
                       "consequence_levels": levels_of(consequence), "dimensions": dims, "combine_rule": rule,
                       "yellow_from": int(yellow), "red_from": int(red), "accept_up_to": accept,
                       "review_months": months, "note": note}
            if common.save_once(form, payload, matrices.save_matrix, payload, success=t("ros.matrix.saved")):
                st.rerun()
