"""Helpers for the analytics tests: a builder for small hand-made warehouses (payments, suppliers,
classifications and contracts)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from bestvalue.engine import Warehouse

DARLINGTON = "E06000005"  # unitary
HARTLEPOOL = "E06000001"  # unitary
MIDDLESBROUGH = "E06000002"  # unitary
REDCAR = "E06000003"  # unitary
STOCKTON = "E06000004"  # unitary
CORNWALL = "E06000052"  # unitary, much larger
GATESHEAD = "E08000037"  # metropolitan

CODES = {
    "software": "271430",
    "telecoms": "271700",
    "services": "271300",
    "hardware": "271200",
    "other": "100000",
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Hand:
    """Inserts rows the way the upstream steps would, one call per payment line."""

    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.sources: dict[str, int] = {}
        self.lines = itertools.count(1)
        self.suppliers: set[str] = set()

    def source(self, council: str, file_name: str | None = None) -> int:
        name = file_name or f"{council}.csv"
        key = f"{council}/{name}"
        if key not in self.sources:
            sid = len(self.sources) + 1
            self.wh.execute(
                "INSERT INTO sources (source_id, file_name, path, sha256, bytes, status, council_code) "
                "VALUES (?, ?, ?, ?, 0, 'loaded', ?)",
                [sid, name, name, f"sha{sid}", council],
            )
            self.sources[key] = sid
        return self.sources[key]

    def supplier(self, supplier_id: str, name: str | None = None) -> None:
        if supplier_id not in self.suppliers:
            self.wh.execute(
                "INSERT INTO suppliers (supplier_id, name) VALUES (?, ?)", [supplier_id, name or supplier_id]
            )
            self.suppliers.add(supplier_id)

    def alias(self, published: str, supplier_id: str | None, payee_kind: str = "supplier") -> None:
        """Resolve a published name (supplier resolution works per distinct published name)."""
        if supplier_id:
            self.supplier(supplier_id)
        known = self.wh.one(
            "SELECT supplier_id, payee_kind FROM supplier_aliases WHERE published_name = ?", [published]
        )
        if known is None:
            self.wh.execute(
                "INSERT INTO supplier_aliases (published_name, supplier_id, payee_kind, method, confidence) "
                "VALUES (?, ?, ?, 'exact', 1.0)",
                [published, supplier_id, payee_kind],
            )
        else:
            assert known == (supplier_id, payee_kind), f"{published!r} is already resolved to {known}"

    def pay(
        self,
        council: str,
        date: str,
        amount: float,
        supplier: str | None = None,
        *,
        it: bool | None = None,
        code: str | None = None,
        classified: bool = True,
        dept: str = "Resources",
        invoice: str | None = None,
        txn: str | None = None,
        payee_kind: str = "supplier",
        resolved: bool = True,
        file_name: str | None = None,
        published: str | None = None,
        payment_kind: str | None = None,
        method: str = "test",
        confidence: float = 0.9,
    ) -> int:
        """One payment line. ``code`` is a ProClass code or a key of CODES; ``it`` defaults from it."""
        sid = self.source(council, file_name)
        line = next(self.lines)
        spend_id = sid * 2**32 + line
        day = d(date)
        self.wh.execute(
            "INSERT INTO spend (spend_id, source_id, source_line, council_code, payment_date, period_start, "
            "period_end, date_basis, amount, supplier_name, department, invoice_number, transaction_number) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'payment_date', ?, ?, ?, ?, ?)",
            [
                spend_id,
                sid,
                line,
                council,
                day,
                day.replace(day=1),
                day,
                amount,
                published or supplier,
                dept,
                invoice,
                txn,
            ],
        )
        if resolved:
            self.alias(
                published or supplier or "", supplier if payee_kind == "supplier" else None, payee_kind
            )
        if classified:
            pc = CODES.get(code or "", code)
            is_it = it if it is not None else (pc is not None and pc.startswith("27"))
            self.wh.execute(
                "INSERT INTO spend_classification (spend_id, proclass_code, proclass_level1, is_it, "
                "confidence, method, reason, payment_kind) VALUES (?, ?, ?, ?, ?, ?, 'hand', ?)",
                [spend_id, pc, pc[:2] + "0000" if pc else None, is_it, confidence, method, payment_kind],
            )
        return spend_id

    def contract(
        self,
        contract_id: str,
        council: str,
        supplier_id: str,
        *,
        value: float | None = None,
        start: str | None = None,
        end: str | None = None,
        max_end: str | None = None,
        procedure: str | None = None,
        original_end: str | None = None,
        stage: str = "contract",
    ) -> None:
        self.wh.execute(
            "INSERT INTO contracts (contract_id, source, stage, council_code, title, value, start_date, "
            "end_date, "
            "original_end_date, max_end_date, procedure) VALUES (?, 'register', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                contract_id,
                stage,
                council,
                f"contract {contract_id}",
                value,
                start and d(start),
                end and d(end),
                original_end and d(original_end),
                max_end and d(max_end),
                procedure,
            ],
        )
        self.wh.execute(
            "INSERT INTO contract_suppliers (contract_id, supplier_name, supplier_id) VALUES (?, ?, ?)",
            [contract_id, supplier_id, supplier_id],
        )


def approx(value: Any, expected: float, places: int = 2) -> bool:
    return value is not None and round(float(value), places) == round(expected, places)
