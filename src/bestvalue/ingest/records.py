"""Each staged record typed and given its fate: loaded, rejected with a reason, or skipped.

The loader types each commit group's staged records here, in Polars, so the warehouse receives
only the loadable rows, already typed, and the counts come without a second pass.
Amounts that are plain numbers (nearly all) are cast directly; every other distinct amount text
goes through :func:`bestvalue.ingest.values.parse_amount`, the reference definition, once per batch.
Text is trimmed the way DuckDB's ``trim`` does (Unicode space separators only), so stored values
are the same as when this step ran as SQL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from bestvalue.ingest.columns import TEXT_FIELDS
from bestvalue.ingest.values import AmountError, parse_amount

AMOUNT = pl.Decimal(18, 2)
# Unicode "space separator" characters: what DuckDB's trim() removes (tabs and newlines stay).
SPACES = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Up to 16 digits and at most 2 decimals: cast exactly, no rounding, within DECIMAL(18,2).
PLAIN_AMOUNT = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"
# "Total", "Sub-total", "Grand totals ..." (ASCII whitespace and word boundary, as RE2 reads them).
TOTAL_LABEL = r"^[\t\n\f\r ]*(grand[\t\n\f\r ]+|sub[\t\n\f\r -]*)?totals?(?-u:\b)[^\n]*$"
CAPITAL_WORDS = ("c", "cap", "capital", "capital expenditure")
REVENUE_WORDS = ("r", "rev", "revenue", "revenue expenditure")
# A published date this many days or more outside the period the file (or row) covers is not the date
# of payment (it is an invoice or transaction date: a monthly file listing a 2019 date); the row's
# spend date is then the period's start (``date_basis = 'outside_period'``).
OUTSIDE_PERIOD_DAYS = 31
SPEND_SCHEMA: dict[str, Any] = {
    "spend_id": pl.Int64,
    "source_id": pl.Int32,
    "source_line": pl.Int32,
    "council_code": pl.String,
    "payment_date": pl.Date,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "date_basis": pl.String,
    "amount": AMOUNT,
    "irrecoverable_vat": AMOUNT,
    **dict.fromkeys(TEXT_FIELDS, pl.String),
    "is_purchase_card": pl.Boolean,
    "extra": pl.String,
}
SPEND_COLUMNS = tuple(SPEND_SCHEMA)


@dataclass
class FileOutcome:
    """One file's records by fate (``rows = loaded + len(rejects) + sum(skipped)``)."""

    loaded: int = 0
    amount_loaded: Decimal = Decimal("0.00")
    rejects: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), by line
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class Outcome:
    """A batch of files typed: the loadable rows (``SPEND_SCHEMA``) and each file's accounting."""

    rows: pl.DataFrame
    files: dict[int, FileOutcome]  # by source id

    def of(self, source_id: int) -> FileOutcome:
        return self.files.get(source_id) or FileOutcome()

    @staticmethod
    def empty() -> Outcome:
        return Outcome(pl.DataFrame(schema=SPEND_SCHEMA), {})


def _parse_or_none(text: str) -> Decimal | None:
    try:
        return parse_amount(text)
    except AmountError:
        return None


def trimmed(expr: pl.Expr) -> pl.Expr:
    """Text with space separators trimmed; empty text is null."""
    return expr.str.strip_chars(SPACES).replace("", None)


def amount_of(frame: pl.DataFrame, col: str) -> pl.Expr:
    """The column's amount text as DECIMAL(18,2), null where empty or not a number."""
    plain = pl.col(col).str.contains(PLAIN_AMOUNT)
    values = frame.get_column(col)
    others = values.filter(~values.str.contains(PLAIN_AMOUNT)).unique().to_list()
    parsed = {v: a for v in others if (a := _parse_or_none(v)) is not None}
    if parsed:
        other = pl.col(col).replace_strict(
            list(parsed), list(parsed.values()), default=None, return_dtype=AMOUNT
        )
    else:
        other = pl.lit(None, AMOUNT)
    return pl.when(plain).then(pl.col(col).cast(AMOUNT, strict=False)).otherwise(other)


def _capital_revenue(col: str) -> pl.Expr:
    word = pl.col(col).str.strip_chars(SPACES).str.to_lowercase()
    return (
        pl.when(word.is_in(REVENUE_WORDS))
        .then(pl.lit("revenue"))
        .when(word.is_in(CAPITAL_WORDS))
        .then(pl.lit("capital"))
        .otherwise(trimmed(pl.col(col)))
    )


