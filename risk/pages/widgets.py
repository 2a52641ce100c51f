"""Shared widgets of the ROS and DPIA pages (issue 7): heatmaps, level labels, service filter."""
from __future__ import annotations

import plotly.graph_objects as go

from data.crud import service_choices
from data.i18n import t
from data.pages import common
from risk import matrix as matrices

LEVEL_COLOURS = {"green": "#63BE7B", "yellow": "#FFD966", "red": "#F8696B"}
LEVEL_INDEX = {"green": 0, "yellow": 1, "red": 2}


def level_text(level: str | None) -> str:
    if not level:
        return ""
    return {"green": "🟢", "yellow": "🟡", "red": "🔴"}.get(level, "") + " " + t(f"ros.level.{level}")


def heatmap_figure(data: dict, title: str) -> go.Figure:
    """Likelihood (rows) x consequence (columns), coloured by the matrix, with the count in each cell."""
    z = [[LEVEL_INDEX[level] for level in row] for row in data["levels"]]
    text = [[str(count) if count else "" for count in row] for row in data["counts"]]
    hover = [[", ".join(keys) for keys in row] for row in data["keys"]]
    x = [f"{i}. {label}" for i, label in enumerate(data["consequence_labels"], start=1)]
    y = [f"{i}. {label}" for i, label in enumerate(data["likelihood_labels"], start=1)]
    figure = go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=text, texttemplate="%{text}", textfont={"size": 18}, customdata=hover,
        hovertemplate="%{y} / %{x}<br>%{customdata}<extra></extra>", showscale=False, zmin=0, zmax=2,
        colorscale=[[0, LEVEL_COLOURS["green"]], [0.5, LEVEL_COLOURS["yellow"]], [1, LEVEL_COLOURS["red"]]],
        xgap=2, ygap=2))
    figure.update_layout(title=title, height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                         xaxis_title=t("ros.heatmap.x", top=len(x)), yaxis_title=t("ros.heatmap.y", top=len(y)))
    return figure


def service_filter(container, key: str, include_department: bool = True, label_key: str = "ros.field.service"):
    """A select box: all, the department (no service), or one service. Returns None, "-" or a code."""
    services = common.cached(service_choices)
    names = dict(services)
    options = [None] + (["-"] if include_department else []) + [code for code, _ in services]

    def fmt(code):
        if code is None:
            return t("ui.all")
        if code == "-":
            return t("ros.department")
        return names.get(code, code)

    return container.selectbox(t(label_key), options, format_func=fmt, key=key)


def service_name(code: str | None) -> str:
    if not code:
        return t("ros.department")
    return dict(common.cached(service_choices)).get(code, code)


def level_select(container, label: str, kind: str, default: int, key: str | None = None,
                 matrix_id: int | None = None, **kwargs) -> int:
    """A likelihood or consequence level chosen by number and name ("3 – Mulig"), never a bare number field:
    the levels of the matrix `matrix_id` (the current one when None). `kind`: "likelihood" or "consequence"."""
    labels = common.cached(matrices.level_labels, matrix_id)[kind]
    options = list(range(1, len(labels) + 1))
    return container.selectbox(label, options, index=min(max(int(default), 1), len(options)) - 1, key=key,
                               format_func=lambda level: f"{level} – {labels[level - 1]}", **kwargs)
