"""Options and output helpers shared by every command."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console

from bestvalue.config import warehouse_path
from bestvalue.engine import Warehouse, WarehouseError, open_warehouse
from bestvalue.schema import ensure_schema

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Warehouse file (default: $BESTVALUE_DB or ./bestvalue.duckdb).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error and leave with a non-zero exit code."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def warehouse(db: Path | None, *, read_only: bool = False) -> Iterator[Warehouse]:
    """Open the warehouse for a command, migrating it if it is writable."""
    path = warehouse_path(db)
    try:
        wh = open_warehouse(path, read_only=read_only)
    except WarehouseError as exc:
        fail(str(exc))
    try:
        if not read_only:
            ensure_schema(wh)
        yield wh
    finally:
        wh.close()


def print_json(value: Any) -> None:
    """One JSON document on stdout (pydantic models, lists of them, or plain data)."""
    if isinstance(value, BaseModel):
        sys.stdout.write(value.model_dump_json() + "\n")
    elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
        sys.stdout.write("[" + ",".join(v.model_dump_json() for v in value) + "]\n")
    else:
        sys.stdout.write(json.dumps(value, default=str) + "\n")
