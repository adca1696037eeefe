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

A second table, ``data/trade_rules.csv``, reads the trade a payee's name states ("... Construction
Ltd", "... Day Nursery", "... Taxis", "... Software Ltd"): such a name says what was bought more
reliably than the text model does when the model has only the name and an amount to go on (on
held-out councils the model was right for about a quarter of the £ of such payees it was unsure
about). These decisions are the classifier's ``payee_trade`` method, after the supplier profile and for
payees no payee rule reads (never public bodies or schools). They are evidence for neither
supplier profiles (a name says nothing about what the payee's other customers bought) nor the text
model's service-area context (the model reads the same name).

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
    """One row of ``payee_rules.csv`` or ``trade_rules.csv`` (whose rows have no kind: ``trade``)."""

    rule: str
    kind: str
    pattern: str
    unless: str
    code: str  # a decision (ProClass code or NONPROC), or "" when the kind is only a feature
    confidence: float
    examples: tuple[str, ...]
    note: str


def _name_rules(file: str) -> tuple[PayeeRule, ...]:
    return tuple(
        PayeeRule(
            r["rule"],
            r.get("kind", "trade"),
            r["pattern"],
            r["unless"],
            r["code"],
            float(r["confidence"]),
            examples_of(r["examples"]),
            r["note"],
        )
        for r in data_rows(file)
    )


@lru_cache(maxsize=1)
def payee_rules() -> tuple[PayeeRule, ...]:
    """The ordered payee rule table."""
    return _name_rules("payee_rules.csv")


@lru_cache(maxsize=1)
def trade_rules() -> tuple[PayeeRule, ...]:
    """The ordered trade rule table (first match wins)."""
    return _name_rules("trade_rules.csv")


def first_match(names: pl.Series, rules: tuple[PayeeRule, ...], out: str) -> pl.DataFrame:
    """``supplier_name, <out>``: the first of ``rules`` that reads each distinct normalised name
    (names no rule reads are absent)."""
    df = (
        pl.DataFrame({"supplier_name": names.unique().drop_nulls()})
        .with_columns(norm=normalise_expr(pl.col("supplier_name")))
        # one pass with every pattern first: most names match no rule
        .filter(pl.col("norm").str.contains("|".join(f"(?:{r.pattern})" for r in rules)))
        .with_columns(pl.lit(None, dtype=pl.String).alias(out))
    )
    for r in rules:
        hit = pl.col("norm").str.contains(r.pattern)
        if r.unless:
            hit = hit & ~pl.col("norm").str.contains(r.unless)
        df = df.with_columns(
            pl.when(pl.col(out).is_null() & hit.fill_null(False))
            .then(pl.lit(r.rule))
            .otherwise(pl.col(out))
            .alias(out)
        )
    return df.filter(pl.col(out).is_not_null()).select("supplier_name", out)


def payee_kinds(names: pl.Series) -> pl.DataFrame:
    """``supplier_name, payee_rule`` for each distinct published name a rule reads (others absent)."""
    return first_match(names, payee_rules(), "payee_rule")


def rule_table(rules: tuple[PayeeRule, ...] | None = None) -> pl.DataFrame:
    """``payee_rule, payee_kind, code, confidence, note`` of ``rules`` (the payee rules) for joining."""
    rs = payee_rules() if rules is None else rules
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


DECISION_SCHEMA = {"k": pl.UInt64, "code": pl.String, "confidence": pl.Float64, "reason": pl.String}


def _decisions(frame: pl.DataFrame, says: pl.Expr) -> pl.DataFrame:
    """``k, code, confidence, reason`` of rows carrying ``supplier_name``, ``payee_rule``, ``code``,
    ``confidence`` and ``note``: the reason is "payee '<name><says> (<rule>): <note>"."""
    return (
        frame.with_columns(
            reason=pl.concat_str(
                [
                    pl.lit("payee '"),
                    pl.col("supplier_name"),
                    says,
                    pl.lit(" ("),
                    pl.col("payee_rule"),
                    pl.lit("): "),
                    pl.col("note"),
                ]
            )
        )
        .select(list(DECISION_SCHEMA))
        .cast(DECISION_SCHEMA)  # type: ignore[arg-type]
    )


def trade_decisions(combos: pl.DataFrame) -> pl.DataFrame:
    """``k, code, confidence, reason`` for combinations whose payee's name states its trade.

    Payees a payee rule reads (public bodies, schools, tax, pensions) and redacted or missing
    names are left alone."""
    frame = with_payee_kind(combos).filter(pl.col("payee_class").is_null()) if combos.height else combos
    if frame.height == 0:
        return pl.DataFrame(schema=DECISION_SCHEMA)
    matches = first_match(frame["supplier_name"], trade_rules(), "payee_rule")
    return _decisions(
        frame.select("k", "supplier_name")
        .join(matches, on="supplier_name", how="inner")
        .join(rule_table(trade_rules()), on="payee_rule", how="inner"),
        pl.lit("' names its trade"),
    )


def payee_decisions(combos: pl.DataFrame) -> pl.DataFrame:
    """``k, code, confidence, reason`` for combinations whose payee name alone decides the payment
    (the payee rules that carry a decision: tax, pensions)."""
    deciding = rule_table().filter(pl.col("code").is_not_null()).drop("payee_kind")
    if combos.height == 0:
        return pl.DataFrame(schema=DECISION_SCHEMA)
    return _decisions(
        with_payee_kind(combos)
        .select("k", "supplier_name", "payee_rule", "payee_class")
        .join(deciding, on="payee_rule", how="inner"),
        pl.lit("' is a ") + pl.col("payee_class").str.replace_all("_", " "),
    )
