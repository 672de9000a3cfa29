//! 効果: the hours an initiative saves in one fiscal year on one basis. The inputs are kept, not only the
//! result: the formula as typed with its parsed tree, or the structured inputs, and the department's stated hours.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Adopt, Basis};
use crate::fiscal::FiscalYear;
use crate::formula::{Conversions, Formula, FormulaError, StatedCheck, compare};

/// The structured inputs of the survey sheet: minutes per case saved (or before − after), × cases × days ×
/// any further factors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Structured {
    /// 導入前 (分/件)
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub before_minutes: Option<Decimal>,
    /// 導入後 (分/件)
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub after_minutes: Option<Decimal>,
    /// 削減時間 (分/件), used instead of before − after.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub saved_minutes: Option<Decimal>,
    /// 件数 (empty = 1)
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub count: Option<Decimal>,
    /// 日数 (empty = 1)
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub days: Option<Decimal>,
    /// Further factors with their labels (`2` 往復, `3` 人).
    #[serde(default)]
    pub extra: Vec<(String, String)>,
}

impl Structured {
    /// The formula the inputs stand for, so one engine evaluates both ways of writing an effect:
    /// `(30分-5分)×20件×245日`. `None` when neither the saving per case nor before and after are given.
    pub fn formula_text(&self) -> Option<String> {
        let per_case = match (self.saved_minutes, self.before_minutes, self.after_minutes) {
            (Some(s), _, _) => format!("{s}分"),
            (None, Some(b), Some(a)) => format!("({b}分-{a}分)"),
            _ => return None,
        };
        let mut text = per_case;
        if let Some(c) = self.count {
            text.push_str(&format!("×{c}件"));
        }
        if let Some(d) = self.days {
            text.push_str(&format!("×{d}日"));
        }
        for (value, label) in &self.extra {
            if label.is_empty() {
                text.push_str(&format!("×{value}"));
            } else {
                text.push_str(&format!("×{value}({label})"));
            }
        }
        Some(text)
    }
}

/// How an effect's figure is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum EffectInput {
    /// A free 算定式, as typed.
    Formula(String),
    Structured(Structured),
    /// Only the stated hours (別途積算).
    StatedOnly,
}

/// An effect to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEffect {
    pub fiscal_year: FiscalYear,
    pub basis: Basis,
    pub input: EffectInput,
    /// 削減時間(時間) as the department stated it, with the precision they wrote.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub stated_hours: Option<Decimal>,
    pub note: Option<String>,
}

/// Why an effect cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EffectError {
    #[error("算定式「{text}」を計算できません: {error}")]
    Formula { text: String, error: FormulaError },
    #[error("削減時間(分/件)、または導入前と導入後の両方を入力してください")]
    IncompleteStructured,
    #[error("算定式も構造化入力もないときは、削減時間(時間)の申告値が必要です")]
    NothingGiven,
}

/// A result written inside a formula (after `＝`): its minutes and the tolerance it was written to (see
/// [`StatedCheck::tolerance_minutes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Claim {
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub minutes: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub tolerance_minutes: Decimal,
}

/// What a formula was evaluated to, once: the text to store, its canonical form with the result, the exact minutes
/// and the result written inside it. Stored with the effect, so nothing parses a recorded formula again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormulaResult {
    /// The formula to store: as typed (with person-time factors pinned), or the text structured inputs stand for.
    pub text: String,
    /// `5分×40か所×245日＝49,000分（816.7時間）`.
    pub canonical: String,
    pub minutes: Decimal,
    /// The result written after `＝` that the check reports (the first that disagrees, else the last).
    pub claim: Option<Claim>,
}

impl FormulaResult {
    /// The result of a parsed formula; `pinned` keeps the text as typed (with its person-time factors written out),
    /// otherwise the expression is stored in canonical text.
    pub fn of(formula: &Formula, pinned: bool) -> Self {
        Self {
            text: if pinned { formula.pinned_text() } else { formula.expression_text() },
            canonical: formula.canonical(),
            minutes: formula.minutes(),
            claim: formula.check().map(|c| Claim { minutes: c.stated_minutes, tolerance_minutes: c.tolerance_minutes }),
        }
    }

    /// The result written inside the formula against the computed minutes.
    pub fn claim_check(&self) -> Option<StatedCheck> {
        self.claim.map(|c| compare(self.minutes, c.minutes, c.tolerance_minutes))
    }
}

/// An effect evaluated once, ready to store and to show: the input as given, and its formula's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluated {
    pub fiscal_year: FiscalYear,
    pub basis: Basis,
    /// The structured inputs when the figure was given that way (kept so a form can show them again). Boxed: most
    /// figures are formulas, and an import holds thousands of these.
    pub structured: Option<Box<Structured>>,
    pub formula: Option<FormulaResult>,
    pub stated_hours: Option<Decimal>,
    pub note: Option<String>,
}

impl Evaluated {
    pub fn computed_minutes(&self) -> Option<Decimal> {
        self.formula.as_ref().map(|f| f.minutes)
    }

    /// The stated hours against the computed minutes ([`StatedCheck::of_hours`]).
    pub fn stated_check(&self) -> Option<StatedCheck> {
        Some(StatedCheck::of_hours(self.computed_minutes()?, self.stated_hours?))
    }
}

