"""Classification quality (leave-one-council-out) and speed on the whole shared spend set.

    python bench/classify_quality.py [--db WAREHOUSE] [--keep PATH] [--councils GSS,...] [--runs N]
                                     [--errors N] [--save DIR]

1. Builds a warehouse as the pipeline does (or reuses ``--db``): every council folder of
   ../shared/data/spend, the shared contract files (Contracts Finder OCDS, Salford's register), then
   supplier resolution and contract-supplier links.
2. Truth, per council, from what its own files say, read with the *frozen* tables in
   ``bench/classify_truth/`` (so that improving the product's rule table cannot move the truth):
   * published ProClass codes (Trafford): the code resolved against ProClass v17;
   * the council's own category columns (expense type, CIPFA/SeRCOP subjective groups, account
     names, purchase-card merchant categories): only wordings a rule decides with confidence
     >= 0.85 (rules only, no similarity); broad wordings ("Supplies and Services") give no truth.
     "Employees"/"Premises"/"Transport" groups give IT truth (not IT) but no level 1.
3. For each council with truth: train the text model on every *other* council's labelled rows,
   hide that council's category and ProClass columns, classify, and compare. Descriptions, supplier
   names, service areas and amounts stay visible (they are what a council without category columns
   publishes). Supplier profiles see the held-out council's rows only through those visible columns.
4. Reports, per council and pooled, IT precision/recall/F1 by rows and by £ (sum of |amount|) and
   ProClass level-1 accuracy. This is the HEADLINE figure.
5. A second, clearly separate figure over a truth subset: rows whose truth is *contradicted by the
   council's own description* are left out. A row is contradicted when its description (or the
   part before " - ") is read by the same frozen rules at the same confidence (>= 0.85) to a
   different IT answer (for the IT figure) or a different level-1 group (for the level-1 figure),
   e.g. "GMITA LEVY (GMCA)" booked under a traffic-planning consultancy code, "CAP PUR ICT H/W & S/"
   booked under an implementation consultancy code. Such a row has two contradictory truths from
   the same council; the subset is defined without looking at the classifier's answer.
6. Diagnostics: agreement between councils' own bookkeeping (how often other councils' truth for
   the same supplier agrees: a rough ceiling for any method that transfers knowledge between
   councils), errors split by method and by disputed/undisputed truth, level-1 and IT errors by £
   split into kinds (deciding method and its confidence, mean payment, payee kind, answers the
   model marks "(uncertain)"), the largest errors.
7. Speed: full classification runs with the shipped model.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bestvalue.classify import mapping
from bestvalue.classify.classifier import classify_combinations
from bestvalue.classify.evidence import WORDING_COLUMNS, _description_texts, published
from bestvalue.classify.mapping import (
    GENERIC,
    NOTIT,
    MerchantCategory,
    Rule,
    map_merchant_categories,
    map_wordings,
)
from bestvalue.classify.model import TextModel, shipped_model
from bestvalue.classify.payees import with_payee_kind
from bestvalue.classify.sql import CATEGORY_COLUMNS
from bestvalue.classify.step import load_combinations, run_classification
from bestvalue.classify.taxonomy import NONPROC, taxonomy
from bestvalue.classify.text import normalise_expr, supplier_key_expr
from bestvalue.classify.training import contract_training_frame, spend_training_frame, train
from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import ensure_schema

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SPEND = DATA / "spend"
CONTRACTS = DATA / "contracts"
TRUTH_TABLES = Path(__file__).resolve().parent / "classify_truth"
FOLDERS = {  # folder -> council name for --council
    "trafford": "Trafford",
    "trafford_pcard": "Trafford",
    "oxford_city": "Oxford",
    "hyndburn": "Hyndburn",
    **{
        f"odileeds/{b}": b
        for b in (
            "bradford",
            "darlington",
            "gateshead",
            "harrogate",
            "leeds",
            "manchester",
            "salford",
            "sheffield",
            "wakefield",
        )
    },
}
CONTRACT_FOLDERS = {  # folder -> council for registers that do not name their buyer (None: OCDS)
    "salford_cc_contract_register": "Salford",
    "contracts_finder_ocds_2025_cfserver1": None,
    "contracts_finder_ocds_bluetail/json_1_1_raw": None,
}
TRUTH_MIN = 0.85
ICT_HEAD = "270000"


def build(db: Path) -> Warehouse:
    """Ingest the shared spend and contracts, then resolve suppliers as the pipeline does."""
    from bestvalue.contracts.loader import ingest_contracts
    from bestvalue.contracts.suppliers import link_step
    from bestvalue.suppliers.step import resolve_step

    wh = open_warehouse(db)
    ensure_schema(wh)
    for folder, name in FOLDERS.items():
        council = resolve_council(name)
        if council is None:
            raise SystemExit(f"unknown council {name}")
        ingest_paths(wh, [SPEND / folder], Options(council=council))
    for folder, cname in CONTRACT_FOLDERS.items():
        if (CONTRACTS / folder).exists():
            ingest_contracts(wh, [CONTRACTS / folder], resolve_council(cname) if cname else None)
    print(f"  suppliers: {resolve_step(wh)}")
    print(f"  contracts: {link_step(wh)}")
    wh.checkpoint()
    return wh


# --- truth -----------------------------------------------------------------------------------


def _frozen_rules() -> tuple[Rule, ...]:
    with (TRUTH_TABLES / "category_rules.csv").open(encoding="utf-8") as fh:
        return mapping.rules_from(csv.DictReader(fh))


def _frozen_merchants() -> tuple[MerchantCategory, ...]:
    out = []
    with (TRUTH_TABLES / "merchant_categories.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            low, _, high = r["mcc"].partition("-")
            out.append(
                MerchantCategory(
                    r["mcc"], int(low), int(high or low), r["description"], r["code"], float(r["confidence"])
                )
            )
    return tuple(out)


def _clear_mapping_caches() -> None:
    mapping.forget_matches()
    mapping.rules_by_id.cache_clear()
    mapping.similarity_index.cache_clear()


@contextmanager
def frozen_truth_tables() -> Iterator[None]:
    """Read wordings with the frozen truth tables (same code paths, other tables) for the duration."""
    rules, merchants = _frozen_rules(), _frozen_merchants()
    saved = (mapping.rules, mapping.merchant_categories)
    _clear_mapping_caches()
    mapping.rules = lambda: rules  # type: ignore[assignment]
    mapping.merchant_categories = lambda: merchants  # type: ignore[assignment]
    try:
        yield
    finally:
        mapping.rules, mapping.merchant_categories = saved  # type: ignore[assignment]
        _clear_mapping_caches()


def _level1_and_it(frame: pl.DataFrame, code: str, level1: str, it: str) -> pl.DataFrame:
    tax = taxonomy()
    heads = tax.level1_of
    ict = [c.code for c in tax.codes.values() if c.is_ict]
    return frame.with_columns(
        pl.when(pl.col(code) == NONPROC)
        .then(pl.lit(NONPROC))
        .otherwise(pl.col(code).replace_strict(heads, default=None))
        .alias(level1),
        pl.when(pl.col(code) == NOTIT).then(False).otherwise(pl.col(code).is_in(ict)).alias(it),
    )


def truth(combos: pl.DataFrame) -> pl.DataFrame:
    """``k, t_level1, t_it, t_source`` from each combination's own published codes and category columns."""
    with frozen_truth_tables():
        pub = published(combos).select("k", "code", t_source=pl.lit("published ProClass"))
        long = pl.concat(
            [
                combos.filter(pl.col(c).is_not_null()).select("k", column=pl.lit(c), value=pl.col(c))
                for c in WORDING_COLUMNS
            ],
            how="vertical",
        ).with_columns(wording=normalise_expr(pl.col("value")))
        cards = long.filter(pl.col("column") == "merchant_category")
        words = long.filter(pl.col("column") != "merchant_category")
        decided = pl.concat(
            [
                words.join(map_wordings(words["wording"], similar=False), on="wording"),
                cards.join(
                    map_merchant_categories(cards["value"]).filter(pl.col("via") == "mcc"), on="value"
                ),
            ],
            how="diagonal_relaxed",
        ).filter((pl.col("code") != GENERIC) & (pl.col("confidence") >= TRUTH_MIN))
    cat = (
        decided.sort(["k", "confidence"], descending=[False, True])
        .unique("k", keep="first", maintain_order=True)
        .select("k", "code", t_source=pl.lit("category columns"))
        .join(pub.select("k"), on="k", how="anti")
    )
    both = _level1_and_it(pl.concat([pub, cat], how="vertical"), "code", "t_level1", "t_it")
    return both.select("k", "t_source", "t_level1", "t_it", t_code="code")


