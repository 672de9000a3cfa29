//! Use cases: every action a user can take on the ledger, as one function each, called by both shells (the CLI and
//! the desktop app). A shell parses its arguments or deserialises its input into the types here, calls one function,
//! and formats what it returns; the rules (defaults, which organisation a name means, what a target may belong to,
//! when the automatic backup is taken) live here once.
//!
//! Writes take the open [`Store`] and the [`Author`] of the change and run in one transaction: all of it lands, with
//! its audit rows, or nothing does.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::PathBuf;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::{Read, Store, Write};
use crate::demo::DemoStats;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::import::{FileReport, ImportOptions, ReadContext};
use crate::ledger::{
    Author, Basis, Cost, Effect, EffectInput, Evaluation, Initiative, InitiativeFields, InitiativeFilter, Kind,
    NewEffect, Settings, Status, Structured, Target,
};
use crate::org::{Level, OrgChart, Resolution, split_path};

// ---------------------------------------------------------------------------------------------------------------
// Organisation

/// How [`add_path`] finds a unit that is already registered under a parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// A sibling registered under exactly this name (the latest when there are several): `org add`.
    Registered,
    /// Any name the unit is known by (former names, aliases, a parent merged into this one), as the organisation
    /// workbook's plan matched it: the organisation import.
    AnyName,
}

/// Walks a path of names from the 部局 down inside a transaction, reusing the units that exist and adding the
/// others; the last one gets `code` and the period. Returns the last unit and the units added, as `課「人事課」`.
/// Shared by `org add` and the organisation import.
pub(crate) fn add_path(
    tx: &mut dyn Write,
    chart: &OrgChart,
    names: &[String],
    lookup: Lookup,
    code: Option<&str>,
    from: Option<FiscalYear>,
    to: Option<FiscalYear>,
) -> Result<(i64, Vec<String>)> {
    let mut parent = None;
    let mut level = Level::Bureau;
    let mut added = Vec::new();
    let mut last_id = 0;
    // Once a unit is new, everything under it is new too: the chart read before the walk need not be read again.
    let mut fresh = false;
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let found = if fresh { None } else { found_child(chart, lookup, level, name, parent) };
        let id = match found {
            Some(id) => id,
            None => {
                fresh = true;
                let (code, f, t) = if last { (code, from, to) } else { (None, None, None) };
                added.push(format!("{}「{name}」", level.ja()));
                tx.add_unit(level, parent, name, code, f, t)?
            }
        };
        last_id = id;
        parent = Some(id);
        level = level.child().unwrap_or(Level::Team);
    }
    Ok((last_id, added))
}

fn found_child(chart: &OrgChart, lookup: Lookup, level: Level, name: &str, parent: Option<i64>) -> Option<i64> {
    match lookup {
        Lookup::AnyName => match chart.find(level, name, parent, None) {
            Resolution::Found(id) => Some(id),
            _ => None,
        },
        Lookup::Registered => {
            let key = crate::org::name_key(name);
            chart
                .children(parent)
                .filter(|u| u.level == level && crate::org::name_key(&u.name) == key)
                .max_by_key(|u| (u.valid_from, std::cmp::Reverse(u.id)))
                .map(|u| u.id)
        }
    }
}

/// `daicho org add 総務部/人事課/給与係`: adds the units of a path that are not registered yet. Refuses a path that
/// is registered whole, or has more than three levels.
pub fn add_units(
    store: &mut Store,
    author: &Author,
    path: &str,
    code: Option<&str>,
    from: Option<FiscalYear>,
    to: Option<FiscalYear>,
) -> Result<Vec<String>> {
    let names = split_path(path);
    if names.is_empty() || names.len() > 3 {
        return Err(Error::Invalid(format!(
            "組織は「部局/課/係」の形で3階層までで指定してください（指定: 「{path}」）"
        )));
    }
    let chart = store.org_chart()?;
    store.write(author, |tx| {
        let (_, added) = add_path(tx, &chart, &names, Lookup::Registered, code, from, to)?;
        if added.is_empty() {
            let level = match names.len() {
                1 => Level::Bureau,
                2 => Level::Section,
                _ => Level::Team,
            };
            return Err(Error::Conflict(format!("{}「{}」はすでに登録されています", level.ja(), names.join("/"))));
        }
        Ok(added)
    })
}

/// Adds other names (別名) a unit is written as in returns. Returns the unit's path of today's names.
pub fn add_aliases(store: &mut Store, author: &Author, unit: &str, aliases: &[String]) -> Result<String> {
    let chart = store.org_chart()?;
    let id = chart.resolve(unit, None)?;
    store.write(author, |tx| aliases.iter().try_for_each(|a| tx.add_alias(id, a)))?;
    Ok(chart.current_path(id))
}

/// Sets a unit's code, its first fiscal year or its last (the year it ends, 廃止); a field left `None` stays as it is.
/// Returns the unit's path.
pub fn update_unit(
    store: &mut Store,
    author: &Author,
    unit: &str,
    code: Option<&str>,
    from: Option<FiscalYear>,
    to: Option<FiscalYear>,
) -> Result<String> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    if code.is_none() && from.is_none() && to.is_none() {
        return Err(Error::Invalid("変更する項目（コード、開始年度、終了年度）を指定してください".into()));
    }
    let chart = store.org_chart()?;
    let id = chart.resolve(unit, None)?;
    store.write(author, |tx| tx.update_unit(id, code, from, to))?;
    Ok(chart.current_path(id))
}

/// Checks an organisation workbook against the ledger and, when `commit` and it has no error, imports it in one
/// transaction. The report says what each row does (or did) and every problem.
pub fn import_org(
    store: &mut Store,
    author: &Author,
    file: &str,
    bytes: &[u8],
    commit: bool,
) -> Result<crate::import::org::OrgReport> {
    let report = crate::import::org::plan_org(store, file, bytes)?;
    if commit && report.errors.is_empty() {
        crate::import::org::commit_org(store, author, &report)?;
    }
    Ok(report)
}

/// Renames a unit from a fiscal year on (earlier years keep the old name).
pub fn rename_unit(store: &mut Store, author: &Author, unit: &str, new_name: &str, from: FiscalYear) -> Result<()> {
    let id = store.org_chart()?.resolve(unit, None)?;
    store.write(author, |tx| tx.rename_unit(id, new_name, from))
}

