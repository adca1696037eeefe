"""Insight speed: every insight for every council over the full spend_benchmark warehouse (~2M rows).

Builds the warehouse once (unpack ../shared/data/spend_benchmark/*.tar.gz, ingest each body's folder
naming its council, run the pipeline steps) and caches it at the path printed, so re-runs are quick.
When the supplier or classification step has not produced rows yet, ``--stand-ins`` (default on)
fills those tables with simple stand-ins so the joins and groupings are exercised at full size;
this is printed, and the real steps replace them once they land (rebuild with ``--rebuild``).

    python bench/insight.py [--db PATH] [--rebuild] [--no-stand-ins] [--year 2021] [--repeat 3]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import statistics
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from bestvalue import analytics
from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.pipeline import run_steps
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import SCHEMA_VERSION, ensure_schema

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "spend_benchmark"
DEFAULT_DB = ROOT / "build" / "bench" / "insight.duckdb"

# Stand-ins used only when the upstream steps leave their tables empty: one supplier per published
# name (normalised), and IT decided from words in the published expense type and description.
STAND_IN_SUPPLIERS = """
INSERT INTO supplier_aliases (published_name, name_key, supplier_id, payee_kind, method, confidence)
SELECT n, k, CASE WHEN kind = 'supplier' THEN 'S' || md5(k) END, kind, 'stand_in', 0.5
FROM (SELECT DISTINCT coalesce(supplier_name, '') AS n,
             lower(regexp_replace(trim(coalesce(supplier_name, '')), '\\s+', ' ', 'g')) AS k,
             CASE WHEN trim(coalesce(supplier_name, '')) = '' OR lower(supplier_name) LIKE '%redacted%'
                  THEN 'redacted' ELSE 'supplier' END AS kind
      FROM spend)
"""
STAND_IN_CLASSIFICATION = """
INSERT INTO spend_classification (spend_id, proclass_code, proclass_level1, is_it, confidence, method, reason)
SELECT spend_id, code, CASE WHEN code IS NULL THEN NULL ELSE left(code, 2) || '0000' END,
       CASE WHEN code IS NULL THEN NULL ELSE code LIKE '27%' END, 0.5, 'stand_in', 'bench stand-in'
FROM (
  SELECT spend_id, CASE
    WHEN t SIMILAR TO '.*(software|licen[cs]e).*' THEN '271430'
    WHEN t SIMILAR TO '.*(telephon|mobile phone|telecom|broadband).*' THEN '271700'
    WHEN t SIMILAR TO '.*(computer|hardware|ict|it equipment|it services).*' THEN '271300'
    WHEN t = '' THEN NULL
    WHEN hash(spend_id) % 10 = 0 THEN NULL
    ELSE '100000' END AS code
  FROM (SELECT spend_id, lower(concat_ws(' ', expense_type, description, expense_group)) AS t FROM spend))
