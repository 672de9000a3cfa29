-- Daicho schema, version 1. Append-only: once landed, this file is never edited; later changes are new files.
-- Decimals (minutes, hours) are stored as text so they stay exact; the library does all arithmetic.
-- Every constraint here mirrors a domain rule, so bad data cannot enter by any path (CLI, app, or a hand edit).

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    level       TEXT NOT NULL CHECK (level IN ('bureau', 'section', 'unit')),
    parent_id   INTEGER REFERENCES org_units (id) ON DELETE RESTRICT,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    name_key    TEXT NOT NULL CHECK (length(name_key) > 0),
    code        TEXT CHECK (code IS NULL OR length(trim(code)) > 0),
    valid_from  INTEGER CHECK (valid_from IS NULL OR valid_from BETWEEN 1900 AND 2200),
    valid_to    INTEGER CHECK (valid_to IS NULL OR valid_to BETWEEN 1900 AND 2200),
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to),
    CHECK ((level = 'bureau') = (parent_id IS NULL))
);
CREATE UNIQUE INDEX org_units_sibling_name ON org_units (level, ifnull(parent_id, 0), name_key, ifnull(valid_from, 0));
CREATE UNIQUE INDEX org_units_code ON org_units (code) WHERE code IS NOT NULL;

-- A section's parent is a bureau; a unit's (係) parent is a section.
CREATE TRIGGER org_units_parent_level_insert BEFORE INSERT ON org_units
WHEN NEW.parent_id IS NOT NULL AND (SELECT level FROM org_units WHERE id = NEW.parent_id)
     IS NOT (CASE NEW.level WHEN 'section' THEN 'bureau' WHEN 'unit' THEN 'section' END)
BEGIN
    SELECT RAISE(ABORT, 'org_units: parent has the wrong level');
END;
CREATE TRIGGER org_units_parent_level_update BEFORE UPDATE OF parent_id, level ON org_units
WHEN NEW.parent_id IS NOT NULL AND (SELECT level FROM org_units WHERE id = NEW.parent_id)
     IS NOT (CASE NEW.level WHEN 'section' THEN 'bureau' WHEN 'unit' THEN 'section' END)
BEGIN
    SELECT RAISE(ABORT, 'org_units: parent has the wrong level');
END;

-- A rename keeps the unit (and every figure attached to it); the name changes from a fiscal year on.
CREATE TABLE org_renames (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    name_key    TEXT NOT NULL CHECK (length(name_key) > 0),
    from_year   INTEGER NOT NULL CHECK (from_year BETWEEN 1900 AND 2200),
    UNIQUE (unit_id, from_year)
);

-- Other spellings of a unit's name.
CREATE TABLE org_aliases (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
    alias       TEXT NOT NULL CHECK (length(trim(alias)) > 0),
    alias_key   TEXT NOT NULL CHECK (length(alias_key) > 0),
    UNIQUE (unit_id, alias_key)
);

-- A merge ends a unit and names its successor; a unit is merged at most once.
CREATE TABLE org_merges (
    id           INTEGER PRIMARY KEY,
    from_unit_id INTEGER NOT NULL UNIQUE REFERENCES org_units (id) ON DELETE CASCADE,
    into_unit_id INTEGER NOT NULL REFERENCES org_units (id) ON DELETE RESTRICT,
    fiscal_year  INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    CHECK (from_unit_id <> into_unit_id)
);

CREATE TABLE initiatives (
    id              INTEGER PRIMARY KEY,
    ledger_id       TEXT NOT NULL UNIQUE CHECK (length(trim(ledger_id)) > 0),
    kind            TEXT NOT NULL CHECK (kind IN ('RPA', 'AI-OCR', 'RPA+AI-OCR', 'その他')),
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    unit_id         INTEGER NOT NULL REFERENCES org_units (id) ON DELETE RESTRICT,
    tool            TEXT,
    vendor          TEXT,
    status          TEXT NOT NULL CHECK (status IN ('検討中', '開発中', '試行中', '運用中', '停止', '廃止')),
    started_on      TEXT CHECK (started_on IS NULL OR date(started_on) IS started_on),
    scenario_count  INTEGER CHECK (scenario_count IS NULL OR scenario_count >= 0),
    owner           TEXT,
    notes           TEXT
);
CREATE INDEX initiatives_unit ON initiatives (unit_id);

