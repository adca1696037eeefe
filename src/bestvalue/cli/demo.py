"""``bestvalue demo``: a fresh warehouse from the bundled sample, a summary, then the web app over it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bestvalue.cli.common import console, fail
from bestvalue.demo import DEFAULT_DEMO_DB, load_demo
from bestvalue.engine import WarehouseError, open_warehouse
from bestvalue.pipeline import run_steps
from bestvalue.schema import ensure_schema


def demo(
    db: Annotated[Path, typer.Option("--db", help="Where to build the demo warehouse (replaced).")] = Path(
        DEFAULT_DEMO_DB
    ),
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after the summary; do not serve the web app.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Address the web app listens on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port the web app listens on.", min=1, max=65535)
    ] = 8000,
) -> None:
    """Build a fresh demo warehouse from the bundled real sample, print what it holds, then serve it."""
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    try:
        wh = open_warehouse(db)
    except WarehouseError as exc:
        fail(str(exc))
    with wh:
        ensure_schema(wh)
        with console.status("Loading the demo sample (FY2021-22 spend of five councils)…"):
            summary = load_demo(wh)
        fresh = [f for f in summary.files if f.status in ("loaded", "replaced")]
        console.print(
            f"Loaded {sum(f.loaded for f in fresh):,} payments from {len(fresh)} files "
            f"({sum(1 for f in summary.files if f.status == 'unchanged')} duplicate files recognised, "
            f"{sum(f.rejected for f in fresh):,} lines rejected, {summary.failed} files failed)."
        )
        for name, line in run_steps(wh):
            console.print(f"[bold]{name}[/]: {line}")
        wh.checkpoint()
        rows = wh.rows(
            "SELECT c.name, count(*), sum(s.amount), min(s.spend_date), max(s.spend_date) "
            "FROM spend_enriched s JOIN councils c ON c.gss_code = s.council_code "
            "GROUP BY c.name ORDER BY c.name"
        )
    table = Table(title="Spend by council")
    for col in ("council", "payments", "£ total", "first payment", "last payment"):
        table.add_column(col, justify="right" if col in ("payments", "£ total") else "left")
    for name, n, amount, first, last in rows:
        table.add_row(name, f"{n:,}", f"{amount:,.2f}", str(first), str(last))
    console.print(table)
    console.print(f"\nWarehouse: {db.resolve()}")
    if summary.failed:
        raise typer.Exit(1)
    if not no_serve:
        from bestvalue.web.server import serve

        console.print(f"Open [bold]http://{host}:{port}/[/] to explore it (press Ctrl+C to stop).")
        serve(db, host, port)
