"""Work out a file's layout from its first records: delimiter, header row(s), column meanings.

No rule here names a council: headers are matched through the alias table
(``data/header_aliases.csv``) and checked against the values under them; header-less files
borrow the header of a sibling file with the same number of columns whose meanings fit
their values, or failing that are read by their content alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from bestvalue.ingest.columns import header_candidates, header_score, normalise_header, unique_names
from bestvalue.ingest.periods import period_from_text
from bestvalue.ingest.values import AmountError, is_amount, parse_amount, parse_date

DELIMITERS = (",", ";", "\t", "|")
HEADER_SEARCH_ROWS = 40
MIN_HEADER_SCORE = 2
SAMPLE_ROWS = 150
TYPED_SHARE = 0.6  # share of sampled non-empty values that must parse for a typed field

_LETTERS = re.compile(r"[A-Za-z]{2,}")
_CODE_LIKE = re.compile(r"^[A-Z0-9][A-Z0-9/\-_.]*$")


# Values of a debit/credit marker column: a credit's amount is read as negative.
DEBIT_MARKS = frozenset({"D", "DR", "DEBIT"})
CREDIT_MARKS = frozenset({"C", "CR", "CREDIT"})


class LayoutError(ValueError):
    """A file whose columns cannot be made out."""


@dataclass
class Layout:
    """How to read one table: where data starts and what each column holds."""

    delimiter: str
    header_records: int  # records above the data (preamble + header rows)
    headers: list[str]  # one published name per column (unique, non-empty)
    fields: dict[str, int]  # canonical field → column index
    header_row_index: int | None  # record index of the (main) header row, None if borrowed/sniffed
    borrowed_from: str | None = None
    notes: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)  # text of records above the header

    @property
    def ncols(self) -> int:
        return len(self.headers)

    def extras(self) -> list[int]:
        """Columns kept in ``extra``: everything not mapped to a field, and the published figures an
        amount is worked out from (the debit and credit columns, a debit/credit marker), so the
        warehouse holds what was published as well as the amount read from it."""
        published = {self.fields[f] for f in ("credit", "debit_credit") if f in self.fields}
        if "credit" in self.fields and "amount" in self.fields:
            published.add(self.fields["amount"])
        mapped = set(self.fields.values()) - published
        return [i for i in range(self.ncols) if i not in mapped]

    def describe(self) -> dict[str, str]:
        """Field → published header, for the ``sources`` table."""
        return {f: self.headers[i] for f, i in sorted(self.fields.items(), key=lambda kv: kv[1])}


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits the sample into the most consistent number of fields."""
    best, best_score = ",", -1.0
    sample = [ln for ln in lines if ln.strip()][:50]
    if not sample:
        return ","
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(sample, delimiter=d)]
        modal, freq = Counter(counts).most_common(1)[0]
        if modal < 2:
            continue
        score = freq / len(counts) + min(modal, 20) / 100
        if score > best_score + 0.05 or (d == "," and score >= best_score - 0.05 and best_score < 0.5):
            best, best_score = d, score
    return best


