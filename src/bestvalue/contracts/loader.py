"""``ingest contracts``: read each file, account for every item, write it in one transaction.

Every item of a file (an OCDS release or record, a register row) is loaded, rejected with a
reason (``contract_rejects``) or skipped (blank rows, repeated headers, linked releases,
releases already loaded from another file), and ``items = loaded + rejected + skipped`` is
checked per file. A file whose exact bytes (sha256) are already loaded is ``unchanged``.
OCDS releases are stored as published; after each file, the compiled release of every
process it touched is rebuilt from all stored releases of that process, so notices that
arrive in separate files merge into one record.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bestvalue.contracts import sql
from bestvalue.contracts.compiled import contracts_from_compiled
from bestvalue.contracts.identifiers import council_from_path
from bestvalue.contracts.inputs import JSON_SUFFIXES, data_suffix, expand, path_parts, table_records
from bestvalue.contracts.models import ContractFileResult, ContractIngestSummary
from bestvalue.contracts.ocds import (
    NotOcds,
    ReleaseItem,
    compile_process,
    parse_embedded,
    parse_json_text,
    read_ocds,
    release_key,
)
from bestvalue.contracts.records import AMENDMENT_COLUMNS, CONTRACT_COLUMNS, SUPPLIER_COLUMNS, ContractRecord
from bestvalue.contracts.register import RegisterError, read_register
from bestvalue.contracts.suppliers import link_suppliers
from bestvalue.engine import Warehouse
from bestvalue.ingest.inputs import InputError, InputFile
from bestvalue.ingest.text import NotTextError, decode
from bestvalue.reference.councils import Council
from bestvalue.schema import ensure_schema

CHUNK = 500
Reporter = Callable[[ContractFileResult], None]


@dataclass
class Fate:
    """The outcome of one item."""

    status: str  # loaded | rejected | skipped
    reason: str | None = None
    raw: str | None = None


@dataclass
class Prepared:
    """A file read and ready to write."""

    input: InputFile
    sha256: str
    size: int
    source_id: int
    format: str
    fates: dict[int, list[Fate]] = field(default_factory=dict)
    releases: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    records: list[ContractRecord] = field(default_factory=list)
    council: Council | None = None
    columns: dict[str, str] | None = None
    notes: list[str] = field(default_factory=list)

    def fate(self, item: int, fate: Fate) -> None:
        self.fates.setdefault(item, []).append(fate)


def _ocds_items(p: Prepared, items: list[ReleaseItem]) -> None:
    for it in items:
        if it.release is not None:
            p.releases.append((it.item, it.release))
        elif it.reject:
            p.fate(it.item, Fate("rejected", it.reject, it.raw))
        else:
            p.fate(it.item, Fate("skipped", it.skip or "not a release", it.raw))


def _rows_from_dicts(docs: list[Any]) -> list[list[str]] | None:
    """A JSON array of flat objects (a pipeline list) as a table with a header row."""
    rows = docs[0] if len(docs) == 1 and isinstance(docs[0], list) else docs
    if not rows or not all(isinstance(r, dict) for r in rows):
        return None
    headers: list[str] = []
    for r in rows:
        for k in r:
            if k not in headers:
                headers.append(k)

    def cell(v: Any) -> str:
        if v is None:
            return ""
        return json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)

    return [headers] + [[cell(r.get(h)) for h in headers] for r in rows]


def prepare(inp: InputFile, data: bytes, source_id: int, council: Council | None) -> Prepared:
    """Read one file into items, releases and contract rows (no warehouse access)."""
    sha = hashlib.sha256(data).hexdigest()
    p = Prepared(inp, sha, len(data), source_id, "unknown")
    suffix = data_suffix(inp.name)
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in JSON_SUFFIXES or head[:1] in (b"{", b"["):
        text = decode(data).data.decode("utf-8")
        fmt, docs = parse_json_text(text)
        try:
            doc = read_ocds(docs, fmt)
        except NotOcds:
            records = _rows_from_dicts(docs)
            if records is None:
                raise RegisterError("JSON that is neither OCDS nor a list of contract rows") from None
            p.format = "register_json"
            _register(p, records, council)
            return p
        p.format = doc.format
        p.notes += doc.notes
        _ocds_items(p, doc.items)
        return p
    records = table_records(data, inp.name)
    p.format = "register"
    _register(p, records, council)
    return p


def _register(p: Prepared, records: list[list[str]], council: Council | None) -> None:
    path_council = council_from_path(path_parts(p.input))
    table = read_register(records, p.source_id, council, path_council)
    p.columns = table.describe()
    p.notes += table.notes
    if table.embedded_column is not None:
        p.format = "embedded_ocds"
        col = table.embedded_column
        for n, rec in enumerate(records[table.header_index + 1 :], start=table.header_index + 2):
            cell = rec[col] if col < len(rec) else ""
            if not cell.strip():
                p.fate(n, Fate("skipped", "blank"))
                continue
            try:
                doc = parse_embedded(cell)
                items = read_ocds([doc], "json").items
            except (ValueError, SyntaxError, NotOcds, MemoryError, RecursionError) as exc:
                p.fate(n, Fate("rejected", f"cell is not an OCDS document: {str(exc)[:120]}", cell[:2000]))
                continue
            _ocds_items(p, [ReleaseItem(n, it.release, it.reject, it.skip, it.raw) for it in items])
        return
    p.council = table.council
    for row in table.rows:
        if row.record is not None:
            p.records.append(row.record)
            p.fate(row.item, Fate("loaded"))
        elif row.reject:
            p.fate(row.item, Fate("rejected", row.reject, row.raw))
        else:
            p.fate(row.item, Fate("skipped", row.skip or "blank"))


def _existing_keys(wh: Warehouse, ocids: list[str]) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for i in range(0, len(ocids), CHUNK):
        part = ocids[i : i + CHUNK]
        for ocid, _date, _rid, release in wh.rows(sql.release_keys_for(len(part)), part):
            keys.add((ocid, release_key(json.loads(release))))
    return keys


def _recompile(wh: Warehouse, ocids: list[str], source_id: int) -> tuple[list[ContractRecord], list[str]]:
    by_ocid: dict[str, list[dict[str, Any]]] = {}
    for i in range(0, len(ocids), CHUNK):
        part = ocids[i : i + CHUNK]
        for ocid, release in wh.rows(sql.releases_for(len(part)), part):
            by_ocid.setdefault(ocid, []).append(json.loads(release))
    out: list[ContractRecord] = []
    notes: Counter[str] = Counter()
    for ocid in ocids:
        releases = by_ocid.get(ocid, [])
        if not releases:
            continue
        compiled, merge_notes = compile_process(releases)
        notes.update(merge_notes)
        out += contracts_from_compiled(compiled, releases, source_id)
    return out, [f"{n} process(es): {note}" for note, n in notes.most_common()]


def insert_rows(wh: Warehouse, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows at once through an Arrow table (``executemany`` is slow in DuckDB)."""
    if not rows:
        return
    import polars as pl

    frame = pl.DataFrame(rows, schema=list(columns), orient="row", infer_schema_length=None)
    with wh.registered("_contracts_batch", frame):
        wh.execute(sql.insert_select(table, columns, "_contracts_batch"))


