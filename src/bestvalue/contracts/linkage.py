"""Contracts against payments, per council × supplier (× category) and per contract.

Rules (each payment line is counted once):

* A payment is *on contract* when the same council has a contract with the same supplier that
  is live on the payment date (start ≤ date ≤ latest possible end, an open end counting as
  live). When several are live, the one that started last takes it.
* Otherwise it is *off contract*; an off-contract payment dated after a contract with that
  supplier ended is also a *payment after the contract's end*, credited to the contract that
  ended last.
* A contract has *no spend* when the council's spend data covers part of its life and no
  payment was allocated to it.

Suppliers are matched on the resolved supplier where both sides have one, else on the
Companies House number, else on the normalised name (see :mod:`bestvalue.contracts.sql`).
The payment date is ``payment_date``, or the end of the reporting period when a file gives
none. Amounts are as published (credits negative).
"""

from __future__ import annotations

from decimal import Decimal

from bestvalue.contracts import sql
from bestvalue.contracts.models import ContractSpend, LinkageReport, SupplierLinkage
from bestvalue.engine import Warehouse


def _has_rows(wh: Warehouse, table: str) -> bool:
    return wh.has_table(table) and bool(
        wh.rows(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)")[0][0]
    )


def link_contracts_to_spend(
    wh: Warehouse, council: str | None = None, by_category: bool = False
) -> LinkageReport:
    """Contracts against payments for one council (GSS code) or all councils."""
    base = sql.linkage_base(
        council, by_category, _has_rows(wh, "spend_suppliers"), _has_rows(wh, "spend_classification")
    )
    try:
        for statement in base.split(";"):
            if statement.strip():
                wh.execute(statement)
        contracts = []
        for r in wh.dicts(sql.contract_spend()):
            value, spend = r["value"], Decimal(r["spend"])
            share = float(spend / value) if value else None
            contracts.append(
                ContractSpend(
                    **r,
                    share_of_value=share,
                    over_value=bool(value is not None and spend > value),
                    no_spend=bool(r["spend_data_covers"] and r["payments"] == 0),
                )
            )
        suppliers = [SupplierLinkage(**r) for r in wh.dicts(sql.supplier_linkage())]
    finally:
        for statement in sql.drop_linkage_views():
            wh.execute(statement)
    return LinkageReport(
        council_code=council, by_category=by_category, suppliers=suppliers, contracts=contracts
    )
