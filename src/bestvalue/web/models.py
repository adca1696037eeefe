"""Results of the pages that combine several library results (the JSON twins return these)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from bestvalue.analytics.models import (
    Baseline,
    CouncilCoverage,
    CouncilSummary,
    PeerBenchmark,
    SupplierProfile,
)
from bestvalue.contracts.models import LinkageReport, PipelineReport
from bestvalue.suppliers.models import AliasInfo


class HomePage(BaseModel):
    """Councils with data in the warehouse, and how much of what was published is loaded."""

    councils: list[CouncilCoverage]
    files_loaded: int
    files_failed: int
    lines: int = Field(description="data lines found in the loaded files")
    loaded: int
    rejected: int
    skipped: int
    amount_loaded: Decimal
    first_date: dt.date | None
    last_date: dt.date | None


class CouncilOverview(BaseModel):
    """A council's overview: the headline trend, the year's IT baseline and the peer position."""

    summary: CouncilSummary
    baseline: Baseline
    peers: PeerBenchmark


class SupplierPage(BaseModel):
    """A supplier across councils, and every name it is published under with how each was resolved."""

    profile: SupplierProfile
    aliases: list[AliasInfo] = Field(description="published names resolved to this supplier, and how")


class ContractsPage(BaseModel):
    """A council's contracts: the renewal pipeline and contracts linked to payments."""

    council_code: str
    council_name: str
    pipeline: PipelineReport
    linkage: LinkageReport
