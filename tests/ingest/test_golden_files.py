"""Golden tests: real excerpts (tests/fixtures/spend, see its README) with values read by hand."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bestvalue.engine import Warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.periods import parse_period
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spend"
D = dt.date


def load(
    wh: Warehouse, name: str, council: str | None = None, period: str | None = None
) -> dict[int, dict[str, Any]]:
    options = Options(
        council=resolve_council(council) if council else None,
        period=parse_period(period) if period else None,
    )
    summary = ingest_paths(wh, [FIXTURES / name], options)
    assert [f.status for f in summary.files] == ["loaded"] * len(summary.files), summary.files
    for f in summary.files:
        assert f.rows == f.loaded + f.rejected + f.skipped
    rows = wh.dicts("SELECT * FROM spend ORDER BY source_id, source_line")
    return {r["source_line"]: r for r in rows}


# file, --council, expected (line → field → value), loaded, skipped kinds
CASES: list[tuple[str, str | None, dict[int, dict[str, Any]], int, dict[str, int]]] = [
    (
        "hyndburn_2025_spacers.csv",
        "Hyndburn",
        {
            2: {
                "payment_date": D(2025, 7, 1),
                "amount": Decimal("1185.60"),
                "supplier_name": "Oyster Partnership",
                "department": "ENVH - Environmental Health",
                "description": "Agency staff - w/c 26.05.25",
                "transaction_number": "CRINV0011119",
            },
            5: {"amount": Decimal("13646.68"), "supplier_name": "Facultatieve Technologies"},
        },
        7,
        {"header": 1},
    ),
    (
        "hyndburn_1701_cp1252.csv",
        "Hyndburn",
        {
            2: {
                "payment_date": D(2017, 1, 4),
                "amount": Decimal("325.00"),
                "supplier_name": "CALVERTON FINANCE LTD",
                "service_area": "HAWORTH ART GALLERY",
                "expense_type": "ADVERTISING GENERAL",
            }
        },
        2,
        {"header": 1},
    ),
    (
        "hyndburn_cr_only.csv",
        "Hyndburn",
        {
            2: {
                "payment_date": D(2019, 10, 15),
                "amount": Decimal("1637.90"),
                "supplier_name": "OFFICE DEPOT",
            },
            3: {
                "payment_date": D(2019, 10, 15),
                "amount": Decimal("338.00"),
                "supplier_name": "THE LAW SOCIETY",
            },
        },
        6,
        {"header": 1},
    ),
    (
        "hyndburn_dd_mon_yy.csv",
        "Hyndburn",
        {
            2: {"payment_date": D(2021, 10, 5), "amount": Decimal("540.00"), "supplier_name": "WEBER UK LTD"},
            6: {"amount": Decimal("4025.10"), "expense_type": "NEW CONTAINERS"},
        },
        5,
        {"header": 1},
    ),
    (
        "hyndburn_long_dates.csv",
        "Hyndburn",
        {
            3: {"payment_date": D(2023, 7, 17), "amount": Decimal("302.50"), "supplier_name": "DVLA"},
            6: {"payment_date": D(2023, 7, 18), "amount": Decimal("370.56"), "supplier_name": "BEVLAN"},
        },
        4,
        {"preamble": 1, "header": 1},
    ),
    (
        "hyndburn_excel_serial_dates.csv",
        "Hyndburn",
        {
            2: {"payment_date": D(2019, 7, 12), "amount": Decimal("910.00"), "supplier_name": "EPCOLLEGE"},
            3: {"payment_date": D(2019, 7, 13), "amount": Decimal("502.44")},
            4: {"payment_date": D(2019, 8, 7), "amount": Decimal("725.00"), "supplier_name": "XICON LIMITED"},
        },
        4,
        {"header": 1},
    ),
    (
        "oxford_expenditure-over-500-apr-jun-2014.csv",
        None,
        {
            2: {
                "payment_date": None,
                "period_start": D(2014, 4, 1),
                "period_end": D(2014, 6, 30),
                "date_basis": "source_period",
                "amount": Decimal("1500.00"),
                "council_code": "E07000178",
                "supplier_name": "OXFORD ROUND TABLE CHARITABLE TRUST",
                "supplier_id": "20000000_46281108",
                "capital_revenue": "revenue",
                "expense_code": "K9534",
            },
            4: {"amount": Decimal("653.00")},
        },
        4,
        {"header": 1},
    ),
    (
        "darlington_2013-07_preamble.csv",
        "Darlington",
        {
            20: {
                "payment_date": None,
                "period_start": D(2013, 6, 1),
                "period_end": D(2013, 6, 30),
                "amount": Decimal("1200.00"),
                "supplier_name": "CBS OUTDOOR LTD",
                "department": "Resources Group",
                "service_area": "Resources",
                "expense_type": "Marketing & Advertising",
            },
            23: {"amount": Decimal("944.10"), "supplier_name": "F C PARRY"},
        },
        5,
        {"preamble": 18, "header": 1},
    ),
    (
        "darlington_2021-04_inserted_detail.csv",
        "Darlington",
        {
            2: {
                "payment_date": D(2021, 4, 6),
                "amount": Decimal("9206.00"),
                "supplier_name": "BISHOPTON PARISH COUNCIL",
                "transaction_number": "11140499",
                "expense_type": "Parish Precepts",
                "expense_group": "NON-BUDGETED",
                "council_category": "NON BUDGETED",
            }
        },
        4,
        {"header": 1},
    ),
    (
        "salford_2018-04_two_row_header.csv",
        None,
        {
            3: {
                "payment_date": D(2018, 4, 2),
                "amount": Decimal("3540.00"),
                "supplier_name": "Adobe Creative Cloud",
                "transaction_number": "bqncamvxm",
                "council_code": "E08000006",
            },
            6: {"amount": Decimal("441.68"), "supplier_name": "Central Power Services Ltd"},
        },
        4,
        {"header": 2},
    ),
    (
        "gateshead_2021-04.csv",
        "Gateshead",
        {
            2: {
                "payment_date": D(2021, 4, 21),
                "period_start": D(2021, 4, 1),
                "period_end": D(2021, 4, 30),
                "amount": Decimal("100.00"),
                "department": "Children, Adults and Families",
                "supplier_name": "Barclaycard - Global Commercial Payments",
                "expense_type": "Indirect Employee Expenses",
                "expense_group": "Employees",
            },
            6: {"amount": Decimal("1488.00"), "department": "Corporate Services & Governance"},
        },
        5,
        {"header": 1},
    ),
    (
        "gateshead_2017-12_trailing_commas.csv",
        "Gateshead",
        {
            2: {
                "payment_date": D(2017, 12, 5),
                "period_start": D(2017, 12, 1),
                "amount": Decimal("10.00"),
                "supplier_name": "O2 (UK) LTD",
            },
            3: {"amount": Decimal("12.52")},
            6: {"payment_date": D(2017, 12, 20)},
        },
        5,
        {"header": 1},
    ),
    (
        "harrogate_2016-12_duplicate_supplier_columns.csv",
        None,
        {
            2: {
                "payment_date": D(2016, 12, 12),
                "amount": Decimal("33.75"),
                "supplier_name": "ALLSTAR BUSINESS SOLUTIONS LTD",
                "supplier_id": "200227",
                "capital_revenue": "revenue",
            },
            5: {"amount": Decimal("224.13"), "supplier_name": "BERENDSEN UK LTD", "supplier_id": "204247"},
        },
        4,
        {"header": 1},
    ),
    (
        "leeds_raw_2020-06.csv",
        None,
        {
            2: {
                "payment_date": D(2020, 6, 24),
                "amount": Decimal("5400.00"),
                "irrecoverable_vat": Decimal("0.00"),
                "supplier_name": "A & V TRANSITIONAL HOMES",
                "description": "Sheltered Accommodation",
                "expense_code": "569",
                "transaction_number": "2006-00001",
                "council_code": "E08000035",
                "capital_revenue": "revenue",
                "is_purchase_card": False,
                "period_start": D(2020, 6, 1),
            }
        },
        4,
        {"header": 1},
    ),
    (
        "wakefield_2021-Q3-card.csv",
        None,
        {
            2: {
                "payment_date": D(2020, 11, 26),
                "amount": Decimal("80.00"),
                "irrecoverable_vat": Decimal("0.00"),
                "supplier_name": "LEVERHULME HOTEL & SPA",
                "council_code": "E08000036",
                "merchant_category": "LODGING-HOTELS,MOTELS,RESORTS-NOT CLASSIFIED",
                "is_purchase_card": True,
                "period_start": D(2020, 12, 1),
                "period_end": D(2020, 12, 31),
            },
            3: {"amount": Decimal("1.75"), "supplier_name": "FACEBOOK"},
        },
        4,
        {"header": 1},
    ),
    (
        "trafford-supplier-spend-2026-27.zip",
        None,
        {
            2: {
                "payment_date": D(2026, 5, 29),
                "amount": Decimal("742.50"),
                "supplier_name": "VLC (Stairlifts) Limited",
                "supplier_id": "3536",
                "proclass_code": "191400",
                "proclass_label": "FACILITIES MGT : Lifts",
                "invoice_number": "68787",
                "vat_number": "GB812311285",
                "transaction_number": "5100509851",
                "service_area": "LIFT REPAIRS & MTCE",
                "council_code": "E08000009",
            },
            5: {"amount": Decimal("-203.01"), "supplier_name": "Groundwork Landscapes Ltd"},
        },
        4,
        {"header": 1},
    ),
]


@pytest.mark.parametrize(
    ("name", "council", "expected", "loaded", "skipped"), CASES, ids=[c[0] for c in CASES]
)
def test_golden_excerpt(
    warehouse: Warehouse,
    name: str,
    council: str | None,
    expected: dict[int, dict[str, Any]],
    loaded: int,
    skipped: dict[str, int],
) -> None:
    rows = load(warehouse, name, council)
    assert len(rows) == loaded
    for line, fields in expected.items():
        for field, value in fields.items():
            assert rows[line][field] == value, (name, line, field)
    kinds = json.loads(warehouse.scalar("SELECT skipped_kinds FROM sources"))
    assert kinds == skipped


def test_headerless_file_borrows_its_siblings_header(warehouse: Warehouse) -> None:
    summary = ingest_paths(
        warehouse,
        [FIXTURES / "hyndburn_headerless" / "March-25-CSV.csv"],
        Options(council=resolve_council("Hyndburn")),
    )
    assert summary.files[0].loaded == 6
    assert any("February-2025-csv.csv" in n for n in summary.files[0].notes)
    rows = {r["source_line"]: r for r in warehouse.dicts("SELECT * FROM spend")}
    assert rows[1]["payment_date"] == D(2025, 3, 4)
    assert rows[1]["amount"] == Decimal("2730.00")
    assert rows[1]["supplier_name"] == "Rhea Projects"
    assert rows[5]["amount"] == Decimal("861.30")


def test_unmapped_columns_are_kept_as_json(warehouse: Warehouse) -> None:
    rows = load(warehouse, "salford_2018-04_two_row_header.csv")
    assert json.loads(rows[6]["extra"]) == {"Gross": "530.02", "VAT": "88.34"}
    rows = load(warehouse, "darlington_2013-07_preamble.csv", "Darlington")
    assert json.loads(rows[20]["extra"])["column_1"] == "INSERTED DETAIL"


def test_period_option_applies_to_files_without_dates(warehouse: Warehouse) -> None:
    rows = load(warehouse, "oxford_expenditure-over-500-apr-jun-2014.csv", period="2014-05")
    assert {(r["period_start"], r["period_end"]) for r in rows.values()} == {(D(2014, 5, 1), D(2014, 5, 31))}
