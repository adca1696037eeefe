"""The sheets of a workbook that hold its payments, read in parts of one layout each.

A workbook of one sheet per month is one part; a sheet whose columns mean something else but that
holds payments of its own (card payments beside invoices) is another part, staged with its own
layout and loaded with the rest of the file.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bestvalue.ingest.columns import normalise_header
from bestvalue.ingest.layout import Layout, LayoutError, conform_sheet, detect_layout, find_header
from bestvalue.ingest.markup import MarkupError, is_markup, markup_sheets
from bestvalue.ingest.reader import RawTable, read_sheet_table, workbook_sheets

if TYPE_CHECKING:
    from bestvalue.ingest.prepare import PreparedFile

# A file or sheet name that says it holds card payments.
CARD_FILE = re.compile(
    r"(?i)(p[\s_-]?card|purchas\w*[\s_-]?card|procurement[\s_-]?card|\bgpc\b|card[\s_-]?trans)"
)


class SheetError(ValueError):
    """A workbook that cannot be read; the message says why."""


def _header_key(cells: list[str]) -> list[str]:
    key = [normalise_header(c) for c in cells]
    while key and not key[-1]:
        key.pop()
    return key


@dataclass
class SheetPart:
    """Sheets of a workbook read with one layout. ``label``: how the notes name its sheets, for
    every part after the first."""

    raw: RawTable
    layout: Layout
    label: str | None = None
    card: bool = False  # its sheets' names say card payments


def _card_sheet(name: str) -> bool:
    """True if a sheet's name says it holds card payments, like a file's name."""
    return bool(CARD_FILE.search(name))


def _payments_of_their_own(layout: Layout) -> bool:
    """True if a sheet not read with the main ones holds payments of its own: an amount, a payment
    date and a supplier (a summary by supplier or by month, a pivot table, has no such three)."""
    return all(f in layout.fields for f in ("amount", "payment_date", "supplier_name"))


def _pick_group(
    found: list[tuple[str, list[list[str]], int]], read: list[str], first: bool
) -> tuple[list[int], Layout] | None:
    """Among the sheets not read yet, those sharing one header, the group with the most rows whose
    layout holds payments of their own, and its layout; for the first group, when no group does, the
    one with the most rows whose layout has an amount (a file of period totals). A longer summary or
    supplier list does not push the payments aside."""
    groups: dict[tuple[bool, tuple[str, ...]], list[int]] = {}
    for i, (name, rows, at) in enumerate(found):
        if name not in read:
            groups.setdefault((_card_sheet(name), tuple(_header_key(rows[at]))), []).append(i)
    ranked = sorted(groups.values(), key=lambda g: (-sum(len(found[i][1]) - found[i][2] for i in g), g[0]))
    first_error: LayoutError | None = None
    fallback: tuple[list[int], Layout] | None = None
    for group in ranked:
        try:
            layout = detect_layout(found[group[0]][1][:400], ",")
        except LayoutError as exc:
            first_error = first_error or exc
            continue
        if _payments_of_their_own(layout):
            return group, layout
        if first and fallback is None:
            fallback = group, layout
    if fallback is not None:
        return fallback
    if first:
        assert first_error is not None
        raise first_error
    return None


def sheet_parts(data: bytes, prepared: PreparedFile) -> list[SheetPart]:
    """The sheets of a workbook that hold its payments, in parts of one layout each. The first part:
    among the sheets with a header row, those sharing one header (a workbook of one sheet per
    month), the group with the most rows whose columns hold payments (an amount, a payment date and
    a supplier: a payments sheet rather than a longer summary or supplier list beside it; failing
    that, an amount), with the sheets whose columns mean the same. Then,
    the same way, each further group of sheets with payments of their own (a sheet of card
    payments beside one of invoices). Other sheets are counted as skipped. Lines number the rows of
    the sheets read, part after part, one sheet after another, each later sheet of a part from
    below its header."""
    markup = is_markup(data)
    try:
        sheets, unrepeated = markup_sheets(data) if markup else workbook_sheets(data)
    except MarkupError as exc:
        raise SheetError(f"{exc}: not a workbook") from exc
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise SheetError(f"cannot read the workbook: {exc}") from exc
    if unrepeated:
        prepared.notes.append(
            f"{unrepeated} number(s) merged down over several rows left on their first row only "
            "(an amount merged over several lines is one payment)"
        )
    found = [(name, rows, hit[0]) for name, rows in sheets if (hit := find_header(rows[:60])) is not None]
    if not found:
        raise SheetError("no sheet in the workbook has a header row naming an amount, a date or a supplier")
    read: list[str] = []
    why_not: dict[str, str] = {}
    parts: list[SheetPart] = []
    rows_read: list[list[str]] = []  # line n of the file is rows_read[n - 1]
    part_notes: list[str] = []
    while (picked := _pick_group(found, read, not parts)) is not None:
        group, layout = picked
        start = len(read)
        name, rows, _ = found[group[0]]
        read.append(name)
        combined = list(rows)
        drifted = False
        if layout.header_row_index is not None:
            key = _header_key(rows[layout.header_row_index])
            header_rows = layout.header_records - layout.header_row_index
            for sheet, sheet_rows, at in (found[i] for i in group[1:]):
                if _header_key(sheet_rows[at]) != key:
                    continue
                read.append(sheet)
                combined += sheet_rows[at + header_rows :]
                prepared.skip(preamble=at, header=header_rows)
            drifted = _other_sheets(sheets, read, layout, prepared, combined, why_not, _card_sheet(name))
        names = ", ".join(repr(n) for n in read[start:])
        same = " (same header)" if len(read) - start > 1 and not drifted else ""
        if not parts:
            part_notes.append(
                f"read sheet {names}" if len(read) - start == 1 else f"read sheets {names}{same}"
            )
            label = None
        else:
            label = f"sheet {names}" if len(read) - start == 1 else f"sheets {names}"
            own = "read on its own" if len(read) - start == 1 else "read on their own"
            why = why_not[name] if len(read) - start == 1 else why_not[name].replace("its ", "their ", 1)
            part_notes.append(f"{label} {own}{same}: {why}")
        raw = read_sheet_table(combined, layout, len(rows_read))
        parts.append(SheetPart(raw, layout, label, _card_sheet(name)))
        rows_read += combined
        if layout.header_row_index is None:
            break
    prepared.notes += [
        f"sheet {n!r} not read: {why_not[n]}" for n, _ in sheets if n in why_not and n not in read
    ]
    other = sum(len(r) for n, r in sheets if n not in read)
    if other:
        prepared.fixed_skips["other_sheet"] = other
    parts[0].raw.records += other + sum(prepared.fixed_skips.get(k, 0) for k in ("preamble", "header"))
    prepared.encoding = "markup" if markup else "xlsx"
    prepared.notes += part_notes
    prepared.raw_line = lambda n: ",".join(rows_read[n - 1]) if 0 < n <= len(rows_read) else ""
    return parts


def _other_sheets(
    sheets: list[tuple[str, list[list[str]]]],
    read: list[str],
    layout: Layout,
    prepared: PreparedFile,
    combined: list[list[str]],
    why_not: dict[str, str],
    card: bool,
) -> bool:
    """Add to ``combined`` the rows of the sheets whose header differs from the main one's but whose
    columns mean the same (``layout.conform_sheet``), in the main layout's columns; ``why_not`` keeps
    why each other sheet is not (the first reason found). A sheet whose name says card payments is
    read only with others whose names do (``card``), and the other way round. True if any such sheet
    was read."""
    found = False
    for name, rows in sheets:
        if name in read or not any(any(c.strip() for c in r) for r in rows):
            continue
        if _card_sheet(name) != card:
            # Why its columns would not do, if they would not; else its name.
            conformed = conform_sheet(copy.deepcopy(layout), rows)
            if isinstance(conformed, str):
                why_not.setdefault(name, conformed)
            elif card:
                why_not.setdefault(name, "the others' names say card payments, its does not")
            else:
                why_not.setdefault(name, "its name says card payments, the others' do not")
            continue
        before = set(layout.fields)
        conformed = conform_sheet(layout, rows)
        if isinstance(conformed, str):
            why_not.setdefault(name, conformed)
            continue
        other, body = conformed
        read.append(name)
        combined += body
        found = True
        added = [
            f"{layout.headers[c]!r} ({f.replace('_', ' ')})"
            for f, c in layout.fields.items()
            if f not in before
        ]
        prepared.notes.append(
            f"sheet {name!r} read with the others: its header differs, its columns mean the same"
            + (f"; it adds {', '.join(added)}" if added else "")
        )
        prepared.notes += [f"sheet {name!r}: {note}" for note in other.notes]
        assert other.header_row_index is not None
        prepared.skip(preamble=other.header_row_index, header=other.header_records - other.header_row_index)
    return found
