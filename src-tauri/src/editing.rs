//! Commands that change the ledger from the detail, settings and organisation screens.

use chrono::Local;
use daicho::actions;
use daicho::fiscal::{DateStyle, FiscalYear};
use daicho::ledger::{Basis, Evaluation, Grade, Kind, Status};
use daicho::views;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{ApiResult, date_field, invalid, required_year, year_field};
use crate::state::{AppState, author};

fn text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InitiativeEdit {
    pub ledger_id: String,
    pub kind: String,
    pub title: String,
    pub tool: Option<String>,
    pub vendor: Option<String>,
    pub status: String,
    /// The date the status changed, when it did (`2024/4/1`, `令和6年4月1日`…); today when empty.
    pub status_on: Option<String>,
    pub started_on: Option<String>,
    pub scenarios: Option<String>,
    pub owner: Option<String>,
    pub notes: Option<String>,
    /// The version the form was opened with: a save from it is refused when someone changed the initiative since.
    pub version: Option<i64>,
}

#[tauri::command]
pub fn update_initiative(state: State<'_, AppState>, input: InitiativeEdit) -> ApiResult<views::InitiativeDetail> {
    let scenarios = text(input.scenarios)
        .map(|s| s.parse::<i64>().map_err(|_| invalid(format!("シナリオ数「{s}」は0以上の整数で入力してください"))))
        .transpose()?;
    // The form shows every field: an empty one clears it.
    let changes = actions::InitiativeChanges {
        unit: None,
        kind: Some(Kind::from_label(&input.kind)?),
        title: Some(input.title),
        tool: Some(input.tool),
        vendor: Some(input.vendor),
        status: Some(Status::from_label(&input.status)?),
        status_on: date_field(input.status_on.as_deref(), "status_on", "状況が変わった日")?,
        started_on: Some(date_field(input.started_on.as_deref(), "started_on", "運用開始日")?),
        scenario_count: Some(scenarios),
        owner: Some(input.owner),
        notes: Some(input.notes),
        expected_version: input.version,
    };
    let mut store = state.store()?;
    actions::edit_initiative(&mut store, &author(), &input.ledger_id, changes)?;
    Ok(views::initiative_detail(&*store, &input.ledger_id, state.date_style())?)
}

/// A row of the ledger list chosen for a bulk edit, with the version the list showed.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PickedRow {
    pub ledger_id: String,
    pub version: i64,
}

/// 一括変更 from the ledger list: a 状況 and/or a ツール for every row chosen.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BulkEdit {
    pub rows: Vec<PickedRow>,
    /// The new 状況; null keeps each row's.
    pub status: Option<String>,
    /// The new ツール; null keeps each row's, an empty one clears it.
    pub tool: Option<String>,
}

/// What a bulk edit changed, and the rows that already were as asked (管理番号, in the order chosen).
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BulkEdited {
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
}

