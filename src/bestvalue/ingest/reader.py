"""Read a whole table into string columns, each record with the line it started on.

CSV text takes a fast path through Polars when the line↔record mapping is provably one to
one (no quoted newlines, no record wider than the layout); otherwise Python's csv module
reads it record by record, keeping exact line numbers. Spreadsheets are read with
python-calamine, one record per sheet row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from bestvalue.ingest.layout import HEADER_SEARCH_ROWS, SAMPLE_ROWS, Layout
from bestvalue.ingest.markup import Sheets, fill_merged

LINE = "source_line"


@dataclass
class RawTable:
    """String columns ``c0..cN`` plus ``source_line``; the counts the accounting needs."""

    frame: pl.DataFrame
    records: int  # all records in the file, preamble and header included
    header_records: int
    method: str  # "polars" | "csv" | "sheet"
    lines: list[str] | None = None  # the text lines, for quoting rejected records


def column_names(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def _lines_if_unquoted(data: bytes) -> int | None:
    """The number of lines, or ``None`` if a line holds an odd number of double quotes (a quoted
    newline, or a stray quote: the record-by-record reader then takes over)."""
    if b'"' not in data:
        return _line_count(data)
    arr = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(arr == 34)
    if quotes.size % 2:
        return None
    newlines = np.flatnonzero(arr == 10)
    before = np.searchsorted(quotes, newlines)
    per_line = np.diff(np.concatenate(([0], before, [quotes.size])))
    if np.any(per_line % 2):
        return None
    return int(newlines.size) + (1 if data and data[-1] != 10 else 0)


def _line_count(data: bytes) -> int:
    n = data.count(b"\n")
    if data and data[-1] != 10:
        n += 1
    return n


def _data_offset(text: str, header_records: int, delimiter: str) -> tuple[int, int] | None:
    """(byte offset, line number) where the data records start, or ``None`` if the records
    above the data span quoted newlines (the slow path then counts lines itself)."""
    if header_records == 0:
        return 0, 0
    offset = 0
    for _ in range(header_records):
        nl = text.find("\n", offset)
        if nl < 0:
            return None
        offset = nl + 1
    head = text[:offset]
    parsed = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    if len(parsed) != header_records:
        return None
    return len(head.encode("utf-8")), header_records


def _polars_read(body: bytes, ncols: int, delimiter: str) -> pl.DataFrame | None:
    try:
        return pl.read_csv(
            body,
            has_header=False,
            schema=dict.fromkeys(column_names(ncols), pl.String),
            separator=delimiter,
            quote_char='"',
            truncate_ragged_lines=False,
            raise_if_empty=False,
            missing_columns="insert",
        )
    except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, pl.exceptions.ShapeError):
        return None


SLACK_COLUMNS = 3  # room for trailing delimiters and stray extra fields on the fast path


def _trim_slack(frame: pl.DataFrame, layout: Layout, first_line: int) -> pl.DataFrame:
    """Drop the slack columns nobody used; name the ones that hold values; number the lines.
    (Built from the columns directly: a Polars query per file costs more than this work.)"""
    names = column_names(layout.ncols + SLACK_COLUMNS)
    used = layout.ncols
    for i in range(layout.ncols, len(names)):
        if frame.get_column(names[i]).null_count() < frame.height:
            used = i + 1
    if used > layout.ncols:
        layout.headers = layout.headers + [f"column_{i + 1}" for i in range(layout.ncols, used)]
    lines = pl.int_range(first_line + 1, first_line + 1 + frame.height, eager=True).alias(LINE)
    return pl.DataFrame([*(frame.get_column(n) for n in names[:used]), lines])


def read_csv_table(data: bytes, text: str, layout: Layout) -> RawTable:
    """All records below the header of a decoded CSV, as strings with their line numbers."""
    ncols = layout.ncols
    start = _data_offset(text, layout.header_records, layout.delimiter)
    if start is not None:
        offset, first_line = start
        body = data[offset:] if offset else data
        expected = _lines_if_unquoted(body)
        if expected is not None:
            if expected == 0:
                return RawTable(_empty(ncols), layout.header_records, layout.header_records, "polars")
            frame = _polars_read(body, ncols + SLACK_COLUMNS, layout.delimiter)
            if frame is not None and frame.height == expected:
                frame = _trim_slack(frame, layout, first_line)
                return RawTable(frame, layout.header_records + expected, layout.header_records, "polars")
    return _read_csv_slow(text, layout)


def _empty(ncols: int) -> pl.DataFrame:
    schema: dict[str, Any] = dict.fromkeys(column_names(ncols), pl.String)
    schema[LINE] = pl.Int64
    return pl.DataFrame(schema=schema)


def _frame_from_records(rows: Sequence[Sequence[str]], lines: list[int], ncols: int) -> pl.DataFrame:
    padded = [list(r) + [""] * (ncols - len(r)) if len(r) < ncols else r for r in rows]
    names = column_names(ncols)
    frame = pl.DataFrame(padded, schema=dict.fromkeys(names, pl.String), orient="row")
    frame = frame.with_columns(pl.col(n).replace("", None) for n in names)
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))


def _read_csv_slow(text: str, layout: Layout) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    record = 0
    previous_end = 0
    width = layout.ncols
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # An unterminated quote swallows the rest of the file: read the rest line by line.
            rest = text.splitlines()[previous_end:]
            for k, line in enumerate(rest):
                record += 1
                if record > layout.header_records:
                    rows.append(line.split(layout.delimiter))
                    lines.append(previous_end + k + 1)
            break
        record += 1
        start_line = previous_end + 1
        previous_end = reader.line_num
        if record <= layout.header_records:
            continue
        width = max(width, len(row))
        rows.append(row)
        lines.append(start_line)
    if width > layout.ncols:
        layout.headers = layout.headers + [f"column_{i + 1}" for i in range(layout.ncols, width)]
    return RawTable(_frame_from_records(rows, lines, width), record, layout.header_records, "csv")


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def sheet_records(data: bytes) -> Sheets:
    """Every sheet of a workbook as (name, rows of cell text)."""
    return workbook_sheets(data)[0]


def workbook_sheets(data: bytes) -> tuple[Sheets, int]:
    """Every sheet of a workbook as (name, rows of cell text), merged cells filled
    (:func:`~bestvalue.ingest.markup.fill_merged`), and how many numbers merged down were left on
    their first row."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    unrepeated = 0
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        rows = [[_cell_text(c) for c in r] for r in sheet.to_python(skip_empty_area=False)]
        unrepeated += fill_merged(rows, getattr(sheet, "merged_cell_ranges", None))
        out.append((name, rows))
    return out, unrepeated


def read_sheet_table(rows: list[list[str]], layout: Layout, first_line: int = 0) -> RawTable:
    """The records of one sheet below its header; the line is the sheet row number (after
    ``first_line``: the rows of the sheets read before these, when a workbook is read in parts)."""
    body = rows[layout.header_records :]
    lines = list(range(first_line + layout.header_records + 1, first_line + len(rows) + 1))
    width = max([layout.ncols, *(len(r) for r in body)]) if body else layout.ncols
    if width > layout.ncols:
        layout.headers = layout.headers + [f"column_{i + 1}" for i in range(layout.ncols, width)]
    return RawTable(_frame_from_records(body, lines, width), len(rows), layout.header_records, "sheet")


SNIFF_RECORDS = HEADER_SEARCH_ROWS + SAMPLE_ROWS