def _status() -> pl.Expr:
    """``ok``, ``reject:<reason>`` or ``skip:<kind>``: the first rule that applies (over trimmed text)."""
    raw, vat_raw = pl.col("amount_raw"), pl.col("irrecoverable_vat_raw")
    label = pl.coalesce(
        *(pl.col(f) for f in ("supplier_name", "description", "department", "service_area", "expense_type")),
        pl.col("council_text"),
        pl.lit(""),
    ).str.to_lowercase()
    return (
        pl.when(pl.col("n_cells") == 0)
        .then(pl.lit("skip:blank"))
        .when(pl.col("header_like"))
        .then(pl.lit("skip:repeated_header"))
        .when(
            pl.col("payment_date").is_null()
            & pl.col("transaction_number").is_null()
            & label.str.contains(TOTAL_LABEL)
        )
        .then(pl.lit("skip:total"))
        .when(raw.is_null() & (pl.col("n_cells") <= 1))
        .then(pl.lit("skip:note"))
        .when(raw.is_null() | (raw.str.strip_chars(SPACES) == ""))
        .then(pl.lit("reject:amount missing"))
        .when(pl.col("amount").is_null())
        .then(pl.lit("reject:amount not a number: ") + raw)
        .when(pl.col("irrecoverable_vat").is_null() & trimmed(vat_raw).is_not_null())
        .then(pl.lit("reject:irrecoverable VAT not a number: ") + vat_raw)
        .when(pl.col("payment_date_text").is_not_null())
        .then(pl.lit("reject:") + pl.col("payment_date_text"))
        .when(pl.col("period_start").is_null())
        .then(pl.lit("reject:no payment date, and no period for the file (use --period)"))
        .when(pl.col("council_code").is_null())
        .then(pl.lit("reject:council not identified from ") + pl.col("council_text").fill_null("nothing"))
        .otherwise(pl.lit("ok"))
    )


def _date_basis() -> pl.Expr:
    paid, start, end = pl.col("payment_date"), pl.col("period_start"), pl.col("period_end")
    slack = pl.duration(days=OUTSIDE_PERIOD_DAYS)
    return (
        pl.when(paid.is_not_null() & ((paid < start - slack) | (paid > end + slack)))
        .then(pl.lit("outside_period"))
        .when(paid.is_not_null())
        .then(pl.lit("payment_date"))
        .otherwise(pl.col("date_basis"))
    )


@functools.cache
def _expressions() -> tuple[list[pl.Expr], list[pl.Expr]]:
    """(trimmed text columns, then status / spend id / date basis): the same for every file."""
    text = [
        (_capital_revenue(f) if f == "capital_revenue" else trimmed(pl.col(f))).alias(f) for f in TEXT_FIELDS
    ]
    derived = [
        _status().alias("status"),
        ((pl.col("source_id").cast(pl.Int64) * 2**32) + pl.col("source_line")).alias("spend_id"),
        _date_basis().alias("date_basis"),
    ]
    return text, derived


def type_records(staged: pl.DataFrame) -> Outcome:
    """Type a staged batch (``prepare.STAGED_SCHEMA``, one or more files) and sort its records by fate.

    A commit group's files are typed together: Polars' cost per call then falls on many rows."""
    text, derived = _expressions()
    # Eager on purpose: a lazy collect would go to the streaming engine, several times slower here.
    typed = staged.with_columns(
        amount_of(staged, "amount_raw").alias("amount"),
        amount_of(staged, "irrecoverable_vat_raw").alias("irrecoverable_vat"),
        *text,
    ).with_columns(derived)
    ok = pl.col("status") == "ok"
    loaded = typed.filter(ok).select(SPEND_COLUMNS).cast(pl.Schema(SPEND_SCHEMA))
    files: dict[int, FileOutcome] = {}
    per_file = loaded.group_by("source_id").agg(pl.len(), pl.col("amount").sum())
    for sid, n, amount in per_file.iter_rows():
        files[sid] = FileOutcome(n, amount if isinstance(amount, Decimal) else Decimal("0.00"))
    others = typed.filter(~ok).select("source_id", "source_line", "status").sort("source_id", "source_line")
    for sid, line, status in others.iter_rows():
        outcome = files.setdefault(sid, FileOutcome())
        if status.startswith("reject:"):
            outcome.rejects.append((line, status[len("reject:") :]))
        else:
            kind = status[len("skip:") :]
            outcome.skipped[kind] = outcome.skipped.get(kind, 0) + 1
    return Outcome(loaded, files)
