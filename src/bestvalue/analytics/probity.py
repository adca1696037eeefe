"""Probity flags, each a *possible breach* or a *risk signal*, with the payment lines behind it.

Flags: split payments under a threshold (council quote limits, the £30,000 notifiable threshold,
the regulated-procurement threshold in force on the date), spend over a threshold with a supplier
that has no contract record, payments beyond a contract's value or end date, clusters of round-sum
payments, and the council's first-digit (Benford) conformity. Parameters: ``settings.probity``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from typing import Any

from bestvalue.analytics import sql
from bestvalue.analytics.evidence import rows_by_id, top_ids_per_group
from bestvalue.analytics.models import (
    Benford,
    BenfordDigit,
    CouncilInfo,
    EvidenceRow,
    Flags,
    ProbityFlag,
    SpendFilter,
)
from bestvalue.analytics.scope import (
    Db,
    council_info,
    council_year,
    filters,
    money,
    reader,
    settings_or_default,
)
from bestvalue.analytics.settings import ProbitySettings, Settings

ALWAYS = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))
BENFORD = {d: math.log10(1 + 1 / d) for d in range(1, 10)}


def thresholds(pc: ProbitySettings, council_code: str) -> list[tuple[float, dt.date, dt.date, str, float]]:
    """(amount, from, to, label, VAT uplift) of every threshold a split payment is tested against."""
    out = [(q.amount, *ALWAYS, q.label, 1.0) for q in pc.quote_limits_for(council_code)]
    out.append(
        (
            pc.notifiable_threshold,
            *ALWAYS,
            "£30,000 notifiable threshold" if pc.notifiable_threshold == 30000 else "notifiable threshold",
            1.0,
        )
    )
    out += [
        (t.amount, t.start, t.end, t.label, pc.vat_uplift if t.includes_vat else 1.0)
        for t in pc.procurement_thresholds
    ]
    return out


def _flag(
    kind: str,
    pc: ProbitySettings,
    title: str,
    detail: str,
    ids: list[int],
    rows: dict[int, EvidenceRow],
    limit: int,
    *,
    supplier: tuple[str | None, str | None] = (None, None),
    amount: float = 0.0,
    threshold: float | None = None,
    evidence: SpendFilter | None = None,
    params: dict[str, Any] | None = None,
    count: int | None = None,
) -> ProbityFlag:
    shown = [rows[i] for i in ids[:limit] if i in rows]
    return ProbityFlag(
        kind=kind,
        severity=pc.severity.get(kind, "risk_signal"),
        title=title,
        detail=detail,
        supplier_id=supplier[0],
        supplier=supplier[1],
        amount=round(amount, 2),
        threshold=threshold,
        parameters=params or {},
        evidence_count=count if count is not None else len(ids),
        rows=shown,
        evidence=evidence or SpendFilter(spend_ids=ids),
    )


def _live_contract(contracts: list[dict[str, Any]], day: dt.date) -> bool:
    """Whether any of these contracts was in force on ``day`` (start to end including extensions)."""
    for c in contracts:
        end = c["max_end_date"] or c["end_date"]
        if (c["start_date"] is None or c["start_date"] <= day) and (end is None or day <= end):
            return True
    return False


def _split_payments(
    wh: Db,
    info: CouncilInfo,
    fy: int,
    it_only: bool,
    cfg: Settings,
    contracts: dict[str, list[dict[str, Any]]],
) -> list[ProbityFlag]:
    """Runs of payments to one supplier within the window, each under a threshold, together over it.

    Payments are compared within one department. Highest threshold first; within a supplier the
    earliest qualifying run is taken, then the next run starting after it; a payment belongs to one
    run at most. A run with more than ``max_payments`` payments or adding up to more than
    ``max_total_multiple`` times the threshold is a regular supplier rather than a split: it is left
    out, and none of its payments starts or joins another run at that threshold. A run is also left
    out when a recorded contract with the supplier was in force on its first day.
    """
    pc = cfg.probity
    ts = thresholds(pc, info.gss_code)
    cols = [list(c) for c in zip(*ts, strict=True)]
    found = wh.dicts(
        sql.split_candidates_sql(pc.split.window_days),
        [
            *cols,
            info.gss_code,
            fy,
            it_only,
            pc.split.min_fraction,
            pc.split.min_payments,
            pc.split.min_payments,
        ],
    )
    parts: dict[tuple[float, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in found:
        parts[(-float(r["threshold"]), r["supplier_id"], r["department"], r["label"])].append(r)
    used: set[int] = set()
    window = dt.timedelta(days=pc.split.window_days)
    runs = []
    for (neg, supplier_id, department, label), pays in sorted(parts.items()):
        threshold = -neg
        busy: set[int] = set()
        for i, anchor in enumerate(pays):
            if not anchor["qualifies"] or anchor["first_id"] in used or anchor["first_id"] in busy:
                continue
            until = anchor["spend_date"] + window
            run = []
            for p in itertools.islice(pays, i, None):
                if p["spend_date"] > until:
                    break
                if p["first_id"] not in used and p["first_id"] not in busy:
                    run.append(p)
            total = sum(float(p["compared"]) for p in run)
            if len(run) < pc.split.min_payments or total < threshold:
                continue
            if len(run) > pc.split.max_payments or total > threshold * pc.split.max_total_multiple:
                busy.update(p["first_id"] for p in run)  # a regular supplier: no part of it is a split
                continue
            if not _live_contract(contracts.get(supplier_id, []), anchor["spend_date"]):
                used.update(p["first_id"] for p in run)
                runs.append((supplier_id, department, threshold, label, run, total))
    grouped: dict[tuple[str, str, float, str], list[tuple[list[dict[str, Any]], float]]] = defaultdict(list)
    for supplier_id, department, threshold, label, run, total in runs:
        grouped[(supplier_id, department, threshold, label)].append((run, total))
    shown = [
        i
        for found_runs in grouped.values()
        for i in [int(i) for run, _ in found_runs for p in run for i in p["ids"]][: cfg.evidence_limit]
    ]
    rows = rows_by_id(wh, shown)
    out = []
    for (supplier_id, department, threshold, label), found_runs in grouped.items():
        ids = [int(i) for run, _ in found_runs for p in run for i in p["ids"]]
        name = rows[ids[0]].supplier if ids[0] in rows else supplier_id
        total = sum(t for _, t in found_runs)
        n_pay = sum(len(r) for r, _ in found_runs)
        first, last = found_runs[0][0][0]["spend_date"], found_runs[-1][0][-1]["spend_date"]
        if len(found_runs) == 1:
            title = f"{n_pay} payments to {name} under £{threshold:,.0f} totalling £{total:,.0f}"
            what = f"{n_pay} payments from {department} to {name} between {first} and {last}"
        else:
            title = (
                f"{len(found_runs)} runs of payments to {name} under £{threshold:,.0f} "
                f"totalling £{total:,.0f}"
            )
            what = (
                f"{len(found_runs)} times between {first} and {last}, payments from {department} to {name} "
                f"within {pc.split.window_days} days of each other ({n_pay} payments in all)"
            )
        out.append(
            _flag(
                "split_payments",
                pc,
                title,
                (
                    f"{what}, each under the {label} of £{threshold:,.0f}, add up to more than it "
                    f"(£{total:,.2f} "
                    "in all). Check whether one requirement was split to stay under the threshold."
                ),
                ids,
                rows,
                cfg.evidence_limit,
                supplier=(supplier_id, name),
                amount=total,
                threshold=threshold,
                params={
                    "window_days": pc.split.window_days,
                    "min_fraction": pc.split.min_fraction,
                    "max_payments": pc.split.max_payments,
                    "max_total_multiple": pc.split.max_total_multiple,
                    "threshold_label": label,
                    "runs": len(found_runs),
                    "payments": n_pay,
                    "department": department,
                },
            )
        )
    return out


def council_contracts(wh: Db, council_code: str) -> dict[str, list[dict[str, Any]]]:
    """A council's contracts by resolved supplier id."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in wh.dicts(sql.council_contracts_sql(), [council_code]):
        out[c["supplier_id"]].append(c)
    return out


