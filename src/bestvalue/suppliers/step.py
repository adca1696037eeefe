"""The supplier-resolution step of the pipeline."""

from __future__ import annotations

from bestvalue.engine import Warehouse
from bestvalue.suppliers.store import resolve_warehouse


def resolve_step(wh: Warehouse) -> str:
    """Resolve published supplier names into supplier entities; returns a one-line summary."""
    return resolve_warehouse(wh).line()
