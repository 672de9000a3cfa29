//! The rows below the header, as departments fill them: each row is read as what it is — a line (one initiative's
//! figure, or several when a cell holds several measures or the header splits figures by basis), a 小計 or 合計, a
//! note, a blank spacer, a header repeated from an earlier printed page — and only lines are imported. Totals are the
//! department's own arithmetic: each is checked against the lines it covers. Every problem of every row is
//! collected, never only the first.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::cell::{ItemError, Quantity, hours_figure, is_figure_cell, read_items, split_unit};
use super::layout::{ColumnInfo, Layout, Role};
use super::totals::{Tracker, WrittenTotal, agrees};
use super::vocabulary::{self, TotalLevel};
use super::workbook::{Cell, Sheet, number_text};
use crate::fiscal::{FiscalYear, from_excel_serial, parse_date};
use crate::formula::{Conversions, Formula};
use crate::ledger::{Basis, EffectInput, Evaluated, Kind, NewEffect, OcrInput, Status, Structured};
use crate::number::{group_thousands, nfkc, parse_decimal};
use crate::org::{OrgChart, Resolution, name_key, split_path};
use crate::survey::Column;

/// A problem with a cell or a row: where, what, and what the cell held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    pub file: String,
    pub sheet: String,
    /// Excel's row number (1-based); 0 for a problem with the file as a whole.
    pub row: usize,
    /// `C列「課」`, or empty for a problem with the row as a whole.
    pub column: String,
    pub message: String,
    /// The cell's text as the department typed it.
    pub original: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.sheet.is_empty() {
            write!(f, " › {}", self.sheet)?;
        }
        if self.row > 0 {
            write!(f, " › {}行目", self.row)?;
        }
        if !self.column.is_empty() {
            write!(f, " › {}", self.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(o) = self.original.as_ref().filter(|o| !o.is_empty()) {
            write!(f, "（セルの値: 「{o}」）")?;
        }
        Ok(())
    }
}

/// A validated line: what one row (or one item of a row) says about an initiative and its figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnRow {
    /// Excel's row number.
    pub row: usize,
    /// Which part of the row this line is, when a row gives several: the item of a cell with several measures
    /// (「窓口での確認時間の削減」), or the basis of a header that splits figures by basis.
    pub item: Option<String>,
    pub ledger_id: Option<String>,
    /// The unit named by 部局/課/係; `None` when those are empty on a row with a 管理番号 (kept as is).
    pub unit_id: Option<i64>,
    pub kind: Option<Kind>,
    pub title: Option<String>,
    pub tool: Option<String>,
    pub status: Option<Status>,
    pub scenarios: Option<i64>,
    pub started_on: Option<NaiveDate>,
    pub fiscal_year: FiscalYear,
    /// The year's figure, when the row gives one.
    pub effect: Option<Evaluated>,
    /// 備考: the effect's note when the row has a figure, the initiative's notes otherwise.
    pub note: Option<String>,
    /// The AI-OCR measure of the initiative's fiscal year (帳票の種類, 読取枚数, 読取文字数, 修正文字数, 修正時間), when
    /// the row gives one.
    pub ocr: Option<OcrInput>,
    /// Whether the basis of the figure is the file's default (no 算定区分 cell, no basis in its header).
    #[serde(skip)]
    pub default_basis: bool,
    /// Whether the fiscal year is the file's default (no 年度 cell).
    #[serde(skip)]
    pub default_year: bool,
}

/// What a row that is not a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SkipKind {
    /// 小計, or a group's 計: covers the lines since the previous total.
    Subtotal,
    /// 合計, 総計: covers every line above it.
    Total,
    /// A row with figures and no name under a group of lines: a total without a label.
    UnlabeledTotal,
    /// A total written above the header (「部局合計 4,274時間」): covers every line of the table.
    TitleTotal,
    /// ※, 注, 備考: …, 以上.
    Note,
    /// The header again (a table printed across pages and pasted back).
    RepeatedHeader,
    /// A row naming only a 部局 or 課 (a group heading); the lines below it without 部局 and 課 belong to it.
    GroupHeading,
}

impl SkipKind {
    pub fn label(self) -> &'static str {
        match self {
            SkipKind::Subtotal => "小計",
            SkipKind::Total => "合計",
            SkipKind::UnlabeledTotal => "合計（見出しなし）",
            SkipKind::TitleTotal => "表の上の合計",
            SkipKind::Note => "注記",
            SkipKind::RepeatedHeader => "見出しの繰り返し",
            SkipKind::GroupHeading => "組織の見出し",
        }
    }
}

/// A row that is not imported, and why; for a total, how its figure compares with the lines it covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SkippedRow {
    pub row: usize,
    pub kind: SkipKind,
    /// The label or the note, shortened.
    pub text: String,
    /// The hours written on a total row.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub stated_hours: Option<Decimal>,
    /// The sum of the lines it covers (what each states, or its formula's result), in hours.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub lines_hours: Option<Decimal>,
    /// The Excel rows of the first and last line covered.
    pub covers: Option<(usize, usize)>,
    pub matches: Option<bool>,
}

impl SkippedRow {
    /// A row that is not imported and has nothing to check (a note, a repeated header, a heading).
    pub(crate) fn plain(row: usize, kind: SkipKind, text: String) -> Self {
        SkippedRow { row, kind, text, stated_hours: None, lines_hours: None, covers: None, matches: None }
    }
}

/// What reading the rows gives.
#[derive(Debug, Default)]
pub struct Body {
    pub rows: Vec<ReturnRow>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub skipped: Vec<SkippedRow>,
    /// Unmapped columns that hold figures in most lines (refused), by index.
    pub figure_columns: Vec<usize>,
    /// Columns under no header that hold 1, 2, 3 … (row numbers), by index.
    pub numbered_columns: Vec<usize>,
}

/// What the rows are read with: the organisation, and the defaults for cells the file leaves empty.
pub struct BodyOptions<'a> {
    pub file: &'a str,
    pub chart: &'a OrgChart,
    /// The fiscal year of rows without a 年度 cell, if known.
    pub fiscal_year: Option<FiscalYear>,
    /// The basis of figures without a 算定区分 cell or a basis in their header.
    pub basis: Basis,
    pub conversions: Conversions,
}

