"""The pipeline step on the bundled demo sample (five councils' real FY2021-22 spend)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bestvalue.cli.app import app
from bestvalue.engine import Warehouse, open_warehouse


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Warehouse:
    return open_warehouse(demo_db, read_only=True)


def test_every_spend_row_has_one_classification_with_a_reason(demo: Warehouse) -> None:
    spend = demo.scalar("SELECT count(*) FROM spend")
    assert spend > 100_000
    assert demo.scalar("SELECT count(*) FROM spend_classification") == spend
    assert demo.scalar("SELECT count(DISTINCT spend_id) FROM spend_classification") == spend
    assert demo.scalar("SELECT count(*) FROM spend_classification WHERE coalesce(trim(reason), '') = ''") == 0


def test_ict_is_found_and_codes_are_proclass(demo: Warehouse) -> None:
    it_rows = demo.scalar("SELECT count(*) FROM spend_classification WHERE is_it")
    assert it_rows > 1000
    bad = demo.scalar(
        "SELECT count(*) FROM spend_classification c LEFT JOIN proclass p ON p.code = c.proclass_code "
        "WHERE c.proclass_code IS NOT NULL AND (p.code IS NULL OR p.level1_code <> c.proclass_level1)"
    )
    assert bad == 0
    mismatch = demo.scalar(
        "SELECT count(*) FROM spend_classification c JOIN proclass p ON p.code = c.proclass_code "
        "WHERE c.is_it <> p.is_ict"
    )
    assert mismatch == 0
    methods = {m for (m,) in demo.rows("SELECT DISTINCT method FROM spend_classification")}
    assert {"council_category", "supplier_profile", "text_model"} <= methods


def test_train_on_the_demo(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.npz"
    result = CliRunner().invoke(app, ["classify", "train", "--db", str(demo_db), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.stat().st_size < 5_000_000
