//! Commands that read or write files the user chose: importing returns, exporting workbooks. Dialogs run here, on
//! the Rust side, and the commands accept only paths a dialog returned (the web view has no file-system access).
//!
//! Test seams: when `DAICHO_TEST_PICK_DIR` is set, "choosing files" returns the spreadsheets in that folder instead
//! of opening a dialog; when `DAICHO_TEST_SAVE_DIR` is set, "saving" uses that folder with the suggested name and
//! does not open a file manager. The end-to-end tests use them because WebDriver cannot click a native dialog.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use chrono::Local;
use daicho::actions;
use daicho::export::csv::CsvEncoding;
use daicho::fiscal::{DateStyle, FiscalYear};
use daicho::import::{ColumnMap, FileReport, ImportOptions};
use daicho::ledger::Basis;
use daicho::org::NameView;
use daicho::report::{GroupBy, ReportKind, ReportOptions};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, author};

const SPREADSHEETS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

fn io(path: &std::path::Path, e: std::io::Error) -> ApiError {
    daicho::Error::Io { path: path.to_path_buf(), source: e }.into()
}

/// Test seam: with `DAICHO_TEST_PICK_DIR` set, the files there with one of `extensions`, by name, stand for what a
/// file dialog would return; `None` when it is not set (the dialog opens).
pub(crate) fn test_picks(extensions: &[&str]) -> Option<ApiResult<Vec<PathBuf>>> {
    let dir = PathBuf::from(std::env::var_os("DAICHO_TEST_PICK_DIR")?);
    let found = std::fs::read_dir(&dir).map_err(|e| io(&dir, e)).map(|entries| {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().and_then(|x| x.to_str()).is_some_and(|x| extensions.contains(&x)))
            .collect();
        found.sort();
        found
    });
    Some(found)
}

/// Opens the file dialog for returns (several files at once) and returns the chosen paths.
#[tauri::command]
pub async fn pick_returns(app: AppHandle) -> ApiResult<Vec<String>> {
    crate::state::blocking(app, move |app, state| {
        let paths: Vec<PathBuf> = match test_picks(SPREADSHEETS) {
            Some(found) => found?,
            None => app
                .dialog()
                .file()
                .set_title("取り込む回答ファイルを選ぶ")
                .add_filter("Excel・OpenDocument", SPREADSHEETS)
                .blocking_pick_files()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.into_path().ok())
                .collect(),
        };
        state.choose(&paths);
        Ok(paths.iter().map(|p| p.display().to_string()).collect())
    })
    .await
}

/// Progress of a run over several files, sent as the `import-progress` event.
#[derive(Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub(crate) struct Progress {
    done: usize,
    total: usize,
    file: String,
}

/// What the user chose for one file on the import screen: the basis of figures the file names none for, and
/// column mappings (a column by its letters or header, to a field's title or 無視).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub(crate) struct FileChoice {
    basis: Option<String>,
    maps: Vec<MapChoice>,
    /// The cautions (要確認) the user read and wants written, by their key.
    #[serde(default)]
    confirmed: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub(crate) struct MapChoice {
    column: String,
    target: String,
}

fn options_of(
    fiscal_year: Option<i32>,
    choice: Option<&FileChoice>,
    date_style: DateStyle,
) -> ApiResult<ImportOptions> {
    let mut options =
        ImportOptions { fiscal_year: fiscal_year.map(FiscalYear), date_style, ..ImportOptions::default() };
    if let Some(c) = choice {
        options.basis = match c.basis.as_deref() {
            Some(b) => Some(
                Basis::parse(b)
                    .ok_or_else(|| daicho::Error::Invalid(format!("{}（指定: 「{b}」）", Basis::refusal())))?,
            ),
            None => None,
        };
        for m in &c.maps {
            options.maps.push(ColumnMap::new(&m.column, &m.target)?);
        }
        options.confirmed.clone_from(&c.confirmed);
    }
    Ok(options)
}

