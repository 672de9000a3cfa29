//! Parsing and validating each row of the answer table with the core's parsers. Every problem of every row is
//! collected, never only the first.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::header::Header;
use super::workbook::{Cell, Sheet, number_text};
use crate::fiscal::{FiscalYear, from_excel_serial, parse_date};
use crate::formula::{Formula, TimeUnit};
use crate::ledger::{Basis, EffectInput, Kind, NewEffect, Status, Structured};
use crate::number::{nfkc, parse_decimal};
use crate::org::{OrgChart, name_key};
use crate::survey::{Column, column_letters};

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

/// A validated row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnRow {
    /// Excel's row number.
    pub row: usize,
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
    pub effect: Option<NewEffect>,
    /// 備考: the effect's note when the row has a figure, the initiative's notes otherwise.
    pub note: Option<String>,
}

/// What parsing one sheet gives.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<ReturnRow>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

struct RowReader<'a> {
    file: &'a str,
    sheet: &'a Sheet,
    header: &'a Header,
    row: usize,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl RowReader<'_> {
    fn cell(&self, c: Column) -> &Cell {
        match self.header.col(c) {
            Some(col) => self.sheet.cell(self.row, col),
            None => &Cell::Empty,
        }
    }

    fn column_label(&self, c: Column) -> String {
        let col = self.header.col(c).unwrap_or(0);
        let header = self.sheet.cell(self.header.row, col).display();
        format!("{}列「{}」", column_letters(col as u32), header.trim())
    }

    fn problem(&self, c: Option<Column>, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            sheet: self.sheet.name.clone(),
            row: self.row + 1,
            column: c.map(|c| self.column_label(c)).unwrap_or_default(),
            message,
            original: c.map(|c| shorten(&self.cell(c).display())).filter(|t| !t.is_empty()),
        }
    }

    /// Refuses the row when a cell holds more text than its column can mean (a pasted document in 業務名).
    fn check_lengths(&mut self) -> bool {
        let mut fine = true;
        for &(_, column) in &self.header.columns {
            let length = self.cell(column).display().chars().count();
            let limit = max_chars(column);
            if length > limit {
                self.error(Some(column), format!("{length}文字あります。{limit}文字以内にしてください"));
                fine = false;
            }
        }
        fine
    }

    fn error(&mut self, c: Option<Column>, message: impl Into<String>) {
        let p = self.problem(c, message.into());
        self.errors.push(p);
    }

    fn warn(&mut self, c: Option<Column>, message: impl Into<String>) {
        let p = self.problem(c, message.into());
        self.warnings.push(p);
    }

    fn text(&self, c: Column) -> Option<String> {
        let t = self.cell(c).display();
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// A number cell that may hold text with a unit (`30分`, `1,200件`, `約1,850`, `１２`).
    fn decimal(&mut self, c: Column, what: Quantity) -> Option<Decimal> {
        let cell = self.cell(c).clone();
        let (value, unit) = match &cell {
            Cell::Empty => return None,
            Cell::Number(n) => (parse_decimal(&number_text(*n)), String::new()),
            Cell::Text(t) if t.trim().is_empty() => return None,
            Cell::Text(t) => split_unit(t),
            Cell::Date(_) | Cell::Bool(_) | Cell::Error(_) => (None, String::new()),
        };
        let Some(value) = value else {
            self.error(Some(c), format!("数値として読めません。{}", what.hint()));
            return None;
        };
        match what.convert(value, &unit) {
            Ok(v) => Some(v),
            Err(m) => {
                self.error(Some(c), m);
                None
            }
        }
    }
}

/// The most characters a cell of the column may hold: generous for the free-text columns, a line for the rest.
fn max_chars(column: Column) -> usize {
    match column {
        Column::Note | Column::Formula => 2_000,
        Column::Title => 200,
        _ => 100,
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

/// What a number column counts, for unit conversion and messages.
#[derive(Clone, Copy)]
enum Quantity {
    /// Minutes: `30`, `30分`, `1時間` (→ 60), `90秒` (→ 1.5).
    Minutes,
    /// Hours: `1,850`, `1,850時間`, `30分` (→ 0.5).
    Hours,
    /// A count with any label word (`1,200件`, `245日`), never a time.
    Count,
}

impl Quantity {
    fn hint(self) -> &'static str {
        match self {
            Quantity::Minutes => "分単位の数値を入力してください（例: 30 または 30分）",
            Quantity::Hours => "時間単位の数値を入力してください（例: 1,850 または 1,850時間）",
            Quantity::Count => "数を入力してください（例: 1,200 または 1,200件）",
        }
    }

    fn convert(self, value: Decimal, unit: &str) -> Result<Decimal, String> {
        let time = TimeUnit::from_word(unit.trim());
        let seconds = |u: TimeUnit| value * u.seconds();
        match (self, time) {
            (_, None) if unit.trim().is_empty() => Ok(value),
            (Quantity::Minutes, Some(u)) => Ok((seconds(u) / Decimal::from(60)).normalize()),
            (Quantity::Hours, Some(u)) => Ok((seconds(u) / Decimal::from(3600)).normalize()),
            (Quantity::Count, Some(_)) => Err(format!(
                "件数・日数の欄に時間の単位「{unit}」があります。時間は算定式か分/件の欄に入力してください"
            )),
            (Quantity::Count, None) => Ok(value),
            (_, None) => Err(format!("単位「{unit}」は使えません。{}", self.hint())),
        }
    }
}

/// Splits `約1,850時間` into (1850, "時間"); a leading 約 and spaces are dropped.
fn split_unit(text: &str) -> (Option<Decimal>, String) {
    let t = nfkc(text);
    let t = t.strip_prefix('約').unwrap_or(&t).trim();
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '−' | '▲' | '△')))
        .map_or(t.len(), |(i, _)| i);
    let (number, unit) = t.split_at(end);
    (parse_decimal(number), unit.trim().to_string())
}