/// How a row reads before it is parsed.
enum RowKind {
    Blank,
    Skipped(SkipKind, String),
    Total(TotalLevel, String),
    Line,
}

/// The text a total or note is shown with.
fn short(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A cell's text as quoted in a message: at most 100 characters, so a 100,000-character cell does not become a
/// 100,000-character report.
fn shorten(text: &str) -> String {
    const QUOTE: usize = 100;
    match text.char_indices().nth(QUOTE) {
        Some((at, _)) => format!("{}…（全{}文字）", &text[..at], text.chars().count()),
        None => text.to_string(),
    }
}

/// The most characters a cell of the column may hold: generous for the free-text columns, a line for the rest.
fn max_chars(column: Column) -> usize {
    match column {
        Column::Note | Column::Formula | Column::StatedHours => 2_000,
        Column::Title => 200,
        _ => 100,
    }
}

/// Organisation lookups by the names a row gives and the year.
type UnitCache = HashMap<(Vec<String>, Option<FiscalYear>), Resolution>;

struct Reader<'a> {
    opts: &'a BodyOptions<'a>,
    sheet: &'a Sheet,
    layout: &'a Layout,
    row: usize,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
    /// Organisation names already looked up in this sheet (most rows of a return name the same 課).
    units: &'a RefCell<UnitCache>,
}

impl Reader<'_> {
    fn cell_at(&self, col: Option<usize>) -> &Cell {
        match col {
            Some(c) => self.sheet.cell(self.row, c),
            None => &Cell::Empty,
        }
    }

    fn col(&self, c: Column) -> Option<usize> {
        self.layout.col(c)
    }

    fn cell(&self, c: Column) -> &Cell {
        self.cell_at(self.col(c))
    }

    fn text_at(&self, col: Option<usize>) -> Option<String> {
        let t = self.cell_at(col).display();
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    fn text(&self, c: Column) -> Option<String> {
        self.text_at(self.col(c))
    }

    fn problem_at(&self, col: Option<usize>, field: Option<Column>, message: String) -> Problem {
        let column = match (col.and_then(|c| self.layout.info(c)), field) {
            (Some(info), _) => info.label(),
            // A field the sheet has no column for is named by its title alone, never by another column's letter.
            (None, Some(f)) => f.title().to_string(),
            (None, None) => String::new(),
        };
        Problem {
            file: self.opts.file.to_string(),
            sheet: self.sheet.name.clone(),
            row: self.row + 1,
            column,
            message,
            original: col.map(|c| shorten(&self.sheet.cell(self.row, c).display())).filter(|t| !t.is_empty()),
        }
    }

    fn error_at(&mut self, col: Option<usize>, field: Option<Column>, message: impl Into<String>) {
        let p = self.problem_at(col, field, message.into());
        self.errors.push(p);
    }

    fn error(&mut self, c: Option<Column>, message: impl Into<String>) {
        let col = c.and_then(|c| self.col(c));
        self.error_at(col, c, message);
    }

    fn warn_at(&mut self, col: Option<usize>, message: impl Into<String>) {
        let p = self.problem_at(col, None, message.into());
        self.warnings.push(p);
    }

    /// A number cell that may hold text with a unit (`30分`, `1,200件`, `約1,850`, `１２`).
    fn decimal_at(&mut self, col: Option<usize>, field: Column, what: Quantity) -> Option<Decimal> {
        let cell = self.cell_at(col).clone();
        let (value, unit) = match &cell {
            Cell::Empty => return None,
            Cell::Number(n) => (parse_decimal(&number_text(*n)), String::new()),
            Cell::Text(t) if t.trim().is_empty() => return None,
            Cell::Text(t) => split_unit(t),
            Cell::Date(_) | Cell::Bool(_) | Cell::Error(_) => (None, String::new()),
        };
        let Some(value) = value else {
            self.error_at(col, Some(field), format!("数値として読めません。{}", what.hint()));
            return None;
        };
        match what.convert(value, &unit) {
            Ok(v) => Some(v),
            Err(m) => {
                self.error_at(col, Some(field), m);
                None
            }
        }
    }

    /// Refuses the row when a cell holds more text than its column can mean (a pasted document in 業務名).
    fn check_lengths(&mut self) -> bool {
        let mut fine = true;
        for info in &self.layout.columns {
            let Role::Field(field) = info.role else { continue };
            // Only text can be long; a number or a date is a few characters.
            let Cell::Text(text) = self.sheet.cell(self.row, info.index) else { continue };
            let length = text.chars().count();
            let limit = max_chars(field);
            if length > limit {
                self.error_at(
                    Some(info.index),
                    Some(field),
                    format!("{length}文字あります。{limit}文字以内にしてください"),
                );
                fine = false;
            }
        }
        fine
    }
}

/// Whether a name is a 部局, 課 or 係 of the organisation (by any of its names).
fn is_org_name(chart: &OrgChart, name: &str) -> bool {
    chart.units_named(&name_key(name)).next().is_some()
}

