"""Every SQL statement the classify capability runs, as pure functions returning SQL text.

Classification works on *combinations*: spend rows that share every column the classifier reads
(supplier, description, service area, department, the council's category columns, published ProClass)
are one combination, keyed by a hash of those columns. The whole shared spend set (1.7M rows) has
about 150k combinations; they are classified once and the result is joined back to every row in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# The spend columns the classifier reads; their hash is the combination key.
KEY_COLUMNS: tuple[str, ...] = (
    "council_code",
    "supplier_name",
    "description",
    "service_area",
    "department",
    "expense_type",
    "expense_group",
    "council_category",
    "merchant_category",
    "proclass_code",
    "proclass_label",
    "is_purchase_card",
)

# The council's own category columns (hidden, per council, by the quality benchmark).
CATEGORY_COLUMNS: tuple[str, ...] = (
    "expense_type",
    "expense_group",
    "council_category",
    "merchant_category",
    "proclass_code",
    "proclass_label",
)


def _key(alias: str) -> str:
    return "hash(" + ", ".join(f"{alias}.{c}" for c in KEY_COLUMNS) + ")"


def _quoted(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def combinations(
    with_suppliers: bool,
    hidden_columns: Sequence[str] = (),
    hidden_councils: Sequence[str] = (),
) -> str:
    """One row per combination: its key, the columns, rows ``n``, gross £ (sum of |amount|), net £.

    ``hidden_columns`` are blanked for rows of ``hidden_councils`` (the key still uses the real
    values, so results join back to the same rows).
    """
    hide = set(hidden_columns)
    councils = _quoted(hidden_councils)
    cols = []
    for c in KEY_COLUMNS:
        if c in hide and hidden_councils:
            cols.append(
                f"any_value(CASE WHEN s.council_code IN ({councils}) THEN NULL ELSE s.{c} END) AS {c}"
            )
        else:
            cols.append(f"any_value(s.{c}) AS {c}")
    supplier_cols = (
        "any_value(ss.supplier_id) AS supplier_id, any_value(ss.payee_kind) AS payee_kind"
        if with_suppliers
        else "CAST(NULL AS VARCHAR) AS supplier_id, CAST(NULL AS VARCHAR) AS payee_kind"
    )
    join = "LEFT JOIN spend_suppliers ss ON ss.spend_id = s.spend_id" if with_suppliers else ""
    return f"""
        SELECT {_key("s")} AS k, {", ".join(cols)}, {supplier_cols},
               count(*) AS n,
               CAST(sum(abs(s.amount)) AS DOUBLE) AS gross,
               CAST(sum(s.amount) AS DOUBLE) AS net
        FROM spend s {join}
        GROUP BY k
    """


def supplier_links_present() -> str:
    return "SELECT EXISTS (SELECT 1 FROM spend_suppliers)"


def clear_classification() -> str:
    return "DELETE FROM spend_classification"


def write_classification(results_view: str) -> str:
    """Join per-combination results back to every spend row (the combination key is recomputed)."""
    return f"""
        INSERT INTO spend_classification
            (spend_id, proclass_code, proclass_level1, is_it, confidence, method, reason, payment_kind)
        SELECT s.spend_id, r.proclass_code, r.proclass_level1, r.is_it, r.confidence, r.method, r.reason,
               r.payment_kind
        FROM spend s JOIN {results_view} r ON {_key("s")} = r.k
    """


def clear_profiles() -> str:
    return "DELETE FROM classification_supplier_profiles"


def write_profiles(view: str) -> str:
    return f"INSERT INTO classification_supplier_profiles SELECT * FROM {view}"


def rule_matches() -> str:
    return "SELECT wording, rule FROM classification_rule_matches WHERE rules_version = ?"


def clear_rule_matches() -> str:
    return "DELETE FROM classification_rule_matches WHERE rules_version <> ?"


def insert_rule_matches(view: str) -> str:
    return f"INSERT INTO classification_rule_matches SELECT wording, rule, ? FROM {view}"


def record_run() -> str:
    return """
        INSERT INTO classification_runs (run_at, spend_rows, combinations, seconds, model, methods)
        VALUES (current_timestamp, ?, ?, ?, ?, ?)
    """


def reference_count(table: str) -> str:
    return f"SELECT count(*) FROM {table}"


def clear_table(table: str) -> str:
    return f"DELETE FROM {table}"


def insert_from(table: str, view: str) -> str:
    return f"INSERT INTO {table} SELECT * FROM {view}"


def spend_row(spend_id: int) -> str:
    return "SELECT * FROM spend WHERE spend_id = ?"


def classification_row() -> str:
    return "SELECT * FROM spend_classification WHERE spend_id = ?"


def row_combination() -> str:
    """The combination key of one spend row."""
    return f"SELECT {_key('s')} FROM spend s WHERE s.spend_id = ?"


def combination_totals() -> str:
    """Rows, gross £ and net £ of the combination a spend row belongs to (as the classifier saw it)."""
    return f"""
        SELECT count(*) AS n, CAST(sum(abs(s.amount)) AS DOUBLE) AS gross,
               CAST(sum(s.amount) AS DOUBLE) AS net
        FROM spend s WHERE {_key("s")} = ?
    """


def context_counts() -> str:
    """Rows per level-1 group (or NONPROC) that methods stronger than the text model decided in one
    council and service area (service area, else department, lower case)."""
    return """
        SELECT CASE WHEN c.payment_kind = 'not_purchase' THEN 'NONPROC' ELSE c.proclass_level1 END AS level1,
               count(*) AS n
        FROM spend s JOIN spend_classification c ON c.spend_id = s.spend_id
        WHERE s.council_code = ? AND lower(trim(coalesce(s.service_area, s.department))) = ?
          AND c.method IN ('published_proclass', 'council_category', 'payee', 'supplier_profile')
        GROUP BY 1
        HAVING level1 IS NOT NULL
    """


def profile_row() -> str:
    return "SELECT * FROM classification_supplier_profiles WHERE supplier_key = ?"


def supplier_link() -> str:
    return "SELECT supplier_id, payee_kind FROM spend_suppliers WHERE spend_id = ?"


def labelled_contracts() -> str:
    """Contracts that carry a ProClass or CPV code, with their first supplier's name."""
    return """
        SELECT c.contract_id, c.council_code, c.title, c.description, c.department,
               c.cpv_code, c.proclass_code, c.proclass_label,
               (SELECT min(cs.supplier_name) FROM contract_suppliers cs WHERE cs.contract_id = c.contract_id)
                   AS supplier_name
        FROM contracts c
        WHERE c.cpv_code IS NOT NULL OR c.proclass_code IS NOT NULL
    """
