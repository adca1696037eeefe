"""``bestvalue insight …``: thin commands over :mod:`bestvalue.analytics`, as tables or ``--json``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from bestvalue import analytics
from bestvalue.analytics.models import Breakdown, SpendFilter
from bestvalue.cli.common import DbOption, JsonOption, console, fail, print_json, warehouse

CouncilOption = Annotated[str, typer.Option("--council", "-c", help="Council GSS code or name.")]
YearOption = Annotated[
    int | None,
    typer.Option(
        "--year",
        "-y",
        help="Financial year by its first calendar year (2021 = 2021-22). Default: the latest full year.",
    ),
]
T = TypeVar("T")
SettingsOption = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        help="YAML file overriding insight parameters (see docs/insights.md).",
        exists=True,
        dir_okay=False,
    ),
]


def _table(title: str | None, columns: tuple[str, ...], left: set[str]) -> Table:
    """A Rich table with its columns: the ``left`` ones left-aligned, numbers right-aligned."""
    t = Table(title=title, title_justify="left") if title else Table()
    for col in columns:
        t.add_column(col, justify="left" if col in left else "right")
    return t


def _gbp(value: float | None) -> str:
    return "–" if value is None else f"£{value:,.0f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _notes(notes: list[str]) -> None:
    for n in notes:
        console.print(f"[dim]• {n}[/]", highlight=False)


def _breakdown(title: str, lines: list[Breakdown]) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column(title.split()[-1].capitalize())
    t.add_column("£", justify="right")
    t.add_column("share", justify="right")
    t.add_column("lines", justify="right")
    for b in lines:
        t.add_row(b.label, _gbp(b.amount), _pct(b.share), f"{b.rows:,}")
    return t


def _run(
    db: Path | None,
    settings: Path | None,
    as_json: bool,
    fn: Callable[..., T],
    *args: object,
    **kwargs: object,
) -> T | None:
    """Call an insight on a read-only warehouse, turning lookups that fail into clean errors.

    With ``as_json`` the result is printed as JSON and ``None`` returned (the command is done).
    """
    cfg = analytics.load_settings(settings) if settings else None
    with warehouse(db, read_only=True) as wh:
        try:
            result = fn(wh, *args, settings=cfg, **kwargs)
        except (analytics.UnknownCouncil, analytics.UnknownSupplier, LookupError) as exc:
            fail(str(exc).strip("'\""))
    if as_json:
        print_json(result)
        return None
    return result


def baseline(
    council: CouncilOption,
    year: YearOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
) -> None:
    """IT spend baseline: total, share, per head, by category, supplier, department and quarter."""
    b = _run(db, settings, as_json, analytics.baseline, council, year)
    if b is None:
        return
    console.print(f"[bold]{b.council.name}[/] IT spend baseline, {b.filters.year_label}", highlight=False)
    console.print(
        f"IT spend {_gbp(b.it_spend)} of {_gbp(b.total_spend)} ({_pct(b.it_share)}); "
        f"{f'£{b.it_per_head:.2f}' if b.it_per_head is not None else '–'} per head; "
        f"range {_gbp(b.it_range_low)}–{_gbp(b.it_range_high)} with uncertain IT calls "
        f"({_gbp(b.it_uncertain)}) and unclassified spend; "
        f"{b.it_suppliers:,} suppliers, {b.it_rows:,} lines.",
        highlight=False,
    )
    for title, lines in (
        ("IT spend by category", b.by_category),
        ("IT spend by supplier", b.by_supplier),
        ("IT spend by department", b.by_department),
        ("IT spend by quarter", b.by_quarter),
    ):
        if lines:
            console.print(_breakdown(title, lines))
    _notes(b.notes)


def peers(
    council: CouncilOption,
    year: YearOption = None,
    peer: Annotated[list[str] | None, typer.Option("--peer", help="Pick a peer (repeat).")] = None,
    cross_tier: Annotated[bool, typer.Option("--cross-tier", help="Allow peers of other tiers.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
) -> None:
    """Peer benchmarks: the council's metrics against similar councils of the same tier."""
    p = _run(
        db, settings, as_json, analytics.peers, council, year, peer_codes=peer or None, cross_tier=cross_tier
    )
    if p is None:
        return
    console.print(
        f"[bold]{p.council.name}[/] ({p.council.tier}) against its peers, {p.filters.year_label}: "
        + (", ".join(x.council.name for x in p.peers) or "none"),
        highlight=False,
    )
    t = _table(None, ("metric", "value", "peer median", "quartiles", "position"), left={"metric", "position"})
    for m in p.metrics:
        fmt = (
            _gbp
            if m.unit == "£"
            else _pct
            if m.unit == "%"
            else (
                (lambda v: "–" if v is None else f"£{v:,.2f}")
                if m.unit == "£ per head"
                else (lambda v: "–" if v is None else f"{v:,.0f}")
            )
        )
        t.add_row(
            m.label,
            fmt(m.value),
            fmt(m.peer_median),
            f"{fmt(m.peer_q1)} – {fmt(m.peer_q3)}",
            m.position.replace("_", " "),
        )
    console.print(t)
    if p.suggested_without_data:
        console.print(
            "Similar councils without data: " + ", ".join(x.council.name for x in p.suggested_without_data),
            highlight=False,
        )
    _notes(p.notes)


