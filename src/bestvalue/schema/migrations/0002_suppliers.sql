-- Supplier resolution (owned by suppliers/). Interface relations other capabilities read:
--   suppliers(supplier_id, name, ...), spend_suppliers(spend_id, supplier_id, payee_kind, method, confidence)

-- One row per supplier entity (published names of organisations clustered into one identity).
CREATE TABLE suppliers (
    supplier_id VARCHAR PRIMARY KEY,     -- stable id ('S' + 10 hex), survives re-runs and new data
    name VARCHAR NOT NULL,               -- display name: the most used published name (or an override)
    company_number VARCHAR,              -- Companies House number (8 chars) published with its names
    charity_number VARCHAR,              -- registered charity number published with its names
    vat_number VARCHAR,                  -- VAT registration (9 digits) published with its names
    is_sme BOOLEAN,                      -- small or medium enterprise, where published (NULL if unknown)
    is_vcse BOOLEAN,                     -- charity / social-enterprise form or charity number (NULL if unknown)
    councils INTEGER NOT NULL DEFAULT 0, -- councils whose spend names it
    legal_form VARCHAR,                  -- company | plc | llp | lp | cic | cio | society | llc | foreign
    aliases INTEGER NOT NULL DEFAULT 0,  -- distinct published names linked to it
    payments BIGINT NOT NULL DEFAULT 0,  -- spend rows
    amount DECIMAL(18, 2) NOT NULL DEFAULT 0
);

-- One row per distinct published payee name ever seen (spend and contract suppliers).
CREATE TABLE supplier_aliases (
    published_name VARCHAR NOT NULL,     -- exactly as published ('' stands for a blank name)
    name_key VARCHAR,                    -- normalised name (suppliers only)
    supplier_id VARCHAR,                 -- NULL for individuals, redactions and blanks
    payee_kind VARCHAR NOT NULL,         -- supplier | individual | redacted | unknown
    method VARCHAR NOT NULL,             -- identifier | exact | fuzzy | override | single | none
    confidence DOUBLE NOT NULL,          -- of the link (suppliers) or of the payee kind (others)
    evidence VARCHAR,                    -- how the link or the kind was decided, in words
    company_number VARCHAR,              -- identifiers published with this name (normalised, most used)
    charity_number VARCHAR,
    vat_number VARCHAR,
    payments BIGINT NOT NULL DEFAULT 0,  -- spend rows with this name
    councils INTEGER NOT NULL DEFAULT 0, -- councils publishing this name
    truncated BOOLEAN NOT NULL DEFAULT false, -- cut at its council's field width
    first_seen TIMESTAMP,
    rules_version VARCHAR                -- version of the rule tables that resolved it
);

-- Ids retired when entities merged: follow old_supplier_id -> supplier_id.
CREATE TABLE supplier_redirects (
    old_supplier_id VARCHAR NOT NULL,
    supplier_id VARCHAR,
    redirected_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The analyst overrides last applied (kept so that every later run applies them too).
CREATE TABLE supplier_overrides (
    line INTEGER,
    action VARCHAR NOT NULL,             -- merge | split | kind | name
    name VARCHAR NOT NULL,
    other VARCHAR NOT NULL,
    note VARCHAR,
    source VARCHAR,
    loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One row per resolution run.
CREATE TABLE supplier_runs (
    run_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    names INTEGER NOT NULL,
    suppliers INTEGER NOT NULL,
    individuals INTEGER NOT NULL,
    redacted INTEGER NOT NULL,
    fuzzy_links INTEGER NOT NULL,
    refused_links INTEGER NOT NULL,
    overrides VARCHAR,
    rules_version VARCHAR,
    seconds DOUBLE
);

-- One row per spend row (every row once resolution has run, rows ingested since then have none).
CREATE VIEW spend_suppliers AS
SELECT s.spend_id, a.supplier_id, a.payee_kind, a.method, a.confidence
FROM spend s
JOIN supplier_aliases a ON a.published_name = coalesce(s.supplier_name, '');
