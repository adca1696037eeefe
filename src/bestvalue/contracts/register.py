"""Council contract registers (Transparency Code) and pipeline lists → contract rows.

Columns are recognised through the alias table ``data/register_aliases.csv`` (exact, then
fuzzy for typos); nothing here names a publisher. The header is the row among the first
forty that names the most fields. Each data row is loaded, rejected with a reason, or skipped
(blank, a repeated header, a total line).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process

from bestvalue.contracts.identifiers import company_number, yes_no
from bestvalue.contracts.records import ContractRecord, SupplierRecord, add_months
from bestvalue.ingest.columns import normalise_header
from bestvalue.ingest.values import AmountError, day_first_votes, parse_amount, parse_date
from bestvalue.reference.councils import Council, council_from_name

HEADER_SEARCH_ROWS = 40
FUZZY_MIN_SCORE = 90
DATE_FIELDS = ("start_date", "end_date", "current_end_date", "max_end_date", "review_date")
AMOUNT_FIELDS = ("value", "annual_value")
NUMBER_FIELDS = ("duration_months", "extension_months", "extensions_allowed")
_UNKNOWN = frozenset(
    {
        "",
        "-",
        "n/a",
        "na",
        "tbc",
        "tba",
        "various",
        "unknown",
        "none",
        "nil",
        "not applicable",
        "not known",
        "?",
        "n a",
    }
)
_EXTENSION_TAKEN = re.compile(r"^extension\s*\d+\s*(taken|used|exercised)", re.IGNORECASE)
_TOTAL_ROW = re.compile(r"^\s*(grand\s+)?totals?\b", re.IGNORECASE)
_VARIOUS = re.compile(r"^\s*(various|multiple|several|framework)\b", re.IGNORECASE)


class RegisterError(ValueError):
    """A table whose columns cannot be read as a contract register."""


@functools.cache
def register_aliases() -> dict[str, list[tuple[int, str]]]:
    """Normalised header → [(priority, field)] from ``data/register_aliases.csv``."""
    text = resources.files("bestvalue.contracts").joinpath("data", "register_aliases.csv").read_text("utf-8")
    out: dict[str, list[tuple[int, str]]] = {}
    for r in csv.DictReader(text.splitlines()):
        out.setdefault(normalise_header(r["alias"]), []).append((int(r["priority"]), r["field"]))
    return out


@functools.lru_cache(maxsize=4096)
def header_fields(header: str) -> tuple[tuple[int, str], ...]:
    """Fields a published header could mean, best first (a typo costs one step of priority)."""
    key = normalise_header(header)
    if not key or len(key) > 80:
        return ()
    table = register_aliases()
    if key in table:
        return tuple(sorted(table[key]))
    if len(key) >= 6:
        match = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        if match:
            return tuple(sorted((p + 1, f) for p, f in table[match[0]]))
    return ()


def _score(row: list[str]) -> int:
    return len({header_fields(c)[0][1] for c in row if c and header_fields(c)})


def find_header(records: list[list[str]]) -> int | None:
    """Index of the header row: the first of the best-scoring rows naming at least two fields."""
    best, best_score = None, 1
    for i, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        s = _score(rec)
        if s > best_score:
            best, best_score = i, s
    return best


def map_columns(headers: list[str]) -> dict[str, int]:
    """Field → column, alias priority first, then column order."""
    candidates = sorted((p, col, f) for col, h in enumerate(headers) for p, f in header_fields(h))
    out: dict[str, int] = {}
    used: set[int] = set()
    for _p, col, f in candidates:
        if f in out or col in used:
            continue
        out[f] = col
        used.add(col)
    return out


@dataclass
class RegisterRow:
    """The fate of one data row."""

    item: int
    record: ContractRecord | None = None
    reject: str | None = None
    skip: str | None = None
    raw: str | None = None


@dataclass
class RegisterTable:
    """A register read from a table."""

    headers: list[str]
    fields: dict[str, int]
    header_index: int
    rows: list[RegisterRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    council: Council | None = None
    embedded_column: int | None = None

    def describe(self) -> dict[str, str]:
        return {f: self.headers[i] for f, i in sorted(self.fields.items(), key=lambda kv: kv[1])}


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


def _known(value: str | None) -> str | None:
    s = _clean(value)
    return None if s is None or s.lower() in _UNKNOWN else s


def _amount(value: str | None) -> Decimal | None:
    s = _known(value)
    if s is None:
        return None
    try:
        return parse_amount(s)
    except AmountError:
        return None


def _number(value: str | None) -> float | None:
    s = _known(value)
    if s is None:
        return None
    m = re.fullmatch(r"\s*(\d+(\.\d+)?)\s*(months?|mths?)?\s*", s, re.IGNORECASE)
    return float(m.group(1)) if m else None


def _file_council(
    values: list[str], given: Council | None, path_council: tuple[Council, str] | None, notes: list[str]
) -> Council | None:
    """The council whose register this is: its buyer column's commonest council, else --council,
    else the file's own name or folder."""
    if given is not None:
        return given
    resolved = Counter(c.gss_code for c in (council_from_name(v) for v in values) if c is not None)
    if resolved:
        from bestvalue.reference.councils import council_by_code

        code, _n = resolved.most_common(1)[0]
        council = council_by_code(code)
        if len(resolved) > 1 and council is not None:
            notes.append(
                f"buyer column names {len(resolved)} councils; the register is {council.name}'s "
                "(the commonest); each row keeps its buyer name"
            )
        return council
    if path_council is not None:
        notes.append(f"council taken from the file path ({path_council[1]!r}): {path_council[0].name}")
        return path_council[0]
    notes.append("the register does not say which council it belongs to: pass --council")
    return None


