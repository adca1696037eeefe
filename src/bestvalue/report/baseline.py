"""Section 1 of the pack: the IT spend baseline and unit costs (per head, by category) against peers.
Figures come from the insights as they are; nothing here re-computes what an insight already gives."""

from __future__ import annotations

from typing import Any

from bestvalue.analytics.models import Baseline, CouncilSummary, PeerBenchmark, PeerMetric, SpendFilter
from bestvalue.report.breakdowns import POSITION_WORDS, breakdown_rows, merged_notes, top_line
from bestvalue.report.builder import SHEET_IT_PAYMENTS, Builder
from bestvalue.report.models import ChartSpec, Figure, Section
from bestvalue.web.formats import money, percent


def baseline_section(b: Builder, base: Baseline, summary: CouncilSummary, peers: PeerBenchmark) -> Section:
    """1. IT spend baseline and unit costs (per head, by category) against peers."""
    c, fy = b.council, base.filters.year_label or str(b.year)
    metrics: dict[str, PeerMetric] = {m.key: m for m in peers.metrics}
    everything = SpendFilter(council_code=c.gss_code, financial_year=b.year)
    unclassified = SpendFilter(council_code=c.gss_code, financial_year=b.year, it="unclassified")
    cov = base.coverage
    figs: list[Figure] = []

    def add(key: str, label: str, value: Any, unit: Any, field: str, how: str, **kw: Any) -> None:
        figs.append(b.figure(key, label, value, unit, b.ref_of(base, field, how, **kw)))

    add(
        "baseline.total_spend",
        "All spend in the year",
        base.total_spend,
        "£",
        "total_spend",
        "Sum of every payment line the council published for the year, net of credits.",
        evidence=everything,
    )
    add(
        "baseline.it_spend",
        "IT spend",
        base.it_spend,
        "£",
        "it_spend",
        "Sum of the payment lines the classification step marks as ICT.",
        evidence=base.evidence,
        sheet=SHEET_IT_PAYMENTS,
        sheet_filter="all rows",
    )
    add(
        "baseline.it_share",
        "IT share of all spend",
        base.it_share,
        "%",
        "it_share",
        "IT spend ÷ all spend × 100.",
    )
    add(
        "baseline.population",
        "Population",
        c.population,
        "count",
        "council.population",
        "ONS mid-2020 population estimate (shipped reference data), used for every year.",
    )
    add(
        "baseline.it_per_head",
        "IT spend per resident",
        base.it_per_head,
        "£ per head",
        "it_per_head",
        "IT spend ÷ population.",
    )
    add(
        "baseline.unclassified_amount",
        "Unclassified spend",
        cov.unclassified_amount,
        "£",
        "coverage.unclassified_amount",
        "Payment lines the classification step could not decide (no classification row, or is_it blank).",
        evidence=unclassified,
    )
    unc = metrics.get("unclassified_share")
    if unc is not None:
        figs.append(
            b.figure(
                "baseline.unclassified_share",
                "Unclassified share of all spend",
                unc.value,
                "%",
                b.ref_of(peers, "metrics[unclassified_share].value", "Unclassified spend ÷ all spend × 100."),
            )
        )
    add(
        "baseline.it_range_low",
        "IT spend without uncertain IT calls, if no unclassified spend is IT",
        base.it_range_low,
        "£",
        "it_range_low",
        "The lower end of the range: IT spend less the spend the text model called IT with under "
        f"{base.it_uncertain_below:.0%} probability (it_uncertain).",
    )
    add(
        "baseline.it_uncertain",
        "IT spend on uncertain IT calls",
        base.it_uncertain,
        "£",
        "it_uncertain",
        f"IT spend decided by the text model with under {base.it_uncertain_below:.0%} probability of "
        f"being IT (classification method text_model, confidence < {base.it_uncertain_below:g}).",
    )
    add(
        "baseline.it_range_high",
        "IT spend if all unclassified spend is IT",
        base.it_range_high,
        "£",
        "it_range_high",
        "IT spend + unclassified spend: the upper end of the range.",
    )
    add(
        "baseline.it_rows",
        "IT payment lines",
        base.it_rows,
        "count",
        "it_rows",
        "Number of payment lines classified as ICT.",
        evidence=base.evidence,
        sheet=SHEET_IT_PAYMENTS,
        sheet_filter="all rows",
    )
    add(
        "baseline.months_covered",
        "Months of the year with payments",
        cov.months_covered,
        "count",
        "coverage.months_covered",
        "Calendar months of the financial year with at least one payment (0–12).",
    )
    head = metrics.get("it_per_head")
    if head is not None:
        how = (
            "Median of the peers' IT spend per head (peers with twelve months of data; quartiles by "
            "statistics.quantiles, inclusive method)."
        )
        figs.append(
            b.figure(
                "peers.it_per_head.median",
                "Peers' median IT spend per resident",
                head.peer_median,
                "£ per head",
                b.ref_of(peers, "metrics[it_per_head].peer_median", how),
            )
        )
        figs.append(
            b.figure(
                "peers.it_per_head.position",
                "Position against peers (IT per resident)",
                POSITION_WORDS.get(head.position, head.position),
                "text",
                b.ref_of(
                    peers,
                    "metrics[it_per_head].position",
                    "Where the council's value sits among the peers' minimum, quartiles and maximum.",
                ),
            )
        )
        figs.append(
            b.figure(
                "peers.with_data",
                "Peers compared",
                head.peers_with_data,
                "count",
                b.ref_of(
                    peers,
                    "metrics[it_per_head].peers_with_data",
                    "Councils of the same tier, ranked by similarity, with a full year of data.",
                ),
            )
        )

    # -- tables -----------------------------------------------------------------------------------
    cat_rows = []
    for row in breakdown_rows(base.by_category, base.evidence):
        m = metrics.get(f"per_head:{row['key']}")
        cat_rows.append(
            {
                "code": row["key"],
                "category": row["label"],
                "amount": row["amount"],
                "share": row["share"],
                "lines": row["lines"],
                "per_head": m.value if m else None,
                "peer_median": m.peer_median if m else None,
                "peer_q1": m.peer_q1 if m else None,
                "peer_q3": m.peer_q3 if m else None,
                "position": POSITION_WORDS.get(m.position, m.position) if m else "",
                "rows_in_e1": row["rows_in_e1"],
            }
        )
    t_cat = b.table(
        "baseline.by_category",
        "IT spend by ICT category, per head against peers",
        b.ref_of(
            base,
            "by_category",
            "IT spend grouped by ICT category (ProClass v17 level 2); shares are of IT spend. Per-head "
            "figures and the peers' quartiles come from the peer benchmark (peers(), metrics "
            "per_head:CODE).",
            evidence=base.evidence,
            sheet=SHEET_IT_PAYMENTS,
            sheet_filter="column ICT category = the category code",
        ),
        [
            ("code", "Category code", "code"),
            ("category", "Category", "text"),
            ("amount", "IT spend (£)", "money"),
            ("share", "Share of IT spend", "percent"),
            ("lines", "Payment lines", "integer"),
            ("per_head", "£ per head", "money"),
            ("peer_median", "Peer median £ per head", "money"),
            ("peer_q1", "Peer lower quartile", "money"),
            ("peer_q3", "Peer upper quartile", "money"),
            ("position", "Position", "text"),
            ("rows_in_e1", "Rows in E1 IT payments", "text"),
        ],
        cat_rows,
        sheet="1.1 IT by category",
        totals=("amount", "lines"),
        hide=("code", "lines", "peer_q1", "peer_q3", "rows_in_e1"),
    )
    metric_rows = [
        {
            "measure": m.label,
            "unit": m.unit,
            "value": m.value,
            "peer_median": m.peer_median,
            "peer_q1": m.peer_q1,
            "peer_q3": m.peer_q3,
            "peer_min": m.peer_min,
            "peer_max": m.peer_max,
            "peers_with_data": m.peers_with_data,
            "rank": m.rank,
            "position": POSITION_WORDS.get(m.position, m.position),
            "key": m.key,
        }
        for m in peers.metrics
    ]
    t_metrics = b.table(
        "peers.metrics",
        "The council against its peers, measure by measure",
        b.ref_of(
            peers,
            "metrics",
            "Each measure for the council and for each peer with a full year; median, "
            "quartiles, minimum and maximum over the peers; rank 1 = highest.",
        ),
        [
            ("measure", "Measure", "text"),
            ("unit", "Unit", "text"),
            ("value", "Council", "number"),
            ("peer_median", "Peer median", "number"),
            ("peer_q1", "Lower quartile", "number"),
            ("peer_q3", "Upper quartile", "number"),
            ("peer_min", "Peer minimum", "number"),
            ("peer_max", "Peer maximum", "number"),
            ("peers_with_data", "Peers with data", "integer"),
            ("rank", "Rank", "integer"),
            ("position", "Position", "text"),
            ("key", "Measure key", "code"),
        ],
        metric_rows,
        sheet="1.2 Peer measures",
        shown=len(metric_rows),
        hide=("peer_min", "peer_max", "key"),
    )
    per_head = {v.gss_code: v.value for v in head.values} if head else {}
    council_rows: list[dict[str, Any]] = [
        {
            "council": c.name,
            "gss_code": c.gss_code,
            "tier": c.tier,
            "population": c.population,
            "it_per_head": per_head.get(c.gss_code, base.it_per_head),
            "role": "this council",
            "distance": None,
            "months": cov.months_covered,
            "reasons": "",
        }
    ]
    for p in peers.peers:
        council_rows.append(
            {
                "council": p.council.name,
                "gss_code": p.council.gss_code,
                "tier": p.council.tier,
                "population": p.council.population,
                "it_per_head": per_head.get(p.council.gss_code),
                "role": f"peer ({p.chosen_by})"
                if p.has_data and p.months_covered >= 12
                else "peer, left out (incomplete year)",
                "distance": p.distance,
                "months": p.months_covered,
                "reasons": "; ".join(p.reasons),
            }
        )
    for p in peers.suggested_without_data:
        council_rows.append(
            {
                "council": p.council.name,
                "gss_code": p.council.gss_code,
                "tier": p.council.tier,
                "population": p.council.population,
                "it_per_head": None,
                "role": "similar, no data loaded",
                "distance": p.distance,
                "months": 0,
                "reasons": "; ".join(p.reasons),
            }
        )
    t_councils = b.table(
        "peers.councils",
        "The council and its peers: IT spend per resident",
        b.ref_of(
            peers,
            "peers",
            "Peers: same tier, similar size (population within the set ratio), "
            "rural–urban class and area type, neighbours preferred; distance lower = more similar.",
        ),
        [
            ("council", "Council", "text"),
            ("gss_code", "GSS code", "code"),
            ("tier", "Tier", "code"),
            ("population", "Population", "integer"),
            ("it_per_head", "IT £ per head", "money"),
            ("role", "Role", "text"),
            ("distance", "Similarity distance", "number"),
            ("months", "Months with data", "integer"),
            ("reasons", "Why chosen", "text"),
        ],
        council_rows,
        sheet="1.3 Peers",
        hide=("gss_code", "tier", "reasons"),
        shown=1 + len(peers.peers),  # similar councils without data: XLSX only
    )
    year_rows = [
        {
            "year": y.year_label,
            "financial_year": y.financial_year,
            "total_spend": y.total_spend,
            "it_spend": y.it_spend,
            "unclassified_spend": y.unclassified_spend,
            "it_per_head": y.it_per_head,
            "months": y.months_covered,
        }
        for y in summary.years
    ]
    t_years = b.table(
        "summary.years",
        "IT spend year by year",
        b.ref_of(summary, "years", "The baseline's headline figures for every financial year loaded."),
        [
            ("year", "Year", "text"),
            ("financial_year", "Financial year", "code"),
            ("total_spend", "All spend (£)", "money"),
            ("it_spend", "IT spend (£)", "money"),
            ("unclassified_spend", "Unclassified (£)", "money"),
            ("it_per_head", "IT £ per head", "money"),
            ("months", "Months with payments", "integer"),
        ],
        year_rows,
        sheet="1.4 IT spend by year",
        shown=len(year_rows),
    )
    t_dept = b.table(
        "baseline.by_department",
        "IT spend by department",
        b.ref_of(
            base,
            "by_department",
            "IT spend grouped by published department (else service area); "
            "beyond the largest, folded into one line.",
            evidence=base.evidence,
            sheet=SHEET_IT_PAYMENTS,
            sheet_filter="column Department",
        ),
        [
            ("label", "Department", "text"),
            ("amount", "IT spend (£)", "money"),
            ("share", "Share of IT spend", "percent"),
            ("lines", "Payment lines", "integer"),
            ("rows_in_e1", "Rows in E1 IT payments", "text"),
        ],
        breakdown_rows(base.by_department, base.evidence),
        sheet="1.5 IT by department",
        totals=("amount", "lines"),
        shown=10,
        hide=("rows_in_e1",),
    )
    charts = [
        ChartSpec(
            key="chart-categories",
            kind="bar",
            title=f"IT spend by ICT category, {fy}",
            summary=top_line(base.by_category, "category"),
            table=t_cat.key,
            label="category",
            value="amount",
        ),
    ]
    if head is not None and head.peers_with_data:
        charts.append(
            ChartSpec(
                key="chart-peers",
                kind="position",
                title="IT spend per resident: the council and its peers",
                summary=f"{c.name}: {money(head.value)} per resident; peer median {money(head.peer_median)}.",
                table=t_councils.key,
                label="council",
                value="it_per_head",
                subject=c.name,
                quartiles=(head.peer_q1, head.peer_median, head.peer_q3),
            )
        )
    if len(year_rows) > 1:
        charts.append(
            ChartSpec(
                key="chart-years",
                kind="column",
                title="IT spend by financial year",
                summary=f"IT spend in each of the {len(year_rows)} years loaded.",
                table=t_years.key,
                label="year",
                value="it_spend",
            )
        )
    lines = [
        f"{c.name} paid {money(base.it_spend)} for IT in {fy}"
        + (
            f": {percent(base.it_share)} of all its spend of {money(base.total_spend)}"
            if base.it_share
            else ""
        )
        + (f", {money(base.it_per_head)} per resident." if base.it_per_head is not None else "."),
    ]
    if head is not None and head.peer_median is not None:
        lines.append(
            f"Its {head.peers_with_data} peers' median was {money(head.peer_median)} per resident; "
            f"the council is {POSITION_WORDS.get(head.position, head.position)}."
        )
    lines.append(
        f"{money(cov.unclassified_amount)} of the year's spend is unclassified and "
        f"{money(base.it_uncertain)} is IT only on the text model's uncertain call (under "
        f"{base.it_uncertain_below:.0%} probability), so IT spend lies between "
        f"{money(base.it_range_low)} and {money(base.it_range_high)} whatever that spend turns out to be."
    )
    return Section(
        number=1,
        key="baseline",
        title="IT spend baseline and unit costs against peers",
        concern="Know what is spent on technology, per resident and by category, and how it compares.",
        summary=lines,
        figures=figs,
        charts=charts,
        tables=[t_cat, t_metrics, t_councils, t_years, t_dept],
        notes=merged_notes(base.notes, summary.notes, peers.notes),
        cannot_say=[
            "Spend files list payments over £500 (some councils £250): small purchases, unpublished purchase-"
            "card spend and IT bought inside larger contracts (for example a managed service) are not seen.",
            "Differences from peers often reflect what is in scope (outsourced or shared services, a council "
            "company buying IT) rather than value for money.",
            "Per-resident figures use the 2020 population for every year.",
        ],
    )
