//! Importing survey returns: workbook bytes → sheets → the table's layout (header, columns) → the rows read as
//! lines, totals and notes → a plan of changes against the ledger → one transaction. Each step is a function of its
//! own, testable without the next.
//!
//! Rules: a file with any error imports nothing and reports every problem at once; warnings do not block; the
//! same file (by content hash) imported twice changes nothing; rows name initiatives by 管理番号, or — without
//! one — by 課 and 業務名, so a corrected return updates what the first one created instead of duplicating it.
//! Nothing is guessed in silence: every column of the table is listed as mapped or not, a column of figures is
//! never dropped, 小計/合計/注記 rows are never lines (a total is checked against its lines), and the basis and
//! fiscal year the file does not state are reported with where they came from.

mod cell;
mod guard;
pub mod layout;
mod merges;
pub mod org;
mod row;
mod totals;
pub(crate) mod vocabulary;
mod workbook;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;

use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use layout::{ColumnInfo, ColumnMap, Layout, MapTarget, RememberedMap, Role, Source, locate};
pub use row::{Problem, ReturnRow, SkipKind, SkippedRow};
pub use vocabulary::TotalLevel;
pub use workbook::{Cell, Sheet, WorkbookError, number_text, quiet_reader_panics, read_workbook};

use crate::db::{Read, Store};
use crate::error::Result;
use crate::fiscal::{DateStyle, FiscalYear};
use crate::formula::Conversions;
use crate::ledger::{
    Author, Basis, Effect, Evaluated, ImportRecord, Initiative, InitiativeFields, NewImport, Status, StoredColumnMap,
};
use crate::org::{NameView, OrgChart, name_key};
use crate::survey::Column;

/// What the user chose for a file (or a batch): the fiscal year of rows without one, the basis of figures the file
/// gives none for, and column mappings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOptions {
    pub fiscal_year: Option<FiscalYear>,
    pub basis: Option<Basis>,
    pub maps: Vec<ColumnMap>,
    /// The user saw every caution of the file (a move to another section, a rename, another section's 管理番号, a
    /// name already in the section, a second file of the batch on the same initiative) and wants them written: the
    /// CLI's `--confirm`.
    pub confirm: bool,
    /// The cautions the user confirmed, by [`Caution::key`]: a caution that appears later (after another choice, or
    /// against a ledger that changed meanwhile) is not among them and holds the file back again.
    pub confirmed: Vec<String>,
    /// How the report shows dates (a 運用開始日 that changes, when the same file was imported): the person's display
    /// choice. It changes nothing that is imported.
    pub date_style: DateStyle,
}

/// What reading returns needs from the ledger: the organisation, the settings that apply, and the column mappings
/// remembered per section. Loaded once per batch.
pub struct ReadContext {
    pub chart: std::sync::Arc<OrgChart>,
    pub conversions: Conversions,
    /// The ledger's basis for returns that name none (the `import.basis` setting).
    pub setting_basis: Basis,
    /// Remembered mappings by section.
    pub remembered: Vec<(i64, RememberedMap)>,
}

impl ReadContext {
    pub fn load(ledger: &dyn Read) -> Result<Self> {
        let chart = ledger.org_chart()?;
        let settings = ledger.settings()?;
        let remembered = ledger
            .column_maps()?
            .into_iter()
            .filter_map(|m| {
                let target = MapTarget::parse(&m.target)?;
                let section = chart.current_path(m.unit_id);
                Some((m.unit_id, RememberedMap { header_key: m.header_key, target, section }))
            })
            .collect();
        Ok(Self { chart, conversions: settings.conversions(), setting_basis: settings.import_basis, remembered })
    }

    /// The context of an empty ledger (for the fuzzer and tests that read without a store).
    pub fn empty() -> Self {
        Self {
            chart: std::sync::Arc::new(OrgChart::default()),
            conversions: Conversions::default(),
            setting_basis: Basis::Actual,
            remembered: Vec::new(),
        }
    }
}

/// Where the basis of figures without a 算定区分 cell came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BasisSource {
    /// A title row of the file (「令和5年度 … （見込み）」).
    Title,
    /// Chosen for this import (`--basis`, or in the app).
    Option,
    /// The ledger's setting (`import.basis`): the file says nothing, so the app asks.
    Setting,
}

/// The basis lines took because the file gives none of their own, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BasisUse {
    pub basis: String,
    pub source: BasisSource,
    /// A sentence for people: where the basis came from.
    pub reason: String,
    /// How many lines took it.
    pub lines: usize,
}

/// The fiscal year lines took because they have no 年度 cell, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct YearUse {
    pub fiscal_year: i32,
    pub reason: String,
    pub lines: usize,
}

/// What a row does to the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Created => "新規",
            Outcome::Updated => "更新",
            Outcome::Unchanged => "変更なし",
        }
    }
}

/// One field's change, as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What makes a row's change dangerous enough to need the user's explicit confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CautionKind {
    /// The row moves an existing initiative to another section (課).
    Moves,
    /// The row gives an existing initiative another 業務名.
    Renames,
    /// The row's 管理番号 is an initiative of a section the return does not report on.
    OtherSection,
    /// A new line whose 課 already has an initiative of the same 業務名 (it would be registered twice).
    SameName,
    /// An earlier file of the same batch changes the same initiative in the same fiscal year.
    InBatch,
}

impl CautionKind {
    fn slug(self) -> &'static str {
        match self {
            CautionKind::Moves => "moves",
            CautionKind::Renames => "renames",
            CautionKind::OtherSection => "other_section",
            CautionKind::SameName => "same_name",
            CautionKind::InBatch => "in_batch",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CautionKind::Moves => "所属の移動",
            CautionKind::Renames => "業務名の変更",
            CautionKind::OtherSection => "他の課の管理番号",
            CautionKind::SameName => "同名の取組",
            CautionKind::InBatch => "同じ取組を複数のファイルが変更",
        }
    }
}

/// A change the import writes only once the user confirmed it ([`ImportOptions::confirm`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Caution {
    /// What the user confirms: the row, the kind and the initiative (`2:moves:R1-0018`).
    pub key: String,
    /// Excel's row number.
    pub row: usize,
    pub kind: CautionKind,
    /// The initiative it concerns, when it is in the ledger.
    pub ledger_id: Option<String>,
    /// What happens, in words: 「総務部 総務課 → 議会事務局 議事課」.
    pub message: String,
}

impl Caution {
    fn new(row: usize, kind: CautionKind, ledger_id: Option<String>, message: String) -> Self {
        let key = format!("{row}:{}:{}", kind.slug(), ledger_id.as_deref().unwrap_or(""));
        Caution { key, row, kind, ledger_id, message }
    }
}

