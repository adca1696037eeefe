"""Server-rendered SVG charts: readable without JavaScript, each with a text summary and its data.

Charts use the GOV.UK colour palette; bars and marks keep at least 3:1 contrast against white and
text is the GOV.UK text colour. Every chart is an ``<svg role="img">`` with a title and description,
and the page shows the same numbers as a table next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from bestvalue.web.formats import format_value

BLUE = "#1d70b8"
DARK_BLUE = "#003078"
LIGHT_BLUE = "#5694ca"
TURQUOISE = "#28a197"
GREEN = "#00703c"
ORANGE = "#f47738"
RED = "#d4351c"
PURPLE = "#4c2c92"
TEXT = "#0b0c0c"
SECONDARY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"
SERIES = (BLUE, ORANGE, GREEN, PURPLE, RED, TURQUOISE, DARK_BLUE)

_CHAR = 7.2  # average glyph width at 13px Arial, for layout only
Number = int | float | Decimal


@dataclass(frozen=True)
class Chart:
    """An SVG chart and the one-sentence summary that says what it shows."""

    id: str
    title: str
    summary: str
    svg: Markup
    empty: bool = False


def _n(v: Number | None) -> float:
    return 0.0 if v is None else float(v)


def _clip(text: str, width: float) -> str:
    limit = max(4, int(width / (_CHAR - 0.4)))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(items: Sequence[tuple[str, Number | None]]) -> bool:
    return not any(_n(v) for _, v in items)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10.0 ** (len(str(int(v))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * mag >= v:
            return float(step * mag)
    return v


def _open(chart_id: str, title: str, summary: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="bv-chart" id="{escape(chart_id)}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'font-family="arial, sans-serif">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>',
    ]


def bar_chart(
    chart_id: str,
    title: str,
    summary: str,
    items: Sequence[tuple[str, Number | None]],
    kind: str = "money",
    highlight: Callable[[int, str], bool] | None = None,
    width: int = 720,
) -> Chart:
    """Horizontal bars, one per (label, value), largest scale first; ``highlight`` picks bars to stress."""
    bar_h, gap, top = 22, 8, 8
    label_w = min(280, max(80, int(max((len(lbl) for lbl, _ in items), default=8) * _CHAR) + 16))
    value_w = 110
    plot_w = width - label_w - value_w
    height = top * 2 + len(items) * (bar_h + gap)
    top_value = _nice_max(max((abs(_n(v)) for _, v in items), default=0.0))
    parts = _open(chart_id, title, summary, width, max(height, 40))
    parts.append(
        f'<line x1="{label_w}" x2="{label_w}" y1="{top - 2}" y2="{height - top + 2}" stroke="{MID_GREY}"/>'
    )
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = plot_w * abs(_n(value)) / top_value if top_value else 0
        colour = DARK_BLUE if highlight and highlight(i, label) else BLUE
        shown = format_value(value, kind)
        parts.append(
            f"<g><title>{escape(label)}: {escape(shown)}</title>"
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" font-size="13" '
            f'fill="{TEXT}">{escape(_clip(label, label_w - 10))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + max(w, 1) + 6:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="13" '
            f'fill="{TEXT}">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return Chart(chart_id, title, summary, Markup("".join(parts)), _empty(items))


def column_chart(
    chart_id: str,
    title: str,
    summary: str,
    items: Sequence[tuple[str, Number | None]],
    kind: str = "money",
    width: int = 720,
    height: int = 280,
) -> Chart:
    """Vertical columns over an ordered axis (years, quarters), with a labelled value axis."""
    left, right, top, bottom = 90, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [_n(v) for _, v in items]
    top_value = _nice_max(max([*values, 0.0]))
    low = min([*values, 0.0])
    bottom_value = -_nice_max(-low) if low < 0 else 0.0
    span = top_value - bottom_value or 1.0

    def y_of(v: float) -> float:
        return top + plot_h * (top_value - v) / span

    parts = _open(chart_id, title, summary, width, height)
    for k in range(5):
        v = bottom_value + span * k / 4
        y = y_of(v)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{LIGHT_GREY if k else MID_GREY}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{SECONDARY}">'
            f"{escape(format_value(v, kind, short=True))}</text>"
        )
    n = max(len(items), 1)
    slot = plot_w / n
    bar_w = min(60.0, slot * 0.7)
    zero = y_of(0.0)
    step = max(1, int(n / (plot_w / 56)) + (1 if n > plot_w / 56 else 0))
    for i, (label, value) in enumerate(items):
        v = _n(value)
        x = left + i * slot + (slot - bar_w) / 2
        y, h = (y_of(v), zero - y_of(v)) if v >= 0 else (zero, y_of(v) - zero)
        parts.append(
            f"<g><title>{escape(label)}: {escape(format_value(value, kind))}</title>"
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 0.5):.1f}" '
            f'fill="{BLUE}"/></g>'
        )
        if i % step == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                'font-size="12" '
                f'fill="{TEXT}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Chart(chart_id, title, summary, Markup("".join(parts)), _empty(items))


def position_chart(
    chart_id: str,
    title: str,
    summary: str,
    items: Sequence[tuple[str, Number | None]],
    subject: str,
    kind: str = "money",
    quartiles: tuple[Number | None, Number | None, Number | None] | None = None,
    width: int = 720,
) -> Chart:
    """One row per council on a shared scale: the subject council in dark blue, peers in light blue,
    and (when given) the peer interquartile range shaded with the median marked."""
    row_h, top = 24, 24
    label_w, right = 200, 110
    plot_w = width - label_w - right
    height = top + len(items) * row_h + 12
    top_value = _nice_max(max((_n(v) for _, v in items), default=0.0))

    def x_of(v: float) -> float:
        return label_w + plot_w * max(v, 0.0) / top_value

    parts = _open(chart_id, title, summary, width, height)
    if quartiles and None not in quartiles:
        q1, med, q3 = (_n(q) for q in quartiles)
        parts.append(
            f'<rect x="{x_of(q1):.1f}" y="{top - 8}" width="{max(x_of(q3) - x_of(q1), 1):.1f}" '
            f'height="{len(items) * row_h + 4}" fill="{LIGHT_GREY}"/>'
            f'<line x1="{x_of(med):.1f}" x2="{x_of(med):.1f}" y1="{top - 8}" '
            f'y2="{top + len(items) * row_h - 4}" '
            f'stroke="{SECONDARY}" stroke-dasharray="4 3"/>'
            f'<text x="{x_of(med):.1f}" y="{top - 12}" text-anchor="middle" font-size="12" fill="{TEXT}">'
            f"peer median</text>"
        )
    for i, (label, value) in enumerate(items):
        y = top + i * row_h + row_h / 2
        mine = label == subject
        colour = DARK_BLUE if mine else BLUE
        weight = ' font-weight="bold"' if mine else ""
        parts.append(
            f"<g><title>{escape(label)}: {escape(format_value(value, kind))}</title>"
            f'<text x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="13" fill="{TEXT}"{weight}>'
            f"{escape(_clip(label, label_w - 10))}</text>"
            f'<line x1="{label_w}" x2="{x_of(_n(value)):.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{MID_GREY}"/>'
            f'<circle cx="{x_of(_n(value)):.1f}" cy="{y:.1f}" r="{7 if mine else 5}" fill="{colour}"/>'
            f'<text x="{x_of(_n(value)) + 12:.1f}" y="{y + 4:.1f}" font-size="13" fill="{TEXT}"{weight}>'
            f"{escape(format_value(value, kind))}</text></g>"
        )
    parts.append("</svg>")
    return Chart(chart_id, title, summary, Markup("".join(parts)), _empty(items))
