"""The two strong methods: the council's published ProClass code, and the council's own category text.

Both work on a frame of combinations (see :mod:`bestvalue.classify.sql`) and return, per combination
key ``k``, a decision ``code`` (a ProClass code, ``NONPROC`` or ``NOTIT``), a ``confidence`` and a
``reason``. Combinations they cannot decide are absent from the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from bestvalue.classify.mapping import (
    GENERIC,
    describe_code,
    map_merchant_categories,
    map_wordings,
    rules_by_id,
)
from bestvalue.classify.taxonomy import taxonomy
from bestvalue.classify.text import normalise, normalise_expr

DECISIVE_MIN = 0.7  # a wording decides a row only at or above this confidence
# The category columns in order of preference when two are equally confident (most detailed first).
WORDING_COLUMNS: tuple[str, ...] = ("merchant_category", "expense_type", "council_category", "expense_group")
# A description counts as the council's own wording when the council uses it for this many suppliers.
DESCRIPTION_SUPPLIERS_MIN = 3
DESCRIPTION_WEIGHT = 0.9  # confidence factor for descriptions the council uses like a category
FREE_TEXT_WEIGHT = 0.8  # confidence factor for other descriptions (free text): only strong rules decide

DECISION_SCHEMA = {
    "k": pl.UInt64,
    "code": pl.String,
    "confidence": pl.Float64,
    "reason": pl.String,
    "source": pl.String,
}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=DECISION_SCHEMA)


@dataclass(frozen=True)
class PublishedDecision:
    """What a published (code, label) pair resolves to."""

    code: str | None
    confidence: float
    reason: str


_UNLABELLED = ("na", "n a", "not classified", "unclassified", "none")


def resolve_published_many(pairs: list[tuple[str | None, str | None]]) -> list[PublishedDecision]:
    """Resolve published ProClass (code, label) pairs against ProClass v17.

    A code that exists in v17 is taken as published: councils that moved to v17 codes often keep
    older labels beside them (a label is then stale, the code is not). A code that is not in v17 is
    replaced by what its label says, read like any council wording. "NA" and "Not Classified"
    decide nothing.
    """
    tax = taxonomy()
    labels = [normalise(lbl) for _, lbl in pairs]
    mapped = map_wordings(pl.Series([w for w in labels if w and w not in _UNLABELLED], dtype=pl.String))
    by_label = {
        w: (c, e)
        for w, c, conf, e in mapped.select("wording", "code", "confidence", "evidence").iter_rows()
        if c != GENERIC and conf >= DECISIVE_MIN
    }
    out = []
    for (code, label), norm in zip(pairs, labels, strict=True):
        c = (code or "").strip()
        lbl = (label or "").strip()
        entry = tax.get(c)
        label_code, label_evidence = by_label.get(norm, (None, ""))
        if entry is not None:
            out.append(
                PublishedDecision(entry.code, 0.98, f"published ProClass {entry.code} ({entry.label})")
            )
        elif label_code is not None:
            why = f"{c} is not a ProClass v17 code" if c and c.upper() != "NA" else "no code"
            out.append(
                PublishedDecision(
                    label_code,
                    0.9,
                    f"published ProClass label '{lbl}' ({why}) → {describe_code(label_code)} "
                    f"({label_evidence})",
                )
            )
        else:
            out.append(PublishedDecision(None, 0.0, f"published ProClass '{c or lbl}' decides nothing"))
    return out


def resolve_published(code: str | None, label: str | None) -> PublishedDecision:
    """One published (code, label) pair (see :func:`resolve_published_many`)."""
    return resolve_published_many([(code, label)])[0]


def published(combos: pl.DataFrame) -> pl.DataFrame:
    """Method 1: the council's published ProClass code (and label)."""
    pairs = combos.filter(pl.col("proclass_code").is_not_null() | pl.col("proclass_label").is_not_null())
    if pairs.height == 0:
        return _empty()
    distinct = pairs.select("proclass_code", "proclass_label").unique()
    decided = resolve_published_many(list(distinct.iter_rows()))
    table = distinct.with_columns(
        code=pl.Series([d.code for d in decided], dtype=pl.String),
        confidence=pl.Series([d.confidence for d in decided], dtype=pl.Float64),
        reason=pl.Series([d.reason for d in decided], dtype=pl.String),
    ).filter(pl.col("code").is_not_null())
    return (
        pairs.select("k", "proclass_code", "proclass_label")
        .join(table, on=["proclass_code", "proclass_label"], how="inner", nulls_equal=True)
        .with_columns(source=pl.lit("proclass_code"))
        .select(list(DECISION_SCHEMA))
    )


def _description_texts(combos: pl.DataFrame) -> pl.DataFrame:
    """``k, council_code, supplier_name, text, head``: each description, and its part before " - "."""
    base = combos.filter(pl.col("description").is_not_null()).select(
        "k", "council_code", "supplier_name", "description"
    )
    full = base.select("k", "council_code", "supplier_name", text=pl.col("description"), head=pl.lit(False))
    head = (
        base.select(
            "k",
            "council_code",
            "supplier_name",
            text=pl.col("description").str.split(" - ").list.first().str.strip_chars(),
            head=pl.lit(True),
        )
        .filter(pl.col("text") != "")
        .join(full.select("k", "text"), on=["k", "text"], how="anti")
    )
    return pl.concat([full, head], how="vertical")


