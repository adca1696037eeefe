"""The shipped rule tables (``suppliers/data/``), loaded once and cached.

Every behaviour of the normaliser and the payee classifier that could need tuning lives in these
tables rather than in code: legal forms, abbreviations, business words, forenames, titles,
redaction patterns and Companies House number prefixes. ``RULES_VERSION`` changes whenever any
table or the matching code changes, so stored name keys are recomputed.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cache

from bestvalue.shipped import shipped_text

# Bump when the normalising or matching code changes in a way that changes keys or links.
CODE_VERSION = "5"

_TABLES = (
    "legal_forms.csv",
    "abbreviations.csv",
    "business_words.txt",
    "forenames.txt",
    "surnames.txt",
    "common_words.txt",
    "english_words.txt.gz",
    "titles.txt",
    "redactions.csv",
    "company_prefixes.csv",
    "account_words.txt",
)


@dataclass(frozen=True)
class LegalForm:
    """A legal-form phrase (normalised tokens) and what it says about the organisation."""

    tokens: tuple[str, ...]
    kind: str  # company | plc | llp | lp | cic | cio | society | llc | foreign
    end_only: bool  # only recognised as the last words of a name
    vcse: bool  # the form is only open to voluntary, community and social enterprises


@dataclass(frozen=True)
class Redaction:
    pattern: re.Pattern[str]
    kind: str  # redacted | unknown
    strong: bool  # applies even when the name also looks like a business
    hint: str  # a substring the pattern cannot match without ('' for patterns anchored at both ends)
    meaning: str


def _text(name: str) -> str:
    return shipped_text("bestvalue.suppliers", "data", name)


def _words(name: str) -> frozenset[str]:
    return frozenset(
        line.strip() for line in _text(name).splitlines() if line.strip() and not line.startswith("#")
    )


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_text(name).splitlines()))


@cache
def rules_version() -> str:
    """A short hash of every rule table plus the code version."""
    digest = hashlib.sha256(CODE_VERSION.encode())
    for name in _TABLES:
        digest.update(_text(name).encode())
    return digest.hexdigest()[:12]


@cache
def legal_forms() -> tuple[LegalForm, ...]:
    """Legal forms, longest phrase first (so 'limited liability partnership' beats 'limited')."""
    forms = [
        LegalForm(tuple(r["form"].split()), r["kind"], r["position"] == "end", r["vcse"] == "true")
        for r in _csv("legal_forms.csv")
    ]
    return tuple(sorted(forms, key=lambda f: (-len(f.tokens), f.tokens)))


@cache
def legal_forms_by_last_word() -> dict[str, tuple[LegalForm, ...]]:
    """Legal forms indexed by their last word, longest first."""
    index: dict[str, list[LegalForm]] = {}
    for form in legal_forms():
        index.setdefault(form.tokens[-1], []).append(form)
    return {word: tuple(forms) for word, forms in index.items()}


@cache
def abbreviation_starts() -> frozenset[str]:
    """First words of multi-word abbreviations."""
    return frozenset(short[0] for short in abbreviations() if len(short) > 1)


@cache
def legal_form_tokens() -> frozenset[str]:
    """Every word that is, on its own, a legal form anywhere in a name."""
    return frozenset(f.tokens[0] for f in legal_forms() if len(f.tokens) == 1 and not f.end_only)


@cache
def abbreviations() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Short form (as tokens) -> long form (as tokens)."""
    return {tuple(r["short"].split()): tuple(r["long"].split()) for r in _csv("abbreviations.csv")}


@cache
def business_words() -> frozenset[str]:
    return _words("business_words.txt")


@cache
def forenames() -> frozenset[str]:
    return _words("forenames.txt")


@cache
def surnames() -> frozenset[str]:
    return _words("surnames.txt")


@cache
def common_words() -> frozenset[str]:
    return _words("common_words.txt")


@cache
def english_words() -> frozenset[str]:
    return _words("english_words.txt.gz")


def is_english(word: str) -> bool:
    """A dictionary word, or a plural of one."""
    table = english_words()
    return word in table or (word.endswith("s") and (word[:-1] in table or word[:-2] in table))


@cache
def account_words() -> frozenset[str]:
    return _words("account_words.txt")


@cache
def titles() -> frozenset[str]:
    return _words("titles.txt")


@cache
def redactions() -> tuple[Redaction, ...]:
    return tuple(
        Redaction(re.compile(r["pattern"]), r["kind"], r["strength"] == "strong", r["hint"], r["meaning"])
        for r in _csv("redactions.csv")
    )


@cache
def anchored_redaction() -> re.Pattern[str]:
    """The patterns without a hint (whole-name patterns) as one regex, a fast first test."""
    return re.compile("|".join(f"(?:{r.pattern.pattern})" for r in redactions() if not r.hint))


@cache
def company_prefixes() -> dict[str, str]:
    """Companies House number prefix -> kind of register entry."""
    return {r["prefix"]: r["company_type"] for r in _csv("company_prefixes.csv")}
