//! The app's state: the open ledger, behind a mutex (one window, commands run one at a time on it).

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use daicho::db::Store;

use crate::error::ApiError;

pub struct AppState {
    store: Mutex<Store>,
}

impl AppState {
    /// Opens the ledger at `DAICHO_DB` or the default local app-data path.
    pub fn open() -> Result<Self, daicho::Error> {
        let path = match std::env::var_os("DAICHO_DB") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => daicho::db::default_path()?,
        };
        Ok(Self { store: Mutex::new(Store::open(&path)?) })
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, ApiError> {
        self.store
            .lock()
            .map_err(|_| ApiError { code: "internal", message: "台帳を開けません（内部エラー）".into() })
    }
}
