"""CLI commands for contracts: ``ingest contracts``, ``pipeline``, ``export ocds``, ``contracts linkage``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bestvalue.cli.common import DbOption, JsonOption, console, fail, print_json, warehouse
from bestvalue.contracts.models import ContractFileResult, ContractIngestSummary, PipelineReport
from bestvalue.reference.councils import Council, resolve_council


def _council(text: str | None, required: bool = False) -> Council | None:
    if not text:
        if required:
            fail("give --council (a GSS code or council name)")
        return None
    found = resolve_council(text)
    if found is None:
        fail(f"--council {text!r} is not a council name, GSS code or registry code we know")
    return found


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _summary_table(summary: ContractIngestSummary) -> Table:
    table = Table(title="Ingest contracts")
    for name, justify in (
        ("file", "left"),
        ("format", "left"),
        ("council", "left"),
        ("status", "left"),
        ("items", "right"),
        ("loaded", "right"),
        ("rejected", "right"),
        ("skipped", "right"),
        ("contracts", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for f in summary.files:
        style = "red" if f.status == "failed" else ("dim" if f.status == "unchanged" else "")
        table.add_row(
            Path(f.file.split("!")[-1]).name,
            f.format or "",
            f.council_name or f.council or "",
            f.status if not f.error else f"{f.status}: {f.error}",
            f"{f.items:,}",
            f"{f.loaded:,}",
            f"{f.rejected:,}",
            f"{f.skipped:,}",
            f"{f.contracts:,}",
            style=style,
        )
    return table


def ingest_contracts_command(
    paths: list[Path], db: Path | None, as_json: bool, council: str | None = None
) -> None:
    """``bestvalue ingest contracts PATH...``: OCDS notices and contract registers."""
    from bestvalue.contracts.loader import ingest_contracts

    if not paths:
        fail("give at least one contract file or folder to ingest")
    given = _council(council)
    with warehouse(db) as wh:
        if as_json:

            def report(result: ContractFileResult) -> None:
                sys.stdout.write(result.model_dump_json() + "\n")
                sys.stdout.flush()

            summary = ingest_contracts(wh, paths, given, report)
            sys.stdout.write(json.dumps({"supplier_links": summary.supplier_links}) + "\n")
        else:
            with console.status("ingesting contracts..."):
                summary = ingest_contracts(wh, paths, given)
            console.print(_summary_table(summary))
            links = summary.supplier_links
            total = sum(links.values())
            console.print(
                f"contract suppliers linked to suppliers: {total - links.get('unlinked', 0):,} of {total:,}"
            )
    if summary.failed:
        raise typer.Exit(1)


def _pipeline_table(report: PipelineReport) -> Table:
    title = f"Contracts ending {report.as_of} to {report.horizon}"
    if report.min_value is not None:
        title += f", value ≥ £{report.min_value:,.0f}"
    table = Table(title=title)
    for name, justify in (
        ("council", "left"),
        ("reference", "left"),
        ("title", "left"),
        ("supplier(s)", "left"),
        ("£ value", "right"),
        ("ends", "left"),
        ("latest end", "left"),
        ("action", "left"),
        ("notice by", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for e in report.entries:
        table.add_row(
            e.council_name or "",
            e.reference or "",
            (e.title or "")[:60],
            (e.current_suppliers or "")[:40],
            _money(e.estimated_value),
            str(e.end_date or ""),
            str(e.max_end_date or ""),
            e.action.replace("_", " "),
            str(e.estimated_notice_date or ""),
        )
    return table


def pipeline(
    council: Annotated[
        str | None, typer.Option(help="Council (GSS code or name); all councils if omitted.")
    ] = None,
    months: Annotated[int, typer.Option(help="Window: contracts ending within this many months.")] = 18,
    min_value: Annotated[
        str | None,
        typer.Option("--min-value", help="Only contracts worth at least this (e.g. 2000000 for UK1)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Start of the window (YYYY-MM-DD); today if omitted.")
    ] = None,
    lead_months: Annotated[
        int, typer.Option(help="Months between tender notice and new contract start.")
    ] = 6,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Renewal pipeline: contracts ending (extensions included) within N months: the data of a UK1 notice."""
    from bestvalue.contracts.pipeline import renewal_pipeline

    found = _council(council)
    try:
        threshold = Decimal(min_value.replace(",", "").replace("£", "")) if min_value else None
    except InvalidOperation:
        fail(f"--min-value {min_value!r} is not an amount")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)")
    with warehouse(db, read_only=True) as wh:
        report = renewal_pipeline(wh, found.gss_code if found else None, months, threshold, day, lead_months)
    if as_json:
        print_json(report)
        return
    console.print(_pipeline_table(report))
    console.print(
        f"{len(report.entries):,} contracts, £{report.total_value:,.0f} in all"
        + (
            f"; {report.excluded_unknown_value:,} more of unknown value left out"
            if report.excluded_unknown_value
            else ""
        )
    )
    if report.notice_required is not None:
        console.print(
            f"spend in the 12 months to {report.as_of}: £{report.council_spend_last_12_months or 0:,.0f} "
            f"({'over' if report.notice_required else 'under'} the £100m pipeline-notice threshold)"
        )