impl std::fmt::Display for Caution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}行目 {}: {}", self.row, self.kind.label(), self.message)
    }
}

/// What names an initiative within a batch, compactly (a batch of 500 files holds tens of thousands): its id, or
/// its unit and the hash of its 業務名's key. A hash collision can only add a caution, never change a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum BatchKey {
    Id(i64),
    Name(i64, u64),
}

impl BatchKey {
    fn name(unit: i64, title: &str) -> Self {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        name_key(title).hash(&mut h);
        BatchKey::Name(unit, h.finish())
    }
}

/// What the files of a batch change so far: each initiative and fiscal year, with the first file that changes it.
#[derive(Debug, Default)]
pub struct BatchSeen {
    files: Vec<String>,
    keys: HashMap<(i32, BatchKey), usize>,
}

/// Which initiative a row is about (the subject of its changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    Existing(i64),
    /// The n-th new initiative of the file.
    New(usize),
}

/// The plan for one line: a row, or one item of a row that gives several.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowPlan {
    pub row: usize,
    /// The measure of a cell with several, or the basis of a header that splits figures by basis.
    pub item: Option<String>,
    /// The 管理番号, or `None` for an initiative the import will create.
    pub ledger_id: Option<String>,
    pub title: String,
    pub fiscal_year: i32,
    pub basis: Option<String>,
    pub outcome: Outcome,
    pub changes: Vec<FieldChange>,
    #[serde(skip)]
    subject: Option<Subject>,
    /// The version of the existing initiative this plan was made from: a change committed since refuses the file.
    #[serde(skip)]
    planned_version: Option<i64>,
    #[serde(skip)]
    parsed: Option<ReturnRow>,
    #[serde(skip)]
    initiative_changed: bool,
    #[serde(skip)]
    effect_changed: bool,
    #[serde(skip)]
    ocr_changed: bool,
    /// Why the row's AI-OCR figures cannot stand with what the ledger keeps (more corrected than read).
    #[serde(skip)]
    ocr_problem: Option<String>,
    /// What names the initiative within the batch (its id, its 課 and 業務名), to find two files on one.
    #[serde(skip)]
    keys: Vec<BatchKey>,
}

/// Everything known about one file: where its table is, what each row would do, and every problem.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileReport {
    pub file: String,
    pub sha256: String,
    pub sheet: Option<String>,
    /// Excel's row number of the header (its last row when it spans several).
    pub header_row: Option<usize>,
    /// Excel's row number of the header's first row.
    pub header_first_row: Option<usize>,
    /// Every column of the table: what it holds, or why it is not imported.
    pub columns: Vec<ColumnInfo>,
    /// Rows below (or above) the header that are not lines: totals with their check, notes, repeated headers.
    pub skipped: Vec<SkippedRow>,
    /// The basis of lines whose file gives none, and where it came from.
    pub basis: Option<BasisUse>,
    /// The fiscal year of lines without a 年度 cell, and where it came from.
    pub fiscal_year: Option<YearUse>,
    pub rows: Vec<RowPlan>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// Changes written only when confirmed: the file is not imported while one is unconfirmed.
    pub cautions: Vec<Caution>,
    /// Whether every caution is confirmed for this import.
    pub confirmed: bool,
    #[serde(skip)]
    confirm_all: bool,
    #[serde(skip)]
    confirmed_keys: Vec<String>,
    /// The sections (課) the return reports on, as named today: whom to send its errors back to.
    pub sections: Vec<String>,
    #[serde(skip)]
    section_ids: Vec<i64>,
    /// The fiscal year of the file's lines that give none (its title's, or the one chosen): a return with no line
    /// is received for its section in that year.
    #[serde(skip)]
    year: Option<FiscalYear>,
    /// The file names the section it was sent to (a survey file): only that section is received.
    #[serde(skip)]
    addressed: bool,
    /// Set when a file with the same content was imported before: nothing to do.
    pub already_imported: Option<ImportRecord>,
    /// When that was, as shown (`令和6年4月1日 09:00`).
    pub already_imported_at: Option<String>,
    /// Set once the plan was committed.
    pub committed: Option<ImportRecord>,
    /// Column mappings given for this import, remembered for the sections it reports on when it is committed.
    #[serde(skip)]
    remember: Vec<StoredColumnMap>,
    /// How the report shows dates ([`ImportOptions::date_style`]).
    #[serde(skip)]
    date_style: DateStyle,
}

impl FileReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Whether committing would write anything.
    pub fn can_commit(&self) -> bool {
        self.errors.is_empty() && self.already_imported.is_none() && !self.needs_confirmation()
    }

    /// Whether the file has cautions the user has not confirmed.
    pub fn needs_confirmation(&self) -> bool {
        !self.confirm_all && self.cautions.iter().any(|c| !self.confirmed_keys.contains(&c.key))
    }

    /// Keeps [`FileReport::confirmed`] in step with the cautions found so far.
    fn settle(&mut self) {
        self.cautions.sort_by_key(|c| c.row);
        self.confirmed = !self.needs_confirmation();
    }

    /// The section ids the return reports on (see [`FileReport::sections`]).
    pub fn section_ids(&self) -> &[i64] {
        &self.section_ids
    }

    /// Marks every row that changes an initiative an earlier file of the batch changes too (same fiscal year), and
    /// adds this file's to `seen`.
    pub fn check_batch(&mut self, seen: &mut BatchSeen) {
        let mut mine: Vec<(i32, BatchKey)> = Vec::new();
        for plan in self.rows.iter().filter(|p| p.outcome != Outcome::Unchanged) {
            let keys = plan.keys.iter().map(|k| (plan.fiscal_year, *k));
            if let Some(&earlier) = keys.clone().find_map(|k| seen.keys.get(&k)) {
                let earlier = seen.files.get(earlier).map_or("", String::as_str);
                self.cautions.push(Caution::new(
                    plan.row,
                    CautionKind::InBatch,
                    plan.ledger_id.clone(),
                    format!(
                        "「{}」の{}は、同時に取り込む「{earlier}」も変更します。両方を取り込むと、このファイルの内容が後から書き込まれます",
                        plan.title,
                        FiscalYear(plan.fiscal_year).wareki()
                    ),
                ));
            }
            mine.extend(keys);
        }
        self.settle();
        if !mine.is_empty() {
            let index = seen.files.len();
            seen.files.push(self.file.clone());
            for k in mine {
                seen.keys.entry(k).or_insert(index);
            }
        }
    }

    fn empty(file: String, sha256: String) -> Self {
        FileReport {
            file,
            sha256,
            sheet: None,
            header_row: None,
            header_first_row: None,
            columns: Vec::new(),
            skipped: Vec::new(),
            basis: None,
            fiscal_year: None,
            rows: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            cautions: Vec::new(),
            confirmed: false,
            confirm_all: false,
            confirmed_keys: Vec::new(),
            sections: Vec::new(),
            section_ids: Vec::new(),
            year: None,
            addressed: false,
            already_imported: None,
            already_imported_at: None,
            committed: None,
            remember: Vec::new(),
            date_style: DateStyle::default(),
        }
    }

    fn file_problem(&mut self, message: String) {
        self.errors.push(Problem {
            file: self.file.clone(),
            sheet: String::new(),
            row: 0,
            column: String::new(),
            message,
            original: None,
        });
    }
}

