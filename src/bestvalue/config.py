"""Where the warehouse lives: ``--db PATH``, else ``BESTVALUE_DB``, else ``./bestvalue.duckdb``."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "bestvalue.duckdb"
DB_ENV = "BESTVALUE_DB"


def warehouse_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the warehouse file path from an explicit value, the environment, or the default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(DEFAULT_DB)
