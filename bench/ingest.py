"""Ingest speed: all of ../shared/data/spend_benchmark (unpacked), against Polars reading the
same files as plain strings, in the same run. Prints rows/s for both, the ratio, and peak memory.

    python bench/ingest.py [--data DIR] [--commit-rows N] [--keep DB]
"""

from __future__ import annotations

import argparse
import glob
import resource
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import polars as pl

from bestvalue.engine import open_warehouse
from bestvalue.ingest.loader import DEFAULT_COMMIT_ROWS, ingest_paths
from bestvalue.ingest.models import IngestSummary
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "spend_benchmark"


def unpack(archives: Path, into: Path) -> Path:
    for tgz in sorted(archives.glob("*.tar.gz")):
        with tarfile.open(tgz) as tf:
            tf.extractall(into, filter="data")
    return into


def polars_baseline(folder: Path) -> tuple[int, float]:
    files = sorted(glob.glob(str(folder / "**" / "*.csv"), recursive=True))
    start = time.perf_counter()
    rows = 0
    for f in files:
        df = pl.read_csv(
            f, infer_schema=False, has_header=True, truncate_ragged_lines=True, encoding="utf8-lossy"
        )
        rows += df.height
    return rows, time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--commit-rows", type=int, default=DEFAULT_COMMIT_ROWS)
    ap.add_argument("--keep", type=Path, help="keep the warehouse at this path")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"no benchmark data at {args.data}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bv-bench-"))
    try:
        folder = unpack(args.data, work / "unpacked")
        n_files = len(glob.glob(str(folder / "**" / "*.csv"), recursive=True))
        size = sum(p.stat().st_size for p in folder.rglob("*.csv"))
        # Warm the page cache so both readers start from the same place.
        polars_baseline(folder)
        base_rows, base_secs = polars_baseline(folder)
        db = args.keep or work / "bench.duckdb"
        if db.exists():
            db.unlink()
        wh = open_warehouse(db)
        start = time.perf_counter()
        results = []
        for body in sorted(p for p in folder.iterdir() if p.is_dir()):
            council = resolve_council(body.name)
            if council is None:
                print(f"cannot tell the council of {body.name}", file=sys.stderr)
                return 2
            results += ingest_paths(wh, [body], Options(council=council), commit_rows=args.commit_rows).files
        summary = IngestSummary(files=results)
        wh.checkpoint()
        secs = time.perf_counter() - start
        wh.close()
        loaded = summary.loaded_rows
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ours = loaded / secs
        theirs = base_rows / base_secs
        print(f"files: {n_files}  bytes: {size / 1e6:.0f} MB  failed: {summary.failed}")
        print(f"polars read as strings: {base_rows:,} rows in {base_secs:.2f} s = {theirs:,.0f} rows/s")
        print(
            f"bestvalue ingest:       {loaded:,} rows in {secs:.2f} s = {ours:,.0f} rows/s "
            f"(commit groups of {args.commit_rows:,} rows)"
        )
        print(f"ratio (ingest / polars): {ours / theirs:.2f}   goal >= 0.60")
        print(f"peak memory (RSS): {peak_mb:,.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
