"""SQL for spend ingest: pure functions that return SQL text.

The staged batch (a view named ``staged``) holds one row per record read, with the
canonical fields still as published text except where Python already decided per file
(council, dates, periods, purchase-card flag). These statements type the amounts, decide
each record's fate (loaded, rejected with a reason, or skipped as not data) and move the
records into ``spend`` and ``spend_rejects``.
"""

from __future__ import annotations

from bestvalue.ingest.columns import TEXT_FIELDS

AMOUNT_PATTERN = r"^(\()?([+-])?([0-9.]+(?:E[+-]?[0-9]+)?)(-)?(\))?(CR|DR)?$"
AMOUNT_CORE = r"(\d+(\.\d*)?|\.\d+)(E[+-]?\d+)?"
ZERO_WORDS_SQL = "('NIL', '-', '–', 'N/A', 'NA')"
TOTAL_LABEL = r"^\s*(grand\s+|sub[\s-]*)?totals?\b.*$"
# The same label as a value in ``extra`` (JSON of unmapped columns): a totals row whose label sits in
# a column no field maps, such as an empty first column of a spreadsheet.
TOTAL_IN_EXTRA = r'":"\s*(grand\s+|sub[\s-]*)?totals?\b'
# The same label where the payment date should be (the reason ``prepare`` gives for that text).
TOTAL_AS_DATE = r"^payment date not recognised: '\s*(grand\s+|sub[\s-]*)?totals?\b"
# A published date this many days or more outside the period the file (or row) covers is not the date
# of payment (it is an invoice or transaction date: a monthly file listing a 2019 date); the row's
# spend date is then the period's start (``date_basis = 'outside_period'``).
OUTSIDE_PERIOD_DAYS = 31


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Whitespace as Python's ``\s`` knows it: non-breaking, thin and other Unicode spaces that
# thousands are grouped with (``1\u00a0234.56``), which RE2's ``\s`` does not match.
SPACES = (
    r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)


def amount_cleaned(col: str) -> str:
    """Upper-cased text with currency marks, thousands commas and all whitespace removed."""
    return f"regexp_replace(upper({col}), {_q('£|GBP|,|' + SPACES)}, '', 'g')"


def amount_from_cleaned(clean: str) -> str:
    """DECIMAL(18,2) from cleaned amount text, or NULL; mirrors ``values.parse_amount``."""
    g = f"regexp_extract({clean}, {_q(AMOUNT_PATTERN)}, ['open', 'sign', 'num', 'trail', 'close', 'crdr'])"
    num = f"({g}).num"
    negative = f"(({g}).open <> '' OR ({g}).sign = '-' OR ({g}).trail = '-' OR ({g}).crdr = 'CR')"
    return f"""CASE
        WHEN {clean} IS NULL OR {clean} = '' THEN NULL
        WHEN {clean} IN {ZERO_WORDS_SQL} THEN CAST(0 AS DECIMAL(18, 2))
        WHEN NOT regexp_full_match({clean}, {_q(AMOUNT_PATTERN)}) THEN NULL
        WHEN (({g}).open = '') <> (({g}).close = '') THEN NULL
        WHEN NOT regexp_full_match({num}, {_q(AMOUNT_CORE)}) THEN NULL
        WHEN {negative} THEN -TRY_CAST({num} AS DECIMAL(18, 2))
        ELSE TRY_CAST({num} AS DECIMAL(18, 2))
    END"""


PLAIN_NUMBER = r"-?[0-9]+(\.[0-9]+)?"


def amount_expr(col: str) -> str:
    """Published amount text → DECIMAL(18,2) or NULL (empty or not a number).

    Plain numbers (nearly every value) are cast directly; the rest go the long way."""
    return (
        f"CASE WHEN regexp_full_match({col}, {_q(PLAIN_NUMBER)}) THEN TRY_CAST({col} AS DECIMAL(18, 2)) "
        f"ELSE {amount_from_cleaned(amount_cleaned(col))} END"
    )


def _text(col: str) -> str:
    return f"nullif(trim({col}), '')"


def capital_revenue_expr(col: str) -> str:
    t = f"lower(trim({col}))"
    return f"""CASE
        WHEN {t} IN ('r', 'rev', 'revenue', 'revenue expenditure') THEN 'revenue'
        WHEN {t} IN ('c', 'cap', 'capital', 'capital expenditure') THEN 'capital'
        ELSE {_text(col)}
    END"""


