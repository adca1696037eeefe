"""Every SQL statement of the contracts capability, as pure functions returning DuckDB SQL text."""

from __future__ import annotations

import re

from bestvalue.contracts.records import AMENDMENT_COLUMNS, CONTRACT_COLUMNS, SUPPLIER_COLUMNS

_LEGAL_SUFFIX_RE = (
    r"( (limited|ltd|plc|llp|lp|cic|cio|inc|incorporated|co|company|corporation|corp|uk|gb|the|group|"
    r"holdings|services))+$"
)


def name_key_sql(expr: str) -> str:
    """SQL twin of :func:`bestvalue.contracts.identifiers.name_key`."""
    s = f"regexp_replace(lower({expr}), '\\b(t/a|ta|trading as|t\\.a\\.)\\b.*$', '')"
    s = f"replace({s}, '&', ' and ')"
    s = f"' ' || trim(regexp_replace({s}, '[^a-z0-9]+', ' ', 'g'))"
    s = f"regexp_replace({s}, '{_LEGAL_SUFFIX_RE}', '')"
    s = f"regexp_replace({s}, '^( the)+( |$)', ' ')"
    return f"nullif(trim({s}), '')"


def company_number_sql(expr: str) -> str:
    """SQL twin of :func:`bestvalue.contracts.identifiers.company_number` (8-character CH numbers)."""
    s = f"regexp_replace(upper(trim(CAST({expr} AS VARCHAR))), '^GB[-_ ]?COH[-_ ]?', '')"
    s = f"regexp_replace({s}, '[ .]', '', 'g')"
    prefixes = "SC|NI|OC|SO|NC|SL|SF|LP|NL|NF|FC|GE|GS|SE|SG|SA|SP|SR|SZ|ZC|RC|IC|CE|CS|PC"
    return (
        f"CASE WHEN regexp_full_match({s}, '\\d{{1,8}}') AND TRY_CAST({s} AS BIGINT) > 0 "
        f"THEN lpad({s}, 8, '0') "
        f"WHEN regexp_full_match({s}, '({prefixes})\\d{{1,6}}') "
        f"THEN regexp_extract({s}, '^[A-Z]+') || lpad(regexp_extract({s}, '\\d+$'), 6, '0') END"
    )


# -- ingest -----------------------------------------------------------------------------------
def next_source_id() -> str:
    return "SELECT coalesce(max(source_id), 0) + 1 FROM contract_sources"


def loaded_hashes() -> str:
    return "SELECT sha256, min(source_id) FROM contract_sources WHERE status = 'loaded' GROUP BY sha256"


def insert_source() -> str:
    return (
        "INSERT INTO contract_sources (source_id, file_name, path, sha256, bytes, status, error, format, "
        "council_code, items, loaded, rejected, skipped, contracts, columns, notes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )


RELEASE_COLUMNS = ("source_id", "item", "ocid", "release_id", "release_date", "tags", "release")


def insert_select(table: str, columns: tuple[str, ...], view: str) -> str:
    cols = ", ".join(columns)
    return f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}"


def insert_reject() -> str:
    return "INSERT INTO contract_rejects (source_id, item, reason, raw_text) VALUES (?, ?, ?, ?)"


def insert_release() -> str:
    return (
        "INSERT INTO ocds_releases (source_id, item, ocid, release_id, release_date, tags, release) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"
    )


def release_keys_for(n: int) -> str:
    """(ocid, release_date, release_id) already stored for some ocids."""
    marks = ", ".join("?" for _ in range(n))
    return f"SELECT ocid, release_date, release_id, release FROM ocds_releases WHERE ocid IN ({marks})"


def releases_for(n: int) -> str:
    marks = ", ".join("?" for _ in range(n))
    return (
        f"SELECT ocid, release FROM ocds_releases WHERE ocid IN ({marks}) ORDER BY ocid, release_date, item"
    )


def delete_contracts_of_ocids(n: int) -> list[str]:
    marks = ", ".join("?" for _ in range(n))
    ids = f"SELECT contract_id FROM contracts WHERE source = 'ocds' AND ocid IN ({marks})"
    return [
        f"DELETE FROM contract_suppliers WHERE contract_id IN ({ids})",
        f"DELETE FROM contract_amendments WHERE contract_id IN ({ids})",
        f"DELETE FROM contracts WHERE source = 'ocds' AND ocid IN ({marks})",
    ]


