-- Spend classification (owned by classify/). Interface relation other capabilities read:
--   spend_classification(spend_id, proclass_code, proclass_level1, is_it, confidence, method, reason)
-- One row per spend row, rewritten by every `bestvalue classify` run.
--   proclass_code    ProClass v17 code, as deep as the evidence allows (NULL: no category decided)
--   proclass_level1  head code of the code's level-1 group ('270000' for ICT); NULL with proclass_code
--   is_it            TRUE: ICT spend (ProClass level 1 "Information Communication Technology");
--                    FALSE: not ICT; NULL: unclassified
--   confidence       0-1, how sure the deciding method is
--   method           published_proclass | council_category | supplier_profile | text_model | unclassified
--   reason           one short sentence a person can check
--   payment_kind     purchase | not_purchase (tax, pay, transfers) | NULL (not known)
CREATE TABLE spend_classification (
    spend_id BIGINT NOT NULL,
    proclass_code VARCHAR,
    proclass_level1 VARCHAR,
    is_it BOOLEAN,
    confidence DOUBLE NOT NULL DEFAULT 0,
    method VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    payment_kind VARCHAR
);

-- ProClass v17 (586 codes), loaded from classify/data/proclass_17.csv by the classify step.
CREATE TABLE proclass (
    code VARCHAR PRIMARY KEY,
    level1 VARCHAR NOT NULL,             -- level-1 name
    level2 VARCHAR,                      -- level-2 name ('' at level 1)
    level3 VARCHAR,                      -- level-3 name ('' at levels 1-2)
    clarification VARCHAR,
    level INTEGER NOT NULL,              -- 1, 2 or 3
    level1_code VARCHAR NOT NULL,        -- head code of the level-1 group
    level2_code VARCHAR NOT NULL,        -- code of the level-2 group (the code itself at levels 1-2)
    label VARCHAR NOT NULL,              -- "level1 > level2 > level3"
    is_ict BOOLEAN NOT NULL
);

-- CPV 2008 main vocabulary (9,454 codes), loaded from classify/data/cpv_2008.csv.gz.
CREATE TABLE cpv (
    code VARCHAR PRIMARY KEY,            -- with check digit, e.g. 72000000-5
    code8 VARCHAR NOT NULL,              -- the 8 digits
    description VARCHAR NOT NULL
);

-- The documented CPV -> ProClass crosswalk (classify/data/cpv_proclass.csv): longest prefix wins.
CREATE TABLE cpv_proclass (
    cpv_prefix VARCHAR PRIMARY KEY,      -- leading CPV digits, e.g. '72', '302', '642'
    cpv_code VARCHAR NOT NULL,           -- the CPV code the prefix stands for
    cpv_description VARCHAR NOT NULL,
    proclass_code VARCHAR NOT NULL,
    proclass_level1 VARCHAR NOT NULL,    -- level-1 name of proclass_code
    scope VARCHAR NOT NULL,              -- ict (detailed ICT mapping) | coarse (level-1 only)
    note VARCHAR
);

-- What each supplier's spend was categorised as by strong evidence (published ProClass, council
-- categories) across all councils; the classifier's third method reads it.
CREATE TABLE classification_supplier_profiles (
    supplier_key VARCHAR PRIMARY KEY,    -- resolved supplier_id, else 'name:' + normalised name
    evidence_rows BIGINT NOT NULL,       -- spend rows with strong evidence
    councils INTEGER NOT NULL,
    evidence_gross DOUBLE NOT NULL,      -- £ (sum of |amount|) of those rows
    it_share DOUBLE NOT NULL,            -- share of that £ that is ICT
    top_level1 VARCHAR,                  -- dominant level-1 head code (or 'NONPROC')
    top_share DOUBLE,                    -- its share of the categorised £
    top_code VARCHAR,                    -- dominant code within that level 1
    top_code_share DOUBLE                -- its share within the level 1
);

-- Which rule each normalised wording matched (NULL: none), for one version of the rule table; a run
-- matches only wordings it has not seen, since matching is the costly part.
CREATE TABLE classification_rule_matches (
    wording VARCHAR NOT NULL,
    rule VARCHAR,
    rules_version VARCHAR NOT NULL
);

-- One row per classify run.
CREATE TABLE classification_runs (
    run_at TIMESTAMP NOT NULL,
    spend_rows BIGINT NOT NULL,
    combinations BIGINT NOT NULL,
    seconds DOUBLE NOT NULL,
    model VARCHAR,                       -- model file id (sha256 prefix) used
    methods JSON                         -- method -> rows
)
