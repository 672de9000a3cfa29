//! Importing survey returns: workbook bytes → sheets → header → validated rows → a plan of changes against the
//! ledger → one transaction. Each step is a function of its own, testable without the next.
//!
//! Rules: a file with any error imports nothing and reports every problem at once; warnings do not block; the
//! same file (by content hash) imported twice changes nothing; rows name initiatives by 管理番号, or — without
//! one — by 課 and 業務名, so a corrected return updates what the first one created instead of duplicating it.

mod guard;
mod header;
pub mod org;
mod row;
mod workbook;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;

use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use header::{Header, locate};
pub use row::{Parsed, Problem, ReturnRow, parse_rows};
pub use workbook::{Cell, Sheet, WorkbookError, number_text, quiet_reader_panics, read_workbook};

use crate::db::{self, Author, ImportRecord, NewImport, Store};
use crate::error::Result;
use crate::fiscal::FiscalYear;
use crate::ledger::{Basis, Effect, EffectInput, Initiative, InitiativeFields, Status};
use crate::org::{NameView, OrgChart, name_key};
use crate::survey::Column;

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

/// Which initiative a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Existing(i64),
    /// The n-th new initiative of the file.
    New(usize),
}

/// The plan for one row.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowPlan {
    pub row: usize,
    /// The 管理番号, or `None` for an initiative the import will create.
    pub ledger_id: Option<String>,
    pub title: String,
    pub fiscal_year: i32,
    pub basis: Option<String>,
    pub outcome: Outcome,
    pub changes: Vec<FieldChange>,
    #[serde(skip)]
    target: Option<Target>,
    #[serde(skip)]
    parsed: Option<ReturnRow>,
    #[serde(skip)]
    initiative_changed: bool,
    #[serde(skip)]
    effect_changed: bool,
}

/// Everything known about one file: where its table is, what each row would do, and every problem.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileReport {
    pub file: String,
    pub sha256: String,
    pub sheet: Option<String>,
    /// Excel's row number of the header.
    pub header_row: Option<usize>,
    pub rows: Vec<RowPlan>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// Set when a file with the same content was imported before: nothing to do.
    pub already_imported: Option<ImportRecord>,
    /// Set once the plan was committed.
    pub committed: Option<ImportRecord>,
}