def _write_records(wh: Warehouse, records: list[ContractRecord]) -> None:
    ids = [r.contract_id for r in records if r.source != "ocds"]  # ocds rows were cleared by ocid
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        if wh.rows(sql.count_contract_ids(len(part)), part)[0][0]:
            for stmt in sql.delete_contract_ids(len(part)):
                wh.execute(stmt, part)
    insert_rows(wh, "contracts", CONTRACT_COLUMNS, [r.row() for r in records])
    insert_rows(
        wh,
        "contract_suppliers",
        SUPPLIER_COLUMNS,
        [s.row(r.contract_id) for r in records for s in r.suppliers],
    )
    insert_rows(
        wh,
        "contract_amendments",
        AMENDMENT_COLUMNS,
        [a.row(r.contract_id) for r in records for a in r.amendment_records],
    )


def write(wh: Warehouse, p: Prepared) -> ContractFileResult:
    """Write one prepared file in the current transaction; returns its accounting."""
    ocids = sorted({str(r["ocid"]) for _n, r in p.releases})
    existing = _existing_keys(wh, ocids) if ocids else set()
    rows = []
    for n, r in p.releases:
        key = (str(r["ocid"]), release_key(r))
        if key in existing:
            p.fate(n, Fate("skipped", "release already loaded (same ocid, id and date)"))
            continue
        existing.add(key)
        tags = ",".join(str(t) for t in r.get("tag") or []) if isinstance(r.get("tag"), list) else None
        rid = r.get("id")
        rows.append(
            (
                p.source_id,
                n,
                str(r["ocid"]),
                None if rid is None else str(rid),
                str(r["date"]),
                tags,
                json.dumps(r, ensure_ascii=False),
            )
        )
        p.fate(n, Fate("loaded"))
    insert_rows(wh, "ocds_releases", sql.RELEASE_COLUMNS, rows)
    touched = sorted({row[2] for row in rows})
    records = list(p.records)
    if touched:
        for i in range(0, len(touched), CHUNK):
            part = touched[i : i + CHUNK]
            for stmt in sql.delete_contracts_of_ocids(len(part)):
                wh.execute(stmt, part)
        compiled, notes = _recompile(wh, touched, p.source_id)
        p.notes += notes
        records += compiled
    dup = Counter(r.contract_id for r in records)
    if any(n > 1 for n in dup.values()):
        raise RuntimeError(f"contract ids repeat within one file: {[k for k, n in dup.items() if n > 1][:3]}")
    _write_records(wh, records)
    result = _account(p, "loaded")
    result.contracts = len(records)
    rejects = [
        (p.source_id, n, f.reason or "rejected", f.raw)
        for n, fates in sorted(p.fates.items())
        if _item_status(fates) == "rejected"
        for f in fates[:1]
    ]
    insert_rows(wh, "contract_rejects", ("source_id", "item", "reason", "raw_text"), rejects)
    wh.execute(
        sql.insert_source(),
        [
            p.source_id,
            p.input.name,
            p.input.display,
            p.sha256,
            p.size,
            "loaded",
            None,
            p.format,
            p.council.gss_code if p.council else None,
            result.items,
            result.loaded,
            result.rejected,
            result.skipped,
            result.contracts,
            json.dumps(p.columns) if p.columns else None,
            json.dumps(p.notes) if p.notes else None,
        ],
    )
    return result


