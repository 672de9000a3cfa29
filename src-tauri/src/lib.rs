//! 台帳 (Daicho) desktop shell. Thin by design: every command calls the `daicho` library in a few lines; no SQL,
//! no parsing, no business rules here (see ARCHITECTURE.md).

mod bindings;
mod closing;
mod commands;
mod editing;
mod error;
mod files;
mod ledger_file;
mod state;
mod survey;

use tauri::{DragDropEvent, Emitter, Manager, WindowEvent};

/// The app's configuration as built into the binary (tauri.conf.json, checked at compile time).
fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}

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
        .manage(closing::CloseGuard::default())
        .setup(|app| {
            // Other people's changes to a shared ledger refresh the open screen.
            app.state::<state::AppState>().announce_changes(app.handle().clone());
            // The opening dashboard is worked out while the web view starts.
            let handle = app.handle().clone();
            std::thread::spawn(move || handle.state::<state::AppState>().prefetch_dashboard());
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                closing::on_close_requested(window, api);
            }
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
            files::send_back_return,
            files::cancel_import,
            files::import_history,
            files::returns_status,
            files::export_file,
            files::export_list,
            survey::survey_status,
            survey::start_survey,
            survey::set_return_state,
            survey::save_survey_missing,
            survey::close_survey,
            editing::update_initiative,
            editing::edit_initiatives,
            editing::set_evaluation,
            editing::settings,
            editing::set_setting,
            editing::set_date_style,
            editing::backup,
            editing::restore,
            ledger_file::new_ledger,
            ledger_file::open_ledger,
            ledger_file::remove_sample,
            ledger_file::test_server,
            ledger_file::connect_server,
            editing::add_unit,
            editing::delete_target,
            editing::delete_cost,
            editing::set_ocr_measure,
            editing::update_unit,
            files::pick_org_file,
            files::import_org,
            editing::org_tree,
            editing::add_alias,
            editing::rename_unit,
            editing::merge_units,
            editing::delete_initiative,
            editing::last_change,
            editing::undo_last_change,
            editing::delete_effect,
            editing::year_plan,
            editing::set_target,
            editing::set_cost,
            closing::close_asked,
            closing::close_window,
        ])
        .run(context());
    if let Err(e) = result {
        eprintln!("Daicho を起動できません: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    /// The CSP is what keeps text from an imported file from ever running as script (with Svelte's escaping). It is
    /// read from the configuration compiled into the app, not from the JSON file, so a build that lost it fails here.
    #[test]
    fn the_built_app_has_a_strict_content_security_policy() {
        let context = super::context();
        let csp = context.config().app.security.csp.as_ref().expect("a CSP is set, never null").to_string();
        let directive = |name: &str| {
            csp.split(';')
                .map(str::trim)
                .find(|d| d.starts_with(&format!("{name} ")))
                .unwrap_or_else(|| panic!("{name} in {csp}"))
                .to_string()
        };
        assert_eq!(directive("default-src"), "default-src 'self'");
        assert_eq!(directive("script-src"), "script-src 'self'", "no inline script, no eval, no other origin");
        assert_eq!(directive("object-src"), "object-src 'none'");
        assert_eq!(directive("base-uri"), "base-uri 'none'");
        assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
        assert_eq!(directive("connect-src"), "connect-src ipc: http://ipc.localhost", "only the IPC");
        assert!(!csp.contains("unsafe-eval") && !csp.contains('*'), "{csp}");
        assert!(
            context.config().app.security.dangerous_disable_asset_csp_modification.can_modify("script-src"),
            "Tauri adds its script hashes to script-src"
        );
    }
}