impl NewEffect {
    /// Evaluates the figure. Person-time (人日, 人月, 人工) is turned into hours with `conversions` (the ledger's
    /// settings), and the formula to store carries that factor (see [`Formula::pinned_text`]).
    pub fn evaluate(&self, conversions: &Conversions) -> Result<Evaluated, EffectError> {
        let formula = match &self.input {
            EffectInput::StatedOnly if self.stated_hours.is_none() => return Err(EffectError::NothingGiven),
            EffectInput::StatedOnly => None,
            EffectInput::Formula(text) => Some(Self::parse(text, conversions, true)?),
            EffectInput::Structured(s) => {
                Some(Self::parse(&s.formula_text().ok_or(EffectError::IncompleteStructured)?, conversions, false)?)
            }
        };
        Ok(self.evaluated(formula))
    }

    /// The evaluated effect from a formula already parsed from this effect's input (an imported cell is parsed
    /// while it is read, and not again).
    pub fn with_parsed(&self, formula: &Formula) -> Evaluated {
        self.evaluated(Some(FormulaResult::of(formula, matches!(self.input, EffectInput::Formula(_)))))
    }

    fn parse(text: &str, conversions: &Conversions, pinned: bool) -> Result<FormulaResult, EffectError> {
        let f = Formula::parse_with(text, conversions)
            .map_err(|error| EffectError::Formula { text: text.to_string(), error })?;
        Ok(FormulaResult::of(&f, pinned))
    }

    fn evaluated(&self, formula: Option<FormulaResult>) -> Evaluated {
        Evaluated {
            fiscal_year: self.fiscal_year,
            basis: self.basis,
            structured: match &self.input {
                EffectInput::Structured(s) => Some(Box::new(s.clone())),
                _ => None,
            },
            formula,
            stated_hours: self.stated_hours,
            note: self.note.clone(),
        }
    }
}

/// A recorded effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Effect {
    pub id: i64,
    pub initiative_id: i64,
    /// The unit the figure was reported under (it stays there when the initiative moves).
    pub unit_id: i64,
    pub fiscal_year: FiscalYear,
    pub basis: Basis,
    /// The formula as typed, or rendered from the structured inputs.
    pub formula: Option<String>,
    /// The formula in canonical text with its result, as evaluated when it was recorded.
    pub canonical: Option<String>,
    /// The result written inside the formula (after `＝`), if any.
    pub claim: Option<Claim>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub structured: Option<Structured>,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub computed_minutes: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub stated_hours: Option<Decimal>,
    pub note: Option<String>,
}

impl Effect {
    /// The minutes that count under the adoption rule. Falls back to whichever figure exists.
    pub fn adopted_minutes(&self, adopt: Adopt) -> Decimal {
        adopted_minutes(self.computed_minutes, self.stated_hours, adopt)
    }

    /// The stated hours against the computed minutes ([`StatedCheck::of_hours`]).
    pub fn stated_check(&self) -> Option<StatedCheck> {
        Some(StatedCheck::of_hours(self.computed_minutes?, self.stated_hours?))
    }

    /// The result written inside the formula against the computed minutes.
    pub fn claim_check(&self) -> Option<StatedCheck> {
        self.claim.map(|c| compare(self.computed_minutes.unwrap_or_default(), c.minutes, c.tolerance_minutes))
    }

    /// The effect as it was entered (its structured inputs, else its formula, else the stated figure alone): what
    /// writes it again, evaluated anew (an undone deletion, a copy).
    pub fn as_new(&self) -> NewEffect {
        let input = match (&self.structured, &self.formula) {
            (Some(s), _) => EffectInput::Structured(s.clone()),
            (None, Some(f)) => EffectInput::Formula(f.clone()),
            (None, None) => EffectInput::StatedOnly,
        };
        NewEffect {
            fiscal_year: self.fiscal_year,
            basis: self.basis,
            input,
            stated_hours: self.stated_hours,
            note: self.note.clone(),
        }
    }
}

/// An effect with what a summary needs of its initiative.
#[derive(Debug, Clone, Serialize)]
pub struct EffectRow {
    pub effect: Effect,
    pub ledger_id: String,
    pub title: String,
    pub kind: super::Kind,
    pub tool: Option<String>,
    pub status: super::Status,
    pub scenario_count: Option<i64>,
}

/// The minutes that count under the adoption rule, from a figure's computed minutes and stated hours. Falls back
/// to whichever exists.
pub fn adopted_minutes(computed_minutes: Option<Decimal>, stated_hours: Option<Decimal>, adopt: Adopt) -> Decimal {
    let stated = stated_hours.map(|h| h * Decimal::from(60));
    let (first, second) = match adopt {
        Adopt::Stated => (stated, computed_minutes),
        Adopt::Computed => (computed_minutes, stated),
    };
    first.or(second).unwrap_or(Decimal::ZERO)
}

/// What a summary reads of one year's figure and its initiative: enough to pick the basis, group and add up, and
/// nothing else, so a summary over a million figures streams them instead of loading whole rows.
#[derive(Debug, Clone)]
pub struct Figure {
    pub initiative_id: i64,
    pub unit_id: i64,
    pub basis: Basis,
    pub computed_minutes: Option<Decimal>,
    pub stated_hours: Option<Decimal>,
    pub kind: super::Kind,
    pub scenario_count: Option<i64>,
    pub tool: Option<String>,
    pub status: super::Status,
    /// (管理番号, 業務名), read only when the summary groups by initiative.
    pub initiative: Option<(String, String)>,
}