def read_register(
    records: list[list[str]],
    source_id: int,
    council: Council | None = None,
    path_council: tuple[Council, str] | None = None,
) -> RegisterTable:
    """Contract rows from a table's records (header row included)."""
    idx = find_header(records)
    if idx is None:
        raise RegisterError(
            "no header row naming contract fields (title, supplier, value, dates...) in the first "
            f"{HEADER_SEARCH_ROWS} rows"
        )
    headers = [h or "" for h in records[idx]]
    width = max([len(headers), *(len(r) for r in records[idx + 1 :])], default=len(headers))
    headers = headers + [""] * (width - len(headers))
    fields = map_columns(headers)
    table = RegisterTable(headers, fields, idx)
    taken_cols = [i for i, h in enumerate(headers) if _EXTENSION_TAKEN.match(normalise_header(h))]
    data = records[idx + 1 :]
    if "ocds_json" in fields:
        col = fields["ocds_json"]
        sample = [r[col] for r in data[:20] if col < len(r) and r[col].strip()]
        if sample and all(s.lstrip().startswith(("{", "[")) for s in sample):
            table.embedded_column = col
            return table
    if not ({"title", "description", "reference", "category"} & set(fields)) or not (
        {"supplier_name", "value", "annual_value", "end_date", "current_end_date"} & set(fields)
    ):
        raise RegisterError(
            f"columns {[h for h in headers if h]} do not describe contracts "
            "(need a title or reference and a supplier, value or end date)"
        )

    def col_values(f: str) -> list[str]:
        return [r[fields[f]] for r in data if f in fields and fields[f] < len(r) and r[fields[f]].strip()]

    table.council = _file_council(col_values("buyer_name"), council, path_council, table.notes)
    dates = [v for f in DATE_FIELDS for v in col_values(f)]
    votes_day, votes_month = day_first_votes(dates)
    day_first = not (votes_month > votes_day)
    if not day_first:
        table.notes.append("dates read month-first (the file's dates prove it)")
    seen_refs: Counter[str] = Counter()
    header_norm = [normalise_header(h) for h in headers]
    mapped = set(fields.values()) | set(taken_cols)
    for n, rec in enumerate(data, start=idx + 2):
        cells = [c if c is not None else "" for c in rec] + [""] * (width - len(rec))
        raw = ",".join(cells)[:2000]
        if not any(c.strip() for c in cells):
            table.rows.append(RegisterRow(n, skip="blank"))
            continue
        if [normalise_header(c) for c in cells[: len(header_norm)]] == header_norm:
            table.rows.append(RegisterRow(n, skip="repeated header"))
            continue
        if any(_TOTAL_ROW.match(c) for c in cells[:3] if c) and sum(1 for c in cells if c.strip()) <= 3:
            table.rows.append(RegisterRow(n, skip="total line"))
            continue
        row = _row(cells, fields, taken_cols, day_first, table, source_id, seen_refs, headers, mapped)
        if isinstance(row, str):
            table.rows.append(RegisterRow(n, reject=row, raw=raw))
        else:
            table.rows.append(RegisterRow(n, record=row))
    return table


