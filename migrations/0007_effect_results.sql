-- Each effect keeps what its formula was evaluated to when it was recorded, so reports and screens never parse a
-- recorded formula again: the formula in canonical text with its result (`5分×40か所×245日＝49,000分（816.7時間）`),
-- and the result written inside the formula after ＝ with the tolerance it was written to (the 検算 of the formula's
-- own claim). The parsed tree (formula_tree) was never read and is no longer kept.
-- Rows recorded before this migration get their canonical text and claim from the migration runner, which parses
-- each stored formula once, in the same transaction, right after this file (db::sqlite::migrate).
CREATE TABLE effects_new (
    id                INTEGER PRIMARY KEY,
    initiative_id     INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    unit_id           INTEGER NOT NULL REFERENCES org_units (id) ON DELETE RESTRICT,
    fiscal_year       INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    basis             TEXT NOT NULL CHECK (basis IN ('試算', '試行', '実績')),
    formula           TEXT CHECK (formula IS NULL OR length(trim(formula)) > 0),
    canonical         TEXT CHECK (canonical IS NULL OR length(canonical) > 0),
    claim_minutes     TEXT CHECK (claim_minutes IS NULL OR (claim_minutes GLOB '*[0-9]*' AND claim_minutes NOT GLOB '*[^0-9.-]*')),
    claim_tolerance_minutes TEXT CHECK (claim_tolerance_minutes IS NULL OR (claim_tolerance_minutes GLOB '*[0-9]*' AND claim_tolerance_minutes NOT GLOB '*[^0-9.-]*')),
    structured        TEXT CHECK (structured IS NULL OR json_valid(structured)),
    computed_minutes  TEXT CHECK (computed_minutes IS NULL OR (computed_minutes GLOB '*[0-9]*' AND computed_minutes NOT GLOB '*[^0-9.-]*')),
    stated_hours      TEXT CHECK (stated_hours IS NULL OR (stated_hours GLOB '*[0-9]*' AND stated_hours NOT GLOB '*[^0-9.-]*')),
    note              TEXT,
    UNIQUE (initiative_id, fiscal_year, basis),
    -- A figure exists: computed from a formula, or stated.
    CHECK (computed_minutes IS NOT NULL OR stated_hours IS NOT NULL),
    -- A computed figure always comes with the formula it came from, and what it was evaluated to only with one.
    CHECK ((computed_minutes IS NULL) = (formula IS NULL)),
    CHECK (canonical IS NULL OR formula IS NOT NULL),
    CHECK ((claim_minutes IS NULL) = (claim_tolerance_minutes IS NULL)),
    CHECK (claim_minutes IS NULL OR formula IS NOT NULL),
    -- Structured inputs are rendered to a formula.
    CHECK (structured IS NULL OR formula IS NOT NULL)
);
INSERT INTO effects_new (id, initiative_id, unit_id, fiscal_year, basis, formula, structured, computed_minutes,
                         stated_hours, note)
SELECT id, initiative_id, unit_id, fiscal_year, basis, formula, structured, computed_minutes, stated_hours, note
FROM effects;
DROP TABLE effects;
ALTER TABLE effects_new RENAME TO effects;
CREATE INDEX effects_year ON effects (fiscal_year, basis);
CREATE INDEX effects_summary ON effects (fiscal_year, initiative_id, basis, unit_id, computed_minutes, stated_hours);