/// How a row reads before it is parsed: blank, a repeated header, a note, a total, a group heading, or a line.
fn classify(sheet: &Sheet, layout: &Layout, chart: &OrgChart, row: usize) -> RowKind {
    let cells = &sheet.rows[row];
    // What the row holds, leaving out what never makes a row a line: the template's helper formulas (cached 0 on
    // empty rows), ignored columns, and the numbers of a row-number column (templates number empty rows too).
    let filled: Vec<(usize, &Cell)> = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .filter(|(i, c)| match layout.info(*i).map(|info| info.role) {
            Some(Role::Helper | Role::Ignored) => false,
            Some(Role::RowNumber) => matches!(c, Cell::Text(_)),
            _ => true,
        })
        .collect();
    // A row holding only what merged cells above carry down (a line written over two rows) adds nothing.
    let continued = |i: usize| sheet.merged_down(row, i).is_some_and(|(r0, _)| r0 < row);
    if filled.iter().all(|(i, _)| continued(*i)) {
        return RowKind::Blank;
    }
    let texts: Vec<(usize, String)> = filled
        .iter()
        .filter_map(|(i, c)| match c {
            Cell::Text(t) => Some((*i, t.trim().to_string())),
            _ => None,
        })
        .collect();
    // The header again: at least two cells hold their own column's header text (pasted, so as written).
    let header_hits = texts.iter().filter(|(i, t)| layout.info(*i).is_some_and(|info| info.texts.contains(t))).count();
    if header_hits >= 2 && header_hits * 2 >= filled.len() {
        return RowKind::Skipped(SkipKind::RepeatedHeader, String::new());
    }
    // One text in the row (a merge across the columns repeats it): a note, a total label, or a group heading.
    let single = texts
        .first()
        .map(|(_, t)| t.as_str())
        .filter(|t| filled.len() == texts.len() && texts.iter().all(|(_, x)| x == t));
    if let Some(t) = single {
        if vocabulary::is_note(t) {
            return RowKind::Skipped(SkipKind::Note, short(t));
        }
        if let Some(level) = vocabulary::total_label(t, |n| is_org_name(chart, n)) {
            return RowKind::Total(level, t.to_string());
        }
        // 「総務部」「【総務部／総務課】」「■ 保育課」: the organisation the lines below belong to.
        let heading = t.trim_matches(|c: char| c.is_whitespace() || "【】[]［］〔〕()（）<>＜＞■□◆◇●○★☆".contains(c));
        let names: Vec<&str> =
            heading.split(|c: char| c.is_whitespace() || "/／>＞".contains(c)).filter(|n| !n.is_empty()).collect();
        if !names.is_empty() && names.iter().all(|n| is_org_name(chart, n)) {
            return RowKind::Skipped(SkipKind::GroupHeading, names.join("／"));
        }
    }
    // A line has a 管理番号, a formula (text with a figure in it: 「－」 is none), or a 業務名 that is not itself a
    // total label. Any other row with a total label where a name stands (部局, 課, 係, 業務名, 区分, 番号, or a column
    // that is not a survey field) is a total; a label elsewhere (備考 「4月からの累計」) is not.
    let id = layout.col(Column::LedgerId).is_some_and(|c| !sheet.cell(row, c).is_empty());
    let formula = layout
        .columns
        .iter()
        .filter(|c| c.role == Role::Field(Column::Formula))
        .any(|c| matches!(sheet.cell(row, c.index), Cell::Text(t) if t.chars().any(|ch| ch.is_numeric())));
    let is_label = |t: &str| vocabulary::total_label(t, |n| is_org_name(chart, n));
    let title = layout.col(Column::Title).map(|c| sheet.cell(row, c)).filter(|c| !c.is_empty());
    let named = title.is_some_and(|c| is_label(&c.display()).is_none());
    if !id && !formula && !named {
        for (i, t) in &texts {
            let name_column = matches!(
                layout.info(*i).map(|info| info.role),
                Some(
                    Role::Field(Column::Bureau | Column::Section | Column::Team | Column::Title | Column::Kind)
                        | Role::RowNumber
                        | Role::Unknown
                ) | None
            );
            if name_column && let Some(level) = is_label(t) {
                return RowKind::Total(level, t.clone());
            }
        }
        if let Some((_, t)) = texts.first()
            && vocabulary::is_note(t)
            && filled.iter().all(|(_, c)| !is_figure_cell(c))
        {
            return RowKind::Skipped(SkipKind::Note, short(t));
        }
    }
    RowKind::Line
}

/// Reads every row below the header.
pub fn read_body(opts: &BodyOptions<'_>, sheet: &Sheet, layout: &Layout) -> Body {
    let mut body = Body::default();
    let bases = layout.figure_bases();
    let mut totals = Tracker::new(bases.len());
    let mut seen: Vec<((String, i32, Basis), usize)> = Vec::new();
    let mut group: Option<String> = None;
    let mut line_rows: Vec<usize> = Vec::new();
    let units = RefCell::new(HashMap::new());
    for row in layout.header_last + 1..sheet.rows.len() {
        let mut r = Reader { opts, sheet, layout, row, errors: Vec::new(), warnings: Vec::new(), units: &units };
        let (kind, level, label) = match classify(sheet, layout, opts.chart, row) {
            RowKind::Blank => continue,
            RowKind::Skipped(kind, text) => {
                if kind == SkipKind::GroupHeading {
                    group = Some(text.clone());
                }
                body.skipped.push(SkippedRow::plain(row + 1, kind, text));
                continue;
            }
            RowKind::Total(level, label) => {
                let kind = if level == TotalLevel::Group { SkipKind::Subtotal } else { SkipKind::Total };
                (kind, Some(level), label)
            }
            RowKind::Line if totals.has_lines() && unlabeled_total(&r, &bases) => {
                (SkipKind::UnlabeledTotal, None, String::new())
            }
            RowKind::Line => {
                line_rows.push(row);
                read_line_into(&mut r, group.as_deref(), &bases, &mut totals, &mut seen, &mut body);
                continue;
            }
        };
        let written =
            WrittenTotal { row: row + 1, kind, level, label: short(&label), figures: total_figures(&r, &bases) };
        for checked in totals.total(written) {
            if let Some((col, message)) = checked.warning {
                r.warn_at(col, message);
            }
            body.skipped.push(checked.skipped);
        }
        body.warnings.append(&mut r.warnings);
    }
    let above = title_totals(opts, sheet, layout);
    for checked in totals.finish(above) {
        if let Some((_, message)) = checked.warning {
            body.warnings.push(Problem {
                file: opts.file.to_string(),
                sheet: sheet.name.clone(),
                row: checked.skipped.row,
                column: String::new(),
                message,
                original: None,
            });
        }
        body.skipped.push(checked.skipped);
    }
    account_for_columns(opts, sheet, layout, &line_rows, &mut body);
    body
}

