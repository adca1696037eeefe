"""Server-rendered SVG charts: valid XML, labelled for assistive technology, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bestvalue.web import charts
from bestvalue.web.security import content_security_policy, script_hashes

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


@pytest.mark.parametrize(
    "chart",
    [
        charts.bar_chart("c1", "Spend", "Summary <b>", [("<script>alert(1)</script>", 10.0), ("B & Co", 5)]),
        charts.column_chart("c2", "Trend", "Up", [("2020-21", 1.0), ("2021-22", -2.0)]),
        charts.position_chart(
            "c3", "Peers", "Mid", [("A", 1.0), ("<b>B</b>", 3.0)], "A", quartiles=(1, 2, 3)
        ),
    ],
)
def test_charts_are_valid_labelled_svg(chart: charts.Chart) -> None:
    root = _parse(chart)  # raises if any text was not escaped
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    assert "<script" not in str(chart.svg) and "<b>" not in str(chart.svg)
    assert "style=" not in str(chart.svg)  # inline styles would break the CSP


def test_bar_lengths_are_proportional() -> None:
    root = _parse(charts.bar_chart("c", "t", "s", [("a", 100.0), ("b", 50.0)]))
    widths = [float(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])


def test_empty_chart_is_marked() -> None:
    assert charts.bar_chart("c", "t", "s", [("a", 0.0)]).empty
    assert not charts.bar_chart("c", "t", "s", [("a", 1.0)]).empty


def test_palette_is_gov_uk() -> None:
    root = _parse(charts.bar_chart("c", "t", "s", [("a", 1.0)]))
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert fills <= {charts.BLUE, charts.DARK_BLUE}


def test_csp_hashes_inline_scripts() -> None:
    html = '<script>one()</script><script src="/x.js"></script><script type="module">two()</script>'
    hashes = script_hashes(html)
    assert len(hashes) == 2 and all(h.startswith("'sha256-") for h in hashes)
    policy = content_security_policy(hashes)
    assert "script-src 'self' 'sha256-" in policy and "unsafe" not in policy
