"""Rules of contract ingest, table by table: identifiers, buyers, OCDS shapes, merging, registers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bestvalue.contracts import sql
from bestvalue.contracts.export import validate_package, write_export
from bestvalue.contracts.identifiers import company_number, name_key, yes_no
from bestvalue.contracts.loader import ingest_contracts
from bestvalue.contracts.ocds import compile_process
from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.reference.councils import council_from_name, resolve_council


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2535986", "02535986"),
        ("02535986", "02535986"),
        (" 0213 5986 ", "02135986"),
        ("sc 123456", "SC123456"),
        ("SC12345", "SC012345"),
        ("GB-COH-00133804", "00133804"),
        ("OC301234", "OC301234"),
        (25459259.0, "25459259"),
        ("Various", None),
        ("-", None),
        ("", None),
        ("0", None),
        ("IP29627R", None),
        ("458577871", None),
        (None, None),
    ],
)
def test_company_numbers(text: object, expected: str | None) -> None:
    assert company_number(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Schofield & Sons Ltd", "schofield and sons"),
        ("Schofield and Sons Limited", "schofield and sons"),
        ("PETER DISPLAYS LTD T/A LIMELIGHT", "peter displays"),
        ("The Growth Company Limited", "growth"),
        ("Beta Services Ltd", "beta"),
        ("QA Ltd.", "qa"),
        ("", None),
        (None, None),
    ],
)
def test_name_keys(name: str | None, expected: str | None) -> None:
    assert name_key(name) == expected


_NAME_TEXT = st.text(alphabet="abcdeLTDltd &.,()/-'0123456789", max_size=30)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_NAME_TEXT, min_size=1, max_size=20),
    st.lists(st.text(alphabet="0123456789SCOsc -.", max_size=12), min_size=1, max_size=20),
)
def test_sql_twins_agree_with_python(names: list[str], numbers: list[str]) -> None:
    wh = open_warehouse(":memory:")
    try:
        for values, sql_of, py in (
            (names, sql.name_key_sql, name_key),
            (numbers, sql.company_number_sql, company_number),
        ):
            got = [
                r[0]
                for r in wh.rows(
                    f"SELECT {sql_of('v')} FROM (SELECT unnest(?::VARCHAR[]) AS v, "
                    "generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i",
                    [values, values],
                )
            ]
            assert got == [py(v) for v in values]
    finally:
        wh.close()


@pytest.mark.parametrize(
    ("buyer", "gss"),
    [
        ("Leeds City Council", "E08000035"),
        ("Leeds Teaching Hospitals NHS Trust", None),
        ("LEEDS CITY COUNCIL", "E08000035"),
        ("City of Doncaster Council", "E08000017"),
        ("London Borough of Merton", "E09000024"),
        ("City & County of Swansea", "W06000011"),
        ("Salford City Council - Procurement", "E08000006"),
        ("NHS Leeds CCG", None),
        ("University of Manchester", None),
        ("Manchester University NHS Foundation Trust", None),
        ("Crown Commercial Service", None),
        ("Durham County Council", "E06000047"),
    ],
)
def test_buyer_names(buyer: str, gss: str | None) -> None:
    found = council_from_name(buyer)
    assert (found.gss_code if found else None) == gss


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes", True),
        ("no", False),
        ("TRUE", True),
        ("N", False),
        ("Various", None),
        ("N/A", None),
        ("", None),
    ],
)
def test_yes_no(text: str, expected: bool | None) -> None:
    assert yes_no(text) is expected


# -- OCDS -------------------------------------------------------------------------------------
def _release(ocid: str, rid: str, date: str, tag: str, **extra: Any) -> dict[str, Any]:
    return {"ocid": ocid, "id": rid, "date": date, "tag": [tag], "initiationType": "tender", **extra}


BUYER = {
    "buyer": {"id": "b", "name": "Leeds City Council"},
    "parties": [
        {"id": "b", "name": "Leeds City Council", "roles": ["buyer"]},
        {
            "id": "s1",
            "name": "One Ltd",
            "roles": ["supplier"],
            "identifier": {"scheme": "GB-COH", "id": "1234567"},
            "details": {"scale": "sme"},
        },
        {"id": "s2", "name": "Two Ltd", "roles": ["supplier"], "details": {"scale": "large", "vcse": False}},
    ],
}


def _award(aid: str, supplier: str, amount: int) -> dict[str, Any]:
    return {
        "id": aid,
        "status": "active",
        "value": {"amount": amount, "currency": "GBP"},
        "suppliers": [{"id": supplier, "name": "One Ltd" if supplier == "s1" else "Two Ltd"}],
        "contractPeriod": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2025-12-31T23:59:59Z"},
    }


def test_reused_award_id_keeps_both_awards_and_updates_stay_one() -> None:
    tender = {
        "tender": {"id": "T1", "title": "Laptops", "classification": {"scheme": "CPV", "id": "30213100"}}
    }
    releases = [
        _release("ocds-x-1", "r1", "2024-01-01T00:00:00Z", "tender", **tender, **BUYER),
        _release("ocds-x-1", "r2", "2024-02-01T00:00:00Z", "award", awards=[_award("1", "s1", 100)], **BUYER),
        # A second award notice reuses award id "1" for another supplier: a different award.
        _release("ocds-x-1", "r3", "2024-03-01T00:00:00Z", "award", awards=[_award("1", "s2", 200)], **BUYER),
        # An update to the first award (same id, same supplier) changes its value.
        _release(
            "ocds-x-1", "r4", "2024-04-01T00:00:00Z", "awardUpdate", awards=[_award("1", "s1", 150)], **BUYER
        ),
    ]
    compiled, notes = compile_process(releases)
    awards = {a["id"]: a for a in compiled["awards"]}
    assert set(awards) == {"1", "1/r3"}
    assert awards["1"]["value"]["amount"] == 150 and awards["1/r3"]["value"]["amount"] == 200
    assert any("reused" in n for n in notes)


def _write(path: Path, doc: Any, lines: bool = False) -> Path:
    text = "\n".join(json.dumps(d) for d in doc) if lines else json.dumps(doc)
    path.write_text(text, encoding="utf-8")
    return path


def test_ocds_shapes_accounting_and_merging_across_files(warehouse: Warehouse, tmp_path: Path) -> None:
    tender = _release(
        "ocds-x-2",
        "t",
        "2024-01-01T00:00:00Z",
        "tender",
        tender={
            "id": "REF-9",
            "title": "Cloud hosting",
            "status": "active",
            "value": {"amount": 5000, "currency": "GBP"},
            "suitability": {"sme": True, "vcse": False},
        },
        **BUYER,
    )
    award = _release(
        "ocds-x-2",
        "a",
        "2024-02-01T00:00:00Z",
        "award",
        awards=[_award("A1", "s1", 4800)],
        bids={
            "statistics": [
                {"id": "1", "measure": "finalStageBids", "value": 3},
                {"id": "2", "measure": "smeFinalStageBids", "value": 2},
            ]
        },
        **BUYER,
    )
    package = {
        "version": "1.1",
        "releases": [
            tender,
            {"not": "a release"},
            {"ocid": "ocds-x-3", "tag": ["tender"]},
            {"url": "https://example.org/r.json", "date": "2024-01-01"},
        ],
    }
    f1 = _write(tmp_path / "package.json", package)
    f2 = _write(tmp_path / "award.jsonl", [award, tender], lines=True)  # the tender again: already loaded
    f3 = _write(
        tmp_path / "records.json",
        {
            "version": "1.1",
            "records": [
                {
                    "ocid": "ocds-x-4",
                    "releases": [{"url": "x", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}],
                    "compiledRelease": _release(
                        "ocds-x-4",
                        "c",
                        "2024-05-01T00:00:00Z",
                        "compiled",
                        tender={"id": "R4", "title": "Compiled only", "status": "complete"},
                        **BUYER,
                    ),
                }
            ],
        },
    )
    summary = ingest_contracts(warehouse, [f1, f2, f3])
    r1, r2, r3 = summary.files
    assert (r1.items, r1.loaded, r1.rejected, r1.skipped) == (4, 1, 2, 1)
    assert r1.reject_reasons == {
        "release has no ocid": 1,
        "release has no date, so it cannot be ordered among its process's releases": 1,
    }
    assert r1.skipped_kinds == {"linked release (a URL, no content)": 1}
    assert (r2.items, r2.loaded, r2.skipped) == (2, 1, 1)
    assert r2.skipped_kinds == {"release already loaded (same ocid, id and date)": 1}
    assert (r3.format, r3.loaded) == ("record_package", 1)
    rows = warehouse.dicts("SELECT * FROM contracts ORDER BY contract_id")
    merged = next(r for r in rows if r["ocid"] == "ocds-x-2")
    # The award (second file) merged with the tender (first file) into one contract.
    assert merged["contract_id"] == "ocds-x-2/A1" and merged["stage"] == "award"
    assert (merged["title"], merged["register_reference"], merged["council_code"]) == (
        "Cloud hosting",
        "REF-9",
        "E08000035",
    )
    assert (merged["final_stage_bids"], merged["sme_final_stage_bids"], merged["suitable_sme"]) == (
        3,
        2,
        True,
    )
    assert [r["ocid"] for r in rows] == ["ocds-x-2", "ocds-x-4"]
    sup = warehouse.dicts("SELECT * FROM contract_suppliers")
    assert [(s["supplier_name"], s["company_number"], s["is_sme"]) for s in sup] == [
        ("One Ltd", "01234567", True)
    ]
    assert warehouse.rows("SELECT count(*) FROM contract_rejects")[0][0] == 2
    # Same files again: unchanged, nothing added.
    again = ingest_contracts(warehouse, [f1, f2, f3])
    assert {f.status for f in again.files} == {"unchanged"}
    assert warehouse.rows("SELECT count(*) FROM ocds_releases")[0][0] == 3


def test_not_contract_data_fails_cleanly(warehouse: Warehouse, tmp_path: Path) -> None:
    bad = tmp_path / "spend.csv"
    bad.write_text("Date,Amount\n01/04/2021,12.00\n", encoding="utf-8")
    summary = ingest_contracts(warehouse, [bad, tmp_path / "missing.json"])
    assert [f.status for f in summary.files] == ["failed", "failed"]
    assert "no header row" in (summary.files[1].error or "") or "no such file" in (
        summary.files[0].error or ""
    )


# -- registers --------------------------------------------------------------------------------
HEADER = [
    "\ufeffDirectorate",
    "Contract Ref",
    "Title",
    "Supplier Name",
    "Company No",
    "SME?",
    "Annual Value",
    "Contract Value",
    "Start Date",
    "End Date",
    "Option to extend (months)",
    "Number of extensions",
    "Extension 1 taken?",
    "Current End Date",
    "ProClass Code",
    "Process Used",
]
REGISTER = (
    ",".join(HEADER)
    + """
