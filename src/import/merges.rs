//! Merged cells, read without parsing a sheet twice. calamine finds an .xlsx sheet's merges by parsing all of its
//! XML again, which cost almost as much as reading its cells; here each sheet part is decompressed and searched for
//! its `<mergeCell ref="A1:B2"/>` elements. An .ods file's merges (spanned cells) are collected by the guard's scan
//! of its content, which reads every cell anyway (`guard.rs`).

use std::collections::HashMap;
use std::io::{Cursor, Read};

/// A merged area, zero-based and inclusive: (first row, first column, last row, last column).
pub type Area = (u32, u32, u32, u32);

/// Every sheet's merged areas, by sheet name.
pub type Merges = HashMap<String, Vec<Area>>;

/// `B12` → (11, 1).
fn cell_ref(text: &[u8]) -> Option<(u32, u32)> {
    let split = text.iter().position(u8::is_ascii_digit)?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let col = letters.iter().try_fold(0u32, |acc, c| acc.checked_mul(26)?.checked_add(u32::from(c - b'A') + 1))?;
    let row: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// The areas of every `<mergeCell ref="…"/>` in a sheet's XML (any namespace prefix).
fn areas_in(xml: &[u8]) -> Vec<Area> {
    const TAG: &[u8] = b"mergeCell ";
    const CELLS_END: &[u8] = b"sheetData>";
    let mut out = Vec::new();
    // The merges follow the cells: search only after the end of the sheet data, found from the end.
    let mut at = xml.windows(CELLS_END.len()).rposition(|w| w == CELLS_END).unwrap_or(0);
    while let Some(i) = xml[at..].windows(TAG.len()).position(|w| w == TAG) {
        let start = at + i + TAG.len();
        at = start;
        let Some(end) = xml[start..].iter().position(|b| *b == b'>') else { break };
        let element = &xml[start..start + end];
        let Some(r) = element.windows(5).position(|w| w == b"ref=\"") else { continue };
        let value = &element[r + 5..];
        let Some(close) = value.iter().position(|b| *b == b'"') else { continue };
        let value = &value[..close];
        let (first, last) = match value.iter().position(|b| *b == b':') {
            Some(colon) => (&value[..colon], &value[colon + 1..]),
            None => (value, value),
        };
        if let (Some((r0, c0)), Some((r1, c1))) = (cell_ref(first), cell_ref(last)) {
            out.push((r0.min(r1), c0.min(c1), r0.max(r1), c0.max(c1)));
        }
    }
    out
}

/// The value of an attribute in a start tag's raw attributes.
fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    let a = e.attributes().flatten().find(|a| a.key.as_ref() == name)?;
    // Sheet names may hold & or <, escaped in the XML.
    Some(quick_xml::escape::unescape(&a.value).map_or_else(|_| a.value.to_string(), |v| v.into_owned()))
}

/// Reads a part of the archive whole (its size was bounded by the guard).
fn part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let mut file = archive.by_name(name).ok()?;
    let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 20));
    file.read_to_end(&mut out).ok()?;
    Some(out)
}

/// The merged areas of every sheet of an .xlsx workbook: sheet names from `xl/workbook.xml`, their parts from its
/// relationships. A workbook whose parts cannot be read gives no merges (the cell reader reports the damage).
pub fn xlsx(bytes: &[u8]) -> Merges {
    let mut out = Merges::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return out };
    let (Some(book), Some(rels)) =
        (part(&mut archive, "xl/workbook.xml"), part(&mut archive, "xl/_rels/workbook.xml.rels"))
    else {
        return out;
    };
    let mut targets: HashMap<String, String> = HashMap::new();
    let mut xml = quick_xml::Reader::from_reader(rels.as_slice());
    let mut buf = Vec::new();
    while let Ok(event) = xml.read_event_into(&mut buf) {
        match event {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == "Relationship" =>
            {
                if let (Some(id), Some(target)) = (attribute(&e, "Id"), attribute(&e, "Target")) {
                    let path = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("xl/{target}"),
                    };
                    targets.insert(id, path);
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let mut sheets: Vec<(String, String)> = Vec::new();
    let mut xml = quick_xml::Reader::from_reader(book.as_slice());
    while let Ok(event) = xml.read_event_into(&mut buf) {
        match event {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == "sheet" =>
            {
                let id =
                    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == "id").map(|a| a.value.to_string());
                let name = attribute(&e, "name");
                if let (Some(name), Some(path)) = (name, id.and_then(|i| targets.get(&i).cloned())) {
                    sheets.push((name, path));
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    for (name, path) in sheets {
        if let Some(data) = part(&mut archive, &path) {
            let areas = areas_in(&data);
            if !areas.is_empty() {
                out.insert(name, areas);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_elements_are_read_with_any_prefix_and_order() {
        let xml = br#"<sheetData/><mergeCells count="3"><mergeCell ref="A1:B2"/><x:mergeCell ref="D5:C3"/><mergeCell ref="AA10"/></mergeCells>"#;
        assert_eq!(areas_in(xml), [(0, 0, 1, 1), (2, 2, 4, 3), (9, 26, 9, 26)]);
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"A0"), None);
    }
}
