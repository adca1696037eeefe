-- Spend classification (owned by classify/). Interface relation other capabilities read:
--   spend_classification(spend_id, proclass_code, proclass_level1, is_it, confidence, method, reason)
CREATE TABLE spend_classification (
    spend_id BIGINT NOT NULL,
    proclass_code VARCHAR,
    proclass_level1 VARCHAR,
    is_it BOOLEAN,
    confidence DOUBLE NOT NULL DEFAULT 0,
    method VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);