/// Reads a line row, checks it for duplicates within the file, and counts its lines for the totals.
fn read_line_into(
    r: &mut Reader<'_>,
    group: Option<&str>,
    bases: &[Option<Basis>],
    totals: &mut Tracker,
    seen: &mut Vec<((String, i32, Basis), usize)>,
    body: &mut Body,
) {
    let row = r.row;
    let lines = read_line(r, group, bases);
    for (set, hours, line) in &lines {
        // Duplicates within the file: the same initiative (by 管理番号, or by 課 and 業務名), year and basis.
        if let Some(basis) = line.effect.as_ref().map(|e| e.basis) {
            let key = match &line.ledger_id {
                Some(id) => id.clone(),
                None => format!("{:?}/{}", line.unit_id, name_key(line.title.as_deref().unwrap_or(""))),
            };
            let k = (key, line.fiscal_year.0, basis);
            if let Some((_, first)) = seen.iter().find(|(x, _)| *x == k) {
                let first = *first;
                r.error(None, format!("{first}行目と同じ取組・年度・算定区分の行が重複しています"));
            } else {
                seen.push((k, row + 1));
            }
        }
        if let Some(h) = hours {
            totals.line(*set, row + 1, *h);
        }
    }
    if r.errors.is_empty() {
        body.rows.extend(lines.into_iter().map(|(_, _, l)| l));
    } else {
        totals.broken();
    }
    body.errors.append(&mut r.errors);
    body.warnings.append(&mut r.warnings);
}

/// A row with a figure of hours and nothing that names a line (no 管理番号, 業務名, formula or per-case input): a
/// total without a label. Which lines it covers is decided by its figure (see `totals.rs`).
fn unlabeled_total(r: &Reader<'_>, bases: &[Option<Basis>]) -> bool {
    let named = [Column::LedgerId, Column::Title, Column::Formula].iter().any(|c| {
        r.layout.columns.iter().any(|info| info.role == Role::Field(*c) && !r.sheet.cell(r.row, info.index).is_empty())
    });
    let inputs = [Column::BeforeMinutes, Column::AfterMinutes, Column::SavedMinutes]
        .iter()
        .any(|c| bases.iter().any(|b| !r.cell_at(r.layout.figure_col(*c, *b)).is_empty()));
    !named && !inputs && !total_figures(r, bases).is_empty()
}

/// The figures of hours a total row writes, in each figure set that has a column for them.
fn total_figures(r: &Reader<'_>, bases: &[Option<Basis>]) -> Vec<(usize, Option<usize>, Decimal)> {
    bases
        .iter()
        .enumerate()
        .filter_map(|(set, basis)| {
            let col = r.layout.figure_col(Column::StatedHours, *basis);
            let stated = match r.cell_at(col) {
                Cell::Number(n) => parse_decimal(&number_text(*n)),
                Cell::Text(t) => hours_figure(t),
                _ => None,
            }?;
            Some((set, col, stated))
        })
        .collect()
}

/// Totals written above the header (「部局合計 4,274時間」, or 「合計」 beside a figure): checked against every line.
fn title_totals(opts: &BodyOptions<'_>, sheet: &Sheet, layout: &Layout) -> Vec<WrittenTotal> {
    let mut out = Vec::new();
    for row in 0..layout.header_first {
        let mut label: Option<String> = None;
        let mut figure: Option<Decimal> = None;
        for cell in &sheet.rows[row] {
            match cell {
                Cell::Text(t) if label.is_none() => {
                    // 「合計」 in a cell of its own, or 「部局合計 4,274時間」 / 「合計：4,274時間」 in one cell.
                    let (head, tail) = match t.find(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
                        Some(at) => (&t[..at], Some(&t[at..])),
                        None => (t.as_str(), None),
                    };
                    let head = head.trim().trim_end_matches([':', '：']).trim();
                    if !head.is_empty() && vocabulary::total_label(head, |n| is_org_name(opts.chart, n)).is_some() {
                        label = Some(head.to_string());
                        figure = tail.and_then(hours_figure);
                    }
                }
                // A figure after the label, as a number or as text (「4,274時間」).
                Cell::Number(n) if label.is_some() && figure.is_none() => figure = parse_decimal(&number_text(*n)),
                Cell::Text(t) if label.is_some() && figure.is_none() => figure = hours_figure(t),
                _ => {}
            }
        }
        if let (Some(label), Some(stated)) = (label, figure) {
            out.push(WrittenTotal {
                row: row + 1,
                kind: SkipKind::TitleTotal,
                level: Some(TotalLevel::All),
                label: short(&label),
                figures: vec![(0, None, stated)],
            });
        }
    }
    out
}

/// Decides, from the lines, which unmapped columns hold figures; refuses the file for each (a figure column is never
/// dropped silently) and warns about text columns that are not imported. Columns of 1, 2, 3 … under no header are
/// row numbers.
fn account_for_columns(opts: &BodyOptions<'_>, sheet: &Sheet, layout: &Layout, lines: &[usize], body: &mut Body) {
    for info in &layout.columns {
        if !matches!(info.role, Role::Unknown | Role::Duplicate(_)) {
            continue;
        }
        let cells: Vec<&Cell> = lines.iter().map(|r| sheet.cell(*r, info.index)).filter(|c| !c.is_empty()).collect();
        if cells.is_empty() {
            continue;
        }
        let figures = cells.iter().filter(|c| is_figure_cell(c)).count();
        let numbered = info.header.is_empty()
            && cells.iter().enumerate().all(|(i, c)| matches!(c, Cell::Number(n) if *n == (i + 1) as f64));
        let problem = |message: String| Problem {
            file: opts.file.to_string(),
            sheet: sheet.name.clone(),
            row: layout.header_row(),
            column: info.label(),
            message,
            original: None,
        };
        if numbered {
            body.numbered_columns.push(info.index);
            continue;
        }
        if figures * 2 >= cells.len() {
            body.figure_columns.push(info.index);
            let name = if info.header.is_empty() { info.letter.clone() } else { info.header.replace('／', " ") };
            let message = match info.role {
                Role::Duplicate(f) => format!(
                    "数値の列ですが、「{}」の列がほかにもあり、どちらを取り込むか決められません（数値の列は黙って捨てません）。この列を取り込まないなら「{name}=無視」、別の項目なら「{name}=項目名」と列の対応を指定してください",
                    f.title()
                ),
                _ => format!(
                    "数値の列ですが、調査票のどの項目か分かりません（数値の列は黙って捨てません）。取り込むなら「{name}=削減時間(時間)」のように項目を、取り込まないなら「{name}=無視」と列の対応を指定してください"
                ),
            };
            body.errors.push(problem(message));
        } else if info.header.is_empty() {
            body.warnings.push(problem("見出しのない列に文字があります。この列は取り込みません".into()));
        } else if let Role::Duplicate(_) = info.role {
            body.warnings.push(problem("同じ項目の列が2つあります。左側の列だけを取り込みます".into()));
        } else {
            body.warnings.push(problem("この見出しは調査票の列ではないため、取り込みません".into()));
        }
    }
}

