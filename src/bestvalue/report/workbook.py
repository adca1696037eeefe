"""The pack as an XLSX workbook: a contents sheet, every headline figure with its reference, one sheet
per table (all rows and columns), the evidence sheets of payment lines, the references and the
source files.

Text is made inert for spreadsheets (``bestvalue.web.exports.neutralise``) and sheet names valid
(``sheet_title``); numbers, money and dates keep real types with number formats. Data sheets have
their header in row 1 (frozen), so the rows can be filtered and summed as they are. Internal
hyperlinks lead from figures, references and "Rows in E…" cells to the evidence sheets.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.hyperlink import Hyperlink

from bestvalue.report.builder import SHEET_FLAGS, SHEET_IT_PAYMENTS, SHEET_SAVINGS
from bestvalue.report.models import UNIT_KIND, Column, PackTable, VfmPack
from bestvalue.web.exports import NUMBER_FORMATS as WEB_NUMBER_FORMATS
from bestvalue.web.exports import XLSX_MEDIA_TYPE, neutralise

__all__ = ["XLSX_MEDIA_TYPE", "render_xlsx"]

# The web exports' formats; the pack shows shares to up to four decimal places.
NUMBER_FORMATS = {**WEB_NUMBER_FORMATS, "percent": '0.0###"%"'}  # shares are held as percentages (0-100)
ROW_LINKS = {"rows_in_e1": SHEET_IT_PAYMENTS, "rows_in_e2": SHEET_SAVINGS, "rows_in_e3": SHEET_FLAGS}
BOLD = Font(bold=True)
LINK = Font(color="1D70B8", underline="single")


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))[:32767]


class Sheet:
    """A write-only sheet that knows its row number (for hyperlinks)."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.row = 0

    def cell(self, value: Any, kind: str = "text", link: str | None = None, bold: bool = False) -> Cell:
        v = _value(value)
        c = WriteOnlyCell(self.ws, value=v)
        if isinstance(v, str):
            c.data_type = "s"
        elif v is not None and not isinstance(v, bool) and kind in NUMBER_FORMATS:
            c.number_format = NUMBER_FORMATS[kind]
        if bold:
            c.font = BOLD
        if link:
            c.font = LINK
            c.hyperlink = Hyperlink(ref="", location=f"'{link}'!A1")
        return c

    def append(self, cells: Sequence[Cell]) -> None:
        self.row += 1
        for i, c in enumerate(cells):
            if c.hyperlink is not None:
                c.hyperlink.ref = f"{get_column_letter(i + 1)}{self.row}"
        self.ws.append(list(cells))

    def header(self, labels: Sequence[str], widths: Sequence[int]) -> None:
        dims: Any = getattr(self.ws, "column_dimensions")  # noqa: B009 - present on write-only sheets
        for i, w in enumerate(widths):
            dims[get_column_letter(i + 1)].width = w
        self.ws.freeze_panes = "A2"
        self.append([self.cell(label, bold=True) for label in labels])


def _width(c: Column) -> int:
    return 14 if c.kind in NUMBER_FORMATS or c.kind == "bool" else 30 if c.kind == "text" else 16


def _table_sheet(wb: Workbook, t: PackTable) -> None:
    s = Sheet(wb.create_sheet(title=t.sheet))
    s.header([c.label for c in t.columns], [_width(c) for c in t.columns])
    for row in t.rows:
        s.append([s.cell(row.get(c.key), c.kind, ROW_LINKS.get(c.key)) for c in t.columns])