def description_readings(combos: pl.DataFrame) -> pl.DataFrame:
    """``k, d_level1, d_it, d_text``: what each row's own description says, read like the truth.

    The description and its part before " - " are read by the frozen rules only (no similarity), at
    confidence >= 0.85 like the truth; the most confident reading wins.
    """
    texts = _description_texts(combos).with_columns(wording=normalise_expr(pl.col("text")))
    with frozen_truth_tables():
        mapped = map_wordings(texts["wording"], similar=False)
    read = (
        texts.join(mapped, on="wording")
        .filter((pl.col("code") != GENERIC) & (pl.col("confidence") >= TRUTH_MIN))
        .sort(["k", "confidence", "head"], descending=[False, True, False])
        .unique("k", keep="first", maintain_order=True)
    )
    return _level1_and_it(read, "code", "d_level1", "d_it").select(
        "k", "d_level1", "d_it", d_text=pl.col("text")
    )


# --- scores ------------------------------------------------------------------------------------


@dataclass
class Scores:
    council: str
    rows: int
    gross: float
    it_rows: int
    it_gross: float
    p_rows: float
    r_rows: float
    f1_rows: float
    p_gross: float
    r_gross: float
    f1_gross: float
    l1_rows: float
    l1_gross: float
    l1_truth_rows: int
    l1p_rows: float  # level-1 accuracy on purchases only (truth is a ProClass group, not NONPROC)
    l1p_gross: float
    # the second figure: rows whose truth the council's own description contradicts left out
    u_f1_rows: float
    u_f1_gross: float
    u_l1_rows: float
    u_l1_gross: float
    disputed_it_gross: float
    disputed_l1_gross: float


