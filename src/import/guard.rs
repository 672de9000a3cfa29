//! Limits a workbook must keep before any reader parses it, so a hostile or broken file costs a clear message and
//! bounded memory instead of the process.
//!
//! What each check stops:
//! - a zip bomb (a 500 KB .xlsx/.ods expanding to gigabytes): every part's size and ratio are read from the zip
//!   directory; the directory can lie, but the zip reader stops at each part's declared size while decompressing,
//!   so what is read is never more than what was checked;
//! - a shared-string table announcing billions of strings, which calamine reserves up front;
//! - absurd dimensions: a value in column XFD or row 1,048,576 turns into a dense grid of billions of cells in the
//!   readers (calamine's `Range` and our own [`super::Sheet`]). .xlsx sheets are bounded cell by cell while they are
//!   read (see `workbook.rs`); .xls and .ods are scanned here first, since their readers build the grid at once.
//!
//! The limits are far above any survey return (a return is a few hundred rows of 20 columns) and far below what
//! would hurt a PC with 8 GB of memory.

use std::io::{self, Cursor, Read};

use super::workbook::WorkbookError;
use crate::survey::column_letters;

/// The largest file accepted, as stored on disk.
pub const MAX_FILE_BYTES: u64 = 30 * 1024 * 1024;
/// The largest part of a zip-based workbook once decompressed (one sheet's XML, the shared strings).
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// All parts together, decompressed.
pub const MAX_TOTAL_BYTES: u64 = 96 * 1024 * 1024;
/// How many times larger than its compressed form a part over [`RATIO_FLOOR`] may be. Spreadsheet XML compresses
/// about 10–30×; a bomb compresses 1,000×.
pub const MAX_RATIO: u64 = 200;
/// Parts smaller than this are never refused for their ratio (an empty sheet compresses extremely well).
pub const RATIO_FLOOR: u64 = 1024 * 1024;
/// Parts in one zip: a workbook has a few dozen.
pub const MAX_PARTS: usize = 2_000;
/// Rows a sheet may use (Excel's own limit is 1,048,576).
pub const MAX_ROWS: u32 = 100_000;
/// Columns a sheet may use (Excel's own limit is 16,384, column XFD).
pub const MAX_COLUMNS: u32 = 1_000;
/// Cells in the rectangle from A1 to a sheet's last used cell: the size of the grid the readers build.
pub const MAX_CELLS: u64 = 2_000_000;
/// Distinct strings a workbook may announce in its shared-string table.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;

fn mib(bytes: u64) -> String {
    format!("{} MB", bytes.div_ceil(1024 * 1024))
}

fn corrupt(e: impl std::fmt::Display) -> WorkbookError {
    WorkbookError::Corrupt(e.to_string())
}

/// The message for a used area beyond the limits, naming the cell the user should look at.
pub fn out_of_range(sheet: &str, row: u32, col: u32) -> WorkbookError {
    WorkbookError::OutOfRange {
        sheet: sheet.to_string(),
        cell: format!("{}{}", column_letters(col), u64::from(row) + 1),
        limit: format!("A〜{}列の{}列・{}行まで", column_letters(MAX_COLUMNS - 1), MAX_COLUMNS, MAX_ROWS),
    }
}

/// Checks that a sheet whose last used cell is at `(row, col)` (0-based) fits the limits.
pub fn check_extent(sheet: &str, row: u32, col: u32) -> Result<(), WorkbookError> {
    if row >= MAX_ROWS || col >= MAX_COLUMNS || (u64::from(row) + 1) * (u64::from(col) + 1) > MAX_CELLS {
        return Err(out_of_range(sheet, row, col));
    }
    Ok(())
}