impl FileReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Whether committing would write anything.
    pub fn can_commit(&self) -> bool {
        self.errors.is_empty() && self.already_imported.is_none()
    }

    fn empty(file: String, sha256: String) -> Self {
        FileReport {
            file,
            sha256,
            sheet: None,
            header_row: None,
            rows: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            already_imported: None,
            committed: None,
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
pub fn plan_file(store: &Store, file: &str, bytes: &[u8], default_fy: Option<FiscalYear>) -> Result<FileReport> {
    let chart = store.org_chart()?;
    plan_read(store, read_return(file, bytes, &chart, default_fy))
}

/// A return read and validated, not yet compared with the ledger: the part of planning that needs only the bytes
/// and the organisation, so files can be read on several threads ([`read_returns`]) while planning stays in order.
pub struct ReadReturn {
    report: FileReport,
    rows: Vec<ReturnRow>,
}

/// Reads one file: the workbook, its header, every row parsed and validated against the organisation.
pub fn read_return(file: &str, bytes: &[u8], chart: &OrgChart, default_fy: Option<FiscalYear>) -> ReadReturn {
    let mut report = FileReport::empty(file.to_string(), content_hash(bytes));
    let sheets = match read_workbook(bytes) {
        Ok(s) => s,
        Err(e) => {
            report.file_problem(e.to_string());
            return ReadReturn { report, rows: Vec::new() };
        }
    };
    let Some(header) = locate(&sheets) else {
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        report.file_problem(format!(
            "回答の表が見つかりません（シート: {}）。見出し行に「管理番号」「業務名」「部局」「課」などの列名がある調査票を指定してください",
            names.join("、")
        ));
        return ReadReturn { report, rows: Vec::new() };
    };
    let sheet = &sheets[header.sheet];
    report.sheet = Some(sheet.name.clone());
    report.header_row = Some(header.row + 1);
    let header_problem = |col: usize, text: &str, message: &str| Problem {
        file: file.to_string(),
        sheet: sheet.name.clone(),
        row: header.row + 1,
        column: format!("{}列「{}」", crate::survey::column_letters(col as u32), text),
        message: message.to_string(),
        original: None,
    };
    for (col, text) in &header.unknown {
        report.warnings.push(header_problem(*col, text, "この見出しは調査票の列ではないため、取り込みません"));
    }
    for (col, text) in &header.duplicates {
        report.warnings.push(header_problem(*col, text, "同じ項目の列が2つあります。左側の列だけを取り込みます"));
    }
    let parsed = parse_rows(file, sheet, &header, chart, default_fy);
    report.errors.extend(parsed.errors);
    report.warnings.extend(parsed.warnings);
    ReadReturn { report, rows: parsed.rows }
}

/// Reads many files on up to `threads` threads (the machine's cores when `None`) and hands each result to `each` in
/// the order given. `names` are the files as reports name them; `read(i)` returns the bytes of the `i`th (or why it
/// could not be read) and runs on the worker threads.
/// Files are taken a few at a time, so memory holds a handful of workbooks, not the batch; `each` returning
/// `Break` (a cancel button) stops before the next few are read.
pub fn read_returns<E: Send>(
    names: &[String],
    read: impl Fn(usize) -> std::result::Result<Vec<u8>, E> + Sync,
    chart: &OrgChart,
    default_fy: Option<FiscalYear>,
    threads: Option<usize>,
    mut each: impl FnMut(usize, std::result::Result<ReadReturn, E>) -> std::result::Result<ControlFlow<()>, E>,
) -> std::result::Result<(), E> {
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let chunk = threads * 4;
    for (c, names) in names.chunks(chunk).enumerate() {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut slots: Vec<Option<std::result::Result<ReadReturn, E>>> = (0..names.len()).map(|_| None).collect();
        let results = std::sync::Mutex::new(&mut slots);
        std::thread::scope(|scope| {
            for _ in 0..threads.min(names.len()) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(name) = names.get(i) else { break };
                        let result = read(c * chunk + i).map(|bytes| read_return(name, &bytes, chart, default_fy));
                        if let Ok(mut slots) = results.lock() {
                            slots[i] = Some(result);
                        }
                    }
                });
            }
        });
        for (i, slot) in slots.into_iter().enumerate() {
            if let Some(result) = slot
                && each(c * chunk + i, result)?.is_break()
            {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Compares a read return with the ledger: what each row creates, updates or leaves unchanged. Writes nothing.
pub fn plan_read(store: &Store, read: ReadReturn) -> Result<FileReport> {
    let ReadReturn { mut report, rows } = read;
    if let Some(previous) = db::import_by_hash(store.conn(), &report.sha256)? {
        return Ok(FileReport { already_imported: Some(previous), ..FileReport::empty(report.file, report.sha256) });
    }
    if report.sheet.is_none() {
        return Ok(report);
    }
    let chart = store.org_chart()?;
    let planner = Planner::load(store, &chart)?;
    planner.plan(&mut report, rows)?;
    // Row order, whichever step found the problem.
    report.errors.sort_by_key(|p| p.row);
    report.warnings.sort_by_key(|p| p.row);
    Ok(report)
}

/// The ledger as the planner needs it: looked up row by row through the indexes (by 管理番号, by 課), so planning
/// a file costs the same in a ledger of 100 initiatives as in one of 100,000.
struct Planner<'a> {
    store: &'a Store,
    chart: &'a OrgChart,
    /// The initiatives of each 課 a row named, loaded once per file.
    in_unit: RefCell<HashMap<i64, Vec<Initiative>>>,
}

fn opt_text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn decimal_text(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

impl<'a> Planner<'a> {
    fn load(store: &'a Store, chart: &'a OrgChart) -> Result<Self> {
        Ok(Self { store, chart, in_unit: RefCell::default() })
    }

    fn by_ledger_id(&self, ledger_id: &str) -> Result<Option<Initiative>> {
        match db::initiative_by_ledger_id(self.store.conn(), ledger_id) {
            Ok(i) => Ok(Some(i)),
            Err(crate::Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn by_unit_title(&self, unit_id: i64, title_key: &str) -> Result<Option<Initiative>> {
        let mut cache = self.in_unit.borrow_mut();
        let list = match cache.entry(unit_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(db::initiatives_of_unit(self.store.conn(), unit_id)?)
            }
        };
        Ok(list.iter().find(|i| name_key(&i.title) == title_key).cloned())
    }

    fn unit_text(&self, id: i64, fy: FiscalYear) -> String {
        self.chart.path(id, fy, NameView::AsReported)
    }

    fn plan(&self, report: &mut FileReport, rows: Vec<ReturnRow>) -> Result<()> {
        let mut new_keys: Vec<(i64, String)> = Vec::new();
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
                Some(i) => self.plan_existing(&i, row)?,
                None => {
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
        push(Column::StartDate.title(), row.started_on.map(|d| d.to_string()).unwrap_or_default());
        match &row.effect {
            Some(e) => push(&effect_label(e.fiscal_year, e.basis), effect_text(e)),
            // Without a figure, 備考 is the initiative's own note (as for an existing initiative).
            None => push(Column::Note.title(), opt_text(&row.note)),
        }
        RowPlan {
            row: row.row,
            ledger_id: None,
            title: opt_text(&row.title),
            fiscal_year: row.fiscal_year.0,
            basis: row.effect.as_ref().map(|e| e.basis.label().to_string()),
            outcome: Outcome::Created,
            changes,
            target: Some(Target::New(n)),
            initiative_changed: true,
            effect_changed: row.effect.is_some(),
            parsed: Some(row),
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
            i.started_on.map(|d| d.to_string()).unwrap_or_default(),
            row.started_on.map(|d| d.to_string()),
        );
        if row.effect.is_none() {
            diff(Column::Note.title(), opt_text(&i.notes), row.note.clone());
        }
        let initiative_changed = !changes.is_empty();
        let mut effect_changed = false;
        if let Some(new) = &row.effect {
            let existing = db::effects_of(self.store.conn(), i.id)?
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
        Ok(RowPlan {
            row: row.row,
            ledger_id: Some(i.ledger_id.clone()),
            title: i.title.clone(),
            fiscal_year: fy.0,
            basis: row.effect.as_ref().map(|e| e.basis.label().to_string()),
            outcome: if changes.is_empty() { Outcome::Unchanged } else { Outcome::Updated },
            changes,
            target: Some(Target::Existing(i.id)),
            initiative_changed,
            effect_changed,
            parsed: Some(row),
        })
    }
}

fn effect_label(fy: FiscalYear, basis: Basis) -> String {
    format!("効果（{}・{}）", fy.wareki(), basis.label())
}

/// A new effect in a few words: its formula and stated hours.
fn effect_text(e: &crate::ledger::NewEffect) -> String {
    let formula = match &e.input {
        EffectInput::Formula(t) => t.clone(),
        // Structured inputs read as the canonical formula they stand for: `（30分－5分）×2,450件`.
        EffectInput::Structured(s) => s
            .formula_text()
            .and_then(|t| crate::formula::Formula::parse(&t).ok())
            .map(|f| f.expression_text())
            .unwrap_or_default(),
        EffectInput::StatedOnly => String::new(),
    };
    match e.stated_hours {
        Some(h) if formula.is_empty() => format!("{}時間", h.normalize()),
        Some(h) => format!("{formula}（申告 {}時間）", h.normalize()),
        None => formula,
    }
}

fn effect_diff(old: &Effect, new: &crate::ledger::NewEffect, changes: &mut Vec<FieldChange>) {
    let (formula, structured) = match &new.input {
        EffectInput::Formula(t) => (Some(t.trim().to_string()), None),
        EffectInput::Structured(s) => (None, Some(s.clone())),
        EffectInput::StatedOnly => (None, None),
    };
    let mut diff = |field: &str, before: String, after: String| {
        if before != after {
            changes.push(FieldChange { field: field.into(), before, after });
        }
    };
    let old_typed = if old.structured.is_some() { None } else { old.formula.clone() };
    diff(Column::Formula.title(), opt_text(&old_typed), opt_text(&formula));
    let s_old = old.structured.clone().unwrap_or_default();
    let s_new = structured.unwrap_or_default();
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
    if let Some(previous) = &report.already_imported {
        return Ok(previous.clone());
    }
    store.write(author, |tx| {
        let mut created: Vec<i64> = Vec::new();
        let mut units: Vec<(i64, FiscalYear)> = Vec::new();
        let mut next_ids: HashMap<FiscalYear, u32> = HashMap::new();
        for plan in &report.rows {
            let (Some(target), Some(row)) = (plan.target, plan.parsed.as_ref()) else {
                continue;
            };
            let id = match target {
                Target::Existing(id) => {
                    if plan.initiative_changed {
                        let i = db::find_initiative(tx.conn(), id)?;
                        let fields = merged_fields(&i, row);
                        tx.update_initiative(id, &fields, None)?;
                    }
                    id
                }
                Target::New(n) if n < created.len() => created[n],
                Target::New(_) => {
                    // The year's next 管理番号 is read once per file and counted on from there.
                    let ledger_id = match next_ids.get_mut(&row.fiscal_year) {
                        Some(n) => {
                            *n += 1;
                            crate::ledger::format_ledger_id(&row.fiscal_year.short(), *n)
                        }
                        None => {
                            let id = tx.next_ledger_id(row.fiscal_year)?;
                            next_ids.insert(row.fiscal_year, crate::ledger::ledger_id_number(&id).unwrap_or(1));
                            id
                        }
                    };
                    let fields = InitiativeFields {
                        ledger_id: Some(ledger_id),
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
                    };
                    let i = tx.add_initiative(&fields)?;
                    created.push(i.id);
                    i.id
                }
            };
            if plan.effect_changed
                && let Some(e) = &row.effect
            {
                tx.set_effect(id, e)?;
            }
            let unit = db::find_initiative(tx.conn(), id)?.unit_id;
            units.push((row.unit_id.unwrap_or(unit), row.fiscal_year));
        }
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

/// The initiative's fields with the row's non-empty cells applied.
fn merged_fields(i: &Initiative, row: &ReturnRow) -> InitiativeFields {
    InitiativeFields {
        ledger_id: Some(i.ledger_id.clone()),
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
