"""The overview's SVG charts: bar lengths and positions in proportion to the values, every value written and in
the text alternative, names escaped, a shortage drawn below the zero line."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from data.pages import svg_charts
from data.pages.svg_charts import Bar

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ET.Element:
    """The chart as XML (it must be well-formed: the browser draws it from this text)."""
    return ET.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def rects(root: ET.Element) -> list[dict]:
    return [r.attrib for r in root.iter(f"{SVG}rect")]


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bars_across_are_in_proportion_and_the_reference_line_sits_at_its_value():
    bars = [Bar("Digisos", 50.0, "50,0 %", svg_charts.BAD), Bar("SvarUt", 125.0, "125,0 %", svg_charts.GOOD)]
    root = parsed(svg_charts.horizontal_bars("Dekning 2025", "Dekningsgrad (%)", bars, 100.0, "100 % dekning"))
    half, whole = (float(r["width"]) for r in rects(root))
    assert whole == pytest.approx(2.5 * half, abs=0.2)    # 125 against 50
    assert [r["fill"] for r in rects(root)] == [svg_charts.BAD, svg_charts.GOOD]
    start = float(rects(root)[0]["x"])
    [reference] = list(root.iter(f"{SVG}line"))
    assert float(reference.attrib["x1"]) - start == pytest.approx(whole * 100 / 125, abs=0.2)   # 100 of 125
    assert {"Digisos", "SvarUt", "50,0 %", "125,0 %", "100 % dekning"} <= set(texts(root))
    svg = root.find(f".//{SVG}svg") if root.tag != f"{SVG}svg" else root
    assert svg.attrib["role"] == "img"
    assert svg.attrib["aria-label"] == "Dekning 2025 (Dekningsgrad (%)): Digisos 50,0 %; SvarUt 125,0 %"
    assert [t.text for t in root.iter(f"{SVG}title")] == ["Digisos: 50,0 %", "SvarUt: 125,0 %"]   # tooltips


def test_names_are_escaped_and_an_empty_chart_is_nothing():
    markup = svg_charts.horizontal_bars("<b>Tittel</b>", "antall", [Bar('Tjeneste <script>"x"</script>', 3, "3")])
    assert "<script>" not in markup and "<b>" not in markup
    assert 'Tjeneste <script>"x"</script>' in texts(parsed(markup))
    assert svg_charts.horizontal_bars("T", "u", []) == svg_charts.columns("T", "u", []) == ""
    assert svg_charts.line("T", "u", []) == ""


def test_a_shortage_is_a_bar_below_the_zero_line_with_its_signed_value():
    bars = [Bar("jan. 2027", 2.0, "2,0", svg_charts.GOOD), Bar("feb. 2027", -1.0, "−1,0", svg_charts.BAD)]
    root = parsed(svg_charts.columns("Kapasitet", "årsverk", bars))
    [zero] = list(root.iter(f"{SVG}line"))
    zero_y = float(zero.attrib["y1"])
    up, down = rects(root)
    assert float(up["y"]) + float(up["height"]) == zero_y                   # ends on the line
    assert float(down["y"]) == zero_y and float(up["height"]) == pytest.approx(2 * float(down["height"]), abs=0.2)
    assert {"2,0", "−1,0", "jan. 2027", "feb. 2027"} <= set(texts(root))


def test_a_line_from_zero_with_round_gridlines_and_the_last_value_written():
    points = [Bar(f"{q}. kv. 2025", value, f"{value} kommuner") for q, value in zip((1, 2, 3, 4), (300, 320, 340, 351),
                                                                                      strict=True)]
    root = parsed(svg_charts.line("Kommuner", "antall", points, axis_text=lambda v: f"{v:.0f}"))
    gridlines = [t for t in texts(root) if re.fullmatch(r"\d+", t)][:-1]   # the last is the end value
    assert gridlines == ["0", "100", "200", "300", "400"]
    assert texts(root)[-1] == "351"                                          # written with axis_text
    dots = [(float(c.attrib["cx"]), float(c.attrib["cy"])) for c in root.iter(f"{SVG}circle")]
    assert len(dots) == 4 and dots[0][1] > dots[-1][1]                      # higher value, higher on the page
    assert [x for x, _ in dots] == sorted(x for x, _ in dots)
    assert "4. kv. 2025" in texts(root)                                    # the last point is always labelled