def export_ocds(
    council: Annotated[str, typer.Option(help="Council (GSS code or name) whose contracts to export.")],
    out: Annotated[
        Path | None, typer.Option(help="Write the package here (default: standard output).")
    ] = None,
    publisher: Annotated[str | None, typer.Option(help="Publisher name for the package.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a council's contracts as an OCDS 1.1 release package, validated against the official schema."""
    from bestvalue.contracts.export import write_export

    found = _council(council, required=True)
    assert found is not None
    with warehouse(db, read_only=True) as wh:
        result, package = write_export(wh, found.gss_code, out, publisher)
    if out is None and not as_json:
        sys.stdout.write(json.dumps(package, ensure_ascii=False, indent=1) + "\n")
    elif as_json:
        print_json(result)
    else:
        state = "valid OCDS 1.1" if result.valid else "NOT valid"
        console.print(
            f"{result.releases:,} releases ({result.contracts:,} contracts) written to {out}: {state}"
        )
    for e in result.errors[:10]:
        console.print(f"[red]{e}[/]", highlight=False)
    if not result.valid:
        raise typer.Exit(1)


def linkage(
    council: Annotated[
        str | None, typer.Option(help="Council (GSS code or name); all councils if omitted.")
    ] = None,
    by_category: Annotated[bool, typer.Option("--by-category", help="Split by ProClass level 1.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Contracts against payments: spend on and off contract, after contracts end, contracts with no spend."""
    from bestvalue.contracts.linkage import link_contracts_to_spend

    found = _council(council)
    with warehouse(db, read_only=True) as wh:
        report = link_contracts_to_spend(wh, found.gss_code if found else None, by_category)
    if as_json:
        print_json(report)
        return
    table = Table(title="Contracts against payments, by supplier")
    for name in (
        "council",
        "supplier",
        "category",
        "contracts",
        "£ contract value",
        "£ spend",
        "£ on contract",
        "£ off contract",
        "£ after end",
    ):
        table.add_column(name, justify="left" if name in ("council", "supplier", "category") else "right")
    rows = sorted(report.suppliers, key=lambda s: -(s.spend_off_contract + (s.contract_value or 0)))[:40]
    for s in rows:
        table.add_row(
            s.council_code,
            (s.supplier_name or s.supplier_key)[:40],
            s.category or "",
            str(s.contracts),
            _money(s.contract_value),
            _money(s.spend),
            _money(s.spend_on_contract),
            _money(s.spend_off_contract),
            _money(s.spend_after_end),
        )
    console.print(table)
    console.print(
        f"off-contract spend £{report.off_contract_spend:,.0f}; "
        f"{len(report.contracts_without_spend):,} contracts with no spend while spend data covers them"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("pipeline")(pipeline)
    export_group = typer.Typer(help="Export data in open standards.", no_args_is_help=True)
    export_group.command("ocds")(export_ocds)
    app.add_typer(export_group, name="export")
    contracts_group = typer.Typer(help="Contracts: linkage to spend.", no_args_is_help=True)
    contracts_group.command("linkage")(linkage)
    app.add_typer(contracts_group, name="contracts")
