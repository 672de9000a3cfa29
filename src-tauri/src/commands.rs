//! The commands the UI calls. Each is a few lines: parse the arguments, call the library, return its result.

use chrono::Local;
use daicho::db;
use daicho::fiscal::FiscalYear;
use daicho::ledger::{Basis, EffectInput, InitiativeFields, Kind, NewEffect, Status};
use daicho::views;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::{ApiResult, invalid};
use crate::state::{AppState, author};

fn decimal(text: &Option<String>) -> ApiResult<Option<Decimal>> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => {
            daicho::number::parse_decimal(t).map(Some).ok_or_else(|| invalid(format!("「{t}」を数値として読めません")))
        }
    }
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppInfo {
    pub db_path: String,
    pub initiatives: usize,
    pub organisation_name: String,
    /// The fiscal year to open on: the latest with figures, or the current one.
    pub fiscal_year: i32,
    pub choices: views::Choices,
    /// Set when the ledger file is on a network share or in a synced or roaming folder.
    pub storage_warning: Option<String>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> ApiResult<AppInfo> {
    let store = state.store()?;
    let years = views::years(&store)?;
    let current = FiscalYear::of_date(Local::now().date_naive()).0;
    Ok(AppInfo {
        db_path: store.path().display().to_string(),
        initiatives: db::list_initiatives(store.conn(), &Default::default())?.len(),
        organisation_name: db::load_settings(store.conn())?.organisation_name,
        fiscal_year: years.last().copied().unwrap_or(current),
        choices: views::choices(),
        storage_warning: db::location_warning_for(store.path()),
    })
}

#[tauri::command]
pub fn load_demo(state: State<'_, AppState>) -> ApiResult<usize> {
    let mut store = state.store()?;
    Ok(store.write(&author(), daicho::demo::populate)?.initiatives)
}

#[tauri::command]
pub fn dashboard(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<views::Dashboard> {
    Ok(views::dashboard(&*state.store()?, FiscalYear(fiscal_year))?)
}

#[tauri::command]
pub fn ledger(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<Vec<views::LedgerRow>> {
    Ok(views::ledger_rows(&*state.store()?, FiscalYear(fiscal_year))?)
}

#[tauri::command]
pub fn initiative(state: State<'_, AppState>, ledger_id: String) -> ApiResult<views::InitiativeDetail> {
    Ok(views::initiative_detail(&*state.store()?, &ledger_id)?)
}

#[tauri::command]
pub fn check_formula(
    state: State<'_, AppState>,
    text: String,
    stated_hours: Option<String>,
) -> ApiResult<views::FormulaCheck> {
    let conversions = daicho::db::load_settings(state.store()?.conn())?.conversions();
    Ok(views::check_formula(&text, decimal(&stated_hours)?, &conversions))
}

#[tauri::command]
pub fn unit_paths(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<Vec<String>> {
    Ok(views::unit_paths(&*state.store()?, FiscalYear(fiscal_year))?)
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NewInitiative {
    pub unit: String,
    pub kind: String,
    pub title: String,
    pub tool: Option<String>,
    pub status: String,
    pub fiscal_year: i32,
}

#[tauri::command]
pub fn add_initiative(state: State<'_, AppState>, input: NewInitiative) -> ApiResult<String> {
    let mut store = state.store()?;
    let chart = db::load_org_chart(store.conn())?;
    let fy = FiscalYear(input.fiscal_year);
    let fields = InitiativeFields {
        ledger_id: None,
        kind: Kind::parse(&input.kind).ok_or_else(|| invalid(format!("区分は {} のいずれかです", Kind::choices())))?,
        title: input.title,
        unit_id: chart.resolve(&input.unit, Some(fy))?,
        tool: input.tool.filter(|t| !t.trim().is_empty()),
        vendor: None,
        status: Status::parse(&input.status)
            .ok_or_else(|| invalid(format!("状況は {} のいずれかです", Status::choices())))?,
        started_on: Some(fy.first_day()),
        scenario_count: None,
        owner: None,
        notes: None,
    };
    Ok(store.write(&author(), |tx| tx.add_initiative(&fields))?.ledger_id)
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EffectInputForm {
    pub ledger_id: String,
    pub fiscal_year: i32,
    pub basis: String,
    pub formula: Option<String>,
    pub stated_hours: Option<String>,
    pub note: Option<String>,
}

#[tauri::command]
pub fn save_effect(state: State<'_, AppState>, input: EffectInputForm) -> ApiResult<views::InitiativeDetail> {
    let mut store = state.store()?;
    let i = db::initiative_by_ledger_id(store.conn(), &input.ledger_id)?;
    let basis =
        Basis::parse(&input.basis).ok_or_else(|| invalid(format!("算定区分は {} のいずれかです", Basis::choices())))?;
    let formula = input.formula.filter(|f| !f.trim().is_empty());
    let new = NewEffect {
        fiscal_year: FiscalYear(input.fiscal_year),
        basis,
        input: formula.map_or(EffectInput::StatedOnly, EffectInput::Formula),
        stated_hours: decimal(&input.stated_hours)?,
        note: input.note.filter(|n| !n.trim().is_empty()),
    };
    store.write(&author(), |tx| tx.set_effect(i.id, &new))?;
    Ok(views::initiative_detail(&store, &input.ledger_id)?)
}
