//! 台帳 — the ledger's records: initiatives (取組), their effects (効果) per fiscal year and basis, targets (目標値),
//! evaluations (評価) and the settings that govern rounding and conversions.

mod effect;
mod records;
mod settings;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;

pub use effect::{
    Claim, Effect, EffectError, EffectInput, EffectRow, Evaluated, Figure, FormulaResult, NewEffect, Structured,
    adopted_minutes,
};
pub use records::{
    AuditEntry, AuditQuery, Author, Campaign, Cost, ImportRecord, InitiativeFilter, NewImport, OcrInput, OcrMeasure,
    SectionReturn, StoredColumnMap, UnitReturn,
};
pub use settings::{Adopt, Rounding, RoundingMode, RoundingScope, SETTING_KEYS, Settings};

/// Defines a closed set of Japanese labels stored as text, with parsing that also accepts a few synonyms.
macro_rules! label_enum {
    ($(#[$meta:meta])* $name:ident ($what:literal) { $($(#[$vmeta:meta])* $variant:ident = $label:literal $(| $syn:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $label)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The label stored and shown.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Reads the label or a common synonym, ignoring width and spaces.
            pub fn parse(text: &str) -> Option<Self> {
                // The label exactly as stored (every row read from the database) needs no normalising.
                if let Some(v) = Self::ALL.iter().find(|v| v.label() == text) {
                    return Some(*v);
                }
                let key = crate::org::name_key(text);
                $(
                    if key == crate::org::name_key($label) $(|| key == crate::org::name_key($syn))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// The accepted labels, for messages: `RPA、AI-OCR、…`.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join("、")
            }

            /// The one message for a value that is none of the labels: `区分は RPA、AI-OCR、RPA+AI-OCR、その他 のいずれかです`
            /// (the CLI, the app and the importer each add where the value was).
            pub fn refusal() -> String {
                format!("{}は {} のいずれかです", $what, Self::choices())
            }

            /// Reads the label or a synonym, refusing anything else with [`Self::refusal`].
            pub fn from_label(text: &str) -> crate::Result<Self> {
                Self::parse(text).ok_or_else(|| crate::Error::Invalid(Self::refusal()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

label_enum! {
    /// 区分: what kind of initiative.
    Kind ("区分") {
        Rpa = "RPA",
        AiOcr = "AI-OCR" | "AIOCR" | "AI OCR" | "OCR",
        RpaAiOcr = "RPA+AI-OCR" | "AI-OCR+RPA" | "RPA・AI-OCR" | "AI-OCR・RPA" | "RPA+AIOCR",
        Other = "その他" | "他",
    }
}

impl Kind {
    /// AI-OCR and RPA+AI-OCR initiatives read forms: they have AI-OCR measures (読取枚数, 正読率 …).
    pub fn reads_forms(self) -> bool {
        matches!(self, Kind::AiOcr | Kind::RpaAiOcr)
    }
}

label_enum! {
    /// 状況 (事業段階): where an initiative stands in its lifecycle.
    Status ("状況") {
        Considering = "検討中" | "構想中",
        Developing = "開発中" | "整備中",
        Trial = "試行中" | "実証実験" | "実証実験中",
        Operating = "運用中" | "一部運用" | "本格運用" | "稼働中",
        Suspended = "停止" | "停止中",
        Abolished = "廃止",
    }
}

label_enum! {
    /// 算定区分: how an effect figure was obtained.
    Basis ("算定区分") {
        /// 試算: an estimate before or at launch.
        Estimate = "試算" | "見込" | "見込み",
        /// 試行: measured in a trial, often extrapolated to a year (年換算).
        Trial = "試行" | "年換算",
        /// 実績: the actual for the year.
        Actual = "実績",
    }
}

label_enum! {
    /// 評価: the yearly grade some cities give each system.
    Grade ("評価") {
        /// 計画通り
        A = "A",
        /// おおむね達成
        B = "B",
        /// 改善の余地あり
        C = "C",
        /// 見直しの是非を検討
        D = "D",
    }
}

label_enum! {
    /// 回答の状態: where a section's return stands in the year's survey.
    ReturnState ("回答の状態") {
        /// Not received yet.
        Missing = "未提出",
        /// Received (a file imported, or recorded by hand).
        Received = "受付",
        /// Being checked by the team.
        Checking = "確認中",
        /// Sent back to the section with what to fix.
        SentBack = "差戻し" | "差し戻し",
        /// Checked and final.
        Confirmed = "確定",
    }
}

impl ReturnState {
    /// Whether a return may move from this state to `next`: 未提出 → 受付 → 確認中 → 差戻し or 確定; a return sent
    /// back is received again; a confirmed one may be reopened for checking; receiving a newer file keeps 受付.
    pub fn can_become(self, next: ReturnState) -> bool {
        use ReturnState::*;
        matches!(
            (self, next),
            (Missing, Received)
                | (Received, Received | Checking | SentBack | Confirmed)
                | (Checking, SentBack | Confirmed)
                | (SentBack, Received | SentBack)
                | (Confirmed, Checking)
        )
    }
}

impl Basis {
    /// The order in which a year's figure is preferred when no basis is asked for: 実績, else 試行, else 試算.
    pub fn preference(self) -> u8 {
        match self {
            Basis::Actual => 0,
            Basis::Trial => 1,
            Basis::Estimate => 2,
        }
    }
}

/// 取組: one RPA scenario, AI-OCR rollout or other measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Initiative {
    pub id: i64,
    /// 管理番号, e.g. `R5-0012`: stable, unique, shown to users.
    pub ledger_id: String,
    pub kind: Kind,
    /// 業務名
    pub title: String,
    /// The owning unit (a 部局, 課 or 係).
    pub unit_id: i64,
    pub tool: Option<String>,
    pub vendor: Option<String>,
    pub status: Status,
    pub started_on: Option<NaiveDate>,
    pub scenario_count: Option<i64>,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// Raised by every change: an edit carries the version it started from, and is refused when the record changed
    /// since (another person's edit is never silently overwritten).
    pub version: i64,
}

/// The fields of a new or edited initiative (everything but the row id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiativeFields {
    /// Given, or `None` to number it `R5-0001`… in [`Self::numbered_in`].
    pub ledger_id: Option<String>,
    /// The fiscal year a new initiative without a 管理番号 is numbered in: this, else the year of `started_on`, else
    /// the author's (an imported line is numbered in its own year).
    #[serde(default)]
    pub numbered_in: Option<FiscalYear>,
    pub kind: Kind,
    pub title: String,
    pub unit_id: i64,
    pub tool: Option<String>,
    pub vendor: Option<String>,
    pub status: Status,
    pub started_on: Option<NaiveDate>,
    pub scenario_count: Option<i64>,
    pub owner: Option<String>,
    pub notes: Option<String>,
}

impl Initiative {
    /// Its fields, 管理番号 included: the starting point of an edit.
    pub fn fields(&self) -> InitiativeFields {
        InitiativeFields {
            ledger_id: Some(self.ledger_id.clone()),
            numbered_in: None,
            kind: self.kind,
            title: self.title.clone(),
            unit_id: self.unit_id,
            tool: self.tool.clone(),
            vendor: self.vendor.clone(),
            status: self.status,
            started_on: self.started_on,
            scenario_count: self.scenario_count,
            owner: self.owner.clone(),
            notes: self.notes.clone(),
        }
    }

    /// Whether writing `f` would change nothing of this initiative (its 管理番号 stays whatever `f` says).
    pub fn unchanged_by(&self, f: &InitiativeFields) -> bool {
        let mine = InitiativeFields { ledger_id: None, numbered_in: None, ..self.fields() };
        let theirs =
            InitiativeFields { ledger_id: None, numbered_in: None, title: f.title.trim().to_string(), ..f.clone() };
        mine == theirs
    }
}

impl InitiativeFields {
    /// The rules every backend checks before writing: a 業務名, and no negative シナリオ数.
    pub(crate) fn check(&self) -> crate::error::Result<()> {
        if self.title.trim().is_empty() {
            return Err(crate::error::Error::Invalid("業務名が空です".into()));
        }
        if self.scenario_count.is_some_and(|n| n < 0) {
            return Err(crate::error::Error::Invalid("シナリオ数は0以上の整数で指定してください".into()));
        }
        Ok(())
    }
}

/// One entry of an initiative's status history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusChange {
    pub status: Status,
    pub changed_on: NaiveDate,
    pub note: Option<String>,
}

/// 評価 for one fiscal year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evaluation {
    pub fiscal_year: FiscalYear,
    pub grade: Grade,
    pub reason: Option<String>,
    /// 所見: the DX section's reviewing comment.
    pub reviewer_comment: Option<String>,
}

/// 目標値: hours to save in a fiscal year, for the whole organisation or one 部局.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub fiscal_year: FiscalYear,
    pub bureau_id: Option<i64>,
    #[serde(with = "rust_decimal::serde::str")]
    pub hours: Decimal,
}

/// `R6-0012` for (`R6`, 12): at least four digits.
pub fn format_ledger_id(prefix: &str, n: u32) -> String {
    format!("{prefix}-{n:04}")
}

/// The number of a 管理番号: 12 for `R6-0012`.
pub fn ledger_id_number(id: &str) -> Option<u32> {
    id.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
}