def _contract_flags(
    wh: Db,
    info: CouncilInfo,
    fy: int,
    it_only: bool,
    cfg: Settings,
    contracts: dict[str, list[dict[str, Any]]],
) -> list[ProbityFlag]:
    pc = cfg.probity
    out: list[ProbityFlag] = []
    # Over the threshold with no contract record.
    totals = [
        r
        for r in wh.dicts(
            sql.supplier_year_totals_sql(), [info.gss_code, fy, it_only, pc.no_contract_threshold]
        )
        if r["resolved"] and r["supplier_id"] not in contracts
    ]
    if totals:
        selection = SpendFilter(
            council_code=info.gss_code,
            financial_year=fy,
            it="it" if it_only else "all",
            supplier_ids=[r["supplier_id"] for r in totals],
            amount_min=0.01,
        )
        top_ids = top_ids_per_group(wh, "supplier_id", selection, cfg.evidence_limit)
        rows = rows_by_id(wh, [i for v in top_ids.values() for i in v])
        for r in totals:
            mine = top_ids.get(r["supplier_id"], [])
            out.append(
                _flag(
                    "no_contract",
                    pc,
                    f"£{money(r['amount']):,.0f} paid to {r['supplier']} with no contract record",
                    (
                        f"{info.name} paid {r['supplier']} £{money(r['amount']):,.2f} in {r['n']} payments "
                        "this year, "
                        f"over £{pc.no_contract_threshold:,.0f}, and no contract with this supplier is "
                        "recorded. "
                        "The contract register may be incomplete, or the spend may be call-offs from a "
                        "framework."
                    ),
                    mine,
                    rows,
                    cfg.evidence_limit,
                    supplier=(r["supplier_id"], r["supplier"]),
                    amount=money(r["amount"]),
                    threshold=pc.no_contract_threshold,
                    count=int(r["n"]),
                    evidence=SpendFilter(
                        council_code=info.gss_code,
                        financial_year=fy,
                        supplier_id=r["supplier_id"],
                        it="it" if it_only else "all",
                        amount_min=0.01,
                    ),
                    params={"no_contract_threshold": pc.no_contract_threshold},
                )
            )
    # Beyond a contract's value or end date.
    payments: dict[str, list[tuple[int, dt.date, int, float]]] = defaultdict(list)
    amounts: dict[int, float] = {}
    for s, i, d, y, a in wh.rows(sql.supplier_payments_sql(), [info.gss_code, sorted(contracts)]):
        payments[s].append((int(i), d, int(y), float(a)))
        amounts[int(i)] = float(a)
    over_value: list[tuple[str, list[int], float, float]] = []
    after_end: list[tuple[str, list[int], float, dt.date]] = []
    for supplier_id, cs in contracts.items():
        pays = payments.get(supplier_id, [])
        starts = [c["start_date"] for c in cs if c["start_date"]]
        values = [float(c["value"]) for c in cs if c["value"] is not None]
        if values and starts:
            limit = sum(values) * (1 + pc.contract_value_tolerance)
            running = 0.0
            beyond = []
            for i, d, y, a in pays:
                if d < min(starts):
                    continue
                running += a
                if running > limit and y == fy and a > 0:
                    beyond.append(i)
            if beyond:
                over_value.append((supplier_id, beyond, running, sum(values)))
        ends = [c["max_end_date"] or c["end_date"] for c in cs]
        if ends and all(e is not None for e in ends):
            last = max(ends)
            grace = last + dt.timedelta(days=pc.contract_end_grace_days)
            late = [i for i, d, y, a in pays if y == fy and d > grace and a > 0]
            if late:
                after_end.append((supplier_id, late, 0.0, last))
    limit = cfg.evidence_limit
    rows = rows_by_id(
        wh, [i for f in over_value for i in f[1][:limit]] + [i for f in after_end for i in f[1][:limit]]
    )
    for supplier_id, ids, running, value in over_value:
        name = rows[ids[0]].supplier
        amount = sum(amounts[i] for i in ids)
        out.append(
            _flag(
                "beyond_contract",
                pc,
                f"Payments to {name} beyond the contract value of £{value:,.0f}",
                (
                    f"Payments to {name} since its first contract started reach £{running:,.2f}, "
                    "more than the "
                    f"£{value:,.0f} recorded contract value plus {pc.contract_value_tolerance:.0%}. These "
                    "payments "
                    "this year came after the value was passed."
                ),
                ids,
                rows,
                cfg.evidence_limit,
                supplier=(supplier_id, name),
                amount=amount,
                threshold=value,
                params={"contract_value_tolerance": pc.contract_value_tolerance, "basis": "value"},
            )
        )
    for supplier_id, ids, _, last in after_end:
        name = rows[ids[0]].supplier
        amount = sum(amounts[i] for i in ids)
        out.append(
            _flag(
                "beyond_contract",
                pc,
                f"Payments to {name} after its contracts ended on {last}",
                (
                    f"{len(ids)} payments to {name} this year came more than "
                    f"{pc.contract_end_grace_days} days after "
                    f"the last recorded contract end date (including extensions), {last}."
                ),
                ids,
                rows,
                cfg.evidence_limit,
                supplier=(supplier_id, name),
                amount=amount,
                threshold=None,
                params={
                    "contract_end_grace_days": pc.contract_end_grace_days,
                    "basis": "end_date",
                    "contract_end": str(last),
                },
            )
        )
    return out


