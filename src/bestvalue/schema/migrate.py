"""Apply ``migrations/NNNN_name.sql`` files in order and record each in ``schema_migrations``."""

from __future__ import annotations

import re
from importlib import resources

from bestvalue.engine import Warehouse
from bestvalue.schema.reference import load_reference_tables


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("bestvalue.schema").joinpath("migrations")
    out = []
    for entry in folder.iterdir():
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if m:
            out.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(out)


SCHEMA_VERSION = max(v for v, _, _ in _migrations())


def current_version(wh: Warehouse) -> int:
    if not wh.has_table("schema_migrations"):
        return 0
    return int(wh.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"))


def ensure_schema(wh: Warehouse) -> int:
    """Bring the warehouse up to the newest schema; returns the version it is now at.

    Each migration runs in its own transaction. A warehouse newer than this code is refused.
    """
    version = current_version(wh)
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"warehouse {wh.path} has schema version {version}, newer than this bestvalue ({SCHEMA_VERSION})"
        )
    if version == SCHEMA_VERSION:
        return version
    if wh.read_only:
        raise RuntimeError(f"warehouse {wh.path} needs migrating; open it writable first")
    with wh.transaction():
        wh.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
    for v, name, sql in _migrations():
        if v <= version:
            continue
        with wh.transaction():
            for statement in _statements(sql):
                wh.execute(statement)
            wh.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [v, name])
    load_reference_tables(wh)
    return SCHEMA_VERSION


def migration_statements(file_name: str) -> list[str]:
    """The statements of one shipped migration file (``0002_suppliers.sql``), comments dropped."""
    path = resources.files("bestvalue.schema").joinpath("migrations", file_name)
    return _statements(path.read_text("utf-8"))


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
