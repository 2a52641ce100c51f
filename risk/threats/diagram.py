"""The data-flow diagram of a threat model as a plotly figure (no graphviz needed).

Works on the plain rows of `threats.model_detail` so a page can cache them. Elements imported from
Threat Dragon keep its coordinates; others are placed in columns by kind.
"""
from __future__ import annotations

import plotly.graph_objects as go

from data.i18n import t

NODE_SIZE = {"external_entity": (160, 80), "process": (110, 110), "data_store": (160, 70)}
COLUMN = {"external_entity": 0, "process": 1, "data_store": 2}
COLOURS = {"external_entity": "#1F4E79", "process": "#2E7D32", "data_store": "#8E5A00"}
SYMBOLS = {"external_entity": "square", "process": "circle", "data_store": "diamond"}


def _get(element, key):
    return element[key] if isinstance(element, dict) else getattr(element, key)


def auto_layout(elements) -> dict[int, tuple[float, float, float, float]]:
    """(x, y, width, height) for elements without coordinates of their own.

    Nodes are grouped by trust boundary: each zone is a column block (entities, then processes, then
    stores, top to bottom) and its boundary a box around the block, so zones never overlap.
    """
    placed: dict[int, tuple[float, float, float, float]] = {}
    zones: dict[int | None, list] = {}
    for element in elements:
        kind = _get(element, "kind")
        if kind not in COLUMN:
            continue
        if _get(element, "x") is not None and _get(element, "y") is not None:
            w, h = NODE_SIZE[kind]
            placed[_get(element, "id")] = (_get(element, "x"), _get(element, "y"), _get(element, "width") or w,
                                           _get(element, "height") or h)
            continue
        zones.setdefault(_get(element, "boundary_id"), []).append(element)
    order = sorted(zones, key=lambda z: (z is None, z or 0))
    x = 60.0
    for zone in order:
        kinds = sorted({COLUMN[_get(e, "kind")] for e in zones[zone]})
        for offset, column in enumerate(kinds):
            members = sorted((e for e in zones[zone] if COLUMN[_get(e, "kind")] == column),
                             key=lambda e: str(_get(e, "name")))
            for row, element in enumerate(members):
                w, h = NODE_SIZE[_get(element, "kind")]
                placed[_get(element, "id")] = (x + offset * 230, 70 + row * 170, w, h)
        x += len(kinds) * 230 + 110
    for element in elements:
        if _get(element, "kind") != "trust_boundary" or _get(element, "id") in placed:
            continue
        if _get(element, "x") is not None and _get(element, "width"):
            placed[_get(element, "id")] = (_get(element, "x"), _get(element, "y"), _get(element, "width"),
                                           _get(element, "height"))
            continue
        members = [placed[_get(e, "id")] for e in elements
                   if _get(e, "kind") in COLUMN and _get(e, "boundary_id") == _get(element, "id")
                   and _get(e, "id") in placed]
        if members:
            x1 = min(m[0] for m in members) - 30
            y1 = min(m[1] for m in members) - 40
            x2 = max(m[0] + m[2] for m in members) + 30
            y2 = max(m[1] + m[3] for m in members) + 30
            placed[_get(element, "id")] = (x1, y1, x2 - x1, y2 - y1)
    return placed


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