/// Runs every check that applies to the file's format. `zip` and `cfb` are what the first bytes said it is. The
/// scan of an .ods file's content reads every cell, so it also returns the file's merged (spanned) cells.
pub fn check(bytes: &[u8], zip: bool, cfb: bool) -> Result<super::merges::Merges, WorkbookError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(WorkbookError::TooLarge(format!(
            "ファイルが {} あります（上限 {}）",
            mib(bytes.len() as u64),
            mib(MAX_FILE_BYTES)
        )));
    }
    if zip {
        check_zip(bytes)
    } else if cfb {
        check_xls(bytes).map(|()| super::merges::Merges::new())
    } else {
        Ok(super::merges::Merges::new())
    }
}

fn check_zip(bytes: &[u8]) -> Result<super::merges::Merges, WorkbookError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if archive.len() > MAX_PARTS {
        return Err(WorkbookError::TooLarge(format!(
            "ファイルの中に部品が {} 個あります（上限 {}）",
            archive.len(),
            MAX_PARTS
        )));
    }
    // First what the directory declares: cheap, and refuses most bombs before anything is decompressed.
    let mut declared_total: u64 = 0;
    // The parts whose first bytes are checked below: the OpenDocument mimetype and the shared-string table.
    let mut heads = Vec::new();
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(corrupt)?;
        let name = part.name().map_err(corrupt)?;
        check_part(&name, part.size(), part.compressed_size())?;
        if name == "mimetype" || name.ends_with("sharedStrings.xml") {
            heads.push(i);
        }
        declared_total = declared_total.saturating_add(part.size());
    }
    check_total(declared_total)?;
    // What the directory declares is also what can be read: the zip reader stops with an error at a part's
    // declared size (zip's `size_limit`), so a directory that lies gives a broken file, not a bomb (the
    // zip_bomb_lying fixture). Only the heads of the parts whose content matters here are read.
    let mut is_ods = false;
    for i in heads {
        let mut part = archive.by_index(i).map_err(corrupt)?;
        let name = part.name().map_err(corrupt)?.to_string();
        let mut head = Vec::new();
        (&mut part).take(4096).read_to_end(&mut head).map_err(corrupt)?;
        if name == "mimetype" && head.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") {
            is_ods = true;
        }
        if name.ends_with("sharedStrings.xml") {
            check_shared_strings(&head)?;
        }
    }
    if is_ods {
        let mut content = archive.by_name("content.xml").map_err(corrupt)?;
        return check_ods_content(&mut content);
    }
    Ok(super::merges::Merges::new())
}

fn check_part(name: &str, size: u64, compressed: u64) -> Result<(), WorkbookError> {
    // Deflate never grows data by more than a few bytes a block: a part stored larger than it expands to has a
    // directory that lies about it (the zip_bomb_lying fixture).
    if compressed > size + size / 100 + 1024 {
        return Err(corrupt(format!("{name}: {compressed} bytes compressed, {size} declared")));
    }
    if size > MAX_PART_BYTES {
        return Err(WorkbookError::TooLarge(format!(
            "ファイルの中の「{name}」は展開すると {} になります（上限 {}）",
            mib(size),
            mib(MAX_PART_BYTES)
        )));
    }
    if size > RATIO_FLOOR && size / compressed.max(1) > MAX_RATIO {
        return Err(WorkbookError::TooLarge(format!(
            "ファイルの中の「{name}」が {} 倍に展開されます（上限 {} 倍。圧縮爆弾の疑いがあります）",
            size / compressed.max(1),
            MAX_RATIO
        )));
    }
    Ok(())
}

fn check_total(total: u64) -> Result<(), WorkbookError> {
    if total > MAX_TOTAL_BYTES {
        return Err(WorkbookError::TooLarge(format!(
            "ファイル全体を展開すると {} を超えます（上限 {}）",
            mib(total),
            mib(MAX_TOTAL_BYTES)
        )));
    }
    Ok(())
}

