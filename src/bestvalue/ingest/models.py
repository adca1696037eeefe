"""Typed results of ingest, shared by the CLI, the JSON output and the web app."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_serializer

Status = Literal["loaded", "unchanged", "replaced", "failed"]


class FileResult(BaseModel):
    """What happened to one input file. ``rows = loaded + rejected + skipped``."""

    file: str
    sha256: str
    council: str | None = None
    council_name: str | None = None
    period: str | None = None
    rows: int = 0
    loaded: int = 0
    rejected: int = 0
    skipped: int = 0
    skipped_kinds: dict[str, int] = Field(default_factory=dict)
    amount_loaded: Decimal = Decimal("0.00")
    status: Status
    error: str | None = None
    source_id: int | None = None
    notes: list[str] = Field(default_factory=list)

    @field_serializer("amount_loaded")
    def _amount_as_text(self, value: Decimal) -> str:
        return f"{value:.2f}"

    def json_line(self) -> dict[str, object]:
        """The fields promised by ``bestvalue ingest --json``, in order."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "council": self.council,
            "rows": self.rows,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "amount_loaded": f"{self.amount_loaded:.2f}",
            "status": self.status,
            "error": self.error,
        }


class IngestSummary(BaseModel):
    """All files of one ingest run."""

    files: list[FileResult]

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.status == "failed")

    @property
    def loaded_rows(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def amount_loaded(self) -> Decimal:
        return sum((f.amount_loaded for f in self.files), Decimal("0.00"))
