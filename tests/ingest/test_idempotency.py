"""Re-ingest, --replace, failed retries, and a process killed mid-load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from bestvalue.cli.app import app
from bestvalue.engine import open_warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spend"
runner = CliRunner()


def ingest_json(db: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = runner.invoke(app, ["ingest", "--db", str(db), "--json", *args])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines


def write_month(path: Path, amounts: list[str]) -> Path:
    rows = "".join(f"Trafford Council,0{i + 1}/04/2021,SUPPLIER {i} LTD,{a}\n" for i, a in enumerate(amounts))
    path.write_text("Body Name,Payment Date,Supplier Name,Amount\n" + rows)
    return path


def test_json_lines_carry_the_promised_fields(tmp_path: Path) -> None:
    code, lines = ingest_json(
        tmp_path / "w.duckdb", str(FIXTURES / "gateshead_2021-04.csv"), "--council", "E08000037"
    )
    assert code == 0
    assert list(lines[0]) == [
        "file",
        "sha256",
        "council",
        "rows",
        "loaded",
        "rejected",
        "skipped",
        "amount_loaded",
        "status",
        "error",
    ]
    assert lines[0]["status"] == "loaded"
    assert lines[0]["council"] == "E08000037"
    assert lines[0]["amount_loaded"] == "1858.83"  # 100 + 100 + 100 + 70.83 + 1488 (hand-added)
    assert (lines[0]["rows"], lines[0]["loaded"], lines[0]["skipped"]) == (6, 5, 1)


def test_same_file_twice_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    target = str(FIXTURES / "leeds_raw_2020-06.csv")
    assert ingest_json(db, target)[1][0]["status"] == "loaded"
    code, lines = ingest_json(db, target)
    assert code == 0
    assert lines[0]["status"] == "unchanged"
    assert lines[0]["loaded"] == 4
    with open_warehouse(db, read_only=True) as wh:
        assert wh.scalar("SELECT count(*) FROM spend") == 4
        assert wh.scalar("SELECT count(*) FROM sources") == 1


def test_replace_swaps_an_amended_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = write_month(tmp_path / "spend-2021-04.csv", ["10.00", "20.00"])
    assert ingest_json(db, str(first))[1][0]["status"] == "loaded"
    amended_dir = tmp_path / "amended"
    amended_dir.mkdir()
    amended = write_month(amended_dir / "spend-2021-04.csv", ["10.00", "25.00", "5.00"])
    # Without --replace an amended file is a second file: both stay (the user decides).
    code, lines = ingest_json(db, str(amended), "--replace")
    assert code == 0
    assert lines[0]["status"] == "replaced"
    with open_warehouse(db, read_only=True) as wh:
        assert wh.scalar("SELECT sum(amount) FROM spend") == 40
        assert wh.rows("SELECT status, replaced_by IS NOT NULL FROM sources ORDER BY source_id") == [
            ("replaced", True),
            ("loaded", False),
        ]
        assert wh.scalar("SELECT count(*) FROM spend WHERE source_id = 1") == 0


def test_a_failed_file_does_not_stop_the_others_and_exits_non_zero(tmp_path: Path) -> None:
    good = write_month(tmp_path / "2021-04.csv", ["1.00"])
    bad = tmp_path / "2021-05.csv"
    bad.write_text("Supplier,Colour\nACME,blue\n")
    code, lines = ingest_json(tmp_path / "w.duckdb", str(good), str(bad), str(tmp_path / "missing.csv"))
    assert code == 1
    statuses = {Path(str(line["file"])).name: line["status"] for line in lines}
    assert statuses == {"2021-04.csv": "loaded", "2021-05.csv": "failed", "missing.csv": "failed"}
    assert all(line["error"] for line in lines if line["status"] == "failed")


def test_unknown_council_option_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", "--db", str(tmp_path / "w.duckdb"), "--council", "Atlantis", "x.csv"]
    )
    assert result.exit_code == 2
    assert "Atlantis" in result.output


def test_killed_process_leaves_only_whole_files(tmp_path: Path, shared_data: Path) -> None:
    """Kill -9 the loader right after its first commit; the warehouse holds whole files only, and a
    re-run finishes the job with the same totals as a clean load."""
    db = tmp_path / "killed.duckdb"
    folder = shared_data / "spend" / "hyndburn"
    script = textwrap.dedent(
        f"""
        import sys
        from bestvalue.engine import open_warehouse
        from bestvalue.ingest.loader import ingest_paths
        from bestvalue.ingest.prepare import Options
        from bestvalue.reference.councils import resolve_council
        wh = open_warehouse({str(db)!r})
        def report(result, size):
            print(result.status, flush=True)
        ingest_paths(wh, [{str(folder)!r}], Options(council=resolve_council("Hyndburn")), commit_rows=0,
                     report=report)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert first.strip() == "loaded"
    with open_warehouse(db) as wh:
        partial_files = wh.scalar("SELECT count(*) FROM sources WHERE status = 'loaded'")
        assert partial_files >= 1
        assert (
            wh.rows(
                "SELECT s.source_id FROM sources s LEFT JOIN spend p USING (source_id) "
                "WHERE s.status = 'loaded' GROUP BY s.source_id, s.loaded "
                "HAVING s.loaded <> count(p.spend_id)"
            )
            == []
        )
        assert (
            wh.scalar("SELECT count(*) FROM spend WHERE source_id NOT IN (SELECT source_id FROM sources)")
            == 0
        )
    code, lines = ingest_json(db, str(folder), "--council", "Hyndburn")
    assert code == 0
    assert {line["status"] for line in lines} <= {"loaded", "unchanged"}
    clean = tmp_path / "clean.duckdb"
    ingest_json(clean, str(folder), "--council", "Hyndburn")
    totals = "SELECT count(*), sum(amount) FROM spend"
    with open_warehouse(db, read_only=True) as a, open_warehouse(clean, read_only=True) as b:
        assert a.one(totals) == b.one(totals)


def test_update_runs_every_step_after_ingest(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest_json(db, str(FIXTURES / "trafford-supplier-spend-2026-27.zip"))
    result = runner.invoke(app, ["update", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    steps = [s["step"] for s in json.loads(result.stdout)]
    assert steps == ["suppliers", "contracts", "classify", "analytics"]
    with open_warehouse(db, read_only=True) as wh:
        assert wh.scalar("SELECT count(*) FROM spend_classification") == 4
        assert wh.scalar("SELECT count(*) FROM spend_suppliers WHERE supplier_id IS NOT NULL") == 4