/// Reads `uniqueCount` (and `count`) from the `<sst …>` start tag at the head of the shared-string part.
fn check_shared_strings(head: &[u8]) -> Result<(), WorkbookError> {
    let Some(start) = head.windows(4).position(|w| w == b"<sst") else { return Ok(()) };
    let tag_end = head[start..].iter().position(|&b| b == b'>').map_or(head.len(), |e| start + e);
    let tag = &head[start..tag_end];
    for attribute in [&b" uniqueCount=\""[..], &b" count=\""[..]] {
        let Some(at) = tag.windows(attribute.len()).position(|w| w == attribute) else { continue };
        let digits: Vec<u8> =
            tag[at + attribute.len()..].iter().copied().take_while(|b| b.is_ascii_digit()).take(20).collect();
        let count = std::str::from_utf8(&digits).ok().and_then(|d| d.parse::<u64>().ok()).unwrap_or(u64::MAX);
        if count > MAX_SHARED_STRINGS {
            return Err(WorkbookError::TooLarge(format!(
                "共有文字列が {count} 個あると宣言されています（上限 {MAX_SHARED_STRINGS} 個）"
            )));
        }
    }
    Ok(())
}

/// Scans an OpenDocument `content.xml` for the area its repeated rows and columns expand to: calamine expands
/// `table:number-rows-repeated` and `table:number-columns-repeated` into real cells.
fn check_ods_content(content: &mut impl Read) -> Result<super::merges::Merges, WorkbookError> {
    let mut merges = super::merges::Merges::new();
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(io::BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet = String::new();
    let (mut row, mut max_col) = (0u64, 0u64);
    let (mut col, mut row_repeat, mut row_last_col) = (0u64, 1u64, 0u64);
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| a.value.to_string())
    };
    let repeat = |e: &quick_xml::events::BytesStart, name: &str| -> u64 {
        attr(e, name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(1).max(1)
    };
    let out_of_range = |sheet: &str, row: u64, col: u64| {
        out_of_range(sheet, u32::try_from(row).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX))
    };
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(corrupt)?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => {
                    sheet = attr(e, "table:name").unwrap_or_default();
                    (row, max_col) = (0, 0);
                }
                "table:table-row" => {
                    (col, row_last_col, row_repeat) = (0, 0, repeat(e, "table:number-rows-repeated"));
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let span = repeat(e, "table:number-columns-repeated");
                    // A cell spanning others is a merge (the covered cells follow it, empty).
                    let (rows, cols) =
                        (repeat(e, "table:number-rows-spanned"), repeat(e, "table:number-columns-spanned"));
                    if (rows > 1 || cols > 1)
                        && let (Ok(r0), Ok(c0)) = (u32::try_from(row), u32::try_from(col))
                    {
                        let (r1, c1) = (r0.saturating_add((rows - 1) as u32), c0.saturating_add((cols - 1) as u32));
                        merges.entry(sheet.clone()).or_default().push((r0, c0, r1, c1));
                    }
                    // A cell holds something when it has a value type or (not self-closing) text inside.
                    if !empty || attr(e, "office:value-type").is_some() {
                        row_last_col = col.saturating_add(span);
                    }
                    col = col.saturating_add(span);
                }
                _ => {}
            }
        }
        match event {
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if row_last_col > 0 {
                    let max_row = row.saturating_add(row_repeat);
                    max_col = max_col.max(row_last_col);
                    if max_row > u64::from(MAX_ROWS)
                        || max_col > u64::from(MAX_COLUMNS)
                        || max_row.saturating_mul(max_col) > MAX_CELLS
                    {
                        return Err(out_of_range(&sheet, max_row - 1, max_col - 1));
                    }
                }
                row = row.saturating_add(row_repeat);
            }
            Event::Eof => return Ok(merges),
            _ => {}
        }
    }
}

