"""Amounts published as two columns, debit and credit, or beside a debit/credit marker: one amount
text per record.

A layout maps ``amount`` to the debit column and ``credit`` to the column taken from it
(``layout._pair_amounts``). Each distinct text of both columns is read once with
:func:`~bestvalue.ingest.values.parse_amount`; per record the amount is debit minus credit, written
as plain text for the warehouse to type like any published amount. A record with both cells empty
has no amount (rejected as missing); a cell that is not a number is passed on as published, so
the record is rejected naming it.
"""

from __future__ import annotations

import polars as pl

from bestvalue.ingest.layout import CREDIT_MARKS
from bestvalue.ingest.values import AmountError, parse_amount


def _pence(frame: pl.DataFrame, col: str) -> tuple[dict[str, int], list[str]]:
    """Distinct texts of a column that are amounts (→ pence) and those that are not numbers."""
    numbers: dict[str, int] = {}
    bad: list[str] = []
    for text in frame.get_column(col).drop_nulls().unique().to_list():
        try:
            value = parse_amount(text)
        except AmountError:
            bad.append(text)
            continue
        if value is not None:
            numbers[text] = int(value * 100)
    return numbers, bad


def _as_pence(col: str, numbers: dict[str, int]) -> pl.Expr:
    if not numbers:
        return pl.lit(None, pl.Int64)
    return pl.col(col).replace_strict(
        list(numbers), list(numbers.values()), default=None, return_dtype=pl.Int64
    )


def _text(pence: pl.Expr) -> pl.Expr:
    """Pence as plain decimal text: ``-12345`` → ``"-123.45"``."""
    magnitude = pence.abs()
    return pl.format(
        "{}{}.{}",
        pl.when(pence < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        magnitude // 100,
        (magnitude % 100).cast(pl.String).str.zfill(2),
    )


def _marked(frame: pl.DataFrame, amount: str, marker: str) -> pl.Expr:
    """One amount column beside a debit/credit marker: an amount marked as a credit is negative
    whatever its published sign; any other is read as published."""
    numbers, _ = _pence(frame, amount)
    credits = [
        v
        for v in frame.get_column(marker).drop_nulls().unique().to_list()
        if v.strip().upper().rstrip(".") in CREDIT_MARKS
    ]
    pence = _as_pence(amount, numbers)
    return (
        pl.when(pl.col(marker).is_in(credits) & pence.is_not_null())
        .then(_text(-pence.abs()))
        .otherwise(pl.col(amount))
    )


def amount_text(frame: pl.DataFrame, fields: dict[str, int]) -> tuple[pl.Expr, list[str]]:
    """The published amount text per record, and notes: debit minus credit when the file has both;
    a credit-marked amount negative when the file has a marker column."""
    if "amount" not in fields:
        return pl.lit(None, pl.String), []
    debit = f"c{fields['amount']}"
    if "debit_credit" in fields:
        return _marked(frame, debit, f"c{fields['debit_credit']}"), []
    if "credit" not in fields:
        return pl.col(debit), []
    credit = f"c{fields['credit']}"
    debits, bad_debits = _pence(frame, debit)
    credits, bad_credits = _pence(frame, credit)
    notes = []
    # Credits written as negative numbers are still money back: taken from the debit either way.
    if credits and all(v <= 0 for v in credits.values()) and any(credits.values()):
        credits = {k: -v for k, v in credits.items()}
        notes.append("credits are published as negative numbers: each is taken from the debit")
    d, c = _as_pence(debit, debits), _as_pence(credit, credits)
    expr = (
        pl.when(pl.col(debit).is_in(bad_debits))
        .then(pl.col(debit))
        .when(pl.col(credit).is_in(bad_credits))
        .then(pl.col(credit))
        .when(d.is_null() & c.is_null())
        .then(pl.lit(None, pl.String))
        .otherwise(_text(d.fill_null(0) - c.fill_null(0)))
    )
    return expr, notes
