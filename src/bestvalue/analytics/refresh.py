"""Keep ``insight_spend`` (the materialised copy of ``spend_enriched``) in step with the data."""

from __future__ import annotations

import time

from bestvalue.analytics import sql
from bestvalue.analytics.scope import MATERIALISED, fingerprint, reader
from bestvalue.engine import Warehouse


def refresh(wh: Warehouse, *, force: bool = False) -> str:
    """Rebuild ``insight_spend`` if spend, suppliers or classification changed since it was built.

    Returns a one-line summary. Insights read the live view whenever the copy is out of date, so
    this only makes them faster; it never changes a figure.
    """
    if not force and reader(wh).relation == MATERIALISED:
        return f"insight tables up to date ({wh.scalar('SELECT count(*) FROM insight_spend'):,} rows)"
    start = time.perf_counter()
    print_ = fingerprint(wh)
    with wh.transaction():
        for statement in sql.rebuild_insight_spend_sql():
            wh.execute(statement)
        rows = int(wh.scalar("SELECT count(*) FROM insight_spend"))
        seconds = round(time.perf_counter() - start, 3)
        wh.execute(sql.record_state_sql(), [print_, rows, seconds])
    return f"insight tables rebuilt: {rows:,} rows in {seconds:.1f}s"


def refresh_step(wh: Warehouse) -> str:
    """The pipeline step (after classification): bring the insight tables up to date."""
    return refresh(wh)