def _prf(ev: pl.DataFrame, weight: str) -> tuple[float, float, float]:
    tp = ev.filter(pl.col("t_it") & pl.col("p_it"))[weight].sum()
    fp = ev.filter(~pl.col("t_it") & pl.col("p_it"))[weight].sum()
    fn = ev.filter(pl.col("t_it") & ~pl.col("p_it"))[weight].sum()
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _acc(frame: pl.DataFrame, weight: str) -> float:
    total = frame[weight].sum()
    return float(frame.filter("ok")[weight].sum() / total) if total else 0.0


def with_flags(ev: pl.DataFrame) -> pl.DataFrame:
    """Add ``p_it``, ``ok`` (level 1 right) and the dispute flags to evaluated rows."""
    return ev.with_columns(
        p_it=pl.col("is_it").fill_null(False),
        ok=pl.col("p_level1").fill_null("") == pl.col("t_level1"),
        disputed_it=pl.col("d_it").is_not_null() & (pl.col("d_it") != pl.col("t_it")),
        disputed_l1=pl.col("d_level1").is_not_null()
        & pl.col("t_level1").is_not_null()
        & (pl.col("d_level1") != pl.col("t_level1")),
    )


def score(name: str, ev: pl.DataFrame) -> Scores:
    ev = with_flags(ev)
    l1 = ev.filter(pl.col("t_level1").is_not_null())
    l1p = l1.filter(pl.col("t_level1") != NONPROC)
    pr, rr, fr = _prf(ev, "n")
    pg, rg, fg = _prf(ev, "gross")
    u_it = ev.filter(~pl.col("disputed_it"))
    u_l1 = l1.filter(~pl.col("disputed_l1"))
    return Scores(
        name,
        int(ev["n"].sum()),
        float(ev["gross"].sum()),
        int(ev.filter("t_it")["n"].sum()),
        float(ev.filter("t_it")["gross"].sum()),
        pr,
        rr,
        fr,
        pg,
        rg,
        fg,
        _acc(l1, "n"),
        _acc(l1, "gross"),
        int(l1["n"].sum()),
        _acc(l1p, "n"),
        _acc(l1p, "gross"),
        _prf(u_it, "n")[2],
        _prf(u_it, "gross")[2],
        _acc(u_l1, "n"),
        _acc(u_l1, "gross"),
        float(ev.filter("disputed_it")["gross"].sum()),
        float(l1.filter("disputed_l1")["gross"].sum()),
    )


