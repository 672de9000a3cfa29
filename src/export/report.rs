//! Report tables → a workbook: one sheet per report, ready for A4.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart, ChartEmptyCells, ChartFont, ChartLegendPosition, ChartType, Color, Format, FormatBorder, Formula, Workbook,
    Worksheet,
};

use super::xlsx;
use crate::error::Result;
use crate::report::{ChartKind, ColumnKind, ReportTable, RowKind, Value};
use crate::survey::column_letters;

use super::FONT;
/// Rows above the header: title, subtitle, a blank line.
const HEADER_ROW: u32 = 3;
/// Excel's SUM takes at most 255 arguments.
const MAX_SUM_ARGS: usize = 255;

/// What goes around the tables: the export date for the footer, the hours' decimals for number formats.
#[derive(Debug, Clone)]
pub struct WorkbookOptions {
    pub exported_on: NaiveDate,
    pub hour_places: u32,
    pub organisation_name: String,
}

/// The number format of a column: thousands separators, the decimals the figure has, and a negative figure (a
/// saving that became a cost) in red with ▲, as Japanese public accounts mark it, never a bare minus that reads as a
/// dash.
fn number_format(kind: ColumnKind, hour_places: u32) -> String {
    let positive: String = match kind {
        ColumnKind::Hours => match hour_places {
            0 => "#,##0".into(),
            p => format!("#,##0.{}", "0".repeat(p as usize)),
        },
        ColumnKind::Minutes => "#,##0.##".into(),
        ColumnKind::Count | ColumnKind::Yen | ColumnKind::YenRate => "#,##0".into(),
        ColumnKind::PersonYears => "#,##0.00".into(),
        ColumnKind::Percent => "#,##0.0\"%\"".into(),
        ColumnKind::FinePercent => "#,##0.00\"%\"".into(),
        ColumnKind::Text => return "@".into(),
    };
    format!("{positive};[Red]\"▲\"{positive}")
}

struct Styles {
    base: Format,
    title: Format,
    subtitle: Format,
    header: Format,
    note: Format,
}

fn styles() -> Styles {
    let base = super::base_format();
    Styles {
        title: base.clone().set_bold().set_font_size(14),
        subtitle: base.clone().set_font_size(10).set_font_color(Color::RGB(0x404040)),
        header: super::header_format(),
        note: base.clone().set_font_size(9),
        base,
    }
}

fn cell_format(s: &Styles, kind: ColumnKind, row: RowKind, places: u32) -> Format {
    let mut f = s.base.clone().set_border(FormatBorder::Thin).set_border_color(Color::RGB(0xBFBFBF));
    if kind != ColumnKind::Text {
        f = f.set_num_format(number_format(kind, places));
    }
    match row {
        RowKind::Total => f.set_bold().set_border_top(FormatBorder::Double).set_background_color(Color::RGB(0xF2F2F2)),
        RowKind::Detail => f.set_font_size(8).set_font_color(Color::RGB(0x595959)),
        RowKind::Line | RowKind::Computed => f,
    }
}

/// Writes the tables as sheets of one workbook and returns its bytes.
pub fn write_reports(tables: &[ReportTable], opts: &WorkbookOptions) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let s = styles();
    for table in tables {
        let ws = wb.add_worksheet().set_name(&table.sheet).map_err(xlsx)?;
        let chart = write_table(ws, table, &s, opts)?;
        // A table's chart is a chart sheet of its own right after it: printed, it fills a page of its own, with no
        // table header repeated above it (a chart below the table printed on a second page under the lone header
        // row the table repeats on every page).
        if let Some(chart) = chart {
            let cs = wb.add_chartsheet().set_name(chart_sheet_name(&table.sheet)).map_err(xlsx)?;
            cs.insert_chart(0, 0, &chart).map_err(xlsx)?;
            page_setup(cs, opts);
        }
    }
    wb.save_to_buffer().map_err(xlsx)
}

/// The name of the chart sheet drawn from a table's sheet: `年度推移` → `年度推移グラフ`, within Excel's 31 characters.
fn chart_sheet_name(table_sheet: &str) -> String {
    const SUFFIX: &str = "グラフ";
    let room = 31 - SUFFIX.chars().count();
    format!("{}{SUFFIX}", table_sheet.chars().take(room).collect::<String>())
}

/// A4 landscape with the organisation, the page number and the export date in the footer, for every sheet.
fn page_setup(ws: &mut Worksheet, opts: &WorkbookOptions) {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_footer(format!(
        "&L&\"{FONT}\"&8{}&C&\"{FONT}\"&8&P / &N ページ&R&\"{FONT}\"&8出力日: {}",
        opts.organisation_name,
        opts.exported_on.format("%Y年%-m月%-d日")
    ));
}

/// The SUM formula of a column over the line rows: contiguous runs become ranges; `None` past Excel's limit.
fn sum_formula(col: &str, line_rows: &[u32]) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < line_rows.len() {
        let start = line_rows[i];
        let mut end = start;
        while i + 1 < line_rows.len() && line_rows[i + 1] == end + 1 {
            end += 1;
            i += 1;
        }
        parts.push(if start == end {
            format!("{col}{}", start + 1)
        } else {
            format!("{col}{}:{col}{}", start + 1, end + 1)
        });
        i += 1;
    }
    (!parts.is_empty() && parts.len() <= MAX_SUM_ARGS).then(|| format!("=SUM({})", parts.join(",")))
}

