//! The survey workbook's layout (調査票): the columns of the answer sheet (回答), in the order departments and other
//! tools rely on, with the header spellings departments use instead. The template, the importer and the ledger
//! export all use this one definition, which is what makes export → import lossless.

use unicode_normalization::UnicodeNormalization;

/// One column of the answer sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Column {
    LedgerId,
    Bureau,
    Section,
    Unit,
    Kind,
    Title,
    Tool,
    Status,
    Scenarios,
    StartDate,
    FiscalYear,
    Basis,
    BeforeMinutes,
    AfterMinutes,
    SavedMinutes,
    Count,
    Days,
    Formula,
    StatedHours,
    Note,
}

/// The answer sheet's name in the template.
pub const ANSWER_SHEET: &str = "回答";
/// The instructions sheet's name.
pub const INSTRUCTIONS_SHEET: &str = "記入要領";
/// The helper column after the twenty: hours the structured inputs give, as a live Excel formula. Ignored on import.
pub const HELPER_TITLE: &str = "自動計算(時間)";

impl Column {
    pub const ALL: [Column; 20] = [
        Column::LedgerId,
        Column::Bureau,
        Column::Section,
        Column::Unit,
        Column::Kind,
        Column::Title,
        Column::Tool,
        Column::Status,
        Column::Scenarios,
        Column::StartDate,
        Column::FiscalYear,
        Column::Basis,
        Column::BeforeMinutes,
        Column::AfterMinutes,
        Column::SavedMinutes,
        Column::Count,
        Column::Days,
        Column::Formula,
        Column::StatedHours,
        Column::Note,
    ];

    /// The header text in the template, exactly.
    pub fn title(self) -> &'static str {
        match self {
            Column::LedgerId => "管理番号",
            Column::Bureau => "部局",
            Column::Section => "課",
            Column::Unit => "係",
            Column::Kind => "区分",
            Column::Title => "業務名",
            Column::Tool => "ツール",
            Column::Status => "状況",
            Column::Scenarios => "シナリオ数",
            Column::StartDate => "運用開始日",
            Column::FiscalYear => "年度",
            Column::Basis => "算定区分",
            Column::BeforeMinutes => "導入前(分/件)",
            Column::AfterMinutes => "導入後(分/件)",
            Column::SavedMinutes => "削減時間(分/件)",
            Column::Count => "件数",
            Column::Days => "日数",
            Column::Formula => "算定式",
            Column::StatedHours => "削減時間(時間)",
            Column::Note => "備考",
        }
    }

    /// Other headers departments write for the same column.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::LedgerId => &["番号", "管理No", "管理No.", "ID", "取組番号", "整理番号"],
            Column::Bureau => &["部局名", "部", "局", "部等", "部局等"],
            Column::Section => &["所属", "所属名", "担当課", "課名", "課等", "所属課", "課等名"],
            Column::Unit => &["係名", "担当係", "グループ", "担当"],
            Column::Kind => &["種別", "分類", "種類", "区分(RPA/AI-OCR)"],
            Column::Title => &["事務名", "取組名", "対象業務", "業務", "業務名称", "事業名"],
            Column::Tool => &["製品", "製品名", "ツール名", "使用ツール", "製品・ツール"],
            Column::Status => &["状態", "事業段階", "ステータス", "進捗"],
            Column::Scenarios => &["シナリオ", "業務数", "ロボット数", "シナリオ本数"],
            Column::StartDate => &["開始日", "導入日", "稼働日", "運用開始", "稼働開始日", "導入時期"],
            Column::FiscalYear => &["対象年度", "年度(西暦)"],
            Column::Basis => &["効果区分", "算出区分", "算定の区分", "試算/実績"],
            Column::BeforeMinutes => &["導入前", "導入前(分)", "導入前(分/回)", "導入前の時間(分/件)"],
            Column::AfterMinutes => &["導入後", "導入後(分)", "導入後(分/回)", "導入後の時間(分/件)"],
            Column::SavedMinutes => &["削減時間(分)", "1件あたり削減時間", "削減時間(分/回)", "1件当たり削減時間(分)"],
            Column::Count => &["処理件数", "年間件数", "件数(年間)", "回数"],
            Column::Days => &["稼働日数", "年間日数", "日数(年間)"],
            Column::Formula => &["計算式", "算出根拠", "積算根拠", "算定根拠", "算出式"],
            Column::StatedHours => &[
                "年間削減時間",
                "削減時間(h)",
                "削減時間",
                "削減時間数",
                "効果(時間)",
                "年間削減時間(時間)",
                "年間削減時間(h)",
                "削減効果(時間)",
            ],
            Column::Note => &["メモ", "摘要", "備考欄", "特記事項"],
        }
    }

    /// Column width in the template, in Excel character units.
    pub fn width(self) -> f64 {
        match self {
            Column::LedgerId => 10.0,
            Column::Bureau | Column::Section => 14.0,
            Column::Unit => 10.0,
            Column::Kind => 11.0,
            Column::Title => 32.0,
            Column::Tool => 22.0,
            Column::Status => 8.0,
            Column::Scenarios | Column::Count | Column::Days => 8.0,
            Column::StartDate => 12.0,
            Column::FiscalYear => 12.0,
            Column::Basis => 9.0,
            Column::BeforeMinutes | Column::AfterMinutes | Column::SavedMinutes => 10.0,
            Column::Formula => 36.0,
            Column::StatedHours => 11.0,
            Column::Note => 30.0,
        }
    }

    /// Zero-based position in the template.
    pub fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// Recognises a header cell: the title or a synonym, ignoring width, spaces, line breaks and the kind of
    /// parentheses.
    pub fn from_header(text: &str) -> Option<Column> {
        // The keys of every title and synonym, normalised once: header location tries every cell of the first
        // rows, and normalising the ~100 names per cell was most of an import's time (BENCHMARKS.md).
        static KEYS: std::sync::LazyLock<Vec<(String, Column)>> = std::sync::LazyLock::new(|| {
            Column::ALL
                .into_iter()
                .flat_map(|c| {
                    std::iter::once(c.title()).chain(c.synonyms().iter().copied()).map(move |s| (header_key(s), c))
                })
                .collect()
        });
        let key = header_key(text);
        if key.is_empty() {
            return None;
        }
        KEYS.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
    }
}