/// Merges units into another from a fiscal year on: the units are named as they were the year before, the one they
/// merge into as it is that year. Their initiatives move; past figures stay where they were reported.
pub fn merge_units(store: &mut Store, author: &Author, units: &[String], into: &str, fy: FiscalYear) -> Result<()> {
    let chart = store.org_chart()?;
    let target = chart.resolve(into, Some(fy))?;
    let from = units
        .iter()
        .filter(|u| !u.trim().is_empty())
        .map(|u| chart.resolve(u, Some(FiscalYear(fy.0 - 1))))
        .collect::<Result<Vec<i64>>>()?;
    if from.is_empty() {
        return Err(Error::Invalid("統合元の組織を入力してください".into()));
    }
    store.write(author, |tx| tx.merge_units(&from, target, fy))
}

// ---------------------------------------------------------------------------------------------------------------
// Initiatives

/// A new initiative as a user gives it: the unit by name or path, the rest as typed.
#[derive(Debug, Clone, Default)]
pub struct NewInitiative {
    /// 所属: a 部局/課/係 path or a name.
    pub unit: String,
    pub kind: Option<Kind>,
    pub title: String,
    pub tool: Option<String>,
    pub vendor: Option<String>,
    /// 検討中 when not given.
    pub status: Option<Status>,
    /// 運用開始日; when not given and `fiscal_year` is, the first day of that year.
    pub started_on: Option<NaiveDate>,
    /// The fiscal year the user is working in: the unit is looked up by its name that year, and a new 管理番号 is
    /// numbered in it.
    pub fiscal_year: Option<FiscalYear>,
    pub scenario_count: Option<i64>,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// 管理番号, or `None` to number it.
    pub ledger_id: Option<String>,
}

/// Adds an initiative.
pub fn add_initiative(store: &mut Store, author: &Author, new: NewInitiative) -> Result<Initiative> {
    let chart = store.org_chart()?;
    let started_on = new.started_on.or(new.fiscal_year.map(|fy| fy.first_day()));
    let fy = new.fiscal_year.or(started_on.map(FiscalYear::of_date));
    let fields = InitiativeFields {
        ledger_id: new.ledger_id.filter(|t| !t.trim().is_empty()),
        numbered_in: fy,
        kind: new.kind.ok_or_else(|| Error::Invalid(Kind::refusal()))?,
        title: new.title,
        unit_id: chart.resolve(&new.unit, fy)?,
        tool: text(new.tool),
        vendor: text(new.vendor),
        status: new.status.unwrap_or(Status::Considering),
        started_on,
        scenario_count: new.scenario_count,
        owner: text(new.owner),
        notes: text(new.notes),
    };
    store.write(author, |tx| tx.add_initiative(&fields))
}

/// The changes of an edit: `None` keeps a field; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct InitiativeChanges {
    /// Moves the initiative to another unit (by name or path).
    pub unit: Option<String>,
    pub kind: Option<Kind>,
    pub title: Option<String>,
    pub tool: Option<Option<String>>,
    pub vendor: Option<Option<String>>,
    /// A new status (recorded in the status history) and the day it changed (today when `None`).
    pub status: Option<Status>,
    pub status_on: Option<NaiveDate>,
    pub started_on: Option<Option<NaiveDate>>,
    pub scenario_count: Option<Option<i64>>,
    pub owner: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    /// The version the editor started from (the one a form was loaded with, `daicho edit --if-version`): the edit
    /// is refused as a conflict when the initiative changed since. `None`: the version read here.
    pub expected_version: Option<i64>,
}

/// Edits an initiative (by 管理番号). The unchanged fields are the ones read here, so the edit carries the version
/// read with them (or the caller's [`InitiativeChanges::expected_version`]): another person's change in between is
/// refused as a conflict, never overwritten.
pub fn edit_initiative(
    store: &mut Store,
    author: &Author,
    ledger_id: &str,
    changes: InitiativeChanges,
) -> Result<Initiative> {
    let i = store.initiative_by_ledger_id(ledger_id)?;
    let unit_id = match &changes.unit {
        Some(u) => store.org_chart()?.resolve(u, None)?,
        None => i.unit_id,
    };
    let keep = |change: Option<Option<String>>, old: Option<String>| change.map_or(old, text);
    let fields = InitiativeFields {
        unit_id,
        kind: changes.kind.unwrap_or(i.kind),
        title: changes.title.unwrap_or_else(|| i.title.clone()),
        tool: keep(changes.tool, i.tool.clone()),
        vendor: keep(changes.vendor, i.vendor.clone()),
        status: changes.status.unwrap_or(i.status),
        started_on: changes.started_on.unwrap_or(i.started_on),
        scenario_count: changes.scenario_count.unwrap_or(i.scenario_count),
        owner: keep(changes.owner, i.owner.clone()),
        notes: keep(changes.notes, i.notes.clone()),
        ..i.fields()
    };
    let expected = changes.expected_version.unwrap_or(i.version);
    store.write(author, |tx| tx.update_initiative(i.id, &fields, changes.status_on, Some(expected)))
}

/// One initiative of a bulk edit: its 管理番号 and the version the person saw it at (the ledger list's row); `None`:
/// the version read when the edit runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub ledger_id: String,
    pub version: Option<i64>,
}

/// 一括変更: what a bulk edit sets on every initiative picked. `None` keeps a field; `tool: Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct BulkChanges {
    /// A new status (in each initiative's status history) and the day it changed (today when `None`).
    pub status: Option<Status>,
    pub status_on: Option<NaiveDate>,
    pub tool: Option<Option<String>>,
}

/// What a bulk edit did: the initiatives it changed and those that already were as asked, in the order picked.
#[derive(Debug, Clone, Default)]
pub struct BulkEdited {
    pub changed: Vec<Initiative>,
    pub unchanged: Vec<Initiative>,
}

