"""SQL of the pack: only what no insight computes already (SME/VCSE shares, classification methods,
contract counts, which contracts are IT, which files are behind the figures).

Queries over payments read ``spend_enriched``; run them through ``bestvalue.analytics.scope.reader``
so they use the materialised ``insight_spend`` when it is up to date. Parameters are positional.
"""

from __future__ import annotations

# Confidence bands of the classification, lowest bound first (label, lower bound inclusive).
CONFIDENCE_BANDS: tuple[tuple[str, float], ...] = (
    ("under 0.5", 0.0),
    ("0.5 to 0.7", 0.5),
    ("0.7 to 0.9", 0.7),
    ("0.9 and over", 0.9),
)


def it_suppliers_flags_sql() -> str:
    """IT spend per supplier in a council's year with the supplier's SME and VCSE flags.

    Params: council_code, financial_year. Payees with no supplier entity come as one row
    (``supplier_id`` NULL)."""
    return """
    SELECT e.supplier_id,
           any_value(e.supplier) AS supplier,
           any_value(s.company_number) AS company_number,
           any_value(s.charity_number) AS charity_number,
           any_value(s.legal_form) AS legal_form,
           any_value(s.is_sme) AS is_sme,
           any_value(s.is_vcse) AS is_vcse,
           sum(e.amount) AS amount,
           count(*) AS lines
    FROM spend_enriched e
    LEFT JOIN suppliers s ON s.supplier_id = e.supplier_id
    WHERE e.council_code = ? AND e.financial_year = ? AND e.it_status = 'it'
    GROUP BY e.supplier_id
    ORDER BY amount DESC, e.supplier_id NULLS LAST
    """


def classification_methods_sql() -> str:
    """Lines and £ of a council's year by classification method. Params: council_code, year."""
    return """
    SELECT coalesce(classification_method, '(no classification row)') AS method,
           count(*) AS lines,
           sum(amount) AS amount,
           count(*) FILTER (WHERE it_status = 'it') AS it_lines,
           coalesce(sum(amount) FILTER (WHERE it_status = 'it'), 0) AS it_amount,
           count(*) FILTER (WHERE it_status = 'unclassified') AS unclassified_lines,
           avg(classification_confidence) AS mean_confidence
    FROM spend_enriched
    WHERE council_code = ? AND financial_year = ?
    GROUP BY ALL
    ORDER BY amount DESC, method
    """


def confidence_bands_sql() -> str:
    """IT lines and £ of a council's year by classification confidence band. Params: council, year."""
    cases = " ".join(
        f"WHEN coalesce(classification_confidence, 0) >= {low} THEN {i}"
        for i, (_, low) in reversed(list(enumerate(CONFIDENCE_BANDS)))
    )
    return f"""
    SELECT CASE {cases} END AS band,
           count(*) AS lines,
           sum(amount) AS amount
    FROM spend_enriched
    WHERE council_code = ? AND financial_year = ? AND it_status = 'it'
    GROUP BY ALL
    ORDER BY band
    """


def resolution_methods_sql() -> str:
    """Lines and £ of a council's year by payee kind and supplier-resolution method."""
    return """
    SELECT coalesce(payee_kind, '(not resolved)') AS payee_kind,
           coalesce(supplier_method, '(not resolved)') AS method,
           count(*) AS lines,
           sum(amount) AS amount,
           avg(supplier_confidence) AS mean_confidence
    FROM spend_enriched
    WHERE council_code = ? AND financial_year = ?
    GROUP BY ALL
    ORDER BY amount DESC, payee_kind, method
    """