/// Parses every data row below the header. `default_fy` is used where the 年度 cell is empty.
pub fn parse_rows(
    file: &str,
    sheet: &Sheet,
    header: &Header,
    chart: &OrgChart,
    default_fy: Option<FiscalYear>,
) -> Parsed {
    let mut out = Parsed::default();
    let mut seen: Vec<((String, i32, Basis), usize)> = Vec::new();
    for row in header.row + 1..sheet.rows.len() {
        let mapped_empty = header.columns.iter().all(|(c, _)| sheet.cell(row, *c).is_empty());
        if mapped_empty {
            continue;
        }
        let mut r = RowReader { file, sheet, header, row, errors: Vec::new(), warnings: Vec::new() };
        if let Some(parsed) = parse_row(&mut r, chart, default_fy, sheet.date1904) {
            // Duplicates within the file: the same initiative (by 管理番号, or by 課 and 業務名), year and basis.
            let key = match &parsed.ledger_id {
                Some(id) => id.clone(),
                None => format!("{:?}/{}", parsed.unit_id, name_key(parsed.title.as_deref().unwrap_or(""))),
            };
            if let Some(basis) = parsed.effect.as_ref().map(|e| e.basis) {
                let k = (key, parsed.fiscal_year.0, basis);
                if let Some((_, first)) = seen.iter().find(|(x, _)| *x == k) {
                    let first = *first;
                    r.error(None, format!("{}行目と同じ取組・年度・算定区分の行が重複しています", first));
                } else {
                    seen.push((k, row + 1));
                }
            }
            if r.errors.is_empty() {
                out.rows.push(parsed);
            }
        }
        out.errors.append(&mut r.errors);
        out.warnings.append(&mut r.warnings);
    }
    out
}

