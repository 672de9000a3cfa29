//! Summaries computed from ledger rows. Pure functions: rows, the organisation chart and the settings in, figures
//! out; the same implementation serves the CLI, the desktop app and the exported workbooks.

mod check;
mod summary;
mod table;
mod tables;

pub use check::{CheckItem, CheckKind, check_list};
pub use summary::{Group, GroupBy, Line, Summary, SummaryOptions, Totals, summarize, summarize_year};
pub use table::{ChartKind, ChartSpec, ColumnKind, ReportColumn, ReportRow, ReportTable, RowKind, Value};
pub use tables::{ReportInput, ReportKind, ReportOptions, all_reports};