/// Plans (`commit: false`, the dry run) or imports (`commit: true`) the chosen files, one transaction each; a file
/// with errors is never committed. Files are read on every core and planned in order; the batch stops between
/// files when cancelled. The ledger is locked per file, so other screens stay usable during a long batch.
/// `choices` holds what the user chose per file (by its path): a basis, column mappings.
#[tauri::command]
pub async fn import_files(
    app: AppHandle,
    paths: Vec<String>,
    fiscal_year: Option<i32>,
    commit: bool,
    choices: Option<HashMap<String, FileChoice>>,
) -> ApiResult<Vec<FileReport>> {
    crate::state::blocking(app, move |app, state| {
        let _importing = state.begin_import()?;
        state.cancel.store(false, Ordering::SeqCst);
        let chosen: Vec<PathBuf> = paths.iter().map(|p| state.chosen(p)).collect::<Result<_, _>>()?;
        // Reports name each file as the user knows it: its file name.
        let names: Vec<String> = chosen
            .iter()
            .zip(&paths)
            .map(|(p, path)| p.file_name().map_or_else(|| path.clone(), |f| f.to_string_lossy().into_owned()))
            .collect();
        let total = names.len();
        let choices = choices.unwrap_or_default();
        let options: Vec<ImportOptions> = paths
            .iter()
            .map(|p| options_of(fiscal_year, choices.get(p), state.date_style()))
            .collect::<ApiResult<_>>()?;
        let read =
            |i: usize| std::fs::read(&chosen[i]).map_err(|e| daicho::Error::Io { path: chosen[i].clone(), source: e });
        let reports = actions::import_returns(
            state.ledger(),
            &author(),
            &actions::ImportBatch { names: &names, commit },
            read,
            |n| options[n].clone(),
            &|| state.cancel.load(Ordering::SeqCst),
            &mut |event| {
                if let actions::ImportEvent::File { index, total, .. } = event {
                    let _ = app.emit("import-progress", Progress { done: index, total, file: paths[index].clone() });
                }
            },
        )?;
        let _ = app.emit("import-progress", Progress { done: reports.len(), total, file: String::new() });
        Ok(reports)
    })
    .await
}

/// Opens the file dialog for an organisation workbook (部局・課・係・コード・開始年度・終了年度・別名).
#[tauri::command]
pub async fn pick_org_file(app: AppHandle) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
        let path: Option<PathBuf> = match test_picks(SPREADSHEETS) {
            Some(found) => found?.into_iter().next(),
            None => app
                .dialog()
                .file()
                .set_title("取り込む組織表を選ぶ")
                .add_filter("Excel・OpenDocument", SPREADSHEETS)
                .blocking_pick_file()
                .and_then(|p| p.into_path().ok()),
        };
        let Some(path) = path else { return Ok(None) };
        state.choose(std::slice::from_ref(&path));
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Checks (`commit: false`) or imports an organisation workbook: every row's change, every error; a file with an
/// error imports nothing.
#[tauri::command]
pub async fn import_org(app: AppHandle, path: String, commit: bool) -> ApiResult<daicho::import::org::OrgReport> {
    crate::state::blocking(app, move |_app, state| {
        let chosen = state.chosen(&path)?;
        let bytes = std::fs::read(&chosen).map_err(|e| io(&chosen, e))?;
        let name = chosen.file_name().map_or_else(|| path.clone(), |f| f.to_string_lossy().into_owned());
        Ok(actions::import_org(&mut *state.store()?, &author(), &name, &bytes, commit)?)
    })
    .await
}

/// What sending a return back did: where its list of errors was saved, and which sections became 差戻し.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SentBack {
    pub saved: String,
    pub sections: Vec<String>,
}

/// Sends a refused return back to its section: asks where to save the workbook of what to fix (suggesting
/// `差戻し_R6_部局_課.xlsx`), then marks the section 差戻し in the year's survey. `None` when the user cancelled the
/// dialog (nothing is marked).
#[tauri::command]
pub async fn send_back_return(
    app: AppHandle,
    path: String,
    fiscal_year: i32,
    choice: Option<FileChoice>,
) -> ApiResult<Option<SentBack>> {
    crate::state::blocking(app, move |app, state| {
        let fy = FiscalYear(fiscal_year);
        let chosen = state.chosen(&path)?;
        let bytes = std::fs::read(&chosen).map_err(|e| daicho::Error::Io { path: chosen.clone(), source: e })?;
        let name = chosen.file_name().map_or_else(|| path.clone(), |f| f.to_string_lossy().into_owned());
        let options = options_of(Some(fiscal_year), choice.as_ref(), state.date_style())?;
        let today = chrono::Local::now().date_naive();
        let errors = actions::return_errors(&*state.store()?, &name, &bytes, &options, fy, today)?;
        let Some(saved) = save_file(app, &errors.file_name, "差戻しの一覧の保存先を選ぶ", &errors.workbook)?
        else {
            return Ok(None);
        };
        let sections = actions::send_back(&mut *state.store()?, &author(), fy, &errors.report)?;
        Ok(Some(SentBack { saved, sections }))
    })
    .await
}

#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) {
    state.cancel.store(true, Ordering::SeqCst);
}

#[tauri::command]
pub fn import_history(state: State<'_, AppState>) -> ApiResult<Vec<daicho::views::ImportView>> {
    Ok(daicho::views::import_history(&*state.store()?, state.date_style())?)
}

#[tauri::command]
pub fn returns_status(state: State<'_, AppState>, fiscal_year: i32) -> ApiResult<Vec<daicho::views::ReturnStatus>> {
    Ok(daicho::views::returns_status(&*state.store()?, FiscalYear(fiscal_year))?)
}

