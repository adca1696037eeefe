"""General rules the layout stress test asked for: workbooks of one sheet per month (and sheets whose
headers drift), totals rows labelled in a column no field maps, a weak amount alias yielding to a net
amount; and shapes the stress test cannot make from one real file: amounts as debit and credit
columns, HTML tables with merged cells, currency and VAT-qualified amount headers, month-only dates
and dates that prove month-first order late in a file. Every answer here is worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from bestvalue.engine import Warehouse
from bestvalue.ingest.layout import header_of, map_fields
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.markup import MarkupError, html_sheets, spreadsheetml_sheets
from bestvalue.ingest.models import FileResult
from bestvalue.ingest.prepare import Options
from bestvalue.ingest.text import unwrap_excel_text
from bestvalue.reference.councils import resolve_council

OPTIONS = Options(council=resolve_council("Salford"))
HEADER = ["Payment Date", "Supplier Name", "Amount"]


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


def _load(wh: Warehouse, tmp_path: Path, name: str, data: bytes) -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    [result] = ingest_paths(wh, [path], OPTIONS).files
    assert result.status == "loaded", result.error
    assert result.rows == result.loaded + result.rejected + result.skipped
    return result


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_every_sheet_with_the_same_header_is_read(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _xlsx(
        [
            ("Notes", [["About this data"], ["One sheet per month"]]),
            ("Apr", [HEADER, ["01/04/2021", "ACME LTD", 10], ["02/04/2021", "BETA LTD", 20]]),
            ("May", [["May payments"], HEADER, ["03/05/2021", "GAMMA LTD", 30]]),
            ("Jun", [["payment date", "SUPPLIER NAME", "amount", None], ["04/06/2021", "DELTA LTD", 40]]),
            ("Summary", [["Supplier", "Total"], ["ACME LTD", 10]]),  # another table: not read
        ]
    )
    result = _load(warehouse, tmp_path, "2021-q1.xlsx", data)
    assert result.loaded == 4
    assert result.amount_loaded == Decimal("100.00")
    assert result.skipped_kinds == {"other_sheet": 4, "header": 3, "preamble": 1}
    assert "read sheets 'Apr', 'May', 'Jun' (same header)" in result.notes
    lines = [r[0] for r in warehouse.rows("SELECT source_line FROM spend ORDER BY source_line")]
    assert len(set(lines)) == 4  # one line number per record across the sheets


def test_the_payments_sheet_is_read_whatever_comes_before_it(warehouse: Warehouse, tmp_path: Path) -> None:
    payments = [[f"{d:02d}/04/2021", f"SUPPLIER {d} LTD", d * 10] for d in range(1, 11)]
    data = _xlsx(
        [
            ("Summary", [["Supplier", "Total"], ["SUPPLIER 1 LTD", 10], ["SUPPLIER 2 LTD", 20]]),
            # more rows than the payments, but no amount: a supplier list, not payments
            ("Suppliers", [["Supplier Name", "Supplier ID"], *[[f"SUPPLIER {i} LTD", i] for i in range(40)]]),
            ("Data", [HEADER, *payments]),
        ]
    )
    result = _load(warehouse, tmp_path, "2021-04.xlsx", data)
    assert (result.loaded, result.amount_loaded) == (10, Decimal("550.00"))
    assert result.skipped_kinds == {"other_sheet": 44, "header": 1}
    assert "read sheet 'Data'" in result.notes


@pytest.mark.parametrize(
    ("label_column", "label"),
    [(0, "Total"), (0, "GRAND TOTAL"), (0, "Sub-total"), (1, "Totals"), (2, "Total"), (2, "Grand Total:")],
)
def test_totals_label_in_an_unmapped_column_is_a_total(
    warehouse: Warehouse, tmp_path: Path, label_column: int, label: str
) -> None:
    header = ["Ref", "Notes", *HEADER]
    totals = ["", "", "", "", "30.00"]
    totals[label_column] = label
    rows = [header, ["", "", "01/04/2021", "ACME LTD", "10.00"], ["", "", "02/04/2021", "BETA LTD", "20.00"]]
    text = "\n".join(",".join(r) for r in [*rows, totals]) + "\n"
    result = _load(warehouse, tmp_path, "2021-04.csv", text.encode())
    assert (result.loaded, result.rejected, result.skipped_kinds.get("total")) == (2, 0, 1)
    assert result.amount_loaded == Decimal("30.00")


def test_a_row_naming_a_supplier_total_is_still_data(warehouse: Warehouse, tmp_path: Path) -> None:
    text = "Notes,Payment Date,Supplier Name,Amount\nTotal cost,01/04/2021,TOTAL GAS & POWER LTD,10.00\n"
    result = _load(warehouse, tmp_path, "2021-04.csv", text.encode())
    assert result.loaded == 1


ROWS = [["01/04/2021", "ACME LTD", "120.00", "20.00", "100.00"], ["02/04/2021", "BETA LTD", "60", "10", "50"]]


@pytest.mark.parametrize(
    ("headers", "amount"),
    [
        (["Date", "Supplier", "Gross", "VAT", "Net Amount Paid"], "Net Amount Paid"),
        (["Date", "Supplier", "Total", "VAT", "Net Value of Invoice"], "Net Value of Invoice"),
        (["Date", "Supplier", "Gross", "VAT", "Net"], "Net"),  # both by alias: net ranks first
        (["Date", "Supplier", "Gross", "VAT", "Paid Amount Excluding"], "Gross"),  # no better word
        (["Date", "Supplier", "Amount", "VAT", "Net Amount Paid"], "Amount"),  # a strong alias stays
    ],
)
def test_a_weak_amount_alias_yields_to_a_net_amount(headers: list[str], amount: str) -> None:
    fields, _ = map_fields(headers, ROWS)
    assert headers[fields["amount"]] == amount


@pytest.mark.parametrize(
    ("top", "sub", "merged"),
    [
        (
            ["Supplier", "Payment", "Amount"],
            ["Name", "Date", ""],
            ["Supplier Name", "Payment Date", "Amount"],
        ),
        (
            ["Date", "Vendor", "Amount", "", ""],
            ["of Payment", "", "Gross", "VAT", "Net"],
            ["Date of Payment", "Vendor", "Gross", "VAT", "Net"],
        ),  # "Amount Gross" names nothing: "Gross"
    ],
)
def test_two_row_headers_read_together_when_that_names_a_field(
    top: list[str], sub: list[str], merged: list[str]
) -> None:
    rows = [top, sub, ["01/04/2021", "ACME LTD", "10.00", "0", "10.00"][: len(top)]]
    assert header_of(rows) == merged


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ('a,="01/04/2021",="0012"\n', 'a,"01/04/2021","0012"\n', 2),
        ('="x";b\r\nc;="y"\r\n', '"x";b\r\nc;"y"\r\n', 2),
        ('a,b="c",d\n', 'a,b="c",d\n', 0),  # inside a cell: left alone
        ('a,"x=""y""",b\n', 'a,"x=""y""",b\n', 0),
    ],
)
def test_excel_text_formulas_become_quoted_fields(text: str, expected: str, count: int) -> None:
    assert unwrap_excel_text(text) == (expected, count)


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><p>No data this month</p></body></html>",
        b"\xef\xbb\xbf\r\n<!DOCTYPE html><html></html>",
        b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
        b'<?xml version="1.0"?><Workbook><unclosed></Workbook>',
    ],
)
def test_markup_without_a_table_fails_with_the_reason(
    warehouse: Warehouse, tmp_path: Path, page: bytes
) -> None:
    path = tmp_path / "2021-04.xls"
    path.write_bytes(page)
    [result] = ingest_paths(warehouse, [path], OPTIONS).files
    assert result.status == "failed"
    assert result.file.endswith("2021-04.xls")
    assert result.error and "not a workbook" in result.error


