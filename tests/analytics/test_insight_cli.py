"""`bestvalue insight …` over the demo warehouse: tables, JSON twins equal to the library, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bestvalue import analytics
from bestvalue.cli.app import app
from bestvalue.engine import open_warehouse

runner = CliRunner()
COMMANDS = ["baseline", "peers", "lockin", "collaborate", "savings", "flags"]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_prints_a_table(demo_db: Path, command: str) -> None:
    result = runner.invoke(app, ["insight", command, "--council", "Gateshead", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert "Gateshead" in result.output or command == "savings"


def test_json_equals_the_library(demo_db: Path) -> None:
    result = runner.invoke(
        app, ["insight", "baseline", "-c", "E08000006", "--year", "2021", "--json", "--db", str(demo_db)]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    wh = open_warehouse(demo_db, read_only=True)
    try:
        direct = json.loads(analytics.baseline(wh, "E08000006", 2021).model_dump_json())
    finally:
        wh.close()
    assert printed == direct


def test_market_and_evidence(demo_db: Path) -> None:
    result = runner.invoke(app, ["insight", "market", "--db", str(demo_db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["insight"] == "market"
    result = runner.invoke(app, ["insight", "market", "--category", "271440", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Software: £") and "HHI" in result.output
    result = runner.invoke(app, ["insight", "market", "--council", "Gateshead", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert "suppliers" in result.output and "CR3" in result.output
    result = runner.invoke(
        app, ["insight", "evidence", "-c", "Salford", "--limit", "3", "--db", str(demo_db)]
    )
    assert result.exit_code == 0, result.output
    assert "lines" in result.output


def test_unknown_council_is_a_clean_error(demo_db: Path) -> None:
    result = runner.invoke(app, ["insight", "baseline", "-c", "Atlantis", "--db", str(demo_db)])
    assert result.exit_code == 2
    assert "no council matches" in result.output


def test_settings_file_and_refresh(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    settings = tmp_path / "mine.yaml"
    settings.write_text("probity:\n  round_sums:\n    min_count: 2\n", encoding="utf-8")
    assert analytics.load_settings(settings).probity.round_sums.min_count == 2
    assert analytics.load_settings(settings).probity.round_sums.unit == 1000  # the rest is kept
    result = runner.invoke(
        app, ["insight", "flags", "-c", "Darlington", "--settings", str(settings), "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert str(settings) in json.loads(result.output)["filters"]["params"]["settings"]
    result = runner.invoke(app, ["insight", "refresh", "--db", str(db)])
    assert result.exit_code == 0 and "insight tables" in result.output
