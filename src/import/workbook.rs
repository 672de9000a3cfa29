//! Workbook bytes → sheets of typed cells. calamine reads .xlsx/.xlsm/.xls/.ods; merged cells are read as their
//! top-left value everywhere in the merged area; formulas as their cached values. Positions are Excel's own
//! (row 1 is the first row, column A the first column), so messages point where the user looks.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets};

use super::guard;
use chrono::NaiveDate;

/// The most merged areas a sheet may have (a survey return has a few dozen).
const MAX_MERGES: usize = 100_000;

/// A cell's value as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// An Excel error value (`#REF!`, `#DIV/0!`).
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the user sees it, for messages: `「約1,850時間」`.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.format("%Y/%-m/%-d").to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// The shortest text that reads back as the same float: `7.75`, `1200`, `0.1` (never `0.1000000000000000055`).
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// One sheet: rows of cells, indexed from Excel's row 1 and column A.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    /// The workbook counts dates from 1904-01-01 (Excel for Mac's old default, still an option in every Excel): a
    /// date typed as a plain number must be read with this epoch.
    pub date1904: bool,
    /// The merged areas (zero-based, inclusive), whose top-left value fills every cell of the area in `rows`.
    pub merges: Vec<super::merges::Area>,
    /// Merges spanning several rows, by column: (first row, last row), sorted.
    down: std::collections::HashMap<usize, Vec<(usize, usize)>>,
}

impl Sheet {
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows.get(row).and_then(|r| r.get(col)).unwrap_or(&Cell::Empty)
    }

    /// The rows (zero-based, first and last) a merged cell at `(row, col)` spans downwards, when it spans several.
    pub fn merged_down(&self, row: usize, col: usize) -> Option<(usize, usize)> {
        let spans = self.down.get(&col)?;
        let i = spans.partition_point(|(r0, _)| *r0 <= row).checked_sub(1)?;
        let (r0, r1) = spans[i];
        (row <= r1).then_some((r0, r1))
    }

    /// A sheet of cells whose merged areas are already filled in.
    pub fn new(name: String, rows: Vec<Vec<Cell>>, date1904: bool, merges: Vec<super::merges::Area>) -> Self {
        let mut down: std::collections::HashMap<usize, Vec<(usize, usize)>> = std::collections::HashMap::new();
        // Only the cells that exist are indexed, so the index is never larger than the cells the merges filled.
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        for &(r0, c0, r1, c1) in merges.iter().filter(|(r0, _, r1, _)| r1 > r0 && (*r0 as usize) < rows.len()) {
            for col in (c0 as usize)..=(c1 as usize).min(width.saturating_sub(1)) {
                down.entry(col).or_default().push((r0 as usize, r1 as usize));
            }
        }
        down.values_mut().for_each(|spans| spans.sort_unstable());
        Sheet { name, rows, date1904, merges, down }
    }
}

/// Why a file could not be read as a workbook at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkbookError {
    #[error("空のファイルです（0バイト）。提出されたファイルを確認してください")]
    Empty,
    #[error(
        "パスワードで保護されたブックは読み込めません。Excel でパスワードを解除して保存し直してから取り込んでください"
    )]
    Password,
    #[error("Excel のブック（.xlsx/.xlsm/.xls/.ods）ではありません。調査票のファイルを指定してください")]
    NotSpreadsheet,
    /// The reader's own (English) detail is kept for diagnosis but not shown to users.
    #[error("ファイルが壊れているか、途中までしかありません。提出元に再送を依頼してください")]
    Corrupt(String),
    /// A size limit of [`super::guard`] was exceeded; the text says which.
    #[error(
        "ファイルが大きすぎるため読み込みません: {0}。画像や不要なシート・行を削除して保存し直すか、提出元に確認してください"
    )]
    TooLarge(String),
    #[error(
        "シート「{sheet}」のセル {cell} に値があり、読み込める範囲（{limit}）を超えています。不要なセルや行・列を削除して保存し直してください"
    )]
    OutOfRange { sheet: String, cell: String, limit: String },
}

fn contains_utf16(bytes: &[u8], text: &str) -> bool {
    let needle: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Reads all sheets of a workbook from its bytes. Never panics and never builds a grid beyond
/// [`super::guard`]'s limits, whatever the bytes are.
pub fn read_workbook(bytes: &[u8]) -> Result<Vec<Sheet>, WorkbookError> {
    if bytes.is_empty() {
        return Err(WorkbookError::Empty);
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let cfb = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    if !zip && !cfb {
        return Err(WorkbookError::NotSpreadsheet);
    }
    // An encrypted .xlsx is an OLE container holding an `EncryptedPackage` stream.
    if cfb && contains_utf16(bytes, "EncryptedPackage") {
        return Err(WorkbookError::Password);
    }
    let ods_merges = guard::check(bytes, zip, cfb)?;
    // The readers are third-party parsers of hostile input: a panic in one is a broken file, not a crash.
    IN_READER.with(|r| r.set(true));
    let result = std::panic::catch_unwind(|| read_checked(bytes, zip, ods_merges));
    IN_READER.with(|r| r.set(false));
    result.unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(WorkbookError::Corrupt(format!("reader panicked: {detail}")))
    })
}

thread_local! {
    /// Set while this thread is inside a workbook reader, whose panics [`read_workbook`] turns into `Corrupt`.
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that stays silent for the readers' contained panics (they become "this file is broken")
/// and leaves every other panic to the previous hook. For programs with a terminal, so a broken return does not
/// print a Rust panic message above the Japanese one.
pub fn quiet_reader_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_READER.with(|r| r.get()) {
            previous(info);
        }
    }));
}

