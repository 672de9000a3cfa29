//! The app's state: the open ledger, behind a mutex (one window, commands run one at a time on it).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use daicho::db::{Author, Store};

use crate::error::ApiError;

pub struct AppState {
    store: Mutex<Store>,
    /// Files the user chose in a dialog during this session: the only paths the file commands accept, so the web
    /// view can never name a file of its own choosing.
    chosen: Mutex<HashSet<PathBuf>>,
    /// Set by the cancel button; checked between files, each of which is its own transaction.
    pub cancel: AtomicBool,
}

impl AppState {
    /// Opens the ledger at `DAICHO_DB` or the default local app-data path.
    pub fn open() -> Result<Self, daicho::Error> {
        let path = match std::env::var_os("DAICHO_DB") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => daicho::db::default_path()?,
        };
        Ok(Self { store: Mutex::new(Store::open(&path)?), chosen: Mutex::default(), cancel: AtomicBool::new(false) })
    }

    /// Remembers paths a dialog returned.
    pub fn choose(&self, paths: &[PathBuf]) {
        if let Ok(mut set) = self.chosen.lock() {
            set.extend(paths.iter().cloned());
        }
    }

    /// Refuses a path no dialog returned in this session.
    pub fn chosen(&self, path: &str) -> Result<PathBuf, ApiError> {
        let p = Path::new(path).to_path_buf();
        let known = self.chosen.lock().map(|set| set.contains(&p)).unwrap_or(false);
        if known {
            Ok(p)
        } else {
            Err(ApiError {
                code: "validation",
                message: format!("ファイル「{path}」は選ばれていません。ファイルを選び直してください"),
            })
        }
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, ApiError> {
        self.store
            .lock()
            .map_err(|_| ApiError { code: "internal", message: "台帳を開けません（内部エラー）".into() })
    }
}

/// The author of a change made in the app: the OS user, now. The only place the shell reads the clock for writes.
pub fn author() -> Author {
    Author::os_user(chrono::Local::now().fixed_offset())
}
