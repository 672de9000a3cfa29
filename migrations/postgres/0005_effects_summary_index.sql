-- The summary's covering index (as migrations/0005_effects_summary_index.sql).
CREATE INDEX effects_summary ON effects (fiscal_year, initiative_id, basis, unit_id, computed_minutes, stated_hours);
