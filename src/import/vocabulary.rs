//! The words of returns as data (`vocabulary.txt`): header spellings of each answer-sheet column, row-number headers,
//! total labels, note marks and basis words. Read once, looked up by key.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::ledger::Basis;
use crate::number::nfkc;
use crate::survey::{Column, header_key};

const TEXT: &str = include_str!("vocabulary.txt");

/// What a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderWord {
    Field(Column),
    /// 番号, No., 連番: row numbers, never 管理番号.
    RowNumber,
    /// The template's live helper column.
    Helper,
}

/// Which lines a total row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TotalLevel {
    /// 小計 and a group's 計: the lines since the previous total.
    Group,
    /// 合計, 総計: every line above it.
    All,
}

struct Vocabulary {
    headers: HashMap<String, HeaderWord>,
    /// Longest first, so a label is matched by the most specific word (総合計 before 合計).
    totals: Vec<(String, TotalLevel)>,
    note_starts: Vec<String>,
    note_whole: Vec<String>,
    /// Longest first, so 試行実績 is found before 実績.
    basis: Vec<(String, Basis)>,
    /// The same words as header keys, longest first.
    basis_keys: Vec<(String, Basis)>,
}

/// The entries of one `[section]`: (name, spellings).
fn section(name: &str) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in TEXT.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = s == name;
            continue;
        }
        if !inside {
            continue;
        }
        if let Some((head, rest)) = line.split_once(':') {
            let spellings = rest.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            out.push((head.trim(), spellings));
        }
    }
    out
}

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    let mut headers = HashMap::new();
    for (title, spellings) in section("columns") {
        if let Some(c) = Column::ALL.into_iter().find(|c| c.title() == title) {
            for s in std::iter::once(title).chain(spellings) {
                headers.insert(header_key(s), HeaderWord::Field(c));
            }
        }
    }
    for (_, spellings) in section("row numbers") {
        for s in spellings {
            headers.insert(header_key(s), HeaderWord::RowNumber);
        }
    }
    for (_, spellings) in section("helper") {
        for s in spellings {
            headers.insert(header_key(s), HeaderWord::Helper);
        }
    }
    let mut totals: Vec<(String, TotalLevel)> = Vec::new();
    for (level, spellings) in section("totals") {
        let level = if level == "小計" { TotalLevel::Group } else { TotalLevel::All };
        totals.extend(spellings.into_iter().map(|s| (header_key(s), level)));
    }
    totals.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    let notes = section("notes");
    let list = |name: &str| -> Vec<String> {
        notes.iter().filter(|(n, _)| *n == name).flat_map(|(_, s)| s.iter().map(|w| nfkc(w))).collect()
    };
    let mut basis: Vec<(String, Basis)> = section("basis")
        .into_iter()
        .filter_map(|(b, spellings)| Basis::parse(b).map(|b| (b, spellings)))
        .flat_map(|(b, spellings)| spellings.into_iter().map(move |s| (nfkc(s), b)))
        .collect();
    basis.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    let mut basis_keys: Vec<(String, Basis)> = basis.iter().map(|(w, b)| (header_key(w), *b)).collect();
    basis_keys.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    Vocabulary { headers, totals, note_starts: list("始まり"), note_whole: list("全体"), basis, basis_keys }
});

/// What a header (or a parent and child header written together) names, by its key.
pub(crate) fn header_word(key: &str) -> Option<HeaderWord> {
    VOCABULARY.headers.get(key).copied()
}

/// The answer-sheet column a header names, if any.
pub(crate) fn column(text: &str) -> Option<Column> {
    match header_word(&header_key(text)) {
        Some(HeaderWord::Field(c)) => Some(c),
        _ => None,
    }
}

