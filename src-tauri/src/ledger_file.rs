//! Which ledger file the app works on: start a new empty one, open another, take the sample city out again. Each
//! switch replaces the open store and is remembered for the next start.
//!
//! Test seam: with `DAICHO_TEST_SAVE_DIR` set, a new ledger is created there as `新しい台帳.sqlite3` without a dialog;
//! with `DAICHO_TEST_PICK_DIR` set, the first `.sqlite3` file there (by name) is opened.

use std::path::PathBuf;

use daicho::actions;
use daicho::db::{Location, Store};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::ApiResult;
use crate::state::AppState;

const FILTER: (&str, &[&str]) = ("Daicho の台帳", &["sqlite3"]);

/// Creates a new, empty ledger where the user chooses and opens it. `None` when the user cancelled.
#[tauri::command]
pub async fn new_ledger(app: AppHandle) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
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
        state.switch_to(store, &path.to_string_lossy())?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Opens another ledger file the user picks, after checking it is a Daicho ledger. `None` when cancelled.
#[tauri::command]
pub async fn open_ledger(app: AppHandle) -> ApiResult<Option<String>> {
    crate::state::blocking(app, move |app, state| {
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
        state.switch_to(store, &path.to_string_lossy())?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// What a connection to a team's server showed: where, and what is in it.
#[derive(serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ServerCheck {
    /// The connection string as shown (without a password).
    pub shown: String,
    /// What opening it would do, or what it holds.
    pub message: String,
}

/// A team's server from what the user typed: a connection string without a password in it (the password field is
/// for that, and is never kept in the app's files).
fn server_target(conn: &str) -> ApiResult<String> {
    match Location::parse(conn) {
        Location::Server(conn)
            if conn.contains("password=")
                || conn
                    .split_once("://")
                    .is_some_and(|(_, rest)| rest.split_once('@').is_some_and(|(auth, _)| auth.contains(':'))) =>
        {
            Err(crate::error::invalid(
                "接続先にパスワードを書かないでください。パスワードは「パスワード」欄に入力します（保存するときはパスワードファイルへ）",
            ))
        }
        Location::Server(conn) => Ok(conn),
        Location::File(_) => Err(crate::error::invalid(format!(
            "「{}」はサーバーの接続先ではありません。postgresql://サーバー名/データベース名?sslmode=verify-full の形で入力してください",
            daicho::db::redact(conn)
        ))),
    }
}

/// Connects to a team's server without switching to it (接続テスト): what is there, or why it cannot be reached.
#[tauri::command]
pub async fn test_server(app: AppHandle, conn: String, password: Option<String>) -> ApiResult<ServerCheck> {
    crate::state::blocking(app, move |_app, _state| {
        let conn = server_target(&conn)?;
        let probe = Store::probe(&conn, password.as_deref().filter(|p| !p.is_empty()))?;
        let latest = daicho::db::latest_schema_version();
        let message = match (probe.schema_version, probe.initiatives) {
            (0, _) => "台帳はまだありません（開くと、このデータベースに台帳を作ります）".to_string(),
            (v, Some(n)) if v == latest => format!("スキーマ {v}、取組 {n} 件"),
            (v, _) if v < latest => format!("スキーマ {v}（開くとスキーマ {latest} に更新します）"),
            (v, _) => format!(
                "スキーマ {v} は新しい版の Daicho のものです（この版は {latest} まで）。Daicho を更新してください"
            ),
        };
        Ok(ServerCheck { shown: Location::Server(conn.clone()).shown(), message })
    })
    .await
}

/// Opens a team's shared ledger on its server in place of the open one, and remembers it (without the password)
/// for the next start. With `remember`, the password is kept in this user's libpq password file.
#[tauri::command]
pub async fn connect_server(
    app: AppHandle,
    conn: String,
    password: Option<String>,
    remember: bool,
) -> ApiResult<String> {
    crate::state::blocking(app, move |_app, state| {
        let conn = server_target(&conn)?;
        let password = password.filter(|p| !p.is_empty());
        state.refuse_while_importing()?;
        let store = Store::connect_with_password(&conn, password.as_deref())?;
        if let (true, Some(password)) = (remember, &password) {
            Store::remember_password(&conn, password)?;
        }
        state.switch_to(store, &conn)?;
        Ok(Location::Server(conn).shown())
    })
    .await
}

/// Takes the sample city out of the open ledger: it becomes empty, the sample is kept as a copy beside it.
#[tauri::command]
pub fn remove_sample(state: State<'_, AppState>) -> ApiResult<String> {
    state.refuse_while_importing()?;
    let kept = actions::remove_sample(&mut *state.store()?)?;
    state.ledger_replaced();
    Ok(kept.display().to_string())
}
