"""CLI commands for contracts (registered by `register`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""


def ingest_contracts_command(paths: list[object], db: object, as_json: bool) -> None:
    """``bestvalue ingest contracts PATH...`` (implemented with the contracts capability)."""
    raise typer.Exit(2)
