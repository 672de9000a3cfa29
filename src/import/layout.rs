//! Where the answer table is in a workbook and what every one of its columns holds, as departments draw it: title
//! rows above the table, a header over one, two or three rows with parent cells merged across their children
//! (「削減効果」 over 「算定式」 and 「時間」), columns renamed, reordered or added, row numbers (番号, No.), and
//! the basis written in the title or a header instead of per line.
//!
//! Every column of the table is accounted for: mapped to a field of the answer sheet, or known not to be one (row
//! numbers, the template's helper, a column the user said to ignore), or unknown. Which unknown columns hold figures,
//! and so may not be dropped, is decided by the rows below ([`super::row`]).

use serde::Serialize;

use super::vocabulary::{self, HeaderWord};
use super::workbook::{Cell, Sheet};
use crate::fiscal::FiscalYear;
use crate::ledger::Basis;
use crate::org::name_key;
use crate::survey::{ANSWER_SHEET, Column, column_letters, header_key};

/// Rows scanned for the header: departments put a title, a date and notes above the table, rarely more.
const SCAN_ROWS: usize = 30;
/// The most rows one header spans (a title row merged over a parent row over the children).
const MAX_HEADER_ROWS: usize = 3;
/// A header names at least this many fields of the answer sheet, 業務名 or 管理番号 among them.
const MIN_KNOWN: usize = 3;

/// What a column of the table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "field", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    /// A field of the answer sheet (its title).
    Field(#[cfg_attr(feature = "ts", ts(type = "string"))] Column),
    /// Row numbers (番号, No., 連番, or 1, 2, 3 … under no header): never 管理番号.
    RowNumber,
    /// The template's live helper column (自動計算): a formula of the inputs beside it.
    Helper,
    /// Not imported, as the user said (`--map 見出し=無視`).
    Ignored,
    /// A second column for a field already mapped (with the same basis): not imported.
    Duplicate(#[cfg_attr(feature = "ts", ts(type = "string"))] Column),
    /// A header that is not a field of the answer sheet, or no header at all.
    Unknown,
}

/// How a column's role was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Source {
    /// The header, by the spellings Daicho knows.
    Header,
    /// What the column holds: 1, 2, 3 … under no header (row numbers), or formulas under a header for hours.
    Values,
    /// A mapping given for this import.
    Map,
    /// A mapping given for an earlier return of the same section (its path).
    Remembered(String),
}

/// One column of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnInfo {
    /// Zero-based column index.
    pub index: usize,
    /// `G`.
    pub letter: String,
    /// The header as written, parent and child joined by ／ (「削減効果／時間」); empty when there is none.
    pub header: String,
    pub role: Role,
    /// The basis the header gives the column's figures (「削減時間（見込み）」, or a parent 「実績」).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub basis: Option<Basis>,
    pub source: Source,
    /// An unmapped column that holds figures in most lines: the file is refused until it is mapped (a column of
    /// figures is never dropped silently).
    pub figures: bool,
    /// The keys a mapping can name this column by: each level and the whole, normalised.
    #[serde(skip)]
    pub(crate) keys: Vec<String>,
    /// Each level of the header as written, to recognise the header repeated below (pasted from printed pages).
    #[serde(skip)]
    pub(crate) texts: Vec<String>,
}

impl ColumnInfo {
    /// `G列「削減効果／時間」`, or `G列` when the column has no header.
    pub fn label(&self) -> String {
        if self.header.is_empty() {
            format!("{}列", self.letter)
        } else {
            format!("{}列「{}」", self.letter, self.header)
        }
    }

    /// The field mapped, if any.
    pub fn field(&self) -> Option<Column> {
        match self.role {
            Role::Field(c) => Some(c),
            _ => None,
        }
    }
}

/// What a mapping says a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapTarget {
    Field(Column),
    Ignore,
}

impl MapTarget {
    /// `削減時間(時間)` (any spelling of a field) or `無視` / `取り込まない` / `-`.
    pub fn parse(text: &str) -> Option<Self> {
        let key = header_key(text);
        if ["無視", "取り込まない", "取込まない", "-", "ignore", "なし"].contains(&key.as_str()) {
            return Some(MapTarget::Ignore);
        }
        vocabulary::column(text).map(MapTarget::Field)
    }