def ict_detail(pooled: pl.DataFrame) -> tuple[float, float, float]:
    """ICT sub-category (ProClass level 2) on rows both the truth and the classifier call ICT, where
    the truth names a sub-category: (share of their £ truth covers, share of that £ the classifier
    names a sub-category for, accuracy by £ of those it names)."""
    tax = taxonomy()
    head = tax.heads["Information Communication Technology"]
    level2 = {c.code: c.level2_code for c in tax.codes.values() if c.is_ict}
    both = pooled.filter(pl.col("t_it") & pl.col("p_it")).with_columns(
        t_sub=pl.col("t_code").replace_strict(level2, default=None),
        p_sub=pl.col("proclass_code").replace_strict(level2, default=None),
    )
    said = both.filter(pl.col("t_sub").is_not_null() & (pl.col("t_sub") != head))
    named = said.filter(pl.col("p_sub").is_not_null() & (pl.col("p_sub") != head))
    right = named.filter(pl.col("p_sub") == pl.col("t_sub"))
    total = both["gross"].sum()
    return (
        said["gross"].sum() / total if total else 0.0,
        named["gross"].sum() / said["gross"].sum() if said.height else 0.0,
        right["gross"].sum() / named["gross"].sum() if named.height else 0.0,
    )


def evaluate(
    combos: pl.DataFrame,
    councils: list[str],
    names: dict[str, str],
    contracts: pl.DataFrame | None = None,
    fit: Callable[[pl.DataFrame], TextModel] = train,
) -> tuple[list[Scores], pl.DataFrame]:
    """Leave-one-council-out: per held-out council, train without it, hide its columns, classify."""
    t = truth(combos).join(description_readings(combos), on="k", how="left")
    training = spend_training_frame(combos)
    if contracts is not None and contracts.height:
        training = pl.concat([training, contracts], how="diagonal_relaxed")
    evals = []
    rows = []
    for gss in councils:
        held = t.join(combos.filter(pl.col("council_code") == gss).select("k", "n", "gross"), on="k")
        if held.height == 0:
            continue
        model = fit(training.filter(pl.col("council_code") != gss))
        hidden = combos.with_columns(
            [
                pl.when(pl.col("council_code") == gss).then(None).otherwise(pl.col(c)).alias(c)
                for c in CATEGORY_COLUMNS
            ]
        )
        results = classify_combinations(hidden, model).results
        ev = held.join(results, on="k").with_columns(
            p_level1=pl.when(pl.col("payment_kind") == "not_purchase")
            .then(pl.lit(NONPROC))
            .otherwise(pl.col("proclass_level1"))
        )
        evals.append(ev.with_columns(council=pl.lit(names.get(gss, gss))))
        rows.append(score(names.get(gss, gss), ev))
    pooled = pl.concat(evals, how="vertical")
    rows.append(score("ALL (pooled)", pooled))
    return rows, with_flags(pooled)


