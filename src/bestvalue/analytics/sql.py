"""Every SQL statement the insights run: pure functions returning DuckDB SQL text.

Values travel as parameters (``?``, or ``$name`` in the purchase tests); the only things formatted into
the text are fixed fragments chosen here, integers the settings model has validated (window lengths in
days) and, through :func:`bind`, the settings' regular expressions as escaped string literals.
Most statements read the ``spend_enriched`` view (migration 0005): spend joined to its resolved
supplier and its classification, with ``financial_year``, ``fy_quarter`` and ``it_status``.
"""

from __future__ import annotations

import re
from typing import Any

from bestvalue.analytics.models import SpendFilter

# The spend date (as spend_enriched, migration 0006): the payment date, else the period's start, and the
# period's start too when the published date lies outside the period the file covers.
SPEND_DATE = (
    "CASE WHEN date_basis = 'outside_period' THEN period_start ELSE coalesce(payment_date, period_start) END"
)
FINANCIAL_YEAR = f"CAST(year({SPEND_DATE}) - CASE WHEN month({SPEND_DATE}) < 4 THEN 1 ELSE 0 END AS INTEGER)"
IT = "it_status = 'it'"
NO_SUPPLIER = "(none)"  # SpendFilter.supplier_id value that selects payments with no supplier entity


# -- materialised copy ------------------------------------------------------------------------
def fingerprint_sql() -> str:
    """Counts and hashes of the relations spend_enriched reads (the interface relations).

    Cheap enough to run on every insight call (metadata counts and small tables; one pass over the
    classification's two narrow columns). A re-classification that keeps every count the same is
    caught by the classify step's run log (see :func:`optional_fingerprint_sql`)."""
    return """
SELECT (SELECT count(*) FROM spend), (SELECT coalesce(max(spend_id), 0) FROM spend),
       (SELECT coalesce(sum(source_id), 0) FROM sources WHERE status = 'loaded'),
       (SELECT count(*) FROM spend_classification),
       (SELECT count(*) FILTER (WHERE is_it) || ':' || count(proclass_code) || ':'
               || count(*) FILTER (WHERE is_it IS NULL) FROM spend_classification),
       (SELECT count(*) FROM suppliers),
       (SELECT coalesce(sum(hash(supplier_id, name)), 0) FROM suppliers)
"""


def optional_fingerprint_sql() -> dict[str, str]:
    """Cheap signals from tables that may or may not exist, keyed by the table they need."""
    return {
        "supplier_aliases": "SELECT count(*) || ':' || "
        "coalesce(sum(hash(published_name, supplier_id, payee_kind)), 0) "
        "FROM supplier_aliases",
        "supplier_runs": "SELECT CAST(max(run_at) AS VARCHAR) FROM supplier_runs",
        "classification_runs": "SELECT CAST(max(run_at) AS VARCHAR) FROM classification_runs",
    }


def insight_state_sql() -> str:
    return "SELECT fingerprint FROM insight_state ORDER BY built_at DESC LIMIT 1"


def rebuild_insight_spend_sql() -> list[str]:
    """Statements that rebuild the materialised copy, sorted so council/year filters skip blocks."""
    return [
        "DELETE FROM insight_spend",
        "INSERT INTO insight_spend SELECT * FROM spend_enriched "
        "ORDER BY council_code, financial_year, spend_date",
        "DELETE FROM insight_state",
    ]


def record_state_sql() -> str:
    return (
        "INSERT INTO insight_state (fingerprint, built_at, rows, seconds) VALUES (?, current_timestamp, ?, ?)"
    )


# -- scope ------------------------------------------------------------------------------------
def council_sql() -> str:
    return (
        "SELECT gss_code, name, official_name, tier, region, population, rural_urban, peer_label, "
        "start_date, end_date FROM councils WHERE gss_code = ?"
    )


def all_councils_sql() -> str:
    return (
        "SELECT gss_code, name, official_name, tier, region, population, rural_urban, peer_label, "
        "start_date, end_date, rural_urban_broad FROM councils WHERE gss_code <> ''"
    )


def years_sql(materialised: bool = False) -> str:
    """Financial years with payments, per council: (council, year, months covered, rows).

    Params: council or NULL, council. Reads ``spend`` itself unless the materialised copy (which
    has the year worked out already) is up to date.
    """
    if materialised:
        return """
SELECT council_code, financial_year, count(DISTINCT date_trunc('month', spend_date)) AS months, count(*) AS n
FROM spend_enriched
WHERE (? IS NULL OR council_code = ?)
GROUP BY ALL ORDER BY council_code, financial_year
"""
    return f"""
SELECT council_code, {FINANCIAL_YEAR} AS financial_year,
       count(DISTINCT date_trunc('month', {SPEND_DATE})) AS months, count(*) AS n
FROM spend
WHERE (? IS NULL OR council_code = ?)
GROUP BY ALL ORDER BY council_code, financial_year
"""


def table_rows_sql(table: str) -> str:
    """Whether an upstream table has rows (``table`` is one of a fixed list chosen by the caller)."""
    assert table in {"spend_suppliers", "spend_classification", "contracts", "suppliers"}
    return f"SELECT EXISTS (SELECT 1 FROM {table})"


AWARDED = "coalesce(c.stage, 'contract') IN ('award', 'contract')"


def council_has_contracts_sql() -> str:
    """Awarded contracts recorded for a council (param: council)."""
    return f"SELECT count(*) FROM contracts c WHERE c.council_code = ? AND {AWARDED}"


