-- Column mappings remembered per section and header (as migrations/0006_column_maps.sql).

CREATE TABLE column_maps (
    unit_id      BIGINT NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
    header_key   TEXT NOT NULL CHECK (length(header_key) > 0),
    header       TEXT NOT NULL,
    target       TEXT NOT NULL CHECK (target IN ('管理番号', '部局', '課', '係', '区分', '業務名', 'ツール', '状況',
                     'シナリオ数', '運用開始日', '年度', '算定区分', '導入前(分/件)', '導入後(分/件)', '削減時間(分/件)',
                     '件数', '日数', '算定式', '削減時間(時間)', '備考', '無視')),
    at           TEXT NOT NULL CHECK (length(at) >= 19),
    actor        TEXT NOT NULL CHECK (length(trim(actor)) > 0),
    PRIMARY KEY (unit_id, header_key)
);
