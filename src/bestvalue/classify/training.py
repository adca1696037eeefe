"""Training data and training for the text model (``bestvalue classify train``).

Labels come only from evidence the data carries itself:

* spend rows with a published ProClass code (resolved against v17, see :mod:`.evidence`);
* spend rows whose council category / expense-type wording a shipped rule decides;
* contracts (if contract data is loaded) with a ProClass code, or a CPV code mapped through the
  shipped crosswalk.

The label is the ProClass level-1 group (or ``NONPROC``); ICT rows also carry their ICT level-2
group for the sub-category head. Wordings that decided a label are not features of that row (the
model must learn from supplier, description and service area, which is what it sees in use).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bestvalue.classify import sql
from bestvalue.classify.classifier import (
    WEAK_WORDING_COLUMNS,
    area_expr,
    in_context,
    weak_wording_expr,
    with_weak_wording,
)
from bestvalue.classify.evidence import council_wordings, published, reconciled, resolve_published_many
from bestvalue.classify.mapping import GENERIC, NOTIT
from bestvalue.classify.model import TextModel, fit
from bestvalue.classify.step import load_combinations
from bestvalue.classify.taxonomy import ICT_LEVEL1, NONPROC, cpv_to_proclass, taxonomy
from bestvalue.engine import Warehouse

CONTRACT_WEIGHT = 3.0
ORDER_COLUMNS = ("origin", "council_code", "k", "stripped", "source", "supplier_name", "description", "label")
IT_FOLDS = 4  # council groups for choosing the ICT threshold
THRESHOLD_GRID = tuple(round(0.1 + 0.05 * i, 2) for i in range(11))  # 0.10 ... 0.60


def _wording(frame: pl.DataFrame, drop: str | None = None) -> pl.Expr:
    return weak_wording_expr(frame, tuple(c for c in WEAK_WORDING_COLUMNS if c != drop))


def _augment(frame: pl.DataFrame) -> pl.DataFrame:
    """Each wording-labelled row twice: with every wording, and without the one that decided it.

    The first copy teaches the model what wordings mean (useful on descriptions and on other
    councils' weak wordings); the second makes it learn supplier, description and service-area
    signal for the rows it meets in use, where no wording decides.
    """
    full = frame.with_columns(
        weak_wording=_wording(frame),
        in_use=pl.col("source").is_in([*WEAK_WORDING_COLUMNS, "description"]).not_(),
        stripped=pl.lit(False),
    )
    parts = [full]
    for col in (*WEAK_WORDING_COLUMNS, "description"):
        rows = frame.filter(pl.col("source") == col)
        if rows.height:
            rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias(col))
            parts.append(
                rows.with_columns(weak_wording=_wording(rows), in_use=pl.lit(True), stripped=pl.lit(True))
            )
    return pl.concat(parts, how="vertical")


def _labels(codes: pl.Series) -> tuple[list[str], list[str | None]]:
    tax = taxonomy()
    level1: list[str] = []
    ict: list[str | None] = []
    for c in codes.to_list():
        if c == NONPROC:
            level1.append(NONPROC)
            ict.append(None)
        else:
            entry = tax[c]
            level1.append(entry.level1_code)
            ict.append(entry.level2_code if entry.is_ict else None)
    return level1, ict


def spend_training_frame(combos: pl.DataFrame) -> pl.DataFrame:
    """Labelled combinations: features, ``label``, ``ict_label``, ``weight`` and ``council_code``."""
    pub = published(combos)
    cat = council_wordings(combos.join(pub.select("k"), on="k", how="anti"))
    pub_words = council_wordings(combos.join(pub.select("k"), on="k", how="semi"), free_text=False)
    strong = pl.concat(
        [reconciled(pub, pub_words), cat.select("k", "code", "source")], how="vertical"
    ).filter(pl.col("code") != NOTIT)
    frame = _augment(combos.join(strong, on="k", how="inner"))
    level1, ict = _labels(frame["code"])
    return frame.with_columns(
        label=pl.Series(level1, dtype=pl.String),
        ict_label=pl.Series(ict, dtype=pl.String),
        weight=1 + np.log1p(frame["n"].to_numpy()) + 0.25 * np.log1p(frame["gross"].to_numpy().clip(0)),
        origin=pl.lit("spend"),
    )


def contract_training_frame(wh: Warehouse) -> pl.DataFrame:
    """Labelled contracts (ProClass code, else CPV through the crosswalk), when contract data is loaded."""
    empty = pl.DataFrame()
    if not wh.has_table("contracts") or not wh.scalar("SELECT count(*) FROM contracts"):
        return empty
    rows = wh.dicts(sql.labelled_contracts())
    resolved = resolve_published_many([(r.get("proclass_code"), r.get("proclass_label")) for r in rows])
    out = []
    for r, res in zip(rows, resolved, strict=True):
        code = res.code if (r.get("proclass_code") or r.get("proclass_label")) else None
        if code is None and r.get("cpv_code"):
            xw = cpv_to_proclass(r["cpv_code"])
            code = xw.proclass_code if xw else None
        if code is None or code in (NOTIT, GENERIC):
            continue
        text = " ".join(t for t in (r.get("title"), r.get("description")) if t)
        out.append(
            {
                "supplier_name": r.get("supplier_name"),
                "description": text[:300],
                "service_area": r.get("department"),
                "council_code": r.get("council_code") or "",
                "code": code,
            }
        )
    if not out:
        return empty
    frame = pl.DataFrame(out)
    level1, ict = _labels(frame["code"])
    return frame.with_columns(
        label=pl.Series(level1, dtype=pl.String),
        ict_label=pl.Series(ict, dtype=pl.String),
        weight=pl.lit(CONTRACT_WEIGHT),
        origin=pl.lit("contracts"),
    )


def _fit(frame: pl.DataFrame, meta: dict[str, Any]) -> TextModel:
    return fit(
        frame,
        frame["label"].to_list(),
        frame["weight"].to_numpy().astype(np.float64),
        frame["ict_label"].to_list(),
        meta=meta,
    )


def _loo_context(frame: pl.DataFrame, val: pl.DataFrame, classes: list[str]) -> np.ndarray:
    """Context counts for validation rows as the classifier would see them (``context_counts``): the
    labelled rows of the same council and service area, leaving out the row's own combination."""
    area = area_expr()
    labelled = frame.filter(
        ~pl.col("stripped").fill_null(False)
        & pl.col("council_code").is_in(val["council_code"].unique().implode())
    )
    counts = (
        labelled.with_columns(area=area)
        .filter(pl.col("area").is_not_null() & pl.col("label").is_in(classes))
        .group_by("council_code", "area", "label")
        .agg(c=pl.col("n").sum())
    )
    pos = val.with_row_index("_pos").with_columns(area=area)
    out = np.zeros((val.height, len(classes)))
    rows = pos.select("_pos", "council_code", "area").join(counts, on=["council_code", "area"])
    col = {c: i for i, c in enumerate(classes)}
    if rows.height:
        np.add.at(
            out,
            (rows["_pos"].to_numpy(), np.array([col[v] for v in rows["label"].to_list()], dtype=np.int64)),
            rows["c"].to_numpy().astype(np.float64),
        )
    own = pos.filter(pl.col("area").is_not_null() & pl.col("label").is_in(classes))
    if own.height:
        idx = (own["_pos"].to_numpy(), np.array([col[v] for v in own["label"].to_list()], dtype=np.int64))
        out[idx] = np.maximum(out[idx] - own["n"].to_numpy().astype(np.float64), 0)
    return out


def choose_it_threshold(frame: pl.DataFrame, folds: int = IT_FOLDS) -> float | None:
    """The P(ICT) threshold that maximises ICT F1 (by rows plus by £) on councils the model did not see.

    The training councils are split into ``folds`` groups; each group is scored by a model trained on
    the others, on its rows as the model meets them in use (without the wording that labelled them,
    and with the context of their council's other labelled rows, as :func:`in_context` adjusts).
    ``None`` when there are too few councils to hold any out.
    """
    councils = sorted(c for c in frame.filter(pl.col("origin") == "spend")["council_code"].unique() if c)
    if len(councils) < 2:
        return None
    k = min(folds, len(councils))
    ict_head = taxonomy().heads[ICT_LEVEL1]
    scored = []
    for g in range(k):
        held = councils[g::k]
        model = _fit(frame.filter(~pl.col("council_code").is_in(held)).drop("row").with_row_index("row"), {})
        val = frame.filter(pl.col("council_code").is_in(held) & pl.col("in_use").fill_null(True))
        if val.height == 0 or ict_head not in model.classes:
            continue
        p1, _ = model.predict(with_weak_wording(val), "row")
        p1 = in_context(p1, _loo_context(frame, val, model.classes), model)
        scored.append(
            pl.DataFrame(
                {
                    "p": p1[:, model.classes.index(ict_head)],
                    "ict": (val["label"] == ict_head).to_numpy(),
                    "gross": val["gross"].fill_null(0).to_numpy(),
                }
            )
        )
    if not scored:
        return None
    ev = pl.concat(scored).with_columns(rows=pl.lit(1.0))
    best, best_f1 = None, -1.0
    for t in THRESHOLD_GRID:
        hit = ev["p"] >= t
        f1 = 0.0
        for w in ("rows", "gross"):  # by rows (stable) and by £ (the goal, swung by a few large rows)
            tp = float(ev.filter(hit & ev["ict"])[w].sum())
            fp = float(ev.filter(hit & ~ev["ict"])[w].sum())
            fn = float(ev.filter(~hit & ev["ict"])[w].sum())
            f1 += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = t, f1
    return best


def train(frame: pl.DataFrame, meta: dict[str, Any] | None = None) -> TextModel:
    """Fit the text model on a training frame (spend and/or contract rows) and choose its ICT threshold
    by cross-validation over the training councils (:func:`choose_it_threshold`)."""
    # A fixed row order makes the model (float sums, hence its float16 weights and id) reproducible.
    order = [c for c in ORDER_COLUMNS if c in frame.columns]
    frame = frame.sort(order, nulls_last=True, maintain_order=True).with_row_index("row")
    info = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": frame.height,
        "councils": sorted(v for v in frame["council_code"].unique().to_list() if v),
        "sources": {s: int(n) for s, n in frame.group_by("origin").len().iter_rows()},
        **(meta or {}),
    }
    model = _fit(frame, info)
    threshold = choose_it_threshold(frame) if "in_use" in frame.columns else None
    if threshold is not None:
        model.meta["it_threshold"] = threshold
    return model


def train_from_warehouse(wh: Warehouse, out: Path) -> TextModel:
    """Train on every labelled row the warehouse holds and write the model to ``out``."""
    frames = [spend_training_frame(load_combinations(wh))]
    contracts = contract_training_frame(wh)
    if contracts.height:
        frames.append(contracts)
    frame = pl.concat(frames, how="diagonal_relaxed")
    model = train(frame)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    return model
