"""Where a threat model's elements sit on its diagram (plain geometry, no plotting): the page's figure and
the Threat Dragon export both place elements that have no coordinates of their own this way.

Works on element rows (dicts) as well as on ThreatElement objects.
"""
from __future__ import annotations

NODE_SIZE = {"external_entity": (160, 80), "process": (110, 110), "data_store": (160, 70)}
COLUMN = {"external_entity": 0, "process": 1, "data_store": 2}


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
