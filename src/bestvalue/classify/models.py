"""Typed results of the classify capability (returned by the library, printed by the CLI)."""

from __future__ import annotations

from pydantic import BaseModel


class MethodCount(BaseModel):
    """Rows and £ one method decided."""

    method: str
    rows: int
    gross: float  # sum of |amount|
    it_rows: int
    it_gross: float


class ClassifySummary(BaseModel):
    """What a classification run did."""

    spend_rows: int
    combinations: int
    seconds: float
    rows_per_second: float
    model: str | None  # model id, or None when no text model was available
    methods: list[MethodCount]
    it_rows: int
    it_gross: float
    unclassified_rows: int
    unclassified_gross: float

    def line(self) -> str:
        share = {m.method: m.rows for m in self.methods}
        parts = ", ".join(f"{k} {v:,}" for k, v in share.items() if v)
        return (
            f"{self.spend_rows:,} rows classified in {self.seconds:.1f}s ({parts}); "
            f"ICT {self.it_rows:,} rows £{self.it_gross:,.0f}; unclassified {self.unclassified_rows:,} rows"
        )


class TrainSummary(BaseModel):
    """What ``classify train`` produced."""

    path: str
    model: str
    rows: int
    councils: list[str]
    sources: dict[str, int]
    vocabulary: int
    classes: int
    ict_classes: int
    bytes: int
    seconds: float


class Evidence(BaseModel):
    """One method's view of a spend row."""

    method: str
    decided: bool  # whether this method (the strongest with evidence) decided the row
    code: str | None = None
    label: str | None = None
    confidence: float | None = None
    detail: str


class Explanation(BaseModel):
    """Why a spend row is classified the way it is."""

    spend_id: int
    council_code: str
    supplier_name: str | None
    description: str | None
    amount: float
    proclass_code: str | None
    proclass_label: str | None
    proclass_level1: str | None
    is_it: bool | None
    confidence: float
    method: str
    reason: str
    evidence: list[Evidence]
