"""Peer benchmarks: a council's IT metrics against similar councils of the same tier."""

from __future__ import annotations

import csv
import functools
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from typing import Any

from bestvalue.analytics import sql
from bestvalue.analytics.models import CouncilInfo, Peer, PeerBenchmark, PeerMetric, PeerValue, Position
from bestvalue.analytics.scope import (
    Db,
    all_councils,
    category_labels,
    council_info,
    council_year,
    filters,
    pct,
    reader,
    settings_or_default,
    year_bounds,
    years_covered,
)
from bestvalue.analytics.settings import PeerSettings, Settings

Unit = str


@functools.cache
def neighbours() -> dict[str, set[str]]:
    """GSS code → its geographic neighbours (mySociety, shipped in bestvalue.reference)."""
    text = (
        resources.files("bestvalue.reference").joinpath("data", "council_neighbours.csv").read_text("utf-8")
    )
    out: dict[str, set[str]] = defaultdict(set)
    for r in csv.DictReader(text.splitlines()):
        out[r["gss_code"]].add(r["neighbour_gss_code"])
    return dict(out)


def _area_type(label: str | None) -> str:
    return (label or "").split(";")[0].strip().lower()


def _exists_in(meta: dict[str, Any], year: int) -> bool:
    first, last = year_bounds(year)
    start, end = meta.get("start_date"), meta.get("end_date")
    return (start is None or start <= last) and (end is None or end > first)


def similarity(
    subject: CouncilInfo,
    subject_broad: str | None,
    other: CouncilInfo,
    other_broad: str | None,
    cfg: PeerSettings,
) -> tuple[float, list[str]]:
    """Distance (lower = more similar) and the reasons, from size, rurality, area type and geography."""
    reasons = [f"same tier ({other.tier})"] if other.tier == subject.tier else [f"tier {other.tier}"]
    if subject.population and other.population:
        ratio = other.population / subject.population
        d = abs(math.log(ratio))
        reasons.append(f"population {other.population:,} ({ratio:.2f}×)")
    else:
        d = 1.0
        reasons.append("population unknown")
    if subject_broad and other_broad and subject_broad == other_broad:
        reasons.append(f"same rural–urban class ({other_broad})")
    else:
        d += cfg.rurality_penalty
    if _area_type(subject.peer_label) and _area_type(subject.peer_label) == _area_type(other.peer_label):
        reasons.append(f"same area type ({_area_type(other.peer_label)})")
    else:
        d += cfg.peer_label_penalty
    if other.gss_code in neighbours().get(subject.gss_code, set()):
        d -= cfg.neighbour_bonus
        reasons.append("geographic neighbour")
    return round(d, 4), reasons


def _quantiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, med, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, med, q3


def _position(value: float | None, peer_values: list[float]) -> Position:
    if value is None or not peer_values:
        return "no_peers"
    q1, _, q3 = _quantiles(peer_values)
    if value < min(peer_values):
        return "lowest"
    if value > max(peer_values):
        return "highest"
    if value < q1:
        return "below_quartile"
    if value > q3:
        return "above_quartile"
    return "within_quartiles"


def _metric(
    key: str, label: str, unit: Unit, values: dict[str, float | None], subject: str, names: dict[str, str]
) -> PeerMetric:
    value = values.get(subject)
    peer_vals = [v for c, v in values.items() if c != subject and v is not None]
    known = sorted((v for v in values.values() if v is not None), reverse=True)
    q1 = med = q3 = None
    if peer_vals:
        q1, med, q3 = _quantiles(peer_vals)
    return PeerMetric(
        key=key,
        label=label,
        unit=unit,
        value=None if value is None else round(value, 4),
        peer_median=None if med is None else round(med, 4),
        peer_q1=None if q1 is None else round(q1, 4),
        peer_q3=None if q3 is None else round(q3, 4),
        peer_min=round(min(peer_vals), 4) if peer_vals else None,
        peer_max=round(max(peer_vals), 4) if peer_vals else None,
        peers_with_data=len(peer_vals),
        position=_position(value, peer_vals),
        rank=(known.index(value) + 1) if value is not None else None,
        values=[
            PeerValue(
                gss_code=c, name=names[c], value=None if v is None else round(v, 4), is_subject=c == subject
            )
            for c, v in sorted(values.items(), key=lambda cv: (cv[1] is None, -(cv[1] or 0)))
        ],
    )


