//! The spring survey screen (調査): start a year's survey (one workbook per section into a folder the user picks),
//! follow each section's return, send one back, save the reminder list, close the year. Each command calls one
//! function of `daicho::actions` or `daicho::views`.
//!
//! Test seam: with `DAICHO_TEST_SAVE_DIR` set, the folder dialog is not opened and the workbooks go into
//! `DAICHO_TEST_SAVE_DIR/調査票_R7`, the reminder list beside it.

use std::path::PathBuf;

use chrono::Local;
use daicho::actions;
use daicho::fiscal::FiscalYear;
use daicho::ledger::ReturnState;
use daicho::views;
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{ApiResult, date_field, invalid_field};
use crate::state::{AppState, author};

#[tauri::command]
pub fn survey_status(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<Option<views::SurveyStatus>> {
    Ok(views::survey_status(&*state.store()?, FiscalYear(fiscal_year), Local::now().date_naive(), state.date_style())?)
}

/// Progress of writing the survey's workbooks, sent as the `survey-progress` event.
#[derive(Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub(crate) struct SurveyProgress {
    done: usize,
    total: usize,
    file: String,
}

/// What starting a survey wrote.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SurveyStarted {
    pub folder: String,
    pub files: usize,
    pub added: usize,
}

/// Asks for a folder, writes one prefilled workbook per section into it (of a 部局 when `scope` names one) and
/// records the deadline. `None` when the user cancelled the dialog.
#[tauri::command]
pub async fn start_survey(
    app: AppHandle,
    fiscal_year: i32,
    deadline: String,
    scope: Option<String>,
) -> ApiResult<Option<SurveyStarted>> {
    crate::state::blocking(app, move |app, state| {
        let fy = FiscalYear(fiscal_year);
        let deadline = date_field(Some(&deadline), "deadline", "締切")?.ok_or_else(|| {
            invalid_field("deadline", "締切を入力してください（例: 令和7年5月31日、R7.5.31、2025/5/31）")
        })?;
        let folder = match std::env::var_os("DAICHO_TEST_SAVE_DIR") {
            Some(dir) => Some(PathBuf::from(dir).join(format!("調査票_{}", fy.short()))),
            None => app
                .dialog()
                .file()
                .set_title("調査票を書き出すフォルダを選ぶ")
                .blocking_pick_folder()
                .and_then(|p| p.into_path().ok()),
        };
        let Some(folder) = folder else { return Ok(None) };
        let mut store = state.store()?;
        let started = actions::start_survey(
            &mut store,
            &author(),
            fy,
            deadline,
            scope.as_deref(),
            &folder,
            &mut |done, total, path| {
                let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let _ = app.emit("survey-progress", SurveyProgress { done, total, file });
            },
        )?;
        Ok(Some(SurveyStarted {
            folder: folder.display().to_string(),
            files: started.files.len(),
            added: started.added,
        }))
    })
    .await
}

#[tauri::command]
pub fn set_return_state(
    state: State<'_, AppState>,
    fiscal_year: i32,
    section: String,
    to: String,
    reasons: Option<String>,
) -> ApiResult<Option<views::SurveyStatus>> {
    let fy = FiscalYear(fiscal_year);
    let mut store = state.store()?;
    actions::set_return_state(&mut store, &author(), fy, &section, ReturnState::from_label(&to)?, reasons)?;
    Ok(views::survey_status(&*store, fy, Local::now().date_naive(), state.date_style())?)
}

/// Saves the sections still owing (未提出・差戻し), with their 部局, as a workbook for reminders.
#[tauri::command]
pub async fn save_survey_missing(app: AppHandle, fiscal_year: i32) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
        let fy = FiscalYear(fiscal_year);
        let (bytes, _) = daicho::export::survey_missing_file(&*state.store()?, fy, Local::now().date_naive())?;
        let name = format!("{}_未提出の課.xlsx", fy.wareki());
        crate::files::save_file(app, &name, "未提出の課の一覧の保存先を選ぶ", &bytes)
    })
    .await
}

#[tauri::command]
pub fn close_survey(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<Option<views::SurveyStatus>> {
    let fy = FiscalYear(fiscal_year);
    let mut store = state.store()?;
    actions::close_survey(&mut store, &author(), fy)?;
    Ok(views::survey_status(&*store, fy, Local::now().date_naive(), state.date_style())?)
}