    /// The text stored for a remembered mapping and shown to users.
    pub fn label(self) -> &'static str {
        match self {
            MapTarget::Field(c) => c.title(),
            MapTarget::Ignore => "無視",
        }
    }
}

/// A column mapping: which column (by its header, or its letter) holds which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// The header as written, or column letters (`G`).
    pub column: String,
    pub target: MapTarget,
}

impl ColumnMap {
    /// Reads `見出し=項目` (`年間削減時間（見込）=削減時間(時間)`, `G=無視`).
    pub fn parse(text: &str) -> crate::Result<Self> {
        let Some((column, target)) = text.rsplit_once(['=', '＝']) else {
            return Err(crate::Error::Invalid(format!(
                "列の対応「{text}」は「見出し=項目」の形で指定してください（例: 年間削減時間=削減時間(時間)、G=無視）"
            )));
        };
        Self::new(column, target)
    }

    /// A mapping of a column (its header or letters) to a field (any spelling of it) or `無視`.
    pub fn new(column: &str, target: &str) -> crate::Result<Self> {
        let invalid = |m: String| crate::Error::Invalid(m);
        let text = format!("{column}={target}");
        let column = column.trim();
        if column.is_empty() {
            return Err(invalid(format!("列の対応「{text}」に見出し（または列の記号）がありません")));
        }
        let target = MapTarget::parse(target).ok_or_else(|| {
            let fields: Vec<&str> = Column::ALL.iter().map(|c| c.title()).collect();
            invalid(format!(
                "列の対応「{text}」の「{}」は調査票の項目ではありません。項目: {}、または 無視",
                target.trim(),
                fields.join("、")
            ))
        })?;
        Ok(ColumnMap { column: column.to_string(), target })
    }

    /// Whether this mapping names a column: by its header (whole, or any level of it), or else by its letters (`G`;
    /// a header 「ID」 is a header before it is a column's letters).
    fn names(&self, letter: &str, keys: &[String]) -> bool {
        let key = header_key(&self.column);
        if keys.contains(&key) {
            return true;
        }
        let letters = self.column.trim();
        !letters.is_empty()
            && letters.len() <= 3
            && letters.chars().all(|ch| ch.is_ascii_uppercase())
            && letter == letters
    }

    /// Whether this mapping names any of the columns.
    pub fn names_any(&self, columns: &[ColumnInfo]) -> bool {
        columns.iter().any(|c| self.names(&c.letter, &c.keys))
    }
}

/// A remembered mapping, by the key of the header it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberedMap {
    pub header_key: String,
    pub target: MapTarget,
    /// The section it was given for (its path, for messages).
    pub section: String,
}

/// Where the table is and what its columns are.
#[derive(Debug, Clone)]
pub struct Layout {
    pub sheet: usize,
    /// Zero-based rows of the header (one to three), first and last.
    pub header_first: usize,
    pub header_last: usize,
    pub columns: Vec<ColumnInfo>,
    /// What the rows above the header say: the basis and the fiscal year written in a title.
    pub title: TitleInfo,
}

/// What the title rows say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TitleInfo {
    /// The title text that names a basis, with the basis (only when one basis is named).
    pub basis: Option<(Basis, String)>,
    /// The fiscal year a title names (only when one is named), with the text.
    pub fiscal_year: Option<(FiscalYear, String)>,
}

impl Layout {
    /// The first column of a field (for a figure field split by basis, see [`Self::figure_col`]).
    pub fn col(&self, field: Column) -> Option<usize> {
        self.columns.iter().find(|c| c.role == Role::Field(field)).map(|c| c.index)
    }

    pub fn info(&self, index: usize) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.index == index)
    }

    /// The bases the figure columns are split by (each a set of figure columns); `[None]` when no figure column has
    /// a basis of its own.
    pub fn figure_bases(&self) -> Vec<Option<Basis>> {
        let mut out: Vec<Option<Basis>> = Vec::new();
        for c in &self.columns {
            if let Role::Field(f) = c.role
                && is_figure(f)
                && !out.contains(&c.basis)
            {
                out.push(c.basis);
            }
        }
        if out.is_empty() {
            out.push(None);
        }
        out
    }

    /// The column of a figure field in the set of a basis.
    pub fn figure_col(&self, field: Column, basis: Option<Basis>) -> Option<usize> {
        self.columns.iter().find(|c| c.role == Role::Field(field) && c.basis == basis).map(|c| c.index)
    }

    /// Excel's row number of the header's last row.
    pub fn header_row(&self) -> usize {
        self.header_last + 1
    }
}

