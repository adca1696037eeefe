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
from bestvalue.classify.classifier import WEAK_WORDING_COLUMNS
from bestvalue.classify.evidence import council_wordings, published, resolve_published_many
from bestvalue.classify.mapping import GENERIC, NOTIT
from bestvalue.classify.model import TextModel, fit
from bestvalue.classify.step import load_combinations
from bestvalue.classify.taxonomy import NONPROC, cpv_to_proclass, taxonomy
from bestvalue.engine import Warehouse

CONTRACT_WEIGHT = 3.0


def _wording(frame: pl.DataFrame, drop: str | None = None) -> pl.Expr:
    cols = [pl.col(c) for c in WEAK_WORDING_COLUMNS if c != drop]
    return pl.concat_str(cols, separator=" ", ignore_nulls=True)


def _augment(frame: pl.DataFrame) -> pl.DataFrame:
    """Each wording-labelled row twice: with every wording, and without the one that decided it.

    The first copy teaches the model what wordings mean (useful on descriptions and on other
    councils' weak wordings); the second makes it learn supplier, description and service-area
    signal for the rows it meets in use, where no wording decides.
    """
    full = frame.with_columns(weak_wording=_wording(frame))
    parts = [full]
    for col in (*WEAK_WORDING_COLUMNS, "description"):
        rows = frame.filter(pl.col("source") == col)
        if rows.height:
            rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias(col))
            parts.append(rows.with_columns(weak_wording=_wording(rows)))
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
    rest = combos.join(pub.select("k"), on="k", how="anti")
    cat = council_wordings(rest)
    strong = pl.concat(
        [pub.select("k", "code", "source"), cat.select("k", "code", "source")], how="vertical"
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


def train(frame: pl.DataFrame, meta: dict[str, Any] | None = None) -> TextModel:
    """Fit the text model on a training frame (spend and/or contract rows)."""
    frame = frame.with_row_index("row")
    info = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": frame.height,
        "councils": sorted(v for v in frame["council_code"].unique().to_list() if v),
        "sources": {s: int(n) for s, n in frame.group_by("origin").len().iter_rows()},
        **(meta or {}),
    }
    return fit(
        frame,
        frame["label"].to_list(),
        frame["weight"].to_numpy().astype(np.float64),
        frame["ict_label"].to_list(),
        meta=info,
    )


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
