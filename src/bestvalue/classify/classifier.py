"""The cascade: each combination is decided by the strongest method that has evidence for it.

1. ``published_proclass``: the council's own ProClass code (and label);
2. ``council_category``: the council's own category or expense-type wording, card merchant category,
   or a description the council uses like a category, mapped by the shipped rules (or similarity);
3. ``payee``: the payee's name says the payment is not a purchase of goods or services (the tax
   authority, a pension fund; :mod:`bestvalue.classify.payees`);
4. ``supplier_profile``: what the same supplier's spend is categorised as across all councils;
   ``payee_trade``: where no profile decides, the payee's name states its trade ("... Construction
   Ltd", "... Day Nursery");
5. ``text_model``: the linear text model over supplier, description, service area, weak wordings,
   the payee's kind and the amount;
6. ``unclassified``: nothing to go on.

Everything is vectorised over combinations (Polars, one sparse product for the model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from bestvalue.classify.evidence import council_wordings, published, reconciled
from bestvalue.classify.mapping import NOTIT, generic_wordings
from bestvalue.classify.model import TextModel
from bestvalue.classify.payees import PUBLIC_KINDS, payee_decisions, trade_decisions, with_payee_kind
from bestvalue.classify.profiles import build_profiles, profile_decisions, supplier_keys
from bestvalue.classify.taxonomy import NONPROC, taxonomy
from bestvalue.classify.text import normalise_expr

METHODS: tuple[str, ...] = (
    "published_proclass",
    "council_category",
    "payee",
    "supplier_profile",
    "payee_trade",
    "text_model",
    "unclassified",
)
MODEL_CODE_MIN = 0.2  # the model names its top level-1 group only at this probability or above
# The model's class prior is replaced by what stronger methods decided in the row's own council and
# service area, smoothed towards the model's prior with this many rows' weight (see context_counts).
CONTEXT_ALPHA = 100.0
# ... half-way (a geometric mean of the two priors): the decided rows of a service area are not a
# random sample of its rows (known suppliers are decided first), so the local mix is trusted half.
CONTEXT_WEIGHT = 0.5
MODEL_SUBCODE_MIN = 0.5  # ... and an ICT sub-category only at this probability or above
IT_THRESHOLD = 0.35  # P(ICT) at or above which the model calls a row ICT, unless the model chose its own
WEAK_WORDING_COLUMNS = ("expense_type", "expense_group", "council_category", "merchant_category")
# A cost centre named for ICT (its service area, else department, normalised) buys ICT: where the text
# model has the last word, such a row is ICT whatever P(ICT). "Digital" and "technology" alone are left
# out: they also name whole directorates ("Resources and Digital", "Business Improvement & Technology").
ICT_AREA_RE = (
    r"\b(ict|it|i t|information technology|computers?|computing|telecoms?|telecommunications|telephony)\b"
)
ICT_AREA_CONFIDENCE = 0.6  # at least this confidence for an ICT answer the cost centre's name gives
# Adult social care codes move to the children's group when the row's own service text is about children.
CHILDREN_RE = (
    r"(?i)\b(child\w*|young (people|persons?)|looked after|lac|cin|leaving care|care leavers?|foster\w*|"
    r"adopt\w*|youth|yp|sen|send|early years|nurser\w*|school\w*)\b"
)
# ... unless the same text is about adults too (a "Children and Adults" directorate, "18-64" teams).
ADULTS_RE = r"(?i)\b(adults?|older (people|persons?)|elderly|18 ?(-|to) ?64|18\+|65\+|over 65s?|aged)\b"
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


def weak_wording_expr(frame: pl.DataFrame, columns: tuple[str, ...] = WEAK_WORDING_COLUMNS) -> pl.Expr:
    """The category wordings of ``columns`` joined, leaving out the ``GENERIC`` ones.

    A generic wording ("Supplies and Services") is published beside every kind of purchase, but
    the rows a council's decisive wordings label are not a random sample of them (in one council
    most labelled "Supplies and Services" rows are phone bills), so as a feature it would carry the
    labelled rows' mix to every other row.
    """
    present = [c for c in columns if c in frame.columns]
    if not present:
        return pl.lit(None, dtype=pl.String)
    cols = {c: pl.col(c).cast(pl.String) for c in present}
    values = pl.concat([frame.select(normalise_expr(e).alias("w"))["w"] for e in cols.values()])
    generic = generic_wordings(values).implode()
    kept = [pl.when(normalise_expr(e).is_in(generic)).then(None).otherwise(e) for e in cols.values()]
    return pl.concat_str(kept, separator=" ", ignore_nulls=True)


def with_weak_wording(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``weak_wording``: the category wordings of an undecided row (none of them was decisive)."""
    return frame.with_columns(weak_wording=weak_wording_expr(frame))


