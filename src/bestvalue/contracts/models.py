"""Typed results of the contracts capability (ingest, linkage, pipeline, export)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

FileStatus = Literal["loaded", "unchanged", "failed"]


class ContractFileResult(BaseModel):
    """What happened to one contract file. ``items = loaded + rejected + skipped``."""

    file: str
    sha256: str
    format: str | None = None
    council: str | None = None
    council_name: str | None = None
    status: FileStatus
    items: int = 0
    loaded: int = 0
    rejected: int = 0
    skipped: int = 0
    skipped_kinds: dict[str, int] = Field(default_factory=dict)
    reject_reasons: dict[str, int] = Field(default_factory=dict)
    contracts: int = 0
    error: str | None = None
    source_id: int | None = None
    notes: list[str] = Field(default_factory=list)


class ContractIngestSummary(BaseModel):
    """All files of one ``ingest contracts`` run, and the supplier links made afterwards."""

    files: list[ContractFileResult]
    supplier_links: dict[str, int] = Field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.status == "failed")


class ContractSpend(BaseModel):
    """One contract against the council's payments to its supplier(s)."""

    contract_id: str
    council_code: str
    title: str | None
    suppliers: str | None
    supplier_key: str
    value: Decimal | None
    start_date: dt.date | None
    end_date: dt.date | None
    max_end_date: dt.date | None
    spend: Decimal = Decimal("0")
    payments: int = 0
    first_payment: dt.date | None = None
    last_payment: dt.date | None = None
    spend_after_end: Decimal = Decimal("0")
    payments_after_end: int = 0
    last_payment_after_end: dt.date | None = None
    spend_data_covers: bool = False
    share_of_value: float | None = None  # spend / value
    over_value: bool = False
    no_spend: bool = False  # spend data covers the contract's life and nothing was paid under it


class SupplierLinkage(BaseModel):
    """One council × supplier (× category): contracts against payments."""

    council_code: str
    supplier_key: str  # S:<supplier id> | C:<company number> | N:<normalised name>
    supplier_name: str | None
    category: str | None
    contracts: int
    contract_value: Decimal | None
    spend: Decimal
    spend_on_contract: Decimal
    spend_off_contract: Decimal
    spend_after_end: Decimal
    payments: int


class LinkageReport(BaseModel):
    """Contracts and payments linked for one council (or all)."""

    council_code: str | None
    by_category: bool
    suppliers: list[SupplierLinkage]
    contracts: list[ContractSpend]

    @property
    def off_contract_spend(self) -> Decimal:
        return sum((s.spend_off_contract for s in self.suppliers), Decimal("0"))

    @property
    def contracts_without_spend(self) -> list[ContractSpend]:
        return [c for c in self.contracts if c.no_spend]


PipelineAction = Literal["reprocure", "extend_or_reprocure"]


class PipelineEntry(BaseModel):
    """One contract that ends (or can end) within the window: what a UK1 pipeline notice needs."""

    contract_id: str
    council_code: str | None
    council_name: str | None
    source: str
    ocid: str | None
    reference: str | None
    title: str | None
    description: str | None
    department: str | None
    cpv_code: str | None
    proclass_code: str | None
    proclass_label: str | None
    category: str | None
    main_category: str | None
    estimated_value: Decimal | None  # the current contract's whole-life value
    annual_value: Decimal | None
    currency: str | None
    current_suppliers: str | None
    company_numbers: str | None
    procedure: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    max_end_date: dt.date | None
    action: PipelineAction
    extension_available: bool
    estimated_contract_start: dt.date | None  # the day after the contract runs out in the window
    estimated_notice_date: dt.date | None  # lead time before that start
    months_to_end: float | None
    notice_url: str | None


class PipelineCouncil(BaseModel):
    """Per-council totals of the pipeline."""

    council_code: str | None
    council_name: str | None
    contracts: int
    estimated_value: Decimal


class PipelineReport(BaseModel):
    """Contracts ending within ``months`` of ``as_of`` (per council and across councils)."""

    council_code: str | None
    as_of: dt.date
    horizon: dt.date
    months: int
    min_value: Decimal | None
    lead_months: int
    entries: list[PipelineEntry]
    councils: list[PipelineCouncil]
    excluded_unknown_value: int = 0  # contracts in the window left out because their value is unknown
    council_spend_last_12_months: Decimal | None = None
    notice_required: bool | None = None  # spend over £100m a year (Procurement Act 2023 s.93)

    @property
    def total_value(self) -> Decimal:
        return sum((e.estimated_value or Decimal("0") for e in self.entries), Decimal("0"))


class ExportResult(BaseModel):
    """An OCDS release package written for one council."""

    council_code: str
    path: str | None
    releases: int
    contracts: int
    valid: bool
    errors: list[str] = Field(default_factory=list)
