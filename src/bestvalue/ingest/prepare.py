"""One input file → a staged frame of canonical columns, ready for the warehouse.

Everything decided once per file happens here, in Python over each column's distinct
values (councils, dates, periods, card flags); the per-record work is vectorised in Polars
now and in SQL when the batch is loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from bestvalue.ingest.columns import COUNCIL_FIELDS, TEXT_FIELDS
from bestvalue.ingest.inputs import SHEET_SUFFIXES, InputFile
from bestvalue.ingest.layout import (
    Layout,
    LayoutCache,
    LayoutError,
    detect_layout,
    sample_records,
)
from bestvalue.ingest.markup import is_markup
from bestvalue.ingest.pairs import amount_text
from bestvalue.ingest.periods import MONTH_WORD, Period, month_end, period_code_months, period_from_text
from bestvalue.ingest.reader import LINE, RawTable, read_csv_table
from bestvalue.ingest.sheets import CARD_FILE, SheetError, SheetPart, sheet_parts
from bestvalue.ingest.text import NotTextError, decode, unwrap_excel_text
from bestvalue.ingest.values import day_first_votes, parse_date
from bestvalue.reference.councils import Council, council_from_name, resolve_council

EARLIEST_DATE = dt.date(1995, 1, 1)
CARD_TRUE = {
    "yes",
    "y",
    "true",
    "1",
    "gpc",
    "p-card",
    "pcard",
    "p card",
    "card",
    "purchase card",
    "procurement card",
}
CARD_FALSE = {"no", "n", "false", "0", "bacs", "cheque", "invoice"}

STAGED_SCHEMA: dict[str, Any] = {
    "source_id": pl.Int32,
    "source_line": pl.Int32,
    "council_code": pl.String,
    "council_text": pl.String,
    "payment_date": pl.Date,
    "payment_date_text": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "date_basis": pl.String,
    "amount_raw": pl.String,
    "irrecoverable_vat_raw": pl.String,
    **dict.fromkeys(TEXT_FIELDS, pl.String),
    "is_purchase_card": pl.Boolean,
    "extra": pl.String,
    "n_cells": pl.Int32,
    "header_like": pl.Boolean,
}


class PrepareError(ValueError):
    """A file that cannot be loaded at all; the message says why."""


@dataclass
class Options:
    """What the user said on the command line that applies to every file."""

    council: Council | None = None
    period: Period | None = None
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class PreparedFile:
    """A file read and staged, or the reason it could not be."""

    input: InputFile
    sha256: str
    size: int
    source_id: int
    frame: pl.DataFrame | None = None
    records: int = 0
    fixed_skips: dict[str, int] = field(default_factory=dict)  # preamble, header, other sheets
    council: Council | None = None
    period: Period | None = None
    encoding: str | None = None
    delimiter: str | None = None
    read_method: str | None = None
    header_line: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    raw_line: Callable[[int], str] | None = None

    def skip(self, **counts: int) -> None:
        """Add lines that are not data to the file's skipped counts, by kind (``preamble`` above a
        header, the ``header``'s own lines, ``blank``)."""
        for kind, n in counts.items():
            self.fixed_skips[kind] = self.fixed_skips.get(kind, 0) + n


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- per-column decisions over distinct values ---------------------------------------------
def _distinct(frame: pl.DataFrame, col: str) -> list[str]:
    return [v for v in frame.get_column(col).drop_nulls().unique().to_list() if v.strip()]


def _value_counts(frame: pl.DataFrame, col: str) -> dict[str, int]:
    return {v: n for v, n in frame.get_column(col).drop_nulls().value_counts().iter_rows() if v.strip()}


def _date_map(values: list[str], options: Options) -> tuple[dict[str, dt.date], dict[str, str], bool]:
    """(parsed dates, reject reasons for unreadable ones, day-first?) for distinct date texts."""
    day_votes, month_votes = day_first_votes(values)
    day_first = not (month_votes > 0 and day_votes == 0)
    latest = options.today + dt.timedelta(days=730)
    parsed: dict[str, dt.date] = {}
    bad: dict[str, str] = {}
    for v in values:
        d = parse_date(v.strip(), day_first)
        if d is None:
            bad[v] = f"payment date not recognised: {v!r}"
        elif not EARLIEST_DATE <= d <= latest:
            bad[v] = f"payment date {d.isoformat()} is out of range"
        else:
            parsed[v] = d
    return parsed, bad, day_first