def peers(
    wh: Db,
    council: str,
    year: int | None = None,
    *,
    peer_codes: Sequence[str] | None = None,
    cross_tier: bool = False,
    settings: Settings | None = None,
) -> PeerBenchmark:
    """The council's IT metrics against its peers: median, quartiles and where it sits.

    Peers are councils of the same tier that existed in the year, ranked by similarity of size,
    rurality and area type (geographic neighbours preferred), limited to a size band; or the
    councils the user names in ``peer_codes`` (any tier). Peers with an incomplete year are listed
    but left out of the figures.
    """
    wh = reader(wh)
    cfg = settings_or_default(settings)
    pc = cfg.peers
    info = council_info(wh, council)
    every = years_covered(wh)
    fy = council_year(wh, info.gss_code, year, cfg)
    ref = all_councils(wh)
    months = {c: y.get(fy, 0) for c, y in every.items()}
    full = cfg.baseline.full_year_months
    broad = ref.get(info.gss_code, (info, {}))[1].get("rural_urban_broad")
    notes: list[str] = []

    chosen: list[Peer] = []
    suggested: list[Peer] = []
    if peer_codes:
        for code in peer_codes:
            other = council_info(wh, code)
            if other.gss_code == info.gss_code:
                continue
            d, reasons = similarity(
                info, broad, other, ref.get(other.gss_code, (other, {}))[1].get("rural_urban_broad"), pc
            )
            m = months.get(other.gss_code, 0)
            chosen.append(
                Peer(
                    council=other,
                    chosen_by="user",
                    distance=d,
                    reasons=reasons,
                    has_data=m > 0,
                    months_covered=m,
                )
            )
    else:
        ranked = []
        for code, (other, meta) in ref.items():
            if code == info.gss_code or not _exists_in(meta, fy):
                continue
            if not cross_tier and other.tier != info.tier:
                continue
            d, reasons = similarity(info, broad, other, meta.get("rural_urban_broad"), pc)
            ratio = (other.population / info.population) if other.population and info.population else None
            in_band = ratio is not None and 1 / pc.population_ratio <= ratio <= pc.population_ratio
            ranked.append((d, in_band, other, reasons))
        ranked.sort(key=lambda t: (t[0], t[2].gss_code))
        with_data = [t for t in ranked if months.get(t[2].gss_code, 0) > 0]
        usable = [t for t in with_data if t[1]]
        if len(usable) < pc.min_peers and len(with_data) > len(usable):
            notes.append(
                f"Fewer than {pc.min_peers} similar-sized councils of this tier have data: "
                "peers of any size in the tier are used."
            )
            usable = with_data
        for d, _, other, reasons in usable[: pc.max_peers]:
            m = months[other.gss_code]
            chosen.append(
                Peer(
                    council=other,
                    chosen_by="similarity",
                    distance=d,
                    reasons=reasons,
                    has_data=True,
                    months_covered=m,
                )
            )
        for d, in_band, other, reasons in ranked:
            if len(suggested) >= pc.max_peers:
                break
            if in_band and months.get(other.gss_code, 0) == 0:
                suggested.append(
                    Peer(
                        council=other,
                        chosen_by="similarity",
                        distance=d,
                        reasons=reasons,
                        has_data=False,
                        months_covered=0,
                    )
                )
    if not chosen:
        notes.append("No comparable council has data for this year: load peers' spend files to compare.")

    counted = [p for p in chosen if p.months_covered >= full]
    for p in chosen:
        if p.has_data and p.months_covered < full:
            notes.append(
                f"{p.council.name} has only {p.months_covered} months of payments in this year: "
                "left out of the peer figures."
            )
    if months.get(info.gss_code, 0) < full:
        notes.append(
            f"{info.name} has {months.get(info.gss_code, 0)} months of payments in this year: "
            "its own figures are understated."
        )

    codes = [info.gss_code] + [p.council.gss_code for p in counted]
    infos = {info.gss_code: info, **{p.council.gss_code: p.council for p in counted}}
    names = {c: i.name for c, i in infos.items()}
    base = {r["council_code"]: r for r in wh.dicts(sql.peer_metrics_sql(), [fy, codes])}
    by_supplier: dict[str, list[float]] = defaultdict(list)
    by_category: dict[str, dict[str, float]] = defaultdict(dict)
    for code, dim, key, amount in wh.rows(sql.peer_groups_sql(), [fy, codes]):
        if dim == "supplier":
            if key is not None and amount > 0:
                by_supplier[code].append(float(amount))
        else:
            by_category[key][code] = float(amount)

    def values(fn: Any) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for c in codes:
            r = base.get(c)
            out[c] = fn(c, r) if r is not None else None
        return out

    def head(c: str, amount: float) -> float | None:
        pop = infos[c].population
        return amount / pop if pop else None

    def cr3(c: str, r: dict[str, Any]) -> float | None:
        amounts = sorted(by_supplier.get(c, []), reverse=True)
        total = sum(amounts)
        return pct(sum(amounts[:3]), total) if total > 0 else None

    metrics = [
        _metric(
            "it_per_head",
            "IT spend per head",
            "£ per head",
            values(lambda c, r: head(c, float(r["it"]))),
            info.gss_code,
            names,
        ),
        _metric(
            "it_share",
            "IT spend as a share of all spend",
            "%",
            values(lambda c, r: pct(float(r["it"]), float(r["total"]))),
            info.gss_code,
            names,
        ),
        _metric("it_spend", "IT spend", "£", values(lambda c, r: float(r["it"])), info.gss_code, names),
        _metric(
            "it_suppliers",
            "IT suppliers paid",
            "count",
            values(lambda c, r: float(r["it_suppliers"])),
            info.gss_code,
            names,
        ),
        _metric(
            "top3_share",
            "Share of IT spend with the three largest suppliers",
            "%",
            values(cr3),
            info.gss_code,
            names,
        ),
        _metric(
            "unclassified_share",
            "Unclassified share of all spend",
            "%",
            values(lambda c, r: pct(float(r["unclassified"]), float(r["total"]))),
            info.gss_code,
            names,
        ),
    ]
    labels = category_labels(wh)
    for cat in sorted(by_category):
        amounts = by_category[cat]
        metrics.append(
            _metric(
                f"per_head:{cat}",
                f"{labels.get(cat, cat)} spend per head",
                "£ per head",
                {c: (head(c, amounts.get(c, 0.0)) if c in base else None) for c in codes},
                info.gss_code,
                names,
            )
        )
    return PeerBenchmark(
        insight="peers",
        filters=filters(info, fy, peer_codes=list(peer_codes) if peer_codes else None, cross_tier=cross_tier),
        notes=notes,
        council=info,
        financial_year=fy,
        peers=chosen,
        suggested_without_data=suggested,
        metrics=metrics,
    )
