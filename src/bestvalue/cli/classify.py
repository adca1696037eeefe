"""CLI commands for classify: ``bestvalue classify``, ``classify explain ROW_ID``, ``classify train``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bestvalue.cli.common import DbOption, JsonOption, console, fail, print_json, warehouse


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    group = typer.Typer(
        help="Classify spend: ProClass category, IT or not, confidence and reason for every row.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @group.callback(invoke_without_command=True)
    def classify(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
        """Classify every spend row in the warehouse (replaces earlier results)."""
        if ctx.invoked_subcommand is not None:
            return
        from bestvalue.classify.step import run_classification

        with warehouse(db) as wh, console.status("Classifying spend…"):
            summary = run_classification(wh)
        if as_json:
            print_json(summary)
            return
        table = Table(title=f"Classification ({summary.spend_rows:,} rows, {summary.seconds:.1f}s)")
        for name, justify in (
            ("method", "left"),
            ("rows", "right"),
            ("£", "right"),
            ("ICT rows", "right"),
            ("ICT £", "right"),
        ):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for m in summary.methods:
            table.add_row(m.method, f"{m.rows:,}", f"{m.gross:,.0f}", f"{m.it_rows:,}", f"{m.it_gross:,.0f}")
        console.print(table)
        if summary.model is None:
            console.print("[yellow]No trained text model: run `bestvalue classify train`.[/]")
        console.print(
            f"ICT: {summary.it_rows:,} rows, £{summary.it_gross:,.0f}. "
            f"Unclassified: {summary.unclassified_rows:,} rows, £{summary.unclassified_gross:,.0f}.",
            highlight=False,
        )

    @group.command("explain")
    def explain(
        row_id: Annotated[int, typer.Argument(help="spend_id of the row to explain.")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Show the evidence behind one row's classification."""
        from bestvalue.classify.explain import ExplainError, explain_row

        with warehouse(db, read_only=True) as wh:
            try:
                ex = explain_row(wh, row_id)
            except ExplainError as exc:
                fail(str(exc))
        if as_json:
            print_json(ex)
            return
        it = {True: "ICT", False: "not ICT", None: "unclassified"}[ex.is_it]
        console.print(
            f"[bold]Row {ex.spend_id}[/] ({ex.council_code}) £{ex.amount:,.2f} to "
            f"{ex.supplier_name or '(no supplier)'}: {ex.description or '(no description)'}",
            highlight=False,
        )
        console.print(
            f"[bold]{it}[/], {ex.proclass_code or 'no ProClass code'} "
            f"{ex.proclass_label or ''} (confidence {ex.confidence:.2f}, by {ex.method})",
            highlight=False,
        )
        console.print(f"Reason: {ex.reason}", highlight=False)
        table = Table(title="Evidence, strongest method first")
        for name in ("method", "decided", "code", "confidence", "detail"):
            table.add_column(name, overflow="fold")
        for e in ex.evidence:
            table.add_row(
                e.method,
                "yes" if e.decided else "",
                e.code or "",
                f"{e.confidence:.2f}" if e.confidence is not None else "",
                e.detail,
            )
        console.print(table)

    @group.command("train")
    def train(
        db: DbOption = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Where to write the model (default: the package's model file)."),
        ] = None,
        as_json: JsonOption = False,
    ) -> None:
        """Train the text model on the warehouse's labelled rows (published ProClass, council categories,
        contracts with ProClass or CPV)."""
        from bestvalue.classify.model import MODEL_FILE, shipped_model
        from bestvalue.classify.models import TrainSummary
        from bestvalue.classify.training import train_from_warehouse

        target = out or Path(__file__).resolve().parents[1] / "classify" / "data" / MODEL_FILE
        start = time.perf_counter()
        with warehouse(db, read_only=True) as wh, console.status("Training the text model…"):
            try:
                model = train_from_warehouse(wh, target)
            except ValueError as exc:
                fail(f"cannot train: {exc}")
        shipped_model.cache_clear()
        summary = TrainSummary(
            path=str(target),
            model=model.model_id,
            rows=int(model.meta["rows"]),
            councils=list(model.meta["councils"]),
            sources=dict(model.meta["sources"]),
            vocabulary=len(model.vocab),
            classes=len(model.classes),
            ict_classes=len(model.ict_classes),
            bytes=target.stat().st_size,
            seconds=round(time.perf_counter() - start, 2),
        )
        if as_json:
            print_json(summary)
            return
        console.print(
            f"Model {summary.model}: {summary.rows:,} labelled rows from {len(summary.councils)} councils "
            f"({', '.join(f'{k} {v:,}' for k, v in summary.sources.items())}); "
            f"vocabulary {summary.vocabulary:,}; "
            f"{summary.bytes / 1e6:.1f} MB written to {summary.path} in {summary.seconds:.1f}s",
            highlight=False,
        )

    app.add_typer(group, name="classify")
