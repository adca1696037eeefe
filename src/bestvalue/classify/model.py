"""Method 4: a linear text model over supplier name, description, service area and weak category text.

Features are field-tagged words (``s:capita`` from the supplier name, ``w:licence`` from the
description and any category wording, ``a:digital`` from service area and department) plus the whole
normalised supplier name (``S:capita business services``), binary, scaled by 1/sqrt(word count).
Two multinomial naive Bayes heads share the vocabulary: one over ProClass level-1 groups (plus
``NONPROC`` for payments that are not purchases) and one over the ICT level-2 groups, trained on ICT
rows only, for the ICT sub-category. (Naive Bayes trains in a second and, held out by council, did as
well as logistic regression on these features; both are linear, so scoring is the same product.)

The model is a plain ``.npz`` (vocabulary, classes, float16 weights; no pickle) of a few MB, loaded
in well under a second; scoring is one sparse matrix product.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy import sparse

from bestvalue.classify.payees import PUBLIC_KINDS, with_payee_kind
from bestvalue.classify.text import normalise_expr, supplier_key_expr

MODEL_FILE = "text_model.npz"
FIELDS: dict[str, tuple[str, ...]] = {
    "s": ("supplier_name",),
    "w": ("description", "weak_wording"),  # one word space: what was bought, in any column
    "a": ("service_area", "department"),
}
STOPWORDS = frozenset(
    [
        "and",
        "of",
        "the",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "re",
        "a",
        "an",
        "or",
        "ltd",
        "limited",
        "plc",
        "llp",
        "uk",
        "co",
        "inc",
        "no",
        "ref",
        "inv",
        "invoice",
        "payment",
        "payments",
        "per",
    ]
)
AREA_PREFIX = "a:"
PRUNE_BELOW = 0.02  # features whose weights all stay below this are dropped from the shipped model


def tokens(frame: pl.DataFrame, row_id: str) -> pl.DataFrame:
    """Distinct (row id, token) pairs for the rows of ``frame``."""
    parts = []
    for prefix, cols in FIELDS.items():
        present = [c for c in cols if c in frame.columns]
        if not present:
            continue
        text = pl.concat_str([pl.col(c) for c in present], separator=" ", ignore_nulls=True)
        part = (
            frame.select(row_id, w=normalise_expr(text).str.split(" "))
            .explode("w")
            .filter(
                pl.col("w").is_not_null()
                & (pl.col("w").str.len_chars() >= 2)
                & pl.col("w").str.contains("[a-z]")
                & ~pl.col("w").is_in(list(STOPWORDS))
            )
            .select(row_id, token=pl.lit(prefix + ":") + pl.col("w"))
        )
        parts.append(part)
    if "supplier_name" in frame.columns:
        parts.append(
            frame.select(row_id, token=pl.lit("S:") + supplier_key_expr(pl.col("supplier_name"))).drop_nulls()
        )
    parts.extend(_payment_tokens(frame, row_id))
    return pl.concat(parts, how="vertical").unique()


def amount_bucket(mean_amount: pl.Expr) -> pl.Expr:
    """Half-decade bucket of a mean payment: 4 below £316, 5 from £316, 6 from £1,000 ... 13 from £3.16m."""
    return (
        mean_amount.clip(1, None).log10().mul(2).add(1e-9).floor().clip(4, 13).cast(pl.Int32).cast(pl.String)
    )


def _payment_tokens(frame: pl.DataFrame, row_id: str) -> list[pl.DataFrame]:
    """Tokens about the payment rather than its words.

    ``m:<bucket>`` the mean amount a line (:func:`amount_bucket`); ``k:credit`` when the lines net to
    a credit; ``k:<kind>`` the payee's kind from supplier resolution (individual, redacted, unknown) and
    from the payee rules (:mod:`bestvalue.classify.payees`: local authority, health body, school...),
    with ``k:public`` for every public body; ``I:<id>`` the resolved supplier entity, so that the
    model knows a supplier under every published name.
    """
    cols = frame.columns
    parts: list[pl.DataFrame] = []
    if "gross" in cols and "n" in cols:
        parts.append(
            frame.filter(pl.col("n") > 0)
            .select(row_id, token=pl.lit("m:") + amount_bucket(pl.col("gross") / pl.col("n")))
            .drop_nulls()
        )
    if "net" in cols:
        parts.append(frame.filter(pl.col("net") < 0).select(row_id, token=pl.lit("k:credit")))
    if "payee_kind" in cols:
        parts.append(
            frame.filter(pl.col("payee_kind").is_in(["individual", "redacted", "unknown"])).select(
                row_id, token=pl.lit("k:") + pl.col("payee_kind")
            )
        )
    if "supplier_id" in cols:
        parts.append(frame.select(row_id, token=pl.lit("I:") + pl.col("supplier_id")).drop_nulls())
    if "supplier_name" in cols:
        have = [c for c in ("supplier_name", "payee_rule", "payee_class") if c in cols]
        kinds = with_payee_kind(frame.select(row_id, *have)).filter(pl.col("payee_class").is_not_null())
        parts.append(kinds.select(row_id, token=pl.lit("k:") + pl.col("payee_class")))
        parts.append(
            kinds.filter(pl.col("payee_class").is_in(list(PUBLIC_KINDS))).select(
                row_id, token=pl.lit("k:public")
            )
        )
    return [p.cast({row_id: frame.schema[row_id]}) for p in parts]


def design_matrix(frame: pl.DataFrame, row_id: str, vocab: pl.DataFrame) -> sparse.csr_matrix:
    """Binary feature matrix, each row scaled by 1/sqrt(its token count, known or not), the service
    area's words sharing one token's weight.

    Rows come in the order of ``frame[row_id]``. Counting unknown tokens too keeps the scaling the
    same whether or not a token survived vocabulary pruning.
    """
    order = frame.select(row_id).with_row_index("_pos")
    toks = tokens(frame, row_id)
    counts = toks.group_by(row_id).len().join(order, on=row_id, how="inner")
    scale = np.ones(frame.height, dtype=np.float32)
    scale[counts["_pos"].to_numpy()] = 1 / np.sqrt(counts["len"].to_numpy().astype(np.float32))
    # The service area's words count as one token between them: they are the most council-specific
    # words there are, strongly correlated with each other, and naive Bayes would add them up.
    area = toks.filter(pl.col("token").str.starts_with(AREA_PREFIX)).group_by(row_id).len(name="area_n")
    pairs = (
        toks.join(vocab, on="token", how="inner")
        .join(order, on=row_id, how="inner")
        .join(area, on=row_id, how="left")
        .select(
            "_pos",
            "col",
            share=pl.when(pl.col("token").str.starts_with(AREA_PREFIX))
            .then(1 / pl.col("area_n"))
            .otherwise(1.0),
        )
    )
    rows = pairs["_pos"].to_numpy()
    cols = pairs["col"].to_numpy()
    vals = scale[rows] * pairs["share"].to_numpy().astype(np.float32)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(frame.height, vocab.height), dtype=np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


@dataclass
class TextModel:
    """Vocabulary plus two linear heads (level 1, ICT sub-category)."""

    vocab: list[str]
    classes: list[str]
    weights: np.ndarray  # (V, C)
    bias: np.ndarray  # (C,)
    ict_classes: list[str]
    ict_weights: np.ndarray  # (V, Ci)
    ict_bias: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def vocab_frame(self) -> pl.DataFrame:
        return pl.DataFrame({"token": self.vocab, "col": np.arange(len(self.vocab), dtype=np.int64)})

    @property
    def model_id(self) -> str:
        return str(self.meta.get("id", "untrained"))

    def predict(self, frame: pl.DataFrame, row_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Level-1 and ICT sub-category probabilities for each row of ``frame`` (in order)."""
        x = design_matrix(frame, row_id, self.vocab_frame)
        p1 = _softmax(np.asarray(x @ self.weights.astype(np.float32)) + self.bias)
        p2 = _softmax(np.asarray(x @ self.ict_weights.astype(np.float32)) + self.ict_bias)
        return p1, p2

    def contributions(
        self, frame: pl.DataFrame, row_id: str, cls: str, top: int = 5
    ) -> list[tuple[str, float]]:
        """The tokens of the first row that push hardest towards class ``cls``, with their weights."""
        if cls not in self.classes:
            return []
        toks = tokens(frame.head(1), row_id).join(self.vocab_frame, on="token", how="inner")
        j = self.classes.index(cls)
        scored = [(t, float(self.weights[c, j])) for t, c in toks.select("token", "col").iter_rows()]
        return sorted(scored, key=lambda x: -x[1])[:top]

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            vocab=np.array(self.vocab),
            classes=np.array(self.classes),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            ict_classes=np.array(self.ict_classes),
            ict_weights=self.ict_weights.astype(np.float16),
            ict_bias=self.ict_bias.astype(np.float32),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )

    @classmethod
    def load(cls, path: Path | Any) -> TextModel:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return cls(
                [str(v) for v in z["vocab"]],
                [str(v) for v in z["classes"]],
                z["weights"],
                z["bias"],
                [str(v) for v in z["ict_classes"]],
                z["ict_weights"],
                z["ict_bias"],
                meta,
            )


