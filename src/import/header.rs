//! Finding the answer sheet and its header row, even below title rows, with columns reordered, renamed with
//! common synonyms, or extra columns added.

use super::workbook::{Cell, Sheet};
use crate::org::name_key;
use crate::survey::{ANSWER_SHEET, Column, HELPER_TITLE, header_key};

/// Rows scanned for the header (departments insert a few title rows; a header lower than this is not one).
const SCAN_ROWS: usize = 30;
/// A row is taken as the header when it names at least this many known columns, 業務名 or 管理番号 among them.
const MIN_KNOWN: usize = 3;

/// Where the answer table is and what each column holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub sheet: usize,
    /// Zero-based row index of the header.
    pub row: usize,
    /// (zero-based column, column) for every recognised header.
    pub columns: Vec<(usize, Column)>,
    /// (zero-based column, header text) of headers not recognised: reported, not fatal.
    pub unknown: Vec<(usize, String)>,
    /// (zero-based column, header text) of a second header for a column already mapped: ignored and reported.
    pub duplicates: Vec<(usize, String)>,
}

impl Header {
    pub fn col(&self, c: Column) -> Option<usize> {
        self.columns.iter().find(|(_, x)| *x == c).map(|(i, _)| *i)
    }
}

fn header_in_row(sheet: &Sheet, row: usize) -> Option<Header> {
    let cells = sheet.rows.get(row)?;
    let mut columns: Vec<(usize, Column)> = Vec::new();
    let mut unknown = Vec::new();
    let mut duplicates = Vec::new();
    static HELPER_KEY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| header_key(HELPER_TITLE));
    for (i, cell) in cells.iter().enumerate() {
        // Only text can be a header; numbers and dates are data.
        let Cell::Text(text) = cell else { continue };
        if text.trim().is_empty() || header_key(text) == *HELPER_KEY {
            continue;
        }
        match Column::from_header(text) {
            Some(c) if columns.iter().any(|(_, x)| *x == c) => duplicates.push((i, text.trim().to_string())),
            Some(c) => columns.push((i, c)),
            None => unknown.push((i, text.trim().to_string())),
        }
    }
    let anchored = columns.iter().any(|(_, c)| matches!(c, Column::Title | Column::LedgerId));
    (columns.len() >= MIN_KNOWN && anchored).then_some(Header { sheet: 0, row, columns, unknown, duplicates })
}

/// The answer sheet (回答 first, then any sheet in order) and its header row: the row naming the most known
/// columns within the first rows.
pub fn locate(sheets: &[Sheet]) -> Option<Header> {
    let mut order: Vec<usize> = (0..sheets.len()).collect();
    order.sort_by_key(|i| name_key(&sheets[*i].name) != name_key(ANSWER_SHEET));
    for i in order {
        let sheet = &sheets[i];
        let best = (0..sheet.rows.len().min(SCAN_ROWS))
            .filter_map(|r| header_in_row(sheet, r))
            .max_by_key(|h| (h.columns.len(), std::cmp::Reverse(h.row)));
        if let Some(mut h) = best {
            h.sheet = i;
            return Some(h);
        }
    }
    None
}
