"""The canonical spend columns and the header aliases that map published columns onto them."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

from rapidfuzz import fuzz, process

# Fields whose raw text is parsed into typed warehouse columns.
TYPED_FIELDS = ("payment_date", "effective_date", "period", "amount", "irrecoverable_vat", "purchase_card")
# Amounts published as two columns: the amount is debit minus credit, row by row; or one amount
# column beside a debit/credit marker (``D``/``C``, ``DR``/``CR``) that makes credits negative.
PAIR_FIELDS = ("debit", "credit", "debit_credit")
# Fields used to identify the council (stored as the resolved code, raw text kept in ``extra``).
COUNCIL_FIELDS = ("council_name", "council_code")
# Free-text fields stored as published (trimmed).
TEXT_FIELDS = (
    "supplier_name",
    "supplier_id",
    "company_number",
    "charity_number",
    "vat_number",
    "department",
    "service_area",
    "expense_type",
    "expense_group",
    "expense_code",
    "description",
    "council_category",
    "proclass_code",
    "proclass_label",
    "capital_revenue",
    "transaction_number",
    "invoice_number",
    "merchant_category",
)
ALL_FIELDS = COUNCIL_FIELDS + TYPED_FIELDS + PAIR_FIELDS + TEXT_FIELDS

_T_MARKER = re.compile(r"\(\s*t\s*\)", re.IGNORECASE)
_CURRENCY = re.compile(r"\(\s*(£|gbp|\u00a3)\s*\)|£|\bgbp\b", re.IGNORECASE)
# A header that is only a currency (``£``, ``(£)``, ``GBP``, ``£s``) heads the amount.
_CURRENCY_ONLY = re.compile(r"\(?\s*(£|gbp)\s*(s|'s)?\s*\)?", re.IGNORECASE)
CURRENCY_ONLY_PRIORITY = 2
# A date format written into a header: "Payment Date (DD/MM/YYYY)", "Date dd-mm-yy".
_DATE_FORMAT = re.compile(r"\b(?:dd|mm|mmm|yy|yyyy)(?:\s+(?:dd|mm|mmm|yy|yyyy)){1,2}\b")
FUZZY_MIN_SCORE = 88


def normalise_header(text: str | None) -> str:
    """``"Net Amount(£)"`` → ``"net amount"``; ``"Supplier ID(T)"`` → ``"supplier id"``."""
    if not text:
        return ""
    text = text.replace("\ufeff", "").replace("ï»¿", "")
    text = _T_MARKER.sub(" ", text)
    text = _CURRENCY.sub(" ", text)
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(_DATE_FORMAT.sub(" ", text).split())


@dataclass(frozen=True)
class Alias:
    field: str
    alias: str
    priority: int


@functools.cache
def header_aliases() -> dict[str, list[Alias]]:
    """Normalised alias → candidate fields (from ``data/header_aliases.csv``)."""
    text = resources.files("bestvalue.ingest").joinpath("data", "header_aliases.csv").read_text("utf-8")
    out: dict[str, list[Alias]] = {}
    for r in csv.DictReader(text.splitlines()):
        if r["field"] not in ALL_FIELDS:
            raise ValueError(f"header_aliases.csv: unknown field {r['field']!r}")
        key = normalise_header(r["alias"])
        alias = Alias(r["field"], key, int(r["priority"]))
        if alias not in out.setdefault(key, []):
            out[key].append(alias)
    return out


@functools.lru_cache(maxsize=16384)
def header_candidates(header: str, fuzzy: bool = True) -> tuple[Alias, ...]:
    """Fields a published header could mean, best first; typos matched fuzzily."""
    if len(header) > 80:
        return ()
    # Checked before normalising, which would leave the ``s`` of ``£s``.
    if _CURRENCY_ONLY.fullmatch(header.replace("\ufeff", "").strip()):
        return (Alias("amount", "£", CURRENCY_ONLY_PRIORITY),)
    key = normalise_header(header)
    if not key:
        return ()
    table = header_aliases()
    if key in table:
        return tuple(sorted(table[key], key=lambda a: a.priority))
    if fuzzy and len(key) >= 6:
        match = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        if match:
            # A typo costs one step of priority.
            return tuple(
                Alias(a.field, a.alias, a.priority + 1)
                for a in sorted(table[match[0]], key=lambda a: a.priority)
            )
    return ()


def header_score(cells: list[str]) -> int:
    """How many distinct fields a row of cells names: the header finder's score.

    Typos only count once a cell names a field exactly, which keeps data rows cheap."""
    exact = {c[0].field for c in (header_candidates(x, fuzzy=False) for x in cells) if c}
    if not exact:
        return 0
    return len({c[0].field for c in (header_candidates(x) for x in cells) if c})


def unique_names(headers: list[str]) -> list[str]:
    """Published headers made unique and non-empty, for keys in ``extra``."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = " ".join((h or "").replace("\ufeff", "").split()) or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out
