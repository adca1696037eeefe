-- Contracts (owned by contracts/). Interface relations other capabilities read:
--   contracts(contract_id, council_code, title, value, start_date, end_date, max_end_date, ...),
--   contract_suppliers(contract_id, supplier_id, ...)
CREATE TABLE contracts (
    contract_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,             -- ocds | register
    ocid VARCHAR,
    register_reference VARCHAR,
    buyer_name VARCHAR,
    council_code VARCHAR,
    title VARCHAR,
    description VARCHAR,
    cpv_code VARCHAR,
    proclass_code VARCHAR,
    value DECIMAL(18, 2),
    currency VARCHAR,
    start_date DATE,
    end_date DATE,
    max_end_date DATE,                   -- end date including possible extensions
    procedure VARCHAR,
    status VARCHAR
);

CREATE TABLE contract_suppliers (
    contract_id VARCHAR NOT NULL,
    supplier_name VARCHAR,
    supplier_id VARCHAR,
    company_number VARCHAR
);
