-- Insights (owned by analytics/). Read-only relations over spend, suppliers and classification.

-- ICT sub-categories: every ProClass v17 ICT code (27xxxx) with the level-2 group it belongs to,
-- the group named by its head code. Source: ProClass v17 (OGL v3), see analytics/data/README.md.
CREATE TABLE ict_categories (
    proclass_code VARCHAR PRIMARY KEY,   -- a ProClass v17 ICT code
    category_code VARCHAR NOT NULL,      -- head code of its level-2 group
    category_label VARCHAR NOT NULL,     -- level-2 name
    label VARCHAR NOT NULL               -- the code's own name (level 2 / level 3)
);

INSERT INTO ict_categories VALUES
    ('270000', '270000', 'ICT (sub-category not stated)', 'Information Communication Technology'),
    ('271000', '271000', 'Call systems', 'Call Systems'),
    ('271100', '271100', 'Consumables', 'Consumables'),
    ('271200', '271200', 'Hardware', 'Hardware'),
    ('271210', '271210', 'Leasing', 'Leasing'),
    ('271400', '271400', 'Office and reprographics equipment', 'Office & Reprographics Equipment'),
    ('271501', '271501', 'Services', 'Services'),
    ('271510', '271501', 'Services', 'Services: Application Service Provision'),
    ('271516', '271501', 'Services', 'Services: Cloud Services'),
    ('271513', '271501', 'Services', 'Services: Disaster Recovery'),
    ('271514', '271501', 'Services', 'Services: Disposal of Storage Media'),
    ('271517', '271501', 'Services', 'Services: Internet Service Provision'),
    ('271300', '271501', 'Services', 'Services: Maintenance & Support'),
    ('271420', '271501', 'Services', 'Services: Online Services'),
    ('271515', '271501', 'Services', 'Services: Website Development'),
    ('271599', '271501', 'Services', 'Services: Not Elsewhere Classified'),
    ('271440', '271440', 'Software', 'Software'),
    ('271430', '271440', 'Software', 'Software: Commercial Off-The-Shelf'),
    ('271600', '271440', 'Software', 'Software: Customised & Bespoke'),
    ('272000', '271440', 'Software', 'Software: Mobile App Development'),
    ('271499', '271440', 'Software', 'Software: Not Elsewhere Classified'),
    ('271699', '271699', 'Telecommunications', 'Telecommunications'),
    ('271900', '271699', 'Telecommunications', 'Telecommunications: Airwave'),
    ('271700', '271699', 'Telecommunications', 'Telecommunications: Fixed'),
    ('271800', '271699', 'Telecommunications', 'Telecommunications: Mobile'),
    ('271799', '271699', 'Telecommunications', 'Telecommunications: Not Elsewhere Classified'),
    ('279999', '279999', 'ICT not elsewhere classified', 'Not Elsewhere Classified');

-- Every spend row with its resolved supplier, its classification, its financial year and quarter.
--   spend_date      payment date, else the first day of the period the file covers
--   financial_year  April-March, by its starting calendar year (2021 = April 2021 to March 2022)
--   fy_quarter      1 = April-June ... 4 = January-March
--   supplier_id     resolved supplier entity; while resolution has not run for the row (no
--                   spend_suppliers row), 'name:' + the published name lower-cased and single-spaced;
--                   NULL for individuals and redacted payees
--   supplier        display name: the entity's name, the published name while unresolved, or
--                   'Redacted or individual payee'
--   department      department, else service area, else '(not stated)'
--   it_status       it | not_it | unclassified (the classifier's is_it; when that is blank, whether the
--                   ProClass level-1 code is ICT, 27xxxx)
--   ict_category    head code of the ICT sub-category for IT rows ('270000' when not stated)
--   payment_kind    from classification: purchase | not_purchase (tax, pay, transfers) | NULL
CREATE VIEW spend_enriched AS
SELECT
    s.spend_id,
    s.source_id,
    s.source_line,
    s.council_code,
    coalesce(s.payment_date, s.period_start) AS spend_date,
    CAST(year(coalesce(s.payment_date, s.period_start))
         - CASE WHEN month(coalesce(s.payment_date, s.period_start)) < 4 THEN 1 ELSE 0 END AS INTEGER)
        AS financial_year,
    CAST((month(coalesce(s.payment_date, s.period_start)) + 8) % 12 // 3 + 1 AS INTEGER) AS fy_quarter,
    s.date_basis,
    s.amount,
    s.supplier_name AS published_supplier,
    s.supplier_id AS local_supplier_id,
    s.company_number,
    ss.payee_kind,
    ss.method AS supplier_method,
    ss.confidence AS supplier_confidence,
    CASE
        WHEN ss.payee_kind IN ('individual', 'redacted', 'unknown') THEN NULL
        WHEN ss.spend_id IS NOT NULL THEN ss.supplier_id
        WHEN nullif(trim(s.supplier_name), '') IS NOT NULL
            THEN 'name:' || lower(regexp_replace(trim(s.supplier_name), '\s+', ' ', 'g'))
    END AS supplier_id,
    CASE
        WHEN ss.payee_kind IN ('individual', 'redacted') THEN 'Redacted or individual payee'
        WHEN ss.payee_kind = 'unknown' THEN '(not stated)'
        WHEN sup.name IS NOT NULL THEN sup.name
        ELSE coalesce(nullif(trim(s.supplier_name), ''), '(not stated)')
    END AS supplier,
    coalesce(nullif(trim(s.department), ''), nullif(trim(s.service_area), ''), '(not stated)') AS department,
    s.expense_type,
    s.description,
    s.invoice_number,
    s.transaction_number,
    s.is_purchase_card,
    c.proclass_code,
    c.proclass_level1,
    c.confidence AS classification_confidence,
    c.method AS classification_method,
    c.payment_kind,
    CASE
        WHEN c.is_it THEN 'it'
        WHEN c.is_it = false THEN 'not_it'
        WHEN left(c.proclass_level1, 2) = '27' THEN 'it'
        WHEN c.proclass_level1 IS NOT NULL THEN 'not_it'
        ELSE 'unclassified'
    END AS it_status,
    CASE
        WHEN c.is_it OR (c.is_it IS NULL AND left(c.proclass_level1, 2) = '27')
            THEN coalesce(ict.category_code, '270000')
    END AS ict_category,
    ss.spend_id IS NOT NULL AS supplier_resolved
FROM spend s
LEFT JOIN spend_suppliers ss ON ss.spend_id = s.spend_id
LEFT JOIN suppliers sup ON sup.supplier_id = ss.supplier_id
LEFT JOIN spend_classification c ON c.spend_id = s.spend_id
LEFT JOIN ict_categories ict ON ict.proclass_code = c.proclass_code;

-- A materialised copy of spend_enriched, sorted by council and financial year, that the insights
-- read instead of the view while it is up to date (`bestvalue insight refresh`, or the pipeline's
-- analytics step, rebuilds it). Same columns as spend_enriched.
CREATE TABLE insight_spend AS SELECT * FROM spend_enriched LIMIT 0;

-- What insight_spend was built from: a fingerprint of spend, suppliers and classification.
CREATE TABLE insight_state (
    fingerprint VARCHAR NOT NULL,        -- counts and hashes of the upstream relations when built
    built_at TIMESTAMP NOT NULL,
    rows BIGINT NOT NULL,                -- rows in insight_spend
    seconds DOUBLE NOT NULL              -- time the build took
);