def parse_records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` CSV records from ``text`` (quoted newlines respected)."""
    out: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def _non_empty(values: Sequence[str | None]) -> list[str]:
    return [v.strip() for v in values if v is not None and v.strip()]


def _share(values: list[str], test: Callable[[str], bool]) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _is_date(v: str) -> bool:
    return parse_date(v) is not None or parse_date(v, day_first=False) is not None


def _is_period(v: str) -> bool:
    return bool(re.fullmatch(r"\d{4}[-/ ]?\d{2}", v)) or period_from_text(v, "column") is not None


def _has_letters(v: str) -> bool:
    return bool(_LETTERS.search(v))


def _looks_like_name(v: str) -> bool:
    return bool(_LETTERS.search(v)) and not _CODE_LIKE.match(v)


def _fits(field_name: str, values: list[str]) -> bool:
    """Whether sampled values can plausibly hold the field (empty columns fit anything)."""
    if not values:
        return True
    if field_name in ("amount", "irrecoverable_vat", "debit", "credit"):
        return _share(values, is_amount) >= TYPED_SHARE
    if field_name in ("payment_date", "effective_date"):
        return _share(values, _is_date) >= TYPED_SHARE
    if field_name == "debit_credit":
        return _share(values, lambda v: v.upper().rstrip(".") in DEBIT_MARKS | CREDIT_MARKS) >= TYPED_SHARE
    if field_name == "supplier_name":
        return _share(values, lambda v: bool(_LETTERS.search(v))) >= 0.5
    if field_name == "period":
        return _share(values, lambda v: _is_period(v) or _is_date(v)) >= TYPED_SHARE
    return True


def column_values(rows: Sequence[Sequence[str]], ncols: int) -> list[list[str]]:
    """Non-empty sampled values per column."""
    cols: list[list[str]] = [[] for _ in range(ncols)]
    for r in rows:
        for i in range(min(ncols, len(r))):
            v = r[i].strip()
            if v:
                cols[i].append(v)
    return cols


def map_fields(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[dict[str, int], list[str]]:
    """Assign each field its best column: alias priority first, then column order, checked
    against the values under the header. Returns the mapping and notes on what was refused."""
    values = column_values(rows, len(headers))
    candidates = []
    for col, h in enumerate(headers):
        for alias in header_candidates(h):
            candidates.append((alias.priority, col, alias.field))
    candidates.sort()
    fields: dict[str, int] = {}
    priorities: dict[str, int] = {}
    used: set[int] = set()
    notes: list[str] = []
    for priority, col, name in candidates:
        if name in fields or col in used:
            continue
        if not _fits(name, values[col]):
            if name == "supplier_name" and "supplier_id" not in fields:
                fields["supplier_id"] = col
                used.add(col)
                notes.append(f"column {headers[col]!r} holds numbers, not names: read as supplier id")
                continue
            if name == "payment_date" and "period" not in fields and _fits("period", values[col]):
                fields["period"] = col
                used.add(col)
                notes.append(f"column {headers[col]!r} holds periods, not dates: read as the period")
                continue
            notes.append(
                f"column {headers[col]!r} does not hold {name.replace('_', ' ')} values; kept as extra"
            )
            continue
        fields[name] = col
        priorities[name] = priority
        used.add(col)
    # A "supplier id" column full of names, with no supplier-name column, is the name.
    if "supplier_name" not in fields and "supplier_id" in fields:
        vals = values[fields["supplier_id"]]
        if vals and _share(vals, _looks_like_name) >= 0.6:
            fields["supplier_name"] = fields.pop("supplier_id")
            notes.append(f"column {headers[fields['supplier_name']]!r} holds names: read as supplier name")
    # Two columns published under one supplier-name header: numbers are the id.
    if "supplier_name" in fields and "supplier_id" not in fields:
        vals = values[fields["supplier_name"]]
        if vals and _share(vals, lambda v: v.replace(" ", "").isdigit()) >= 0.8:
            for col, h in enumerate(headers):
                names_supplier = any(a.field == "supplier_name" for a in header_candidates(h))
                if col not in used and names_supplier and _share(values[col], _has_letters) >= 0.6:
                    fields["supplier_id"] = fields["supplier_name"]
                    fields["supplier_name"] = col
                    notes.append(f"column {h!r} holds the names; the first holds supplier numbers")
                    break
    # A debit/credit marker (``D``/``C``) is kept only beside a single amount column.
    marker = fields.pop("debit_credit", None)
    before_pair = len(notes)
    _pair_amounts(headers, rows, fields, priorities, notes)
    pair_notes = slice(before_pair, len(notes))
    if marker is not None and "amount" in fields and "credit" not in fields:
        fields["debit_credit"] = marker
        notes.append(f"amounts marked as credits in column {headers[marker]!r} read as negative")
    weak = {f for f, p in priorities.items() if p >= WEAK_ALIAS_PRIORITY}
    paired = fields["amount"] if "credit" in fields else None
    _fields_by_words(headers, values, fields, set(fields.values()), notes, weak)
    if paired is not None and fields["amount"] != paired:
        # A column of net figures (``Net Expenditure``) has the credits taken off already: the pair
        # and its notes are dropped.
        credit = fields.pop("credit")
        del notes[pair_notes]
        notes.append(
            f"column {headers[credit]!r} kept as extra: the amount is {headers[fields['amount']]!r}, "
            "net of credits"
        )
    return fields, notes


def _nonzero(row: Sequence[str], col: int) -> bool:
    value = row[col].strip() if col < len(row) else ""
    try:
        return bool(parse_amount(value))
    except AmountError:
        return False


def _filled_together(rows: Sequence[Sequence[str]], a: int, b: int) -> bool:
    """True when most rows with a number in either column have one in both: not debit and credit
    (of which a row holds one), but two figures, or a figure and a reference number."""
    either = both = 0
    for r in rows:
        x, y = _nonzero(r, a), _nonzero(r, b)
        either += x or y
        both += x and y
    return both * 2 > either > 0


def _pair_amounts(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    fields: dict[str, int],
    priorities: dict[str, int],
    notes: list[str],
) -> None:
    """Amounts published as two columns (``Debit``/``Credit``, ``Expenditure``/``Income``,
    ``Payments``/``Refunds``): the amount is the debit column and ``credit`` the column subtracted
    from it, row by row. A proper amount column (``Net Amount``) wins over the pair, which then stays
    in ``extra``; a debit column alone is the amount. Two columns filled on the same rows are not
    such a pair."""
    debit, credit = fields.pop("debit", None), fields.pop("credit", None)
    amount = fields.get("amount")
    names_debit = amount is not None and any(a.field == "debit" for a in header_candidates(headers[amount]))
    if credit is not None and debit is None and names_debit:
        debit = amount
    if credit is not None and debit is not None and _filled_together(rows, debit, credit):
        notes.append(
            f"columns {headers[debit]!r} and {headers[credit]!r} both hold numbers on most rows: "
            "not read as debit and credit"
        )
        credit = None
    if credit is None or debit is None:
        if debit is not None and amount is None:
            fields["amount"] = debit
            notes.append(f"column {headers[debit]!r} read as the amount")
        return
    if amount is not None and amount != debit:
        if priorities.get("amount", 0) < WEAK_ALIAS_PRIORITY:
            return
        notes.append(f"column {headers[amount]!r} kept as extra: the amount is published as debit and credit")
    fields["amount"], fields["credit"] = debit, credit
    notes.append(f"amount read as {headers[debit]!r} minus {headers[credit]!r}, row by row")


# "inc VAT" / "ex VAT" qualify an amount header rather than name a VAT column: read as gross / net.
_VAT_QUALIFIER = re.compile(
    r"\b(?:(inc|incl|including|inclusive of|with|plus)"
    r"|(ex|exc|excl|excluding|exclusive of|net of|less|without)) vat\b"
)


def _header_words(header: str) -> set[str]:
    """The words of a normalised header, ``inc VAT`` read as ``gross`` and ``ex VAT`` as ``net``."""
    text = _VAT_QUALIFIER.sub(lambda m: " gross " if m.group(1) else " net ", normalise_header(header))
    return set(text.split())


# Fields a file cannot do without, read from the words of a header no alias names: (words of which
# the header must hold one, words it must not hold, preference of each word: lower first).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FIELD_WORDS: dict[str, tuple[frozenset[str], frozenset[str], dict[str, int]]] = {
    "amount": (
        _words("amount value net gross total paid payment sum spend cost"),
        # identifiers, dates, tax and kinds; and what a contract or a budget is worth, not a payment
        _words(
            "vat tax number no code id ref reference date year period count quantity qty type description "
            "category method budget annual contract estimated estimate lifetime forecast award awarded "
            "maximum max minimum min unit price rate"
        ),
        {"net": 0, "gross": 2, "total": 2, "incl": 2, "including": 2},
    ),
    "payment_date": (
        frozenset({"date", "dated"}),
        _words("due order received created start end birth expiry updated"),
        {"payment": 0, "paid": 0, "invoice": 2},
    ),
    "supplier_name": (
        _words("supplier vendor payee creditor beneficiary recipient merchant contractor trader provider"),
        _words(
            "id no number code ref reference type category postcode address vat registration reg status size "
            "sme account town county"
        ),
        {"name": 0},
    ),
}


# An alias this weak (``Gross``, ``Total``, ``Spend``) yields to a column whose header's words name
# the field with the most preferred word (``Net Amount Paid`` over ``Gross``).
WEAK_ALIAS_PRIORITY = 4


def _fields_by_words(
    headers: Sequence[str],
    values: list[list[str]],
    fields: dict[str, int],
    used: set[int],
    notes: list[str],
    weak: Collection[str] = (),
) -> None:
    """Give a missing amount, payment date or supplier name the unused column whose header's words
    say so and whose values fit (``Payment Value``, ``Date Cleared``, ``Payee Full Name``); a field
    mapped only by a weak alias moves to such a column if its words are the most preferred."""
    for name, (wanted, refused, preference) in _FIELD_WORDS.items():
        best_only = name in weak
        if name in fields and not best_only:
            continue
        found = []
        for col, h in enumerate(headers):
            words = _header_words(h)
            if col in used or not words & wanted or words & refused or not values[col]:
                continue
            names = name != "supplier_name" or _share(values[col], _looks_like_name) >= 0.6
            if names and _fits(name, values[col]):
                found.append((min((preference.get(w, 1) for w in words), default=1), col))
        if best_only:
            found = [f for f in found if f[0] == 0]
        if found:
            col = min(found)[1]
            if best_only:
                notes.append(
                    f"column {headers[fields[name]]!r} kept as extra: {headers[col]!r} names it better"
                )
                used.discard(fields[name])
            fields[name] = col
            used.add(col)
            notes.append(
                f"column {headers[col]!r} read as {name.replace('_', ' ')} from its words and values"
            )


def _merged_cell(top: str, sub: str) -> str:
    """One column of a two-row header: the lower cell, or both read together when that names a
    field (``Supplier`` over ``Name``, ``Date`` over ``of Payment``)."""
    if not sub.strip():
        return top
    if not top.strip():
        return sub
    joined = f"{top.strip()} {sub.strip()}"
    return joined if header_candidates(joined) else sub


def _merge_two_row_header(top: list[str], sub: list[str]) -> list[str] | None:
    """A second header row that names columns the first left blank (``Amount`` over
    ``Gross, VAT, Net``) or completes their names; returns the merged header or ``None``."""
    if not sub or not any(c.strip() for c in sub):
        return None
    filled = [c for c in sub if c.strip()]
    if any(is_amount(c) or _is_date(c) for c in filled):
        return None
    if not any(header_candidates(c) for c in filled):
        return None
    width = max(len(top), len(sub))
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    return [_merged_cell(t, s) for t, s in zip(top, sub, strict=True)]


def _header_strength(cells: list[str]) -> int:
    """How many fields a record names: by the alias table, plus the needed fields whose words a cell
    no alias names holds (only once an alias names one field exactly)."""
    score = header_score(cells)
    if not score:
        return 0
    named = {c[0].field for c in (header_candidates(x) for x in cells) if c}
    by_words = set()
    for cell in cells:
        if len(cell) > 80 or header_candidates(cell):
            continue
        words = _header_words(cell)
        by_words |= {
            f for f, (wanted, refused, _) in _FIELD_WORDS.items() if words & wanted and not words & refused
        }
    return score + len(by_words - named)


def find_header(records: list[list[str]]) -> tuple[int, int] | None:
    """(record index of the header, its score), or ``None`` if no record looks like one."""
    best: tuple[int, int] | None = None
    for i, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        score = _header_strength(rec)
        if score >= MIN_HEADER_SCORE and (best is None or score > best[1]):
            best = (i, score)
    return best


def modal_width(records: Sequence[Sequence[str]]) -> int:
    widths = [len(r) for r in records if any(c.strip() for c in r)]
    return Counter(widths).most_common(1)[0][0] if widths else 0


SiblingHeaders = Callable[[int], list[tuple[str, list[str]]]]


def _validate_borrowed(headers: list[str], rows: list[list[str]]) -> dict[str, int] | None:
    fields, _ = map_fields(headers, rows)
    if "amount" not in fields:
        return None
    vals = column_values(rows, len(headers))
    for f in ("amount", "payment_date"):
        if f in fields and not vals[fields[f]]:
            return None
    return fields


def sniff_fields(rows: list[list[str]], ncols: int) -> tuple[list[str], dict[str, int]]:
    """Read columns by content alone: a date column, an amount column, a supplier column."""
    values = column_values(rows, ncols)
    fields: dict[str, int] = {}
    for i, vals in enumerate(values):
        if (
            len(vals) >= max(3, len(rows) // 2)
            and _share(vals, _is_date) >= 0.9
            and "payment_date" not in fields
        ):
            fields["payment_date"] = i
    amount_cols = [
        i
        for i, vals in enumerate(values)
        if i not in fields.values()
        and len(vals) >= max(3, len(rows) // 2)
        and _share(vals, is_amount) >= 0.95
        and _share(vals, lambda v: "." in v) >= 0.3
    ]
    if amount_cols:
        fields["amount"] = amount_cols[-1]
    text_cols = [
        (len(set(vals)), i)
        for i, vals in enumerate(values)
        if i not in fields.values() and vals and _share(vals, _looks_like_name) >= 0.8
    ]
    suffix = re.compile(r"\b(ltd|limited|plc|llp|council|services|group|trust)\b", re.IGNORECASE)
    scored = sorted(
        ((_share(values[i], lambda v: bool(suffix.search(v))), card, i) for card, i in text_cols),
        reverse=True,
    )
    if scored:
        fields["supplier_name"] = scored[0][2]
    headers = [f"column_{i + 1}" for i in range(ncols)]
    for name, i in fields.items():
        headers[i] = f"column_{i + 1} ({name.replace('_', ' ')})"
    return headers, fields


def sample_records(text: str) -> tuple[str, list[list[str]]]:
    """The delimiter of a CSV text and its first few hundred records."""
    head = text[:262144]
    delimiter = sniff_delimiter(head.splitlines()[: HEADER_SEARCH_ROWS + 10])
    return delimiter, parse_records(head, delimiter, HEADER_SEARCH_ROWS + SAMPLE_ROWS)


def detect_layout(
    records: list[list[str]], delimiter: str = ",", siblings: SiblingHeaders | None = None
) -> Layout:
    """The layout of a table from its first few hundred records."""
    if not any(any(c.strip() for c in r) for r in records):
        raise LayoutError("the file holds no data: every line is empty")
    found = find_header(records)
    if found is not None:
        idx, _score = found
        header = records[idx]
        skip = idx + 1
        if idx + 1 < len(records):
            merged = _merge_two_row_header(header, records[idx + 1])
            if merged is not None:
                header, skip = merged, idx + 2
        sample = records[skip : skip + SAMPLE_ROWS]
        width = max([len(header), *(len(r) for r in sample)])
        header = header + [""] * (width - len(header))
        fields, notes = map_fields(header, sample)
        if "amount" not in fields:
            raise LayoutError(
                "no amount column: none of the headers "
                f"{[h for h in header if h.strip()]} names an amount whose values are numbers"
            )
        return Layout(
            delimiter,
            skip,
            unique_names(header),
            fields,
            idx,
            None,
            notes,
            [delimiter.join(r) for r in records[:idx]],
        )
    # No header: borrow a sibling's, else read the columns by their content.
    width = modal_width(records[:SAMPLE_ROWS])
    data_start = 0
    while data_start < len(records) and not any(c.strip() for c in records[data_start]):
        data_start += 1
    sample = records[data_start : data_start + SAMPLE_ROWS]
    if siblings is not None:
        for name, sib_header in siblings(width):
            fields_b = _validate_borrowed(sib_header, sample)
            if fields_b is not None:
                width_b = max(width, len(sib_header))
                return Layout(
                    delimiter,
                    data_start,
                    unique_names(sib_header + [""] * (width_b - len(sib_header))),
                    fields_b,
                    None,
                    name,
                    [f"no header row: used the header of {name}"],
                )
    headers, fields = sniff_fields(sample, width)
    if "amount" not in fields:
        raise LayoutError("no header row, no sibling file with a matching header, and no column of amounts")
    return Layout(
        delimiter,
        data_start,
        headers,
        fields,
        None,
        None,
        ["no header row: columns read by their content"],
    )


def header_of(records: list[list[str]]) -> list[str] | None:
    """The header row of a table, if it has one (for sibling lookups)."""
    found = find_header(records)
    if found is None:
        return None
    header = records[found[0]]
    if found[0] + 1 < len(records):
        merged = _merge_two_row_header(header, records[found[0] + 1])
        if merged is not None:
            header = merged
    return header


# The fields that say what a table of payments is: another sheet is read with the main one only
# when its columns map to the same of these. A card flag or a merchant category makes every row of
# a table a card payment, so a sheet of card payments is not read with a sheet of invoices.
KEY_FIELDS = (
    "amount",
    "credit",
    "payment_date",
    "period",
    "supplier_name",
    "purchase_card",
    "merchant_category",
)


def conform_sheet(main: Layout, rows: list[list[str]]) -> tuple[Layout, list[list[str]]] | str:
    """Another sheet of a workbook whose header differs from the main one's (a month that adds a
    column or renames one): its layout and its data rows rearranged into the main layout's columns;
    or why it cannot be read with the main sheet. A column the main layout lacks is added to it:
    mapped to its field when the other sheet maps it (a ``D/C`` marker, a description: empty on the
    main sheet's rows, which read as before), else kept in ``extra``."""
    if find_header(rows[:HEADER_SEARCH_ROWS]) is None:
        return "no header row naming an amount, a date or a supplier"
    try:
        layout = detect_layout(rows[: HEADER_SEARCH_ROWS + SAMPLE_ROWS * 2], ",")
    except LayoutError as exc:
        return str(exc)
    assert layout.header_row_index is not None  # a header was found above
    want = [f for f in KEY_FIELDS if f in main.fields]
    have = [f for f in KEY_FIELDS if f in layout.fields]
    if want != have:
        return f"its columns hold {', '.join(have) or 'none of the key fields'}, not {', '.join(want)}"
    main_fields = {col: f for f, col in main.fields.items()}
    by_name = {normalise_header(h): i for i, h in enumerate(main.headers) if i not in main_fields}
    place: dict[int, int] = {}
    taken: set[int] = set()
    field_of = {c: f for f, c in layout.fields.items()}
    for col, header in enumerate(layout.headers):
        name = field_of.get(col)
        target = main.fields.get(name) if name is not None else None
        if target is None:
            target = by_name.get(normalise_header(header))
        if target is None or target in taken:
            target = len(main.headers)
            main.headers = unique_names([*main.headers, header])
        if name is not None and name not in main.fields:
            main.fields[name] = target
        place[col] = target
        taken.add(target)
    data = rows[layout.header_records :]
    for col in range(len(layout.headers), max((len(r) for r in data), default=0)):  # cells beyond the header
        place[col] = len(main.headers)
        main.headers = unique_names([*main.headers, ""])
    body = []
    for r in data:
        out = [""] * len(main.headers)
        for col, value in enumerate(r):
            out[place[col]] = value
        body.append(out)
    return layout, body


_CHECKED_FIELDS = (
    "amount",
    "credit",
    "debit_credit",
    "payment_date",
    "supplier_name",
    "period",
    "effective_date",
)


def _prefix(text: str, header_records: int) -> str | None:
    """The text of the first ``header_records`` lines, newline included."""
    end = 0
    for _ in range(header_records):
        nl = text.find("\n", end)
        if nl < 0:
            return None
        end = nl + 1
    return text[:end]


class LayoutCache:
    """Layouts already worked out in this run, keyed by the exact text above the data.

    Monthly files from one publisher usually repeat the same header; a file that starts with a
    remembered header reuses its layout once a sample of its own values still fits each typed
    column (so a column that changes meaning still gets a fresh look).
    """

    def __init__(self, size: int = 64) -> None:
        self._entries: dict[str, Layout] = {}
        self._size = size

    def lookup(self, text: str) -> Layout | None:
        for prefix in reversed(list(self._entries)):
            if not text.startswith(prefix):
                continue
            layout = self._entries[prefix]
            rows = parse_records(text[len(prefix) : len(prefix) + 32768], layout.delimiter, 40)
            values = column_values(rows, layout.ncols)
            if all(_fits(f, values[layout.fields[f]]) for f in _CHECKED_FIELDS if f in layout.fields):
                return Layout(
                    layout.delimiter,
                    layout.header_records,
                    list(layout.headers),
                    dict(layout.fields),
                    layout.header_row_index,
                    layout.borrowed_from,
                    list(layout.notes),
                    list(layout.preamble),
                )
        return None

    def remember(self, text: str, layout: Layout) -> None:
        if layout.header_row_index is None:
            return
        prefix = _prefix(text, layout.header_records)
        if prefix is None or len(prefix) > 4096:
            return
        if len(self._entries) >= self._size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[prefix] = Layout(
            layout.delimiter,
            layout.header_records,
            list(layout.headers),
            dict(layout.fields),
            layout.header_row_index,
            layout.borrowed_from,
            list(layout.notes),
            list(layout.preamble),
        )
