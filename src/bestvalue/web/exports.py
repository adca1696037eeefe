"""CSV and XLSX downloads of page tables, safe to open in a spreadsheet.

Text that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage return)
is prefixed with an apostrophe, in CSV and XLSX alike. Numbers, money and dates keep real types in
XLSX (with number formats); CSV writes them plainly (ISO dates, unformatted decimals).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bestvalue.web.tables import Column, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {
    "money": "#,##0.00",
    "number": "#,##0.00##",
    "integer": "#,##0",
    "percent": '0.0"%"',  # shares are held as percentages (0-100)
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(text: str) -> str:
    """Text made inert for spreadsheets: a leading formula character gets an apostrophe before it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(table: Table) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark (so Excel reads £ and accents correctly)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(c.label) for c in table.columns])
    keys = [c.key for c in table.columns]
    for row in table.rows:
        writer.writerow([_csv_value(row.get(k)) for k in keys])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx_value(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return neutralise(text)[:32767]


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (≤ 31 characters, no ``[]:*?/\\``)."""
    base = _SHEET_BAD.sub(" ", name).strip("'") or "table"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _write_sheet(ws: WriteOnlyWorksheet, table: Table) -> None:
    bold = Font(bold=True)
    header = []
    for c in table.columns:
        cell = WriteOnlyCell(ws, value=neutralise(c.label))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    dimensions: Any = getattr(ws, "column_dimensions")  # noqa: B009 - present on write-only sheets, not in stubs
    for i, c in enumerate(table.columns):
        dimensions[_letter(i)].width = 14 if c.numeric or c.kind in ("date", "datetime") else 32
    ws.freeze_panes = "A2"
    for row in table.rows:
        cells = []
        for c in table.columns:
            value = _xlsx_value(row.get(c.key), c)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif value is not None and c.kind in NUMBER_FORMATS and not isinstance(value, bool):
                cell.number_format = NUMBER_FORMATS[c.kind]
            cells.append(cell)
        ws.append(cells)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def write_xlsx(tables: Iterable[Table]) -> bytes:
    """One worksheet per table, header row in bold and frozen."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    any_sheet = False
    for table in tables:
        ws = wb.create_sheet(title=sheet_title(table.title or table.name, taken))
        _write_sheet(ws, table)
        any_sheet = True
    if not any_sheet:
        wb.create_sheet(title="empty")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
