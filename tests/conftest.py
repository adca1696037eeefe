"""Shared fixtures: real data locations and real DuckDB warehouses."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bestvalue.demo import load_demo
from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.schema import ensure_schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BESTVALUE_SHARED_DATA", ROOT.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real published data; never modified)."""
    if not SHARED.exists():
        pytest.skip(f"real data not found at {SHARED}")
    return SHARED


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    """A fresh, migrated, empty warehouse file."""
    wh = open_warehouse(tmp_path / "test.duckdb")
    ensure_schema(wh)
    yield wh
    wh.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a warehouse built once per session from the bundled demo sample (read it, don't write)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    wh = open_warehouse(path)
    ensure_schema(wh)
    load_demo(wh)
    from bestvalue.pipeline import run_steps

    run_steps(wh)
    wh.checkpoint()
    wh.close()
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Iterator[Warehouse]:
    """A writable copy of the demo warehouse for one test."""
    target = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_db, target)
    wh = open_warehouse(target)
    yield wh
    wh.close()