/// The figure columns of one basis set, read from the row.
struct Figures {
    formula_col: Option<usize>,
    stated_col: Option<usize>,
    structured: Structured,
    stated: Option<Decimal>,
    /// The text of the formula cell (or of a stated-hours cell that holds more than a figure).
    text: Option<(usize, String)>,
}

impl Figures {
    fn is_empty(&self) -> bool {
        self.text.is_none() && self.stated.is_none() && self.structured == Structured::default()
    }
}

fn read_figures(r: &mut Reader<'_>, basis: Option<Basis>) -> Figures {
    let col = |c: Column| r.layout.figure_col(c, basis);
    let (before_col, after_col, saved_col, count_col, days_col) = (
        col(Column::BeforeMinutes),
        col(Column::AfterMinutes),
        col(Column::SavedMinutes),
        col(Column::Count),
        col(Column::Days),
    );
    let (formula_col, stated_col) = (col(Column::Formula), col(Column::StatedHours));
    // A figure merged down over several lines would count once for each of them: it belongs to the first only.
    for c in [before_col, after_col, saved_col, count_col, days_col, formula_col, stated_col].into_iter().flatten() {
        if let Some((r0, r1)) = r.sheet.merged_down(r.row, c)
            && r0 < r.row
            && !r.sheet.cell(r.row, c).is_empty()
        {
            let field = r.layout.info(c).and_then(ColumnInfo::field);
            r.error_at(
                Some(c),
                field,
                format!(
                    "数値のセルが{}〜{}行目に結合されていて、{}行目の数値がこの行にもかかります。1つの数値を複数の取組に数えることはできません。行ごとに数値を入れてください",
                    r0 + 1,
                    r1 + 1,
                    r0 + 1
                ),
            );
        }
    }
    let structured = Structured {
        before_minutes: r.decimal_at(before_col, Column::BeforeMinutes, Quantity::Minutes),
        after_minutes: r.decimal_at(after_col, Column::AfterMinutes, Quantity::Minutes),
        saved_minutes: r.decimal_at(saved_col, Column::SavedMinutes, Quantity::Minutes),
        count: r.decimal_at(count_col, Column::Count, Quantity::Count),
        days: r.decimal_at(days_col, Column::Days, Quantity::Count),
        extra: Vec::new(),
    };
    let mut text = r.text_at(formula_col).zip(formula_col).map(|(t, c)| (c, t));
    // A stated-hours cell (「削減効果」) may hold more than a figure of hours: a formula, or several measures.
    let more = match r.cell_at(stated_col) {
        Cell::Text(t) if nfkc(t).chars().any(|c| c.is_ascii_digit()) && hours_figure(t).is_none() => {
            Some(t.trim().to_string())
        }
        _ => None,
    };
    let stated = match (more, stated_col) {
        (Some(t), Some(c)) if text.is_none() => {
            text = Some((c, t));
            None
        }
        _ => r.decimal_at(stated_col, Column::StatedHours, Quantity::Hours),
    };
    Figures { formula_col, stated_col, structured, stated, text }
}

/// The AI-OCR cells of a row: counts are whole numbers of 0 or more, the correction time is minutes, and fewer
/// characters are corrected than were read. A row whose 区分 is neither AI-OCR nor RPA+AI-OCR cannot give them.
fn read_ocr(r: &mut Reader<'_>, kind: Option<Kind>) -> Option<OcrInput> {
    let count = |r: &mut Reader<'_>, c: Column| {
        r.decimal_at(r.col(c), c, Quantity::Count).and_then(|d| {
            match i64::try_from(d).ok().filter(|_| d.fract().is_zero() && d >= Decimal::ZERO) {
                Some(n) => Some(n),
                None => {
                    r.error(Some(c), format!("{}は0以上の整数で入力してください", c.title()));
                    None
                }
            }
        })
    };
    let input = OcrInput {
        form_type: r.text(Column::FormType),
        sheets: count(r, Column::Sheets),
        chars_read: count(r, Column::CharsRead),
        chars_corrected: count(r, Column::CharsCorrected),
        correction_minutes: r
            .decimal_at(r.col(Column::CorrectionMinutes), Column::CorrectionMinutes, Quantity::Minutes)
            .and_then(|d| {
                if d >= Decimal::ZERO {
                    Some(d)
                } else {
                    r.error(Some(Column::CorrectionMinutes), "修正時間(分)は0以上で入力してください");
                    None
                }
            }),
    };
    if input.is_empty() {
        return None;
    }
    if let (Some(read), Some(corrected)) = (input.chars_read, input.chars_corrected)
        && corrected > read
    {
        r.error(
            Some(Column::CharsCorrected),
            format!("修正文字数（{corrected}）が読取文字数（{read}）より多くなっています。読取文字数のうち修正した文字数を入力してください"),
        );
        return None;
    }
    if let Some(k) = kind.filter(|k| !k.reads_forms()) {
        r.error(
            Some(Column::Sheets),
            format!("AI-OCR の読取実績（帳票の種類・読取枚数・文字数・修正時間）は区分が AI-OCR か RPA+AI-OCR の取組だけに記入できます（この行の区分: {}）", k.label()),
        );
        return None;
    }
    Some(input)
}