def agreement(combos: pl.DataFrame, councils: list[str]) -> dict[str, float]:
    """How often other councils' own truth for the same supplier agrees with a council's truth.

    For each council's truth rows whose supplier (resolved id, else normalised name) has truth in
    other councils, the other councils' £-majority answer is compared with the council's own.
    Returns the share of truth £ covered and, on covered rows, IT F1 and level-1 accuracy by £.
    """
    t = truth(combos)
    x = (
        combos.select("k", "council_code", "gross", "supplier_id", "supplier_name")
        .join(t, on="k")
        .with_columns(key=pl.coalesce("supplier_id", supplier_key_expr(pl.col("supplier_name"))))
        .filter(pl.col("key").is_not_null())
    )
    per = x.group_by("key", "council_code", "t_level1").agg(
        g=pl.col("gross").sum(), g_it=(pl.col("gross") * pl.col("t_it")).sum()
    )
    parts = []
    for gss in councils:
        other = per.filter(pl.col("council_code") != gss)
        it = other.group_by("key").agg(o_it=pl.col("g_it").sum() / pl.col("g").sum() >= 0.5)
        l1 = (
            other.filter(pl.col("t_level1").is_not_null())
            .group_by("key", "t_level1")
            .agg(g=pl.col("g").sum())
            .sort(["key", "g", "t_level1"], descending=[False, True, False])
            .unique("key", keep="first", maintain_order=True)
            .select("key", o_level1="t_level1")
        )
        parts.append(
            x.filter(pl.col("council_code") == gss)
            .join(it, on="key", how="left")
            .join(l1, on="key", how="left")
        )
    h = pl.concat(parts, how="vertical")
    cov = h.filter(pl.col("o_it").is_not_null())
    tp = cov.filter(pl.col("t_it") & pl.col("o_it"))["gross"].sum()
    fp = cov.filter(~pl.col("t_it") & pl.col("o_it"))["gross"].sum()
    fn = cov.filter(pl.col("t_it") & ~pl.col("o_it"))["gross"].sum()
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    l1 = h.filter(pl.col("t_level1").is_not_null())
    l1c = l1.filter(pl.col("o_level1").is_not_null())
    return {
        "it_cover": float(cov.filter("t_it")["gross"].sum() / max(h.filter("t_it")["gross"].sum(), 1e-9)),
        "it_f1": float(f1),
        "l1_cover": float(l1c["gross"].sum() / max(l1["gross"].sum(), 1e-9)),
        "l1_acc": float(
            l1c.filter(pl.col("o_level1") == pl.col("t_level1"))["gross"].sum()
            / max(l1c["gross"].sum(), 1e-9)
        ),
    }


# --- speed -------------------------------------------------------------------------------------


def speed(wh: Warehouse, runs: int) -> tuple[int, list[float]]:
    """Seconds of full classification runs, each as a fresh process would see it.

    In-process caches (the loaded model, rule matches, the similarity index) are cleared before
    every run, so the first run also matches every wording (cold) and later runs read the matches
    the first one stored in the warehouse (warm), as repeated ``bestvalue classify`` commands do.
    """
    seconds = []
    n = 0
    for _ in range(runs):
        _clear_mapping_caches()
        shipped_model.cache_clear()
        summary = run_classification(wh)
        seconds.append(summary.seconds)
        n = summary.spend_rows
    return n, seconds


# --- report ------------------------------------------------------------------------------------


def _print_scores(scores: list[Scores]) -> None:
    head = (
        f"{'council':<14}{'rows':>9}{'IT rows':>9}{'£m':>8}{'IT £m':>8}  "
        f"{'IT P/R/F1 rows':<17}{'IT P/R/F1 £':<17}{'L1 acc rows':>12}{'L1 acc £':>10}"
        f"{'L1 purch. £':>12}"
    )
    print(head)
    print("-" * len(head))
    for s in scores:
        print(
            f"{s.council:<14}{s.rows:>9,}{s.it_rows:>9,}{s.gross / 1e6:>8.1f}{s.it_gross / 1e6:>8.2f}  "
            f"{s.p_rows:.2f}/{s.r_rows:.2f}/{s.f1_rows:.2f}   "
            f"{s.p_gross:.2f}/{s.r_gross:.2f}/{s.f1_gross:.2f}   "
            f"{s.l1_rows:>10.3f}{s.l1_gross:>10.3f}{s.l1p_gross:>12.3f}"
        )


