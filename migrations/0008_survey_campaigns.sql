-- The spring survey (照会 → 回答 → 督促 → 集約): one campaign per fiscal year with its deadline, and where each
-- section's return stands: 未提出 → 受付 (date, file) → 確認中 → 差戻し (reasons) → 確定.

CREATE TABLE survey_campaigns (
    fiscal_year INTEGER PRIMARY KEY CHECK (fiscal_year BETWEEN 1900 AND 2200),
    deadline    TEXT NOT NULL CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    started_on  TEXT NOT NULL CHECK (started_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    closed_on   TEXT CHECK (closed_on IS NULL OR closed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);

CREATE TABLE survey_returns (
    fiscal_year INTEGER NOT NULL REFERENCES survey_campaigns (fiscal_year) ON DELETE CASCADE,
    section_id  INTEGER NOT NULL REFERENCES org_units (id),
    state       TEXT NOT NULL CHECK (state IN ('未提出', '受付', '確認中', '差戻し', '確定')),
    received_on TEXT CHECK (received_on IS NULL OR received_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    file_name   TEXT,
    -- What the section must fix (差戻し).
    reasons     TEXT,
    -- A return that was received has its date; one not yet received has none.
    CHECK ((state = '未提出') = (received_on IS NULL)),
    CHECK (state <> '差戻し' OR length(trim(ifnull(reasons, ''))) > 0),
    PRIMARY KEY (fiscal_year, section_id)
);
