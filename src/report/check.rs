//! 検算: lines whose stated figure disagrees with the formula, and lines with a stated figure but no formula.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::EffectRow;
use crate::org::{NameView, OrgChart};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// 削減時間(時間) differs from the formula by more than its written precision.
    StatedDiffers,
    /// The `=` result written inside the formula differs from the formula.
    FormulaClaimDiffers,
    /// A stated figure with no formula (別途積算): ask the department how it was obtained.
    NoFormula,
}

impl CheckKind {
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::StatedDiffers => "申告値と計算値が不一致",
            CheckKind::FormulaClaimDiffers => "算定式の「＝」以降が計算結果と不一致",
            CheckKind::NoFormula => "算定式なし（別途積算）",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckItem {
    pub kind: CheckKind,
    pub label: &'static str,
    pub fiscal_year: i32,
    pub ledger_id: String,
    pub title: String,
    pub unit: String,
    pub basis: String,
    pub formula: Option<String>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub computed_minutes: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub stated_minutes: Option<Decimal>,
    /// Computed minus stated, in minutes and in hours.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub difference_minutes: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub difference_hours: Option<Decimal>,
}

/// The 検算 list over the given rows, in ledger order.
pub fn check_list(rows: &[EffectRow], chart: &OrgChart) -> Vec<CheckItem> {
    let mut items = Vec::new();
    for row in rows {
        let e = &row.effect;
        let item = |kind: CheckKind, stated: Option<Decimal>, diff: Option<Decimal>| CheckItem {
            kind,
            label: kind.label(),
            fiscal_year: e.fiscal_year.0,
            ledger_id: row.ledger_id.clone(),
            title: row.title.clone(),
            unit: chart.path(e.unit_id, e.fiscal_year, NameView::AsReported),
            basis: e.basis.label().to_string(),
            formula: e.formula.clone(),
            computed_minutes: e.computed_minutes.map(|m| m.normalize()),
            stated_minutes: stated.map(|m| m.normalize()),
            difference_minutes: diff.map(|d| d.normalize()),
            difference_hours: diff.map(|d| crate::number::round_half_up(d / Decimal::from(60), 2).normalize()),
        };
        if let Some(c) = e.stated_check().filter(|c| !c.matches) {
            items.push(item(CheckKind::StatedDiffers, Some(c.stated_minutes), Some(c.difference_minutes)));
        }
        if let Some(c) = e.claim_check().filter(|c| !c.matches) {
            items.push(item(CheckKind::FormulaClaimDiffers, Some(c.stated_minutes), Some(c.difference_minutes)));
        }
        if e.formula.is_none() {
            items.push(item(CheckKind::NoFormula, e.stated_hours.map(|h| h * Decimal::from(60)), None));
        }
    }
    items
}
