"""Every page of the site: a thin loader over one or more library functions, and how it is drawn.

Loaders take the read-only warehouse and the page's parameters and return a pydantic model; they
hold no SQL and no figures of their own. Unknown councils and suppliers come back as 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import HTTPException, Path, Query

from bestvalue import analytics
from bestvalue.analytics.models import (
    CategoryMarket,
    Collaboration,
    EvidencePage,
    Flags,
    Lockin,
    Market,
    PeerBenchmark,
    Savings,
    SearchResults,
    SpendFilter,
)
from bestvalue.contracts.linkage import link_contracts_to_spend
from bestvalue.contracts.models import PipelineReport
from bestvalue.contracts.pipeline import renewal_pipeline
from bestvalue.engine import Warehouse
from bestvalue.ingest.quality import DataQuality, SourceDetail, data_quality, source_detail
from bestvalue.reference.councils import resolve_council
from bestvalue.suppliers import explain
from bestvalue.web import views
from bestvalue.web.models import ContractsPage, CouncilOverview, HomePage, SupplierPage
from bestvalue.web.pages import NotFound, Page

Year = Annotated[int | None, Query(ge=1990, le=2100, description="financial year by its first calendar year")]
Council = Annotated[str, Path(description="GSS code (or name) of the council", max_length=120)]
MAX_EVIDENCE = 500


def home(wh: Warehouse) -> HomePage:
    """Councils loaded and how much of the published data is in the warehouse."""
    councils = analytics.list_councils(wh)
    quality = data_quality(wh)
    firsts = [c.first_date for c in councils if c.first_date]
    lasts = [c.last_date for c in councils if c.last_date]
    return HomePage(
        councils=councils,
        files_loaded=quality.files_loaded,
        files_failed=quality.files_failed,
        lines=quality.rows,
        loaded=quality.loaded,
        rejected=quality.rejected,
        skipped=quality.skipped,
        amount_loaded=quality.amount_loaded,
        first_date=min(firsts) if firsts else None,
        last_date=max(lasts) if lasts else None,
    )


def council(wh: Warehouse, code: Council, year: Year = None) -> CouncilOverview:
    """A council's IT baseline for the year, its trend across years and its peer position."""
    summary = analytics.council_summary(wh, code)
    chosen = year if year is not None else summary.default_year
    return CouncilOverview(
        summary=summary,
        baseline=analytics.baseline(wh, code, chosen),
        peers=analytics.peers(wh, code, chosen),
    )


def council_peers(
    wh: Warehouse,
    code: Council,
    year: Year = None,
    peer: Annotated[
        list[str] | None, Query(description="GSS codes of peers to use instead of the suggested")
    ] = None,
    cross_tier: bool = False,
) -> PeerBenchmark:
    """The council's IT metrics against similar councils (or peers the user picks)."""
    return analytics.peers(wh, code, year, peer_codes=peer or None, cross_tier=cross_tier)


def council_lockin(wh: Warehouse, code: Council, year: Year = None) -> Lockin:
    """Lock-in indicators per supplier and ICT category, with the score's components."""
    return analytics.lockin(wh, code, year)


def council_collaboration(wh: Warehouse, code: Council, year: Year = None) -> Collaboration:
    """Other councils paying the same supplier for the same ICT category."""
    return analytics.collaboration(wh, code, year)


def council_savings(wh: Warehouse, code: Council, year: Year = None) -> Savings:
    """Savings signals with their £ estimates and the payments behind them."""
    return analytics.savings(wh, code, year)


def council_flags(wh: Warehouse, code: Council, year: Year = None) -> Flags:
    """Probity flags (possible breaches and risk signals) with their evidence rows."""
    return analytics.flags(wh, code, year)


Months = Annotated[int, Query(ge=1, le=120, description="months ahead to look for contracts ending")]
MinValue = Annotated[Decimal | None, Query(ge=0, description="only contracts worth at least this (£)")]
AsOf = Annotated[dt.date | None, Query(description="the date the window starts (default: today)")]


def council_contracts(
    wh: Warehouse, code: Council, months: Months = 18, min_value: MinValue = None, as_of: AsOf = None
) -> ContractsPage:
    """Contracts ending (with any extensions) within the window, and contracts against payments."""
    found = resolve_council(code)
    if found is None:
        raise NotFound(f"No council {code}")
    return ContractsPage(
        council_code=found.gss_code,
        council_name=found.name,
        pipeline=renewal_pipeline(wh, found.gss_code, months, min_value, as_of),
        linkage=link_contracts_to_spend(wh, found.gss_code),
    )


def pipeline(
    wh: Warehouse, months: Months = 18, min_value: MinValue = None, as_of: AsOf = None
) -> PipelineReport:
    """Contracts ending within the window across every council: candidates to re-procure together."""
    return renewal_pipeline(wh, None, months, min_value, as_of)


def market(
    wh: Warehouse,
    year: Year = None,
    council: Annotated[str | None, Query(description="one council's market only", max_length=120)] = None,
) -> Market:
    """Supplier shares and concentration in every ICT category."""
    return analytics.market(wh, council or None, year)


def category(
    wh: Warehouse,
    code: Annotated[str, Path(description="ICT category head code (ProClass v17)", max_length=12)],
    year: Year = None,
    council: Annotated[str | None, Query(description="one council's market only", max_length=120)] = None,
) -> CategoryMarket:
    """One ICT category: supplier shares, HHI, CR3 and councils served."""
    known = {c.code for c in analytics.ict_categories(wh)}
    if code not in known:
        raise NotFound(f"No ICT category {code}")
    return analytics.category_market(wh, code, year, council=council or None)


def supplier(
    wh: Warehouse,
    id: Annotated[str, Query(description="supplier id", min_length=1, max_length=300)],
    year: Year = None,
) -> SupplierPage:
    """A supplier across councils: spend, categories, identifiers, and its published names with how each
    was resolved."""
    profile = analytics.supplier_profile(wh, id, year)
    resolved = not profile.supplier_id.startswith("name:")  # "name:…" ids: resolution has not run
    resolution = explain(wh, profile.supplier_id) if resolved else None
    return SupplierPage(profile=profile, aliases=resolution.aliases if resolution else [])


def evidence(
    wh: Warehouse,
    selection: Annotated[SpendFilter, Query()],
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_EVIDENCE)] = 100,
) -> EvidencePage:
    """The payment lines behind a figure, largest first, with their source file and line. Every field
    of the drill-down filter (``SpendFilter``) is a query parameter; lists repeat the parameter."""
    if selection.spend_ids and len(selection.spend_ids) > 1000:
        raise HTTPException(400, "At most 1,000 spend_ids")
    return analytics.evidence_rows(wh, selection, limit=limit, offset=offset)


def quality(
    wh: Warehouse, council: Annotated[str | None, Query(description="GSS code", max_length=12)] = None
) -> DataQuality:
    """Every source file: lines found, loaded, rejected (with reasons), skipped and unclassified."""
    return data_quality(wh, council or None)


def source(wh: Warehouse, source_id: Annotated[int, Path(ge=0)]) -> SourceDetail:
    """One source file with its rejected lines and the reasons."""
    detail = source_detail(wh, source_id)
    if detail is None:
        raise NotFound(f"No source file {source_id}")
    return detail


def search(wh: Warehouse, q: Annotated[str, Query(max_length=200)] = "") -> SearchResults:
    """Councils and suppliers whose names contain the text."""
    text = q.strip()
    return analytics.search(wh, text) if text else SearchResults(query="", hits=[])


PAGES: list[Page] = [
    Page(
        "/",
        "home",
        "home.html",
        home,
        lambda r: "IT spend of councils",
        "councils",
        home.__doc__ or "",
        views.home,
    ),
    Page(
        "/councils/{code}",
        "council",
        "council.html",
        council,
        views.council_title,
        "councils",
        council.__doc__ or "",
        views.council,
    ),
    Page(
        "/councils/{code}/peers",
        "council_peers",
        "peers.html",
        council_peers,
        lambda r: f"Peers: {r.council.name}",
        "councils",
        council_peers.__doc__ or "",
        views.peers,
    ),
    Page(
        "/councils/{code}/lock-in",
        "council_lockin",
        "lockin.html",
        council_lockin,
        lambda r: f"Lock-in: {r.council.name}",
        "councils",
        council_lockin.__doc__ or "",
        views.lockin,
    ),
    Page(
        "/councils/{code}/collaboration",
        "council_collaboration",
        "collaboration.html",
        council_collaboration,
        lambda r: f"Collaboration: {r.council.name}",
        "councils",
        council_collaboration.__doc__ or "",
        views.collaboration,
    ),
    Page(
        "/councils/{code}/savings",
        "council_savings",
        "savings.html",
        council_savings,
        lambda r: f"Savings signals: {r.council.name}",
        "councils",
        council_savings.__doc__ or "",
        views.savings,
        views.savings_tables,
    ),
    Page(
        "/councils/{code}/flags",
        "council_flags",
        "flags.html",
        council_flags,
        lambda r: f"Probity flags: {r.council.name}",
        "councils",
        council_flags.__doc__ or "",
        views.flags,
        views.flags_tables,
    ),
    Page(
        "/councils/{code}/contracts",
        "council_contracts",
        "contracts.html",
        council_contracts,
        lambda r: f"Contracts: {r.council_name}",
        "councils",
        council_contracts.__doc__ or "",
        views.contracts,
        views.contracts_tables,
    ),
    Page(
        "/pipeline",
        "pipeline",
        "pipeline.html",
        pipeline,
        lambda r: "Contracts ending soon",
        "pipeline",
        pipeline.__doc__ or "",
        views.pipeline,
        views.pipeline_tables,
    ),
    Page(
        "/categories",
        "market",
        "market.html",
        market,
        views.market_title,
        "market",
        market.__doc__ or "",
        views.market,
    ),
    Page(
        "/categories/{code}",
        "category",
        "category.html",
        category,
        lambda r: f"IT market: {r.category.label}",
        "market",
        category.__doc__ or "",
        views.category,
    ),
    Page(
        "/supplier",
        "supplier",
        "supplier.html",
        supplier,
        lambda r: r.profile.name,
        "councils",
        supplier.__doc__ or "",
        views.supplier,
    ),
    Page(
        "/evidence",
        "evidence",
        "evidence.html",
        evidence,
        views.evidence_title,
        "councils",
        evidence.__doc__ or "",
        views.evidence,
    ),
    Page(
        "/quality",
        "quality",
        "quality.html",
        quality,
        lambda r: "Data quality",
        "quality",
        quality.__doc__ or "",
        views.quality,
    ),
    Page(
        "/quality/{source_id}",
        "source",
        "source.html",
        source,
        lambda r: f"Source file: {r.source.file_name}",
        "quality",
        source.__doc__ or "",
        views.source,
    ),
    Page(
        "/search",
        "search",
        "search.html",
        search,
        lambda r: f"Search results for ‘{r.query}’" if r.query else "Search",
        "search",
        search.__doc__ or "",
        views.search,
    ),
]
