//! The library's one error type. Its messages are Japanese because every one of them ends in front of a
//! Japanese user (CLI and desktop app alike); callers branch on [`Error::code`], never on the text.

use std::path::PathBuf;

use crate::db::StorageErrorKind;
use crate::fiscal::FiscalError;
use crate::formula::FormulaError;
use crate::ledger::EffectError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Formula(#[from] FormulaError),
    #[error("{0}")]
    Fiscal(#[from] FiscalError),
    #[error("{0}")]
    Effect(#[from] EffectError),
    /// Input that breaks a domain rule; the message says what and how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// The change clashes with what is already recorded (a duplicate id, a unit still in use).
    #[error("{0}")]
    Conflict(String),
    #[error("ファイル {path} を扱えません: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// What the storage refused or could not do (see [`crate::db::StorageError`]).
    #[error("{0}")]
    Storage(#[from] crate::db::StorageError),
    #[error(
        "SQLite {found} は古すぎます（3.51.3 以上が必要です: それより前の版には WAL のリセットでデータベースが壊れる不具合があります）"
    )]
    SqliteTooOld { found: String },
    #[error(
        "データベース {path} は新しい版の Daicho で作られています（スキーマ {found}、この版は {known} まで）。Daicho を更新してください"
    )]
    SchemaTooNew { path: PathBuf, found: i64, known: i64 },
    #[error(
        "適用済みのマイグレーション {version} の内容が変わっています。マイグレーションは追加のみで、書き換えてはいけません"
    )]
    MigrationEdited { version: i64 },
    #[error("内部エラー: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A closed set of machine codes for callers (the CLI's exit status, the desktop app's error handling):
    /// `validation`, `not_found`, `conflict`, `io`, `incompatible`, `unavailable` (the ledger is busy or cannot be
    /// reached; trying again may work), `forbidden` (the login may not do this), `internal`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Formula(_) | Error::Fiscal(_) | Error::Effect(_) | Error::Invalid(_) => "validation",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::Io { .. } => "io",
            Error::SqliteTooOld { .. } | Error::SchemaTooNew { .. } | Error::MigrationEdited { .. } => "incompatible",
            Error::Storage(e) => match e.kind {
                StorageErrorKind::Conflict => "conflict",
                StorageErrorKind::NotFound => "not_found",
                StorageErrorKind::Unavailable => "unavailable",
                StorageErrorKind::Forbidden => "forbidden",
                StorageErrorKind::Other => "internal",
            },
            Error::Internal(_) => "internal",
        }
    }
}