def typed_records_sql(staged: str = "staged") -> str:
    """A query over the staged batch: every record typed, with its ``status``."""
    text_cols = ",\n        ".join(
        f"{capital_revenue_expr(f) if f == 'capital_revenue' else _text(f)} AS {f}" for f in TEXT_FIELDS
    )
    return f"""
WITH typed AS (
    SELECT
        source_id, source_line, council_code, council_text, payment_date, payment_date_text,
        period_start, period_end,
        CASE
            WHEN payment_date IS NOT NULL AND period_start IS NOT NULL AND period_end IS NOT NULL
                 AND (payment_date < period_start - INTERVAL {OUTSIDE_PERIOD_DAYS} DAY
                      OR payment_date > period_end + INTERVAL {OUTSIDE_PERIOD_DAYS} DAY)
                THEN 'outside_period'
            WHEN payment_date IS NOT NULL THEN 'payment_date'
            ELSE date_basis
        END AS date_basis,
        amount_raw,
        {amount_expr("amount_raw")} AS amount,
        {amount_expr("irrecoverable_vat_raw")} AS irrecoverable_vat,
        irrecoverable_vat_raw,
        {text_cols},
        is_purchase_card,
        extra,
        n_cells,
        header_like
    FROM {staged}
)
SELECT *,
    CASE
        WHEN n_cells = 0 THEN 'skip:blank'
        WHEN header_like THEN 'skip:repeated_header'
        WHEN payment_date IS NULL AND transaction_number IS NULL
             AND (regexp_full_match(lower(coalesce(supplier_name, description, department, service_area,
                 expense_type, council_text, '')), {_q(TOTAL_LABEL)})
                 OR (supplier_name IS NULL
                     AND regexp_matches(lower(coalesce(extra, '')), {_q(TOTAL_IN_EXTRA)}))
                 OR regexp_matches(lower(coalesce(payment_date_text, '')), {_q(TOTAL_AS_DATE)}))
            THEN 'skip:total'
        WHEN amount_raw IS NULL AND n_cells <= 1 THEN 'skip:note'
        WHEN amount_raw IS NULL OR trim(amount_raw) = '' THEN 'reject:amount missing'
        WHEN amount IS NULL THEN 'reject:amount not a number: ' || amount_raw
        WHEN irrecoverable_vat IS NULL AND nullif(trim(irrecoverable_vat_raw), '') IS NOT NULL
            THEN 'reject:irrecoverable VAT not a number: ' || irrecoverable_vat_raw
        WHEN payment_date_text IS NOT NULL THEN 'reject:' || payment_date_text
        WHEN period_start IS NULL THEN 'reject:no payment date, and no period for the file (use --period)'
        WHEN council_code IS NULL
            THEN 'reject:council not identified from ' || coalesce(council_text, 'nothing')
        ELSE 'ok'
    END AS status
FROM typed
"""


SPEND_COLUMNS = (
    "spend_id",
    "source_id",
    "source_line",
    "council_code",
    "payment_date",
    "period_start",
    "period_end",
    "date_basis",
    "amount",
    "irrecoverable_vat",
    *TEXT_FIELDS,
    "is_purchase_card",
    "extra",
)


def insert_spend_sql(staged: str = "staged") -> str:
    """Insert the batch's loadable records into ``spend``."""
    cols = ", ".join(SPEND_COLUMNS)
    select = ", ".join(
        "(CAST(source_id AS BIGINT) << 32) + source_line" if c == "spend_id" else c for c in SPEND_COLUMNS
    )
    return (
        f"INSERT INTO spend ({cols}) SELECT {select} FROM ({typed_records_sql(staged)}) WHERE status = 'ok'"
    )


def outcomes_sql(staged: str = "staged") -> str:
    """Per source, after :func:`insert_spend_sql`: records by status (rejects keep their reason and
    line), and pounds loaded. Takes the batch's lowest source id.

    Loaded records are counted from ``spend`` (the batch's sources are new, so their rows there are
    the ones just inserted); only the staged records that did not load, found by an anti-join, go
    through the typed query again to learn why. Each rejected record is its own row so the loader
    can quote its raw text."""
    not_loaded = (
        f"(SELECT s.* FROM {staged} s ANTI JOIN (SELECT source_id, source_line FROM spend "
        "WHERE source_id >= $1) p ON p.source_id = s.source_id AND p.source_line = s.source_line)"
    )
    return f"""
SELECT source_id, 'ok' AS status, count(*) AS n, sum(amount) AS amount, NULL::INTEGER AS reject_line
FROM spend WHERE source_id >= $1 AND source_id IN (SELECT DISTINCT source_id FROM {staged})
GROUP BY source_id
UNION ALL
SELECT source_id, status, count(*) AS n, NULL AS amount,
    CASE WHEN status LIKE 'reject:%' THEN source_line END AS reject_line
FROM ({typed_records_sql(not_loaded)})
GROUP BY ALL
ORDER BY source_id, reject_line, status
"""


