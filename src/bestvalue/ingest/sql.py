"""SQL for spend ingest: pure functions that return SQL text.

Records arrive typed and sorted by fate (:mod:`bestvalue.ingest.records`); these statements
insert them, keep the ``sources`` accounting, retire replaced files and report data quality.
"""

from __future__ import annotations

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