def coverage_sql() -> str:
    """Rows and £ of a council's year by classification and resolution (params: council, year)."""
    return """
SELECT count(*) AS rows,
       coalesce(sum(amount), 0) AS amount,
       count(*) FILTER (WHERE it_status <> 'unclassified') AS classified_rows,
       coalesce(sum(amount) FILTER (WHERE it_status <> 'unclassified'), 0) AS classified_amount,
       count(*) FILTER (WHERE it_status = 'unclassified') AS unclassified_rows,
       coalesce(sum(amount) FILTER (WHERE it_status = 'unclassified'), 0) AS unclassified_amount,
       coalesce(sum(amount) FILTER (WHERE supplier_resolved AND supplier_id IS NOT NULL), 0)
           AS resolved_amount,
       count(DISTINCT date_trunc('month', spend_date)) AS months_covered
FROM spend_enriched
WHERE council_code = ? AND financial_year = ?
"""


def ict_categories_sql() -> str:
    return "SELECT DISTINCT category_code, category_label FROM ict_categories ORDER BY category_code"


def ict_category_of_sql() -> str:
    return "SELECT category_code, category_label FROM ict_categories WHERE proclass_code = ?"


# -- evidence ---------------------------------------------------------------------------------
EVIDENCE_COLUMNS = """
    e.spend_id, e.council_code, e.spend_date, e.financial_year, e.amount, e.supplier_id, e.supplier,
    CASE WHEN e.payee_kind IN ('individual', 'redacted', 'unknown') THEN NULL ELSE e.published_supplier END
        AS published_supplier,
    e.department, e.expense_type, e.description, e.invoice_number, e.transaction_number,
    e.proclass_code, e.ict_category,
    CASE e.it_status WHEN 'it' THEN true WHEN 'not_it' THEN false END AS is_it,
    e.classification_method, e.source_id, src.file_name AS source_file, e.source_line
"""


def spend_filter_where(f: SpendFilter) -> tuple[str, list[Any]]:
    """A WHERE clause (over ``spend_enriched e``) and its parameters for a :class:`SpendFilter`."""
    clauses: list[str] = []
    params: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    if f.council_code is not None:
        add("e.council_code = ?", f.council_code)
    if f.financial_year is not None:
        add("e.financial_year = ?", f.financial_year)
    if f.it != "all":
        add("e.it_status = ?", f.it)
    if f.ict_category is not None:
        add("e.ict_category = ?", f.ict_category)
    if f.proclass_code is not None:
        add("e.proclass_code = ?", f.proclass_code)
    if f.supplier_id == NO_SUPPLIER:
        add("e.supplier_id IS NULL")
    elif f.supplier_id is not None:
        add("e.supplier_id = ?", f.supplier_id)
    if f.supplier_ids is not None:
        add("list_contains(?::VARCHAR[], e.supplier_id)", f.supplier_ids)
    if f.exclude_supplier_ids:
        add(
            f"NOT list_contains(?::VARCHAR[], coalesce(e.supplier_id, '{NO_SUPPLIER}'))",
            f.exclude_supplier_ids,
        )
    if f.department is not None:
        add("e.department = ?", f.department)
    if f.exclude_departments:
        add("NOT list_contains(?::VARCHAR[], e.department)", f.exclude_departments)
    if f.quarter is not None:
        add("e.fy_quarter = ?", f.quarter)
    if f.date_from is not None:
        add("e.spend_date >= ?", f.date_from)
    if f.date_to is not None:
        add("e.spend_date <= ?", f.date_to)
    if f.amount_min is not None:
        add("e.amount >= ?", f.amount_min)
    if f.amount_max is not None:
        add("e.amount <= ?", f.amount_max)
    if f.first_digit is not None:
        add(
            "e.amount > 0 AND left(CAST(CAST(floor(e.amount * 100) AS BIGINT) AS VARCHAR), 1) = ?",
            str(f.first_digit),
        )
    if f.spend_ids is not None:
        add(
            "e.spend_id BETWEEN ? AND ? AND e.spend_id IN (SELECT unnest(?::BIGINT[]))",
            min(f.spend_ids, default=0),
            max(f.spend_ids, default=-1),
            f.spend_ids,
        )
    return (" AND ".join(clauses) or "true"), params


def evidence_page_sql(where: str) -> str:
    """Rows of a selection, largest first (params: the WHERE's, then limit and offset)."""
    return f"""
SELECT {EVIDENCE_COLUMNS}
FROM spend_enriched e JOIN sources src ON src.source_id = e.source_id
WHERE {where}
ORDER BY abs(e.amount) DESC, e.spend_date, e.spend_id
LIMIT ? OFFSET ?
"""


def evidence_totals_sql(where: str) -> str:
    return f"SELECT count(*), coalesce(sum(e.amount), 0) FROM spend_enriched e WHERE {where}"


def evidence_by_ids_sql() -> str:
    """Evidence rows for a list of spend ids (params: smallest id, largest id, BIGINT[] of ids).

    The range lets DuckDB skip the storage blocks that cannot hold any of the ids."""
    return f"""
SELECT {EVIDENCE_COLUMNS}
FROM spend_enriched e JOIN sources src ON src.source_id = e.source_id
WHERE e.spend_id BETWEEN ? AND ? AND e.spend_id IN (SELECT unnest(?::BIGINT[]))
ORDER BY e.spend_date, e.spend_id
"""


def top_rows_per_group_sql(group: str, where: str) -> str:
    """The largest ``?`` rows of each group (``group`` is a fixed column name chosen by the caller)."""
    assert group in {"ict_category", "supplier_id", "council_code"}
    return f"""
SELECT e.{group} AS grp, e.spend_id
FROM spend_enriched e
WHERE {where}
QUALIFY row_number() OVER (PARTITION BY e.{group} ORDER BY abs(e.amount) DESC, e.spend_id) <= ?
"""


