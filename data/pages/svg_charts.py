"""Small charts drawn as SVG on the server, for the leader's overview: bars across (a value per service, with an
optional reference line such as 100 % coverage), bars up and down from zero (a balance per month) and a line
over time.

Why not Plotly here: the overview is the first page after sign-in, and five Plotly charts took about 0.3 s of the
browser's time there, in a new tab, on a 2-core machine (benchmarks/pages.py); these take a few milliseconds.
They are for reading at a glance: every value is written on the chart and in a tooltip, the whole chart is one
image whose text alternative lists every value, colour is never the only cue (a shortage is a bar below zero and
a signed figure), and each chart links to its page, where the full interactive chart is.

Everything shown is escaped; numbers come formatted from the caller (data/formatting.py), in the user's language.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

WIDTH = 460         # about a chart's column at 1440 px, so text is drawn near its own size
TEXT = "#31333f"     # 12.6:1 on white
MUTED = "#5c5f66"    # 6.3:1 on white: axis labels and the reference line's label
GRID = "#d6d6d6"
BLUE = "#1c5d99"     # bars and lines: 6.7:1 on white, over 3:1 as graphics must be
GOOD = "#1f6f43"
BAD = "#b3261e"
FONT_SIZE = 14
HALO = 'stroke="#ffffff" stroke-width="4" paint-order="stroke"'   # a value stays readable across a line
CHAR_WIDTH = 7.6     # a generous average at 14 px, to leave room for labels (never cut)


@dataclass(frozen=True)
class Bar:
    """One value: `label` says what it is (a service, a month), `value` its size, `text` the value as shown
    ("87,5 %", "−1,2"), `colour` its fill."""
    label: str
    value: float
    text: str
    colour: str = BLUE


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _figure(title: str, unit: str, bars: list[Bar], height: float, body: list[str]) -> str:
    described = f"{title} ({unit}): " + "; ".join(f"{bar.label} {bar.text}" for bar in bars)
    return (
        '<figure class="bo-chart" style="margin:0 0 0.5rem 0">'
        f'<figcaption style="font-weight:600;color:{TEXT};margin-bottom:0.1rem">{escape(title)}</figcaption>'
        f'<div style="color:{MUTED};font-size:0.85rem">{escape(unit)}</div>'
        f'<svg viewBox="0 0 {WIDTH} {height:.0f}" width="100%" role="img" aria-label="{escape(described)}" '
        f'font-size="{FONT_SIZE}" style="display:block;overflow:visible">'
        + "".join(body) + "</svg></figure>")


def _tip(bar: Bar) -> str:
    return f"<title>{escape(bar.label)}: {escape(bar.text)}</title>"


def horizontal_bars(title: str, unit: str, bars: list[Bar], reference: float | None = None,
                    reference_text: str = "") -> str:
    """A bar across per row, labels on the left, each value written after its bar; `reference` draws a dashed
    line at that value (labelled `reference_text`). Values are 0 or more."""
    if not bars:
        return ""
    row, top = 30, 22 if reference is not None else 6
    label_width = min(240.0, max(60.0, max(_text_width(bar.label) for bar in bars) + 12))
    value_width = max(_text_width(bar.text) for bar in bars) + 12
    span = WIDTH - label_width - value_width
    largest = max([bar.value for bar in bars] + [reference or 0.0]) or 1.0
    height = top + row * len(bars) + 6
    body, values = [], []
    for index, bar in enumerate(bars):
        y = top + index * row
        length = max(0.0, bar.value) / largest * span
        body.append(
            f"<g>{_tip(bar)}"
            f'<text x="{label_width - 8:.1f}" y="{y + 18}" text-anchor="end" fill="{TEXT}">{escape(bar.label)}</text>'
            f'<rect x="{label_width:.1f}" y="{y + 5}" width="{length:.1f}" height="{row - 10}" fill="{bar.colour}"/></g>')
        values.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 18}" fill="{TEXT}" {HALO}>'
                      f"{escape(bar.text)}</text>")
    if reference is not None:   # over the bars, under the values
        x = label_width + reference / largest * span
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4:.0f}" stroke="{TEXT}" '
                    'stroke-width="1.5" stroke-dasharray="5 4"/>'
                    f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" fill="{MUTED}">{escape(reference_text)}</text>')
    body += values
    return _figure(title, unit, bars, height, body)


def columns(title: str, unit: str, bars: list[Bar]) -> str:
    """A bar up or down from a zero line per column (a balance per month), the value written beyond its end and
    the label under the chart."""
    if not bars:
        return ""
    top, plot, bottom = 22, 190, 28
    high = max(0.0, *(bar.value for bar in bars))
    low = min(0.0, *(bar.value for bar in bars))
    scale = plot / ((high - low) or 1.0)
    zero = top + high * scale
    slot = WIDTH / len(bars)
    body = []
    for index, bar in enumerate(bars):
        middle = slot * index + slot / 2
        size = abs(bar.value) * scale
        y = zero - size if bar.value >= 0 else zero
        text_y = y - 6 if bar.value >= 0 else zero + size + 15
        body.append(
            f"<g>{_tip(bar)}"
            f'<rect x="{middle - slot * 0.3:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{size:.1f}" '
            f'fill="{bar.colour}"/>'
            f'<text x="{middle:.1f}" y="{text_y:.1f}" text-anchor="middle" fill="{TEXT}">{escape(bar.text)}</text>'
            f'<text x="{middle:.1f}" y="{top + plot + bottom + 4}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(bar.label)}</text></g>")
    body.append(f'<line x1="0" y1="{zero:.1f}" x2="{WIDTH}" y2="{zero:.1f}" stroke="{TEXT}" stroke-width="1"/>')
    return _figure(title, unit, bars, top + plot + bottom + 12, body)


def line(title: str, unit: str, points: list[Bar], axis_text: Callable[[float], str] = str) -> str:
    """A line over time from zero up, a dot per point (tooltip: label and `text`), the last value written at its
    end; about six labels along the bottom and three to five gridlines. Values on the chart itself are written
    with `axis_text(value)`."""
    if not points:
        return ""
    left, right, top, plot = 44.0, 50.0, 12.0, 190.0
    highest = max(point.value for point in points) or 1.0
    step = nice_step(highest)
    ceiling = math.ceil(highest / step) * step
    span = WIDTH - left - right
    gap = span / max(1, len(points) - 1)

    def at(index: int, value: float) -> tuple[float, float]:
        return left + index * gap, top + plot - value / ceiling * plot

    body = []
    for tick in range(int(round(ceiling / step)) + 1):
        value = tick * step
        _, y = at(0, value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
                    f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                    f"{escape(axis_text(value))}</text>")
    coordinates = [at(index, point.value) for index, point in enumerate(points)]
    body.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)}" fill="none" '
                f'stroke="{points[0].colour}" stroke-width="2.5"/>')
    every = max(1, math.ceil(len(points) / 6))
    for index, (point, (x, y)) in enumerate(zip(points, coordinates, strict=True)):
        body.append(f'<g>{_tip(point)}<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{point.colour}"/></g>')
        if (len(points) - 1 - index) % every == 0:   # counted from the last point, which is always labelled
            body.append(f'<text x="{x:.1f}" y="{top + plot + 20}" text-anchor="middle" fill="{MUTED}">'
                        f"{escape(point.label)}</text>")
    x, y = coordinates[-1]
    body.append(f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" fill="{TEXT}" font-weight="600">'
                f"{escape(axis_text(points[-1].value))}</text>")
    return _figure(title, unit, points, top + plot + 30, body)


def nice_step(span: float, ticks: int = 4) -> float:
    """A round axis step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` steps over `span` (> 0)."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