def _periods_from_codes(
    values: list[str], dates: list[dt.date], name_period: Period | None
) -> tuple[dict[str, tuple[dt.date, dt.date]], str]:
    """Period texts → (start, end); ``YYYYPP`` codes read as calendar months or fiscal
    periods (P1 = April), whichever agrees with the payment dates or the file name."""
    codes = [v for v in values if period_code_months(v, fiscal=False) or period_code_months(v, fiscal=True)]
    mode = "calendar"
    if codes:

        def agreement(fiscal: bool) -> int:
            months = {period_code_months(v, fiscal) for v in codes}
            if dates:
                return sum(1 for d in dates if (d.year, d.month) in months)
            if name_period:
                return sum(1 for m in months if m and name_period.contains(dt.date(m[0], m[1], 1)))
            return 0

        if agreement(True) > agreement(False):
            mode = "fiscal"
    out: dict[str, tuple[dt.date, dt.date]] = {}
    for v in values:
        ym = period_code_months(v, fiscal=mode == "fiscal")
        if ym:
            start = dt.date(ym[0], ym[1], 1)
            out[v] = (start, month_end(start))
            continue
        p = period_from_text(v, "period_column")
        if p:
            out[v] = (p.start, p.end)
    return out, mode


def _card_flag(value: str) -> bool | None:
    v = value.strip().lower()
    if v in CARD_TRUE:
        return True
    if v in CARD_FALSE:
        return False
    return None


# -- the file as a whole --------------------------------------------------------------------
def _resolve_councils(
    frame: pl.DataFrame, layout: Layout, options: Options
) -> tuple[pl.Expr, pl.Expr, Council, list[str]]:
    """Per-record council code and the text it came from, the file's council, and notes."""
    cols = [f"c{layout.fields[f]}" for f in COUNCIL_FIELDS if f in layout.fields]
    resolved: dict[str, str] = {}
    unresolved: list[str] = []
    counts: Counter[str] = Counter()
    for col in cols:
        vc = frame.get_column(col).drop_nulls().value_counts()
        for value, n in vc.iter_rows():
            c = council_from_name(value)
            if c:
                resolved[value] = c.gss_code
                counts[c.gss_code] += n
            elif value.strip():
                unresolved.append(value)
    notes: list[str] = []
    if counts:
        dominant = resolve_council(counts.most_common(1)[0][0])
        assert dominant is not None
    elif options.council:
        dominant = options.council
        if unresolved:
            notes.append(
                f"council column says {', '.join(repr(u) for u in sorted(set(unresolved))[:3])}: "
                f"using --council {dominant.name}"
            )
    else:
        said = ", ".join(repr(u) for u in sorted(set(unresolved))[:3])
        raise PrepareError(
            "cannot tell which council published this file: "
            + (
                f"its council column says {said}, which is not a known council name or code; "
                if said
                else "it has no council column; "
            )
            + "pass --council CODE_OR_NAME"
        )
    text_expr = pl.coalesce([pl.col(c) for c in cols]) if cols else pl.lit(None, pl.String)
    if not cols or len(set(resolved.values())) <= 1:
        if unresolved and counts:
            notes.append(
                f"{len(set(unresolved))} council name(s) not recognised "
                f"({', '.join(repr(u) for u in sorted(set(unresolved))[:3])}): read as {dominant.name}"
            )
        return pl.lit(dominant.gss_code), text_expr, dominant, notes
    per_col = [
        pl.col(c).replace_strict(
            list(resolved), list(resolved.values()), default=None, return_dtype=pl.String
        )
        for c in cols
    ]
    code_expr = pl.coalesce([*per_col, pl.lit(dominant.gss_code)])
    notes.append(f"file names {len(set(resolved.values()))} councils; each record keeps its own")
    return code_expr, text_expr, dominant, notes


def _source_period(
    inp: InputFile,
    layout: Layout,
    options: Options,
    row_periods: list[tuple[dt.date, dt.date]],
    dates: list[tuple[dt.date, int]],
) -> Period | None:
    if options.period:
        return options.period
    if row_periods:
        return Period(min(p[0] for p in row_periods), max(p[1] for p in row_periods), "period_column")
    name_period = period_from_text(inp.name, "file_name")
    if dates:
        if name_period:
            inside = sum(n for d, n in dates if name_period.contains(d, slack_days=45))
            if inside * 2 >= sum(n for _, n in dates):
                return name_period
        lo, hi = min(d for d, _ in dates), max(d for d, _ in dates)
        return Period(lo.replace(day=1), month_end(hi), "payment_dates")
    # Title lines that name a month ("Jun-13") say more than ledger codes in query text.
    named = [line for line in layout.preamble if MONTH_WORD.search(line)]
    for line in named + [line for line in layout.preamble if line not in named]:
        p = period_from_text(line, "preamble")
        if p:
            return p
    return name_period