fn parse_row(
    r: &mut RowReader<'_>,
    chart: &OrgChart,
    default_fy: Option<FiscalYear>,
    date1904: bool,
) -> Option<ReturnRow> {
    if !r.check_lengths() {
        return None;
    }
    let ledger_id = r.text(Column::LedgerId).map(|t| nfkc(&t).to_uppercase());

    let fiscal_year = match r.cell(Column::FiscalYear).clone() {
        Cell::Empty => default_fy,
        Cell::Number(n) if n.fract() == 0.0 => match FiscalYear::parse(&number_text(n)) {
            Ok(fy) => Some(fy),
            Err(e) => {
                r.error(Some(Column::FiscalYear), e.to_string());
                None
            }
        },
        Cell::Date(d) => Some(FiscalYear::of_date(d)),
        other => match FiscalYear::parse(&other.display()) {
            Ok(fy) => Some(fy),
            Err(e) => {
                r.error(Some(Column::FiscalYear), e.to_string());
                None
            }
        },
    };
    if fiscal_year.is_none() && r.cell(Column::FiscalYear).is_empty() {
        r.error(Some(Column::FiscalYear), "年度が空欄です。年度を入力するか、取込時に --fy で指定してください");
    }

    // 部局 / 課 / 係 → a unit of the organisation, as of the fiscal year.
    let names: Vec<String> =
        [Column::Bureau, Column::Section, Column::Unit].iter().filter_map(|c| r.text(*c)).collect();
    let unit_id = if r.text(Column::Bureau).is_none() {
        if ledger_id.is_none() {
            r.error(Some(Column::Bureau), "部局が空欄です");
        }
        None
    } else {
        let path = names.join("/");
        // A row with a 管理番号 may name its unit by today's name (an export does, for a unit created after the
        // year): fall back to any year.
        let found = chart
            .resolve(&path, fiscal_year)
            .or_else(|e| if ledger_id.is_some() { chart.resolve(&path, None) } else { Err(e) });
        match found {
            Ok(id) => Some(id),
            Err(e) => {
                let col = if r.text(Column::Unit).is_some() {
                    Column::Unit
                } else if r.text(Column::Section).is_some() {
                    Column::Section
                } else {
                    Column::Bureau
                };
                r.error(Some(col), e.to_string());
                None
            }
        }
    };

    let kind = r.text(Column::Kind).and_then(|t| {
        let k = Kind::parse(&t);
        if k.is_none() {
            r.error(Some(Column::Kind), format!("区分は {} のいずれかです", Kind::choices()));
        }
        k
    });
    let status = r.text(Column::Status).and_then(|t| {
        let s = Status::parse(&t);
        if s.is_none() {
            r.error(Some(Column::Status), format!("状況は {} のいずれかです", Status::choices()));
        }
        s
    });
    let basis = match r.text(Column::Basis) {
        None => Basis::Actual,
        Some(t) => Basis::parse(&t).unwrap_or_else(|| {
            r.error(Some(Column::Basis), format!("算定区分は {} のいずれかです", Basis::choices()));
            Basis::Actual
        }),
    };
    let title = r.text(Column::Title);
    if ledger_id.is_none() {
        if title.is_none() {
            r.error(Some(Column::Title), "新しい取組（管理番号が空欄）には業務名が必要です");
        }
        if kind.is_none() && r.text(Column::Kind).is_none() {
            r.error(
                Some(Column::Kind),
                format!("新しい取組（管理番号が空欄）には区分が必要です（{}）", Kind::choices()),
            );
        }
    }
    let scenarios = r.decimal(Column::Scenarios, Quantity::Count).and_then(|d| {
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
        Cell::Number(n) => match from_excel_serial(n, date1904) {
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

    // The figure: a free formula, or structured inputs, and/or the stated hours.
    let before = r.decimal(Column::BeforeMinutes, Quantity::Minutes);
    let after = r.decimal(Column::AfterMinutes, Quantity::Minutes);
    let saved = r.decimal(Column::SavedMinutes, Quantity::Minutes);
    let count = r.decimal(Column::Count, Quantity::Count);
    let days = r.decimal(Column::Days, Quantity::Count);
    let stated_hours = r.decimal(Column::StatedHours, Quantity::Hours);
    let formula_text = r.text(Column::Formula);
    let structured = Structured {
        before_minutes: before,
        after_minutes: after,
        saved_minutes: saved,
        count,
        days,
        extra: Vec::new(),
    };
    let has_structured = structured != Structured::default();
    if has_structured && saved.is_none() && (before.is_none() || after.is_none()) {
        let missing = if before.is_none() { Column::BeforeMinutes } else { Column::AfterMinutes };
        r.error(Some(missing), "削減時間(分/件)、または導入前と導入後の両方を入力してください");
    }
    let formula = formula_text.as_ref().and_then(|t| match Formula::parse(t) {
        Ok(f) => Some(f),
        Err(e) => {
            r.error(Some(Column::Formula), format!("算定式の{e}"));
            None
        }
    });
    let note = r.text(Column::Note);
    let input = match (&formula_text, has_structured) {
        (Some(t), true) => {
            let from_inputs = structured.formula_text().and_then(|s| Formula::parse(&s).ok()).map(|f| f.minutes());
            if let (Some(f), Some(m)) = (&formula, from_inputs)
                && f.minutes() != m
            {
                r.error(
                    Some(Column::Formula),
                    format!(
                        "算定式（{}分）と導入前・導入後などの入力（{}分）が一致しません。どちらか一方にしてください",
                        crate::number::group_thousands(f.minutes(), 2),
                        crate::number::group_thousands(m, 2)
                    ),
                );
            }
            Some(EffectInput::Formula(t.clone()))
        }
        (Some(t), false) => Some(EffectInput::Formula(t.clone())),
        (None, true) => Some(EffectInput::Structured(structured)),
        (None, false) if stated_hours.is_some() => Some(EffectInput::StatedOnly),
        (None, false) => None,
    };
    let effect = match (input, fiscal_year) {
        (Some(input), Some(fy)) => {
            let e = NewEffect { fiscal_year: fy, basis, input, stated_hours, note: note.clone() };
            match e.evaluate(&Default::default()) {
                Ok(evaluated) => {
                    if let (Some(stated), Some(computed)) = (stated_hours, evaluated.computed_minutes) {
                        let sixty = Decimal::from(60);
                        let check = crate::formula::compare(
                            computed,
                            stated * sixty,
                            crate::number::last_place(stated) * sixty,
                        );
                        if !check.matches {
                            r.warn(
                                Some(Column::StatedHours),
                                format!(
                                    "申告の削減時間 {}時間 が計算値 {}時間 と一致しません（差 {}分）。申告値のまま取り込み、検算リストに残します",
                                    crate::number::group_thousands(stated, 2),
                                    crate::number::group_thousands(computed / sixty, 2),
                                    crate::number::group_thousands(check.difference_minutes, 2)
                                ),
                            );
                        }
                    }
                    Some(e)
                }
                Err(_) => None, // the formula's own error is already reported
            }
        }
        _ => None,
    };
    if !r.errors.is_empty() {
        return None;
    }
    Some(ReturnRow {
        row: r.row + 1,
        ledger_id,
        unit_id,
        kind,
        title,
        tool: r.text(Column::Tool),
        status,
        scenarios,
        started_on,
        fiscal_year: fiscal_year?,
        effect,
        note,
    })
}
