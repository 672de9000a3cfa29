//! 和暦 — the Japanese eras that matter for municipal records, with their boundaries exact to the day.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// 昭和: 1926-12-25 to 1989-01-07.
    Showa,
    /// 平成: 1989-01-08 to 2019-04-30.
    Heisei,
    /// 令和: from 2019-05-01.
    Reiwa,
}

pub const ERAS: [Era; 3] = [Era::Showa, Era::Heisei, Era::Reiwa];

impl Era {
    pub fn name(self) -> &'static str {
        match self {
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The letter used in abbreviations such as `R5` or `H30`.
    pub fn letter(self) -> char {
        match self {
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    pub fn first_day(self) -> NaiveDate {
        let (y, m, d) = match self {
            Era::Showa => (1926, 12, 25),
            Era::Heisei => (1989, 1, 8),
            Era::Reiwa => (2019, 5, 1),
        };
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the era, or `None` for the current one.
    pub fn last_day(self) -> Option<NaiveDate> {
        match self {
            Era::Showa => NaiveDate::from_ymd_opt(1989, 1, 7),
            Era::Heisei => NaiveDate::from_ymd_opt(2019, 4, 30),
            Era::Reiwa => None,
        }
    }

    /// The Western year of the era's year 1 (元年).
    pub fn base_year(self) -> i32 {
        self.first_day().year()
    }

    /// The highest era year that exists (`昭和64`, `平成31`); the current era has none.
    pub fn last_year(self) -> Option<i32> {
        self.last_day().map(|d| d.year() - self.base_year() + 1)
    }

    /// Reads `令和`, `平成`, `昭和` or their letters `R`, `H`, `S` (either case).
    pub fn from_prefix(text: &str) -> Option<(Era, &str)> {
        for era in ERAS {
            if let Some(rest) = text.strip_prefix(era.name()) {
                return Some((era, rest));
            }
        }
        let mut chars = text.chars();
        let first = chars.next()?.to_ascii_uppercase();
        ERAS.into_iter().find(|e| e.letter() == first).map(|e| (e, chars.as_str()))
    }

    /// The era in effect on a date.
    pub fn of_date(date: NaiveDate) -> Option<Era> {
        ERAS.into_iter().rev().find(|e| date >= e.first_day())
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.first_day() && self.last_day().is_none_or(|last| date <= last)
    }
}

/// `元` for year 1, the number otherwise: 令和元年, 令和5年.
pub fn year_text(n: i32) -> String {
    if n == 1 { "元".to_string() } else { n.to_string() }
}
