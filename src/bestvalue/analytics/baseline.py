"""IT spend baseline, council summaries and the list of councils with data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bestvalue.analytics import sql
from bestvalue.analytics.models import (
    Baseline,
    Breakdown,
    CouncilCoverage,
    CouncilSummary,
    SpendFilter,
    YearFigure,
)
from bestvalue.analytics.scope import (
    Db,
    all_councils,
    category_labels,
    council_info,
    council_year,
    coverage,
    coverage_notes,
    filters,
    money,
    pct,
    reader,
    settings_or_default,
    year_label,
    years_covered,
)
from bestvalue.analytics.settings import Settings

QUARTERS = {
    1: "Q1 (April–June)",
    2: "Q2 (July–September)",
    3: "Q3 (October–December)",
    4: "Q4 (January–March)",
}
OTHERS = "(all others)"


def per_head(amount: float, population: int | None) -> float | None:
    return round(amount / population, 4) if population else None


def _lines(
    items: list[tuple[str, str, float, int]], total: float, base: SpendFilter, field: str, top: int | None
) -> list[Breakdown]:
    """Breakdown lines, largest first; beyond ``top`` folded into one "all others" line."""
    items.sort(key=lambda t: (-t[2], t[0]))
    shown = items if top is None or len(items) <= top + 1 else items[:top]
    out = [
        Breakdown(
            key=k,
            label=label,
            amount=round(a, 2),
            share=pct(a, total) or 0.0,
            rows=n,
            evidence=base.model_copy(update={field: k}),
        )
        for k, label, a, n in shown
    ]
    rest = items[len(shown) :]
    if rest:
        amount = round(sum(t[2] for t in rest), 2)
        exclude = "exclude_supplier_ids" if field == "supplier_id" else "exclude_departments"
        out.append(
            Breakdown(
                key=OTHERS,
                label=f"All other {len(rest)}",
                amount=amount,
                share=pct(amount, total) or 0.0,
                rows=sum(t[3] for t in rest),
                evidence=base.model_copy(update={exclude: [t[0] for t in shown]}),
            )
        )
    return out


def baseline(
    wh: Db,
    council: str,
    year: int | None = None,
    *,
    top: int | None = None,
    settings: Settings | None = None,
) -> Baseline:
    """A council's IT spend in one financial year: total, share, per head, breakdowns and the range
    that the unclassified spend and the text model's uncertain IT calls leave open."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    info = council_info(wh, council)
    top = top if top is not None else cfg.baseline.top
    years = sorted(years_covered(wh, info.gss_code).get(info.gss_code, {}))
    fy = council_year(wh, info.gss_code, year, cfg)
    cov = coverage(wh, info.gss_code, fy)
    totals = wh.dicts(sql.baseline_totals_sql(), [cfg.baseline.uncertain_below, info.gss_code, fy])[0]
    total, it, uncertain = money(totals["total"]), money(totals["it"]), money(totals["it_uncertain"])
    labels = category_labels(wh)
    base = SpendFilter(council_code=info.gss_code, financial_year=fy, it="it")
    groups: dict[str, list[tuple[str, str, float, int]]] = defaultdict(list)
    for r in wh.dicts(sql.baseline_breakdown_sql(), [info.gss_code, fy]):
        dim, key, amount, n = r["dim"], r["key"], money(r["amount"]), int(r["n"])
        if dim == "category":
            label = labels.get(key, key)
        elif dim == "supplier":
            key = key if key is not None else sql.NO_SUPPLIER
            label = r["supplier"] if key != sql.NO_SUPPLIER else "Redacted or individual payees"
        elif dim == "quarter":
            label = QUARTERS.get(int(key), key)
        else:
            label = key
        groups[dim].append((key, label, amount, n))
    quarters = sorted(groups["quarter"], key=lambda t: t[0])
    # Net credits among the uncertain or unclassified lines must not push an end past the IT figure.
    low, high = round(min(it, it - uncertain), 2), round(max(it, it + cov.unclassified_amount), 2)
    notes = coverage_notes(cov, cfg)
    return Baseline(
        insight="baseline",
        filters=filters(info, fy, top=top),
        notes=notes,
        council=info,
        financial_year=fy,
        years_available=years,
        coverage=cov,
        total_spend=total,
        it_spend=it,
        it_share=pct(it, total),
        it_per_head=per_head(it, info.population),
        it_uncertain=uncertain,
        it_uncertain_below=cfg.baseline.uncertain_below,
        it_range_low=low,
        it_range_high=high,
        it_share_low=pct(low, total),
        it_share_high=pct(high, total),
        it_rows=int(totals["it_rows"]),
        it_suppliers=int(totals["it_suppliers"]),
        by_category=_lines(groups["category"], it, base, "ict_category", None),
        by_supplier=_lines(groups["supplier"], it, base, "supplier_id", top),
        by_department=_lines(groups["department"], it, base, "department", top),
        by_quarter=[
            Breakdown(
                key=k,
                label=label,
                amount=a,
                share=pct(a, it) or 0.0,
                rows=n,
                evidence=base.model_copy(update={"quarter": int(k)}),
            )
            for k, label, a, n in quarters
        ],
        evidence=base,
    )


def council_summary(wh: Db, council: str, *, settings: Settings | None = None) -> CouncilSummary:
    """A council's headline IT figures for every financial year loaded (for trend charts)."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    info = council_info(wh, council)
    found = wh.dicts(sql.council_years_sql(), [info.gss_code])
    years = [
        YearFigure(
            financial_year=int(r["financial_year"]),
            year_label=year_label(int(r["financial_year"])),
            total_spend=money(r["total"]),
            it_spend=money(r["it"]),
            unclassified_spend=money(r["unclassified"]),
            it_per_head=per_head(money(r["it"]), info.population),
            months_covered=int(r["months"]),
        )
        for r in found
    ]
    rows = sum(int(r["n"]) for r in found)
    full = [y.financial_year for y in years if y.months_covered >= cfg.baseline.full_year_months]
    default = max(full) if full else (years[-1].financial_year if years else None)
    notes = [] if years else ["No payments are loaded for this council."]
    return CouncilSummary(
        insight="council_summary",
        filters=filters(info, None),
        notes=notes,
        council=info,
        years=years,
        default_year=default,
        sources=int(wh.scalar(sql.council_sources_sql(), [info.gss_code]) or 0),
        rows=rows,
    )


def list_councils(wh: Db) -> list[CouncilCoverage]:
    """Every council with spend in the warehouse, with its years and totals."""
    wh = reader(wh)
    ref = all_councils(wh)
    out = []
    for r in wh.dicts(sql.councils_with_data_sql()):
        entry: Any = ref.get(r["council_code"])
        if entry is None:
            continue
        out.append(
            CouncilCoverage(
                council=entry[0],
                years=[int(y) for y in r["years"]],
                rows=int(r["n"]),
                amount=money(r["amount"]),
                it_amount=money(r["it"]),
                sources=int(r["sources"]),
                first_date=r["first_date"],
                last_date=r["last_date"],
            )
        )
    return sorted(out, key=lambda c: c.council.name)
