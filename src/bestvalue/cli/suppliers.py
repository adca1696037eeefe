"""CLI commands for suppliers: ``bestvalue resolve`` and ``bestvalue suppliers explain|list|status``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bestvalue.cli.common import DbOption, JsonOption, console, fail, print_json, warehouse
from bestvalue.suppliers.explain import explain, list_suppliers
from bestvalue.suppliers.models import AliasInfo, Explanation
from bestvalue.suppliers.overrides import OVERRIDES_ENV, OverrideError
from bestvalue.suppliers.store import resolve_warehouse

OverridesOption = Annotated[
    Path | None,
    typer.Option(
        "--overrides",
        help=f"CSV or YAML file of merges/splits/kinds/names (default: ${OVERRIDES_ENV}, else "
        "supplier_overrides.csv or .yaml beside the warehouse, else the rules stored by the last run).",
        show_default=False,
    ),
]


def resolve(db: DbOption = None, overrides: OverridesOption = None, as_json: JsonOption = False) -> None:
    """Resolve published payee names into supplier entities (stable ids, explained links)."""
    with warehouse(db) as wh:
        try:
            summary = resolve_warehouse(wh, overrides)
        except OverrideError as exc:
            fail(str(exc))
        wh.checkpoint()
    if as_json:
        print_json(summary)
        return
    console.print(f"[bold]suppliers[/]: {summary.line()}", highlight=False)
    table = Table(title="How supplier names were linked")
    table.add_column("method")
    table.add_column("names", justify="right")
    for method, count in summary.by_method.items():
        table.add_row(method, f"{count:,}")
    console.print(table)
    if summary.truncating_councils:
        cut = ", ".join(f"{code} at {width}" for code, width in sorted(summary.truncating_councils.items()))
        console.print(f"Names cut at a fixed width (matched by prefix): {cut}", highlight=False)
    if summary.overrides:
        console.print(f"Overrides: {summary.override_rules} rules from {summary.overrides}", highlight=False)
    for rule in summary.unmatched_rules:
        console.print(f"[yellow]override matched no published name:[/] {rule}", highlight=False)


def _print_aliases(title: str, aliases: list[AliasInfo], marked: set[str] | None = None) -> None:
    """One block per name: the name, then how it was linked (readable in a narrow terminal)."""
    console.print(f"[bold]{title}[/]", highlight=False)
    for a in aliases:
        mark = "  [yellow]<- matches the query[/]" if marked and a.published_name in marked else ""
        ids = ", ".join(
            f"{label} {v}"
            for label, v in (
                ("company", a.company_number),
                ("charity", a.charity_number),
                ("VAT", a.vat_number),
            )
            if v
        )
        facts = f"{a.payments:,} payments, {a.councils} councils" + (f", {ids}" if ids else "")
        facts += ", cut at field width" if a.truncated else ""
        console.print(f"  [cyan]{a.published_name}[/]  ({facts}){mark}", highlight=False)
        console.print(
            f"      {a.payee_kind} · {a.method} · confidence {a.confidence:.2f} · {a.evidence or ''}",
            highlight=False,
        )


def _print_explanation(out: Explanation) -> None:
    if not out.matched and not out.supplier:
        console.print(f"No published name or supplier id matches {out.query!r}.", highlight=False)
        if out.suggestions:
            console.print("Similar supplier names: " + "; ".join(out.suggestions), highlight=False)
        return
    if out.matched and not out.supplier:
        _print_aliases(f"Published names matching {out.query!r}", out.matched)
    if out.redirected_from:
        console.print(
            f"{out.redirected_from} was merged into {out.supplier.supplier_id if out.supplier else '?'}."
        )
    if out.supplier:
        s = out.supplier
        ids = (
            ", ".join(
                f"{label} {value}"
                for label, value in (
                    ("company", s.company_number),
                    ("charity", s.charity_number),
                    ("VAT", s.vat_number),
                )
                if value
            )
            or "no identifiers published"
        )
        console.print(
            f"\nSupplier [bold]{s.name}[/] ({s.supplier_id}): {s.aliases} published names, "
            f"{s.payments:,} payments, "
            f"£{s.amount:,.2f}, {s.councils} councils; {ids}; legal form {s.legal_form or 'not stated'}"
            + ("; VCSE" if s.is_vcse else ""),
            highlight=False,
        )
        _print_aliases("Its published names", out.aliases, {a.published_name for a in out.matched})
    elif out.matched:
        kinds = {a.payee_kind for a in out.matched}
        console.print(
            f"Not a supplier: {', '.join(sorted(kinds))} payees are never clustered into suppliers."
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command()(resolve)
    group = typer.Typer(help="Resolved suppliers: explain a name, list suppliers.", no_args_is_help=True)

    @group.command("explain")
    def explain_cmd(
        name: Annotated[
            str, typer.Argument(help="A published payee name, a normalised name or a supplier id.")
        ],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Show how a published name was resolved: its supplier, the method, the evidence, the other names."""
        with warehouse(db, read_only=True) as wh:
            out = explain(wh, name)
        if as_json:
            print_json(out)
        else:
            _print_explanation(out)

    @group.command("list")
    def list_cmd(
        search: Annotated[str | None, typer.Argument(help="Only suppliers whose name contains this.")] = None,
        order: Annotated[
            str, typer.Option(help="payments | amount | councils | aliases | name")
        ] = "payments",
        limit: Annotated[int, typer.Option(help="How many to show.")] = 30,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """List suppliers, largest first."""
        if order not in ("payments", "amount", "councils", "aliases", "name"):
            fail("--order must be one of payments, amount, councils, aliases, name")
        with warehouse(db, read_only=True) as wh:
            rows = list_suppliers(wh, search, order, limit)
        if as_json:
            print_json(rows)
            return
        table = Table(title="Suppliers")
        for col in ("id", "name", "company", "councils", "names", "payments", "£ amount"):
            table.add_column(
                col, justify="right" if col in ("councils", "names", "payments", "£ amount") else "left"
            )
        for s in rows:
            table.add_row(
                s.supplier_id,
                s.name,
                s.company_number or "",
                str(s.councils),
                str(s.aliases),
                f"{s.payments:,}",
                f"{s.amount:,.2f}",
            )
        console.print(table)

    app.add_typer(group, name="suppliers")