REJECT_COLUMNS = ("source_id", "source_line", "reason", "raw_text")


def insert_from_sql(table: str, columns: tuple[str, ...], view: str) -> str:
    """Insert every row of a registered view into ``table`` by column name."""
    cols = ", ".join(columns)
    return f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}"


SOURCE_COLUMNS = (
    "source_id",
    "file_name",
    "path",
    "sha256",
    "bytes",
    "status",
    "error",
    "council_code",
    "period_start",
    "period_end",
    "period_basis",
    "encoding",
    "delimiter",
    "read_method",
    "header_line",
    "columns",
    "notes",
    "rows",
    "loaded",
    "rejected",
    "skipped",
    "skipped_kinds",
    "amount_loaded",
)


def loaded_sha_sql() -> str:
    return "SELECT source_id FROM sources WHERE sha256 = ? AND status = 'loaded' LIMIT 1"


def replace_candidates_sql() -> str:
    """Loaded sources of the same council and period, same file name first."""
    return """
SELECT source_id, file_name FROM sources
WHERE status = 'loaded' AND council_code = ? AND period_start = ? AND period_end = ?
ORDER BY (file_name = ?) DESC, source_id
"""


def retire_source_sql() -> list[tuple[str, tuple[str, ...]]]:
    """Statements that retire a replaced file, each with the names of the parameters it takes."""
    return [
        ("DELETE FROM spend WHERE source_id = $old", ("old",)),
        ("DELETE FROM spend_rejects WHERE source_id = $old", ("old",)),
        ("UPDATE sources SET status = 'replaced', replaced_by = $new WHERE source_id = $old", ("old", "new")),
    ]


def drop_failed_attempts_sql() -> str:
    """Forget earlier failed attempts at files now loaded (takes a list of sha256)."""
    return "DELETE FROM sources WHERE status = 'failed' AND list_contains(?, sha256)"


def next_source_id_sql() -> str:
    return "SELECT coalesce(max(source_id), 0) + 1 FROM sources"


# -- data quality ---------------------------------------------------------------------------
def source_quality_sql(where: str = "") -> str:
    """Per source file: its accounting, how many loaded rows have a classification, and how many are
    dated outside the file's period."""
    return f"""
SELECT s.source_id, s.file_name, s.path, s.sha256, s.status, s.error, s.council_code, c.name AS council_name,
    s.period_start, s.period_end, s.period_basis, s.encoding, s.read_method, s.header_line, s.columns,
    s.notes, s.rows, s.loaded, s.rejected, s.skipped, s.skipped_kinds, s.amount_loaded, s.ingested_at,
    s.replaced_by,
    coalesce(k.classified, 0) AS classified_rows,
    coalesce(k.classified_amount, 0) AS classified_amount,
    coalesce(k.outside_period, 0) AS outside_period_rows
FROM sources s
LEFT JOIN councils c ON c.gss_code = s.council_code
LEFT JOIN (
    SELECT sp.source_id,
        count(k.is_it) AS classified,
        coalesce(sum(sp.amount) FILTER (WHERE k.is_it IS NOT NULL), 0) AS classified_amount,
        count(*) FILTER (WHERE sp.date_basis = 'outside_period') AS outside_period
    FROM spend sp LEFT JOIN spend_classification k ON k.spend_id = sp.spend_id
    GROUP BY sp.source_id
) k ON k.source_id = s.source_id
{where}
ORDER BY s.council_code NULLS LAST, s.period_start NULLS LAST, s.file_name, s.source_id
"""


def reject_reasons_sql() -> str:
    """Rejected lines of one source grouped by reason (text after the first colon dropped)."""
    return """
SELECT split_part(reason, ':', 1) AS reason, count(*) AS lines
FROM spend_rejects WHERE source_id = ? GROUP BY 1 ORDER BY 2 DESC, 1
"""


def reject_sample_sql() -> str:
    return """
SELECT source_line, reason, raw_text FROM spend_rejects
WHERE source_id = ? ORDER BY source_line LIMIT ?
"""