/// Parses a line row into one line per figure set and item: (figure set, hours for totals, line).
fn read_line(
    r: &mut Reader<'_>,
    group: Option<&str>,
    bases: &[Option<Basis>],
) -> Vec<(usize, Option<Decimal>, ReturnRow)> {
    if !r.check_lengths() {
        return Vec::new();
    }
    let opts = r.opts;
    let ledger_id = r.text(Column::LedgerId).map(|t| nfkc(&t).to_uppercase());

    let (fiscal_year, default_year) = match r.cell(Column::FiscalYear).clone() {
        Cell::Empty => (opts.fiscal_year, true),
        Cell::Number(n) if n.fract() == 0.0 => match FiscalYear::parse(&number_text(n)) {
            Ok(fy) => (Some(fy), false),
            Err(e) => {
                r.error(Some(Column::FiscalYear), e.to_string());
                (None, false)
            }
        },
        Cell::Date(d) => (Some(FiscalYear::of_date(d)), false),
        other => match FiscalYear::parse(&other.display()) {
            Ok(fy) => (Some(fy), false),
            Err(e) => {
                r.error(Some(Column::FiscalYear), e.to_string());
                (None, false)
            }
        },
    };
    if fiscal_year.is_none() && default_year {
        let message = if r.col(Column::FiscalYear).is_some() {
            "年度が空欄です。年度を入力するか、取込時に年度を指定してください（daicho import --fy、アプリでは「年度の欄が空の行は…とする」）"
        } else {
            "年度の列がなく、表題にも年度がありません。取込時に年度を指定してください（daicho import --fy、アプリでは「年度の欄が空の行は…とする」）"
        };
        r.error(Some(Column::FiscalYear), message);
    }

    let title = r.text(Column::Title);
    // 部局 / 課 / 係 → a unit of the organisation, as of the fiscal year; a group heading row above stands in for
    // empty ones.
    let mut names: Vec<String> =
        [Column::Bureau, Column::Section, Column::Team].iter().filter_map(|c| r.text(*c)).collect();
    if names.is_empty()
        && let Some(g) = group
    {
        names = split_path(g);
    }
    let unit_id = if names.is_empty() {
        if ledger_id.is_none() {
            r.error(Some(Column::Bureau), "部局・課が空欄です。どの所属の取組か分かるよう、部局と課を入力してください");
        }
        None
    } else {
        resolve_unit(r, &names, fiscal_year, ledger_id.is_some())
    };

    let kind = r.text(Column::Kind).and_then(|t| {
        let k = Kind::parse(&t);
        if k.is_none() {
            r.error(Some(Column::Kind), Kind::refusal());
        }
        k
    });
    let status = r.text(Column::Status).and_then(|t| {
        let s = Status::parse(&t);
        if s.is_none() {
            r.error(Some(Column::Status), Status::refusal());
        }
        s
    });
    let row_basis = r.text(Column::Basis).and_then(|t| {
        let b = Basis::parse(&t);
        if b.is_none() {
            r.error(Some(Column::Basis), Basis::refusal());
        }
        b
    });
    if ledger_id.is_none() {
        if title.is_none() {
            let only = r.sheet.rows[r.row].iter().filter(|c| !c.is_empty()).map(Cell::display).next();
            let alone = r.sheet.rows[r.row].iter().filter(|c| !c.is_empty()).count() == 1;
            match only {
                Some(t) if alone => r.error(
                    None,
                    format!(
                        "この行には「{}」だけがあり、取組の行として読めません。注記なら先頭に「※」を付け、不要な行なら削除してください",
                        short(&t)
                    ),
                ),
                _ => r.error(Some(Column::Title), "新しい取組（管理番号が空欄）には業務名が必要です"),
            }
        }
        if kind.is_none() && r.text(Column::Kind).is_none() {
            r.error(
                Some(Column::Kind),
                format!("新しい取組（管理番号が空欄）には区分が必要です（{}）", Kind::choices()),
            );
        }
    }
    let scenarios = r.decimal_at(r.col(Column::Scenarios), Column::Scenarios, Quantity::Count).and_then(|d| {
        if d.fract().is_zero() && d >= Decimal::ZERO {
            i64::try_from(d).ok()
        } else {
            r.error(Some(Column::Scenarios), "シナリオ数は0以上の整数で入力してください");
            None
        }
    });
    let started_on = match r.cell(Column::StartDate).clone() {
        Cell::Empty => None,
        Cell::Date(d) => Some(d),
        Cell::Number(n) => match from_excel_serial(n, r.sheet.date1904) {
            Ok(d) => Some(d),
            Err(e) => {
                r.error(Some(Column::StartDate), e.to_string());
                None
            }
        },
        other => match parse_date(&other.display()) {
            Ok(d) => Some(d),
            Err(e) => {
                r.error(Some(Column::StartDate), e.to_string());
                None
            }
        },
    };
    let note = r.text(Column::Note);
    let ocr = read_ocr(r, kind);

    let (row, tool) = (r.row + 1, r.text(Column::Tool));
    let line =
        |item: Option<String>, title: Option<String>, effect: Option<Evaluated>, default_basis: bool| ReturnRow {
            row,
            item,
            ledger_id: ledger_id.clone(),
            unit_id,
            kind,
            title,
            tool: tool.clone(),
            status,
            scenarios,
            started_on,
            fiscal_year: fiscal_year.unwrap_or(FiscalYear(0)),
            effect,
            note: note.clone(),
            ocr: ocr.clone(),
            default_basis,
            default_year,
        };
    let mut lines: Vec<(usize, Option<Decimal>, ReturnRow)> = Vec::new();
    for (set, set_basis) in bases.iter().enumerate() {
        let figures = read_figures(r, *set_basis);
        if figures.is_empty() {
            continue;
        }
        // The basis: the header's, else the row's 算定区分, else the file's default.
        let (basis, default_basis) = match (set_basis, row_basis) {
            (Some(b), _) => (*b, false),
            (None, Some(b)) => (b, false),
            (None, None) => (opts.basis, true),
        };
        let item_label = |label: Option<String>| match (label, set_basis) {
            (Some(l), _) => Some(l),
            (None, Some(b)) if bases.len() > 1 => Some(b.label().to_string()),
            _ => None,
        };
        for Figure { label: item, input, stated, parsed } in figure_inputs(r, &figures, ledger_id.is_some()) {
            let Some(fy) = fiscal_year else { continue };
            let effect = NewEffect { fiscal_year: fy, basis, input, stated_hours: stated, note: note.clone() };
            let Some(effect) = check_effect(r, effect, parsed, &figures) else { continue };
            // What the line counts for in a total: its stated figure, else its formula's result.
            let hours = effect.stated_hours.or(effect.computed_minutes().map(|m| m / Decimal::from(60)));
            let line_title = match (&item, &title) {
                (Some(label), Some(t)) => Some(format!("{t}（{label}）")),
                (Some(label), None) => Some(label.clone()),
                (None, t) => t.clone(),
            };
            lines.push((set, hours, line(item_label(item), line_title, Some(effect), default_basis)));
        }
    }
    if lines.is_empty() && fiscal_year.is_some() {
        lines.push((0, None, line(None, title.clone(), None, false)));
    }
    if !r.errors.is_empty() {
        return Vec::new();
    }
    lines
}

