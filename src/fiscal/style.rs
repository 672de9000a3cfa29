//! How a date is shown: `令和6年4月1日`, `R6.4.1` or `2024-04-01`. A person's choice of display (the app keeps it
//! per user); every style reads back through [`super::parse_date`], so a date shown in a form is a date the form
//! accepts.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::era::Era;

/// 日付の表示: the three ways municipal staff write a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DateStyle {
    /// `令和6年4月1日`, `令和元年5月1日`: as documents write dates. The default.
    #[default]
    Wareki,
    /// `R6.4.1`, `H31.4.30`: the era's letter and numbers, as tables write dates (year 1 as `R1`, as in `R1-0012`).
    Short,
    /// `2024-04-01`: the Western calendar, ISO 8601.
    Iso,
}

impl DateStyle {
    pub const ALL: [DateStyle; 3] = [DateStyle::Wareki, DateStyle::Short, DateStyle::Iso];

    /// The word the app's preferences file and the UI hold: `wareki`, `short`, `iso` (as serde writes it).
    pub fn key(self) -> &'static str {
        match self {
            DateStyle::Wareki => "wareki",
            DateStyle::Short => "short",
            DateStyle::Iso => "iso",
        }
    }

    /// Reads [`DateStyle::key`] back.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key.trim())
    }

    /// A date in this style. Before 昭和 (1926-12-25) there is no era to name, so the era styles write the Western
    /// year: `1926年12月24日`, `1926.12.24`.
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            DateStyle::Wareki => super::wareki_date(date),
            DateStyle::Short => match Era::of_date(date) {
                Some(era) => {
                    format!("{}{}.{}.{}", era.letter(), date.year() - era.base_year() + 1, date.month(), date.day())
                }
                None => format!("{}.{}.{}", date.year(), date.month(), date.day()),
            },
            DateStyle::Iso => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// A moment the ledger recorded (RFC 3339, `2024-04-01T09:05:00+09:00`), as its writer's clock read it: the
    /// date in this style and the time to the minute, `令和6年4月1日 09:05`. Text that is not RFC 3339 is shown as
    /// it was stored, to the minute.
    pub fn moment(self, at: &str) -> String {
        match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(t) => format!("{} {}", self.date(t.date_naive()), t.format("%H:%M")),
            Err(_) => at.chars().take(16).collect::<String>().replace('T', " "),
        }
    }

    /// How a settings screen offers the style: 1 April 2024 written in it.
    pub fn example(self) -> String {
        self.date(NaiveDate::from_ymd_opt(2024, 4, 1).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fiscal::parse_date;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Each date in the three styles, and each written form read back to the same date.
    fn check(date: NaiveDate, wareki: &str, short: &str, iso: &str) {
        let shown = [DateStyle::Wareki, DateStyle::Short, DateStyle::Iso].map(|s| s.date(date));
        assert_eq!(shown, [wareki, short, iso], "{date} in the three styles");
        for text in shown {
            assert_eq!(parse_date(&text), Ok(date), "{text:?} reads back as {date}: what a form shows, it accepts");
        }
    }

    #[test]
    fn dates_in_every_style_across_the_era_boundaries() {
        check(day(2024, 4, 1), "令和6年4月1日", "R6.4.1", "2024-04-01");
        check(day(2019, 4, 30), "平成31年4月30日", "H31.4.30", "2019-04-30");
        check(day(2019, 5, 1), "令和元年5月1日", "R1.5.1", "2019-05-01");
        check(day(2020, 1, 1), "令和2年1月1日", "R2.1.1", "2020-01-01");
        check(day(1989, 1, 7), "昭和64年1月7日", "S64.1.7", "1989-01-07");
        check(day(1989, 1, 8), "平成元年1月8日", "H1.1.8", "1989-01-08");
        check(day(1926, 12, 25), "昭和元年12月25日", "S1.12.25", "1926-12-25");
        check(day(1926, 12, 24), "1926年12月24日", "1926.12.24", "1926-12-24");
        check(day(2100, 12, 31), "令和82年12月31日", "R82.12.31", "2100-12-31");
    }

    #[test]
    fn moments_keep_their_writers_clock_to_the_minute() {
        let at = "2019-04-30T23:59:59+09:00";
        assert_eq!(DateStyle::Wareki.moment(at), "平成31年4月30日 23:59");
        assert_eq!(DateStyle::Short.moment(at), "H31.4.30 23:59");
        assert_eq!(DateStyle::Iso.moment(at), "2019-04-30 23:59");
        // The date is the writer's, not UTC's: 00:30 in Tokyo on 1 May is still 30 April in UTC.
        assert_eq!(DateStyle::Wareki.moment("2019-05-01T00:30:00.123456+09:00"), "令和元年5月1日 00:30");
        assert_eq!(DateStyle::Short.moment("2024-04-01T09:05:00Z"), "R6.4.1 09:05");
        // Anything else is shown as stored, to the minute, never dropped.
        assert_eq!(DateStyle::Wareki.moment("2024-04-01 09:05:33"), "2024-04-01 09:05");
        assert_eq!(DateStyle::Wareki.moment(""), "");
    }

    #[test]
    fn keys_and_examples_name_each_style_once() {
        for style in DateStyle::ALL {
            assert_eq!(DateStyle::from_key(style.key()), Some(style), "{style:?}");
            let json = serde_json::to_string(&style).unwrap();
            assert_eq!(json, format!("\"{}\"", style.key()), "the UI sends the same word the file keeps");
        }
        assert_eq!(DateStyle::from_key("R6.4.1"), None, "an example is not a key");
        assert_eq!(DateStyle::default(), DateStyle::Wareki, "和暦 unless a person chose otherwise");
        let examples: Vec<String> = DateStyle::ALL.iter().map(|s| s.example()).collect();
        assert_eq!(examples, ["令和6年4月1日", "R6.4.1", "2024-04-01"]);
    }
}