/// Scans the BIFF records of an .xls workbook stream for the grid its reader will build: each cell record's row and
/// column, and the DIMENSIONS record the reader reserves memory from.
fn check_xls(bytes: &[u8]) -> Result<(), WorkbookError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(corrupt)?;
    let name = ["/Workbook", "/Book"].into_iter().find(|n| file.is_stream(n)).ok_or(WorkbookError::NotSpreadsheet)?;
    let mut stream = file.open_stream(name).map_err(corrupt)?;
    if stream.len() > MAX_PART_BYTES {
        return Err(WorkbookError::TooLarge(format!(
            "ブックの中身が {} あります（上限 {}）",
            mib(stream.len()),
            mib(MAX_PART_BYTES)
        )));
    }
    let mut data = Vec::new();
    stream.read_to_end(&mut data).map_err(corrupt)?;
    // The reader finds each sheet where its BOUNDSHEET record in the globals says, not by walking on from the
    // globals, so each sheet is scanned from that position (to the end of the stream: a superset of what the reader
    // reads there). The globals come first, up to their EOF record.
    let mut sheets = Vec::new();
    let mut globals = Records { data: &data, pos: 0 };
    for (kind, body) in &mut globals {
        match kind {
            0x0085 => sheets.extend(u32_at(body, 0)),
            0x000A => break,
            _ => {}
        }
    }
    for (n, pos) in sheets.into_iter().enumerate() {
        scan_xls_sheet(&data, pos as usize, &format!("{}枚目のシート", n + 1))?;
    }
    // And the whole stream in order, for records no BOUNDSHEET points at.
    scan_xls_sheet(&data, 0, "ブック全体")
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// BIFF records from a position: (type, body), the body cut short at the end of the stream.
struct Records<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let kind = u16_at(self.data, self.pos)?;
        let len = usize::from(u16_at(self.data, self.pos + 2)?);
        let start = (self.pos + 4).min(self.data.len());
        let end = (self.pos + 4 + len).min(self.data.len());
        self.pos += 4 + len;
        Some((kind, &self.data[start..end]))
    }
}

/// Checks every DIMENSIONS and cell record from `pos` to the end of the stream.
fn scan_xls_sheet(data: &[u8], pos: usize, sheet: &str) -> Result<(), WorkbookError> {
    for (kind, body) in (Records { data, pos }) {
        match kind {
            // DIMENSIONS: BIFF8 (u32 rows) or BIFF5 (u16 rows); the last row and column are one past the end. The
            // reader reserves rows × columns cells from it.
            0x0200 => {
                let (first_row, last_row, first_col, last_col) = if body.len() >= 14 {
                    (u32_at(body, 0), u32_at(body, 4), u16_at(body, 8), u16_at(body, 10))
                } else {
                    (u16_at(body, 0).map(u32::from), u16_at(body, 2).map(u32::from), u16_at(body, 4), u16_at(body, 6))
                };
                let (Some(r0), Some(r1), Some(c0), Some(c1)) = (first_row, last_row, first_col, last_col) else {
                    continue;
                };
                let c0 = if c0 > 0xFF || c1 < c0 { 0 } else { c0 };
                if r1 > 0 && c1 > 0 {
                    if r1 - 1 < r0 {
                        return Err(corrupt(format!("DIMENSIONS rows {r0}..{r1}")));
                    }
                    let rows = u64::from(r1 - r0);
                    let cols = u64::from(c1 - c0);
                    if rows > u64::from(MAX_ROWS) || cols > u64::from(MAX_COLUMNS) || rows * cols > MAX_CELLS {
                        return Err(out_of_range(sheet, r1 - 1, u32::from(c1 - 1)));
                    }
                }
            }
            // Cell records: FORMULA, LABELSST, NUMBER, LABEL, BOOLERR, RK, RSTRING start with row and column.
            0x0006 | 0x00FD | 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00D6 => {
                if let (Some(row), Some(col)) = (u16_at(body, 0), u16_at(body, 2)) {
                    check_extent(sheet, u32::from(row), u32::from(col))?;
                }
            }
            // MULRK: row, first column, …, last column in the record's last two bytes.
            0x00BD => {
                let last = body.len().checked_sub(2).and_then(|at| u16_at(body, at));
                if let (Some(row), Some(col)) = (u16_at(body, 0), last) {
                    check_extent(sheet, u32::from(row), u32::from(col))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