/// The unit a row's 部局/課/係 name. A row with a 管理番号 may name its unit by today's name (an export does, for a
/// unit created after the year): then any year is tried.
fn resolve_unit(r: &mut Reader<'_>, names: &[String], fy: Option<FiscalYear>, has_id: bool) -> Option<i64> {
    let chart = r.opts.chart;
    let col = if r.text(Column::Team).is_some() {
        Column::Team
    } else if r.text(Column::Section).is_some() {
        Column::Section
    } else {
        Column::Bureau
    };
    let find = |fy: Option<FiscalYear>| {
        let key = (names.to_vec(), fy);
        if let Some(found) = r.units.borrow().get(&key) {
            return found.clone();
        }
        let found = chart.find_path(names, fy);
        r.units.borrow_mut().insert(key, found.clone());
        found
    };
    let mut found = find(fy);
    if has_id && !matches!(found, Resolution::Found(_)) {
        found = find(None);
    }
    let path = names.join("/");
    match found {
        Resolution::Found(id) => return Some(id),
        Resolution::Ambiguous(paths) => r.error(
            Some(col),
            format!("「{path}」に当たる組織が複数あります（{}）。部局と課の両方を入力してください", paths.join("、")),
        ),
        // A sentence or a long text is not a name that was mistyped: never suggest registering it.
        _ if names.iter().any(|n| n.chars().count() > 20 || n.contains(['。', '、', '※', '：', ':'])) => r.error(
            Some(col),
            "組織名として読めません。部局・課の欄には組織の名前を入れてください（注記や合計の行なら、行の先頭に「※」「合計」と書いてください）",
        ),
        Resolution::NotFound { suggestions } if !suggestions.is_empty() => r.error(
            Some(col),
            format!("組織「{path}」は台帳の組織にありません。近い名前: {}", suggestions.join("、")),
        ),
        Resolution::NotFound { .. } => r.error(
            Some(col),
            format!(
                "組織「{path}」は台帳の組織にありません。名前を確かめ、新しい組織なら組織の一覧に登録してから取り込んでください"
            ),
        ),
    }
    None
}

/// One figure a row gives: the measure's name (for a cell with several), its input and stated hours, and its
/// formula parsed (once).
struct Figure {
    label: Option<String>,
    input: EffectInput,
    stated: Option<Decimal>,
    parsed: Option<Formula>,
}

/// The figures a set of figure columns gives for the row: one, or one per measure of a cell with several.
fn figure_inputs(r: &mut Reader<'_>, f: &Figures, has_id: bool) -> Vec<Figure> {
    let has_structured = f.structured != Structured::default();
    if has_structured
        && f.structured.saved_minutes.is_none()
        && (f.structured.before_minutes.is_none() || f.structured.after_minutes.is_none())
    {
        let missing = if f.structured.before_minutes.is_none() { Column::BeforeMinutes } else { Column::AfterMinutes };
        r.error(Some(missing), "削減時間(分/件)、または導入前と導入後の両方を入力してください");
        return Vec::new();
    }
    let Some((col, text)) = &f.text else {
        let input =
            if has_structured { EffectInput::Structured(f.structured.clone()) } else { EffectInput::StatedOnly };
        return vec![Figure { label: None, input, stated: f.stated, parsed: None }];
    };
    let field = if Some(*col) == f.stated_col { Column::StatedHours } else { Column::Formula };
    let (items, cell_total) = match read_items(text, &r.opts.conversions) {
        Ok(cell) => (cell.items, cell.total),
        Err(e) => {
            let message = match e {
                ItemError::Formula(e) => format!("算定式の{e}"),
                ItemError::Measure(m) => {
                    format!("{m}。1つの算定式にするか、項目ごとに「◆名前 時間 算定式」の形で書いてください")
                }
            };
            r.error_at(Some(*col), Some(field), message);
            return Vec::new();
        }
    };
    if items.len() > 1 {
        if has_id {
            r.error_at(
                Some(*col),
                Some(field),
                format!(
                    "{}つの項目がありますが、管理番号のある行には1つの数値しか登録できません。項目ごとに行を分けるか、管理番号を空欄にして新しい取組として取り込んでください",
                    items.len()
                ),
            );
            return Vec::new();
        }
        if has_structured {
            r.error_at(
                Some(*col),
                Some(field),
                "項目が複数ある行に、導入前・導入後などの入力もあります。どちらか一方にしてください",
            );
            return Vec::new();
        }
        // The row's own stated hours, and a figure written before the marks, are the items' total: checked, not
        // imported.
        let sum: Decimal =
            items.iter().filter_map(|i| i.stated_hours.or_else(|| i.parsed.as_ref().map(Formula::hours))).sum();
        for (total, where_) in [(f.stated, "この欄"), (cell_total, "項目の前")] {
            let Some(total) = total else { continue };
            if !agrees(total, sum) {
                r.warn_at(
                    f.stated_col.filter(|_| where_ == "この欄").or(Some(*col)),
                    format!(
                        "{}つの項目の合計 {}時間 が、{where_}の {}時間 と一致しません（差 {}時間）。項目ごとの値を取り込みます",
                        items.len(),
                        group_thousands(sum, 2),
                        group_thousands(total, 2),
                        group_thousands(total - sum, 2)
                    ),
                );
            }
        }
        return items
            .into_iter()
            .enumerate()
            .map(|(n, i)| Figure {
                label: Some(i.label.unwrap_or_else(|| format!("項目{}", n + 1))),
                input: i.formula.map_or(EffectInput::StatedOnly, EffectInput::Formula),
                stated: i.stated_hours,
                parsed: i.parsed,
            })
            .collect();
    }
    let Some(item) = items.into_iter().next() else { return Vec::new() };
    let stated = match (f.stated, item.stated_hours) {
        (Some(column), Some(in_cell)) if column != in_cell => {
            r.warn_at(
                f.stated_col,
                format!(
                    "{} の {}時間 と、この欄の {}時間 が違います。この欄の値を申告値とします",
                    r.layout.info(*col).map(ColumnInfo::label).unwrap_or_default(),
                    group_thousands(in_cell, 2),
                    group_thousands(column, 2)
                ),
            );
            Some(column)
        }
        (column, in_cell) => column.or(in_cell),
    };
    // A single measure's name stays with its formula, as a label (`窓口での確認 2分×3,600件`).
    let (formula, parsed) = match (item.label, item.formula) {
        (Some(label), Some(formula)) => {
            let text = format!("{label} {formula}");
            let parsed = Formula::parse_with(&text, &r.opts.conversions).ok();
            (Some(text), parsed)
        }
        (_, formula) => (formula, item.parsed),
    };
    let input = match formula {
        Some(formula) => {
            if has_structured {
                let from_inputs = f
                    .structured
                    .formula_text()
                    .and_then(|s| Formula::parse_with(&s, &r.opts.conversions).ok())
                    .map(|f| f.minutes());
                let typed = parsed.as_ref().map(Formula::minutes);
                if let (Some(t), Some(m)) = (typed, from_inputs)
                    && t != m
                {
                    r.error_at(
                        Some(*col),
                        Some(field),
                        format!(
                            "算定式（{}分）と導入前・導入後などの入力（{}分）が一致しません。どちらか一方にしてください",
                            group_thousands(t, 2),
                            group_thousands(m, 2)
                        ),
                    );
                }
            }
            EffectInput::Formula(formula)
        }
        None if has_structured => EffectInput::Structured(f.structured.clone()),
        None => EffectInput::StatedOnly,
    };
    vec![Figure { label: None, input, stated, parsed }]
}

