"""The cascade: each combination is decided by the strongest method that has evidence for it.

1. ``published_proclass``: the council's own ProClass code (and label);
2. ``council_category``: the council's own category or expense-type wording, card merchant category,
   or a description the council uses like a category, mapped by the shipped rules (or similarity);
3. ``supplier_profile``: what the same supplier's spend is categorised as across all councils;
4. ``text_model``: the linear text model over supplier, description, service area and weak wordings;
5. ``unclassified``: nothing to go on.

Everything is vectorised over combinations (Polars, one sparse product for the model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from bestvalue.classify.evidence import council_wordings, published
from bestvalue.classify.mapping import NOTIT
from bestvalue.classify.model import TextModel
from bestvalue.classify.profiles import build_profiles, profile_decisions, supplier_keys
from bestvalue.classify.taxonomy import NONPROC, taxonomy

METHODS: tuple[str, ...] = (
    "published_proclass",
    "council_category",
    "supplier_profile",
    "text_model",
    "unclassified",
)
MODEL_CODE_MIN = 0.2  # the model names its top level-1 group only at this probability or above
MODEL_SUBCODE_MIN = 0.5  # ... and an ICT sub-category only at this probability or above
IT_THRESHOLD = 0.35  # P(ICT) at or above which the model calls a row ICT (chosen by leave-one-council-out)
WEAK_WORDING_COLUMNS = ("expense_type", "expense_group", "council_category", "merchant_category")
# Adult social care codes move to the children's group when the row's own service text is about children.
CHILDREN_RE = (
    r"(?i)\b(child\w*|young (people|persons?)|looked after|lac|cin|leaving care|care leavers?|foster\w*|"
    r"adopt\w*|youth|yp|sen|send|early years|nurser\w*|school\w*)\b"
)
CHILDREN_RESIDENTIAL = "321117"
CHILDREN_HEAD = "321100"
ADULT_RESIDENTIAL = ("321017", "321015", "321800", "321810", "321899")

RESULT_SCHEMA = {
    "k": pl.UInt64,
    "proclass_code": pl.String,
    "proclass_level1": pl.String,
    "is_it": pl.Boolean,
    "confidence": pl.Float64,
    "method": pl.String,
    "reason": pl.String,
    "payment_kind": pl.String,
}


@dataclass
class Classified:
    """Per-combination results and the supplier profiles they used."""

    results: pl.DataFrame
    profiles: pl.DataFrame


def with_weak_wording(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``weak_wording``: the category wordings of an undecided row (none of them was decisive)."""
    return frame.with_columns(
        weak_wording=pl.concat_str(
            [pl.col(c) for c in WEAK_WORDING_COLUMNS], separator=" ", ignore_nulls=True
        )
    )


def model_decisions(frame: pl.DataFrame, model: TextModel) -> pl.DataFrame:
    """``k, code, is_it, confidence, reason`` from the text model for every row of ``frame``."""
    if frame.height == 0:
        return pl.DataFrame(
            schema={
                "k": pl.UInt64,
                "code": pl.String,
                "is_it": pl.Boolean,
                "confidence": pl.Float64,
                "reason": pl.String,
            }
        )
    p1, p2 = model.predict(with_weak_wording(frame), "k")
    tax = taxonomy()
    classes = model.classes
    ict_head = tax.heads["Information Communication Technology"]
    ict_col = classes.index(ict_head) if ict_head in classes else None
    p_it = p1[:, ict_col] if ict_col is not None else np.zeros(frame.height)
    is_it = p_it >= IT_THRESHOLD
    # The level-1 answer must agree with the ICT answer: ICT rows get an ICT code, the others their
    # most likely non-ICT group.
    other = p1.copy()
    if ict_col is not None:
        other[:, ict_col] = -1.0
    top = np.where(is_it, ict_col if ict_col is not None else 0, other.argmax(axis=1))
    top_p = p1[np.arange(frame.height), top]
    sub = p2.argmax(axis=1)
    sub_p = p2.max(axis=1)
    top_code = np.array(classes, dtype=object)[top]
    sub_code = np.array(model.ict_classes, dtype=object)[sub]
    code = np.where(is_it | (top_p >= MODEL_CODE_MIN), top_code, np.full(frame.height, None, dtype=object))
    code = np.where(is_it & (sub_p >= MODEL_SUBCODE_MIN), sub_code, code)
    confidence = np.where(is_it, p_it, np.where(code != None, top_p, 1 - p_it))  # noqa: E711
    names = {c: tax.label(c) for c in {*classes, *model.ict_classes}}
    names[NONPROC] = "not a purchase"
    reason = [
        f"text model: {names.get(t, t)} {tp:.0%}; ICT {pi:.0%}" + ("" if tp >= 0.5 else " (uncertain)")
        for t, tp, pi, c in zip(top_code, top_p, p_it, code, strict=True)
    ]
    return pl.DataFrame(
        {
            "k": frame["k"],
            "code": pl.Series(code.tolist(), dtype=pl.String),
            "is_it": pl.Series(is_it.tolist(), dtype=pl.Boolean),
            "confidence": pl.Series(np.round(confidence.astype(float), 3).tolist(), dtype=pl.Float64),
            "reason": reason,
        }
    )


