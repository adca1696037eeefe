-- Councils (reference data, reloaded from the package on every migration run).
CREATE TABLE councils (
    gss_code VARCHAR PRIMARY KEY,
    la_code VARCHAR,
    name VARCHAR NOT NULL,
    official_name VARCHAR NOT NULL,
    tier VARCHAR NOT NULL,
    type_name VARCHAR,
    nation VARCHAR,
    region VARCHAR,
    population INTEGER,
    start_date DATE,
    end_date DATE,
    replaced_by VARCHAR,
    rural_urban VARCHAR,
    rural_urban_broad VARCHAR,
    peer_label VARCHAR,
    county_la_code VARCHAR
);

-- One row per file (or archive member) offered to ingest.
CREATE TABLE sources (
    source_id INTEGER PRIMARY KEY,
    file_name VARCHAR NOT NULL,          -- the file's own name
    path VARCHAR NOT NULL,               -- where it was read from (archive!member for archives)
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    status VARCHAR NOT NULL,             -- loaded | replaced | failed
    error VARCHAR,
    council_code VARCHAR,
    period_start DATE,
    period_end DATE,
    period_basis VARCHAR,                -- cli | file_name | preamble | period_column | payment_dates
    encoding VARCHAR,
    delimiter VARCHAR,
    read_method VARCHAR,                 -- polars | csv | sheet
    header_line INTEGER,
    columns JSON,                        -- canonical field -> published header
    notes JSON,
    rows INTEGER NOT NULL DEFAULT 0,     -- records found (= loaded + rejected + skipped)
    loaded INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    skipped_kinds JSON,                  -- kind -> records
    amount_loaded DECIMAL(18, 2) NOT NULL DEFAULT 0,
    ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    replaced_by INTEGER
);

-- One row per loaded payment line.
CREATE TABLE spend (
    spend_id BIGINT NOT NULL,            -- source_id * 2^32 + source_line
    source_id INTEGER NOT NULL,
    source_line INTEGER NOT NULL,
    council_code VARCHAR NOT NULL,
    payment_date DATE,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    date_basis VARCHAR NOT NULL,         -- payment_date | period_column | effective_date | source_period
    amount DECIMAL(18, 2) NOT NULL,
    irrecoverable_vat DECIMAL(18, 2),
    supplier_name VARCHAR,
    supplier_id VARCHAR,
    company_number VARCHAR,
    charity_number VARCHAR,
    vat_number VARCHAR,
    department VARCHAR,
    service_area VARCHAR,
    expense_type VARCHAR,
    expense_group VARCHAR,
    expense_code VARCHAR,
    description VARCHAR,
    council_category VARCHAR,
    proclass_code VARCHAR,
    proclass_label VARCHAR,
    capital_revenue VARCHAR,
    transaction_number VARCHAR,
    invoice_number VARCHAR,
    is_purchase_card BOOLEAN NOT NULL DEFAULT false,
    merchant_category VARCHAR,
    extra VARCHAR                        -- JSON object: unmapped published columns, header -> value
);

-- Lines that look like data but could not be loaded.
CREATE TABLE spend_rejects (
    source_id INTEGER NOT NULL,
    source_line INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    raw_text VARCHAR
);