def _round_sums(wh: Db, info: CouncilInfo, fy: int, it_only: bool, cfg: Settings) -> list[ProbityFlag]:
    pc = cfg.probity
    rs = pc.round_sums
    found = wh.dicts(sql.round_sums_sql(), [info.gss_code, fy, it_only, rs.unit, rs.min_amount, rs.min_count])
    rows = rows_by_id(wh, [int(i) for r in found for i in r["ids"][: cfg.evidence_limit]])
    out = []
    for r in found:
        ids = [int(i) for i in r["ids"]]
        name = rows[ids[0]].supplier if ids[0] in rows else r["supplier_id"]
        out.append(
            _flag(
                "round_sums",
                pc,
                f"{r['n']} round-sum payments to {name}",
                (
                    f"{r['n']} payment lines to {name} this year are exact multiples of £{rs.unit:,.0f} "
                    f"(at least £{rs.min_amount:,.0f}), £{money(r['amount']):,.0f} in all. Round sums can be "
                    "estimates, advances or grants rather than invoiced amounts."
                ),
                ids,
                rows,
                cfg.evidence_limit,
                supplier=(r["supplier_id"], name),
                amount=money(r["amount"]),
                params={"unit": rs.unit, "min_amount": rs.min_amount, "min_count": rs.min_count},
            )
        )
    return out


