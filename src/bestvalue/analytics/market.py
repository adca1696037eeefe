"""Market shares and concentration of IT spend per ICT category; supplier profiles."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from bestvalue.analytics import sql
from bestvalue.analytics.models import (
    Breakdown,
    Category,
    CategoryMarket,
    CouncilInfo,
    Market,
    SpendFilter,
    SupplierCouncil,
    SupplierProfile,
    SupplierReach,
    SupplierShare,
)
from bestvalue.analytics.scope import (
    Db,
    UnknownSupplier,
    all_councils,
    category,
    category_labels,
    category_of,
    council_info,
    filters,
    has_rows,
    money,
    pct,
    pick_year,
    reader,
    settings_or_default,
)
from bestvalue.analytics.settings import MarketSettings, Settings

Concentration = Literal["unconcentrated", "moderate", "high", "none"]


def concentration(hhi: float | None, cfg: MarketSettings) -> Concentration:
    if hhi is None:
        return "none"
    if hhi > cfg.hhi_high:
        return "high"
    if hhi >= cfg.hhi_moderate:
        return "moderate"
    return "unconcentrated"


def _category_market(
    cat: Category,
    rows: list[dict[str, Any]],
    council_code: str | None,
    year: int | None,
    top: int | None,
    cfg: MarketSettings,
    councils_in_category: int,
    info: CouncilInfo | None,
    notes: list[str],
) -> CategoryMarket:
    """Shares of suppliers with a positive net amount; HHI and CR3 over them."""
    positive = sorted(
        (r for r in rows if r["supplier_id"] is not None and money(r["amount"]) > 0),
        key=lambda r: (-float(r["amount"]), r["supplier_id"]),
    )
    excluded = round(
        sum(money(r["amount"]) for r in rows if r["supplier_id"] is None or money(r["amount"]) <= 0), 2
    )
    total = round(sum(money(r["amount"]) for r in positive), 2)
    shares = [pct(money(r["amount"]), total) or 0.0 for r in positive]
    hhi = round(sum(s * s for s in shares), 2) if positive else None
    cr3 = round(sum(shares[:3]), 4) if positive else None
    base = SpendFilter(council_code=council_code, financial_year=year, it="it", ict_category=cat.code)
    listed = positive if top is None else positive[:top]
    return CategoryMarket(
        insight="category_market",
        filters=filters(info, year, category=cat.code, top=top),
        notes=notes,
        category=cat,
        financial_year=year,
        total=total,
        suppliers=len(positive),
        councils=councils_in_category,
        hhi=hhi,
        cr3=cr3,
        concentration=concentration(hhi, cfg),
        excluded_net_credit=excluded,
        shares=[
            SupplierShare(
                supplier_id=r["supplier_id"],
                supplier=r["supplier"],
                amount=money(r["amount"]),
                share=s,
                councils=int(r["councils"]),
                evidence=base.model_copy(update={"supplier_id": r["supplier_id"]}),
            )
            for r, s in zip(listed, shares, strict=False)
        ],
    )


def _notes(wh: Db) -> list[str]:
    notes = []
    if not has_rows(wh, "spend_classification"):
        notes.append("Spend classification has not run: no spend is known to be IT yet.")
    if not has_rows(wh, "spend_suppliers"):
        notes.append("Supplier resolution has not run: suppliers are grouped by their published names.")
    notes.append(
        "Shares are of IT spend with named suppliers whose net spend is positive; payments to "
        "individuals, redacted payees and net credits are left out."
    )
    return notes


def market(
    wh: Db,
    council: str | None = None,
    year: int | None = None,
    *,
    top: int | None = None,
    settings: Settings | None = None,
) -> Market:
    """Supplier shares of IT spend per ICT category, with HHI and CR3, for one council or all loaded
    councils; and each supplier's reach (councils and categories served)."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    info = council_info(wh, council) if council else None
    code = info.gss_code if info else None
    fy = pick_year(wh, code, year, cfg)
    top = top if top is not None else cfg.market.top
    rows = wh.dicts(sql.market_sql(), [fy, fy, code, code, None, None])
    labels = category_labels(wh)
    per_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    reach: list[SupplierReach] = []
    for r in rows:
        if r["ict_category"] is not None:
            per_cat[r["ict_category"]].append(r)
        elif r["supplier_id"] is not None and money(r["amount"]) > 0:
            reach.append(
                SupplierReach(
                    supplier_id=r["supplier_id"],
                    supplier=r["supplier"],
                    amount=money(r["amount"]),
                    councils=int(r["councils"]),
                    categories=int(r["categories"]),
                )
            )
    councils_per_cat = _councils_per_category(wh, fy, code)
    cats = [
        _category_market(
            category(labels, c), per_cat[c], code, fy, top, cfg.market, councils_per_cat.get(c, 0), info, []
        )
        for c in sorted(per_cat)
    ]
    cats.sort(key=lambda m: -m.total)
    reach.sort(key=lambda s: (-s.councils, -s.amount, s.supplier_id))
    return Market(
        insight="market",
        filters=filters(info, fy, top=top),
        notes=_notes(wh),
        council_code=code,
        financial_year=fy,
        categories=cats,
        suppliers=reach,
    )