/// Sets 状況 and/or ツール on several initiatives at once, each change audited on its own (one audit row per
/// initiative, as an edit of one writes). All or nothing: when any picked initiative changed (or was deleted) since
/// the version the person saw, nothing is written and the refusal names every such one with who changed it last,
/// because the person chose the batch from what the list showed. The same 管理番号 picked twice counts once.
pub fn edit_initiatives(
    store: &mut Store,
    author: &Author,
    picked: &[Picked],
    changes: &BulkChanges,
) -> Result<BulkEdited> {
    if picked.is_empty() {
        return Err(Error::Invalid("変更する取組を選んでください".into()));
    }
    if changes.status.is_none() && changes.tool.is_none() {
        return Err(Error::Invalid("まとめて変更する項目（状況・ツール）を指定してください".into()));
    }
    store.write(author, |tx| {
        let mut found: Vec<Initiative> = Vec::new();
        let mut seen_ids = std::collections::HashSet::new();
        let mut stale = Vec::new();
        for p in picked {
            let i = match (tx.initiative_by_ledger_id(&p.ledger_id), p.version) {
                (Ok(i), _) => i,
                // Deleted since the person saw it: as stale as a change.
                (Err(e), Some(_)) if e.code() == "not_found" => {
                    stale.push(format!("{}（削除されています）", p.ledger_id));
                    continue;
                }
                (Err(e), _) => return Err(e),
            };
            if !seen_ids.insert(i.id) {
                continue;
            }
            match p.version {
                Some(seen) if seen != i.version => stale.push(format!("{}（{}）", i.ledger_id, last_changed_by(tx, &i))),
                _ => found.push(i),
            }
        }
        if !stale.is_empty() {
            return Err(Error::Conflict(format!(
                "次の {} 件は、選んだ後にほかの人が変更しました: {}。どれも変更していません。最新の内容を読み直してから、もう一度操作してください",
                stale.len(),
                stale.join("、")
            )));
        }
        // Written in id order, the order an import's file holds its initiatives in (`Write::hold_initiatives`): two
        // writers of several initiatives on a server never each hold one the other waits for. Reported in the order
        // picked.
        let picked_at: HashMap<i64, usize> = found.iter().enumerate().map(|(n, i)| (i.id, n)).collect();
        found.sort_by_key(|i| i.id);
        let mut done = BulkEdited::default();
        for i in found {
            let fields = InitiativeFields {
                status: changes.status.unwrap_or(i.status),
                tool: changes.tool.clone().map_or_else(|| i.tool.clone(), text),
                ..i.fields()
            };
            let after = tx.update_initiative(i.id, &fields, changes.status_on, Some(i.version))?;
            if after.version == i.version { done.unchanged.push(after) } else { done.changed.push(after) }
        }
        done.changed.sort_by_key(|i| picked_at.get(&i.id).copied());
        done.unchanged.sort_by_key(|i| picked_at.get(&i.id).copied());
        Ok(done)
    })
}

/// Who changed an initiative last and when (`山田 2025-04-01 10:00`), from its audit log; `版 N` when the log says
/// nothing.
fn last_changed_by(ledger: &dyn Read, i: &Initiative) -> String {
    crate::db::last_audit(ledger, "initiative", &i.ledger_id)
        .map_or_else(|| format!("版 {}", i.version), |e| e.who_and_when())
}

/// Deletes an initiative with its effects, history and evaluations (all kept in the audit log). Returns what was
/// deleted. `expected_version` is the version the person saw (a detail screen's, `daicho delete --if-version`); a
/// change made since by another person is refused as a conflict, never deleted unseen. `None`: the version read here.
pub fn delete_initiative(
    store: &mut Store,
    author: &Author,
    ledger_id: &str,
    expected_version: Option<i64>,
) -> Result<Initiative> {
    let i = store.initiative_by_ledger_id(ledger_id)?;
    let expected = expected_version.unwrap_or(i.version);
    store.write(author, |tx| tx.delete_initiative(i.id, Some(expected)))?;
    Ok(i)
}

/// Records (or replaces) the evaluation of one fiscal year.
pub fn evaluate(
    store: &mut Store,
    author: &Author,
    ledger_id: &str,
    evaluation: &Evaluation,
    seen: Option<Seen>,
) -> Result<Initiative> {
    let i = store.initiative_by_ledger_id(ledger_id)?;
    store.write(author, |tx| {
        if let Some(seen) = seen {
            let fy = evaluation.fiscal_year;
            let find = |tx: &dyn Read| {
                Ok(tx.evaluations(i.id)?.iter().any(|e| e.fiscal_year == fy).then(|| format!("{}/{}", i.id, fy.0)))
            };
            let record = Checked { entity: "evaluation", find: &find, what: format!("{}の評価", fy.label()) };
            check_seen(tx, Held::Initiative(i.id), record, seen, Step::Save)?;
        }
        tx.set_evaluation(i.id, evaluation)
    })?;
    Ok(i)
}

/// The effects list of initiatives as a user asks for it: in a 部局 (with everything under it), of a kind, in a
/// status, with a figure in a fiscal year.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub fiscal_year: Option<FiscalYear>,
    /// A 部局 (or any unit) by name or path: its initiatives and those of every unit under it.
    pub bureau: Option<String>,
    pub kind: Option<Kind>,
    pub status: Option<Status>,
}

