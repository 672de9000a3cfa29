//! 算定式 — the formula engine. A pure module: text → tokens → tree with units → exact minutes, and a renderer
//! back to canonical text. It knows nothing of SQL or Excel.
//!
//! ```
//! use daicho::formula::Formula;
//! let f = Formula::parse("5分×40か所×245日=49,000分").unwrap();
//! assert_eq!(f.minutes().to_string(), "49000");
//! assert_eq!(f.canonical(), "5分×40か所×245日＝49,000分（816.7時間）");
//! assert_eq!(f.check().map(|c| c.matches), Some(true));
//! ```
//!
//! Rules (see `../shared/domain.md`): exactly one factor of each product carries a time unit; every other unit word
//! is a count label; a parenthesis right after a factor is a label; text before a number is a label; every value
//! after `=` or `≒` is a claim to check, never an input (`2分×3,600件=7,200分=120時間` checks both).
//!
//! Notations from municipal tables: ▲ and △ are minus signs (`▲5分×100件` is −500 分); `÷60` on a product in
//! minutes is the writer's conversion to hours (`10分×3,600件÷60` is 600 時間, said so in the canonical text);
//! `1件あたり5分` is a rate (5 分 per 件); 人日, 人月 and 人工 are time through the ledger's hours per day and per
//! person-year ([`Conversions`]), the factor written into the stored text.

mod ast;
mod eval;
mod lexer;
mod parser;
mod render;

use rust_decimal::Decimal;
use serde::Serialize;

pub use ast::{Conversions, Expr, Op, Part, PersonUnit, TimeUnit, Unit};

use crate::number::{group_marked, last_place};

/// Why a formula was refused, and at which character (0-based position in the text as typed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}文字目: {}", .position + 1, .kind)]
pub struct FormulaError {
    pub kind: FormulaErrorKind,
    pub position: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormulaErrorKind {
    #[error("算定式が空です")]
    Empty,
    #[error("数値がありません（単位や名称だけでは計算できません）")]
    MissingNumber,
    #[error("演算子が続いています")]
    DoubleOperator,
    #[error("数値の間に演算子（× ＋ など）がありません")]
    MissingOperator,
    #[error("「(」に対応する「)」がありません")]
    UnbalancedOpen,
    #[error("対応する「(」のない「)」があります")]
    UnbalancedClose,
    #[error("「＝」の後に値がありません")]
    MissingStated,
    #[error("時間の単位（秒・分・時間）を持つ因子がありません（例: 5分×40件）")]
    NoTime,
    #[error("時間の単位を持つ因子が2つあります（時間×時間は計算できません）")]
    TwoTimes,
    #[error("時間と件数を足したり引いたりすることはできません")]
    MixedSum,
    #[error("時間で割ることはできません")]
    DivideByTime,
    #[error("0で割ることはできません")]
    DivideByZero,
    #[error("「＝」の後の値に時間の単位（分・時間）がありません")]
    StatedNotTime,
    #[error("数値が大きすぎます")]
    NumberTooLarge,
    #[error(
        "「÷60」は分を時間に直す換算ですが、この式の時間はすでに時間（または人日など）で書かれています。÷60を消すか、分で書いてください"
    )]
    SixtyOnHours,
    #[error(
        "「÷60」が多すぎます（分なら1回、秒なら2回までが単位の換算です）。換算でない割り算なら「÷60人」のように単位を付けてください"
    )]
    SixtyTooMany,
    #[error(
        "人日・人月・人工の換算は「2人日（1人日＝8時間）」の形で書いてください（書かなければ台帳の設定を使います）"
    )]
    PersonFactor,
    #[error("式の入れ子が深すぎます（括弧や▲が多すぎます）")]
    TooDeep,
    #[error("読み取れない記述があります")]
    Unexpected,
}

impl FormulaErrorKind {
    /// A stable machine code, for callers that branch on the kind of refusal.
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::MissingNumber => "missing_number",
            Self::DoubleOperator => "double_operator",
            Self::MissingOperator => "missing_operator",
            Self::UnbalancedOpen => "unbalanced_open",
            Self::UnbalancedClose => "unbalanced_close",
            Self::MissingStated => "missing_stated",
            Self::NoTime => "no_time",
            Self::TwoTimes => "two_times",
            Self::MixedSum => "mixed_sum",
            Self::DivideByTime => "divide_by_time",
            Self::DivideByZero => "divide_by_zero",
            Self::StatedNotTime => "stated_not_time",
            Self::NumberTooLarge => "number_too_large",
            Self::SixtyOnHours => "sixty_on_hours",
            Self::SixtyTooMany => "sixty_too_many",
            Self::PersonFactor => "person_factor",
            Self::TooDeep => "too_deep",
            Self::Unexpected => "unexpected",
        }
    }
}

