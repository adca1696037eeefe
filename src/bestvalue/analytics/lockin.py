"""Lock-in indicators per council × supplier × ICT category, with a documented score.

Score (0–100 with the default weights; components in ``settings.lockin.weights``):

* tenure: consecutive financial years with payments to the supplier, ending in the year looked at,
  ``min(years / tenure_years_cap, 1) × weight`` (years with no data at all for the council are
  skipped rather than breaking the run);
* share: the supplier's share of the council's spend in the category, ``share% / 100 × weight``;
* single supplier: the full weight when the share is at least ``single_supplier_share`` %;
* direct award: the full weight when any of the council's contracts with the supplier names a
  direct-award procedure (a word from ``direct_award_words``);
* extension: the full weight when any such contract has been extended (its end date is later than
  its original end date) or can be (its end date including extension options is later than its
  end date);
* contract age: ``min(age / contract_age_cap_years, 1) × weight``, age from the earliest contract
  start to the end of the year.

The contract components count only when the council has contract records; ``max_score`` says what
the score could reach with the data available.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from bestvalue.analytics import sql
from bestvalue.analytics.models import Lockin, LockinItem, ScoreComponent, SpendFilter
from bestvalue.analytics.scope import (
    Db,
    category,
    category_labels,
    council_info,
    council_year,
    filters,
    money,
    pct,
    reader,
    settings_or_default,
    year_bounds,
    years_covered,
)
from bestvalue.analytics.settings import LockinSettings, Settings


def consecutive_years(paid: set[int], year: int, council_years: set[int]) -> int:
    """Years in a row with payments, ending at ``year``; years with no council data are passed over."""
    run = 0
    y = year
    earliest = min(council_years | paid | {year})
    while y >= earliest:
        if y in paid:
            run += 1
        elif y in council_years:
            break
        y -= 1
    return run


def is_direct_award(procedure: str | None, words: list[str]) -> bool:
    text = (procedure or "").lower()
    return any(w.lower() in text for w in words)


def is_extended(contract: dict[str, Any]) -> bool:
    """Extended, or extendable: the end date moved past the original one, or extension options run
    past the current end date."""
    end, original, most = (
        contract.get("end_date"),
        contract.get("original_end_date"),
        contract.get("max_end_date"),
    )
    return bool((end and original and end > original) or (most and end and most > end))


def score(
    years: int,
    share: float,
    contracts: list[dict[str, Any]],
    year_end: dt.date,
    contracts_loaded: bool,
    cfg: LockinSettings,
) -> tuple[float, float, list[ScoreComponent], dict[str, Any]]:
    """(score, max score, components, contract facts) for one supplier × category."""
    w = cfg.weights
    direct = sum(1 for c in contracts if is_direct_award(c["procedure"], cfg.direct_award_words))
    extended = sum(1 for c in contracts if is_extended(c))
    starts = [c["start_date"] for c in contracts if c["start_date"]]
    age = round((year_end - min(starts)).days / 365.25, 2) if starts else None
    single = share >= cfg.single_supplier_share
    comps = [
        ScoreComponent(
            key="tenure",
            label="Consecutive years of payments",
            value=years,
            weight=w.tenure,
            points=round(min(years / cfg.tenure_years_cap, 1.0) * w.tenure, 2),
            available=True,
        ),
        ScoreComponent(
            key="share",
            label="Share of the category's spend (%)",
            value=round(share, 2),
            weight=w.share,
            points=round(max(0.0, min(share, 100.0)) / 100 * w.share, 2),
            available=True,
        ),
        ScoreComponent(
            key="single_supplier",
            label="Single-supplier dependency",
            value="yes" if single else "no",
            weight=w.single_supplier,
            points=w.single_supplier if single else 0.0,
            available=True,
        ),
        ScoreComponent(
            key="direct_award",
            label="Contracts directly awarded",
            value=direct if contracts_loaded else None,
            weight=w.direct_award,
            points=w.direct_award if direct else 0.0,
            available=contracts_loaded,
        ),
        ScoreComponent(
            key="extension",
            label="Contracts extended",
            value=extended if contracts_loaded else None,
            weight=w.extension,
            points=w.extension if extended else 0.0,
            available=contracts_loaded,
        ),
        ScoreComponent(
            key="contract_age",
            label="Age of the oldest contract (years)",
            value=age,
            weight=w.contract_age,
            points=round(min((age or 0) / cfg.contract_age_cap_years, 1.0) * w.contract_age, 2),
            available=contracts_loaded,
        ),
    ]
    total = round(sum(c.points for c in comps if c.available), 2)
    reachable = round(sum(c.weight for c in comps if c.available), 2)
    return total, reachable, comps, {"direct": direct, "extended": extended, "age": age}


def lockin(wh: Db, council: str, year: int | None = None, *, settings: Settings | None = None) -> Lockin:
    """Lock-in score per supplier × ICT category for a council's year, strongest first."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    info = council_info(wh, council)
    fy = council_year(wh, info.gss_code, year, cfg)
    lc = cfg.lockin
    pairs = wh.dicts(sql.lockin_pairs_sql(), [info.gss_code, fy, lc.min_amount])
    suppliers = sorted({p["supplier_id"] for p in pairs})
    paid = {
        s: set(map(int, ys)) for s, ys in wh.rows(sql.supplier_years_sql(), [info.gss_code, fy, suppliers])
    }
    council_years = set(years_covered(wh, info.gss_code).get(info.gss_code, {}))
    contracts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in wh.dicts(sql.council_contracts_sql(), [info.gss_code]):
        contracts[c["supplier_id"]].append(c)
    contracts_loaded = bool(wh.scalar(sql.council_has_contracts_sql(), [info.gss_code]))
    labels = category_labels(wh)
    year_end = year_bounds(fy)[1]
    items = []
    for p in pairs:
        amount, cat_total = money(p["amount"]), money(p["category_total"])
        share = pct(amount, cat_total) or 0.0
        years_paid = paid.get(p["supplier_id"], {fy})
        run = consecutive_years(years_paid, fy, council_years)
        mine = contracts.get(p["supplier_id"], [])
        total, reachable, comps, facts = score(run, share, mine, year_end, contracts_loaded, lc)
        items.append(
            LockinItem(
                supplier_id=p["supplier_id"],
                supplier=p["supplier"],
                category=category(labels, p["ict_category"]),
                amount=amount,
                category_total=cat_total,
                category_share=round(share, 4),
                category_suppliers=int(p["category_suppliers"] or 0),
                consecutive_years=run,
                first_year=min(years_paid),
                single_supplier=share >= lc.single_supplier_share,
                contracts=len(mine),
                direct_awards=facts["direct"],
                extended=facts["extended"],
                contract_age_years=facts["age"],
                score=total,
                max_score=reachable,
                components=comps,
                evidence=SpendFilter(
                    council_code=info.gss_code,
                    financial_year=fy,
                    it="it",
                    supplier_id=p["supplier_id"],
                    ict_category=p["ict_category"],
                ),
            )
        )
    items.sort(key=lambda i: (-i.score, -i.amount, i.supplier_id))
    notes = []
    if not contracts_loaded:
        reach = lc.weights.tenure + lc.weights.share + lc.weights.single_supplier
        notes.append(
            "No contract records are loaded for this council: the score uses payments only "
            f"(at most {reach:g} points)."
        )
    if not items:
        notes.append("No IT spend with a named supplier in this year.")
    return Lockin(
        insight="lockin",
        filters=filters(info, fy, min_amount=lc.min_amount),
        notes=notes,
        council=info,
        financial_year=fy,
        contracts_loaded=contracts_loaded,
        items=items,
    )
