"""The classification step of the pipeline: classify every spend row and write ``spend_classification``."""

from __future__ import annotations

import json
import time
from typing import Any

import polars as pl

from bestvalue.classify import sql
from bestvalue.classify.classifier import METHODS, classify_combinations
from bestvalue.classify.mapping import known_matches, remember_matches, rules_version
from bestvalue.classify.model import TextModel, shipped_model
from bestvalue.classify.models import ClassifySummary, MethodCount
from bestvalue.classify.reference import load_taxonomy_tables
from bestvalue.engine import Warehouse


def load_combinations(
    wh: Warehouse, hidden_columns: tuple[str, ...] = (), hidden_councils: tuple[str, ...] = ()
) -> pl.DataFrame:
    """The spend's combinations (see :mod:`bestvalue.classify.sql`), optionally with columns hidden."""
    with_suppliers = bool(wh.scalar(sql.supplier_links_present()))
    return _arrow_frame(wh, sql.combinations(with_suppliers, hidden_columns, hidden_councils))


def _arrow_frame(wh: Warehouse, query: str, params: list[Any] | None = None) -> pl.DataFrame:
    table = wh.arrow(query, params)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _summary(
    combos: pl.DataFrame, results: pl.DataFrame, seconds: float, model: TextModel | None
) -> ClassifySummary:
    joined = combos.select("k", "n", "gross").join(results.select("k", "method", "is_it"), on="k")
    per = (
        joined.group_by("method")
        .agg(
            rows=pl.col("n").sum(),
            gross=pl.col("gross").sum(),
            it_rows=pl.col("n").filter(pl.col("is_it").fill_null(False)).sum(),
            it_gross=pl.col("gross").filter(pl.col("is_it").fill_null(False)).sum(),
        )
        .to_dicts()
    )
    by = {d["method"]: d for d in per}
    methods = [
        MethodCount(
            method=m,
            rows=int(by[m]["rows"]),
            gross=float(by[m]["gross"] or 0),
            it_rows=int(by[m]["it_rows"] or 0),
            it_gross=float(by[m]["it_gross"] or 0),
        )
        for m in METHODS
        if m in by
    ]
    rows = int(joined["n"].sum() or 0)
    unclassified = joined.filter(pl.col("is_it").is_null())
    return ClassifySummary(
        spend_rows=rows,
        combinations=combos.height,
        seconds=round(seconds, 3),
        rows_per_second=round(rows / seconds) if seconds else 0.0,
        model=model.model_id if model else None,
        methods=methods,
        it_rows=sum(m.it_rows for m in methods),
        it_gross=round(sum(m.it_gross for m in methods), 2),
        unclassified_rows=int(unclassified["n"].sum() or 0),
        unclassified_gross=round(float(unclassified["gross"].sum() or 0), 2),
    )


def run_classification(wh: Warehouse, model: TextModel | None = None) -> ClassifySummary:
    """Classify every spend row (replacing earlier results) and return what happened.

    ``model`` defaults to the model shipped with the package.
    """
    start = time.perf_counter()
    model = model or shipped_model()
    load_taxonomy_tables(wh)
    version = rules_version()
    seen = _arrow_frame(wh, sql.rule_matches(), [version])
    remember_matches(seen)
    combos = load_combinations(wh)
    classified = classify_combinations(combos, model)
    new_matches = known_matches().join(seen, on="wording", how="anti")
    with wh.transaction():
        wh.execute(sql.clear_classification())
        with wh.registered("_classify_results", classified.results.to_arrow()):
            wh.execute(sql.write_classification("_classify_results"))
        wh.execute(sql.clear_rule_matches(), [version])
        with wh.registered("_classify_matches", new_matches.to_arrow()):
            wh.execute(sql.insert_rule_matches("_classify_matches"), [version])
        wh.execute(sql.clear_profiles())
        with wh.registered("_classify_profiles", classified.profiles.to_arrow()):
            wh.execute(sql.write_profiles("_classify_profiles"))
    seconds = time.perf_counter() - start
    summary = _summary(combos, classified.results, seconds, model)
    wh.execute(
        sql.record_run(),
        [
            summary.spend_rows,
            summary.combinations,
            summary.seconds,
            summary.model,
            json.dumps({m.method: m.rows for m in summary.methods}),
        ],
    )
    return summary


def classify_step(wh: Warehouse) -> str:
    """Classify every spend row; returns a one-line summary."""
    return run_classification(wh).line()