#[tauri::command]
pub fn edit_initiatives(state: State<'_, AppState>, input: BulkEdit) -> ApiResult<BulkEdited> {
    let picked: Vec<actions::Picked> =
        input.rows.into_iter().map(|r| actions::Picked { ledger_id: r.ledger_id, version: Some(r.version) }).collect();
    let changes = actions::BulkChanges {
        status: input.status.map(|s| Status::from_label(&s)).transpose()?,
        status_on: None,
        tool: input.tool.map(|t| text(Some(t))),
    };
    let mut store = state.store()?;
    let done = actions::edit_initiatives(&mut store, &author(), &picked, &changes)?;
    let ids = |list: Vec<daicho::ledger::Initiative>| list.into_iter().map(|i| i.ledger_id).collect();
    Ok(BulkEdited { changed: ids(done.changed), unchanged: ids(done.unchanged) })
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EvaluationForm {
    pub ledger_id: String,
    pub fiscal_year: i32,
    pub grade: String,
    pub reason: Option<String>,
    pub comment: Option<String>,
    /// The evaluation's newest audit row as the form was loaded with it (none: the year had no evaluation); a save
    /// over a change made since is refused.
    pub seen: Option<i64>,
}

#[tauri::command]
pub fn set_evaluation(state: State<'_, AppState>, input: EvaluationForm) -> ApiResult<views::InitiativeDetail> {
    let e = Evaluation {
        fiscal_year: FiscalYear(input.fiscal_year),
        grade: Grade::from_label(&input.grade)?,
        reason: text(input.reason),
        reviewer_comment: text(input.comment),
    };
    let mut store = state.store()?;
    actions::evaluate(&mut store, &author(), &input.ledger_id, &e, Some(actions::Seen(input.seen)))?;
    Ok(views::initiative_detail(&*store, &input.ledger_id, state.date_style())?)
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SettingsView {
    /// The ledger's settings, shared by everyone who works on it.
    pub settings: Vec<views::SettingView>,
    pub rounding: String,
    /// How this person's screens show dates (a preference of this PC's user, not of the ledger).
    pub date_style: DateStyle,
    /// The styles to choose from.
    pub date_styles: Vec<views::DateStyleChoice>,
}

fn settings_view(state: &AppState, store: &daicho::db::Store) -> ApiResult<SettingsView> {
    let (settings, rounding) = views::settings_view(store)?;
    Ok(SettingsView { settings, rounding, date_style: state.date_style(), date_styles: views::date_styles() })
}

#[tauri::command]
pub fn settings(state: State<'_, AppState>) -> ApiResult<SettingsView> {
    settings_view(&state, &*state.store()?)
}

#[tauri::command]
pub fn set_setting(state: State<'_, AppState>, key: String, value: String) -> ApiResult<SettingsView> {
    let mut store = state.store()?;
    actions::set_setting(&mut store, &author(), &key, &value)?;
    settings_view(&state, &store)
}

/// Shows dates in another style on every screen from now on, and on the next start (this person's choice; the
/// ledger is not changed).
#[tauri::command]
pub fn set_date_style(state: State<'_, AppState>, style: DateStyle) -> ApiResult<SettingsView> {
    state.set_date_style(style)?;
    settings_view(&state, &*state.store()?)
}

/// Saves a copy of the ledger where the user chooses (or in `DAICHO_TEST_SAVE_DIR`).
#[tauri::command]
pub async fn backup(app: AppHandle) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
        let name = format!("daicho_backup_{}.sqlite3", Local::now().format("%Y%m%d_%H%M"));
        let path = match std::env::var_os("DAICHO_TEST_SAVE_DIR") {
            Some(dir) => Some(std::path::PathBuf::from(dir).join(&name)),
            None => app
                .dialog()
                .file()
                .set_title("バックアップの保存先を選ぶ")
                .set_file_name(&name)
                .add_filter("台帳のバックアップ", &["sqlite3"])
                .blocking_save_file()
                .and_then(|p| p.into_path().ok()),
        };
        let Some(path) = path else { return Ok(None) };
        state.store()?.backup_to(&path)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Replaces the ledger with a backup the user picks, after checking it; the current ledger is kept beside it.
#[tauri::command]
pub async fn restore(app: AppHandle) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
        // Opens in the folder of the automatic copies (taken before each import and migration).
        let mut dialog = app.dialog().file();
        if let Some(backups) = state.store()?.backups_folder() {
            dialog = dialog.set_directory(backups);
        }
        let picked = dialog
            .set_title("戻すバックアップを選ぶ")
            .add_filter("台帳のバックアップ", &["sqlite3"])
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok());
        let Some(path) = picked else { return Ok(None) };
        state.refuse_while_importing()?;
        let kept = state.store()?.restore_from(&path)?;
        state.ledger_replaced();
        Ok(Some(format!("{} から戻しました（元の台帳は {} に残しています）", path.display(), kept.display())))
    })
    .await
}

#[tauri::command]
pub fn org_tree(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<Vec<views::OrgNode>> {
    Ok(views::org_tree(&*state.store()?, Some(FiscalYear(fiscal_year)))?)
}

/// What the detail screen's AI-OCR form sends: each field as typed (empty: not recorded).
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OcrForm {
    form_type: String,
    sheets: String,
    chars_read: String,
    chars_corrected: String,
    correction_minutes: String,
}

/// Records the AI-OCR measure of an initiative's fiscal year (every field empty removes it); the detail again.
#[tauri::command]
pub fn set_ocr_measure(
    state: State<'_, AppState>,
    ledger_id: String,
    fiscal_year: i32,
    form: OcrForm,
    seen: Option<i64>,
) -> ApiResult<views::InitiativeDetail> {
    let count = |label: &str, v: &str| -> ApiResult<Option<i64>> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        let d = daicho::number::parse_decimal(v)
            .filter(|d| d.fract().is_zero() && *d >= rust_decimal::Decimal::ZERO)
            .ok_or_else(|| invalid(format!("{label}は0以上の整数で入力してください（入力: 「{v}」）")))?;
        i64::try_from(d).map(Some).map_err(|_| invalid(format!("{label}が大きすぎます（入力: 「{v}」）")))
    };
    let minutes = match form.correction_minutes.trim() {
        "" => None,
        v => Some(
            daicho::number::parse_decimal(v)
                .filter(|d| *d >= rust_decimal::Decimal::ZERO)
                .ok_or_else(|| invalid(format!("修正時間(分)は0以上の数値で入力してください（入力: 「{v}」）")))?,
        ),
    };
    let input = actions::OcrInput {
        form_type: Some(form.form_type).filter(|t| !t.trim().is_empty()),
        sheets: count("読取枚数", &form.sheets)?,
        chars_read: count("読取文字数", &form.chars_read)?,
        chars_corrected: count("修正文字数", &form.chars_corrected)?,
        correction_minutes: minutes,
    };
    let mut store = state.store()?;
    actions::set_ocr_measure(
        &mut store,
        &author(),
        &ledger_id,
        FiscalYear(fiscal_year),
        &input,
        Some(actions::Seen(seen)),
    )?;
    Ok(views::initiative_detail(&*store, &ledger_id, state.date_style())?)
}

