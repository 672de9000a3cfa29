//! 効果: the hours an initiative saves in one fiscal year on one basis. The inputs are kept, not only the
//! result: the formula as typed with its parsed tree, or the structured inputs, and the department's stated hours.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Adopt, Basis};
use crate::fiscal::FiscalYear;
use crate::formula::{Conversions, Formula, FormulaError, StatedCheck, compare};
use crate::number::last_place;

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

/// The evaluated form of a [`NewEffect`], ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// The formula to store: as typed (with person-time factors pinned), or the text the structured inputs stand for.
    pub formula: Option<String>,
    /// The parsed formula, for its tree ([`Self::tree_json`]) and its stated-result checks.
    pub parsed: Option<Formula>,
    pub computed_minutes: Option<Decimal>,
}

impl Evaluated {
    /// The formula's tree as stored beside it (JSON), made only when a figure is written.
    pub fn tree_json(&self) -> Option<String> {
        self.parsed.as_ref().and_then(|f| serde_json::to_string(f.expr()).ok())
    }
}

impl NewEffect {
    /// Evaluates the figure. Person-time (人日, 人月, 人工) is turned into hours with `conversions` (the ledger's
    /// settings), and the formula to store carries that factor (see [`Formula::pinned_text`]).
    pub fn evaluate(&self, conversions: &Conversions) -> Result<Evaluated, EffectError> {
        let (text, typed) = match &self.input {
            EffectInput::Formula(t) => (t.clone(), true),
            EffectInput::Structured(s) => (s.formula_text().ok_or(EffectError::IncompleteStructured)?, false),
            EffectInput::StatedOnly => {
                if self.stated_hours.is_none() {
                    return Err(EffectError::NothingGiven);
                }
                return Ok(Evaluated { formula: None, parsed: None, computed_minutes: None });
            }
        };
        let f = Formula::parse_with(&text, conversions)
            .map_err(|error| EffectError::Formula { text: text.clone(), error })?;
        Ok(Evaluated {
            formula: Some(if typed { f.pinned_text() } else { f.expression_text() }),
            computed_minutes: Some(f.minutes()),
            parsed: Some(f),
        })
    }
}

/// A recorded effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    pub id: i64,
    pub initiative_id: i64,
    /// The unit the figure was reported under (it stays there when the initiative moves).
    pub unit_id: i64,
    pub fiscal_year: FiscalYear,
    pub basis: Basis,
    /// The formula as typed, or rendered from the structured inputs.
    pub formula: Option<String>,
    pub structured: Option<Structured>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub computed_minutes: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub stated_hours: Option<Decimal>,
    pub note: Option<String>,
}

impl Effect {
    /// The minutes that count under the adoption rule. Falls back to whichever figure exists.
    pub fn adopted_minutes(&self, adopt: Adopt) -> Decimal {
        adopted_minutes(self.computed_minutes, self.stated_hours, adopt)
    }

    /// The stated hours against the computed minutes, at the precision the hours were written (see
    /// [`StatedCheck`]). `None` unless both exist.
    pub fn stated_check(&self) -> Option<StatedCheck> {
        let stated = self.stated_hours?;
        let computed = self.computed_minutes?;
        let sixty = Decimal::from(60);
        Some(compare(computed, stated * sixty, last_place(stated) * sixty))
    }
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