CREATE TABLE status_history (
    id              INTEGER PRIMARY KEY,
    initiative_id   INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    status          TEXT NOT NULL CHECK (status IN ('検討中', '開発中', '試行中', '運用中', '停止', '廃止')),
    changed_on      TEXT NOT NULL CHECK (date(changed_on) IS changed_on),
    note            TEXT
);
CREATE INDEX status_history_initiative ON status_history (initiative_id, changed_on);

CREATE TABLE evaluations (
    initiative_id    INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    fiscal_year      INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    grade            TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
    reason           TEXT,
    reviewer_comment TEXT,
    PRIMARY KEY (initiative_id, fiscal_year)
);

CREATE TABLE effects (
    id                INTEGER PRIMARY KEY,
    initiative_id     INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    unit_id           INTEGER NOT NULL REFERENCES org_units (id) ON DELETE RESTRICT,
    fiscal_year       INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    basis             TEXT NOT NULL CHECK (basis IN ('試算', '試行', '実績')),
    formula           TEXT CHECK (formula IS NULL OR length(trim(formula)) > 0),
    formula_tree      TEXT CHECK (formula_tree IS NULL OR json_valid(formula_tree)),
    structured        TEXT CHECK (structured IS NULL OR json_valid(structured)),
    computed_minutes  TEXT CHECK (computed_minutes IS NULL OR (computed_minutes GLOB '*[0-9]*' AND computed_minutes NOT GLOB '*[^0-9.-]*')),
    stated_hours      TEXT CHECK (stated_hours IS NULL OR (stated_hours GLOB '*[0-9]*' AND stated_hours NOT GLOB '*[^0-9.-]*')),
    note              TEXT,
    UNIQUE (initiative_id, fiscal_year, basis),
    -- A figure exists: computed from a formula, or stated.
    CHECK (computed_minutes IS NOT NULL OR stated_hours IS NOT NULL),
    -- A computed figure always comes with the formula it came from, and a tree only with a formula.
    CHECK ((computed_minutes IS NULL) = (formula IS NULL)),
    CHECK ((formula_tree IS NULL) = (formula IS NULL)),
    -- Structured inputs are rendered to a formula.
    CHECK (structured IS NULL OR formula IS NOT NULL)
);
CREATE INDEX effects_year ON effects (fiscal_year, basis);

CREATE TABLE targets (
    id          INTEGER PRIMARY KEY,
    fiscal_year INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    bureau_id   INTEGER REFERENCES org_units (id) ON DELETE RESTRICT,
    hours       TEXT NOT NULL CHECK (hours GLOB '*[0-9]*' AND hours NOT GLOB '*[^0-9.-]*')
);
CREATE UNIQUE INDEX targets_year_bureau ON targets (fiscal_year, ifnull(bureau_id, 0));
CREATE TRIGGER targets_bureau_level BEFORE INSERT ON targets
WHEN NEW.bureau_id IS NOT NULL AND (SELECT level FROM org_units WHERE id = NEW.bureau_id) IS NOT 'bureau'
BEGIN
    SELECT RAISE(ABORT, 'targets: a target belongs to the whole organisation or to a bureau');
END;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY CHECK (key IN ('rounding.mode', 'rounding.unit', 'rounding.scope', 'adopt',
                                          'hours_per_person_year', 'yen_per_hour', 'hours_per_day',
                                          'organisation_name')),
    value TEXT NOT NULL
);

-- Who changed what, when, with the record before and after. Append-only.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL CHECK (length(at) >= 19),
    actor       TEXT NOT NULL CHECK (length(trim(actor)) > 0),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    before      TEXT CHECK (before IS NULL OR json_valid(before)),
    after       TEXT CHECK (after IS NULL OR json_valid(after)),
    CHECK ((action = 'create' AND before IS NULL AND after IS NOT NULL)
        OR (action = 'update' AND before IS NOT NULL AND after IS NOT NULL)
        OR (action = 'delete' AND before IS NOT NULL AND after IS NULL))
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