def stage_frame(
    raw: RawTable, layout: Layout, inp: InputFile, source_id: int, options: Options, card: bool = False
) -> tuple[pl.DataFrame, Council, Period | None, list[str]]:
    """The staged frame (``STAGED_SCHEMA``) for one table (``card``: of card payments, by its
    sheet's name)."""
    frame = raw.frame
    fields = layout.fields
    notes: list[str] = []

    def col(name: str) -> pl.Expr:
        return pl.col(f"c{fields[name]}") if name in fields else pl.lit(None, pl.String)

    council_expr, council_text, council, council_notes = _resolve_councils(frame, layout, options)
    notes += council_notes
    amount_raw, amount_notes = amount_text(frame, fields)
    notes += amount_notes

    # Payment dates: parse each distinct text once.
    date_counts = _value_counts(frame, f"c{fields['payment_date']}") if "payment_date" in fields else {}
    date_values = list(date_counts)
    parsed, bad, day_first = _date_map(date_values, options)
    weighted_dates = [(d, date_counts[v]) for v, d in parsed.items()]
    if date_values and not parsed:
        notes.append(f"column {layout.headers[fields['payment_date']]!r} holds no usable dates")
        bad = {}
    if not day_first:
        notes.append("dates read month-first (mm/dd/yyyy): no day above 12 in the first position")
    date_col = f"c{fields['payment_date']}" if "payment_date" in fields else None
    if date_col and parsed:
        date_expr = pl.col(date_col).replace_strict(
            list(parsed), list(parsed.values()), default=None, return_dtype=pl.Date
        )
    else:
        date_expr = pl.lit(None, pl.Date)
    if date_col and bad:
        bad_expr = pl.col(date_col).replace_strict(
            list(bad), list(bad.values()), default=None, return_dtype=pl.String
        )
    else:
        bad_expr = pl.lit(None, pl.String)

    # Per-record periods: a period column, else the effective date's month.
    row_periods: dict[str, tuple[dt.date, dt.date]] = {}
    basis = "source_period"
    period_col = None
    if "period" in fields:
        period_col = f"c{fields['period']}"
        row_periods, mode = _periods_from_codes(
            _distinct(frame, period_col), list(parsed.values()), period_from_text(inp.name, "file_name")
        )
        basis = "period_column"
        if mode == "fiscal":
            notes.append("period codes read as financial-year periods (P1 = April)")
    elif "effective_date" in fields:
        period_col = f"c{fields['effective_date']}"
        eff, _, _ = _date_map(_distinct(frame, period_col), options)
        row_periods = {v: (d.replace(day=1), month_end(d)) for v, d in eff.items()}
        basis = "effective_date"
    period = _source_period(inp, layout, options, list(row_periods.values()), weighted_dates)
    src_start = pl.lit(period.start if period else None, pl.Date)
    src_end = pl.lit(period.end if period else None, pl.Date)
    if period_col and row_periods:
        keys = list(row_periods)
        start_expr = pl.coalesce(
            pl.col(period_col).replace_strict(
                keys, [p[0] for p in row_periods.values()], default=None, return_dtype=pl.Date
            ),
            src_start,
        )
        end_expr = pl.coalesce(
            pl.col(period_col).replace_strict(
                keys, [p[1] for p in row_periods.values()], default=None, return_dtype=pl.Date
            ),
            src_end,
        )
        basis_expr = (
            pl.when(pl.col(period_col).is_in(keys)).then(pl.lit(basis)).otherwise(pl.lit("source_period"))
        )
    else:
        start_expr, end_expr, basis_expr = src_start, src_end, pl.lit("source_period")

    # Purchase cards.
    card_default = card or bool(CARD_FILE.search(inp.name)) or "merchant_category" in fields
    if "purchase_card" in fields:
        flags = {
            v: f for v in _distinct(frame, f"c{fields['purchase_card']}") if (f := _card_flag(v)) is not None
        }
        card_expr = (
            pl.col(f"c{fields['purchase_card']}")
            .replace_strict(list(flags), list(flags.values()), default=card_default, return_dtype=pl.Boolean)
            .fill_null(card_default)
            if flags
            else pl.lit(card_default)
        )
    else:
        card_expr = pl.lit(card_default)

    # Unmapped columns that hold anything go to ``extra`` as JSON.
    extra_cols = [i for i in layout.extras() if frame.get_column(f"c{i}").null_count() < frame.height]
    if extra_cols:
        extra_expr = pl.struct(
            [pl.col(f"c{i}").alias(layout.headers[i]) for i in extra_cols]
        ).struct.json_encode()
    else:
        extra_expr = pl.lit(None, pl.String)

    header_checks = [col(f) == layout.headers[fields[f]] for f in ("amount", "payment_date") if f in fields]
    data_cols = [c for c in frame.columns if c != LINE]
    optional = [
        pl.col(f"c{fields[f]}").alias(name)
        for f, name in (("irrecoverable_vat", "irrecoverable_vat_raw"), *((t, t) for t in TEXT_FIELDS))
        if f in fields
    ]
    staged = frame.select(
        pl.lit(source_id, pl.Int32).alias("source_id"),
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
        council_expr.alias("council_code"),
        council_text.alias("council_text"),
        date_expr.alias("payment_date"),
        bad_expr.alias("payment_date_text"),
        start_expr.alias("period_start"),
        end_expr.alias("period_end"),
        basis_expr.alias("date_basis"),
        amount_raw.alias("amount_raw"),
        *optional,
        card_expr.alias("is_purchase_card"),
        extra_expr.alias("extra"),
        pl.sum_horizontal([pl.col(c).is_not_null() for c in data_cols]).cast(pl.Int32).alias("n_cells"),
        (pl.any_horizontal(header_checks).fill_null(False) if header_checks else pl.lit(False)).alias(
            "header_like"
        ),
    )
    return staged, council, period, notes