# -- baseline ---------------------------------------------------------------------------------
def baseline_totals_sql() -> str:
    """Whole-year figures of a council (params: uncertain_below, council, year).

    ``it_uncertain`` is the IT spend the text model called IT with a probability below
    ``uncertain_below``: the guesses the low end of the IT range leaves out.
    """
    return f"""
SELECT coalesce(sum(amount), 0) AS total,
       coalesce(sum(amount) FILTER (WHERE {IT}), 0) AS it,
       coalesce(sum(amount) FILTER (WHERE {IT} AND classification_method = 'text_model'
                                     AND classification_confidence < ?), 0) AS it_uncertain,
       count(*) FILTER (WHERE {IT}) AS it_rows,
       count(DISTINCT supplier_id) FILTER (WHERE {IT}) AS it_suppliers
FROM spend_enriched WHERE council_code = ? AND financial_year = ?
"""


def baseline_breakdown_sql() -> str:
    """IT spend of a council's year grouped four ways in one pass (params: council, year).

    ``dim`` says which grouping a row belongs to: category, supplier, department or quarter.
    """
    return f"""
SELECT CASE
         WHEN grouping(ict_category) = 0 THEN 'category'
         WHEN grouping(supplier_id) = 0 THEN 'supplier'
         WHEN grouping(department) = 0 THEN 'department'
         ELSE 'quarter' END AS dim,
       coalesce(ict_category, supplier_id, department, CAST(fy_quarter AS VARCHAR)) AS key,
       any_value(supplier) AS supplier,
       sum(amount) AS amount, count(*) AS n
FROM spend_enriched
WHERE council_code = ? AND financial_year = ? AND {IT}
GROUP BY GROUPING SETS ((ict_category), (supplier_id), (department), (fy_quarter))
"""


def council_years_sql() -> str:
    """A council's totals per financial year (param: council)."""
    return f"""
SELECT financial_year, coalesce(sum(amount), 0) AS total,
       coalesce(sum(amount) FILTER (WHERE {IT}), 0) AS it,
       coalesce(sum(amount) FILTER (WHERE it_status = 'unclassified'), 0) AS unclassified,
       count(DISTINCT date_trunc('month', spend_date)) AS months, count(*) AS n
FROM spend_enriched WHERE council_code = ?
GROUP BY financial_year ORDER BY financial_year
"""


def council_sources_sql() -> str:
    return "SELECT count(*) FROM sources WHERE council_code = ? AND status = 'loaded'"


def councils_with_data_sql() -> str:
    """Every council with spend: years, rows, £, IT £, files and date range."""
    return f"""
WITH s AS (
  SELECT council_code, list(DISTINCT financial_year ORDER BY financial_year) AS years, count(*) AS n,
         coalesce(sum(amount), 0) AS amount, coalesce(sum(amount) FILTER (WHERE {IT}), 0) AS it,
         min(spend_date) AS first_date, max(spend_date) AS last_date
  FROM spend_enriched GROUP BY council_code)
SELECT s.*, (SELECT count(*) FROM sources src WHERE src.council_code = s.council_code
             AND src.status = 'loaded') AS sources
FROM s ORDER BY council_code
"""


# -- peers ------------------------------------------------------------------------------------
def peer_metrics_sql() -> str:
    """Per council in a list, one year's totals (params: year, VARCHAR[] of councils)."""
    return f"""
SELECT council_code,
       coalesce(sum(amount), 0) AS total,
       coalesce(sum(amount) FILTER (WHERE {IT}), 0) AS it,
       coalesce(sum(amount) FILTER (WHERE it_status = 'unclassified'), 0) AS unclassified,
       count(DISTINCT supplier_id) FILTER (WHERE {IT}) AS it_suppliers,
       count(DISTINCT date_trunc('month', spend_date)) AS months
FROM spend_enriched
WHERE financial_year = ? AND council_code IN (SELECT unnest(?::VARCHAR[]))
GROUP BY council_code
"""


def peer_groups_sql() -> str:
    """Per council in a list, IT £ per supplier and per category (params: year, VARCHAR[])."""
    return f"""
SELECT council_code,
       CASE WHEN grouping(supplier_id) = 0 THEN 'supplier' ELSE 'category' END AS dim,
       coalesce(supplier_id, ict_category) AS key, sum(amount) AS amount
FROM spend_enriched
WHERE financial_year = ? AND council_code IN (SELECT unnest(?::VARCHAR[])) AND {IT}
GROUP BY GROUPING SETS ((council_code, supplier_id), (council_code, ict_category))
"""


# -- market -----------------------------------------------------------------------------------
def market_sql() -> str:
    """IT £ per category x supplier and per supplier, with councils served.

    Params: year (or NULL for all years), year again, council (or NULL), council again,
    category (or NULL), category again.
    """
    return f"""
SELECT ict_category, supplier_id, any_value(supplier) AS supplier, sum(amount) AS amount,
       count(DISTINCT council_code) AS councils,
       count(DISTINCT ict_category) AS categories
FROM spend_enriched
WHERE {IT} AND (? IS NULL OR financial_year = ?) AND (? IS NULL OR council_code = ?)
  AND (? IS NULL OR ict_category = ?)
GROUP BY GROUPING SETS ((ict_category, supplier_id), (supplier_id))
"""


