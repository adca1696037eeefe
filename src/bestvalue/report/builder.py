"""What every section builder shares: the council and year, the numbered references, figures and
tables, sheet names, and the evidence-row columns.

A figure is only ever made through :meth:`Builder.figure`, which needs a reference number, and a
reference only through :meth:`Builder.ref` / :meth:`Builder.ref_of`, which need the library function
and its parameters: a figure without a traceable computation cannot be built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bestvalue.analytics.models import CouncilInfo, EvidenceRow, Insight, SpendFilter
from bestvalue.analytics.scope import Db
from bestvalue.analytics.settings import Settings
from bestvalue.engine import Warehouse
from bestvalue.report.models import Column, Figure, PackOptions, PackTable, Reference, Unit, Value
from bestvalue.web import links
from bestvalue.web.exports import sheet_title

# Fixed evidence sheets (the XLSX writes them after the section tables).
SHEET_IT_PAYMENTS = "E1 IT payments"
SHEET_SAVINGS = "E2 Savings evidence"
SHEET_FLAGS = "E3 Probity evidence"
SHEET_SUPPLIERS = "E4 IT suppliers SME VCSE"
EVIDENCE_SHEETS = (SHEET_IT_PAYMENTS, SHEET_SAVINGS, SHEET_FLAGS, SHEET_SUPPLIERS)
RESERVED_SHEETS = ("Contents", "Figures", "References", "Sources", *EVIDENCE_SHEETS)

EVIDENCE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("spend_date", "Date", "date"),
    ("amount", "Amount (£)", "money"),
    ("supplier", "Supplier", "text"),
    ("supplier_id", "Supplier ID", "code"),
    ("published_supplier", "Supplier as published", "text"),
    ("department", "Department", "text"),
    ("expense_type", "Expense type", "text"),
    ("description", "Description", "text"),
    ("invoice_number", "Invoice number", "text"),
    ("transaction_number", "Transaction number", "text"),
    ("proclass_code", "ProClass code", "code"),
    ("ict_category", "ICT category", "code"),
    ("classification_method", "Classification method", "code"),
    ("financial_year", "Financial year", "code"),
    ("source_file", "Source file", "text"),
    ("source_line", "Line in file", "integer"),
    ("source_id", "Source ID", "integer"),
    ("spend_id", "Spend ID", "integer"),
)


def _literal(value: Any) -> str:
    return repr(value) if not isinstance(value, list) else "[" + ", ".join(repr(v) for v in value) + "]"


def call_text(insight: str, params: dict[str, Any]) -> str:
    """``bestvalue.analytics.baseline(wh, council='E08000003', year=2021, top=20)``."""
    args = ", ".join(f"{k}={_literal(v)}" for k, v in params.items())
    return f"{insight}(wh{', ' if args else ''}{args})"


def filter_text(selection: SpendFilter) -> str:
    """A drill-down selection in words a spreadsheet user can apply: ``ict_category = 271440; …``."""
    data = selection.model_dump(exclude_defaults=True, mode="json")
    return "; ".join(f"{k} = {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in data.items())


def evidence_record(row: EvidenceRow, **extra: Any) -> dict[str, Any]:
    """One evidence row as a table record (with leading columns such as the signal number)."""
    data = row.model_dump()
    return {**extra, **{k: data[k] for k, _, _ in EVIDENCE_COLUMNS}}


def column(key: str, label: str, kind: str) -> Column:
    """A column; ``kind`` is checked against :data:`bestvalue.report.models.Kind`."""
    return Column.model_validate({"key": key, "label": label, "kind": kind})


def evidence_columns(*leading: tuple[str, str, str]) -> list[Column]:
    return [column(*c) for c in (*leading, *EVIDENCE_COLUMNS)]


@dataclass
class Builder:
    """State of one pack being built."""

    wh: Warehouse
    db: Db  # the insights' reader (materialised copy when fresh)
    council: CouncilInfo
    year: int
    options: PackOptions
    settings: Settings
    references: list[Reference] = field(default_factory=list)
    sheets: set[str] = field(default_factory=lambda: {s.lower() for s in RESERVED_SHEETS})

    # -- references ---------------------------------------------------------------------------
    def link(self, selection: SpendFilter | None) -> str | None:
        if selection is None:
            return None
        path = links.evidence(selection)
        return (self.options.base_url.rstrip("/") + path) if self.options.base_url else path

    def ref(
        self,
        insight: str,
        params: dict[str, Any],
        field: str,
        how: str,
        *,
        evidence: SpendFilter | None = None,
        sheet: str | None = None,
        sheet_filter: str | None = None,
    ) -> int:
        """Register how a figure was computed; returns its reference number."""
        n = len(self.references) + 1
        self.references.append(
            Reference(
                n=n,
                insight=insight,
                call=call_text(insight, params),
                params=params,
                field=field,
                how=how,
                evidence=evidence,
                sheet=sheet,
                sheet_filter=sheet_filter
                if sheet_filter is not None
                else (filter_text(evidence) if evidence is not None and sheet else None),
                link=self.link(evidence),
            )
        )
        return n

    def ref_of(self, result: Insight, field: str, how: str, **kwargs: Any) -> int:
        """A reference to part of an insight result, with the filters the result records."""
        f = result.filters
        params: dict[str, Any] = {"council": f.council_code, "year": f.financial_year}
        params.update({k: v for k, v in f.params.items()})
        return self.ref(f"bestvalue.analytics.{result.insight}", params, field, how, **kwargs)

    # -- figures and tables ---------------------------------------------------------------------
    def figure(
        self, key: str, label: str, value: Value, unit: Unit, ref: int, note: str | None = None
    ) -> Figure:
        if isinstance(value, float) and unit not in ("£", "£ per head"):
            value = round(value, 4)
        return Figure(key=key, label=label, value=value, unit=unit, ref=ref, note=note)

    def sheet(self, name: str) -> str:
        return sheet_title(name, self.sheets)

    def table(
        self,
        key: str,
        title: str,
        ref: int,
        columns: Sequence[tuple[str, str, str]] | Sequence[Column],
        rows: Iterable[dict[str, Any]],
        *,
        sheet: str | None = None,
        shown: int | None = None,
        totals: Sequence[str] = (),
        note: str | None = None,
        total_rows: int | None = None,
        total_amount: float | None = None,
        hide: Sequence[str] = (),
    ) -> PackTable:
        """A table; ``hide`` names columns left out of the HTML and PDF (kept in the XLSX)."""
        cols = [c if isinstance(c, Column) else column(*c) for c in columns]
        cols = [c.model_copy(update={"in_html": False}) if c.key in hide else c for c in cols]
        data = list(rows)
        sums = {k: round(sum(float(r.get(k) or 0) for r in data), 2) for k in totals}
        return PackTable(
            key=key,
            title=title,
            sheet=sheet if sheet in EVIDENCE_SHEETS else self.sheet(sheet or title),
            ref=ref,
            columns=cols,
            rows=data,
            shown=min(len(data), self.options.shown_rows if shown is None else shown),
            totals=sums,
            total_rows=total_rows,
            total_amount=total_amount,
            note=note,
        )


def share(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole`` (None when the whole is not positive)."""
    return round(100.0 * part / whole, 4) if whole > 0 else None
