//! The parsed formula: a tree of quantities with their units and labels, kept so a formula can be stored,
//! explained and rendered back without re-reading the text.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A unit of time the engine converts to minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Second,
    Minute,
    Hour,
}

impl TimeUnit {
    /// Recognises the words people write for time: `秒`, `分`, `時間`, `h`, `min`, `hour(s)` and the like.
    pub fn from_word(word: &str) -> Option<Self> {
        let lower = word.to_ascii_lowercase();
        Some(match lower.as_str() {
            "秒" | "秒間" | "s" | "sec" | "secs" | "second" | "seconds" => TimeUnit::Second,
            "分" | "分間" | "min" | "mins" | "minute" | "minutes" => TimeUnit::Minute,
            "時間" | "h" | "hr" | "hrs" | "hour" | "hours" => TimeUnit::Hour,
            _ => return None,
        })
    }

    /// Seconds in one unit. The engine works in seconds, which every unit divides exactly, and converts to
    /// minutes once at the end, so `30秒×120件` is exactly 60 minutes.
    pub fn seconds(self) -> Decimal {
        match self {
            TimeUnit::Second => Decimal::ONE,
            TimeUnit::Minute => Decimal::from(60),
            TimeUnit::Hour => Decimal::from(3600),
        }
    }

    /// The word used in canonical text.
    pub fn canonical(self) -> &'static str {
        match self {
            TimeUnit::Second => "秒",
            TimeUnit::Minute => "分",
            TimeUnit::Hour => "時間",
        }
    }
}

/// How many hours one 人日 (person-day), 人月 (person-month) and 人工 (person-year) stand for: the ledger's
/// settings (hours per working day, hours per person-year). A formula written in person-time is evaluated with these,
/// and its stored text carries the factor it was evaluated with (`2.5人日（1人日＝7.75時間）`), so it reads back to
/// the same minutes whatever the settings are later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversions {
    pub hours_per_day: Decimal,
    pub hours_per_person_year: Decimal,
}

impl Default for Conversions {
    /// 7.75 hours a working day, 1,920 hours a person-year: the domain's usual figures and the ledger's defaults.
    fn default() -> Self {
        Self { hours_per_day: Decimal::new(775, 2), hours_per_person_year: Decimal::from(1920) }
    }
}

/// A unit of person-time: a number of people's working days, months or years, which the ledger turns into hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonUnit {
    /// 人日: one person's working day.
    Day,
    /// 人月: one person's month, a twelfth of a person-year.
    Month,
    /// 人工 / 人年: one person's year.
    Year,
}

impl PersonUnit {
    /// `人日`, `人月`, `人工`, `人年` (also `人・日`).
    pub fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "人日" | "人・日" => PersonUnit::Day,
            "人月" | "人・月" => PersonUnit::Month,
            "人工" | "人年" => PersonUnit::Year,
            _ => return None,
        })
    }

    /// The hours one unit stands for under the conversions.
    pub fn hours(self, c: &Conversions) -> Decimal {
        match self {
            PersonUnit::Day => c.hours_per_day,
            PersonUnit::Month => c.hours_per_person_year / Decimal::from(12),
            PersonUnit::Year => c.hours_per_person_year,
        }
    }
}

/// What a number is counted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "word", rename_all = "snake_case")]
pub enum Unit {
    /// A time: the factor that gives the product its dimension.
    Time(TimeUnit),
    /// Person-time (`2.5人日`): a time through the hours one unit stands for, kept with the factor used.
    Person {
        /// The word as written: `人日`, `人月`, `人工`.
        word: String,
        unit: PersonUnit,
        #[serde(with = "rust_decimal::serde::str")]
        hours: Decimal,
    },
    /// A count with its label for people (`件`, `か所`, `日`, `人` …); `日` and `か月` are counts here.
    Count(String),
    /// A bare number (`2(往復)`).
    Bare,
    /// A percentage (`80%`): the number divided by 100.
    Percent,
}

/// One written number with its unit, e.g. `40か所`, or one part of a compound time (`8時間` in `8時間24分`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    #[serde(with = "rust_decimal::serde::str")]
    pub number: Decimal,
    pub unit: Unit,
    /// Text written after the unit word that the engine keeps but does not interpret, such as `/件` in `5分/件`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
}

/// A node of the formula tree. `start`/`end` are character positions in the original text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "node", rename_all = "snake_case")]
pub enum Expr {
    /// A written quantity: one part, or several time parts for a compound time (`8時間24分`).
    Quantity {
        parts: Vec<Part>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        approx: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label_before: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        labels_after: Vec<String>,
        start: usize,
        end: usize,
    },
    /// A parenthesised sub-expression (`(30分-5分)`).
    Group {
        inner: Box<Expr>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label_before: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        labels_after: Vec<String>,
        start: usize,
        end: usize,
    },
    Neg {
        inner: Box<Expr>,
        start: usize,
        /// Written as ▲ or △ before a factor (the minus sign of Japanese public accounts), rendered as ▲ so the
        /// canonical text keeps it where a `－` could not stand (`5分×▲2件`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        marker: bool,
    },
    /// A rate: `1件あたり5分` is 5 minutes for each 1 件, so its value is the quantity after the rate word divided by
    /// the counts before it (`1人1日あたり30分`: 30 分 ÷ (1 × 1)).
    Rate {
        /// The counts the rate is per, as written side by side (`1人`, `1日`), without the rate word.
        per: Vec<Expr>,
        /// `あたり`, `当たり`, `当り` or `につき`, as written.
        word: String,
        inner: Box<Expr>,
        start: usize,
    },
    Binary {
        op: Op,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        /// Position of the operator.
        at: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    pub fn canonical(self) -> char {
        match self {
            Op::Add => '＋',
            Op::Sub => '－',
            Op::Mul => '×',
            Op::Div => '÷',
        }
    }
}

impl Expr {
    pub fn start(&self) -> usize {
        match self {
            Expr::Quantity { start, .. }
            | Expr::Group { start, .. }
            | Expr::Neg { start, .. }
            | Expr::Rate { start, .. } => *start,
            Expr::Binary { lhs, .. } => lhs.start(),
        }
    }

    pub fn end(&self) -> usize {
        match self {
            Expr::Quantity { end, .. } | Expr::Group { end, .. } => *end,
            Expr::Neg { inner, .. } | Expr::Rate { inner, .. } => inner.end(),
            Expr::Binary { rhs, .. } => rhs.end(),
        }
    }

    /// Visits every quantity, left to right.
    pub fn quantities(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
            match e {
                Expr::Quantity { .. } => out.push(e),
                Expr::Group { inner, .. } | Expr::Neg { inner, .. } => walk(inner, out),
                Expr::Rate { per, inner, .. } => {
                    for p in per {
                        walk(p, out);
                    }
                    walk(inner, out);
                }
                Expr::Binary { lhs, rhs, .. } => {
                    walk(lhs, out);
                    walk(rhs, out);
                }
            }
        }
        walk(self, &mut out);
        out
    }
}
