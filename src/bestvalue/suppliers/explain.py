"""Looking up resolved suppliers: why a name belongs where it does, and supplier listings."""

from __future__ import annotations

import re
from typing import Any

from bestvalue.engine import Warehouse
from bestvalue.suppliers import sql
from bestvalue.suppliers.models import AliasInfo, Explanation, SupplierInfo
from bestvalue.suppliers.names import normalise

_SUPPLIER_ID = re.compile(r"S[0-9A-F]{10}")


def _alias(row: dict[str, Any]) -> AliasInfo:
    return AliasInfo(**{k: row[k] for k in AliasInfo.model_fields if k in row})


def _supplier(row: dict[str, Any]) -> SupplierInfo:
    data = {k: row[k] for k in SupplierInfo.model_fields}
    data["amount"] = float(data["amount"] or 0)
    return SupplierInfo(**data)


def explain(wh: Warehouse, query: str, limit: int = 10) -> Explanation:
    """How a published name (or a supplier id) was resolved, with the supplier's other names."""
    text = query.strip()
    out = Explanation(query=text, matched=[])
    supplier_id: str | None = None
    if _SUPPLIER_ID.fullmatch(text.upper()):
        supplier_id = text.upper()
        if not wh.dicts(sql.supplier_by_id(), [supplier_id]):
            moved = wh.scalar(sql.redirect_of(), [supplier_id])
            if moved:
                out.redirected_from, supplier_id = supplier_id, moved
    else:
        key = normalise(text).key if text else ""
        out.matched = [_alias(r) for r in wh.dicts(sql.alias_by_name(), [text, key or None])]
        ids = [a.supplier_id for a in out.matched if a.supplier_id]
        supplier_id = ids[0] if ids else None
        if not out.matched:
            pattern = "%" + "%".join(text.split()) + "%"
            out.suggestions = [r["published_name"] for r in wh.dicts(sql.aliases_like(), [pattern, limit])]
    if supplier_id:
        rows = wh.dicts(sql.supplier_by_id(), [supplier_id])
        if rows:
            out.supplier = _supplier(rows[0])
            out.aliases = [_alias(r) for r in wh.dicts(sql.aliases_of(), [supplier_id])]
    return out


def list_suppliers(
    wh: Warehouse, search: str | None = None, order: str = "payments", limit: int = 50
) -> list[SupplierInfo]:
    """Suppliers, largest first (by payments, amount, councils or aliases) or by name."""
    pattern = None if not search else "%" + "%".join(search.split()) + "%"
    return [_supplier(r) for r in wh.dicts(sql.list_suppliers(order), [pattern, pattern, limit])]