/// Hex SHA-256 of the file's bytes: the identity of a return for idempotency.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads, validates and compares one file with the ledger. Writes nothing.
pub fn plan_file(store: &Store, file: &str, bytes: &[u8], options: &ImportOptions) -> Result<FileReport> {
    let context = ReadContext::load(store)?;
    plan_read(store, read_return(file, bytes, &context, options))
}

/// A return read and validated, not yet compared with the ledger: the part of planning that needs only the bytes
/// and the organisation, so files can be read on several threads ([`read_returns`]) while planning stays in order.
pub struct ReadReturn {
    report: FileReport,
    rows: Vec<ReturnRow>,
    /// The sections the lines belong to and the mappings given, to remember on commit.
    remember: Vec<StoredColumnMap>,
}

/// Reads one file: the workbook, its table's layout, every row read and validated against the organisation.
pub fn read_return(file: &str, bytes: &[u8], context: &ReadContext, options: &ImportOptions) -> ReadReturn {
    let mut report = FileReport::empty(file.to_string(), content_hash(bytes));
    report.confirm_all = options.confirm;
    report.confirmed_keys.clone_from(&options.confirmed);
    report.date_style = options.date_style;
    let nothing = |report| ReadReturn { report, rows: Vec::new(), remember: Vec::new() };
    let sheets = match read_workbook(bytes) {
        Ok(s) => s,
        Err(e) => {
            report.file_problem(e.to_string());
            return nothing(report);
        }
    };
    let Some(mut layout) = locate(&sheets, &options.maps) else {
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        report.file_problem(format!(
            "回答の表が見つかりません（シート: {}）。見出し行に「管理番号」「業務名」「部局」「課」などの列名がある調査票を指定してください",
            names.join("、")
        ));
        return nothing(report);
    };
    let sheet = &sheets[layout.sheet];
    layout::refine_by_content(&mut layout, sheet);
    layout::refine_ledger_ids(&mut layout, sheet);
    let chart = &*context.chart;
    // Mappings remembered for the sections this file reports on, for headers this import did not map; the sections
    // are looked up only when there is a mapping to apply or to remember.
    // Whom a survey file was sent to, and for which year (its 記入要領 sheet says so): the file answers for that
    // section, whatever its rows name — a row naming another section's initiative is a caution, and only the
    // addressee is received. A table of the department's own names its sections by its rows.
    let addressed = addressee(&sheets, chart);
    let addressed_year = labelled(&sheets, crate::survey::SURVEY_YEAR_LABEL).and_then(|t| FiscalYear::parse(&t).ok());
    let sections = match addressed {
        Some(a) => vec![a],
        None => row::sections_of(sheet, &layout, chart),
    };
    report.addressed = addressed.is_some();
    report.sections = sections.iter().map(|u| chart.current_path(*u)).collect();
    report.section_ids.clone_from(&sections);
    if !context.remembered.is_empty() {
        let maps: Vec<RememberedMap> =
            context.remembered.iter().filter(|(u, _)| sections.contains(u)).map(|(_, m)| m.clone()).collect();
        layout::apply_remembered(&mut layout, &maps);
    }
    for m in options.maps.iter().filter(|m| !m.names_any(&layout.columns)) {
        report.warnings.push(file_warning(
            file,
            &sheet.name,
            format!(
                "列の対応「{}={}」に当たる列がありません（見出しか列の記号を確かめてください）",
                m.column,
                m.target.label()
            ),
        ));
    }
    report.sheet = Some(sheet.name.clone());
    report.header_row = Some(layout.header_row());
    report.header_first_row = Some(layout.header_first + 1);

    // The basis and fiscal year of lines that give none: the title's, else what the user chose, else the setting.
    // The basis and the fiscal year of rows that give none: what the file's title says, else what the user chose
    // (like --fy, --basis is for what the file leaves open), else the ledger's setting; a choice the title
    // contradicts is named in a warning.
    let (basis, basis_source, basis_reason) = match (&layout.title.basis, options.basis) {
        (Some((b, text)), chosen) => {
            if let Some(c) = chosen.filter(|c| c != b) {
                report.warnings.push(file_warning(
                    file,
                    &sheet.name,
                    format!("表題「{text}」のとおり{}で読みます（指定の算定区分は{}）", b.label(), c.label()),
                ));
            }
            (*b, BasisSource::Title, format!("表題「{text}」から"))
        }
        (None, Some(chosen)) => (chosen, BasisSource::Option, "取込時に指定された算定区分".to_string()),
        (None, None) => (
            context.setting_basis,
            BasisSource::Setting,
            "回答に算定区分の記載がないため、台帳の設定（取込時の算定区分）を使います".to_string(),
        ),
    };
    let (fiscal_year, year_reason) = match (&layout.title.fiscal_year, addressed_year, options.fiscal_year) {
        (Some((fy, text)), _, given) => {
            if let Some(g) = given.filter(|g| g != fy) {
                report.warnings.push(file_warning(
                    file,
                    &sheet.name,
                    format!(
                        "表題「{text}」の{}で読みます（指定の年度は{}）。年度の欄がある行はその年度です",
                        fy.wareki(),
                        g.wareki()
                    ),
                ));
            }
            (Some(*fy), format!("表題「{text}」から"))
        }
        (None, Some(fy), given) => {
            if let Some(g) = given.filter(|g| *g != fy) {
                report.warnings.push(file_warning(
                    file,
                    &sheet.name,
                    format!(
                        "調査票の「{}」のとおり{}で読みます（指定の年度は{}）。年度の欄がある行はその年度です",
                        crate::survey::SURVEY_YEAR_LABEL,
                        fy.wareki(),
                        g.wareki()
                    ),
                ));
            }
            (Some(fy), format!("調査票の「{}」から", crate::survey::SURVEY_YEAR_LABEL))
        }
        (None, None, Some(g)) => (Some(g), "取込時に指定された年度".to_string()),
        (None, None, None) => (None, String::new()),
    };
    report.year = fiscal_year;
    let body_options = row::BodyOptions { file, chart, fiscal_year, basis, conversions: context.conversions };
    let body = row::read_body(&body_options, sheet, &layout);
    let basis_lines = body.rows.iter().filter(|r| r.default_basis && r.effect.is_some()).count();
    if basis_lines > 0 {
        report.basis = Some(BasisUse {
            basis: basis.label().to_string(),
            source: basis_source,
            reason: basis_reason,
            lines: basis_lines,
        });
    }
    let year_lines = body.rows.iter().filter(|r| r.default_year).count();
    if let (Some(fy), true) = (fiscal_year, year_lines > 0) {
        report.fiscal_year = Some(YearUse { fiscal_year: fy.0, reason: year_reason, lines: year_lines });
    }
    report.errors.extend(body.errors);
    report.warnings.extend(body.warnings);
    report.skipped = body.skipped;
    report.skipped.sort_by_key(|s| s.row);
    // Mappings given for this import are remembered for each section it reports on.
    let remember = layout
        .columns
        .iter()
        .filter(|c| c.source == Source::Map)
        .filter_map(|c| {
            let target = match c.role {
                Role::Field(f) => f.title(),
                Role::Ignored => MapTarget::Ignore.label(),
                _ => return None,
            };
            Some((c.keys.last()?.clone(), c.header.clone(), target))
        })
        .flat_map(|(key, header, target)| {
            sections.iter().map(move |u| StoredColumnMap {
                unit_id: *u,
                header_key: key.clone(),
                header: header.clone(),
                target: target.to_string(),
            })
        })
        .collect();
    for c in layout.columns.iter_mut() {
        c.figures = body.figure_columns.contains(&c.index);
        if body.numbered_columns.contains(&c.index) {
            c.role = Role::RowNumber;
            c.source = Source::Values;
        }
    }
    report.columns = layout.columns;
    ReadReturn { report, rows: body.rows, remember }
}

