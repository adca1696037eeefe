"""The value-for-money pack as a typed model: sections of figures, tables and charts, the numbered
references that say how every figure was computed, the evidence rows and the source files.

The HTML, the PDF and the XLSX are drawn from this one model, and its JSON is the pack's twin, so
all four carry the same numbers. Money is in pounds (rounded to pence, as the insights give it),
shares are percentages (0–100), as in :mod:`bestvalue.analytics.models`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from bestvalue.analytics.models import CouncilInfo, SpendFilter

Unit = Literal["£", "£ per head", "%", "count", "number", "text", "date"]
Kind = Literal["text", "code", "money", "number", "integer", "percent", "date", "datetime", "bool"]
Value = float | int | str | bool | dt.date | None

UNIT_KIND: dict[str, Kind] = {
    "£": "money",
    "£ per head": "money",
    "%": "percent",
    "count": "integer",
    "number": "number",
    "text": "text",
    "date": "date",
}


class Reference(BaseModel):
    """How one figure or table was computed: the library call, the part of its result, the rule in
    words, and where its payment lines are (drill-down filter, XLSX sheet and the rows on it)."""

    n: int = Field(description="the reference number printed next to the figure")
    insight: str = Field(description="dotted name of the library function, e.g. bestvalue.analytics.baseline")
    call: str = Field(description="the call with every parameter that shaped the result")
    params: dict[str, Any] = Field(default_factory=dict)
    field: str = Field(description="which part of the result the figure is")
    how: str = Field(description="how the figure is worked out, in words")
    evidence: SpendFilter | None = Field(default=None, description="the payment lines behind it")
    sheet: str | None = Field(default=None, description="XLSX sheet holding the rows behind it")
    sheet_filter: str | None = Field(default=None, description="which rows of that sheet make it")
    link: str | None = Field(default=None, description="drill-down address (absolute when a base URL is set)")


class Figure(BaseModel):
    """One headline figure with its reference."""

    key: str = Field(description="stable id, e.g. baseline.it_spend")
    label: str
    value: Value
    unit: Unit
    ref: int
    note: str | None = None


class Column(BaseModel):
    key: str
    label: str
    kind: Kind = "text"
    in_html: bool = Field(default=True, description="drawn in the HTML and PDF (the XLSX has every column)")


class PackTable(BaseModel):
    """A table of the pack: every row goes to its XLSX sheet, the first ``shown`` to the HTML/PDF."""

    key: str
    title: str
    sheet: str = Field(description="XLSX sheet name (≤ 31 characters, unique in the pack)")
    ref: int
    columns: list[Column]
    rows: list[dict[str, Any]]
    shown: int = Field(description="rows drawn in the HTML and PDF (all rows are in the XLSX)")
    totals: dict[str, float] = Field(default_factory=dict, description="column → sum over all rows")
    total_rows: int | None = Field(default=None, description="rows in the whole selection, when capped")
    total_amount: float | None = Field(default=None, description="£ of the whole selection, when capped")
    note: str | None = None


class ChartSpec(BaseModel):
    """A chart drawn (as SVG) from one of the section's tables."""

    key: str
    kind: Literal["bar", "column", "position"]
    title: str
    summary: str
    table: str
    label: str = Field(description="column of labels")
    value: str = Field(description="column of values")
    value_kind: Kind = "money"
    limit: int = 15
    subject: str | None = None
    quartiles: tuple[float | None, float | None, float | None] | None = None


class Section(BaseModel):
    number: int
    key: str
    title: str
    concern: str = Field(description="the strategy's concern the section answers")
    summary: list[str] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    charts: list[ChartSpec] = Field(default_factory=list)
    tables: list[PackTable] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="caveats the insights attach")
    cannot_say: list[str] = Field(default_factory=list, description="what the data cannot say")


class SourceFile(BaseModel):
    """A published file whose lines are behind the pack's figures."""

    source_id: int
    file_name: str
    sha256: str
    publisher: str
    council_code: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    loaded: int
    role: Literal["council", "comparator"]


class PackOptions(BaseModel):
    """What shaped the pack (besides council and year)."""

    as_of: dt.date = Field(description="the renewal pipeline looks ahead from this day")
    pipeline_months: int = 18
    flags_it_only: bool = True
    shown_rows: int = Field(default=12, description="rows per table drawn in the HTML and PDF")
    evidence_limit: int = Field(default=10_000, description="rows per evidence sheet in the XLSX")
    base_url: str | None = Field(default=None, description="site address for drill-down links")
    settings: str | None = Field(default=None, description="insight settings files used")


class VfmPack(BaseModel):
    """One council's IT value-for-money evidence pack for one financial year."""

    title: str
    council: CouncilInfo
    financial_year: int
    year_label: str
    generated_at: dt.datetime
    version: str
    options: PackOptions
    introduction: list[str]
    sections: list[Section]
    evidence: list[PackTable] = Field(description="payment lines behind the figures (XLSX sheets)")
    references: list[Reference]
    sources: list[SourceFile]

    def figure(self, key: str) -> Figure:
        """The figure with this key (KeyError if none)."""
        for s in self.sections:
            for f in s.figures:
                if f.key == key:
                    return f
        raise KeyError(key)

    def table(self, key: str) -> PackTable:
        """The table (section or evidence) with this key (KeyError if none)."""
        for t in [*(t for s in self.sections for t in s.tables), *self.evidence]:
            if t.key == key:
                return t
        raise KeyError(key)

    def reference(self, n: int) -> Reference:
        return self.references[n - 1]
