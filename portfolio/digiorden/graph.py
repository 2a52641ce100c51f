"""The integration graph of one organisation: nodes, edges, a deterministic layout and a plotly figure."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from sqlalchemy.orm import Session

from data.access import Actor
from data.i18n import t
from data.registers.registry import get_organisation
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.models import PersonalData
from portfolio.digiorden.schemas import choice_label

SENSITIVITY_ORDER = [p.value for p in PersonalData]
COLOURS = {"none": "#8faadc", "ordinary": "#2e75b6", "special": "#c55a11", "confidential": "#843c0c",
           "service": "#548235"}


def graph(session: Session, organisation_id: int, actor: Actor | None) -> dict:
    """Nodes (systems and the platform services they talk to) and edges (integrations), as `actor` may
    read the map (see systems.map_data)."""
    data = digiorden.map_data(session, organisation_id, actor)
    worst: dict[int, str] = {}
    for dataset in data["datasets"]:
        current = worst.get(dataset["system_id"], "none")
        if SENSITIVITY_ORDER.index(dataset["personal_data"]) > SENSITIVITY_ORDER.index(current):
            current = dataset["personal_data"]
        worst[dataset["system_id"]] = current
    nodes = {f"s{s['id']}": {"id": f"s{s['id']}", "label": s["name"], "kind": "system",
                            "sensitivity": worst.get(s["id"], "none"), "vendor": s["vendor"] or ""}
             for s in data["systems"]}
    edges = []
    for integration in data["integrations"]:
        if integration["to_service"]:
            target = f"p{integration['to_service_id']}"
            nodes.setdefault(target, {"id": target, "label": integration["to_service_name"], "kind": "service",
                                      "sensitivity": "service", "vendor": ""})
        else:
            target = f"s{integration['to_system_id']}"
        edges.append({"source": f"s{integration['from_system_id']}", "target": target,
                      "data": integration["data_carried"] or "", "method": integration["method"]})
    return {"nodes": list(nodes.values()), "edges": edges}


def layout(nodes: list[dict], edges: list[dict], iterations: int | None = None, seed: int = 7) -> dict[str, tuple]:
    """Fruchterman-Reingold spring layout (vectorised), seeded so the same map always looks the same.

    An iteration costs O(n²), so maps with many systems get fewer iterations."""
    ids = [n["id"] for n in nodes]
    if not ids:
        return {}
    count = len(ids)
    if iterations is None:
        iterations = 200 if count <= 80 else max(40, 16000 // count)
    index = {node_id: k for k, node_id in enumerate(ids)}
    rng = np.random.default_rng(seed)
    angles = 2 * math.pi * np.arange(count) / count
    position = np.column_stack([np.cos(angles), np.sin(angles)]) + rng.uniform(-0.05, 0.05, (count, 2))
    pairs = np.array([(index[e["source"]], index[e["target"]]) for e in edges
                      if e["source"] in index and e["target"] in index and e["source"] != e["target"]],
                     dtype=int).reshape(-1, 2)
    ideal = math.sqrt(4.0 / count)
    temperature = 0.2
    for _ in range(iterations):
        delta = position[:, None, :] - position[None, :, :]                  # n x n x 2
        squared = np.maximum(np.einsum("ijk,ijk->ij", delta, delta), 1e-4)
        np.fill_diagonal(squared, np.inf)
        shift = np.einsum("ijk,ij->ik", delta, (ideal * ideal) / squared)       # repulsion: ideal² / distance
        if len(pairs):
            d = position[pairs[:, 0]] - position[pairs[:, 1]]
            length = np.maximum(np.linalg.norm(d, axis=1), 0.01)
            pull = d / length[:, None] * (length * length / ideal)[:, None]
            np.add.at(shift, pairs[:, 0], -pull)
            np.add.at(shift, pairs[:, 1], pull)
        size = np.maximum(np.linalg.norm(shift, axis=1), 0.01)
        position += shift / size[:, None] * np.minimum(size, temperature)[:, None]
        temperature *= 0.98
    return {node_id: (round(float(position[k, 0]), 4), round(float(position[k, 1]), 4))
            for node_id, k in index.items()}


def figure(session: Session, organisation_id: int, actor: Actor | None) -> go.Figure:
    """A plotly network: systems coloured by their most sensitive dataset, platform services in green,
    arrows from sender to receiver, hover text with vendor, data carried and method."""
    org = get_organisation(session, organisation_id)
    data = graph(session, organisation_id, actor)
    position = layout(data["nodes"], data["edges"])
    fig = go.Figure()
    edge_x, edge_y, mid_x, mid_y, mid_text, arrows = [], [], [], [], [], []
    for edge in data["edges"]:
        (x0, y0), (x1, y1) = position[edge["source"]], position[edge["target"]]
        edge_x += [x0, x1, None]
        edge_y += [y0, y1, None]
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        carried = edge["data"] or t("do.not_recorded")
        if edge["method"]:
            carried += f" ({t('do.method.' + edge['method'])})"
        mid_text.append(carried)                # without the method where it is hidden (a technical detail)
        arrows.append({"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                       "showarrow": True, "arrowhead": 3, "arrowsize": 1.2, "arrowwidth": 1, "arrowcolor": "#7f7f7f",
                       "standoff": 12, "text": ""})
    fig.add_trace(go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"width": 1, "color": "#bfbfbf"},
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", marker={"size": 6, "color": "#bfbfbf"},
                             hovertext=mid_text, hoverinfo="text", showlegend=False))
    groups = [p.value for p in PersonalData] + ["service"]
    for group in groups:
        members = [n for n in data["nodes"] if n["sensitivity"] == group]
        if not members:
            continue
        name = t("do.graph.platform_service") if group == "service" else choice_label(PersonalData, group)
        fig.add_trace(go.Scatter(
            x=[position[n["id"]][0] for n in members], y=[position[n["id"]][1] for n in members],
            mode="markers+text", text=[n["label"] for n in members], textposition="top center",
            marker={"size": 22 if group == "service" else 18, "color": COLOURS[group],
                    "symbol": "diamond" if group == "service" else "circle", "line": {"width": 1, "color": "white"}},
            hovertext=[f"{n['label']}<br>{t('do.col.vendor')}: {n['vendor'] or '-'}" for n in members],
            hoverinfo="text", name=name,
        ))
    fig.update_layout(
        title=t("do.graph.title", name=org.name), showlegend=True, height=620, hovermode="closest", annotations=arrows,
        legend={"title": {"text": t("do.graph.legend")}},
        xaxis={"visible": False}, yaxis={"visible": False}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig
