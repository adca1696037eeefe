"""Typed results of every insight.

Every result says which insight made it (``insight``) and with which filters (``filters``), and every
figure that sums payments carries a :class:`SpendFilter` (``evidence``) that
:func:`bestvalue.analytics.evidence_rows` turns into the payment lines behind it, or the lines
themselves (``rows``) where there are few. Money is in pounds as published (net of recoverable VAT
unless the council says otherwise), rounded to pence; shares are percentages (0–100).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

ItStatus = Literal["all", "it", "not_it", "unclassified"]
Severity = Literal["possible_breach", "risk_signal"]
Position = Literal["lowest", "below_quartile", "within_quartiles", "above_quartile", "highest", "no_peers"]


# -- drill-down -------------------------------------------------------------------------------
class SpendFilter(BaseModel):
    """Which payment lines a figure is made of; every field narrows the selection (``None`` = any).

    ``ict_category`` is a category head code (see :class:`Category`); ``supplier_id`` is the resolved
    supplier id (or ``name:…`` while supplier resolution has not run, ``(none)`` for payments with
    no supplier entity: individuals and redactions); the ``exclude_*`` lists leave out the lines an
    "all others" figure does not cover;
    ``quarter`` is the quarter of
    the financial year (1 = April–June); ``spend_ids`` picks exact lines.
    """

    council_code: str | None = None
    financial_year: int | None = None
    it: ItStatus = "all"
    ict_category: str | None = None
    proclass_code: str | None = None
    supplier_id: str | None = None
    supplier_ids: list[str] | None = None
    exclude_supplier_ids: list[str] | None = None
    department: str | None = None
    exclude_departments: list[str] | None = None
    quarter: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: float | None = None
    amount_max: float | None = None
    first_digit: int | None = None
    spend_ids: list[int] | None = None


class EvidenceRow(BaseModel):
    """One published payment line, traceable to its file and line number."""

    spend_id: int
    council_code: str
    spend_date: dt.date
    financial_year: int
    amount: float
    supplier_id: str | None
    supplier: str
    published_supplier: str | None = Field(description="the name as published; hidden for individuals")
    department: str
    expense_type: str | None
    description: str | None
    invoice_number: str | None
    transaction_number: str | None
    proclass_code: str | None
    ict_category: str | None
    is_it: bool | None
    classification_method: str | None
    source_id: int
    source_file: str
    source_line: int


class EvidencePage(BaseModel):
    """A page of evidence rows with the totals of the whole selection."""

    filter: SpendFilter
    total_rows: int
    total_amount: float
    offset: int
    limit: int
    rows: list[EvidenceRow]


# -- shared parts -----------------------------------------------------------------------------
class Filters(BaseModel):
    """The selection an insight was computed over, so every figure can be reproduced."""

    council_code: str | None = None
    council_name: str | None = None
    financial_year: int | None = None
    year_label: str | None = Field(default=None, description="e.g. 2021-22 (April to March)")
    params: dict[str, str | int | float | bool | list[str] | None] = Field(default_factory=dict)


class CouncilInfo(BaseModel):
    """A council as the reference data describes it."""

    gss_code: str
    name: str
    official_name: str
    tier: str
    region: str | None
    population: int | None
    rural_urban: str | None
    peer_label: str | None


class Coverage(BaseModel):
    """How much of the selected spend the upstream steps have classified and resolved."""

    rows: int
    amount: float
    classified_rows: int
    classified_amount: float
    unclassified_rows: int
    unclassified_amount: float
    resolved_amount: float = Field(description="£ paid to a resolved supplier entity")
    unresolved_amount: float = Field(description="£ with no supplier entity (not run, individual, redacted)")
    classification_ran: bool
    resolution_ran: bool
    months_covered: int = Field(description="calendar months of the year with any payment (0–12)")


class Category(BaseModel):
    """An ICT sub-category: ProClass v17 level 2 within ICT (27), identified by its head code."""

    code: str
    label: str


class Breakdown(BaseModel):
    """One line of a breakdown: a key, its £, its share of the whole and the rows behind it."""

    key: str
    label: str
    amount: float
    share: float
    rows: int
    evidence: SpendFilter


class Insight(BaseModel):
    """Fields common to every insight result."""

    insight: str
    filters: Filters
    notes: list[str] = Field(default_factory=list)


# -- 1. baseline -------------------------------------------------------------------------------
class Baseline(Insight):
    """A council's IT spend in one financial year."""

    council: CouncilInfo
    financial_year: int
    years_available: list[int]
    coverage: Coverage
    total_spend: float = Field(description="all spend in the year (net of credits)")
    it_spend: float = Field(description="spend classified as IT")
    it_share: float | None = Field(description="IT spend as % of all spend")
    it_per_head: float | None
    it_uncertain: float = Field(
        default=0.0,
        description="IT spend the text model called IT with less than it_uncertain_below probability",
    )
    it_uncertain_below: float = Field(
        default=0.5, description="the probability below which a text-model IT call is uncertain (settings)"
    )
    it_range_low: float = Field(
        description="IT spend without the uncertain IT calls, if no unclassified spend is IT"
    )
    it_range_high: float = Field(description="IT spend if all unclassified spend is IT")
    it_share_low: float | None
    it_share_high: float | None
    it_rows: int
    it_suppliers: int
    by_category: list[Breakdown]
    by_supplier: list[Breakdown]
    by_department: list[Breakdown]
    by_quarter: list[Breakdown]
    evidence: SpendFilter


