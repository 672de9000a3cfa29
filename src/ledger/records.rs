//! The ledger's other records: who made a change and the audit log of changes, tool costs, the import history, the
//! column mappings remembered per section, and the filter of an initiative list. Plain data, the same whichever
//! storage holds them (`crate::db`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Kind, ReturnState, Status};
use crate::fiscal::FiscalYear;

/// Who makes a change, and when. Passed in, never read from the clock inside the library.
#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub user: String,
    pub at: DateTime<FixedOffset>,
}

impl Author {
    /// The OS user at the given time: `USERNAME` (Windows) or `USER`/`LOGNAME` when set, else the account name
    /// the OS reports (services and scheduled tasks often run without those variables).
    pub fn os_user(at: DateTime<FixedOffset>) -> Self {
        let user = ["USERNAME", "USER", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            .or_else(|| whoami::username().ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| "unknown".to_string());
        Self { user, at }
    }
}

/// One row of the audit log (監査ログ): who changed what, when, with the record before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    /// The record before and after the change, as JSON.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub after: Option<serde_json::Value>,
}

impl AuditEntry {
    /// Who made the change and when, to the minute, as refusals name them: `同僚 2025-04-01 10:00`.
    pub fn who_and_when(&self) -> String {
        format!("{} {}", self.actor, self.at.get(..16).unwrap_or(&self.at).replace('T', " "))
    }
}

/// Which rows of the audit log to read: newest first, optionally of one entity (`initiative`, `effect`, …) and key.
#[derive(Debug, Clone, Copy)]
pub struct AuditQuery<'a> {
    pub entity: Option<&'a str>,
    pub key: Option<&'a str>,
    pub limit: u32,
}

/// The cost of one tool in one fiscal year (ライセンス費・保守費).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub tool: String,
    pub fiscal_year: FiscalYear,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub licence_yen: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub maintenance_yen: Decimal,
    pub note: Option<String>,
}

/// What an AI-OCR initiative read in one fiscal year, as AI-OCR teams measure it. Every figure may be missing.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OcrMeasure {
    pub initiative_id: i64,
    pub fiscal_year: FiscalYear,
    /// The form read (帳票の種類: 保育所入所申込書).
    pub form_type: Option<String>,
    /// Forms read (読取枚数).
    pub sheets: Option<i64>,
    /// Characters read, and those a person had to correct.
    pub chars_read: Option<i64>,
    pub chars_corrected: Option<i64>,
    /// Time spent correcting in the year, in minutes.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub correction_minutes: Option<Decimal>,
}

/// An AI-OCR measure as typed or read from a return (every field may be empty): what [`OcrMeasure`] records.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OcrInput {
    pub form_type: Option<String>,
    pub sheets: Option<i64>,
    pub chars_read: Option<i64>,
    pub chars_corrected: Option<i64>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub correction_minutes: Option<Decimal>,
}

impl OcrInput {
    pub fn is_empty(&self) -> bool {
        self.form_type.is_none()
            && self.sheets.is_none()
            && self.chars_read.is_none()
            && self.chars_corrected.is_none()
            && self.correction_minutes.is_none()
    }

    /// The measure of an initiative's fiscal year with these fields written over `before` (a field left empty keeps
    /// what was there).
    pub fn over(&self, initiative_id: i64, fiscal_year: FiscalYear, before: Option<&OcrMeasure>) -> OcrMeasure {
        // Another form is another measure: nothing of the old form's figures carries over to it.
        let before = before.filter(|b| self.form_type.is_none() || b.form_type == self.form_type);
        OcrMeasure {
            initiative_id,
            fiscal_year,
            form_type: self.form_type.clone().or_else(|| before.and_then(|b| b.form_type.clone())),
            sheets: self.sheets.or(before.and_then(|b| b.sheets)),
            chars_read: self.chars_read.or(before.and_then(|b| b.chars_read)),
            chars_corrected: self.chars_corrected.or(before.and_then(|b| b.chars_corrected)),
            correction_minutes: self.correction_minutes.or(before.and_then(|b| b.correction_minutes)),
        }
    }
}

impl OcrMeasure {
    /// Why the measure cannot be: more characters corrected than read.
    pub fn problem(&self) -> Option<String> {
        match (self.chars_read, self.chars_corrected) {
            (Some(read), Some(corrected)) if corrected > read => Some(format!(
                "修正文字数（{corrected}）が読取文字数（{read}）より多くなっています。読取文字数のうち修正した文字数を入力してください"
            )),
            _ => None,
        }
    }

    /// 正読率 = (read − corrected) ÷ read, when both are known and something was read.
    pub fn accuracy(&self) -> Option<Decimal> {
        match (self.chars_read, self.chars_corrected) {
            (Some(read), Some(corrected)) if read > 0 => Some(Decimal::from(read - corrected) / Decimal::from(read)),
            _ => None,
        }
    }

    /// Whether the measure says anything at all.
    pub fn is_empty(&self) -> bool {
        self.form_type.is_none()
            && self.sheets.is_none()
            && self.chars_read.is_none()
            && self.chars_corrected.is_none()
            && self.correction_minutes.is_none()
    }
}

/// A committed import: one file, what it did, and the warnings it was committed with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub at: String,
    pub actor: String,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub warnings: Vec<String>,
}

/// What a committed file did, to record with its changes.
pub struct NewImport<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub warnings: &'a [String],
    /// The units the file reported for, with the fiscal year (the survey's return status).
    pub units: &'a [(i64, FiscalYear)],
}

/// The latest committed return of a unit for a fiscal year.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitReturn {
    pub unit_id: i64,
    /// When it was imported (RFC 3339).
    pub at: String,
    pub file_name: String,
}

/// A column mapping remembered for a section: what its return said one of its own headers means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredColumnMap {
    pub unit_id: i64,
    pub header_key: String,
    pub header: String,
    /// A column title of the answer sheet, or `無視`.
    pub target: String,
}

/// Filters of an initiative list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct InitiativeFilter {
    /// Only initiatives with an effect in this fiscal year.
    pub fiscal_year: Option<FiscalYear>,
    /// Only initiatives owned by these units (a bureau and everything under it, say).
    pub unit_ids: Option<Vec<i64>>,
    pub kind: Option<Kind>,
    pub status: Option<Status>,
}

/// The survey of a fiscal year (照会): its deadline, when it started and when it was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Campaign {
    pub fiscal_year: FiscalYear,
    pub deadline: NaiveDate,
    pub started_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// Where one section's return stands in a year's survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SectionReturn {
    pub fiscal_year: FiscalYear,
    pub section_id: i64,
    pub state: ReturnState,
    /// The day it was received (the latest file's), when it was.
    pub received_on: Option<NaiveDate>,
    pub file_name: Option<String>,
    /// What the section must fix, when it was sent back.
    pub reasons: Option<String>,
}