/// The key headers are compared by: NFKC (full-width parentheses and letters become ASCII), no whitespace or line
/// breaks, ASCII lower case, `（）【】` as `()`.
pub fn header_key(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '【' | '〔' | '［' => '(',
            '】' | '〕' | '］' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// `A`, `B`, … `Z`, `AA`: the Excel letters of a zero-based column.
pub fn column_letters(mut col: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push((b'A' + (col % 26) as u8) as char);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_the_spellings_departments_use() {
        let cases = [
            ("管理番号", Some(Column::LedgerId)),
            ("所属", Some(Column::Section)),
            ("所属名", Some(Column::Section)),
            ("担当課", Some(Column::Section)),
            ("課名", Some(Column::Section)),
            ("事務名", Some(Column::Title)),
            ("取組名", Some(Column::Title)),
            ("年間削減時間", Some(Column::StatedHours)),
            ("削減時間（h）", Some(Column::StatedHours)),
            ("削減時間（時間）", Some(Column::StatedHours)),
            ("削減時間\n（時間）", Some(Column::StatedHours)),
            ("導入前（分／件）", Some(Column::BeforeMinutes)),
            ("削減時間(分/件)", Some(Column::SavedMinutes)),
            ("　業務名　", Some(Column::Title)),
            ("担当者連絡先", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Column::from_header(text), expected, "{text:?}");
        }
        for c in Column::ALL {
            assert_eq!(Column::from_header(c.title()), Some(c), "every title maps to its column");
        }
    }

    #[test]
    fn excel_column_letters() {
        let cases = [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")];
        for (col, letters) in cases {
            assert_eq!(column_letters(col), letters, "column {col}");
        }
    }
}
