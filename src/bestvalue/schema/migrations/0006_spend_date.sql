-- The spend date of a row whose published date lies outside the period its file covers (a monthly
-- file listing a 2019 "transaction date") is the period's start: the file says when it was paid,
-- the date is an invoice or transaction date. Ingest marks such rows date_basis = 'outside_period'
-- (more than 31 days outside); this migration marks rows loaded before it and redefines
-- spend_enriched. insight_spend is rebuilt from the view by the next analytics step.

UPDATE spend SET date_basis = 'outside_period'
WHERE payment_date IS NOT NULL AND period_start IS NOT NULL AND period_end IS NOT NULL
  AND (payment_date < period_start - INTERVAL 31 DAY OR payment_date > period_end + INTERVAL 31 DAY);

-- As migration 0005, except:
--   spend_date      payment date, else the first day of the period the row's file covers; the
--                   period's first day also when date_basis = 'outside_period'
CREATE OR REPLACE VIEW spend_enriched AS
SELECT
    s.spend_id,
    s.source_id,
    s.source_line,
    s.council_code,
    s.spend_date,
    CAST(year(s.spend_date) - CASE WHEN month(s.spend_date) < 4 THEN 1 ELSE 0 END AS INTEGER)
        AS financial_year,
    CAST((month(s.spend_date) + 8) % 12 // 3 + 1 AS INTEGER) AS fy_quarter,
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
FROM (
    SELECT *,
        CASE WHEN date_basis = 'outside_period' THEN period_start ELSE coalesce(payment_date, period_start) END
            AS spend_date
    FROM spend
) s
LEFT JOIN spend_suppliers ss ON ss.spend_id = s.spend_id
LEFT JOIN suppliers sup ON sup.supplier_id = ss.supplier_id
LEFT JOIN spend_classification c ON c.spend_id = s.spend_id
LEFT JOIN ict_categories ict ON ict.proclass_code = c.proclass_code;

DELETE FROM insight_spend;
DELETE FROM insight_state;