/// A parsed, evaluated formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The text as given, for [`Self::pinned_text`].
    text: String,
    expr: Expr,
    /// Every result written after `=` or `≒`, in order, with its minutes.
    stated: Vec<(Expr, Decimal)>,
    minutes: Decimal,
    /// Person-time factors taken from the conversions: where to write each into the text (see [`Self::pinned_text`]).
    pins: Vec<(usize, String)>,
}

/// How the stated result after `=` compares with the computed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatedCheck {
    #[serde(with = "rust_decimal::serde::float")]
    pub stated_minutes: Decimal,
    /// Computed minus stated.
    #[serde(with = "rust_decimal::serde::float")]
    pub difference_minutes: Decimal,
    /// One whole unit in the last place the stated figure was written with (`817時間` → 60 minutes,
    /// `816.7時間` → 6 minutes), because departments round by hand in every direction.
    #[serde(with = "rust_decimal::serde::float")]
    pub tolerance_minutes: Decimal,
    pub matches: bool,
}

impl Formula {
    /// Parses and evaluates `text` with the usual conversions (7.75 hours a day, 1,920 a person-year). Refuses,
    /// with the position of the fault, anything whose meaning is not certain: a product without exactly one time
    /// factor, a sum of a time and a count, a missing number.
    pub fn parse(text: &str) -> Result<Self, FormulaError> {
        Self::parse_with(text, &Conversions::default())
    }

    /// Parses and evaluates `text`, turning person-time (人日, 人月, 人工) into hours with `conversions`.
    pub fn parse_with(text: &str, conversions: &Conversions) -> Result<Self, FormulaError> {
        let norm = lexer::Normalised::new(text);
        let tokens = lexer::tokenize(&norm)?;
        let mut parser = parser::Parser::new(&tokens, &norm, *conversions);
        let (mut expr, claims) = parser.formula()?;
        eval::mark_hour_conversions(&mut expr)?;
        let value = eval::evaluate(&expr)?;
        if !value.time {
            return Err(FormulaError { kind: FormulaErrorKind::NoTime, position: expr.start() });
        }
        let mut stated = Vec::with_capacity(claims.len());
        for mut s in claims {
            eval::mark_hour_conversions(&mut s)?;
            let v = eval::evaluate(&s)?;
            if !v.time {
                return Err(FormulaError { kind: FormulaErrorKind::StatedNotTime, position: s.start() });
            }
            stated.push((s, to_minutes(v.amount)));
        }
        Ok(Self { text: text.to_string(), expr, stated, minutes: to_minutes(value.amount), pins: parser.pins })
    }

    /// Exact minutes.
    pub fn minutes(&self) -> Decimal {
        self.minutes
    }

    /// Exact hours (minutes ÷ 60; may carry many decimals).
    pub fn hours(&self) -> Decimal {
        self.minutes / Decimal::from(60)
    }

    /// The result the department wrote after `=` that [`Self::check`] reports, in minutes.
    pub fn stated_minutes(&self) -> Option<Decimal> {
        self.check().map(|c| c.stated_minutes)
    }

    /// The tree, for storage and explanation.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Whether the figure was marked as approximate (`約`).
    pub fn is_approx(&self) -> bool {
        self.expr.quantities().iter().any(|q| matches!(q, Expr::Quantity { approx: true, .. }))
    }

    /// Compares each stated result with the computed one, in the order written.
    pub fn checks(&self) -> Vec<StatedCheck> {
        self.stated.iter().map(|(expr, minutes)| compare(self.minutes, *minutes, tolerance(expr))).collect()
    }

    /// The check to report: the first stated result that does not match, else the last one (`=7,200分=120時間`
    /// reports 120時間 when both hold).
    pub fn check(&self) -> Option<StatedCheck> {
        let checks = self.checks();
        checks.iter().find(|c| !c.matches).or(checks.last()).copied()
    }