/// What to export.
#[derive(Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExportRequest {
    /// `template`, `ledger` or a report: `summary`, `trend`, `before-after`, `check`, `cumulative`, `cost`, `all`.
    pub what: String,
    pub fiscal_year: i32,
    /// 部局 (or 部局/課) for the template and the ledger export; a 部局 for a report.
    pub scope: Option<String>,
    pub prefill: bool,
    /// `xlsx`, `csv-cp932` or `csv-utf8`.
    pub format: String,
}

/// Builds the file, asks where to save it (suggesting a name), writes it atomically and shows it in its folder.
/// Returns the saved path, or `None` when the user cancelled the dialog.
#[tauri::command]
pub async fn export_file(app: AppHandle, request: ExportRequest) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
        let fy = FiscalYear(request.fiscal_year);
        let csv = match request.format.as_str() {
            "xlsx" => None,
            "csv-cp932" => Some(CsvEncoding::Cp932),
            "csv-utf8" => Some(CsvEncoding::Utf8Bom),
            other => {
                return Err(crate::error::invalid(format!("出力形式「{other}」はありません")));
            }
        };
        let (bytes, name) = {
            let store = state.store()?;
            match request.what.as_str() {
                "template" => {
                    let (bytes, _) =
                        daicho::export::survey_file(&*store, fy, request.scope.as_deref(), true, request.prefill)?;
                    (bytes, format!("{}_調査票.xlsx", fy.wareki()))
                }
                "ledger" => {
                    let (bytes, _) = daicho::export::survey_file(&*store, fy, request.scope.as_deref(), false, true)?;
                    (bytes, format!("{}_台帳.xlsx", fy.wareki()))
                }
                what => {
                    let kinds = ReportKind::selection(what)?;
                    let opts = ReportOptions {
                        fiscal_year: fy,
                        by: GroupBy::Bureau,
                        basis: None,
                        view: NameView::AsReported,
                        detail: false,
                        from: None,
                        // A 部局 chosen for a report selects it under any of its names, with the units merged into it.
                        bureau: match request.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                            Some(name) => Some(daicho::export::report_bureau(&*store, name)?),
                            None => None,
                        },
                    };
                    let (bytes, tables) =
                        daicho::export::report_file(&*store, &kinds, &opts, csv, Local::now().date_naive())?;
                    let title = if tables.len() == 1 { tables[0].sheet.clone() } else { "効果集計".to_string() };
                    let ext = if csv.is_some() { "csv" } else { "xlsx" };
                    let bureau = request.scope.as_deref().map(str::trim).filter(|s| !s.is_empty());
                    let bureau = bureau.map_or(String::new(), |b| format!("{}_", b.replace(['/', '\\'], "_")));
                    (bytes, format!("{}_{bureau}{title}.{ext}", fy.wareki()))
                }
            }
        };
        save_file(app, &name, "保存先を選ぶ", &bytes)
    })
    .await
}

/// 「この一覧を書き出す」: the ledger list as the screen shows it (its rows in order, its columns, its conditions) as
/// a workbook, saved where the user chooses. The saved path, or `None` when the user cancelled.
#[tauri::command]
pub async fn export_list(
    app: AppHandle,
    fiscal_year: i32,
    list: daicho::export::ListExport,
) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
        let fy = FiscalYear(fiscal_year);
        let (bytes, _) = daicho::export::ledger_list_file(&*state.store()?, fy, &list, Local::now().date_naive())?;
        save_file(app, &format!("{}_取組一覧.xlsx", fy.wareki()), "一覧の保存先を選ぶ", &bytes)
    })
    .await
}

/// Asks where to save a file the app built (suggesting `name`; in tests, `DAICHO_TEST_SAVE_DIR/name` without a
/// dialog), writes it atomically and shows it in its folder. The saved path, or `None` when the user cancelled.
pub(crate) fn save_file(app: &AppHandle, name: &str, title: &str, bytes: &[u8]) -> ApiResult<Option<String>> {
    let test_dir = std::env::var_os("DAICHO_TEST_SAVE_DIR").map(PathBuf::from);
    let path = match &test_dir {
        Some(dir) => Some(dir.join(name)),
        None => {
            let ext = if name.ends_with(".csv") { "csv" } else { "xlsx" };
            app.dialog()
                .file()
                .set_title(title)
                .set_file_name(name)
                .add_filter(if ext == "csv" { "CSV" } else { "Excel ブック" }, &[ext])
                .blocking_save_file()
                .and_then(|p| p.into_path().ok())
        }
    };
    let Some(path) = path else { return Ok(None) };
    daicho::export::write_atomically(&path, bytes)?;
    if test_dir.is_none() {
        let _ = tauri_plugin_opener::reveal_item_in_dir(&path);
    }
    Ok(Some(path.display().to_string()))
}
