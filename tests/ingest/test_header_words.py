"""Headers that councils we do not hold may use: the alias table's wider wordings, date formats
written into headers, and the needed fields read from a header's words when no alias names them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bestvalue.engine import Warehouse
from bestvalue.ingest.columns import header_candidates, normalise_header
from bestvalue.ingest.layout import detect_layout, map_fields
from bestvalue.ingest.loader import ingest_paths

ALIASES = [
    ("Payment Value", "amount"),
    ("Net Payment", "amount"),
    ("Invoice Amount", "amount"),
    ("Amount Net (£)", "amount"),
    ("Payment Date (DD/MM/YYYY)", "payment_date"),
    ("Cheque Date", "payment_date"),
    ("Payment Run Date", "payment_date"),
    ("Date of Transaction", "payment_date"),
    ("Contractor Name", "supplier_name"),
    ("Creditor Ref", "supplier_id"),
    ("Expenditure Description", "description"),
    ("Description of Goods/Services", "description"),
    ("Responsible Unit", "service_area"),
    ("Department Name", "department"),
    ("Ledger Code", "expense_code"),
    ("Charity Reg No", "charity_number"),
    ("Rev/Cap", "capital_revenue"),
    ("MCC Description", "merchant_category"),
]


@pytest.mark.parametrize(("header", "field"), ALIASES)
def test_wider_aliases(header: str, field: str) -> None:
    assert header_candidates(header)[0].field == field


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Payment Date (DD/MM/YYYY)", "payment date"),
        ("Date dd-mm-yy", "date"),
        ("Transaction Date (yyyy-mm-dd)", "transaction date"),
        ("Amount (£)", "amount"),
        ("Month", "month"),  # a word, not a format
    ],
)
def test_date_formats_leave_the_header(header: str, key: str) -> None:
    assert normalise_header(header) == key


ROWS = [
    ["01/04/2021", "ACME SOFTWARE LTD", "1,234.50", "3214254GC", "12.00", "Annual support"],
    ["02/04/2021", "Beta Stationers", "99.00", "3214255GC", "0.00", "Paper"],
    ["03/04/2021", "Gamma Care Ltd", "-40.00", "3214256GC", "0.00", "Refund"],
]


def test_needed_fields_read_from_the_words_of_unnamed_headers() -> None:
    headers = ["Date Cleared", "Payee Full Name", "Total Paid (GBP)", "Payee Ref", "VAT Paid", "Notes"]
    fields, notes = map_fields(headers, ROWS)
    assert fields["payment_date"] == 0
    assert fields["supplier_name"] == 1
    assert fields["amount"] == 2  # not the VAT column, though its values are amounts too
    assert any("read as amount from its words" in n for n in notes)


def test_words_prefer_net_to_gross() -> None:
    headers = ["Date", "Supplier", "Gross Sum", "Net Sum"]
    rows = [[r[0], r[1], r[2], r[2]] for r in ROWS]
    fields, _ = map_fields(headers, rows)
    assert fields["amount"] == 3


@pytest.mark.parametrize(
    ("headers", "missing"),
    [
        # what a contract is worth is not a payment: a contract register stays refused
        (["Directorate Name", "Supplier Company Name", "Annual Value", "Company Number"], "amount"),
        (["Date", "Supplier", "Estimated Contract Value"], "amount"),
        # codes under a supplier-ish header are not names
        (["Date", "Supplier Type", "Amount"], "supplier_name"),
        # a due date is not a payment date
        (["Date Due", "Supplier", "Amount"], "payment_date"),
    ],
)
def test_words_refuse_what_is_not_the_field(headers: list[str], missing: str) -> None:
    rows = [["01/04/2021", "ACME SOFTWARE LTD", "1,234.50", "3214254GC"][: len(headers)] for _ in range(5)]
    if missing == "supplier_name":
        rows = [["01/04/2021", "SME", "1,234.50"] for _ in range(5)]
    fields, _ = map_fields(headers, rows)
    assert missing not in fields


def test_header_row_found_through_its_words() -> None:
    records = [
        ["Payments over £500, April 2021"],
        ["Organisation", "Date Cleared", "Payee Full Name", "Total Paid (GBP)", "What"],
        *[["Manchester City Council", *r[:3], r[5]] for r in ROWS],
    ]
    layout = detect_layout(records)
    assert layout.header_row_index == 1
    assert layout.describe()["amount"] == "Total Paid (GBP)"


def test_unusual_headers_ingest_end_to_end(warehouse: Warehouse, tmp_path: Path) -> None:
    f = tmp_path / "spend-2021-04.csv"
    f.write_text(
        "Organisation,Date Cleared,Payee Full Name,Payment Value,Expenditure Description,Responsible Unit\n"
        'Manchester City Council,01/04/2021,ACME SOFTWARE LTD,"1,234.50",Software licence,ICT\n'
        "Manchester City Council,02/04/2021,Beta Stationers,99.00,Paper,Finance\n"
        "Manchester City Council,03/04/2021,Gamma Care Ltd,-40.00,Refund,Adults\n",
        encoding="utf-8",
    )
    summary = ingest_paths(warehouse, [f])
    (res,) = summary.files
    assert (res.status, res.loaded, res.rejected, res.amount_loaded) == ("loaded", 3, 0, Decimal("1293.50"))
    rows = warehouse.rows(
        "SELECT payment_date::VARCHAR, supplier_name, description, service_area FROM spend "
        "ORDER BY source_line"
    )
    assert rows[0] == ("2021-04-01", "ACME SOFTWARE LTD", "Software licence", "ICT")