/// The text beside a label cell anywhere in the workbook (the instructions sheet's 「回答する所属」「調査の年度」).
fn labelled(sheets: &[Sheet], label: &str) -> Option<String> {
    sheets.iter().flat_map(|s| s.rows.iter()).find_map(|r| {
        let at = r.iter().position(|c| matches!(c, Cell::Text(t) if t.trim() == label))?;
        r.iter().skip(at + 1).map(|c| c.display().trim().to_string()).find(|t| !t.is_empty())
    })
}

/// The section a survey file was sent to, from the instructions sheet's 「回答する所属」 row.
fn addressee(sheets: &[Sheet], chart: &OrgChart) -> Option<i64> {
    let path = labelled(sheets, crate::survey::ADDRESSEE_LABEL)?;
    match chart.find_path(&crate::org::split_path(&path), None) {
        crate::org::Resolution::Found(id) => Some(
            chart
                .ancestor_at(id, crate::org::Level::Section)
                .or_else(|| chart.ancestor_at(id, crate::org::Level::Bureau))
                .map_or(id, |u| u.id),
        ),
        _ => None,
    }
}

fn file_warning(file: &str, sheet: &str, message: String) -> Problem {
    Problem { file: file.to_string(), sheet: sheet.to_string(), row: 0, column: String::new(), message, original: None }
}

/// Reads many files on up to `threads` threads (the machine's cores when `None`) and hands each result to `each` in
/// the order given, on the calling thread. `names` are the files as reports name them; `read(i)` returns the bytes of
/// the `i`th (or why it could not be read) and runs on the worker threads; `options(i)` is what the user chose for it.
/// The workers read ahead while `each` plans and commits, at most a few files beyond the one `each` has, so memory
/// holds a handful of workbooks, not the batch; `each` returning `Break` (a cancel button) stops the workers before
/// they take another file.
pub fn read_returns<E: Send>(
    names: &[String],
    read: impl Fn(usize) -> std::result::Result<Vec<u8>, E> + Sync,
    context: &ReadContext,
    options: impl Fn(usize) -> ImportOptions + Sync,
    threads: Option<usize>,
    mut each: impl FnMut(usize, std::result::Result<ReadReturn, E>) -> std::result::Result<ControlFlow<()>, E>,
) -> std::result::Result<(), E> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, MutexGuard};

    /// Results read but not yet handed on, and how many were handed on.
    struct Ahead<T> {
        done: std::collections::BTreeMap<usize, T>,
        handed: usize,
    }
    /// Wakes the consumer when a worker unwinds, so a panic ends the scope instead of leaving it waiting.
    struct Unwind<'a>(&'a AtomicBool, &'a Condvar);
    impl Drop for Unwind<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.store(true, Ordering::SeqCst);
                self.1.notify_all();
            }
        }
    }
    fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let window = threads * 4;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let died = AtomicBool::new(false);
    let ahead: Mutex<Ahead<std::result::Result<ReadReturn, E>>> =
        Mutex::new(Ahead { done: std::collections::BTreeMap::new(), handed: 0 });
    let (ready, room) = (Condvar::new(), Condvar::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(names.len()) {
            scope.spawn(|| {
                let _unwind = Unwind(&died, &ready);
                loop {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(name) = names.get(i) else { break };
                    {
                        let mut a = lock(&ahead);
                        while i >= a.handed + window && !stop.load(Ordering::SeqCst) {
                            a = room.wait(a).unwrap_or_else(std::sync::PoisonError::into_inner);
                        }
                    }
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let result = read(i).map(|bytes| read_return(name, &bytes, context, &options(i)));
                    lock(&ahead).done.insert(i, result);
                    ready.notify_all();
                }
            });
        }
        let mut outcome = Ok(());
        for i in 0..names.len() {
            let result = {
                let mut a = lock(&ahead);
                loop {
                    if let Some(r) = a.done.remove(&i) {
                        a.handed = i + 1;
                        break Some(r);
                    }
                    if died.load(Ordering::SeqCst) {
                        break None;
                    }
                    a = ready.wait(a).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            };
            room.notify_all();
            let Some(result) = result else { break };
            match each(i, result) {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(())) => break,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        stop.store(true, Ordering::SeqCst);
        room.notify_all();
        outcome
    })
}

/// Compares a read return with the ledger: what each row creates, updates or leaves unchanged. Writes nothing.
pub fn plan_read(ledger: &dyn Read, read: ReadReturn) -> Result<FileReport> {
    let ReadReturn { mut report, rows, remember } = read;
    report.remember = remember;
    if let Some(previous) = ledger.import_by_hash(&report.sha256)? {
        return Ok(FileReport {
            already_imported_at: Some(report.date_style.moment(&previous.at)),
            already_imported: Some(previous),
            date_style: report.date_style,
            ..FileReport::empty(report.file, report.sha256)
        });
    }
    if report.sheet.is_none() {
        return Ok(report);
    }
    let chart = ledger.org_chart()?;
    let planner = Planner { ledger, chart: &chart, in_unit: RefCell::default(), date_style: report.date_style };
    planner.plan(&mut report, rows)?;
    // Row order, whichever step found the problem.
    report.errors.sort_by_key(|p| p.row);
    report.warnings.sort_by_key(|p| p.row);
    report.settle();
    Ok(report)
}