def test_html_table_cells_spans_and_nested_tables() -> None:
    page = (
        b"<html><table><tr><td>layout<table><tr><td>nested</td></tr></table></td></tr></table>"
        b"<table><tr><th>Payment Date</th><th colspan=2>Supplier</th><th>Amount</th></tr>"
        b"<tr><td>01/04/2021</td><td>ACME&nbsp;LTD</td><td>x</td><td>1,234.50</td></tr></table></html>"
    )
    sheets = html_sheets(page)[0]
    assert sheets[1][1] == [
        ["Payment Date", "Supplier", "", "Amount"],
        ["01/04/2021", "ACME LTD", "x", "1,234.50"],
    ]


def test_xml_spreadsheet_index_gaps() -> None:
    xml = (
        b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Apr"><Table>'
        b'<Row><Cell><Data ss:Type="String">Date</Data></Cell><Cell ss:Index="3"><Data ss:Type="String">'
        b'Amount</Data></Cell></Row><Row ss:Index="3"><Cell><Data ss:Type="DateTime">2021-04-01T00:00:00.000'
        b"</Data></Cell></Row></Table></Worksheet></Workbook>"
    )
    assert spreadsheetml_sheets(xml)[0] == [("Apr", [["Date", "", "Amount"], [], ["2021-04-01"]])]


