"""Council wordings → ProClass: the shipped rule table, the card-scheme merchant categories, and
text similarity for wordings no rule knows.

``data/category_rules.csv`` holds ordered rules (first match wins). Each rule has a regular
expression over the normalised wording (:func:`bestvalue.classify.text.normalise`), an optional
``unless`` expression that vetoes it, and a result ``code``:

* a ProClass v17 code: the wording says what was bought;
* ``NONPROC``: not a purchase at all (tax, pay, transfers to other public bodies, accounting entries);
* ``NOTIT``: a broad group that never holds ICT (CIPFA "Employees", "Premises", "Transport");
* ``GENERIC``: too broad to decide ("Supplies and Services"); weaker evidence decides instead.

``data/merchant_categories.csv`` maps purchase-card merchant category codes (ISO 18245) and their
card-scheme descriptions to ProClass. Wordings no rule matches are compared (character 3-4-grams,
cosine) with every rule's examples, the merchant descriptions and the ProClass names; a close
enough neighbour lends its result with a confidence scaled by the similarity.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl
from scipy import sparse

from bestvalue.classify.taxonomy import NONPROC, data_rows, data_text, taxonomy
from bestvalue.classify.text import normalise

GENERIC = "GENERIC"
NOTIT = "NOTIT"
SIMILARITY_MIN = 0.75  # cosine similarity a wording needs to borrow a neighbour's result


@dataclass(frozen=True)
class Rule:
    """One row of ``category_rules.csv``."""

    rule: str
    section: str
    pattern: str
    unless: str
    code: str
    confidence: float
    examples: tuple[str, ...]
    note: str

    @property
    def decisive(self) -> bool:
        return self.code != GENERIC


def examples_of(text: str) -> tuple[str, ...]:
    """The ``;``-separated examples column of a rule table."""
    return tuple(e.strip() for e in text.split(";") if e.strip())


def rules_from(rows: Iterable[dict[str, str]]) -> tuple[Rule, ...]:
    """Rules from the rows of a category rule table (``category_rules.csv`` layout)."""
    return tuple(
        Rule(
            r["rule"],
            r["section"],
            r["pattern"],
            r["unless"],
            r["code"],
            float(r["confidence"]),
            examples_of(r["examples"]),
            r["note"],
        )
        for r in rows
    )


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The ordered rule table."""
    return rules_from(data_rows("category_rules.csv"))


@lru_cache(maxsize=1)
def rules_by_id() -> dict[str, Rule]:
    return {r.rule: r for r in rules()}


@dataclass(frozen=True)
class MerchantCategory:
    """A merchant category code (or range) with its card-scheme description."""

    mcc: str
    low: int
    high: int
    description: str
    code: str
    confidence: float


