//! The ledger list as a person sees it on the screen — filtered, sorted, the columns they chose — as a workbook to
//! print or pass on (「この一覧を書き出す」). The figures are the library's own ledger rows, taken by 管理番号 in the
//! order the screen shows them, so the file says what the screen says.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::Read;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::report::{ColumnKind, ReportColumn, ReportRow, ReportTable, RowKind, Value};
use crate::views::{LedgerRow, ledger_rows};

/// A column of the ledger list, by the name the app gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ListColumn {
    LedgerId,
    Kind,
    Title,
    Bureau,
    Section,
    Tool,
    Status,
    Hours,
}

impl ListColumn {
    /// The header, as the screen writes it.
    pub fn title(self) -> &'static str {
        match self {
            ListColumn::LedgerId => "管理番号",
            ListColumn::Kind => "区分",
            ListColumn::Title => "業務名",
            ListColumn::Bureau => "部局",
            ListColumn::Section => "課",
            ListColumn::Tool => "ツール",
            ListColumn::Status => "状況",
            ListColumn::Hours => "削減時間(h)",
        }
    }

    /// The width in Excel characters: what the sample city's values need, 業務名 the widest.
    fn width(self) -> f64 {
        match self {
            ListColumn::LedgerId => 10.0,
            ListColumn::Kind => 11.0,
            ListColumn::Title => 44.0,
            ListColumn::Bureau | ListColumn::Section => 17.0,
            ListColumn::Tool => 22.0,
            ListColumn::Status => 8.0,
            ListColumn::Hours => 12.0,
        }
    }

    fn kind(self) -> ColumnKind {
        if self == ListColumn::Hours { ColumnKind::Hours } else { ColumnKind::Text }
    }

    fn cell(self, r: &LedgerRow) -> Value {
        let text = |t: &str| if t.is_empty() { Value::Empty } else { Value::text(t) };
        match self {
            ListColumn::LedgerId => text(&r.ledger_id),
            ListColumn::Kind => text(&r.kind),
            ListColumn::Title => text(&r.title),
            ListColumn::Bureau => text(&r.bureau),
            ListColumn::Section => text(&r.section),
            ListColumn::Tool => text(&r.tool),
            ListColumn::Status => text(&r.status),
            ListColumn::Hours => Value::opt(r.hours),
        }
    }
}

/// One condition the list is filtered by, as the screen names it: `部局` `総務部`, `検索` `保育`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListCondition {
    pub label: String,
    pub value: String,
}

/// The list to write: its initiatives in the order shown, the columns shown (left to right), and what it is
/// filtered and sorted by, for the sheet's subtitle.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListExport {
    pub ledger_ids: Vec<String>,
    pub columns: Vec<ListColumn>,
    pub conditions: Vec<ListCondition>,
    pub sorted_by: Option<ListColumn>,
    pub ascending: bool,
}

/// The list as a sheet: a title and subtitle (the organisation, the conditions, the order, the count), a header row
/// repeated on every printed page, one row per initiative with its figure of the year, and a total row summing the
/// hours shown. A 管理番号 the ledger no longer has (deleted since the list was read) refuses the file, so it never
/// leaves out a row the screen showed.
pub fn ledger_list_table(ledger: &dyn Read, fy: FiscalYear, list: &ListExport) -> Result<ReportTable> {
    if list.columns.is_empty() {
        return Err(Error::Invalid("書き出す列がありません。表示する列を1つ以上選んでください".into()));
    }
    let settings = ledger.settings()?;
    let all = ledger_rows(ledger, fy)?;
    let by_id: HashMap<&str, &LedgerRow> = all.iter().map(|r| (r.ledger_id.as_str(), r)).collect();
    let mut rows = Vec::with_capacity(list.ledger_ids.len() + 1);
    let (mut hours, mut scenarios) = (Decimal::ZERO, 0);
    for id in &list.ledger_ids {
        let r = by_id.get(id.as_str()).ok_or_else(|| {
            Error::NotFound(format!("取組 {id} は台帳にありません（一覧を表示した後に削除されました）。一覧を読み直してから書き出してください"))
        })?;
        hours += r.hours.unwrap_or_default();
        scenarios += r.scenarios.unwrap_or_default();
        rows.push(ReportRow::new(RowKind::Line, list.columns.iter().map(|c| c.cell(r)).collect()));
    }
    // The total: 合計 in the first text column, the count under 業務名 (or beside 合計), the hours summed.
    let count = format!("{} 件（シナリオ {} 本）", list.ledger_ids.len(), scenarios);
    let label_at = list.columns.iter().position(|c| *c != ListColumn::Hours);
    let count_at = list.columns.iter().position(|c| *c == ListColumn::Title).filter(|at| Some(*at) != label_at);
    let total = list
        .columns
        .iter()
        .enumerate()
        .map(|(n, c)| match c {
            ListColumn::Hours => Value::number(hours),
            _ if Some(n) == label_at && count_at.is_some() => Value::text("合計"),
            _ if Some(n) == label_at => Value::text(format!("合計 {count}")),
            _ if Some(n) == count_at => Value::text(count.clone()),
            _ => Value::Empty,
        })
        .collect();
    rows.push(ReportRow::new(RowKind::Total, total));

    let conditions = if list.conditions.is_empty() {
        "絞り込みなし".to_string()
    } else {
        let each: Vec<String> = list
            .conditions
            .iter()
            .map(|c| {
                if c.label == "検索" {
                    format!("検索「{}」", c.value)
                } else {
                    format!("{} {}", c.label, c.value)
                }
            })
            .collect();
        format!("絞り込み: {}", each.join("・"))
    };
    let order = list
        .sorted_by
        .map(|c| format!(" ／ 並び順: {}の{}", c.title(), if list.ascending { "昇順" } else { "降順" }))
        .unwrap_or_default();
    let organisation = if settings.organisation_name.is_empty() {
        String::new()
    } else {
        format!("{} ／ ", settings.organisation_name)
    };
    Ok(ReportTable {
        sheet: "取組一覧".into(),
        title: format!("{} 取組一覧", fy.label()),
        subtitle: format!("{organisation}{conditions}{order} ／ {} 件", list.ledger_ids.len()),
        columns: list.columns.iter().map(|c| ReportColumn::new(c.title(), c.kind(), c.width())).collect(),
        rows,
        notes: vec![format!(
            "削減時間: 各取組の{}の数値（同じ取組では 実績＞試行＞試算 の順で採用）を{}単位で{}。合計は各行の和。",
            fy.wareki(),
            settings.rounding.unit_label(),
            settings.rounding.mode.label()
        )],
        total_is_sum: true,
        chart: None,
    })
}

/// [`ledger_list_table`] as an A4 landscape workbook (one page wide, the header row on every page, page numbers in
/// the footer, text always as text): its bytes and its number of initiatives.
pub fn ledger_list_file(
    ledger: &dyn Read,
    fy: FiscalYear,
    list: &ListExport,
    exported_on: NaiveDate,
) -> Result<(Vec<u8>, usize)> {
    let table = ledger_list_table(ledger, fy, list)?;
    let options = super::workbook_options(ledger.settings()?, exported_on);
    Ok((super::write_reports(&[table], &options)?, list.ledger_ids.len()))
}