def area_expr() -> pl.Expr:
    """The service area a row's context is keyed on: service area, else department, lower case."""
    return pl.coalesce(pl.col("service_area"), pl.col("department")).str.to_lowercase().str.strip_chars()


def context_counts(
    frame: pl.DataFrame, decided: pl.DataFrame, combos: pl.DataFrame, classes: list[str]
) -> np.ndarray:
    """Rows per model class that stronger methods decided in each row's council and service area.

    ``decided`` holds ``k, code`` of the combinations the stronger methods decided; the result has
    one row per row of ``frame`` and one column per class of ``classes``.
    """
    heads = taxonomy().level1_with_nonproc
    ctx_of = combos.select("k", "council_code", area=area_expr(), n="n")
    counts = (
        decided.select("k", "code")
        .join(ctx_of, on="k")
        .with_columns(level1=pl.col("code").replace_strict(heads, default=None))
        .filter(pl.col("level1").is_in(classes) & pl.col("area").is_not_null())
        .group_by("council_code", "area", "level1")
        .agg(c=pl.col("n").sum())
    )
    out = np.zeros((frame.height, len(classes)))
    if counts.height == 0:
        return out
    # Whether a payment to another public body is a purchase at all is the open question there, and
    # the service area's mix of purchases does not answer it: such rows keep the model's prior.
    public = (
        pl.col("payee_class").is_in(list(PUBLIC_KINDS)).fill_null(False)
        if "payee_class" in frame.columns
        else pl.lit(False)
    )
    rows = (
        frame.with_row_index("_pos")
        .filter(~public)
        .select("_pos", "k")
        .join(ctx_of, on="k")
        .join(counts, on=["council_code", "area"])
    )
    col = {c: i for i, c in enumerate(classes)}
    index = rows["level1"].replace_strict(col, return_dtype=pl.Int64).to_numpy()
    np.add.at(out, (rows["_pos"].to_numpy(), index), rows["c"].to_numpy().astype(np.float64))
    return out


def model_decisions(frame: pl.DataFrame, model: TextModel, context: np.ndarray | None = None) -> pl.DataFrame:
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
    if context is not None:
        p1 = in_context(p1, context, model)
    tax = taxonomy()
    classes = model.classes
    ict_head = tax.heads["Information Communication Technology"]
    ict_col = classes.index(ict_head) if ict_head in classes else None
    p_it = p1[:, ict_col] if ict_col is not None else np.zeros(frame.height)
    by_area = ict_area(frame) & (p_it < it_threshold(model)) & (ict_col is not None)
    is_it = (p_it >= it_threshold(model)) | by_area
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
    confidence = np.where(by_area, np.maximum(confidence, ICT_AREA_CONFIDENCE), confidence)
    names = {c: tax.label(c) for c in {*classes, *model.ict_classes}}
    names[NONPROC] = "not a purchase"
    top_pct = np.asarray(np.round(top_p * 100), dtype=np.int64).clip(0, 100)  # as f"{p:.0%}" rounds
    it_pct = np.asarray(np.round(p_it * 100), dtype=np.int64).clip(0, 100)
    reason = (
        pl.DataFrame({"t": top_code.tolist(), "tp": top_pct, "ip": it_pct, "sure": top_p >= 0.5})
        .select(
            pl.concat_str(
                [
                    pl.lit("text model: "),
                    pl.col("t").replace_strict(names, default=pl.col("t"), return_dtype=pl.String),
                    pl.lit(" "),
                    (pl.col("tp").cast(pl.String) + pl.lit("%")),
                    pl.lit("; ICT "),
                    (pl.col("ip").cast(pl.String) + pl.lit("%")),
                    pl.when(pl.col("sure")).then(pl.lit("")).otherwise(pl.lit(" (uncertain)")),
                ]
            )
        )
        .to_series()
    )
    if by_area.any():
        reason = (
            pl.DataFrame({"r": reason, "a": cost_centre(frame), "hit": by_area})
            .select(
                pl.when(pl.col("hit"))
                .then(pl.lit("cost centre '") + pl.col("a") + pl.lit("' is ICT; ") + pl.col("r"))
                .otherwise(pl.col("r"))
            )
            .to_series()
        )
    return pl.DataFrame(
        {
            "k": frame["k"],
            "code": pl.Series(code.tolist(), dtype=pl.String),
            "is_it": pl.Series(is_it.tolist(), dtype=pl.Boolean),
            "confidence": pl.Series(np.round(confidence.astype(float), 3).tolist(), dtype=pl.Float64),
            "reason": reason,
        }
    )


