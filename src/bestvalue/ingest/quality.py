"""Data quality of what was ingested: per source file, lines found, loaded, rejected and skipped."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from pydantic import BaseModel, Field

from bestvalue.engine import Warehouse
from bestvalue.ingest import sql


class SourceQuality(BaseModel):
    """One source file and its accounting: ``rows = loaded + rejected + skipped``."""

    source_id: int
    file_name: str
    path: str
    sha256: str
    status: str
    error: str | None = None
    council_code: str | None = None
    council_name: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_basis: str | None = None
    encoding: str | None = None
    read_method: str | None = None
    header_line: int | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    rows: int
    loaded: int
    rejected: int
    skipped: int
    skipped_kinds: dict[str, int] = Field(default_factory=dict)
    amount_loaded: Decimal
    ingested_at: dt.datetime
    replaced_by: int | None = None
    classified_rows: int = 0
    classified_amount: Decimal = Decimal("0")
    outside_period_rows: int = Field(
        default=0, description="loaded rows whose published date lies outside the file's period"
    )

    @property
    def loaded_share(self) -> float:
        """Loaded lines as a share of the lines that look like data (loaded + rejected)."""
        data = self.loaded + self.rejected
        return self.loaded / data if data else 0.0

    @property
    def unclassified_rows(self) -> int:
        return self.loaded - self.classified_rows


class DataQuality(BaseModel):
    """Every source file, with totals over the files currently loaded."""

    sources: list[SourceQuality]
    files_loaded: int
    files_failed: int
    files_replaced: int
    rows: int
    loaded: int
    rejected: int
    skipped: int
    amount_loaded: Decimal
    classified_rows: int


class RejectRow(BaseModel):
    source_line: int
    reason: str
    raw_text: str | None


class RejectReason(BaseModel):
    reason: str
    lines: int


class SourceDetail(BaseModel):
    """One source file with its rejected lines (first ``limit``) grouped by reason."""

    source: SourceQuality
    reject_reasons: list[RejectReason]
    rejects: list[RejectRow]


def _source(row: dict[str, object]) -> SourceQuality:
    data = dict(row)
    for key in ("columns", "skipped_kinds", "notes"):
        raw = data.get(key)
        data[key] = json.loads(raw) if isinstance(raw, str) and raw else ({} if key != "notes" else [])
    return SourceQuality.model_validate(data)


def data_quality(wh: Warehouse, council_code: str | None = None) -> DataQuality:
    """All source files (optionally one council's) with their accounting and totals."""
    where, params = ("WHERE s.council_code = ?", [council_code]) if council_code else ("", [])
    sources = [_source(r) for r in wh.dicts(sql.source_quality_sql(where), params)]
    live = [s for s in sources if s.status == "loaded"]
    return DataQuality(
        sources=sources,
        files_loaded=len(live),
        files_failed=sum(1 for s in sources if s.status == "failed"),
        files_replaced=sum(1 for s in sources if s.status == "replaced"),
        rows=sum(s.rows for s in live),
        loaded=sum(s.loaded for s in live),
        rejected=sum(s.rejected for s in live),
        skipped=sum(s.skipped for s in live),
        amount_loaded=sum((s.amount_loaded for s in live), Decimal("0")),
        classified_rows=sum(s.classified_rows for s in live),
    )


def source_detail(wh: Warehouse, source_id: int, limit: int = 100) -> SourceDetail | None:
    """One source file with reject reasons and the first ``limit`` rejected lines; None if unknown."""
    rows = wh.dicts(sql.source_quality_sql("WHERE s.source_id = ?"), [source_id])
    if not rows:
        return None
    return SourceDetail(
        source=_source(rows[0]),
        reject_reasons=[
            RejectReason(reason=r, lines=n) for r, n in wh.rows(sql.reject_reasons_sql(), [source_id])
        ],
        rejects=[
            RejectRow(source_line=line, reason=reason, raw_text=raw)
            for line, reason, raw in wh.rows(sql.reject_sample_sql(), [source_id, limit])
        ],
    )
