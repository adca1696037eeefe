"""Method 3: the supplier's profile across all councils.

Spend that the strong methods (published ProClass, council categories) decided is pooled per
supplier: how much of it, by £, falls in each ProClass level-1 group, how much is ICT, in how many
councils. A supplier whose categorised spend is dominated by one group lends that group (and, when
one code dominates the group, that code) to its undecided spend anywhere.

The supplier is the resolved entity from ``spend_suppliers`` when supplier resolution has run, and
otherwise the normalised published name (legal suffixes dropped). Individuals and redacted payees
get no profile.
"""

from __future__ import annotations

import polars as pl

from bestvalue.classify.mapping import NOTIT
from bestvalue.classify.taxonomy import NONPROC, taxonomy
from bestvalue.classify.text import REDACTED_RE, supplier_key_expr

TOP_SHARE_MIN = 0.8  # the dominant level-1 group's share of the supplier's categorised £
CODE_SHARE_MIN = 0.8  # the dominant code's share within that group, to lend the code itself
EVIDENCE_ROWS_MIN = 3
DECIDE_MIN = 0.6  # minimum confidence for the profile to decide

PROFILE_SCHEMA = {
    "supplier_key": pl.String,
    "evidence_rows": pl.Int64,
    "councils": pl.Int32,
    "evidence_gross": pl.Float64,
    "it_share": pl.Float64,
    "top_level1": pl.String,
    "top_share": pl.Float64,
    "top_code": pl.String,
    "top_code_share": pl.Float64,
}


def supplier_keys(combos: pl.DataFrame) -> pl.DataFrame:
    """``k, supplier_key`` for combinations whose payee can carry a profile."""
    names = (
        combos.select("supplier_name")
        .unique()
        .drop_nulls()
        .with_columns(
            name_key=pl.when(pl.col("supplier_name").str.contains(REDACTED_RE))
            .then(None)
            .otherwise(pl.lit("name:") + supplier_key_expr(pl.col("supplier_name")))
        )
    )
    return (
        combos.select("k", "supplier_name", "supplier_id", "payee_kind")
        .join(names, on="supplier_name", how="left")
        .select(
            "k",
            supplier_key=pl.when(pl.col("supplier_id").is_not_null())
            .then(pl.col("supplier_id"))
            .when(pl.col("payee_kind").is_in(["individual", "redacted"]))
            .then(None)
            .otherwise(pl.col("name_key")),
        )
        .filter(pl.col("supplier_key").is_not_null())
    )


def build_profiles(combos: pl.DataFrame, strong: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """One profile per supplier key from the strongly decided combinations.

    ``keys`` is :func:`supplier_keys` of ``combos``."""
    tax = taxonomy()
    heads = tax.level1_of
    ict = {c.code for c in tax.codes.values() if c.is_ict}
    ev = (
        combos.select("k", "council_code", "n", "gross")
        .join(strong.select("k", "code"), on="k", how="inner")
        .join(keys, on="k", how="inner")
        .with_columns(
            level1=pl.when(pl.col("code") == NONPROC)
            .then(pl.lit(NONPROC))
            .otherwise(pl.col("code").replace_strict(heads, default=None)),
            is_it=pl.col("code").is_in(list(ict)),
        )
    )
    if ev.height == 0:
        return pl.DataFrame(schema=PROFILE_SCHEMA)
    totals = ev.group_by("supplier_key").agg(
        evidence_rows=pl.col("n").sum().cast(pl.Int64),
        councils=pl.col("council_code").n_unique().cast(pl.Int32),
        evidence_gross=pl.col("gross").sum(),
        it_share=(pl.col("gross").filter(pl.col("is_it")).sum() / pl.col("gross").sum()).fill_nan(0.0),
    )
    by_level1 = (
        ev.filter(pl.col("code") != NOTIT)
        .group_by("supplier_key", "level1")
        .agg(g=pl.col("gross").sum(), rows=pl.col("n").sum())
        .with_columns(share=pl.col("g") / pl.col("g").sum().over("supplier_key"))
        .sort(["supplier_key", "g", "rows", "level1"], descending=[False, True, True, False])
        .unique("supplier_key", keep="first", maintain_order=True)
        .select("supplier_key", top_level1="level1", top_share=pl.col("share").fill_nan(0.0))
    )
    by_code = (
        ev.filter(pl.col("code") != NOTIT)
        .group_by("supplier_key", "level1", "code")
        .agg(g=pl.col("gross").sum(), rows=pl.col("n").sum())
        .with_columns(share=pl.col("g") / pl.col("g").sum().over("supplier_key", "level1"))
        .sort(["supplier_key", "level1", "g", "rows", "code"], descending=[False, False, True, True, False])
        .unique(["supplier_key", "level1"], keep="first", maintain_order=True)
        .select(
            "supplier_key", top_level1="level1", top_code="code", top_code_share=pl.col("share").fill_nan(0.0)
        )
    )
    return (
        totals.join(by_level1, on="supplier_key", how="left")
        .join(by_code, on=["supplier_key", "top_level1"], how="left")
        .select(list(PROFILE_SCHEMA))
        .cast(PROFILE_SCHEMA)  # type: ignore[arg-type]
    )


def profile_decisions(combos: pl.DataFrame, profiles: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """``k, code, confidence, reason`` for combinations whose supplier profile is dominant enough."""
    heads = taxonomy().heads
    level1_names = {code: name for name, code in heads.items()} | {NONPROC: "not a purchase"}
    p = (
        profiles.filter(
            (pl.col("top_share") >= TOP_SHARE_MIN) & (pl.col("evidence_rows") >= EVIDENCE_ROWS_MIN)
        )
        .with_columns(
            code=pl.when(pl.col("top_code_share") >= CODE_SHARE_MIN)
            .then(pl.col("top_code"))
            .otherwise(pl.col("top_level1")),
            confidence=(pl.col("top_share") * pl.col("evidence_rows") / (pl.col("evidence_rows") + 2)).round(
                3
            ),
        )
        .filter(pl.col("confidence") >= DECIDE_MIN)
    )
    if p.height == 0:
        return pl.DataFrame(
            schema={"k": pl.UInt64, "code": pl.String, "confidence": pl.Float64, "reason": pl.String}
        )
    return (
        keys.join(combos.select("k"), on="k", how="semi")
        .join(p, on="supplier_key", how="inner")
        .with_columns(
            reason=pl.concat_str(
                [
                    pl.lit("supplier '"),
                    pl.col("supplier_key").str.replace("^name:", ""),
                    pl.lit("': "),
                    (pl.col("top_share") * 100).round(0).cast(pl.Int64).cast(pl.String),
                    pl.lit("% of its categorised £ is "),
                    pl.col("top_level1").replace_strict(level1_names, default="?"),
                    pl.lit(" ("),
                    pl.col("evidence_rows").cast(pl.String),
                    pl.lit(" rows in "),
                    pl.col("councils").cast(pl.String),
                    pl.lit(" councils; "),
                    (pl.col("it_share") * 100).round(0).cast(pl.Int64).cast(pl.String),
                    pl.lit("% ICT)"),
                ]
            )
        )
        .select("k", "code", "confidence", "reason")
    )