def cost_centre(frame: pl.DataFrame) -> pl.Series:
    """Each row's cost centre as published: its service area, else its department."""
    cols = [pl.col(c) for c in ("service_area", "department") if c in frame.columns]
    if not cols:
        return pl.Series("a", [None] * frame.height, dtype=pl.String)
    return frame.select(a=pl.coalesce(cols).cast(pl.String))["a"]


def ict_area(frame: pl.DataFrame) -> np.ndarray:
    """Whether each row's cost centre is named for ICT (:data:`ICT_AREA_RE`)."""
    area = cost_centre(frame)
    names = pl.DataFrame({"a": area.unique().drop_nulls()})  # few distinct cost centres: match those
    named = names.filter(normalise_expr(pl.col("a")).str.contains(ICT_AREA_RE).fill_null(False))["a"]
    return area.is_in(named.implode()).fill_null(False).to_numpy().astype(bool)


def in_context(p1: np.ndarray, context: np.ndarray, model: TextModel) -> np.ndarray:
    """Level-1 probabilities with the model's class prior replaced by the row's local one.

    The text model's answer is P(class | words) under the class mix of the councils it was trained
    on. In the row's own council and service area the mix is different (an "ICT" cost centre, an
    adult social care one), and the rows stronger methods decided there show it. The local prior is
    those rows' class counts smoothed towards the model's prior with ``CONTEXT_ALPHA`` rows' weight,
    so a service area with few decided rows changes little (label-shift correction), and applied
    half-way (``CONTEXT_WEIGHT``). Only purchase groups are re-weighted: many small non-purchase rows
    (payments to people, income lines) in a service area say nothing about what its suppliers sell,
    so ``NONPROC`` keeps the model's share.
    """
    prior = np.exp(model.bias.astype(np.float64) - model.bias.max())
    prior /= prior.sum()
    counts = context.copy()
    keep = np.ones(len(model.classes), dtype=bool)
    if NONPROC in model.classes:  # whether a payment is a purchase at all is not a matter of context
        keep[model.classes.index(NONPROC)] = False
        counts[:, ~keep] = 0
    mass = prior[keep].sum()
    local = prior[None, :].repeat(len(counts), axis=0)
    local[:, keep] = (
        mass
        * (counts[:, keep] + CONTEXT_ALPHA * prior[keep] / mass)
        / (counts.sum(axis=1, keepdims=True) + CONTEXT_ALPHA)
    )
    out = p1 * (local / prior) ** CONTEXT_WEIGHT
    out /= out.sum(axis=1, keepdims=True)
    return np.asarray(out)


def it_threshold(model: TextModel) -> float:
    """The model's own ICT threshold (chosen on held-out training councils), else the default."""
    return float(model.meta.get("it_threshold", IT_THRESHOLD))