@lru_cache(maxsize=1)
def merchant_categories() -> tuple[MerchantCategory, ...]:
    out = []
    for r in data_rows("merchant_categories.csv"):
        low, _, high = r["mcc"].partition("-")
        out.append(
            MerchantCategory(
                r["mcc"], int(low), int(high or low), r["description"], r["code"], float(r["confidence"])
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A short hash of the rule table: cached matches are valid only for the same rules."""
    return hashlib.sha256(data_text("category_rules.csv").encode()).hexdigest()[:12]


_EMPTY_MATCHES = pl.DataFrame(schema={"wording": pl.String, "rule": pl.String})
_matches: pl.DataFrame = _EMPTY_MATCHES


def remember_matches(frame: pl.DataFrame) -> None:
    """Add known ``wording, rule`` matches (for :func:`rules_version`) so they are not matched again."""
    global _matches
    _matches = pl.concat([_matches, frame.select("wording", "rule")], how="vertical").unique(
        "wording", keep="first"
    )


def forget_matches() -> None:
    """Drop the remembered matches (as a new process starts)."""
    global _matches
    _matches = _EMPTY_MATCHES


def known_matches() -> pl.DataFrame:
    """Every ``wording, rule`` match this process has made or been given."""
    return _matches


def match_rules(wordings: pl.Series) -> pl.DataFrame:
    """First matching rule for each normalised wording: columns ``wording, rule`` (null: no rule).

    Regular expressions are the costly part of a run (about 200 rules over tens of thousands of
    descriptions), so matches are remembered (see :func:`remember_matches`).
    """
    df = pl.DataFrame({"wording": wordings.unique().drop_nulls()})
    known = df.join(_matches, on="wording", how="inner")
    todo = df.join(_matches, on="wording", how="anti").with_columns(rule=pl.lit(None, dtype=pl.String))
    for r in rules():
        if todo.height == 0:
            break
        hit = pl.col("wording").str.contains(r.pattern)
        if r.unless:
            hit = hit & ~pl.col("wording").str.contains(r.unless)
        todo = todo.with_columns(
            rule=pl.when(pl.col("rule").is_null() & hit).then(pl.lit(r.rule)).otherwise(pl.col("rule"))
        )
    if todo.height:
        remember_matches(todo)
    return pl.concat([known, todo], how="vertical")


def generic_wordings(wordings: pl.Series) -> pl.Series:
    """The normalised wordings among ``wordings`` that a ``GENERIC`` rule reads ("Supplies and
    Services", "Third Party Payments"): too broad to decide, and too broad to be a model feature."""
    generic = {r.rule for r in rules() if r.code == GENERIC}
    return match_rules(wordings).filter(pl.col("rule").is_in(list(generic)))["wording"]


def _rule_table() -> pl.DataFrame:
    rs = rules()
    return pl.DataFrame(
        {
            "rule": [r.rule for r in rs],
            "code": [r.code for r in rs],
            "confidence": [r.confidence for r in rs],
        }
    )


def _char_grams(text: str) -> list[str]:
    """Character 3- and 4-grams of each word padded with spaces (as scikit-learn's ``char_wb``)."""
    out: list[str] = []
    for word in text.split():
        w = f" {word} "
        for n in (3, 4):
            out.extend(w[i : i + n] for i in range(max(1, len(w) - n + 1)))
    return out


class SimilarityIndex:
    """Character n-gram TF-IDF over reference wordings, each carrying a result."""

    def __init__(
        self, texts: list[str], rule_ids: list[str], codes: list[str], confidences: list[float]
    ) -> None:
        self.texts = texts
        self.rule_ids = rule_ids
        self.codes = codes
        self.confidences = np.asarray(confidences)
        self.vocab: dict[str, int] = {}
        grams = [_char_grams(t) for t in texts]
        for g in grams:
            for x in g:
                self.vocab.setdefault(x, len(self.vocab))
        df = np.zeros(len(self.vocab))
        for g in grams:
            df[[self.vocab[x] for x in set(g)]] += 1
        self.idf = np.log((1 + len(texts)) / (1 + df)) + 1
        self.matrix = self._vectors(grams)

    def _vectors(self, grams: list[list[str]]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for i, g in enumerate(grams):
            counts: dict[int, int] = {}
            for x in g:
                j = self.vocab.get(x)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(i)
                cols.append(j)
                vals.append((1 + np.log(c)) * self.idf[j])
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(grams), len(self.vocab)))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sparse.csr_matrix(sparse.diags(1 / norms) @ m)

    def nearest(self, wordings: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Index of the nearest reference and its cosine similarity, for each wording."""
        if not wordings:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        sims = (self._vectors([_char_grams(w) for w in wordings]) @ self.matrix.T).tocsr()
        best = np.asarray(sims.argmax(axis=1)).ravel()
        score = np.asarray(sims.max(axis=1).todense()).ravel()
        return best, score


@lru_cache(maxsize=1)
def similarity_index() -> SimilarityIndex:
    """References: rule examples (decisive rules), merchant descriptions and ProClass names."""
    texts: list[str] = []
    ids: list[str] = []
    codes: list[str] = []
    confs: list[float] = []
    for r in rules():
        for e in r.examples:
            texts.append(normalise(e))
            ids.append(r.rule)
            codes.append(r.code)
            confs.append(r.confidence)
    for m in merchant_categories():
        texts.append(normalise(m.description))
        ids.append(f"mcc {m.mcc}")
        codes.append(m.code)
        confs.append(m.confidence)
    for c in taxonomy().codes.values():
        name = " ".join(p for p in (c.level2, c.level3) if p and p != "Not Elsewhere Classified") or c.level1
        texts.append(normalise(name))
        ids.append(f"proclass {c.code}")
        codes.append(c.code)
        confs.append(0.85)
    return SimilarityIndex(texts, ids, codes, confs)


def map_wordings(wordings: pl.Series, similar: bool = True) -> pl.DataFrame:
    """Decide every distinct normalised wording (``similar=False``: rules only).

    Returns ``wording, code, confidence, via, evidence``: ``via`` is ``rule`` (``evidence`` = rule id),
    ``similar`` (``evidence`` = the reference it resembles) or null when nothing decides it.
    """
    matched = match_rules(wordings).join(_rule_table(), on="rule", how="left")
    by_rule = matched.filter(pl.col("rule").is_not_null()).select(
        "wording", "code", "confidence", via=pl.lit("rule"), evidence=pl.col("rule")
    )
    unknown = matched.filter(pl.col("rule").is_null())["wording"].to_list() if similar else []
    if not unknown:
        return by_rule
    index = similarity_index()
    best, score = index.nearest(unknown)
    near = pl.DataFrame(
        {
            "wording": unknown,
            "code": [index.codes[i] for i in best],
            "confidence": (index.confidences[best] * score).round(3) if len(best) else [],
            "score": score,
            "evidence": [
                f"{index.rule_ids[i]} ('{index.texts[i]}', similarity {s:.2f})"
                for i, s in zip(best, score, strict=True)
            ],
        },
        schema={
            "wording": pl.String,
            "code": pl.String,
            "confidence": pl.Float64,
            "score": pl.Float64,
            "evidence": pl.String,
        },
    )
    borrowed = near.filter(pl.col("score") >= SIMILARITY_MIN).select(
        "wording", "code", "confidence", via=pl.lit("similar"), evidence="evidence"
    )
    return pl.concat([by_rule, borrowed], how="vertical")


def map_merchant_categories(values: pl.Series) -> pl.DataFrame:
    """Purchase-card merchant categories (code or description) → ``value, code, confidence, via,
    evidence``."""
    distinct = values.unique().drop_nulls().to_list()
    table = merchant_categories()
    by_desc = {normalise(m.description): m for m in table}
    rows: list[tuple[str, str, float, str, str]] = []
    leftovers: list[str] = []
    for v in distinct:
        digits = v.strip()
        if digits.isdigit():
            n = int(digits)
            hit = next((m for m in table if m.low <= n <= m.high), None)
            if hit:
                rows.append((v, hit.code, hit.confidence, "mcc", f"MCC {hit.mcc} {hit.description}"))
            continue
        m = by_desc.get(normalise(v))
        if m:
            rows.append((v, m.code, m.confidence, "mcc", f"MCC {m.mcc} {m.description}"))
        else:
            leftovers.append(v)
    if leftovers:
        index = similarity_index()
        best, score = index.nearest([normalise(v) for v in leftovers])
        for v, i, s in zip(leftovers, best, score, strict=True):
            if s >= SIMILARITY_MIN:
                rows.append(
                    (
                        v,
                        index.codes[i],
                        round(float(index.confidences[i] * s), 3),
                        "similar",
                        f"{index.rule_ids[i]} ('{index.texts[i]}', similarity {s:.2f})",
                    )
                )
    return pl.DataFrame(
        rows,
        schema={
            "value": pl.String,
            "code": pl.String,
            "confidence": pl.Float64,
            "via": pl.String,
            "evidence": pl.String,
        },
        orient="row",
    )


def describe_code(code: str | None) -> str:
    """Human name of a rule result code."""
    if code == NONPROC:
        return "not a purchase"
    if code == NOTIT:
        return "not ICT (broad group)"
    if code == GENERIC or code is None:
        return "too broad to decide"
    return taxonomy().label(code)