/// The fields that carry a figure (an effect's inputs), which may be split by basis.
pub fn is_figure(c: Column) -> bool {
    matches!(
        c,
        Column::Formula
            | Column::StatedHours
            | Column::BeforeMinutes
            | Column::AfterMinutes
            | Column::SavedMinutes
            | Column::Count
            | Column::Days
    )
}

/// The header cells of the first rows, as (key, text as written), computed once.
type HeaderCells = Vec<Vec<Option<(String, String)>>>;

/// The header levels of one column over the header rows: each non-empty text, top to bottom, a text repeated by a
/// vertical merge once.
fn levels(cells: &HeaderCells, rows: std::ops::Range<usize>, col: usize) -> Vec<&(String, String)> {
    let mut out: Vec<&(String, String)> = Vec::new();
    for r in rows {
        if let Some(Some(cell)) = cells.get(r).and_then(|row| row.get(col))
            && out.last().is_none_or(|last| last.0 != cell.0)
        {
            out.push(cell);
        }
    }
    out
}

/// What a column's header levels name.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Resolved {
    word: Option<HeaderWord>,
    basis: Option<Basis>,
    /// The name came from more than one level (a parent and its child, or a parent basis): the upper rows are part
    /// of the header, not a title above it.
    joined: bool,
}

/// What a column's header levels name, and the basis they give it: the longest run of levels ending at the lowest
/// that names a field («削減効果» + «時間»), else shorter runs, with a basis word taken out where it is a whole level
/// (a parent 「見込み」) or in parentheses or at an end of a name (「年間削減時間（見込）」).
fn resolve(keys: &[&str]) -> Resolved {
    let mut basis = None;
    let names: Vec<&str> = keys
        .iter()
        .filter(|k| match vocabulary::basis_word(k) {
            Some(b) => {
                basis = Some(b);
                false
            }
            None => true,
        })
        .copied()
        .collect();
    let parent_basis = basis.is_some();
    for i in 0..names.len() {
        let key: String = names[i..].concat();
        let joined = i + 1 < names.len() || parent_basis;
        if let Some(w) = vocabulary::header_word(&key) {
            return Resolved { word: Some(w), basis, joined };
        }
        if let Some((rest, b)) = vocabulary::strip_basis(&key)
            && let Some(w) = vocabulary::header_word(&rest)
        {
            return Resolved { word: Some(w), basis: Some(b), joined };
        }
    }
    // A unit under a name (a row of units: 「導入前」 over 「（分）」) names the field only when it is the field's own
    // unit: 「導入前」 over 「（時間）」 stays unknown, never minutes read as hours.
    if let [rest @ .., last] = names.as_slice()
        && let Some(unit) = unit_label(last)
        && !rest.is_empty()
    {
        let found = resolve(rest);
        if let Some(HeaderWord::Field(field)) = found.word
            && unit_fits(field, unit)
        {
            return Resolved { joined: true, ..found };
        }
    }
    Resolved { word: None, basis, joined: false }
}

/// The unit a header level consists of (「（分）」「単位：件」「h」), normalised, if it is only a unit.
fn unit_label(text: &str) -> Option<&'static str> {
    let t = text
        .trim_matches(|c: char| c.is_whitespace() || "()[]【】〔〕".contains(c))
        .trim_start_matches("単位")
        .trim_start_matches([':', '：'])
        .trim();
    Some(match t {
        "分" | "分/件" | "分/回" | "min" => "分",
        "時間" | "h" | "時間/年" | "hr" => "時間",
        "件" | "回" | "件/年" | "回/年" | "枚" | "人" => "件",
        "日" | "日/年" => "日",
        _ => return None,
    })
}

/// Whether a unit is the one a field's figures are counted in.
fn unit_fits(field: Column, unit: &str) -> bool {
    match field {
        Column::BeforeMinutes | Column::AfterMinutes | Column::SavedMinutes => unit == "分",
        Column::StatedHours => unit == "時間",
        Column::Count => unit == "件" || unit == "日",
        Column::Days => unit == "日",
        _ => false,
    }
}

/// The keys a mapping can name a column by: each level, and all levels together.
fn map_keys(levels: &[&(String, String)]) -> Vec<String> {
    let mut keys: Vec<String> = levels.iter().map(|(k, _)| k.clone()).collect();
    if levels.len() > 1 {
        keys.push(levels.iter().map(|(k, _)| k.as_str()).collect());
    }
    keys
}

