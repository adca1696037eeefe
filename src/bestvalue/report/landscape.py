"""Section 2 of the pack: the supplier landscape — concentration, dependency and lock-in in
line-of-business systems."""

from __future__ import annotations

from bestvalue.analytics.models import Baseline, Lockin, Market, PeerBenchmark
from bestvalue.report.breakdowns import NO_SUPPLIER, OTHERS, breakdown_rows, in_sheet, merged_notes, top_line
from bestvalue.report.builder import SHEET_IT_PAYMENTS, Builder
from bestvalue.report.models import ChartSpec, Figure, Section
from bestvalue.web.formats import percent

# ProClass v17 "Software" (level-2 group, head code): where line-of-business systems are bought.
LINE_OF_BUSINESS_CATEGORY = "271440"


def suppliers_section(
    b: Builder, base: Baseline, peers: PeerBenchmark, market: Market, lockin: Lockin
) -> Section:
    """2. Supplier landscape: concentration, dependency and lock-in in line-of-business systems."""
    figs: list[Figure] = []
    metrics = {m.key: m for m in peers.metrics}
    figs.append(
        b.figure(
            "suppliers.it_suppliers",
            "IT suppliers paid",
            base.it_suppliers,
            "count",
            b.ref_of(base, "it_suppliers", "Distinct suppliers with IT payment lines in the year."),
        )
    )
    top3 = metrics.get("top3_share")
    if top3 is not None:
        figs.append(
            b.figure(
                "suppliers.top3_share",
                "Share of IT spend with the three largest suppliers",
                top3.value,
                "%",
                b.ref_of(
                    peers,
                    "metrics[top3_share].value",
                    "The three largest suppliers' IT spend ÷ IT spend × 100.",
                ),
            )
        )
        figs.append(
            b.figure(
                "suppliers.top3_share.median",
                "Peers' median share with their three largest",
                top3.peer_median,
                "%",
                b.ref_of(
                    peers, "metrics[top3_share].peer_median", "Median of the same measure over the peers."
                ),
            )
        )
    named = [x for x in base.by_supplier if x.key not in (OTHERS, NO_SUPPLIER)]
    if named:
        top = named[0]
        r = b.ref_of(
            base,
            "by_supplier[0]",
            "The supplier with the most IT spend in the year.",
            evidence=top.evidence,
            sheet=SHEET_IT_PAYMENTS,
            sheet_filter=in_sheet(top.evidence, base.evidence),
        )
        figs.append(b.figure("suppliers.largest", "Largest IT supplier", top.label, "text", r))
        figs.append(
            b.figure("suppliers.largest_share", "Largest IT supplier's share of IT spend", top.share, "%", r)
        )
    high = [m for m in market.categories if m.concentration == "high"]
    figs.append(
        b.figure(
            "market.high_categories",
            "ICT categories highly concentrated (HHI over 2,500)",
            len(high),
            "count",
            b.ref_of(
                market,
                "categories[concentration = high]",
                "Herfindahl–Hirschman index of supplier shares within each ICT category; high above the "
                "market.hhi_high setting.",
            ),
            note=", ".join(m.category.label for m in high) or None,
        )
    )
    items = sorted(lockin.items, key=lambda i: (-i.score, -i.amount))
    how_lock = (
        "Lock-in score per supplier × ICT category (tenure, share, single supplier, "
        "direct award, extension, contract age)."
    )
    figs.append(
        b.figure(
            "lockin.items",
            "Supplier × category lines scored for lock-in",
            len(items),
            "count",
            b.ref_of(lockin, "items", how_lock),
        )
    )
    figs.append(
        b.figure(
            "lockin.single_supplier",
            "Categories where one supplier has 90% or more",
            sum(1 for i in items if i.single_supplier),
            "count",
            b.ref_of(
                lockin,
                "items[single_supplier]",
                "Lines whose share of the category is at least lockin.single_supplier_share.",
            ),
        )
    )
    lob = [i for i in items if i.category.code == LINE_OF_BUSINESS_CATEGORY]
    if lob:
        i = lob[0]
        r = b.ref_of(
            lockin,
            f"items[{i.supplier_id}, {i.category.code}]",
            how_lock + " Line-of-business systems are bought as ProClass 'Software'.",
            evidence=i.evidence,
            sheet=SHEET_IT_PAYMENTS,
            sheet_filter=in_sheet(i.evidence, base.evidence),
        )
        figs.append(b.figure("lockin.lob_top", "Software supplier most locked in", i.supplier, "text", r))
        figs.append(
            b.figure(
                "lockin.lob_top_score",
                "Its lock-in score",
                i.score,
                "number",
                r,
                note=f"out of {i.max_score:g} reachable with the data loaded",
            )
        )
        figs.append(b.figure("lockin.lob_top_share", "Its share of software spend", i.category_share, "%", r))
    sup_rows = [
        {**row, "supplier_id": x.evidence.supplier_id or ""}
        for row, x in zip(breakdown_rows(base.by_supplier, base.evidence), base.by_supplier, strict=True)
    ]
    t_sup = b.table(
        "baseline.by_supplier",
        "Largest IT suppliers",
        b.ref_of(
            base,
            "by_supplier",
            "IT spend grouped by resolved supplier; beyond the largest, folded into "
            "one line; payments to individuals and redacted payees are one line, never named.",
            evidence=base.evidence,
            sheet=SHEET_IT_PAYMENTS,
            sheet_filter="column Supplier ID",
        ),
        [
            ("label", "Supplier", "text"),
            ("supplier_id", "Supplier ID", "code"),
            ("amount", "IT spend (£)", "money"),
            ("share", "Share of IT spend", "percent"),
            ("lines", "Payment lines", "integer"),
            ("rows_in_e1", "Rows in E1 IT payments", "text"),
        ],
        sup_rows,
        sheet="2.1 IT suppliers",
        totals=("amount", "lines"),
        hide=("supplier_id", "rows_in_e1"),
    )
    cat_rows = [
        {
            "category": m.category.label,
            "code": m.category.code,
            "total": m.total,
            "suppliers": m.suppliers,
            "hhi": m.hhi,
            "cr3": m.cr3,
            "concentration": m.concentration,
            "largest": m.shares[0].supplier if m.shares else "",
            "largest_share": m.shares[0].share if m.shares else None,
        }
        for m in market.categories
    ]
    t_conc = b.table(
        "market.categories",
        "Supplier concentration in each ICT category",
        b.ref_of(
            market,
            "categories",
            "Per ICT category: suppliers' shares of the council's IT spend "
            "(positive net only), HHI = sum of squared % shares, CR3 = three largest shares.",
        ),
        [
            ("category", "Category", "text"),
            ("code", "Code", "code"),
            ("total", "IT spend (£)", "money"),
            ("suppliers", "Suppliers", "integer"),
            ("hhi", "HHI", "number"),
            ("cr3", "CR3 (%)", "percent"),
            ("concentration", "Concentration", "text"),
            ("largest", "Largest supplier", "text"),
            ("largest_share", "Its share", "percent"),
        ],
        cat_rows,
        sheet="2.2 Concentration",
        shown=len(cat_rows),
        hide=("code",),
    )
    lock_rows = [
        {
            "supplier": i.supplier,
            "supplier_id": i.supplier_id,
            "category": i.category.label,
            "amount": i.amount,
            "category_share": i.category_share,
            "consecutive_years": i.consecutive_years,
            "first_year": i.first_year,
            "single_supplier": i.single_supplier,
            "contracts": i.contracts,
            "direct_awards": i.direct_awards,
            "extended": i.extended,
            "contract_age_years": i.contract_age_years,
            "score": i.score,
            "max_score": i.max_score,
            "rows_in_e1": in_sheet(i.evidence, base.evidence),
        }
        for i in items
    ]
    t_lock = b.table(
        "lockin.items",
        "Lock-in indicators by supplier and category (highest score first)",
        b.ref_of(
            lockin,
            "items",
            how_lock + " A high score is a prompt to plan the exit early, not a finding.",
            sheet=SHEET_IT_PAYMENTS,
            sheet_filter="columns Supplier ID and ICT category",
        ),
        [
            ("supplier", "Supplier", "text"),
            ("supplier_id", "Supplier ID", "code"),
            ("category", "Category", "text"),
            ("amount", "IT spend (£)", "money"),
            ("category_share", "Share of category", "percent"),
            ("consecutive_years", "Consecutive years", "integer"),
            ("first_year", "Paid since", "code"),
            ("single_supplier", "Single supplier", "bool"),
            ("contracts", "Contracts", "integer"),
            ("direct_awards", "Direct awards", "integer"),
            ("extended", "Extended", "integer"),
            ("contract_age_years", "Oldest contract (years)", "number"),
            ("score", "Score", "number"),
            ("max_score", "Reachable", "number"),
            ("rows_in_e1", "Rows in E1 IT payments", "text"),
        ],
        lock_rows,
        sheet="2.3 Lock-in",
        hide=("supplier_id", "first_year", "direct_awards", "extended", "contract_age_years", "rows_in_e1"),
    )
    comp_rows = [
        {
            "supplier": i.supplier,
            "category": i.category.label,
            "component": k.label,
            "value": str(k.value),
            "weight": k.weight,
            "points": k.points,
            "available": k.available,
        }
        for i in items
        for k in i.components
    ]
    t_comp = b.table(
        "lockin.components",
        "Lock-in score components",
        b.ref_of(
            lockin,
            "items[].components",
            "Each component's value, weight and points (settings lockin.weights).",
        ),
        [
            ("supplier", "Supplier", "text"),
            ("category", "Category", "text"),
            ("component", "Component", "text"),
            ("value", "Value", "text"),
            ("weight", "Weight", "number"),
            ("points", "Points", "number"),
            ("available", "Data available", "bool"),
        ],
        comp_rows,
        sheet="2.4 Lock-in components",
        shown=0,
    )
    charts = [
        ChartSpec(
            key="chart-suppliers",
            kind="bar",
            title="Largest IT suppliers",
            summary=top_line(named, "supplier"),
            table=t_sup.key,
            label="label",
            value="amount",
            limit=15,
        ),
    ]
    if lock_rows:
        charts.append(
            ChartSpec(
                key="chart-lockin",
                kind="bar",
                title="Highest lock-in scores (supplier, category)",
                summary=f"{items[0].supplier} in {items[0].category.label} scores {items[0].score:g} of "
                f"{items[0].max_score:g}.",
                table=t_lock.key,
                label="supplier",
                value="score",
                value_kind="number",
                limit=12,
            )
        )
    summary = []
    if top3 is not None and top3.value is not None:
        summary.append(
            f"The three largest IT suppliers took {percent(top3.value)} of IT spend"
            + (f" (peers' median {percent(top3.peer_median)})." if top3.peer_median is not None else ".")
        )
    if high:
        summary.append(
            f"{len(high)} ICT categories are highly concentrated: "
            f"{', '.join(m.category.label for m in high)}."
        )
    if lob:
        summary.append(
            f"In software, where line-of-business systems are bought, {lob[0].supplier} has "
            f"{percent(lob[0].category_share)} of spend and the highest lock-in score ({lob[0].score:g})."
        )
    cannot = [
        "Which system a payment is for (revenues and benefits, social care, finance…) is not published: "
        "line-of-business systems are approximated by the Software category.",
        "A supplier paid through a reseller or framework under another name is counted under that name.",
    ]
    if not lockin.contracts_loaded:
        cannot.append(
            "No contract records are loaded for the council, so the direct-award, extension and "
            "contract-age parts of the lock-in score are not scored."
        )
    return Section(
        number=2,
        key="suppliers",
        title="Supplier landscape: concentration, dependency and lock-in",
        concern="Avoid dependency on single suppliers and lock-in to line-of-business systems.",
        summary=summary,
        figures=figs,
        charts=charts,
        tables=[t_sup, t_conc, t_lock, t_comp],
        notes=merged_notes(market.notes, lockin.notes),
        cannot_say=cannot,
    )
