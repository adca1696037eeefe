"""Files are laid out in order and staged on several threads: results, ids and rows stay in input
order, and a copy of a file is `unchanged` only when the first copy staged without error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bestvalue.engine import Warehouse
from bestvalue.ingest import loader
from bestvalue.ingest.loader import STAGE_AHEAD, ingest_paths
from bestvalue.ingest.prepare import Options, PlannedFile, PreparedFile
from bestvalue.reference.councils import resolve_council


def month(i: int, rows: int) -> str:
    lines = "".join(
        f"Trafford Council,{d + 1:02d}/04/2021,SUPPLIER {i}-{d} LTD,{i}.{d:02d}\n" for d in range(rows)
    )
    return "Body Name,Payment Date,Supplier Name,Amount\n" + lines


def folder(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    path.mkdir()
    return path


def test_many_files_keep_input_order(tmp_path: Path, warehouse: Warehouse) -> None:
    # Sizes vary so that later files may finish staging before earlier ones.
    tmp_path = folder(tmp_path)
    sizes = [28 if i % 3 == 0 else 1 + i % 5 for i in range(4 * STAGE_AHEAD + 3)]
    for i, n in enumerate(sizes):
        (tmp_path / f"spend-{i:02d}.csv").write_text(month(i, n))
    summary = ingest_paths(warehouse, [tmp_path])
    assert [Path(r.file).name for r in summary.files] == [f"spend-{i:02d}.csv" for i in range(len(sizes))]
    assert [r.source_id for r in summary.files] == list(range(1, len(sizes) + 1))
    assert [r.loaded for r in summary.files] == sizes
    lines = warehouse.rows("SELECT source_id, source_line FROM spend ORDER BY rowid")
    assert lines == [(i + 1, d + 2) for i, n in enumerate(sizes) for d in range(n)]


def test_copy_of_a_loaded_file_is_unchanged(tmp_path: Path, warehouse: Warehouse) -> None:
    tmp_path = folder(tmp_path)
    text = month(7, 5)
    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text(text if name != "c.csv" else month(8, 3))
    files = ingest_paths(warehouse, [tmp_path]).files
    assert [(r.status, r.source_id) for r in files] == [("loaded", 1), ("unchanged", 1), ("loaded", 2)]
    assert warehouse.scalar("SELECT count(*) FROM spend") == 8


def test_copy_of_a_failed_file_is_tried_again(tmp_path: Path, warehouse: Warehouse) -> None:
    # No council column and no --council: the file fails when staged, and so does its copy.
    tmp_path = folder(tmp_path)
    text = "Payment Date,Supplier Name,Amount\n01/04/2021,ACME LTD,10.00\n"
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(text)
    files = ingest_paths(warehouse, [tmp_path]).files
    assert [r.status for r in files] == ["failed", "failed"]
    assert all("cannot tell which council" in (r.error or "") for r in files)
    # With the council given, the first copy loads and the second is unchanged.
    files = ingest_paths(warehouse, [tmp_path], Options(council=resolve_council("Trafford"))).files
    assert [r.status for r in files] == ["loaded", "unchanged"]


def test_a_crash_while_staging_or_planning_fails_that_file_only(
    tmp_path: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the real plan and stage steps, made to raise for one file each (a bug)."""
    tmp_path = folder(tmp_path)
    for i in range(5):
        (tmp_path / f"spend-{i}.csv").write_text(month(i, 3))

    def failing(step: Callable[..., PreparedFile | PlannedFile], name: str) -> Callable[..., object]:
        def run(*args: Any, **kwargs: Any) -> object:
            first = args[0]
            inp = first.prepared.input if isinstance(first, PlannedFile) else first
            if inp.name == name:
                raise RuntimeError("injected")
            return step(*args, **kwargs)

        return run

    monkeypatch.setattr(loader, "plan_file", failing(loader.plan_file, "spend-1.csv"))
    monkeypatch.setattr(loader, "stage_file", failing(loader.stage_file, "spend-3.csv"))
    files = ingest_paths(warehouse, [tmp_path]).files
    assert [r.status for r in files] == ["loaded", "failed", "loaded", "failed", "loaded"]
    injected = "unexpected error: RuntimeError('injected')"
    assert [r.error for r in files if r.status == "failed"] == [injected, injected]
    assert warehouse.scalar("SELECT count(*) FROM spend") == 9