def render_xlsx(pack: VfmPack) -> bytes:
    """The workbook's bytes."""
    wb = Workbook(write_only=True)
    tables = [t for sec in pack.sections for t in sec.tables]
    section_of = {t.key: sec for sec in pack.sections for t in sec.tables}
    refs = {r.n: r for r in pack.references}

    contents = Sheet(wb.create_sheet(title="Contents"))
    contents.header(["Item", "Value"], [34, 60, 40, 10, 10, 60])
    about: list[tuple[str, Any]] = [
        ("Title", pack.title),
        ("Council", f"{pack.council.official_name} ({pack.council.gss_code})"),
        (
            "Financial year",
            f"{pack.year_label} (1 April {pack.financial_year} to 31 March {pack.financial_year + 1})",
        ),
        ("Produced (UTC)", pack.generated_at),
        ("bestvalue version", pack.version),
        ("Renewal pipeline from", pack.options.as_of),
        ("Pipeline months", pack.options.pipeline_months),
        ("Probity tests over", "IT payments only" if pack.options.flags_it_only else "all payments"),
        ("Insight settings", pack.options.settings or "shipped defaults"),
    ]
    for label, value in about:
        kind = (
            "datetime" if isinstance(value, dt.datetime) else "date" if isinstance(value, dt.date) else "text"
        )
        contents.append([contents.cell(label, bold=True), contents.cell(value, kind)])
    contents.append([])
    contents.append(
        [
            contents.cell(label, bold=True)
            for label in ("Sheet", "What it holds", "Section", "Rows", "Reference", "Note")
        ]
    )
    index: list[tuple[str, str, str, int | None, int | None, str]] = [
        ("Figures", "Every headline figure with its reference", "", None, None, ""),
        *(
            (
                t.sheet,
                t.title,
                f"{section_of[t.key].number}. {section_of[t.key].title}",
                len(t.rows),
                t.ref,
                t.note or "",
            )
            for t in tables
        ),
        *(
            (
                t.sheet,
                t.title,
                "Evidence",
                len(t.rows),
                t.ref,
                (t.note or "")
                + (
                    f" Whole selection: {t.total_rows:,} lines, £{t.total_amount:,.2f}."
                    if t.total_rows is not None and t.total_amount is not None
                    else ""
                ),
            )
            for t in pack.evidence
        ),
        ("References", "How each figure was computed", "", len(pack.references), None, ""),
        ("Sources", "The published files behind the figures", "", len(pack.sources), None, ""),
    ]
    for sheet, what, section, rows, ref, note in index:
        contents.append(
            [
                contents.cell(sheet, link=sheet),
                contents.cell(what),
                contents.cell(section),
                contents.cell(rows, "integer"),
                contents.cell(ref, "integer"),
                contents.cell(note.strip()),
            ]
        )

    figures = Sheet(wb.create_sheet(title="Figures"))
    figures.header(
        [
            "Section",
            "Key",
            "Figure",
            "Value",
            "Unit",
            "Note",
            "Reference",
            "Computed by",
            "Rows on sheet",
            "Which rows",
        ],
        [34, 30, 50, 18, 12, 30, 10, 70, 24, 40],
    )
    for sec in pack.sections:
        for f in sec.figures:
            r = refs[f.ref]
            kind = UNIT_KIND.get(f.unit, "text") if not isinstance(f.value, str) else "text"
            figures.append(
                [
                    figures.cell(f"{sec.number}. {sec.title}"),
                    figures.cell(f.key),
                    figures.cell(f.label),
                    figures.cell(f.value, kind),
                    figures.cell(f.unit),
                    figures.cell(f.note),
                    figures.cell(f.ref, "integer"),
                    figures.cell(r.call + " → " + r.field),
                    figures.cell(r.sheet, link=r.sheet),
                    figures.cell(r.sheet_filter),
                ]
            )

    for t in tables:
        _table_sheet(wb, t)
    for t in pack.evidence:
        _table_sheet(wb, t)

    references = Sheet(wb.create_sheet(title="References"))
    references.header(
        [
            "Reference",
            "Library function",
            "Call",
            "Part of the result",
            "How it is worked out",
            "Rows on sheet",
            "Which rows",
            "Selection (drill-down filter)",
            "Drill-down address",
        ],
        [10, 36, 70, 30, 70, 24, 40, 60, 60],
    )
    for r in pack.references:
        selection = r.evidence.model_dump_json(exclude_defaults=True) if r.evidence else None
        references.append(
            [
                references.cell(r.n, "integer"),
                references.cell(r.insight),
                references.cell(r.call),
                references.cell(r.field),
                references.cell(r.how),
                references.cell(r.sheet, link=r.sheet),
                references.cell(r.sheet_filter),
                references.cell(selection),
                references.cell(r.link),
            ]
        )

    sources = Sheet(wb.create_sheet(title="Sources"))
    sources.header(
        [
            "Publisher",
            "GSS code",
            "File",
            "SHA-256",
            "Period from",
            "Period to",
            "Lines loaded",
            "Role",
            "Source ID",
        ],
        [36, 12, 40, 68, 12, 12, 12, 12, 10],
    )
    for src in pack.sources:
        sources.append(
            [
                sources.cell(src.publisher),
                sources.cell(src.council_code),
                sources.cell(src.file_name),
                sources.cell(src.sha256),
                sources.cell(src.period_start, "date"),
                sources.cell(src.period_end, "date"),
                sources.cell(src.loaded, "integer"),
                sources.cell(src.role),
                sources.cell(src.source_id, "integer"),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