Digital,D1,Laptops,Acme Ltd,123456,Yes,"£10,000.00",,01/04/2022,31/03/2024,12,1,,,270000,Open Tender
Digital,D2,Telephony,Beta plc,SC000123,No,,"£50,000",01/04/2020,31/03/2022,24,2,Yes,31/03/2023,270000,\
Direct Award
,,,,,,,,,,,,,,,
Digital,,,,,,,,,,,,,,,
TOTAL,,,,,,,"60,000",,,,,,,,
"""
)


def test_register_rows(warehouse: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "contract_register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    result = ingest_contracts(warehouse, [path], council=resolve_council("Trafford")).files[0]
    assert (result.items, result.loaded, result.rejected, result.skipped) == (5, 2, 1, 2)
    assert result.skipped_kinds == {"blank": 1, "total line": 1}
    rows = {r["register_reference"]: r for r in warehouse.dicts("SELECT * FROM contracts")}
    d1, d2 = rows["D1"], rows["D2"]
    # D1: no total value: annual £10,000 × (24 months + 12 months' extension) / 12 = £30,000.
    assert str(d1["value"]) == "30000.00" and str(d1["max_end_date"]) == "2025-03-31"
    assert (d1["procedure"], d1["procedure_details"], d1["department"]) == ("open", "Open Tender", "Digital")
    # D2: extended to 31/03/2023; one of two extensions taken, 24 months' option from 31/03/2022.
    assert (str(d2["end_date"]), str(d2["original_end_date"]), str(d2["max_end_date"])) == (
        "2023-03-31",
        "2022-03-31",
        "2024-03-31",
    )
    sup = dict(warehouse.rows("SELECT supplier_name, company_number FROM contract_suppliers"))
    assert sup == {"Acme Ltd": "00123456", "Beta plc": "SC000123"}
    assert {r["council_code"] for r in rows.values()} == {"E08000009"}
    res, package = write_export(warehouse, "E08000009")
    assert res.valid and validate_package(package) == []


def test_register_workbook(warehouse: Warehouse, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Contracts register (published quarterly)"])
    ws.append([])
    ws.append(
        [
            "Organisation",
            "Reference",
            "Contract title",
            "Supplier",
            "Total contract value",
            "Start date",
            "Expiry date",
        ]
    )
    ws.append(["Leeds City Council", "L1", "Payroll system", "Gamma Ltd", 120000, "2023-04-01", "2026-03-31"])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    result = ingest_contracts(warehouse, [path]).files[0]
    assert (result.status, result.loaded, result.council) == ("loaded", 1, "E08000035")
    row = warehouse.dicts("SELECT * FROM contracts")[0]
    assert (row["title"], str(row["value"]), str(row["end_date"])) == (
        "Payroll system",
        "120000.00",
        "2026-03-31",
    )


def test_ingest_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bestvalue.cli.app import app

    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    out = runner.invoke(app, ["ingest", "contracts", str(path), "--db", db, "--json"])
    # Without --council the register cannot say whose it is, but it still loads.
    assert out.exit_code == 0, out.output
    first = json.loads(out.output.splitlines()[0])
    assert (first["status"], first["loaded"], first["rejected"]) == ("loaded", 2, 1)
    again = runner.invoke(app, ["ingest", "contracts", str(path), "--db", db, "--json"])
    assert again.exit_code == 0 and json.loads(again.output.splitlines()[0])["status"] == "unchanged"
    table = runner.invoke(app, ["ingest", "contracts", str(path), "--db", db])
    assert table.exit_code == 0 and "Ingest contracts" in table.output


def test_find_a_tender_contract_change_and_termination(warehouse: Warehouse, tmp_path: Path) -> None:
    """UK10/UK11-style releases: an amendment object, a termination, notice types on documents."""
    award = _award("1", "s1", 900000)
    contract = {
        "id": "C1",
        "awardID": "1",
        "status": "active",
        "value": {"amount": 900000, "currency": "GBP"},
        "period": {
            "startDate": "2024-01-01T00:00:00Z",
            "endDate": "2026-12-31T23:59:59Z",
            "maxExtentDate": "2027-12-31T23:59:59Z",
        },
        "documents": [
            {
                "id": "n1",
                "documentType": "contractNotice",
                "noticeType": "UK7",
                "url": "https://www.find-tender.service.gov.uk/Notice/1",
            }
        ],
    }
    changed = {
        **contract,
        "value": {"amount": 950000, "currency": "GBP"},
        "amendments": [{"id": "A1", "date": "2025-01-10T00:00:00Z", "rationale": "Scope increase"}],
        "documents": [{"id": "n2", "documentType": "contractNotice", "noticeType": "UK10"}],
    }
    ended = {
        **changed,
        "status": "terminated",
        "period": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2025-06-30T23:59:59Z"},
        "documents": [{"id": "n3", "documentType": "contractNotice", "noticeType": "UK11"}],
    }
    base = {"tender": {"id": "FTS-1", "title": "Housing repairs system", "status": "complete"}, **BUYER}
    releases = [
        _release(
            "ocds-h0h8ib-1",
            "r1",
            "2024-01-01T00:00:00Z",
            "contract",
            awards=[award],
            contracts=[contract],
            **base,
        ),
        _release(
            "ocds-h0h8ib-1",
            "r2",
            "2025-01-10T00:00:00Z",
            "contractAmendment",
            awards=[award],
            contracts=[changed],
            **base,
        ),
        _release(
            "ocds-h0h8ib-1",
            "r3",
            "2025-06-30T00:00:00Z",
            "contractTermination",
            awards=[award],
            contracts=[ended],
            **base,
        ),
    ]
    path = _write(tmp_path / "fts.json", {"version": "1.1", "releases": releases})
    assert ingest_contracts(warehouse, [path]).files[0].loaded == 3
    row = warehouse.dicts("SELECT * FROM contracts")[0]
    assert (row["contract_id"], row["stage"], row["status"], row["notice_type"]) == (
        "ocds-h0h8ib-1/1",
        "contract",
        "terminated",
        "UK11",
    )
    assert (str(row["value"]), str(row["end_date"])) == ("950000.00", "2025-06-30")
    kinds = sorted(r[0] for r in warehouse.rows("SELECT kind FROM contract_amendments"))
    assert kinds == ["amendment", "contractAmendment", "contractTermination"]
    # A terminated contract is not in the renewal pipeline.
    from bestvalue.contracts.pipeline import renewal_pipeline

    assert renewal_pipeline(warehouse, None, 24, as_of=dt.date(2025, 1, 1)).entries == []