def benford_test(counts: dict[int, int], pc: ProbitySettings) -> Benford:
    """First-digit distribution, its mean absolute deviation from Benford's law and Nigrini's band."""
    n = sum(counts.values())
    digits = [
        BenfordDigit(
            digit=d,
            count=counts.get(d, 0),
            observed=round(counts.get(d, 0) / n, 6) if n else 0.0,
            expected=round(BENFORD[d], 6),
        )
        for d in range(1, 10)
    ]
    if n < pc.benford.min_payments:
        return Benford(n=n, mad=None, conformity="too_few_payments", digits=digits)
    mad = sum(abs(counts.get(d, 0) / n - BENFORD[d]) for d in range(1, 10)) / 9
    b = pc.benford
    band = (
        "close"
        if mad <= b.close
        else "acceptable"
        if mad <= b.acceptable
        else "marginal"
        if mad <= b.marginal
        else "nonconformity"
    )
    return Benford(n=n, mad=round(mad, 6), conformity=band, digits=digits)


def flags(
    wh: Db,
    council: str,
    year: int | None = None,
    *,
    it_only: bool = False,
    settings: Settings | None = None,
) -> Flags:
    """Probity flags for a council's payments in one financial year (all payments, or IT only)."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    pc = cfg.probity
    info = council_info(wh, council)
    fy = council_year(wh, info.gss_code, year, cfg)
    contracts_loaded = bool(wh.scalar(sql.council_has_contracts_sql(), [info.gss_code]))
    contracts = council_contracts(wh, info.gss_code)
    out = _split_payments(wh, info, fy, it_only, cfg, contracts)
    if contracts_loaded:
        out += _contract_flags(wh, info, fy, it_only, cfg, contracts)
    out += _round_sums(wh, info, fy, it_only, cfg)
    counts = {
        int(d): int(n)
        for d, n in wh.rows(sql.first_digits_sql(), [info.gss_code, fy, it_only, pc.benford.min_amount])
    }
    benford = benford_test(counts, pc)
    if benford.conformity == "nonconformity":
        worst = max(benford.digits, key=lambda d: d.observed - d.expected)
        selection = SpendFilter(
            council_code=info.gss_code,
            financial_year=fy,
            it="it" if it_only else "all",
            amount_min=pc.benford.min_amount,
            first_digit=worst.digit,
        )
        ids = top_ids_per_group(wh, "council_code", selection, cfg.evidence_limit).get(info.gss_code, [])
        out.append(
            _flag(
                "benford",
                pc,
                f"First digits do not conform to Benford's law (MAD {benford.mad:.4f})",
                (
                    f"Across {benford.n:,} payments the first digits depart from Benford's law by a mean "
                    "absolute "
                    f"deviation of {benford.mad:.4f}, above Nigrini's {pc.benford.marginal} limit. Digit "
                    f"{worst.digit} "
                    f"is the most over-represented ({worst.observed:.1%} against {worst.expected:.1%} "
                    "expected); "
                    "its largest payments are shown. Published spend starts at £500 or £250, which skews "
                    "first "
                    "digits: treat this as a prompt to look, not a finding."
                ),
                ids,
                rows_by_id(wh, ids),
                cfg.evidence_limit,
                amount=0.0,
                count=worst.count,
                evidence=selection,
                params={"mad": benford.mad, "digit": worst.digit, "n": benford.n},
            )
        )
    notes = []
    if not contracts_loaded:
        notes.append(
            "No contract records are loaded for this council: the no-contract and beyond-contract "
            "tests were not run."
        )
    notes.append(
        "Amounts are compared as published (usually excluding VAT); thresholds that include VAT "
        f"are compared after multiplying by {pc.vat_uplift:g}."
    )
    kinds: dict[str, int] = defaultdict(int)
    for f in out:
        kinds[f.kind] += 1
    order = {"possible_breach": 0, "risk_signal": 1}
    out.sort(
        key=lambda f: (
            order[f.severity],
            f.kind,
            -f.amount,
            f.supplier_id or "",
            f.title,
            f.rows[0].spend_id if f.rows else 0,
        )
    )
    return Flags(
        insight="flags",
        filters=filters(info, fy, it_only=it_only, settings=", ".join(cfg.source)),
        notes=notes,
        council=info,
        financial_year=fy,
        contracts_loaded=contracts_loaded,
        counts=dict(kinds),
        flags=out,
        benford=benford,
    )
