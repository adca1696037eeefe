"""Collaboration finder: other councils paying the same supplier for the same ICT category."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from bestvalue.analytics import sql
from bestvalue.analytics.models import (
    Collaboration,
    CollaborationCouncil,
    CollaborationOpportunity,
    SpendFilter,
)
from bestvalue.analytics.scope import (
    Db,
    all_councils,
    category,
    category_labels,
    council_info,
    council_year,
    filters,
    money,
    reader,
    settings_or_default,
    year_bounds,
)
from bestvalue.analytics.settings import Settings

DAYS_PER_MONTH = 30.44


def ends_together(mine: dt.date | None, theirs: dt.date | None, months: int) -> bool:
    """Whether two contract end dates fall within ``months`` months of each other."""
    return mine is not None and theirs is not None and abs((theirs - mine).days) <= months * DAYS_PER_MONTH


def collaboration(
    wh: Db, council: str, year: int | None = None, *, settings: Settings | None = None
) -> Collaboration:
    """Candidates for joint procurement: each supplier × ICT category the council paid at least
    ``min_amount`` over the last ``years`` financial years, with every other council (any tier)
    paying the same supplier for the same category in those years, the £ at stake, and, where
    contracts are loaded, whose contracts with the supplier end within the same window."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    cc = cfg.collaboration
    info = council_info(wh, council)
    fy = council_year(wh, info.gss_code, year, cfg)
    first = fy - cc.years + 1
    rows = wh.dicts(sql.collaboration_sql(), [info.gss_code, first, fy, cc.min_amount, first, fy])
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r["supplier_id"], r["ict_category"])].append(r)
    groups = {
        k: v
        for k, v in groups.items()
        if len(v) >= cc.min_councils and any(r["council_code"] == info.gss_code for r in v)
    }
    suppliers = sorted({s for s, _ in groups})
    ends: dict[tuple[str, str], dt.date] = (
        {(c, s): e for c, s, e in wh.rows(sql.contract_ends_sql(), [suppliers]) if e is not None}
        if suppliers
        else {}
    )
    ref = all_councils(wh)
    labels = category_labels(wh)
    start = year_bounds(first)[0]
    out = []
    for (supplier_id, cat), members in groups.items():
        members.sort(
            key=lambda r: (r["council_code"] != info.gss_code, -float(r["amount"]), r["council_code"])
        )
        mine_end = ends.get((info.gss_code, supplier_id))
        councils = []
        for r in members:
            code = r["council_code"]
            other = ref.get(code)
            councils.append(
                CollaborationCouncil(
                    gss_code=code,
                    name=other[0].name if other else code,
                    tier=other[0].tier if other else "",
                    region=other[0].region if other else None,
                    amount=money(r["amount"]),
                    contract_end=ends.get((code, supplier_id)),
                    evidence=SpendFilter(
                        council_code=code,
                        it="it",
                        supplier_id=supplier_id,
                        ict_category=cat,
                        date_from=start,
                        date_to=year_bounds(fy)[1],
                    ),
                )
            )
        together = [
            c.gss_code
            for c in councils
            if c.gss_code != info.gss_code
            and ends_together(mine_end, c.contract_end, cc.contract_end_window_months)
        ]
        out.append(
            CollaborationOpportunity(
                supplier_id=supplier_id,
                supplier=members[0]["supplier"],
                category=category(labels, cat),
                council_amount=money(members[0]["amount"]),
                at_stake=round(sum(c.amount for c in councils), 2),
                councils=councils,
                contract_end=mine_end,
                ending_together=together,
            )
        )
    out.sort(key=lambda o: (-len(o.ending_together), -o.at_stake, o.supplier_id))
    notes = [f"Payments from April {first} to March {fy + 1}; any tier of council can collaborate."]
    if not ends:
        notes.append(
            "No contract end dates are loaded for these suppliers: contract windows cannot be compared."
        )
    if not out:
        notes.append("No other loaded council pays this council's IT suppliers for the same category.")
    return Collaboration(
        insight="collaboration",
        filters=filters(
            info,
            fy,
            years=cc.years,
            min_amount=cc.min_amount,
            min_councils=cc.min_councils,
            contract_end_window_months=cc.contract_end_window_months,
        ),
        notes=notes,
        council=info,
        financial_year=fy,
        opportunities=out,
    )
