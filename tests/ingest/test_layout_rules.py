"""General rules the layout stress test asked for: workbooks of one sheet per month, totals rows
labelled in a column no field maps, and a weak amount alias yielding to a net amount."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from bestvalue.engine import Warehouse
from bestvalue.ingest.layout import header_of, map_fields
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.markup import MarkupError, html_sheets, spreadsheetml_sheets
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


def _load(wh: Warehouse, tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    [result] = ingest_paths(wh, [path], OPTIONS).files
    assert result.status == "loaded", result.error
    assert result.rows == result.loaded + result.rejected + result.skipped
    return result


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
    [(0, "Total"), (0, "GRAND TOTAL"), (0, "Sub-total"), (1, "Totals")],
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
    sheets = html_sheets(page)
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
    assert spreadsheetml_sheets(xml) == [("Apr", [["Date", "", "Amount"], [], ["2021-04-01"]])]


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