/// The initiatives a [`ListQuery`] asks for, in 管理番号 order.
pub fn initiatives(ledger: &dyn Read, query: &ListQuery) -> Result<Vec<Initiative>> {
    let unit_ids = match &query.bureau {
        Some(b) => {
            let chart = ledger.org_chart()?;
            let top = chart.resolve(b, query.fiscal_year)?;
            Some(
                chart
                    .units()
                    .filter(|u| chart.ancestor_at(u.id, Level::Bureau).is_some_and(|x| x.id == top))
                    .map(|u| u.id)
                    .collect(),
            )
        }
        None => None,
    };
    ledger.initiatives(&InitiativeFilter {
        fiscal_year: query.fiscal_year,
        unit_ids,
        kind: query.kind,
        status: query.status,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Effects

/// How a user gives an effect's figure: a formula, or structured inputs (導入前・導入後・削減時間 per item, 件数, 日数), or
/// neither (only the stated hours).
pub fn effect_input(formula: Option<String>, structured: Structured) -> EffectInput {
    match formula.filter(|f| !f.trim().is_empty()) {
        Some(f) => EffectInput::Formula(f),
        None if structured != Structured::default() => EffectInput::Structured(structured),
        None => EffectInput::StatedOnly,
    }
}

/// Records (or replaces) an effect: evaluated once, with the ledger's person-time conversions (人日, 人工).
pub fn set_effect(
    store: &mut Store,
    author: &Author,
    ledger_id: &str,
    new: &NewEffect,
    seen: Option<Seen>,
) -> Result<(Initiative, Effect)> {
    let i = store.initiative_by_ledger_id(ledger_id)?;
    let evaluated = new.evaluate(&store.settings()?.conversions())?;
    let e = store.write(author, |tx| {
        if let Some(seen) = seen {
            check_effect_seen(tx, i.id, (new.fiscal_year, new.basis), seen, Step::Save)?;
        }
        tx.set_effect(i.id, &evaluated)
    })?;
    Ok((i, e))
}

/// What a form of the detail screen was loaded with, for a record that has no version of its own (a figure, an
/// evaluation, an AI-OCR measure): the id of the record's newest audit row as the screen showed it, `None` when it
/// showed no record. A save or deletion carrying it is refused as a conflict when the record changed since — another
/// person's save, an import, an undo — so that it never overwrites a figure the user did not see. (The CLI, which
/// shows nothing first, passes none.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen(pub Option<i64>);

/// The newest audit row of a record, as [`Seen`] holds it. A screen reads it *before* the record itself: a change
/// landing in between then makes the record newer than its audit row, and the form's save is refused (a needless
/// refusal, never a figure overwritten unseen).
pub fn last_change_of(ledger: &dyn Read, entity: &str, key: &str) -> Result<Option<i64>> {
    Ok(crate::db::newest_audit(ledger, entity, key)?.map(|e| e.id))
}

/// Whether a checked step saves what the form holds or deletes the record: the refusal says what was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Save,
    Delete,
}

/// A record a form saves or deletes: its entity in the audit log, how to find its key there as it is now (`None`:
/// there is no such record now), and what the refusal calls it.
struct Checked<'a> {
    entity: &'a str,
    find: &'a dyn Fn(&dyn Read) -> Result<Option<String>>,
    what: String,
}

/// What a checked step holds from its check to its commit: the initiative a figure, evaluation or measure belongs
/// to, or the fiscal year of a target or cost.
#[derive(Debug, Clone, Copy)]
enum Held {
    Initiative(i64),
    Plan(FiscalYear),
}

/// Refuses the write when the record is not as the form showed it. What it belongs to is held first, so what is
/// checked stays so until the commit.
fn check_seen(tx: &mut dyn Write, held: Held, record: Checked<'_>, seen: Seen, step: Step) -> Result<()> {
    match held {
        Held::Initiative(id) => tx.hold_initiative(id)?,
        Held::Plan(fy) => tx.hold_plan(fy)?,
    }
    let Checked { entity, find, what } = record;
    let last = match find(tx)? {
        Some(key) => crate::db::newest_audit(tx, entity, &key)?,
        None => None,
    };
    if last.as_ref().map(|e| e.id) == seen.0 {
        return Ok(());
    }
    let done = match &last {
        Some(e) if e.action == "create" => format!("登録されました（{}）", e.who_and_when()),
        Some(e) => format!("変更されました（{}）", e.who_and_when()),
        None => "削除されました".to_string(),
    };
    let then = match (step, &last) {
        (Step::Save, _) => "あなたの入力は消していません。いまの内容を確かめてから保存し直してください",
        // Gone already: nothing is left to delete or to try again.
        (Step::Delete, None) => "削除するものはもうありません",
        (Step::Delete, Some(_)) => "削除していません。いまの内容を確かめてから、もう一度操作してください",
    };
    Err(Error::Conflict(format!("{what}は、画面に表示した後に{done}。{then}")))
}

fn check_effect_seen(
    tx: &mut dyn Write,
    initiative: i64,
    (fy, basis): (FiscalYear, Basis),
    seen: Seen,
    step: Step,
) -> Result<()> {
    let find = |tx: &dyn Read| {
        let now = tx.effects_of(initiative)?.into_iter().find(|e| e.fiscal_year == fy && e.basis == basis);
        Ok(now.map(|e| e.id.to_string()))
    };
    let record =
        Checked { entity: "effect", find: &find, what: format!("{}・{}の効果", fy.label(), basis.label()) };
    check_seen(tx, Held::Initiative(initiative), record, seen, step)
}

/// The newest change this person made to the ledger: what 元に戻す would undo.
pub fn last_change(store: &Store, author: &Author) -> Result<Option<crate::undo::LastChange>> {
    crate::undo::last_change(store, &author.user)
}

/// Undoes this person's newest change, the one recorded at `at` (the one they were shown), in one transaction; it
/// is refused when a newer change of theirs came since, a record of it was changed again by anyone, or it touched
/// what the audit log cannot give back ([`crate::undo`]).
pub fn undo_last_change(store: &mut Store, author: &Author, at: &str) -> Result<crate::undo::LastChange> {
    store.write(author, |tx| crate::undo::undo(tx, &author.user, at))
}

/// Deletes the effect of one fiscal year and basis.
pub fn delete_effect(
    store: &mut Store,
    author: &Author,
    ledger_id: &str,
    fy: FiscalYear,
    basis: Basis,
    seen: Option<Seen>,
) -> Result<Initiative> {
    let i = store.initiative_by_ledger_id(ledger_id)?;
    store.write(author, |tx| {
        if let Some(seen) = seen {
            check_effect_seen(tx, i.id, (fy, basis), seen, Step::Delete)?;
        }
        tx.delete_effect(i.id, fy, basis)
    })?;
    Ok(i)
}

// ---------------------------------------------------------------------------------------------------------------
// Targets, costs, settings, the sample city

/// Sets the target (目標値) of a fiscal year, for the whole organisation or for one 部局 (a target belongs to no
/// other level). With `seen` (the settings screen's), a target set, changed or removed by someone else since the screen
/// was read is refused as a conflict.
pub fn set_target(
    store: &mut Store,
    author: &Author,
    fy: FiscalYear,
    bureau: Option<&str>,
    hours: Decimal,
    seen: Option<Seen>,
) -> Result<Target> {
    let bureau_id = target_bureau(store, fy, bureau)?;
    let target = Target { fiscal_year: fy, bureau_id, hours };
    store.write(author, |tx| {
        if let Some(seen) = seen {
            check_target_seen(tx, fy, bureau_id, bureau, seen, Step::Save)?;
        }
        tx.set_target(&target)
    })?;
    Ok(target)
}

/// The 部局 a target is set for (`None`: the whole organisation).
fn target_bureau(store: &Store, fy: FiscalYear, bureau: Option<&str>) -> Result<Option<i64>> {
    let Some(b) = bureau else { return Ok(None) };
    let chart = store.org_chart()?;
    let id = chart.resolve(b, Some(fy))?;
    if chart.get(id).is_some_and(|u| u.level != Level::Bureau) {
        return Err(Error::Invalid(format!("「{b}」は部局ではありません。目標値は団体全体か部局に設定します")));
    }
    Ok(Some(id))
}

fn check_target_seen(
    tx: &mut dyn Write,
    fy: FiscalYear,
    bureau_id: Option<i64>,
    bureau: Option<&str>,
    seen: Seen,
    step: Step,
) -> Result<()> {
    let find = |tx: &dyn Read| {
        let now = tx.targets(Some(fy))?.into_iter().find(|t| t.bureau_id == bureau_id);
        Ok(now.map(|t| crate::db::target_audit_key(fy, t.bureau_id)))
    };
    let what = format!("{}の目標値（{}）", fy.label(), bureau.unwrap_or("団体全体"));
    check_seen(tx, Held::Plan(fy), Checked { entity: "target", find: &find, what }, seen, step)
}

fn check_cost_seen(tx: &mut dyn Write, tool: &str, fy: FiscalYear, seen: Seen, step: Step) -> Result<()> {
    let key = crate::org::name_key(tool);
    let find = |tx: &dyn Read| {
        let now = tx.costs(Some(fy))?.into_iter().find(|c| crate::org::name_key(&c.tool) == key);
        Ok(now.map(|c| crate::db::cost_audit_key(&c.tool, fy)))
    };
    let what = format!("{}の「{}」の費用", fy.label(), tool.trim());
    check_seen(tx, Held::Plan(fy), Checked { entity: "cost", find: &find, what }, seen, step)
}

/// Removes the target of a fiscal year: the whole organisation's (`bureau` `None`) or a 部局's. With `seen`, one
/// changed since the screen was read is not removed.
pub fn delete_target(
    store: &mut Store,
    author: &Author,
    fy: FiscalYear,
    bureau: Option<&str>,
    seen: Option<Seen>,
) -> Result<()> {
    let bureau_id = target_bureau(store, fy, bureau)?;
    let deleted = store.write(author, |tx| {
        if let Some(seen) = seen {
            check_target_seen(tx, fy, bureau_id, bureau, seen, Step::Delete)?;
        }
        tx.delete_target(fy, bureau_id)
    })?;
    if !deleted {
        return Err(Error::NotFound(format!(
            "{}の目標値（{}）は登録されていません",
            fy.label(),
            bureau.unwrap_or("団体全体")
        )));
    }
    Ok(())
}

/// Removes a tool's cost of a fiscal year. With `seen`, one changed since the screen was read is not removed.
pub fn delete_cost(store: &mut Store, author: &Author, tool: &str, fy: FiscalYear, seen: Option<Seen>) -> Result<()> {
    let deleted = store.write(author, |tx| {
        if let Some(seen) = seen {
            check_cost_seen(tx, tool, fy, seen, Step::Delete)?;
        }
        tx.delete_cost(tool, fy)
    })?;
    if !deleted {
        return Err(Error::NotFound(format!("{}の「{tool}」の費用は登録されていません", fy.label())));
    }
    Ok(())
}

/// Records (or replaces) a tool's cost for a fiscal year. With `seen`, a cost of the tool recorded, changed or removed
/// by someone else since the screen was read is refused as a conflict.
pub fn set_cost(store: &mut Store, author: &Author, cost: &Cost, seen: Option<Seen>) -> Result<()> {
    store.write(author, |tx| {
        if let Some(seen) = seen {
            check_cost_seen(tx, &cost.tool, cost.fiscal_year, seen, Step::Save)?;
        }
        tx.set_cost(cost)
    })
}

/// Changes one setting; returns the settings after the change.
pub fn set_setting(store: &mut Store, author: &Author, key: &str, value: &str) -> Result<Settings> {
    store.write(author, |tx| tx.set_setting(key, value))
}

/// Fills an empty ledger with the sample city (refused when the ledger has initiatives).
pub fn load_demo(store: &mut Store, author: &Author) -> Result<DemoStats> {
    store.write(author, crate::demo::populate)
}

/// Whether the ledger holds the sample city (`load_demo`), which may be removed.
pub fn is_sample(ledger: &dyn Read) -> Result<bool> {
    Ok(ledger.settings()?.organisation_name == crate::demo::ORGANISATION_NAME)
}

/// Takes the sample city out: the ledger becomes an empty one, and the sample is kept as a copy beside it (like a
/// restore). Refuses a ledger that is not the sample. Returns where the sample was kept.
pub fn remove_sample(store: &mut Store) -> Result<PathBuf> {
    if !is_sample(store)? {
        return Err(Error::Invalid(
            "この台帳はサンプルデータではないため消せません（団体名が「みどり市（架空）」の台帳だけが対象です）".into(),
        ));
    }
    let dir = tempfile::tempdir().map_err(|source| Error::Io { path: std::env::temp_dir(), source })?;
    let empty = dir.path().join("empty.sqlite3");
    drop(Store::create(&empty)?);
    store.restore_from(&empty)
}

// ---------------------------------------------------------------------------------------------------------------
// The spring survey

/// What starting a survey wrote.
#[derive(Debug, Clone)]
pub struct SurveyStart {
    /// One workbook per section, in organisation order.
    pub files: Vec<PathBuf>,
    /// Sections new to the year's survey (a second start for another 部局 adds its sections).
    pub added: usize,
}

/// `調査票_R7_こども部_保育課.xlsx`: the year and the section's names that year, with characters a Windows file
/// name cannot hold replaced.
pub fn survey_file_name(fy: FiscalYear, bureau: &str, section: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '＿',
                c if c.is_control() => '＿',
                c => c,
            })
            .collect::<String>()
            .trim()
            .to_string()
    };
    format!("調査票_{}_{}_{}.xlsx", fy.short(), safe(bureau), safe(section))
}

