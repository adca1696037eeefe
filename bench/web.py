"""Web latency and throughput: every page over a warehouse of all of ../shared/data/spend_benchmark.

Builds the warehouse once (unpack the tar.gz files, ingest each body's folder naming its council, run
the pipeline steps), starts the production server (``bestvalue serve --workers N``: uvicorn with
httptools, uvloop, no access log) on loopback, then drives each page with a keep-alive load generator
(asyncio, raw HTTP/1.1) for a fixed time. Prints, per page: the first (uncached) response time, p50 /
p95 / p99 latency and requests per second. Goals: p95 <= 100 ms on every page, >= 300 req/s on the
council overview.

    python bench/web.py [--db PATH] [--rebuild] [--seconds 5] [--concurrency 16] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "spend_benchmark"
DEFAULT_DB = Path(tempfile.gettempdir()) / "bestvalue-bench-web.duckdb"
_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.I)


def build_warehouse(data: Path, db: Path) -> None:
    """All spend_benchmark bodies ingested, each with its council named, then the pipeline steps."""
    from bestvalue.engine import open_warehouse
    from bestvalue.ingest.loader import ingest_paths
    from bestvalue.ingest.prepare import Options
    from bestvalue.pipeline import run_steps
    from bestvalue.reference.councils import resolve_council
    from bestvalue.schema import ensure_schema

    work = Path(tempfile.mkdtemp(prefix="bv-bench-web-"))
    try:
        for tgz in sorted(data.glob("*.tar.gz")):
            with tarfile.open(tgz) as tf:
                tf.extractall(work, filter="data")
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
        wh = open_warehouse(db)
        ensure_schema(wh)
        start = time.perf_counter()
        loaded = 0
        for body in sorted(p for p in work.iterdir() if p.is_dir()):
            council = resolve_council(body.name)
            if council is None:
                raise SystemExit(f"cannot tell the council of {body.name}")
            summary = ingest_paths(wh, [body], Options(council=council))
            loaded += summary.loaded_rows
            print(f"  ingested {body.name}: {summary.loaded_rows:,} rows", flush=True)
        print(f"  ingest: {loaded:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
        for name, line in run_steps(wh):
            print(f"  {name}: {line}", flush=True)
        wh.checkpoint()
        wh.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(base: str, path: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(base + path, timeout=600) as r:
        return json.loads(r.read())  # type: ignore[no-any-return]


def pages(base: str) -> list[tuple[str, str]]:
    """The pages to measure, with real keys found through the JSON API."""
    home = get_json(base, "/index.json")
    council = max(home["councils"], key=lambda c: c["rows"])["council"]["gss_code"]
    overview = get_json(base, f"/councils/{council}.json")
    year = overview["baseline"]["financial_year"]
    sups = [
        b["evidence"]["supplier_id"]
        for b in overview["baseline"]["by_supplier"]
        if b["evidence"].get("supplier_id")
    ]
    if not sups:
        sups = [
            r["supplier_id"]
            for r in get_json(base, f"/evidence.json?council_code={council}&limit=5")["rows"]
            if r["supplier_id"]
        ]
    market = get_json(base, "/categories.json")
    category = (
        max(market["categories"], key=lambda c: c["total"])["category"]["code"]
        if market["categories"]
        else "271440"
    )
    source = get_json(base, "/quality.json")["sources"][0]["source_id"]
    return [
        ("home", "/"),
        ("council overview", f"/councils/{council}"),
        ("council overview JSON", f"/councils/{council}.json"),
        ("peers", f"/councils/{council}/peers"),
        ("lock-in", f"/councils/{council}/lock-in"),
        ("collaboration", f"/councils/{council}/collaboration"),
        ("savings", f"/councils/{council}/savings"),
        ("probity flags", f"/councils/{council}/flags"),
        ("IT markets", "/categories"),
        ("category market", f"/categories/{category}"),
        ("supplier", f"/supplier?id={quote(sups[0], safe='')}"),
        ("evidence rows", f"/evidence?council_code={council}&financial_year={year}"),
        ("data quality", "/quality"),
        ("source file", f"/quality/{source}"),
        ("search", "/search?q=capita"),
        ("council CSV", f"/councils/{council}.csv?table=baseline.by_supplier"),
    ]


async def _client(host: str, port: int, path: str, stop: float, lat: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/html\r\n\r\n".encode()
    try:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            m = _LENGTH.search(head)
            if m:
                await reader.readexactly(int(m.group(1)))
            lat.append(time.perf_counter() - t0)
            if head[9:12] != b"200":
                errors.append(int(head[9:12]))
    finally:
        writer.close()


async def load(
    host: str, port: int, path: str, seconds: float, concurrency: int
) -> tuple[list[float], list[int], float]:
    lat: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*(_client(host, port, path, stop, lat, errors) for _ in range(concurrency)))
    return lat, errors, time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse to build (or reuse if it exists)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the warehouse even if it exists")
    ap.add_argument("--seconds", type=float, default=5.0, help="load time per page")
    ap.add_argument("--concurrency", type=int, default=16, help="keep-alive connections per page")
    ap.add_argument("--workers", type=int, default=2, help="server processes")
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()

    if args.rebuild or not args.db.exists():
        if not args.data.exists():
            print(f"no benchmark data at {args.data}", file=sys.stderr)
            return 2
        print(f"Building {args.db} from {args.data} …", flush=True)
        t0 = time.perf_counter()
        build_warehouse(args.data, args.db)
        print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.build_only:
        return 0

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    port = free_port()
    exe = Path(sys.executable).with_name("bestvalue")
    # --no-warm: measure the uncached first response of every page (production keeps --warm, which
    # pre-renders the home page and council overviews at startup).
    cmd = [
        str(exe),
        "serve",
        "--db",
        str(args.db),
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--no-warm",
    ]
    log_path = Path(tempfile.gettempdir()) / "bestvalue-bench-web-server.log"
    log = log_path.open("wb")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    print(
                        "server did not start:",
                        server.stderr.read().decode() if server.stderr else "",
                        file=sys.stderr,
                    )
                    return 1
                time.sleep(0.2)
        print(
            f"Server: bestvalue serve --workers {args.workers} (uvicorn, httptools, uvloop, no access log); "
            f"load: {args.concurrency} keep-alive connections x {args.seconds:.0f} s per page, on loopback; "
            f"{os.cpu_count()} CPUs shared by server and load generator\n",
            flush=True,
        )
        print(
            f"{'page':<24} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'req/s':>8} {'errors':>7}"
        )
        failed = False
        for name, path in pages(base):
            t0 = time.perf_counter()
            try:
                urllib.request.urlopen(base + path, timeout=600).read()  # the uncached (first) response
            except urllib.error.HTTPError as exc:
                print(f"{name:<24} HTTP {exc.code} (see {log_path})", flush=True)
                failed = True
                continue
            first = (time.perf_counter() - t0) * 1000
            for _ in range(4 * args.workers):  # every worker fills its own cache
                urllib.request.urlopen(base + path, timeout=600).read()
            lat, errors, elapsed = asyncio.run(load("127.0.0.1", port, path, args.seconds, args.concurrency))
            p95 = pct(lat, 0.95) * 1000
            rps = len(lat) / elapsed
            print(
                f"{name:<24} {first:>9.0f} {pct(lat, 0.5) * 1000:>8.1f} {p95:>8.1f} "
                f"{pct(lat, 0.99) * 1000:>8.1f} "
                f"{rps:>8.0f} {len(errors):>7}",
                flush=True,
            )
            if p95 > 100 or errors or (name == "council overview" and rps < 300):
                failed = True
        print(
            "\nGoals (p95 <= 100 ms every page; >= 300 req/s council overview):",
            "missed" if failed else "met",
        )
        return 0
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