/// The bases a text names (a title, a header, a cell), each once, in the order found.
pub(crate) fn bases_in(text: &str) -> Vec<Basis> {
    let text = nfkc(text);
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        for (word, basis) in &VOCABULARY.basis {
            let w: Vec<char> = word.chars().collect();
            if chars[i..].starts_with(&w) {
                if !found.contains(basis) {
                    found.push(*basis);
                }
                i += w.len();
                continue 'outer;
            }
        }
        i += 1;
    }
    found
}

/// The basis words removed from a header, when the header is a basis word in parentheses or at either end of a name:
/// 「年間削減時間（見込み）」 → (「年間削減時間」, 試算). `None` when no basis word is found.
pub(crate) fn strip_basis(key: &str) -> Option<(String, Basis)> {
    // Every basis word has one of these characters; most headers have none.
    if !key.contains(['見', '試', '実', '推', '換']) {
        return None;
    }
    for (w, basis) in &VOCABULARY.basis_keys {
        if !key.contains(w.as_str()) {
            continue;
        }
        let paren = format!("({w})");
        if let Some(at) = key.find(&paren) {
            let rest = format!("{}{}", &key[..at], &key[at + paren.len()..]);
            return Some((rest, *basis));
        }
        if let Some(rest) = key.strip_prefix(w.as_str()).or_else(|| key.strip_suffix(w.as_str())) {
            return Some((rest.to_string(), *basis));
        }
    }
    None
}

/// The basis a header level consists of entirely (a parent 「実績」 over 「算定式」 and 「時間」).
pub(crate) fn basis_word(key: &str) -> Option<Basis> {
    VOCABULARY.basis_keys.iter().find(|(w, _)| w == key).map(|(_, b)| *b)
}

/// A cell's text reduced for label matching: its header key without any brackets or colons.
fn label_key(text: &str) -> String {
    header_key(text).chars().filter(|c| !matches!(c, '(' | ')' | ':' | '・' | '-' | '_')).collect()
}

/// Whether a cell's text is the label of a total row, and which lines it covers. `is_group` tells whether a name
/// (the text before a final 計) is a group the table is divided by, such as a 部局 or 課 of the organisation.
pub(crate) fn total_label(text: &str, is_group: impl Fn(&str) -> bool) -> Option<TotalLevel> {
    // Every total word ends in 計 (a CJK character with no other width); most cells have none.
    if !text.contains('計') {
        return None;
    }
    let key = label_key(text);
    if key.is_empty() || key.chars().count() > 24 {
        return None;
    }
    if let Some((_, level)) = VOCABULARY.totals.iter().find(|(w, _)| *w == key) {
        return Some(*level);
    }
    // 「総務部小計」「総務部 合計」「全体合計」: a name and a total word is that group's total, unless the name is the
    // whole organisation.
    for (word, _) in &VOCABULARY.totals {
        if word.chars().count() < 2 {
            continue;
        }
        if let Some(prefix) = key.strip_suffix(word.as_str())
            && !prefix.is_empty()
        {
            let whole = ["全体", "全庁", "全", "総", "市全体", "全部局", "全課"].contains(&prefix);
            return Some(if whole { TotalLevel::All } else { TotalLevel::Group });
        }
    }
    // 「総務部計」: 計 after a name is a total only when the name is a group (「統計」「設計」「会計」 are not).
    let prefix = key.strip_suffix('計')?;
    (!prefix.is_empty() && is_group(prefix)).then_some(TotalLevel::Group)
}

