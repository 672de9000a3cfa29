-- Each effect keeps what its formula was evaluated to when it was recorded (as migrations/0007_effect_results.sql):
-- the canonical text and the result written inside the formula with its tolerance. The parsed tree is dropped
-- (with the rule that tied it to the formula). No ledger on PostgreSQL predates this version (the backend arrived at
-- version 9), so no recorded row needs the step SQLite's runner has for it.
ALTER TABLE effects DROP COLUMN formula_tree;
ALTER TABLE effects
    ADD COLUMN canonical TEXT CHECK (canonical IS NULL OR length(canonical) > 0),
    ADD COLUMN claim_minutes NUMERIC,
    ADD COLUMN claim_tolerance_minutes NUMERIC,
    ADD CHECK (canonical IS NULL OR formula IS NOT NULL),
    ADD CHECK ((claim_minutes IS NULL) = (claim_tolerance_minutes IS NULL)),
    ADD CHECK (claim_minutes IS NULL OR formula IS NOT NULL);
