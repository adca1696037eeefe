"""Pack speed: build the value-for-money pack of one council over the full spend_benchmark warehouse
(~2M rows, five councils, 2010–2022) and render it as HTML, PDF and XLSX (goal: under 10 s each).

The warehouse is the one ``bench/insight.py`` caches (build/bench/insight.duckdb, with its stamp); when
it is missing or stale it is built there the same way (unpack ../shared/data/spend_benchmark/*.tar.gz,
ingest each body's folder naming its council, run the pipeline steps), so either bench reuses the
other's work.

    python bench/report.py [--council E08000003] [--year 2021] [--all] [--repeat 2] [--rebuild] [--out DIR]

Each format is timed end to end as ``bestvalue report vfm`` does it: build the pack, then render it.
The first run of a process pays one-off costs (loading WeasyPrint and fonts); the best of
``--repeat`` runs is printed next to it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

from bestvalue.engine import open_warehouse

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "spend_benchmark"
DEFAULT_DB = ROOT / "build" / "bench" / "insight.duckdb"
FORMATS = ("html", "pdf", "xlsx")


def insight_bench() -> ModuleType:
    """bench/insight.py as a module (its cache stamp and warehouse build)."""
    spec = importlib.util.spec_from_file_location("bench_insight", HERE / "insight.py")
    if spec is None or spec.loader is None:
        raise SystemExit("bench/insight.py is needed to build the benchmark warehouse")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_warehouse(db: Path, data: Path, rebuild: bool) -> None:
    """Reuse the cached warehouse when its stamp matches the schema and the archives, else build it."""
    bench = insight_bench()
    stamp_file = db.with_suffix(".stamp.json")
    stamp = json.loads(stamp_file.read_text()) if stamp_file.exists() and db.exists() else None
    current = json.loads(json.dumps(bench.stamp_of(data)))
    if rebuild or stamp is None or {k: stamp.get(k) for k in ("schema", "archives")} != current:
        print(f"building the benchmark warehouse at {db} (several minutes) ...", flush=True)
        db.parent.mkdir(parents=True, exist_ok=True)
        bench.build(db, data, False)
        stamp = json.loads(stamp_file.read_text())
    print(f"warehouse: {db} (cached; --rebuild to rebuild)")
    if stamp.get("stand_ins"):
        print(f"note: stand-ins were used for {', '.join(stamp['stand_ins'])} when it was built")


def time_council(
    db: Path, council: str, year: int | None, repeat: int, out: Path | None
) -> dict[str, list[float]]:
    from bestvalue.report import build_pack, file_name, render

    times: dict[str, list[float]] = {f: [] for f in ("build", *FORMATS)}
    cpu: dict[str, list[float]] = {f: [] for f in ("build", *FORMATS)}
    for _ in range(repeat):
        for fmt in FORMATS:
            wh = open_warehouse(db, read_only=True)
            start, cpu_start = time.perf_counter(), time.process_time()
            pack = build_pack(wh, council, year)
            built, cpu_built = time.perf_counter(), time.process_time()
            data = render(pack, fmt)
            done, cpu_done = time.perf_counter(), time.process_time()
            wh.close()
            times["build"].append(built - start)
            times[fmt].append(done - start)
            cpu["build"].append(cpu_built - cpu_start)
            cpu[fmt].append(cpu_done - cpu_start)
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                (out / file_name(pack, fmt)).write_bytes(data)
    return {**times, **{f"{k} cpu": v for k, v in cpu.items()}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--council", default="E08000003", help="GSS code or name (default Manchester)")
    ap.add_argument("--all", action="store_true", help="every council in the warehouse")
    ap.add_argument("--year", type=int, default=2021, help="financial year (default 2021 = 2021-22)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per format; the first and the best are shown")
    ap.add_argument("--out", type=Path, default=None, help="also write the files here")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"no benchmark data at {args.data}", file=sys.stderr)
        return 2
    ensure_warehouse(args.db, args.data, args.rebuild)
    wh = open_warehouse(args.db, read_only=True)
    rows = wh.scalar("SELECT count(*) FROM spend")
    codes = [r[0] for r in wh.rows("SELECT DISTINCT council_code FROM spend ORDER BY 1")]
    wh.close()
    print(f"{rows:,} spend rows, {len(codes)} councils; year {args.year}\n")
    councils = codes if args.all else [args.council]
    print(f"{'council':<12} {'step':<10} {'first s':>8} {'best s':>7} {'median s':>9}")
    worst = 0.0
    for council in councils:
        times = time_council(args.db, council, args.year, max(1, args.repeat), args.out)
        for step, values in times.items():
            first, best, median = values[0], min(values), statistics.median(values)
            print(f"{council:<12} {step:<10} {first:>8.2f} {best:>7.2f} {median:>9.2f}")
            if step in FORMATS:
                worst = max(worst, max(values))
    print(
        f"\nslowest pack (build + render, any format, any run): {worst:.2f} s wall clock (goal: under 10 s)."
        "\n'cpu' rows are this process's CPU seconds (DuckDB threads included): wall clock above them "
        "means the machine was busy with other work."
    )
    return 0 if worst < 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
