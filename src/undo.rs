//! 元に戻す: the newest change a person made, reverted through the audit log.
//!
//! One action (an edit, a deletion, an import batch) writes all of its audit rows with the one time of its author,
//! so the rows sharing the time of a person's newest row are that action. Undoing it applies the reverse of each
//! row, newest first, in one transaction: a created record is deleted, a changed one gets its earlier fields back, a
//! deleted initiative comes back with the figures, AI-OCR measures, evaluations and status history deleted with it
//! (its 管理番号 kept). Nothing is
//! undone when any record of the action changed since (another person's edit is never overwritten), nor when the
//! action touched what the audit log cannot give back. The undo is itself a change in the log, so undoing again
//! redoes.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::{Read, Write};
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::ledger::{AuditEntry, Effect, Evaluation, Initiative, OcrMeasure, StatusChange};

/// The newest change of a person, as the undo offers it and reports it done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LastChange {
    /// Its time as the audit log records it: the undo is confirmed with it, so it undoes what was shown.
    pub at: String,
    /// Who made it, as the log names them.
    pub actor: String,
    /// What it did, in words: 「取組 R6-0001「給与支払報告書の入力」の変更」, 「取組 50 件の登録、効果 50 件の登録（取り込み 1 ファイル）」.
    pub description: String,
}

/// What the audit log's entity names are called on screen.
fn entity_label(entity: &str) -> &str {
    match entity {
        "initiative" => "取組",
        "effect" => "効果",
        "ocr_measure" => "AI-OCR 読取実績",
        "evaluation" => "評価",
        "status_history" => "状況の履歴",
        "org_unit" => "組織",
        "org_alias" => "組織の別名",
        "target" => "目標値",
        "cost" => "費用",
        "settings" => "設定",
        "survey" => "調査",
        "survey_return" => "調査の受付",
        "column_map" => "列の対応",
        other => other,
    }
}

fn action_label(action: &str) -> &str {
    match action {
        "create" => "登録",
        "update" => "変更",
        _ => "削除",
    }
}

/// Kept as they are by an undo: remembered header mappings (they help the next import) and a survey return's
/// receipt (the team moves it along the campaign by hand).
fn kept(entity: &str) -> bool {
    matches!(entity, "column_map" | "survey_return")
}

/// Reverted by an undo.
fn revertible(entity: &str) -> bool {
    matches!(entity, "initiative" | "effect" | "ocr_measure" | "evaluation" | "status_history")
}

/// Part of its initiative's row in the description of a change: a deleted initiative's status history goes with it.
fn part_of_initiative(entity: &str) -> bool {
    entity == "status_history"
}

/// An evaluation's initiative (its row id) and fiscal year, from its key in the audit log (`12/2024`).
fn evaluation_key(row: &AuditEntry) -> Result<(i64, FiscalYear)> {
    row.entity_key
        .split_once('/')
        .and_then(|(id, fy)| Some((id.parse().ok()?, FiscalYear(fy.parse().ok()?))))
        .ok_or_else(|| Error::Internal(format!("監査ログ {} の評価のキー「{}」を読めません", row.id, row.entity_key)))
}

/// The newest change `user` made to this ledger, if any.
pub fn last_change(ledger: &dyn Read, user: &str) -> Result<Option<LastChange>> {
    let actor = ledger.audit_actor(user)?;
    let rows = ledger.last_change(&actor)?;
    if rows.is_empty() {
        return Ok(None);
    }
    describe(ledger, &rows).map(Some)
}

fn describe(ledger: &dyn Read, rows: &[AuditEntry]) -> Result<LastChange> {
    let first = rows.first().ok_or_else(|| Error::NotFound("元に戻せる変更はありません".into()))?;
    let mut counts: BTreeMap<(usize, &str, &str), usize> = BTreeMap::new();
    let order = ["initiative", "effect", "ocr_measure", "evaluation"];
    let described = |r: &&AuditEntry| !kept(&r.entity) && !part_of_initiative(&r.entity);
    for r in rows.iter().filter(described) {
        let rank = order.iter().position(|e| *e == r.entity).unwrap_or(order.len());
        *counts.entry((rank, r.entity.as_str(), r.action.as_str())).or_default() += 1;
    }
    let mut description = match rows.iter().filter(described).collect::<Vec<_>>().as_slice() {
        [one] if one.entity == "initiative" => {
            let record = one.after.as_ref().or(one.before.as_ref());
            let title = record.and_then(|v| v.get("title")).and_then(|t| t.as_str()).unwrap_or_default();
            format!("取組 {}「{title}」の{}", one.entity_key, action_label(&one.action))
        }
        _ => counts
            .iter()
            .map(|((_, entity, action), n)| format!("{} {n} 件の{}", entity_label(entity), action_label(action)))
            .collect::<Vec<_>>()
            .join("、"),
    };
    let files = ledger.import_history()?.iter().filter(|i| i.at == first.at).count();
    if files > 0 {
        description.push_str(&format!("（取り込み {files} ファイル）"));
    }
    Ok(LastChange { at: first.at.clone(), actor: first.actor.clone(), description })
}

