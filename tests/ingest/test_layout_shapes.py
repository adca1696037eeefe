"""Shapes councils publish that the stress test cannot make from one real file: amounts as debit
and credit columns, workbooks whose sheets' headers drift, HTML tables with merged cells, currency
headers, VAT-qualified amount headers, month-only dates and dates that prove month-first order late
in a file. Every answer here is worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from bestvalue.engine import Warehouse
from bestvalue.ingest.layout import map_fields
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.markup import html_sheets
from bestvalue.ingest.models import FileResult
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council

OPTIONS = Options(council=resolve_council("Salford"))


def _load(wh: Warehouse, tmp_path: Path, name: str, data: bytes) -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    [result] = ingest_paths(wh, [path], OPTIONS).files
    assert result.status == "loaded", result.error
    assert result.rows == result.loaded + result.rejected + result.skipped
    return result


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _xlsx(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- debit and credit ------------------------------------------------------------------------
def test_debit_minus_credit_per_row(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _csv(
        [
            "Payment Date,Supplier Name,Debit,Credit",
            "01/04/2021,ACME LTD,100.00,",
            "02/04/2021,BETA LTD,,25.50",
            '03/04/2021,GAMMA LTD,"1,050.00",20',
            "04/04/2021,DELTA LTD,,",  # both empty: rejected
            "05/04/2021,EPSILON LTD,n/k,",  # not a number: rejected naming it
            ",Total,1150.00,45.50",  # a totals row: skipped
        ]
    )
    result = _load(warehouse, tmp_path, "2021-04.csv", data)
    assert (result.loaded, result.rejected, result.skipped_kinds) == (3, 2, {"header": 1, "total": 1})
    assert result.amount_loaded == Decimal("1104.50")
    assert "amount read as 'Debit' minus 'Credit', row by row" in result.notes
    amounts = warehouse.rows("SELECT supplier_name, amount FROM spend ORDER BY source_line")
    assert amounts == [
        ("ACME LTD", Decimal("100.00")),
        ("BETA LTD", Decimal("-25.50")),
        ("GAMMA LTD", Decimal("1030.00")),
    ]
    rejects = warehouse.rows("SELECT source_line, reason FROM spend_rejects ORDER BY source_line")
    assert rejects == [(5, "amount missing"), (6, "amount not a number: n/k")]


def test_credits_published_as_negative_numbers_are_still_taken_off(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    data = _csv(
        [
            "Date Paid,Supplier,Expenditure,Income",
            "01/04/2021,ACME LTD,£100.00,",
            "02/04/2021,BETA LTD,,-£25.50",
        ]
    )
    result = _load(warehouse, tmp_path, "2021-04.csv", data)
    assert result.amount_loaded == Decimal("74.50")
    assert "credits are published as negative numbers: each is taken from the debit" in result.notes


@pytest.mark.parametrize(
    ("headers", "amount", "credit"),
    [
        (["Date", "Supplier", "Debit", "Credit"], "Debit", "Credit"),
        (["Date", "Supplier", "Expenditure", "Income"], "Expenditure", "Income"),
        (["Date", "Supplier", "Payments", "Refunds"], "Payments", "Refunds"),
        (["Date", "Supplier", "DR", "CR"], "DR", "CR"),
        (["Date", "Supplier", "Debit", "Notes"], "Debit", None),  # a debit column alone is the amount
        (["Date", "Supplier", "Net Amount", "Credit"], "Net Amount", None),  # a true amount wins
        (["Date", "Supplier", "Expenditure", "Notes"], "Expenditure", None),
    ],
)
def test_amount_pairs_are_recognised(headers: list[str], amount: str, credit: str | None) -> None:
    rows = [["01/04/2021", "ACME LTD", "10.00", ""], ["02/04/2021", "BETA LTD", "", "5.00"]]
    fields, _ = map_fields(headers, rows)
    assert headers[fields["amount"]] == amount
    assert (headers[fields["credit"]] if "credit" in fields else None) == credit


@pytest.mark.parametrize(
    ("headers", "credit_values"),
    [
        (["Date", "Supplier", "Expenditure", "Income"], ["4001", "4002", "4001"]),  # a code on every row
        (["Date", "Supplier", "Debit", "Credit"], ["10.00", "20.00", "7.50"]),  # two figures per row
    ],
)
def test_columns_filled_on_the_same_rows_are_not_debit_and_credit(
    headers: list[str], credit_values: list[str]
) -> None:
    rows = [["01/04/2021", "ACME LTD", "10.00", credit_values[0]]]
    rows += [["02/04/2021", "BETA LTD", "20.00", credit_values[1]], ["03/04/2021", "GAMMA LTD", "", ""]]
    rows += [["04/04/2021", "DELTA LTD", "5.00", credit_values[2]]]
    fields, notes = map_fields(headers, rows)
    assert headers[fields["amount"]] == headers[2]
    assert "credit" not in fields
    assert any("not read as debit and credit" in n for n in notes)


def test_a_credit_column_beside_a_true_amount_stays_in_extra(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _csv(["Payment Date,Supplier Name,Net Amount,Credit", "01/04/2021,ACME LTD,10.00,3.00"])
    _load(warehouse, tmp_path, "2021-04.csv", data)
    amount, extra = warehouse.one("SELECT amount, extra FROM spend")
    assert amount == Decimal("10.00")
    assert json.loads(extra) == {"Credit": "3.00"}


# -- amount headers ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "amount"),
    [
        (["Date", "Supplier", "£"], "£"),
        (["Date", "Supplier", "(£)"], "(£)"),
        (["Date", "Supplier", "GBP"], "GBP"),
        (["Date", "Supplier", "Value (£)"], "Value (£)"),
        (["Date", "Supplier", "Amount £"], "Amount £"),
        (["Date", "Supplier", "Total (inc VAT)"], "Total (inc VAT)"),
        (["Date", "Supplier", "Total (inc VAT)", "Total (ex VAT)"], "Total (ex VAT)"),
        (["Date", "Supplier", "Total ex VAT", "Total incl. VAT"], "Total ex VAT"),
        (["Date", "Supplier", "Gross", "Value excluding VAT"], "Value excluding VAT"),
        (["Date", "Supplier", "VAT", "Amount"], "Amount"),  # a VAT column is never the amount
    ],
)
def test_amount_headers_with_currency_and_vat_words(headers: list[str], amount: str) -> None:
    rows = [["01/04/2021", "ACME LTD", "120.00", "100.00"], ["02/04/2021", "BETA LTD", "60", "50"]]
    fields, _ = map_fields(headers, [r[: len(headers)] for r in rows])
    assert headers[fields["amount"]] == amount


def test_irrecoverable_vat_is_kept_beside_a_net_amount() -> None:
    headers = ["Date", "Supplier", "Amount (inc VAT)", "Amount (ex VAT)", "Irrecoverable VAT"]
    rows = [["01/04/2021", "ACME LTD", "120.00", "100.00", "20.00"]]
    fields, _ = map_fields(headers, rows)
    assert (fields["amount"], fields["irrecoverable_vat"]) == (3, 4)


# -- dates -----------------------------------------------------------------------------------
def test_a_month_only_date_column_is_the_period(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _csv(
        [
            "Payment Date,Supplier Name,Amount",
            "April 2021,ACME LTD,10.00",
            "Apr-21,BETA LTD,20",
            "May 2021,GAMMA,5",
        ]
    )
    result = _load(warehouse, tmp_path, "payments.csv", data)
    assert "column 'Payment Date' holds periods, not dates: read as the period" in result.notes
    assert warehouse.rows(
        "SELECT payment_date, period_start, period_end FROM spend ORDER BY source_line"
    ) == [
        (None, dt.date(2021, 4, 1), dt.date(2021, 4, 30)),
        (None, dt.date(2021, 4, 1), dt.date(2021, 4, 30)),
        (None, dt.date(2021, 5, 1), dt.date(2021, 5, 31)),
    ]


def test_month_first_only_when_the_whole_file_proves_it(warehouse: Warehouse, tmp_path: Path) -> None:
    # 400 rows whose days are all 12 or less, then one that only reads month-first: beyond any
    # sample, it decides the file.
    rows = [f"{1 + i % 12:02d}/{1 + i % 3:02d}/2021,SUPPLIER {i} LTD,1.00" for i in range(400)]
    data = _csv(["Payment Date,Supplier Name,Amount", *rows, "12/25/2021,LATE LTD,1.00"])
    result = _load(warehouse, tmp_path, "payments.csv", data)
    assert result.loaded == 401
    assert "dates read month-first (mm/dd/yyyy): no day above 12 in the first position" in result.notes
    first, last = warehouse.rows("SELECT payment_date FROM spend WHERE source_line IN (2, 402) ORDER BY 1")
    assert (first[0], last[0]) == (dt.date(2021, 1, 1), dt.date(2021, 12, 25))


def test_unprovable_order_stays_day_first(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _csv(["Payment Date,Supplier Name,Amount", "04/01/2021,ACME LTD,1.00", "05/02/2021,BETA LTD,1.00"])
    _load(warehouse, tmp_path, "payments.csv", data)
    dates = [r[0] for r in warehouse.rows("SELECT payment_date FROM spend ORDER BY source_line")]
    assert dates == [dt.date(2021, 1, 4), dt.date(2021, 2, 5)]


# -- workbooks whose sheets' headers drift ---------------------------------------------------
HEADER = ["Payment Date", "Supplier Name", "Amount"]


def test_sheets_with_drifting_headers_are_all_read(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _xlsx(
        [
            ("Apr", [HEADER, ["01/04/2021", "ACME LTD", 10], ["02/04/2021", "BETA LTD", 20]]),
            ("May", [[*HEADER, "Cost Centre"], ["03/05/2021", "GAMMA LTD", 30, "CC1"]]),
            ("Jun", [["Amount", "Date Paid", "Vendor Name"], [40, "04/06/2021", "DELTA LTD"]]),
            ("Suppliers", [["Supplier Name", "Amount"], ["ACME LTD", 10]]),  # no dates: another table
            ("Notes", [["Amounts exclude VAT"]]),
        ]
    )
    result = _load(warehouse, tmp_path, "2021-q1.xlsx", data)
    assert (result.loaded, result.amount_loaded) == (4, Decimal("100.00"))
    assert result.skipped_kinds == {"header": 3, "other_sheet": 3}
    assert "read sheets 'Apr', 'May', 'Jun'" in result.notes
    assert "sheet 'Jun' read with the others: its header differs, its columns mean the same" in result.notes
    assert (
        "sheet 'Suppliers' not read: its columns hold amount, supplier_name, not amount, payment_date, "
        "supplier_name" in result.notes
    )
    assert "sheet 'Notes' not read: no header row naming an amount, a date or a supplier" in result.notes
    got = warehouse.rows("SELECT payment_date, supplier_name, amount, extra FROM spend ORDER BY source_line")
    assert [(d, s, a) for d, s, a, _ in got] == [
        (dt.date(2021, 4, 1), "ACME LTD", Decimal("10.00")),
        (dt.date(2021, 4, 2), "BETA LTD", Decimal("20.00")),
        (dt.date(2021, 5, 3), "GAMMA LTD", Decimal("30.00")),
        (dt.date(2021, 6, 4), "DELTA LTD", Decimal("40.00")),
    ]
    assert json.loads(got[2][3]) == {"Cost Centre": "CC1"}  # the added column is kept


# -- HTML merged cells ----------------------------------------------------------------------
def test_html_rowspan_repeats_the_merged_cell() -> None:
    page = (
        b"<table><tr><th colspan=3>Payments over 500</th></tr>"
        b"<tr><th>Supplier</th><th>Date</th><th>Amount</th></tr>"
        b"<tr><td rowspan=3>ACME LTD</td><td>01/04/2021</td><td>1</td></tr>"
        b"<tr><td>02/04/2021</td><td>2</td></tr>"
        b"<tr><td>03/04/2021</td><td>3</td></tr>"
        b"<tr><td>BETA LTD</td><td rowspan=2 colspan=2>merged</td></tr>"
        b"<tr><td>GAMMA LTD</td></tr>"
        b"<tr><td>DELTA LTD</td><td>04/04/2021</td><td>4</td></tr></table>"
    )
    assert html_sheets(page)[0][1] == [
        ["Payments over 500", "", ""],
        ["Supplier", "Date", "Amount"],
        ["ACME LTD", "01/04/2021", "1"],
        ["ACME LTD", "02/04/2021", "2"],
        ["ACME LTD", "03/04/2021", "3"],
        ["BETA LTD", "merged", ""],
        ["GAMMA LTD", "merged", ""],
        ["DELTA LTD", "04/04/2021", "4"],
    ]
