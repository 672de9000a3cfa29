//! 年度 and 和暦: the fiscal year (1 April – 31 March), year labels and dates in every notation people use.

mod era;
mod style;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

pub use era::{ERAS, Era, year_text};
pub use style::DateStyle;

use crate::number::nfkc;

/// Why a year or a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiscalError {
    #[error("「{0}」を年度として読めません（例: 2023、2023年度、令和5年度、R5）")]
    Year(String),
    #[error("「{0}」を日付として読めません（例: 2023/4/1、2023-04-01、令和5年4月1日、R5.4.1）")]
    Date(String),
    #[error("「{text}」は存在しない日付です（{era}は{first}から{last}まで）")]
    OutsideEra { text: String, era: &'static str, first: String, last: String },
    #[error("「{text}」の和暦と西暦が一致しません（{era_year}年度と{western}年度）")]
    Inconsistent { text: String, era_year: i32, western: i32 },
    #[error("Excelの日付シリアル値 {0} は日付に変換できません")]
    Serial(String),
}

/// 年度: the fiscal year that starts on 1 April of `self.0`. 2023年度 = 2023-04-01 … 2024-03-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    /// The fiscal year a date falls in.
    pub fn of_date(date: NaiveDate) -> Self {
        FiscalYear(if date.month() >= 4 { date.year() } else { date.year() - 1 })
    }

    pub fn year(self) -> i32 {
        self.0
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The era a fiscal year is named in: the one in effect for most of the year, judged on 1 October. So
    /// fiscal 2019 is 令和元年度 (although April 2019 was still 平成31年) and fiscal 1988 is 昭和63年度.
    pub fn era(self) -> Option<(Era, i32)> {
        let mid = NaiveDate::from_ymd_opt(self.0, 10, 1)?;
        let era = Era::of_date(mid)?;
        Some((era, self.0 - era.base_year() + 1))
    }

    /// `令和5年度`, or `1920年度` before 昭和.
    pub fn wareki(self) -> String {
        match self.era() {
            Some((era, n)) => format!("{}{}年度", era.name(), year_text(n)),
            None => format!("{}年度", self.0),
        }
    }

    /// `令和5年度（2023）`: the label shown everywhere in Daicho. [`FiscalYear::parse`] reads it back.
    pub fn label(self) -> String {
        format!("{}（{}）", self.wareki(), self.0)
    }

    /// `R5`: the short form used in ledger ids such as `R5-0012`.
    pub fn short(self) -> String {
        match self.era() {
            Some((era, n)) => format!("{}{}", era.letter(), n),
            None => self.0.to_string(),
        }
    }

    /// Reads `2023`, `2023年度`, `FY2023`, `令和5年度`, `令和５年度`, `R5`, `R05`, `令和元年度`, `平成31年度`, `H30`,
    /// and the combined `令和5年度（2023）` / `2023（令和5年度）`, whose two halves must agree.
    pub fn parse(text: &str) -> Result<Self, FiscalError> {
        let bad = || FiscalError::Year(text.trim().to_string());
        let norm: String = nfkc(text).chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(open) = norm.find('(')
            && let Some(inner) = norm[open + 1..].strip_suffix(')')
        {
            let outer = &norm[..open];
            let a = parse_single_year(outer).ok_or_else(bad)?;
            let b = parse_single_year(inner).ok_or_else(bad)?;
            return if a == b {
                Ok(FiscalYear(a))
            } else {
                let (era_year, western) = if outer.starts_with(|c: char| c.is_ascii_digit()) { (b, a) } else { (a, b) };
                Err(FiscalError::Inconsistent { text: text.trim().to_string(), era_year, western })
            };
        }
        parse_single_year(&norm).map(FiscalYear).ok_or_else(bad)
    }
}

impl std::fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// The one fiscal year a sentence names with 年度 (「令和5年度 RPA導入効果一覧」, 「2023年度実績」, 「R5年度」); `None`
/// when it names none or several.
pub fn find_fiscal_year(text: &str) -> Option<FiscalYear> {
    let chars: Vec<char> = nfkc(text).chars().filter(|c| !c.is_whitespace()).collect();
    let mut found: Option<FiscalYear> = None;
    for end in 2..=chars.len() {
        if chars[end - 2..end] != ['年', '度'] {
            continue;
        }
        // The longest text before 年度 that reads as a year: 「令和5」, 「平成31」, 「R5」, 「2023」.
        let year = (end.saturating_sub(8)..end - 2).find_map(|start| {
            let candidate: String = chars[start..end].iter().collect();
            parse_single_year(&candidate)
        });
        if let Some(y) = year {
            match found {
                Some(f) if f.0 != y => return None,
                _ => found = Some(FiscalYear(y)),
            }
        }
    }
    found
}

