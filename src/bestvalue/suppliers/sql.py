"""SQL of supplier resolution (pure functions returning DuckDB SQL text)."""

from __future__ import annotations

# Truncation: a council whose longest names pile up at one length cuts names at that width.
MIN_AT_WIDTH = 5
MIN_SHARE_AT_WIDTH = 0.005


# Payments to people for their care or a child's care (direct payments, fostering and adoption
# allowances...): a payee paid only under these, with no sign of a business, is a person.
CARE_PAYMENT = (
    "direct payment|personal budget|foster|adoption allow|special guardian|kinship|residence order"
    "|child arrangement|shared lives|staying put|care leaver|leaving care|supported lodging"
    "|personal assistant|boarding out"
)


def name_sources(with_contracts: bool) -> str:
    """Every (name, council) a payee name is published with: spend, and contract suppliers; ``care``
    when the spend row is a social-care payment to a person."""
    spend = f"""SELECT coalesce(supplier_name, '') AS name, council_code, 1 AS payment,
               coalesce(regexp_matches(lower(concat_ws(' ', expense_type, expense_group, service_area,
                   description)), '{CARE_PAYMENT}'), false) AS care
        FROM spend"""
    if not with_contracts:
        return spend
    return f"""{spend}
        UNION ALL
        SELECT cs.supplier_name, c.council_code, 0, false FROM contract_suppliers cs
        LEFT JOIN contracts c USING (contract_id)
        WHERE nullif(trim(cs.supplier_name), '') IS NOT NULL"""


def names(sources: str, widths: str) -> str:
    """One row per distinct name (current and previously resolved), with payments, councils,
    whether it is cut at its council's width, and what the last run stored for it."""
    return f"""
        WITH src AS ({sources}), w AS ({widths}),
        cur AS (
            SELECT src.name, sum(src.payment) AS payments, count(DISTINCT src.council_code) AS councils,
                   coalesce(bool_or(length(src.name) = w.width), false) AS truncated,
                   bool_and(src.care) AS care_only
            FROM src LEFT JOIN w ON w.council_code = src.council_code
            GROUP BY src.name
        )
        SELECT coalesce(cur.name, a.published_name) AS name,
               coalesce(cur.payments, 0)::BIGINT AS payments,
               coalesce(cur.councils, 0)::INTEGER AS councils,
               coalesce(cur.truncated, false) AS truncated,
               coalesce(cur.care_only, false) AS care_only,
               cur.name IS NOT NULL AS current,
               a.supplier_id AS prior_id, a.company_number AS prior_company,
               a.charity_number AS prior_charity, a.vat_number AS prior_vat, a.first_seen
        FROM cur FULL OUTER JOIN supplier_aliases a ON a.published_name = cur.name
        ORDER BY 1
    """


def identifier_facts(with_contracts: bool) -> str:
    """Published identifiers per name with the payments carrying them (identified rows only)."""
    spend = """
        SELECT coalesce(supplier_name, '') AS name, company_number, charity_number, vat_number,
               count(*) AS payments
        FROM spend
        WHERE company_number IS NOT NULL OR charity_number IS NOT NULL OR vat_number IS NOT NULL
        GROUP BY ALL"""
    if not with_contracts:
        return spend
    return f"""{spend}
        UNION ALL
        SELECT supplier_name, company_number, NULL, NULL, count(*) FROM contract_suppliers
        WHERE company_number IS NOT NULL AND nullif(trim(supplier_name), '') IS NOT NULL
        GROUP BY ALL"""


def truncation_widths() -> str:
    """Councils that cut payee names at a fixed width, with that width (council_code, width)."""
    return f"""
        WITH n AS (
            SELECT DISTINCT council_code, supplier_name, length(supplier_name) AS len
            FROM spend WHERE supplier_name IS NOT NULL
        ), w AS (
            SELECT council_code, max(len) AS width, count(*) AS names FROM n GROUP BY council_code
        )
        SELECT w.council_code, w.width
        FROM w JOIN n ON n.council_code = w.council_code AND n.len = w.width
        GROUP BY w.council_code, w.width, w.names
        HAVING count(*) >= {MIN_AT_WIDTH} AND count(*) >= {MIN_SHARE_AT_WIDTH} * w.names
    """


def issued_ids() -> str:
    """Every supplier id ever issued in this warehouse."""
    return """
        SELECT supplier_id FROM suppliers
        UNION SELECT supplier_id FROM supplier_aliases WHERE supplier_id IS NOT NULL
        UNION SELECT old_supplier_id FROM supplier_redirects
    """


