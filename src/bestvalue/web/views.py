"""What each page draws from its result: charts (with one-sentence summaries), link builders for
table cells, page titles. Pure functions of the result; no data access here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bestvalue.analytics.models import (
    Breakdown,
    CategoryMarket,
    Collaboration,
    EvidencePage,
    Flags,
    Lockin,
    Market,
    PeerBenchmark,
    PeerMetric,
    Savings,
    SearchResults,
)
from bestvalue.contracts.models import PipelineReport
from bestvalue.ingest.quality import DataQuality, SourceDetail
from bestvalue.web import charts, links
from bestvalue.web.formats import date as formats_date
from bestvalue.web.formats import date as formats_date_value
from bestvalue.web.formats import format_value, money, percent
from bestvalue.web.models import ContractsPage, CouncilOverview, HomePage, SupplierPage
from bestvalue.web.tables import Column, Table, humanise, table_of, tables_of

Link = Callable[[Any], str]
UNIT_KIND = {"£": "money", "£ per head": "money", "%": "percent", "count": "number"}


def _evidence(record: Any) -> str:
    return links.evidence(getattr(record, "evidence", None))


def _has_page(supplier_id: str | None) -> bool:
    """Suppliers with a page: not "(none)" (individuals and redactions, which have no entity)."""
    return bool(supplier_id) and not str(supplier_id).startswith("(")


def _supplier_of_breakdown(record: Breakdown) -> str:
    sid = record.evidence.supplier_id
    return links.supplier(sid) if _has_page(sid) else ""


def _supplier(record: Any) -> str:
    sid = getattr(record, "supplier_id", None)
    return links.supplier(sid) if _has_page(sid) else ""


def _top_share(items: Sequence[Breakdown], what: str, whole: str) -> str:
    if not items:
        return f"No {what} in this selection."
    top = max(items, key=lambda b: b.amount)
    return f"{top.label} was the largest {what}: {money(top.amount)} ({percent(top.share)} of {whole})."


def home(r: HomePage) -> dict[str, Any]:
    top = sorted(r.councils, key=lambda c: c.it_amount, reverse=True)
    chart = charts.bar_chart(
        "chart-councils",
        "IT spend by council, all years loaded",
        (
            f"{len(r.councils)} councils have data. "
            + (
                f"{top[0].council.name} has the most IT spend loaded: {money(top[0].it_amount)}."
                if top
                else ""
            )
        ),
        [(c.council.name, c.it_amount) for c in top],
    )
    return {"chart": chart, "council_link": lambda c: links.council(c.council.gss_code)}


def council_title(r: CouncilOverview) -> str:
    return r.summary.council.name


def _trend_summary(r: CouncilOverview) -> str:
    years = [y for y in r.summary.years if y.months_covered]
    if not years:
        return "No payments are loaded for this council."
    chosen = [i for i, y in enumerate(years) if y.financial_year == r.baseline.financial_year]
    at = chosen[0] if chosen else len(years) - 1
    last = years[at]
    text = f"IT spend was {money(last.it_spend)} in {last.year_label}"
    if at > 0 and years[at - 1].it_spend:
        prev = years[at - 1]
        change = (last.it_spend - prev.it_spend) / abs(prev.it_spend) * 100
        text += f", {'up' if change >= 0 else 'down'} {abs(change):.0f}% on {prev.year_label}"
    partial = [y.year_label for y in years if y.months_covered < 12]
    if partial:
        text += f". Years with fewer than 12 months of payments: {', '.join(partial)}"
    return text + "."


def _metric_chart(m: PeerMetric, subject: str) -> charts.Chart:
    kind = UNIT_KIND.get(m.unit, "number")
    values = sorted(m.values, key=lambda v: (v.value is None, -(v.value or 0)))
    pos = m.position.replace("_", " ")
    summary = (
        f"{subject}: {format_value(m.value, kind)}; peer median {format_value(m.peer_median, kind)} "
        f"across {m.peers_with_data} peers with data ({pos})."
    )
    return charts.position_chart(
        f"chart-peer-{m.key}",
        m.label,
        summary,
        [(v.name, v.value) for v in values if v.value is not None],
        subject,
        kind,
        (m.peer_q1, m.peer_median, m.peer_q3),
    )


def council(r: CouncilOverview) -> dict[str, Any]:
    b = r.baseline
    years = r.summary.years
    trend = charts.column_chart(
        "chart-trend",
        "IT spend by financial year",
        _trend_summary(r),
        [(y.year_label, y.it_spend) for y in years],
    )
    cats = charts.bar_chart(
        "chart-categories",
        "IT spend by category",
        _top_share(b.by_category, "IT category", "IT spend"),
        [(c.label, c.amount) for c in b.by_category],
    )
    sups = b.by_supplier[:15]
    suppliers = charts.bar_chart(
        "chart-suppliers",
        "Largest IT suppliers",
        _top_share(b.by_supplier, "IT supplier", "IT spend"),
        [(s.label, s.amount) for s in sups],
    )
    quarters = charts.column_chart(
        "chart-quarters",
        "IT spend by quarter",
        _top_share(b.by_quarter, "quarter", "the year's IT spend"),
        [(q.label, q.amount) for q in b.by_quarter],
        height=220,
    )
    headline = next((m for m in r.peers.metrics if m.values), None)
    return {
        "trend": trend,
        "categories": cats,
        "suppliers": suppliers,
        "quarters": quarters,
        "peer_chart": _metric_chart(headline, b.council.name) if headline else None,
        "supplier_link": {"label": _supplier_of_breakdown},
        "category_link": {"label": lambda c: links.category(c.key, b.financial_year)},
        "evidence": _evidence,
        "years": [y.financial_year for y in years if y.months_covered],
        "year": b.financial_year,
    }


def peers(r: PeerBenchmark) -> dict[str, Any]:
    return {
        "charts": [_metric_chart(m, r.council.name) for m in r.metrics if m.values],
        "peer_link": {"council.name": lambda p: links.council(p.council.gss_code, r.financial_year)},
        "kinds": UNIT_KIND,
    }


def lockin(r: Lockin) -> dict[str, Any]:
    top = r.items[:15]
    summary = (
        f"{len(r.items)} supplier and category pairs scored. Highest: {top[0].supplier} in "
        f"{top[0].category.label}, {top[0].score:.0f} of {top[0].max_score:.0f} points."
        if top
        else "No supplier and category pairs reach the minimum spend."
    )
    chart = charts.bar_chart(
        "chart-lockin",
        "Lock-in score, highest first",
        summary,
        [(f"{i.supplier} – {i.category.label}", i.score) for i in top],
        kind="number",
    )
    return {"chart": chart, "supplier_link": {"supplier": _supplier}, "evidence": _evidence}


def collaboration(r: Collaboration) -> dict[str, Any]:
    top = r.opportunities[:15]
    summary = (
        f"{len(r.opportunities)} opportunities. Largest: {top[0].supplier} for {top[0].category.label}, "
        f"{money(top[0].at_stake)} paid by {len(top[0].councils)} councils."
        if top
        else "No other council pays the same supplier for the same category."
    )
    chart = charts.bar_chart(
        "chart-collaboration",
        "£ at stake by opportunity",
        summary,
        [(f"{o.supplier} – {o.category.label}", o.at_stake) for o in top],
    )
    return {"chart": chart, "supplier_link": {"supplier": _supplier}}


def savings(r: Savings) -> dict[str, Any]:
    items = sorted(r.by_kind.items(), key=lambda kv: kv[1], reverse=True)
    summary = f"Estimated savings of {money(r.total_estimated)} from {len(r.signals)} signals."
    chart = charts.bar_chart(
        "chart-savings",
        "Estimated saving by kind of signal",
        summary,
        [(k.replace("_", " ").capitalize(), v) for k, v in items],
    )
    return {"chart": chart, "evidence": _evidence, "supplier_link": {"supplier": _supplier}}


def _rows_table(name: str, title: str, groups: Sequence[tuple[str, Sequence[Any]]]) -> Table:
    """Evidence rows of several signals in one table, each row labelled with its signal."""
    from bestvalue.analytics.models import EvidenceRow

    base = table_of(name, [], EvidenceRow, title)
    signal = type(base.columns[0])("signal", "Signal", "text")
    rows, records = [], []
    for label, evidence_rows in groups:
        sub = table_of(name, list(evidence_rows), EvidenceRow)
        for row, rec in zip(sub.rows, sub.records, strict=True):
            rows.append({"signal": label, **row})
            records.append(rec)
    return Table(name, title, [signal, *base.columns], rows, records)


def savings_tables(r: Savings) -> dict[str, Table]:
    out = tables_of(r)
    out["evidence_rows"] = _rows_table(
        "evidence_rows",
        "Payments behind each signal",
        [(f"{i + 1}. {s.title}", s.rows) for i, s in enumerate(r.signals)],
    )
    return out


def flags(r: Flags) -> dict[str, Any]:
    digits = r.benford.digits
    benford = (
        charts.column_chart(
            "chart-benford",
            "First digits of payments against Benford’s law",
            f"{r.benford.n:,} payments tested; conformity: {r.benford.conformity.replace('_', ' ')}"
            + (f" (mean absolute deviation {r.benford.mad:.4f})." if r.benford.mad is not None else "."),
            [(str(d.digit), d.observed) for d in digits],
            kind="number",
            height=220,
        )
        if digits
        else None
    )
    return {
        "benford": benford,
        "counts": [(humanise(k), f"{v:,}") for k, v in r.counts.items()],
        "evidence": _evidence,
        "supplier_link": {"supplier": _supplier},
    }


def flags_tables(r: Flags) -> dict[str, Table]:
    out = tables_of(r)
    out["evidence_rows"] = _rows_table(
        "evidence_rows",
        "Payments behind each flag",
        [(f"{i + 1}. {f.title}", f.rows) for i, f in enumerate(r.flags)],
    )
    return out


def market_title(r: Market) -> str:
    return "IT markets across councils" if not r.council_code else "IT markets"


def market(r: Market) -> dict[str, Any]:
    cats = sorted(r.categories, key=lambda c: c.total, reverse=True)
    chart = charts.bar_chart(
        "chart-market",
        "IT spend by category",
        (
            f"{cats[0].category.label} is the largest IT category: {money(cats[0].total)}."
            if cats
            else "No IT spend in this selection."
        ),
        [(c.category.label, c.total) for c in cats],
    )
    return {
        "chart": chart,
        "category_link": lambda c: links.category(c.category.code, r.financial_year, r.council_code),
        "supplier_link": {"supplier": _supplier},
    }


def category(r: CategoryMarket) -> dict[str, Any]:
    top = r.shares[:15]
    summary = (
        f"{r.suppliers} suppliers share {money(r.total)}; the largest is {top[0].supplier} with "
        f"{percent(top[0].share)}. HHI {r.hhi:,.0f} ({r.concentration})."
        if top and r.hhi is not None
        else "No IT spend in this category for this selection."
    )
    chart = charts.bar_chart(
        "chart-shares",
        "Supplier shares",
        summary,
        [(s.supplier, s.share) for s in top],
        kind="percent",
    )
    return {"chart": chart, "supplier_link": {"supplier": _supplier}, "evidence": _evidence}


def supplier(page: SupplierPage) -> dict[str, Any]:
    r = page.profile
    councils = sorted(r.councils, key=lambda c: c.amount, reverse=True)
    chart = charts.bar_chart(
        "chart-supplier-councils",
        "Spend by council",
        f"{r.name} was paid {money(r.total)} by {len(r.councils)} "
        f"council{'' if len(r.councils) == 1 else 's'}, "
        f"{money(r.it_amount)} of it for IT.",
        [(c.name, c.amount) for c in councils],
    )
    return {
        "chart": chart,
        "council_link": {"name": lambda c: links.council(c.gss_code)},
        "evidence": _evidence,
    }


def formats_value_of(value: Any) -> str:
    return formats_date_value(value) if hasattr(value, "isoformat") else str(value)


def evidence_title(r: EvidencePage) -> str:
    return "Payments behind the figure"


def evidence(r: EvidencePage) -> dict[str, Any]:
    f = r.filter
    described = []
    for key, value in f.model_dump(exclude_defaults=True).items():
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value[:5]) + (
                f" and {len(value) - 5} more" if len(value) > 5 else ""
            )
        else:
            shown = str(value).replace("_", " ") if key == "it" else formats_value_of(value)
        described.append((humanise(key.replace("exclude_", "leaving_out_")), shown))
    prev_url = links.evidence(f, max(r.offset - r.limit, 0)) if r.offset > 0 else ""
    next_url = links.evidence(f, r.offset + r.limit) if r.offset + r.limit < r.total_rows else ""
    return {
        "described": described,
        "prev_url": prev_url,
        "next_url": next_url,
        "row_links": {
            "supplier": _supplier,
            "source_file": lambda row: links.source(row.source_id),
            "council_code": lambda row: links.council(row.council_code),
        },
    }


def quality(r: DataQuality) -> dict[str, Any]:
    return {"file_link": {"file_name": lambda s: links.source(s.source_id)}}


def source(r: SourceDetail) -> dict[str, Any]:
    return {}


def search(r: SearchResults) -> dict[str, Any]:
    def hit_link(h: Any) -> str:
        return links.council(h.key) if h.kind == "council" else links.supplier(h.key)

    return {"hit_link": {"label": hit_link}}


def _pipeline_chart(r: PipelineReport) -> charts.Chart:
    """£ of contracts running out per quarter of the window."""
    by_quarter: dict[str, float] = {}
    for e in r.entries:
        end = e.estimated_contract_start or e.max_end_date or e.end_date
        if end is None:
            continue
        q = (end.month - 1) // 3 + 1
        key = f"{end.year} Q{q}"
        by_quarter[key] = by_quarter.get(key, 0.0) + float(e.estimated_value or 0)
    items = sorted(by_quarter.items())
    total = sum(float(e.estimated_value or 0) for e in r.entries)
    summary = (
        f"{len(r.entries)} contracts worth {money(total)} run out between {formats_date(r.as_of)} and "
        f"{formats_date(r.horizon)}."
        if r.entries
        else f"No contracts run out between {formats_date(r.as_of)} and {formats_date(r.horizon)}."
    )
    return charts.column_chart(
        "chart-pipeline", "Contract value running out, by calendar quarter", summary, items
    )


def contracts(r: ContractsPage) -> dict[str, Any]:
    linked = r.linkage
    off = sum(float(s.spend_off_contract) for s in linked.suppliers)
    after = sum(float(s.spend_after_end) for s in linked.suppliers)
    return {
        "chart": _pipeline_chart(r.pipeline),
        "off_contract": off,
        "after_end": after,
        "no_spend": sum(1 for c in linked.contracts if c.no_spend),
        "over_value": sum(1 for c in linked.contracts if c.over_value),
    }


def _ratio_columns(tables: dict[str, Table]) -> dict[str, Table]:
    """``share_of_value`` is spend ÷ value (a ratio, not a percentage): show it as a number."""
    for t in tables.values():
        t.columns = [
            Column(c.key, "Spend ÷ contract value", "number") if c.key == "share_of_value" else c
            for c in t.columns
        ]
    return tables


def contracts_tables(r: ContractsPage) -> dict[str, Table]:
    return _ratio_columns(tables_of(r))


def pipeline(r: PipelineReport) -> dict[str, Any]:
    return {
        "chart": _pipeline_chart(r),
        "council_link": {"council_name": lambda c: links.council(c.council_code)},
    }


def pipeline_tables(r: PipelineReport) -> dict[str, Table]:
    return tables_of(r)