def _has_text(frame: pl.DataFrame) -> pl.Expr:
    cols = ["supplier_name", "description", "service_area", "department", *WEAK_WORDING_COLUMNS]
    return pl.any_horizontal([pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "") for c in cols])


def _finish(decided: pl.DataFrame, method: str) -> pl.DataFrame:
    """Derive level 1, is_it and payment kind from a decided ``code``."""
    tax = taxonomy()
    heads = {c.code: c.level1_code for c in tax.codes.values()}
    ict = [c.code for c in tax.codes.values() if c.is_ict]
    code = pl.col("code")
    is_proclass = code.is_in(list(heads))
    out = decided.with_columns(
        proclass_code=pl.when(is_proclass).then(code),
        proclass_level1=pl.when(is_proclass).then(code.replace_strict(heads, default=None)),
        is_it=(
            pl.col("is_it")
            if "is_it" in decided.columns
            else pl.when(code.is_null()).then(None).otherwise(code.is_in(ict))
        ),
        method=pl.lit(method),
        payment_kind=pl.when(code == NONPROC)
        .then(pl.lit("not_purchase"))
        .when(is_proclass)
        .then(pl.lit("purchase")),
    )
    if "is_it" in decided.columns:  # the model: a named ICT code must agree with is_it
        out = out.with_columns(is_it=pl.when(is_proclass).then(code.is_in(ict)).otherwise(pl.col("is_it")))
    else:
        out = out.with_columns(is_it=pl.when(code == NOTIT).then(False).otherwise(pl.col("is_it")))
    return out.select(list(RESULT_SCHEMA))


def _children(decided: pl.DataFrame, combos: pl.DataFrame) -> pl.DataFrame:
    """Move adult social-care decisions to the children's group when the service text is about children."""
    adult = [c.code for c in taxonomy().codes.values() if c.level1_code == "321000"]
    text = pl.concat_str(
        [pl.col("service_area"), pl.col("department"), pl.col("description")],
        separator=" ",
        ignore_nulls=True,
    )
    about = combos.filter(text.str.contains(CHILDREN_RE)).select("k")
    hit = pl.col("code").is_in(adult) & pl.col("k").is_in(about["k"].implode())
    return decided.with_columns(
        code=pl.when(hit & pl.col("code").is_in(list(ADULT_RESIDENTIAL)))
        .then(pl.lit(CHILDREN_RESIDENTIAL))
        .when(hit)
        .then(pl.lit(CHILDREN_HEAD))
        .otherwise(pl.col("code")),
        reason=pl.when(hit)
        .then(pl.col("reason") + pl.lit("; the service is for children"))
        .otherwise(pl.col("reason")),
    )


def classify_combinations(combos: pl.DataFrame, model: TextModel | None) -> Classified:
    """Run the cascade over a frame of combinations (see :func:`bestvalue.classify.sql.combinations`)."""
    parts: list[pl.DataFrame] = []
    remaining = combos
    pub = published(remaining)
    parts.append(_finish(pub, "published_proclass"))
    remaining = remaining.join(pub.select("k"), on="k", how="anti")
    cat = _children(council_wordings(remaining), combos)
    parts.append(_finish(cat, "council_category"))
    remaining = remaining.join(cat.select("k"), on="k", how="anti")
    strong = pl.concat([pub.select("k", "code"), cat.select("k", "code")], how="vertical")
    keys = supplier_keys(combos)
    profiles = build_profiles(combos, strong, keys)
    prof = _children(profile_decisions(remaining, profiles, keys), combos)
    parts.append(_finish(prof, "supplier_profile"))
    remaining = remaining.join(prof.select("k"), on="k", how="anti")
    empty = remaining.filter(~_has_text(remaining))
    remaining = remaining.filter(_has_text(remaining))
    if model is not None:
        parts.append(_finish(model_decisions(remaining, model), "text_model"))
        remaining = remaining.head(0)
    unclassified = pl.concat(
        [
            empty.select("k", reason=pl.lit("nothing to go on: no supplier, description or category")),
            remaining.select("k", reason=pl.lit("no stronger evidence and no trained text model")),
        ],
        how="vertical",
    ).with_columns(code=pl.lit(None, dtype=pl.String), confidence=pl.lit(0.0))
    parts.append(_finish(unclassified, "unclassified"))
    results = pl.concat([p.cast(RESULT_SCHEMA) for p in parts], how="vertical")  # type: ignore[arg-type]
    return Classified(results, profiles)