fn record<T: DeserializeOwned>(row: &AuditEntry, value: Option<&serde_json::Value>) -> Result<T> {
    let value = value.ok_or_else(|| Error::Internal(format!("監査ログ {} に記録がありません", row.id)))?;
    serde_json::from_value(value.clone())
        .map_err(|e| Error::Internal(format!("監査ログ {} の記録を読めません: {e}", row.id)))
}

/// The state the change left a record in: its `after`, or none where it deleted the record.
fn left<T: DeserializeOwned>(row: &AuditEntry) -> Result<Option<T>> {
    row.after.as_ref().map(|_| record(row, row.after.as_ref())).transpose()
}

/// The refusal when a record of the change was changed again since.
fn changed_since(ledger: &dyn Read, row: &AuditEntry, what: &str) -> Error {
    let last = crate::db::last_audit(ledger, &row.entity, &row.entity_key).filter(|e| e.at != row.at);
    let who = last.map_or(String::new(), |e| format!("（最後の変更: {}）", e.who_and_when()));
    Error::Conflict(format!(
        "{what}は、この変更の後にまた変更されたため、元に戻せません{who}。必要なら画面で直接直してください"
    ))
}

/// Checks that every record the change left is still as it left it.
fn check_unchanged(ledger: &dyn Read, rows: &[AuditEntry]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    // Newest first: the first row of a record is the state the change left it in.
    for row in rows.iter().filter(|r| revertible(&r.entity)) {
        if !seen.insert((row.entity.as_str(), row.entity_key.as_str())) {
            continue;
        }
        match row.entity.as_str() {
            "initiative" => {
                let now = ledger.initiative_by_ledger_id(&row.entity_key).ok();
                if left::<Initiative>(row)? != now {
                    return Err(changed_since(ledger, row, &format!("取組 {}", row.entity_key)));
                }
            }
            "effect" => {
                let any: Effect = record(row, row.after.as_ref().or(row.before.as_ref()))?;
                let now = ledger
                    .effects_of(any.initiative_id)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|e| e.fiscal_year == any.fiscal_year && e.basis == any.basis);
                if left::<Effect>(row)? != now {
                    let what = format!("{}・{}の効果", any.fiscal_year.label(), any.basis.label());
                    return Err(changed_since(ledger, row, &what));
                }
            }
            "evaluation" => {
                let (initiative, fy) = evaluation_key(row)?;
                let now = ledger.evaluations(initiative).unwrap_or_default().into_iter().find(|e| e.fiscal_year == fy);
                if left::<Evaluation>(row)? != now {
                    return Err(changed_since(ledger, row, &format!("{} の評価", fy.label())));
                }
            }
            // The history goes and comes back with its initiative, which is checked on its own row.
            "status_history" => {}
            _ => {
                let any: OcrMeasure = record(row, row.after.as_ref().or(row.before.as_ref()))?;
                let now = ledger
                    .ocr_measures_of(any.initiative_id)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|m| m.fiscal_year == any.fiscal_year);
                if left::<OcrMeasure>(row)? != now {
                    return Err(changed_since(ledger, row, &format!("{} の AI-OCR 読取実績", any.fiscal_year.label())));
                }
            }
        }
    }
    Ok(())
}

/// The row ids of the initiatives the change's records belong to (a deleted one's too: holding it finds nothing).
fn touched(ledger: &dyn Read, rows: &[AuditEntry]) -> Vec<i64> {
    rows.iter()
        .filter(|r| revertible(&r.entity))
        .filter_map(|r| {
            let record = r.after.as_ref().or(r.before.as_ref());
            let field = |name: &str| record.and_then(|v| v.get(name)).and_then(serde_json::Value::as_i64);
            match r.entity.as_str() {
                "initiative" => field("id"),
                "evaluation" => evaluation_key(r).ok().map(|(id, _)| id),
                // Keyed by 管理番号, its record a list of statuses.
                "status_history" => ledger.initiative_by_ledger_id(&r.entity_key).ok().map(|i| i.id),
                _ => field("initiative_id"),
            }
        })
        .collect()
}

