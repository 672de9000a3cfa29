//! The commands the UI calls. Each is a few lines: parse the arguments, call the library, return its result.

use daicho::actions;
use daicho::db::Read;
use daicho::fiscal::FiscalYear;
use daicho::ledger::{Basis, Kind, NewEffect, Status, Structured};
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
    /// Where the ledger is: its file, or the team's server (its connection string without a password).
    pub db_path: String,
    /// The ledger is a team's shared ledger on a server.
    pub shared: bool,
    pub initiatives: usize,
    pub organisation_name: String,
    /// The fiscal year to open on: the latest with figures, or the current one.
    pub fiscal_year: i32,
    pub choices: views::Choices,
    /// Set when the ledger file is on a network share or in a synced or roaming folder.
    pub storage_warning: Option<String>,
    /// The ledger holds the sample city, which the settings screen can take out again.
    pub sample: bool,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> ApiResult<AppInfo> {
    let store = state.store()?;
    Ok(AppInfo {
        db_path: store.path().display().to_string(),
        shared: store.is_shared(),
        initiatives: store.initiative_count()?,
        organisation_name: store.settings()?.organisation_name,
        fiscal_year: crate::state::opening_year(&store)?,
        choices: views::choices(),
        storage_warning: state.startup_warning().or_else(|| store.location_warning()),
        sample: actions::is_sample(&*store)?,
    })
}

#[tauri::command]
pub fn load_demo(state: State<'_, AppState>) -> ApiResult<usize> {
    Ok(actions::load_demo(&mut *state.store()?, &author())?.initiatives)
}

#[tauri::command]
pub fn dashboard(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<views::Dashboard> {
    let store = state.store()?;
    match state.first_dashboard(&store, fiscal_year) {
        Some(ready) => Ok(ready),
        None => Ok(views::dashboard(&*store, FiscalYear(fiscal_year))?),
    }
}

/// The ledger list of a fiscal year. With the `reading` the page got its rows at, and no change since, only the
/// year's hours come back; otherwise every row.
#[tauri::command]
pub fn ledger(
    state: State<'_, AppState>,
    fiscal_year: i32,
    reading: Option<String>,
) -> ApiResult<views::LedgerReading> {
    let store = state.store()?;
    Ok(views::ledger_list(&*store, FiscalYear(fiscal_year), &state.opened(&store), reading.as_deref())?)
}

#[tauri::command]
pub fn initiative(state: State<'_, AppState>, ledger_id: String) -> ApiResult<views::InitiativeDetail> {
    Ok(views::initiative_detail(&*state.store()?, &ledger_id, state.date_style())?)
}

#[tauri::command]
pub fn check_formula(
    state: State<'_, AppState>,
    text: String,
    stated_hours: Option<String>,
) -> ApiResult<views::FormulaCheck> {
    let conversions = state.store()?.settings()?.conversions();
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
    let new = actions::NewInitiative {
        unit: input.unit,
        kind: Some(Kind::from_label(&input.kind)?),
        title: input.title,
        tool: input.tool,
        status: Some(Status::from_label(&input.status)?),
        fiscal_year: Some(FiscalYear(input.fiscal_year)),
        ..Default::default()
    };
    Ok(actions::add_initiative(&mut *state.store()?, &author(), new)?.ledger_id)
}

/// An effect as the detail screen's form sends it: a formula, or structured inputs (minutes per item before and
/// after, or saved; count; days), or neither (only the stated hours).
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EffectInputForm {
    pub ledger_id: String,
    pub fiscal_year: i32,
    pub basis: String,
    pub formula: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub before_minutes: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub after_minutes: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub saved_minutes: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub count: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub days: Option<String>,
    pub stated_hours: Option<String>,
    pub note: Option<String>,
    /// The figure's newest audit row as the form was loaded with it (none: no figure of that year and basis); a save
    /// over a change made since is refused.
    pub seen: Option<i64>,
}

#[tauri::command]
pub fn save_effect(state: State<'_, AppState>, input: EffectInputForm) -> ApiResult<views::InitiativeDetail> {
    let structured = Structured {
        before_minutes: decimal(&input.before_minutes)?,
        after_minutes: decimal(&input.after_minutes)?,
        saved_minutes: decimal(&input.saved_minutes)?,
        count: decimal(&input.count)?,
        days: decimal(&input.days)?,
        extra: Vec::new(),
    };
    let new = NewEffect {
        fiscal_year: FiscalYear(input.fiscal_year),
        basis: Basis::from_label(&input.basis)?,
        input: actions::effect_input(input.formula, structured),
        stated_hours: decimal(&input.stated_hours)?,
        note: input.note.filter(|n| !n.trim().is_empty()),
    };
    let mut store = state.store()?;
    actions::set_effect(&mut store, &author(), &input.ledger_id, &new, Some(actions::Seen(input.seen)))?;
    Ok(views::initiative_detail(&*store, &input.ledger_id, state.date_style())?)
}
