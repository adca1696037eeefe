"""The rows ingest writes: one :class:`ContractRecord` per contract with its suppliers and amendments."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from bestvalue.contracts.identifiers import company_number, name_key


@dataclass
class SupplierRecord:
    """One supplier of a contract, as published, with the keys used to link it."""

    supplier_name: str | None
    company_number: str | None = None
    identifier_scheme: str | None = None
    identifier: str | None = None
    is_sme: bool | None = None
    is_vcse: bool | None = None
    postcode: str | None = None

    @property
    def name_key(self) -> str | None:
        return name_key(self.supplier_name)

    def row(self, contract_id: str) -> tuple[Any, ...]:
        return (
            contract_id,
            self.supplier_name,
            None,
            company_number(self.company_number),
            self.identifier_scheme,
            self.identifier,
            self.name_key,
            self.is_sme,
            self.is_vcse,
            self.postcode,
            None,
        )


@dataclass
class AmendmentRecord:
    """A change to a contracting process."""

    amendment_id: str | None
    amendment_date: str | None
    kind: str
    rationale: str | None = None
    description: str | None = None

    def row(self, contract_id: str) -> tuple[Any, ...]:
        return (
            contract_id,
            self.amendment_id,
            self.amendment_date,
            self.kind,
            self.rationale,
            self.description,
        )


@dataclass
class ContractRecord:
    """One row of ``contracts`` (column names match the table)."""

    contract_id: str
    source: str
    stage: str
    source_id: int | None = None
    ocid: str | None = None
    award_id: str | None = None
    register_reference: str | None = None
    buyer_name: str | None = None
    council_code: str | None = None
    title: str | None = None
    description: str | None = None
    department: str | None = None
    cpv_code: str | None = None
    proclass_code: str | None = None
    proclass_label: str | None = None
    category: str | None = None
    main_category: str | None = None
    value: Decimal | None = None
    annual_value: Decimal | None = None
    currency: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    original_end_date: dt.date | None = None
    max_end_date: dt.date | None = None
    review_date: dt.date | None = None
    duration_months: float | None = None
    extension_months: float | None = None
    procedure: str | None = None
    procedure_details: str | None = None
    status: str | None = None
    status_details: str | None = None
    notice_type: str | None = None
    suitable_sme: bool | None = None
    suitable_vcse: bool | None = None
    final_stage_bids: int | None = None
    sme_final_stage_bids: int | None = None
    vcse_final_stage_bids: int | None = None
    amendments: int = 0
    published_date: dt.datetime | None = None
    notice_url: str | None = None
    extra: dict[str, Any] | None = None
    suppliers: list[SupplierRecord] = field(default_factory=list)
    amendment_records: list[AmendmentRecord] = field(default_factory=list)

    def row(self) -> tuple[Any, ...]:
        """Values in :data:`CONTRACT_COLUMNS` order."""
        out: list[Any] = []
        for name in CONTRACT_COLUMNS:
            v = getattr(self, name)
            if name == "amendments":
                v = max(v, len(self.amendment_records))
            if name == "extra":
                v = json.dumps(v, ensure_ascii=False, default=str) if v else None
            out.append(v)
        return tuple(out)


CONTRACT_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in fields(ContractRecord) if f.name not in ("suppliers", "amendment_records")
)
SUPPLIER_COLUMNS: tuple[str, ...] = (
    "contract_id",
    "supplier_name",
    "supplier_id",
    "company_number",
    "identifier_scheme",
    "identifier",
    "name_key",
    "is_sme",
    "is_vcse",
    "postcode",
    "link_method",
)
AMENDMENT_COLUMNS: tuple[str, ...] = (
    "contract_id",
    "amendment_id",
    "amendment_date",
    "kind",
    "rationale",
    "description",
)


def add_months(day: dt.date, months: float) -> dt.date:
    """``day`` moved by whole months (fractions of a month as 30-day steps), clamped to month ends."""
    whole = int(months)
    extra_days = round((months - whole) * 30)
    y, m = divmod(day.month - 1 + whole, 12)
    year, month = day.year + y, m + 1
    import calendar

    last = calendar.monthrange(year, month)[1]
    # A contract ending on a month's last day keeps ending on month ends.
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        out = dt.date(year, month, last)
    else:
        out = dt.date(year, month, min(day.day, last))
    return out + dt.timedelta(days=extra_days)
