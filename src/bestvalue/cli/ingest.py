"""``bestvalue ingest``: load spend files (and, with ``contracts``, contract data)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bestvalue.cli.common import DbOption, JsonOption, console, fail, warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.models import FileResult, IngestSummary
from bestvalue.ingest.periods import PeriodError, parse_period
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council


def summary_table(summary: IngestSummary, title: str = "Ingest") -> Table:
    """A Rich table of per-file outcomes with a total row."""
    table = Table(title=title, show_lines=False)
    for name, justify in (
        ("file", "left"),
        ("council", "left"),
        ("period", "left"),
        ("status", "left"),
        ("rows", "right"),
        ("loaded", "right"),
        ("rejected", "right"),
        ("skipped", "right"),
        ("£ loaded", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for f in summary.files:
        style = "red" if f.status == "failed" else ("dim" if f.status == "unchanged" else "")
        table.add_row(
            Path(f.file.split("!")[-1]).name,
            f.council_name or f.council or "",
            f.period or "",
            f.status if not f.error else f"{f.status}: {f.error}",
            f"{f.rows:,}",
            f"{f.loaded:,}",
            f"{f.rejected:,}",
            f"{f.skipped:,}",
            f"{f.amount_loaded:,.2f}",
            style=style,
        )
    fresh = [f for f in summary.files if f.status in ("loaded", "replaced")]
    table.add_section()
    table.add_row(
        f"{len(summary.files)} files",
        "",
        "",
        f"{summary.failed} failed",
        f"{sum(f.rows for f in fresh):,}",
        f"{sum(f.loaded for f in fresh):,}",
        f"{sum(f.rejected for f in fresh):,}",
        f"{sum(f.skipped for f in fresh):,}",
        f"{sum((f.amount_loaded for f in fresh), start=0):,.2f}",
        style="bold",
    )
    return table


def run_ingest(
    db: Path | None,
    paths: list[Path],
    council: str | None,
    period: str | None,
    replace: bool,
    as_json: bool,
) -> IngestSummary:
    """Parse the options, run the ingest with progress output, return the summary."""
    options = Options()
    if council:
        options.council = resolve_council(council)
        if options.council is None:
            fail(f"--council {council!r} is not a council name, GSS code or registry code we know")
    if period:
        try:
            options.period = parse_period(period)
        except PeriodError as exc:
            fail(str(exc))
    with warehouse(db) as wh:
        if as_json:

            def report_json(result: FileResult, _size: int) -> None:
                sys.stdout.write(json.dumps(result.json_line()) + "\n")
                sys.stdout.flush()

            return ingest_paths(wh, paths, options, replace=replace, report=report_json)
        with Progress(
            TextColumn("[bold]ingest[/]"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=None)

            def start(_n: int, total_bytes: int) -> None:
                progress.update(task, total=total_bytes)

            def report(result: FileResult, size: int) -> None:
                progress.update(task, advance=size, description=Path(result.file.split("!")[-1]).name)

            summary = ingest_paths(wh, paths, options, replace=replace, report=report, on_start=start)
        console.print(summary_table(summary))
        for f in summary.files:
            if f.status == "failed":
                console.print(f"[red]failed[/] {f.file}: {f.error}", highlight=False)
        return summary


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders; zip, gz and tar archives are opened.")
    ],
    db: DbOption = None,
    council: Annotated[
        str | None, typer.Option(help="Council (GSS code or name) for files that do not say.")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="Period for files with no usable dates: 2021-04, 2021-04..2021-06, 2021/22."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Swap an earlier file of the same council and period.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Load spend files into the warehouse; every line is loaded, rejected with a reason, or skipped."""
    if paths and str(paths[0]) == "contracts":
        from bestvalue.cli.contracts import ingest_contracts_command

        ingest_contracts_command(paths[1:], db, as_json, council)
        return
    if paths and str(paths[0]) == "spend":
        paths = paths[1:]
    if not paths:
        fail("give at least one file or folder to ingest")
    summary = run_ingest(db, paths, council, period, replace, as_json)
    if summary.failed:
        raise typer.Exit(1)
