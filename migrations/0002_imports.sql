-- Imports of survey returns: one row per committed file, for idempotency (the content hash), the history list and
-- submission tracking (which units a file reported for which fiscal years).

CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL CHECK (length(trim(file_name)) > 0),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    at           TEXT NOT NULL CHECK (length(at) >= 19),
    actor        TEXT NOT NULL CHECK (length(trim(actor)) > 0),
    created      INTEGER NOT NULL CHECK (created >= 0),
    updated      INTEGER NOT NULL CHECK (updated >= 0),
    unchanged    INTEGER NOT NULL CHECK (unchanged >= 0),
    warnings     TEXT NOT NULL CHECK (json_valid(warnings) AND json_type(warnings) = 'array')
);
CREATE INDEX imports_sha256 ON imports (sha256);

CREATE TABLE import_units (
    import_id    INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES org_units (id) ON DELETE RESTRICT,
    fiscal_year  INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    PRIMARY KEY (import_id, unit_id, fiscal_year)
);
CREATE INDEX import_units_year ON import_units (fiscal_year, unit_id);