def test_xml_spreadsheet_index_beyond_excel_limits_is_refused() -> None:
    xml = (
        b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Apr"><Table>'
        b'<Row ss:Index="999999999"><Cell><Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet>'
        b"</Workbook>"
    )
    with pytest.raises(MarkupError, match="beyond a worksheet"):
        spreadsheetml_sheets(xml)


def test_text_table_saved_as_xls_is_read_as_text(warehouse: Warehouse, tmp_path: Path) -> None:
    text = "Payment Date\tSupplier Name\tAmount\r\n01/04/2021\tACME LTD\t10.00\r\n"
    result = _load(warehouse, tmp_path, "2021-04.xls", text.encode())
    assert result.loaded == 1
    assert "not a workbook despite its .xls name: read as a text table" in result.notes


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


@pytest.mark.parametrize(
    ("header", "row", "amount", "extra"),
    [
        # a credit column beside a true amount stays in extra
        (
            "Payment Date,Supplier Name,Net Amount,Credit",
            "01/04/2021,ACME LTD,10.00,3.00",
            "10.00",
            {"Credit": "3.00"},
        ),
        # the published marker is kept in extra beside the amount it signs
        ("Payment Date,Supplier Name,Amount,Dr/Cr", "01/04/2021,ACME LTD,30.00,C", "-30.00", {"Dr/Cr": "C"}),
    ],
)
def test_published_columns_beside_the_amount_stay_in_extra(
    warehouse: Warehouse, tmp_path: Path, header: str, row: str, amount: str, extra: dict[str, str]
) -> None:
    _load(warehouse, tmp_path, "2021-04.csv", _csv([header, row]))
    got, published = warehouse.one("SELECT amount, extra FROM spend")
    assert got == Decimal(amount)
    assert json.loads(published) == extra