"""


def unpack(archives: Path, into: Path) -> Path:
    for tgz in sorted(archives.glob("*.tar.gz")):
        with tarfile.open(tgz) as tf:
            tf.extractall(into, filter="data")
    return into


def stamp_of(data: Path) -> dict[str, Any]:
    migrations = resources.files("bestvalue.schema").joinpath("migrations")
    text = "".join(
        sorted(m.read_text(encoding="utf-8") for m in migrations.iterdir() if m.name.endswith(".sql"))
    )
    return {
        "schema": f"{SCHEMA_VERSION}:{hashlib.sha256(text.encode()).hexdigest()[:16]}",
        "archives": sorted((p.name, p.stat().st_size) for p in data.glob("*.tar.gz")),
    }


def build(db: Path, data: Path, stand_ins: bool) -> None:
    """Ingest every body into ``db`` and run the pipeline steps."""
    for p in (db, db.with_suffix(".duckdb.wal"), db.with_suffix(".stamp.json")):
        p.unlink(missing_ok=True)
    wh = open_warehouse(db)
    ensure_schema(wh)
    with tempfile.TemporaryDirectory(prefix="bv-insight-") as tmp:
        folder = unpack(data, Path(tmp))
        start = time.perf_counter()
        for body in sorted(p for p in folder.iterdir() if p.is_dir()):
            council = resolve_council(body.name)
            if council is None:
                raise SystemExit(f"cannot tell the council of {body.name}")
            summary = ingest_paths(wh, [body], Options(council=council))
            print(f"  ingested {body.name}: {sum(f.loaded for f in summary.files):,} rows", flush=True)
        print(f"  ingest took {time.perf_counter() - start:.0f} s", flush=True)
    for name, summary in run_steps(wh):
        print(f"  step {name}: {summary}", flush=True)
    filled = fill_stand_ins(wh) if stand_ins else []
    print(f"  {analytics.refresh(wh)}", flush=True)
    wh.checkpoint()
    wh.close()
    db.with_suffix(".stamp.json").write_text(json.dumps({**stamp_of(data), "stand_ins": filled}))


def fill_stand_ins(wh: Warehouse) -> list[str]:
    filled = []
    with wh.transaction():
        if not wh.scalar("SELECT count(*) FROM spend_suppliers"):
            wh.execute("DELETE FROM supplier_aliases")
            wh.execute(STAND_IN_SUPPLIERS)
            filled.append("suppliers")
        if not wh.scalar("SELECT count(*) FROM spend_classification"):
            wh.execute(STAND_IN_CLASSIFICATION)
            filled.append("classification")
    return filled


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--no-stand-ins", dest="stand_ins", action="store_false")
    ap.add_argument(
        "--year", type=int, default=None, help="financial year (default: each council's latest full)"
    )
    ap.add_argument("--repeat", type=int, default=2, help="runs per insight and council; the fastest counts")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"no benchmark data at {args.data}", file=sys.stderr)
        return 2
    stamp_file = args.db.with_suffix(".stamp.json")
    stamp = json.loads(stamp_file.read_text()) if stamp_file.exists() and args.db.exists() else None
    if (
        args.rebuild
        or stamp is None
        or {k: stamp.get(k) for k in ("schema", "archives")} != json.loads(json.dumps(stamp_of(args.data)))
    ):
        print(f"building the benchmark warehouse at {args.db} ...", flush=True)
        build(args.db, args.data, args.stand_ins)
        stamp = json.loads(stamp_file.read_text())
    print(f"warehouse: {args.db} (cached; --rebuild to rebuild)")
    if stamp.get("stand_ins"):
        print(f"stand-ins used for: {', '.join(stamp['stand_ins'])} (upstream steps produced no rows)")

    wh = open_warehouse(args.db, read_only=True)
    rows = wh.scalar("SELECT count(*) FROM spend")
    councils = [c.council.gss_code for c in analytics.list_councils(wh)]
    print(f"{rows:,} spend rows, {len(councils)} councils\n")
    insights: dict[str, Callable[[str], object]] = {
        "baseline": lambda c: analytics.baseline(wh, c, args.year),
        "peers": lambda c: analytics.peers(wh, c, args.year),
        "market": lambda c: analytics.market(wh, c, args.year),
        "lockin": lambda c: analytics.lockin(wh, c, args.year),
        "collaborate": lambda c: analytics.collaboration(wh, c, args.year),
        "savings": lambda c: analytics.savings(wh, c, args.year),
        "flags": lambda c: analytics.flags(wh, c, args.year),
        "council_summary": lambda c: analytics.council_summary(wh, c),
    }
    print(f"{'insight':<16} {'median s':>9} {'max s':>7}  per council")
    worst = 0.0
    for name, fn in insights.items():
        secs = {c: timed(functools.partial(fn, c), args.repeat) for c in councils}
        worst = max(worst, *secs.values())
        detail = ", ".join(f"{c} {s:.2f}" for c, s in secs.items())
        print(f"{name:<16} {statistics.median(secs.values()):>9.3f} {max(secs.values()):>7.3f}  {detail}")
    overall = {
        "market (all councils)": lambda: analytics.market(wh, None, args.year),
        "list_councils": lambda: analytics.list_councils(wh),
        "search": lambda: analytics.search(wh, "ltd"),
    }
    for name, fn0 in overall.items():
        s = timed(fn0, args.repeat)
        worst = max(worst, s)
        print(f"{name:<16} {s:>9.3f}")
    print(f"\nslowest single call: {worst:.3f} s (goal: under 1 s)")
    wh.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
