"""Resolution against the warehouse: read distinct names, resolve them, write the results.

Only distinct names travel to Python (never payment rows); ``spend_suppliers`` is a view joining
``spend`` to the small ``supplier_aliases`` table, so resolving a 2M-row warehouse writes one row
per distinct name.
"""

from __future__ import annotations

import gc
import os
import time
from collections import Counter, defaultdict
from datetime import datetime
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from bestvalue.engine import Warehouse, WarehouseError
from bestvalue.schema.migrate import migration_statements
from bestvalue.suppliers import sql
from bestvalue.suppliers.identifiers import charity_number, company_number, vat_number
from bestvalue.suppliers.models import ResolveSummary
from bestvalue.suppliers.overrides import Overrides, Rule, find_overrides_file, read_overrides
from bestvalue.suppliers.resolver import NameTable, Resolution, resolve
from bestvalue.suppliers.rules import rules_version

_normalisers = {"company": company_number, "charity": charity_number, "vat": vat_number}


@cache
def _norm_id(scheme: str, value: str) -> str | None:
    return _normalisers[scheme](value)


def resolve_warehouse(
    wh: Warehouse, overrides_path: str | os.PathLike[str] | None = None, *, use_default_file: bool = True
) -> ResolveSummary:
    """Resolve every published payee name in the warehouse and store the outcome.

    Overrides come from ``overrides_path``, else ``$BESTVALUE_SUPPLIER_OVERRIDES`` or a
    ``supplier_overrides.csv``/``.yaml`` beside the warehouse (when ``use_default_file``), else the
    rules stored by the previous run.
    """
    started = time.perf_counter()
    enabled = gc.isenabled()
    gc.disable()  # see resolver.resolve: the cycle collector only costs time on these objects
    try:
        return _resolve_warehouse(wh, overrides_path, use_default_file, started)
    finally:
        if enabled:
            gc.enable()


def upgrade_layout(wh: Warehouse) -> bool:
    """Recreate this capability's relations when the warehouse holds an older draft of migration
    0002 (``spend_suppliers`` as a table); returns whether it did. Resolution rebuilds them anyway."""
    if wh.has_table("supplier_runs") and "payments" in wh.columns("supplier_aliases"):
        return False
    kind = wh.scalar("SELECT table_type FROM information_schema.tables WHERE table_name = 'spend_suppliers'")
    with wh.transaction():
        if kind:
            wh.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} spend_suppliers")
        for table in (
            "suppliers",
            "supplier_aliases",
            "supplier_redirects",
            "supplier_overrides",
            "supplier_runs",
        ):
            wh.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in migration_statements("0002_suppliers.sql"):
            wh.execute(statement)
    return True


def _resolve_warehouse(
    wh: Warehouse, overrides_path: str | os.PathLike[str] | None, use_default_file: bool, started: float
) -> ResolveSummary:
    upgrade_layout(wh)
    path = find_overrides_file(overrides_path, wh.path) if overrides_path or use_default_file else None
    overrides = read_overrides(path) if path else _stored_overrides(wh)
    widths = {code: int(width) for code, width in wh.rows(sql.truncation_widths())}
    table, current = _name_table(wh)
    taken = {r[0] for r in wh.rows(sql.issued_ids()) if r[0]}
    issued_before = set(taken)
    result = resolve(table, overrides, taken)
    now = datetime.now()
    with wh.transaction():
        _write_aliases(wh, table, result, current, now)
        _write_suppliers(wh, result, _with_contracts(wh) and _has_flags(wh))
        wh.executemany(sql.add_redirects(), [list(r) for r in result.redirects])
        if path:
            _store_overrides(wh, overrides)
        summary = _summary(table, result, overrides, widths, issued_before, time.perf_counter() - started)
        wh.execute(
            sql.add_run(),
            [
                summary.names,
                summary.suppliers,
                summary.individuals,
                summary.redacted,
                summary.fuzzy_links,
                summary.refused_links,
                overrides.source or ("stored" if overrides.rules else None),
                rules_version(),
                summary.seconds,
            ],
        )
    return summary


def _with_contracts(wh: Warehouse) -> bool:
    """Whether contract supplier names can be read (the contracts capability's tables exist)."""
    if not (wh.has_table("contract_suppliers") and wh.has_table("contracts")):
        return False
    try:
        wh.rows(f"SELECT * FROM ({sql.name_sources(True)}) LIMIT 0")
    except WarehouseError:  # contracts changed shape: resolve spend names only
        return False
    return True


def _has_flags(wh: Warehouse) -> bool:
    return {"is_sme", "is_vcse"} <= set(wh.columns("contract_suppliers"))