/// The ledger as the planner needs it: looked up row by row through the indexes (by 管理番号, by 課), so planning
/// a file costs the same in a ledger of 100 initiatives as in one of 100,000.
struct Planner<'a> {
    ledger: &'a dyn Read,
    chart: &'a OrgChart,
    /// The initiatives of each 課 a row named, loaded once per file.
    in_unit: RefCell<HashMap<i64, Vec<Initiative>>>,
    /// How the changes show a date.
    date_style: DateStyle,
}

fn opt_text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn decimal_text(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

impl<'a> Planner<'a> {
    fn by_ledger_id(&self, ledger_id: &str) -> Result<Option<Initiative>> {
        match self.ledger.initiative_by_ledger_id(ledger_id) {
            Ok(i) => Ok(Some(i)),
            Err(crate::Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn by_unit_title(&self, unit_id: i64, title_key: &str) -> Result<Option<Initiative>> {
        let mut cache = self.in_unit.borrow_mut();
        let list = match cache.entry(unit_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(self.ledger.initiatives_of_unit(unit_id)?),
        };
        Ok(list.iter().find(|i| name_key(&i.title) == title_key).cloned())
    }

    fn unit_text(&self, id: i64, fy: FiscalYear) -> String {
        self.chart.path(id, fy, NameView::AsReported)
    }

    /// The section (課, or the 部局 of a unit directly under one) of a unit, followed to the unit that carries it on.
    fn section_of(&self, unit_id: i64) -> i64 {
        self.chart.current_section(unit_id)
    }

    /// An initiative of the same section as `unit_id` (in any of its 係) whose 業務名 reads as `title_key`.
    fn same_name_in_section(&self, unit_id: i64, title_key: &str) -> Result<Option<Initiative>> {
        for &unit in self.chart.units_of_section(self.section_of(unit_id)) {
            if let Some(i) = self.by_unit_title(unit, title_key)? {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    fn plan(&self, report: &mut FileReport, rows: Vec<ReturnRow>) -> Result<()> {
        let mut new_keys: Vec<(i64, String)> = Vec::new();
        // The rows giving an AI-OCR measure, by initiative and year: a second one would overwrite the first.
        let mut ocr_rows: Vec<(Subject, FiscalYear, usize)> = Vec::new();
        let file_sections: Vec<i64> = report.section_ids.iter().map(|s| self.section_of(*s)).collect();
        for row in rows {
            let title_key = row.title.as_deref().map(name_key);
            let existing = match &row.ledger_id {
                Some(id) => match self.by_ledger_id(id)? {
                    Some(i) => Some(i),
                    None => {
                        report.errors.push(Problem {
                            file: report.file.clone(),
                            sheet: report.sheet.clone().unwrap_or_default(),
                            row: row.row,
                            column: "管理番号".into(),
                            message: format!(
                                "管理番号「{id}」の取組は台帳にありません。新しい取組なら管理番号を空欄にしてください"
                            ),
                            original: Some(id.clone()),
                        });
                        continue;
                    }
                },
                None => {
                    let key = title_key.clone().unwrap_or_default();
                    match row.unit_id {
                        Some(unit) => self.by_unit_title(unit, &key)?,
                        None => None,
                    }
                }
            };
            let plan = match existing {
                Some(i) => {
                    if row.ocr.is_some() && row.kind.is_none() && !i.kind.reads_forms() {
                        report.errors.push(Problem {
                            file: report.file.clone(),
                            sheet: report.sheet.clone().unwrap_or_default(),
                            row: row.row,
                            column: Column::Sheets.title().into(),
                            message: format!(
                                "管理番号 {} は区分が「{}」のため、AI-OCR の読取実績は記入できません（AI-OCR、RPA+AI-OCR の取組だけです）",
                                i.ledger_id,
                                i.kind.label()
                            ),
                            original: None,
                        });
                        continue;
                    }
                    let plan = self.plan_existing(&i, row)?;
                    if let Some(problem) = &plan.ocr_problem {
                        // Checked here, against what the ledger keeps, so the import never fails halfway.
                        report.errors.push(Problem {
                            file: report.file.clone(),
                            sheet: report.sheet.clone().unwrap_or_default(),
                            row: plan.row,
                            column: Column::CharsCorrected.title().into(),
                            message: format!(
                                "{problem}（台帳の{}の値と合わせた結果）",
                                FiscalYear(plan.fiscal_year).wareki()
                            ),
                            original: None,
                        });
                        continue;
                    }
                    if plan.outcome != Outcome::Unchanged {
                        self.cautions_of_existing(&i, &plan, &file_sections, &mut report.cautions);
                    }
                    plan
                }
                None => {
                    if let (Some(unit), Some(key)) = (row.unit_id, title_key.as_deref())
                        && let Some(same) = self.same_name_in_section(unit, key)?
                    {
                        report.cautions.push(Caution::new(
                            row.row,
                            CautionKind::SameName,
                            Some(same.ledger_id.clone()),
                            format!(
                                "{}には同じ業務名の取組「{}」（管理番号 {}、{}）があります。同じ取組なら管理番号を記入してください。別の取組として登録するには確認が必要です",
                                self.chart.current_path(self.section_of(unit)),
                                same.title,
                                same.ledger_id,
                                self.chart.current_path(same.unit_id)
                            ),
                        ));
                    }
                    let key = (row.unit_id.unwrap_or(0), title_key.unwrap_or_default());
                    let n = match new_keys.iter().position(|k| *k == key) {
                        Some(n) => n,
                        None => {
                            new_keys.push(key);
                            new_keys.len() - 1
                        }
                    };
                    self.plan_new(n, row)
                }
            };
            if plan.parsed.as_ref().is_some_and(|r| r.ocr.is_some())
                && let Some(subject) = plan.subject
            {
                let fy = FiscalYear(plan.fiscal_year);
                let earlier = ocr_rows.iter().find(|(s, y, r)| *s == subject && *y == fy && *r != plan.row);
                if let Some((_, _, earlier)) = earlier {
                    report.errors.push(Problem {
                        file: report.file.clone(),
                        sheet: report.sheet.clone().unwrap_or_default(),
                        row: plan.row,
                        column: Column::Sheets.title().into(),
                        message: format!(
                            "同じ取組の{}の AI-OCR 読取実績が{earlier}行目にもあります。1つの行にまとめてください",
                            fy.wareki()
                        ),
                        original: None,
                    });
                } else if !ocr_rows.iter().any(|(s, y, _)| *s == subject && *y == fy) {
                    ocr_rows.push((subject, fy, plan.row));
                }
            }
            report.rows.push(plan);
        }
        Ok(())
    }

    fn plan_new(&self, n: usize, row: ReturnRow) -> RowPlan {
        let mut changes = Vec::new();
        let mut push = |field: &str, after: String| {
            if !after.is_empty() {
                changes.push(FieldChange { field: field.into(), before: String::new(), after });
            }
        };
        push(Column::Kind.title(), row.kind.map(|k| k.label().to_string()).unwrap_or_default());
        push(Column::Title.title(), opt_text(&row.title));
        push("所属", row.unit_id.map(|u| self.unit_text(u, row.fiscal_year)).unwrap_or_default());
        push(Column::Tool.title(), opt_text(&row.tool));
        push(Column::Status.title(), row.status.map(|s| s.label().to_string()).unwrap_or_default());
        push(Column::Scenarios.title(), row.scenarios.map(|n| n.to_string()).unwrap_or_default());
        push(Column::StartDate.title(), row.started_on.map(|d| self.date_style.date(d)).unwrap_or_default());
        match &row.effect {
            Some(e) => push(&effect_label(e.fiscal_year, e.basis), effect_text(e)),
            // Without a figure, 備考 is the initiative's own note (as for an existing initiative).
            None => push(Column::Note.title(), opt_text(&row.note)),
        }
        if let Some(o) = &row.ocr {
            push(&ocr_label(row.fiscal_year), ocr_text(&o.over(0, row.fiscal_year, None)));
        }
        RowPlan {
            row: row.row,
            item: row.item.clone(),
            ledger_id: None,
            title: opt_text(&row.title),
            fiscal_year: row.fiscal_year.0,
            basis: row.effect.as_ref().map(|e| e.basis.label().to_string()),
            outcome: Outcome::Created,
            changes,
            subject: Some(Subject::New(n)),
            planned_version: None,
            initiative_changed: true,
            effect_changed: row.effect.is_some(),
            ocr_changed: row.ocr.is_some(),
            ocr_problem: None,
            keys: vec![BatchKey::name(row.unit_id.unwrap_or(0), &opt_text(&row.title))],
            parsed: Some(row),
        }
    }

    /// Why a change to an existing initiative needs confirming: it moves it to another section, renames it, or the
    /// return reports on other sections than the initiative's.
    fn cautions_of_existing(&self, i: &Initiative, plan: &RowPlan, file_sections: &[i64], out: &mut Vec<Caution>) {
        let Some(row) = plan.parsed.as_ref() else { return };
        let fy = row.fiscal_year;
        let mut push = |kind, message| {
            out.push(Caution::new(row.row, kind, Some(i.ledger_id.clone()), message));
        };
        let from = self.section_of(i.unit_id);
        if let Some(to) = row.unit_id
            && self.section_of(to) != from
        {
            push(
                CautionKind::Moves,
                format!(
                    "管理番号 {}「{}」の所属が {} → {} に変わります",
                    i.ledger_id,
                    i.title,
                    self.unit_text(i.unit_id, fy),
                    self.unit_text(to, fy)
                ),
            );
        }
        if let Some(title) = row.title.as_deref()
            && name_key(title) != name_key(&i.title)
        {
            push(
                CautionKind::Renames,
                format!("管理番号 {} の業務名が「{}」→「{title}」に変わります", i.ledger_id, i.title),
            );
        }
        if !file_sections.is_empty() && !file_sections.contains(&from) {
            let named: Vec<String> = file_sections.iter().map(|s| self.chart.current_path(*s)).collect();
            push(
                CautionKind::OtherSection,
                format!(
                    "この回答は{}の回答ですが、管理番号 {}「{}」は{}の取組です。管理番号の書き間違いでないか確かめてください",
                    named.join("・"),
                    i.ledger_id,
                    i.title,
                    self.chart.current_path(from)
                ),
            );
        }
    }

    fn plan_existing(&self, i: &Initiative, row: ReturnRow) -> Result<RowPlan> {
        let mut changes = Vec::new();
        let mut diff = |field: &str, before: String, after: Option<String>| {
            if let Some(after) = after
                && after != before
            {
                changes.push(FieldChange { field: field.into(), before, after });
            }
        };
        let fy = row.fiscal_year;
        diff(Column::Kind.title(), i.kind.label().into(), row.kind.map(|k| k.label().into()));
        diff(Column::Title.title(), i.title.clone(), row.title.clone());
        diff("所属", self.unit_text(i.unit_id, fy), row.unit_id.map(|u| self.unit_text(u, fy)));
        diff(Column::Tool.title(), opt_text(&i.tool), row.tool.clone());
        diff(Column::Status.title(), i.status.label().into(), row.status.map(|s| s.label().into()));
        diff(
            Column::Scenarios.title(),
            i.scenario_count.map(|n| n.to_string()).unwrap_or_default(),
            row.scenarios.map(|n| n.to_string()),
        );
        diff(
            Column::StartDate.title(),
            i.started_on.map(|d| self.date_style.date(d)).unwrap_or_default(),
            row.started_on.map(|d| self.date_style.date(d)),
        );
        if row.effect.is_none() {
            diff(Column::Note.title(), opt_text(&i.notes), row.note.clone());
        }
        let initiative_changed = !changes.is_empty();
        let mut effect_changed = false;
        if let Some(new) = &row.effect {
            let existing = self
                .ledger
                .effects_of(i.id)?
                .into_iter()
                .find(|e| e.fiscal_year == new.fiscal_year && e.basis == new.basis);
            let before_count = changes.len();
            match existing {
                None => changes.push(FieldChange {
                    field: effect_label(new.fiscal_year, new.basis),
                    before: String::new(),
                    after: effect_text(new),
                }),
                Some(old) => effect_diff(&old, new, &mut changes),
            }
            effect_changed = changes.len() > before_count;
        }
        let mut ocr_changed = false;
        let mut ocr_problem = None;
        if let Some(o) = &row.ocr {
            let before = self.ledger.ocr_measures_of(i.id)?.into_iter().find(|m| m.fiscal_year == fy);
            let after = o.over(i.id, fy, before.as_ref());
            if let Some(problem) = after.problem() {
                ocr_problem = Some(problem);
            } else if before.as_ref() != Some(&after) {
                ocr_changed = true;
                changes.push(FieldChange {
                    field: ocr_label(fy),
                    before: before.as_ref().map(ocr_text).unwrap_or_default(),
                    after: ocr_text(&after),
                });
            }
        }
        Ok(RowPlan {
            row: row.row,
            item: row.item.clone(),
            ledger_id: Some(i.ledger_id.clone()),
            title: i.title.clone(),
            fiscal_year: fy.0,
            basis: row.effect.as_ref().map(|e| e.basis.label().to_string()),
            outcome: if changes.is_empty() { Outcome::Unchanged } else { Outcome::Updated },
            changes,
            subject: Some(Subject::Existing(i.id)),
            planned_version: Some(i.version),
            initiative_changed,
            effect_changed,
            ocr_changed,
            ocr_problem,
            keys: vec![
                BatchKey::Id(i.id),
                BatchKey::name(i.unit_id, &i.title),
                BatchKey::name(row.unit_id.unwrap_or(i.unit_id), row.title.as_deref().unwrap_or(&i.title)),
            ],
            parsed: Some(row),
        })
    }
}

fn ocr_label(fy: FiscalYear) -> String {
    format!("AI-OCR読取実績（{}）", fy.wareki())
}

/// An AI-OCR measure in a few words: `保育所入所申込書 1,200枚・読取 240,000字・修正 1,800字（正読率 99.25%）・修正 600分`.
fn ocr_text(m: &crate::ledger::OcrMeasure) -> String {
    use crate::number::group_thousands;
    let mut parts = Vec::new();
    if let Some(f) = &m.form_type {
        parts.push(f.clone());
    }
    if let Some(n) = m.sheets {
        parts.push(format!("{}枚", group_thousands(Decimal::from(n), 0)));
    }
    if let Some(n) = m.chars_read {
        parts.push(format!("読取 {}字", group_thousands(Decimal::from(n), 0)));
    }
    if let Some(n) = m.chars_corrected {
        let rate = m
            .accuracy()
            .map_or(String::new(), |a| format!("（正読率 {}%）", (a * Decimal::from(100)).round_dp(2).normalize()));
        parts.push(format!("修正 {}字{rate}", group_thousands(Decimal::from(n), 0)));
    }
    if let Some(d) = m.correction_minutes {
        parts.push(format!("修正 {}分", d.normalize()));
    }
    parts.join("・")
}

fn effect_label(fy: FiscalYear, basis: Basis) -> String {
    format!("効果（{}・{}）", fy.wareki(), basis.label())
}

/// A new effect in a few words: its formula (structured inputs read as the canonical formula they stand for:
/// `（30分－5分）×2,450件`) and stated hours.
fn effect_text(e: &Evaluated) -> String {
    let formula = e.formula.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    match e.stated_hours {
        Some(h) if formula.is_empty() => format!("{}時間", h.normalize()),
        Some(h) => format!("{formula}（申告 {}時間）", h.normalize()),
        None => formula,
    }
}

fn effect_diff(old: &Effect, new: &Evaluated, changes: &mut Vec<FieldChange>) {
    // A formula as typed; structured inputs are compared field by field instead.
    let formula = match (&new.structured, &new.formula) {
        (None, Some(f)) => Some(f.text.trim().to_string()),
        _ => None,
    };
    let mut diff = |field: &str, before: String, after: String| {
        if before != after {
            changes.push(FieldChange { field: field.into(), before, after });
        }
    };
    let old_typed = if old.structured.is_some() { None } else { old.formula.clone() };
    diff(Column::Formula.title(), opt_text(&old_typed), opt_text(&formula));
    let s_old = old.structured.clone().unwrap_or_default();
    let s_new = new.structured.as_deref().cloned().unwrap_or_default();
    let pairs: [(Column, Option<Decimal>, Option<Decimal>); 5] = [
        (Column::BeforeMinutes, s_old.before_minutes, s_new.before_minutes),
        (Column::AfterMinutes, s_old.after_minutes, s_new.after_minutes),
        (Column::SavedMinutes, s_old.saved_minutes, s_new.saved_minutes),
        (Column::Count, s_old.count, s_new.count),
        (Column::Days, s_old.days, s_new.days),
    ];
    for (c, a, b) in pairs {
        diff(c.title(), decimal_text(a), decimal_text(b));
    }
    diff(Column::StatedHours.title(), decimal_text(old.stated_hours), decimal_text(new.stated_hours));
    diff(Column::Note.title(), opt_text(&old.note), opt_text(&new.note));
}

/// The status a new initiative gets when the row leaves 状況 empty: what its figure implies.
fn implied_status(row: &ReturnRow) -> Status {
    match row.effect.as_ref().map(|e| e.basis) {
        Some(Basis::Actual) => Status::Operating,
        Some(Basis::Trial) => Status::Trial,
        _ => Status::Considering,
    }
}

/// Commits a plan in one transaction with its import record. Refuses a plan with errors.
pub fn commit(store: &mut Store, author: &Author, report: &FileReport) -> Result<ImportRecord> {
    if !report.errors.is_empty() {
        return Err(crate::Error::Invalid(format!(
            "{} にはエラーが {} 件あるため取り込みません",
            report.file,
            report.errors.len()
        )));
    }
    if report.needs_confirmation() {
        return Err(crate::Error::Invalid(format!(
            "{} には確認が必要な変更が {} 件あります。内容を確かめてから確認のうえ取り込んでください",
            report.file,
            report.cautions.len()
        )));
    }
    if let Some(previous) = &report.already_imported {
        return Ok(previous.clone());
    }
    store.write(author, |tx| {
        // Another person may have committed the same file since it was checked (a shared ledger).
        if let Some(previous) = tx.import_by_hash(&report.sha256)? {
            return Err(crate::Error::Conflict(format!(
                "{} は {} に {} が取り込み済みです（取り込み直しません）",
                report.file, previous.at, previous.actor
            )));
        }
        // The lines that write, in the file's order. Each step below writes all of them at once (a server gets a few
        // statements per file, not several round trips per line), in the order the lines give.
        let lines: Vec<(&RowPlan, &ReturnRow, Subject)> =
            report.rows.iter().filter_map(|plan| Some((plan, plan.parsed.as_ref()?, plan.subject?))).collect();
        // Initiatives the file names, read in one go and held before anything of theirs is written (see
        // `Write::hold_initiatives`: a form saving a figure of one of them waits instead of deadlocking).
        let named: Vec<i64> = lines
            .iter()
            .filter_map(|(_, _, s)| match s {
                Subject::Existing(id) => Some(*id),
                Subject::New(_) => None,
            })
            .collect();
        let mut existing: HashMap<i64, Initiative> =
            tx.hold_initiatives(&named)?.into_iter().map(|i| (i.id, i)).collect();
        // Each line's initiative: an existing one, changed from the version the plan was made from (a colleague's
        // change committed since the file was checked is a conflict: the file is not written, nothing overwritten),
        // or the n-th new one the file adds (`New(n)`; a later line naming it again writes to the same one).
        enum Target {
            Known(Initiative),
            New(usize),
        }
        let mut new_fields: Vec<InitiativeFields> = Vec::new();
        let mut targets: Vec<Target> = Vec::with_capacity(lines.len());
        for (plan, row, subject) in &lines {
            targets.push(match *subject {
                Subject::Existing(id) => {
                    let i = existing.get(&id).cloned().ok_or_else(|| {
                        // Deleted by someone since the file was checked: nothing of the file is written.
                        crate::Error::Conflict(format!(
                            "{} の {}行目の取組 {} は、ファイルの確認後に削除されています。もう一度確認してから取り込んでください",
                            report.file,
                            plan.row,
                            plan.ledger_id.as_deref().unwrap_or_default()
                        ))
                    })?;
                    if plan.initiative_changed {
                        let version = plan.planned_version.or(Some(i.version));
                        let after = tx.update_initiative(id, &merged_fields(&i, row), None, version)?;
                        existing.insert(id, after.clone());
                        Target::Known(after)
                    } else {
                        Target::Known(i)
                    }
                }
                Subject::New(n) if n < new_fields.len() => Target::New(n),
                Subject::New(_) => {
                    // Numbered in the line's own fiscal year.
                    new_fields.push(InitiativeFields {
                        ledger_id: None,
                        numbered_in: Some(row.fiscal_year),
                        kind: row.kind.unwrap_or(crate::ledger::Kind::Other),
                        title: opt_text(&row.title),
                        unit_id: row.unit_id.unwrap_or(0),
                        tool: row.tool.clone(),
                        vendor: None,
                        status: row.status.unwrap_or_else(|| implied_status(row)),
                        started_on: row.started_on,
                        scenario_count: row.scenarios,
                        owner: None,
                        notes: if row.effect.is_none() { row.note.clone() } else { None },
                    });
                    Target::New(new_fields.len() - 1)
                }
            });
        }
        let created = tx.add_initiatives(&new_fields)?;
        let written: Vec<&Initiative> = targets
            .iter()
            .map(|t| match t {
                Target::Known(i) => i,
                Target::New(n) => &created[*n],
            })
            .collect();
        let effects: Vec<(i64, &Evaluated)> = lines
            .iter()
            .zip(&written)
            .filter(|((plan, _, _), _)| plan.effect_changed)
            .filter_map(|((_, row, _), i)| Some((i.id, row.effect.as_ref()?)))
            .collect();
        tx.set_effects(&effects)?;
        let mut units: Vec<(i64, FiscalYear)> = Vec::with_capacity(lines.len());
        for ((plan, row, _), initiative) in lines.iter().zip(&written) {
            if plan.ocr_changed
                && let Some(o) = &row.ocr
            {
                let before = tx.ocr_measures_of(initiative.id)?.into_iter().find(|m| m.fiscal_year == row.fiscal_year);
                tx.set_ocr_measure(&o.over(initiative.id, row.fiscal_year, before.as_ref()))?;
            }
            units.push((row.unit_id.unwrap_or(initiative.unit_id), row.fiscal_year));
        }
        for m in &report.remember {
            tx.remember_column_map(m)?;
        }
        if report.addressed {
            // A survey file answers for the section it was sent to, in each year its lines give (or its own year
            // when it has no line), whatever units its rows name.
            let mut years: Vec<FiscalYear> = units.iter().map(|(_, fy)| *fy).chain(report.year).collect();
            years.sort_unstable();
            years.dedup();
            units = years.into_iter().flat_map(|fy| report.section_ids.iter().map(move |s| (*s, fy))).collect();
        } else if units.is_empty()
            && let Some(fy) = report.year
        {
            units.extend(report.section_ids.iter().map(|s| (*s, fy)));
        }
        // One (unit, year) per pair however many lines name it: the import's units are a set.
        units.sort_unstable();
        units.dedup();
        receive_returns(tx, &units, &report.file)?;
        let warnings: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
        tx.record_import(&NewImport {
            file_name: &report.file,
            sha256: &report.sha256,
            created: report.count(Outcome::Created),
            updated: report.count(Outcome::Updated),
            unchanged: report.count(Outcome::Unchanged),
            warnings: &warnings,
            units: &units,
        })
    })
}

/// A committed return is received (受付) for each section it reported for, in each year with a survey: a section
/// that had not answered, or was sent back, or sends a newer file. One already being checked or confirmed stays so.
fn receive_returns(tx: &mut dyn crate::db::Write, units: &[(i64, FiscalYear)], file: &str) -> Result<()> {
    use crate::ledger::ReturnState;
    let on = tx.author().at.date_naive();
    let mut years: Vec<FiscalYear> = units.iter().map(|(_, fy)| *fy).collect();
    years.sort_unstable();
    years.dedup();
    // Most imports happen without a survey of their year: the organisation is read only when one is open.
    let mut chart = None;
    for fy in years {
        if tx.campaign(fy)?.is_none() {
            continue;
        }
        let chart = match &chart {
            Some(c) => std::sync::Arc::clone(c),
            None => chart.insert(tx.org_chart()?).clone(),
        };
        let returns = tx.section_returns(fy)?;
        let mut sections: Vec<i64> = units
            .iter()
            .filter(|(_, y)| *y == fy)
            .filter_map(|(u, _)| chart.ancestor_at(*u, crate::org::Level::Section).map(|s| s.id))
            .collect();
        sections.sort_unstable();
        sections.dedup();
        for r in returns.into_iter().filter(|r| sections.contains(&r.section_id)) {
            if matches!(r.state, ReturnState::Missing | ReturnState::SentBack | ReturnState::Received) {
                tx.set_section_return(&crate::ledger::SectionReturn {
                    state: ReturnState::Received,
                    received_on: Some(on),
                    file_name: Some(file.to_string()),
                    reasons: None,
                    ..r
                })?;
            }
        }
    }
    Ok(())
}

/// The initiative's fields with the row's non-empty cells applied.
fn merged_fields(i: &Initiative, row: &ReturnRow) -> InitiativeFields {
    InitiativeFields {
        ledger_id: Some(i.ledger_id.clone()),
        numbered_in: None,
        kind: row.kind.unwrap_or(i.kind),
        title: row.title.clone().unwrap_or_else(|| i.title.clone()),
        unit_id: row.unit_id.unwrap_or(i.unit_id),
        tool: row.tool.clone().or_else(|| i.tool.clone()),
        vendor: i.vendor.clone(),
        status: row.status.unwrap_or(i.status),
        started_on: row.started_on.or(i.started_on),
        scenario_count: row.scenarios.or(i.scenario_count),
        owner: i.owner.clone(),
        notes: if row.effect.is_none() { row.note.clone().or_else(|| i.notes.clone()) } else { i.notes.clone() },
    }
}