def count_contract_ids(n: int) -> str:
    marks = ", ".join("?" for _ in range(n))
    return f"SELECT count(*) FROM contracts WHERE contract_id IN ({marks})"


def delete_contract_ids(n: int) -> list[str]:
    marks = ", ".join("?" for _ in range(n))
    return [
        f"DELETE FROM contract_suppliers WHERE contract_id IN ({marks})",
        f"DELETE FROM contract_amendments WHERE contract_id IN ({marks})",
        f"DELETE FROM contracts WHERE contract_id IN ({marks})",
    ]


def insert_contract() -> str:
    cols = ", ".join(CONTRACT_COLUMNS)
    marks = ", ".join("?" for _ in CONTRACT_COLUMNS)
    return f"INSERT INTO contracts ({cols}) VALUES ({marks})"


def insert_supplier() -> str:
    marks = ", ".join("?" for _ in SUPPLIER_COLUMNS)
    return f"INSERT INTO contract_suppliers ({', '.join(SUPPLIER_COLUMNS)}) VALUES ({marks})"


def insert_amendment() -> str:
    return (
        f"INSERT INTO contract_amendments ({', '.join(AMENDMENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in AMENDMENT_COLUMNS)})"
    )


# -- supplier links ---------------------------------------------------------------------------
def link_by_company_number() -> str:
    """Contract suppliers → ``suppliers`` by Companies House number (one supplier per number)."""
    return f"""
        UPDATE contract_suppliers AS cs SET supplier_id = m.supplier_id, link_method = 'company_number'
        FROM (
            SELECT {company_number_sql("company_number")} AS ch, min(supplier_id) AS supplier_id
            FROM suppliers WHERE company_number IS NOT NULL
            GROUP BY 1 HAVING count(DISTINCT supplier_id) = 1
        ) AS m
        WHERE cs.supplier_id IS NULL AND cs.company_number IS NOT NULL AND cs.company_number = m.ch
    """


def link_by_resolver() -> str:
    """Contract suppliers → the supplier that supplier resolution gave their published name."""
    return """
        UPDATE contract_suppliers AS cs SET supplier_id = a.supplier_id, link_method = 'resolver'
        FROM (
            SELECT published_name, min(supplier_id) AS supplier_id FROM supplier_aliases
            WHERE supplier_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT supplier_id) = 1
        ) AS a
        WHERE cs.supplier_id IS NULL AND cs.supplier_name = a.published_name
    """


def link_by_name() -> str:
    """Contract suppliers → ``suppliers`` by normalised name, through supplier names and published
    aliases, where the name points to exactly one supplier."""
    return f"""
        UPDATE contract_suppliers AS cs SET supplier_id = m.supplier_id, link_method = 'name'
        FROM (
            SELECT nk, min(supplier_id) AS supplier_id FROM (
                SELECT {name_key_sql("name")} AS nk, supplier_id FROM suppliers
                UNION
                SELECT {name_key_sql("published_name")} AS nk, supplier_id FROM supplier_aliases
                WHERE supplier_id IS NOT NULL
            ) WHERE nk IS NOT NULL
            GROUP BY nk HAVING count(DISTINCT supplier_id) = 1
        ) AS m
        WHERE cs.supplier_id IS NULL AND cs.name_key IS NOT NULL AND cs.name_key = m.nk
    """


def link_counts() -> str:
    return "SELECT link_method, count(*) FROM contract_suppliers GROUP BY 1 ORDER BY 1"


# -- linkage ----------------------------------------------------------------------------------
LIVE_STAGES = "('award', 'contract')"
DEAD_STATUSES = "('cancelled', 'unsuccessful', 'withdrawn')"


def _council_literal(code: str) -> str:
    if not re.fullmatch(r"[A-Z]\d{8}", code):
        raise ValueError(f"not a GSS code: {code!r}")
    return f"'{code}'"