/// Starts the survey of a fiscal year: writes one prefilled workbook per section (of the whole organisation, of a
/// 部局, or one 課) into `dir`, each named after the year and the section, then records the campaign with its deadline
/// and each section as 未提出. `progress(done, total, file)` follows the files. Nothing is recorded unless every file
/// was written.
pub fn start_survey(
    store: &mut Store,
    author: &Author,
    fy: FiscalYear,
    deadline: NaiveDate,
    scope: Option<&str>,
    dir: &std::path::Path,
    progress: &mut dyn FnMut(usize, usize, &std::path::Path),
) -> Result<SurveyStart> {
    let chart = store.org_chart()?;
    let top = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(chart.resolve(s, Some(fy))?),
        None => None,
    };
    let mut sections: Vec<&crate::org::OrgUnit> = chart
        .units()
        .filter(|u| u.level == Level::Section && u.is_valid_in(fy))
        .filter(|u| top.is_none_or(|t| u.id == t || chart.ancestor_at(u.id, Level::Bureau).is_some_and(|b| b.id == t)))
        .collect();
    if sections.is_empty() {
        return Err(Error::Invalid(format!(
            "{}に調査票を送る課がありません（組織に課を登録してください: daicho org add 総務部/人事課）",
            fy.label()
        )));
    }
    sections.sort_by_cached_key(|u| chart.order_key(u.id));
    let paths: Vec<PathBuf> = sections
        .iter()
        .map(|u| {
            let bureau = chart.ancestor_at(u.id, Level::Bureau).map(|b| b.name_in(fy)).unwrap_or_default();
            dir.join(survey_file_name(fy, bureau, u.name_in(fy)))
        })
        .collect();
    // Returns often come back under the name they were sent with: a file already there may be a section's answer,
    // so nothing is written over it.
    let existing: Vec<String> = paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
        .collect();
    if !existing.is_empty() {
        let shown: Vec<&str> = existing.iter().take(5).map(String::as_str).collect();
        return Err(Error::Conflict(format!(
            "フォルダ {} にはすでに {}{} があります。回答かもしれないので上書きしません。空のフォルダを選ぶか、ファイルを移してください",
            dir.display(),
            shown.join("、"),
            if existing.len() > 5 { format!(" ほか {} 件", existing.len() - 5) } else { String::new() }
        )));
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    let total = sections.len();
    let mut files = Vec::with_capacity(total);
    for (i, (u, path)) in sections.iter().zip(paths).enumerate() {
        let (bytes, _) = crate::export::survey_file_of(store, fy, Some(u.id), true, true)?;
        crate::export::write_atomically(&path, &bytes)?;
        progress(i + 1, total, &path);
        files.push(path);
    }
    let ids: Vec<i64> = sections.iter().map(|u| u.id).collect();
    let campaign =
        crate::ledger::Campaign { fiscal_year: fy, deadline, started_on: author.at.date_naive(), closed_on: None };
    let added = store.write(author, |tx| tx.start_campaign(&campaign, &ids))?;
    Ok(SurveyStart { files, added })
}