def with_ict_detail(results: pl.DataFrame, combos: pl.DataFrame, model: TextModel | None) -> pl.DataFrame:
    """Name the ICT sub-category of rows that a stronger method called ICT without saying which.

    A council wording such as "Comms & Computing" or a supplier profile that is ICT at group level
    decides that a payment is ICT, but not whether it is telecoms, software or hardware. The text
    model's ICT head (trained on rows that say) names the sub-category when it is at least
    ``MODEL_SUBCODE_MIN`` sure; the method and confidence stay those of the deciding method, and
    the reason says where the sub-category came from.
    """
    head = taxonomy().heads["Information Communication Technology"]
    todo = results.filter(
        pl.col("is_it").fill_null(False)
        & (pl.col("proclass_code") == head)
        & pl.col("method").is_in(["council_category", "payee_trade", "supplier_profile"])
    )
    if model is None or todo.height == 0:
        return results
    frame = combos.join(todo.select("k"), on="k", how="semi")
    _, p2 = model.predict(with_weak_wording(frame), "k")
    best = p2.argmax(axis=1)
    best_p = p2.max(axis=1)
    codes = np.array(model.ict_classes, dtype=object)[best]
    keep = (best_p >= MODEL_SUBCODE_MIN) & (codes != head)
    if not keep.any():
        return results
    tax = taxonomy()
    detail = pl.DataFrame(
        {
            "k": frame["k"].filter(pl.Series(keep)),
            "sub_code": [str(c) for c in codes[keep]],
            "sub_note": [
                f"; sub-category from the text model: {tax.label(str(c))} {p:.0%}"
                for c, p in zip(codes[keep], best_p[keep], strict=True)
            ],
        },
        schema={"k": results.schema["k"], "sub_code": pl.String, "sub_note": pl.String},
    )
    return (
        results.join(detail, on="k", how="left")
        .with_columns(
            proclass_code=pl.coalesce("sub_code", "proclass_code"),
            reason=pl.when(pl.col("sub_note").is_not_null())
            .then(pl.col("reason") + pl.col("sub_note"))
            .otherwise(pl.col("reason")),
        )
        .drop("sub_code", "sub_note")
    )


def _has_text(frame: pl.DataFrame) -> pl.Expr:
    cols = ["supplier_name", "description", "service_area", "department", *WEAK_WORDING_COLUMNS]
    return pl.any_horizontal([pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "") for c in cols])


def _finish(decided: pl.DataFrame, method: str) -> pl.DataFrame:
    """Derive level 1, is_it and payment kind from a decided ``code``."""
    tax = taxonomy()
    heads = tax.level1_of
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
    """Move adult social-care decisions to the children's group when the service text is about children
    (and not about adults as well)."""
    adult = [c.code for c in taxonomy().codes.values() if c.level1_code == "321000"]
    # The service area (else the department: it is often a directorate) and the description.
    area = pl.coalesce(pl.col("service_area"), pl.col("department"))
    text = pl.concat_str([area, pl.col("description")], separator=" ", ignore_nulls=True)
    about = combos.filter(text.str.contains(CHILDREN_RE) & ~text.str.contains(ADULTS_RE)).select("k")
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
    combos = with_payee_kind(combos)
    parts: list[pl.DataFrame] = []
    pub = published(combos)
    parts.append(_finish(pub, "published_proclass"))
    remaining = combos.join(pub.select("k"), on="k", how="anti")
    cat = _children(council_wordings(remaining), combos)
    pub_words = council_wordings(combos.join(pub.select("k"), on="k", how="semi"), free_text=False)
    parts.append(_finish(cat, "council_category"))
    remaining = remaining.join(cat.select("k"), on="k", how="anti")
    payee = payee_decisions(remaining)
    parts.append(_finish(payee, "payee"))
    remaining = remaining.join(payee.select("k"), on="k", how="anti")
    strong = pl.concat(
        [reconciled(pub, pub_words).select("k", "code"), cat.select("k", "code"), payee.select("k", "code")],
        how="vertical",
    )
    keys = supplier_keys(combos)
    profiles = build_profiles(combos, strong, keys)
    prof = _children(profile_decisions(remaining, profiles, keys), combos)
    parts.append(_finish(prof, "supplier_profile"))
    remaining = remaining.join(prof.select("k"), on="k", how="anti")
    # The trade a payee's name states decides where no profile does. It is evidence for neither
    # supplier profiles (a name says nothing of what other customers bought) nor the text model's
    # service-area context (the model reads the same name).
    trade = trade_decisions(remaining)
    parts.append(_finish(trade, "payee_trade"))
    remaining = remaining.join(trade.select("k"), on="k", how="anti")
    empty = remaining.filter(~_has_text(remaining))
    remaining = remaining.filter(_has_text(remaining))
    if model is not None:
        decided = pl.concat([d.select("k", "code") for d in (pub, cat, payee, prof)], how="vertical")
        ctx = context_counts(remaining, decided, combos, model.classes)
        parts.append(_finish(model_decisions(remaining, model, ctx), "text_model"))
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
    return Classified(with_ict_detail(results, combos, model), profiles)
