"""What kind of body a payee is, read from its published name (``data/payee_rules.csv``).

Payments that are not purchases (tax, pensions, transfers between public bodies) are better told by
who is paid than by what a text model makes of a name. The rule table reads the normalised payee
name (first match wins, an optional ``unless`` vetoes a rule) and gives a payee *kind*:

* ``tax_authority`` and ``pension_fund`` rules carry a decision (``NONPROC``: tax is not a purchase;
  ``201810``: ProClass Financial Services > Pension Funds) used by the classifier's ``payee`` method;
* the public-body kinds (``local_authority``, ``health_body``, ``central_government``,
  ``emergency_body``, ``transport_or_combined_authority``) and ``school`` decide nothing by
  themselves: payments to them may be purchases (a shared service, a school's room hire) or transfers
  (levies, pooled budgets, precepts). They are features of the text model, which learns from other
  councils' bookkeeping how such payments, at such amounts, are booked.

Rules use general words only: no council, body or supplier is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from bestvalue.classify.mapping import examples_of
from bestvalue.classify.taxonomy import data_rows
from bestvalue.classify.text import normalise_expr

PUBLIC_KINDS = frozenset(
    {
        "local_authority",
        "health_body",
        "central_government",
        "emergency_body",
        "transport_or_combined_authority",
        "tax_authority",
    }
)


@dataclass(frozen=True)
class PayeeRule:
    """One row of ``payee_rules.csv``."""

    rule: str
    kind: str
    pattern: str
    unless: str
    code: str  # a decision (ProClass code or NONPROC), or "" when the kind is only a feature
    confidence: float
    examples: tuple[str, ...]
    note: str


@lru_cache(maxsize=1)
def payee_rules() -> tuple[PayeeRule, ...]:
    """The ordered payee rule table."""
    return tuple(
        PayeeRule(
            r["rule"],
            r["kind"],
            r["pattern"],
            r["unless"],
            r["code"],
            float(r["confidence"]),
            examples_of(r["examples"]),
            r["note"],
        )
        for r in data_rows("payee_rules.csv")
    )


def payee_kinds(names: pl.Series) -> pl.DataFrame:
    """``supplier_name, payee_rule`` for each distinct published name a rule reads (others absent)."""
    rules = payee_rules()
    df = (
        pl.DataFrame({"supplier_name": names.unique().drop_nulls()})
        .with_columns(norm=normalise_expr(pl.col("supplier_name")))
        # one pass with every pattern first: most names are no public body, tax or pension payee
        .filter(pl.col("norm").str.contains("|".join(f"(?:{r.pattern})" for r in rules)))
        .with_columns(payee_rule=pl.lit(None, dtype=pl.String))
    )
    for r in rules:
        hit = pl.col("norm").str.contains(r.pattern)
        if r.unless:
            hit = hit & ~pl.col("norm").str.contains(r.unless)
        df = df.with_columns(
            payee_rule=pl.when(pl.col("payee_rule").is_null() & hit.fill_null(False))
            .then(pl.lit(r.rule))
            .otherwise(pl.col("payee_rule"))
        )
    return df.filter(pl.col("payee_rule").is_not_null()).select("supplier_name", "payee_rule")


def rule_table() -> pl.DataFrame:
    """``payee_rule, payee_kind, code, confidence, note`` for joining."""
    rs = payee_rules()
    return pl.DataFrame(
        {
            "payee_rule": [r.rule for r in rs],
            "payee_kind": [r.kind for r in rs],
            "code": [r.code or None for r in rs],
            "confidence": [r.confidence for r in rs],
            "note": [r.note for r in rs],
        },
        schema={
            "payee_rule": pl.String,
            "payee_kind": pl.String,
            "code": pl.String,
            "confidence": pl.Float64,
            "note": pl.String,
        },
    )


def with_payee_kind(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``payee_rule`` and ``payee_class`` (the rule's kind) to a frame with ``supplier_name``."""
    if "payee_class" in frame.columns:
        return frame
    empty = frame.with_columns(
        payee_rule=pl.lit(None, dtype=pl.String), payee_class=pl.lit(None, dtype=pl.String)
    )
    if "supplier_name" not in frame.columns or frame.height == 0:
        return empty
    kinds = payee_kinds(frame["supplier_name"]).join(
        rule_table().select("payee_rule", payee_class="payee_kind"), on="payee_rule"
    )
    return frame.join(kinds, on="supplier_name", how="left")


def payee_decisions(combos: pl.DataFrame) -> pl.DataFrame:
    """``k, code, confidence, reason`` for combinations whose payee name alone decides the payment."""
    schema = {"k": pl.UInt64, "code": pl.String, "confidence": pl.Float64, "reason": pl.String}
    deciding = rule_table().filter(pl.col("code").is_not_null()).drop("payee_kind")
    if combos.height == 0:
        return pl.DataFrame(schema=schema)
    return (
        with_payee_kind(combos)
        .select("k", "supplier_name", "payee_rule", "payee_class")
        .join(deciding, on="payee_rule", how="inner")
        .with_columns(
            reason=pl.concat_str(
                [
                    pl.lit("payee '"),
                    pl.col("supplier_name"),
                    pl.lit("' is a "),
                    pl.col("payee_class").str.replace_all("_", " "),
                    pl.lit(" ("),
                    pl.col("payee_rule"),
                    pl.lit("): "),
                    pl.col("note"),
                ]
            )
        )
        .select(list(schema))
        .cast(schema)  # type: ignore[arg-type]
    )