/// The role a header window gives a column, with the mappings applied: (role, basis, decided by a mapping, named by
/// several header rows together).
fn role_of(
    cells: &HeaderCells,
    rows: std::ops::Range<usize>,
    col: usize,
    maps: &[ColumnMap],
    memo: &mut std::collections::HashMap<String, Resolved>,
) -> (Role, Option<Basis>, bool, bool) {
    let lv = levels(cells, rows, col);
    if !maps.is_empty() {
        let letter = column_letters(col as u32);
        let keys = map_keys(&lv);
        if let Some(m) = maps.iter().rev().find(|m| m.names(&letter, &keys)) {
            let role = match m.target {
                MapTarget::Field(c) => Role::Field(c),
                MapTarget::Ignore => Role::Ignored,
            };
            return (role, None, true, false);
        }
    }
    // The same levels recur in the windows tried (a header row alone, with the row above, …).
    let keys: Vec<&str> = lv.iter().map(|(k, _)| k.as_str()).collect();
    let joined_key = keys.join("\u{1}");
    let found = match memo.get(&joined_key) {
        Some(found) => *found,
        None => {
            let found = resolve(&keys);
            memo.insert(joined_key, found);
            found
        }
    };
    let role = match found.word {
        Some(HeaderWord::Field(c)) => Role::Field(c),
        Some(HeaderWord::RowNumber) => Role::RowNumber,
        Some(HeaderWord::Helper) => Role::Helper,
        None => Role::Unknown,
    };
    let basis = if matches!(role, Role::Field(c) if is_figure(c)) { found.basis } else { None };
    (role, basis, false, found.joined)
}

/// The columns of the chosen header, with everything a report shows of them.
fn columns_of(cells: &HeaderCells, rows: std::ops::Range<usize>, width: usize, maps: &[ColumnMap]) -> Vec<ColumnInfo> {
    let mut memo = std::collections::HashMap::new();
    let mut columns: Vec<ColumnInfo> = (0..width)
        .map(|col| {
            let (role, basis, mapped, _) = role_of(cells, rows.clone(), col, maps, &mut memo);
            let lv = levels(cells, rows.clone(), col);
            ColumnInfo {
                index: col,
                letter: column_letters(col as u32),
                header: lv.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("／"),
                role,
                basis,
                source: if mapped { Source::Map } else { Source::Header },
                figures: false,
                keys: map_keys(&lv),
                texts: lv.iter().map(|(_, t)| t.clone()).collect(),
            }
        })
        .collect();
    mark_duplicates(&mut columns);
    columns
}

/// A second column for the same field and basis is a duplicate: the leftmost one is read.
pub(crate) fn mark_duplicates(columns: &mut [ColumnInfo]) {
    let mut seen: Vec<(Column, Option<Basis>)> = Vec::new();
    for c in columns.iter_mut() {
        if let Role::Field(f) = c.role {
            let key = (f, if is_figure(f) { c.basis } else { None });
            if seen.contains(&key) {
                c.role = Role::Duplicate(f);
            } else {
                seen.push(key);
            }
        }
    }
}

