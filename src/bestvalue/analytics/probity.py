"""Probity flags, each a *possible breach* or a *risk signal*, with the payment lines behind it.

Flags: split payments (a burst of payments to one supplier for one kind of thing, each under a
threshold and together over it: council quote limits, the notifiable / publication threshold, the
regulated-procurement threshold in force on the date for the kind of spend), purchases over a
threshold from a supplier with no contract record, payments beyond a contract's value or end date,
clusters of round-sum payments, and the council's first-digit (Benford) conformity. The purchase tests
leave out what is not a purchase (``settings.purchases``). Parameters: ``settings.probity``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from typing import Any, Literal, NamedTuple

from bestvalue.analytics import sql
from bestvalue.analytics.evidence import rows_by_id, top_ids_per_group
from bestvalue.analytics.models import (
    Benford,
    BenfordDigit,
    CouncilInfo,
    EvidenceRow,
    Flags,
    ProbityFlag,
    Severity,
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
from bestvalue.analytics.settings import ProbitySettings, Settings, words_pattern

ALWAYS = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))
BENFORD = {d: math.log10(1 + 1 / d) for d in range(1, 10)}
REGIME_WORDS = {
    "goods_services": "supplies and services",
    "works": "works",
    "light_touch": "light-touch (social and other specific) services",
    "care": "social care bought per person, a light-touch service",
    "all": "any purchase",
}
Source = Literal["statutory", "council", "example"]
RANK: dict[str, int] = {"statutory": 0, "council": 1, "example": 2}


class Threshold(NamedTuple):
    """A threshold a split payment is tested against, in force from ``start`` to ``end``."""

    amount: float
    start: dt.date
    end: dt.date
    label: str
    uplift: float
    regime: str
    source: Source


def thresholds(pc: ProbitySettings, council_code: str) -> list[Threshold]:
    """Every threshold a split payment is tested against: the council's quote limits (its own if the
    settings give them, else the examples), and the statutory thresholds by date and regime."""
    own = pc.has_own_quote_limits(council_code)
    out = [
        Threshold(q.amount, *ALWAYS, q.label, 1.0, "all", "council" if own else "example")
        for q in pc.quote_limits_for(council_code)
    ]
    out += [
        Threshold(
            t.amount, t.start, t.end, t.label, pc.vat_uplift if t.includes_vat else 1.0, t.regime, "statutory"
        )
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
    severity: Severity | None = None,
) -> ProbityFlag:
    shown = [rows[i] for i in ids[:limit] if i in rows]
    return ProbityFlag(
        kind=kind,
        severity=severity or pc.severity.get(kind, "risk_signal"),
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


class _Run(NamedTuple):
    supplier_id: str
    family: str
    threshold: Threshold
    payments: list[dict[str, Any]]
    total: float


def _split_values(cfg: Settings, info: CouncilInfo, fy: int, it_only: bool) -> dict[str, Any]:
    pc = cfg.probity
    ts = thresholds(pc, info.gss_code)
    prefixes = pc.regimes.prefixes()
    return {
        **cfg.purchases.params(info.gss_code, fy, it_only=it_only, margin=True),
        "t_amount": [t.amount for t in ts],
        "t_from": [t.start for t in ts],
        "t_to": [t.end for t in ts],
        "t_label": [t.label for t in ts],
        "t_uplift": [t.uplift for t in ts],
        "t_regime": [t.regime for t in ts],
        "t_rank": [RANK[t.source] for t in ts],
        "reg_prefixes": [p for p, _ in prefixes],
        "reg_names": [r for _, r in prefixes],
        "min_fraction": pc.split.min_fraction,
        "min_payments": pc.split.min_payments,
        "not_split_words": words_pattern(pc.split.not_split_words),
        "not_split_codes": list(pc.split.not_split_codes),
    }


def _split_runs(
    found: list[dict[str, Any]],
    cfg: Settings,
    ts: dict[tuple[float, str], Threshold],
    contracts: dict[str, list[dict[str, Any]]],
) -> list[_Run]:
    """Runs that look like one requirement cut into pieces.

    Highest threshold first (statutory before quote limits of the same amount); within a supplier and
    family the earliest qualifying run is taken, then the next run starting after it; a payment belongs
    to one run at most. A run is kept only when it stands out from the supplier's trade in this kind of
    thing around the year: it makes up at least ``min_share`` of it, or adds up to at least
    ``burst_ratio`` times the supplier's usual month. It is left out, and none of its payments starts or
    joins another run at that threshold, when it does not stand out (a regular supplier: an ongoing
    contract or care package), repeats amounts paid at other times (half its payments or more have an
    amount the supplier is also paid outside the run: instalments, a package paid every period), has
    more than ``max_payments`` payments or adds up to more than ``max_total_multiple`` times the
    threshold. A run is also left out when a recorded contract with the supplier was in force on its
    first day.
    """
    sp = cfg.probity.split
    parts: dict[tuple[float, int, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in found:
        parts[(-float(r["threshold"]), int(r["rank"]), r["supplier_id"], r["family"], r["label"])].append(r)
    used: set[int] = set()
    busy: dict[tuple[float, str, str], set[int]] = defaultdict(set)
    window = dt.timedelta(days=sp.window_days)
    runs = []
    for (neg, _, supplier_id, family, label), pays in sorted(parts.items()):
        threshold = -neg
        skip = busy[(threshold, supplier_id, family)]
        for i, anchor in enumerate(pays):
            if not anchor["qualifies"] or anchor["first_id"] in used or anchor["first_id"] in skip:
                continue
            until = anchor["spend_date"] + window
            run = []
            for p in itertools.islice(pays, i, None):
                if p["spend_date"] > until:
                    break
                if p["first_id"] not in used and p["first_id"] not in skip:
                    run.append(p)
            total = sum(float(p["compared"]) for p in run)
            if len(run) < sp.min_payments or total < threshold:
                continue
            stands_out = total >= sp.min_share * float(
                anchor["span_total"]
            ) or total >= sp.burst_ratio * float(anchor["usual_month"])
            in_run = Counter(p["amount"] for p in run)
            recurring = 2 * sum(1 for p in run if int(p["same_amount"]) > in_run[p["amount"]]) >= len(run)
            too_big = len(run) > sp.max_payments or total > threshold * sp.max_total_multiple
            if not stands_out or recurring or too_big:
                skip.update(p["first_id"] for p in run)  # regular trade: no part of it is a split
                continue
            if not _live_contract(contracts.get(supplier_id, []), anchor["spend_date"]):
                used.update(p["first_id"] for p in run)
                runs.append(_Run(supplier_id, family, ts[(threshold, label)], run, total))
    return runs


def _split_payments(
    wh: Db,
    info: CouncilInfo,
    fy: int,
    it_only: bool,
    cfg: Settings,
    contracts: dict[str, list[dict[str, Any]]],
) -> list[ProbityFlag]:
    """Split payments: see :func:`_split_runs`. Several runs to one supplier for one kind of thing at
    one threshold make one flag."""
    pc = cfg.probity
    sp = pc.split
    values = _split_values(cfg, info, fy, it_only)
    text = sql.split_candidates_sql(sp.window_days)
    found = wh.dicts(*sql.bind(text, values))
    ts = {(t.amount, t.label): t for t in thresholds(pc, info.gss_code)}
    grouped: dict[tuple[str, str, float, str], list[_Run]] = defaultdict(list)
    for run in _split_runs(found, cfg, ts, contracts):
        grouped[(run.supplier_id, run.family, run.threshold.amount, run.threshold.label)].append(run)
    limit = cfg.evidence_limit
    rows = rows_by_id(
        wh,
        [
            i
            for runs in grouped.values()
            for i in [int(i) for r in runs for p in r.payments for i in p["ids"]][:limit]
        ],
    )
    out = []
    for (supplier_id, family, amount, _), runs in grouped.items():
        t = runs[0].threshold
        pays = [p for r in runs for p in r.payments]
        ids = [int(i) for p in pays for i in p["ids"]]
        first_row = rows.get(ids[0])
        name = first_row.supplier if first_row else supplier_id
        kind_of = (first_row.expense_type or first_row.description or "").strip() if first_row else ""
        total = sum(r.total for r in runs)
        first, last = runs[0].payments[0]["spend_date"], runs[-1].payments[-1]["spend_date"]
        days = (last - first).days
        departments = sorted({p["department"] for p in pays})
        months_paid, usual = int(pays[0]["months_paid"]), float(pays[0]["usual_month"])
        span_total = float(pays[0]["span_total"])
        what = f" for {kind_of.lower()}" if kind_of else ""
        if len(runs) == 1:
            title = (
                f"Possible split: {len(pays)} payments to {name} under £{amount:,.0f} totalling £{total:,.0f}"
            )
            lead = f"{len(pays)} payments to {name}{what} " + (
                f"on {first}" if days == 0 else f"between {first} and {last}"
            )
        else:
            title = (
                f"Possible split: {len(runs)} runs of payments to {name} under £{amount:,.0f} "
                f"totalling £{total:,.0f}"
            )
            lead = (
                f"{len(runs)} times between {first} and {last}, payments to {name}{what} within "
                f"{sp.window_days} days of each other ({len(pays)} payments in all)"
            )
        share = total / span_total if span_total else 1.0
        context = (
            f"They make up {share:.0%} of its £{span_total:,.0f} for this kind of thing in the "
            f"{months_paid} month{'s' if months_paid != 1 else ''} it was paid around the year"
            + (f", {total / len(runs) / usual:.1f} times its usual month." if months_paid > 2 else ".")
        )
        example = t.source == "example"
        detail = (
            f"{lead}, from {', '.join(departments)}, are each under the {t.label} of £{amount:,.0f} "
            f"(for {REGIME_WORDS[t.regime]}) and add up to £{total:,.2f}. {context} Check whether one "
            "requirement was split to stay under the threshold; if it was bought as one contract, check "
            "that it was procured and published as one."
            + (
                " The threshold is a general quote limit from the settings, not the council's own: set "
                "the council's limits (probity.council_quote_limits)."
                if example
                else ""
            )
        )
        out.append(
            _flag(
                "split_payments",
                pc,
                title,
                detail,
                ids,
                rows,
                limit,
                supplier=(supplier_id, name),
                amount=total,
                threshold=amount,
                severity=sp.example_limits_severity if example else None,
                params={
                    "window_days": sp.window_days,
                    "min_fraction": sp.min_fraction,
                    "max_payments": sp.max_payments,
                    "max_total_multiple": sp.max_total_multiple,
                    "min_share": sp.min_share,
                    "burst_ratio": sp.burst_ratio,
                    "threshold_label": t.label,
                    "threshold_source": t.source,
                    "regime": t.regime,
                    "family": family,
                    "months_paid": months_paid,
                    "usual_month": round(usual, 2),
                    "span_total": round(span_total, 2),
                    "runs": len(runs),
                    "payments": len(pays),
                    "department": ", ".join(departments),
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
    # Purchases over the threshold with no contract record.
    bind = {
        **cfg.purchases.params(info.gss_code, fy, it_only=it_only),
        "threshold": pc.no_contract_threshold,
        "limit": cfg.evidence_limit,
    }
    text = sql.supplier_year_totals_sql()
    totals = [
        r for r in wh.dicts(*sql.bind(text, bind)) if r["resolved"] and r["supplier_id"] not in contracts
    ]
    if totals:
        rows = rows_by_id(wh, [int(i) for r in totals for i in r["top_ids"]])
        for r in totals:
            mine = [int(i) for i in r["top_ids"]]
            months = int(r["months"])
            pattern = (
                f"The payments fall in {months} months of the year: a regular arrangement, like an "
                "ongoing contract or care package, that the register does not list. "
                if months >= pc.regular_months
                else ""
            )
            out.append(
                _flag(
                    "no_contract",
                    pc,
                    f"£{money(r['amount']):,.0f} paid to {r['supplier']} with no contract record",
                    (
                        f"{info.name} paid {r['supplier']} £{money(r['amount']):,.2f} in {r['n']} purchase "
                        f"lines this year, over £{pc.no_contract_threshold:,.0f}, and no contract with "
                        f"this supplier is recorded. {pattern}The contract register may be incomplete, or "
                        "the spend may be call-offs from a framework."
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
                    params={
                        "no_contract_threshold": pc.no_contract_threshold,
                        "months": months,
                        "regular": months >= pc.regular_months,
                    },
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
    values = {
        **cfg.purchases.params(info.gss_code, fy, it_only=it_only),
        "unit": rs.unit,
        "min_amount": rs.min_amount,
        "min_count": rs.min_count,
        "fee_months": rs.fixed_fee_months,
        "min_share": rs.min_share,
    }
    text = sql.round_sums_sql()
    found = wh.dicts(*sql.bind(text, values))
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
                    f"{r['n']} of the {r['lines']} purchase lines of £{rs.min_amount:,.0f} or more to {name} "
                    f"this year are exact multiples of £{rs.unit:,.0f}, £{money(r['amount']):,.0f} in all, "
                    f"in {r['amounts']} different amounts over {r['months']} months. Invoiced prices are "
                    "seldom round: round sums can be estimates, advances, stage payments, fixed fees, or "
                    "grants the file does not call grants. Check that each is backed by an invoice for goods "
                    "or services received, or by a grant agreement."
                ),
                ids,
                rows,
                cfg.evidence_limit,
                supplier=(r["supplier_id"], name),
                amount=money(r["amount"]),
                params={
                    "unit": rs.unit,
                    "min_amount": rs.min_amount,
                    "min_count": rs.min_count,
                    "fixed_fee_months": rs.fixed_fee_months,
                    "min_share": rs.min_share,
                    "lines": int(r["lines"]),
                    "amounts": int(r["amounts"]),
                    "months": int(r["months"]),
                },
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
                f"Payments as a whole depart from Benford's law (MAD {benford.mad:.4f})",
                (
                    f"Across all {benford.n:,} payment lines of the year (£{pc.benford.min_amount:,.0f} or "
                    f"more), the first digits depart from Benford's law by a mean absolute deviation of "
                    f"{benford.mad:.4f}, above the {pc.benford.marginal} limit of Nigrini's bands. This "
                    "describes the whole population of payments, not any one of them: spend files start "
                    "at £500 or £250 and councils pay many fixed prices and tariffs, which both skew first "
                    f"digits. Digit {worst.digit} is the most over-represented ({worst.observed:.1%} "
                    f"against {worst.expected:.1%} expected); its largest payments are shown as a place "
                    "to start looking."
                ),
                ids,
                rows_by_id(wh, ids),
                cfg.evidence_limit,
                amount=0.0,
                count=worst.count,
                evidence=selection,
                severity="risk_signal",
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
    notes.append(
        "The split-payment, no-contract and round-sum tests look at purchases only: not tax, pay, grants, "
        "rents, levies or payments to other public bodies (settings: purchases)."
    )
    if not pc.quote_limits_for(info.gss_code):
        notes.append(
            "No quote limits are set for this council (settings: probity.council_quote_limits), so splits "
            "are tested against the statutory thresholds only."
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
