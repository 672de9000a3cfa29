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

/// What a number is counted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "word", rename_all = "snake_case")]
pub enum Unit {
    /// A time: the factor that gives the product its dimension.
    Time(TimeUnit),
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
            Expr::Quantity { start, .. } | Expr::Group { start, .. } | Expr::Neg { start, .. } => *start,
            Expr::Binary { lhs, .. } => lhs.start(),
        }
    }

    pub fn end(&self) -> usize {
        match self {
            Expr::Quantity { end, .. } | Expr::Group { end, .. } => *end,
            Expr::Neg { inner, .. } => inner.end(),
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