class YearFigure(BaseModel):
    """One financial year's IT figures (for trend charts)."""

    financial_year: int
    year_label: str
    total_spend: float
    it_spend: float
    unclassified_spend: float
    it_per_head: float | None
    months_covered: int


class CouncilSummary(Insight):
    """A council's headline figures across years (for overview pages)."""

    council: CouncilInfo
    years: list[YearFigure]
    default_year: int | None
    sources: int
    rows: int


class CouncilCoverage(BaseModel):
    """A council with data in the warehouse."""

    council: CouncilInfo
    years: list[int]
    rows: int
    amount: float
    it_amount: float
    sources: int
    first_date: dt.date | None
    last_date: dt.date | None


# -- 2. peers -----------------------------------------------------------------------------------
class Peer(BaseModel):
    """A comparator council and why it was chosen."""

    council: CouncilInfo
    chosen_by: Literal["similarity", "user"]
    distance: float | None = Field(description="similarity distance: lower is more similar")
    reasons: list[str]
    has_data: bool
    months_covered: int


class PeerValue(BaseModel):
    gss_code: str
    name: str
    value: float | None
    is_subject: bool


class PeerMetric(BaseModel):
    """One metric for the council against its peers."""

    key: str
    label: str
    unit: Literal["£", "£ per head", "%", "count"]
    value: float | None
    peer_median: float | None
    peer_q1: float | None
    peer_q3: float | None
    peer_min: float | None
    peer_max: float | None
    peers_with_data: int
    position: Position
    rank: int | None = Field(description="1 = highest value among the council and its peers")
    values: list[PeerValue]


class PeerBenchmark(Insight):
    council: CouncilInfo
    financial_year: int
    peers: list[Peer]
    suggested_without_data: list[Peer] = Field(description="similar councils whose data is not loaded")
    metrics: list[PeerMetric]


# -- 3. market ----------------------------------------------------------------------------------
class SupplierShare(BaseModel):
    supplier_id: str
    supplier: str
    amount: float
    share: float
    councils: int
    evidence: SpendFilter


class CategoryMarket(Insight):
    """Supplier shares of IT spend in one ICT category (all loaded councils, or one)."""

    category: Category
    financial_year: int | None
    total: float
    suppliers: int
    councils: int
    hhi: float | None = Field(description="Herfindahl–Hirschman index, 0–10,000")
    cr3: float | None = Field(description="share of the three largest suppliers, %")
    concentration: Literal["unconcentrated", "moderate", "high", "none"]
    excluded_net_credit: float = Field(description="£ of suppliers whose net spend is zero or negative")
    shares: list[SupplierShare]


class SupplierReach(BaseModel):
    supplier_id: str
    supplier: str
    amount: float
    councils: int
    categories: int


