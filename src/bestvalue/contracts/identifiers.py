"""Identifiers and flags as contract data publishes them: company numbers, names, SME/VCSE, buyers.

The SQL twins of :func:`company_number` and :func:`name_key` live in
:mod:`bestvalue.contracts.sql` (``company_number_sql``, ``name_key_sql``) so that spend rows
can be keyed the same way inside the warehouse.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

from bestvalue.reference.councils import Council, normalise_name, resolve_council

_CH_PREFIXED = re.compile(
    r"^(SC|NI|OC|SO|NC|SL|SF|LP|NL|NF|FC|GE|GS|SE|SG|SA|SP|SR|SZ|ZC|RC|IC|CE|CS|PC)(\d{1,6})$"
)
_CH_DIGITS = re.compile(r"^\d{1,8}$")
_GB_COH = re.compile(r"^GB[-_ ]?COH[-_ ]?", re.IGNORECASE)
_CH_SCHEMES = frozenset({"GB-COH", "GBCOH", "COH", "COMPANIES HOUSE", "GB-CH"})

_LEGAL_SUFFIXES = (
    "limited",
    "ltd",
    "plc",
    "llp",
    "lp",
    "cic",
    "cio",
    "inc",
    "incorporated",
    "co",
    "company",
    "corporation",
    "corp",
    "uk",
    "gb",
    "the",
    "group",
    "holdings",
    "services",
)
_TRADING_AS = re.compile(r"\b(t/a|ta|trading as|t\.a\.)\b.*$", re.IGNORECASE)


def company_number(text: object) -> str | None:
    """A Companies House number in its canonical 8-character form, or ``None``.

    ``"2535986"`` → ``"02535986"``; ``"sc 123456"`` → ``"SC123456"``; ``"GB-COH-00133804"`` →
    ``"00133804"``; ``"Various"``, ``"-"``, ``"IP29627R"`` (a society number) → ``None``.
    """
    if text is None:
        return None
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = _GB_COH.sub("", str(text).strip()).upper().replace(" ", "").replace(".", "")
    if not s:
        return None
    if _CH_DIGITS.fullmatch(s):
        return None if int(s) == 0 else s.zfill(8)
    m = _CH_PREFIXED.fullmatch(s)
    if m:
        return m.group(1) + m.group(2).zfill(6)
    return None


def is_company_scheme(scheme: object) -> bool:
    """Whether an org-id scheme names the Companies House register."""
    return isinstance(scheme, str) and scheme.strip().upper() in _CH_SCHEMES


def name_key(text: str | None) -> str | None:
    """A supplier name reduced for matching: lower case, ``&`` → and, no punctuation, no legal
    suffixes or trading-as tails (``"Schofield & Sons Ltd"`` → ``"schofield and sons"``)."""
    if not text:
        return None
    s = _TRADING_AS.sub("", text)
    words = normalise_name(s).split()
    while words and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    key = " ".join(words)
    return key or None


_YES = frozenset({"yes", "y", "true", "t", "1", "sme", "vcse", "x"})
_NO = frozenset({"no", "n", "false", "f", "0", "noo", "large", "non sme", "not sme"})


def yes_no(value: object) -> bool | None:
    """``Yes``/``No``/``TRUE``/``1``/booleans as a boolean; anything else (``Various``, ``N/A``) is None."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    s = normalise_name(str(value))
    if s in _YES:
        return True
    if s in _NO:
        return False
    return None


def scale_is_sme(scale: object) -> bool | None:
    """OCDS ``details.scale`` (``micro``/``sme``/``small``/``medium``/``large``) as an SME flag."""
    if not isinstance(scale, str) or not scale.strip():
        return None
    s = scale.strip().lower()
    if s in ("sme", "micro", "small", "medium"):
        return True
    if s == "large":
        return False
    return None


# -- councils --------------------------------------------------------------------------------
_LAE_SCHEMES = frozenset({"GB-LAE", "GB-LAS", "GB-LAW", "GB-LANI", "GB-PLA", "GB-UKPRN-LA", "GB-GSS"})


def council_from_identifier(scheme: object, ident: object) -> Council | None:
    """The council an org identifier names (local-authority registers, GSS codes)."""
    if not isinstance(ident, str) or not ident.strip():
        return None
    if isinstance(scheme, str) and scheme.strip().upper() in _LAE_SCHEMES:
        return resolve_council(ident.strip())
    # A GSS code anywhere in an identifier is unambiguous.
    from bestvalue.reference.councils import GSS_RE

    return resolve_council(ident) if GSS_RE.search(ident) else None


@functools.cache
def _path_words() -> frozenset[str]:
    text = resources.files("bestvalue.contracts").joinpath("data", "path_words.csv").read_text("utf-8")
    return frozenset(
        r["word"].strip().lower() for r in csv.DictReader(text.splitlines()) if r["word"].strip()
    )


def council_from_path(parts: list[str]) -> tuple[Council, str] | None:
    """A council named by a file's own name or its folder's, once generic words are set aside.

    ``salford_cc_contract_register/2022-07.csv`` → Salford (from the folder); the whole
    remainder must name the council, so ``leeds_teaching_hospitals_contracts`` names none.
    """
    words = _path_words()
    for part in parts:
        stem = re.sub(r"\.(csv|tsv|txt|json|jsonl|ndjson|xlsx|xlsm|xls|ods|gz|zip)$", "", part, flags=re.I)
        stem = re.sub(r"\.(csv|tsv|txt|json|jsonl|ndjson|xlsx|xlsm|xls|ods)$", "", stem, flags=re.I)
        tokens = [t for t in re.split(r"[^A-Za-z]+", stem) if t and t.lower() not in words]
        if not tokens:
            continue
        found = resolve_council(" ".join(tokens))
        if found is not None:
            return found, part
    return None