/// Moves a section's return of a year's survey: 受付 (received by hand, today), 確認中, 差戻し (with what to fix) or
/// 確定. The section is named as it was that year.
pub fn set_return_state(
    store: &mut Store,
    author: &Author,
    fy: FiscalYear,
    section: &str,
    state: crate::ledger::ReturnState,
    reasons: Option<String>,
) -> Result<crate::ledger::SectionReturn> {
    use crate::ledger::ReturnState;
    let chart = store.org_chart()?;
    let id = survey_section(&chart, &store.section_returns(fy)?, fy, section)?;
    let reasons = text(reasons);
    if state == ReturnState::SentBack && reasons.is_none() {
        return Err(Error::Invalid("差戻しには、課に直してほしいこと（理由）を書いてください".into()));
    }
    // Read and written in one transaction: an import receiving the return meanwhile is seen, not overwritten.
    store.write(author, |tx| {
        let Some(current) = tx.section_returns(fy)?.into_iter().find(|r| r.section_id == id) else {
            return Err(Error::NotFound(format!("{}の調査に「{section}」は含まれていません", fy.label())));
        };
        let next = crate::ledger::SectionReturn {
            state,
            received_on: match state {
                ReturnState::Received => Some(author.at.date_naive()),
                _ => current.received_on,
            },
            reasons: if state == ReturnState::SentBack { reasons.clone() } else { None },
            ..current
        };
        tx.set_section_return(&next)?;
        Ok(next)
    })
}

/// A refused return, ready to be sent back: its plan (errors, cautions, warnings), the workbook that lists them for
/// its section, and a file name for that workbook (`差戻し_R6_総務部_人事課.xlsx`).
pub struct ReturnErrors {
    pub report: FileReport,
    pub file_name: String,
    pub workbook: Vec<u8>,
}

/// Checks a return and writes the workbook of what its section must fix. Writes nothing to the ledger; refuses a
/// return with nothing to fix.
pub fn return_errors(
    store: &Store,
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
    fy: FiscalYear,
    today: NaiveDate,
) -> Result<ReturnErrors> {
    let report = crate::import::plan_file(store, file, bytes, options)?;
    if report.already_imported.is_some() {
        return Err(Error::Invalid(format!("{file} は取り込み済みです。差戻しの必要はありません")));
    }
    if report.errors.is_empty() && report.cautions.is_empty() {
        return Err(Error::Invalid(format!(
            "{file} にはエラーも確認が必要な変更もありません。差し戻さずに取り込んでください"
        )));
    }
    let chart = store.org_chart()?;
    let file_name = match report.section_ids().first() {
        Some(&section) => {
            let bureau =
                chart.ancestor_at(section, Level::Bureau).map(|b| b.name_in(fy).to_string()).unwrap_or_default();
            let name = chart.get(section).map(|u| u.name_in(fy).to_string()).unwrap_or_default();
            survey_file_name(fy, &bureau, &name).replacen("調査票_", "差戻し_", 1)
        }
        None => {
            let stem =
                std::path::Path::new(file).file_stem().map_or(String::new(), |s| s.to_string_lossy().into_owned());
            format!("差戻し_{}_{stem}.xlsx", fy.short())
        }
    };
    let workbook = crate::export::return_errors_file(store, &report, today)?;
    Ok(ReturnErrors { report, file_name, workbook })
}

