"""Files finished in worker processes load exactly as when finished in the reader thread."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from bestvalue.engine import open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import ensure_schema

SOURCE_COLUMNS = (
    "source_id, file_name, sha256, status, error, council_code, period_start, period_end, period_basis, "
    "encoding, delimiter, read_method, header_line, columns, notes, rows, loaded, rejected, skipped, "
    "skipped_kinds, amount_loaded"
)


def _load(db: Path, folders: list[tuple[Path, str]], workers: int) -> list[list[tuple[object, ...]]]:
    with open_warehouse(db) as wh:
        ensure_schema(wh)
        for folder, council in folders:
            ingest_paths(wh, [folder], Options(council=resolve_council(council)), workers=workers)
        return [
            wh.rows(f"SELECT {SOURCE_COLUMNS} FROM sources ORDER BY source_id"),
            wh.rows("SELECT * FROM spend ORDER BY spend_id"),
            wh.rows("SELECT * FROM spend_rejects ORDER BY source_id, source_line"),
        ]


def test_workers_and_reader_thread_load_the_same(tmp_path: Path, shared_data: Path) -> None:
    # Hyndburn: 107 files in several layouts, some without a header; Harrogate: byte-identical
    # copies (the second is 'unchanged'); plus files that fail, in the middle of a folder.
    mixed = tmp_path / "mixed"
    shutil.copytree(shared_data / "spend" / "odileeds" / "harrogate", mixed)
    (mixed / "clean" / "2021-07.csv").write_text("Supplier,Colour\nACME,blue\n")
    (mixed / "clean" / "2021-07b.csv").write_bytes(b"\x00\x01binary")
    folders = [(shared_data / "spend" / "hyndburn", "Hyndburn"), (mixed, "Harrogate")]
    parallel = _load(tmp_path / "parallel.duckdb", folders, workers=2)
    serial = _load(tmp_path / "serial.duckdb", folders, workers=0)
    assert [len(t) for t in parallel] == [len(t) for t in serial]
    assert parallel == serial
    statuses = {row[3] for row in parallel[0]}
    assert statuses == {"loaded", "failed"}
    assert len(parallel[1]) > 10_000


def test_an_unguarded_script_runs_once(tmp_path: Path, shared_data: Path) -> None:
    """Worker processes do not re-run the caller's script (no ``if __name__ == "__main__"``)."""
    script = tmp_path / "load.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from bestvalue.engine import open_warehouse
            from bestvalue.ingest.loader import ingest_paths
            from bestvalue.ingest.prepare import Options
            from bestvalue.reference.councils import resolve_council
            print("script ran", flush=True)
            wh = open_warehouse({str(tmp_path / "w.duckdb")!r})
            summary = ingest_paths(wh, [{str(shared_data / "spend" / "hyndburn")!r}],
                                   Options(council=resolve_council("Hyndburn")), workers=2)
            print("failed", summary.failed, flush=True)
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["script ran", "failed 0"]