def linkage_base(
    council: str | None, by_category: bool, has_resolution: bool, has_classification: bool
) -> str:
    """Temporary views: payments keyed by supplier, contracts keyed the same way, and each payment
    group's allocation to at most one live contract.

    Supplier key: the resolved supplier where there is one, else the Companies House number, else
    the normalised name. A company number or name that resolved rows (spend or contract
    suppliers) tie to exactly one supplier maps to that supplier, and a name that rows tie to
    exactly one company number maps to that number, on both sides.
    """
    council_where = f"WHERE s.council_code = {_council_literal(council)}" if council else ""
    resolved = "ss.supplier_id" if has_resolution else "CAST(NULL AS VARCHAR)"
    resolved_join = "LEFT JOIN spend_suppliers ss ON ss.spend_id = s.spend_id" if has_resolution else ""
    if by_category and has_classification:
        category = "coalesce(sc.proclass_level1, 'unclassified')"
        class_join = "LEFT JOIN spend_classification sc ON sc.spend_id = s.spend_id"
    elif by_category:
        category = "coalesce(left(s.proclass_code, 2) || '0000', 'unclassified')"
        class_join = ""
    else:
        category, class_join = "CAST(NULL AS VARCHAR)", ""
    contract_category = (
        "coalesce(left(c.proclass_code, 2) || '0000', 'unclassified')"
        if by_category
        else "CAST(NULL AS VARCHAR)"
    )
    contract_council = f"AND c.council_code = {_council_literal(council)}" if council else ""
    return f"""
    CREATE OR REPLACE TEMP VIEW _cl_pay_raw AS
        SELECT s.council_code,
               {resolved} AS sid,
               {company_number_sql("s.company_number")} AS ch,
               {name_key_sql("s.supplier_name")} AS nk,
               s.supplier_name,
               coalesce(s.payment_date, s.period_end) AS day,
               {category} AS category,
               s.amount
        FROM spend s {resolved_join} {class_join}
        {council_where};
    CREATE OR REPLACE TEMP VIEW _cl_ids AS
        SELECT sid, ch, nk FROM _cl_pay_raw
        UNION ALL
        SELECT supplier_id, company_number, name_key FROM contract_suppliers;
    CREATE OR REPLACE TEMP VIEW _cl_map AS
        SELECT k, min(sid) AS sid FROM (
            SELECT 'C:' || ch AS k, sid FROM _cl_ids WHERE sid IS NOT NULL AND ch IS NOT NULL
            UNION ALL
            SELECT 'N:' || nk AS k, sid FROM _cl_ids WHERE sid IS NOT NULL AND nk IS NOT NULL
        ) GROUP BY k HAVING count(DISTINCT sid) = 1;
    CREATE OR REPLACE TEMP VIEW _cl_names AS
        SELECT nk, min(ch) AS ch FROM _cl_ids WHERE nk IS NOT NULL AND ch IS NOT NULL
        GROUP BY nk HAVING count(DISTINCT ch) = 1;
    CREATE OR REPLACE TEMP VIEW _cl_pay AS
        SELECT p.council_code,
               coalesce('S:' || p.sid, 'S:' || mc.sid, 'S:' || mn.sid, 'C:' || p.ch, 'C:' || nc.ch,
                        'N:' || p.nk) AS supplier_key,
               p.day, p.category, sum(p.amount) AS amount, count(*) AS payments,
               min(p.supplier_name) AS supplier_name
        FROM _cl_pay_raw p
        LEFT JOIN _cl_map mc ON mc.k = 'C:' || p.ch
        LEFT JOIN _cl_map mn ON mn.k = 'N:' || p.nk
        LEFT JOIN _cl_names nc ON nc.nk = p.nk
        WHERE coalesce(p.sid, p.ch, p.nk) IS NOT NULL
        GROUP BY ALL;
    CREATE OR REPLACE TEMP VIEW _cl_contract AS
        SELECT DISTINCT c.contract_id, c.council_code, c.title, c.value, c.start_date,
               coalesce(c.max_end_date, c.end_date) AS live_until, c.end_date, c.max_end_date,
               {contract_category} AS category,
               coalesce('S:' || cs.supplier_id, 'S:' || mc.sid, 'S:' || mn.sid,
                        'C:' || cs.company_number, 'C:' || nc.ch, 'N:' || cs.name_key) AS supplier_key,
               cs.supplier_name
        FROM contracts c
        JOIN contract_suppliers cs ON cs.contract_id = c.contract_id
        LEFT JOIN _cl_map mc ON mc.k = 'C:' || cs.company_number
        LEFT JOIN _cl_map mn ON mn.k = 'N:' || cs.name_key
        LEFT JOIN _cl_names nc ON nc.nk = cs.name_key
        WHERE c.council_code IS NOT NULL AND c.stage IN {LIVE_STAGES}
          AND coalesce(c.status, '') NOT IN {DEAD_STATUSES}
          AND coalesce(cs.supplier_id, cs.company_number, cs.name_key) IS NOT NULL
          {contract_council};
    CREATE OR REPLACE TEMP VIEW _cl_alloc AS
        SELECT p.*, (
            SELECT c.contract_id FROM _cl_contract c
            WHERE c.council_code = p.council_code AND c.supplier_key = p.supplier_key
              AND (c.start_date IS NULL OR c.start_date <= p.day)
              AND (c.live_until IS NULL OR p.day <= c.live_until)
            ORDER BY c.start_date DESC NULLS LAST, c.contract_id LIMIT 1
        ) AS contract_id, (
            SELECT c.contract_id FROM _cl_contract c
            WHERE c.council_code = p.council_code AND c.supplier_key = p.supplier_key
              AND c.live_until IS NOT NULL AND c.live_until < p.day
            ORDER BY c.live_until DESC, c.contract_id LIMIT 1
        ) AS ended_contract_id
        FROM _cl_pay p
    """


