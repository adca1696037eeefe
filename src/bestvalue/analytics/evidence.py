"""Drill-down: the payment lines behind any figure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bestvalue.analytics import sql
from bestvalue.analytics.models import EvidencePage, EvidenceRow, SpendFilter
from bestvalue.analytics.scope import Db, money, reader

MAX_PAGE = 10_000


def _row(r: dict[str, Any]) -> EvidenceRow:
    return EvidenceRow(
        spend_id=int(r["spend_id"]),
        council_code=r["council_code"],
        spend_date=r["spend_date"],
        financial_year=int(r["financial_year"]),
        amount=money(r["amount"]),
        supplier_id=r["supplier_id"],
        supplier=r["supplier"],
        published_supplier=r["published_supplier"],
        department=r["department"],
        expense_type=r["expense_type"],
        description=r["description"],
        invoice_number=r["invoice_number"],
        transaction_number=r["transaction_number"],
        proclass_code=r["proclass_code"],
        ict_category=r["ict_category"],
        is_it=r["is_it"],
        classification_method=r["classification_method"],
        source_id=int(r["source_id"]),
        source_file=r["source_file"],
        source_line=int(r["source_line"]),
    )


def evidence_rows(wh: Db, selection: SpendFilter, *, limit: int = 100, offset: int = 0) -> EvidencePage:
    """The payment lines a :class:`SpendFilter` selects, largest first, with the selection's totals."""
    wh = reader(wh)
    limit = max(0, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    where, params = sql.spend_filter_where(selection)
    n, total = wh.one(sql.evidence_totals_sql(where), params) or (0, 0)
    rows = wh.dicts(sql.evidence_page_sql(where), [*params, limit, offset]) if limit else []
    return EvidencePage(
        filter=selection,
        total_rows=int(n),
        total_amount=money(total),
        offset=offset,
        limit=limit,
        rows=[_row(r) for r in rows],
    )


def rows_by_id(wh: Db, spend_ids: Iterable[int]) -> dict[int, EvidenceRow]:
    """Evidence rows for the given spend ids (one query)."""
    ids = sorted({int(i) for i in spend_ids})
    if not ids:
        return {}
    return {int(r["spend_id"]): _row(r) for r in wh.dicts(sql.evidence_by_ids_sql(), [ids[0], ids[-1], ids])}


def top_ids_per_group(wh: Db, group: str, selection: SpendFilter, per_group: int) -> dict[str, list[int]]:
    """The largest ``per_group`` spend ids of each value of ``group`` within a selection."""
    where, params = sql.spend_filter_where(selection)
    out: dict[str, list[int]] = {}
    for key, spend_id in wh.rows(sql.top_rows_per_group_sql(group, where), [*params, per_group]):
        out.setdefault(key or "", []).append(int(spend_id))
    return out
