"""``bestvalue update``: run every step that follows ingest, in order."""

from __future__ import annotations

from bestvalue.cli.common import DbOption, JsonOption, console, print_json, warehouse
from bestvalue.pipeline import run_steps


def update(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Bring suppliers, contract links, classification and the insight tables up to date.

    Run it after `bestvalue ingest` (and `bestvalue ingest contracts`); `bestvalue demo` runs it itself.
    """
    with warehouse(db) as wh:
        if as_json:
            print_json([{"step": name, "summary": line} for name, line in run_steps(wh)])
            return
        run_steps(wh, report=lambda name, line: console.print(f"[bold]{name}[/]: {line}", highlight=False))
