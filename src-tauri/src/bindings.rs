//! The TypeScript declarations of everything the UI sends and receives, generated from the Rust types with ts-rs
//! into `ui/src/lib/bindings.ts`. The test below is the drift check: it fails when the committed file differs from
//! what the Rust types give. `UPDATE_BINDINGS=1 cargo test -p daicho-app bindings` rewrites the file.

#[cfg(test)]
mod tests {
    use ts_rs::{Config, TS};

    /// One `export type` per type, in a fixed order, numbers for 64-bit integers (JSON carries them as numbers).
    fn generate() -> String {
        let cfg = Config::new().with_large_int("number");
        let mut out = String::from(
            "// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit: run\n\
             // `UPDATE_BINDINGS=1 cargo test -p daicho-app bindings` after changing a type.\n\n",
        );
        macro_rules! decl {
            ($($t:ty),+ $(,)?) => {
                $( out.push_str(&format!("export {}\n\n", <$t as TS>::decl(&cfg))); )+
            };
        }
        decl!(
            crate::error::ApiError,
            crate::commands::AppInfo,
            crate::commands::NewInitiative,
            crate::commands::EffectInputForm,
            crate::files::Progress,
            crate::survey::SurveyProgress,
            crate::survey::SurveyStarted,
            crate::files::ExportRequest,
            crate::ledger_file::ServerCheck,
            crate::files::FileChoice,
            crate::files::MapChoice,
            crate::files::SentBack,
            crate::editing::InitiativeEdit,
            crate::editing::PickedRow,
            crate::editing::BulkEdit,
            crate::editing::BulkEdited,
            crate::editing::EvaluationForm,
            crate::editing::SettingsView,
            crate::editing::UnitUpdated,
            crate::editing::OcrForm,
            daicho::export::ListColumn,
            daicho::export::ListCondition,
            daicho::export::ListExport,
            daicho::fiscal::FiscalYear,
            daicho::fiscal::DateStyle,
            daicho::ledger::Kind,
            daicho::ledger::Status,
            daicho::ledger::Basis,
            daicho::ledger::Grade,
            daicho::ledger::Initiative,
            daicho::ledger::StatusChange,
            daicho::ledger::Evaluation,
            daicho::ledger::Effect,
            daicho::ledger::Claim,
            daicho::ledger::AuditEntry,
            daicho::undo::LastChange,
            daicho::ledger::ImportRecord,
            daicho::views::ImportView,
            daicho::views::Choices,
            daicho::views::ReportChoice,
            daicho::views::YearLabels,
            daicho::views::DateStyleChoice,
            daicho::views::LedgerRow,
            daicho::views::LedgerReading,
            daicho::views::Bar,
            daicho::views::TrendPoint,
            daicho::views::Dashboard,
            daicho::views::FormulaCheck,
            daicho::views::EffectView,
            daicho::views::EvaluationView,
            daicho::views::InitiativeDetail,
            daicho::views::StatusChangeView,
            daicho::views::ChangeView,
            daicho::views::OcrView,
            daicho::views::YearPlan,
            daicho::views::TargetRow,
            daicho::views::CostRow,
            daicho::views::ReturnStatus,
            daicho::views::SettingView,
            daicho::views::OrgNode,
            daicho::views::SurveyStatus,
            daicho::views::StateCount,
            daicho::views::SectionStatus,
            daicho::import::Outcome,
            daicho::import::FieldChange,
            daicho::import::Problem,
            daicho::import::RowPlan,
            daicho::import::Role,
            daicho::import::Source,
            daicho::import::ColumnInfo,
            daicho::import::SkipKind,
            daicho::import::SkippedRow,
            daicho::import::BasisSource,
            daicho::import::BasisUse,
            daicho::import::YearUse,
            daicho::import::CautionKind,
            daicho::import::Caution,
            daicho::import::FileReport,
            daicho::import::org::OrgRowPlan,
            daicho::import::org::OrgReport,
        );
        out.trim_end().to_string() + "\n"
    }

    #[test]
    fn bindings_match_the_rust_types() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
        let generated = generate();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/lib/bindings.ts is out of date with the Rust types: run `UPDATE_BINDINGS=1 cargo test -p daicho-app bindings` and commit it"
        );
    }
}
