-- Column mappings given for a section's return (`daicho import --map 年間削減時間=削減時間(時間)`), remembered so
-- that the section's next return in the same shape imports without asking. One row per section and header.

CREATE TABLE column_maps (
    unit_id      INTEGER NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
    -- The header's key (survey::header_key of the whole header, parent and child together).
    header_key   TEXT NOT NULL CHECK (length(header_key) > 0),
    -- The header as written, for people.
    header       TEXT NOT NULL,
    -- A column title of the answer sheet, or 無視 (not imported).
    target       TEXT NOT NULL CHECK (target IN ('管理番号', '部局', '課', '係', '区分', '業務名', 'ツール', '状況',
                     'シナリオ数', '運用開始日', '年度', '算定区分', '導入前(分/件)', '導入後(分/件)', '削減時間(分/件)',
                     '件数', '日数', '算定式', '削減時間(時間)', '備考', '無視')),
    at           TEXT NOT NULL CHECK (length(at) >= 19),
    actor        TEXT NOT NULL CHECK (length(trim(actor)) > 0),
    PRIMARY KEY (unit_id, header_key)
);