def shipped_model_path() -> Any:
    return resources.files("bestvalue.classify").joinpath("data", MODEL_FILE)


@lru_cache(maxsize=1)
def shipped_model() -> TextModel | None:
    """The model shipped with the package, or ``None`` if it has not been trained."""
    path = shipped_model_path()
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return TextModel.load(fh)


def _naive_bayes(
    x: sparse.csr_matrix, labels: list[str], weights: np.ndarray, alpha: float
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Multinomial naive Bayes: classes, (V, C) weights centred per feature, (C,) log priors."""
    from sklearn.naive_bayes import MultinomialNB

    classes = sorted(set(labels))
    y = np.array([classes.index(v) for v in labels])
    nb = MultinomialNB(alpha=alpha)
    nb.fit(x, y, sample_weight=weights)
    w = nb.feature_log_prob_.T.astype(np.float64)
    if len(classes) == 1:
        return classes, np.zeros((x.shape[1], 1), dtype=np.float32), np.zeros(1, dtype=np.float32)
    # Adding a constant to one feature's weights in every class leaves the softmax unchanged, so each
    # feature is centred: small numbers keep float16 precise and show which features carry signal.
    w -= w.mean(axis=1, keepdims=True)
    return classes, w.astype(np.float32), nb.class_log_prior_.astype(np.float32)


def fit(
    frame: pl.DataFrame,
    labels: list[str],
    weights: np.ndarray,
    ict_labels: list[str | None],
    *,
    min_df: int = 2,
    alpha: float = 0.5,
    meta: dict[str, Any] | None = None,
) -> TextModel:
    """Train both heads (multinomial naive Bayes) on labelled rows of ``frame`` (needs a ``row`` column)."""
    toks = tokens(frame, "row")
    df = toks.group_by("token").len().filter(pl.col("len") >= min_df).sort("token")
    vocab = df.select("token").with_row_index("col").with_columns(pl.col("col").cast(pl.Int64))
    x = design_matrix(frame, "row", vocab)
    classes, w1, b1 = _naive_bayes(x, labels, weights, alpha)
    ict_mask = np.array([v is not None for v in ict_labels])
    if ict_mask.any():
        ict_classes, w2, b2 = _naive_bayes(
            x[ict_mask], [v for v in ict_labels if v is not None], weights[ict_mask], alpha
        )
    else:
        ict_classes, w2, b2 = ["270000"], np.zeros((vocab.height, 1), np.float32), np.zeros(1, np.float32)
    keep = (np.abs(w1).max(axis=1) >= PRUNE_BELOW) | (np.abs(w2).max(axis=1) >= PRUNE_BELOW)
    vocab_list = [t for t, k in zip(vocab["token"].to_list(), keep, strict=True) if k]
    model = TextModel(vocab_list, classes, w1[keep], b1, ict_classes, w2[keep], b2, dict(meta or {}))
    digest = hashlib.sha256()
    digest.update(json.dumps([vocab_list, classes, ict_classes]).encode())
    digest.update(np.ascontiguousarray(model.weights.astype(np.float16)).tobytes())
    model.meta["id"] = digest.hexdigest()[:12]
    model.meta["vocabulary"] = len(vocab_list)
    model.meta["algorithm"] = f"multinomial naive Bayes, alpha={alpha}, min_df={min_df}"
    return model