/// Sends a refused return back: each section it reports on that is in the year's survey becomes 差戻し, with the
/// reasons summed up from the errors (a return that arrived but could not be imported counts as received first).
/// A section already 確定 is left as it is. Returns the sections sent back; none when the year has no survey.
pub fn send_back(store: &mut Store, author: &Author, fy: FiscalYear, report: &FileReport) -> Result<Vec<String>> {
    use crate::ledger::ReturnState;
    let file = std::path::Path::new(&report.file)
        .file_name()
        .map_or(report.file.clone(), |n| n.to_string_lossy().into_owned());
    let mut items: Vec<String> = report
        .errors
        .iter()
        .map(|p| {
            let at = if p.row == 0 { String::new() } else { format!("{}行目 ", p.row) };
            let column = if p.column.is_empty() { String::new() } else { format!("{} ", p.column) };
            format!("{at}{column}{}", p.message)
        })
        .chain(report.cautions.iter().map(|c| c.to_string()))
        .collect();
    let total = items.len();
    items.truncate(3);
    let more = if total > 3 { format!("（ほか {} 件）", total - 3) } else { String::new() };
    let reasons = format!(
        "「{file}」要修正 {} 件・要確認 {} 件: {}{more}",
        report.errors.len(),
        report.cautions.len(),
        items.join("／")
    );
    let chart = store.org_chart()?;
    let on = author.at.date_naive();
    store.write(author, |tx| {
        if tx.campaign(fy)?.is_none() {
            return Ok(Vec::new());
        }
        let mut sent = Vec::new();
        for current in tx.section_returns(fy)?.into_iter().filter(|r| report.section_ids().contains(&r.section_id)) {
            if current.state == ReturnState::Confirmed {
                continue;
            }
            // A return that arrived but could not be imported is received first (both steps are in the audit log).
            let current = if current.state == ReturnState::Missing {
                let received = crate::ledger::SectionReturn {
                    state: ReturnState::Received,
                    received_on: Some(on),
                    file_name: Some(file.clone()),
                    reasons: None,
                    ..current
                };
                tx.set_section_return(&received)?;
                received
            } else {
                current
            };
            tx.set_section_return(&crate::ledger::SectionReturn {
                state: ReturnState::SentBack,
                reasons: Some(reasons.clone()),
                ..current
            })?;
            sent.push(chart.path(current.section_id, fy, crate::org::NameView::AsReported));
        }
        Ok(sent)
    })
}

/// The section of a year's survey a name or path means, as the survey names it that year (`こども部/保育課`): looked
/// up among the survey's own sections first, so a section merged away after the survey started is still itself.
fn survey_section(
    chart: &OrgChart,
    returns: &[crate::ledger::SectionReturn],
    fy: FiscalYear,
    text: &str,
) -> Result<i64> {
    let key = |path: &str| -> Vec<String> { split_path(path).iter().map(|n| crate::org::name_key(n)).collect() };
    let names = key(text);
    let path_of = |id: i64| key(&chart.path(id, fy, crate::org::NameView::AsReported));
    let matches: Vec<i64> =
        returns.iter().map(|r| r.section_id).filter(|id| !names.is_empty() && path_of(*id).ends_with(&names)).collect();
    match matches.as_slice() {
        [one] => return Ok(*one),
        [] => {}
        many => {
            let paths: Vec<String> =
                many.iter().map(|id| chart.path(*id, fy, crate::org::NameView::AsReported)).collect();
            return Err(Error::Invalid(format!(
                "「{text}」に当たる課が複数あります（{}）。「部局/課」で指定してください",
                paths.join("、")
            )));
        }
    }
    let id = chart.resolve(text, Some(fy))?;
    if returns.iter().any(|r| r.section_id == id) {
        Ok(id)
    } else {
        Err(Error::NotFound(format!(
            "{}の調査に「{}」は含まれていません（調査を始めていないか、課ではありません）",
            fy.label(),
            chart.path(id, fy, crate::org::NameView::AsReported)
        )))
    }
}