def category_like_descriptions(texts: pl.DataFrame) -> pl.DataFrame:
    """(council_code, text) a council uses for at least N suppliers: read as expense wordings.

    Many councils publish descriptions as "<expense type> - <narrative>"; the part before " - "
    is tested too.
    """
    return (
        texts.group_by("council_code", "text")
        .agg(pl.col("supplier_name").n_unique().alias("suppliers"))
        .filter((pl.col("suppliers") >= DESCRIPTION_SUPPLIERS_MIN) & (pl.col("text").str.len_chars() <= 80))
        .select("council_code", "text")
    )


def council_wordings(combos: pl.DataFrame, free_text: bool = True) -> pl.DataFrame:
    """Method 2: the council's own category columns and descriptions.

    A description the council uses for several suppliers is read as an expense wording (confidence
    x0.9); any other description as free text (x0.8, so only the surest rules decide on it).
    ``free_text=False`` skips free-text descriptions (used where only confident readings matter).
    """
    long = []
    for priority, col in enumerate(WORDING_COLUMNS):
        part = combos.filter(pl.col(col).is_not_null()).select(
            "k", column=pl.lit(col), priority=pl.lit(priority), value=pl.col(col)
        )
        long.append(part)
    texts = _description_texts(combos)
    like = category_like_descriptions(texts).with_columns(weight=pl.lit(DESCRIPTION_WEIGHT))
    desc = (
        texts.join(like, on=["council_code", "text"], how="left")
        .filter(
            (~pl.col("head") | pl.col("weight").is_not_null()) & (free_text | pl.col("weight").is_not_null())
        )
        .select(
            "k",
            column=pl.lit("description"),
            priority=pl.lit(len(WORDING_COLUMNS)),
            value=pl.col("text"),
            weight=pl.col("weight").fill_null(FREE_TEXT_WEIGHT),
        )
    )
    long.append(desc)
    frame = pl.concat(long, how="diagonal").with_columns(
        wording=normalise_expr(pl.col("value")), weight=pl.col("weight").fill_null(1.0)
    )
    if frame.height == 0:
        return _empty()
    cards = frame.filter(pl.col("column") == "merchant_category")
    others = frame.filter(pl.col("column") != "merchant_category")
    free = pl.col("weight") == FREE_TEXT_WEIGHT
    mapped_words = pl.concat(
        [
            map_wordings(others.filter(~free)["wording"]),
            map_wordings(others.filter(free)["wording"], similar=False),
        ],
        how="vertical",
    ).unique("wording", keep="first", maintain_order=True)
    mapped_cards = map_merchant_categories(cards["value"])
    decided = (
        pl.concat(
            [
                others.join(mapped_words, on="wording", how="inner"),
                cards.join(mapped_cards, on="value", how="inner"),
            ],
            how="diagonal_relaxed",
        )
        .with_columns(confidence=(pl.col("confidence") * pl.col("weight")).round(3))
        .filter((pl.col("code") != GENERIC) & (pl.col("confidence") >= DECISIVE_MIN))
    )
    if decided.height == 0:
        return _empty()
    # ties go to the text that sorts last: a whole description before its part before " - "
    best = decided.sort(
        ["k", "confidence", "priority", "value"], descending=[False, True, False, True]
    ).unique("k", keep="first", maintain_order=True)
    names = {col: col.replace("_", " ") for col in (*WORDING_COLUMNS, "description")}
    described = {c: describe_code(c) for c in best["code"].unique().to_list()}
    return best.with_columns(
        reason=pl.concat_str(
            [
                pl.col("column").replace_strict(names, default="category"),
                pl.lit(" '"),
                pl.col("value"),
                pl.lit("' → "),
                pl.col("code").replace_strict(described, default=""),
                pl.lit(" ("),
                pl.col("evidence"),
                pl.lit(")"),
            ]
        ),
        source=pl.col("column"),
    ).select(list(DECISION_SCHEMA))


RECONCILE_MIN = 0.85  # a wording this confident that contradicts a published code wins for other councils


def reconciled(pub: pl.DataFrame, words: pl.DataFrame) -> pl.DataFrame:
    """``k, code, source`` of published decisions, as evidence for other councils.

    A published code that the council's own wording for the same payment contradicts (another
    level-1 group, read by a rule at confidence >= ``RECONCILE_MIN``: "GMITA LEVY" booked under a
    traffic-planning consultancy code, "CAP PUR ICT H/W & S/" under an implementation consultancy
    code) is replaced by the wording's answer when the payment teaches other councils (supplier
    profiles, text-model labels). The council's own row keeps its published code (method 1).
    ``words`` is :func:`council_wordings` of (at least) the published combinations; free-text
    descriptions never reach ``RECONCILE_MIN`` (x0.8), so they need not be read.
    """
    heads = taxonomy().level1_with_nonproc
    sure = words.filter((pl.col("confidence") >= RECONCILE_MIN) & pl.col("code").is_in(list(heads))).select(
        "k", w_code="code", w_source="source"
    )
    out = pub.select("k", "code", "source").join(sure, on="k", how="left")
    differs = pl.col("w_code").is_not_null() & (
        pl.col("code").replace_strict(heads, default=None)
        != pl.col("w_code").replace_strict(heads, default=None)
    )
    return out.select(
        "k",
        code=pl.when(differs).then(pl.col("w_code")).otherwise(pl.col("code")),
        source=pl.when(differs).then(pl.col("w_source")).otherwise(pl.col("source")),
    )


def rule_note(rule_id: str) -> str:
    """The documented note of a rule, for explanations."""
    r = rules_by_id().get(rule_id)
    return r.note if r else ""