def _councils_per_category(wh: Db, year: int | None, council_code: str | None) -> dict[str, int]:
    if council_code is not None:
        return defaultdict(lambda: 1)
    return {k: int(n) for k, n in wh.rows(sql.councils_per_category_sql(), [year, year])}


def category_market(
    wh: Db,
    proclass_code: str,
    year: int | None = None,
    *,
    council: str | None = None,
    top: int | None = None,
    settings: Settings | None = None,
) -> CategoryMarket:
    """One ICT category's market (the category a ProClass ICT code belongs to)."""
    wh = reader(wh)
    cfg = settings_or_default(settings)
    cat = category_of(wh, proclass_code)
    info = council_info(wh, council) if council else None
    code = info.gss_code if info else None
    fy = pick_year(wh, code, year, cfg)
    rows = [
        r
        for r in wh.dicts(sql.market_sql(), [fy, fy, code, code, cat.code, cat.code])
        if r["ict_category"] is not None
    ]
    n = _councils_per_category(wh, fy, code).get(cat.code, 0) if rows else 0
    return _category_market(cat, rows, code, fy, top, cfg.market, n, info, _notes(wh))


def supplier_profile(wh: Db, supplier_id: str, year: int | None = None) -> SupplierProfile:
    """A supplier across councils: names published, £ and IT £ per council, IT categories, contracts.

    ``year`` ``None`` covers every year loaded.
    """
    wh = reader(wh)
    row = wh.dicts(sql.supplier_sql(), [supplier_id])
    councils_rows = wh.dicts(sql.supplier_councils_sql(), [supplier_id, year, year])
    if not row and not councils_rows:
        raise UnknownSupplier(f"no supplier has id {supplier_id!r}")
    names = [n for n, _ in wh.rows(sql.supplier_names_sql(), [supplier_id, 50])]
    s: dict[str, Any] = row[0] if row else {"name": names[0] if names else supplier_id}
    ref = all_councils(wh)
    labels = category_labels(wh)
    it_total = round(sum(money(r["it"]) for r in councils_rows), 2)
    cats = wh.dicts(sql.supplier_categories_sql(), [supplier_id, year, year])
    notes = []
    if supplier_id.startswith("name:"):
        notes.append(
            "Supplier resolution has not run: this is every payment published under this exact name."
        )
    return SupplierProfile(
        insight="supplier_profile",
        filters=filters(None, year, supplier_id=supplier_id),
        notes=notes,
        supplier_id=supplier_id,
        name=s["name"],
        company_number=s.get("company_number"),
        charity_number=s.get("charity_number"),
        vat_number=s.get("vat_number"),
        is_sme=s.get("is_sme"),
        is_vcse=s.get("is_vcse"),
        published_names=names,
        total=round(sum(money(r["amount"]) for r in councils_rows), 2),
        it_amount=it_total,
        councils=[
            SupplierCouncil(
                gss_code=r["council_code"],
                name=ref[r["council_code"]][0].name if r["council_code"] in ref else r["council_code"],
                amount=money(r["amount"]),
                it_amount=money(r["it"]),
                years=[int(y) for y in r["years"]],
                evidence=SpendFilter(
                    council_code=r["council_code"], financial_year=year, supplier_id=supplier_id
                ),
            )
            for r in councils_rows
        ],
        categories=[
            Breakdown(
                key=r["ict_category"],
                label=labels.get(r["ict_category"], r["ict_category"]),
                amount=money(r["amount"]),
                share=pct(money(r["amount"]), it_total) or 0.0,
                rows=int(r["n"]),
                evidence=SpendFilter(
                    financial_year=year, it="it", supplier_id=supplier_id, ict_category=r["ict_category"]
                ),
            )
            for r in cats
        ],
        contracts=int(wh.scalar(sql.supplier_contracts_sql(), [supplier_id]) or 0),
    )
