"""The CLI: ``bestvalue resolve`` and ``bestvalue suppliers explain|list``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bestvalue.cli.app import app
from bestvalue.engine import open_warehouse
from bestvalue.schema import ensure_schema

runner = CliRunner()


def _warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    wh = open_warehouse(path)
    ensure_schema(wh)
    rows = [
        ("E08000009", "Civica UK Ltd"),
        ("E08000009", "Civica UK Ltd"),
        ("E08000006", "CIVICA LIMITED"),
        ("E08000006", "Redacted - Personal Data"),
        ("E08000006", "Mr J Smith"),
    ]
    wh.executemany(
        "INSERT INTO spend (spend_id, source_id, source_line, council_code, period_start, period_end, "
        "date_basis, amount, supplier_name) "
        "VALUES (?, 1, ?, ?, DATE '2024-04-01', DATE '2024-04-30', 'source_period', 10, ?)",
        [[i, i, c, n] for i, (c, n) in enumerate(rows, 1)],
    )
    wh.close()
    return path


def test_resolve_explain_list(tmp_path: Path) -> None:
    db = _warehouse(tmp_path)
    result = runner.invoke(app, ["resolve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 supplier names -> 1 suppliers" in result.output

    result = runner.invoke(app, ["suppliers", "explain", "civica limited", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Supplier Civica UK Ltd" in result.output
    assert "same normalised name 'civica'" in result.output

    result = runner.invoke(app, ["suppliers", "explain", "Mr J Smith", "--db", str(db)])
    assert "never clustered into suppliers" in result.output

    result = runner.invoke(app, ["suppliers", "explain", "Civica UK Ltd", "--db", str(db), "--json"])
    data = json.loads(result.output)
    assert data["supplier"]["aliases"] == 2 and len(data["aliases"]) == 2

    result = runner.invoke(app, ["suppliers", "list", "--db", str(db), "--json"])
    assert [s["name"] for s in json.loads(result.output)] == ["Civica UK Ltd"]
    result = runner.invoke(app, ["suppliers", "list", "--db", str(db)])
    assert result.exit_code == 0 and "Civica" in result.output


def test_resolve_with_overrides_and_json(tmp_path: Path) -> None:
    db = _warehouse(tmp_path)
    overrides = tmp_path / "o.csv"
    overrides.write_text("action,name,other\nsplit,Civica UK Ltd,CIVICA LIMITED\n", encoding="utf-8")
    result = runner.invoke(app, ["resolve", "--db", str(db), "--overrides", str(overrides), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["suppliers"] == 2 and summary["override_rules"] == 1

    result = runner.invoke(app, ["resolve", "--db", str(db), "--overrides", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and "does" in result.output and "not exist" in result.output
