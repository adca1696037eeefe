"""Contracts benchmark: ingest every file in ../shared/data/contracts, export and validate, then link
Salford's contract register to Salford's FY2021-22 spend in the bundled demo sample.

Run: .venv/bin/python bench/contracts.py
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bestvalue.contracts.export import write_export
from bestvalue.contracts.linkage import link_contracts_to_spend
from bestvalue.contracts.loader import ingest_contracts
from bestvalue.contracts.pipeline import renewal_pipeline
from bestvalue.engine import open_warehouse
from bestvalue.schema import ensure_schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BESTVALUE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def main() -> None:
    contracts = SHARED / "contracts"
    with tempfile.TemporaryDirectory() as tmp:
        wh = open_warehouse(Path(tmp) / "bench.duckdb")
        ensure_schema(wh)
        t = time.perf_counter()
        summary = ingest_contracts(wh, [contracts])
        took = time.perf_counter() - t
        items = sum(f.items for f in summary.files)
        print(
            f"ingest: {len(summary.files)} files, {items:,} items "
            f"({sum(f.loaded for f in summary.files):,} loaded, {sum(f.rejected for f in summary.files):,} "
            f"rejected, {sum(f.skipped for f in summary.files):,} skipped) in {took:.1f}s "
            f"= {items / took:,.0f} items/s"
        )
        n = wh.rows("SELECT count(*), count(council_code), count(DISTINCT council_code) FROM contracts")[0]
        print(f"contracts: {n[0]:,} rows, {n[1]:,} with a council ({n[2]} councils)")
        t = time.perf_counter()
        again = ingest_contracts(wh, [contracts])
        print(
            f"second ingest: {sum(f.status == 'unchanged' for f in again.files)} unchanged in "
            f"{time.perf_counter() - t:.1f}s"
        )
        t = time.perf_counter()
        valid = releases = 0
        councils = [
            r[0]
            for r in wh.rows("SELECT DISTINCT council_code FROM contracts WHERE council_code IS NOT NULL")
        ]
        for code in councils:
            result, _ = write_export(wh, code)
            valid += result.valid
            releases += result.releases
        print(
            f"export + validate: {len(councils)} councils, {releases:,} releases, {valid} valid, "
            f"in {time.perf_counter() - t:.1f}s"
        )
        t = time.perf_counter()
        report = renewal_pipeline(wh, None, 18, Decimal("2000000"), dt.date(2022, 7, 1))
        print(
            f"pipeline (all councils, 18 months from 2022-07-01, >= £2m): {len(report.entries)} contracts, "
            f"£{report.total_value:,.0f}, in {time.perf_counter() - t:.2f}s"
        )
        wh.close()

        demo = open_warehouse(Path(tmp) / "demo.duckdb")
        ensure_schema(demo)
        from bestvalue.demo import load_demo

        t = time.perf_counter()
        load_demo(demo)
        print(f"demo spend loaded in {time.perf_counter() - t:.1f}s")
        ingest_contracts(demo, [contracts / "salford_cc_contract_register"])
        t = time.perf_counter()
        link = link_contracts_to_spend(demo, "E08000006")
        took = time.perf_counter() - t
        spend = sum((s.spend for s in link.suppliers), Decimal("0"))
        on = sum((s.spend_on_contract for s in link.suppliers), Decimal("0"))
        after = sum((s.spend_after_end for s in link.suppliers), Decimal("0"))
        print(
            f"linkage Salford (register 2022-07 vs spend FY2021-22): {len(link.contracts)} contracts, "
            f"{len(link.suppliers):,} supplier rows, spend £{spend:,.0f}, on contract £{on:,.0f} "
            f"({on / spend:.1%}), after end £{after:,.0f}, "
            f"{sum(1 for c in link.contracts if c.spend > 0)} contracts with spend, "
            f"{len(link.contracts_without_spend)} with none, in {took:.1f}s"
        )
        demo.close()


if __name__ == "__main__":
    main()
