//! Workbook bytes → sheets of typed cells. calamine reads .xlsx/.xlsm/.xls/.ods; merged cells are read as their
//! top-left value everywhere in the merged area; formulas as their cached values. Positions are Excel's own
//! (row 1 is the first row, column A the first column), so messages point where the user looks.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;

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
}

impl Sheet {
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows.get(row).and_then(|r| r.get(col)).unwrap_or(&Cell::Empty)
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
}

fn contains_utf16(bytes: &[u8], text: &str) -> bool {
    let needle: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Reads all sheets of a workbook from its bytes.
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
    let cursor = Cursor::new(bytes.to_vec());
    let mut workbook = match calamine::open_workbook_auto_from_rs(cursor) {
        Ok(w) => w,
        Err(e) => return Err(classify(&e.to_string(), zip)),
    };
    let names = workbook.sheet_names().to_vec();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = workbook.worksheet_range(&name).map_err(|e| classify(&e.to_string(), zip))?;
        let merged = merged_areas(&mut workbook, &name);
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        let mut rows = vec![vec![Cell::Empty; start_col as usize + width]; start_row as usize + height];
        for (r, row) in range.rows().enumerate() {
            for (c, value) in row.iter().enumerate() {
                rows[start_row as usize + r][start_col as usize + c] = convert(value);
            }
        }
        for area in merged {
            let (r0, c0) = (area.start.0 as usize, area.start.1 as usize);
            let top_left = rows.get(r0).and_then(|r| r.get(c0)).cloned().unwrap_or(Cell::Empty);
            for r in r0..=area.end.0 as usize {
                for c in c0..=area.end.1 as usize {
                    if let Some(cell) = rows.get_mut(r).and_then(|row| row.get_mut(c)) {
                        *cell = top_left.clone();
                    }
                }
            }
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
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

fn merged_areas<RS: std::io::Read + std::io::Seek>(workbook: &mut Sheets<RS>, name: &str) -> Vec<calamine::Dimensions> {
    match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
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