def replace_aliases(frame: str) -> list[str]:
    return [
        "DELETE FROM supplier_aliases",
        f"""INSERT INTO supplier_aliases
            SELECT published_name, name_key, supplier_id, payee_kind, method, confidence, evidence,
                   company_number, charity_number, vat_number, payments, councils, truncated,
                   first_seen, rules_version
            FROM {frame}""",
    ]


def replace_suppliers(frame: str, contract_flags: bool) -> list[str]:
    """Suppliers from the per-entity frame, identifiers and counts from the aliases just written,
    payment figures from spend, SME/VCSE flags where contract data publishes them."""
    flags = (
        """
            LEFT JOIN (
                SELECT a.supplier_id, bool_or(cs.is_sme) AS is_sme, bool_or(cs.is_vcse) AS is_vcse
                FROM contract_suppliers cs
                JOIN supplier_aliases a ON a.published_name = cs.supplier_name
                WHERE a.supplier_id IS NOT NULL GROUP BY a.supplier_id
            ) fl USING (supplier_id)"""
        if contract_flags
        else "LEFT JOIN (SELECT NULL::VARCHAR AS supplier_id, NULL::BOOLEAN AS is_sme, "
        "NULL::BOOLEAN AS is_vcse) fl USING (supplier_id)"
    )
    return [
        "DELETE FROM suppliers",
        f"""INSERT INTO suppliers
            SELECT f.supplier_id, f.name, ids.company_number, ids.charity_number, ids.vat_number,
                   fl.is_sme,
                   CASE WHEN f.is_vcse OR fl.is_vcse THEN true WHEN fl.is_vcse = false THEN false END,
                   coalesce(st.councils, 0), f.legal_form, ids.aliases,
                   coalesce(st.payments, 0), coalesce(st.amount, 0)
            FROM {frame} f
            JOIN (
                SELECT supplier_id, count(*) AS aliases,
                       arg_max(company_number, payments + 1) FILTER (WHERE company_number IS NOT NULL)
                           AS company_number,
                       arg_max(charity_number, payments + 1) FILTER (WHERE charity_number IS NOT NULL)
                           AS charity_number,
                       arg_max(vat_number, payments + 1) FILTER (WHERE vat_number IS NOT NULL) AS vat_number
                FROM supplier_aliases WHERE supplier_id IS NOT NULL GROUP BY supplier_id
            ) ids USING (supplier_id)
            LEFT JOIN (
                SELECT a.supplier_id, count(DISTINCT s.council_code) AS councils,
                       count(*) AS payments, sum(s.amount) AS amount
                FROM spend s
                JOIN supplier_aliases a ON a.published_name = coalesce(s.supplier_name, '')
                WHERE a.supplier_id IS NOT NULL
                GROUP BY a.supplier_id
            ) st USING (supplier_id)
            {flags}""",
    ]


def add_redirects() -> str:
    return "INSERT INTO supplier_redirects (old_supplier_id, supplier_id) VALUES (?, ?)"


def stored_overrides() -> str:
    return (
        "SELECT action, name, other, note, line, source FROM supplier_overrides ORDER BY line, action, name"
    )


def replace_overrides() -> list[str]:
    return [
        "DELETE FROM supplier_overrides",
        "INSERT INTO supplier_overrides (line, action, name, other, note, source) VALUES (?, ?, ?, ?, ?, ?)",
    ]


def add_run() -> str:
    return """INSERT INTO supplier_runs (names, suppliers, individuals, redacted, fuzzy_links,
              refused_links, overrides, rules_version, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def alias_by_name() -> str:
    """Aliases whose published name or normalised key matches (case-insensitive)."""
    return """
        SELECT * FROM supplier_aliases
        WHERE lower(published_name) = lower(?) OR name_key = ?
        ORDER BY payments DESC, published_name
    """


def aliases_like() -> str:
    return """
        SELECT * FROM supplier_aliases
        WHERE published_name ILIKE ? AND payee_kind = 'supplier'
        ORDER BY payments DESC, published_name
        LIMIT ?
    """


def supplier_by_id() -> str:
    return "SELECT * FROM suppliers WHERE supplier_id = ?"


def aliases_of() -> str:
    return """
        SELECT * FROM supplier_aliases WHERE supplier_id = ?
        ORDER BY payments DESC, published_name
    """


def redirect_of() -> str:
    return (
        "SELECT supplier_id FROM supplier_redirects WHERE old_supplier_id = ? "
        "ORDER BY redirected_at DESC LIMIT 1"
    )


def list_suppliers(order: str) -> str:
    column = {
        "payments": "payments DESC",
        "amount": "amount DESC",
        "name": "name",
        "councils": "councils DESC",
        "aliases": "aliases DESC",
    }[order]
    return f"""
        SELECT * FROM suppliers
        WHERE (? IS NULL OR name ILIKE ?)
        ORDER BY {column}, supplier_id
        LIMIT ?
    """