class Market(Insight):
    council_code: str | None
    financial_year: int | None
    categories: list[CategoryMarket]
    suppliers: list[SupplierReach]


class SupplierCouncil(BaseModel):
    gss_code: str
    name: str
    amount: float
    it_amount: float
    years: list[int]
    evidence: SpendFilter


class SupplierProfile(Insight):
    supplier_id: str
    name: str
    company_number: str | None
    charity_number: str | None
    vat_number: str | None
    is_sme: bool | None
    is_vcse: bool | None
    published_names: list[str]
    total: float
    it_amount: float
    councils: list[SupplierCouncil]
    categories: list[Breakdown]
    contracts: int


# -- 4. lock-in ----------------------------------------------------------------------------------
class ScoreComponent(BaseModel):
    key: str
    label: str
    value: float | str | None
    weight: float
    points: float
    available: bool


class LockinItem(BaseModel):
    supplier_id: str
    supplier: str
    category: Category
    amount: float = Field(description="£ in the year with this supplier in this category")
    category_total: float
    category_share: float
    category_suppliers: int
    consecutive_years: int
    first_year: int
    single_supplier: bool
    contracts: int
    direct_awards: int
    extended: int
    contract_age_years: float | None
    score: float
    max_score: float = Field(description="highest score reachable with the data available")
    components: list[ScoreComponent]
    evidence: SpendFilter


class Lockin(Insight):
    council: CouncilInfo
    financial_year: int
    contracts_loaded: bool
    items: list[LockinItem]


# -- 5. collaboration ----------------------------------------------------------------------------
class CollaborationCouncil(BaseModel):
    gss_code: str
    name: str
    tier: str
    region: str | None
    amount: float
    contract_end: dt.date | None
    evidence: SpendFilter


class CollaborationOpportunity(BaseModel):
    supplier_id: str
    supplier: str
    category: Category
    council_amount: float
    at_stake: float = Field(description="£ paid to the supplier for the category by all councils listed")
    councils: list[CollaborationCouncil]
    contract_end: dt.date | None
    ending_together: list[str] = Field(description="GSS codes whose contracts end within the window")


class Collaboration(Insight):
    council: CouncilInfo
    financial_year: int
    opportunities: list[CollaborationOpportunity]


# -- 6. savings -----------------------------------------------------------------------------------
SavingsKind = Literal["fragmentation", "price_variation", "duplicate_payment", "duplicate_invoice"]


class SavingsSignal(BaseModel):
    kind: SavingsKind
    title: str
    detail: str
    supplier_id: str | None
    supplier: str | None
    category: Category | None
    amount_involved: float
    estimated_saving: float
    basis: str = Field(description="how the £ estimate was made")
    rows: list[EvidenceRow]
    evidence: SpendFilter


class Savings(Insight):
    council: CouncilInfo
    financial_year: int
    total_estimated: float
    by_kind: dict[str, float]
    signals: list[SavingsSignal]


# -- 7. probity ------------------------------------------------------------------------------------
FlagKind = Literal["split_payments", "no_contract", "beyond_contract", "round_sums", "benford"]


class ProbityFlag(BaseModel):
    kind: FlagKind
    severity: Severity
    title: str
    detail: str
    supplier_id: str | None
    supplier: str | None
    amount: float
    threshold: float | None
    parameters: dict[str, str | int | float | bool | None]
    evidence_count: int
    rows: list[EvidenceRow]
    evidence: SpendFilter


class BenfordDigit(BaseModel):
    digit: int
    count: int
    observed: float
    expected: float


class Benford(BaseModel):
    """First-digit test of the council's payments in the year (Nigrini's MAD bands)."""

    n: int
    mad: float | None
    conformity: Literal["close", "acceptable", "marginal", "nonconformity", "too_few_payments"]
    digits: list[BenfordDigit]


class Flags(Insight):
    council: CouncilInfo
    financial_year: int
    contracts_loaded: bool
    counts: dict[str, int]
    flags: list[ProbityFlag]
    benford: Benford


# -- search -----------------------------------------------------------------------------------------
class SearchHit(BaseModel):
    kind: Literal["council", "supplier"]
    key: str
    label: str
    detail: str
    amount: float | None


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHit]