/// Closes a year's survey once every section is 確定; refuses, naming them, while any is not.
pub fn close_survey(store: &mut Store, author: &Author, fy: FiscalYear) -> Result<()> {
    use crate::ledger::ReturnState;
    let chart = store.org_chart()?;
    store.write(author, |tx| {
        let open: Vec<String> = tx
            .section_returns(fy)?
            .into_iter()
            .filter(|r| r.state != ReturnState::Confirmed)
            .map(|r| {
                format!("{}（{}）", chart.path(r.section_id, fy, crate::org::NameView::AsReported), r.state.label())
            })
            .collect();
        if !open.is_empty() {
            let shown: Vec<&str> = open.iter().take(10).map(String::as_str).collect();
            return Err(Error::Invalid(format!(
                "確定していない課が {} 課あるため締め切れません: {}{}",
                open.len(),
                shown.join("、"),
                if open.len() > 10 { " ほか" } else { "" }
            )));
        }
        tx.close_campaign(fy, author.at.date_naive())
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Importing returns

/// The open ledger as a batch reaches it: a shell that owns its store lends it for the whole batch; the desktop
/// app, whose other screens stay usable during a long batch, locks it per file.
pub trait Access {
    fn with_store<T>(&self, f: &mut dyn FnMut(&mut Store) -> Result<T>) -> Result<T>;
}

impl Access for std::cell::RefCell<&mut Store> {
    fn with_store<T>(&self, f: &mut dyn FnMut(&mut Store) -> Result<T>) -> Result<T> {
        let mut store = self.try_borrow_mut().map_err(|_| Error::Internal("台帳を二重に使おうとしました".into()))?;
        f(&mut store)
    }
}

impl Access for std::sync::Mutex<Store> {
    fn with_store<T>(&self, f: &mut dyn FnMut(&mut Store) -> Result<T>) -> Result<T> {
        let mut store =
            self.lock().map_err(|_| Error::Internal("台帳を開けません（ほかの処理が異常終了しました）".into()))?;
        f(&mut store)
    }
}

/// What a batch tells its shell as it goes.
#[derive(Debug)]
pub enum ImportEvent<'a> {
    /// The `index`-th file (from 0) is about to be planned.
    File { index: usize, total: usize, name: &'a str },
    /// The ledger was copied before the batch's first write (once per batch): restoring it undoes the whole batch.
    BackedUp(&'a std::path::Path),
    /// A file was planned, and committed unless it had errors or the batch is a dry run.
    Done(&'a FileReport),
}

// ---------------------------------------------------------------------------------------------------------------
// AI-OCR measures

pub use crate::ledger::OcrInput;

/// Records the AI-OCR measure of an initiative's fiscal year (all fields empty removes it). Only an AI-OCR or
/// RPA+AI-OCR initiative reads forms.
pub fn set_ocr_measure(
    store: &mut Store,
    author: &Author,
    ledger_id: &str,
    fy: FiscalYear,
    input: &OcrInput,
    seen: Option<Seen>,
) -> Result<crate::ledger::OcrMeasure> {
    let i = store.initiative_by_ledger_id(ledger_id)?;
    if !i.kind.reads_forms() {
        return Err(Error::Invalid(format!(
            "{ledger_id} は区分が「{}」のため、AI-OCR の読取実績は記録できません（AI-OCR、RPA+AI-OCR の取組だけです）",
            i.kind.label()
        )));
    }
    let measure = crate::ledger::OcrMeasure {
        initiative_id: i.id,
        fiscal_year: fy,
        form_type: text(input.form_type.clone()),
        sheets: input.sheets,
        chars_read: input.chars_read,
        chars_corrected: input.chars_corrected,
        correction_minutes: input.correction_minutes,
    };
    store.write(author, |tx| {
        if let Some(seen) = seen {
            let find = |tx: &dyn Read| {
                Ok(tx.ocr_measures_of(i.id)?.iter().any(|m| m.fiscal_year == fy).then(|| format!("{}/{}", i.id, fy.0)))
            };
            let record =
                Checked { entity: "ocr_measure", find: &find, what: format!("{}の AI-OCR 読取実績", fy.label()) };
            check_seen(tx, Held::Initiative(i.id), record, seen, Step::Save)?;
        }
        tx.set_ocr_measure(&measure)
    })?;
    Ok(measure)
}

/// A batch of returns to import.
pub struct ImportBatch<'a> {
    /// The files as the reports name them.
    pub names: &'a [String],
    /// Whether to write (`false`: a dry run that only says what would change).
    pub commit: bool,
}

/// Imports a batch of returns: files are read and checked on every core, then each is planned against the ledger
/// and committed in order, one transaction each; a file with errors, or with cautions its options do not confirm
/// (a move, a rename, a second file of the batch on the same initiative …), is never committed. The ledger is backed up
/// once, before the batch's first write. `read(i)` gives the bytes of the `i`th file, `options(i)` what the user
/// chose for it; `cancelled()` is asked between files; `on` hears of each step.
pub fn import_returns(
    ledger: &impl Access,
    author: &Author,
    batch: &ImportBatch<'_>,
    read: impl Fn(usize) -> Result<Vec<u8>> + Sync,
    options: impl Fn(usize) -> ImportOptions + Sync,
    cancelled: &dyn Fn() -> bool,
    on: &mut dyn FnMut(ImportEvent<'_>),
) -> Result<Vec<FileReport>> {
    let context = ledger.with_store(&mut |store| ReadContext::load(store))?;
    let total = batch.names.len();
    let mut reports = Vec::with_capacity(total);
    let mut backed_up: Option<Option<PathBuf>> = None;
    // What the batch's earlier files change (initiative and year → file), to flag a second file on the same one.
    let mut seen = crate::import::BatchSeen::default();
    let mut claimed = false;
    let result = crate::import::read_returns(batch.names, read, &context, options, None, |n, read| {
        if cancelled() {
            return Ok(ControlFlow::Break(()));
        }
        on(ImportEvent::File { index: n, total, name: &batch.names[n] });
        let mut read = Some(read?);
        let mut fresh_backup = None;
        let report = ledger.with_store(&mut |store| {
            let Some(read) = read.take() else {
                return Err(Error::Internal("同じファイルを二度計画しました".into()));
            };
            let mut report = crate::import::plan_read(store, read)?;
            report.check_batch(&mut seen);
            if batch.commit && report.can_commit() {
                if backed_up.is_none() {
                    // One batch at a time on a shared ledger; the claim ends with the batch, below.
                    store.claim_import()?;
                    claimed = true;
                    // A server keeps no copy here (None): each file still commits whole or not at all.
                    let path = store.backup_before_import()?;
                    fresh_backup = path.clone();
                    backed_up = Some(path);
                }
                report.committed = Some(crate::import::commit(store, author, &report)?);
            }
            Ok(report)
        })?;
        if let Some(path) = &fresh_backup {
            on(ImportEvent::BackedUp(path));
        }
        on(ImportEvent::Done(&report));
        reports.push(report);
        Ok(ControlFlow::Continue(()))
    });
    if claimed {
        ledger.with_store(&mut |store| {
            store.release_import();
            Ok(())
        })?;
    }
    result?;
    Ok(reports)
}

/// An optional text as typed: trimmed, `None` when empty.
fn text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// What `daicho db copy` did: the rows of each table, and the summaries compared.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LedgerCopy {
    pub copy: crate::db::CopyReport,
    /// Fiscal years whose summaries were compared, each by every grouping.
    pub years_checked: Vec<FiscalYear>,
}

/// Copies a whole ledger into an empty one (a new file, or an empty database on the server) — every record with
/// its history, the audit log and the imports, with their ids — then checks it as a team would: each year's summary,
/// by every grouping and name view, must be the same in both. The copy itself is compared cell by cell before it
/// commits; a summary that differs afterwards is an error naming the year.
pub fn copy_ledger(from: &Store, to: &mut Store) -> Result<LedgerCopy> {
    use crate::org::NameView;
    use crate::report::{GroupBy, SummaryOptions, summarize_year};
    let copy = from.copy_into(to)?;
    let years = from.years_with_figures()?;
    let (chart_from, chart_to) = (from.org_chart()?, to.org_chart()?);
    let (settings_from, settings_to) = (from.settings()?, to.settings()?);
    for &fy in &years {
        let (targets_from, targets_to) = (from.targets(Some(fy))?, to.targets(Some(fy))?);
        for by in
            [GroupBy::Bureau, GroupBy::Section, GroupBy::Kind, GroupBy::Tool, GroupBy::Status, GroupBy::Initiative]
        {
            for view in [NameView::AsReported, NameView::Current] {
                let opts = SummaryOptions { fiscal_year: fy, by, basis: None, view };
                let a = summarize_year(from, &chart_from, &settings_from, &targets_from, &opts)?;
                let b = summarize_year(&*to, &chart_to, &settings_to, &targets_to, &opts)?;
                let json = |s| serde_json::to_string(&s).map_err(|e| Error::Internal(e.to_string()));
                if json(a)? != json(b)? {
                    return Err(Error::Internal(format!(
                        "コピー先の {}年度の集計（{}）がコピー元と一致しません。コピー先を使わずに報告してください",
                        fy.0,
                        by.label()
                    )));
                }
            }
        }
    }
    Ok(LedgerCopy { copy, years_checked: years })
}
