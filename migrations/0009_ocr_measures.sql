-- AI-OCR measured as AI-OCR teams measure it, per initiative and fiscal year: the form read (帳票の種類), forms read
-- (読取枚数), characters read and corrected (so 正読率 = (read − corrected) ÷ read), and the time spent correcting
-- (minutes, exact text). Every figure may be missing; existing ledgers start with none.

CREATE TABLE ocr_measures (
    initiative_id      INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    fiscal_year        INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    form_type          TEXT CHECK (form_type IS NULL OR length(trim(form_type)) > 0),
    sheets             INTEGER CHECK (sheets IS NULL OR sheets >= 0),
    chars_read         INTEGER CHECK (chars_read IS NULL OR chars_read >= 0),
    chars_corrected    INTEGER CHECK (chars_corrected IS NULL OR chars_corrected >= 0),
    correction_minutes TEXT CHECK (correction_minutes IS NULL
                                   OR (correction_minutes GLOB '[0-9]*' AND correction_minutes NOT GLOB '*[^0-9.]*')),
    -- A correction is of characters that were read.
    CHECK (chars_corrected IS NULL OR chars_read IS NULL OR chars_corrected <= chars_read),
    -- A row says something.
    CHECK (form_type IS NOT NULL OR sheets IS NOT NULL OR chars_read IS NOT NULL OR chars_corrected IS NOT NULL
           OR correction_minutes IS NOT NULL),
    PRIMARY KEY (initiative_id, fiscal_year)
);

CREATE INDEX ocr_measures_year ON ocr_measures (fiscal_year);
