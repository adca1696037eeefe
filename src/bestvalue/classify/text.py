"""Text normalisation shared by the mapping rules, the supplier key and the text model.

Every wording is compared in one canonical form: lower case, ``&`` and ``+`` read as "and", every
run of other characters (punctuation, spaces) collapsed to one space. The same function exists as a
Polars expression (for whole columns) and as plain Python (for one string), and the two agree.
"""

from __future__ import annotations

import re

import polars as pl

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LEGAL_SUFFIXES = (
    "limited",
    "ltd",
    "plc",
    "llp",
    "lp",
    "inc",
    "the",
    "uk",
    "co",
    "company",
    "t/a",
    "ta",
)
_SUFFIX_RE = r"\b(" + "|".join(s for s in _LEGAL_SUFFIXES if "/" not in s) + r")\b"

# Published names that stand for a withheld payee: no supplier profile is built on them.
REDACTED_RE = (
    r"(?i)\b(redacted|withheld|personal data|private individual|individual|name removed|"
    r"not disclosed|data protection|gdpr|confidential|sensitive)\b"
)


def normalise(text: str | None) -> str:
    """One wording in canonical form (``None`` and blanks give ``""``)."""
    if not text:
        return ""
    t = text.lower().replace("&", " and ").replace("+", " and ")
    return _NON_ALNUM.sub(" ", t).strip()


def normalise_expr(expr: pl.Expr) -> pl.Expr:
    """The Polars twin of :func:`normalise` (nulls stay null; blanks become null)."""
    out = (
        expr.str.to_lowercase()
        .str.replace_all("[&+]", " and ")
        .str.replace_all("[^a-z0-9]+", " ")
        .str.strip_chars()
    )
    return pl.when(out == "").then(None).otherwise(out)


def supplier_key(name: str | None) -> str:
    """Normalised supplier name without legal suffixes (``"The Acme Co Ltd"`` → ``"acme"``)."""
    t = re.sub(_SUFFIX_RE, " ", normalise(name))
    return " ".join(t.split())


def supplier_key_expr(expr: pl.Expr) -> pl.Expr:
    """The Polars twin of :func:`supplier_key`."""
    out = normalise_expr(expr).str.replace_all(_SUFFIX_RE, " ").str.replace_all(" +", " ").str.strip_chars()
    return pl.when(out == "").then(None).otherwise(out)