    /// The text this formula was parsed from, trimmed, with the factor of every person-time quantity written beside
    /// it, so the text gives the same minutes under any later conversions: `2.5人日×12か月` →
    /// `2.5人日（1人日＝7.75時間）×12か月`. The text itself when there is nothing to pin.
    pub fn pinned_text(&self) -> String {
        if self.pins.is_empty() {
            return self.text.trim().to_string();
        }
        // Positions count the characters of the text as parsed, before any trimming.
        let chars: Vec<char> = self.text.chars().collect();
        let mut pins = self.pins.clone();
        pins.sort_by_key(|(at, _)| *at);
        let mut out = String::with_capacity(self.text.len() + 32 * pins.len());
        let mut next = 0;
        for (at, insert) in pins {
            let at = at.clamp(next, chars.len());
            out.extend(&chars[next..at]);
            out.push_str(&insert);
            next = at;
        }
        out.extend(&chars[next..]);
        out.trim().to_string()
    }

    /// The expression alone in canonical text: `5分×40か所×245日`.
    pub fn expression_text(&self) -> String {
        let mut out = String::new();
        render::render(&self.expr, &mut out);
        out
    }

    /// Canonical text with the computed result: `5分×40か所×245日＝49,000分（816.7時間）`. Parsing it gives the
    /// same value.
    pub fn canonical(&self) -> String {
        let mut out = String::with_capacity(self.text.len() * 2 + 48);
        render::render(&self.expr, &mut out);
        out.push('＝');
        result_text_into(&mut out, self.minutes);
        out
    }
}

/// One whole unit in the last place a stated result was written with.
fn tolerance(stated: &Expr) -> Decimal {
    stated
        .quantities()
        .iter()
        .filter_map(|q| match q {
            Expr::Quantity { parts, .. } => parts.last(),
            _ => None,
        })
        .map(|p| match &p.unit {
            Unit::Time(u) => to_minutes(last_place(p.number) * u.seconds()),
            Unit::Person { hours, .. } => last_place(p.number) * hours * Decimal::from(60),
            _ => last_place(p.number),
        })
        .min()
        .unwrap_or(Decimal::ONE)
}

fn to_minutes(seconds: Decimal) -> Decimal {
    (seconds / Decimal::from(60)).normalize()
}

impl StatedCheck {
    /// A department's stated hours against the computed minutes, at the precision the hours were written: `817`
    /// agrees with anything within an hour, `816.7` within six minutes (one unit in the last place written).
    /// Every check of a stated figure (an effect, a line of a return, a total row, the formula box) is this one.
    pub fn of_hours(computed_minutes: Decimal, stated_hours: Decimal) -> Self {
        let sixty = Decimal::from(60);
        compare(computed_minutes, stated_hours * sixty, last_place(stated_hours) * sixty)
    }

    /// In a table cell: `一致`, or the difference in hours, as people state them (`差 ▲2時間`, `差 720時間`).
    pub fn short(&self) -> String {
        if self.matches {
            "一致".to_string()
        } else {
            format!("差 {}時間", group_marked(self.difference_minutes / Decimal::from(60), 2))
        }
    }

    /// In a sentence: `一致（記載の桁数の範囲内）`, or `不一致: 計算値との差 ▲120分`.
    pub fn describe(&self) -> String {
        if self.matches {
            "一致（記載の桁数の範囲内）".to_string()
        } else {
            format!("不一致: 計算値との差 {}分", group_marked(self.difference_minutes, 2))
        }
    }
}

/// Compares exact minutes with a stated figure under a tolerance (see [`StatedCheck::tolerance_minutes`]).
pub fn compare(computed_minutes: Decimal, stated_minutes: Decimal, tolerance_minutes: Decimal) -> StatedCheck {
    let difference_minutes = computed_minutes - stated_minutes;
    StatedCheck {
        stated_minutes,
        difference_minutes,
        tolerance_minutes,
        matches: difference_minutes.abs() < tolerance_minutes || difference_minutes.is_zero(),
    }
}

/// `49,000分（816.7時間）`: exact minutes (at most two decimals shown) and hours to one decimal; a negative result (a
/// saving that became a cost) marked ▲ (`▲2,500分（▲41.7時間）`).
pub fn result_text(minutes: Decimal) -> String {
    let mut out = String::with_capacity(40);
    result_text_into(&mut out, minutes);
    out
}

/// [`result_text`] written onto the end of `out`.
fn result_text_into(out: &mut String, minutes: Decimal) {
    crate::number::group_marked_into(out, minutes, 2);
    out.push_str("分（");
    crate::number::group_marked_into(out, minutes / Decimal::from(60), 1);
    out.push_str("時間）");
}