def conform(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Staged frames of several files as one frame with every ``STAGED_SCHEMA`` column, in order."""
    batch = pl.concat(frames, how="diagonal_relaxed", rechunk=False) if len(frames) > 1 else frames[0]
    missing = [
        pl.lit(None, dtype).alias(name) for name, dtype in STAGED_SCHEMA.items() if name not in batch.columns
    ]
    if missing:
        batch = batch.with_columns(missing)
    return batch.select(pl.col(name).cast(dtype) for name, dtype in STAGED_SCHEMA.items())


@dataclass
class PlannedFile:
    """A file read and laid out (the part of preparing that depends on the files before it), not
    yet staged. ``sheet``: a workbook, laid out when staged."""

    prepared: PreparedFile
    data: bytes
    sheet: bool = False
    text: str = ""
    layout: Layout | None = None


def _csv_layout(
    planned: PlannedFile,
    siblings: Callable[[InputFile, int], list[tuple[str, list[str]]]] | None,
    cache: LayoutCache | None,
) -> None:
    prepared = planned.prepared
    decoded = decode(planned.data)
    prepared.encoding = decoded.encoding
    text = decoded.text if decoded.text is not None else decoded.data.decode("utf-8")
    planned.data = decoded.data
    text, unwrapped = unwrap_excel_text(text)
    if unwrapped:
        planned.data = text.encode("utf-8")
        prepared.notes.append(f'{unwrapped} cells written as ="..." (Excel text formulas) read as their text')
    layout = cache.lookup(text) if cache is not None else None
    if layout is None:
        delimiter, records = sample_records(text)
        inp = prepared.input
        layout = detect_layout(records, delimiter, (lambda w: siblings(inp, w)) if siblings else None)
        if cache is not None:
            cache.remember(text, layout)
    planned.text = text
    planned.layout = layout


def _csv_tables(planned: PlannedFile) -> tuple[RawTable, Layout]:
    assert planned.layout is not None
    raw = read_csv_table(planned.data, planned.text, planned.layout)
    planned.prepared.raw_line = _line_reader(planned.text)
    return raw, planned.layout


def _line_reader(text: str) -> Callable[[int], str]:
    """Line ``n`` (1-based) of the text, splitting it only when first asked."""
    lines: list[str] = []

    def line(n: int) -> str:
        if not lines:
            lines.extend(text.split("\n"))
        return lines[n - 1].rstrip("\r") if 0 < n <= len(lines) else ""

    return line


WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, xlsm, ods) and OLE2 (xls)


def _is_workbook(data: bytes, suffix: str, prepared: PreparedFile) -> bool:
    """True for a workbook, or an HTML page or XML Spreadsheet saved under a spreadsheet name (read
    as sheets, with a note); a text table under such a name (a tab-separated export saved as
    ``.xls``) is read as text, with a note."""
    if data.startswith(WORKBOOK_MAGIC):
        return True
    if is_markup(data):
        prepared.notes.append(f"an HTML or XML page saved as {suffix}: its tables read as sheets")
        return True
    prepared.notes.append(f"not a workbook despite its {suffix} name: read as a text table")
    return False


def plan_file(
    inp: InputFile,
    source_id: int,
    options: Options,
    siblings: Callable[[InputFile, int], list[tuple[str, list[str]]]] | None = None,
    data: bytes | None = None,
    cache: LayoutCache | None = None,
    sha256: str | None = None,
) -> PlannedFile:
    """Read and lay out one file (``sha256``: of ``data``, when the caller has it). Files are
    planned one after another, in order (the layout cache learns from each); staging each planned
    file (:func:`stage_file`) depends on nothing else, so it may run on another thread."""
    if data is None:
        data = inp.read()
    planned = PlannedFile(PreparedFile(inp, sha256 or sha256_of(data), len(data), source_id), data)
    try:
        planned.sheet = inp.suffix in SHEET_SUFFIXES and _is_workbook(data, inp.suffix, planned.prepared)
        if not planned.sheet:
            _csv_layout(planned, siblings, cache)
    except (LayoutError, PrepareError, NotTextError, UnicodeDecodeError) as exc:
        planned.prepared.error = str(exc)
    return planned


def stage_file(planned: PlannedFile, options: Options) -> PreparedFile:
    """Read the planned file's records and stage them. Never raises for bad input: the reason is in
    ``error``."""
    prepared = planned.prepared
    if prepared.error is not None:
        return prepared
    inp = prepared.input
    sheet = planned.sheet
    try:
        parts = sheet_parts(planned.data, prepared) if sheet else [SheetPart(*_csv_tables(planned))]
        staged: list[tuple[pl.DataFrame, Council, Period | None, list[str]]] = []
        for part in parts:
            # A later part without a council column is the first part's council.
            if staged and options.council is None:
                part_options = replace(options, council=staged[0][1])
            else:
                part_options = options
            staged.append(
                stage_frame(part.raw, part.layout, inp, prepared.source_id, part_options, part.card)
            )
    except (LayoutError, PrepareError, SheetError, NotTextError, UnicodeDecodeError) as exc:
        prepared.error = str(exc)
        return prepared
    frame = staged[0][0] if len(staged) == 1 else conform([f for f, _, _, _ in staged])
    prepared.frame = frame
    prepared.records = sum(part.raw.records for part in parts)
    for part in parts:
        raw, layout = part.raw, part.layout
        if layout.header_row_index is not None:
            prepared.skip(
                preamble=layout.header_row_index, header=raw.header_records - layout.header_row_index
            )
        elif raw.header_records:
            prepared.skip(blank=raw.header_records)
    prepared.fixed_skips = {k: v for k, v in prepared.fixed_skips.items() if v}
    _, council, _, notes = staged[0]
    raw, layout = parts[0].raw, parts[0].layout
    prepared.council = council
    prepared.period = _span([p for _, _, p, _ in staged])
    prepared.delimiter = layout.delimiter if not sheet else None
    prepared.read_method = raw.method
    prepared.header_line = layout.header_row_index + 1 if layout.header_row_index is not None else None
    prepared.columns = layout.describe()
    prepared.notes += layout.notes + notes
    for part, (_, _, _, part_notes) in zip(parts[1:], staged[1:], strict=True):
        for f, header in part.layout.describe().items():
            prepared.columns.setdefault(f, header)
        prepared.notes += [f"{part.label}: {n}" for n in part.layout.notes + part_notes]
    if (
        prepared.period is None
        and frame.get_column("payment_date").null_count() == frame.height
        and frame.height
    ):
        prepared.notes.append("no usable dates and no period in the file name: pass --period")
    return prepared


def _span(periods: list[Period | None]) -> Period | None:
    """The file's period: its first part's, widened to cover its other parts' (a workbook read in
    parts)."""
    known = [p for p in periods if p is not None]
    if len({(p.start, p.end) for p in known}) <= 1:
        return known[0] if known else None
    return Period(min(p.start for p in known), max(p.end for p in known), known[0].basis)


def notes_json(notes: list[str]) -> str:
    return json.dumps(notes)
