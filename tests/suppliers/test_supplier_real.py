"""Integration on real published files: Trafford's spend (VAT numbers on every row) and the demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import ensure_schema
from bestvalue.suppliers.names import normalise
from bestvalue.suppliers.payees import classify_payee
from bestvalue.suppliers.store import resolve_warehouse

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def trafford(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trafford") / "trafford.duckdb"
    wh = open_warehouse(path)
    ensure_schema(wh)
    ingest_paths(
        wh,
        [shared_data / "spend" / "trafford" / "trafford-supplier-spend-2026-27.zip"],
        Options(council=resolve_council("Trafford")),
    )
    resolve_warehouse(wh, use_default_file=False)
    wh.checkpoint()
    wh.close()
    return path


def test_every_spend_row_has_one_supplier_row(trafford: Path) -> None:
    with open_warehouse(trafford, read_only=True) as wh:
        assert wh.scalar("SELECT count(*) FROM spend") > 30_000
        assert wh.scalar("SELECT count(*) FROM spend_suppliers") == wh.scalar("SELECT count(*) FROM spend")
        assert wh.scalar("SELECT count(DISTINCT spend_id) FROM spend_suppliers") == wh.scalar(
            "SELECT count(*) FROM spend"
        )


def test_redactions_and_people_are_never_suppliers(trafford: Path) -> None:
    with open_warehouse(trafford, read_only=True) as wh:
        hidden = wh.rows("SELECT published_name FROM supplier_aliases WHERE payee_kind <> 'supplier'")
        assert ("Redacted",) in hidden
        assert (
            wh.scalar(
                "SELECT count(*) FROM supplier_aliases WHERE payee_kind <> 'supplier' "
                "AND supplier_id IS NOT NULL"
            )
            == 0
        )
        shown = {r[0] for r in wh.rows("SELECT name FROM suppliers")}
        assert not shown & {r[0] for r in hidden}
        # nothing shown as a supplier name reads as a redaction
        assert not [n for n in shown if classify_payee(n).kind == "redacted"]


def test_vat_numbers_join_name_variants(trafford: Path) -> None:
    with open_warehouse(trafford, read_only=True) as wh:
        # every pair of names published with the same VAT number and the same normalised name
        # is one supplier
        rows = wh.rows(
            "SELECT published_name, vat_number, supplier_id FROM supplier_aliases "
            "WHERE vat_number IS NOT NULL AND payee_kind = 'supplier'"
        )
        groups: dict[tuple[str, str], set[str]] = {}
        for name, vat, supplier in rows:
            groups.setdefault((vat, normalise(name).compact), set()).add(supplier)
        assert groups and all(len(ids) == 1 for ids in groups.values())
        assert wh.scalar("SELECT count(*) FROM supplier_aliases WHERE method = 'identifier'") > 20
        # different organisations of one VAT group stay separate suppliers with one VAT number
        groups = wh.scalar(
            "SELECT count(*) FROM (SELECT vat_number FROM suppliers WHERE vat_number IS NOT NULL "
            "GROUP BY 1 HAVING count(*) > 1)"
        )
        assert groups > 5


def test_rerun_keeps_every_id(trafford: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(trafford.read_bytes())
    with open_warehouse(copy) as wh:
        before = wh.rows("SELECT published_name, supplier_id FROM supplier_aliases ORDER BY 1")
        summary = resolve_warehouse(wh, use_default_file=False)
        assert summary.new_suppliers == 0 and summary.retired_ids == 0
        assert wh.rows("SELECT published_name, supplier_id FROM supplier_aliases ORDER BY 1") == before


def test_demo_pipeline_resolves_every_row(demo_db: Path) -> None:
    with open_warehouse(demo_db, read_only=True) as wh:
        assert wh.scalar("SELECT count(*) FROM spend_suppliers") == wh.scalar("SELECT count(*) FROM spend")
        kinds = dict(wh.rows("SELECT payee_kind, count(*) FROM supplier_aliases GROUP BY 1"))
        assert kinds["supplier"] > 10_000 and kinds["individual"] > 100 and kinds["redacted"] > 0
        # the same supplier in two councils' files is one entity
        assert wh.scalar("SELECT count(*) FROM suppliers WHERE councils >= 2") > 300


def test_demo_warehouse_copy_resolves_again(demo_copy: Warehouse) -> None:
    before = dict(demo_copy.rows("SELECT published_name, supplier_id FROM supplier_aliases"))
    summary = resolve_warehouse(demo_copy, use_default_file=False)
    assert summary.new_suppliers == 0
    assert dict(demo_copy.rows("SELECT published_name, supplier_id FROM supplier_aliases")) == before
