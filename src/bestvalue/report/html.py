"""The pack as one self-contained HTML document (GOV.UK typography and colours, inline CSS and SVG
charts, no scripts): the same document WeasyPrint turns into the PDF.

Every figure and table cell carries its value as JSON (``data-value``) next to the formatted text, so
the HTML can be checked against the pack's JSON twin.
"""

from __future__ import annotations

import functools
import itertools
import json
from typing import Any

import jinja2
from markupsafe import Markup
from pydantic_core import to_jsonable_python

from bestvalue.report.builder import filter_text
from bestvalue.report.models import UNIT_KIND, ChartSpec, Column, PackTable, VfmPack
from bestvalue.web import charts
from bestvalue.web.formats import date, format_value

NOT_AVAILABLE = "–"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bestvalue.report", "templates"),
        autoescape=jinja2.select_autoescape(("html", "xml"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        jv=json_value,
        cell=cell_text,
        figure=figure_text,
        date=date,
        numeric=is_numeric,
        widths=column_widths,
        selection=filter_text,
    )
    return env


def json_value(value: Any) -> str:
    """A value as the JSON twin holds it (for ``data-value`` attributes)."""
    return json.dumps(to_jsonable_python(value), ensure_ascii=False)


def cell_text(value: Any, column: Column) -> str:
    if value is None or value == "":
        return "" if column.kind == "text" else NOT_AVAILABLE if column.kind != "code" else ""
    return format_value(value, column.kind)


def figure_text(value: Any, unit: str) -> str:
    if value is None:
        return NOT_AVAILABLE
    return format_value(value, UNIT_KIND.get(unit, "text"))


TEXT_CAP = 28  # characters a text column asks for at most (it wraps beyond)


def column_widths(table: PackTable) -> list[tuple[Column, float]]:
    """Column widths (% of the table) for the columns drawn, from what they hold: numbers, codes and
    dates get room for their longest shown value (they should not wrap), text up to ``TEXT_CAP``
    characters, and every column room for the longest word of its header."""
    cols = [c for c in table.columns if c.in_html]
    rows = table.rows[: table.shown]
    need = []
    for c in cols:
        longest = max((len(cell_text(r.get(c.key), c)) for r in rows), default=0)
        word = max((len(w) for w in c.label.split()), default=0)
        want = min(max(longest, 8), TEXT_CAP) if c.kind == "text" else longest
        need.append(max(want, 1.2 * word, 3) + 1.5)  # headers are bold: wider per character
    total = sum(need) or 1.0
    return [(c, round(100 * n / total, 2)) for c, n in zip(cols, need, strict=True)]


def is_numeric(column: Column) -> bool:
    return column.kind in ("money", "number", "integer", "percent")


def chart(spec: ChartSpec, table: PackTable) -> charts.Chart:
    """Draw a chart spec from its table's rows (the first ``limit``)."""
    items = [(str(r.get(spec.label) or ""), r.get(spec.value)) for r in table.rows[: spec.limit]]
    if spec.kind == "column":
        return charts.column_chart(spec.key, spec.title, spec.summary, items, kind=spec.value_kind)
    if spec.kind == "position":
        items = [(n, v) for n, v in items if v is not None]
        items.sort(key=lambda t: -float(t[1] or 0))
        return charts.position_chart(
            spec.key,
            spec.title,
            spec.summary,
            items,
            spec.subject or "",
            kind=spec.value_kind,
            quartiles=spec.quartiles,
        )
    return charts.bar_chart(
        spec.key,
        spec.title,
        spec.summary,
        items,
        kind=spec.value_kind,
        highlight=(lambda i, label: label == spec.subject) if spec.subject else None,
    )


def render_html(pack: VfmPack, *, for_print: bool = False) -> str:
    """The pack as HTML. ``for_print`` adds the page rules WeasyPrint uses (running header, page
    numbers, each section on a new page)."""
    tables = {t.key: t for s in pack.sections for t in s.tables}
    drawn = {
        s.key: [(spec, chart(spec, tables[spec.table])) for spec in s.charts if spec.table in tables]
        for s in pack.sections
    }
    css = environment().get_template("pack.css").render(for_print=for_print)
    return (
        environment()
        .get_template("pack.html")
        .render(
            pack=pack,
            css=Markup(css),
            charts=drawn,
            evidence_sheets={t.sheet: t for t in pack.evidence},
            source_groups=[
                (key, list(files))
                for key, files in itertools.groupby(pack.sources, key=lambda f: (f.role, f.publisher))
            ],
            for_print=for_print,
        )
    )
