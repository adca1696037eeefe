"""The renewal pipeline on hand-built registers; expected entries worked out by hand below."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bestvalue.cli.app import app
from bestvalue.contracts.loader import ingest_contracts
from bestvalue.contracts.pipeline import renewal_pipeline
from bestvalue.engine import Warehouse
from bestvalue.reference.councils import resolve_council

AS_OF = dt.date(2024, 1, 1)  # window: 01/01/2024 to 01/07/2025 (18 months)
X, Y = "E08000006", "E08000003"  # Salford (register passed with --council), Manchester (says so itself)

# No council column: the council comes from --council.
HEADER_X = [
    "Reference",
    "Title",
    "Supplier",
    "Total value",
    "Start date",
    "End date",
    "Option to extend (months)",
    "How many extensions",
    "Extension 1 Taken?",
    "Current expiry date",
]
REGISTER_X = (
    ",".join(HEADER_X)
    + """
P1,Case management system,Alpha Ltd,3000000,01/07/2021,30/06/2024,0,0,,
P2,Network services,Bravo Ltd,2500000,01/01/2022,31/12/2024,24,2,,
P3,Print and post,Charlie Ltd,5000000,01/01/2020,31/12/2022,24,1,Yes,31/03/2025
P4,Small licence,Delta Ltd,1000000,01/05/2021,01/05/2024,0,0,,
P5,Long contract,Echo Ltd,4000000,01/01/2021,01/01/2026,0,0,,
P6,Unknown value,Foxtrot Ltd,,01/03/2021,01/03/2024,0,0,,
P7,At the threshold,Golf Ltd,2000000,01/07/2022,01/07/2025,0,0,,
P8,Ended already,Hotel Ltd,9000000,01/07/2020,30/06/2023,0,0,,
"""
)
REGISTER_Y = """Organisation,Contract Ref,Contract Title,Supplier Name,Contract Value,Start Date,End Date
Manchester City Council,M1,Waste collection,India Ltd,9000000,2019-10-01,2024-09-30
"""


@pytest.fixture
def pipeline_wh(warehouse: Warehouse, tmp_path: Path) -> Warehouse:
    (tmp_path / "x.csv").write_text(REGISTER_X, encoding="utf-8")
    (tmp_path / "y.csv").write_text(REGISTER_Y, encoding="utf-8")
    ingest_contracts(warehouse, [tmp_path / "x.csv"], council=resolve_council(X))
    ingest_contracts(warehouse, [tmp_path / "y.csv"])
    return warehouse


def test_pipeline_for_one_council(pipeline_wh: Warehouse) -> None:
    report = renewal_pipeline(pipeline_wh, X, months=18, min_value=Decimal("2000000"), as_of=AS_OF)
    assert report.horizon == dt.date(2025, 7, 1)
    got = [
        (
            e.reference,
            e.end_date,
            e.max_end_date,
            e.action,
            e.estimated_contract_start,
            e.estimated_notice_date,
        )
        for e in report.entries
    ]
    d = dt.date
    assert got == [
        # P1 ends 30/06/2024, no extension: re-procure, new contract from 01/07/2024, notice 6 months before.
        ("P1", d(2024, 6, 30), d(2024, 6, 30), "reprocure", d(2024, 7, 1), d(2024, 1, 1)),
        # P2 ends 31/12/2024 but may run to 31/12/2026 (24 months' extension): extend or re-procure.
        ("P2", d(2024, 12, 31), d(2026, 12, 31), "extend_or_reprocure", d(2025, 1, 1), d(2024, 7, 1)),
        # P3: its one extension was taken, so it now ends 31/03/2025 and cannot run longer.
        ("P3", d(2025, 3, 31), d(2025, 3, 31), "reprocure", d(2025, 4, 1), d(2024, 10, 1)),
        # P7 is worth exactly £2m and ends on the last day of the window.
        ("P7", d(2025, 7, 1), d(2025, 7, 1), "reprocure", d(2025, 7, 2), d(2025, 1, 2)),
    ]
    # P4 is under £2m, P5 ends after the window, P8 ended before it; P6's value is unknown.
    assert report.excluded_unknown_value == 1
    assert report.total_value == Decimal("12500000")  # 3.0 + 2.5 + 5.0 + 2.0 million
    assert [(c.council_code, c.contracts, c.estimated_value) for c in report.councils] == [
        (X, 4, Decimal("12500000"))
    ]
    assert report.entries[0].current_suppliers == "Alpha Ltd"
    assert report.entries[1].extension_available and not report.entries[0].extension_available
    assert report.entries[0].months_to_end == pytest.approx(5.9)
    assert report.notice_required is None  # no spend data to test the £100m threshold


def test_pipeline_without_threshold_and_across_councils(pipeline_wh: Warehouse) -> None:
    report = renewal_pipeline(pipeline_wh, None, months=18, as_of=AS_OF)
    refs = [e.reference for e in report.entries]
    # By end date: P6 01/03, P4 01/05, P1 30/06, M1 30/09/2024, P2 31/12/2024, P3 31/03/2025, P7 01/07/2025.
    assert refs == ["P6", "P4", "P1", "M1", "P2", "P3", "P7"]
    assert [(c.council_code, c.contracts, c.estimated_value) for c in report.councils] == [
        (X, 6, Decimal("13500000")),
        (Y, 1, Decimal("9000000")),
    ]
    short = renewal_pipeline(pipeline_wh, None, months=6, as_of=AS_OF)
    assert [e.reference for e in short.entries] == ["P6", "P4", "P1"]  # window ends 01/07/2024


def test_pipeline_cli(pipeline_wh: Warehouse) -> None:
    path = pipeline_wh.path
    pipeline_wh.close()
    runner = CliRunner()
    out = runner.invoke(
        app,
        [
            "pipeline",
            "--council",
            "Salford",
            "--months",
            "18",
            "--min-value",
            "2000000",
            "--as-of",
            "2024-01-01",
            "--db",
            path,
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [e["reference"] for e in data["entries"]] == ["P1", "P2", "P3", "P7"]
    table = runner.invoke(app, ["pipeline", "--as-of", "2024-01-01", "--db", path])
    assert table.exit_code == 0 and "7 contracts" in table.output
