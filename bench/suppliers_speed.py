"""Supplier-resolution speed: time and peak memory to resolve 1M distinct published names.

The names are built from the real payee names in ../shared/data (every spend file) with the
variations councils' files show: case, legal forms (Ltd/Limited/LTD/PLC), '&'/'and', dots,
'(UK)', a leading 'The', branch qualifiers after the legal form, one-letter typos, names cut at 35
characters, 'X t/a Y', card-terminal prefixes and reference numbers. Each variant is a distinct
string; the run stops at the target count.

Two measurements:
  1. ``resolve()`` in memory on the distinct names (what the pipeline step spends its time on);
  2. end to end, ``resolve_warehouse`` on a DuckDB warehouse whose ``spend`` holds one row per name
     (reads the names with SQL, resolves, writes ``supplier_aliases`` and ``suppliers``).

    .venv/bin/python bench/suppliers_speed.py [--names 1000000] [--skip-warehouse]
"""

from __future__ import annotations

import argparse
import csv
import glob
import io
import os
import random
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyarrow as pa  # noqa: E402

from bestvalue.engine import open_warehouse  # noqa: E402
from bestvalue.schema import ensure_schema  # noqa: E402
from bestvalue.suppliers.overrides import Overrides  # noqa: E402
from bestvalue.suppliers.resolver import NameTable, resolve  # noqa: E402
from bestvalue.suppliers.store import resolve_warehouse  # noqa: E402

SHARED = Path(os.environ.get("BESTVALUE_SHARED_DATA", ROOT.parent / "shared" / "data"))
NAME_HEADERS = {
    "supplier name",
    "beneficiaryname",
    "beneficiary name",
    "supplier_name",
    "name",
    "supplier",
    "vendor name",
    "payee name",
    "name:",
}
FORMS = ["Ltd", "Limited", "LTD", "LIMITED", "Ltd.", "PLC", "plc", "Limited (UK)", "(UK) Ltd", "UK Ltd"]
PLACES = ["Leeds", "Manchester", "Salford", "North", "South West", "Head Office", "Sale", "Account 2"]
PEOPLE = ["J Smith", "Sarah Jones", "A Khan", "Mark Taylor", "P Patel"]
csv.field_size_limit(10**9)


def real_names() -> list[str]:
    names: set[str] = set()
    for f in glob.glob(str(SHARED / "spend" / "**" / "*.csv"), recursive=True):
        with open(f, encoding="utf-8-sig", errors="replace") as fh:
            names.update(_column(fh))
    for z in glob.glob(str(SHARED / "spend" / "trafford" / "*.zip")):
        with zipfile.ZipFile(z) as zf:
            for member in zf.namelist():
                with zf.open(member) as fh:
                    names.update(_column(io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace")))
    return sorted(n for n in names if n.strip())


def _column(fh: io.TextIOBase | object) -> set[str]:
    out: set[str] = set()
    index = None
    for row in csv.reader(fh):  # type: ignore[arg-type]
        if index is None:
            heads = [h.strip().lower() for h in row]
            hits = [i for i, h in enumerate(heads) if h in NAME_HEADERS]
            index = hits[0] if hits else -1
            continue
        if 0 <= index < len(row):
            out.add(row[index].strip())
    return out


def variant(name: str, rng: random.Random) -> str:
    """One realistic published variant of a name."""
    base = name
    for form in ("Limited", "LIMITED", "Ltd", "LTD", "ltd", "PLC", "plc"):
        if base.endswith(" " + form):
            base = base[: -len(form) - 1]
            break
    ops = rng.sample(range(10), k=rng.randint(1, 3))
    text = base
    for op in ops:
        if op == 0:
            text = text.upper()
        elif op == 1:
            text = text.title()
        elif op == 2:
            text = text.replace(" and ", " & ") if " and " in text else text.replace("&", "and")
        elif op == 3 and len(text) > 6:
            i = rng.randrange(1, len(text) - 2)
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif op == 4:
            text = "The " + text
        elif op == 5:
            text = f"{rng.choice(PEOPLE)} T/A {text}"
        elif op == 6:
            text = f"{rng.choice(['SQ *', 'PAYPAL *', 'WWW.', 'SP * '])}{text}"
        elif op == 7:
            text = f"{text} {rng.randrange(10**5, 10**9)}"
        elif op == 8 and len(text) > 8:
            i = rng.randrange(1, len(text) - 1)
            text = text[:i] + text[i + 1 :]
    text = f"{text} {rng.choice(FORMS)}" if rng.random() < 0.7 else text
    if rng.random() < 0.2:
        text = f"{text} ({rng.choice(PLACES)})"
    if rng.random() < 0.1:
        text = text[:35]
    return text


def build(target: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    base = real_names()
    names = set(base)
    while len(names) < target:
        names.add(variant(rng.choice(base), rng))
    return sorted(names)[:target] if len(names) > target else sorted(names)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--skip-warehouse", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    names = build(args.names)
    print(
        f"built {len(names):,} distinct names from real payee names in {time.perf_counter() - t0:.1f}s "
        f"(process peak {peak_mb():,.0f} MB)"
    )
    n = len(names)
    table = NameTable(
        names, [1] * n, [None] * n, [None] * n, [None] * n, [len(x) == 35 for x in names], [None] * n
    )
    before = peak_mb()
    t0 = time.perf_counter()
    result = resolve(table, Overrides(), set())
    seconds = time.perf_counter() - t0
    kinds = {k: result.kind.count(k) for k in ("supplier", "individual", "redacted", "unknown")}
    print(
        f"in memory: resolved {n:,} names into {len({s for s in result.supplier_id if s}):,} suppliers "
        f"in {seconds:.1f}s; kinds {kinds}; fuzzy links {result.fuzzy_links:,}; "
        f"process peak {peak_mb():,.0f} MB (was {before:,.0f} MB before resolving)"
    )
    del result
    if args.skip_warehouse:
        return
    with tempfile.TemporaryDirectory() as tmp:
        wh = open_warehouse(Path(tmp) / "speed.duckdb")
        ensure_schema(wh)
        frame = pa.table({"supplier_name": names})
        with wh.registered("bench_names", frame):
            wh.execute("""
                INSERT INTO spend (spend_id, source_id, source_line, council_code, period_start, period_end,
                                   date_basis, amount, supplier_name)
                SELECT row_number() OVER (), 1, row_number() OVER (), 'E08000009', DATE '2024-04-01',
                       DATE '2024-04-30', 'source_period', 100, supplier_name FROM bench_names
            """)
        t0 = time.perf_counter()
        summary = resolve_warehouse(wh, use_default_file=False)
        seconds = time.perf_counter() - t0
        t1 = time.perf_counter()
        rows = wh.scalar("SELECT count(*) FROM spend_suppliers WHERE supplier_id IS NOT NULL")
        view_seconds = time.perf_counter() - t1
        t1 = time.perf_counter()
        again = resolve_warehouse(wh, use_default_file=False)
        rerun = time.perf_counter() - t1
        wh.close()
    print(
        f"warehouse end to end: {summary.line()} - {seconds:.1f}s wall; spend_suppliers counted "
        f"{rows:,} resolved rows in {view_seconds:.2f}s; "
        f"re-run {rerun:.1f}s with {again.new_suppliers} new ids; "
        f"process peak {peak_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()