def _name_table(wh: Warehouse) -> tuple[NameTable, pa.Table]:
    """One entry per distinct name (sorted), with its most used identifiers; and the SQL frame of
    per-name facts (payments, councils, truncation, first seen) the aliases are written from."""
    contracts = _with_contracts(wh)
    frame = wh.arrow(sql.names(sql.name_sources(contracts), sql.truncation_widths()))
    names: list[str] = frame.column("name").to_pylist()
    current: list[bool] = frame.column("current").to_pylist()
    found: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for name, company, charity, vat, n in wh.rows(sql.identifier_facts(contracts)):
        for scheme, raw in (("company", company), ("charity", charity), ("vat", vat)):
            value = _norm_id(scheme, str(raw)) if raw else None
            if value:
                found[name][scheme][value] += max(int(n), 1)

    def ids(scheme: str) -> list[str | None]:
        stored = frame.column(f"prior_{scheme}").to_pylist()
        out: list[str | None] = [None] * len(names)
        for i, name in enumerate(names):
            seen = found[name].get(scheme) if name in found else None
            if seen:
                out[i] = min(seen.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            elif not current[i]:
                out[i] = stored[i]  # a name no longer published keeps what it was published with
        return out

    table = NameTable(
        names=names,
        rows=frame.column("payments").to_pylist(),
        company=ids("company"),
        charity=ids("charity"),
        vat=ids("vat"),
        truncated=frame.column("truncated").to_pylist(),
        prior_id=frame.column("prior_id").to_pylist(),
        care_only=frame.column("care_only").to_pylist(),
    )
    return table, frame


def _stored_overrides(wh: Warehouse) -> Overrides:
    rows = wh.rows(sql.stored_overrides())
    rules = [Rule(a, n, o, note or "", line or 0) for a, n, o, note, line, _ in rows]
    return Overrides(rules, rows[0][5] if rows else "")


def _store_overrides(wh: Warehouse, overrides: Overrides) -> None:
    delete, insert = sql.replace_overrides()
    wh.execute(delete)
    wh.executemany(
        insert, [[r.line, r.action, r.name, r.other, r.note, overrides.source] for r in overrides.rules]
    )


def _write_aliases(
    wh: Warehouse, table: NameTable, result: Resolution, facts: pa.Table, now: datetime
) -> None:
    first_seen = pc.coalesce(
        facts.column("first_seen").cast(pa.timestamp("us")), pa.scalar(now, pa.timestamp("us"))
    )
    frame = pa.table(
        {
            "published_name": facts.column("name"),
            "name_key": pa.array(result.key, pa.string()),
            "supplier_id": pa.array(result.supplier_id, pa.string()),
            "payee_kind": pa.array(result.kind, pa.string()),
            "method": pa.array(result.method, pa.string()),
            "confidence": pa.array(result.confidence, pa.float64()),
            "evidence": pa.array(result.evidence, pa.string()),
            "company_number": pa.array(table.company, pa.string()),
            "charity_number": pa.array(table.charity, pa.string()),
            "vat_number": pa.array(table.vat, pa.string()),
            "payments": facts.column("payments"),
            "councils": facts.column("councils"),
            "truncated": facts.column("truncated"),
            "first_seen": first_seen,
            "rules_version": pa.array([rules_version()] * len(table), pa.string()),
        }
    )
    delete, insert = sql.replace_aliases("new_supplier_aliases")
    wh.execute(delete)
    with wh.registered("new_supplier_aliases", frame):
        wh.execute(insert)


def _write_suppliers(wh: Warehouse, result: Resolution, contract_flags: bool) -> None:
    sids = sorted(result.display)
    frame = pa.table(
        {
            "supplier_id": pa.array(sids, pa.string()),
            "name": pa.array([result.display[s] for s in sids], pa.string()),
            "is_vcse": pa.array([True if result.vcse.get(s) else None for s in sids], pa.bool_()),
            "legal_form": pa.array([result.legal_form.get(s) for s in sids], pa.string()),
        }
    )
    delete, insert = sql.replace_suppliers("new_suppliers", contract_flags)
    wh.execute(delete)
    with wh.registered("new_suppliers", frame):
        wh.execute(insert)


def _summary(
    table: NameTable,
    result: Resolution,
    overrides: Overrides,
    widths: dict[str, int],
    issued_before: set[str],
    seconds: float,
) -> ResolveSummary:
    kinds = Counter(result.kind)
    sids = {s for s in result.supplier_id if s}
    methods = Counter(m for m, k in zip(result.method, result.kind, strict=True) if k == "supplier")
    return ResolveSummary(
        names=len(table),
        supplier_names=kinds["supplier"],
        suppliers=len(sids),
        individuals=kinds["individual"],
        redacted=kinds["redacted"],
        unknown=kinds["unknown"],
        by_method=dict(sorted(methods.items())),
        fuzzy_links=result.fuzzy_links,
        refused_links=result.refused,
        new_suppliers=len(sids - issued_before),
        retired_ids=len(result.redirects),
        overrides=overrides.source or None,
        override_rules=len(overrides.rules),
        unmatched_rules=[f"{r.action} {r.name!r} {r.other!r}" for r in result.unmatched_rules],
        truncating_councils=widths,
        seconds=round(seconds, 2),
    )
