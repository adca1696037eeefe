"""Load prepared files into the warehouse: batches, transactions, accounting, idempotency.

A reader thread reads and lays out files in order (decode, layout) and two staging threads
parse and stage them (Polars), while this thread writes them to DuckDB. Files are written in
commit groups: each group is one transaction, so every file is either wholly in the warehouse
or wholly absent, and a killed process leaves the warehouse as it was before the group it was
writing. ``commit_rows=0`` commits each file on its own.
"""

from __future__ import annotations

import json
import queue
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from bestvalue.engine import Warehouse
from bestvalue.ingest import sql
from bestvalue.ingest.inputs import InputError, InputFile, expand_paths
from bestvalue.ingest.layout import LayoutCache
from bestvalue.ingest.models import FileResult, IngestSummary, Status
from bestvalue.ingest.prepare import (
    Options,
    PlannedFile,
    PreparedFile,
    conform,
    plan_file,
    sha256_of,
    stage_file,
)
from bestvalue.ingest.siblings import SiblingIndex
from bestvalue.schema import ensure_schema

# Each commit leaves the table's last row group part-filled, and DuckDB writes the rows that fill it
# (up to a row group, 122,880 rows) through the write-ahead log and compresses them again at the
# checkpoint, where larger inserts go straight to the file compressed. Fewer commits, less of that:
# 500,000 rows took about 15% less CPU than 250,000 on the benchmark, for 30-50 MB more memory.
DEFAULT_COMMIT_ROWS = 500_000
SOURCE_SCHEMA: dict[str, Any] = {
    "source_id": pl.Int32,
    "file_name": pl.String,
    "path": pl.String,
    "sha256": pl.String,
    "bytes": pl.Int64,
    "status": pl.String,
    "error": pl.String,
    "council_code": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "period_basis": pl.String,
    "encoding": pl.String,
    "delimiter": pl.String,
    "read_method": pl.String,
    "header_line": pl.Int32,
    "columns": pl.String,
    "notes": pl.String,
    "rows": pl.Int32,
    "loaded": pl.Int32,
    "rejected": pl.Int32,
    "skipped": pl.Int32,
    "skipped_kinds": pl.String,
    "amount_loaded": pl.Decimal(18, 2),
}
REJECT_SCHEMA: dict[str, Any] = {
    "source_id": pl.Int32,
    "source_line": pl.Int32,
    "reason": pl.String,
    "raw_text": pl.String,
}
MAX_GROUP_FILES = 500
MIN_AHEAD_ROWS = 50_000
# Files are staged (CSV parsed, frames built: mostly Polars, which releases the GIL) on this many
# threads, at most this many files ahead of the one handed over next.
STAGE_THREADS = 2
STAGE_AHEAD = 4
_DONE = object()


@dataclass
class Unchanged:
    """A file whose exact bytes are already loaded."""

    input: InputFile
    sha256: str
    size: int
    source_id: int


@dataclass
class Missing:
    """A PATH that could not be expanded into files."""

    path: str
    error: str


Item = PreparedFile | Unchanged | Missing
Reporter = Callable[[FileResult, int], None]


def _inputs(paths: Iterable[str | Path]) -> tuple[list[InputFile], list[Missing]]:
    files: list[InputFile] = []
    missing: list[Missing] = []
    for p in paths:
        try:
            files.extend(expand_paths([p]))
        except InputError as exc:
            missing.append(Missing(str(p), str(exc)))
    return files, missing


