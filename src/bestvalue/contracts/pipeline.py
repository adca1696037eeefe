"""The renewal pipeline: contracts ending (with or without their extensions) within N months.

A contract is in the pipeline when its current end date or its latest possible end date
(extensions included) falls between ``as_of`` and ``as_of + months``. When the latest
possible end is in the window the contract must be re-procured (``reprocure``); when only the
current end is, the council must decide whether to extend or re-procure
(``extend_or_reprocure``). ``min_value`` keeps contracts whose whole-life value reaches it
(UK1 pipeline notices list contracts of £2m or more); contracts of unknown value are counted,
not listed. The replacement's estimated start is the day after the contract runs out in the
window; its tender notice is estimated ``lead_months`` earlier.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bestvalue.contracts import sql
from bestvalue.contracts.models import PipelineCouncil, PipelineEntry, PipelineReport
from bestvalue.contracts.records import add_months
from bestvalue.engine import Warehouse

NOTICE_SPEND_THRESHOLD = Decimal(
    "100000000"
)  # Procurement Act 2023 s.93: authorities spending over £100m a year


def _months_between(a: dt.date, b: dt.date) -> float:
    return round((b - a).days / 30.4375, 1)


def renewal_pipeline(
    wh: Warehouse,
    council: str | None = None,
    months: int = 18,
    min_value: Decimal | None = None,
    as_of: dt.date | None = None,
    lead_months: int = 6,
) -> PipelineReport:
    """Contracts ending within ``months`` of ``as_of`` (today by default), per council or all."""
    as_of = as_of or dt.date.today()
    horizon = add_months(as_of, months)
    params: dict[str, Any] = {"as_of": as_of, "horizon": horizon}
    if council:
        params["council"] = council
    query_params = dict(params)
    if min_value is not None:
        query_params["min_value"] = min_value
    entries = []
    for r in wh.dicts(sql.pipeline(bool(council), min_value is not None), query_params):
        end, max_end = r["end_date"], r["max_end_date"]
        final_in_window = max_end is not None and as_of <= max_end <= horizon
        runs_out = max_end if final_in_window else end
        start = runs_out + dt.timedelta(days=1) if runs_out else None
        entries.append(
            PipelineEntry(
                contract_id=r["contract_id"],
                council_code=r["council_code"],
                council_name=r["council_name"],
                source=r["source"],
                ocid=r["ocid"],
                reference=r["register_reference"],
                title=r["title"],
                description=r["description"],
                department=r["department"],
                cpv_code=r["cpv_code"],
                proclass_code=r["proclass_code"],
                proclass_label=r["proclass_label"],
                category=r["category"],
                main_category=r["main_category"],
                estimated_value=r["value"],
                annual_value=r["annual_value"],
                currency=r["currency"],
                current_suppliers=r["suppliers"],
                company_numbers=r["company_numbers"],
                procedure=r["procedure"],
                start_date=r["start_date"],
                end_date=end,
                max_end_date=max_end,
                action="reprocure"
                if final_in_window or max_end is None or (end and max_end <= end)
                else "extend_or_reprocure",
                extension_available=bool(max_end and end and max_end > end),
                estimated_contract_start=start,
                estimated_notice_date=add_months(start, -lead_months) if start else None,
                months_to_end=_months_between(as_of, runs_out) if runs_out else None,
                notice_url=r["notice_url"],
            )
        )
    totals: dict[str | None, PipelineCouncil] = {}
    for e in entries:
        t = totals.setdefault(
            e.council_code,
            PipelineCouncil(
                council_code=e.council_code,
                council_name=e.council_name,
                contracts=0,
                estimated_value=Decimal("0"),
            ),
        )
        t.contracts += 1
        t.estimated_value += e.estimated_value or Decimal("0")
    unknown = 0
    if min_value is not None:
        unknown = int(wh.rows(sql.pipeline_unknown_values(bool(council)), params)[0][0])
    spend = None
    required = None
    if council:
        spend_params = {"council": council, "as_of": as_of}
        value = wh.rows(sql.council_spend_last_year(), spend_params)[0][0]
        spend = Decimal(value) if value is not None else None
        required = None if spend is None else spend > NOTICE_SPEND_THRESHOLD
    return PipelineReport(
        council_code=council,
        as_of=as_of,
        horizon=horizon,
        months=months,
        min_value=min_value,
        lead_months=lead_months,
        entries=entries,
        councils=sorted(totals.values(), key=lambda t: (-t.estimated_value, t.council_code or "")),
        excluded_unknown_value=unknown,
        council_spend_last_12_months=spend,
        notice_required=required,
    )