def test_a_debit_credit_marker_makes_credits_negative(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _csv(
        [
            "Payment Date,Supplier Name,Amount,Dr/Cr",
            "01/04/2021,ACME LTD,100.00,D",
            "02/04/2021,BETA LTD,25.50,C",
            "03/04/2021,GAMMA LTD,-10.00,CR",  # signed and marked: still one credit
            "04/04/2021,DELTA LTD,(5.00),Dr",  # a debit as published
            "05/04/2021,EPSILON LTD,7.00,Cr.",
            "06/04/2021,ZETA LTD,n/k,C",  # not a number: rejected naming it
        ]
    )
    result = _load(warehouse, tmp_path, "2021-04.csv", data)
    assert (result.loaded, result.rejected) == (5, 1)
    assert "amounts marked as credits in column 'Dr/Cr' read as negative" in result.notes
    assert [r[0] for r in warehouse.rows("SELECT amount FROM spend ORDER BY source_line")] == [
        Decimal("100.00"),
        Decimal("-25.50"),
        Decimal("-10.00"),
        Decimal("-5.00"),
        Decimal("-7.00"),
    ]
    assert warehouse.rows("SELECT reason FROM spend_rejects") == [("amount not a number: n/k",)]


@pytest.mark.parametrize(
    ("header", "rows", "net", "kept"),
    [
        (  # a weak debit alias paired with Income, and a column of net figures named by its words
            "Date,Supplier,Service,Expenditure,Income,Net Expenditure",
            ["01/04/2023,ACME LTD,Parks,100.00,,100.00", "02/04/2023,BOB LTD,Parks,,20.00,-20.00"],
            "Net Expenditure",
            {"Expenditure": "100.00", "Income": None},
        ),
        (
            "Date,Supplier,Gross,Debit,Credit,Net Value Paid",
            ["01/04/2023,ACME LTD,120,100,,100", "02/04/2023,BOB LTD,-24,,20,-20"],
            "Net Value Paid",
            {"Gross": "120", "Debit": "100", "Credit": None},
        ),
    ],
)
def test_a_net_column_named_by_its_words_wins_over_the_pair(
    warehouse: Warehouse, tmp_path: Path, header: str, rows: list[str], net: str, kept: dict[str, str | None]
) -> None:
    # The credit is already in the net figure: taking it off again would count it twice.
    result = _load(warehouse, tmp_path, "2021-04.csv", _csv([header, *rows]))
    assert result.amount_loaded == Decimal("80.00")
    got = warehouse.rows("SELECT amount, extra FROM spend ORDER BY source_line")
    assert [a for a, _ in got] == [Decimal("100.00"), Decimal("-20.00")]
    assert json.loads(got[0][1]) == kept
    assert net not in json.loads(got[0][1])
    credit = next(k for k, v in kept.items() if v is None)
    assert f"column {credit!r} kept as extra: the amount is {net!r}, net of credits" in result.notes
    assert not any("minus" in n or "published as debit and credit" in n for n in result.notes), result.notes


def test_the_published_debit_and_credit_are_kept_in_extra(warehouse: Warehouse, tmp_path: Path) -> None:
    data = _csv(
        ["Payment Date,Supplier Name,Debit,Credit", "01/04/2021,ACME LTD,200.00,", "02/04/2021,BOB,,50"]
    )
    _load(warehouse, tmp_path, "2021-04.csv", data)
    got = warehouse.rows("SELECT amount, extra FROM spend ORDER BY source_line")
    assert [(a, json.loads(e)) for a, e in got] == [
        (Decimal("200.00"), {"Debit": "200.00", "Credit": None}),
        (Decimal("-50.00"), {"Debit": None, "Credit": "50"}),
    ]


@pytest.mark.parametrize(
    ("marks", "marked"),
    [(["D", "C", "D"], True), (["Debit", "Credit", "Debit"], True), (["A1", "B2", "C3"], False)],
)
def test_a_marker_column_must_hold_marks(marks: list[str], marked: bool) -> None:
    headers = ["Date", "Supplier", "Amount", "Debit/Credit"]
    rows = [["01/04/2021", "ACME LTD", "10.00", m] for m in marks]
    fields, _ = map_fields(headers, rows)
    assert ("debit_credit" in fields) is marked


# -- amount headers ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "amount"),
    [
        (["Date", "Supplier", "£"], "£"),
        (["Date", "Supplier", "(£)"], "(£)"),
        (["Date", "Supplier", "£s"], "£s"),
        (["Date", "Supplier", "(£'s)"], "(£'s)"),
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
    got = warehouse.rows(
        "SELECT payment_date, supplier_name, amount, service_area FROM spend ORDER BY source_line"
    )
    assert got == [
        (dt.date(2021, 4, 1), "ACME LTD", Decimal("10.00"), None),
        (dt.date(2021, 4, 2), "BETA LTD", Decimal("20.00"), None),
        (dt.date(2021, 5, 3), "GAMMA LTD", Decimal("30.00"), "CC1"),  # the added column keeps its field
        (dt.date(2021, 6, 4), "DELTA LTD", Decimal("40.00"), None),
    ]
    assert (
        "sheet 'May' read with the others: its header differs, its columns mean the same; "
        "it adds 'Cost Centre' (service area)" in result.notes
    )


def test_a_sheet_adding_a_marker_and_a_description_keeps_their_meaning(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    data = _xlsx(
        [
            (
                "April",
                [
                    ["Date", "Supplier", "Amount"],
                    ["01/04/2023", "ACME LTD", 100],
                    ["02/04/2023", "BOB LTD", 50],
                ],
            ),
            (
                "May",
                [
                    ["Payment Date", "Supplier Name", "Amount", "D/C", "Description"],
                    ["01/05/2023", "CARL LTD", 70, "D", "Ink"],
                    ["02/05/2023", "DAN LTD", 30, "C", "Refund"],
                ],
            ),
        ]
    )
    result = _load(warehouse, tmp_path, "2023.xlsx", data)
    assert (result.loaded, result.amount_loaded) == (4, Decimal("190.00"))  # 100 + 50 + 70 - 30
    got = warehouse.rows("SELECT supplier_name, amount, description, extra FROM spend ORDER BY source_line")
    assert [(n, a, d) for n, a, d, _ in got] == [
        ("ACME LTD", Decimal("100.00"), None),
        ("BOB LTD", Decimal("50.00"), None),
        ("CARL LTD", Decimal("70.00"), "Ink"),
        ("DAN LTD", Decimal("-30.00"), "Refund"),
    ]
    assert json.loads(got[3][3]) == {"D/C": "C"}
    assert (
        "sheet 'May' read with the others: its header differs, its columns mean the same; "
        "it adds 'D/C' (debit credit), 'Description' (description)" in result.notes
    )


def test_a_purchase_card_sheet_is_read_with_its_own_layout(warehouse: Warehouse, tmp_path: Path) -> None:
    payments = [
        ["01/04/2023", "ACME LTD", 1000, "IT"],
        ["02/04/2023", "BETA LTD", 2000, "IT"],
        ["03/04/2023", "GAMMA LTD", 300.5, "Legal"],
        ["04/04/2023", "ACME LTD", -50, "IT"],
    ]
    cards = [
        ["03/04/2023", "AMAZON MARKETPLACE", 12.99, "Book Stores"],
        ["04/04/2023", "TESCO", 20, "Grocery"],
        ["05/04/2023", "CAFE", "abc", "Restaurants"],  # no amount: rejected, its text kept
    ]
    data = _xlsx(
        [
            ("Notes", [["About this data"]]),
            ("Payments over 500", [["Payment Date", "Supplier", "Amount", "Service"], *payments]),
            (
                "Purchase Cards",
                [
                    ["Card transactions April 2023"],
                    ["Transaction Date", "Merchant Name", "Amount", "Merchant Category"],
                    *cards,
                ],
            ),
            ("Summary", [["Supplier", "Total"], ["ACME LTD", 950], ["BETA LTD", 2000]]),  # no dates: not read
        ]
    )
    result = _load(warehouse, tmp_path, "2023-04.xlsx", data)
    # 1 + 5 + 5 + 3 = 14 rows: 6 loaded, 1 rejected, 7 skipped (Notes 1 and Summary 3, 2 headers, 1 title)
    assert (result.rows, result.loaded, result.rejected) == (14, 6, 1)
    assert result.amount_loaded == Decimal("3283.49")  # 1000 + 2000 + 300.50 - 50 + 12.99 + 20
    assert result.skipped_kinds == {"other_sheet": 4, "header": 2, "preamble": 1}
    assert "read sheet 'Payments over 500'" in result.notes
    assert (
        "sheet 'Purchase Cards' read on its own: its columns hold amount, payment_date, supplier_name, "
        "merchant_category, not amount, payment_date, supplier_name" in result.notes
    )
    assert (
        "sheet 'Summary' not read: its columns hold amount, supplier_name, not amount, payment_date, "
        "supplier_name" in result.notes
    )
    got = warehouse.rows(
        "SELECT source_line, supplier_name, amount, service_area, is_purchase_card, merchant_category "
        "FROM spend ORDER BY source_line"
    )
    # lines: the payments sheet's header is line 1, its rows 2-5; the card sheet follows, its title
    # line 6, its header line 7, its rows 8-10
    assert got == [
        (2, "ACME LTD", Decimal("1000.00"), "IT", False, None),
        (3, "BETA LTD", Decimal("2000.00"), "IT", False, None),
        (4, "GAMMA LTD", Decimal("300.50"), "Legal", False, None),
        (5, "ACME LTD", Decimal("-50.00"), "IT", False, None),
        (8, "AMAZON MARKETPLACE", Decimal("12.99"), None, True, "Book Stores"),
        (9, "TESCO", Decimal("20.00"), None, True, "Grocery"),
    ]
    assert warehouse.rows("SELECT source_line, raw_text FROM spend_rejects") == [
        (10, "05/04/2023,CAFE,abc,Restaurants")
    ]
    dates = warehouse.rows("SELECT DISTINCT payment_date FROM spend WHERE is_purchase_card ORDER BY 1")
    assert dates == [(dt.date(2023, 4, 3),), (dt.date(2023, 4, 4),)]


def test_a_longer_supplier_summary_does_not_push_the_payments_aside(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    summary = [["Supplier Name", "Total Spend"]] + [[f"SUPPLIER {i} LTD", 1000 + i] for i in range(6)]
    payments = [
        ["Payment Date", "Supplier", "Amount"],
        ["01/04/2023", "ACME LTD", 1000],
        ["02/04/2023", "BETA LTD", 250.25],
        ["03/04/2023", "ACME LTD", -50],
    ]
    data = _xlsx([("Suppliers", summary), ("Payments", payments)])
    result = _load(warehouse, tmp_path, "2023-04.xlsx", data)
    # 7 summary rows skipped as another sheet, the payments' header and 3 payments
    assert (result.rows, result.loaded, result.rejected) == (11, 3, 0)
    assert result.amount_loaded == Decimal("1200.25")
    assert result.skipped_kinds == {"other_sheet": 7, "header": 1}
    assert "read sheet 'Payments'" in result.notes


def test_card_sheets_of_several_months_are_read_together(warehouse: Warehouse, tmp_path: Path) -> None:
    card_header = ["Transaction Date", "Merchant Name", "Amount", "Merchant Category"]
    data = _xlsx(
        [
            ("Payments", [HEADER, *[[f"0{i}/04/2023", f"SUPPLIER {i} LTD", i * 100] for i in range(1, 5)]]),
            ("Cards Apr", [card_header, ["03/04/2023", "TESCO", 10, "Grocery"]]),
            ("Cards May", [card_header, ["03/05/2023", "ARGOS", 5, "Retail"]]),
        ]
    )
    result = _load(warehouse, tmp_path, "2023-q1.xlsx", data)
    assert (result.rows, result.loaded, result.amount_loaded) == (9, 6, Decimal("1015.00"))
    assert result.skipped_kinds == {"header": 3}
    assert any(
        n.startswith("sheets 'Cards Apr', 'Cards May' read on their own (same header)") for n in result.notes
    )
    got = warehouse.rows("SELECT source_line, is_purchase_card FROM spend ORDER BY 1")
    # the payments: header line 1, rows 2-5; the cards: header line 6, rows 7 and 8
    assert got == [(2, False), (3, False), (4, False), (5, False), (7, True), (8, True)]


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
    assert html_sheets(page)[0][0][1] == [
        ["Payments over 500", "", ""],
        ["Supplier", "Date", "Amount"],
        ["ACME LTD", "01/04/2021", "1"],
        ["ACME LTD", "02/04/2021", "2"],
        ["ACME LTD", "03/04/2021", "3"],
        ["BETA LTD", "merged", ""],
        ["GAMMA LTD", "merged", ""],
        ["DELTA LTD", "04/04/2021", "4"],
    ]


def test_xml_spreadsheet_merged_cells() -> None:
    xml = (
        b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="A"><Table>'
        b'<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">Title</Data></Cell>'
        b'<Cell><Data ss:Type="String">after</Data></Cell></Row>'
        b'<Row><Cell><Data ss:Type="String">d1</Data></Cell><Cell ss:MergeDown="1"><Data ss:Type="String">'
        b'ACME</Data></Cell><Cell><Data ss:Type="Number">1</Data></Cell></Row>'
        b'<Row><Cell><Data ss:Type="String">d2</Data></Cell><Cell ss:Index="3"><Data ss:Type="Number">2'
        b"</Data></Cell></Row></Table></Worksheet></Workbook>"
    )
    assert spreadsheetml_sheets(xml)[0] == [
        ("A", [["Title", "", "", "after"], ["d1", "ACME", "1"], ["d2", "ACME", "2"]])
    ]


def test_workbook_merged_cells_repeat_down_their_first_column(warehouse: Warehouse, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Payments over £500"])
    ws.merge_cells("A1:C1")  # a title across: left alone
    ws.append(HEADER)
    ws.append(["01/04/2021", "ACME LTD", 10])
    ws.append(["02/04/2021", None, 20])
    ws.append(["03/04/2021", None, 30])
    ws.append(["04/04/2021", "BETA LTD", 40])
    ws.merge_cells("B3:B5")
    out = io.BytesIO()
    wb.save(out)
    _load(warehouse, tmp_path, "2021-04.xlsx", out.getvalue())
    assert warehouse.rows("SELECT supplier_name, amount FROM spend ORDER BY source_line") == [
        ("ACME LTD", Decimal("10.00")),
        ("ACME LTD", Decimal("20.00")),
        ("ACME LTD", Decimal("30.00")),
        ("BETA LTD", Decimal("40.00")),
    ]


# One payment of 1000.00 whose amount (with its date and supplier) is merged over two description
# lines, then a payment of 10.00: the second line of the merge adds no money and stays accounted.
_MERGED_AMOUNT_HTML = (
    b"<table><tr><th>Date</th><th>Supplier</th><th>Description</th><th>Amount</th></tr>"
    b"<tr><td rowspan=2>01/04/2021</td><td rowspan=2>ACME LTD</td><td>Laptops</td>"
    b"<td rowspan=2>1000.00</td></tr>"
    b"<tr><td>Docking stations</td></tr>"
    b"<tr><td>02/04/2021</td><td>BETA LTD</td><td>Fees</td><td>10.00</td></tr></table>"
)
_MERGED_AMOUNT_XML = (
    b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="A"><Table>'
    b'<Row><Cell><Data ss:Type="String">Date</Data></Cell><Cell><Data ss:Type="String">Supplier</Data></Cell>'
    b'<Cell><Data ss:Type="String">Description</Data></Cell>'
    b'<Cell><Data ss:Type="String">Amount</Data></Cell></Row>'
    b'<Row><Cell ss:MergeDown="1"><Data ss:Type="String">01/04/2021</Data></Cell><Cell ss:MergeDown="1">'
    b'<Data ss:Type="String">ACME LTD</Data></Cell><Cell><Data ss:Type="String">Laptops</Data></Cell>'
    b'<Cell ss:MergeDown="1"><Data ss:Type="Number">1000</Data></Cell></Row>'
    b'<Row><Cell ss:Index="3"><Data ss:Type="String">Docking stations</Data></Cell></Row>'
    b'<Row><Cell><Data ss:Type="String">02/04/2021</Data></Cell>'
    b'<Cell><Data ss:Type="String">BETA LTD</Data></Cell>'
    b'<Cell><Data ss:Type="String">Fees</Data></Cell><Cell><Data ss:Type="Number">10</Data></Cell></Row>'
    b"</Table></Worksheet></Workbook>"
)


def _merged_amount_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Date", "Supplier", "Description", "Amount"])
    ws.append(["01/04/2021", "ACME LTD", "Laptops", 1000])
    ws.append([None, None, "Docking stations", None])
    ws.append(["02/04/2021", "BETA LTD", "Fees", 10])
    for cells in ("A2:A3", "B2:B3", "D2:D3"):
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "html", "xml"])
def test_an_amount_merged_over_several_lines_is_counted_once(
    warehouse: Warehouse, tmp_path: Path, kind: str
) -> None:
    data = {"xlsx": _merged_amount_xlsx(), "html": _MERGED_AMOUNT_HTML, "xml": _MERGED_AMOUNT_XML}[kind]
    result = _load(warehouse, tmp_path, f"2021-04.{'xlsx' if kind == 'xlsx' else 'xls'}", data)
    assert (result.rows, result.loaded, result.rejected, result.skipped) == (4, 2, 1, 1)
    assert result.amount_loaded == Decimal("1010.00")
    assert (
        "1 number(s) merged down over several rows left on their first row only "
        "(an amount merged over several lines is one payment)" in result.notes
    )
    assert warehouse.rows("SELECT supplier_name, amount FROM spend ORDER BY source_line") == [
        ("ACME LTD", Decimal("1000.00")),
        ("BETA LTD", Decimal("10.00")),
    ]
    # The second line of the merge keeps its text (its description) among the rejects.
    [(line, reason, raw)] = warehouse.rows("SELECT source_line, reason, raw_text FROM spend_rejects")
    assert (line, reason) == (3, "amount missing")
    assert "Docking stations" in raw and "ACME LTD" in raw


def test_an_html_card_table_without_a_council_column_is_the_payments_council(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    def row(cells: list[str], tag: str = "td") -> str:
        return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"

    payments = [["Salford City Council", "01/04/2023", "ACME LTD", "100.00"]] * 3
    cards = [["02/04/2023", "TESCO", "9.99", "Grocery"], ["03/04/2023", "ARGOS", "", "Retail"]]
    page = (
        "<html><body><table>"
        + row(["Organisation Name", "Payment Date", "Supplier", "Amount"], "th")
        + "".join(row(r) for r in payments)
        + "</table><table>"
        + row(["Transaction Date", "Merchant Name", "Amount", "Merchant Category"], "th")
        + "".join(row(r) for r in cards)
        + "</table></body></html>"
    )
    path = tmp_path / "spend-2023-04.xls"
    path.write_text(page, encoding="utf-8")
    [result] = ingest_paths(warehouse, [path], Options()).files  # no --council: the file says it
    assert result.status == "loaded", result.error
    # lines: table 1 header 1, rows 2-4; table 2 header 5, rows 6 (loaded) and 7 (no amount: rejected)
    assert (result.rows, result.loaded, result.rejected, result.skipped) == (7, 4, 1, 2)
    assert result.amount_loaded == Decimal("309.99")
    got = warehouse.rows("SELECT source_line, council_code, is_purchase_card FROM spend ORDER BY 1")
    salford = resolve_council("Salford")
    assert salford is not None
    assert got == [(n, salford.gss_code, n == 6) for n in (2, 3, 4, 6)]
    assert warehouse.rows("SELECT source_line, raw_text FROM spend_rejects") == [
        (7, "03/04/2023,ARGOS,,Retail")
    ]
    assert (
        "sheet 'table 2' read on its own: its columns hold amount, payment_date, supplier_name, "
        "merchant_category, not amount, payment_date, supplier_name" in result.notes
    )


def test_a_sheet_named_for_card_payments_is_read_apart_and_marked(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    data = _xlsx(
        [
            ("Payments", [HEADER, *[[f"0{i}/04/2023", f"SUPPLIER {i} LTD", i * 100] for i in range(1, 4)]]),
            ("Purchase Cards", [HEADER, ["04/04/2023", "TESCO", 7.5]]),  # the same header, card payments
        ]
    )
    result = _load(warehouse, tmp_path, "2023-04.xlsx", data)
    assert (result.rows, result.loaded, result.amount_loaded) == (6, 4, Decimal("607.50"))
    assert result.skipped_kinds == {"header": 2}
    assert "read sheet 'Payments'" in result.notes
    assert (
        "sheet 'Purchase Cards' read on its own: its name says card payments, the others' do not"
        in result.notes
    )
    got = warehouse.rows("SELECT source_line, is_purchase_card FROM spend ORDER BY 1")
    assert got == [(2, False), (3, False), (4, False), (6, True)]  # cards: header line 5, row 6


def test_a_workbook_read_in_parts_covers_every_part_s_period(warehouse: Warehouse, tmp_path: Path) -> None:
    card_header = ["Transaction Date", "Merchant Name", "Amount", "Merchant Category"]
    data = _xlsx(
        [
            ("Invoices", [HEADER, *[[f"0{i}/04/2023", f"SUPPLIER {i} LTD", 100] for i in range(1, 5)]]),
            ("Cards", [card_header, ["28/03/2023", "TESCO", 10, "Grocery"]]),  # last month's statement
        ]
    )
    result = _load(warehouse, tmp_path, "spend.xlsx", data)  # no period in the name: read from the dates
    assert (result.loaded, result.amount_loaded) == (5, Decimal("410.00"))
    period = warehouse.one("SELECT period_start, period_end FROM sources")
    assert period == (dt.date(2023, 3, 1), dt.date(2023, 4, 30))
    got = warehouse.rows("SELECT DISTINCT is_purchase_card, period_start, period_end FROM spend ORDER BY 1")
    assert got == [
        (False, dt.date(2023, 4, 1), dt.date(2023, 4, 30)),
        (True, dt.date(2023, 3, 1), dt.date(2023, 3, 31)),
    ]
