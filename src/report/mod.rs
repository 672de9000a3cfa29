//! Summaries computed from ledger rows. Pure functions: rows, the organisation chart and the settings in, figures
//! out; the same implementation serves the CLI, the desktop app and the exported workbooks.

mod check;
mod summary;
mod table;
mod tables;

pub use check::{CheckItem, CheckKind, check_list};
pub use summary::{Group, GroupBy, Line, Summary, SummaryOptions, Totals, counted_figures, summarize, summarize_year};
pub use table::{ChartKind, ChartSpec, ColumnKind, ReportColumn, ReportRow, ReportTable, RowKind, Value};
pub use tables::{OcrLine, ReportInput, ReportKind, ReportOptions, all_reports};

/// The AI-OCR measures of a fiscal year (or all), each with its initiative's 管理番号, 業務名 and tool.
pub fn ocr_lines(ledger: &dyn crate::db::Read, fy: Option<crate::fiscal::FiscalYear>) -> crate::Result<Vec<OcrLine>> {
    let measures = ledger.ocr_measures(fy)?;
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let initiatives: std::collections::HashMap<i64, crate::ledger::Initiative> =
        ledger.initiatives(&Default::default())?.into_iter().map(|i| (i.id, i)).collect();
    Ok(measures
        .into_iter()
        .filter_map(|measure| {
            let i = initiatives.get(&measure.initiative_id)?;
            Some(OcrLine {
                unit_id: i.unit_id,
                ledger_id: i.ledger_id.clone(),
                title: i.title.clone(),
                tool: i.tool.clone(),
                measure,
            })
        })
        .collect())
}