/// The header keys of the first rows' text cells, computed once: (key, text as written).
fn header_keys(sheet: &Sheet) -> HeaderCells {
    (0..sheet.rows.len().min(SCAN_ROWS + MAX_HEADER_ROWS))
        .map(|r| {
            // Rows with numbers are data, never a header: their cells are not normalised (most of the first rows).
            if !header_like(sheet, r) {
                return Vec::new();
            }
            sheet.rows[r]
                .iter()
                .map(|cell| match cell {
                    Cell::Text(t) if !t.trim().is_empty() => Some((header_key(t), t.trim().to_string())),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// Whether a row holds only units for the header above it: 「（分）」「(時間)」「単位：件」「h」.
fn units_row(sheet: &Sheet, row: usize) -> bool {
    let texts: Vec<String> = sheet.rows[row]
        .iter()
        .filter_map(|c| match c {
            Cell::Text(t) if !t.trim().is_empty() => Some(crate::number::nfkc(t)),
            Cell::Empty => None,
            _ => Some(String::from("0")),
        })
        .collect();
    !texts.is_empty() && texts.iter().all(|t| unit_label(t).is_some() || matches!(t.as_str(), "円" | "%"))
}

/// Whether a row can be part of a header: it has text and no numbers or dates (those are data).
fn header_like(sheet: &Sheet, row: usize) -> bool {
    let cells = &sheet.rows[row];
    cells.iter().any(|c| matches!(c, Cell::Text(t) if !t.trim().is_empty()))
        && !cells.iter().any(|c| matches!(c, Cell::Number(_) | Cell::Date(_) | Cell::Bool(_)))
}

/// The best header of a sheet: the rows (one to three) naming the most fields, fewer rows and the higher position
/// winning a tie.
fn header_of(sheet: &Sheet, maps: &[ColumnMap]) -> Option<(usize, usize, Vec<ColumnInfo>)> {
    let cells = header_keys(sheet);
    let width = sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut memo = std::collections::HashMap::new();
    // How many cells of each row are header words by themselves.
    let words: Vec<usize> = cells
        .iter()
        .map(|row| row.iter().flatten().filter(|(key, _)| vocabulary::header_word(key).is_some()).count())
        .collect();
    // Ranked by fields named, then columns named by several rows together (a parent over its children; a title row
    // above the header names nothing with it), then fewer rows, then the higher position.
    type Rank = (usize, usize, std::cmp::Reverse<usize>, std::cmp::Reverse<usize>);
    let mut best: Option<(Rank, usize, usize)> = None;
    for start in 0..sheet.rows.len().min(SCAN_ROWS) {
        // A header's first row names something itself (a field, 番号, a parent such as 削減効果); rows of data that
        // happen to hold only text (dates and years written as text) name nothing and are passed over at once.
        if words.get(start).is_none_or(|w| *w == 0) {
            continue;
        }
        for depth in 1..=MAX_HEADER_ROWS {
            let last = start + depth - 1;
            if last >= sheet.rows.len() || !header_like(sheet, last) {
                break;
            }
            // Fields named once each (a second column for a field with the same basis is a duplicate).
            let mut fields: Vec<(Column, Option<Basis>)> = Vec::new();
            let mut joined = 0;
            for col in 0..width {
                let (role, basis, _, together) = role_of(&cells, start..last + 1, col, maps, &mut memo);
                if let Role::Field(c) = role
                    && !fields.contains(&(c, basis))
                {
                    fields.push((c, basis));
                    joined += usize::from(together);
                }
            }
            let anchored = fields.iter().any(|(c, _)| matches!(c, Column::Title | Column::LedgerId));
            if fields.len() < MIN_KNOWN || !anchored {
                continue;
            }
            let rank = (fields.len(), joined, std::cmp::Reverse(depth), std::cmp::Reverse(start));
            if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                best = Some((rank, start, last));
            }
        }
    }
    // A row of units under the header (「（分）」「（時間）」「単位：件」) belongs to it.
    let best = best.map(|(rank, first, mut last)| {
        while last + 1 < sheet.rows.len() && last + 1 - first < MAX_HEADER_ROWS + 1 && units_row(sheet, last + 1) {
            last += 1;
        }
        (rank, first, last)
    });
    best.map(|(_, first, last)| (first, last, columns_of(&cells, first..last + 1, width, maps)))
}

/// What the rows above the header say about the basis and the fiscal year.
fn title_info(sheet: &Sheet, header_first: usize) -> TitleInfo {
    let mut texts: Vec<String> = Vec::new();
    for row in sheet.rows.iter().take(header_first) {
        for cell in row {
            if let Cell::Text(t) = cell {
                let t = t.trim();
                // A title merged across the columns repeats in each of them.
                if !t.is_empty() && !texts.iter().any(|x| x == t) {
                    texts.push(t.to_string());
                }
            }
        }
    }
    let mut info = TitleInfo::default();
    let mut bases: Vec<(Basis, &String)> = Vec::new();
    for t in &texts {
        if vocabulary::is_note(t) {
            continue;
        }
        for b in vocabulary::bases_in(t) {
            if !bases.iter().any(|(x, _)| *x == b) {
                bases.push((b, t));
            }
        }
    }
    if let [(b, t)] = bases.as_slice() {
        info.basis = Some((*b, (*t).clone()));
    }
    let mut years: Vec<(FiscalYear, &String)> = Vec::new();
    for t in &texts {
        if let Some(fy) = crate::fiscal::find_fiscal_year(t)
            && !years.iter().any(|(y, _)| *y == fy)
        {
            years.push((fy, t));
        }
    }
    if let [(fy, t)] = years.as_slice() {
        info.fiscal_year = Some((*fy, (*t).clone()));
    }
    info
}

/// Finds the answer table: the sheet named 回答 first, then every sheet in order; in each, the header rows naming the
/// most fields within the first rows. The mappings given count as names.
pub fn locate(sheets: &[Sheet], maps: &[ColumnMap]) -> Option<Layout> {
    let mut order: Vec<usize> = (0..sheets.len()).collect();
    order.sort_by_key(|i| name_key(&sheets[*i].name) != name_key(ANSWER_SHEET));
    for i in order {
        if let Some((first, last, columns)) = header_of(&sheets[i], maps) {
            let title = title_info(&sheets[i], first);
            return Some(Layout { sheet: i, header_first: first, header_last: last, columns, title });
        }
    }
    None
}

/// Decides by content what a header leaves ambiguous: two columns headed as the stated hours (「削減効果」 and
/// 「削減時間（h）」) where the table has no formula column — the one holding formulas or several measures is the
/// formula column. Only headers the user did not map are changed.
pub fn refine_by_content(layout: &mut Layout, sheet: &Sheet) {
    let bases: Vec<Option<Basis>> = layout.figure_bases();
    for basis in bases {
        if layout.figure_col(Column::Formula, basis).is_some() {
            continue;
        }
        let stated: Vec<usize> = layout
            .columns
            .iter()
            .filter(|c| {
                c.source == Source::Header
                    && c.basis == basis
                    && matches!(c.role, Role::Field(Column::StatedHours) | Role::Duplicate(Column::StatedHours))
            })
            .map(|c| c.index)
            .collect();
        if stated.len() != 2 {
            continue;
        }
        let written = |col: usize| {
            let cells: Vec<&Cell> = (layout.header_last + 1..sheet.rows.len())
                .map(|r| sheet.cell(r, col))
                .filter(|c| !c.is_empty())
                .collect();
            let formulas = cells.iter().filter(|c| matches!(c, Cell::Text(t) if looks_like_formula(t))).count();
            !cells.is_empty() && formulas * 2 >= cells.len()
        };
        let (a, b) = (stated[0], stated[1]);
        let text = match (written(a), written(b)) {
            (true, false) => a,
            (false, true) => b,
            _ => continue,
        };
        for c in layout.columns.iter_mut().filter(|c| c.index == a || c.index == b) {
            c.role = Role::Field(if c.index == text { Column::Formula } else { Column::StatedHours });
            if c.index == text {
                c.source = Source::Values;
            }
        }
    }
}

/// A 管理番号 column holding only whole numbers (1, 2, 3 … under 「ID」 or 「整理番号」) is row numbers: a 管理番号 is
/// never a bare number (`R5-0012`).
pub fn refine_ledger_ids(layout: &mut Layout, sheet: &Sheet) {
    let Some(col) = layout.col(Column::LedgerId) else { return };
    let cells: Vec<&Cell> =
        (layout.header_last + 1..sheet.rows.len()).map(|r| sheet.cell(r, col)).filter(|c| !c.is_empty()).collect();
    let numbers = |c: &&Cell| match c {
        Cell::Number(n) => n.fract() == 0.0,
        Cell::Text(t) => crate::number::nfkc(t).chars().all(|ch| ch.is_ascii_digit()),
        _ => false,
    };
    if !cells.is_empty() && cells.iter().all(numbers) {
        for c in layout.columns.iter_mut().filter(|c| c.index == col && c.source != Source::Map) {
            c.role = Role::RowNumber;
            c.source = Source::Values;
        }
    }
}

/// Text that holds a calculation or several measures rather than a figure alone.
fn looks_like_formula(text: &str) -> bool {
    text.contains(['×', '✕', '*', '＊', '÷', '=', '＝', '◆', '・', '●', '■']) && text.chars().any(|c| c.is_numeric())
}

/// Applies remembered mappings (for the sections the file reports on) to columns neither the header nor a mapping of
/// this import placed.
pub fn apply_remembered(layout: &mut Layout, remembered: &[RememberedMap]) {
    // Only columns this import could not place: a header recognised as a field this year stays that field.
    for c in layout
        .columns
        .iter_mut()
        .filter(|c| c.source != Source::Map && matches!(c.role, Role::Unknown | Role::Duplicate(_)))
    {
        let Some(whole) = c.keys.last() else { continue };
        let hits: Vec<&RememberedMap> = remembered.iter().filter(|m| m.header_key == *whole).collect();
        // Sections that disagree about a header leave it to the user.
        if let Some(first) = hits.first()
            && hits.iter().all(|m| m.target == first.target)
        {
            c.role = match first.target {
                MapTarget::Field(f) => Role::Field(f),
                MapTarget::Ignore => Role::Ignored,
            };
            c.source = Source::Remembered(first.section.clone());
        }
    }
    mark_duplicates(&mut layout.columns);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet::new(
            "Sheet1".into(),
            rows.iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match c.parse::<f64>() {
                            Ok(n) => Cell::Number(n),
                            Err(_) if c.is_empty() => Cell::Empty,
                            Err(_) => Cell::Text(c.to_string()),
                        })
                        .collect()
                })
                .collect(),
            false,
            Vec::new(),
        )
    }

    fn roles(l: &Layout) -> Vec<(String, Role, Option<Basis>)> {
        l.columns.iter().map(|c| (c.header.clone(), c.role, c.basis)).collect()
    }

    #[test]
    fn a_two_row_header_reads_parent_and_child_together() {
        // 「削減効果」 merged over 「算定式」 and 「時間」 (the merge fills both cells of the parent row); 番号 and
        // 所属 merged down over both rows.
        let s = sheet(&[
            &["令和5年度 RPA導入効果（見込み）", "", "", "", ""],
            &["番号", "所属", "業務名", "削減効果", "削減効果"],
            &["番号", "所属", "業務名", "算定式", "時間"],
            &["1", "保育課", "保育料の計算", "5分×100件", "8.3"],
        ]);
        let l = locate(&[s], &[]).unwrap();
        assert_eq!((l.header_first, l.header_last), (1, 2), "the header is rows 2 and 3");
        assert_eq!(
            roles(&l),
            [
                ("番号".into(), Role::RowNumber, None),
                ("所属".into(), Role::Field(Column::Section), None),
                ("業務名".into(), Role::Field(Column::Title), None),
                ("削減効果／算定式".into(), Role::Field(Column::Formula), None),
                ("削減効果／時間".into(), Role::Field(Column::StatedHours), None),
            ]
        );
        assert_eq!(l.title.basis.map(|b| b.0), Some(Basis::Estimate), "見込み in the title");
        assert_eq!(l.title.fiscal_year.map(|y| y.0), Some(FiscalYear(2023)), "令和5年度 in the title");
    }

    #[test]
    fn a_basis_in_a_header_splits_the_figure_columns() {
        let s = sheet(&[
            &["所属", "業務名", "削減時間（見込み）", "削減時間（実績）", "削減時間"],
            &["保育課", "保育料の計算", "10", "8.5", "8.5"],
        ]);
        let l = locate(&[s], &[]).unwrap();
        let r = roles(&l);
        assert_eq!(r[2].1, Role::Field(Column::StatedHours));
        assert_eq!((r[2].2, r[3].2), (Some(Basis::Estimate), Some(Basis::Actual)));
        assert_eq!(r[4].1, Role::Field(Column::StatedHours), "a third, without a basis, is the file's basis");
        assert_eq!(l.figure_bases(), [Some(Basis::Estimate), Some(Basis::Actual), None]);
    }

    #[test]
    fn mappings_name_columns_by_header_or_letter() {
        let s = sheet(&[
            &["課", "業務名", "区分", "効果見込額", "担当者"],
            &["保育課", "保育料の計算", "RPA", "10", "山田"],
        ]);
        let maps = [ColumnMap::parse("効果見込額=削減時間(時間)").unwrap(), ColumnMap::parse("E=無視").unwrap()];
        let l = locate(&[s], &maps).unwrap();
        assert_eq!(l.columns[3].role, Role::Field(Column::StatedHours));
        assert_eq!(l.columns[3].source, Source::Map);
        assert_eq!(l.columns[4].role, Role::Ignored);
        assert!(ColumnMap::parse("効果見込額").is_err(), "a mapping needs =");
        assert!(ColumnMap::parse("効果見込額=金額").unwrap_err().to_string().contains("調査票の項目ではありません"));
    }
}
