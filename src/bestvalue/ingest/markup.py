"""Tables published as markup under a spreadsheet name: HTML tables and SpreadsheetML.

Finance systems often export an HTML page, or Excel 2003's "XML Spreadsheet", and name it
``.xls``; Excel opens both, so councils publish them. Each table (HTML) or worksheet (XML)
becomes a sheet of cell text, read like any workbook sheet.

A cell merged down over several rows (an HTML ``rowspan``, a workbook's merged range) has its text
repeated in the rows it covers (a supplier merged over its payments), unless that text is a number:
an amount merged over an invoice's several description lines is one payment, and repeating it would
count it once per line. The later lines then have no amount and are rejected as such, their text
kept with the rejects.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from bestvalue.ingest.values import is_amount

Sheets = list[tuple[str, list[list[str]]]]

_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<", re.IGNORECASE)
_SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_BLANKS = re.compile(r"\s+")
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # Excel's own limits: an ss:Index beyond them is damage


class MarkupError(ValueError):
    """Markup that holds no table."""


def is_markup(data: bytes) -> bool:
    """True if the bytes start like an HTML or XML document."""
    return bool(_MARKUP.match(data[:512]))


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


class _Tables(HTMLParser):
    """Every ``<table>`` as rows of cell text; ``colspan`` repeated as empty cells, a ``rowspan``
    cell's text repeated in the rows it covers (a supplier merged over its payments) unless it is a
    number (:func:`repeated`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._down = 1
        self._depth = 0
        self._below: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text)
        self.unrepeated = 0  # numbers merged down, left on their first row only

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
                self._below = {}
        elif self._depth != 1:
            return
        elif tag == "tr":
            self._end_row()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            self._cell = []
            given = dict(attrs)
            self._span, self._down = _span(given.get("colspan"), 100), _span(given.get("rowspan"), MAX_ROWS)
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self._depth == 1:
                self._end_row()
            self._depth = max(0, self._depth - 1)
        elif self._depth != 1:
            return
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None and self._depth == 1:
            self._cell.append(data)

    def _covered(self, row: list[str]) -> None:
        """Fill the columns a ``rowspan`` from above still covers at the end of ``row``."""
        while (col := len(row)) in self._below:
            left, text = self._below.pop(col)
            row.append(text)
            if left > 1:
                self._below[col] = (left - 1, text)

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._covered(self._row)
            text = _BLANKS.sub(" ", "".join(self._cell)).strip()
            if self._down > 1 and text and not repeated(text):
                self.unrepeated += 1
            for k in range(self._span):
                if self._down > 1:
                    self._below[len(self._row)] = (self._down - 1, repeated(text) if k == 0 else "")
                self._row.append(text if k == 0 else "")
        self._cell = None
        self._span = self._down = 1

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None and self.tables:
            self._covered(self._row)
            while self._below and max(self._below) >= len(self._row):  # a short row under a span
                self._row.append("")
                self._covered(self._row)
            self.tables[-1].append(self._row)
        self._row = None


def _span(text: str | None, limit: int, least: int = 1) -> int:
    """A ``colspan``/``rowspan`` (or ``ss:MergeAcross``) value; anything odd, below ``least`` or
    beyond ``limit`` counts as ``least``."""
    return int(text) if text and text.isdigit() and least <= int(text) <= limit else least


def html_sheets(data: bytes) -> tuple[Sheets, int]:
    """Each HTML table with any rows, as a sheet named ``table N``; and how many numbers merged down
    were left on their first row."""
    parser = _Tables()
    parser.feed(_text(data))
    parser.close()
    return [(f"table {i + 1}", rows) for i, rows in enumerate(parser.tables) if rows], parser.unrepeated


def spreadsheetml_sheets(data: bytes) -> tuple[Sheets, int]:
    """Each worksheet of an Excel 2003 XML Spreadsheet (``ss:Index`` gaps kept as empty cells); and
    how many numbers merged down were left on their first row."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise MarkupError(f"not well-formed XML: {exc}") from exc
    ns = {"ss": _SPREADSHEET_NS}
    index, across, down = (f"{{{_SPREADSHEET_NS}}}{a}" for a in ("Index", "MergeAcross", "MergeDown"))
    sheets: Sheets = []
    unrepeated = 0
    for sheet in root.iterfind("ss:Worksheet", ns):
        name = sheet.get(f"{{{_SPREADSHEET_NS}}}Name") or f"sheet {len(sheets) + 1}"
        rows: list[list[str]] = []
        merged: Merged = []
        for row in sheet.iterfind("ss:Table/ss:Row", ns):
            at = row.get(index)
            if at and at.isdigit():
                if int(at) > MAX_ROWS:
                    raise MarkupError(f"row index {at} beyond a worksheet's {MAX_ROWS:,} rows")
                rows.extend([] for _ in range(int(at) - 1 - len(rows)))
            cells: list[str] = []
            for cell in row.iterfind("ss:Cell", ns):
                at = cell.get(index)
                if at and at.isdigit():
                    if int(at) > MAX_COLUMNS:
                        raise MarkupError(f"column index {at} beyond a worksheet's {MAX_COLUMNS:,} columns")
                    cells.extend([""] * (int(at) - 1 - len(cells)))
                value = cell.find("ss:Data", ns)
                text = "".join(value.itertext()) if value is not None else ""
                cells.append(text[:-13] if text.endswith("T00:00:00.000") else text)
                wide, deep = _span(cell.get(across), 100, 0), _span(cell.get(down), MAX_ROWS, 0)
                if wide + deep > 0:  # ss:MergeAcross/MergeDown count the cells a merge adds
                    merged.append(((len(rows), len(cells) - 1), (len(rows) + deep, len(cells) - 1 + wide)))
                    cells.extend([""] * wide)
            rows.append(cells)
        unrepeated += fill_merged(rows, merged)
        sheets.append((name, rows))
    return sheets, unrepeated


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


def repeated(text: str) -> str:
    """The text a cell merged down repeats in the rows below its first: none for a number (an
    amount merged over several lines is one payment, never one per line)."""
    return "" if is_amount(text) else text


def fill_merged(rows: list[list[str]], merged: Merged | None) -> int:
    """A workbook sheet's merged cells read like an HTML ``rowspan``: the text of a cell merged over
    several rows (a supplier over its payments) is repeated down its first column unless it is a
    number (:func:`repeated`); the other columns of a merge stay empty. ``merged`` holds ((first
    row, first column), (last row, last column)), 0-based, as python-calamine gives them for a sheet
    read from A1. Fills ``rows`` in place; returns how many numbers were left on their first row."""
    unrepeated = 0
    for (top, left), (bottom, _right) in merged or ():
        if bottom <= top or top >= len(rows) or left >= len(rows[top]):
            continue
        text = repeated(rows[top][left])
        if not text:
            unrepeated += bool(rows[top][left])
            continue
        for r in range(top + 1, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            if left >= len(row):
                row.extend([""] * (left + 1 - len(row)))
            if not row[left]:
                row[left] = text
    return unrepeated


def markup_sheets(data: bytes) -> tuple[Sheets, int]:
    """The tables of an HTML page or an XML Spreadsheet, and how many numbers merged down were left
    on their first row; raises :class:`MarkupError` if there is no table."""
    head = data[:2048].lower()
    if _SPREADSHEET_NS.encode() in head or (b"<?xml" in head and b"<html" not in head):
        sheets, unrepeated = spreadsheetml_sheets(data)
    else:
        sheets, unrepeated = html_sheets(data)
    if not any(rows for _, rows in sheets):
        raise MarkupError("an HTML or XML page with no table in it")
    return sheets, unrepeated