/// Whether a cell's text is a note (「※時間は見込み」「注1 …」「以上」).
pub(crate) fn is_note(text: &str) -> bool {
    let t = nfkc(text);
    VOCABULARY.note_whole.contains(&t) || VOCABULARY.note_starts.iter().any(|s| t.starts_with(s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_vocabulary_is_read() {
        for (title, _) in section("columns") {
            assert!(Column::ALL.iter().any(|c| c.title() == title), "[columns] {title} is a column of the template");
        }
        for c in Column::ALL {
            assert_eq!(column(c.title()), Some(c), "every title maps to its column");
        }
        assert!(section("totals").iter().all(|(l, _)| *l == "小計" || *l == "合計"), "two total levels");
        assert!(section("basis").iter().all(|(b, _)| Basis::parse(b).is_some()), "each basis is a 算定区分");
    }

    #[test]
    fn headers_in_the_spellings_departments_use() {
        let cases = [
            ("管理番号", Some(HeaderWord::Field(Column::LedgerId))),
            ("所属", Some(HeaderWord::Field(Column::Section))),
            ("担当課", Some(HeaderWord::Field(Column::Section))),
            ("業務名称", Some(HeaderWord::Field(Column::Title))),
            ("年間削減時間", Some(HeaderWord::Field(Column::StatedHours))),
            ("削減時間（ｈ）", Some(HeaderWord::Field(Column::StatedHours))),
            ("削減時間\n（時間）", Some(HeaderWord::Field(Column::StatedHours))),
            ("削減効果時間", Some(HeaderWord::Field(Column::StatedHours))),
            ("効果算出根拠", Some(HeaderWord::Field(Column::Formula))),
            ("算出根拠", Some(HeaderWord::Field(Column::Formula))),
            ("導入前（分／件）", Some(HeaderWord::Field(Column::BeforeMinutes))),
            ("番号", Some(HeaderWord::RowNumber)),
            ("No.", Some(HeaderWord::RowNumber)),
            ("ＮＯ．", Some(HeaderWord::RowNumber)),
            ("連番", Some(HeaderWord::RowNumber)),
            ("自動計算(時間)", Some(HeaderWord::Helper)),
            ("担当者連絡先", None),
        ];
        for (text, expected) in cases {
            assert_eq!(header_word(&header_key(text)), expected, "{text:?}");
        }
    }

    #[test]
    fn total_labels_and_notes() {
        let groups = |name: &str| ["総務部", "こども部", "保育課"].contains(&name);
        let cases = [
            ("小計", Some(TotalLevel::Group)),
            ("小　計", Some(TotalLevel::Group)),
            ("【小計】", Some(TotalLevel::Group)),
            ("合計", Some(TotalLevel::All)),
            ("合 計", Some(TotalLevel::All)),
            ("総計", Some(TotalLevel::All)),
            ("計", Some(TotalLevel::All)),
            ("（計）", Some(TotalLevel::All)),
            ("総務部計", Some(TotalLevel::Group)),
            ("総務部 計", Some(TotalLevel::Group)),
            ("こども部小計", Some(TotalLevel::Group)),
            ("こども部 合計", Some(TotalLevel::Group)),
            ("全体合計", Some(TotalLevel::All)),
            ("統計", None),
            ("会計年度任用職員の勤怠集計", None),
            ("設計", None),
            ("業務集計", None),
            ("給与計算の自動化", None),
        ];
        for (text, expected) in cases {
            assert_eq!(total_label(text, groups), expected, "{text:?}");
        }
        for note in ["※時間は見込みです", "＊R6年度は試行", "注1 件数は推計", "（注）見込み", "以上", "備考：別途積算"]
        {
            assert!(is_note(note), "{note:?} is a note");
        }
        for line in ["注文書の読取", "備考欄の転記", "文書収受の登録"] {
            assert!(!is_note(line), "{line:?} is not a note");
        }
    }

    #[test]
    fn basis_words_in_titles_and_headers() {
        assert_eq!(bases_in("令和5年度 RPA導入効果一覧（見込み）"), [Basis::Estimate]);
        assert_eq!(bases_in("令和5年度 試行実績"), [Basis::Trial], "試行実績 is a 試行, not also a 実績");
        assert_eq!(bases_in("実績及び見込み"), [Basis::Actual, Basis::Estimate]);
        assert!(bases_in("RPA導入効果一覧").is_empty());
        assert_eq!(strip_basis(&header_key("年間削減時間（見込）")), Some(("年間削減時間".into(), Basis::Estimate)));
        assert_eq!(basis_word(&header_key("実績")), Some(Basis::Actual));
    }
}