def _row(
    cells: list[str],
    fields: dict[str, int],
    taken_cols: list[int],
    day_first: bool,
    table: RegisterTable,
    source_id: int,
    seen_refs: Counter[str],
    headers: list[str],
    mapped: set[int],
) -> ContractRecord | str:
    def get(f: str) -> str | None:
        return _clean(cells[fields[f]]) if f in fields else None

    def day(f: str) -> tuple[dt.date | None, str | None]:
        text = _known(get(f))
        return (parse_date(text, day_first) if text else None), text

    title, reference, description = get("title"), _known(get("reference")), get("description")
    category, supplier = get("category"), _known(get("supplier_name"))
    if not (title or reference or description or category) and not supplier:
        return "no title, reference, description or supplier: nothing says what the contract is"
    extra: dict[str, Any] = {}
    start, start_text = day("start_date")
    end, end_text = day("end_date")
    current, current_text = day("current_end_date")
    max_end, max_text = day("max_end_date")
    review, review_text = day("review_date")
    for text, parsed, name in (
        (start_text, start, "start_date"),
        (end_text, end, "end_date"),
        (current_text, current, "current_end_date"),
        (max_text, max_end, "max_end_date"),
        (review_text, review, "review_date"),
    ):
        if text and parsed is None:
            extra[f"{name}_text"] = text
    value, annual = _amount(get("value")), _amount(get("annual_value"))
    for f, parsed_value in (("value", value), ("annual_value", annual)):
        if _known(get(f)) and parsed_value is None:
            extra[f"{f}_text"] = get(f)
    duration = _number(get("duration_months"))
    ext_months = _number(get("extension_months"))
    ext_allowed = _number(get("extensions_allowed"))
    taken = sum(
        1
        for i in taken_cols
        if yes_no(cells[i]) is True or (cells[i].strip().isdigit() and int(cells[i].strip()) > 0)
    )
    current_end = current or end
    if max_end is None and current_end is not None:
        if ext_months and end is not None and not (ext_allowed and taken >= ext_allowed):
            max_end = max(current_end, add_months(end, ext_months))
        else:
            max_end = current_end
    term = duration
    if term is None and start is not None and end is not None and end >= start:
        term = float(round(((end - start).days + 1) / 30.4375))  # whole months from the dates
    if value is None and annual is not None and term:
        total_months = term + (ext_months or 0)
        value = (annual * Decimal(str(total_months)) / Decimal(12)).quantize(Decimal("0.01"))
        extra["value_basis"] = "annual value x term (incl. extensions)"
    council = table.council
    key = reference or "row"
    seen_refs[key] += 1
    cid = f"register/{council.gss_code if council else 'unknown'}/{key}/{seen_refs[key]}"
    company_text = _known(get("company_number"))
    supplier_rec = None
    if supplier or company_text:
        ch = company_number(company_text)
        supplier_rec = SupplierRecord(
            supplier_name=supplier,
            company_number=ch,
            identifier_scheme="GB-COH" if ch else None,
            identifier=company_text,
            is_sme=yes_no(get("is_sme")),
            is_vcse=yes_no(get("is_vcse")),
            postcode=_known(get("supplier_postcode")),
        )
        if supplier and _VARIOUS.match(supplier):
            extra["supplier_note"] = "several suppliers (published as one line)"
    if taken_cols:
        extra["extensions_taken"] = taken
    if ext_allowed is not None:
        extra["extensions_allowed"] = ext_allowed
    for i, h in enumerate(headers):
        if i not in mapped and i < len(cells) and cells[i].strip():
            extra[h or f"column_{i + 1}"] = cells[i].strip()
    buyer = get("buyer_name")
    status = get("status")
    return ContractRecord(
        contract_id=cid,
        source="register",
        stage="contract",
        source_id=source_id,
        register_reference=reference,
        ocid=_known(get("ocid")),
        notice_url=_known(get("notice_url")),
        buyer_name=buyer or (council.official_name if council else None),
        council_code=council.gss_code if council else None,
        title=title or description or category,
        description=description,
        department=get("department"),
        cpv_code=_known(get("cpv_code")),
        proclass_code=_known(get("proclass_code")),
        proclass_label=_known(get("proclass_label")),
        category=category,
        main_category=_main_category(get("main_category")),
        value=value,
        annual_value=annual,
        currency="GBP" if value is not None or annual is not None else None,
        start_date=start,
        end_date=current_end,
        original_end_date=end,
        max_end_date=max_end,
        review_date=review,
        duration_months=duration,
        extension_months=ext_months,
        procedure=_method(get("procedure")),
        procedure_details=_known(get("procedure")),
        status=_status(status),
        status_details=status,
        extra=extra or None,
        suppliers=[supplier_rec] if supplier_rec else [],
    )


def _method(text: str | None) -> str | None:
    """The OCDS procurement method when the register names one (``Open``, ``Direct award``)."""
    if not text:
        return None
    words = normalise_header(text).split()
    for method in ("open", "selective", "limited", "direct"):
        if words and words[0] == method:
            return method
    return None


def _main_category(text: str | None) -> str | None:
    if not text:
        return None
    t = text.lower()
    for word in ("goods", "services", "works"):
        if word in t or word[:-1] in t:
            return word
    return None


# Register status words → the OCDS contract status codelist (others stay in status_details only).
_STATUS_WORDS = {
    "active": "active",
    "live": "active",
    "current": "active",
    "ongoing": "active",
    "in progress": "active",
    "awarded": "active",
    "terminated": "terminated",
    "cancelled": "cancelled",
    "pending": "pending",
}


def _status(text: str | None) -> str | None:
    if not text:
        return None
    return _STATUS_WORDS.get(" ".join(text.lower().split()))