def contract_spend() -> str:
    """Per contract: payments allocated to it, after its end, and whether spend data covers it."""
    return """
        WITH cov AS (
            SELECT council_code, min(day) AS first_day, max(day) AS last_day FROM _cl_pay GROUP BY 1
        ), alloc AS (
            SELECT contract_id, sum(amount) AS spend, sum(payments) AS payments, min(day) AS first_payment,
                   max(day) AS last_payment
            FROM _cl_alloc WHERE contract_id IS NOT NULL GROUP BY 1
        ), after_end AS (
            SELECT ended_contract_id AS contract_id, sum(amount) AS spend_after_end,
                   sum(payments) AS payments_after_end, max(day) AS last_payment_after_end
            FROM _cl_alloc WHERE contract_id IS NULL AND ended_contract_id IS NOT NULL GROUP BY 1
        ), one AS (
            SELECT contract_id, any_value(council_code) AS council_code, any_value(title) AS title,
                   any_value(value) AS value, any_value(start_date) AS start_date,
                   any_value(end_date) AS end_date,
                   any_value(max_end_date) AS max_end_date, any_value(live_until) AS live_until,
                   string_agg(DISTINCT supplier_name, '; ' ORDER BY supplier_name) AS suppliers,
                   min(supplier_key) AS supplier_key
            FROM _cl_contract GROUP BY contract_id
        )
        SELECT one.contract_id, one.council_code, one.title, one.suppliers, one.supplier_key, one.value,
               one.start_date, one.end_date, one.max_end_date,
               coalesce(alloc.spend, 0) AS spend, coalesce(alloc.payments, 0) AS payments,
               alloc.first_payment, alloc.last_payment,
               coalesce(after_end.spend_after_end, 0) AS spend_after_end,
               coalesce(after_end.payments_after_end, 0) AS payments_after_end,
               after_end.last_payment_after_end,
               cov.first_day IS NOT NULL
                 AND (one.start_date IS NULL OR one.start_date <= cov.last_day)
                 AND (one.live_until IS NULL OR one.live_until >= cov.first_day) AS spend_data_covers
        FROM one
        LEFT JOIN alloc USING (contract_id)
        LEFT JOIN after_end USING (contract_id)
        LEFT JOIN cov ON cov.council_code = one.council_code
        ORDER BY one.council_code, one.contract_id
    """


def supplier_linkage() -> str:
    """Per council × supplier (× category): contracts against payments."""
    return """
        WITH pay AS (
            SELECT council_code, supplier_key, category,
                   sum(amount) AS spend,
                   sum(amount) FILTER (WHERE contract_id IS NOT NULL) AS spend_on_contract,
                   sum(amount) FILTER (WHERE contract_id IS NULL) AS spend_off_contract,
                   sum(amount) FILTER (WHERE contract_id IS NULL AND ended_contract_id IS NOT NULL)
                       AS spend_after_end,
                   sum(payments) AS payments,
                   min(supplier_name) AS supplier_name
            FROM _cl_alloc GROUP BY ALL
        ), con AS (
            SELECT council_code, supplier_key, category, count(DISTINCT contract_id) AS contracts,
                   sum(value) AS contract_value, min(supplier_name) AS supplier_name
            FROM (SELECT DISTINCT contract_id, council_code, supplier_key, category, value, supplier_name
                  FROM _cl_contract)
            GROUP BY ALL
        )
        SELECT coalesce(pay.council_code, con.council_code) AS council_code,
               coalesce(pay.supplier_key, con.supplier_key) AS supplier_key,
               coalesce(con.supplier_name, pay.supplier_name) AS supplier_name,
               coalesce(pay.category, con.category) AS category,
               coalesce(con.contracts, 0) AS contracts, con.contract_value,
               coalesce(pay.spend, 0) AS spend, coalesce(pay.spend_on_contract, 0) AS spend_on_contract,
               coalesce(pay.spend_off_contract, 0) AS spend_off_contract,
               coalesce(pay.spend_after_end, 0) AS spend_after_end, coalesce(pay.payments, 0) AS payments
        FROM pay FULL JOIN con
          ON pay.council_code = con.council_code AND pay.supplier_key = con.supplier_key
         AND pay.category IS NOT DISTINCT FROM con.category
        ORDER BY 1, 2, 4
    """


