//! Settings (設定), stored as key/value text and read into [`Settings`] with defaults for missing keys.

use rusqlite::{Connection, params};

use super::SqliteTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::ledger::Settings;

pub(super) fn load_settings(conn: &Connection) -> Result<Settings> {
    let mut settings = Settings::default();
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (key, value) = row?;
        settings.set(&key, &value).map_err(|m| Error::Internal(format!("保存済みの設定が読めません: {m}")))?;
    }
    Ok(settings)
}

impl SqliteTx<'_> {
    /// Sets one setting, validated against its accepted values.
    pub(super) fn set_setting(&mut self, key: &str, value: &str) -> Result<Settings> {
        let before = load_settings(&self.tx)?;
        let mut after = before.clone();
        after.set(key, value).map_err(Error::Invalid)?;
        let stored = after.get(key).unwrap_or_default();
        self.tx.prepare_cached("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")?.execute(params![key, stored])?;
        if after != before {
            self.audit(Action::Update, "settings", key, Some(&before), Some(&after))?;
        }
        Ok(after)
    }
}
