"""The steps that follow ingest, in data-flow order: suppliers → contract suppliers → classify →
the stored copy analytics reads (insights themselves run on demand).

Each capability adds its step here once it exists; ``bestvalue demo`` and ``bestvalue pipeline``
run them all. A step takes the open warehouse and returns a short summary line.
"""

from __future__ import annotations

from collections.abc import Callable

from bestvalue.engine import Warehouse

Step = Callable[[Warehouse], str]


def steps() -> list[tuple[str, Step]]:
    """The post-ingest steps, in order."""
    from bestvalue.analytics.refresh import refresh_step
    from bestvalue.classify.step import classify_step
    from bestvalue.contracts.suppliers import link_step
    from bestvalue.suppliers.step import resolve_step

    return [
        ("suppliers", resolve_step),
        ("contracts", link_step),
        ("classify", classify_step),
        ("analytics", refresh_step),
    ]


def run_steps(wh: Warehouse, report: Callable[[str, str], None] | None = None) -> list[tuple[str, str]]:
    """Run every step; returns (step name, summary) pairs."""
    done = []
    for name, step in steps():
        summary = step(wh)
        done.append((name, summary))
        if report:
            report(name, summary)
    return done
