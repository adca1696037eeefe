"""Every file in ../shared/data/contracts: accounted for, idempotent, linked, exported and read back."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bestvalue.contracts.export import register_ocid, write_export
from bestvalue.contracts.identifiers import company_number
from bestvalue.contracts.loader import ingest_contracts
from bestvalue.contracts.models import ContractIngestSummary
from bestvalue.contracts.suppliers import link_suppliers
from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.schema import ensure_schema

pytestmark = pytest.mark.shared
csv.field_size_limit(1 << 30)


@pytest.fixture(scope="module")
def contracts_dir(shared_data: Path) -> Path:
    return shared_data / "contracts"


@pytest.fixture(scope="module")
def loaded(
    contracts_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Warehouse, ContractIngestSummary]]:
    wh = open_warehouse(tmp_path_factory.mktemp("contracts") / "c.duckdb")
    ensure_schema(wh)
    summary = ingest_contracts(wh, [contracts_dir])
    yield wh, summary
    wh.close()


def _expected_items(path: Path) -> int:
    """Items counted independently of the code under test."""
    if path.suffix == ".jsonl":
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    if path.suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return len(doc["releases"]) if isinstance(doc, dict) and "releases" in doc else len(doc)
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1  # less the header


def test_every_file_is_accounted_for(
    loaded: tuple[Warehouse, ContractIngestSummary], contracts_dir: Path
) -> None:
    wh, summary = loaded
    files = sorted(
        p for p in contracts_dir.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl", ".csv")
    )
    assert len(files) == 1 + 1 + 100 + 73 + 1 + 1
    by_path = {f.file: f for f in summary.files}
    assert set(by_path) == {str(p) for p in files}
    for path in files:
        f = by_path[str(path)]
        assert f.status == "loaded", (path, f.error)
        assert f.items == _expected_items(path), path
        assert f.items == f.loaded + f.rejected + f.skipped
    # The warehouse agrees with the per-file accounting.
    src = wh.rows("SELECT sum(items), sum(loaded), sum(rejected), sum(skipped) FROM contract_sources")[0]
    assert src == (
        sum(f.items for f in summary.files),
        sum(f.loaded for f in summary.files),
        sum(f.rejected for f in summary.files),
        sum(f.skipped for f in summary.files),
    )
    assert wh.rows("SELECT count(*) FROM contract_rejects")[0][0] == src[2]
    # Registers: one contract per row. JSON Lines: 291 releases of 281 processes.
    jsonl = next(f for f in summary.files if f.file.endswith(".jsonl"))
    assert (jsonl.format, jsonl.loaded) == ("json_lines", 291)
    assert (
        wh.rows("SELECT count(DISTINCT ocid) FROM ocds_releases WHERE source_id = ?", [jsonl.source_id])[0][0]
        == 281
    )
    for name, rows, council in (
        ("2022-07.csv", 360, "E08000006"),
        ("norfolk.pipeline.data.json", 2456, "E10000020"),
    ):
        f = next(f for f in summary.files if f.file.endswith(name))
        assert (f.loaded, f.contracts, f.council) == (rows, rows, council)
    # The embedded CSV: one row's release has no date, so it is rejected with that reason.
    embedded = next(f for f in summary.files if f.file.endswith(".csv") and "CHIDs" in f.file)
    assert (embedded.format, embedded.loaded, embedded.rejected) == ("embedded_ocds", 99, 1)
    assert list(embedded.reject_reasons) == [
        "release has no date, so it cannot be ordered among its process's releases"
    ]


def test_same_files_again_are_unchanged(
    loaded: tuple[Warehouse, ContractIngestSummary], contracts_dir: Path
) -> None:
    wh, _ = loaded
    before = wh.rows(
        "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_suppliers), "
        "(SELECT count(*) FROM ocds_releases)"
    )
    again = ingest_contracts(wh, [contracts_dir])
    assert {f.status for f in again.files} == {"unchanged"}
    after = wh.rows(
        "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_suppliers), "
        "(SELECT count(*) FROM ocds_releases)"
    )
    assert before == after


def test_buyers_resolve_to_councils_only_when_they_are_councils(
    loaded: tuple[Warehouse, ContractIngestSummary],
) -> None:
    wh, _ = loaded
    leeds = wh.rows("SELECT DISTINCT council_code FROM contracts WHERE buyer_name = 'Leeds City Council'")
    assert leeds == [("E08000035",)]
    wrong = wh.rows(
        "SELECT buyer_name, council_code FROM contracts WHERE source = 'ocds' AND council_code IS NOT NULL "
        "AND regexp_matches(lower(buyer_name), "
        "'nhs|hospital|university|college|police|fire|ministry|housing|trust')"
    )
    assert wrong == []
    assert wh.rows("SELECT count(DISTINCT council_code) FROM contracts WHERE source = 'ocds'")[0][0] >= 30


def _coh_suppliers(contracts_dir: Path) -> set[tuple[str, str]]:
    out = set()
    for path in (contracts_dir / "contracts_finder_ocds_bluetail" / "json_1_1_supplier_ids_match").glob(
        "*.json"
    ):
        for release in json.loads(path.read_text(encoding="utf-8"))["releases"]:
            for party in release["parties"]:
                ident = party.get("identifier") or {}
                if ident.get("scheme") == "GB-COH" and "supplier" in party.get("roles", []):
                    out.add((release["ocid"], str(ident["id"])))
    return out


def test_companies_house_matched_packages_link_by_gb_coh(
    loaded: tuple[Warehouse, ContractIngestSummary], contracts_dir: Path
) -> None:
    wh, _ = loaded
    expected = _coh_suppliers(contracts_dir)
    assert len(expected) == 213
    rows = wh.rows(
        "SELECT c.ocid, cs.identifier, cs.company_number FROM contract_suppliers cs JOIN contracts c USING "
        "(contract_id) WHERE cs.identifier_scheme = 'GB-COH' AND c.ocid LIKE 'ocds-b5fd17suppliermatch-%'"
    )
    assert {(o, i) for o, i, _ in rows} == expected
    for _ocid, ident, ch in rows:
        assert ch == company_number(ident)  # 8 characters, zero-padded; None only for a 9-digit id
    valid = {company_number(i) for _, i in expected} - {None}
    assert len(valid) >= 180
    # Supplier resolution sees these numbers; contract suppliers then link by them.
    from bestvalue.suppliers.store import resolve_warehouse

    resolve_warehouse(wh, use_default_file=False)
    link_suppliers(wh)
    linked = wh.rows(
        "SELECT cs.company_number, cs.link_method, s.company_number FROM contract_suppliers cs "
        "JOIN contracts c USING (contract_id) LEFT JOIN suppliers s USING (supplier_id) "
        "WHERE c.ocid LIKE 'ocds-b5fd17suppliermatch-%' AND cs.company_number IS NOT NULL"
    )
    assert len(linked) == len({(o, i) for o, i in expected if company_number(i)})
    assert all(method == "company_number" and mine == theirs for mine, method, theirs in linked)


_ID_FIELDS = {"contract_id", "source", "source_id", "ocid", "award_id"}


def _snapshot(wh: Warehouse, code: str, remap: bool) -> dict[str, dict[str, Any]]:
    suppliers: dict[str, list[str]] = {}
    for s in wh.dicts(
        "SELECT cs.* FROM contract_suppliers cs JOIN contracts c USING (contract_id) "
        "WHERE c.council_code = ?",
        [code],
    ):
        s.pop("supplier_id"), s.pop("link_method")
        suppliers.setdefault(s.pop("contract_id"), []).append(json.dumps(s, default=str, sort_keys=True))
    amendments: dict[str, list[str]] = {}
    for a in wh.dicts(
        "SELECT a.* FROM contract_amendments a JOIN contracts c USING (contract_id) WHERE c.council_code = ?",
        [code],
    ):
        amendments.setdefault(a.pop("contract_id"), []).append(json.dumps(a, default=str, sort_keys=True))
    out = {}
    for c in wh.dicts("SELECT * FROM contracts WHERE council_code = ?", [code]):
        cid = c["contract_id"]
        if (
            remap and c["source"] == "register"
        ):  # register contracts come back under the ocid the export gave them
            cid = f"{register_ocid(cid, code, c['register_reference'])}/{cid.rsplit('/', 1)[-1]}"
        row = {k: v for k, v in c.items() if k not in _ID_FIELDS}
        row["extra"] = json.loads(row["extra"]) if row["extra"] else None
        row["suppliers"] = sorted(suppliers.get(c["contract_id"], []))
        row["amendments"] = sorted(amendments.get(c["contract_id"], []))
        out[cid] = row
    return out


def test_export_validates_and_round_trip_is_lossless(
    loaded: tuple[Warehouse, ContractIngestSummary], tmp_path: Path
) -> None:
    """Every council's export validates against the OCDS 1.1 release-package schema, and ingesting
    the exports gives back the same contracts, suppliers and amendments."""
    wh, _ = loaded
    councils = [
        r[0] for r in wh.rows("SELECT DISTINCT council_code FROM contracts WHERE council_code IS NOT NULL")
    ]
    assert len(councils) >= 30
    paths = []
    for code in councils:
        out = tmp_path / f"{code}.json"
        result, package = write_export(wh, code, out)
        assert result.valid, (code, result.errors[:3])
        assert package["version"] == "1.1" and package["releases"]
        paths.append(out)
    fresh = open_warehouse(tmp_path / "again.duckdb")
    ensure_schema(fresh)
    assert {f.status for f in ingest_contracts(fresh, paths).files} == {"loaded"}
    compared = 0
    for code in councils:
        before, after = _snapshot(wh, code, remap=True), _snapshot(fresh, code, remap=False)
        assert set(before) == set(after), code
        for cid, row in before.items():
            back = after[cid]
            for name, value in row.items():
                if value is None and name in ("published_date", "notice_type"):
                    continue  # registers publish neither; the export has to give every release one
                assert back[name] == value, (code, cid, name)
            compared += 1
    fresh.close()
    assert compared >= 3000
