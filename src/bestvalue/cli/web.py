"""``bestvalue serve``: the web app over a warehouse, read-only."""

from __future__ import annotations

from typing import Annotated

import typer

from bestvalue.cli.common import DbOption, console, fail
from bestvalue.config import warehouse_path
from bestvalue.engine import WarehouseError, open_warehouse
from bestvalue.schema import ensure_schema

HostOption = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)]
WorkersOption = Annotated[
    int, typer.Option("--workers", help="Server processes (one per core helps).", min=1)
]
WarmOption = Annotated[
    bool, typer.Option("--warm/--no-warm", help="Pre-render the home page and council overviews at startup.")
]


def migrate_if_possible(db: object) -> None:
    """Bring the warehouse schema up to date before serving it read-only (skipped if it is locked)."""
    try:
        wh = open_warehouse(str(db))
    except WarehouseError:
        return
    with wh:
        ensure_schema(wh)


def serve(
    db: DbOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    workers: WorkersOption = 1,
    warm: WarmOption = True,
) -> None:
    """Serve the web app (pages, JSON API at /docs, CSV/XLSX downloads) over the warehouse, read-only."""
    from bestvalue.web.server import serve as run

    path = warehouse_path(db)
    if not path.exists():
        fail(f"No warehouse at {path}: run `bestvalue ingest` or `bestvalue demo` first")
    migrate_if_possible(path)
    console.print(f"Serving {path.resolve()} at [bold]http://{host}:{port}/[/] (press Ctrl+C to stop)")
    run(path, host, port, workers, warm)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command()(serve)
