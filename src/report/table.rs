//! The shape every report takes before it becomes a workbook sheet, a CSV or JSON: a title, a subtitle, typed
//! columns, rows (groups, their detail lines, totals) and footer notes. Built by pure functions from ledger data; the
//! writers in `export` only lay it out.

use rust_decimal::Decimal;
use serde::Serialize;

/// What a column holds, which decides its number format and whether a total row sums it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    /// Hours, shown with the rounding rule's decimals.
    Hours,
    /// Exact minutes.
    Minutes,
    /// A count (initiatives, scenarios).
    Count,
    Yen,
    /// Yen per something (1時間あたり費用): shown as yen, never summed.
    YenRate,
    /// 人工, two decimals.
    PersonYears,
    /// A percentage such as 115.2 (shown `115.2%`).
    Percent,
    /// A fine percentage such as 99.25 (shown `99.25%`): a 正読率, where the second decimal matters.
    FinePercent,
}

impl ColumnKind {
    /// Whether a total row adds this column up.
    pub fn sums(self) -> bool {
        matches!(self, ColumnKind::Hours | ColumnKind::Minutes | ColumnKind::Count | ColumnKind::Yen)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportColumn {
    pub title: String,
    pub kind: ColumnKind,
    /// Width in Excel character units.
    pub width: f64,
}

impl ReportColumn {
    pub fn new(title: impl Into<String>, kind: ColumnKind, width: f64) -> Self {
        Self { title: title.into(), kind, width }
    }
}

/// One cell's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Empty,
    Text(String),
    Number(#[serde(with = "rust_decimal::serde::arbitrary_precision")] Decimal),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Self {
        Value::Text(s.into())
    }

    pub fn number(d: Decimal) -> Self {
        Value::Number(d.normalize())
    }

    pub fn opt(d: Option<Decimal>) -> Self {
        d.map_or(Value::Empty, Value::number)
    }

    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Number(d) => Some(*d),
            _ => None,
        }
    }
}

/// The role of a row, for layout and for what a total row adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A line that counts in the total (a 部局, an initiative).
    Line,
    /// A detail under the line before it (a formula line); not added to the total.
    Detail,
    /// The grand total: its summable cells are the sum of the `Line` rows.
    Total,
    /// Another computed row (目標値, 達成率): shown, never summed.
    Computed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub kind: RowKind,
    pub cells: Vec<Value>,
    /// The number format of this row's numbers when it differs from the column's (a 達成率 row under fiscal-year
    /// columns of hours).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<ColumnKind>,
}

impl ReportRow {
    pub fn new(kind: RowKind, cells: Vec<Value>) -> Self {
        Self { kind, cells, format: None }
    }
}

/// A chart the workbook draws from the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSpec {
    pub title: String,
    pub kind: ChartKind,
    /// The column holding the categories (or, for a by-row chart, the row titles).
    pub category_column: usize,
    /// The series: for `Bar`, value columns over the `Line` rows; for `LineByRow`, rows over the value columns.
    pub series: Vec<usize>,
    pub value_axis: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Horizontal bars, one per `Line` row (hours by 部局).
    Bar,
    /// Lines across the columns, one per listed row (目標値 vs 実績 over the fiscal years).
    LineByRow { first_value_column: usize },
}

/// A finished report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportTable {
    /// Sheet name (short): `部局別`.
    pub sheet: String,
    pub title: String,
    pub subtitle: String,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<ReportRow>,
    /// Footer lines: the rounding rule, the adoption rule, the conversions used.
    pub notes: Vec<String>,
    /// Whether the total row is the sum of the printed lines (per-line rounding). When not, the writers store the
    /// total as a value and say so, since a sum of rounded lines would not equal the rounded exact total.
    pub total_is_sum: bool,
    pub chart: Option<ChartSpec>,
}

impl ReportTable {
    /// The rows of a kind.
    pub fn rows_of(&self, kind: RowKind) -> impl Iterator<Item = &ReportRow> {
        self.rows.iter().filter(move |r| r.kind == kind)
    }

    /// The sum of a column over the `Line` rows (what a total row must hold when `total_is_sum`).
    pub fn column_sum(&self, column: usize) -> Decimal {
        self.rows_of(RowKind::Line).filter_map(|r| r.cells.get(column).and_then(Value::as_decimal)).sum()
    }
}
