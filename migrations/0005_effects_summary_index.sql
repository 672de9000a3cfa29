-- A summary reads five small columns of every figure of a year; the rows themselves also carry the formula, its
-- structured inputs and notes, several times larger. This covering index lets the summary read only what it needs,
-- in initiative order (BENCHMARKS.md: a year of a million figures).
CREATE INDEX effects_summary ON effects (fiscal_year, initiative_id, basis, unit_id, computed_minutes, stated_hours);