/// Undoes `user`'s newest change, which must be the one recorded at `at` (the one they were shown), in the
/// transaction `tx`. Returns what was undone.
pub(crate) fn undo(tx: &mut dyn Write, user: &str, at: &str) -> Result<LastChange> {
    let actor = tx.audit_actor(user)?;
    let rows = tx.last_change(&actor)?;
    let change = describe(tx, &rows)?;
    if change.at != at {
        return Err(Error::Conflict(format!(
            "元に戻す対象が変わりました（いまの直前の変更: {}）。もう一度確認してから元に戻してください",
            change.description
        )));
    }
    if let Some(row) = rows.iter().find(|r| !revertible(&r.entity) && !kept(&r.entity)) {
        return Err(Error::Invalid(format!(
            "直前の変更（{}の{}）は元に戻せません。元に戻せるのは取組・効果・AI-OCR 読取実績・評価の登録、変更、削除と、返送ファイルの取り込みです",
            entity_label(&row.entity),
            action_label(&row.action)
        )));
    }
    // On a server the initiatives the change touched are held first, in id order, as an import's file and a form
    // take them: a colleague's save of one of them waits for the undo (or the undo for it) instead of each holding
    // what the other needs. What is checked below is then what the undo writes over.
    tx.hold_initiatives(&touched(tx, &rows))?;
    check_unchanged(tx, &rows)?;
    let conversions = tx.settings()?.conversions();
    // A deleted initiative comes back with a new row id: its figures follow it there.
    let mut moved: HashMap<i64, i64> = HashMap::new();
    for row in rows.iter().filter(|r| revertible(&r.entity)) {
        match (row.entity.as_str(), row.action.as_str()) {
            ("initiative", "create") => {
                let now = tx.initiative_by_ledger_id(&row.entity_key)?;
                tx.delete_initiative(now.id, None)?;
            }
            ("initiative", "update") => {
                let before: Initiative = record(row, row.before.as_ref())?;
                let now = tx.initiative_by_ledger_id(&row.entity_key)?;
                tx.update_initiative(now.id, &before.fields(), None, None)?;
            }
            ("initiative", _) => {
                let before: Initiative = record(row, row.before.as_ref())?;
                let back = tx.add_initiative(&before.fields())?;
                moved.insert(before.id, back.id);
            }
            ("effect", "create") => {
                let after: Effect = record(row, row.after.as_ref())?;
                tx.delete_effect(after.initiative_id, after.fiscal_year, after.basis)?;
            }
            ("effect", _) => {
                let before: Effect = record(row, row.before.as_ref())?;
                let initiative = moved.get(&before.initiative_id).copied().unwrap_or(before.initiative_id);
                tx.set_effect(initiative, &before.as_new().evaluate(&conversions)?)?;
            }
            ("evaluation", "create") => {
                let (initiative, fy) = evaluation_key(row)?;
                tx.delete_evaluation(initiative, fy)?;
            }
            ("evaluation", _) => {
                let (initiative, _) = evaluation_key(row)?;
                let before: Evaluation = record(row, row.before.as_ref())?;
                tx.set_evaluation(moved.get(&initiative).copied().unwrap_or(initiative), &before)?;
            }
            // A history given back by an undone deletion: undoing that undo deletes the initiative again (its row is
            // older, so it comes after this one), and its history with it.
            ("status_history", "create") => {}
            ("status_history", _) => {
                let before: Vec<StatusChange> = record(row, row.before.as_ref())?;
                let initiative: Initiative = tx.initiative_by_ledger_id(&row.entity_key)?;
                tx.restore_status_history(initiative.id, &before)?;
            }
            (_, "create") => {
                let after: OcrMeasure = record(row, row.after.as_ref())?;
                tx.delete_ocr_measure(after.initiative_id, after.fiscal_year)?;
            }
            _ => {
                let mut before: OcrMeasure = record(row, row.before.as_ref())?;
                before.initiative_id = moved.get(&before.initiative_id).copied().unwrap_or(before.initiative_id);
                tx.set_ocr_measure(&before)?;
            }
        }
    }
    tx.forget_imports(at)?;
    Ok(change)
}