def _print_undisputed(scores: list[Scores]) -> None:
    head = (
        f"{'council':<14}{'IT F1 rows':>11}{'IT F1 £':>9}{'L1 rows':>9}{'L1 £':>8}"
        f"{'left out: IT £m':>17}{'L1 £m':>8}"
    )
    print(head)
    print("-" * len(head))
    for s in scores:
        print(
            f"{s.council:<14}{s.u_f1_rows:>11.3f}{s.u_f1_gross:>9.3f}{s.u_l1_rows:>9.3f}{s.u_l1_gross:>8.3f}"
            f"{s.disputed_it_gross / 1e6:>17.2f}{s.disputed_l1_gross / 1e6:>8.1f}"
        )


def _print_breakdown(pooled: pl.DataFrame) -> None:
    by_method = (
        pooled.group_by("method")
        .agg(
            rows=pl.col("n").sum(),
            gross=pl.col("gross").sum(),
            it_right=(pl.col("gross") * (pl.col("p_it") == pl.col("t_it"))).sum() / pl.col("gross").sum(),
            fn=(pl.col("gross") * (pl.col("t_it") & ~pl.col("p_it"))).sum(),
            fp=(pl.col("gross") * (~pl.col("t_it") & pl.col("p_it"))).sum(),
            l1_gross=pl.col("gross").filter(pl.col("t_level1").is_not_null()).sum(),
            l1_wrong=pl.col("gross").filter(pl.col("t_level1").is_not_null() & ~pl.col("ok")).sum(),
        )
        .sort("rows", descending=True)
    )
    print("\nPooled, by deciding method:")
    print(
        f"  {'method':<20}{'rows':>10}{'£m':>9}{'IT right':>10}{'IT FN £m':>10}{'IT FP £m':>10}"
        f"{'L1 wrong £m':>13}{'of £m':>8}"
    )
    for r in by_method.iter_rows(named=True):
        print(
            f"  {r['method']:<20}{r['rows']:>10,}{r['gross'] / 1e6:>9.1f}{r['it_right']:>10.3f}"
            f"{r['fn'] / 1e6:>10.2f}{r['fp'] / 1e6:>10.2f}"
            f"{r['l1_wrong'] / 1e6:>13.1f}{r['l1_gross'] / 1e6:>8.1f}"
        )
    it_wrong = pooled.filter(pl.col("p_it") != pl.col("t_it"))
    l1_wrong = pooled.filter(pl.col("t_level1").is_not_null() & ~pl.col("ok"))
    print(
        "\nErrors whose truth the council's own description contradicts: "
        f"IT £{it_wrong.filter('disputed_it')['gross'].sum() / 1e6:.2f}m of "
        f"£{it_wrong['gross'].sum() / 1e6:.2f}m; "
        f"level 1 £{l1_wrong.filter('disputed_l1')['gross'].sum() / 1e6:.1f}m "
        f"of £{l1_wrong['gross'].sum() / 1e6:.1f}m. The 20 largest level-1 errors hold "
        f"£{l1_wrong.sort('gross', descending=True).head(20)['gross'].sum() / 1e6:.1f}m."
    )


def error_kinds(pooled: pl.DataFrame, combos: pl.DataFrame) -> pl.DataFrame:
    """Evaluated rows with the columns errors are split by: ``band`` (confidence of the deciding
    method), ``size`` (mean payment a line), ``payee`` (public-body kind, individual, redacted or
    other) and ``sure`` (the answer is not marked "(uncertain)")."""
    payees = with_payee_kind(combos.select("k", "supplier_name", "payee_kind")).select(
        "k",
        payee=pl.coalesce(
            "payee_class",
            pl.when(pl.col("payee_kind").is_in(["individual", "redacted"])).then(pl.col("payee_kind")),
            pl.lit("other"),
        ),
    )
    mean = pl.col("gross") / pl.col("n")
    return pooled.join(payees, on="k", how="left").with_columns(
        band=pl.when(pl.col("confidence") >= 0.8)
        .then(pl.lit(">=0.8"))
        .when(pl.col("confidence") >= 0.5)
        .then(pl.lit("0.5-0.8"))
        .otherwise(pl.lit("<0.5")),
        size=pl.when(mean >= 1e6)
        .then(pl.lit(">=1m"))
        .when(mean >= 1e5)
        .then(pl.lit("100k-1m"))
        .when(mean >= 1e4)
        .then(pl.lit("10k-100k"))
        .otherwise(pl.lit("<10k")),
        sure=~pl.col("reason").str.ends_with("(uncertain)"),
    )


