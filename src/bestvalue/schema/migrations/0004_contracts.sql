-- Contracts (owned by contracts/). Interface relations other capabilities read:
--   contracts(contract_id, council_code, title, value, start_date, end_date, max_end_date, ...),
--   contract_suppliers(contract_id, supplier_id, ...)

-- One row per contract file (or archive member) offered to `bestvalue ingest contracts`.
CREATE TABLE contract_sources (
    source_id INTEGER PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    status VARCHAR NOT NULL,             -- loaded | failed
    error VARCHAR,
    format VARCHAR,                      -- release_package | record_package | release | releases | json_lines | register | embedded_ocds
    council_code VARCHAR,                -- the council the whole file is about, when it says or --council does
    items INTEGER NOT NULL DEFAULT 0,    -- releases, records or register rows found (= loaded + rejected + skipped)
    loaded INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    contracts INTEGER NOT NULL DEFAULT 0, -- contract rows this file produced or refreshed
    columns JSON,                        -- register field -> published header
    notes JSON,
    ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Every OCDS release loaded, as published (compiled records are rebuilt from these).
CREATE TABLE ocds_releases (
    source_id INTEGER NOT NULL,
    item INTEGER NOT NULL,               -- position of the release in its file (1-based)
    ocid VARCHAR NOT NULL,
    release_id VARCHAR,
    release_date VARCHAR NOT NULL,
    tags VARCHAR,                        -- comma-separated release tags
    release JSON NOT NULL
);

CREATE TABLE contracts (
    contract_id VARCHAR PRIMARY KEY,     -- {ocid}/{award id} | {ocid} (no award yet) | register/{council}/{reference}/{n}
    source VARCHAR NOT NULL,             -- ocds | register
    source_id INTEGER,
    ocid VARCHAR,
    award_id VARCHAR,
    register_reference VARCHAR,          -- the buyer's own reference (register reference, OCDS tender.id)
    stage VARCHAR NOT NULL,              -- planning | tender | award | contract
    buyer_name VARCHAR,
    council_code VARCHAR,
    title VARCHAR,
    description VARCHAR,
    department VARCHAR,
    cpv_code VARCHAR,
    proclass_code VARCHAR,
    proclass_label VARCHAR,
    category VARCHAR,                    -- the publisher's own category text
    main_category VARCHAR,               -- goods | services | works
    value DECIMAL(18, 2),
    annual_value DECIMAL(18, 2),
    currency VARCHAR,
    start_date DATE,
    end_date DATE,                       -- current end (after extensions taken, or early termination)
    original_end_date DATE,
    max_end_date DATE,                   -- end date including possible extensions
    review_date DATE,
    duration_months DOUBLE,
    extension_months DOUBLE,
    procedure VARCHAR,                   -- open | selective | limited | direct (OCDS method codelist) or as published
    procedure_details VARCHAR,
    status VARCHAR,                      -- OCDS codelist value: planned | active | pending | complete | cancelled | unsuccessful | terminated ...
    status_details VARCHAR,
    notice_type VARCHAR,                 -- UK notice type (UK1..UK17) or the release tags
    suitable_sme BOOLEAN,
    suitable_vcse BOOLEAN,
    final_stage_bids INTEGER,
    sme_final_stage_bids INTEGER,
    vcse_final_stage_bids INTEGER,
    amendments INTEGER NOT NULL DEFAULT 0,
    published_date TIMESTAMP,
    notice_url VARCHAR,
    extra JSON
);

CREATE TABLE contract_suppliers (
    contract_id VARCHAR NOT NULL,
    supplier_name VARCHAR,
    supplier_id VARCHAR,                 -- suppliers.supplier_id once linked
    company_number VARCHAR,              -- normalised Companies House number (8 characters)
    identifier_scheme VARCHAR,           -- as published (GB-COH, GB-CHC, ...)
    identifier VARCHAR,
    name_key VARCHAR,                    -- normalised name for linking by name
    is_sme BOOLEAN,
    is_vcse BOOLEAN,
    postcode VARCHAR,
    link_method VARCHAR                  -- company_number | name | resolver | NULL (not linked)
);

-- Changes to a contracting process: amendment objects and amendment/update/termination releases.
CREATE TABLE contract_amendments (
    contract_id VARCHAR NOT NULL,
    amendment_id VARCHAR,
    amendment_date VARCHAR,
    kind VARCHAR,                        -- amendment | tenderAmendment | awardUpdate | contractAmendment | contractTermination ...
    rationale VARCHAR,
    description VARCHAR
);

-- Items (releases, records, register rows) that could not be loaded, with the reason.
CREATE TABLE contract_rejects (
    source_id INTEGER NOT NULL,
    item INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    raw_text VARCHAR
)
