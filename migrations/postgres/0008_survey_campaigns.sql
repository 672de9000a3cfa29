-- The spring survey (as migrations/0008_survey_campaigns.sql): one campaign per fiscal year with its deadline, and
-- where each section's return stands: 未提出 → 受付 (date, file) → 確認中 → 差戻し (reasons) → 確定.

CREATE TABLE survey_campaigns (
    fiscal_year INTEGER PRIMARY KEY CHECK (fiscal_year BETWEEN 1900 AND 2200),
    deadline    DATE NOT NULL,
    started_on  DATE NOT NULL,
    closed_on   DATE
);

CREATE TABLE survey_returns (
    fiscal_year INTEGER NOT NULL REFERENCES survey_campaigns (fiscal_year) ON DELETE CASCADE,
    section_id  BIGINT NOT NULL REFERENCES org_units (id),
    state       TEXT NOT NULL CHECK (state IN ('未提出', '受付', '確認中', '差戻し', '確定')),
    received_on DATE,
    file_name   TEXT,
    reasons     TEXT,
    CHECK ((state = '未提出') = (received_on IS NULL)),
    CHECK (state <> '差戻し' OR length(trim(coalesce(reasons, ''))) > 0),
    PRIMARY KEY (fiscal_year, section_id)
);