def _print_kinds(pooled: pl.DataFrame, combos: pl.DataFrame) -> None:
    """Level-1 and IT errors by £, split into kinds, with each kind's accuracy by £."""
    ev = error_kinds(pooled, combos).with_columns(
        l1_truth=pl.col("t_level1").is_not_null(), it_wrong=pl.col("p_it") != pl.col("t_it")
    )
    print("\nErrors by kind (£m; L1 acc and IT right are by £ within the kind):")
    print(f"  {'kind':<44}{'L1 £m':>9}{'L1 wrong':>10}{'L1 acc':>8}{'IT wrong':>10}{'IT right':>10}")
    for keys in (["method", "band"], ["size"], ["payee"], ["method", "sure"], ["disputed_l1"]):
        table = (
            ev.group_by(keys)
            .agg(
                l1=pl.col("gross").filter("l1_truth").sum(),
                l1_wrong=pl.col("gross").filter(pl.col("l1_truth") & ~pl.col("ok")).sum(),
                it_wrong=pl.col("gross").filter("it_wrong").sum(),
                total=pl.col("gross").sum(),
            )
            .sort("l1_wrong", descending=True)
        )
        for r in table.iter_rows(named=True):
            kind = " / ".join(f"{k}={r[k]}" for k in keys)
            print(
                f"  {kind[:44]:<44}{r['l1'] / 1e6:>9.1f}{r['l1_wrong'] / 1e6:>10.1f}"
                f"{1 - r['l1_wrong'] / r['l1'] if r['l1'] else 0:>8.3f}{r['it_wrong'] / 1e6:>10.2f}"
                f"{1 - r['it_wrong'] / r['total'] if r['total'] else 0:>10.3f}"
            )


def _print_errors(pooled: pl.DataFrame, combos: pl.DataFrame, n: int) -> None:
    tax = taxonomy()
    short = {code: name[:18] for name, code in tax.heads.items()} | {NONPROC: "not a purchase"}
    cols = combos.select("k", "supplier_name", "description")
    wrong = pooled.filter(pl.col("p_it") != pl.col("t_it")).join(cols, on="k")
    print("\nLargest IT disagreements (truth vs classifier; * = truth contradicted by the description):")
    for r in wrong.sort("gross", descending=True).head(n).iter_rows(named=True):
        print(
            f"  {r['council']:<11} £{r['gross']:>12,.0f} {'*' if r['disputed_it'] else ' '}truth "
            f"{'IT ' if r['t_it'] else 'not'} ({r['t_source'][:9]}) | {(r['supplier_name'] or '')[:28]} | "
            f"{(r['description'] or '')[:36]} | {r['reason'][:80]}"
        )
    wrong = pooled.filter(pl.col("t_level1").is_not_null() & ~pl.col("ok")).join(cols, on="k")
    print("\nLargest level-1 disagreements:")
    for r in wrong.sort("gross", descending=True).head(n).iter_rows(named=True):
        print(
            f"  {r['council']:<11} £{r['gross']:>12,.0f} {'*' if r['disputed_l1'] else ' '}truth "
            f"{short.get(r['t_level1'], r['t_level1']):<18} got {short.get(r['p_level1'] or '', '-'):<18} | "
            f"{(r['supplier_name'] or '')[:28]} | {(r['description'] or '')[:30]} | {r['reason'][:60]}"
        )