def drop_linkage_views() -> list[str]:
    views = ("_cl_alloc", "_cl_contract", "_cl_pay", "_cl_names", "_cl_map", "_cl_ids", "_cl_pay_raw")
    return [f"DROP VIEW IF EXISTS {v}" for v in views]


# -- pipeline ---------------------------------------------------------------------------------
def pipeline(council_filter: bool, min_value: bool) -> str:
    """Live awarded contracts whose current end or latest possible end falls in the window."""
    council = "AND c.council_code = $council" if council_filter else ""
    value = "AND c.value >= $min_value" if min_value else ""
    return f"""
        SELECT c.contract_id, c.council_code, k.name AS council_name, c.source, c.ocid, c.register_reference,
               c.title, c.description, c.department, c.cpv_code, c.proclass_code, c.proclass_label,
               c.category,
               c.main_category, c.value, c.annual_value, c.currency, c.start_date, c.end_date, c.max_end_date,
               c.procedure, c.status, c.notice_url,
               (SELECT string_agg(DISTINCT cs.supplier_name, '; ' ORDER BY cs.supplier_name)
                  FROM contract_suppliers cs WHERE cs.contract_id = c.contract_id) AS suppliers,
               (SELECT string_agg(DISTINCT cs.company_number, '; ' ORDER BY cs.company_number)
                  FROM contract_suppliers cs WHERE cs.contract_id = c.contract_id) AS company_numbers
        FROM contracts c LEFT JOIN councils k ON k.gss_code = c.council_code
        WHERE c.stage IN {LIVE_STAGES} AND coalesce(c.status, '') NOT IN {DEAD_STATUSES}
          AND coalesce(c.status, '') <> 'terminated'
          AND coalesce(c.max_end_date, c.end_date) >= $as_of
          AND ((c.end_date BETWEEN $as_of AND $horizon) OR (c.max_end_date BETWEEN $as_of AND $horizon))
          {council} {value}
        ORDER BY coalesce(c.end_date, c.max_end_date), c.contract_id
    """


def pipeline_unknown_values(council_filter: bool) -> str:
    council = "AND c.council_code = $council" if council_filter else ""
    return f"""
        SELECT count(*) FROM contracts c
        WHERE c.stage IN {LIVE_STAGES} AND coalesce(c.status, '') NOT IN {DEAD_STATUSES} AND c.value IS NULL
          AND coalesce(c.status, '') <> 'terminated' AND coalesce(c.max_end_date, c.end_date) >= $as_of
          AND ((c.end_date BETWEEN $as_of AND $horizon) OR (c.max_end_date BETWEEN $as_of AND $horizon))
          {council}
    """


def council_spend_last_year() -> str:
    return """
        SELECT sum(amount) FROM spend
        WHERE council_code = $council AND coalesce(payment_date, period_end) > $as_of - INTERVAL 1 YEAR
          AND coalesce(payment_date, period_end) <= $as_of
    """


# -- export -----------------------------------------------------------------------------------
def contracts_of_council() -> str:
    return "SELECT * FROM contracts WHERE council_code = ? ORDER BY contract_id"


def suppliers_of_council() -> str:
    return (
        "SELECT cs.* FROM contract_suppliers cs JOIN contracts c USING (contract_id) "
        "WHERE c.council_code = ? ORDER BY cs.contract_id, cs.supplier_name"
    )


def amendments_of_council() -> str:
    return (
        "SELECT a.* FROM contract_amendments a JOIN contracts c USING (contract_id) "
        "WHERE c.council_code = ? ORDER BY a.contract_id, a.amendment_date, a.amendment_id"
    )