fn read_checked(bytes: &[u8], zip: bool, ods_merges: super::merges::Merges) -> Result<Vec<Sheet>, WorkbookError> {
    let mut workbook = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => return Err(classify(&e.to_string(), zip)),
    };
    let date1904 = match &workbook {
        Sheets::Xlsx(x) => x.has_1904_epoch(),
        Sheets::Xls(x) => x.has_1904_epoch(),
        Sheets::Xlsb(_) | Sheets::Ods(_) => false,
    };
    let names = workbook.sheet_names().to_vec();
    // Merged areas: an .xlsx sheet's found by a search of its part, an .ods sheet's by the guard's scan, an .xls
    // sheet's by calamine (from records it has read anyway).
    let mut merges = match &workbook {
        Sheets::Xlsx(_) => super::merges::xlsx(bytes),
        _ => ods_merges,
    };
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let Some(mut rows) = read_rows(&mut workbook, &name, zip)? else { continue };
        let areas = match &mut workbook {
            Sheets::Xls(x) => x
                .merge_cells_by_sheet_name(&name)
                .unwrap_or_default()
                .into_iter()
                .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
                .collect(),
            _ => merges.remove(&name).unwrap_or_default(),
        };
        if areas.len() > MAX_MERGES {
            return Err(WorkbookError::TooLarge(format!(
                "シート「{name}」に結合セルが {} 個あります（上限 {MAX_MERGES}）",
                areas.len()
            )));
        }
        // Filling is bounded like the grid itself: merges over one another cannot multiply the work.
        let mut filled: u64 = 0;
        for &(r0, c0, r1, c1) in &areas {
            let (r0, c0) = (r0 as usize, c0 as usize);
            let top_left = rows.get(r0).and_then(|r| r.get(c0)).cloned().unwrap_or(Cell::Empty);
            // Clamped to the cells that exist: a merge over A1:XFD1048576 must not loop over 17 billion cells.
            let r1 = (r1 as usize).min(rows.len().saturating_sub(1));
            for row in rows.iter_mut().take(r1 + 1).skip(r0) {
                let c1 = (c1 as usize).min(row.len().saturating_sub(1));
                filled += (c1 + 1).saturating_sub(c0) as u64;
                if filled > guard::MAX_CELLS {
                    return Err(WorkbookError::TooLarge(format!(
                        "シート「{name}」の結合セルが合わせて {} セルを超えます",
                        guard::MAX_CELLS
                    )));
                }
                for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                    *cell = top_left.clone();
                }
            }
        }
        sheets.push(Sheet::new(name, rows, date1904, areas));
    }
    Ok(sheets)
}

/// One sheet's cells from A1 to its last used cell; `None` for a chart sheet.
fn read_rows(
    workbook: &mut Sheets<Cursor<&[u8]>>,
    name: &str,
    zip: bool,
) -> Result<Option<Vec<Vec<Cell>>>, WorkbookError> {
    let mut cells: Vec<(u32, u32, Cell)> = Vec::new();
    if let Sheets::Xlsx(x) = workbook {
        // Streamed cell by cell, so an out-of-range cell is refused before any grid is built.
        let mut reader = match x.worksheet_cells_reader(name) {
            Ok(r) => r,
            Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(None),
            Err(e) => return Err(classify(&e.to_string(), zip)),
        };
        while let Some(cell) = reader.next_cell().map_err(|e| classify(&e.to_string(), zip))? {
            let (row, col) = cell.get_position();
            guard::check_extent(name, row, col)?;
            let value = convert(&Data::from(cell.get_value().clone()));
            if value != Cell::Empty {
                cells.push((row, col, value));
            }
        }
    } else {
        // .xls and .ods were bounded by `guard::check` before their reader built this range.
        let range = workbook.worksheet_range(name).map_err(|e| classify(&e.to_string(), zip))?;
        for (row, col, value) in range.used_cells() {
            let value = convert(value);
            if value != Cell::Empty {
                cells.push((row as u32, col as u32, value));
            }
        }
    }
    let height = cells.iter().map(|c| c.0 as usize + 1).max().unwrap_or(0);
    let width = cells.iter().map(|c| c.1 as usize + 1).max().unwrap_or(0);
    let mut rows = vec![vec![Cell::Empty; width]; height];
    for (row, col, value) in cells {
        rows[row as usize][col as usize] = value;
    }
    Ok(Some(rows))
}

fn classify(message: &str, zip: bool) -> WorkbookError {
    let lower = message.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        WorkbookError::Password
    } else if zip && (lower.contains("zip") || lower.contains("eof") || lower.contains("archive")) {
        WorkbookError::Corrupt(message.to_string())
    } else if lower.contains("cannot detect file format") {
        if zip { WorkbookError::Corrupt(message.to_string()) } else { WorkbookError::NotSpreadsheet }
    } else {
        WorkbookError::Corrupt(message.to_string())
    }
}

fn convert(value: &Data) -> Cell {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(clean_text(s)),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                return Cell::Number(dt.as_f64());
            }
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(date) => Cell::Date(date),
                None => Cell::Error(format!("日付 {}", dt.as_f64())),
            }
        }
        Data::DateTimeIso(s) => match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
            Ok(date) => Cell::Date(date),
            Err(_) => Cell::Text(s.clone()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// Removes control characters a cell should not carry (Excel's `_x000D_` escapes already decoded by calamine),
/// keeping line breaks as spaces.
fn clean_text(s: &str) -> String {
    s.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).filter(|c| !c.is_control()).collect()
}