/// Registers a unit by its path (部局/課/係; missing levels above it too), with its code and first year (as the
/// CLI reads a year: `令和7`, `R7`, `2025`…).
#[tauri::command]
pub fn add_unit(
    state: State<'_, AppState>,
    path: String,
    code: Option<String>,
    from: Option<String>,
) -> ApiResult<Vec<String>> {
    let from = year_field(from.as_deref(), "from", "開始年度")?;
    let code = code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    Ok(actions::add_units(&mut *state.store()?, &author(), &path, code, from, None)?)
}

/// What a change of a unit did, for the screen's message: the library's description, and the last year it now
/// exists in 和暦 (`令和7年度`) when one was set.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UnitUpdated {
    pub done: String,
    pub to: Option<String>,
}

/// Sets a unit's code or the last year it exists (廃止); empty fields stay as they are.
#[tauri::command]
pub fn update_unit(
    state: State<'_, AppState>,
    unit: String,
    code: Option<String>,
    to: Option<String>,
) -> ApiResult<UnitUpdated> {
    let to = year_field(to.as_deref(), "to", "最後の年度")?;
    let done = actions::update_unit(&mut *state.store()?, &author(), &unit, code.as_deref(), None, to)?;
    Ok(UnitUpdated { done, to: to.map(FiscalYear::wareki) })
}

#[tauri::command]
pub fn add_alias(state: State<'_, AppState>, unit: String, alias: String) -> ApiResult<()> {
    actions::add_aliases(&mut *state.store()?, &author(), &unit, &[alias])?;
    Ok(())
}

/// Renames a unit from a fiscal year on (typed as the CLI reads a year); the year in 和暦, for the message.
#[tauri::command]
pub fn rename_unit(
    state: State<'_, AppState>,
    unit: String,
    new_name: String,
    fiscal_year: String,
) -> ApiResult<String> {
    let fy = required_year(&fiscal_year, "fiscal_year", "変更した年度")?;
    actions::rename_unit(&mut *state.store()?, &author(), &unit, &new_name, fy)?;
    Ok(fy.wareki())
}

/// Merges units into another from a fiscal year on (their initiatives move; past figures stay where reported); the
/// year in 和暦, for the message.
#[tauri::command]
pub fn merge_units(
    state: State<'_, AppState>,
    units: Vec<String>,
    into: String,
    fiscal_year: String,
) -> ApiResult<String> {
    let fy = required_year(&fiscal_year, "fiscal_year", "統合した年度")?;
    actions::merge_units(&mut *state.store()?, &author(), &units, &into, fy)?;
    Ok(fy.wareki())
}

/// Deletes an initiative with its effects and history (the audit log keeps them); the UI asks first. `version` is the
/// one the detail showed: a colleague's change since is refused as a conflict (code "conflict"), not deleted unseen.
#[tauri::command]
pub fn delete_initiative(state: State<'_, AppState>, ledger_id: String, version: Option<i64>) -> ApiResult<String> {
    let i = actions::delete_initiative(&mut *state.store()?, &author(), &ledger_id, version)?;
    Ok(format!("取組 {}「{}」を削除しました", i.ledger_id, i.title))
}

/// The newest change this person made to the ledger (what 元に戻す would undo), or none.
#[tauri::command]
pub fn last_change(state: State<'_, AppState>) -> ApiResult<Option<daicho::undo::LastChange>> {
    Ok(actions::last_change(&*state.store()?, &author())?)
}

