"""Link contract suppliers to resolved suppliers (``suppliers``, ``supplier_aliases``).

By Companies House number first (GB-COH ids in OCDS, company-number columns in registers),
then by the supplier that resolution gave the published name (``supplier_aliases``, which
includes contract supplier names), then by normalised name where it points to exactly one
supplier. Links already made
are kept; run again after supplier resolution to fill the rest.
"""

from __future__ import annotations

from bestvalue.contracts import sql
from bestvalue.engine import Warehouse


def link_suppliers(wh: Warehouse) -> dict[str, int]:
    """Fill ``contract_suppliers.supplier_id`` where it can be; returns rows per link method."""
    if wh.rows("SELECT count(*) FROM suppliers")[0][0]:
        with wh.transaction():
            wh.execute(sql.link_by_company_number())
            wh.execute(sql.link_by_resolver())
            wh.execute(sql.link_by_name())
    return {str(method or "unlinked"): int(n) for method, n in wh.rows(sql.link_counts())}


def link_step(wh: Warehouse) -> str:
    """A pipeline step (after supplier resolution): link contract suppliers; one-line summary."""
    counts = link_suppliers(wh)
    total = sum(counts.values())
    linked = total - counts.get("unlinked", 0)
    return f"{linked:,} of {total:,} contract suppliers linked to suppliers"