def main() -> int:
    warnings.simplefilter("ignore", UserWarning)  # duckdb's "extra copy" notice on Arrow output
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="reuse a warehouse built by this script (--keep)")
    ap.add_argument("--keep", type=Path, help="keep the built warehouse at this path")
    ap.add_argument("--councils", help="comma-separated GSS codes to hold out (default: all with truth)")
    ap.add_argument("--runs", type=int, default=3, help="timed classification runs (0: skip)")
    ap.add_argument("--errors", type=int, default=0, help="print the N largest disagreements")
    ap.add_argument("--save", type=Path, help="write the pooled evaluation (parquet) to this directory")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bv-classify-"))
    try:
        if args.db:
            wh = open_warehouse(args.db)
            ensure_schema(wh)
        else:
            if not SPEND.exists():
                print(f"no shared data at {SPEND}", file=sys.stderr)
                return 2
            start = time.perf_counter()
            db = args.keep or work / "classify.duckdb"
            if db.exists():
                db.unlink()
            wh = build(db)
            print(f"built the warehouse (spend, contracts, suppliers) in {time.perf_counter() - start:.0f}s")
        names = dict(wh.rows("SELECT gss_code, name FROM councils"))
        combos = load_combinations(wh)
        present = sorted(combos["council_code"].unique().to_list())
        councils = args.councils.split(",") if args.councils else present
        start = time.perf_counter()
        scores, pooled = evaluate(combos, councils, names, contract_training_frame(wh))
        print(
            f"\nLeave-one-council-out quality ({time.perf_counter() - start:.0f}s; truth = each council's "
            "own published ProClass or category columns, hidden from the classifier)\n"
        )
        _print_scores(scores)
        all_ = scores[-1]
        print(
            f"\nGoals: IT F1 by £ >= 0.95 -> {all_.f1_gross:.3f}; "
            f"level-1 accuracy by £ >= 0.85 -> {all_.l1_gross:.3f} "
            f"(purchases only, i.e. truth not a tax/transfer: {all_.l1p_gross:.3f} by £, "
            f"{all_.l1p_rows:.3f} by rows)"
        )
        covered, named, right = ict_detail(pooled)
        print(
            f"ICT sub-category (level 2), pooled, on rows truth and classifier both call ICT: the truth "
            f"names one for {covered:.0%} of their £; the classifier names one for {named:.0%} of that £, "
            f"right for {right:.3f} of it by £"
        )
        print(
            "\nSecond figure (NOT the headline): truth subset without rows whose truth the council's own "
            "description contradicts\n"
        )
        _print_undisputed(scores)
        agree = agreement(combos, councils)
        print(
            "\nAgreement between councils' own bookkeeping (other councils' truth for the same supplier, "
            f"£-majority): covers {agree['it_cover']:.0%} of IT truth £, IT F1 by £ on those "
            f"{agree['it_f1']:.3f}; covers {agree['l1_cover']:.0%} of level-1 truth £, level-1 "
            f"accuracy by £ on those {agree['l1_acc']:.3f}"
        )
        _print_breakdown(pooled)
        _print_kinds(pooled, combos)
        if args.errors:
            _print_errors(pooled, combos, args.errors)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            pooled.write_parquet(args.save / "pooled.parquet")
            combos.write_parquet(args.save / "combos.parquet")
        if args.runs:
            model = shipped_model()
            if model is None:
                print("\nno shipped model: run `bestvalue classify train` first", file=sys.stderr)
                return 1
            wh.execute("DELETE FROM classification_rule_matches")
            n, secs = speed(wh, args.runs)
            warm = statistics.median(secs[1:]) if len(secs) > 1 else secs[0]
            print(
                f"\nSpeed with the shipped model {model.model_id}: {n:,} rows; "
                f"runs {', '.join(f'{s:.2f}s' for s in secs)}; "
                f"cold (first run, every wording matched) {n / secs[0]:,.0f} rows/s; "
                f"warm (median of later runs) {warm:.2f}s = {n / warm:,.0f} rows/s (goal >= 500,000)"
            )
        wh.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