def market(
    council: Annotated[
        str | None, typer.Option("--council", "-c", help="One council (default: all loaded).")
    ] = None,
    year: YearOption = None,
    category: Annotated[
        str | None, typer.Option("--category", help="One ICT category (a ProClass code).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
) -> None:
    """Market shares of IT spend per ICT category, with HHI and CR3."""
    m: analytics.Market | analytics.CategoryMarket | None
    if category:
        m = _run(db, settings, as_json, analytics.category_market, category, year, council=council)
    else:
        m = _run(db, settings, as_json, analytics.market, council, year)
    if m is None:
        return
    cats = list(m.categories) if isinstance(m, analytics.Market) else [m]
    for c in cats:
        t = _table(
            f"{c.category.label}: {_gbp(c.total)}, {c.suppliers} suppliers, {c.councils} councils, "
            f"HHI {c.hhi if c.hhi is not None else '–'} ({c.concentration}), CR3 {_pct(c.cr3)}",
            ("supplier", "£", "share", "councils"),
            left={"supplier"},
        )
        for s in c.shares:
            t.add_row(s.supplier, _gbp(s.amount), _pct(s.share), str(s.councils))
        console.print(t)
    _notes(m.notes)


def lockin(
    council: CouncilOption,
    year: YearOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
) -> None:
    """Lock-in score per supplier × ICT category, with its components."""
    r = _run(db, settings, as_json, analytics.lockin, council, year)
    if r is None:
        return
    t = _table(
        f"{r.council.name} lock-in, {r.filters.year_label}",
        ("supplier", "category", "£", "share", "years", "contracts", "score"),
        left={"supplier", "category"},
    )
    for i in r.items[:30]:
        t.add_row(
            i.supplier,
            i.category.label,
            _gbp(i.amount),
            _pct(i.category_share),
            str(i.consecutive_years),
            str(i.contracts),
            f"{i.score:g}/{i.max_score:g}",
        )
    console.print(t)
    _notes(r.notes)


def collaborate(
    council: CouncilOption,
    year: YearOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
) -> None:
    """Councils paying the same supplier for the same ICT category: candidates for joint procurement."""
    r = _run(db, settings, as_json, analytics.collaboration, council, year)
    if r is None:
        return
    t = _table(
        f"{r.council.name} collaboration candidates",
        ("supplier", "category", "this council", "at stake", "councils", "ending together"),
        left={"supplier", "category", "councils"},
    )
    for o in r.opportunities[:30]:
        t.add_row(
            o.supplier,
            o.category.label,
            _gbp(o.council_amount),
            _gbp(o.at_stake),
            ", ".join(c.name for c in o.councils),
            str(len(o.ending_together)),
        )
    console.print(t)
    _notes(r.notes)


def savings(
    council: CouncilOption,
    year: YearOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
) -> None:
    """Savings signals with estimated £ and their evidence rows."""
    r = _run(db, settings, as_json, analytics.savings, council, year)
    if r is None:
        return
    console.print(
        f"[bold]{r.council.name}[/] savings signals, {r.filters.year_label}: "
        f"{_gbp(r.total_estimated)} estimated",
        highlight=False,
    )
    t = _table(None, ("kind", "signal", "involved", "estimate", "lines"), left={"kind", "signal"})
    for s in r.signals[:40]:
        t.add_row(
            s.kind.replace("_", " "),
            s.title,
            _gbp(s.amount_involved),
            _gbp(s.estimated_saving),
            str(len(s.rows)),
        )
    console.print(t)
    _notes(r.notes)


def flags(
    council: CouncilOption,
    year: YearOption = None,
    it_only: Annotated[bool, typer.Option("--it-only", help="Test IT spend only.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
) -> None:
    """Probity flags (possible breach / risk signal) with their evidence rows."""
    r = _run(db, settings, as_json, analytics.flags, council, year, it_only=it_only)
    if r is None:
        return
    console.print(
        f"[bold]{r.council.name}[/] probity flags, {r.filters.year_label}: "
        + (", ".join(f"{k.replace('_', ' ')} {v}" for k, v in r.counts.items()) or "none"),
        highlight=False,
    )
    t = _table(None, ("severity", "flag", "£", "lines"), left={"severity", "flag"})
    for f in r.flags[:40]:
        t.add_row(f.severity.replace("_", " "), f.title, _gbp(f.amount), str(f.evidence_count))
    console.print(t)
    b = r.benford
    console.print(
        f"Benford first-digit test: {b.n:,} payments, MAD "
        f"{b.mad if b.mad is not None else '–'} ({b.conformity.replace('_', ' ')})",
        highlight=False,
    )
    _notes(r.notes)


def evidence(
    council: Annotated[str | None, typer.Option("--council", "-c")] = None,
    year: YearOption = None,
    supplier: Annotated[str | None, typer.Option("--supplier", help="Supplier id.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="ICT category head code.")] = None,
    it: Annotated[str, typer.Option("--it", help="all | it | not_it | unclassified")] = "all",
    limit: Annotated[int, typer.Option("--limit")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The payment lines behind a figure (drill-down)."""
    if it not in ("all", "it", "not_it", "unclassified"):
        fail("--it must be all, it, not_it or unclassified")
    with warehouse(db, read_only=True) as wh:
        code = None
        if council:
            try:
                code = analytics.council_info(wh, council).gss_code
            except analytics.UnknownCouncil as exc:
                fail(str(exc).strip("'\""))
        page = analytics.evidence_rows(
            wh,
            SpendFilter(
                council_code=code, financial_year=year, supplier_id=supplier, ict_category=category, it=it
            ),
            limit=limit,
        )
    if as_json:
        print_json(page)
        return
    t = _table(
        f"{page.total_rows:,} lines, {_gbp(page.total_amount)}",
        ("date", "£", "supplier", "department", "file:line"),
        left={"date", "supplier", "department", "file:line"},
    )
    for e in page.rows:
        t.add_row(
            str(e.spend_date),
            f"£{e.amount:,.2f}",
            e.supplier,
            e.department,
            f"{e.source_file}:{e.source_line}",
        )
    console.print(t)


def refresh(
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if up to date.")] = False,
) -> None:
    """Rebuild the insight table (a faster copy of spend joined to suppliers and categories)."""
    from bestvalue.analytics.refresh import refresh as rebuild

    with warehouse(db) as wh:
        console.print(rebuild(wh, force=force), highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``insight`` command group to the main app."""
    group = typer.Typer(
        help="Insights: IT baseline, peers, market, lock-in, collaboration, savings, probity.",
        no_args_is_help=True,
    )
    for fn in (baseline, peers, market, lockin, collaborate, savings, flags, evidence, refresh):
        group.command()(fn)
    app.add_typer(group, name="insight")