/// Undoes this person's newest change; `at` is the one the user was shown and confirmed (a newer one since is
/// refused as a conflict, as is a record of it changed again by anyone).
#[tauri::command]
pub fn undo_last_change(state: State<'_, AppState>, at: String) -> ApiResult<daicho::undo::LastChange> {
    Ok(actions::undo_last_change(&mut *state.store()?, &author(), &at)?)
}

/// Deletes one effect (a fiscal year and basis) of an initiative; the UI asks first.
#[tauri::command]
pub fn delete_effect(
    state: State<'_, AppState>,
    ledger_id: String,
    fiscal_year: i32,
    basis: String,
    seen: Option<i64>,
) -> ApiResult<views::InitiativeDetail> {
    let mut store = state.store()?;
    let (fy, basis) = (FiscalYear(fiscal_year), Basis::from_label(&basis)?);
    actions::delete_effect(&mut store, &author(), &ledger_id, fy, basis, Some(actions::Seen(seen)))?;
    Ok(views::initiative_detail(&*store, &ledger_id, state.date_style())?)
}

#[tauri::command]
pub fn year_plan(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<views::YearPlan> {
    Ok(views::year_plan(&*state.store()?, FiscalYear(fiscal_year))?)
}

fn amount(text: &str, what: &str) -> ApiResult<rust_decimal::Decimal> {
    daicho::number::parse_decimal(text.trim())
        .ok_or_else(|| invalid(format!("{what}「{}」を数値として読めません（例: 1,200 や 1200.5）", text.trim())))
}

/// Sets the target of the year for the whole organisation (`bureau` empty) or one 部局. `seen`: that target's
/// `last_change` as the screen showed it (none when it showed none); a colleague's change since is refused as a
/// conflict (code "conflict").
#[tauri::command]
pub fn set_target(
    state: State<'_, AppState>,
    fiscal_year: i32,
    bureau: Option<String>,
    hours: String,
    seen: Option<i64>,
) -> ApiResult<views::YearPlan> {
    let fy = FiscalYear(fiscal_year);
    let bureau = text(bureau);
    let hours = amount(&hours, "目標の時間")?;
    let mut store = state.store()?;
    actions::set_target(&mut store, &author(), fy, bureau.as_deref(), hours, Some(actions::Seen(seen)))?;
    Ok(views::year_plan(&*store, fy)?)
}

/// Removes the year's target of the whole organisation (`bureau` empty) or of one 部局, the one the screen showed
/// (`seen`: its `last_change`).
#[tauri::command]
pub fn delete_target(
    state: State<'_, AppState>,
    fiscal_year: i32,
    bureau: Option<String>,
    seen: Option<i64>,
) -> ApiResult<views::YearPlan> {
    let fy = FiscalYear(fiscal_year);
    let mut store = state.store()?;
    actions::delete_target(&mut store, &author(), fy, text(bureau).as_deref(), Some(actions::Seen(seen)))?;
    Ok(views::year_plan(&*store, fy)?)
}

/// Removes a tool's cost of the year, the one the screen showed (`seen`: its `last_change`).
#[tauri::command]
pub fn delete_cost(
    state: State<'_, AppState>,
    fiscal_year: i32,
    tool: String,
    seen: Option<i64>,
) -> ApiResult<views::YearPlan> {
    let fy = FiscalYear(fiscal_year);
    let mut store = state.store()?;
    actions::delete_cost(&mut store, &author(), &tool, fy, Some(actions::Seen(seen)))?;
    Ok(views::year_plan(&*store, fy)?)
}

/// Records a tool's licence and maintenance cost for the year. `seen`: the `last_change` of the tool's cost as the
/// screen showed it (none when it showed none); a colleague's change since is refused as a conflict.
#[tauri::command]
pub fn set_cost(
    state: State<'_, AppState>,
    fiscal_year: i32,
    tool: String,
    licence: String,
    maintenance: String,
    note: Option<String>,
    seen: Option<i64>,
) -> ApiResult<views::YearPlan> {
    let fy = FiscalYear(fiscal_year);
    let tool = text(Some(tool)).ok_or_else(|| invalid("ツール名を入力してください"))?;
    let cost = daicho::ledger::Cost {
        tool,
        fiscal_year: fy,
        licence_yen: if licence.trim().is_empty() {
            Default::default()
        } else {
            amount(&licence, "ライセンス費")?
        },
        maintenance_yen: if maintenance.trim().is_empty() {
            Default::default()
        } else {
            amount(&maintenance, "保守費")?
        },
        note: text(note),
    };
    let mut store = state.store()?;
    actions::set_cost(&mut store, &author(), &cost, Some(actions::Seen(seen)))?;
    Ok(views::year_plan(&*store, fy)?)
}
