"""The text model: training, the saved file, and the model shipped with the package."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl

from bestvalue.classify.model import TextModel, shipped_model, shipped_model_path, tokens
from bestvalue.classify.training import train


def _frame() -> pl.DataFrame:
    rows = [
        ("Softco Ltd", "software licence renewal", "ICT", "270000", "271440"),
        ("Softco Ltd", "annual software support", "ICT", "270000", "271440"),
        ("Netlink Telecom", "telephone line rental", "ICT", "270000", "271699"),
        ("Netlink Telecom", "mobile phones", "ICT", "270000", "271699"),
        ("Happy Homes Care", "residential care fees", "Adult Social Care", "321000", None),
        ("Happy Homes Care", "nursing care", "Adult Social Care", "321000", None),
        ("Roadfix Ltd", "pothole repairs", "Highways", "390000", None),
        ("Roadfix Ltd", "resurfacing works", "Highways", "390000", None),
    ]
    frame = pl.DataFrame(
        rows, schema=["supplier_name", "description", "service_area", "label", "ict_label"], orient="row"
    )
    return pl.concat([frame, frame]).with_columns(
        council_code=pl.lit("E08000006"),
        weight=pl.lit(1.0),
        origin=pl.lit("spend"),
        k=pl.int_range(pl.len(), dtype=pl.UInt64),
    )


def test_tokens_are_field_tagged() -> None:
    toks = set(tokens(_frame().head(1), "k")["token"].to_list())
    assert {"s:softco", "S:softco", "w:software", "w:licence", "w:renewal", "a:ict"} <= toks
    assert not any(t.endswith(":ltd") for t in toks)


def test_train_predict_save_load(tmp_path: Path) -> None:
    frame = _frame()
    model = train(frame)
    assert model.classes == ["270000", "321000", "390000"]
    assert model.ict_classes == ["271440", "271699"]
    probe = pl.DataFrame(
        {
            "k": [1, 2, 3],
            "supplier_name": ["Softco Ltd", "Other", "Other"],
            "description": [None, "residential care fees", "telephone"],
            "service_area": [None, None, None],
        },
        schema={
            "k": pl.UInt64,
            "supplier_name": pl.String,
            "description": pl.String,
            "service_area": pl.String,
        },
    )
    p1, p2 = model.predict(probe, "k")
    assert [model.classes[i] for i in p1.argmax(axis=1)] == ["270000", "321000", "270000"]
    assert model.ict_classes[int(p2[2].argmax())] == "271699"
    path = tmp_path / "m.npz"
    model.save(path)
    again = TextModel.load(path)
    q1, q2 = again.predict(probe, "k")
    assert np.allclose(p1, q1, atol=1e-2) and np.allclose(p2, q2, atol=1e-2)
    assert again.model_id == model.model_id and again.meta["rows"] == 16
    contrib = again.contributions(probe, "k", "270000")
    assert contrib and contrib[0][0] in ("S:softco", "s:softco")


def test_shipped_model_is_small_and_loads_fast() -> None:
    path = shipped_model_path()
    assert path.is_file(), "run `bestvalue classify train` to ship a model"
    with path.open("rb") as fh:
        size = len(fh.read())
    assert size < 5_000_000
    shipped_model.cache_clear()
    start = time.perf_counter()
    model = shipped_model()
    assert time.perf_counter() - start < 2.0
    assert model is not None and "270000" in model.classes and len(model.vocab) > 1000
    assert model.meta["sources"]
