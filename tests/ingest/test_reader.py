"""Reading records with exact line numbers: quoted newlines, ragged rows, blank lines, encodings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ingest_staging import prepare_file

from bestvalue.engine import Warehouse
from bestvalue.ingest.inputs import bytes_input
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council

HEADER = "Body Name,Payment Date,Supplier Name,Description,Amount\n"
OPTIONS = Options(council=resolve_council("Trafford"))


def prepared(text: str | bytes, name: str = "2021-04.csv"):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return prepare_file(bytes_input(name, data), 1, OPTIONS)


def test_quoted_newlines_keep_the_line_each_record_starts_on() -> None:
    text = HEADER + (
        'Trafford Council,01/04/2021,ACME LTD,"two\nline note",10.00\n'
        "Trafford Council,02/04/2021,BETA LTD,plain,20.00\n"
        'Trafford Council,03/04/2021,GAMMA LTD,"three\nline\nnote",30.00\n'
        "Trafford Council,04/04/2021,DELTA LTD,last,40.00\n"
    )
    p = prepared(text)
    assert p.read_method == "csv"
    frame = p.frame
    assert frame is not None
    assert frame.get_column("source_line").to_list() == [2, 4, 5, 8]
    assert frame.get_column("description").to_list()[2] == "three\nline\nnote"
    assert p.records == 5


def test_fast_path_handles_blank_lines_and_trailing_delimiters() -> None:
    text = (
        HEADER + "Trafford Council,01/04/2021,ACME LTD,x,10.00,\n\nTrafford Council,02/04/2021,B LTD,y,5,\n"
    )
    p = prepared(text)
    assert p.read_method == "polars"
    assert p.frame is not None
    assert p.frame.get_column("source_line").to_list() == [2, 3, 4]
    assert p.records == 4


def test_a_wider_row_is_kept_not_truncated(warehouse: Warehouse) -> None:
    text = HEADER + "Trafford Council,01/04/2021,ACME LTD,x,10.00,stray,more,fields,here,and,more\n"
    data = text.encode()
    summary = ingest_paths(warehouse, [], OPTIONS)
    assert summary.files == []
    p = prepared(data)
    assert p.frame is not None
    extra = p.frame.get_column("extra").to_list()[0]
    assert "stray" in extra and "more_2" not in extra  # unique names, nothing dropped
    assert "here" in extra


def test_cp1252_pound_signs_and_bom_variants() -> None:
    cp1252 = "Body Name,Payment Date,Supplier Name,Amount (£)\r\nTrafford Council,01/04/2021,CAFÉ LTD,£5\r\n"
    row = HEADER + "Trafford Council,01/04/2021,ACME,x,1\n"
    cases = [
        (cp1252.encode("cp1252"), "cp1252"),
        (("\ufeff" + row).encode("utf-8"), "utf-8-sig"),
        (b"\xc3\xaf\xc2\xbb\xc2\xbf" + row.encode(), "utf-8-sig (BOM encoded twice)"),
    ]
    for raw, encoding in cases:
        p = prepared(raw)
        assert p.error is None, p.error
        assert p.encoding == encoding
        assert p.frame is not None and p.frame.height == 1
    p = prepared(cp1252.encode("cp1252"))
    assert p.frame is not None
    assert p.frame.get_column("supplier_name").to_list() == ["CAFÉ LTD"]


def test_semicolon_and_tab_delimiters(warehouse: Warehouse) -> None:
    for sep in (";", "\t", "|"):
        text = (
            HEADER.replace(",", sep)
            + sep.join(["Trafford Council", "01/04/2021", "ACME LTD", "x", "12.50"])
            + "\n"
        )
        p = prepared(text)
        assert p.delimiter == sep
        assert p.frame is not None
        assert p.frame.get_column("amount_raw").to_list() == ["12.50"]


def test_rejects_keep_reason_and_raw_text(warehouse: Warehouse, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "2021-04.csv"
    f.write_text(
        HEADER
        + "Trafford Council,01/04/2021,ACME LTD,ok,10.00\n"
        + "Trafford Council,01/04/2021,BAD AMOUNT LTD,x,ten pounds\n"
        + "Trafford Council,31/02/2021,BAD DATE LTD,x,5.00\n"
        + "Trafford Council,01/04/2021,NO AMOUNT LTD,x,\n"
        + ",,,,\n"
        + "Total,,,,15.00\n"
        + HEADER
        + "Trafford Council,02/04/2021,ACME LTD,ok,(2.50)\n"
    )
    result = ingest_paths(warehouse, [f], OPTIONS).files[0]
    assert (result.rows, result.loaded, result.rejected, result.skipped) == (9, 2, 3, 4)
    assert result.skipped_kinds == {"header": 1, "blank": 1, "total": 1, "repeated_header": 1}
    rejects = warehouse.rows("SELECT source_line, reason, raw_text FROM spend_rejects ORDER BY 1")
    assert rejects == [
        (3, "amount not a number: ten pounds", "Trafford Council,01/04/2021,BAD AMOUNT LTD,x,ten pounds"),
        (4, "payment date not recognised: '31/02/2021'", "Trafford Council,31/02/2021,BAD DATE LTD,x,5.00"),
        (5, "amount missing", "Trafford Council,01/04/2021,NO AMOUNT LTD,x,"),
    ]
    loaded = warehouse.rows("SELECT source_line, payment_date, amount FROM spend ORDER BY 1")
    assert loaded == [(2, dt.date(2021, 4, 1), Decimal("10.00")), (9, dt.date(2021, 4, 2), Decimal("-2.50"))]


def test_binary_and_empty_files_fail_with_a_reason(warehouse: Warehouse, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.csv").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "b.csv").write_text("")
    (tmp_path / "c.csv").write_text("Name,Colour\nx,blue\n")
    results = {r.file.rsplit("/", 1)[-1]: r for r in ingest_paths(warehouse, [tmp_path], OPTIONS).files}
    assert results["a.csv"].status == "failed" and "binary" in (results["a.csv"].error or "")
    assert results["b.csv"].status == "failed" and "empty" in (results["b.csv"].error or "")
    assert results["c.csv"].status == "failed" and "amount" in (results["c.csv"].error or "")
    failed = warehouse.scalar("SELECT count(*) FROM sources WHERE status = 'failed'")
    assert failed == 3


def test_spreadsheets_read_like_csv(warehouse: Warehouse, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A workbook built from the real Salford excerpt: a title sheet, then the data sheet."""
    import csv

    from openpyxl import Workbook

    fixture = (
        Path(__file__).resolve().parents[1] / "fixtures" / "spend" / "salford_2018-04_two_row_header.csv"
    )
    rows = list(csv.reader(fixture.read_text(encoding="utf-8").splitlines()))
    wb = Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["Spend over £500, published under the Open Government Licence"])
    data = wb.create_sheet("Spend")
    for row in rows[:2]:
        data.append(row)
    for row in rows[2:]:
        day = dt.date.fromisoformat(row[1])
        data.append([row[0], day, row[2], float(row[3]), float(row[4]), float(row[5]), *row[6:]])
    path = tmp_path / "salford-2018-04.xlsx"
    wb.save(path)
    result = ingest_paths(warehouse, [path], Options()).files[0]
    assert result.status == "loaded", result.error
    assert (result.loaded, result.skipped_kinds) == (4, {"header": 2, "other_sheet": 1})
    got = warehouse.rows("SELECT source_line, payment_date, amount, supplier_name FROM spend ORDER BY 1")
    assert got[0] == (3, dt.date(2018, 4, 2), Decimal("3540.00"), "Adobe Creative Cloud")
    assert got[-1] == (6, dt.date(2018, 4, 3), Decimal("441.68"), "Central Power Services Ltd")


def test_empty_card_flag_falls_back_to_the_file_default() -> None:
    text = (
        "Body Name,Payment Date,Supplier Name,Amount,Procurement Card\n"
        "Trafford Council,01/04/2021,ACME LTD,10.00,Yes\n"
        "Trafford Council,01/04/2021,BETA LTD,20.00,\n"
        "Trafford Council,01/04/2021,GAMMA LTD,30.00,No\n"
    )
    p = prepared(text)
    assert p.frame is not None
    assert p.frame.get_column("is_purchase_card").to_list() == [True, False, False]
