"""Probity flags and savings signals per council and year: how many, of which kind, and how fast.

    python bench/flags_quality.py [--db PATH]

Without ``--db`` it builds the demo warehouse in a temporary folder. Use it to see the effect of a
change to the rules or to ``analytics/data/settings.yaml`` on real data (the counts an auditor would
have to work through), alongside the seconds each insight takes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bestvalue import analytics
from bestvalue.demo import load_demo
from bestvalue.engine import open_warehouse
from bestvalue.pipeline import run_steps
from bestvalue.schema import ensure_schema

MIN_ROWS = 2000  # skip council-years with only stray payments


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, help="an existing warehouse (default: build the demo)")
    args = ap.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="bv-flags-")) / "demo.duckdb"
        wh = open_warehouse(db)
        ensure_schema(wh)
        load_demo(wh)
        run_steps(wh)
        wh.close()
    wh = open_warehouse(db, read_only=True)
    print(f"{'council':<16}{'year':>6}{'flags':>7}  by kind/severity | duplicate signals (count, £) | secs")
    for summary in analytics.list_councils(wh):
        code = summary.council.gss_code
        for year in summary.years:
            rows = wh.scalar(
                "SELECT count(*) FROM spend_enriched WHERE council_code = ? AND financial_year = ?",
                [code, year],
            )
            if rows < MIN_ROWS:
                continue
            start = time.perf_counter()
            flags = analytics.flags(wh, code, year)
            flag_secs = time.perf_counter() - start
            start = time.perf_counter()
            savings = analytics.savings(wh, code, year)
            saving_secs = time.perf_counter() - start
            kinds = Counter(f"{f.kind}/{f.severity}" for f in flags.flags)
            dup_counts = Counter(s.kind for s in savings.signals if s.kind.startswith("dup"))
            dups = {k: (n, round(savings.by_kind.get(k, 0))) for k, n in dup_counts.items()}
            name = summary.council.name[:16]
            print(
                f"{name:<16}{year:>6}{len(flags.flags):>7}  {dict(sorted(kinds.items()))} | "
                f"{dups} | {flag_secs:.2f} {saving_secs:.2f}"
            )
    wh.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
