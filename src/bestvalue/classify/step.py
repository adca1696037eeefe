"""The classification step of the pipeline."""

from __future__ import annotations

from bestvalue.engine import Warehouse


def classify_step(wh: Warehouse) -> str:
    """Classify every spend row; returns a one-line summary."""
    return "not built yet"
