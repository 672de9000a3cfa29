//! Which ledger file the app works on: start a new empty one, open another, take the sample city out again. Each
//! switch replaces the open store and is remembered for the next start.
//!
//! Test seam: with `DAICHO_TEST_SAVE_DIR` set, a new ledger is created there as `新しい台帳.sqlite3` without a dialog;
//! with `DAICHO_TEST_PICK_DIR` set, the first `.sqlite3` file there (by name) is opened.

use std::path::PathBuf;

use daicho::actions;
use daicho::db::Store;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::ApiResult;
use crate::state::AppState;

const FILTER: (&str, &[&str]) = ("Daicho の台帳", &["sqlite3"]);

/// Creates a new, empty ledger where the user chooses and opens it. `None` when the user cancelled.
#[tauri::command]
pub async fn new_ledger(app: AppHandle, state: State<'_, AppState>) -> ApiResult<Option<String>> {
    let path = match std::env::var_os("DAICHO_TEST_SAVE_DIR") {
        Some(dir) => Some(PathBuf::from(dir).join("新しい台帳.sqlite3")),
        None => app
            .dialog()
            .file()
            .set_title("新しい台帳の保存先を選ぶ")
            .set_file_name("daicho.sqlite3")
            .add_filter(FILTER.0, FILTER.1)
            .blocking_save_file()
            .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = path else { return Ok(None) };
    state.refuse_while_importing()?;
    let store = Store::create(&path)?;
    state.switch_to(store)?;
    Ok(Some(path.display().to_string()))
}

/// Opens another ledger file the user picks, after checking it is a Daicho ledger. `None` when cancelled.
#[tauri::command]
pub async fn open_ledger(app: AppHandle, state: State<'_, AppState>) -> ApiResult<Option<String>> {
    let path = match crate::files::test_picks(FILTER.1) {
        Some(found) => found?.into_iter().next(),
        None => app
            .dialog()
            .file()
            .set_title("開く台帳を選ぶ")
            .add_filter(FILTER.0, FILTER.1)
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = path else { return Ok(None) };
    state.refuse_while_importing()?;
    let store = Store::open_existing(&path)?;
    state.switch_to(store)?;
    Ok(Some(path.display().to_string()))
}

/// Takes the sample city out of the open ledger: it becomes empty, the sample is kept as a copy beside it.
#[tauri::command]
pub fn remove_sample(state: State<'_, AppState>) -> ApiResult<String> {
    state.refuse_while_importing()?;
    let kept = actions::remove_sample(&mut *state.store()?)?;
    Ok(kept.display().to_string())
}