fn strip_year_suffix(s: &str) -> &str {
    s.strip_suffix("年度").or_else(|| s.strip_suffix('年')).or_else(|| s.strip_suffix("度")).unwrap_or(s)
}

/// One year written alone (already NFKC-normalised, no spaces).
fn parse_single_year(s: &str) -> Option<i32> {
    let s = strip_year_suffix(s);
    let s = s.strip_prefix("FY").or_else(|| s.strip_prefix("fy")).unwrap_or(s);
    if s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        return (1900..=2200).contains(&y).then_some(y);
    }
    let (era, rest) = Era::from_prefix(s)?;
    let n = era_number(rest)?;
    Some(era.base_year() + n - 1)
}

/// `元`, `5`, `05`: a valid year of the era (checked against the era's length by the caller's era).
fn era_number(s: &str) -> Option<i32> {
    if s == "元" {
        return Some(1);
    }
    if s.is_empty() || s.len() > 2 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: i32 = s.parse().ok()?;
    (n >= 1).then_some(n)
}

/// Reads a date as people and spreadsheets write it: `2023/4/1`, `2023-04-01`, `2023.4.1`, `2023年4月1日`,
/// `20230401`, `令和5年4月1日`, `R5.4.1`, `H31/4/30`, `昭和58年4月1日`, or an Excel date serial (1900 system; use
/// [`from_excel_serial`] for 1904 workbooks). A time after a space (`2023/4/1 0:00:00`) is ignored. Era dates
/// must fall inside their era: `平成31年5月1日` and `令和元年4月30日` are refused.
pub fn parse_date(text: &str) -> Result<NaiveDate, FiscalError> {
    let bad = || FiscalError::Date(text.trim().to_string());
    let norm = nfkc(text);
    let norm = norm.split_whitespace().next().ok_or_else(bad)?;
    let norm = norm.strip_suffix('日').unwrap_or(norm);

    // Excel serials and yyyymmdd.
    if !norm.is_empty() && norm.chars().all(|c| c.is_ascii_digit() || c == '.') {
        if norm.len() == 8 && !norm.contains('.') {
            let (y, m, d) = (&norm[..4], &norm[4..6], &norm[6..]);
            return ymd(y.parse().ok(), m.parse().ok(), d.parse().ok()).ok_or_else(bad);
        }
        if norm.len() <= 12 && norm.matches('.').count() <= 1 {
            let serial: f64 = norm.parse().map_err(|_| bad())?;
            return from_excel_serial(serial, false);
        }
    }

    let fields: Vec<&str> = norm.split(['/', '-', '.', '年', '月']).filter(|f| !f.is_empty()).collect();
    let [year, month, day] = fields.as_slice() else {
        return Err(bad());
    };
    let (month, day) = (month.parse().ok(), day.parse().ok());
    if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) {
        return ymd(year.parse().ok(), month, day).ok_or_else(bad);
    }
    let (era, rest) = Era::from_prefix(year).ok_or_else(bad)?;
    let n = era_number(rest).ok_or_else(bad)?;
    let date = ymd(Some(era.base_year() + n - 1), month, day).ok_or_else(bad)?;
    if !era.contains(date) {
        return Err(FiscalError::OutsideEra {
            text: text.trim().to_string(),
            era: era.name(),
            first: era.first_day().format("%Y年%-m月%-d日").to_string(),
            last: era.last_day().map_or_else(|| "現在".to_string(), |d| d.format("%Y年%-m月%-d日").to_string()),
        });
    }
    Ok(date)
}

fn ymd(y: Option<i32>, m: Option<u32>, d: Option<u32>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y?, m?, d?)
}

/// Converts an Excel date serial to a date (the time of day, the fraction, is dropped).
///
/// In the 1900 system serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was (serial 60),
/// so serials from 61 on are one day ahead of a plain count; serial 60 is refused. In the 1904 system (old Mac
/// workbooks) serial 0 is 1904-01-01.
pub fn from_excel_serial(serial: f64, date1904: bool) -> Result<NaiveDate, FiscalError> {
    let bad = || FiscalError::Serial(serial.to_string());
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return Err(bad());
    }
    let days = serial.floor() as i64;
    let (base, offset) = if date1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1), days)
    } else if days == 60 || days == 0 {
        return Err(bad());
    } else if days < 60 {
        (NaiveDate::from_ymd_opt(1899, 12, 31), days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30), days)
    };
    base.and_then(|b| b.checked_add_signed(Duration::days(offset))).ok_or_else(bad)
}

/// `令和5年4月1日`: a date in 和暦 (dates before 昭和 in the Western calendar).
pub fn wareki_date(date: NaiveDate) -> String {
    match Era::of_date(date) {
        Some(era) => format!(
            "{}{}年{}月{}日",
            era.name(),
            year_text(date.year() - era.base_year() + 1),
            date.month(),
            date.day()
        ),
        None => date.format("%Y年%-m月%-d日").to_string(),
    }
}