def _item_status(fates: list[Fate]) -> str:
    statuses = {f.status for f in fates}
    if "loaded" in statuses:
        return "loaded"
    if "rejected" in statuses:
        return "rejected"
    return "skipped"


def _account(p: Prepared, status: str) -> ContractFileResult:
    skipped: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for fates in p.fates.values():
        s = _item_status(fates)
        counts[s] += 1
        if s == "skipped":
            skipped[fates[0].reason or "skipped"] += 1
        elif s == "rejected":
            reasons[next(f.reason for f in fates if f.status == "rejected") or "rejected"] += 1
    result = ContractFileResult(
        file=p.input.display,
        sha256=p.sha256,
        format=p.format,
        council=p.council.gss_code if p.council else None,
        council_name=p.council.name if p.council else None,
        status=status,
        items=len(p.fates),
        loaded=counts["loaded"],
        rejected=counts["rejected"],
        skipped=counts["skipped"],
        skipped_kinds=dict(skipped),
        reject_reasons=dict(reasons),
        source_id=p.source_id,
        notes=p.notes,
    )
    if result.items != result.loaded + result.rejected + result.skipped:  # pragma: no cover - invariant
        raise RuntimeError("accounting does not add up")
    return result


def _failed(wh: Warehouse, inp: InputFile, sha: str, size: int, sid: int, error: str) -> ContractFileResult:
    with wh.transaction():
        wh.execute(
            sql.insert_source(),
            [sid, inp.name, inp.display, sha, size, "failed", error, None, None, 0, 0, 0, 0, 0, None, None],
        )
    return ContractFileResult(file=inp.display, sha256=sha, status="failed", error=error, source_id=sid)


def ingest_contracts(
    wh: Warehouse,
    paths: Iterable[str | Path],
    council: Council | None = None,
    report: Reporter | None = None,
) -> ContractIngestSummary:
    """Load contract files (OCDS or registers) into the warehouse; one transaction per file.

    ``council`` is the council for registers that do not say (it never overrides an OCDS buyer).
    """
    ensure_schema(wh)
    results: list[ContractFileResult] = []
    files: list[InputFile] = []
    for path in paths:
        try:
            files.extend(expand([Path(path)]))
        except InputError as exc:
            results.append(ContractFileResult(file=str(path), sha256="", status="failed", error=str(exc)))
    known: dict[str, int] = {sha: int(sid) for sha, sid in wh.rows(sql.loaded_hashes())}
    next_id = int(wh.rows(sql.next_source_id())[0][0])
    for inp in files:
        try:
            data = inp.read()
        except OSError as exc:
            results.append(
                ContractFileResult(file=inp.display, sha256="", status="failed", error=f"cannot read: {exc}")
            )
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in known:
            result = ContractFileResult(
                file=inp.display, sha256=sha, status="unchanged", source_id=known[sha]
            )
        else:
            sid, next_id = next_id, next_id + 1
            try:
                prepared = prepare(inp, data, sid, council)
                with wh.transaction():
                    result = write(wh, prepared)
                known[sha] = sid
            except (RegisterError, NotTextError, ValueError, UnicodeDecodeError) as exc:
                result = _failed(wh, inp, sha, len(data), sid, str(exc))
            except Exception as exc:  # a bug must not cost the other files
                traceback.print_exc()
                result = _failed(wh, inp, sha, len(data), sid, f"unexpected error: {exc!r}")
        results.append(result)
        if report:
            report(result)
    links = link_suppliers(wh)
    return ContractIngestSummary(files=results, supplier_links=links)