def council_contracts_sql() -> str:
    """A council's contract records: how many, with a value, and their SME/VCSE flags as published.

    Params: council_code. Counts awarded contracts (stage award or contract)."""
    return """
    WITH c AS (
        SELECT c.contract_id, c.value,
               bool_or(cs.is_sme) AS any_sme,
               bool_and(cs.is_sme IS NOT NULL) AS sme_known,
               bool_or(cs.is_vcse) AS any_vcse,
               bool_and(cs.is_vcse IS NOT NULL) AS vcse_known,
               bool_or(cs.postcode IS NOT NULL AND trim(cs.postcode) <> '') AS has_postcode
        FROM contracts c
        LEFT JOIN contract_suppliers cs ON cs.contract_id = c.contract_id
        WHERE c.council_code = ? AND c.stage IN ('award', 'contract')
        GROUP BY c.contract_id, c.value
    )
    SELECT count(*) AS contracts,
           count(value) AS with_value,
           coalesce(sum(value), 0) AS value,
           count(*) FILTER (WHERE sme_known) AS sme_known,
           count(*) FILTER (WHERE any_sme) AS sme,
           coalesce(sum(value) FILTER (WHERE sme_known), 0) AS sme_known_value,
           coalesce(sum(value) FILTER (WHERE any_sme), 0) AS sme_value,
           count(*) FILTER (WHERE vcse_known) AS vcse_known,
           count(*) FILTER (WHERE any_vcse) AS vcse,
           coalesce(sum(value) FILTER (WHERE any_vcse), 0) AS vcse_value,
           count(*) FILTER (WHERE has_postcode) AS with_postcode
    FROM c
    """


def it_contracts_sql(has_cpv_crosswalk: bool) -> str:
    """Why each of a council's contracts counts as IT: an ICT ProClass code, a CPV code the
    crosswalk maps to ICT, or a supplier the council paid for IT in the year.

    Params: council_code, financial_year, council_code."""
    cpv = (
        """EXISTS (SELECT 1 FROM cpv_proclass x
                   WHERE c.cpv_code IS NOT NULL AND x.proclass_code LIKE '27%'
                     AND replace(c.cpv_code, '-', '') LIKE x.cpv_prefix || '%')"""
        if has_cpv_crosswalk
        else "false"
    )
    return f"""
    WITH it_suppliers AS (
        SELECT DISTINCT supplier_id FROM spend_enriched
        WHERE council_code = ? AND financial_year = ? AND it_status = 'it' AND supplier_id IS NOT NULL
    )
    SELECT c.contract_id,
           coalesce(left(c.proclass_code, 2) = '27', false) AS by_proclass,
           {cpv} AS by_cpv,
           EXISTS (SELECT 1 FROM contract_suppliers cs JOIN it_suppliers i ON i.supplier_id = cs.supplier_id
                   WHERE cs.contract_id = c.contract_id) AS by_supplier
    FROM contracts c
    WHERE c.council_code = ?
    """


def files_in_years_sql() -> str:
    """Source files with payments in a span of financial years, per council and year (all councils).

    Params: first year, last year."""
    return """
    SELECT source_id, council_code, financial_year, count(*) AS lines
    FROM spend_enriched
    WHERE financial_year BETWEEN ? AND ?
    GROUP BY ALL
    """


def source_files_sql() -> str:
    """Source files by id (one list parameter) with their publisher (the council's official name)."""
    return """
    SELECT s.source_id, s.file_name, s.sha256, s.council_code,
           coalesce(c.official_name, c.name, s.council_code, '(council not known)') AS publisher,
           s.period_start, s.period_end, s.loaded
    FROM sources s
    LEFT JOIN councils c ON c.gss_code = s.council_code
    WHERE list_contains(CAST(? AS INTEGER[]), s.source_id) AND s.status = 'loaded'
    ORDER BY publisher, s.period_start NULLS LAST, s.file_name, s.source_id
    """


def council_sources_sql() -> str:
    """Every loaded source file of one council (the trend across years draws on all of them)."""
    return """
    SELECT source_id FROM sources WHERE council_code = ? AND status = 'loaded'
    """


def table_rows_sql(table: str) -> str:
    """Rows in a table of the warehouse schema (``table`` is one of our own names, never user input)."""
    return f"SELECT count(*) FROM {table}"