class _Producer(threading.Thread):
    """Prepares files and hands them over in input order, a bounded number of rows ahead."""

    def __init__(
        self,
        files: list[InputFile],
        loaded: dict[str, int],
        first_id: int,
        options: Options,
        ahead_rows: int = DEFAULT_COMMIT_ROWS,
    ) -> None:
        super().__init__(daemon=True, name="bestvalue-ingest-reader")
        self.files = files
        self.loaded = loaded
        self.next_id = first_id
        self.options = options
        self.siblings = SiblingIndex(files)
        self.layouts = LayoutCache()
        self.out: queue.Queue[tuple[object, int]] = queue.Queue()
        self.stop = threading.Event()
        # What is prepared but not yet taken: at most a quarter of a commit group of rows (and a
        # bounded number of files), so reading runs on while the previous group is written. (Each
        # 125,000 rows held cost about 70 MB of peak memory on the benchmark.)
        self.ahead_rows = max(ahead_rows // 4, MIN_AHEAD_ROWS)
        self._pending = [0, 0]  # rows, items
        self._room = threading.Condition()

    def _put(self, item: object) -> None:
        rows = item.frame.height if isinstance(item, PreparedFile) and item.frame is not None else 0
        with self._room:
            while (
                self._pending[0] >= self.ahead_rows or self._pending[1] >= MAX_GROUP_FILES
            ) and not self.stop.is_set():
                self._room.wait(0.5)
            self._pending[0] += rows
            self._pending[1] += 1
        self.out.put((item, rows))

    def take(self) -> object:
        """The next prepared item (or the end marker), making room for the reader."""
        item, rows = self.out.get()
        with self._room:
            self._pending[0] -= rows
            self._pending[1] -= 1
            self._room.notify()
        return item

    def _stage(self, planned: PlannedFile) -> PreparedFile:
        try:
            return stage_file(planned, self.options)
        except Exception as exc:  # a bug must not cost the other files
            traceback.print_exc()
            p = planned.prepared
            return PreparedFile(p.input, p.sha256, p.size, p.source_id, error=f"unexpected error: {exc!r}")

    def run(self) -> None:
        """Plan the files in order on this thread; stage them on ``STAGE_THREADS`` others (staging
        one file depends on no other), handing the results over in input order."""
        seen: dict[str, int | Future[PreparedFile]] = {}
        waiting: deque[Item | Future[PreparedFile]] = deque()

        def hand_over(keep: int) -> None:
            while len(waiting) > keep or (waiting and _ready(waiting[0])):
                head = waiting.popleft()
                if isinstance(head, Future):
                    done = head.result()
                    if seen.get(done.sha256) is head:
                        _loaded_id(seen, done.sha256)  # remember its id, not its frame
                    head = done
                self._put(head)

        with ThreadPoolExecutor(STAGE_THREADS, thread_name_prefix="bestvalue-ingest-stage") as pool:
            for inp in self.files:
                if self.stop.is_set():
                    break
                hand_over(STAGE_AHEAD)
                try:
                    data = inp.read()
                except OSError as exc:
                    waiting.append(Missing(inp.display, f"cannot read: {exc}"))
                    continue
                sha = sha256_of(data)
                known = self.loaded.get(sha) or _loaded_id(seen, sha)
                if known:
                    waiting.append(Unchanged(inp, sha, len(data), known))
                    continue
                sid = self.next_id
                self.next_id += 1
                try:
                    planned = plan_file(inp, sid, self.options, self.siblings.lookup, data, self.layouts, sha)
                except Exception as exc:  # a bug must not cost the other files
                    traceback.print_exc()
                    waiting.append(PreparedFile(inp, sha, len(data), sid, error=f"unexpected error: {exc!r}"))
                    continue
                staged = pool.submit(self._stage, planned)
                seen.setdefault(sha, staged)
                waiting.append(staged)
            hand_over(0)
        self._put(_DONE)


def _ready(item: Item | Future[PreparedFile]) -> bool:
    return not isinstance(item, Future) or item.done()


def _loaded_id(seen: dict[str, int | Future[PreparedFile]], sha: str) -> int | None:
    """The source id of an earlier file with these bytes that staged without error (waiting for it
    if it is still being staged), else ``None``: then this copy is prepared again, as before."""
    first = seen.get(sha)
    if isinstance(first, Future):
        p = first.result()
        if p.error is None:
            seen[sha] = p.source_id
            return p.source_id
        del seen[sha]
        return None
    return first


def _result_base(p: PreparedFile, status: Status) -> FileResult:
    return FileResult(
        file=p.input.display,
        sha256=p.sha256,
        council=p.council.gss_code if p.council else None,
        council_name=p.council.name if p.council else None,
        period=p.period.label() if p.period else None,
        status=status,
        source_id=p.source_id,
        notes=p.notes,
    )


class Loader:
    """Writes prepared files to the warehouse in commit groups."""

    def __init__(self, wh: Warehouse, replace: bool, commit_rows: int, report: Reporter | None) -> None:
        self.wh = wh
        self.replace = replace
        self.commit_rows = commit_rows
        self.report = report
        self.results: list[FileResult] = []

    def _insert_rows(
        self, table: str, columns: tuple[str, ...], schema: dict[str, Any], rows: list[Any]
    ) -> None:
        """Insert Python rows through one Arrow batch (executemany is slow in DuckDB)."""
        if not rows:
            return
        frame = pl.DataFrame(rows, schema=schema, orient="row")
        with self.wh.registered(f"new_{table}", frame.to_arrow()):
            self.wh.execute(sql.insert_from_sql(table, columns, f"new_{table}"))

    def _source_row(self, p: PreparedFile, result: FileResult) -> list[object]:
        return [
            p.source_id,
            p.input.name,
            p.input.display,
            p.sha256,
            p.size,
            "failed" if result.status == "failed" else "loaded",
            result.error,
            p.council.gss_code if p.council else None,
            p.period.start if p.period else None,
            p.period.end if p.period else None,
            p.period.basis if p.period else None,
            p.encoding,
            p.delimiter,
            p.read_method,
            p.header_line,
            json.dumps(p.columns),
            json.dumps(p.notes),
            result.rows,
            result.loaded,
            result.rejected,
            result.skipped,
            json.dumps(result.skipped_kinds),
            result.amount_loaded,
        ]

    def _replace_targets(self, p: PreparedFile) -> list[int]:
        if not (self.replace and p.council and p.period):
            return []
        rows = self.wh.rows(
            sql.replace_candidates_sql(), [p.council.gss_code, p.period.start, p.period.end, p.input.name]
        )
        if not rows:
            return []
        same_name = [r[0] for r in rows if r[1] == p.input.name]
        if same_name:
            return same_name
        if len(rows) == 1:
            return [rows[0][0]]
        names = ", ".join(r[1] for r in rows)
        raise ValueError(
            f"--replace is ambiguous: {len(rows)} files already loaded for {p.council.name} "
            f"{p.period.label()} ({names}) and none has this file's name"
        )

    def commit(self, group: list[Item]) -> None:
        """Write one group in one transaction, then report its results in input order."""
        staged = [g for g in group if isinstance(g, PreparedFile) and g.error is None and g.frame is not None]
        results: dict[int, FileResult] = {}
        with self.wh.transaction():
            counts: dict[int, dict[str, tuple[int, Decimal]]] = {}
            rejects: dict[int, list[tuple[int, str]]] = {}
            retire: dict[int, list[int]] = {}
            for p in list(staged):
                try:
                    retire[p.source_id] = self._replace_targets(p)
                except ValueError as exc:
                    p.error = str(exc)
                    staged.remove(p)
            if staged:
                # String views pass to DuckDB without a copy (the default export copies every string).
                batch = conform([p.frame for p in staged if p.frame is not None])
                with self.wh.registered("staged", batch.to_arrow(compat_level=pl.CompatLevel.newest())):
                    self.wh.execute(sql.insert_spend_sql("staged"))
                    outcomes = self.wh.rows(sql.outcomes_sql("staged"), [min(p.source_id for p in staged)])
                for sid, status, n, amount, line in outcomes:
                    kind = "reject" if status.startswith("reject:") else status
                    if line is not None:
                        rejects.setdefault(sid, []).append((line, status[len("reject:") :]))
                    before = counts.setdefault(sid, {}).get(kind, (0, Decimal("0.00")))
                    counts[sid][kind] = (before[0] + n, before[1] + (amount or Decimal("0.00")))
            source_rows = []
            reject_rows = []
            for item in group:
                if isinstance(item, Missing):
                    continue
                if isinstance(item, Unchanged):
                    continue
                p = item
                if p.error is not None or p.frame is None:
                    res = _result_base(p, "failed")
                    res.error = p.error
                    results[id(item)] = res
                    source_rows.append(self._source_row(p, res))
                    continue
                kinds = counts.get(p.source_id, {})
                res = _result_base(p, "replaced" if retire.get(p.source_id) else "loaded")
                res.loaded, res.amount_loaded = kinds.get("ok", (0, Decimal("0.00")))
                res.rejected = kinds.get("reject", (0, Decimal(0)))[0]
                skipped = dict(p.fixed_skips)
                for kind, (n, _) in kinds.items():
                    if kind.startswith("skip:"):
                        skipped[kind[5:]] = skipped.get(kind[5:], 0) + n
                res.skipped_kinds = skipped
                res.skipped = sum(skipped.values())
                res.rows = p.records
                if res.loaded + res.rejected + res.skipped != res.rows:
                    raise AssertionError(f"{p.input.display}: lines do not add up ({res})")
                for old in retire.get(p.source_id, []):
                    values = {"old": old, "new": p.source_id}
                    for statement, names in sql.retire_source_sql():
                        self.wh.execute(statement, {n: values[n] for n in names})
                source_rows.append(self._source_row(p, res))
                raw_line = p.raw_line or (lambda n: "")
                reject_rows += [
                    (p.source_id, line, reason, raw_line(line))
                    for line, reason in rejects.get(p.source_id, [])
                ]
                results[id(item)] = res
            loaded_shas = [r[3] for r in source_rows if r[5] != "failed"]
            if loaded_shas:
                self.wh.execute(sql.drop_failed_attempts_sql(), [loaded_shas])
            self._insert_rows("sources", sql.SOURCE_COLUMNS, SOURCE_SCHEMA, source_rows)
            self._insert_rows("spend_rejects", sql.REJECT_COLUMNS, REJECT_SCHEMA, reject_rows)
        for item in group:
            if isinstance(item, Missing):
                res = FileResult(file=item.path, sha256="", status="failed", error=item.error)
                size = 0
            elif isinstance(item, Unchanged):
                res = _unchanged_result(self.wh, item)
                size = item.size
            else:
                res = results[id(item)]
                size = item.size
            self.results.append(res)
            if self.report:
                self.report(res, size)


def _unchanged_result(wh: Warehouse, item: Unchanged) -> FileResult:
    """A file already loaded: its counts are those of the earlier load."""
    res = FileResult(
        file=item.input.display, sha256=item.sha256, status="unchanged", source_id=item.source_id
    )
    row = wh.one(
        "SELECT s.council_code, c.name, s.rows, s.loaded, s.rejected, s.skipped, s.amount_loaded, "
        "s.skipped_kinds FROM sources s LEFT JOIN councils c ON c.gss_code = s.council_code "
        "WHERE s.source_id = ?",
        [item.source_id],
    )
    if row:
        res.council, res.council_name, res.rows, res.loaded, res.rejected, res.skipped, res.amount_loaded = (
            row[:7]
        )
        res.skipped_kinds = json.loads(row[7]) if row[7] else {}
    return res


def ingest_paths(
    wh: Warehouse,
    paths: Iterable[str | Path],
    options: Options | None = None,
    *,
    replace: bool = False,
    commit_rows: int = DEFAULT_COMMIT_ROWS,
    report: Reporter | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Ingest every table under ``paths`` into the warehouse and account for every line."""
    options = options or Options()
    ensure_schema(wh)
    files, missing = _inputs(paths)
    if on_start:
        on_start(len(files), sum(f.size for f in files))
    loaded = {
        sha: sid for sha, sid in wh.rows("SELECT sha256, source_id FROM sources WHERE status = 'loaded'")
    }
    first_id = int(wh.scalar(sql.next_source_id_sql()))
    producer = _Producer(files, loaded, first_id, options, commit_rows)
    loader = Loader(wh, replace, commit_rows, report)
    if missing:
        loader.commit(list(missing))
    producer.start()
    group: list[Item] = []
    rows = 0
    try:
        while True:
            item = producer.take()
            if item is _DONE:
                break
            assert isinstance(item, PreparedFile | Unchanged | Missing)
            group.append(item)
            if isinstance(item, PreparedFile) and item.frame is not None:
                rows += item.frame.height
            if rows >= commit_rows or len(group) >= MAX_GROUP_FILES:
                loader.commit(group)
                group, rows = [], 0
        if group:
            loader.commit(group)
    finally:
        producer.stop.set()
    return IngestSummary(files=loader.results)
