"""``bestvalue report vfm``: a council's IT value-for-money evidence pack as HTML, PDF, XLSX or JSON."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer

from bestvalue.cli.common import DbOption, console, fail, warehouse

FormatOption = Annotated[
    str,
    typer.Option("--format", "-f", help="html, pdf, xlsx, or json (the pack model, the HTML's twin)."),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    group = typer.Typer(help="Documents built from the insights.", no_args_is_help=True)
    group.command("vfm")(vfm)
    app.add_typer(group, name="report")


def vfm(
    council: Annotated[str, typer.Option("--council", "-c", help="Council GSS code or name.")],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            help="Financial year by its first calendar year (2021 = 2021-22). "
            "Default: the council's latest full year.",
        ),
    ] = None,
    fmt: FormatOption = "html",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default: vfm-CODE-YEAR.FORMAT here); '-' for stdout."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Start of the renewal pipeline window (YYYY-MM-DD; default today)."),
    ] = None,
    months: Annotated[
        int, typer.Option("--months", help="Months the renewal pipeline looks ahead.", min=1)
    ] = 18,
    all_payments: Annotated[
        bool, typer.Option("--all-payments", help="Run the probity tests over all payments, not only IT.")
    ] = False,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Site address to make drill-down links absolute.")
    ] = None,
    settings: Annotated[
        Path | None,
        typer.Option(
            "--settings", help="YAML file overriding insight parameters.", exists=True, dir_okay=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Build the IT value-for-money evidence pack of one council and write it as one file."""
    from bestvalue.analytics import UnknownCouncil, load_settings
    from bestvalue.report import FORMATS, build_pack, file_name, render

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}")
    start = time.perf_counter()
    with warehouse(db, read_only=True) as wh:
        try:
            pack = build_pack(
                wh,
                council,
                year,
                as_of=day,
                months=months,
                flags_it_only=not all_payments,
                base_url=base_url,
                settings=load_settings(settings) if settings else None,
            )
        except UnknownCouncil as exc:
            fail(str(exc))
    data = render(pack, fmt)
    if out is not None and str(out) == "-":
        typer.get_binary_stream("stdout").write(data)
        return
    target = out or Path(file_name(pack, fmt))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    figures = sum(len(s.figures) for s in pack.sections)
    console.print(
        f"{pack.title}: {figures} figures, {len(pack.references)} references, {len(pack.sources)} source "
        f"files → {target} ({len(data):,} bytes, {time.perf_counter() - start:.1f} s)",
        highlight=False,
    )
