"""Parts sections 1 and 2 share: words for peer positions, breakdown rows and notes."""

from __future__ import annotations

from typing import Any

from bestvalue.analytics.models import Breakdown, SpendFilter
from bestvalue.report.builder import filter_text
from bestvalue.web.formats import money, percent

OTHERS = "(all others)"  # key of the baseline's folded "All other N" line
NO_SUPPLIER = "(none)"  # supplier key of payments with no supplier entity

POSITION_WORDS = {
    "lowest": "the lowest of its peers",
    "below_quartile": "below the peers' lower quartile",
    "within_quartiles": "within the peers' middle half",
    "above_quartile": "above the peers' upper quartile",
    "highest": "the highest of its peers",
    "no_peers": "not compared (no peer has data)",
}


# Drill-down fields → how to filter the evidence sheets' columns on them.
SHEET_COLUMNS = {
    "ict_category": "ICT category =",
    "proclass_code": "ProClass code =",
    "supplier_id": "Supplier ID =",
    "supplier_ids": "Supplier ID in",
    "exclude_supplier_ids": "Supplier ID not in",
    "department": "Department =",
    "exclude_departments": "Department not in",
    "date_from": "Date from",
    "date_to": "Date to",
}


def in_sheet(selection: SpendFilter, base: SpendFilter) -> str:
    """The rows of the IT-payments sheet (which holds the council's IT payments in the year) that a
    drill-down selection picks, in the sheet's column names: ``ICT category = 271440; Supplier ID = …``."""
    data = selection.model_dump(exclude_defaults=True, mode="json")
    ref = base.model_dump(mode="json")
    rest = {k: v for k, v in data.items() if ref.get(k) != v}
    if not rest:
        return "all rows"
    if set(rest) - set(SHEET_COLUMNS):
        return filter_text(SpendFilter.model_validate(rest))
    return "; ".join(
        f"{SHEET_COLUMNS[k]} {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in rest.items()
    )


def merged_notes(*groups: list[str]) -> list[str]:
    seen: list[str] = []
    for group in groups:
        seen.extend(n for n in group if n not in seen)
    return seen


def breakdown_rows(lines: list[Breakdown], base: SpendFilter) -> list[dict[str, Any]]:
    return [
        {
            "key": b.key,
            "label": b.label,
            "amount": b.amount,
            "share": b.share,
            "lines": b.rows,
            "rows_in_e1": in_sheet(b.evidence, base),
        }
        for b in lines
    ]


def top_line(lines: list[Breakdown], what: str) -> str:
    if not lines:
        return f"No IT spend by {what} in this year."
    top = max(lines, key=lambda x: x.amount)
    return f"{top.label} was the largest {what}: {money(top.amount)} ({percent(top.share)} of IT spend)."
