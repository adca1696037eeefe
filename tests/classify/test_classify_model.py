"""The text model: training, the saved file, and the model shipped with the package."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bestvalue.classify.classifier import ict_area, in_context, model_decisions
from bestvalue.classify.model import TextModel, amount_bucket, shipped_model, shipped_model_path, tokens
from bestvalue.classify.taxonomy import NONPROC
from bestvalue.classify.training import THRESHOLD_GRID, choose_it_threshold, train


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


@pytest.mark.parametrize(
    ("mean", "bucket"),
    [
        (1.0, "4"),
        (315.0, "4"),
        (317.0, "5"),
        (999.0, "5"),
        (1000.0, "6"),
        (1e6, "12"),
        (3.2e6, "13"),
        (1e9, "13"),
    ],
)
def test_amount_bucket(mean: float, bucket: str) -> None:
    assert pl.select(amount_bucket(pl.lit(mean))).item() == bucket


def test_payment_tokens() -> None:
    frame = pl.DataFrame(
        {
            "k": [1, 2],
            "supplier_name": ["Anytown Metropolitan Borough Council", "Acme Ltd"],
            "n": [2, 1],
            "gross": [2_000_000.0, 500.0],
            "net": [2_000_000.0, -500.0],
            "payee_kind": ["supplier", "redacted"],
            "supplier_id": ["S1", None],
        },
        schema_overrides={"k": pl.UInt64},
    )
    toks = tokens(frame, "k")
    by = {k: set(toks.filter(pl.col("k") == k)["token"].to_list()) for k in (1, 2)}
    assert {"m:12", "k:local_authority", "k:public", "I:S1", "s:anytown"} <= by[1]
    assert not any(t.startswith("k:credit") or t == "k:supplier" for t in by[1])
    assert {"m:5", "k:credit", "k:redacted", "S:acme"} <= by[2]
    assert not any(t.startswith(("I:", "k:public")) for t in by[2])


def test_context_replaces_the_prior_half_way() -> None:
    # Worked by hand: prior (0.25, 0.5, 0.25) over ICT, adult care, not a purchase; the service area
    # holds 10 ICT rows and 50 non-purchase rows (ignored). Purchase mass 0.75, alpha 100:
    # local ICT = 0.75 * (10 + 100 * 0.25 / 0.75) / (10 + 100) = 0.295455, adult = 0.454545, NONPROC 0.25;
    # ratios to the prior 1.181818, 0.909091, 1; square roots 1.087115, 0.953463, 1.
    model = TextModel(
        ["w:x"],
        ["270000", "321000", NONPROC],
        np.zeros((1, 3), np.float32),
        np.log(np.array([0.25, 0.5, 0.25], np.float32)),
        ["270000"],
        np.zeros((1, 1), np.float32),
        np.zeros(1, np.float32),
    )
    p1 = np.array([[0.3, 0.5, 0.2]])
    got = in_context(p1, np.array([[10.0, 0.0, 50.0]]), model)
    raw = np.array([0.3 * 1.087115, 0.5 * 0.953463, 0.2])
    assert np.allclose(got, raw / raw.sum(), atol=1e-5)
    assert np.allclose(in_context(p1, np.zeros((1, 3)), model), p1)  # no context: unchanged


def _council_frame() -> pl.DataFrame:
    frame = _frame()
    parts = []
    for i, gss in enumerate(("E08000001", "E08000002", "E08000003", "E08000004")):
        parts.append(
            frame.with_columns(
                council_code=pl.lit(gss),
                supplier_name=pl.col("supplier_name") + pl.lit(f" {i}"),
                department=pl.lit(None, dtype=pl.String),
                in_use=pl.lit(True),
                stripped=pl.lit(False),
                n=pl.lit(1, dtype=pl.Int64),
                gross=pl.lit(1000.0),
            )
        )
    return pl.concat(parts)


def test_the_ict_threshold_is_chosen_on_held_out_councils() -> None:
    frame = _council_frame()
    threshold = choose_it_threshold(frame.with_row_index("row"))
    assert threshold in THRESHOLD_GRID
    model = train(frame)
    assert model.meta["it_threshold"] == threshold
    assert train(_frame()).meta.get("it_threshold") is None  # one council: nothing to hold out


def test_generic_wordings_are_not_model_features() -> None:
    from bestvalue.classify.classifier import with_weak_wording

    frame = pl.DataFrame(
        {
            "k": [1, 2],
            "expense_type": ["Other Running Costs", "Printing and stationery"],
            "expense_group": ["Supplies and Services", "Supplies & Services"],
            "council_category": [None, None],
            "merchant_category": [None, None],
        }
    )
    out = with_weak_wording(frame)["weak_wording"].to_list()
    assert out == ["", "Printing and stationery"]  # every wording of row 1 is generic


@pytest.mark.parametrize(
    ("service_area", "department", "is_ict"),
    [
        ("IT Services", None, True),
        ("ICT Maintenance", None, True),
        ("Information Unit-IT", None, True),
        ("I.T. Support", None, True),
        ("Computer Services", None, True),
        ("Telecoms", None, True),
        (None, "Information Technology", True),
        ("Resources and Digital", None, False),  # a directorate: "digital" alone is not ICT
        ("Business Improvement & Technology", None, False),
        ("Adult Social Care", "ICT", False),  # the service area, when published, is the cost centre
        ("Fit for Work", None, False),
        (None, None, False),
    ],
)
def test_ict_cost_centres(service_area: str | None, department: str | None, is_ict: bool) -> None:
    frame = pl.DataFrame(
        {"service_area": [service_area], "department": [department]},
        schema={"service_area": pl.String, "department": pl.String},
    )
    assert ict_area(frame).tolist() == [is_ict]


def test_an_ict_cost_centre_makes_an_unsure_model_answer_ict() -> None:
    model = train(_frame())
    model.meta["it_threshold"] = 0.35
    probe = pl.DataFrame(
        {
            "k": [1, 2],
            "supplier_name": ["Roadfix Ltd", "Roadfix Ltd"],
            "description": ["resurfacing works", "resurfacing works"],
            "service_area": ["IT Services", "Highways"],
        },
        schema={
            "k": pl.UInt64,
            "supplier_name": pl.String,
            "description": pl.String,
            "service_area": pl.String,
        },
    )
    out = {r["k"]: r for r in model_decisions(probe, model).iter_rows(named=True)}
    assert out[1]["is_it"] is True and out[1]["code"].startswith("27")
    assert out[1]["confidence"] >= 0.6
    assert out[1]["reason"].startswith("cost centre 'IT Services' is ICT; text model: ")
    assert out[2]["is_it"] is False and out[2]["code"] == "390000"
    assert not out[2]["reason"].startswith("cost centre")
