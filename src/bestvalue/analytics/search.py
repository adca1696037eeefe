"""Search councils and suppliers by name."""

from __future__ import annotations

from bestvalue.analytics import sql
from bestvalue.analytics.models import SearchHit, SearchResults
from bestvalue.analytics.scope import Db, money, reader

MAX_QUERY = 100


def search(wh: Db, text: str, *, limit: int = 20) -> SearchResults:
    """Councils (by name or GSS code) and suppliers (by resolved or published name) containing ``text``,
    those with the most spend first. The text is matched literally, case-insensitively."""
    wh = reader(wh)
    query = " ".join((text or "").split())[:MAX_QUERY]
    limit = max(1, min(int(limit), 200))
    if len(query) < 2:
        return SearchResults(query=query, hits=[])
    hits = [
        SearchHit(
            kind="council",
            key=code,
            label=name,
            detail=f"{tier.replace('_', ' ')}, {region or ''}".strip(", "),
            amount=money(amount) if amount else None,
        )
        for code, name, tier, region, amount in wh.rows(sql.search_councils_sql(), [query, query, limit])
    ]
    hits += [
        SearchHit(
            kind="supplier",
            key=sid,
            label=name,
            detail=f"paid by {councils} council(s)",
            amount=money(amount),
        )
        for sid, name, amount, councils in wh.rows(sql.search_suppliers_sql(), [query, limit])
    ]
    return SearchResults(query=query, hits=hits)