def councils_per_category_sql() -> str:
    """Councils with IT spend per ICT category (params: year or NULL, year)."""
    return f"""
SELECT ict_category, count(DISTINCT council_code) FROM spend_enriched
WHERE {IT} AND (? IS NULL OR financial_year = ?) GROUP BY ict_category
"""


def supplier_sql() -> str:
    return (
        "SELECT supplier_id, name, company_number, charity_number, vat_number, is_sme, is_vcse "
        "FROM suppliers WHERE supplier_id = ?"
    )


def supplier_councils_sql() -> str:
    """A supplier's £ per council (params: supplier, year or NULL, year)."""
    return f"""
SELECT council_code, coalesce(sum(amount), 0) AS amount,
       coalesce(sum(amount) FILTER (WHERE {IT}), 0) AS it,
       list(DISTINCT financial_year ORDER BY financial_year) AS years
FROM spend_enriched
WHERE supplier_id = ? AND (? IS NULL OR financial_year = ?)
GROUP BY council_code ORDER BY amount DESC
"""


def supplier_categories_sql() -> str:
    """A supplier's IT £ per category (params: supplier, year or NULL, year)."""
    return f"""
SELECT ict_category, sum(amount) AS amount, count(*) AS n
FROM spend_enriched
WHERE supplier_id = ? AND (? IS NULL OR financial_year = ?) AND {IT}
GROUP BY ict_category ORDER BY amount DESC
"""


def supplier_names_sql() -> str:
    """Published names of a supplier's payments, most used first (params: supplier, limit)."""
    return """
SELECT published_supplier, count(*) AS n
FROM spend_enriched
WHERE supplier_id = ? AND published_supplier IS NOT NULL
  AND coalesce(payee_kind, 'supplier') NOT IN ('individual', 'redacted', 'unknown')
GROUP BY published_supplier ORDER BY n DESC, published_supplier LIMIT ?
"""


def supplier_contracts_sql() -> str:
    return (
        "SELECT count(DISTINCT c.contract_id) FROM contracts c JOIN contract_suppliers cs "
        f"ON cs.contract_id = c.contract_id WHERE cs.supplier_id = ? AND {AWARDED}"
    )


# -- lock-in ----------------------------------------------------------------------------------
def lockin_pairs_sql() -> str:
    """A council's IT £ per supplier x category in a year, with the category's totals.

    Params: council, year, minimum £.
    """
    return f"""
WITH pairs AS (
  SELECT supplier_id, ict_category, any_value(supplier) AS supplier, sum(amount) AS amount
  FROM spend_enriched
  WHERE council_code = ? AND financial_year = ? AND {IT} AND supplier_id IS NOT NULL
  GROUP BY supplier_id, ict_category)
SELECT p.*,
       sum(p.amount) FILTER (WHERE p.amount > 0) OVER (PARTITION BY p.ict_category) AS category_total,
       count(*) FILTER (WHERE p.amount > 0) OVER (PARTITION BY p.ict_category) AS category_suppliers
FROM pairs p
QUALIFY p.amount >= ?
"""


def supplier_years_sql() -> str:
    """Years in which a council paid each supplier, up to a year (params: council, year, VARCHAR[])."""
    return """
SELECT supplier_id, list(DISTINCT financial_year ORDER BY financial_year) AS years
FROM spend_enriched
WHERE council_code = ? AND financial_year <= ? AND amount > 0
  AND supplier_id IN (SELECT unnest(?::VARCHAR[]))
GROUP BY supplier_id
"""


def council_contracts_sql() -> str:
    """A council's awarded contracts with resolved suppliers (params: council)."""
    return f"""
SELECT DISTINCT cs.supplier_id, c.contract_id, c.title, c.value, c.start_date, c.end_date,
       c.original_end_date, c.max_end_date,
       -- the register's own words ("Direct award", "Waiver") say more than the OCDS method code
       concat_ws(' ', c.procedure_details, c.procedure) AS procedure, c.status, c.proclass_code
FROM contracts c JOIN contract_suppliers cs ON cs.contract_id = c.contract_id
WHERE c.council_code = ? AND cs.supplier_id IS NOT NULL AND {AWARDED}
"""


# -- collaboration ----------------------------------------------------------------------------
def collaboration_sql() -> str:
    """Councils paying the suppliers a council pays, for the same ICT category, in a span of years.

    Params: council, first year, last year, minimum £, first year, last year.
    """
    return f"""
WITH mine AS (
  SELECT supplier_id, ict_category
  FROM spend_enriched
  WHERE council_code = ? AND {IT} AND financial_year BETWEEN ? AND ? AND supplier_id IS NOT NULL
  GROUP BY supplier_id, ict_category
  HAVING sum(amount) >= ?)
SELECT e.council_code, e.supplier_id, e.ict_category, any_value(e.supplier) AS supplier,
       sum(e.amount) AS amount
FROM spend_enriched e JOIN mine m ON m.supplier_id = e.supplier_id AND m.ict_category = e.ict_category
WHERE e.{IT} AND e.financial_year BETWEEN ? AND ?
GROUP BY e.council_code, e.supplier_id, e.ict_category
HAVING sum(e.amount) > 0
"""


def contract_ends_sql() -> str:
    """Latest contract end (with extensions) per council x supplier (param: VARCHAR[] of suppliers)."""
    return f"""
SELECT c.council_code, cs.supplier_id, max(coalesce(c.max_end_date, c.end_date)) AS end_date
FROM contracts c JOIN contract_suppliers cs ON cs.contract_id = c.contract_id
WHERE cs.supplier_id IN (SELECT unnest(?::VARCHAR[])) AND c.council_code IS NOT NULL AND {AWARDED}
GROUP BY c.council_code, cs.supplier_id
"""


