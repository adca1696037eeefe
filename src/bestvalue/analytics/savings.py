"""Savings signals: fragmentation, price variation between similar councils, duplicate payments."""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from typing import Any

from bestvalue.analytics import sql
from bestvalue.analytics.evidence import rows_by_id, top_ids_per_group
from bestvalue.analytics.models import CouncilInfo, EvidenceRow, Savings, SavingsSignal, SpendFilter
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
)
from bestvalue.analytics.settings import Settings


class _Groups:
    """Union–find over spend ids: pairs of duplicates become groups of copies."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, a: int) -> int:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for a in self.parent:
            out[self.find(a)].append(a)
        return [sorted(g) for g in out.values()]


def _fragmentation(
    wh: Db, info: CouncilInfo, fy: int, cfg: Settings, labels: dict[str, str]
) -> list[SavingsSignal]:
    sc = cfg.savings
    found = [
        r
        for r in wh.dicts(sql.fragmentation_sql(), [info.gss_code, fy])
        if r["suppliers"] >= sc.fragmentation_min_suppliers
        and money(r["amount"]) >= sc.fragmentation_min_spend
    ]
    out = []
    for r in found:
        cat = category(labels, r["ict_category"])
        amount, largest = money(r["amount"]), money(r["largest"])
        tail = round(amount - largest, 2)
        selection = SpendFilter(
            council_code=info.gss_code,
            financial_year=fy,
            it="it",
            ict_category=cat.code,
            exclude_supplier_ids=[r["largest_supplier"]],
        )
        ids = top_ids_per_group(wh, "ict_category", selection, cfg.evidence_limit).get(cat.code, [])
        rows = rows_by_id(wh, ids)
        out.append(
            SavingsSignal(
                kind="fragmentation",
                title=f"{cat.label}: {r['suppliers']} suppliers",
                detail=(
                    f"£{amount:,.0f} of {cat.label.lower()} spend went to {r['suppliers']} suppliers; "
                    "the largest "
                    f"took £{largest:,.0f}. Consolidating the other £{tail:,.0f} may lower prices."
                ),
                supplier_id=None,
                supplier=None,
                category=cat,
                amount_involved=tail,
                estimated_saving=round(tail * sc.consolidation_rate, 2),
                basis=(
                    f"{sc.consolidation_rate:.0%} of the spend outside the largest supplier (an indicative "
                    "rate)"
                ),
                rows=sorted(rows.values(), key=lambda e: -abs(e.amount)),
                evidence=selection,
            )
        )
    return out


def _price_variation(wh: Db, info: CouncilInfo, fy: int, cfg: Settings) -> list[SavingsSignal]:
    sc = cfg.savings
    if not info.population:
        return []
    ref = all_councils(wh)
    per: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)
    same_tier = [c for c, (other, _) in ref.items() if other.tier == info.tier and other.population]
    for r in wh.dicts(
        sql.supplier_councils_year_sql(), [info.gss_code, fy, sc.price_variation_min_amount, fy, same_tier]
    ):
        per[r["supplier_id"]][r["council_code"]] = (money(r["amount"]), r["supplier"])
    found: list[dict[str, Any]] = []
    for supplier_id, councils in per.items():
        mine = councils.get(info.gss_code)
        if mine is None or mine[0] < sc.price_variation_min_amount:
            continue
        others = []
        for code, (amount, _) in councils.items():
            other = ref.get(code)
            if (
                code == info.gss_code
                or other is None
                or other[0].tier != info.tier
                or not other[0].population
            ):
                continue
            if amount > 0:
                others.append((code, amount / other[0].population))
        if len(others) + 1 < sc.price_variation_min_councils:
            continue
        head = mine[0] / info.population
        median = statistics.median(v for _, v in others)
        if median > 0 and head >= sc.price_variation_ratio * median:
            found.append(
                {
                    "supplier_id": supplier_id,
                    "supplier": mine[1],
                    "amount": mine[0],
                    "head": head,
                    "median": median,
                    "others": others,
                }
            )
    if not found:
        return []
    selection = SpendFilter(
        council_code=info.gss_code, financial_year=fy, it="it", supplier_ids=[f["supplier_id"] for f in found]
    )
    ids = top_ids_per_group(wh, "supplier_id", selection, cfg.evidence_limit)
    rows = rows_by_id(wh, [i for v in ids.values() for i in v])
    out = []
    for f in found:
        excess = round((f["head"] - f["median"]) * info.population, 2)
        names = ", ".join(sorted(ref[c][0].name for c, _ in f["others"]))
        out.append(
            SavingsSignal(
                kind="price_variation",
                title=(
                    f"{f['supplier']}: £{f['head']:.2f} per head against a peer median of £{f['median']:.2f}"
                ),
                detail=(
                    f"{info.name} paid {f['supplier']} £{f['amount']:,.0f} for IT in the year, "
                    f"{f['head'] / f['median']:.1f} times the median per head of other {info.tier} councils "
                    f"paying the same supplier ({names}). Differences in scope may explain it."
                ),
                supplier_id=f["supplier_id"],
                supplier=f["supplier"],
                category=None,
                amount_involved=f["amount"],
                estimated_saving=excess,
                basis="(spend per head − peer median per head) × population: the £ above the peer median",
                rows=sorted(
                    (rows[i] for i in ids.get(f["supplier_id"], []) if i in rows),
                    key=lambda e: -abs(e.amount),
                ),
                evidence=SpendFilter(
                    council_code=info.gss_code, financial_year=fy, it="it", supplier_id=f["supplier_id"]
                ),
            )
        )
    return out


def _strength(pays: list[dict[str, Any]], by_invoice: bool, cfg: Settings) -> str | None:
    """Why a group of equal payments is *not* strong evidence of a payment made twice (``None`` if it is).

    Strong: the same invoice number (unless on one day for a service paid per person); or exactly two
    payments on different dates (not a week apart)
    from one department, of an amount with pence, for something other than services paid at a rate
    per person or per week (``savings.duplicate_rate_codes``)."""
    txns = {p["txn"] for p in pays}
    if len(txns) == 1 and None not in txns:
        return "the copies carry the same transaction number: one payment published twice, not paid twice"
    rates = cfg.savings.duplicate_rate_codes
    rate_paid = all(any((p["proclass_code"] or "").startswith(c) for c in rates) for p in pays)
    same_day = len({p["spend_date"] for p in pays}) == 1
    if by_invoice:
        if same_day and rate_paid:
            return (
                "payments on one day for a service paid per person may be one claim for several people "
                "under one reference"
            )
        return None
    if same_day:
        return "the payments are on the same day: they may be separate items or orders at the same price"
    gaps = {(b["spend_date"] - a["spend_date"]).days for a, b in itertools.pairwise(pays)}
    if gaps <= {7, 14}:
        return "the payments are a week apart: they may be consecutive weekly invoices of the same amount"
    if len(pays) > 2:
        return (
            f"{len(pays)} equal payments are more often several items or instalments than one payment "
            f"made {len(pays)} times"
        )
    if len({p["department"] for p in pays}) > 1:
        return "the payments come from different departments, which may each owe the supplier this amount"
    if rate_paid:
        return (
            "services paid at a rate per person or per week (care, agency staff) often repeat the same "
            "amount for different people or weeks"
        )
    if float(pays[0]["amount"]) % 1 == 0:
        return "an amount in whole pounds, often a fixed price, fee or rate paid more than once"
    return None


def _duplicates(wh: Db, info: CouncilInfo, fy: int, cfg: Settings) -> list[SavingsSignal]:
    """Groups of purchase payments (not lines) that look like one payment made more than once.

    Left out as legitimately separate: payments whose invoice numbers differ, payments for different
    kinds of thing, copies of a regular payment within its usual number per month, an invoice paid in
    instalments, payments credited back, payments to other public bodies and what is not a purchase;
    and equal lines on one day with no transaction or invoice number (often one invoice spread over
    cost centres). The £ is estimated only where the evidence is strong (see :func:`_strength`)."""
    sc = cfg.savings
    values = {
        **cfg.purchases.params(info.gss_code, fy, margin=True),
        "min_amount": sc.duplicate_min_amount,
        "max_copies": sc.duplicate_max_copies,
        "regular_months": sc.duplicate_regular_months,
        "instalment_months": sc.duplicate_instalment_months,
    }
    groups = _Groups()
    payments: dict[int, dict[str, Any]] = {}
    keyed: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for r in wh.dicts(*sql.bind(sql.duplicate_groups_sql(sc.duplicate_window_days), values)):
        payments.setdefault(int(r["first_id"]), r)
        if r["kind"] == "window":
            keyed[("window", r["supplier_id"], r["amount"], r["family"], r["grp"])].append(int(r["first_id"]))
        else:
            keyed[("invoice", r["supplier_id"], r["amount"], r["inv"])].append(int(r["first_id"]))
    for members in keyed.values():
        for m in members[1:]:
            groups.join(members[0], m)
    found = []
    for g in groups.groups():
        if len(g) < 2:
            continue
        pays = sorted((payments[p] for p in g), key=lambda p: (p["spend_date"], p["first_id"]))
        if len({p["spend_date"] for p in pays}) == 1 and not any(p["referenced"] for p in pays):
            continue  # equal lines of one day with no reference: most often one payment over cost centres
        found.append((pays, [int(i) for p in pays for i in p["ids"]]))
    rows = rows_by_id(wh, [i for _, ids in found for i in ids[: cfg.evidence_limit]])
    out = []
    for pays, ids in found:
        copies: list[EvidenceRow] = [rows[i] for i in ids[: cfg.evidence_limit] if i in rows]
        first = pays[0]
        amount = money(first["amount"])
        invs = {p.get("inv") for p in pays}
        by_invoice = len(invs) == 1 and None not in invs
        name = copies[0].supplier if copies else first["supplier_id"]
        weak = _strength(pays, by_invoice, cfg)
        if weak and amount < sc.duplicate_unestimated_min_amount:
            continue
        detail = (
            f"{len(pays)} payments of £{amount:,.2f} to {name} "
            + (
                f"with invoice number {first['inv']}"
                if by_invoice
                else f"for the same kind of thing, each within {sc.duplicate_window_days} days of the last"
            )
            + f" ({', '.join(str(p['spend_date']) for p in pays)})."
        )
        usual = float(max(p["usual"] for p in pays))
        if usual:
            detail += (
                f" {name} is paid this amount regularly, usually {usual:g} time{'s' if usual != 1 else ''} "
                "a month: this is more than usual."
            )
        if len({p["source_id"] for p in pays}) == len(pays):
            detail += (
                " Each copy comes from a different published file: the same payment may have been "
                "published twice."
            )
        if weak:
            detail += f" Not estimated: {weak}."
        out.append(
            SavingsSignal(
                kind="duplicate_invoice" if by_invoice else "duplicate_payment",
                title=f"Possible duplicate: {len(pays)} × £{amount:,.2f} to {name}",
                detail=detail,
                supplier_id=first["supplier_id"],
                supplier=name,
                category=None,
                amount_involved=round(amount * len(pays), 2),
                estimated_saving=0.0 if weak else round(amount * (len(pays) - 1), 2),
                basis=(
                    f"not estimated: {weak}"
                    if weak
                    else "every copy after the first, if it was paid in error"
                ),
                rows=copies,
                evidence=SpendFilter(spend_ids=ids),
            )
        )
    return out


def savings(wh: Db, council: str, year: int | None = None, *, settings: Settings | None = None) -> Savings:
    """Savings signals for a council's year, each with an estimated £, how it was estimated and the rows."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    info = council_info(wh, council)
    fy = council_year(wh, info.gss_code, year, cfg)
    labels = category_labels(wh)
    signals = (
        _fragmentation(wh, info, fy, cfg, labels)
        + _price_variation(wh, info, fy, cfg)
        + _duplicates(wh, info, fy, cfg)
    )
    signals.sort(key=lambda s: (-s.estimated_saving, s.kind, s.title, s.rows[0].spend_id if s.rows else 0))
    by_kind: dict[str, float] = defaultdict(float)
    for s in signals:
        by_kind[s.kind] = round(by_kind[s.kind] + s.estimated_saving, 2)
    notes = ["Estimates are indicative: each says how it was made; check the rows before acting."]
    if not info.population:
        notes.append("No population for this council: price variation per head cannot be measured.")
    return Savings(
        insight="savings",
        filters=filters(info, fy, **{k: v for k, v in cfg.savings.model_dump().items()}),
        notes=notes,
        council=info,
        financial_year=fy,
        total_estimated=round(sum(s.estimated_saving for s in signals), 2),
        by_kind=dict(by_kind),
        signals=signals,
    )
