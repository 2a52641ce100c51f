"""The data-flow diagram of a threat model as a plotly figure (no graphviz needed).

Works on the plain rows of `threats.model_detail` so a page can cache them. Elements imported from
Threat Dragon keep its coordinates; others are placed by `layout.auto_layout`.
"""
from __future__ import annotations

import plotly.graph_objects as go

from data.i18n import t
from risk.threats.layout import COLUMN, auto_layout

COLOURS = {"external_entity": "#1F4E79", "process": "#2E7D32", "data_store": "#8E5A00"}
SYMBOLS = {"external_entity": "square", "process": "circle", "data_store": "diamond"}


def figure(detail: dict) -> go.Figure:
    """Nodes, flows (red when they cross a trust boundary) and trust boundaries (dashed)."""
    elements = detail["elements"]
    layout = auto_layout(elements)
    fig = go.Figure()
    centres = {}
    for element in elements:
        box = layout.get(element["id"])
        if box and element["kind"] in COLUMN:
            centres[element["id"]] = (box[0] + box[2] / 2, box[1] + box[3] / 2)
    for element in elements:
        if element["kind"] != "trust_boundary":
            continue
        box = layout.get(element["id"])
        if box is None:
            continue
        x, y, w, h = box
        fig.add_shape(type="rect", x0=x, y0=y, x1=x + w, y1=y + h, line={"color": "#C62828", "dash": "dash"},
                      fillcolor="rgba(198,40,40,0.04)", layer="below")
        fig.add_annotation(x=x + 6, y=y + 4, text=element["name"] or t("threat.kind.trust_boundary"),
                           showarrow=False, xanchor="left", yanchor="top", font={"color": "#C62828", "size": 11})
    pairs = {(e["source_id"], e["target_id"]) for e in elements if e["kind"] == "data_flow"}
    for element in elements:
        if element["kind"] != "data_flow":
            continue
        start, end = centres.get(element["source_id"]), centres.get(element["target_id"])
        if start is None or end is None:
            continue
        colour = "#C62828" if element["crosses_boundary"] else "#555555"
        if (element["target_id"], element["source_id"]) in pairs:   # a flow each way: draw them apart
            dx, dy = end[0] - start[0], end[1] - start[1]
            length = max((dx * dx + dy * dy) ** 0.5, 1.0)
            nx, ny = -dy / length * 9, dx / length * 9
            start, end = (start[0] + nx, start[1] + ny), (end[0] + nx, end[1] + ny)
        fig.add_annotation(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=2 if element["crosses_boundary"]
                           else 1.2, arrowcolor=colour, standoff=28, startstandoff=28, text="")
        spot = (start[0] + (end[0] - start[0]) * 0.4, start[1] + (end[1] - start[1]) * 0.4)
        label = element["name"] + (f" ({element['protocol']})" if element["protocol"] else "")
        fig.add_trace(go.Scatter(x=[spot[0]], y=[spot[1]], mode="text", text=[label], textfont={"size": 10,
                      "color": colour}, hovertext=[_flow_hover(element)], hoverinfo="text", showlegend=False))
    for kind in COLUMN:
        nodes = [e for e in elements if e["kind"] == kind and e["id"] in centres]
        if not nodes:
            continue
        fig.add_trace(go.Scatter(
            x=[centres[e["id"]][0] for e in nodes], y=[centres[e["id"]][1] for e in nodes], mode="markers+text",
            marker={"symbol": SYMBOLS[kind], "size": 34, "color": COLOURS[kind], "line": {"width": 1, "color": "#fff"}},
            text=[e["name"] for e in nodes], textposition="bottom center", name=t(f"threat.kind.{kind}"),
            hovertext=[_node_hover(e) for e in nodes], hoverinfo="text"))
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    fig.update_layout(title=t("threat.diagram_title", title=detail["model"]["title"]), height=620,
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.02})
    return fig


def _node_hover(element: dict) -> str:
    parts = [f"<b>{element['name']}</b>", t(f"threat.kind.{element['kind']}")]
    if element["boundary"]:
        parts.append(t("threat.in_boundary", boundary=element["boundary"]))
    if element["holds_logs"]:
        parts.append(t("threat.holds_logs"))
    return "<br>".join(parts)


def _flow_hover(element: dict) -> str:
    parts = [f"<b>{element['name']}</b>", f"{element['source']} → {element['target']}"]
    if element["data_carried"]:
        parts.append(element["data_carried"])
    parts.append(t("threat.encrypted") if element["encrypted"] else t("threat.not_encrypted"))
    if element["crosses_boundary"]:
        parts.append(t("threat.crosses_boundary"))
    return "<br>".join(parts)
