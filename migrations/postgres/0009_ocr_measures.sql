-- AI-OCR measured per initiative and fiscal year (as migrations/0009_ocr_measures.sql).

CREATE TABLE ocr_measures (
    initiative_id      BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    fiscal_year        INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    form_type          TEXT CHECK (form_type IS NULL OR length(trim(form_type)) > 0),
    sheets             BIGINT CHECK (sheets IS NULL OR sheets >= 0),
    chars_read         BIGINT CHECK (chars_read IS NULL OR chars_read >= 0),
    chars_corrected    BIGINT CHECK (chars_corrected IS NULL OR chars_corrected >= 0),
    correction_minutes NUMERIC CHECK (correction_minutes IS NULL OR correction_minutes >= 0),
    CHECK (chars_corrected IS NULL OR chars_read IS NULL OR chars_corrected <= chars_read),
    CHECK (form_type IS NOT NULL OR sheets IS NOT NULL OR chars_read IS NOT NULL OR chars_corrected IS NOT NULL
           OR correction_minutes IS NOT NULL),
    PRIMARY KEY (initiative_id, fiscal_year)
);

CREATE INDEX ocr_measures_year ON ocr_measures (fiscal_year);