# -- payments ---------------------------------------------------------------------------------
# The duplicate, split-payment, no-contract and round-sum tests read purchases, not every payment line.
# Their statements use named parameters ($name) and share these CTEs.
# An invoice number worth comparing: four characters or more, a digit, not a bare year or zeros.
VALID_INVOICE = (
    "length(raw_inv) >= 4 AND regexp_matches(raw_inv, '[0-9]') "
    "AND NOT regexp_matches(raw_inv, '^((19|20)[0-9]{2}|0+)$')"
)


# Parameters formatted into the text as string literals: regular expressions from the settings. DuckDB
# compiles a constant pattern once, but a bound parameter's pattern for every row it tests.
LITERAL_PARAMS = frozenset({"not_words", "public_words", "not_split_words"})


def bind(statement: str, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The statement with its ``LITERAL_PARAMS`` written in as escaped string literals, and the named
    parameters it uses from ``values`` (DuckDB refuses unused ones)."""
    used = set(re.findall(r"\$([a-z_]+)", statement))
    missing = used - set(values)
    if missing:
        raise KeyError(f"no value for {sorted(missing)}")
    for name in used & LITERAL_PARAMS:
        literal = "'" + str(values[name]).replace("'", "''") + "'"
        statement = re.sub(rf"\${name}\b", lambda _m: literal, statement)  # noqa: B023 (used at once)
    return statement, {k: v for k, v in values.items() if k in used - LITERAL_PARAMS}


def purchase_lines_cte() -> str:
    """CTEs ending in ``lines``: a council's purchase lines from ``$first`` to ``$last``, each marked
    ``in_year`` when it falls in financial year ``$year``, with its ``family`` (the kind of thing bought).

    Left out: lines with no supplier entity (individuals, redacted payees), lines the classification
    step calls not a purchase, ProClass codes starting with one of ``$not_codes`` (grants, rents, ...),
    expense types or descriptions matching ``$not_words`` and payees whose name matches
    ``$public_words`` (other public bodies). The regular expressions run over distinct values only.
    ``family`` is the published expense type, else the ProClass code, else the first two words of the
    description. ``$it_only`` keeps IT lines only.
    """
    return r"""scope AS (
  SELECT spend_id, source_id, supplier_id, supplier, supplier_resolved, spend_date,
         financial_year = $year AS in_year, department, amount,
         nullif(trim(transaction_number), '') AS txn, nullif(upper(trim(invoice_number)), '') AS inv,
         coalesce(expense_type, '') AS expense_type, coalesce(description, '') AS description,
         proclass_code, payment_kind
  FROM spend_enriched
  WHERE council_code = $council AND spend_date BETWEEN $first AND $last AND supplier_id IS NOT NULL
    AND (NOT $it_only OR it_status = 'it')),
public_payees AS (
  SELECT supplier_id FROM (SELECT DISTINCT supplier_id, supplier FROM scope)
  WHERE regexp_matches(lower(supplier), $public_words)),
not_texts AS (
  SELECT hash(expense_type, description) AS text_key
  FROM (SELECT DISTINCT expense_type, description FROM scope)
  WHERE regexp_matches(lower(expense_type || ' ' || description), $not_words)),
not_codes AS (
  SELECT DISTINCT c.proclass_code
  FROM (SELECT DISTINCT proclass_code FROM scope WHERE proclass_code IS NOT NULL) c
  JOIN (SELECT unnest($not_codes::VARCHAR[]) AS prefix) n ON starts_with(c.proclass_code, n.prefix)),
lines AS (
  SELECT s.* EXCLUDE (payment_kind),
         CASE WHEN trim(s.expense_type) <> '' THEN lower(trim(s.expense_type))
              WHEN s.proclass_code IS NOT NULL THEN s.proclass_code
              ELSE array_to_string(list_slice(string_split(trim(regexp_replace(lower(s.description),
                   '[^a-z]+', ' ', 'g')), ' '), 1, 2), ' ') END AS family
  FROM scope s
  ANTI JOIN public_payees USING (supplier_id)
  ANTI JOIN not_texts ON not_texts.text_key = hash(s.expense_type, s.description)
  ANTI JOIN not_codes USING (proclass_code)
  WHERE coalesce(s.payment_kind, 'purchase') <> 'not_purchase')"""


def payments_cte(merge_unreferenced: bool = False) -> str:
    """CTEs ending in ``pay``: one row per payment of :func:`purchase_lines_cte`'s lines.

    Councils often publish one line per item or cost centre of a payment: lines to one supplier on one
    date with the same transaction number (else the same invoice number) are one payment, whatever
    department they are coded to. Lines with neither are a payment each, unless ``merge_unreferenced``:
    then all of them to one supplier on one date from one department are one payment (the usual case
    of an invoice spread over several cost centres). ``inv`` is the payment's invoice number when all
    its lines share one that looks like a reference (at least four characters, with a digit, not a
    bare year); ``department``, ``family`` and ``proclass_code`` are its largest line's.
    """
    single = "department" if merge_unreferenced else "spend_id"
    return f"""{purchase_lines_cte()},
pay_raw AS (
  SELECT supplier_id, spend_date, arg_max(department, abs(amount)) AS department,
         any_value(in_year) AS in_year,
         sum(amount) AS amount, list(spend_id ORDER BY spend_id) AS ids, min(spend_id) AS first_id,
         min(source_id) AS source_id, ref IS NOT NULL AS referenced, min(txn) AS txn,
         arg_max(family, abs(amount)) AS family, arg_max(proclass_code, abs(amount)) AS proclass_code,
         CASE WHEN min(inv) = max(inv) AND count(inv) = count(*) THEN min(inv) END AS raw_inv
  FROM (SELECT *, coalesce(txn, inv) AS ref FROM lines)
  GROUP BY supplier_id, spend_date, ref, CASE WHEN ref IS NULL THEN {single} END),
pay AS (SELECT * EXCLUDE (raw_inv), CASE WHEN {VALID_INVOICE} THEN raw_inv END AS inv FROM pay_raw)"""


# -- savings ----------------------------------------------------------------------------------
def supplier_councils_year_sql() -> str:
    """IT £ per council for the suppliers a council pays, one year.

    Params: council, year, min £, year, VARCHAR[] of the councils to compare with."""
    return f"""
WITH mine AS (
  SELECT supplier_id FROM spend_enriched
  WHERE council_code = ? AND financial_year = ? AND {IT} AND supplier_id IS NOT NULL
  GROUP BY supplier_id HAVING sum(amount) >= ?)
SELECT e.supplier_id, e.council_code, any_value(e.supplier) AS supplier, sum(e.amount) AS amount
FROM spend_enriched e JOIN mine USING (supplier_id)
WHERE e.financial_year = ? AND e.{IT} AND e.council_code IN (SELECT unnest(?::VARCHAR[]))
GROUP BY e.supplier_id, e.council_code
ORDER BY e.supplier_id, e.council_code
"""


def duplicate_groups_sql(window_days: int) -> str:
    """Possible duplicates in one statement: payments in a group of equal payments (``kind`` 'window')
    and payments sharing an invoice number and amount (``kind`` 'invoice').

    Works on payments (see :func:`payments_cte`). Window groups: a payment joins the previous one of the
    same supplier, amount and family when it follows within ``window_days`` days and their invoice
    numbers do not differ. Left out: groups of more than ``$max_copies``; groups whose supplier received
    a credit of the same amount within the window; and copies of a regular payment (the same supplier
    and amount in at least ``$regular_months`` months from ``$first`` to ``$last``) unless the group
    holds more copies than the usual number in a month. Invoice groups: left out when they have more
    than ``$max_copies`` copies (a batch or account reference rather than an invoice number) or the
    invoice is paid in equal parts in at least ``$instalment_months`` months (instalments against one
    reference, like a lease). Params: the lines' (:func:`purchase_lines_cte`), ``$min_amount``,
    ``$max_copies``, ``$regular_months``, ``$instalment_months``. One row per payment in a group, with
    the group's ``copies``, its ``usual`` copies per month (0 if not regular) and whether the payment
    had a transaction or invoice number (``referenced``).
    """
    days = int(window_days)
    return f"""
WITH {payments_cte()},
year_pay AS (SELECT * FROM pay WHERE in_year AND amount >= $min_amount),
pos AS (SELECT * FROM year_pay QUALIFY count(*) OVER (PARTITION BY supplier_id, amount) > 1),
pairs AS (SELECT DISTINCT supplier_id, amount FROM pos),
credits AS (
  SELECT p.supplier_id, -p.amount AS amount, p.spend_date
  FROM pay p JOIN pairs c ON c.supplier_id = p.supplier_id AND c.amount = -p.amount),
per_month AS (
  SELECT supplier_id, amount, date_trunc('month', spend_date) AS month, count(*) AS n
  FROM pay SEMI JOIN pairs USING (supplier_id, amount) GROUP BY ALL),
regular AS (
  SELECT supplier_id, amount, median(n) AS usual FROM per_month
  GROUP BY ALL HAVING count(*) >= $regular_months),
linked AS (
  SELECT *, lag(spend_date) OVER w AS prev_date, lag(inv) OVER w AS prev_inv
  FROM pos WINDOW w AS (PARTITION BY supplier_id, amount, family ORDER BY spend_date, first_id)),
grouped AS (
  SELECT *, sum(CASE WHEN prev_date IS NOT NULL AND spend_date <= prev_date + INTERVAL {days} DAY
                          AND NOT (inv IS NOT NULL AND prev_inv IS NOT NULL AND inv <> prev_inv)
                     THEN 0 ELSE 1 END)
              OVER (PARTITION BY supplier_id, amount, family ORDER BY spend_date, first_id
                    ROWS UNBOUNDED PRECEDING) AS grp
  FROM linked),
sized AS (
  SELECT *, count(*) OVER g AS copies, min(spend_date) OVER g AS first_date,
         max(spend_date) OVER g AS last_date
  FROM grouped WINDOW g AS (PARTITION BY supplier_id, amount, family, grp)),
window_groups AS (
  SELECT 'window' AS kind, s.supplier_id, s.amount, s.family, s.grp, s.inv, s.txn, s.first_id, s.ids,
         s.spend_date, s.source_id, s.department, s.proclass_code, s.referenced, s.copies,
         coalesce(r.usual, 0) AS usual
  FROM sized s LEFT JOIN regular r ON r.supplier_id = s.supplier_id AND r.amount = s.amount
  WHERE s.copies BETWEEN 2 AND $max_copies
    AND (r.usual IS NULL OR s.copies > r.usual)
    AND NOT EXISTS (
      SELECT 1 FROM credits n
      WHERE n.supplier_id = s.supplier_id AND n.amount = s.amount
        AND n.spend_date BETWEEN s.first_date AND s.last_date + INTERVAL {days} DAY)),
repeated AS (
  SELECT supplier_id, inv, amount, count(*) AS copies FROM year_pay WHERE inv IS NOT NULL GROUP BY ALL
  HAVING count(*) BETWEEN 2 AND $max_copies
     AND count(DISTINCT date_trunc('month', spend_date)) < $instalment_months),
invoice_groups AS (
  SELECT 'invoice' AS kind, i.supplier_id, i.amount, i.family, NULL AS grp, i.inv, i.txn, i.first_id, i.ids,
         i.spend_date, i.source_id, i.department, i.proclass_code, i.referenced, r.copies, 0 AS usual
  FROM year_pay i JOIN repeated r USING (supplier_id, inv, amount))
SELECT * FROM window_groups
UNION ALL
SELECT * FROM invoice_groups
ORDER BY kind, supplier_id, amount, spend_date, first_id
"""


def fragmentation_sql() -> str:
    """Per ICT category of a council's year: suppliers paid, £, and the largest supplier's £.

    Params: council, year.
    """
    return f"""
WITH s AS (
  SELECT ict_category, supplier_id, sum(amount) AS amount
  FROM spend_enriched
  WHERE council_code = ? AND financial_year = ? AND {IT} AND supplier_id IS NOT NULL
  GROUP BY ict_category, supplier_id HAVING sum(amount) > 0)
SELECT ict_category, count(*) AS suppliers, sum(amount) AS amount, max(amount) AS largest,
       arg_max(supplier_id, amount) AS largest_supplier
FROM s GROUP BY ict_category
"""


# -- probity ----------------------------------------------------------------------------------
def split_candidates_sql(window_days: int) -> str:
    """Payments in the year under a threshold, for the supplier × family × threshold combinations where
    some run of them within ``window_days`` days adds up to the threshold.

    Works on payments (see :func:`payments_cte`, unreferenced lines merged). Each payment is tested
    against the thresholds in force on its date for its regime: ``$reg_prefixes``/``$reg_names`` map
    ProClass code prefixes to ``works``, ``light_touch``, ``care`` or ``goods_services`` (longest
    prefix wins; otherwise ``goods_services``). Thresholds of regime ``all`` (quote limits, the
    notifiable threshold) apply to every payment but ``care``; ``care`` is tested against the
    ``light_touch`` thresholds. ``qualifies`` marks a payment from whose date the payments up to
    ``window_days`` later reach the threshold in number and sum. Each row also carries its supplier ×
    family profile over ``$first``..``$last``: months with payments, the median month's total, the
    total, and ``same_amount``, how many payments of that supplier and family have the same amount.
    Families matching ``$not_split_words`` and ProClass codes starting with one of ``$not_split_codes``
    (spend billed as used or case by case) are not tested. Params: the
    lines' (see :func:`purchase_lines_cte`), the thresholds as parallel lists ``$t_amount``,
    ``$t_from``, ``$t_to``, ``$t_label``, ``$t_uplift``, ``$t_regime``, ``$t_rank``; ``$min_fraction``
    (of the threshold, each payment), ``$min_payments``.
    """
    days = int(window_days)
    return f"""
WITH t AS (
  SELECT unnest($t_amount::DOUBLE[]) AS threshold, unnest($t_from::DATE[]) AS t_from,
         unnest($t_to::DATE[]) AS t_to, unnest($t_label::VARCHAR[]) AS label,
         unnest($t_uplift::DOUBLE[]) AS uplift, unnest($t_regime::VARCHAR[]) AS regime,
         unnest($t_rank::INTEGER[]) AS rank),
{payments_cte(merge_unreferenced=True)},
reg AS (SELECT unnest($reg_prefixes::VARCHAR[]) AS prefix, unnest($reg_names::VARCHAR[]) AS regime),
code_regime AS (
  SELECT c.proclass_code, arg_max(r.regime, length(r.prefix)) AS regime
  FROM (SELECT DISTINCT proclass_code FROM pay WHERE proclass_code IS NOT NULL) c
  JOIN reg r ON starts_with(c.proclass_code, r.prefix)
  GROUP BY c.proclass_code),
splittable AS (
  SELECT family FROM (SELECT DISTINCT family FROM pay) WHERE NOT regexp_matches(family, $not_split_words)),
not_split AS (
  SELECT DISTINCT c.proclass_code
  FROM (SELECT DISTINCT proclass_code FROM pay WHERE proclass_code IS NOT NULL) c
  JOIN (SELECT unnest($not_split_codes::VARCHAR[]) AS prefix) n ON starts_with(c.proclass_code, n.prefix)),
p AS (
  SELECT pay.supplier_id, pay.family, pay.department, pay.spend_date, pay.first_id, pay.ids,
         pay.amount, coalesce(cr.regime, 'goods_services') AS regime,
         CAST(pay.amount AS DOUBLE) * t.uplift AS compared, t.threshold, t.label, t.rank
  FROM pay SEMI JOIN splittable USING (family) ANTI JOIN not_split USING (proclass_code)
  LEFT JOIN code_regime cr USING (proclass_code)
  JOIN t ON pay.spend_date BETWEEN t.t_from AND t.t_to
        AND (t.regime = coalesce(cr.regime, 'goods_services')
             OR (t.regime = 'all' AND coalesce(cr.regime, '') <> 'care')
             OR (t.regime = 'light_touch' AND cr.regime = 'care'))
  WHERE pay.in_year AND pay.amount > 0 AND CAST(pay.amount AS DOUBLE) * t.uplift < t.threshold
    AND CAST(pay.amount AS DOUBLE) * t.uplift >= t.threshold * $min_fraction),
w AS (
  SELECT *, sum(compared) OVER win >= threshold AND count(*) OVER win >= $min_payments AS qualifies
  FROM p
  WINDOW win AS (PARTITION BY supplier_id, family, threshold, label ORDER BY spend_date
                 RANGE BETWEEN CURRENT ROW AND INTERVAL {days} DAY FOLLOWING)),
cands AS (
  SELECT * FROM w QUALIFY bool_or(qualifies) OVER (PARTITION BY supplier_id, family, threshold, label)),
mine AS (
  SELECT supplier_id, family, spend_date, amount FROM pay
  SEMI JOIN (SELECT DISTINCT supplier_id, family FROM cands) USING (supplier_id, family)
  WHERE amount > 0),
same AS (SELECT supplier_id, family, amount, count(*) AS same_amount FROM mine GROUP BY ALL),
months AS (
  SELECT supplier_id, family, date_trunc('month', spend_date) AS month, sum(amount) AS amount
  FROM mine GROUP BY ALL),
profile AS (
  SELECT supplier_id, family, count(*) AS months_paid, median(amount) AS usual_month,
         sum(amount) AS span_total
  FROM months GROUP BY ALL)
SELECT c.supplier_id, c.family, c.department, c.regime, c.threshold, c.label, c.rank, c.spend_date, c.amount,
       c.first_id, c.compared, c.ids, c.qualifies, pr.months_paid, pr.usual_month, pr.span_total,
       sa.same_amount
FROM cands c JOIN profile pr USING (supplier_id, family) JOIN same sa USING (supplier_id, family, amount)
ORDER BY c.threshold DESC, c.rank, c.supplier_id, c.family, c.label, c.spend_date, c.first_id
"""


def supplier_year_totals_sql() -> str:
    """Purchases from each supplier in the year over ``$threshold``, with the months they fall in and
    the ``$limit`` largest purchase lines. Params: those of :func:`purchase_lines_cte` too."""
    return f"""
WITH {purchase_lines_cte()}
SELECT supplier_id, any_value(supplier) AS supplier, sum(amount) AS amount, count(*) AS n,
       bool_and(supplier_resolved) AS resolved, count(DISTINCT date_trunc('month', spend_date)) AS months,
       list(spend_id ORDER BY amount DESC, spend_id)[1:$limit] AS top_ids
FROM lines
WHERE in_year AND amount > 0
GROUP BY supplier_id HAVING sum(amount) > $threshold
"""


def supplier_payments_sql() -> str:
    """Every payment from a council to a list of suppliers, in date order (params: council, VARCHAR[])."""
    return """
SELECT supplier_id, spend_id, spend_date, financial_year, amount
FROM spend_enriched
WHERE council_code = ? AND supplier_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY supplier_id, spend_date, spend_id
"""


def round_sums_sql() -> str:
    """Suppliers paid mostly in round sums in the year: purchase lines of at least ``$min_amount`` that
    are exact multiples of ``$unit``, at least ``$min_count`` of them and at least ``$min_share`` of the
    supplier's lines of that size, unless they are all one amount paid in at least ``$fee_months``
    months (a fixed periodic fee). Params: those of :func:`purchase_lines_cte` too."""
    return f"""
WITH {purchase_lines_cte()},
big AS (
  SELECT *, CAST(amount AS DOUBLE) % $unit = 0 AS round
  FROM lines WHERE in_year AND amount >= $min_amount)
SELECT supplier_id, list(spend_id ORDER BY spend_date, spend_id) FILTER (WHERE round) AS ids,
       sum(amount) FILTER (WHERE round) AS amount, count(*) FILTER (WHERE round) AS n,
       count(*) AS lines, count(DISTINCT amount) FILTER (WHERE round) AS amounts,
       count(DISTINCT date_trunc('month', spend_date)) FILTER (WHERE round) AS months
FROM big
GROUP BY supplier_id
HAVING count(*) FILTER (WHERE round) >= $min_count
   AND count(*) FILTER (WHERE round) >= $min_share * count(*)
   AND NOT (count(DISTINCT amount) FILTER (WHERE round) = 1
            AND count(DISTINCT date_trunc('month', spend_date)) FILTER (WHERE round) >= $fee_months)
"""


def first_digits_sql() -> str:
    """Counts of first significant digits of a council's payments (params: council, year, IT only, min £)."""
    return f"""
SELECT CAST(left(CAST(CAST(floor(amount * 100) AS BIGINT) AS VARCHAR), 1) AS INTEGER) AS digit,
       count(*) AS n
FROM spend_enriched
WHERE council_code = ? AND financial_year = ? AND (NOT ? OR {IT}) AND amount >= ?
GROUP BY digit ORDER BY digit
"""


# -- search -----------------------------------------------------------------------------------
def search_councils_sql() -> str:
    """Councils whose name contains the text (params: text, limit)."""
    return """
SELECT c.gss_code, c.name, c.tier, c.region,
       (SELECT coalesce(sum(amount), 0) FROM spend s WHERE s.council_code = c.gss_code) AS amount
FROM councils c
WHERE c.gss_code <> '' AND (contains(lower(c.name), lower(?)) OR lower(c.gss_code) = lower(?))
ORDER BY amount DESC, c.name LIMIT ?
"""


def search_suppliers_sql() -> str:
    """Suppliers whose name (resolved or published) contains the text (params: text, limit)."""
    return """
SELECT supplier_id, arg_max(supplier, n) AS supplier, sum(amount) AS amount,
       count(DISTINCT council_code) AS councils
FROM (
  SELECT supplier_id, supplier, council_code, sum(amount) AS amount, count(*) AS n
  FROM spend_enriched
  WHERE supplier_id IS NOT NULL AND contains(lower(supplier), lower(?))
  GROUP BY ALL)
GROUP BY supplier_id ORDER BY amount DESC LIMIT ?
"""
