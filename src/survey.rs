//! The survey workbook's layout (調査票): the columns of the answer sheet (回答), in the order departments and other
//! tools rely on, with the header spellings departments use instead. The template, the importer and the ledger
//! export all use this one definition, which is what makes export → import lossless.

use unicode_normalization::UnicodeNormalization;

/// One column of the answer sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    LedgerId,
    Bureau,
    Section,
    /// 係
    Team,
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
    /// AI-OCR: the form read (帳票の種類).
    FormType,
    /// AI-OCR: forms read in the year (読取枚数).
    Sheets,
    /// AI-OCR: characters read, and those corrected by hand.
    CharsRead,
    CharsCorrected,
    /// AI-OCR: minutes spent correcting in the year.
    CorrectionMinutes,
}

/// A column is written as its title (`削減時間(時間)`), as people read it.
impl serde::Serialize for Column {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.title())
    }
}

/// The label of the instructions sheet's row naming the section (or 部局) a survey file was sent to.
pub const ADDRESSEE_LABEL: &str = "回答する所属";
/// The label of the row naming the fiscal year a survey file asks about.
pub const SURVEY_YEAR_LABEL: &str = "調査の年度";

/// The answer sheet's name in the template.
pub const ANSWER_SHEET: &str = "回答";
/// The instructions sheet's name.
pub const INSTRUCTIONS_SHEET: &str = "記入要領";
/// The helper column after the survey's columns: hours the structured inputs give, as a live Excel formula. Ignored on import.
pub const HELPER_TITLE: &str = "自動計算(時間)";

impl Column {
    pub const ALL: [Column; 25] = [
        Column::LedgerId,
        Column::Bureau,
        Column::Section,
        Column::Team,
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
        Column::FormType,
        Column::Sheets,
        Column::CharsRead,
        Column::CharsCorrected,
        Column::CorrectionMinutes,
    ];

    /// The header text in the template, exactly.
    pub fn title(self) -> &'static str {
        match self {
            Column::LedgerId => "管理番号",
            Column::Bureau => "部局",
            Column::Section => "課",
            Column::Team => "係",
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
            Column::FormType => "帳票の種類",
            Column::Sheets => "読取枚数",
            Column::CharsRead => "読取文字数",
            Column::CharsCorrected => "修正文字数",
            Column::CorrectionMinutes => "修正時間(分)",
        }
    }

    /// Column width in the template, in Excel character units.
    pub fn width(self) -> f64 {
        match self {
            Column::LedgerId => 10.0,
            Column::Bureau | Column::Section => 14.0,
            Column::Team => 10.0,
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
            Column::FormType => 20.0,
            Column::Sheets | Column::CharsRead | Column::CharsCorrected | Column::CorrectionMinutes => 10.0,
        }
    }

    /// Zero-based position in the template.
    pub fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// Recognises a header cell: the title or another spelling departments write (`import/vocabulary.txt`),
    /// ignoring width, spaces, line breaks and the kind of parentheses.
    pub fn from_header(text: &str) -> Option<Column> {
        crate::import::vocabulary::column(text)
    }
}

/// The key headers are compared by: NFKC (full-width parentheses and letters become ASCII), no whitespace or line
/// breaks, ASCII lower case, `（）【】` as `()`.
pub fn header_key(text: &str) -> String {
    let key = |c: char| match c {
        '【' | '〔' | '［' => '(',
        '】' | '〕' | '］' => ')',
        c => c.to_ascii_lowercase(),
    };
    if crate::number::is_nfkc(text) {
        return text.chars().filter(|c| !c.is_whitespace()).map(key).collect();
    }
    text.nfkc().filter(|c| !c.is_whitespace()).map(key).collect()
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
    fn excel_column_letters() {
        let cases = [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")];
        for (col, letters) in cases {
            assert_eq!(column_letters(col), letters, "column {col}");
        }
    }
}
