-- Supplier resolution (owned by suppliers/). Interface relations other capabilities read:
--   suppliers(supplier_id, name, ...), spend_suppliers(spend_id, supplier_id, payee_kind, method, confidence)
CREATE TABLE suppliers (
    supplier_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    company_number VARCHAR,
    charity_number VARCHAR,
    vat_number VARCHAR,
    is_sme BOOLEAN,
    is_vcse BOOLEAN,
    councils INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE supplier_aliases (
    published_name VARCHAR NOT NULL,
    name_key VARCHAR,
    supplier_id VARCHAR,
    payee_kind VARCHAR NOT NULL,         -- supplier | individual | redacted
    method VARCHAR NOT NULL,             -- identifier | exact | fuzzy | override | none
    confidence DOUBLE NOT NULL,
    evidence VARCHAR
);

CREATE TABLE spend_suppliers (
    spend_id BIGINT NOT NULL,
    supplier_id VARCHAR,
    payee_kind VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL
);
