//! Report tables → CSV: Shift_JIS (CP932) for Japanese Excel by default, UTF-8 with BOM on request. Characters CP932
//! cannot encode are reported, never replaced; text cells that a spreadsheet would run as a formula are neutralised
//! (OWASP CSV injection).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::report::{ReportTable, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CsvEncoding {
    /// Shift_JIS as Windows writes it (CP932 / Windows-31J).
    Cp932,
    /// UTF-8 with a byte-order mark, so Excel recognises it.
    Utf8Bom,
}

/// A text cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or NUL gets a leading `'`, so a
/// spreadsheet shows it instead of running it. Numbers are written as numbers and are never touched.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\0') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The CSV text of a table: the header row, then every row (lines, details, totals), CRLF line ends.
pub fn csv_text(t: &ReportTable) -> String {
    let mut out = String::new();
    let header: Vec<String> = t.columns.iter().map(|c| quote(&neutralise(&c.title.replace('\n', "")))).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in &t.rows {
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|v| match v {
                Value::Empty => String::new(),
                Value::Text(s) => quote(&neutralise(s)),
                Value::Number(n) => n.normalize().to_string(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Encodes a table as CSV bytes. With CP932, any character it cannot represent is an error naming the
/// characters, their rows and columns.
pub fn write_csv(t: &ReportTable, encoding: CsvEncoding) -> Result<Vec<u8>> {
    let text = csv_text(t);
    match encoding {
        CsvEncoding::Utf8Bom => {
            let mut bytes = vec![0xEF, 0xBB, 0xBF];
            bytes.extend_from_slice(text.as_bytes());
            Ok(bytes)
        }
        CsvEncoding::Cp932 => {
            let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(&text);
            if !had_errors {
                return Ok(bytes.into_owned());
            }
            Err(Error::Invalid(format!(
                "Shift_JIS（CP932）で表せない文字があります: {}。--encoding utf-8 で UTF-8（BOM付き）の CSV にするか、文字を置き換えてください",
                unencodable(t).join("、")
            )))
        }
    }
}

fn encodable(c: char) -> bool {
    let mut buf = [0u8; 4];
    !encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2
}

/// `「𠮷」（3行目「業務名」）`: every character CP932 cannot encode, with where it is (the header is row 1).
fn unencodable(t: &ReportTable) -> Vec<String> {
    let mut found = Vec::new();
    let mut note = |c: char, row: usize, column: &str| {
        let entry = format!("「{c}」（{row}行目「{}」）", column.replace('\n', ""));
        if !found.contains(&entry) {
            found.push(entry);
        }
    };
    for col in &t.columns {
        for c in col.title.chars().filter(|c| !encodable(*c)) {
            note(c, 1, &col.title);
        }
    }
    for (i, r) in t.rows.iter().enumerate() {
        for (v, col) in r.cells.iter().zip(&t.columns) {
            if let Value::Text(s) = v {
                for c in s.chars().filter(|c| !encodable(*c)) {
                    note(c, i + 2, &col.title);
                }
            }
        }
    }
    found
}
