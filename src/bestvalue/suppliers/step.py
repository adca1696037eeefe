"""The supplier-resolution step of the pipeline."""

from __future__ import annotations

from bestvalue.engine import Warehouse


def resolve_step(wh: Warehouse) -> str:
    """Resolve published supplier names into supplier entities; returns a one-line summary."""
    return "not built yet"