/// Writes a table on its sheet and returns the chart drawn from it, if it has one.
fn write_table(ws: &mut Worksheet, t: &ReportTable, s: &Styles, opts: &WorkbookOptions) -> Result<Option<Chart>> {
    let last_col = t.columns.len().saturating_sub(1) as u16;
    ws.write_string_with_format(0, 0, &t.title, &s.title).map_err(xlsx)?;
    ws.write_string_with_format(1, 0, &t.subtitle, &s.subtitle).map_err(xlsx)?;
    ws.set_row_height(0, 22).map_err(xlsx)?;
    for (c, col) in t.columns.iter().enumerate() {
        ws.set_column_width(c as u16, col.width).map_err(xlsx)?;
        ws.write_string_with_format(HEADER_ROW, c as u16, &col.title, &s.header).map_err(xlsx)?;
    }
    let two_line = t.columns.iter().any(|c| c.title.contains('\n'));
    ws.set_row_height(HEADER_ROW, if two_line { 30 } else { 20 }).map_err(xlsx)?;

    let mut line_rows: Vec<u32> = Vec::new();
    let mut row = HEADER_ROW + 1;
    for r in &t.rows {
        if r.kind == RowKind::Line {
            line_rows.push(row);
        }
        for (c, (col, value)) in t.columns.iter().zip(&r.cells).enumerate() {
            let kind = match (r.format, value) {
                (Some(f), Value::Number(_)) => f,
                _ => col.kind,
            };
            let format = cell_format(s, kind, r.kind, opts.hour_places);
            let c = c as u16;
            match value {
                Value::Empty => {
                    ws.write_blank(row, c, &format).map_err(xlsx)?;
                }
                // Text is always written as a string: a 業務名 beginning with `=` is never a formula.
                Value::Text(text) => {
                    ws.write_string_with_format(row, c, text, &format).map_err(xlsx)?;
                }
                Value::Number(n) => {
                    let sum = (r.kind == RowKind::Total && t.total_is_sum && col.kind.sums())
                        .then(|| sum_formula(&column_letters(c as u32), &line_rows))
                        .flatten()
                        .filter(|_| t.column_sum(c as usize) == *n);
                    let number = n.to_f64().unwrap_or(0.0);
                    match sum {
                        Some(f) => {
                            ws.write_formula_with_format(row, c, Formula::new(f).set_result(decimal_text(*n)), &format)
                                .map_err(xlsx)?;
                        }
                        None => {
                            ws.write_number_with_format(row, c, number, &format).map_err(xlsx)?;
                        }
                    }
                }
            }
        }
        row += 1;
    }
    row += 1;
    for note in &t.notes {
        ws.write_string_with_format(row, 0, note, &s.note).map_err(xlsx)?;
        row += 1;
    }
    let chart = match &t.chart {
        Some(spec) => chart(t, spec, &line_rows)?,
        None => None,
    };
    ws.set_freeze_panes(HEADER_ROW + 1, 1).map_err(xlsx)?;
    page_setup(ws, opts);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW).map_err(xlsx)?;
    ws.set_print_area(0, 0, row.saturating_sub(1), last_col).map_err(xlsx)?;
    Ok(chart)
}

fn decimal_text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The table's chart, or `None` where a chart cannot be drawn from the table's rows. It fills a chart sheet, which
/// sizes it to the page.
fn chart(t: &ReportTable, spec: &crate::report::ChartSpec, line_rows: &[u32]) -> Result<Option<Chart>> {
    let sheet = t.sheet.as_str();
    let font = |size: u32| {
        let mut f = ChartFont::new();
        f.set_name(FONT).set_size(size);
        f
    };
    let mut chart = match spec.kind {
        ChartKind::Bar => {
            let (Some(first), Some(last)) = (line_rows.first(), line_rows.last()) else { return Ok(None) };
            if line_rows.len() != (last - first + 1) as usize {
                return Ok(None); // detail rows interleaved: a bar per group would need a contiguous range
            }
            let mut c = Chart::new(ChartType::Bar);
            for &col in &spec.series {
                c.add_series()
                    .set_categories((sheet, *first, spec.category_column as u16, *last, spec.category_column as u16))
                    .set_values((sheet, *first, col as u16, *last, col as u16))
                    .set_name(&t.columns[col].title.replace('\n', ""));
            }
            c.y_axis().set_reverse(); // categories top-down, as in the table
            c.legend().set_hidden();
            c
        }
        ChartKind::LineByRow { first_value_column } => {
            let last_col = t.columns.len() as u16 - 1;
            let mut c = Chart::new(ChartType::Line);
            for &r in &spec.series {
                let row = HEADER_ROW + 1 + r as u32;
                c.add_series()
                    .set_categories((sheet, HEADER_ROW, first_value_column as u16, HEADER_ROW, last_col))
                    .set_values((sheet, row, first_value_column as u16, row, last_col))
                    .set_name((sheet, row, spec.category_column as u16));
            }
            c.legend().set_position(ChartLegendPosition::Bottom).set_font(&font(9));
            // A year without figures is an empty cell, drawn as a gap in the line (never as a drop to zero).
            c.show_empty_cells_as(ChartEmptyCells::Gaps);
            c
        }
    };
    chart.title().set_name(&spec.title).set_font(&font(12));
    chart.x_axis().set_font(&font(9));
    chart.y_axis().set_font(&font(9));
    // The value axis (a bar chart's runs across) reads as the tables do: 4,000, not 4000.
    let values = match spec.kind {
        ChartKind::Bar => chart.x_axis(),
        ChartKind::LineByRow { .. } => chart.y_axis(),
    };
    values.set_name(&spec.value_axis).set_name_font(&font(9)).set_num_format("#,##0");
    Ok(Some(chart))
}