/// Evaluates a line's figure: a formula the engine refuses is an error on its cell, a stated figure off the formula
/// is a warning. The formula is kept with the person-time factors pinned (see `Formula::pinned_text`).
fn check_effect(r: &mut Reader<'_>, effect: NewEffect, parsed: Option<Formula>, f: &Figures) -> Option<Evaluated> {
    // A formula parsed while the cell was read is not parsed again.
    let evaluated = match (&effect.input, &parsed) {
        (EffectInput::Formula(_), Some(formula)) => Ok(effect.with_parsed(formula)),
        _ => effect.evaluate(&r.opts.conversions),
    };
    let evaluated = match evaluated {
        Ok(e) => e,
        Err(e) => {
            let (col, field) = match &f.text {
                Some((c, _)) if Some(*c) == f.stated_col => (Some(*c), Column::StatedHours),
                _ => (f.formula_col, Column::Formula),
            };
            let message = match e {
                crate::ledger::EffectError::Formula { error, .. } => format!("算定式の{error}"),
                other => other.to_string(),
            };
            r.error_at(col, Some(field), message);
            return None;
        }
    };
    let sixty = Decimal::from(60);
    // A result written inside the formula (`=7,200分=120時間`) is a claim too: each is checked (the evaluated claim
    // is the first that disagrees, else the last).
    if let Some(claim) = evaluated.formula.as_ref().and_then(|f| f.claim_check()).filter(|c| !c.matches) {
        r.warn_at(
            f.text.as_ref().map(|(c, _)| *c).or(f.formula_col),
            format!(
                "算定式に書かれた結果 {}時間 が計算値 {}時間 と一致しません（差 {}時間）。算定式の計算値を使い、検算リストに残します",
                group_thousands(claim.stated_minutes / sixty, 2),
                group_thousands(evaluated.computed_minutes().unwrap_or_default() / sixty, 2),
                group_thousands(claim.difference_minutes.abs() / sixty, 2)
            ),
        );
    }
    if let (Some(check), Some(stated), Some(computed)) =
        (evaluated.stated_check(), evaluated.stated_hours, evaluated.computed_minutes())
        && !check.matches
    {
        r.warn_at(
            f.stated_col,
            format!(
                "申告の削減時間 {}時間 が計算値 {}時間 と一致しません（申告のほうが {}時間 {}）。申告値のまま取り込み、検算リストに残します",
                group_thousands(stated, 2),
                group_thousands(computed / sixty, 2),
                group_thousands(check.difference_minutes.abs() / sixty, 2),
                if check.difference_minutes < Decimal::ZERO { "多い" } else { "少ない" }
            ),
        );
    }
    Some(evaluated)
}

/// The sections (課, or 部局 where a line names no 課) the lines of a sheet belong to, read quickly before the rows
/// are parsed: remembered column mappings are kept per section.
pub fn sections_of(sheet: &Sheet, layout: &Layout, chart: &OrgChart) -> Vec<i64> {
    let cols: Vec<usize> =
        [Column::Bureau, Column::Section, Column::Team].iter().filter_map(|c| layout.col(*c)).collect();
    let mut out = Vec::new();
    let mut tried: Vec<Vec<String>> = Vec::new();
    for row in layout.header_last + 1..sheet.rows.len() {
        let names: Vec<String> =
            cols.iter().map(|c| sheet.cell(row, *c).display().trim().to_string()).filter(|t| !t.is_empty()).collect();
        if names.is_empty() || tried.contains(&names) {
            continue;
        }
        if let Resolution::Found(id) = chart.find_path(&names, None) {
            let section = chart
                .ancestor_at(id, crate::org::Level::Section)
                .or_else(|| chart.ancestor_at(id, crate::org::Level::Bureau))
                .map_or(id, |u| u.id);
            if !out.contains(&section) {
                out.push(section);
            }
        }
        tried.push(names);
    }
    out
}
