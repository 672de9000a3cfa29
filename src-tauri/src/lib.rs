//! 台帳 (Daicho) desktop shell. Thin by design: every command calls the `daicho` library in a few lines; no SQL,
//! no parsing, no business rules here (see ARCHITECTURE.md).

mod bindings;
mod commands;
mod editing;
mod error;
mod files;
mod state;

use tauri::{DragDropEvent, Emitter, Manager, WindowEvent};

/// Builds and runs the app. Exits with a message when the ledger cannot be opened.
pub fn run() {
    let state = match state::AppState::open() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("台帳を開けません: {e}");
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            // A second launch focuses the running window instead of opening another ledger connection.
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .on_window_event(|window, event| {
            // Files dropped on the window count as chosen by the user, like a dialog's answer; the import screen
            // receives them and checks them first.
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                if let Some(state) = window.try_state::<state::AppState>() {
                    state.choose(paths);
                }
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                let _ = window.emit("files-dropped", names);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::load_demo,
            commands::dashboard,
            commands::ledger,
            commands::initiative,
            commands::check_formula,
            commands::unit_paths,
            commands::add_initiative,
            commands::save_effect,
            files::pick_returns,
            files::import_files,
            files::cancel_import,
            files::import_history,
            files::returns_status,
            files::export_file,
            editing::update_initiative,
            editing::set_evaluation,
            editing::settings,
            editing::set_setting,
            editing::backup,
            editing::restore,
            editing::org_tree,
            editing::add_alias,
            editing::rename_unit,
            editing::merge_units,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Daicho を起動できません: {e}");
        std::process::exit(1);
    }
}
