"""Every real spend file in ../shared/data ingests, and every line is accounted for."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.models import FileResult
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import ensure_schema

# Folder → the council a user would name with --council (files that say so themselves win).
SPEND_FOLDERS = {
    "oxford_city": "Oxford",
    "hyndburn": "Hyndburn",
    "trafford": "Trafford",
    "trafford_pcard": "Trafford",
    "odileeds/bradford": "Bradford",
    "odileeds/darlington": "Darlington",
    "odileeds/gateshead": "Gateshead",
    "odileeds/harrogate": "Harrogate",
    "odileeds/leeds": "Leeds",
    "odileeds/manchester": "Manchester",
    "odileeds/salford": "Salford",
    "odileeds/sheffield": "Sheffield",
    "odileeds/wakefield": "Wakefield",
}
# Data rows per body as stated in spend/PROVENANCE.md (ODI Leeds slices).
PROVENANCE_ROWS = {
    "E08000032": 92_584,  # Bradford
    "E06000005": 22_585,  # Darlington
    "E08000037": 149_185,  # Gateshead
    "E07000165": 27_753 - 10_287,  # Harrogate: 24 files of which 7 are byte-identical copies (10,287 rows)
    "E08000003": 39_188,  # Manchester
    "E08000006": 22_918,  # Salford
    "E08000019": 258_758,  # Sheffield
    "E08000036": 202_574,  # Wakefield
}


def _ingest(wh: Warehouse, root: Path, folders: dict[str, str]) -> list[FileResult]:
    results: list[FileResult] = []
    for folder, council in folders.items():
        results += ingest_paths(wh, [root / folder], Options(council=resolve_council(council))).files
    return results


@pytest.fixture(scope="module")
def spend_db(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Warehouse, list[FileResult]]]:
    wh = open_warehouse(tmp_path_factory.mktemp("shared") / "spend.duckdb")
    ensure_schema(wh)
    results = _ingest(wh, shared_data / "spend", SPEND_FOLDERS)
    yield wh, results
    wh.close()


def _check_accounting(wh: Warehouse, results: list[FileResult]) -> None:
    for r in results:
        assert r.rows == r.loaded + r.rejected + r.skipped, r
    mismatched = wh.rows(
        """
        SELECT s.path, s.loaded, count(p.spend_id) FROM sources s LEFT JOIN spend p USING (source_id)
        WHERE s.status = 'loaded' GROUP BY ALL HAVING s.loaded <> count(p.spend_id)
        """
    )
    assert mismatched == []
    bad_rejects = wh.rows(
        """
        SELECT s.path FROM sources s LEFT JOIN spend_rejects r USING (source_id)
        WHERE s.status = 'loaded' GROUP BY s.path, s.rejected HAVING s.rejected <> count(r.source_id)
        """
    )
    assert bad_rejects == []
    orphans = wh.scalar("SELECT count(*) FROM spend WHERE source_id NOT IN (SELECT source_id FROM sources)")
    assert orphans == 0


def test_every_shared_spend_file_loads(spend_db: tuple[Warehouse, list[FileResult]]) -> None:
    wh, results = spend_db
    failed = [(r.file, r.error) for r in results if r.status == "failed"]
    assert failed == []
    assert len(results) == sum(1 for _ in results)  # every file reported once
    _check_accounting(wh, results)


def test_at_least_995_per_mille_of_data_lines_load(spend_db: tuple[Warehouse, list[FileResult]]) -> None:
    wh, _ = spend_db
    loaded, rejected = wh.one("SELECT sum(loaded), sum(rejected) FROM sources WHERE status = 'loaded'") or (
        0,
        0,
    )
    assert loaded / (loaded + rejected) >= 0.995
    per_council = wh.rows(
        "SELECT council_code, sum(loaded), sum(rejected) FROM sources WHERE status = 'loaded' GROUP BY 1"
    )
    for council, n_loaded, n_rejected in per_council:
        assert n_loaded / (n_loaded + n_rejected) >= 0.995, council


def test_row_counts_match_the_provenance_notes(spend_db: tuple[Warehouse, list[FileResult]]) -> None:
    wh, _ = spend_db
    counts = dict(wh.rows("SELECT council_code, count(*) FROM spend GROUP BY 1"))
    for council, rows in PROVENANCE_ROWS.items():
        assert counts[council] == rows, council
    # Leeds: 14 files, of which the raw June 2020 file repeats the clean one in another layout.
    assert counts["E08000035"] == 311_898 - 1


def test_every_row_has_a_council_period_and_amount(spend_db: tuple[Warehouse, list[FileResult]]) -> None:
    wh, _ = spend_db
    missing = wh.one(
        "SELECT count(*) FILTER (WHERE council_code IS NULL), count(*) FILTER (WHERE period_start IS NULL),"
        " count(*) FILTER (WHERE amount IS NULL),"
        " count(*) FILTER (WHERE period_end < period_start) FROM spend"
    )
    assert missing == (0, 0, 0, 0)
    dated = wh.scalar("SELECT avg(CASE WHEN payment_date IS NOT NULL THEN 1 ELSE 0 END) FROM spend")
    assert dated > 0.98


@pytest.mark.slow
def test_every_benchmark_file_loads(shared_data: Path, tmp_path: Path) -> None:
    root = tmp_path / "unpacked"
    for archive in sorted((shared_data / "spend_benchmark").glob("*.tar.gz")):
        with tarfile.open(archive) as tf:
            tf.extractall(root, filter="data")
    wh = open_warehouse(tmp_path / "bench.duckdb")
    ensure_schema(wh)
    bodies = {p.name: p.name for p in root.iterdir() if p.is_dir()}
    results = _ingest(wh, root, bodies)
    failed = [r for r in results if r.status == "failed"]
    # One file in Salford's folder is the council's contract register, not spend: it must fail
    # with a clear reason rather than load as payments.
    assert len(failed) <= 1
    for r in failed:
        assert "no amount column" in (r.error or "")
    _check_accounting(wh, results)
    loaded, rejected = wh.one("SELECT sum(loaded), sum(rejected) FROM sources WHERE status = 'loaded'") or (
        0,
        0,
    )
    assert loaded >= 2_000_000
    assert loaded / (loaded + rejected) >= 0.995
    wh.close()
